"""Entities across the archive: the names found in articles joined into entities, as the archive is read.

NER names each article's people, organisations and places on its own; here the names of the whole
archive become entities, the way Aleph and Datashare cross-reference theirs:

- **spelling**: names that differ only in case, accents or punctuation (`Erdoğan`, `Erdogan`) are one;
- **abbreviations** a text defines ("the Organization of Petroleum Exporting Countries (OPEC)",
  archive.ingest.enrich.aliases) join their expansion everywhere, when most of the archive's
  definitions of the short form give that expansion;
- **surnames**: a one-word person name joins the one full name in the archive ending with it
  (Reagan -> Ronald Reagan while no other Reagan is in the archive);
- **the user's corrections** (archive.search.corrections, `entities.toml`): merges, renames, types,
  hidden entities; the archive's own joins never join two of the user's tables.

An entity is shown by the name the user gave it, else by the name most of its stories use (never a
surname that joined a full name: Reagan's stories are Ronald Reagan's). The
columns are read through `view(snap)`: the same columns with each found name replaced by its entity
(hidden ones dropped, a story counted once however many of the names it has), so facets, filters,
entity pages, `field:value` searches and watch-lists all see one thing. Nothing in the index changes;
it is rebuilt when the index gains a commit or the file changes, and kept beside the index
(`entity-view.pickle`, under the snapshot's generation and the file's hash), so the next process to
open the same archive (the web app after `archive index`, which builds it at the end of a run)
reads it instead of building it: seconds at a few hundred thousand articles.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import threading
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from archive.config import entities_file
from archive.display import fold
from archive.errors import BadParameter, EntitiesFileBroken
from archive.facets import NAMES as FACET_NAMES
from archive.search import corrections
from archive.search.corrections import CORRECTED, TYPES, Correction
from archive.store import ColumnView, Snapshot, Snapshots, snapshot
from archive.store.schema import ALIAS_SEPARATOR

TOKEN = re.compile(r"[^\W_]+")
ENTITY_KEYS = {"person": "people", "org": "organizations", "place": "places"}

Node = tuple[str, str]  # (facet the name was found in, the name)


@lru_cache(maxsize=1 << 20)  # an archive's names recur at every commit's rebuild
def key(name: str) -> str:
    """A name's spelling key: case, accents and punctuation folded, digits kept (G7 is not G8)."""
    return " ".join(fold(token) for token in TOKEN.findall(name))


@lru_cache(maxsize=1 << 20)
def signature(name: str) -> tuple[str, ...]:
    """A name's words by their first and last letters and digits: where its other spellings are looked for
    (organisation ~ organization), so an archive's names are compared with a few, not all."""
    return tuple(word[0] + word[-1] + "".join(c for c in word if c.isdigit()) for word in key(name).split())


def spelled_alike(a: str, b: str) -> bool:
    """The same words but for one letter in a long word or two (organisation, organization, organiaation);
    digits must agree (Group 7 is not Group 8)."""
    words_a, words_b = key(a).split(), key(b).split()
    if len(words_a) != len(words_b):
        return False
    differ = [(x, y) for x, y in zip(words_a, words_b, strict=True) if x != y]
    return len(differ) <= 2 and all(
        len(x) >= 5 and [c for c in x if c.isdigit()] == [c for c in y if c.isdigit()] and _one_edit(x, y)
        for x, y in differ
    )


def _one_edit(x: str, y: str) -> bool:
    """Whether one letter changed, added or dropped turns x into y."""
    if abs(len(x) - len(y)) > 1:
        return False
    start = 0
    while start < min(len(x), len(y)) and x[start] == y[start]:
        start += 1
    return x[start + 1 :] == y[start + 1 :] or x[start + 1 :] == y[start:] or x[start:] == y[start + 1 :]


@dataclass
class Member:
    """A found name an entity gathers, with its stories and why it was joined."""

    name: str
    stories: int
    why: str


@dataclass
class Entity:
    facet: str  # where it is shown
    name: str
    found_in: str  # the facet its names were found in
    hidden: bool
    table: Correction | None
    members: list[Member] = field(default_factory=list)


class EntityMap:
    """Every found name's entity, for the corrected facets; names it does not know are entities of their own."""

    def __init__(
        self,
        counts: dict[str, dict[str, int]],
        definitions: dict[str, dict[str, int]],
        tables: tuple[Correction, ...],
        problem: str | None = None,
    ) -> None:
        self.problem = problem  # why the user's file was not applied, when it was not
        self._by_key: dict[str, list[tuple[str, str]]] | None = None
        self._parent: dict[Node, Node] = {}
        self._owner: dict[Node, Correction] = {}
        self._why: dict[Node, str] = {}
        for facet, names in counts.items():
            for name in names:
                self._parent[(facet, name)] = (facet, name)
        self._user(tables)
        for facet in CORRECTED:
            self._spellings(facet, counts.get(facet, {}))
        for facet in TYPES:
            self._abbreviations(facet, counts.get(facet, {}), definitions)
        self._surnames(counts.get("person", {}))
        self.entity_of: dict[Node, Entity] = {}
        self.by_shown: dict[tuple[str, str], Entity] = {}
        groups: dict[Node, list[Node]] = defaultdict(list)
        for node in self._parent:
            groups[self._find(node)].append(node)
        for root, nodes in groups.items():
            entity = self._entity(root, nodes, counts)
            for node in nodes:
                self.entity_of[node] = entity
            self.by_shown.setdefault((entity.facet, entity.name), entity)

    # --- union-find over found names --------------------------------------------------------------

    def _find(self, node: Node) -> Node:
        parent = self._parent.setdefault(node, node)
        while parent != node:
            grand = self._parent[parent]
            self._parent[node] = grand
            node, parent = parent, grand
        return node

    def _join(self, a: Node, b: Node, why: str) -> bool:
        """Join b's entity to a's; a join of two of the user's tables is refused (the file joins its own first)."""
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return False
        owner_a, owner_b = self._owner.get(ra), self._owner.get(rb)
        if owner_a and owner_b:
            return False
        self._parent[rb] = ra
        if owner_b and not owner_a:
            self._owner[ra] = owner_b
        self._why.setdefault(b, why)
        return True

    def _user(self, tables: tuple[Correction, ...]) -> None:
        for table in tables:
            self._find((table.facet, table.name))
            for alias in table.aliases:
                self._join((table.facet, table.name), (table.facet, alias), "your list")
        # The entity is shown as its first table that no other table lists as an alias.
        listed = {(t.facet, alias) for t in tables for alias in t.aliases}
        for table in sorted(tables, key=lambda t: (t.facet, t.name) in listed):
            self._owner.setdefault(self._find((table.facet, table.name)), table)

    def _spellings(self, facet: str, names: dict[str, int]) -> None:
        by_key: dict[str, list[str]] = defaultdict(list)
        for name in names:
            if k := key(name):
                by_key[k].append(name)
        for same in by_key.values():
            for other in same[1:]:
                self._join((facet, same[0]), (facet, other), "spelling")

    def _abbreviations(self, facet: str, names: dict[str, int], definitions: dict[str, dict[str, int]]) -> None:
        """Each short form with the expansion most of its definitions give, and that expansion's other
        spellings (Organisation/Organization, a typo: one letter apart in a word) where no text defines them."""
        by_signature: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for name in names:
            by_signature[signature(name)].append(name)
        for short, longs in definitions.items():
            if short not in names:
                continue
            best = max(longs, key=lambda long: (longs[long], long))
            defined = sum(count for long, count in longs.items() if spelled_alike(long, best))
            if defined * 2 <= sum(longs.values()):
                continue  # the archive spells it out in several ways: ambiguous
            why = f"abbreviation (defined in {defined} article{'' if defined == 1 else 's'})"
            for long in by_signature.get(signature(best), ()):
                if long != short and spelled_alike(long, best):
                    self._join((facet, short), (facet, long), why)

    def _surnames(self, names: dict[str, int]) -> None:
        holders: dict[str, set[str]] = defaultdict(set)
        for name in names:
            words = key(name).split()
            if len(words) > 1 and len(words[-1]) > 1:
                holders[words[-1]].add(name)
        for name in names:
            words = key(name).split()
            if len(words) != 1 or not name[:1].isupper() or words[0] not in holders:
                continue
            own = self._find(("person", name))
            others = [full for full in holders[words[0]] if self._find(("person", full)) != own]
            if len({self._find(("person", full)) for full in others}) == 1:
                full = max(others, key=lambda n: (names.get(n, 0), n))
                self._join(("person", full), ("person", name), "surname")

    def _entity(self, root: Node, nodes: list[Node], counts: dict[str, dict[str, int]]) -> Entity:
        found_in = root[0]
        stories = counts.get(found_in, {})
        table = self._owner.get(root)
        if table is not None:
            facet, name, hidden = table.shown_facet, table.name, table.hidden
        else:  # the name most stories use; a surname alone is never the name of the person it joined
            named = [n for f, n in nodes if self._why.get((f, n)) != "surname"] or [n for _, n in nodes]
            name = max(named, key=lambda n: (stories.get(n, 0), len(n), n))
            facet, hidden = found_in, False
        entity = Entity(facet, name, found_in, hidden, table)
        ranked = sorted(nodes, key=lambda n: (-stories.get(n[1], 0), n[1]))
        entity.members = [Member(n, stories.get(n, 0), self._why.get((f, n), "")) for f, n in ranked]
        return entity

    # --- reading ----------------------------------------------------------------------------------

    def entity(self, facet: str, name: str) -> Entity | None:
        """The entity a found name (or a shown one) belongs to; None for names the map does not know."""
        return self.by_shown.get((facet, name)) or self.entity_of.get((facet, name))

    def by_key(self) -> dict[str, list[tuple[str, str]]]:
        """Spelling key -> the visible entities (facet, shown name) one of whose names has it (watch-lists)."""
        if self._by_key is None:
            found: dict[str, dict[tuple[str, str], None]] = defaultdict(dict)
            for (_, name), entity in self.entity_of.items():
                if not entity.hidden:
                    found[key(name)][(entity.facet, entity.name)] = None
            for (facet, name), entity in self.by_shown.items():
                if not entity.hidden:
                    found[key(name)][(facet, name)] = None
            self._by_key = {k: list(v) for k, v in found.items()}
        return self._by_key

    def found_names(self, facet: str, name: str) -> list[Node]:
        """Every (facet, found name) of the entity this name is shown as or found under; none when hidden."""
        entity = self.entity(facet, name)
        if entity is None:
            return [(facet, name)]
        if entity.hidden or entity.facet != facet:  # hidden, or shown as another type now
            return []
        return [(entity.found_in, m.name) for m in entity.members]

    def shown_name(self, facet: str, name: str) -> str | None:
        """The entity's name a name of `facet` stands for there; None when hidden or shown as another type."""
        entity = self.entity(facet, name)
        if entity is None:
            return name
        return entity.name if entity.facet == facet and not entity.hidden else None

    def shown(self, facet: str, name: str) -> tuple[str, str] | None:
        """(facet, name) a found name is shown as; None when it is hidden."""
        entity = self.entity_of.get((facet, name))
        if entity is None:
            return (facet, name)
        return None if entity.hidden else (entity.facet, entity.name)

    def article(self, article: dict[str, Any]) -> dict[str, Any]:
        """An article's entity lists and authors with each name as its entity, hidden ones left out."""
        found = article.get("entities") or {}
        lists: dict[str, list[str]] = {kind: [] for kind in found}
        for facet, kind in ENTITY_KEYS.items():
            for name in found.get(kind) or ():
                shown = self.shown(facet, name)
                if shown is not None:
                    lists.setdefault(ENTITY_KEYS[shown[0]], []).append(shown[1])
        for kind in ENTITY_KEYS.values():
            lists[kind] = list(dict.fromkeys(lists.get(kind, ())))
        for kind, names in found.items():
            if kind not in ENTITY_KEYS.values():
                lists[kind] = list(names)
        authors = [s[1] for a in article.get("authors") or () if (s := self.shown("author", a))]
        return {**article, "entities": lists, "authors": list(dict.fromkeys(authors))}


# --- the columns as the entities see them -----------------------------------------------------------


class EntityTerms:
    """The value dictionary the corrected columns number their entities by: the found names and, after them,
    names only the user's file gives. `lookup` takes any name of an entity to the entity's number."""

    def __init__(self, raw: Any, names: dict[str, list[str]], ids: dict[str, dict[str, int]], entities: EntityMap):
        self.raw = raw
        self._names = names
        self._ids = ids
        self._entities = entities

    def names(self, facet: str, needed: int = 0) -> list[str]:
        return self._names[facet] if facet in self._names else self.raw.names(facet, needed)

    def lookup(self, facet: str, values: Any) -> list[int]:
        if facet not in self._ids:
            return self.raw.lookup(facet, values)
        ids, out = self._ids[facet], []
        for value in values:
            entity = self._entities.entity(facet, value)
            if entity is None:
                out += [ids[value]] if value in ids else []
            elif entity.facet == facet and not entity.hidden:
                out.append(ids[entity.name])
        return list(dict.fromkeys(out))


@dataclass
class Reading:
    """What one generation of the index and one version of the file give: the map and the columns."""

    entities: EntityMap
    columns: ColumnView


_cache: weakref.WeakKeyDictionary[ColumnView, tuple[bytes, Reading]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


VIEW_FILE = "entity-view.pickle"
VIEW_VERSION = 1  # bump when what EntityMap or the corrected columns hold changes


def reading(snap: Snapshot) -> Reading:
    """The entities and corrected columns of this snapshot (built once per commit and version of the file,
    in any process: the last one built is kept beside the index)."""
    raw = snap.columns
    path = entities_file(snap.index_dir)
    stamp = _stamp(path)
    with _lock:
        cached = _cache.get(raw)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    key = (VIEW_VERSION, snap.generation(), stamp)
    parts = _load(snap.index_dir / VIEW_FILE, key)
    if parts is None:
        parts = _build(snap, raw, path)
        _save(snap.index_dir / VIEW_FILE, key, parts)
    built = _assemble(raw, parts)
    with _lock:
        _cache[raw] = (stamp, built)
    return built


@dataclass
class _Parts:
    """A reading without the raw columns it lays its facets over: what is kept on disk."""

    entities: EntityMap
    names: dict[str, list[str]]
    ids: dict[str, dict[str, int]]
    offsets: dict[str, np.ndarray]
    values: dict[str, np.ndarray]


def _assemble(raw: ColumnView, parts: _Parts) -> Reading:
    terms = EntityTerms(raw.terms, parts.names, parts.ids, parts.entities)
    return Reading(parts.entities, raw.with_facets(parts.offsets, parts.values, terms))


def _load(path: Path, key: tuple[Any, ...]) -> _Parts | None:
    """The kept reading when it was built from this generation and file; None otherwise (or unreadable)."""
    try:
        with open(path, "rb") as f:
            saved = pickle.load(f)
    except Exception:  # a cache: missing, half-written by an older version or damaged, it is built again
        return None
    if not isinstance(saved, tuple) or len(saved) != 2 or saved[0] != key or not isinstance(saved[1], _Parts):
        return None
    return saved[1]


def _save(path: Path, key: tuple[Any, ...], parts: _Parts) -> None:
    """Keep a reading for the next process (written aside and renamed; a read-only archive keeps none)."""
    aside = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(aside, "wb") as f:
            pickle.dump((key, parts), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(aside, path)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            aside.unlink()


def prepare(ix: Any) -> None:
    """Build and keep the entity view of the index as it is now, so that the next process to open it (the
    web app after an indexing run) reads it instead of building it at its first search. A snapshot of its
    own, let go after: the columns it reads stay out of this process's cache."""
    snapshots = Snapshots(ix, Path(ix.storage.folder))
    try:
        reading(snapshots.current())
    finally:
        snapshots.close()


def view(snap: Snapshot) -> ColumnView:
    """The columns with found names replaced by their entities: what every count and filter reads."""
    return reading(snap).columns


def entity_map(snap: Snapshot) -> EntityMap:
    return reading(snap).entities


def _stamp(path: Path) -> bytes:
    """The file's version: a hash of what it says (a time stamp can repeat within a clock tick)."""
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except OSError:
        return b""


def _build(snap: Snapshot, raw: ColumnView, path: Path) -> _Parts:
    problem = None
    try:
        tables = corrections.read(path)
    except EntitiesFileBroken as exc:
        tables, problem = (), exc.message
    counts: dict[str, dict[str, int]] = {}
    for facet in CORRECTED:
        per_id = raw.count_values(facet, raw.eligible)
        names = raw.terms.names(facet, len(per_id))
        counts[facet] = {names[i]: int(per_id[i]) for i in np.flatnonzero(per_id)}
    entities = EntityMap(counts, _definitions(snap), tables, problem)
    return _columns(raw, entities)


def _definitions(snap: Snapshot) -> dict[str, dict[str, int]]:
    """short -> {long: articles defining it so}, from the index's `aliases` field (one term a definition)."""
    reader = snap.reader
    out: dict[str, dict[str, int]] = defaultdict(dict)
    if "aliases" not in reader.schema or not reader.doc_count_all():
        return out
    for term in reader.lexicon("aliases"):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        short, _, long = text.partition(ALIAS_SEPARATOR)
        if short and long:
            out[short][long] = reader.doc_frequency("aliases", term)
    return out


def _columns(raw: ColumnView, entities: EntityMap) -> _Parts:
    """Per corrected facet, each document's entities (numbered in EntityTerms), each once."""
    names: dict[str, list[str]] = {}
    ids: dict[str, dict[str, int]] = {}
    found_names = {}
    for facet in CORRECTED:
        held = raw.ids[facet]
        found_names[facet] = found = raw.terms.names(facet, int(held.max()) + 1 if len(held) else 0)
        names[facet] = list(found)
        ids[facet] = {name: number for number, name in enumerate(found)}
    for entity in entities.by_shown.values():  # names only the file gives get numbers after the found ones
        if entity.name not in ids[entity.facet]:
            ids[entity.facet][entity.name] = len(names[entity.facet])
            names[entity.facet].append(entity.name)
    target_facet: dict[str, np.ndarray] = {}
    target_id: dict[str, np.ndarray] = {}
    changed: set[str] = set()
    for facet in CORRECTED:
        count = len(found_names[facet])
        target_facet[facet] = np.full(count, FACET_NAMES.index(facet), dtype=np.int64)
        target_id[facet] = np.arange(count, dtype=np.int64)
        for number, name in enumerate(found_names[facet]):
            entity = entities.entity_of.get((facet, name))
            if entity is None or (entity.facet, entity.name, entity.hidden) == (facet, name, False):
                continue
            changed |= {facet, entity.facet}
            target_facet[facet][number] = FACET_NAMES.index(entity.facet)
            target_id[facet][number] = -1 if entity.hidden else ids[entity.facet][entity.name]
    offsets, values = {}, {}
    for facet in changed:
        offsets[facet], values[facet] = _corrected_facet(raw, facet, target_facet, target_id, len(names[facet]))
    return _Parts(entities, names, ids, offsets, values)


def _corrected_facet(
    raw: ColumnView, facet: str, target_facet: dict[str, np.ndarray], target_id: dict[str, np.ndarray], width: int
) -> tuple[np.ndarray, np.ndarray]:
    """One facet's corrected CSR columns (offsets, value numbers). Most entries stay as found; only the
    documents that gain a renamed, merged or retyped entry are worked out again (each value once), and
    the two parts are merged by document: sorting every entry of an archive took seconds at 300,000."""
    wanted = FACET_NAMES.index(facet)
    own_ids, own_docs = raw.ids[facet], raw.entry_docs(facet)
    count = len(target_id[facet])
    unchanged = (target_facet[facet] == wanted) & (target_id[facet] == np.arange(count))
    same = unchanged[own_ids] if len(own_ids) else np.zeros(0, dtype=np.bool_)
    moved_docs, moved_ids = [], []
    for source in CORRECTED:
        source_ids = raw.ids[source]
        if not len(source_ids):
            continue
        keep = (target_facet[source][source_ids] == wanted) & (target_id[source][source_ids] >= 0)
        if source == facet:
            keep &= ~same
        moved_docs.append(raw.entry_docs(source)[keep].astype(np.int64))
        moved_ids.append(target_id[source][source_ids][keep])
    moved = np.concatenate(moved_docs) if moved_docs else np.zeros(0, dtype=np.int64)
    touched = np.zeros(raw.size, dtype=np.bool_)
    touched[moved] = True
    stay = same & ~touched[own_docs]
    again = same & touched[own_docs]
    width = max(width, 1)
    pairs = np.unique(
        np.concatenate([moved, own_docs[again].astype(np.int64)]) * width
        + np.concatenate([*moved_ids, own_ids[again].astype(np.int64)])
    )
    docs = np.concatenate([own_docs[stay].astype(np.int64), pairs // width])
    numbers = np.concatenate([own_ids[stay].astype(np.int64), pairs % width])
    order = np.argsort(docs, kind="stable")  # two runs, each in document order: a merge
    per_doc = np.bincount(docs, minlength=raw.size)
    return np.concatenate([[0], np.cumsum(per_doc)]).astype(np.int64), numbers[order]


def names_matching(entities: EntityMap, typed: str) -> list[tuple[str, str]]:
    """The entities (facet, shown name) one of whose names is `typed`, case, accents and punctuation aside."""
    wanted = key(typed)
    if not wanted:
        return []
    found = {}
    for (_, name), entity in entities.entity_of.items():
        if not entity.hidden and key(name) == wanted:
            found[(entity.facet, entity.name)] = None
    return list(found)


def corrected(ix: Any) -> dict[str, Any]:
    """The user's corrections as the archive applies them: each table with the entity it makes and its stories,
    and why the file is not applied when it is not (the page that leads to hidden entities)."""
    snap = snapshot(ix)
    read = reading(snap)
    rows = []
    try:
        tables = corrections.read(entities_file(snap.index_dir))
    except EntitiesFileBroken:
        tables = ()
    for table in tables:
        entity = read.entities.entity(table.shown_facet, table.name)
        rows.append({
            "facet": table.shown_facet, "value": table.name, "found_in": table.facet, "aliases": list(table.aliases),
            "hidden": table.hidden, "stories": sum(m.stories for m in entity.members) if entity else 0,
        })  # fmt: skip
    return {"file": str(entities_file(snap.index_dir)), "corrections": rows, "problem": read.entities.problem}


def correct(ix: Any, facet: str, value: str, action: str, argument: str = "") -> tuple[str, str]:
    """One correction from an entity page, written to entities.toml; (facet, name) the entity is shown as now."""
    if facet not in CORRECTED:
        raise BadParameter(f"only {', '.join(CORRECTED)} can be corrected", subject="facet")
    snap = snapshot(ix)
    found = entity_map(snap).entity(facet, value)
    if found is None:
        target = corrections.Target(facet, value, None)
    else:
        target = corrections.Target(found.found_in, found.name, found.table)
    return corrections.edit(entities_file(snap.index_dir), target, action, argument)
