"""The shipped NER model finds the seed article's people, places, organisations and demonyms.

Loads archive/ner_model directly (no ../shared, no network). The model was never trained on
this article; it must generalise to it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import spacy

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "archive" / "ner_model"
SEED = ROOT / "seeds" / "000_5f80274b52949b65.txt"

EXPECTED = {
    "PERSON": {"Tayyip Erdogan", "Vladimir Putin", "Bashar al-Assad"},
    "GPE": {
        "Turkey",
        "Russia",
        "Syria",
        "Ankara",
        "Moscow",
        "Sochi",
        "New York",
        "Ukraine",
        "Poland",
        "Armenia",
        "Azerbaijan",
    },
    "ORG": {"NATO", "Reuters"},
    "NORP": {"Turkish", "Russian", "Azeri", "Armenian"},
}
GPE_OR_LOC = {"Idlib"}


def seed_body() -> str:
    """The article body without byline, dateline, subhead and credit line."""
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    lines = [
        line
        for line in lines
        if not line.startswith("By ") and not line.startswith("(Writing by") and not line.isupper()
    ]
    lines[0] = re.sub(r"^[A-Z]+ \(Reuters\) [–-] ", "", lines[0])
    return "\n".join(lines)


@pytest.fixture(scope="module")
def found() -> set[tuple[str, str]]:
    nlp = spacy.load(MODEL)
    return {(ent.text, ent.label_) for ent in nlp(seed_body()).ents}


def test_body_is_cleaned() -> None:
    body = seed_body()
    assert body.startswith("Turkish President Tayyip Erdogan")
    assert "Writing by" not in body and "AREAS OF COOPERATION" not in body and "Coskun" not in body


@pytest.mark.parametrize("label,name", sorted((label, n) for label, names in EXPECTED.items() for n in names))
def test_entity_found_with_type(found: set[tuple[str, str]], label: str, name: str) -> None:
    assert (name, label) in found, f"{name} not found as {label}; got {sorted(e for e in found if e[0] == name)}"


@pytest.mark.parametrize("name", sorted(GPE_OR_LOC))
def test_region_found_as_place(found: set[tuple[str, str]], name: str) -> None:
    assert (name, "GPE") in found or (name, "LOC") in found


def test_pipeline_has_ner_and_sentences() -> None:
    nlp = spacy.load(MODEL)
    assert {"ner", "senter"} <= set(nlp.pipe_names)
    assert {"PERSON", "ORG", "GPE", "LOC", "NORP"} <= set(nlp.get_pipe("ner").labels)
    doc = nlp("Turkey bought Russian air defences. NATO objected to the deal.")
    assert len(list(doc.sents)) == 2


def test_ner_only_pipeline_is_slim() -> None:
    """training/slim.py: only the archive's labels (each costs NER time per token), no shared tok2vec."""
    nlp = spacy.load(MODEL, exclude=["senter"])
    assert nlp.pipe_names == ["ner"]
    assert set(nlp.get_pipe("ner").labels) == {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "EVENT"}
    assert nlp("Erdogan met Putin in Sochi.").tensor.size == 0
