"""An archive exported as JSON Lines and imported into a fresh one has the same stories and facets, without NER."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from archive.cli import main
from archive.search import SearchRequest, search
from archive.store import open_index
from tests.helpers import ROOT


def import_without_spacy(index_dir: Path, source: Path) -> str:
    """`archive index` of an export in a process of its own, asserting that it never imported spaCy; its summary."""
    script = (
        "import sys; from archive.cli import main\n"
        f"try: main(['index', '--index', {str(index_dir)!r}, {str(source)!r}])\n"
        "except SystemExit as stop: assert not stop.code, stop.code\n"
        "print('spacy loaded' if 'spacy' in sys.modules else 'no spacy')\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "no spacy" in run.stdout
    return run.stderr


EVERYTHING = SearchRequest(expand=frozenset({"country", "topic", "person", "org", "place", "author", "source", "year"}))


def test_export_then_import_keeps_stories_facets_and_entities(corpus_index: Path, tmp_path: Path):
    backup = tmp_path / "backup.jsonl"
    result = CliRunner().invoke(main, ["export", "--versions", "--index", str(corpus_index), "-o", str(backup)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in backup.read_text(encoding="utf-8").splitlines()]
    with open_index(corpus_index).searcher() as searcher:
        assert len(records) == searcher.doc_count()  # every version and exact copy
    assert all({"headline", "body", "entities", "countries", "topics", "dateline"} <= set(r) for r in records)

    fresh = tmp_path / "fresh"
    assert f"{len(records)} indexed" in import_without_spacy(fresh, backup)

    before, after = search(open_index(corpus_index), EVERYTHING), search(open_index(fresh), EVERYTHING)
    assert after["total"] == before["total"] > 50
    assert after["facets"] == before["facets"]
    assert after["histogram"] == before["histogram"]
    oil = SearchRequest(q="oil", filters={"country": ("US",)})
    assert search(open_index(fresh), oil)["total"] == search(open_index(corpus_index), oil)["total"] > 0


def test_a_filtered_export_holds_only_matching_stories(corpus_index: Path, tmp_path: Path):
    out = tmp_path / "gb.jsonl"
    result = CliRunner().invoke(main, ["export", "--country", "gb", "--index", str(corpus_index), "-o", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    total = search(open_index(corpus_index), SearchRequest(filters={"country": ("GB",)}))["total"]
    assert len(records) == total > 0
    assert all("GB" in r["countries"] for r in records)
    csv_out = CliRunner().invoke(main, ["export", "--country", "GB", "--format", "csv", "--index", str(corpus_index)])
    assert csv_out.exit_code == 0 and csv_out.stdout.splitlines()[0].startswith("id,headline,published")


def test_a_record_whose_text_had_no_names_imports_without_ner(tmp_path: Path):
    """NER found nothing in a short market report: its empty `entities` is still NER's answer, kept as it is."""
    brief = {
        "headline": "Wheat futures close higher",
        "body": "Wheat futures closed higher on the exchange on Tuesday as export demand for grain rose and "
        "dealers said prices of maize and soybeans followed.",
        "published": "1987-03-03",
        "entities": {"people": [], "organizations": [], "places": [], "groups": [], "events": []},
    }
    source = tmp_path / "brief.jsonl"
    source.write_text(json.dumps(brief) + "\n", encoding="utf-8")
    fresh = tmp_path / "fresh"
    assert "1 indexed" in import_without_spacy(fresh, source)
    found = search(open_index(fresh), SearchRequest(q="wheat"))
    assert found["total"] == 1
    assert found["hits"][0]["topics"]  # topics are worked out when a record has none
