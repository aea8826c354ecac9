"""Odd page numbers are a clear 400 naming `page`, on the pages and the API alike, never a 500."""

from __future__ import annotations

import pytest

ODD_PAGES = ["²", "٣", "①", "5" * 5000, "0", "-1", "1.5", "1e3", "", "10001", "  ", "0x10", "+2", "1_000"]


@pytest.mark.parametrize("page", ODD_PAGES, ids=lambda p: repr(p[:12]) + (f"…{len(p)}" if len(p) > 12 else ""))
def test_an_odd_page_is_a_400_naming_page(client, page):
    if page == "":
        # an empty page parameter means the first page, as when the form leaves it out
        assert client.get("/api/search", query_string={"page": page}).status_code == 200
        return
    api = client.get("/api/search", query_string={"page": page})
    assert api.status_code == 400, api.get_data(as_text=True)[:200]
    assert api.get_json()["error"]["message"].startswith("page: ")
    for url in ("/search", "/api/facets", "/api/export"):
        answer = client.get(url, query_string={"q": "cocoa", "page": page})
        assert answer.status_code == 400, url
        assert "page: invalid parameter (must be a whole number from 1 to 10000)" in answer.get_data(as_text=True), url


def test_the_last_allowed_page_answers(client):
    assert client.get("/api/search", query_string={"page": "10000"}).get_json()["page"] == 3  # clamped to the last
    assert client.get("/search", query_string={"page": "10000"}).status_code == 200
