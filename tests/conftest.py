"""Shared fixtures: the seed, ../shared corpora (skipped with a reason when absent), and a real index."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED = SEEDS / "000_5f80274b52949b65.txt"
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
REUTERS = CORPORA / "reuters21578"


def need_corpora(*parts: str) -> Path:
    """The path under ../shared/corpora, or skip: a user's fresh clone has no ../shared."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared/corpora/{'/'.join(parts)} not found (it sits beside the repo in CI only)")
    return path


@pytest.fixture(scope="session")
def reuters_000() -> Path:
    return need_corpora("reuters21578", "reut2-000.sgm")


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index built by the real CLI from seeds/ alone."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    result = CliRunner().invoke(main, ["index", "--index", str(index_dir), str(SEEDS)])
    assert result.exit_code == 0, result.output
    return index_dir


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed plus every Reuters-21578 file in ../shared, indexed end to end by the real CLI."""
    reuters = need_corpora("reuters21578")
    index_dir = tmp_path_factory.mktemp("corpus-index")
    result = CliRunner().invoke(main, ["index", "--index", str(index_dir), str(SEEDS), str(reuters)])
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output
    return index_dir
