"""Entity facets: mentions merged within an article, titles and possessives stripped, ranked by mentions."""

from __future__ import annotations

from archive.ingest.enrich.entities import clean_name, merge_entities
from tests.helpers import spans_of


def test_surnames_fold_into_full_names_and_rank_by_mentions():
    text = (
        "President Tayyip Erdogan met Vladimir Putin. Erdogan said Bashar al-Assad must go; "
        "Putin disagreed. Assad's forces advanced. Erdogan's plane left."
    )
    spans = spans_of(
        text,
        ("President Tayyip Erdogan", "PERSON"),
        ("Vladimir Putin", "PERSON"),
        ("Erdogan", "PERSON"),
        ("Bashar al-Assad", "PERSON"),
        ("Putin", "PERSON"),
        ("Assad's", "PERSON"),
        ("Erdogan's", "PERSON"),
    )
    assert merge_entities(spans, text).people == ("Tayyip Erdogan", "Vladimir Putin", "Bashar al-Assad")


def test_ambiguous_surname_stays_apart():
    text = "John Smith and Jane Smith met. Smith spoke."
    spans = spans_of(text, ("John Smith", "PERSON"), ("Jane Smith", "PERSON"), ("Smith", "PERSON"))
    assert set(merge_entities(spans, text).people) == {"John Smith", "Jane Smith", "Smith"}


def test_clean_names():
    assert clean_name("the United Nations", "ORG") == "United Nations"
    assert clean_name("Prime Minister Boris Johnson", "PERSON") == "Boris Johnson"
    assert clean_name("Reuters’", "ORG") == "Reuters"
    assert clean_name("NATO's", "ORG") == "NATO"


def test_case_variants_share_one_entry_and_labels_go_to_their_facets():
    text = "OPEC met. Opec said. Saudi officials and Turkish troops went to the Gulf for Expo 2020."
    spans = spans_of(
        text,
        ("OPEC", "ORG"),
        ("Opec", "ORG"),
        ("Saudi", "NORP"),
        ("Turkish", "NORP"),
        ("Gulf", "LOC"),
        ("Expo 2020", "EVENT"),
    )
    ents = merge_entities(spans, text)
    assert ents.organizations == ("Opec",)
    assert ents.groups == ("Saudi", "Turkish") and ents.places == ("Gulf",) and ents.events == ("Expo 2020",)


def test_a_surname_misread_as_an_organisation_joins_the_person():
    text = "Bashar al-Assad spoke. Russia helped shore up Assad. Assad thanked Moscow. Ford Motor rose."
    spans = spans_of(
        text,
        ("Bashar al-Assad", "PERSON"),
        ("Russia", "GPE"),
        ("Assad", "ORG"),
        ("Assad", "PERSON"),
        ("Moscow", "GPE"),
        ("Ford Motor", "ORG"),
    )
    ents = merge_entities(spans, text)
    assert ents.people == ("Bashar al-Assad",)
    assert ents.organizations == ("Ford Motor",)


def test_abbreviations_keep_their_dots_and_wire_shorthand_is_no_entity():
    assert clean_name("U.S.", "GPE") == "U.S."
    assert clean_name("Reuters.", "ORG") == "Reuters"
    text = "The U.S. said profits rose 5 mln dlrs. Avg shrs were up. Shell Co Inc said."
    spans = spans_of(text, ("U.S.", "GPE"), ("mln", "ORG"), ("Avg", "PERSON"), ("Shell", "ORG"), ("Co Inc", "ORG"))
    ents = merge_entities(spans, text)
    assert ents.places == ("U.S.",) and ents.organizations == ("Shell",) and ents.people == ()
