"""One name, one type, per article: mentions vote, known places are places, a surname takes its full name's type.

The spans stand for what a model may say; the places are what the real country resolver (gazetteer,
dateline) reads in the same text.
"""

from __future__ import annotations

from archive.article import Entities
from archive.ingest.enrich.entities import merge_entities
from archive.ingest.enrich.resolve import assign_countries
from tests.helpers import spans_of


def entities(text: str, *mentions: tuple[str, str], dateline: str | None = None) -> Entities:
    """merge_entities as enrichment calls it: with the resolver's reading of the same text."""
    spans = spans_of(text, *mentions)
    countries = assign_countries(headline="", body=text, dateline_place=dateline, entities=spans)
    return merge_entities(spans, text, place_names=countries.place_names, unmarked_places=countries.unmarked_places)


def test_a_known_place_read_as_an_organisation_once_is_a_place() -> None:
    text = "Turkey's first agenda point is Syria, namely Idlib. The Idlib agreement held, Ankara said."
    ents = entities(text, ("Turkey", "GPE"), ("Syria", "GPE"), ("Idlib", "ORG"), ("Idlib", "GPE"), ("Ankara", "GPE"))
    assert "Idlib" in ents.places and "Idlib" not in ents.organizations


def test_a_known_region_read_as_a_person_is_a_place() -> None:
    text = "Armenia and Azerbaijan fought over Nagorno-Karabakh. Both Nagorno-Karabakh and Syria were discussed."
    ents = entities(
        text,
        ("Armenia", "GPE"),
        ("Azerbaijan", "GPE"),
        ("Nagorno-Karabakh", "GPE"),
        ("Nagorno-Karabakh", "PERSON"),
        ("Syria", "GPE"),
    )
    assert "Nagorno-Karabakh" in ents.places and ents.people == ()


def test_the_dateline_place_is_a_place_and_a_demonym_a_group() -> None:
    text = "Ankara said on Friday that Turkish officials would travel. Ankara wants a deal."
    ents = entities(text, ("Ankara", "PERSON"), ("Turkish", "PERSON"), ("Ankara", "ORG"), dateline="ANKARA")
    assert ents.places == ("Ankara",) and ents.groups == ("Turkish",) and ents.people == ()


def test_a_surname_alone_takes_its_full_names_type() -> None:
    text = (
        "Tayyip Erdogan will meet Vladimir Putin. Turkey opposes Bashar al-Assad, while Russia helped "
        "shore up Assad. Erdogan and Putin will talk."
    )
    ents = entities(
        text,
        ("Tayyip Erdogan", "PERSON"),
        ("Vladimir Putin", "PERSON"),
        ("Turkey", "GPE"),
        ("Bashar al-Assad", "PERSON"),
        ("Russia", "GPE"),
        ("Assad", "GPE"),
        ("Erdogan", "ORG"),
        ("Putin", "PERSON"),
    )
    assert set(ents.people) == {"Tayyip Erdogan", "Vladimir Putin", "Bashar al-Assad"}
    assert ents.places == ("Turkey", "Russia") and ents.organizations == ()


def test_an_unknown_name_takes_the_type_most_mentions_give() -> None:
    text = "Burisma hired him. Investigations into Burisma went on, and Burisma denied it."
    ents = entities(text, ("Burisma", "ORG"), ("Burisma", "GPE"), ("Burisma", "ORG"))
    assert ents.organizations == ("Burisma",) and ents.places == ()


def test_a_town_only_ever_read_as_an_organisation_stays_one() -> None:
    text = "Chelsea beat Arsenal 2-1 in London. Chelsea lead the table."
    ents = entities(text, ("Chelsea", "ORG"), ("Arsenal", "ORG"), ("London", "GPE"), ("Chelsea", "ORG"))
    assert ents.organizations == ("Chelsea", "Arsenal") and ents.places == ("London",)


def test_news_agencies_are_organisations_and_generic_words_are_no_names() -> None:
    text = "Reuter reported that Energy and Finance officials met at the Bank. Reuters confirmed it."
    ents = entities(
        text, ("Reuter", "PERSON"), ("Energy", "ORG"), ("Finance", "ORG"), ("Bank", "ORG"), ("Reuters", "ORG")
    )
    assert ents.organizations == ("Reuter", "Reuters") and ents.people == ()


def test_a_one_word_place_nobody_knows_after_a_given_name_is_that_person() -> None:
    text = (
        "He, U.S. Ambassador to the European Union Gordon Sondland and others met. He did not always follow "
        "suggestions from Sondland, and dubbed Sondland's role odd."
    )
    ents = entities(text, ("U.S.", "GPE"), ("European Union", "ORG"), ("Sondland", "GPE"), ("Sondland", "GPE"))
    assert ents.people == ("Gordon Sondland",) and ents.places == ("U.S.",)


def test_a_defined_short_name_takes_its_long_names_type() -> None:
    text = "The Association of Tin Producing Countries (ATPC) met. ATPC said prices would rise."
    spans = spans_of(text, ("Association of Tin Producing Countries", "ORG"), ("ATPC", "PERSON"), ("ATPC", "PERSON"))
    aliases = (("ATPC", "Association of Tin Producing Countries"),)
    ents = merge_entities(spans, text, aliases=aliases)
    assert ents.organizations == ("ATPC", "Association of Tin Producing Countries") and ents.people == ()


def test_places_the_gazetteer_knows_count_where_the_model_marked_nothing() -> None:
    text = "Turkey sold drones to Ukraine, angering Moscow over Donbass. Union Carbide Corp <UK> rose."
    ents = entities(text, ("Turkey", "GPE"), ("Ukraine", "GPE"), ("Union Carbide Corp", "ORG"))
    assert ents.places == ("Turkey", "Ukraine", "Moscow", "Donbass")


def test_an_institution_that_points_to_a_country_is_what_its_mentions_say() -> None:
    text = "Shares rose on Wall Street and the Nasdaq. Wall Street traders and the Nasdaq said so, the Nasdaq too."
    ents = entities(
        text, ("Wall Street", "ORG"), ("Nasdaq", "GPE"), ("Wall Street", "ORG"), ("Nasdaq", "ORG"), ("Nasdaq", "ORG")
    )
    assert ents.organizations == ("Nasdaq", "Wall Street") and ents.places == ()
