"""Decoding NER spans into names: wire markup, editors' brackets, hyphens, possessives; defined aliases."""

from __future__ import annotations

import pytest

from archive.ingest.enrich.aliases import defined_aliases
from archive.ingest.enrich.entities import clean_name
from archive.ingest.enrich.spans import decode_spans


def decoded(text: str, mention: str, label: str = "ORG") -> list[str]:
    """The names `decode_spans` makes of one span covering `mention` in `text`."""
    start = text.index(mention)
    return [text[s:e] for s, e, _ in decode_spans(text, [(start, start + len(mention), label)])]


@pytest.mark.parametrize(
    "text,span,names",
    [
        ("Qantas said <Qantas Airways Ltd> has placed an order.", "Qantas Airways Ltd>", ["Qantas Airways Ltd"]),
        ("It signed a firm order with Boeing Co <BA> for four jets.", "Boeing Co <BA", ["Boeing Co"]),
        ("It signed a firm order with Boeing Co <BA> for four jets.", "BA", []),
        ("assets to <Crowley Maritime Corp>'s American unit", "Crowley Maritime Corp>'s", ["Crowley Maritime Corp"]),
        (
            "by the Association of Tin Producing Countries (ATPC) aimed",
            "Association of Tin Producing Countries (",
            ["Association of Tin Producing Countries"],
        ),
        ("Domestic Debt(Dec vs Nov) rose", "Domestic Debt(Dec", ["Domestic Debt"]),
        (
            "a unit of Mitsubishi Motor Manufacturing (USA) Corp>, said",
            "USA) Corp>",
            ["Mitsubishi Motor Manufacturing (USA) Corp"],
        ),
        (
            "Industrial Equity (Pacific) Ltd, a Hong Kong firm",
            "Industrial Equity (Pacific) Ltd",
            ["Industrial Equity (Pacific) Ltd"],
        ),
        ("Ankara and Moscow were rivals in Nagorno-Karabakh last year.", "Nagorno", ["Nagorno-Karabakh"]),
        ("a Turkey-backed force", "Turkey", ["Turkey"]),
        ("Erdogan’s planned trip", "Erdogan’s", ["Erdogan"]),
        ("the U.S. said", "U.S.", ["U.S."]),
    ],
)
def test_spans_become_names(text: str, span: str, names: list[str]) -> None:
    assert decoded(text, span) == names


def test_a_hyphen_does_not_join_two_names_the_model_read_apart() -> None:
    text = "the Turkey-Syria border"
    spans = [(4, 10, "GPE"), (11, 16, "GPE")]
    assert decode_spans(text, spans) == spans


@pytest.mark.parametrize(
    "text,label,name",
    [
        ("(International Monetary) Fund", "ORG", "International Monetary Fund"),
        ("(World) Bank", "ORG", "World Bank"),
        ("(Reuters)", "ORG", "Reuters"),
        ("Industrial Equity (Pacific) Ltd", "ORG", "Industrial Equity (Pacific) Ltd"),
        ("Fibre Co>", "ORG", "Fibre Co"),
        ("Tin Producing Countries (", "ORG", "Tin Producing Countries"),
    ],
)
def test_names_keep_no_stray_bracket(text: str, label: str, name: str) -> None:
    assert clean_name(text, label) == name


def test_defined_short_names_are_found_with_their_long_names() -> None:
    text = (
        "Ministers of the Organization of Petroleum Exporting Countries (OPEC) met. The seven-member "
        "Association of Tin Producing Countries (ATPC) said so, and <Nippon Telegraph and Telephone Corp> (NTT) "
        "and the U.S. Federal Reserve Board (FRB) agreed. OPEC (OPEC) spoke. Industrial Equity (Pacific) Ltd and "
        "Domestic Debt(Dec vs Nov) rose; Sudan People's Liberation Army (SPLA) rebels fought."
    )
    assert defined_aliases(text) == (
        ("OPEC", "Organization of Petroleum Exporting Countries"),
        ("ATPC", "Association of Tin Producing Countries"),
        ("NTT", "Nippon Telegraph and Telephone Corp"),
        ("FRB", "Federal Reserve Board"),
        ("SPLA", "Sudan People's Liberation Army"),
    )


def test_brackets_that_spell_nothing_are_no_alias() -> None:
    assert defined_aliases("Chase Manhattan Bank (CMB) and the Bank of England (BOE) met Smith (UK).") == (
        ("CMB", "Chase Manhattan Bank"),
        ("BOE", "Bank of England"),
    )
