"""The OpenAPI 3 document: well formed, every reference resolves, and every documented path answers."""

from __future__ import annotations

import re

from archive.facets import NAMES as FACETS

METHODS = {"get", "post", "put", "delete", "patch"}


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_document_structure(client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.") and doc["info"]["title"] and doc["info"]["version"]
    for path, item in doc["paths"].items():
        assert path.startswith("/api/")
        assert set(item) <= METHODS and item
        for operation in item.values():
            assert operation["summary"] and "200" in operation["responses"]
            for param in operation.get("parameters", []):
                assert {"name", "in", "schema"} <= set(param) and param["in"] in {"query", "path"}
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), path
    for ref in _refs(doc):
        node = doc
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]  # a dangling reference fails here
    search_params = {p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert search_params == {"q", *FACETS, "from", "to", "sort", "page", "expand"}


def test_every_documented_path_answers(client):
    doc = client.get("/api/openapi.json").get_json()
    article_id = client.get("/api/search?q=Erdogan").get_json()["hits"][0]["id"]
    values = {"article_id": article_id, "facet": "country", "value": "TR"}
    for path, item in doc["paths"].items():
        if "{collection_id}" in path:
            continue  # the corpus index has no collections: tests/test_annotations.py makes one and asks these
        url = re.sub(r"{(\w+)}", lambda m: values[m.group(1)], path)
        response = client.get(url)
        assert response.status_code == 200, url
        assert set(item["get"]["responses"]["200"]["content"]) & {response.mimetype}, url


def test_documented_errors_are_json(client):
    for url in ("/api/search?sort=up", "/api/facets?from=x", "/api/export?format=pdf", "/api/entities/x/y"):
        response = client.get(url)
        assert response.status_code == 400 and response.mimetype == "application/json", url
        error = response.get_json()["error"]
        assert error["status"] == 400 and ":" in error["message"], url
