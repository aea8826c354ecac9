"""No query can hold the server: wildcards that stand for too many words, and searches past their time, are a 400."""

from __future__ import annotations

import time

import pytest

import archive.search.matchset as matchset


@pytest.mark.parametrize("q", ["*a*", "a* b* c* d*", "a* OR b* OR c* OR d* OR e* OR f*", "*e"])
def test_wildcards_that_stand_for_too_many_words_are_refused_quickly(client, monkeypatch, q):
    monkeypatch.setattr(matchset, "MAX_EXPANSION", 50)  # the small corpus has too few words for the real bound
    started = time.monotonic()
    answer = client.get("/api/search", query_string={"q": q})
    assert answer.status_code == 400
    message = answer.get_json()["error"]["message"]
    assert message.startswith("search box (q):") and "more than 50 words" in message and "more letters" in message
    assert time.monotonic() - started < 5
    page = client.get("/search", query_string={"q": q})
    assert page.status_code == 400 and "more letters" in page.get_data(as_text=True)


def test_a_narrow_prefix_is_answered(client):
    answer = client.get("/api/search", query_string={"q": "cocoa*"}).get_json()
    assert answer["total"] > 0
    assert all("cocoa" in (h["headline"] + h["snippet"]).lower() for h in answer["hits"][:3])


def test_a_search_past_its_time_stops_with_a_clear_error(client, monkeypatch):
    monkeypatch.setattr(matchset, "WORK_SECONDS", 0.0)  # every search is already late
    answer = client.get("/api/search", query_string={"q": "oil prices"})
    assert answer.status_code == 400
    assert "took longer than" in answer.get_json()["error"]["message"]
    assert client.get("/api/search", query_string={"q": ""}).status_code == 200  # browsing reads no postings
