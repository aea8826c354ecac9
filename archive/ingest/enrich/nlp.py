"""The spaCy pipeline: the one shipped in `archive/ner_model`, or the one `ARCHIVE_SPACY_MODEL` names.

Only enrichment imports this module, so the web process never loads spaCy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language

from archive.config import bundled
from archive.errors import ModelNotLoaded

BUNDLED_MODEL = bundled("ner_model")
Span = tuple[int, int, str]
# Longer texts go through NER in pieces cut at paragraph (else line, else word) boundaries, and a batch
# holds at most BATCH_CHARS: spaCy refuses texts over `nlp.max_length` (1,000,000) outright, and NER
# over 1 MB of text at once peaks near 1.6 GB; in 100,000-character pieces a run stays near 300 MB.
PIECE_CHARS = 100_000
BATCH_CHARS = 400_000


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Language:
    """The pipeline named (an installed package or a path), else the bundled one; loaded once."""
    target = name or str(BUNDLED_MODEL)
    try:
        nlp = spacy.load(target)
    except (OSError, ValueError, ImportError, KeyError) as exc:
        fix = (
            "install that spaCy 3 pipeline (pip install <package>) or point ARCHIVE_SPACY_MODEL at its directory"
            if name
            else "the bundled pipeline is missing: reinstall the archive, or run `make model` to rebuild it"
        )
        raise ModelNotLoaded(f"{type(exc).__name__}: {str(exc).splitlines()[0]}; {fix}", subject=target) from exc
    if "ner" not in nlp.pipe_names:
        raise ModelNotLoaded("it has no 'ner' component; use a pipeline that recognises entities", subject=target)
    return nlp


def ner_only(nlp: Language) -> list[str]:
    """The components NER does not need (a shared tok2vec that ner listens to stays on)."""
    keep = {"ner"} | {name for name, pipe in nlp.pipeline if "ner" in getattr(pipe, "listening_components", [])}
    return [name for name in nlp.pipe_names if name not in keep]


def entity_spans(nlp: Language, texts: Iterable[str], *, batch_size: int = 64) -> Iterator[list[Span]]:
    """Per text, its entities as (start_char, end_char, label), NER-only for speed.

    A text of any length is read: a long one in pieces (`split_text`) whose spans are shifted back
    to offsets in the whole text.
    """
    limit = max(1, min(PIECE_CHARS, nlp.max_length - 1))
    with nlp.select_pipes(disable=ner_only(nlp)):
        group: list[list[tuple[int, str]]] = []
        chars = 0
        for text in texts:
            group.append(split_text(text, limit))
            chars += len(text)
            if len(group) >= batch_size or chars >= BATCH_CHARS:
                yield from _group_spans(nlp, group, batch_size)
                group, chars = [], 0
        yield from _group_spans(nlp, group, batch_size)


def _group_spans(nlp: Language, group: list[list[tuple[int, str]]], batch_size: int) -> Iterator[list[Span]]:
    """The spans of each text of a group (its pieces as (offset, text)), the pieces run in bounded batches."""
    pieces = [piece for text_pieces in group for _, piece in text_pieces]
    docs = (doc for batch in _batches(pieces, batch_size) for doc in nlp.pipe(batch, batch_size=len(batch)))
    for text_pieces in group:
        spans: list[Span] = []
        for offset, _ in text_pieces:
            spans += [(offset + e.start_char, offset + e.end_char, e.label_) for e in next(docs).ents]
        yield spans


def _batches(pieces: list[str], batch_size: int) -> Iterator[list[str]]:
    """`pieces` in order, in batches of at most `batch_size` pieces and (past the first piece) BATCH_CHARS."""
    batch: list[str] = []
    chars = 0
    for piece in pieces:
        if batch and (len(batch) >= batch_size or chars + len(piece) > BATCH_CHARS):
            yield batch
            batch, chars = [], 0
        batch.append(piece)
        chars += len(piece)
    if batch:
        yield batch


def split_text(text: str, limit: int) -> list[tuple[int, str]]:
    """`text` as (offset, piece) pieces of at most `limit` characters, cut after the last paragraph break
    in reach, else the last line break, else the last space, else (one unbroken run) at the limit."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = next((at + len(sep) for sep in ("\n\n", "\n", " ") if (at := window.rfind(sep)) > 0), limit)
        pieces.append((start, window[:cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces
