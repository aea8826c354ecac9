"""All of Reuters-21578 (from ../shared) and the seed through the real CLI: what only the full collection shows.

Four to seven minutes on two cores, so it is marked `slow`: CI runs it, `make test` elsewhere does not.
The read-side tests run on the small committed corpus instead (tests/data/README.md).
"""

from __future__ import annotations

import pytest

from archive.search import SearchRequest, search
from archive.store import open_index
from tests.helpers import SEEDS, index_with_cli, need_corpora


def run(ix, q="", **params):
    single = {k: v for k, v in params.items() if isinstance(v, str)}
    request = SearchRequest.from_params({"q": q, **single}.get, lambda name: list(params.get(name, [])))
    return search(ix, request)


@pytest.mark.slow
@pytest.mark.corpus
def test_all_of_reuters_indexes_groups_and_counts_at_scale(tmp_path):
    index_with_cli(tmp_path / "index", SEEDS, need_corpora("reuters21578"))
    ix = open_index(tmp_path / "index")

    everything = run(ix)
    with ix.searcher() as searcher:
        articles = searcher.doc_count()
        copies = sum(1 for fields in searcher.all_stored_fields() if fields.get("copy_of"))
    assert articles > 17_000 and 16_000 < everything["total"] < articles  # stories: versions count once
    assert copies > 100  # Reuters-21578 repeats many stories word for word
    assert everything["facets"]["country"]["US"] > 5_000  # counted over all hits, not one page
    assert everything["facets"]["topic"]["economy-business-finance"] > 10_000
    assert everything["facets"]["source"]["Reuters"] > 16_500
    year = run(ix, year=["1987"])
    assert year["total"] == everything["facets"]["year"]["1987"] < everything["total"]  # the seed is undated
    assert run(ix, "Erdogan", source=["Reuters"])["total"] == 1

    # Wire updates group; the Fed's daily reserve operations read alike word for word but each day's is news.
    updated = run(ix, 'headline:"optimistic about debt talks"')
    assert updated["total"] == 1 and updated["hits"][0]["versions"] >= 1
    manila = run(ix, 'headline:"manila said to offer debt bonds"')
    assert manila["total"] == 1 and manila["hits"][0]["versions"] == 2  # three wire copies, one story
    daily = search(ix, SearchRequest(q='headline:"fed adds reserves via customer repurchases"', per_page=50))
    days = {hit["published"][:10] for hit in daily["hits"]}
    assert daily["total"] >= 10 and len(days) == daily["total"]

    # Spelling over a real vocabulary: a slip is corrected, a rare name is not turned into a common word.
    assert run(ix, "presidnt reagan")["suggestion"] == "president reagan"
    assert run(ix, "Ozal")["suggestion"] is None
    assert run(ix, person=["Ronald Reagan"])["total"] > 5  # 19 stories
