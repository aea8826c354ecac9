"""What changed between two versions of a story: a word-level difference of headline and text (difflib).

The older version is always the "from" side, so words a later update added read as added whichever version
the page is on. Exact copies have no text of their own to compare, so they are never chosen by default.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from whoosh.index import Index

from archive.search.articles import get_article, versions

MAX_WORDS = 5000  # per side: past this the rest is not compared (difflib's matching grows fast with length)
CONTEXT_WORDS = 25  # unchanged words kept each side of a change; a longer unchanged run is elided between
BLOCK_PAIRS = 1_000_000  # words × words of one changed stretch compared word by word at most (about 0.1 s)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_WORD = re.compile(r"\s*\S+|\s+")  # a word with the spacing before it (a paragraph break too)


def word_diff(old: str, new: str, *, limit: int = MAX_WORDS) -> tuple[list[tuple[str, str]], bool]:
    """`(op, text)` runs, op one of `same`, `added`, `removed`, that rebuild both texts (spacing kept), and whether
    either text was cut at `limit` words. Words compare without the spacing before them.

    Sentences are matched first, then the words of the sentences that differ, so the work stays small whatever
    the text (word against word over a whole repetitive text is quadratic: minutes for 5,000 words); a changed
    stretch too long to compare word by word reads as removed and added whole.
    """
    a, b = _WORD.findall(old), _WORD.findall(new)
    cut = len(a) > limit or len(b) > limit
    a, b = a[:limit], b[:limit]
    sa, sb = _sentences(a), _sentences(b)
    runs: list[tuple[str, str]] = []
    outline = difflib.SequenceMatcher(None, [_key(x) for x in sa], [_key(x) for x in sb], autojunk=False)
    for tag, i1, i2, j1, j2 in outline.get_opcodes():
        left, right = [w for x in sa[i1:i2] for w in x], [w for x in sb[j1:j2] for w in x]
        if tag == "equal":
            runs.append(("same", "".join(right)))
        elif len(left) * len(right) <= BLOCK_PAIRS:
            runs += _words(left, right)
        else:
            runs += [("removed", "".join(left)), ("added", "".join(right))]
    return _merged(runs), cut


def _words(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    matcher = difflib.SequenceMatcher(None, [w.strip() for w in a], [w.strip() for w in b], autojunk=False)
    runs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(("same", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            runs.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            runs.append(("added", "".join(b[j1:j2])))
    return runs


def _sentences(words: list[str]) -> list[list[str]]:
    """Words grouped into sentences: a new one after `.`, `!`, `?` (closing quotes and brackets allowed) and at
    every line break."""
    out: list[list[str]] = []
    for word in words:
        if not out or "\n" in word[: len(word) - len(word.lstrip())] or _SENTENCE_END.search(out[-1][-1]):
            out.append([])
        out[-1].append(word)
    return out


def _key(sentence: list[str]) -> tuple[str, ...]:
    return tuple(w.strip() for w in sentence)


def _merged(runs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Neighbouring runs of one kind as one, empty ones dropped, removals before additions within a change."""
    out: list[tuple[str, str]] = []
    for op, text in runs:
        if not text:
            continue
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        elif op == "removed" and len(out) >= 1 and out[-1][0] == "added":
            if len(out) >= 2 and out[-2][0] == "removed":
                out[-2] = ("removed", out[-2][1] + text)
            else:
                out.insert(len(out) - 1, (op, text))
        else:
            out.append((op, text))
    return out


def what_changed(ix: Index, article_id: str, other_id: str | None = None) -> dict[str, Any] | None:
    """The difference between this article and another version of its story (`other_id`, else the version
    before it, else the one after), or None when the story has no other version with text of its own.

    `from`/`to` are brief records of the older and the newer version; `headline` is runs as `word_diff` gives
    them; `body` is runs as `{op, text, hidden, rest}`: an unchanged run longer than twice CONTEXT_WORDS keeps
    that many words each side of a change in `text` and `rest`, and `hidden` counts the words between;
    `added`/`removed` count words.
    """
    others = versions(ix, article_id)
    article = get_article(ix, article_id)
    if article is None or not others:
        return None
    chosen = next((o for o in others if o["id"] == other_id), None) or _default(article, others)
    if chosen is None:
        return None
    other = get_article(ix, chosen["id"])
    if other is None:
        return None
    older_first = _when(other) <= _when(article)
    old, new = (other, article) if older_first else (article, other)
    headline, _ = word_diff(old["headline"], new["headline"])
    body, cut = word_diff(old["body"], new["body"])
    counts = {op: sum(len(text.split()) for kind, text in headline + body if kind == op) for op in ("added", "removed")}
    body = [_elided(op, text, first=n == 0, last=n == len(body) - 1) for n, (op, text) in enumerate(body)]
    keys = ("id", "headline", "published", "source")
    return {
        "from": {k: old.get(k) for k in keys},
        "to": {k: new.get(k) for k in keys},
        "other": chosen["id"],
        "headline": headline,
        "body": body,
        "truncated": cut,
        "limit": MAX_WORDS,
        **counts,
    }


def _elided(op: str, text: str, *, first: bool, last: bool) -> dict[str, Any]:
    """A body run for the page: an unchanged stretch shows only the words next to the changes around it."""
    words = _WORD.findall(text)
    head = 0 if first else CONTEXT_WORDS
    tail = 0 if last else CONTEXT_WORDS
    if op != "same" or len(words) <= head + tail + CONTEXT_WORDS:
        return {"op": op, "text": text, "hidden": 0, "rest": ""}
    return {
        "op": op,
        "text": "".join(words[:head]),
        "hidden": len(words) - head - tail,
        "rest": "".join(words[len(words) - tail :]),
    }


def _when(article: dict[str, Any]) -> tuple[bool, str]:
    """Undated versions sort last, as the versions list has them."""
    return (article.get("published") is None, article.get("published") or "")


def _default(article: dict[str, Any], others: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The version just before this one (oldest first), else the first after it; exact copies left out."""
    texts = [o for o in others if not o["copy"]]
    before = [o for o in texts if _when(o) <= _when(article)]
    return before[-1] if before else (texts[0] if texts else None)
