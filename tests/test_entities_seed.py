"""The seed story's entity facets, exactly as the issue asks, through `archive extract --json`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from archive.cli import main
from tests.helpers import SEED


@pytest.fixture(scope="module")
def article() -> dict:
    result = CliRunner().invoke(main, ["extract", str(SEED), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_people_are_the_three_full_names(article: dict) -> None:
    # The lone "Erdogan", "Putin" and "Assad" mentions join their full names (one read as a place).
    assert set(article["entities"]["people"]) == {"Tayyip Erdogan", "Vladimir Putin", "Bashar al-Assad"}


def test_organisations_and_not_a_city(article: dict) -> None:
    organizations = set(article["entities"]["organizations"])
    assert {"NATO", "Reuters", "United Nations General Assembly"} <= organizations
    assert "Idlib" not in organizations


def test_places_whole_and_no_person(article: dict) -> None:
    places = set(article["entities"]["places"])
    assert {"Idlib", "Sochi", "Nagorno-Karabakh", "Ankara", "Turkey", "Russia", "Syria"} <= places
    assert not places & {"Assad", "Nagorno", "Erdogan"}


def test_every_name_has_one_type(article: dict) -> None:
    ents = article["entities"]
    kinds = [name.lower() for kind in ("people", "organizations", "places", "groups", "events") for name in ents[kind]]
    assert len(kinds) == len(set(kinds))


def test_aliases_field_is_there_when_the_story_defines_none(article: dict) -> None:
    assert article["aliases"] == []
