"""Whole Whoosh segments written at once: a commit's new documents, and merges of segments.

Whoosh's own SegmentWriter spends its time per posting in Python: every token passes a chain of
generator filters, every posting is a tuple in a sorting pool, every block is built one posting at
a time (profiled in README.md). Here the schema's own analyzers become one cached function per
distinct word (lower-casing, accent folding, stop words and stemming depend on the word alone, so
each word is worked out once per run), a commit's postings are gathered per term in memory, and
each term's blocks are written in one go in Whoosh's W3 format, so Whoosh reads the segment as its
own; frequent terms' ids and weights also go to arrays beside it (archive.store.postings). A merge
streams the segments' terms in order and copies their blocks' contents, renumbered, without
decoding positions. What is written equals what Whoosh's writer writes, term for term, posting for
posting (tests/test_segments.py compares them).
"""

from __future__ import annotations

import heapq
import itertools
import re
import struct
import zlib
from array import array
from collections.abc import Iterator, Sequence
from pickle import dumps
from typing import Any

import numpy as np
from whoosh import fields
from whoosh.analysis import (
    CharsetFilter,
    CompositeAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.fields import UnknownFieldError
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.reading import SegmentReader
from whoosh.system import pack_int, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from archive.store.postings import (
    BLOCK_POSTINGS,
    PositionArraysWriter,
    PostingArraysWriter,
    positional,
    spelling_is_exact,
    wanted,
)

COMPRESS_FROM = 64  # bytes of pickled block below which zlib saves nothing (Whoosh compresses every block)
COMPRESSION = 3  # Whoosh's level
WORD_CACHE = 500_000  # distinct words remembered per field before the cache starts afresh

_RECORD_LENGTHS = struct.Struct("!ii")  # a terms-table record's key and value lengths, as Whoosh's hash file has them
_ONE = pack_uint(1)  # a spelling posting's value: the word occurs (its count is not kept)


class FastText:
    """A text field's analyzer as a function of each word, for the chains whose every step is per word.

    `RegexTokenizer | LowercaseFilter | CharsetFilter | StopFilter | StemFilter` in any order and
    subset qualifies; `of(field)` is None for any other analyzer, which then runs as Whoosh runs it.
    """

    def __init__(self, expression: re.Pattern[str], steps: Sequence[Any]) -> None:
        self.expression = expression
        self.steps = list(steps)
        stops = [s for s in self.steps if isinstance(s, StopFilter)]
        self.renumber = bool(stops) and stops[0].renumber
        self._cache: dict[str, tuple[str | None, str | None]] = {}

    @classmethod
    def of(cls, field: Any) -> FastText | None:
        analyzer = getattr(field, "analyzer", None)
        if not isinstance(analyzer, CompositeAnalyzer) or not analyzer.items:
            return None
        tokenizer, *steps = analyzer.items
        if type(tokenizer) is not RegexTokenizer or tokenizer.gaps:
            return None
        known = (LowercaseFilter, CharsetFilter, StopFilter, StemFilter)
        if any(type(s) not in known for s in steps) or sum(isinstance(s, StopFilter) for s in steps) > 1:
            return None
        return cls(tokenizer.expression, steps)

    def _word(self, raw: str, morph: bool) -> str | None:
        text = raw
        for step in self.steps:
            if isinstance(step, LowercaseFilter):
                text = text.lower()
            elif isinstance(step, CharsetFilter):
                text = text.translate(step.charmap)
            elif isinstance(step, StopFilter):
                if len(text) < step.min or (step.max is not None and len(text) > step.max) or text in step.stops:
                    return None
            elif morph and text not in step.ignore:
                text = step.stemfn(text)
        return text

    def tokens(self, value: str) -> list[tuple[str | None, str | None, int, int, int]]:
        """(word, unstemmed word, position, start, end) of each token; the word is None for a stop word,
        positions as Whoosh numbers them (renumbered past stop words when the stop filter says so)."""
        cache = self._cache
        if len(cache) > WORD_CACHE:
            cache.clear()
        out = []
        kept = -1
        renumber = self.renumber
        for i, match in enumerate(self.expression.finditer(value)):
            raw = match.group()
            words = cache.get(raw)
            if words is None:
                words = cache[raw] = (self._word(raw, True), self._word(raw, False))
            word, plain = words
            if word is not None:
                if renumber:
                    kept = i if kept < 0 else kept + 1
                out.append((word, plain, kept if renumber else i, match.start(), match.end()))
            elif plain is not None:
                out.append((None, plain, i, 0, 0))
        return out

    def analyse(self, value: str, fmt: Any) -> tuple[list[tuple[bytes, int, float, bytes]], set[str]]:
        """What `field.index(value)` returns (for the Positions and Characters formats), and the
        unstemmed words `field.spellable_words(value)` returns, from one pass over the text."""
        chars = isinstance(fmt, fields.formats.Characters)
        seen: dict[str, list[Any]] = {}
        plain_words = set()
        for word, plain, pos, start, end in self.tokens(value):
            plain_words.add(plain)
            if word is None:
                continue
            entry = (pos, start, end) if chars else pos
            found = seen.get(word)
            if found is None:
                seen[word] = [entry]
            else:
                found.append(entry)
        boost = fmt.field_boost
        encode = fmt.encode
        items = [(w.encode("utf-8"), len(p), len(p) * boost, encode(p)) for w, p in seen.items()]
        plain_words.discard(None)
        return items, plain_words


def _fast_formats(fmt: Any) -> bool:
    return type(fmt) in (fields.formats.Positions, fields.formats.Characters)


class SegmentBuilder:
    """Documents in, one new segment out: `add(doc)` for each, then `finish()`.

    Memory is the commit's postings, so the caller bounds it by how many documents it adds.
    """

    def __init__(self, storage: Any, schema: fields.Schema, indexname: str, codec: W3Codec | None = None) -> None:
        if any(schema[name].vector for name in schema.names()):
            raise ValueError("term vectors are not written here")  # none of the archive's fields has them
        self.storage, self.schema = storage, schema
        self.codec = codec or W3Codec()
        self.segment = self.codec.new_segment(storage, indexname)
        self.perdoc = self.codec.per_document_writer(storage, self.segment)
        self.docnum = 0
        self.postings: dict[str, dict[bytes, list[tuple[int, float, bytes]]]] = {}
        self.lengths: dict[str, dict[int, int]] = {}
        self._fast = {name: FastText.of(schema[name]) for name in schema.names()}

    def add(self, document: dict[str, Any]) -> None:
        """Index one document as `SegmentWriter.add_document` does."""
        names = sorted(name for name in document if not name.startswith("_"))
        for name in names:
            if name not in self.schema:
                raise UnknownFieldError(f"No field named {name!r} in {self.schema}")
        docnum = self.docnum
        self.perdoc.start_doc(docnum)
        try:
            for name in names:
                value = document[name]
                if value is None:
                    continue
                field = self.schema[name]
                length = 0
                plain_words = None
                if field.indexed:
                    fast = self._fast[name]
                    if fast is not None and isinstance(value, str) and _fast_formats(field.format):
                        items, plain_words = fast.analyse(value, field.format)
                    else:
                        items = field.index(value)
                    terms = self.postings.setdefault(name, {})
                    get = terms.get
                    for tbytes, freq, weight, vbytes in items:
                        if field.scorable:
                            length += freq
                        postings = get(tbytes)
                        if postings is None:
                            terms[tbytes] = [(docnum, weight, vbytes)]
                        else:
                            postings.append((docnum, weight, vbytes))
                if field.separate_spelling():
                    self._spell(field, name, value, docnum, plain_words)
                if length:
                    self.lengths.setdefault(name, {})[docnum] = byte_to_length(length_to_byte(length))
                self.perdoc.add_field(name, field, value if field.stored else None, length)
                if field.column_type:
                    self.perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        except Exception:
            self.perdoc.cancel_doc()
            raise
        self.perdoc.finish_doc()
        self.docnum += 1

    def _spell(self, field: Any, name: str, value: Any, docnum: int, words: set[str] | None) -> None:
        """The unstemmed words, one posting per document that has them (Whoosh numbers them all 0, so
        its spelling field says how many documents have a word but not which; here it says both)."""
        if words is None:
            words = set(field.spellable_words(value))
        terms = self.postings.setdefault(field.spelling_fieldname(name), {})
        get = terms.get
        posting = (docnum, 1.0, _ONE)
        for word in words:
            tbytes = word.encode("utf-8")
            postings = get(tbytes)
            if postings is None:
                terms[tbytes] = [posting]
            else:
                postings.append(posting)

    def finish(self) -> Any | None:
        """Write the segment's files; the segment, or None when no document was added."""
        self.perdoc.close()
        if not self.docnum:
            return None
        with _TermsWriter(self.storage, self.segment, self.schema, exact_spelling=True) as out:
            for name in sorted(self.postings):
                fmt = self.schema[name].format
                lengths = None
                if name in self.lengths:  # every document's length of this field, 0 where it has none
                    array = np.zeros(self.docnum, dtype=np.int64)
                    array[list(self.lengths[name])] = list(self.lengths[name].values())
                    lengths = FieldLengths(array)
                out.start_field(name)
                terms = self.postings[name]
                for tbytes in sorted(terms):
                    ids, weights, values = zip(*terms[tbytes], strict=True)
                    out.term(tbytes, ids, weights, values, lengths, fmt)
        self.segment.set_doc_count(self.docnum)
        return self.segment


class FieldLengths:
    """Every document's length of one field (0: none), as numpy for many postings and a list for few."""

    def __init__(self, lengths: np.ndarray) -> None:
        self.array = lengths
        self.each: list[int] = lengths.tolist()


class _TermsTable(OrderedHashWriter):
    """Whoosh's ordered hash file of terms, its records gathered in memory and written in one go at the end
    (Whoosh's own asks the file for its position and writes three times per term)."""

    def __init__(self, dbfile: Any) -> None:
        super().__init__(dbfile)
        self._records: list[bytes] = []
        self._at = dbfile.tell()

    def add(self, key: bytes, value: bytes) -> None:
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        at = self._at
        self.index.append(at)
        record = _RECORD_LENGTHS.pack(len(key), len(value)) + key + value
        self._records.append(record)
        self._at += len(record)
        h = self.hashfn(key)
        self.buckets[h & 255].append((h, at))
        self.lastkey = key

    def close(self) -> None:
        self.dbfile.write(b"".join(self._records))
        self._records = []
        super().close()


class _TermsWriter:
    """The terms table and postings file of one segment, written term by term in key order."""

    def __init__(self, storage: Any, segment: Any, schema: fields.Schema, *, exact_spelling: bool) -> None:
        self.storage, self.segment, self.schema = storage, segment, schema
        self.index = _TermsTable(segment.create_file(storage, W3Codec.TERMS_EXT))
        self.fieldmap: dict[str, int] = {}
        self.index.extras["fieldmap"] = self.fieldmap
        self.postfile = segment.create_file(storage, W3Codec.POSTS_EXT)
        self.offset = self.postfile.tell()
        self.written: list[bytes] = []
        self.fieldid = pack_ushort(0)
        self.fieldname, self.arrayed, self.positional, self.chars = "", False, False, False
        self.arrays = PostingArraysWriter(exact_spelling=exact_spelling)  # frequent terms' ids and weights
        self.positions = PositionArraysWriter()  # and their positions, in the fields phrases are asked of

    def start_field(self, name: str) -> None:
        self.fieldname, self.arrayed = name, wanted(self.schema, name)
        self.positional = positional(self.schema, name)
        self.chars = self.positional and isinstance(self.schema[name].format, fields.formats.Characters)
        self.fieldmap[name] = len(self.fieldmap)
        self.fieldid = pack_ushort(self.fieldmap[name])

    def term(
        self,
        tbytes: bytes,
        ids: Sequence[int],
        weights: Sequence[float],
        values: Sequence[bytes],
        lengths: FieldLengths | None,
        fmt: Any,
    ) -> None:
        """One term's postings (ids ascending) as W3 blocks, and its row in the terms table; `lengths`
        holds every document's length of the field (the block statistics take the postings' own)."""
        fixed = fmt.fixed_value_size()
        count = len(ids)
        if count == 1:  # most terms of a segment: one posting, one block
            weight, length = weights[0], (lengths.each[ids[0]] if lengths is not None else 0)
            stored = array("f", (weight,))[0]
            value = (values[0],) if fixed is None or fixed < 0 else (None if fixed == 0 else values[0])
            data = dumps(((ids[0],), None if stored == 1.0 else stored, value), 2)
            comp = COMPRESSION if len(data) >= COMPRESS_FROM else 0
            if comp:
                data = zlib.compress(data, comp)
            byte = length_to_byte(length) if length else 0
            info = dumps((1, ids[0], weight, comp, byte, byte), 2)
            blocks = b"".join((WHOOSH3_HEADER_MAGIC, pack_int(-(len(info) + len(data))), info, data))
            terminfo = W3TermInfo(stored, 1, length or None, length, weight, ids[0], ids[0])
        elif count <= BLOCK_POSTINGS:
            blocks, terminfo = self._block(ids, weights, values, lengths, fixed)
        else:
            blocks, terminfo = self._blocks(ids, weights, values, lengths, fixed)
            if self.arrayed:
                self.arrays.add(self.fieldname, tbytes, ids, weights)
            if self.positional:
                self.positions.add(self.fieldname, tbytes, values, self.chars)
        terminfo.set_extent(self.offset, len(blocks))
        self.offset += len(blocks)
        self.written.append(blocks)
        if len(self.written) >= 4096:
            self._flush()
        self.index.add(self.fieldid + tbytes, terminfo.to_bytes())

    @staticmethod
    def _block(
        ids: Sequence[int],
        weights: Sequence[float],
        values: Sequence[bytes],
        lengths: FieldLengths | None,
        fixed: int | None,
    ) -> tuple[bytes, W3TermInfo]:
        """A term of one block (up to BLOCK_POSTINGS postings), in plain Python: numpy costs more on so few."""
        stored = array("f", weights)
        block_max = max(weights)
        deltas = (ids[0], *(b - a for a, b in itertools.pairwise(ids)))
        data = dumps((deltas, _mini_weights(stored), _mini_values(values, fixed)), 2)
        comp = COMPRESSION if len(data) >= COMPRESS_FROM else 0
        if comp:
            data = zlib.compress(data, comp)
        low = high = None
        if lengths is not None:
            each = lengths.each
            present = [n for n in (each[i] for i in ids) if n]
            if present:
                low, high = min(present), max(present)
        info = dumps((len(ids), ids[-1], block_max, comp, length_to_byte(low), length_to_byte(high or 0)), 2)
        blocks = b"".join((WHOOSH3_HEADER_MAGIC, pack_int(-(len(info) + len(data))), info, data))
        return blocks, W3TermInfo(sum(stored), len(ids), low, high or 0, block_max, ids[0], ids[-1])

    @staticmethod
    def _blocks(
        ids: Sequence[int],
        weights: Sequence[float],
        values: Sequence[bytes],
        lengths: FieldLengths | None,
        fixed: int | None,
    ) -> tuple[bytes, W3TermInfo]:
        """A term of many blocks, with numpy."""
        all_ids = np.asarray(ids, dtype=np.int64)
        all_weights = np.asarray(weights, dtype=np.float64)
        stored_weights = all_weights.astype(np.float32)  # Whoosh keeps a block's weights as 32-bit floats
        all_lengths = lengths.array[all_ids] if lengths is not None else None
        total, maxweight, minlength, maxlength = 0.0, 0.0, None, 0
        count = len(ids)
        out = [WHOOSH3_HEADER_MAGIC]
        for at in range(0, count, BLOCK_POSTINGS):
            end = min(at + BLOCK_POSTINGS, count)
            block_ids = all_ids[at:end]
            block_weights = stored_weights[at:end].tolist()
            block_max = float(all_weights[at:end].max())
            deltas = tuple(np.diff(block_ids, prepend=0).tolist())
            data = dumps((deltas, _mini_weights(block_weights), _mini_values(values[at:end], fixed)), 2)
            comp = COMPRESSION if len(data) >= COMPRESS_FROM else 0
            if comp:
                data = zlib.compress(data, comp)
            low = high = None
            if all_lengths is not None:
                present = all_lengths[at:end]
                present = present[present > 0]
                if len(present):
                    low, high = int(present.min()), int(present.max())
            info = dumps(
                (end - at, int(block_ids[-1]), block_max, comp, length_to_byte(low), length_to_byte(high or 0)), 2
            )
            size = len(info) + len(data)
            out += (pack_int(-size if end == count else size), info, data)
            total += sum(block_weights)
            maxweight = max(maxweight, block_max)
            if low is not None:
                minlength = low if minlength is None else min(minlength, low)
                maxlength = max(maxlength, high)
        terminfo = W3TermInfo(total, count, minlength, maxlength, maxweight, int(all_ids[0]), int(all_ids[-1]))
        return b"".join(out), terminfo

    def _flush(self) -> None:
        self.postfile.write(b"".join(self.written))
        self.written = []

    def __enter__(self) -> _TermsWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._flush()
        self.index.close()
        self.postfile.close()
        self.arrays.write(self.storage, self.segment)
        self.positions.write(self.storage, self.segment)


def _mini_weights(weights: Sequence[float]) -> Any:
    if all(w == 1.0 for w in weights):
        return None
    if all(w == weights[0] for w in weights):
        return weights[0]
    return tuple(weights)


def _mini_values(values: Sequence[bytes], fixed: int | None) -> Any:
    if fixed is None or fixed < 0:
        return tuple(values)
    if fixed == 0:
        return None
    return b"".join(values)


# --- merging ------------------------------------------------------------------------------------


def merge_segments(storage: Any, schema: fields.Schema, indexname: str, segments: Sequence[Any]) -> Any | None:
    """One segment holding the live documents of `segments`, in their order; None if none is live.

    Stored fields, lengths and columns are copied document by document (Whoosh's per-document
    writer); postings term by term, in key order across the segments, block contents renumbered.
    """
    codec = W3Codec()
    merged = codec.new_segment(storage, indexname)
    perdoc = codec.per_document_writer(storage, merged)
    readers = [SegmentReader(storage, schema, segment) for segment in segments]
    try:
        docmaps, lengths = _copy_documents(perdoc, schema, segments, readers)
        perdoc.close()
        total = sum(int((m >= 0).sum()) for m in docmaps)
        if not total:
            return None
        exact_spelling = all(spelling_is_exact(reader) for reader in readers)
        with _TermsWriter(storage, merged, schema, exact_spelling=exact_spelling) as out:
            current = None
            for (name, tbytes), parts in _terms_in_order(readers, schema):
                if name != current:
                    out.start_field(name)
                    current = name
                fmt = schema[name].format
                ids, weights, values = _renumbered(parts, readers, docmaps, fmt)
                if len(ids):
                    out.term(tbytes, ids.tolist(), weights, values, lengths.get(name), fmt)
        merged.set_doc_count(total)
        return merged
    finally:
        for reader in readers:
            reader.close()


def _copy_documents(
    perdoc: Any, schema: fields.Schema, segments: Sequence[Any], readers: Sequence[SegmentReader]
) -> tuple[list[np.ndarray], dict[str, FieldLengths]]:
    """Live documents' stored fields, lengths and columns into the merged segment; per reader the new
    number of each old document (-1: deleted), and per scored field every new document's length."""
    docmaps = []
    lengths: dict[str, list[np.ndarray]] = {}
    docnum = 0
    names = schema.names()
    for segment, reader in zip(segments, readers, strict=True):
        size = reader.doc_count_all()
        docmap = np.full(size, -1, dtype=np.int64)
        live = np.ones(size, dtype=np.bool_)
        deleted = list(segment.deleted_docs())
        live[deleted] = False
        docmap[live] = np.arange(docnum, docnum + int(live.sum()))
        docmaps.append(docmap)
        columns = {}
        for name in names:
            field = schema[name]
            if field.column_type and reader.has_column(name):
                columns[name] = reader.column_reader(name, field.column_type, translate=False)
        field_lengths = {}
        for name in names:
            if schema[name].scorable and reader._perdoc.has_column(f"_{name}_len"):
                raw = reader._perdoc.column_reader(f"_{name}_len", LENGTHS_COLUMN)
                field_lengths[name] = np.fromiter(raw, dtype=np.uint8, count=size)
        for name in names:
            if schema[name].scorable:  # a segment without the field's column: none of its documents has it
                column = field_lengths.get(name, np.zeros(size, dtype=np.uint8))
                lengths.setdefault(name, []).append(column[live])
        for old, stored in reader.iter_docs():
            perdoc.start_doc(docnum)
            for name in names:
                field = schema[name]
                length = byte_to_length(int(field_lengths[name][old])) if name in field_lengths else 0
                perdoc.add_field(name, field, stored.get(name), length)
                if name in columns:
                    perdoc.add_column_value(name, field.column_type, columns[name][old])
            perdoc.finish_doc()
            docnum += 1
    out = {}
    for name, parts in lengths.items():
        byte_lengths = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)
        out[name] = FieldLengths(_LENGTH_OF_BYTE[byte_lengths])
    return docmaps, out


_LENGTH_OF_BYTE = np.array([0, *[byte_to_length(b) for b in range(1, 256)]], dtype=np.int64)


def _terms_in_order(
    readers: Sequence[SegmentReader], schema: fields.Schema
) -> Iterator[tuple[tuple[str, bytes], list[tuple[int, Any]]]]:
    """(field, term) in key order across the readers, with (reader number, term info) of each that has it."""

    def items(n: int, reader: SegmentReader) -> Iterator[tuple[tuple[str, bytes], int, Any]]:
        for key, info in reader._terms.items():
            if key[0] in schema:
                yield key, n, info

    current: tuple[str, bytes] | None = None
    parts: list[tuple[int, Any]] = []
    for key, n, info in heapq.merge(*(items(n, r) for n, r in enumerate(readers)), key=lambda item: item[0]):
        if key != current:
            if current is not None:
                yield current, parts
            current, parts = key, []
        parts.append((n, info))
    if current is not None:
        yield current, parts


def _renumbered(
    parts: list[tuple[int, Any]], readers: Sequence[SegmentReader], docmaps: Sequence[np.ndarray], fmt: Any
) -> tuple[np.ndarray, list[float], list[bytes]]:
    """A term's postings from each segment that has it, with new document numbers, deleted ones dropped."""
    codec = W3Codec()
    all_ids, all_weights, all_values = [], [], []
    fixed = fmt.fixed_value_size()
    for n, info in parts:
        matcher = codec.postings_reader(readers[n]._terms._postfile, info, fmt)
        ids, weights, values = _raw_postings(matcher, fixed)
        new = docmaps[n][ids]
        keep = new >= 0
        if not keep.all():
            new = new[keep]
            weights = [w for w, k in zip(weights, keep.tolist(), strict=True) if k]
            values = [v for v, k in zip(values, keep.tolist(), strict=True) if k]
        all_ids.append(new)
        all_weights += weights
        all_values += values
    return np.concatenate(all_ids), all_weights, all_values


def _raw_postings(matcher: Any, fixed: int | None) -> tuple[np.ndarray, list[float], list[bytes]]:
    """Every posting of a term in one segment: ids, weights and encoded values, block by block."""
    ids: list[np.ndarray] = []
    weights: list[float] = []
    values: list[bytes] = []
    if not hasattr(matcher, "_read_data"):  # postings inlined with the term
        while matcher.is_active():
            ids.append(np.array([matcher.id()], dtype=np.int64))
            weights.append(matcher.weight())
            values.append(matcher.value() or b"")
            matcher.next()
        return (np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)), weights, values
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        block_ids, block_weights, block_values = matcher._data
        count = len(block_ids)
        ids.append(np.cumsum(np.asarray(block_ids, dtype=np.int64)))
        if block_weights is None:
            weights += [1.0] * count
        elif isinstance(block_weights, float | int):
            weights += [float(block_weights)] * count
        else:
            weights += list(block_weights)
        if fixed is None or fixed < 0:
            values += list(block_values)
        elif fixed == 0:
            values += [b""] * count
        else:
            values += [block_values[i : i + fixed] for i in range(0, len(block_values), fixed)]
        matcher._next_block()
    return np.concatenate(ids), weights, values
