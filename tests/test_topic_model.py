"""The learned topic model: short texts get a topic with its words as evidence, a user's topics.toml still wins,
and the bundled weights are small, load with numpy alone and fail cleanly when damaged."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.config import Settings
from archive.errors import BadParameter
from archive.ingest.enrich.topic_model import BUNDLED_MODEL, feature_counts, load_topic_model, save_model
from archive.ingest.enrich.topics import assign_topics, load_lexicon, short_text
from archive.ingest.retag import retag
from archive.store import open_index

# Feed entries written for this test: a headline and one sentence each, with too few topic terms for the lists.
SHORT = [
    (
        "economy-business-finance",
        "Retailer warns on Christmas trading",
        "Shares fell 12% after the chain said like-for-like sales in the key quarter missed analysts' forecasts.",
    ),
    (
        "politics",
        "Minister quits ahead of confidence vote",
        "The opposition called for an early election after the coalition lost its majority in parliament.",
    ),
    (
        "conflict-war-peace",
        "Troops pull back from border town",
        "Rebel fighters shelled army positions overnight before the armoured units withdrew.",
    ),
    (
        "health",
        "Flu cases rise sharply in the north",
        "Doctors urged elderly patients to get vaccinated as hospital admissions doubled in a week.",
    ),
]


def test_the_bundled_model_is_small_and_knows_the_17_topics() -> None:
    assert BUNDLED_MODEL.stat().st_size < 5_000_000
    model = load_topic_model()
    assert model is not None
    assert set(model.slugs) == set(load_lexicon().labels)
    assert model.weights.shape == (17, len(model.features))


@pytest.mark.parametrize(("expected", "headline", "body"), SHORT, ids=[s[0] for s in SHORT])
def test_short_texts_get_a_topic_with_the_words_that_weighed(expected: str, headline: str, body: str) -> None:
    result = assign_topics(headline, body)
    assert result.topics[:1] == (expected,), result
    assert 0 < result.scores[expected] <= 1
    assert len(result.evidence[expected]) >= 2


def test_the_model_tags_what_the_terms_alone_leave_untagged() -> None:
    headline, body = "Copper climbs on supply worries", "Smelters in Chile warned of lower output through the winter."
    assert assign_topics(headline, body, model=None).topics == ()
    result = assign_topics(headline, body)
    assert result.topics[:1] == ("economy-business-finance",)
    assert {"copper", "smelters", "output"} <= set(result.evidence["economy-business-finance"])


def test_a_user_removal_and_topic_weight_reach_the_model(tmp_path: Path) -> None:
    headline, body = SHORT[3][1:]
    user = tmp_path / "topics.toml"
    user.write_text("[health]\nweight = 0.05\n", encoding="utf-8")
    assert "health" not in assign_topics(headline, body, load_lexicon(user)).topics
    user.write_text('[health]\nterms = ["flu=0", "hospital*=0"]\n', encoding="utf-8")
    evidence = assign_topics(headline, body, load_lexicon(user)).evidence.get("health", ())
    assert not {"flu", "hospital", "hospital*", "flu cases"} & set(evidence)


def test_short_text_cuts_a_headline_and_one_sentence_or_two_without_one() -> None:
    body = (
        "The central bank raised its main rate by half a point on Tuesday. "
        "Markets had expected a quarter-point move at most. More came."
    )
    first = "The central bank raised its main rate by half a point on Tuesday."
    assert short_text("Rates up", body) == ("Rates up", first)
    assert short_text("", body)[1].endswith("Markets had expected a quarter-point move at most.")
    assert feature_counts("Rates up", "rates")["rates"] == 3.0  # a headline word counts double
    assert "zebra" not in feature_counts("", "Copper " * 400 + "zebra")  # a long body: its opening only


def test_a_damaged_model_file_is_one_clean_error(tmp_path: Path) -> None:
    broken = tmp_path / "topic_model.npz"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(BadParameter) as caught:
        load_topic_model(broken)
    assert str(broken) in caught.value.message
    save_model(broken, ["sport"], ["goal", "match"], np.zeros((2, 2)), np.zeros(1), 1.0)  # 2 rows for 1 topic
    with pytest.raises(BadParameter, match="do not match"):
        load_topic_model(broken)
    assert load_topic_model(tmp_path / "missing.npz") is None


def test_index_and_retag_give_a_feed_brief_the_model_topic(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    headline, body = "Copper climbs on supply worries", "Smelters in Chile warned of lower output through the winter."
    (folder / "brief.txt").write_text(f"{headline}\n\n{body}\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    result = CliRunner().invoke(main, ["index", "--index", str(index_dir), str(folder)])
    assert result.exit_code == 0, result.output
    (stored,) = _articles(index_dir)
    assert stored["topics"][:1] == ["economy-business-finance"]
    assert "copper" in stored["topic_evidence"]["economy-business-finance"]

    (index_dir / "topics.toml").write_text('[economy-business-finance]\nterms = ["copper=0", "smelters=0"]\n')
    assert retag(Settings.from_env(index_dir=index_dir)) == 1
    (stored,) = _articles(index_dir)
    assert not {"copper", "smelters"} & set(stored["topic_evidence"].get("economy-business-finance", []))


def _articles(index_dir: Path) -> list[dict]:
    with open_index(index_dir).searcher() as searcher:
        return [json.loads(fields["data"]) for fields in searcher.all_stored_fields()]
