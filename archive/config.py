"""Settings read from the environment (`ARCHIVE_*`) when asked for, never at import."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

DEFAULT_MAX_FILE_MB = 50
DEFAULT_NAME = "News archive"
DEFAULT_ARCHIVE_URL = "http://127.0.0.1:5000"  # where `archive serve` answers by default
# Enrichment processes beside the writer on 2 cores or more: on 2 cores, `bench/bench_ingest.py` ran NER
# ingest at 70 % of `archive extract`'s speed with 1 and at 86-103 % with 2 (the writer waits on them).
DEFAULT_WORKERS = 2
DEFAULT_COMMIT_ARTICLES = 4096  # one Whoosh segment per this many articles at most: memory follows it
ANNOTATIONS_FILE = "annotations.sqlite"  # readers' tags, stars, notes and collections (archive.store.annotations)
ENTITIES_FILE = "entities.toml"


def entities_file(index_dir: Path) -> Path:
    """A user's corrections to the entities (merge, rename, type, hide), kept with the index they correct;
    the read side finds it from the index folder alone, so this is the one place it is named."""
    return Path(index_dir) / ENTITIES_FILE


def bundled(*parts: str) -> Path:
    """A file or folder shipped inside the `archive` package (data, the NER pipeline, templates), found through
    the package itself, so a wheel installed anywhere finds it as a checkout does (installs are unpacked on disk)."""
    return Path(str(files("archive").joinpath(*parts)))


def annotations_path(index_dir: Path) -> Path:
    """Where an index folder keeps what readers add to its stories (the web app has no `Settings`)."""
    return Path(index_dir) / ANNOTATIONS_FILE


@dataclass(frozen=True)
class Settings:
    """Where the index and the files beside it live, and how ingest behaves."""

    index_dir: Path
    spacy_model: str | None
    max_file_bytes: int
    workers: int = 0  # processes that enrich beside the index writer (NER on the second core)
    commit_articles: int = DEFAULT_COMMIT_ARTICLES
    archive_url: str = DEFAULT_ARCHIVE_URL  # links to the archive's pages made outside a request (CLI exports)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from `ARCHIVE_INDEX`, `ARCHIVE_SPACY_MODEL`, `ARCHIVE_MAX_FILE_MB`, `ARCHIVE_WORKERS`
        (default: one enrichment process beside the writer when the machine has two cores),
        `ARCHIVE_COMMIT_ARTICLES` (articles per commit at most), `ARCHIVE_URL` (the server's address, for links
        made outside it), then overrides."""
        env = os.environ
        values: dict[str, object] = {
            "index_dir": Path(env.get("ARCHIVE_INDEX") or "index"),
            "spacy_model": env.get("ARCHIVE_SPACY_MODEL") or None,
            "max_file_bytes": int(float(env.get("ARCHIVE_MAX_FILE_MB") or DEFAULT_MAX_FILE_MB) * 1024 * 1024),
            "workers": int(env.get("ARCHIVE_WORKERS") or (DEFAULT_WORKERS if (os.cpu_count() or 1) >= 2 else 0)),
            "commit_articles": max(1, int(env.get("ARCHIVE_COMMIT_ARTICLES") or DEFAULT_COMMIT_ARTICLES)),
            "archive_url": env.get("ARCHIVE_URL") or DEFAULT_ARCHIVE_URL,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["index_dir"] = Path(values["index_dir"])  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]

    # The files an index folder holds besides Whoosh's own: named here only, so every command agrees.
    @property
    def topics_file(self) -> Path:
        """A user's topic terms over the bundled ones; `extract`, `index`, `watch` and `retag` all read it."""
        return self.index_dir / "topics.toml"

    @property
    def entities_file(self) -> Path:
        """Entity corrections, applied as the archive is read (search, facets, pages, watch-lists)."""
        return entities_file(self.index_dir)

    @property
    def bands_file(self) -> Path:
        """The LSH buckets that grouping finds versions of a story by."""
        return self.index_dir / "bands.sqlite"

    @property
    def annotations_file(self) -> Path:
        """Tags, stars, notes, collections and the old-id redirects (archive.store.annotations)."""
        return annotations_path(self.index_dir)

    @property
    def saved_searches_file(self) -> Path:
        """The web app's saved searches (its `SAVED_SEARCHES` config key may put them elsewhere)."""
        return self.index_dir / "saved-searches.json"
