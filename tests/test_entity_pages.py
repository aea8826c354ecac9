"""Entity pages (person, organisation, country, topic…) on the corpus index, and links to them."""

from __future__ import annotations

import pytest


def test_country_page_counts_charts_and_keeps_company(client):
    total = client.get("/api/search?country=TR").get_json()["total"]
    data = client.get("/api/entities/country/TR").get_json()
    assert data["total"] == total == 6
    assert total <= sum(b["count"] for b in data["histogram"]["bins"]) + data["histogram"]["undated"] <= total * 1.02
    assert "GR" in data["cooccurring"]["country"] and "TR" not in data["cooccurring"]["country"]
    dates = [a["published"] for a in data["latest"]]
    dated = [d for d in dates if d]
    assert len(dated) == 4 and dates[: len(dated)] == sorted(dated, reverse=True)  # newest first, the undated last
    html = client.get("/entities/country/TR").get_data(as_text=True)
    assert "<h1>🇹🇷 Turkey</h1>" in html and f"<strong>{total}</strong> stories" in html
    assert 'aria-label="Articles about 🇹🇷 Turkey by month"' in html
    assert 'href="/search?country=TR&amp;from=2024-04-01&amp;to=2024-04-30" aria-label="Apr 2024:' in html
    assert 'href="/entities/country/GR"' in html  # co-occurring entities link to their own pages


@pytest.mark.parametrize(("facet", "value"), [("person", "Farida Haddad"), ("org", "OPEC"), ("topic", "politics")])
def test_person_organisation_and_topic_pages(client, facet, value):
    data = client.get(f"/api/entities/{facet}/{value}").get_json()
    assert data["total"] == client.get(f"/api/search?{facet}={value}").get_json()["total"] > 5
    assert data["latest"] and data["cooccurring"]["person"]
    assert client.get(f"/entities/{facet}/{value}").status_code == 200


def test_article_page_links_entities_to_their_pages(client):
    hit = client.get("/api/search?q=Erdogan").get_json()["hits"][0]
    html = client.get(f"/articles/{hit['id']}").get_data(as_text=True)
    assert 'href="/entities/country/TR"' in html and 'href="/entities/topic/politics"' in html
    assert 'href="/entities/person/Tayyip%20Erdogan"' in html
    assert client.get("/entities/person/Tayyip%20Erdogan").status_code == 200


def test_unknown_entities_are_not_found(client):
    assert client.get("/entities/person/Nobody%20Atall").status_code == 404
    assert client.get("/entities/colour/red").status_code == 404
    assert client.get("/api/entities/colour/red").get_json()["error"]["message"].startswith("facet:")
    assert client.get("/api/entities/person/Nobody").status_code == 404
