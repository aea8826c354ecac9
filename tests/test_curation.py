"""Entities across the archive: found names joined (abbreviations, spellings, surnames), the user's
corrections in entities.toml (merge, rename, type, hide), and watch-lists; on a real index from the CLI."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cli import main
from archive.ingest.enrich.aliases import defined_aliases
from archive.search.corrections import Correction
from archive.search.entities import EntityMap
from archive.web import create_app
from tests.helpers import index_with_cli
from tests.makers import named_stories_jsonl


@pytest.fixture()
def client(named_index: Path, tmp_path: Path) -> Iterator:
    """The app over the named index; each test starts with no entities.toml and leaves none."""
    corrections = named_index / "entities.toml"
    corrections.unlink(missing_ok=True)
    app = create_app({"INDEX_DIR": named_index, "SAVED_SEARCHES": tmp_path / "saved.json", "TESTING": True})
    yield app.test_client()
    corrections.unlink(missing_ok=True)


def token(client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/watchlist").get_data(as_text=True)).group(1)


def facets(client, **filters: str) -> dict:
    return client.get("/api/search", query_string=filters).get_json()["facets"]


def test_definitions_read_in_text_and_not_elsewhere():
    text = (
        "Ministers of the Organization of Petroleum Exporting Countries (OPEC) met. The General Agreement on Tariffs "
        "and Trade, GATT, was discussed, as were London Interbank Offered Rates (LIBOR) and the Edison Electric "
        "Institute (EEI). Prices rose (CPI) sharply; a list (OK) was read. OECD (Organisation for Economic "
        "Cooperation and Development) said so, as did John Smith, CEO, on Monday."
    )
    assert defined_aliases(text) == (
        ("OPEC", "Organization of Petroleum Exporting Countries"),
        ("GATT", "General Agreement on Tariffs and Trade"),  # in the order the text defines them
        ("LIBOR", "London Interbank Offered Rates"),
        ("EEI", "Edison Electric Institute"),
        ("OECD", "Organisation for Economic Cooperation and Development"),
    )


def test_the_archive_joins_abbreviations_spellings_and_surnames(client):
    found = facets(client)
    # OPEC gathers the expansion its text defines and that expansion's other spelling, defined nowhere.
    assert found["org"] == {"OPEC": 3}
    assert found["person"]["Ronald Reagan"] == 2 and "Reagan" not in found["person"]
    assert found["person"]["Tayyip Erdoğan"] == 2 and "Tayyip Erdogan" not in found["person"]
    assert {"John Smith", "Jane Smith", "Smith"} <= set(found["person"])  # two Smiths: "Smith" joins neither
    assert "Volodymyr Zelenskiy" in found["person"] and "Volodymyr Zelensky" in found["person"]  # needs the user
    # Any of an entity's names filters to all its stories, and the entity page lists them with why.
    by_expansion = client.get("/api/search?org=Organisation of Petroleum Exporting Countries").get_json()
    assert by_expansion["total"] == 3 and by_expansion["facets"]["org"] == {"OPEC": 3}
    page = client.get("/api/entities/org/OPEC").get_json()
    assert {n["name"]: n["why"] for n in page["names"]} == {
        "OPEC": "",
        "Organization of Petroleum Exporting Countries": "abbreviation (defined in 1 article)",
        "Organisation of Petroleum Exporting Countries": "abbreviation (defined in 1 article)",
    }
    assert client.get("/api/search?q=org:organisation").get_json()["total"] == 3
    assert client.get("/api/search?q=person:reagan").get_json()["notices"] == [
        "person:reagan was read as Ronald Reagan"
    ]
    redirect = client.get("/entities/person/Reagan")
    assert redirect.status_code == 302 and redirect.headers["Location"].endswith("/entities/person/Ronald%20Reagan")
    html = client.get("/entities/org/OPEC").get_data(as_text=True)
    assert "Names it gathers" in html and "Organisation of Petroleum Exporting Countries" in html


def test_a_surname_stays_apart_once_another_full_name_ends_with_it():
    counts = {"person": {"Reagan": 3, "Ronald Reagan": 5}}
    assert EntityMap(counts, {}, ()).shown("person", "Reagan") == ("person", "Ronald Reagan")
    counts["person"]["Nancy Reagan"] = 1
    assert EntityMap(counts, {}, ()).shown("person", "Reagan") == ("person", "Reagan")
    # An abbreviation the archive spells out in two different ways joins neither.
    definitions = {"IRA": {"Irish Republican Army": 2, "Individual Retirement Account": 2}}
    orgs = {"org": {"IRA": 4, "Irish Republican Army": 2, "Individual Retirement Account": 2}}
    assert EntityMap(orgs, definitions, ()).shown("org", "IRA") == ("org", "IRA")
    # An expansion's other spellings join it (one letter apart in a long word), other names like it do not.
    definitions = {"CBA": {"Commonwealth Bank of Australia": 1}}
    banks = {"CBA": 5, "Commonwealth Bank of Australia": 1, "Commonwealth Bank of Austrailia": 1,
             "Commerce Bank of Australia": 1, "Commonwealth Bank of Austria": 1}  # fmt: skip
    joined = EntityMap({"org": banks}, definitions, ())
    assert [n for n in banks if joined.shown("org", n) == ("org", "CBA")] == list(banks)[:3]
    # The user's two tables are never joined by the archive: that is how a wrong join is undone.
    apart = (Correction("person", "Reagan"), Correction("person", "Ronald Reagan"))
    assert EntityMap({"person": {"Reagan": 3, "Ronald Reagan": 5}}, {}, apart).shown("person", "Reagan") == (
        "person", "Reagan")  # fmt: skip


def test_the_users_file_merges_renames_retypes_and_hides(client, named_index):
    (named_index / "entities.toml").write_text(
        '[person."Volodymyr Zelensky"]\naliases = ["Volodymyr Zelenskiy"]\n\n'
        '[person."Bank of England"]\ntype = "org"\n\n'
        '[person."Tayyip Erdogan"]\nhidden = true\n\n'
        '[org."Opec"]\naliases = ["OPEC"]\n',
        encoding="utf-8",
    )
    found = facets(client)
    assert found["person"]["Volodymyr Zelensky"] == 2 and "Volodymyr Zelenskiy" not in found["person"]
    assert found["org"] == {"Opec": 3, "Bank of England": 1}  # renamed, its joined names still with it
    assert "Bank of England" not in found["person"]
    assert not any("Erdo" in name for name in found["person"])  # hidden with every spelling it gathers
    assert client.get("/api/search?person=Tayyip Erdogan").get_json()["total"] == 0
    assert client.get("/api/search?q=Erdogan").get_json()["total"] == 2  # the text still finds the words
    article = client.get("/api/search?q=Zelenskiy").get_json()["hits"][0]["id"]
    entities = client.get(f"/api/articles/{article}").get_json()["entities"]
    assert entities["people"] == ["Volodymyr Zelensky"]
    bank = client.get("/api/search?q=bank").get_json()["hits"][0]["id"]
    bank_entities = client.get(f"/api/articles/{bank}").get_json()["entities"]
    assert bank_entities["organizations"] == ["Bank of England"] and bank_entities["people"] == []
    hidden = client.get("/entities/person/Tayyip%20Erdogan")
    assert hidden.status_code == 200 and "Show it again" in hidden.get_data(as_text=True)
    listed = client.get("/entities").get_data(as_text=True)  # where hidden entities are found again
    assert '<a href="/entities/person/Tayyip%20Erdogan">Tayyip Erdogan</a> <span class="meta">hidden</span>' in listed
    assert "found as person" in listed and "Volodymyr Zelenskiy" in listed
    assert client.get("/entities/org/OPEC").headers["Location"].endswith("/entities/org/Opec")


def test_a_broken_file_is_named_and_the_names_stay_as_found(client, named_index):
    (named_index / "entities.toml").write_text('[person."X"]\ncolour = "red"\n', encoding="utf-8")
    assert facets(client)["person"]["Ronald Reagan"] == 2
    problem = client.get("/api/entities/org/OPEC").get_json()["problem"]
    assert "entities.toml" in problem and "unknown key 'colour'" in problem
    form = client.post("/entities/org/OPEC", data={"csrf_token": token(client), "action": "hide"})
    assert form.status_code == 400 and "entities.toml" in form.get_data(as_text=True)


def test_entity_page_forms_write_the_file_and_need_the_token(client, named_index):
    csrf = token(client)
    assert client.post("/entities/org/OPEC", data={"action": "hide"}).status_code == 403
    assert client.post("/entities/year/1987", data={"csrf_token": csrf, "action": "hide"}).status_code == 400
    bad = client.post("/entities/org/OPEC", data={"csrf_token": csrf, "action": "explode"})
    assert bad.status_code == 400 and "action" in bad.get_data(as_text=True)
    empty = client.post("/entities/org/OPEC", data={"csrf_token": csrf, "action": "rename", "name": " "})
    assert empty.status_code == 400 and "name:" in empty.get_data(as_text=True)
    merged = client.post(
        "/entities/person/Volodymyr%20Zelenskiy",
        data={"csrf_token": csrf, "action": "merge", "name": "Volodymyr Zelensky"},
    )
    assert merged.status_code == 303 and merged.headers["Location"].endswith("/entities/person/Volodymyr%20Zelensky")
    moved = client.post(
        "/entities/person/Bank%20of%20England", data={"csrf_token": csrf, "action": "type", "type": "org"}
    )
    assert moved.headers["Location"].endswith("/entities/org/Bank%20of%20England")
    apart = client.post(
        "/entities/person/Ronald%20Reagan", data={"csrf_token": csrf, "action": "separate", "alias": "Reagan"}
    )
    assert apart.status_code == 303
    text = (named_index / "entities.toml").read_text(encoding="utf-8")
    assert '[person."Volodymyr Zelensky"]\naliases = ["Volodymyr Zelenskiy"]' in text and 'type = "org"' in text
    found = facets(client)
    assert found["person"]["Volodymyr Zelensky"] == 2 and found["person"]["Reagan"] == 1
    assert found["person"]["Ronald Reagan"] == 1 and found["org"]["Bank of England"] == 1
    client.post("/entities/org/OPEC", data={"csrf_token": csrf, "action": "hide"})
    assert "OPEC" not in facets(client)["org"]
    client.post("/entities/org/OPEC", data={"csrf_token": csrf, "action": "show"})
    assert facets(client)["org"]["OPEC"] == 3


def test_watchlist_page_cli_and_csv_agree(client, named_index, tmp_path):
    csrf = token(client)
    pasted = client.post("/watchlist", data={"csrf_token": csrf, "names": "organisation of petroleum exporting "
                                             "countries\nREAGAN\nNobody Atall\n\nerdogan"})  # fmt: skip
    html = pasted.get_data(as_text=True)
    assert pasted.status_code == 200 and html.count("<tr>") == 5  # the heading and four names
    csv_file = tmp_path / "names.csv"
    csv_file.write_text("country,name\nAT,Organisation of Petroleum Exporting Countries\nUS,Reagan\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["watchlist", str(csv_file), "--index", str(named_index), "--format", "csv"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "name,stories,latest_date,latest_headline,latest_id,entities,search"
    assert lines[1].startswith("Organisation of Petroleum Exporting Countries,3,1987-03-04,Cartel output steady,")
    assert "org:OPEC" in lines[1] and lines[2].startswith("Reagan,2,1987-03-06,White House budget,")
    q = re.search(r"search\?q=([^,]+)$", lines[2]).group(1)
    assert client.get(f"/api/search?q={q}").get_json()["total"] == 2  # the link finds exactly those stories
    with csv_file.open("rb") as upload:
        download = client.post("/watchlist", data={"csrf_token": csrf, "format": "csv", "file": (upload, "names.csv")})
    assert download.headers["Content-Disposition"] == 'attachment; filename="watchlist.csv"'
    assert download.get_data(as_text=True).splitlines()[1].split(",")[:2] == lines[1].split(",")[:2]
    binary = client.post("/watchlist", data={"csrf_token": csrf, "file": (tmp_path.joinpath("x").open("wb+"), "")})
    assert binary.status_code == 400  # nothing uploaded and nothing pasted: says there are no names
    missing = CliRunner().invoke(main, ["watchlist", str(tmp_path / "none.txt"), "--index", str(named_index)])
    assert missing.exit_code == 1 and "none.txt: cannot read this file" in missing.output


def test_retag_finds_the_definitions_of_articles_indexed_before_them(tmp_path):
    """An archive indexed before abbreviations were read: `archive retag` reads them in, no NER."""
    from archive.article import Article
    from archive.store import ArchiveWriter, article_document, open_index

    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "named.jsonl").write_text(named_stories_jsonl(), encoding="utf-8")
    index_dir = tmp_path / "index"
    index_with_cli(index_dir, folder)
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        stored = list(searcher.all_stored_fields())
    with ArchiveWriter(ix, index_dir) as writer:  # as an older archive wrote them: no `aliases`
        for fields in stored:
            article = replace(Article.from_dict(json.loads(fields["data"])), aliases=())
            writer.update_document(**article_document(article, fields["content_hash"], fields["file"],
                                                      group=fields["group"], exact=""))  # fmt: skip
    app = create_app({"INDEX_DIR": index_dir, "TESTING": True}).test_client()
    assert "Organization of Petroleum Exporting Countries" in facets(app)["org"]
    result = CliRunner().invoke(main, ["retag", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert facets(app)["org"] == {"OPEC": 3}
