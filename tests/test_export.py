"""Export of a whole result set (not one page), streamed as CSV and JSON Lines, on the corpus index."""

from __future__ import annotations

import codecs
import csv
import io
import json
from datetime import date

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


def test_csv_with_dates_a_bom_a_lead_a_link_and_a_download_name(client):
    response = client.get("/api/export?q=cocoa&from=2024-03-01&to=2024-03-31&format=csv")
    today = date.today().isoformat()
    assert response.headers["Content-Disposition"] == f'attachment; filename="archive-cocoa-{today}.csv"'
    data = response.get_data()
    assert data.startswith(codecs.BOM_UTF8)  # Excel on Windows reads UTF-8 only after a byte-order mark
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    total = client.get("/api/search?q=cocoa&from=2024-03-01&to=2024-03-31").get_json()["total"]
    assert len(rows) == total == 2
    assert all("2024-03-01" <= r["published"][:10] <= "2024-03-31" for r in rows)
    assert all(r["headline"] for r in rows)
    assert any("; " in r["places"] for r in rows)  # lists stay in one cell
    for row in rows:
        article = client.get(f"/api/articles/{row['id']}").get_json()
        assert row["lead"] and " ".join(article["body"].split()).startswith(row["lead"])
        assert row["archive_link"] == f"http://localhost/articles/{row['id']}"
        assert client.get(row["archive_link"].removeprefix("http://localhost")).status_code == 200


def test_the_whole_text_by_option_and_names_from_filters(client):
    response = client.get("/api/export?q=cocoa&country=GH&country=CI&text=full")
    name = response.headers["Content-Disposition"].split('"')[1]
    assert name == f"archive-cocoa-gh-ci-{date.today().isoformat()}.csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert rows and "lead" not in rows[0]
    for row in rows:
        assert row["text"] == client.get(f"/api/articles/{row['id']}").get_json()["body"]
    refused = client.get("/api/export?q=cocoa&text=all")
    assert refused.status_code == 400 and refused.get_json()["error"]["message"].startswith("text:")
    everything = client.get("/api/export?format=jsonl").headers["Content-Disposition"]
    assert everything == f'attachment; filename="archive-export-{date.today().isoformat()}.jsonl"'


def test_a_download_name_is_ascii_whatever_the_search():
    from archive.search import SearchRequest
    from archive.search.export import export_name

    request = SearchRequest(q='Erdoğan "Ankara/İzmir" ../../etc', filters={"person": ("Ahmet Davutoğlu",)})
    assert (
        export_name(request, "csv", date(2024, 3, 5))
        == "archive-erdogan-ankara-izmir-etc-ahmet-davutoglu-2024-03-05.csv"
    )
    assert export_name(SearchRequest(q="北京"), "csv", date(2024, 3, 5)) == "archive-export-2024-03-05.csv"


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
    row |= {"lead": "x" * 40_000}
    parsed = list(csv.DictReader(io.StringIO("".join(csv_lines(iter([row]), bom=False)))))
    assert parsed[0]["headline"].startswith("'=HYPERLINK")
    assert parsed[0]["people"] == "'@Ann; Bo" and parsed[0]["place"] == "Ankara"
    assert len(parsed[0]["lead"]) == 32_767 and parsed[0]["lead"].endswith(" […]")  # Excel's cell limit


def test_the_cli_writes_a_file_excel_reads_with_links_to_the_archive(corpus_index, tmp_path):
    from click.testing import CliRunner

    from archive.cli import main

    out = tmp_path / "cocoa.csv"
    args = ["export", "cocoa", "--format", "csv", "--full-text", "--link-base", "https://archive.lan/", "-o", str(out)]
    result = CliRunner().invoke(main, [*args, "--index", str(corpus_index)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows and all(r["archive_link"] == f"https://archive.lan/articles/{r['id']}" and r["text"] for r in rows)
    piped = CliRunner().invoke(main, ["export", "cocoa", "--format", "csv", "--index", str(corpus_index)])
    assert piped.stdout.startswith("id,headline,published,authors,lead,")  # no mark in a pipe
