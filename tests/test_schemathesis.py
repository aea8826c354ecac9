"""schemathesis against /api/openapi.json on the committed corpus index: generated requests to every documented
operation; no 5xx, and every answer (status, content type, body) is what the document says. Bounded and seeded."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from archive.facets import ENTITY_PAGES
from archive.web import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def api_schema(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory):
    saved = tmp_path_factory.mktemp("schemathesis") / "saved.json"
    app = create_app({"INDEX_DIR": corpus_index, "SAVED_SEARCHES": saved})
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


# schemathesis's own pytest plugin does not run under this pytest; its strategies under plain Hypothesis do the same.
SETTINGS = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_the_api_keeps_to_its_openapi_document(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 7  # search, facets, export, article, similar, versions, entity (not the document)
    for operation in operations:

        @SETTINGS
        @given(case=operation.as_strategy())
        def keeps_to_the_document(case) -> None:
            case.call_and_validate(checks=CHECKS)

        keeps_to_the_document()


def test_real_articles_and_entities_keep_to_the_document(api_schema):
    """Generated ids are all 404s; real ones (from a search) check the 200 answers too."""
    client = api_schema.app.test_client()
    hits = client.get("/api/search?q=cocoa OR oil OR ferry").get_json()["hits"]
    assert hits
    by_path = {operation.path: operation for operation in (r.ok() for r in api_schema.get_all_operations())}
    for hit in hits[:8]:
        for path in (
            "/api/articles/{article_id}",
            "/api/articles/{article_id}/similar",
            "/api/articles/{article_id}/versions",
        ):
            case = by_path[path].Case(path_parameters={"article_id": hit["id"]})
            response = case.call()
            assert response.status_code == 200, path
            case.validate_response(response, checks=CHECKS)
    facets = client.get("/api/facets").get_json()["facets"]
    pairs = [(facet, value) for facet in ENTITY_PAGES for value in list(facets[facet])[:2]]
    assert len(pairs) >= 10
    for facet, value in pairs:
        case = by_path["/api/entities/{facet}/{value}"].Case(path_parameters={"facet": facet, "value": value})
        response = case.call()
        assert response.status_code == 200, (facet, value)
        case.validate_response(response, checks=CHECKS)
