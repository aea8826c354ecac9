"""Citations of one article: outlet, authors, headline, date, URL, the archive's own link and the access date,
as a plain reference, as BibTeX and as CSL-JSON (what Zotero, Pandoc and most reference managers read)."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from archive.facets import parse_published, publisher

STYLES = ("plain", "bibtex", "csl")
_DATE_PARTS = re.compile(r"\[\s*\[([\d,\s]+?)\s*\]\s*\]")  # `[[2024, 3, 5]]` on one line, not five
_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")


def cite(article: dict[str, Any], archive_url: str, accessed: date) -> dict[str, str]:
    """The article cited three ways (`plain`, `bibtex`, `csl`), each a string ready to paste."""
    outlet = publisher(article["dateline"].get("agency"), article.get("url")) or None
    published = parse_published(article.get("published"))
    fields = {
        "outlet": outlet,
        "authors": list(article.get("authors") or []),
        "headline": article.get("headline") or "(untitled)",
        "published": published.date() if published else None,
        "url": article.get("url"),
        "archive_url": archive_url,
        "accessed": accessed,
        "id": article["id"],
    }
    return {"plain": _plain(fields), "bibtex": _bibtex(fields), "csl": _csl(fields)}


def _plain(f: dict[str, Any]) -> str:
    """Author(s). "Headline." Outlet, 5 March 2024. URL. Archived copy: link (accessed 2 December 2026)."""
    parts = []
    if f["authors"]:
        parts.append(_join_names(f["authors"]) + ".")
    parts.append(f"“{f['headline'].rstrip('.')}.”")
    where = ", ".join(x for x in (f["outlet"], _long_date(f["published"]) if f["published"] else "n.d.") if x)
    parts.append(where if where.endswith(".") else where + ".")
    if f["url"]:
        parts.append(f["url"] + ".")
    parts.append(f"Archived copy: {f['archive_url']} (accessed {_long_date(f['accessed'])}).")
    return " ".join(parts)


def _bibtex(f: dict[str, Any]) -> str:
    """A `@misc` entry (biblatex's `@online` is not in classic BibTeX styles); the key is author-or-outlet+year."""
    who = re.sub(r"\W", "", (f["authors"][0].split()[-1] if f["authors"] else f["outlet"] or "article").lower())
    key = f"{who or 'article'}{f['published'].year if f['published'] else 'nd'}_{f['id'][:8]}"
    entries = [
        ("author", " and ".join(f["authors"])),
        ("title", f["headline"]),
        ("howpublished", f["outlet"]),
        ("year", str(f["published"].year) if f["published"] else None),
        ("month", f["published"].strftime("%b").lower() if f["published"] else None),
        ("date", f["published"].isoformat() if f["published"] else None),
        ("url", _link(f["url"] or f["archive_url"])),
        ("urldate", f["accessed"].isoformat()),
        ("note", r"Archived copy: \url{" + _link(f["archive_url"]) + "}" if f["url"] else None),
    ]
    lines = [f"  {name} = {_bibtex_value(name, value)}" for name, value in entries if value]
    return "@misc{" + key + ",\n" + ",\n".join(lines) + "\n}"


def _bibtex_value(name: str, value: str) -> str:
    """`month` a bare macro (`mar`); links as they are; text with TeX's special characters escaped,
    a title's capitals kept (braced twice: `{{OPEC}}` is not lowered to `Opec`)."""
    if name == "month":
        return value
    if name in RAW_BIBTEX:
        return "{" + value + "}"
    text = _BIBTEX_SPECIAL.sub(lambda m: _TEX.get(m.group(1), "\\" + m.group(1)), value)
    return "{{" + text + "}}" if name == "title" else "{" + text + "}"


def _link(url: str) -> str:
    """A URL safe inside a BibTeX field: its braces percent-encoded (the rest `\\url` and `url = ` take as is)."""
    return url.replace("{", "%7B").replace("}", "%7D")


RAW_BIBTEX = ("url", "urldate", "note")
_TEX = {"\\": r"\textbackslash{}", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}


def _csl(f: dict[str, Any]) -> str:
    """One CSL-JSON item of type `article-newspaper`, in a list as CSL-JSON files are."""
    item: dict[str, Any] = {"id": f["id"], "type": "article-newspaper", "title": f["headline"]}
    if f["authors"]:
        item["author"] = [_csl_name(name) for name in f["authors"]]
    if f["outlet"]:
        item["container-title"] = f["outlet"]
    if f["published"]:
        d = f["published"]
        item["issued"] = {"date-parts": [[d.year, d.month, d.day]]}
    item["URL"] = f["url"] or f["archive_url"]
    if f["url"]:
        item["note"] = f"Archived copy: {f['archive_url']}"
    a = f["accessed"]
    item["accessed"] = {"date-parts": [[a.year, a.month, a.day]]}
    text = json.dumps([item], ensure_ascii=False, indent=2)
    return _DATE_PARTS.sub(lambda m: "[[" + re.sub(r"\s+", " ", m.group(1).strip()) + "]]", text)


def _csl_name(name: str) -> dict[str, str]:
    """`Ayla Jean Yackley` -> family Yackley, given Ayla Jean; a one-word name (an agency, a pen name) stays literal."""
    given, _, family = name.rpartition(" ")
    return {"family": family, "given": given} if given else {"literal": name}


def _join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _long_date(d: date) -> str:
    return f"{d.day} {d.strftime('%B')} {d.year}"
