"""The documents a query matches, unscored, as a sorted numpy array: posting arrays read whole.

Whoosh steps through matches one document at a time in Python; for the match set (what the
totals, facet counts and histogram describe) only the document numbers matter, so each term's
postings are read as arrays (archive.store.postings) and the query tree is evaluated with set
operations. Phrases are checked over the candidates' positions with numpy too, and the search
box's quotes (`TypedPhrase`: the words as typed, in order or near each other); parts this does
not know (ranges) are left to Whoosh, for that part only.
The postings read are kept (`Postings`) so scoring (archive.search.scoring) reads them once.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from whoosh import query
from whoosh.analysis import StemFilter
from whoosh.formats import Characters

from archive.errors import BadQuery
from archive.store.postings import (
    MAX_LENGTH,
    decode_value,
    spelling_is_exact,
    term_positions,
    term_postings,
    values_at,
)

EMPTY = np.zeros(0, dtype=np.int64)
NO_WEIGHTS = np.zeros(0, dtype=np.float64)
MAX_EXPANSION = 2_000  # words the wildcards of one search may stand for, all fields together
WORK_SECONDS = 3.0  # a search that has read postings this long stops, so no query can hold the server


class TypedPhrase(query.Phrase):
    """Quotes as the search box reads them: `words` (as the field indexes them) in this order, each in the
    form typed (`exact`: the folded unstemmed word, None for any form); with `near` > 0, all of them within
    `near` words of each other (for k words, a stretch of `near` x (k - 1)), in any order."""

    def __init__(
        self, fieldname: str, words: list[str], exact: tuple[str | None, ...] = (), near: int = 0, boost: float = 1.0
    ) -> None:
        super().__init__(fieldname, list(words), slop=max(1, near), boost=boost)
        self.exact = tuple(exact) or (None,) * len(words)
        self.near = near

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and (self.exact, self.near) == (other.exact, other.near)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return super().__hash__() ^ hash((self.exact, self.near))

    def normalize(self) -> TypedPhrase:
        return self

    def __unicode__(self) -> str:
        words = " ".join(e or w for w, e in zip(self.words, self.exact, strict=True))
        return f'{self.fieldname}:"{words}"' + (f"~{self.near}" if self.near else "")

    __str__ = __unicode__


class Postings:
    """One search's postings: (field, term) -> (global document numbers, term weights), read once.

    It also keeps the search's work budget: reading stops with a clear error past WORK_SECONDS,
    and its wildcards may stand for at most MAX_EXPANSION words in all.
    """

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.deadline = time.monotonic() + WORK_SECONDS
        self._ids: dict[tuple[str, bytes], tuple[np.ndarray, np.ndarray]] = {}
        self._positions: dict[tuple[str, bytes], Positions] = {}
        self._expanded: dict[query.Query, list[bytes]] = {}
        self._words = 0
        self._forms: dict[tuple[str, str, str, bool], list[str] | None] = {}
        self._exact_spelling: np.ndarray | None = None

    def of(self, fieldname: str, text: str | bytes) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, term weights) of one term: from the posting arrays where its segments have them."""
        key = self._key(fieldname, text)
        if key not in self._ids:
            self.check()
            self._ids[key] = _read_ids(self.reader, *key)
        return self._ids[key]

    def positions(self, fieldname: str, text: str | bytes) -> Positions:
        """Where the term stands in each document that holds it (a positional field)."""
        key = self._key(fieldname, text)
        if key not in self._positions:
            self.check()
            self._positions[key] = Positions.read(self.reader, *key)
        return self._positions[key]

    def _key(self, fieldname: str, text: str | bytes) -> tuple[str, bytes]:
        if isinstance(text, str):
            text = self.reader.schema[fieldname].to_bytes(text)
        return fieldname, text

    def expand(self, q: query.MultiTerm) -> list[bytes]:
        """The words a wildcard, prefix or fuzzy term stands for in its field, within the budget."""
        if q not in self._expanded:
            words = []
            for word in q._btexts(self.reader):
                words.append(word)
                self._words += 1
                if self._words > MAX_EXPANSION:
                    raise BadQuery(
                        f"its wildcards stand for more than {MAX_EXPANSION:,} words ({q.text}… among them); "
                        "give them more letters",
                    )
                if len(words) % 256 == 0:
                    self.check()
            self._expanded[q] = words
        return self._expanded[q]

    def other_forms(self, fieldname: str, stem: str, form: str, by_length: bool) -> list[str] | None:
        """The archive's other forms of `stem` than `form` that the postings cannot tell apart from it (as
        long, when `by_length`), from the field's `spell_` word list; None when the field has none.

        The list's words are already folded, so only the stemmer is asked; a stemmer changes at most a
        word's last letters, so the forms of a stem share all but its last two."""
        key = (fieldname, stem, form, by_length)
        if key not in self._forms:
            spell = f"spell_{fieldname}"
            if spell not in self.reader.schema:
                self._forms[key] = None
                return None
            stemmed = _stemmer(self.reader.schema[fieldname].analyzer)
            prefix = form[: max(1, min(3, len(stem) - 1), len(stem) - 2)]
            found = []
            for n, word in enumerate(self.reader.expand_prefix(spell, prefix)):
                word = word.decode("utf-8") if isinstance(word, bytes) else word
                if word != form and (not by_length or len(word) == len(form)) and stemmed(word) == stem:
                    found.append(word)
                if n % 256 == 255:
                    self.check()
            self._forms[key] = found
        return self._forms[key]

    def spelled(self, fieldname: str, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The documents that hold any of these unstemmed words in a field, and a mask over the archive of
        the documents where that list is complete (segments the archive wrote: Whoosh's own writer
        numbers every spelling posting 0)."""
        spell = f"spell_{fieldname}"
        docs = union([self.of(spell, word)[0] for word in words], self.reader.doc_count_all())
        if self._exact_spelling is None:
            exact = np.zeros(self.reader.doc_count_all(), dtype=np.bool_)
            for leaf, offset in self.reader.leaf_readers():
                exact[offset : offset + leaf.doc_count_all()] = spelling_is_exact(leaf)
            self._exact_spelling = exact
        return docs, self._exact_spelling

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise BadQuery(f"took longer than {WORK_SECONDS:g} s; narrow it (fewer wildcards, more words)")


def _read_ids(reader: Any, fieldname: str, text: bytes) -> tuple[np.ndarray, np.ndarray]:
    ids, weights = [], []
    for leaf, offset in reader.leaf_readers():
        leaf_ids, leaf_weights = term_postings(leaf, fieldname, text)
        if len(leaf_ids):
            ids.append(leaf_ids.astype(np.int64) + offset)
            weights.append(leaf_weights.astype(np.float64))
    if not ids:
        return EMPTY, NO_WEIGHTS
    return np.concatenate(ids), np.concatenate(weights)


class Positions:
    """One term's occurrences over the archive: the documents holding it (sorted), where each one's
    occurrences start in `positions` (`starts`, one more than the documents), and with character
    offsets (the body) each occurrence's length, up to MAX_LENGTH."""

    def __init__(self, ids: np.ndarray, starts: np.ndarray, positions: np.ndarray, lengths: np.ndarray | None) -> None:
        self.ids, self.starts, self.positions, self.lengths = ids, starts, positions, lengths

    @classmethod
    def read(cls, reader: Any, fieldname: str, text: bytes) -> Positions:
        ids, counts, positions, lengths = [], [], [], []
        for leaf, offset in reader.leaf_readers():
            leaf_ids, leaf_counts, leaf_positions, leaf_lengths = term_positions(leaf, fieldname, text)
            if len(leaf_ids):
                ids.append(leaf_ids + offset)
                counts.append(leaf_counts)
                positions.append(leaf_positions)
                if leaf_lengths is not None:
                    lengths.append(leaf_lengths)
        if not ids:
            return cls(EMPTY, np.zeros(1, dtype=np.int64), EMPTY, None)
        all_counts = np.concatenate(counts)
        starts = np.zeros(len(all_counts) + 1, dtype=np.int64)
        np.cumsum(all_counts, out=starts[1:])
        all_positions = np.concatenate(positions)
        all_lengths = np.concatenate(lengths) if len(lengths) == len(ids) else None
        return cls(np.concatenate(ids), starts, all_positions, all_lengths)

    def among(self, candidates: np.ndarray, length: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The occurrences in these documents (sorted, each holding the term): for each, the number of its
        document among the candidates and its position; with `length`, only those that long."""
        rows = np.searchsorted(self.ids, candidates)
        begin, counts = self.starts[rows], self.starts[rows + 1] - self.starts[rows]
        total = int(counts.sum())
        owner = np.repeat(np.arange(len(candidates), dtype=np.int64), counts)
        firsts = np.cumsum(counts) - counts
        at = np.arange(total, dtype=np.int64) - np.repeat(firsts - begin, counts)
        positions = self.positions[at]
        if length is not None and self.lengths is not None:
            keep = self.lengths[at] == min(length, MAX_LENGTH)
            owner, positions = owner[keep], positions[keep]
        return owner, positions


STRIDE = np.int64(2**32)  # a key of (candidate, position) is candidate x STRIDE + position: positions are 32-bit


def _in_order(occurrences: list[tuple[np.ndarray, np.ndarray]], slop: int) -> np.ndarray:
    """Keys (candidate x STRIDE + the first word's position) of the places where the words stand in order,
    each 1 to `slop` positions after the one before, Whoosh's rule (1: adjacent)."""
    owner, positions = occurrences[0]
    starts = owner * STRIDE + positions  # where each run began
    reached = starts
    for owner, positions in occurrences[1:]:
        keys = owner * STRIDE + positions
        order = np.argsort(reached, kind="stable")
        sorted_reached = reached[order]
        found = np.full(len(keys), -1, dtype=np.int64)
        for step in range(1, slop + 1):  # the latest earlier word this one follows, within slop
            at = np.searchsorted(sorted_reached, keys - step)
            hit = (found < 0) & (at < len(sorted_reached))
            hit &= sorted_reached[np.minimum(at, len(sorted_reached) - 1)] == keys - step
            found[hit] = order[at[hit]]
        keep = found >= 0
        reached, starts = keys[keep], starts[found[keep]]
        if not len(reached):
            break
    return np.unique(starts)


def matching(q: query.Query, searcher: Any, size: int, postings: Postings | None = None) -> np.ndarray:
    """Sorted document numbers matching `q` (deleted ones included: the caller masks them)."""
    postings = postings or Postings(searcher.reader())
    if isinstance(q, query.Term):
        return postings.of(q.fieldname, q.text)[0]
    if isinstance(q, query.Every):
        return np.arange(size, dtype=np.int64) if not q.fieldname else _whoosh(q, searcher)
    if isinstance(q, query.NullQuery.__class__):
        return EMPTY
    if isinstance(q, query.And):
        return intersection([matching(child, searcher, size, postings) for child in q.subqueries], size)
    if isinstance(q, query.Or | query.DisjunctionMax):
        return union([matching(child, searcher, size, postings) for child in q.subqueries], size)
    if isinstance(q, query.AndNot):
        keep, drop = matching(q.a, searcher, size, postings), matching(q.b, searcher, size, postings)
        return keep[~_mask(drop, size)[keep]]
    if isinstance(q, query.AndMaybe):
        return matching(q.a, searcher, size, postings)
    if isinstance(q, query.Not):
        return np.flatnonzero(~_mask(matching(q.query, searcher, size, postings), size))
    if isinstance(q, TypedPhrase):
        return typed_phrase_docs(q, searcher, postings, size)
    if isinstance(q, query.Phrase) and q.words:
        return phrase_docs(q, postings, size)
    if isinstance(q, query.MultiTerm):  # prefixes, wildcards, fuzzy terms: the terms they expand to
        return union([postings.of(q.fieldname, word)[0] for word in postings.expand(q)], size)
    return _whoosh(q, searcher)


def _mask(docs: np.ndarray, size: int) -> np.ndarray:
    mask = np.zeros(max(size, int(docs.max()) + 1 if len(docs) else 0), dtype=bool)
    mask[docs] = True
    return mask


def union(parts: list[np.ndarray], size: int) -> np.ndarray:
    """The sorted documents in any of these sorted arrays: a mask over the archive (linear, where sorting
    their concatenation is not) when they are many, numpy's sort when they are few."""
    parts = [p for p in parts if len(p)]
    if len(parts) <= 1:
        return parts[0] if parts else EMPTY
    joined = np.concatenate(parts)
    if len(joined) * 16 < size:
        return np.unique(joined)
    return np.flatnonzero(_mask(joined, size))


def intersection(parts: list[np.ndarray], size: int) -> np.ndarray:
    """The sorted documents in all of these sorted arrays, smallest first."""
    if not parts:
        return EMPTY
    parts = sorted(parts, key=len)
    found = parts[0]
    for other in parts[1:]:
        if not len(found):
            break
        if len(found) * 16 < len(other):  # few against many: a binary search each
            at = np.searchsorted(other, found)
            found = found[(at < len(other)) & (other[np.minimum(at, len(other) - 1)] == found)]
        else:
            found = found[_mask(other, size)[found]]
    return found


def phrase_docs(q: query.Phrase, postings: Postings, size: int) -> np.ndarray:
    """Documents where the phrase's words stand in order, each within `slop` positions of the one before
    (Whoosh's rule): the documents holding every word found from their ids, positions checked only there."""
    fieldname, words, slop = q.fieldname, q.words, max(1, q.slop)
    candidates = intersection([postings.of(fieldname, word)[0] for word in words], size)
    if len(words) == 1 or not len(candidates):
        return candidates
    starts = _in_order([postings.positions(fieldname, word).among(candidates) for word in words], slop)
    return candidates[np.unique(starts // STRIDE)]


def typed_phrase_docs(q: TypedPhrase, searcher: Any, postings: Postings, size: int) -> np.ndarray:
    """Documents holding the quoted words as typed, in order (or near each other).

    The stems' positions find the candidates; in a field that keeps character offsets (the body) an
    occurrence must also be as long as the typed form (`rates`, not `rate`). Where that cannot tell
    the forms of a stem apart (`rated` is as long as `rates`; the headline keeps no offsets), the
    field's unstemmed word lists (`spell_`) drop the candidates without the typed form, and the
    stored text is read only for those that hold another such form as well.
    """
    fieldname, words = q.fieldname, q.words
    candidates = intersection([postings.of(fieldname, word)[0] for word in words], size)
    if not len(candidates):
        return candidates
    reader = postings.reader
    chars = isinstance(reader.schema[fieldname].format, Characters)
    verify: list[str | None] = [None] * len(words)
    unsure = np.zeros(len(candidates), dtype=np.bool_)  # candidates whose stored text must be read
    for i, (word, form) in enumerate(zip(words, q.exact, strict=True)):
        others = postings.other_forms(fieldname, word, form, chars) if form else []
        if others is None:  # no word lists: every candidate is read
            verify[i], unsure[:] = form, True
        elif others:
            verify[i] = form
            holding, exact = postings.spelled(fieldname, [form])
            keep = ~exact[candidates] | _mask(holding, size)[candidates]
            candidates, unsure = candidates[keep], unsure[keep]
            mixed, _ = postings.spelled(fieldname, others)
            unsure |= ~exact[candidates] | _mask(mixed, size)[candidates]
    if not len(candidates):
        return candidates
    found = [
        postings.positions(fieldname, word).among(candidates, len(form) if chars and form else None)
        for word, form in zip(words, q.exact, strict=True)
    ]
    if q.near:
        matched = _near(found, len(candidates), q.near, unsure, postings)
    else:
        starts = _in_order(found, 1)
        matched = {int(key // STRIDE): [] for key in starts}
        for key in starts[unsure[starts // STRIDE]]:
            start = int(key % STRIDE)
            matched[int(key // STRIDE)].append(tuple(range(start, start + len(words))))
    doubtful = sorted(int(candidates[c]) for c in matched if unsure[c])
    values = [_values_at(reader, fieldname, word, doubtful) for word in words] if chars and doubtful else []
    keep = []
    analyzer = reader.schema[fieldname].analyzer
    for n, (candidate, matches) in enumerate(sorted(matched.items())):
        docnum = int(candidates[candidate])
        if unsure[candidate]:
            text = searcher.stored_fields(docnum).get(fieldname) or ""
            held = [v.get(docnum, b"") for v in values]
            if not any(_typed_at(m, text, verify, chars, held, analyzer) for m in matches):
                continue
        keep.append(docnum)
        if n % 256 == 255:
            postings.check()
    return np.array(keep, dtype=np.int64)


def _near(
    found: list[tuple[np.ndarray, np.ndarray]], count: int, near: int, unsure: np.ndarray, postings: Postings
) -> dict[int, list[tuple[int, ...]]]:
    """Candidate number -> where its words stand within `near` of each other (every match for the unsure
    candidates, the first for the others)."""
    bounds = [np.searchsorted(owner, np.arange(count + 1)) for owner, _ in found]
    lists = [positions.tolist() for _, positions in found]
    matched: dict[int, list[tuple[int, ...]]] = {}
    for n in range(count):
        at = [lists[i][b[n] : b[n + 1]] for i, b in enumerate(bounds)]
        matches = phrase_matches(at, near, first=not unsure[n])
        if matches:
            matched[n] = matches
        if n % 1024 == 1023:
            postings.check()
    return matched


def _values_at(reader: Any, fieldname: str, word: str, docs: list[int]) -> dict[int, bytes]:
    """A word's posting values (positions and characters) in these documents (ascending), reading only
    the blocks that hold them."""
    tbytes = reader.schema[fieldname].to_bytes(word)
    found: dict[int, bytes] = {}
    docs_array = np.asarray(docs, dtype=np.int64)
    for leaf, offset in reader.leaf_readers():
        local = docs_array[(docs_array >= offset) & (docs_array < offset + leaf.doc_count_all())] - offset
        for doc, value in values_at(leaf, fieldname, tbytes, local.tolist()).items():
            found[doc + offset] = value
    return found


def _typed_at(
    match: tuple[int, ...], text: str, verify: list[str | None], chars: bool, values: list[bytes], analyzer: Any
) -> bool:
    """Whether the stored text has each form to verify at one of the match's positions: read at the
    occurrence's own characters where the field keeps them (`values`: each word's posting value in this
    document), else by analysing the (short) field again."""
    if chars:
        for form, value in zip(verify, values, strict=True):
            if form and not any(
                _folded(text[start:end], analyzer) == form
                for position, start, end in _characters(value)
                if position in match
            ):
                return False
        return True
    forms = {t.pos: t.text for t in analyzer(text, positions=True, no_morph=True)}
    return all(any(forms.get(p) == form for p in match) for form in verify if form)


def _stemmer(analyzer: Any) -> Any:
    """The stemming step of an analyzer, as a function of one folded word (the word itself without one)."""
    stems = [step for step in getattr(analyzer, "items", ()) if isinstance(step, StemFilter)]
    if not stems:
        return lambda word: word
    stem = stems[0]
    return lambda word: word if word in stem.ignore else stem.stemfn(word)


def _folded(word: str, analyzer: Any) -> str:
    return next((t.text for t in analyzer(word, no_morph=True, removestops=False)), "")


def _characters(value: bytes) -> list[tuple[int, int, int]]:
    """(position, startchar, endchar) of each occurrence in a Characters posting value."""
    out, position, end = [], 0, 0
    for code in decode_value(value):
        position += code[0]
        start = code[1] + end
        end = start + code[2]
        out.append((position, start, end))
    return out


def phrase_matches(at: list[list[int]], near: int, *, first: bool = False) -> list[tuple[int, ...]]:
    """Where words found at these positions (one list per word) stand as a phrase: in order and adjacent,
    or with `near`, all within near x (k - 1) positions in any order. Each match is its positions."""
    if not all(at):
        return []
    found: list[tuple[int, ...]] = []
    if not near:
        later = [set(positions) for positions in at[1:]]
        for start in at[0]:
            if all(start + i in positions for i, positions in enumerate(later, 1)):
                found.append(tuple(range(start, start + len(at))))
                if first:
                    break
        return found
    limit = near * (len(at) - 1)
    merged = sorted((p, i) for i, positions in enumerate(at) for p in positions)
    counts = [0] * len(at)
    covered = left = 0
    for right, (position, word) in enumerate(merged):
        counts[word] += 1
        covered += counts[word] == 1
        while covered == len(at):
            if position - merged[left][0] <= limit:
                found.append(tuple(sorted({p for p, _ in merged[left : right + 1]})))
                if first:
                    return found
            gone = merged[left][1]
            counts[gone] -= 1
            covered -= counts[gone] == 0
            left += 1
    return found


def _whoosh(q: query.Query, searcher: Any) -> np.ndarray:
    return np.unique(np.fromiter(searcher.docs_for_query(q), dtype=np.int64))
