"""The query box read into a Whoosh query (archive.search.syntax gives the tree), and the words a query asks for.

Each leaf becomes Whoosh's own query for it: a word is Whoosh's parse of that word over the text
fields (stems, accents, wildcards, boosts); quotes and `=word` are the words as typed
(`TypedPhrase`: stems in order, each checked against the form typed); a facet's
`field:value` is the archive's values it names (archive.search.values). Words the text fields
leave out (`the`, `or`: stop words) never restrict a search: beside other words they only score.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from whoosh import query
from whoosh.index import Index
from whoosh.qparser import AndGroup, MultifieldParser

from archive.errors import BadQuery
from archive.facets import BY_NAME
from archive.search import syntax, values
from archive.search.annotated import annotation_query
from archive.search.entities import reading
from archive.search.matchset import TypedPhrase
from archive.store import TEXT_ANALYZER, snapshot

TEXT_FIELDS = ["headline", "body", "names", "byline", "dateline"]
STEMMED = ("headline", "body")  # the fields whose words are stemmed (the others keep words as they are)
FIELDS = (*TEXT_FIELDS, "published", *BY_NAME)  # what `field:` may name, in the order messages list them
ALIASES = {
    "title": "headline", "text": "body", "date": "published", "people": "person", "organisation": "org",
    "organization": "org", "organisations": "org", "organizations": "org", "countries": "country",
    "topics": "topic", "places": "place", "authors": "author", "agency": "source", "site": "source",
}  # fmt: skip
HINTS = {
    "published": "published takes a date such as 1987-03-26, or a range such as [1987-03-01 TO 1987-03-31]",
}
QUERY_ERRORS = (ValueError, TypeError, RecursionError)  # what Whoosh raises on queries it cannot run
MARKED_WORDS = 2_000  # words a wildcard marks at most on an article page (a search refuses more)


@dataclass
class ReadQuery:
    """A query as the search box read it: the Whoosh query, what was changed to read it, and the
    operator reading of lowercase `or`/`not` ("oil OR gas") to offer beside "did you mean"."""

    query: query.Query
    notices: list[str] = field(default_factory=list)
    operator_reading: str | None = None


def parse_query(ix: Index, text: str) -> query.Query:
    """The Whoosh query for the query box's text; empty or `*` matches everything."""
    return read_query(ix, text).query


def read_query(ix: Index, text: str) -> ReadQuery:
    """The query box's text read with web-search habits, AND by default; empty or `*` matches everything."""
    if not text or text.strip() == "*":
        return ReadQuery(query.Every())
    reading = syntax.read(text)
    builder = _Builder(ix, reading.notices)
    built = builder.build(reading.tree) if reading.tree is not None else None
    if built is None:
        return ReadQuery(query.Every(), reading.notices, reading.operator_reading)
    return ReadQuery(built, reading.notices, reading.operator_reading)


class _Builder:
    def __init__(self, ix: Index, notices: list[str]) -> None:
        self.ix = ix
        self.schema = ix.schema
        self.notices = notices
        self.parser = MultifieldParser(TEXT_FIELDS, ix.schema, group=AndGroup)

    def note(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)

    def build(self, tree: syntax.Node | syntax.Leaf) -> query.Query | None:
        if isinstance(tree, syntax.Leaf):
            return self.all_of((tree,))
        if tree.kind == "not":
            inner = self.build(tree.children[0])
            return query.AndNot(query.Every(), inner) if inner is not None else None
        if tree.kind == "any":
            parts = [self._operand(child) for child in tree.children]
            parts = [p for p in parts if p is not None]
            return query.Or(parts) if len(parts) > 1 else (parts[0] if parts else None)
        return self.all_of(tree.children)

    def _operand(self, child: syntax.Node | syntax.Leaf) -> query.Query | None:
        """An OR's operand: a NOT there is everything but it."""
        if isinstance(child, syntax.Node) and child.kind == "not":
            inner = self.build(child.children[0])
            return query.Not(inner) if inner is not None else None
        return self.build(child)

    def all_of(self, children: tuple[syntax.Node | syntax.Leaf, ...]) -> query.Query | None:
        required, optional, left_out, stop_words = [], [], [], []
        for child in children:
            if isinstance(child, syntax.Node) and child.kind == "not":
                inner = child.children[0]
                if isinstance(inner, syntax.Leaf) and self.leaf(inner)[1]:
                    self.note(f"“{inner.typed}” was ignored: “{inner.text}” is too common a word to search for")
                    continue
                built = self.build(inner)
                if built is not None:
                    left_out.append(built)
                continue
            if isinstance(child, syntax.Leaf):
                built, stop = self.leaf(child)
                if built is not None:
                    (optional if stop else required).append(built)
                    if stop:
                        stop_words.append(child.text)
                continue
            built = self.build(child)
            if built is not None:
                required.append(built)
        if not required and optional:
            required, optional = optional, []
            words = ", ".join(f"“{w}”" for w in stop_words)
            self.note(f"{words} {'is' if len(stop_words) == 1 else 'are'} too common to search the text for: "
                      "only names (people, organisations, places, bylines, datelines) were searched")  # fmt: skip
        if not required and not left_out:
            return None
        base = (query.And(required) if len(required) > 1 else required[0]) if required else query.Every()
        if optional:
            base = query.AndMaybe(base, query.Or(optional) if len(optional) > 1 else optional[0])
        if left_out:
            base = query.AndNot(base, query.Or(left_out) if len(left_out) > 1 else left_out[0])
        return base

    def leaf(self, leaf: syntax.Leaf) -> tuple[query.Query | None, bool]:
        """(the leaf's query or None when it holds nothing to search for, whether it is a stop word)."""
        name = leaf.field.lower() if leaf.field else None
        name = ALIASES.get(name, name) if name else None
        if name is not None and name not in FIELDS:
            raise BadQuery(
                f"“{leaf.typed}”: there is no field called {leaf.field}; the fields are {', '.join(FIELDS)} "
                "(to search for the text itself, put it in quotes)"
            )
        if name in BY_NAME:
            return self.facet(name, leaf), False
        fields = [name] if name else TEXT_FIELDS
        if leaf.quoted or leaf.exact:
            return self.typed(leaf.text, fields, leaf.near), False
        if not name and _is_stop_word(leaf.text):
            return self.parse(leaf.text, leaf.typed), True
        return self.parse(f"{name}:{leaf.text}" if name else leaf.text, leaf.typed), False

    def parse(self, text: str, typed: str) -> query.Query | None:
        """Whoosh's own reading of one word or `field:value` (stems, wildcards, boosts, dates)."""
        try:
            parsed = self.parser.parse(text)
        except Exception as exc:  # the parser has many failure modes on hostile input; all mean "cannot read"
            raise BadQuery(f"“{typed}” could not be read") from exc
        leaves = [parsed] if parsed.is_leaf() else list(parsed.leaves())
        if _is_null(parsed) or any(_is_null(leaf) for leaf in leaves):
            if not any(ch.isalnum() for ch in typed):
                return None  # punctuation alone: nothing to search for
            name = text.split(":", 1)[0] if ":" in text else ""
            raise BadQuery(f"“{typed}” could not be read" + (f": {HINTS[name]}" if name in HINTS else ""))
        return parsed

    def typed(self, text: str, fields: list[str], near: int) -> query.Query | None:
        """Words as typed (quotes, `=word`): in stemmed fields their stems in order, each in its typed form;
        the other fields keep words as they are. A wildcard is a wildcard (it is not stemmed anyway)."""
        if any(ch in text for ch in "*?") and len(text.split()) == 1:
            return self.parse(text if fields == TEXT_FIELDS else f"{fields[0]}:{text}", text)
        parts: list[query.Query] = []
        for name in fields:
            if name not in self.schema or name == "published":
                continue
            analyzer = self.schema[name].analyzer
            words = [t.text for t in analyzer(text, mode="query")]
            if name in STEMMED and words:
                forms = tuple(t.text for t in analyzer(text, mode="query", no_morph=True))
                parts.append(TypedPhrase(name, words, forms, near))
            elif len(words) == 1:
                parts.append(query.Term(name, words[0]))
            elif words:
                parts.append(TypedPhrase(name, words, (), near))
        if not parts:
            return None
        return query.Or(parts) if len(parts) > 1 else parts[0]

    def facet(self, name: str, leaf: syntax.Leaf) -> query.Query:
        """A facet's `field:value`: the archive's values the typed one names (matching nothing if none)."""
        snap = snapshot(self.ix)
        facet = BY_NAME[name]
        if facet.annotation:
            found, ids = annotation_query(snap, name, leaf.text, values.MAX_VALUES)
            if not found:
                self.note(f"“{leaf.typed}”: no {facet.singular.lower()} in the archive is called “{leaf.text}”")
            return ids
        read = reading(snap)
        found, known = values.resolve(read.columns.terms, name, leaf.text)  # any name of an entity finds it
        shown = dict.fromkeys(read.entities.shown_name(name, value) for value in found)
        found = [value for value in shown if value is not None]  # each entity once, by the name it is shown as
        if len(found) > values.MAX_VALUES:
            raise BadQuery(f"“{leaf.typed}” stands for more than {values.MAX_VALUES:,} {facet.title.lower()}; "
                           "give more of the name")  # fmt: skip
        if not found:
            if not known:
                self.note(f"“{leaf.typed}”: no {facet.singular.lower()} in the archive is called “{leaf.text}”")
            return query.NullQuery
        if any(v.lower() != leaf.text.lower() for v in found):
            shown = " or ".join(values.label(name, v) for v in found[:5])
            more = f" and {len(found) - 5} more" if len(found) > 5 else ""
            self.note(f"{leaf.typed} was read as {shown}{more}")
        # Each entity by every name it was found under (hidden ones by none).
        found_as = dict.fromkeys(pair for value in found for pair in read.entities.found_names(name, value))
        terms = [query.Term(facet_name, value) for facet_name, value in found_as]
        if not terms:
            return query.NullQuery
        return query.Or(terms) if len(terms) > 1 else terms[0]


def _is_stop_word(word: str) -> bool:
    """A word the text fields leave out (`the`, `or`, single letters): searching for it would find only names."""
    return word.isalpha() and not any(True for _ in TEXT_ANALYZER(word))


def matches_everything(q: query.Query) -> bool:
    return isinstance(q, query.Every) and not q.fieldname


def _is_null(q: query.Query) -> bool:
    return isinstance(q, type(query.NullQuery))


def wanted_leaves(q: query.Query) -> Iterator[query.Query]:
    """The query's leaves except those under NOT: words the reader asked to leave out are not marked."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from wanted_leaves(q.a)
    elif q.is_leaf() or isinstance(q, TypedPhrase):
        yield q
    else:
        for child in q.children():
            yield from wanted_leaves(child)


def wanted_terms(reader: Any, q: query.Query, fields: tuple[str, ...]) -> set[str]:
    """The indexed words (stemmed, wildcards expanded) that the query looks for in these fields."""
    try:
        # Leaf by leaf: Query.existing_terms mixes str and bytes in whoosh-reloaded and finds nothing.
        found = [t for leaf in wanted_leaves(q) for t in islice(leaf.expanded_terms(reader), MARKED_WORDS)]
    except QUERY_ERRORS:
        return set()
    return {t if isinstance(t, str) else t.decode("utf-8") for field, t in found if field in fields}
