"""'Did you mean': unknown or very rare words replaced by a close, much commoner word."""

from __future__ import annotations

from typing import Any

from whoosh.index import Index
from whoosh.qparser import AndGroup, QueryParser

from archive.store import NAME_ANALYZER

SUGGEST_RARE = 3  # words in this many articles or more are never "corrected": names are often rare
SUGGEST_RATIO = 10  # a rare word is only corrected to one this many times commoner


def suggest(ix: Index, reader: Any, text: str) -> str | None:
    """The query with unknown or very rare words replaced by a close, much commoner word, or None.

    Words are looked up unstemmed (the `spell_body` field), so suggestions are real words; Whoosh's own
    ReaderCorrector ranks every distance alike and counts frequencies on stems, which picks odd words.
    """
    if not text or text == "*" or "spell_body" not in ix.schema:
        return None
    try:
        parsed = QueryParser("body", ix.schema, group=AndGroup).parse(text)
        spans = sorted({(t.startchar, t.endchar) for t in parsed.all_tokens() if t.fieldname == "body"})
    except Exception:  # a query the parser cannot read has no suggestion; search reports it instead
        return None
    out, last = [], 0
    for start, end in spans:
        word = text[start:end] if start is not None and end is not None else ""
        better = _commoner_neighbour(reader, word) if word.isalpha() else None
        if better:
            out += [text[last:start], better.capitalize() if word[0].isupper() else better]
            last = end
    return "".join([*out, text[last:]]) if out else None


def _commoner_neighbour(reader: Any, word: str) -> str | None:
    folded = next((token.text for token in NAME_ANALYZER(word)), "")
    own = reader.doc_frequency("spell_body", folded)
    if own >= SUGGEST_RARE:
        return None
    near = [
        (_edits(folded, w), -reader.doc_frequency("spell_body", w), w)
        for w in reader.terms_within("spell_body", folded, 2, prefix=1)
        if w != folded
    ]
    best = min(near, default=None)
    return best[2] if best and -best[1] > SUGGEST_RATIO * own else None


def _edits(a: str, b: str) -> int:
    """Edit distance counting a swap of neighbours as one edit (`visti` -> `visit`), as typists make them."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cost = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, prev2[j - 2] + 1)
            cur.append(cost)
        prev2, prev = prev, cur
    return prev[-1]
