"""Export of a whole result set (not one page), streamed as CSV and JSON Lines, on the corpus index."""

from __future__ import annotations

import csv
import io
import json

from archive.search import EXPORT_COLUMNS


def test_jsonl_has_every_match_with_entities(client):
    query = "q=&country=US&country=GB&sort=oldest"
    total = client.get(f"/api/search?{query}").get_json()["total"]
    assert total == 23  # more than a page's worth
    response = client.get(f"/api/export?{query}&format=jsonl")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/x-ndjson"
    rows = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert len(rows) == total and len({r["id"] for r in rows}) == total
    assert all({"US", "GB"} & set(r["countries"]) for r in rows)
    assert set(rows[0]) == set(EXPORT_COLUMNS)
    assert any(r["people"] for r in rows) and any(r["organizations"] for r in rows) and any(r["topics"] for r in rows)
    dates = [r["published"] for r in rows if r["published"]]
    assert dates == sorted(dates)


def test_csv_with_dates_and_a_download_name(client):
    response = client.get("/api/export?q=cocoa&from=2024-03-01&to=2024-03-31&format=csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="archive-export.csv"'
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    total = client.get("/api/search?q=cocoa&from=2024-03-01&to=2024-03-31").get_json()["total"]
    assert len(rows) == total == 2
    assert all("2024-03-01" <= r["published"][:10] <= "2024-03-31" for r in rows)
    assert all(r["headline"] for r in rows)
    assert any("; " in r["places"] for r in rows)  # lists stay in one cell


def test_each_format_names_its_charset_once(client):
    csv_type = client.get("/api/export?q=cocoa").headers["Content-Type"]
    jsonl_type = client.get("/api/export?q=cocoa&format=jsonl").headers["Content-Type"]
    assert (csv_type, jsonl_type) == ("text/csv; charset=utf-8", "application/x-ndjson; charset=utf-8")


def test_export_errors_are_json_and_come_before_any_data(client):
    for url, name in [("/api/export?format=xml", "format:"), ("/api/export?from=March", "from:"),
                      ("/api/export?country=" + "&country=".join(map(str, range(60))), "country:")]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.get_json()["error"]["message"].startswith(name), url


def test_search_page_links_to_the_export_of_the_same_search(client):
    html = client.get("/search?q=oil&country=US&page=2").get_data(as_text=True)
    assert 'href="/api/export?q=oil&amp;country=US&amp;format=csv"' in html
    assert 'href="/api/export?q=oil&amp;country=US&amp;format=jsonl"' in html


def test_csv_cells_a_spreadsheet_would_run_are_defused():
    from archive.search.export import csv_lines

    row = dict.fromkeys(EXPORT_COLUMNS, "")
    row |= {"headline": '=HYPERLINK("http://evil.example","click")', "people": ["@Ann", "Bo"], "place": "Ankara"}
    parsed = list(csv.DictReader(io.StringIO("".join(csv_lines(iter([row]))))))
    assert parsed[0]["headline"].startswith("'=HYPERLINK")
    assert parsed[0]["people"] == "'@Ann; Bo" and parsed[0]["place"] == "Ankara"
