"""Enrichment in worker processes, running ahead of the writer, gives every article its own enrichment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.ingest import indexer
from archive.store import open_index
from tests.makers import named_stories_jsonl

ENRICHED = ("headline", "entities", "countries", "topics", "topic_scores")


def stored(index_dir: Path) -> dict[str, dict]:
    """Per article, its group and what enrichment gave it."""
    with open_index(index_dir).searcher() as searcher:
        articles = {d["id"]: (d["group"], json.loads(d["data"])) for d in searcher.documents()}
    return {i: {"group": group, **{k: data.get(k) for k in ENRICHED}} for i, (group, data) in articles.items()}


def test_workers_many_batches_ahead_write_what_one_process_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    source = tmp_path / "named.jsonl"
    source.write_text(named_stories_jsonl(), encoding="utf-8")
    alone, ahead = tmp_path / "alone", tmp_path / "ahead"
    runner = CliRunner()
    done = runner.invoke(main, ["index", "--index", str(alone), str(source)], env={"ARCHIVE_WORKERS": "0"})
    assert done.exit_code == 0, done.output
    # Batches of two, three of them handed out before the first is written, in two worker processes.
    monkeypatch.setattr(indexer, "BATCH_ARTICLES", 2)
    monkeypatch.setattr(indexer, "AHEAD_ARTICLES", 6)
    monkeypatch.setattr(indexer, "WORKER_FROM_BYTES", 0)
    submitted = []
    submit = indexer.WorkerEnricher.submit
    monkeypatch.setattr(indexer.WorkerEnricher, "submit", lambda self, a: submitted.append(len(a)) or submit(self, a))
    done = runner.invoke(main, ["index", "--index", str(ahead), str(source)], env={"ARCHIVE_WORKERS": "2"})
    assert done.exit_code == 0, done.output
    one, many = stored(alone), stored(ahead)
    assert len(one) > 8 and many == one
    assert sum(submitted) == len(one) and len(submitted) > 3
    assert any(d["topics"] for d in many.values()) and any(d["countries"] for d in many.values())
