"""Search on a real index (the seed + tests/data/corpus): syntax, filters, facets, sort, pages, bad queries."""

from __future__ import annotations

import pytest

from archive.errors import BadParameter, BadQuery
from archive.search import SearchRequest, search
from archive.store import open_index


def run(index_dir, q="", page=1, sort="relevance", **filters):
    params = {"q": q, "page": str(page), "sort": sort}
    request = SearchRequest.from_params(params.get, lambda name: list(filters.get(name, [])))
    return search(open_index(index_dir), request)


def test_erdogan_in_turkey_finds_the_seed_with_facets(corpus_index):
    result = run(corpus_index, "Erdogan", country=["TR"])
    assert result["total"] == 1
    hit = result["hits"][0]
    assert hit["authors"] == ["Orhan Coskun"] and hit["dateline"]["place"] == "Ankara"
    assert '<mark class="match' in hit["snippet"]
    assert result["facets"]["country"]["TR"] == 1
    assert {"RU", "SY"} <= set(result["facets"]["country"])
    assert "politics" in result["facets"]["topic"]


def test_accents_fold_and_words_stem(corpus_index):
    assert run(corpus_index, "Erdoğan")["total"] == 1
    assert run(corpus_index, "defences")["total"] >= 1  # the seed says "defence" and "defences"
    assert run(corpus_index, "ERDOGAN")["total"] == 1


def test_query_language(corpus_index):
    assert run(corpus_index, "Erdogan cocoa")["total"] == 0  # AND by default
    assert run(corpus_index, "Erdogan OR cocoa")["total"] >= 2
    assert run(corpus_index, '"air defences"')["total"] == 1
    assert run(corpus_index, '"defences air"')["total"] == 0
    with_oil = run(corpus_index, "crude")["total"]
    assert 0 < run(corpus_index, "crude NOT opec")["total"] < with_oil
    assert run(corpus_index, "headline:cocoa")["total"] >= 1
    assert run(corpus_index, "country:TR")["total"] == run(corpus_index, country=["TR"])["total"] >= 1


def test_empty_query_browses_everything_with_facets_over_the_whole_set(corpus_index):
    everything = run(corpus_index, "")
    with open_index(corpus_index).searcher() as searcher:
        articles = searcher.doc_count()
    assert articles == 61 and everything["total"] == 59  # stories: a copy and an update count once
    assert len(everything["hits"]) == 20
    assert run(corpus_index, "*")["total"] == everything["total"]
    assert everything["facets"]["country"]["US"] == 12
    # Counted over all hits, not one page; 42 since the topic model (was 38: a ferry order that had no topic,
    # a chip plant, power cuts in South Africa and a wind farm now count as business too).
    assert everything["facets"]["topic"]["economy-business-finance"] == 42


def test_filters_or_within_and_across_facets(corpus_index):
    us = run(corpus_index, country=["US"])["total"]
    gb = run(corpus_index, country=["GB"])["total"]
    either = run(corpus_index, country=["US", "GB"])["total"]
    assert max(us, gb) < either <= us + gb
    both = run(corpus_index, country=["US"], topic=["economy-business-finance"])["total"]
    assert 0 < both < us
    assert run(corpus_index, country=["tr"])["total"] == run(corpus_index, country=["TR"])["total"] >= 1


def test_sort_by_date_and_pages(corpus_index):
    newest = run(corpus_index, "oil", sort="newest")
    dates = [h["published"] for h in newest["hits"] if h["published"]]
    assert dates == sorted(dates, reverse=True)
    oldest = run(corpus_index, "oil", sort="oldest")
    dates = [h["published"] for h in oldest["hits"] if h["published"]]
    assert dates == sorted(dates)
    for sort in ("newest", "oldest"):  # the undated seed and wire stories come last, not first, either way
        everything = run(corpus_index, sort=sort)
        assert everything["hits"][0]["published"] and everything["pages"] == 3
        last = run(corpus_index, sort=sort, page=everything["pages"])["hits"]
        dated = [h["published"] is not None for h in last]
        assert dated == sorted(dated, reverse=True) and dated.count(False) == 8
        assert "Orhan Coskun" in {a for h in last if not h["published"] for a in h["authors"]}
    page1, page2 = run(corpus_index, ""), run(corpus_index, "", page=2)  # oil fits on one page
    assert page2["page"] == 2
    assert not {h["id"] for h in page1["hits"]} & {h["id"] for h in page2["hits"]}


@pytest.mark.parametrize(
    "hostile",
    ['"unbalanced', "((((Erdogan", "a AND OR NOT", "field:", "*:*", "body:[a TO", "Erdogan^999999", "\x00\u202e", "~"],
)
def test_hostile_queries_answer_or_fail_cleanly(corpus_index, hostile):
    try:
        result = run(corpus_index, hostile)
    except BadQuery as exc:
        assert exc.message.startswith("search box (q):")
    else:
        assert result["total"] >= 0


def test_a_query_part_whoosh_cannot_read_is_an_error_not_everything(corpus_index):
    with pytest.raises(BadQuery):
        run(corpus_index, "published:yesterday cocoa")
    assert 0 < run(corpus_index, "published:2024 cocoa")["total"] < run(corpus_index, "cocoa")["total"] + 1


def test_did_you_mean_suggests_real_words(corpus_index):
    assert run(corpus_index, "cocao")["suggestion"] == "cocoa"
    assert run(corpus_index, "presidnt haddad")["suggestion"] == "president haddad"
    assert run(corpus_index, "Erdgan visti")["suggestion"] == "Erdogan visit"  # a swap of letters is one slip
    assert run(corpus_index, "cocoa")["suggestion"] is None
    assert run(corpus_index, "Saad")["suggestion"] is None  # a name in three articles is not "corrected" to "said"


@pytest.mark.parametrize(
    ("params", "name"),
    [({"q": "x" * 1001}, "q"), ({"page": "0"}, "page"), ({"page": "abc"}, "page"), ({"sort": "random"}, "sort")],
)
def test_bad_parameters_are_named(params, name):
    with pytest.raises(BadParameter) as caught:
        SearchRequest.from_params(params.get, lambda _: [])
    assert caught.value.message.startswith(f"{name}: ")
