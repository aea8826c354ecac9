"""Enrichment in other processes, so NER runs beside the index writer, on every core.

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

_enricher: Enricher | None = None


def _start(spacy_model: str | None, topics_file: str) -> None:
    global _enricher
    _enricher = Enricher(spacy_model, Path(topics_file))


def _enrich(articles: Sequence[Article]) -> list[Article]:
    assert _enricher is not None, "the worker was not started"
    return _enricher.enrich(articles)


class WorkerEnricher:
    """`submit(articles)` enriches in the worker process; `close()` stops it."""

    def __init__(self, spacy_model: str | None, topics_file: Path, *, processes: int = 1) -> None:
        self.processes = max(1, processes)
        self.pool = ProcessPoolExecutor(
            max_workers=self.processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(spacy_model, str(topics_file)),
        )

    def submit(self, articles: Sequence[Article]) -> Future[list[Article]]:
        return self.pool.submit(_enrich, list(articles))

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
