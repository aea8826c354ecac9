"""The search box's grammar: what a reader types, read with web-search habits, before any index is involved.

`-word`, `-"a phrase"` and `-(a group)` leave out, `+word` requires, `"quotes"` are the words as
typed in that order, `"a b"~5` is a and b within 5 words, `=word` is the word unstemmed, `OR`,
`AND`, `NOT` and brackets as in Lucene (OR binds tighter than AND), `field:value` and
`field:(group)`. Nothing typed is dropped in silence: a dangling operator, bracket or quote is
mended and the mend is said (`notices`), and a lowercase `or`/`not` between words is read as a word
with the operator reading offered (`operator_reading`). The tree is plain data; archive.search.query
turns its leaves into Whoosh queries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

OPERATORS = ("AND", "OR", "NOT")
LOWER_OPERATORS = ("or", "not")  # `and` needs no suggestion: words are ANDed anyway

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<open>[-+]?(?:[A-Za-z_][\w.]*:)?\()
  | (?P<close>\))
  | (?P<quote>[-+=]?(?:[A-Za-z_][\w.]*:)?"(?P<phrase>[^"]*)(?P<end>"(?:~(?P<slop>\d{1,3}))?)?)
  | (?P<range>[-+]?[A-Za-z_][\w.]*:[\[{][^\]}]*[\]}]?)
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE,
)
_FIELD = re.compile(r"([-+=]?)(?:([A-Za-z_][\w.]*):)?(.*)", re.DOTALL)


@dataclass(frozen=True)
class Leaf:
    """One thing to look for: a word (wildcards and boosts as typed), a quoted phrase, or a field's value."""

    text: str  # the word, or the phrase's words, or the range `[a TO b]`
    field: str | None = None  # as typed (`Country`); archive.search.query reads it case-insensitively
    quoted: bool = False
    exact: bool = False  # `=word`: the word unstemmed
    near: int = 0  # `"a b"~N`: within N words, any order
    typed: str = ""  # the part of the query it came from, for messages


@dataclass(frozen=True)
class Node:
    """`all` (AND), `any` (OR) or `not` over children; leaves are `Leaf`."""

    kind: str
    children: tuple[Node | Leaf, ...]


@dataclass
class Reading:
    """A query as read: the tree (None when nothing is left to search), what was mended, and the
    operator reading of lowercase `or`/`not` when there was one."""

    tree: Node | Leaf | None
    notices: list[str] = field(default_factory=list)
    operator_reading: str | None = None


@dataclass(frozen=True)
class _Token:
    kind: str  # open, close, quote, range, word, op
    text: str
    start: int
    end: int
    closed: bool = True  # a quote's closing mark was there
    slop: int = 0
    inner: str = ""  # a quote's words


def tokens(text: str) -> list[_Token]:
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("space", None):
            continue
        if kind in ("phrase", "end", "slop"):
            kind = "quote"
        piece = match.group()
        if kind == "word" and piece in OPERATORS:
            kind = "op"
        closed = kind != "quote" or match.group("end") is not None
        slop = int(match.group("slop")) if kind == "quote" and match.group("slop") else 0
        inner = match.group("phrase") or "" if kind == "quote" else ""
        out.append(_Token(kind, piece, match.start(), match.end(), closed, slop, inner))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokens(text)
        self.at = 0
        self.notices: list[str] = []
        self.lowered: list[_Token] = []
        self.ignored: list[_Token] = []  # operators and brackets left out, which a suggestion leaves out too
        self.closing = ""  # the quote or brackets a suggestion closes at its end

    def peek(self, ahead: int = 0) -> _Token | None:
        return self.tokens[self.at + ahead] if self.at + ahead < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def ignore(self, token: _Token, message: str) -> None:
        self.ignored.append(token)
        self.note(message)

    def note(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)

    def operand_at(self, ahead: int) -> bool:
        token = self.peek(ahead)
        return token is not None and token.kind in ("open", "quote", "range", "word")

    def all_of(self, depth: int, default_field: str | None) -> Node | Leaf | None:
        """Operands ANDed (`AND` between them is the same), until a `)` that closes this depth."""
        parts: list[Node | Leaf] = []
        while (token := self.peek()) is not None:
            if token.kind == "close":
                if depth:
                    break
                self.ignore(self.take(), "the “)” with no “(” before it was ignored")
                continue
            if token.kind == "op" and token.text in ("AND", "OR"):
                self.take()
                if not parts:
                    self.ignore(token, f"the {token.text} with nothing before it was ignored")
                elif not self.operand_at(0) and not self._op_at(0, "NOT"):
                    self.ignore(token, self._dangling(token.text))
                continue
            part = self.any_of(depth, default_field)
            if part is not None:
                parts.append(part)
        return _joined("all", parts)

    def _op_at(self, ahead: int, name: str) -> bool:
        token = self.peek(ahead)
        return token is not None and token.kind == "op" and token.text == name

    def _dangling(self, name: str) -> str:
        following = self.peek()
        if following is None:
            return f"the trailing {name} was ignored"
        if following.kind == "close":
            return f"the {name} before “)” was ignored"
        return f"the {name} before {following.text} was ignored"

    def any_of(self, depth: int, default_field: str | None) -> Node | Leaf | None:
        """Operands joined by OR (which binds tighter than AND, as in web search engines)."""
        parts = [self.unary(depth, default_field)]
        while self._op_at(0, "OR"):
            operator = self.take()
            if not self.operand_at(0) and not self._op_at(0, "NOT"):
                self.ignore(operator, self._dangling(operator.text))
                break
            parts.append(self.unary(depth, default_field))
        return _joined("any", [p for p in parts if p is not None])

    def unary(self, depth: int, default_field: str | None) -> Node | Leaf | None:
        token = self.peek()
        if token is None or token.kind == "close" or (token.kind == "op" and token.text != "NOT"):
            return None
        self.take()
        if token.kind == "op":  # NOT
            if not self.operand_at(0) and not self._op_at(0, "NOT"):
                self.ignore(token, self._dangling("NOT"))
                return None
            inner = self.unary(depth, default_field)
            return Node("not", (inner,)) if inner is not None else None
        sign, name, _ = _FIELD.match(token.text).groups()  # type: ignore[union-attr]
        if token.kind == "open":
            inner = self.all_of(depth + 1, name or default_field)
            if self.peek() is not None and self.peek().kind == "close":  # type: ignore[union-attr]
                self.take()
            else:
                self.closing += ")"
                self.note("the “(” that was never closed was closed at the end")
            if inner is None:
                if self.tokens[self.at - 1].kind == "close" and self.tokens[self.at - 2] is token:
                    self.note("the empty brackets “()” were ignored")
                return None
            return Node("not", (inner,)) if sign == "-" else inner
        leaf = self.leaf(token, default_field)
        if leaf is None:
            return None
        return Node("not", (leaf,)) if sign == "-" else leaf

    def leaf(self, token: _Token, default_field: str | None) -> Leaf | None:
        sign, name, value = _FIELD.match(token.text).groups()  # type: ignore[union-attr]
        name = name or default_field
        if token.kind == "quote":
            words = token.inner
            if not token.closed:
                self.closing = '"' + self.closing
                self.note("the quote that was never closed was closed at the end")
            if not words.strip():
                self.note("the empty quotes were ignored")
                return None
            return Leaf(words.strip(), name, quoted=True, near=token.slop, typed=token.text)
        if token.kind == "word":
            if not value:
                if name:
                    self.note(f"“{token.text}” has nothing after it and was ignored")
                return None
            if not name and not sign and value in LOWER_OPERATORS and self._between_operands():
                self.lowered.append(token)
        return Leaf(value, name, exact=sign == "=", typed=token.text)

    def _between_operands(self) -> bool:
        before = self.tokens[self.at - 2] if self.at >= 2 else None
        return before is not None and before.kind in ("close", "quote", "range", "word") and self.operand_at(0)


def _joined(kind: str, parts: list[Node | Leaf]) -> Node | Leaf | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else Node(kind, tuple(parts))


def read(text: str) -> Reading:
    """The query box's text as a tree, with what was mended and the operator reading of `or`/`not`."""
    parser = _Parser(text)
    tree = parser.all_of(0, None)
    operator_reading = None
    if parser.lowered:  # the query as typed with the words as operators, and with the mends made
        changes = [(t, t.text.upper()) for t in parser.lowered] + [(t, "") for t in parser.ignored]
        out, last = [], 0
        for token, replacement in sorted(changes, key=lambda change: change[0].start):
            out += [text[last : token.start], replacement]
            last = token.end
        operator_reading = " ".join("".join([*out, text[last:]]).split()) + parser.closing
    return Reading(tree, parser.notices, operator_reading)
