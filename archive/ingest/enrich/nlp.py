"""The spaCy pipeline: the one shipped in `archive/ner_model`, or the one `ARCHIVE_SPACY_MODEL` names.

Only enrichment imports this module, so the web process never loads spaCy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from archive.errors import ModelNotLoaded

BUNDLED_MODEL = Path(__file__).resolve().parents[2] / "ner_model"
Span = tuple[int, int, str]


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
    """Per text, its entities as (start_char, end_char, label), NER-only for speed."""
    with nlp.select_pipes(disable=ner_only(nlp)):
        for doc in nlp.pipe(texts, batch_size=batch_size):
            yield [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
