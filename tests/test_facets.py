"""Facets on the corpus index: multi-select counts that ignore their own selection, new facets, show all."""

from __future__ import annotations

import pytest

from archive.errors import BadParameter
from archive.search import FACET_LIMIT, SearchRequest, search
from archive.store import open_index


def run(index_dir, q="", **params):
    single = {k: v for k, v in params.items() if isinstance(v, str)}
    request = SearchRequest.from_params({"q": q, **single}.get, lambda name: list(params.get(name, [])))
    return search(open_index(index_dir), request)


def test_a_facets_counts_ignore_its_own_selection(corpus_index):
    plain = run(corpus_index, "oil")
    us = run(corpus_index, "oil", country=["US"])
    assert us["facets"]["country"] == plain["facets"]["country"]  # other countries stay visible and countable
    assert us["total"] == plain["facets"]["country"]["US"]
    # other facets are counted over the selection
    assert us["facets"]["topic"] != plain["facets"]["topic"]
    assert max(us["facets"]["topic"].values()) <= us["total"]


def test_two_countries_or_and_a_topic_and(corpus_index):
    plain = run(corpus_index, "oil")["facets"]["country"]
    both = run(corpus_index, "oil", country=["US", "GB"])
    assert max(plain["US"], plain["GB"]) < both["total"] <= plain["US"] + plain["GB"]
    assert both["facets"]["country"]["US"] == plain["US"] and both["facets"]["country"]["GB"] == plain["GB"]
    topic = next(iter(both["facets"]["topic"]))
    narrowed = run(corpus_index, "oil", country=["US", "GB"], topic=[topic])
    assert narrowed["total"] == both["facets"]["topic"][topic] < both["total"]
    # the country counts now obey the topic (AND across facets) but still not the country selection
    assert narrowed["facets"]["country"]["US"] <= plain["US"]
    assert sum(1 for h in narrowed["hits"] if {"US", "GB"} & set(h["countries"])) == len(narrowed["hits"])


def test_source_and_year_facets(corpus_index):
    everything = run(corpus_index)
    assert everything["facets"]["source"]["Reuters"] == 9  # stories, not articles: the seed and 10 SGML articles
    dated_2024 = everything["facets"]["year"]["2024"]
    year = run(corpus_index, year=["2024"])
    assert year["total"] == dated_2024 < everything["total"]  # 2023 and the undated are left out
    assert all(h["published"].startswith("2024") for h in year["hits"])
    assert run(corpus_index, source=["Reuters"], q="Erdogan")["total"] == 1


def test_show_all_lifts_the_limit_for_one_facet(corpus_index):
    limited = run(corpus_index)
    assert len(limited["facets"]["person"]) == FACET_LIMIT
    expanded = run(corpus_index, expand=["person"])
    assert len(expanded["facets"]["person"]) > FACET_LIMIT
    assert len(expanded["facets"]["org"]) == FACET_LIMIT


@pytest.mark.parametrize(("name", "value"), [("year", "87"), ("expand", "colour")])
def test_bad_facet_parameters_are_named(name, value):
    with pytest.raises(BadParameter) as caught:
        SearchRequest.from_params({}.get, lambda n: [value] if n == name else [])
    assert caught.value.message.startswith(f"{name}: ")


def test_search_page_multi_select_show_all_and_chips(client):
    html = client.get("/search?q=&country=US&country=GB").get_data(as_text=True)
    assert html.count('aria-current="true"') == 2  # both ticked in the sidebar
    assert 'aria-label="Remove filter Countries: 🇺🇸 United States"' in html
    assert 'href="/search?q=&amp;country=GB"' in html  # unticking one keeps the other
    assert "Show all countries" in html and "expand=country" in html
    expanded = client.get("/search?q=&country=US&country=GB&expand=country").get_data(as_text=True)
    facet = expanded.split('id="facet-country"')[1].split("</section>")[0]
    assert facet.count("<li>") > FACET_LIMIT and "Show fewer" in facet
    api = client.get("/api/search?q=oil&country=US&country=GB&source=Reuters&year=1987").get_json()
    assert api["filters"] == {"country": ["US", "GB"], "source": ["Reuters"], "year": ["1987"]}
    assert client.get("/api/search?year=nineteen").get_json()["error"]["message"].startswith("year:")


def test_an_index_made_before_source_and_year_still_searches_and_takes_new_articles(tmp_path):
    from whoosh import fields, index

    from archive.article import Article, Dateline
    from archive.store import article_document, make_schema, write_documents

    newer = ("source", "year", "month", "group", "copy_of", "exact")
    kept = {n: f for n, f in make_schema().items() if n not in newer and "spell_" not in n}
    old = fields.Schema(**kept)
    index.create_in(str(tmp_path), old)
    assert run(tmp_path)["facets"]["source"] == {}  # reading an old index: the new facets are empty, not an error
    ix = open_index(tmp_path, create=True)  # what the indexer does: the new fields are added
    article = Article(source="a.txt", body="Cocoa rose.", headline="Cocoa", dateline=Dateline(agency="Reuters"))
    with ix.writer() as writer:
        write_documents(writer, [article_document(article, "hash", "a.txt", group=article.id, exact="x")])
    assert run(tmp_path, "cocoa", source=["Reuters"])["total"] == 1
