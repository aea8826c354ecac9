"""Decoding: the NER's spans made into names, before anything counts them.

A model reads tokens, so its spans end where tokens do: on a wire's company markup
(`<Fibre Co>`, `Boeing Co <BA>`), inside an editor's brackets (`the (World) Bank`), before a
hyphen (`Nagorno` of "Nagorno-Karabakh"), with a possessive (`Erdogan’s`). These are general
rules on the text around each span; no name is listed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Span = tuple[int, int, str]

_OPEN, _CLOSE = "([{<", ")]}>"
_PARTNER = dict(zip(_OPEN, _CLOSE, strict=True)) | dict(zip(_CLOSE, _OPEN, strict=True))
_EDGE = " \t\r\n,;:.!?\"'“”‘’`*_|/\\" + _OPEN + _CLOSE
_POSSESSIVE = re.compile(r"(?:['’][sS]|['’])$")
# `Boeing Co <BA>`, `<TOSS.T>`: a stock ticker in Reuters markup, no name of its own.
_TICKER = re.compile(r"<[A-Z0-9.&/-]{1,12}>")
# "-Karabakh", "-Benz": a capitalised word joined by a hyphen, no space on either side.
_HYPHENATED = re.compile(r"[-‐][A-Z][\w'’]*")
# "the Sudan People's Liberation Army", "Sovereign Wealth Fund": capitalised words that open a name.
_CAPITALISED_WORD = re.compile(r"([A-Z][\w&'’.-]*)\s$")
_ABBREVIATION = re.compile(r"(?:^|[\s.])[A-Z]\.$")


def decode_spans(text: str, spans: Sequence[Span]) -> list[Span]:
    """`spans` over `text` with markup, stray brackets and possessives cut off and hyphenated names
    completed; a span that is only a ticker or punctuation goes."""
    tickers = [(m.start(), m.end()) for m in _TICKER.finditer(text)]
    starts = {start for start, _, _ in spans}
    out: list[Span] = []
    for start, end, label in sorted(spans):
        if any(t0 <= start and end <= t1 for t0, t1 in tickers):
            continue
        start, end = _inside_markup(text, start, end)
        start, end = _balance(text, start, end)
        start, end = _trim(text, start, end)
        end = _join_hyphenated(text, end, starts)
        if end - start >= 1 and any(ch.isalpha() for ch in text[start:end]):
            if out and start < out[-1][1]:  # a completed name swallowed the next span
                continue
            out.append((start, end, label))
    return out


def _inside_markup(text: str, start: int, end: int) -> tuple[int, int]:
    """Cut a span at a `<` or `>` inside it: "Boeing Co <BA" -> "Boeing Co", "Co> said" -> "said"."""
    inner = text[start:end]
    cut = inner.find("<", 1)
    if cut > 0 and inner[:cut].strip(" ,"):
        end = start + cut
        inner = text[start:end]
    close = inner.find(">", 0, len(inner) - 1)
    if close >= 0 and "<" not in inner[:close]:
        if any(ch.isalpha() for ch in inner[:close]):
            end = start + close  # "Crowley Corp>'s America": the markup closed the name
        else:
            start += close + 1
    return start, end


def _balance(text: str, start: int, end: int) -> tuple[int, int]:
    """Give a span its bracket's partner, or take the stray bracket away.

    "(International Monetary) Fund": the span began inside an editor's brackets, so it takes the
    opening one; "Countries (" or "Debt(Dec" ends before the bracket it opened.
    """
    depth: list[int] = []
    for at in range(start, end):
        ch = text[at]
        if ch in _OPEN:
            depth.append(at)
        elif ch in _CLOSE:
            if depth and text[depth[-1]] == _PARTNER[ch]:
                depth.pop()
            elif text[start - 1 : start] == _PARTNER[ch] and ch != ">":
                start -= 1
                start = _capitalised_before(text, start)
            else:
                return _balance(text, start, at)  # "Monetary) Fund" with no "(" before: keep what precedes
    if depth:
        end = depth[0]
    return start, end


def _capitalised_before(text: str, start: int) -> int:
    """Extend a name back over the capitalised words right before it ("Mitsubishi Motor (USA) Corp")."""
    while match := _CAPITALISED_WORD.search(text, max(0, start - 40), start):
        start = match.start(1)
    return start


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """No punctuation, bracket or possessive at either edge (a name's own full stop stays: `U.S.`)."""
    while start < end and text[start] in _EDGE and not _closed_within(text, start, end):
        start += 1
    while end > start:
        possessive = _POSSESSIVE.search(text, start, end)
        if possessive and possessive.start() > start:
            end = possessive.start()
        elif (
            text[end - 1] in _EDGE
            and not _abbreviation_stop(text, start, end)
            and not _closed_within(text, start, end, at=end - 1)
        ):
            end -= 1
        else:
            break
    return start, end


def _closed_within(text: str, start: int, end: int, at: int | None = None) -> bool:
    """Whether the bracket at `at` (default: the span's first character) has its partner inside the span."""
    at = start if at is None else at
    ch = text[at]
    if ch in "([{":
        return _PARTNER[ch] in text[at + 1 : end]
    if ch in ")]}":
        return _PARTNER[ch] in text[start:at]
    return False


def _abbreviation_stop(text: str, start: int, end: int) -> bool:
    """Whether the full stop that ends the span closes an abbreviation of capitals ("U.S.", "N.V.")."""
    return _ABBREVIATION.search(text, start, end) is not None


def _join_hyphenated(text: str, end: int, starts: set[int]) -> int:
    """ "Nagorno" + "-Karabakh": take in capitalised words the hyphen joins, unless another span starts there."""
    while (match := _HYPHENATED.match(text, end)) and end + 1 not in starts:
        end = match.end()
    return end
