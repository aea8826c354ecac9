"""Enrichment in other processes, so NER runs beside the index writer, on every core.

Each batch also comes back with its grouping sketches (archive.ingest.grouping: MinHash band keys),
the part of grouping that needs no index, so the writer does not spend its core on them.

Each worker is started with `spawn` (as macOS and Windows do anyway), loads the pipeline once and
enriches one batch at a time; the indexer writes the batches before them meanwhile. NER costs more
than writing an article, so on two cores two workers share them with the writer, which waits on
them most of the time.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from archive.article import Article
from archive.ingest.enrich.pipeline import Enricher
from archive.ingest.grouping import Sketch, sketches

Enriched = tuple[list[Article], list[Sketch]]

_enricher: Enricher | None = None


def _start(spacy_model: str | None, topics_file: str) -> None:
    global _enricher
    _enricher = Enricher(spacy_model, Path(topics_file))


def _enrich(articles: Sequence[Article]) -> Enriched:
    assert _enricher is not None, "the worker was not started"
    return _enricher.enrich(articles), sketches(articles)


class WorkerEnricher:
    """`submit(articles)` enriches and sketches in a worker process; `close()` stops them."""

    def __init__(self, spacy_model: str | None, topics_file: Path, *, processes: int = 1) -> None:
        self.processes = max(1, processes)
        self.pool = ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(spacy_model, str(topics_file)),
        )

    def submit(self, articles: Sequence[Article]) -> Future[Enriched]:
        return self.pool.submit(_enrich, list(articles))

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
