"""On Reuters-21578 (../shared): OPEC and the expansion its stories define are one entity, through NER as indexed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archive.web import create_app
from tests.helpers import index_with_cli, need_corpora

EXPANSION = "Organization of Petroleum Exporting Countries"


@pytest.fixture(scope="module")
def opec_client(tmp_path_factory: pytest.TempPathFactory):
    """The stories of two Reuters files that mention OPEC (20 of 2,000: NER runs on them in seconds)."""
    stories = []
    for name in ("reut2-000.sgm", "reut2-001.sgm"):
        text = need_corpora("reuters21578", name).read_text(encoding="latin-1")
        stories += [m.group(0) for m in re.finditer(r"<REUTERS.*?</REUTERS>", text, re.S) if "OPEC" in m.group(0)]
    folder: Path = tmp_path_factory.mktemp("reuters-opec")
    (folder / "opec.sgm").write_text("\n".join(stories), encoding="latin-1")
    index_dir = tmp_path_factory.mktemp("reuters-opec-index")
    index_with_cli(index_dir, folder)
    return create_app({"INDEX_DIR": index_dir, "TESTING": True}).test_client()


def test_opec_and_its_expansion_are_one_entity(opec_client):
    org = opec_client.get("/api/search").get_json()["facets"]["org"]
    assert "OPEC" in org and not any("Petroleum Exporting" in name for name in org)
    page = opec_client.get("/api/entities/org/OPEC").get_json()
    gathered = {n["name"]: n["why"] for n in page["names"]}
    assert gathered[EXPANSION].startswith("abbreviation (defined in")
    assert page["total"] == org["OPEC"]
    by_expansion = opec_client.get("/api/search", query_string={"org": EXPANSION}).get_json()
    assert by_expansion["total"] == org["OPEC"]  # the expansion filters to every OPEC story, and the other way
    assert opec_client.get(f"/entities/org/{EXPANSION}").headers["Location"].endswith("/entities/org/OPEC")
