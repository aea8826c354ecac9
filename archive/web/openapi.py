"""The OpenAPI 3 description of the JSON API, written by hand next to the code it describes."""

from __future__ import annotations

from typing import Any

from archive.facets import ENTITY_PAGES, NAMES, REGISTRY
from archive.search import EXPORT_COLUMNS, MAX_PAGE, SORTS
from archive.search.export import FULL_TEXT_COLUMNS


def _search_parameters() -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 1000},
         "description": "the search box: words ANDed, -word and -\"phrase\" leave out, +word, \"words as typed\", "
                        "\"a b\"~5 within 5 words, =word unstemmed, OR, AND, NOT, (groups), field:value "
                        "(country:turkey, topic:economy, person:erdogan), wildcards*; see the README's Query syntax"},
    ]  # fmt: skip
    for facet in REGISTRY:
        params.append({
            "name": facet.name, "in": "query", "style": "form", "explode": True,
            "schema": {"type": "array", "items": {"type": "string"}, "maxItems": 50},
            "description": f"{facet.help}; repeat for any of several (OR); different facets all apply (AND)",
        })  # fmt: skip
    return [
        *params,
        {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"},
         "description": "published on or after this day (YYYY-MM-DD); undated articles drop out"},
        {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"},
         "description": "published on or before this day (YYYY-MM-DD)"},
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS), "default": "relevance"}},
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
        {"name": "expand", "in": "query", "style": "form", "explode": True,
         "schema": {"type": "array", "items": {"type": "string", "enum": list(NAMES)}},
         "description": "list every value of these facets instead of the top 25"},
    ]  # fmt: skip


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ROW_KEYS = tuple(dict.fromkeys(EXPORT_COLUMNS + FULL_TEXT_COLUMNS))  # `lead`, or `text` with text=full
LIST_KEYS = ("authors", "countries", "topics", "people", "organizations", "places", "tags", "notes")
ERROR = {"$ref": "#/components/schemas/Error"}
ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "503": {"$ref": "#/components/responses/NoIndex"},
}


RELATIONS = {
    "similar": "More like this: other stories sharing the most telling words",
    "versions": "Other versions of the story (updates, new headlines, exact copies), oldest first",
}


ANNOTATIONS = {"type": "object", "required": ["id", "tags", "starred", "notes", "collections"], "properties": {
    "id": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}}, "starred": {"type": "boolean"},
    "notes": {"type": "array", "items": {"type": "object", "required": ["id", "text", "created"], "properties": {
        "id": {"type": "integer"}, "text": {"type": "string"}, "created": {"type": "string"},
        "edited": {"type": "string", "nullable": True}}}},
    "collections": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}}}}}}  # fmt: skip
STRINGS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
CHANGE = {"type": "object", "description": "one change; every key optional", "properties": {
    "tag": {**STRINGS, "description": "tags to add (free text, up to 80 characters each)"},
    "untag": {**STRINGS, "description": "tags to remove"},
    "starred": {"type": "boolean"},
    "note": {"type": "string", "description": "a plain-text note to add (timestamped)"},
    "edit_note": {"type": "object", "properties": {"id": {"type": "integer"}, "text": {"type": "string"}}},
    "delete_note": {"type": "integer"},
    "collection": {**STRINGS, "description": "collections (by name) to add the story to, made when new"},
    "uncollect": {"oneOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}],
                  "description": "collection ids to take the story out of"}}}  # fmt: skip
COLLECTION = {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "created": {"type": "string", "nullable": True},
    "stories": {"type": "integer"}}}  # fmt: skip
WRITE_ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "404": {"$ref": "#/components/responses/NotFound"},
}


def _annotation_paths(article_id: dict[str, Any]) -> dict[str, Any]:
    """Tags, stars, notes and collections: reads, and writes that need the CSRF token."""
    collection_id = {"name": "collection_id", "in": "path", "required": True,
                     "schema": {"type": "integer", "minimum": 0, "maximum": 2147483647}}  # fmt: skip
    body = lambda schema: {"required": True, "content": {"application/json": {"schema": schema}}}  # noqa: E731
    one = {"type": "object", "properties": {**COLLECTION["properties"], "stories": {"type": "array", "items": {
        "type": "object", "properties": {"id": {"type": "string"}, "gone": {"type": "boolean"}}}}}}  # fmt: skip
    return {
        "/api/csrf": {"get": {
            "summary": "A CSRF token for writes: send it as X-CSRF-Token with the session cookie this sets",
            "responses": {"200": _json("The token", {"type": "object", "properties": {
                "token": {"type": "string"}, "header": {"type": "string"}}})}}},
        "/api/tags": {"get": {
            "summary": "Tags in use starting with `prefix`, most used first (autocompletion)",
            "parameters": [{"name": "prefix", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": _json("Tags", {"type": "object", "properties": {"prefix": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "object", "properties": {
                    "tag": {"type": "string"}, "count": {"type": "integer"}}}}}})}}},
        "/api/articles/{article_id}/annotations": {
            "get": {"summary": "A story's tags, star, notes and collections", "parameters": [article_id],
                    "responses": {"200": _json("Annotations", ANNOTATIONS),
                                  "404": {"$ref": "#/components/responses/NotFound"}}},
            "post": {"summary": "Change a story's tags, star, notes or collections", "parameters": [article_id],
                     "requestBody": body(CHANGE),
                     "responses": {"200": _json("Annotations after the change", ANNOTATIONS), **WRITE_ERRORS}}},
        "/api/collections": {
            "get": {"summary": "Every collection (case file), by name",
                    "responses": {"200": _json("Collections", {"type": "object", "properties": {
                        "collections": {"type": "array", "items": COLLECTION}}})}},
            "post": {"summary": "Start a collection (or find the one of that name)",
                     "requestBody": body({"type": "object", "required": ["name"], "properties": {
                         "name": {"type": "string"}}}),
                     "responses": {"201": _json("Made", COLLECTION), "200": _json("Already there", COLLECTION),
                                   **WRITE_ERRORS}}},
        "/api/collections/{collection_id}": {
            "get": {"summary": "A collection and its stories, latest added first", "parameters": [collection_id],
                    "responses": {"200": _json("The collection", one),
                                  "404": {"$ref": "#/components/responses/NotFound"}}},
            "post": {"summary": "Rename a collection, add stories to it or take them out",
                     "parameters": [collection_id],
                     "requestBody": body({"type": "object", "properties": {
                         "name": {"type": "string"}, "add": STRINGS, "remove": STRINGS}}),
                     "responses": {"200": _json("The collection", one), **WRITE_ERRORS}},
            "delete": {"summary": "Delete a collection (its stories stay)", "parameters": [collection_id],
                       "responses": {"200": _json("Deleted", {"type": "object"}), **WRITE_ERRORS}}},
        "/api/collections/{collection_id}/export": {"get": {
            "summary": "A collection's stories: CSV rows, or JSON Lines articles with their annotations",
            "parameters": [collection_id, {"name": "format", "in": "query",
                                           "schema": {"type": "string", "enum": ["csv", "jsonl"], "default": "csv"}}],
            "responses": {"200": {"description": "One row or line per story", "content": {
                "text/csv": {"schema": {"type": "string"}}, "application/x-ndjson": {"schema": {"type": "object"}}}},
                "400": {"$ref": "#/components/responses/BadRequest"},
                "404": {"$ref": "#/components/responses/NotFound"}}}},
    }  # fmt: skip


def openapi_document() -> dict[str, Any]:
    """The whole document; built on request so it always lists the current facets."""
    article_id = {"name": "article_id", "in": "path", "required": True, "schema": {"type": "string"}}
    entity_params = [
        {"name": "facet", "in": "path", "required": True, "schema": {"type": "string", "enum": list(ENTITY_PAGES)}},
        {"name": "value", "in": "path", "required": True, "schema": {"type": "string"}},
    ]
    counts = {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer"}}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "News archive API",
            "version": "1",
            "description": "Search, facets, articles, entities and export over the local news archive.",
        },
        "paths": {
            "/api/search": {"get": {
                "summary": "Search: one page of hits, facet counts over the whole result set, a date histogram",
                "parameters": _search_parameters(),
                "responses": {"200": _json("Results", {"$ref": "#/components/schemas/SearchResult"}), **ERRORS},
            }},
            "/api/facets": {"get": {
                "summary": "Only the facet counts and date histogram of a search",
                "parameters": _search_parameters(),
                "responses": {"200": _json("Facets", {"type": "object", "properties": {
                    "total": {"type": "integer"}, "facets": counts,
                    "histogram": {"$ref": "#/components/schemas/Histogram"}}}), **ERRORS},
            }},
            "/api/export": {"get": {
                "summary": "Every article of a search (not one page), streamed",
                "parameters": [
                    *_search_parameters(),
                    {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["csv", "jsonl"],
                                                                 "default": "csv"}},
                    {"name": "text", "in": "query", "schema": {"type": "string", "enum": ["lead", "full"],
                                                               "default": "lead"},
                     "description": "`lead`: a `lead` column with each story's first paragraph; `full`: a `text` "
                                    "column with its whole text instead"},
                ],
                "responses": {"200": {"description": "One row or line per article", "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/x-ndjson": {"schema": {"$ref": "#/components/schemas/ExportRow"}}}}, **ERRORS},
            }},
            "/api/articles/{article_id}": {"get": {
                "summary": "One article as extracted and enriched, with when it was indexed",
                "parameters": [article_id],
                "responses": {"200": _json("The article", {"type": "object", "required": ["id", "headline", "body"],
                                                           "properties": {
                    "id": {"type": "string"}, "headline": {"type": "string"}, "body": {"type": "string"},
                    "url": {"type": "string", "nullable": True, "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"},
                    "url_text": {"type": "string", "description": "a URL value that is no http(s) URL, as text"},
                    "page_starts": {"type": "array", "items": {"type": "integer"},
                                    "description": "where each page of a document starts in `body`"},
                    "ocr": {"type": "boolean"}, "ocr_confidence": {"type": "number", "nullable": True},
                    "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                    "attachment_of": {"type": "string", "nullable": True,
                                      "description": "the id of the e-mail this attachment came with"},
                    "attachments": {"type": "array", "items": {"type": "string"},
                                    "description": "the ids of this e-mail's attachments"}}}),
                              "404": {"$ref": "#/components/responses/NotFound"}},
            }},
            **{f"/api/articles/{{article_id}}/{relation}": {"get": {
                "summary": summary,
                "parameters": [article_id],
                "responses": {"200": _json(summary, {"type": "object", "properties": {
                    "id": {"type": "string"}, relation: {"type": "array", "items": {"type": "object"}}}}),
                    "404": {"$ref": "#/components/responses/NotFound"}},
            }} for relation, summary in RELATIONS.items()},
            "/api/entities/{facet}/{value}": {"get": {
                "summary": "A person, organisation, country, topic, place, author or source",
                "parameters": entity_params,
                "responses": {"200": _json("The entity", {"type": "object", "properties": {
                    "facet": {"type": "string"}, "value": {"type": "string"}, "total": {"type": "integer"},
                    "histogram": {"$ref": "#/components/schemas/Histogram"}, "cooccurring": counts,
                    "latest": {"type": "array", "items": {"type": "object"}},
                    "names": {"type": "array", "description": "the found names it gathers, with why each joined",
                              "items": {"type": "object", "properties": {
                                  "name": {"type": "string"}, "stories": {"type": "integer"},
                                  "why": {"type": "string"}}}},
                    "found_in": {"type": "string"}, "hidden": {"type": "boolean"}, "corrected": {"type": "boolean"},
                    "problem": {"type": "string", "nullable": True,
                                "description": "why entities.toml is not applied"}}}),
                    "404": {"$ref": "#/components/responses/NotFound"}, **ERRORS},
            }},
            **_annotation_paths(article_id),
            "/api/openapi.json": {"get": {
                "summary": "This document",
                "responses": {"200": _json("OpenAPI 3 document", {"type": "object"})},
            }},
        },
        "components": {
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}}}},
                "Histogram": {"type": "object", "properties": {
                    "interval": {"type": "string", "enum": ["month", "year"]},
                    "bins": {"type": "array", "items": {"type": "object", "properties": {
                        "label": {"type": "string"}, "from": {"type": "string", "format": "date"},
                        "to": {"type": "string", "format": "date"}, "count": {"type": "integer"},
                        "gap": {"type": "boolean", "description": "by year: three or more empty years, folded "
                                                                  "into one bin labelled with their range"}}}},
                    "undated": {"type": "integer"}}},
                "SearchResult": {"type": "object", "properties": {
                    "query": {"type": "string"}, "filters": {"type": "object"},
                    "from": {"type": "string", "nullable": True}, "to": {"type": "string", "nullable": True},
                    "sort": {"type": "string"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
                    "total": {"type": "integer", "description": "stories: the versions of one story count once"},
                    "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"},
                             "description": "one per story; `versions` says how many other versions it has"},
                    "facets": counts, "histogram": {"$ref": "#/components/schemas/Histogram"},
                    "span": {"type": "object", "nullable": True,
                             "properties": {"from": {"type": "string", "format": "date"},
                                            "to": {"type": "string", "format": "date"}},
                             "description": "the first and last publication day in the whole archive"},
                    "suggestion": {"type": "string", "nullable": True,
                                   "description": "did you mean: the query with unknown words corrected"},
                    "operators": {"type": "string", "nullable": True,
                                  "description": "the query with its lowercase `or`/`not` between words read as "
                                                 "operators (`oil OR gas` for `oil or gas`), offered beside did you "
                                                 "mean; the results are for the words as typed"},
                    "notices": {"type": "array", "items": {"type": "string"},
                                "description": "what the search box changed to read the query, in words for its "
                                               "reader: a dangling operator, bracket or quote mended, a common word "
                                               "left out, a facet value read as the archive's values "
                                               "(`country:turkey was read as Turkey (TR)`)"}}},
                "Hit": {"type": "object", "required": ["id", "headline", "url", "snippet", "score", "versions"],
                        "properties": {
                    "id": {"type": "string"}, "headline": {"type": "string"},
                    "published": {"type": "string", "nullable": True},
                    "url": {"type": "string", "nullable": True, "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
                            "description": "only ever an http(s) URL; any other value the source gave is `url_text`"},
                    "snippet": {"type": "string"}, "score": {"type": "number", "nullable": True},
                    "page": {"type": "integer", "nullable": True, "minimum": 1,
                             "description": "the page of a paged document (PDF, scan) the snippet is on"},
                    "versions": {"type": "integer", "minimum": 0},
                    "countries": {"type": "array", "items": {"type": "string"}},
                    "topics": {"type": "array", "items": {"type": "string"}},
                    "tags": {"type": "array", "items": {"type": "string"}, "description": "the reader's tags"},
                    "starred": {"type": "boolean"}}},
                "ExportRow": {"type": "object", "properties": {
                    key: {"type": "array", "items": {"type": "string"}} if key in LIST_KEYS
                    else {"type": "integer"} if key == "versions"
                    else {"type": "string", "nullable": True} for key in ROW_KEYS}},
            },
            "responses": {
                "BadRequest": _json("A parameter is wrong; the message names it", ERROR),
                "NotFound": _json("No such thing", ERROR),
                "NoIndex": _json("No index has been built yet", ERROR),
                "Forbidden": _json("No CSRF token (X-CSRF-Token, from GET /api/csrf), or another site's request",
                                   ERROR),
            },
        },
    }  # fmt: skip
