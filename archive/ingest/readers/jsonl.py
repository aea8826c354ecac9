"""JSON Lines exports (`.jsonl`, `.ndjson`): one JSON object per line, one article per object.

Field mapping (for each field the first key with a value wins; other keys are ignored):

| field     | JSON keys                            | values                                                          |
| --------- | ------------------------------------ | --------------------------------------------------------------- |
| headline  | `headline`, `title`                  | string; derived from the body when absent                       |
| body      | `body`, `text`, `content`            | string, required: HTML by its block tags, else plain paragraphs |
| authors   | `author`, `authors`, `byline`        | "By A and B" or "A, B", an object with `name`, or a list        |
| published | `date`, `published`, `datePublished` | ISO 8601, a written date, Unix seconds or milliseconds          |
| url       | `url`, `link`                        | string                                                          |
| source    | `id`                                 | string or integer: `path#<id>`; without one `path#<line number>`|

Records in the archive's own shape keep every field (entities, pages, OCR, metadata, what their id is
made of); the links between an e-mail and its attachments are carried over to the ids the records get
here, and their `annotations` (tags, star, notes, collections) come back with them.

Plain text is split into paragraphs at blank or indented lines; single line
breaks join wrapped lines, unless the lines are long (then each is a paragraph),
as for `.txt` files. A byline that reads "By ..." is kept as the byline; agencies
are never authors. An unreadable date is left out, not guessed.

A line that is not a JSON object, or has no body text, gives an error naming
`path#line N` and the other lines are still read. Blank lines are passed over.
Ids must be unique within a file; a repeated id falls back to the line number.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from archive.article import Article
from archive.errors import ArchiveError, NoArticleText, UnreadableFile
from archive.ingest.readers.bylines import author_names, parse_byline
from archive.ingest.readers.dates import iso_date, plausible_year
from archive.ingest.readers.decode import fix_mojibake
from archive.ingest.readers.feeds import BLOCK_MARKUP, text_paragraphs
from archive.ingest.readers.formats import Carried
from archive.ingest.readers.wire import build_article

HEADLINE_KEYS = ("headline", "title")
BODY_KEYS = ("body", "text", "content")
AUTHOR_KEYS = ("author", "authors", "byline")
DATE_KEYS = ("date", "published", "datePublished")
URL_KEYS = ("url", "link")
MILLISECONDS_FROM = 100_000_000_000  # a larger Unix time is in milliseconds (as JavaScript writes it): year 5138 in s


def read_jsonl(text: str, path: str) -> list[Article | ArchiveError | Carried]:
    """Articles from the lines of one export, each bad line's error in its place; after each record of the
    archive's own shape, what it carried besides (its id there, its annotations)."""
    items: list[Article | ArchiveError | Carried] = []
    seen: set[str] = set()
    renamed: dict[str, str] = {}  # an archive record's id when exported -> its id now
    lines = 0
    for number, line in enumerate(text.split("\n"), start=1):  # not splitlines: JSON strings may hold U+2028
        if not line.strip():
            continue
        lines += 1
        where = f"{path}#line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            items.append(UnreadableFile(f"invalid JSON: {exc.msg}: column {exc.colno}", subject=where))
            continue
        if not isinstance(record, dict):
            items.append(UnreadableFile(f"a JSON {type(record).__name__}, not an object", subject=where))
            continue
        key = record.get("id")
        source = f"{path}#{key}" if isinstance(key, str | int) and str(key).strip() else f"{path}#{number}"
        if source in seen:
            source = f"{path}#{number}"
        seen.add(source)
        try:
            items.append(record_to_article(record, source))
            if isinstance(key, str) and isinstance(record.get("entities"), dict):
                renamed[key] = items[-1].id  # type: ignore[union-attr]
                kept = record.get("annotations")
                items.append(Carried(source, key, kept if isinstance(kept, dict) else {}))
        except (NoArticleText, UnreadableFile) as exc:
            exc.subject = where
            items.append(exc)
    if not lines:
        raise NoArticleText("no lines", subject=path)
    items = _relink(items, renamed)
    if not any(isinstance(item, Article | NoArticleText) for item in items) and lines > 1:
        raise UnreadableFile("no line is a JSON object: not JSON Lines", subject=path)
    return items


def _relink(items: list[Any], renamed: dict[str, str]) -> list[Any]:
    """Links between exported articles (an e-mail and its attachments) by the ids they have now; a link to an
    article the file does not hold is dropped."""
    out: list[Article | ArchiveError | Carried] = []
    for item in items:
        if isinstance(item, Article) and (item.attachments or item.attachment_of):
            item = replace(
                item,
                attachments=tuple(renamed[a] for a in item.attachments if a in renamed),
                attachment_of=renamed.get(item.attachment_of or ""),
            )
        out.append(item)
    return out


def record_to_article(record: dict[str, Any], source: str) -> Article:
    """One exported object as an article, by the mapping above; NoArticleText when it has no body text.

    A record in the archive's own shape (`archive extract --json`, `archive export`: it has an
    `entities` object) is taken as it is, enrichment included, so importing it runs no NER.
    """
    if isinstance(record.get("entities"), dict):
        return archive_record(record, source)
    body = _string(record, BODY_KEYS)
    paragraphs = text_paragraphs(body, "text/html" if BLOCK_MARKUP.search(body) else "text/plain")
    byline, authors = _authors(_first(record, AUTHOR_KEYS))
    return build_article(
        source,
        paragraphs,
        headline=" ".join(_string(record, HEADLINE_KEYS).split()) or None,
        byline=byline,
        authors=authors,
        published=_published(_first(record, DATE_KEYS)),
        url=_string(record, URL_KEYS).strip() or None,
    )


def archive_record(record: dict[str, Any], source: str) -> Article:
    """An article the archive wrote, read back whole (its `id` and old `source` give way to this file's)."""
    if not isinstance(record.get("body"), str) or not record["body"].strip():
        raise NoArticleText(subject=source)
    fields = {k: v for k, v in record.items() if k not in ("id", "source", "indexed", "copy_of")}
    try:
        article = Article.from_dict({**fields, "source": source, "entities_recognised": True})
        article.to_dict()  # every field of the right kind, or a clear error now rather than at indexing
    except (TypeError, ValueError, AttributeError) as exc:
        raise UnreadableFile(f"not an archive record: {exc}", subject=source) from exc
    if not isinstance(article.headline, str) or not all(isinstance(n, str) for n in article.entities.people):
        raise UnreadableFile("not an archive record: a field of the wrong kind", subject=source)
    return article


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((record[k] for k in keys if record.get(k) not in (None, "", [])), None)


def _string(record: dict[str, Any], keys: tuple[str, ...]) -> str:
    """The first of `keys` as text, mojibake repaired (escapes like \\u00c3 hid it from decoding); "" if none."""
    value = _first(record, keys)
    return fix_mojibake(value) if isinstance(value, str) else ""


def _authors(value: Any) -> tuple[str | None, tuple[str, ...]]:
    """A byline string as written when it reads `By ...`, and the people it names."""
    if isinstance(value, str):
        return parse_byline(fix_mojibake(value)) or (None, author_names(fix_mojibake(value)))
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return None, ()
    names = [v.get("name") if isinstance(v, dict) else v for v in value]
    found = [n for name in names if isinstance(name, str) for n in author_names(fix_mojibake(name))]
    return None, tuple(dict.fromkeys(found))


def _published(value: Any) -> str | None:
    if isinstance(value, str):
        return iso_date(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > MILLISECONDS_FROM else value
        try:
            stamp = datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
        return stamp.isoformat() if plausible_year(stamp.year) else None
    return None
