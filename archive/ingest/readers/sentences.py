"""Sentences and the lead: the one splitter that derived headlines and the lead are cut with.

News text ends a sentence at `.`, `!` or `?` before a capital, but not after an initial
(`J. Smith`), a dotted abbreviation (`U.S.`) or a title (`Mr.`, `Gen.`); the lead, which
countries and topics both weigh above the rest of a story, is its first sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"“‘'(]?[A-Z0-9])")
# Words a full stop follows without ending the sentence (titles, company suffixes, "No. 2").
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "no", "vs", "gen", "gov", "sen", "rep",
    "co", "corp", "inc", "ltd", "bros", "mt", "ft", "lt", "col", "capt", "sgt", "prof", "rev",
})  # fmt: skip
MIN_LEAD_CHARS = 40  # an end in the opening words ("Mr. X said.", a stray initial) is not the lead's


def sentence_ends(text: str) -> Iterator[int]:
    """The offsets in `text` just past each sentence's final mark (and its closing quotes)."""
    for match in _END.finditer(text):
        words = text[: match.start()].split()
        before = words[-1].lstrip("\"'“‘(") if words else ""
        if "." in before or len(before) <= 1 or before.lower() in ABBREVIATIONS:
            continue
        yield match.start() + len(match.group().rstrip())


def lead_end(body: str) -> int:
    """Where a story's lead ends: its first sentence past the opening words, else the whole body."""
    return next((end for end in sentence_ends(body) if end > MIN_LEAD_CHARS), len(body))
