"""Reuters-21578 through enrichment: no entity name keeps a stray bracket or wire markup; definitions found.

1987 wire copy marks company names `<Fibre Co>`, follows them with tickers `<BA>`, and its editors
bracket words in (`the (World) Bank`); every one of those once reached the facets.
"""

from __future__ import annotations

import re

import pytest

from archive.article import Article
from archive.ingest.enrich.pipeline import Enricher
from archive.ingest.readers.formats import read_file
from tests.helpers import need_corpora

STORIES = 300  # the first stories of reut2-000.sgm: 40 of them carry company markup, 44 names in it


@pytest.fixture(scope="module")
def enriched() -> list[Article]:
    path = need_corpora("reuters21578", "reut2-000.sgm")
    articles = read_file(path, max_bytes=50_000_000).articles[:STORIES]
    enricher = Enricher()
    return [a for i in range(0, len(articles), 64) for a in enricher.enrich(articles[i : i + 64])]


def unbalanced(name: str) -> bool:
    """Whether a name has `<`/`>` or a bracket without its partner."""
    if "<" in name or ">" in name:
        return True
    depth = 0
    for ch in name:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return True
    return depth != 0 or name.count("[") != name.count("]")


def test_no_entity_name_keeps_a_bracket_or_markup(enriched: list[Article]) -> None:
    marked = [a for a in enriched if re.search(r"<[A-Z][^<>\n]{1,60}>", a.body)]
    assert len(marked) >= 30  # the copy is full of markup, so the check below means something
    names = [
        (a.source, kind, name)
        for a in enriched
        for kind in ("people", "organizations", "places", "groups", "events")
        for name in getattr(a.entities, kind)
    ]
    bad = [n for n in names if unbalanced(n[2])]
    assert bad == [], f"{len(bad)} of {len(names)} names: {bad[:10]}"


def test_marked_company_names_are_organisations(enriched: list[Article]) -> None:
    """`<Qantas Airways Ltd>`-style names, where the model found them, are whole and typed as organisations."""
    found = marked = 0
    for a in enriched:
        for name in set(re.findall(r"<([A-Z][^<>\n]*[a-z][^<>\n]*)>", a.body)):
            marked += 1
            found += name in a.entities.organizations
    assert marked >= 30 and found > 0.6 * marked, (found, marked)


def test_definitions_in_the_copy_are_aliases(enriched: list[Article]) -> None:
    aliases = {pair for a in enriched for pair in a.aliases}
    assert {("ICO", "International Coffee Organization"), ("NTT", "Nippon Telegraph and Telephone Corp")} <= aliases
    assert len(aliases) >= 20
    assert all(short != long and short[0] == long[0] for short, long in aliases)
