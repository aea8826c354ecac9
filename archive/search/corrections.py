"""The user's entity corrections: `entities.toml` in the index folder, read and written.

One table per entity, under the facet its names were found in and the name it is to be shown as:

    [org."Organization of Petroleum Exporting Countries"]
    aliases = ["OPEC", "Organisation of Petroleum Exporting Countries"]   # found names shown as this one

    [person."Bank of England"]
    type = "org"                                                         # found as a person: an organisation

    [person."Reuters"]
    hidden = true                                                        # left out of facets and pages

A table with nothing in it keeps its name apart: the archive's own joins (spellings, abbreviations,
surnames, archive.search.entities) never join two tables. The entity pages edit this file (rewriting
it in this form: comments inside it are not kept); editing it by hand works as well, and either takes
effect at the next request, with no re-indexing.
"""

from __future__ import annotations

import json
import os
import threading
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from archive.errors import BadParameter, EntitiesFileBroken, StorageFull, WriteFailed

CORRECTED = ("person", "org", "place", "author")  # the facets whose names can be corrected
TYPES = ("person", "org", "place")  # the types an entity can be moved between
MAX_NAME_CHARS = 200
KEYS = ("aliases", "type", "hidden")

HEADER = """\
# Entity corrections for this archive, applied whenever it is read: no re-indexing needed.
# One table per entity: [facet."Name as shown"], facet one of person, org, place, author
# (where the names were found). In a table:
#   aliases = ["Found name", ...]   names found in articles, shown as this entity
#   type = "org"                    shown as another type (person, org or place)
#   hidden = true                   left out of facets, entity lists and pages
# A table with nothing in it keeps its name apart from the archive's automatic joins.
# The entity pages rewrite this file in this form (comments inside it are not kept).
"""

_write_lock = threading.Lock()


@dataclass(frozen=True)
class Correction:
    """One table of the file: the entity as shown, the found names it gathers, its type, whether it is hidden."""

    facet: str  # where its names were found
    name: str
    aliases: tuple[str, ...] = ()
    type: str | None = None  # shown under this facet instead of `facet`
    hidden: bool = False

    @property
    def shown_facet(self) -> str:
        return self.type or self.facet


def read(path: Path) -> tuple[Correction, ...]:
    """The file's tables in order; none when there is no file. A file that cannot be read is an error naming it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as exc:
        raise EntitiesFileBroken(str(exc), subject=str(path)) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EntitiesFileBroken(str(exc), subject=str(path)) from exc
    out = []
    for facet, tables in data.items():
        if facet not in CORRECTED or not isinstance(tables, dict):
            raise EntitiesFileBroken(f"[{facet}]: the facet must be one of {', '.join(CORRECTED)}", subject=str(path))
        for name, table in tables.items():
            out.append(_correction(path, facet, name, table))
    return tuple(out)


def _correction(path: Path, facet: str, name: str, table: object) -> Correction:
    where = f"[{facet}.{json.dumps(name, ensure_ascii=False)}]"

    def broken(detail: str) -> EntitiesFileBroken:
        return EntitiesFileBroken(f"{where}: {detail}", subject=str(path))

    if not isinstance(table, dict):
        raise broken("must be a table")
    if not name.strip() or len(name) > MAX_NAME_CHARS:
        raise broken(f"a name must have 1 to {MAX_NAME_CHARS} characters")
    if unknown := sorted(set(table) - set(KEYS)):
        raise broken(f"unknown key {unknown[0]!r} (the keys are {', '.join(KEYS)})")
    aliases = table.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise broken("aliases must be a list of names")
    kind = table.get("type")
    if kind is not None and (kind not in TYPES or facet not in TYPES):
        raise broken(f"type must be one of {', '.join(TYPES)}, for a {', '.join(TYPES)} table")
    hidden = table.get("hidden", False)
    if not isinstance(hidden, bool):
        raise broken("hidden must be true or false")
    aliases = tuple(dict.fromkeys(a for a in aliases if a != name))
    return Correction(facet, name, aliases, None if kind == facet else kind, hidden)


def render(corrections: tuple[Correction, ...]) -> str:
    """The file's text for these tables (JSON strings are TOML basic strings)."""
    parts = [HEADER]
    for c in corrections:
        lines = [f"[{c.facet}.{json.dumps(c.name, ensure_ascii=False)}]"]
        if c.aliases:
            lines.append(f"aliases = {json.dumps(list(c.aliases), ensure_ascii=False)}")
        if c.type:
            lines.append(f'type = "{c.type}"')
        if c.hidden:
            lines.append("hidden = true")
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def write(path: Path, corrections: tuple[Correction, ...]) -> None:
    """Replace the file at once (a reader sees the old file or the new, never half of one)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_text(render(corrections), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        error = StorageFull if exc.errno == 28 else WriteFailed  # ENOSPC
        raise error(str(exc.strerror or exc), subject=str(path)) from exc


def check_name(value: str, subject: str) -> str:
    """A name typed in a form: trimmed, one line, not too long; otherwise an error naming the field."""
    name = " ".join((value or "").split())
    if not name or len(name) > MAX_NAME_CHARS or not name.isprintable():
        raise BadParameter(f"a name of 1 to {MAX_NAME_CHARS} printable characters", subject=subject)
    return name


@dataclass(frozen=True)
class Target:
    """The entity an edit is about: where its names were found, the name shown, and its table in the
    file (None while nothing was corrected; the names the archive joins to it follow by themselves)."""

    facet: str
    name: str
    table: Correction | None


def edit(path: Path, target: Target, action: str, value: str = "") -> tuple[str, str]:
    """Apply one edit from an entity page; returns (facet, name) where the entity is shown afterwards.

    `rename` (to a name, or another entity's name: that is a merge), `merge` (into another entity),
    `type` (person, org, place), `hide`, `show`, `separate` (one gathered name, `value`, made its own entity).
    """
    with _write_lock:
        tables = list(read(path))
        index = next((i for i, t in enumerate(tables) if t is not None and _same(t, target.table)), None)
        own = tables[index] if index is not None else Correction(target.facet, target.name)
        shown = (own.shown_facet, own.name)
        if action in ("rename", "merge"):
            new = check_name(value, "name")
            gathered = tuple(dict.fromkeys(a for a in (*own.aliases, own.name) if a != new))
            into = next((i for i, t in enumerate(tables) if t.facet == own.facet and t.name == new), None)
            if into is not None:
                merged = tables[into]
                tables[into] = replace(merged, aliases=tuple(dict.fromkeys((*merged.aliases, *gathered))))
            else:
                tables.append(replace(own, name=new, aliases=gathered))
            if index is not None:
                tables[index] = None  # type: ignore[call-overload]
            kept = tables[into] if into is not None else tables[-1]
            shown = (kept.shown_facet, kept.name)  # type: ignore[union-attr]
        elif action == "type":
            if value not in TYPES or own.facet not in TYPES:
                raise BadParameter(f"must be one of {', '.join(TYPES)}", subject="type")
            own = replace(own, type=None if value == own.facet else value)
            shown = (own.shown_facet, own.name)
        elif action in ("hide", "show"):
            own = replace(own, hidden=action == "hide")
        elif action == "separate":
            name = check_name(value, "alias")
            if name == own.name:
                raise BadParameter("is the entity's own name", subject="alias")
            own = replace(own, aliases=tuple(a for a in own.aliases if a != name))
            if not any(t is not None and t.facet == own.facet and t.name == name for t in tables):
                tables.append(Correction(own.facet, name))
        else:
            raise BadParameter("must be rename, merge, type, hide, show or separate", subject="action")
        if action not in ("rename", "merge"):
            if index is not None:
                tables[index] = own
            else:
                tables.append(own)
        write(path, tuple(t for t in tables if t is not None))
        return shown


def _same(a: Correction | None, b: Correction | None) -> bool:
    return a is not None and b is not None and (a.facet, a.name) == (b.facet, b.name)
