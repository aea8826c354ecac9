"""Wire-copy parsing: dateline, credits, subheads, sign-off and derived headlines (bylines: test_bylines)."""

from __future__ import annotations

import pytest

from archive.ingest.readers.wire import (
    derive_headline,
    parse_credits,
    parse_wire_text,
    split_dateline,
    split_paragraphs,
)
from tests.helpers import SEED


@pytest.fixture(scope="module")
def seed():
    return parse_wire_text(SEED.read_text(encoding="utf-8"), str(SEED))


def test_seed_byline_and_dateline(seed):
    assert seed.byline == "By Orhan Coskun"
    assert seed.authors == ("Orhan Coskun",)
    assert seed.dateline.place == "Ankara"
    assert seed.dateline.agency == "Reuters"
    assert seed.body.startswith("Turkish President Tayyip Erdogan will visit Russia")


def test_seed_credits_subheads_and_headline(seed):
    assert seed.credits == {"writing": ("Tuvan Gumrukcu",), "editing": ("Dominic Evans", "Timothy Heritage")}
    assert seed.subheads == ("AREAS OF COOPERATION",)
    assert "\n\nAREAS OF COOPERATION\n\nDespite backing opposing sides" in seed.body  # in reading order
    assert "(Writing by" not in seed.body
    assert seed.headline_derived is True
    assert seed.headline.startswith("Turkish President Tayyip Erdogan will visit Russia")
    assert len(seed.headline) <= 101


@pytest.mark.parametrize(
    ("text", "place", "agency", "date", "rest"),
    [
        ("ANKARA (Reuters) – Turkish officials said", "Ankara", "Reuters", None, "Turkish officials said"),
        ("NEW YORK, March 3 - Shares rose", "New York", None, "March 3", "Shares rose"),
        ("WASHINGTON, Sept 17 (Reuters) — The Fed", "Washington", "Reuters", "Sept 17", "The Fed"),
        ("RIO DE JANEIRO, Feb 26 - Brazil said", "Rio de Janeiro", None, "Feb 26", "Brazil said"),
        ("Sochi (AP) - Talks began", "Sochi", "AP", None, "Talks began"),
        ("SAN MATEO, Calif., March 3 - Shares", "San Mateo, Calif.", None, "March 3", "Shares"),
        ("LONDON, Ontario - The city", "London, Ontario", None, None, "The city"),
    ],
)
def test_datelines(text, place, agency, date, rest):
    dateline, remainder = split_dateline(text)
    assert (dateline.place, dateline.agency, dateline.date, remainder) == (place, agency, date, rest)


def test_no_dateline_in_ordinary_sentence():
    dateline, rest = split_dateline("The company - which makes chips - said profits rose.")
    assert dateline.place is None and rest.startswith("The company")


def test_credit_line_with_places_and_roles():
    credits = parse_credits(
        "(Reporting by Orhan Coskun in Ankara; Additional reporting by Jane Doe; Editing by Ann Poe and Bo Li)"
    )
    assert credits == {
        "reporting": ("Orhan Coskun",),
        "additional reporting": ("Jane Doe",),
        "editing": ("Ann Poe", "Bo Li"),
    }
    assert parse_credits("(The figures are provisional.)") is None


def test_headline_kept_when_the_story_has_one():
    text = "Turkey's Erdogan to visit Russia\n\nBy Orhan Coskun\n\nANKARA (Reuters) - Erdogan will visit Russia.\n"
    article = parse_wire_text(text, "x.txt")
    assert article.headline == "Turkey's Erdogan to visit Russia"
    assert article.headline_derived is False
    assert article.authors == ("Orhan Coskun",)


def test_wrapped_paragraphs_join_and_indentation_splits():
    text = "First line of a\nwrapped paragraph.\n    Second paragraph starts\nhere."
    assert split_paragraphs(text) == ["First line of a wrapped paragraph.", "Second paragraph starts here."]


def test_derived_headline_cuts_long_leads_at_a_word():
    lead = "U.S. officials said on Monday that " + "the talks would continue " * 10 + "next week."
    headline = derive_headline(lead)
    assert headline.endswith("…") and len(headline) <= 101 and "U.S. officials" in headline
