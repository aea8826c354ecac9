"""The annotation facets (tags, stars, collections) as masks and counts over a snapshot's documents.

Their values live in the annotations database keyed by article id (archive.store.annotations), not in
the index, so a tag is seen by the next search without a commit. Here each annotated id is looked up in
the index once per generation of the index and of the annotations (a term look-up per id: readers
annotate hundreds or thousands of stories, not the archive), and from then on a filter is a mask and
a count is the number of distinct stories among a value's documents, like the columns' facets.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from typing import Any

import numpy as np
from whoosh import query

from archive.facets import Facet
from archive.store import ColumnView, Snapshot
from archive.store.annotations import Annotations

_cache: weakref.WeakKeyDictionary[ColumnView, tuple[Any, dict[str, dict[str, np.ndarray]]]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def annotation_docs(snap: Snapshot) -> dict[str, dict[str, np.ndarray]]:
    """Per annotation facet, value -> the document numbers (in this snapshot) of the stories that have it."""
    annotations = Annotations(snap.index_dir)
    stamp = annotations.changed()
    columns = snap.columns
    with _lock:
        cached = _cache.get(columns)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    values = annotations.facet_values()
    wanted = {article_id for per_value in values.values() for ids in per_value.values() for article_id in ids}
    searcher = snap.searcher
    found = {article_id: searcher.document_number(id=article_id) for article_id in wanted}
    docs: dict[str, dict[str, np.ndarray]] = {}
    for facet, per_value in values.items():
        docs[facet] = {}
        for value, ids in per_value.items():
            numbers = np.array(sorted({found[i] for i in ids if found[i] is not None}), dtype=np.int64)
            docs[facet][value] = numbers[numbers < columns.size]
    with _lock:
        _cache[columns] = (stamp, docs)
    return docs


def _chosen(per_value: dict[str, np.ndarray], values: Iterable[str]) -> list[np.ndarray]:
    """The documents of the chosen values; values match ignoring case, as tags and names are kept."""
    wanted = {v.casefold() for v in values}
    return [docs for value, docs in per_value.items() if value.casefold() in wanted]


def annotation_mask(snap: Snapshot, facet: str, values: Iterable[str]) -> np.ndarray:
    """Documents having any of these values of an annotation facet."""
    mask = np.zeros(snap.columns.size, dtype=np.bool_)
    for docs in _chosen(annotation_docs(snap).get(facet, {}), values):
        mask[docs] = True
    return mask


def annotation_counts(snap: Snapshot, facet: Facet, mask: np.ndarray, limit: int | None) -> dict[str, int]:
    """Value -> matching stories, most first then by name (what `counts.top_values` gives for the columns)."""
    story = snap.columns.story
    counts = {}
    for value, docs in annotation_docs(snap).get(facet.name, {}).items():
        hit = docs[mask[docs]]
        if len(hit):
            counts[value] = len(np.unique(story[hit]))
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    return dict(ordered[:limit] if limit else ordered)


def annotation_query(snap: Snapshot, facet: str, typed: str, limit: int) -> tuple[list[str], query.Query]:
    """The search box's `tag:oil` (`collection:"case one"`, `star:starred`): the values it names (ignoring
    case; `oil*` takes every value starting so) and a query for their stories' ids."""
    text = typed.casefold().strip()
    prefix = text.endswith("*")
    text = text.rstrip("*")
    per_value = annotation_docs(snap).get(facet, {})
    names = [v for v in per_value if (v.casefold().startswith(text) if prefix else v.casefold() == text)]
    stored = snap.searcher.stored_fields
    ids = sorted({stored(int(d))["id"] for name in names for d in per_value[name][:limit]})
    terms = [query.Term("id", i) for i in ids[:limit]]
    if not terms:
        return names, query.NullQuery
    return names, query.Or(terms) if len(terms) > 1 else terms[0]
