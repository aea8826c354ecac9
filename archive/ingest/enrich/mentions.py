"""Mentions: the gazetteer's names found in a text, kept where they read as places.

A name must be capitalised as a proper noun, and names that are also English words or given
names need stronger context ("Jordan Marsh", "Henderson told reporters" are people); when NER
spans over the body are given, they decide those ambiguous words instead. Each mention carries
the weight of where it stands (dateline, headline, lead, body) and what surrounds it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from archive.ingest.enrich.gazetteer import (
    BLOCK,
    CITY,
    COUNTRY,
    DEMONYM,
    REGION,
    TOKEN,
    Entry,
    Gazetteer,
    fold,
    name_key,
)
from archive.ingest.readers.sentences import ABBREVIATIONS

DATELINE_WEIGHT = 4.0
ORG_WEIGHT = 0.5  # "Bank of England" inside an ORG span still counts, but less
NAME_WEIGHT = 0.5  # a town that opens a longer name: an exchange, a company ("Bristol-Myers")
CURRENCY_WEIGHT = 0.25  # "300 mln U.S. dlrs", "the Canadian dollar": money, seldom what the story is about
MAJOR_CITY_PRIOR = 6.0  # a city of a million, or a capital of 100,000: "Washington said" is its government
# "former Soviet", "post-Soviet", "Soviet-era": history, not what a modern story is about
HISTORIC_LEAD_INS = {"former", "ex", "post", "pre", "late"}
HISTORIC_LEAD_OUTS = {"era", "times", "collapse", "breakup", "legacy"}


def wordset(words: str) -> frozenset[str]:
    """A set of lower-case words written as one string, to keep the long lists readable."""
    return frozenset(words.split())


TITLES = wordset(
    "mr mrs ms miss dr sir lord lady president senator sen rep representative gov governor judge justice "
    "general gen minister secretary chairman prof professor rev father king queen prince princess mayor "
    "coach pope sheikh emir colonel col captain capt lt sgt admiral"
)
# Capitalised words that may stand before a place name without making it part of another name.
PLACE_LEAD_INS = wordset(
    "north south east west northern southern eastern western central greater upper lower downtown "
    "metropolitan metro inner outer in from to the at of and near outside via for on by with said says "
    "but while when as both like against between across after before since during unlike inside within "
    "throughout including into onto only even then meanwhile also all most many some every each this that "
    "these those its his her their our a an if although because until where whether or nor so yet"
)
CURRENCY_WORDS = wordset(
    "dollar dollars dlr dlrs currency currencies cents franc francs mark marks pound pounds peso pesos "
    "crown crowns guilder guilders lira lire yen rand"
)
EVENT_WORDS = wordset(
    "accord accords agreement agreements pact treaty talks summit conference convention protocol club"
)
SPEECH_VERBS = wordset("said says told added stated noted asked replied")
ORG_LABELS = {"ORG", "FAC"}
PLACE_LABELS = {"GPE", "LOC", "NORP"}

_UPPER = re.compile(r"[^\W\d_a-z]")
_LOWER = re.compile(r"[a-z]")
_GLUE = re.compile(r"[ \t]*\n?[ \t]*[-'’.]?[ \t]*\n?[ \t]*")  # between the words of one name


@dataclass(slots=True)
class Mention:
    start: int
    surface: str
    entry: Entry
    weight: float  # section weight times the NER factor
    section: str
    historic: bool = False
    qualifier: Entry | None = None  # "Paris, Texas": the state or country after the comma
    code: str = ""
    kind: str = ""


class Segment:
    """One text segment tokenised once, with the checks that decide whether a name is a place."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
        upper, lower = len(_UPPER.findall(text)), len(_LOWER.findall(text))
        self.all_caps = upper > 4 * lower  # a headline in capitals: case says nothing there

    def sentence_start(self, i: int) -> bool:
        """Whether token i opens a sentence (so its capital letter says nothing)."""
        start = self.tokens[i][0]
        j = start - 1
        while j >= 0 and self.text[j] in " \t\r\n\"'“‘(":
            j -= 1
        if j < 0:
            return True
        ch = self.text[j]
        if ch in "!?:;—–":
            return True
        if ch != ".":
            return False
        if i == 0:
            return True
        prev = self.tokens[i - 1][2]
        return not ("." in prev or len(prev) == 1 or prev.lower() in ABBREVIATIONS)

    def paragraph_start(self, i: int) -> bool:
        """Whether token i opens the text or a paragraph (where a dateline in capitals stands)."""
        before = self.text[: self.tokens[i][0]]
        return not before.strip() or before.rstrip(" \t").endswith("\n")

    def capitalised(self, i: int) -> bool:
        """Whether token i is written like a proper noun (any word counts in an all-capitals headline)."""
        word = self.tokens[i][2]
        return word[0].isupper() or (word[0].isalpha() and self.all_caps)


def find_mentions(
    seg: Segment,
    gaz: Gazetteer,
    section: str,
    weight: float,
    spans: Spans | None,
    people: set[str],
    name_openers: set[str],
) -> list[Mention]:
    """Longest-match gazetteer lookup over a segment, keeping the matches that read as places.

    `people` collects place-like words seen as part of a person's name ("Denys Henderson"), so a
    later bare "Henderson" is taken for the same person; `name_openers` the towns seen opening a
    longer name ("Santa Fe Southern Pacific"), which weigh less wherever they recur.
    """
    tokens, text = seg.tokens, seg.text
    found: list[Mention] = []
    i, n = 0, len(tokens)
    while i < n:
        start, _, word = tokens[i]
        if not seg.capitalised(i):
            i += 1
            continue
        first = fold(word)
        span = min(gaz.first_token_span.get(first, 0), n - i)
        for k in range(i + 1, i + span):
            if not _GLUE.fullmatch(text, tokens[k - 1][1], tokens[k][0]):
                span = k - i  # a name does not run across a comma or a paragraph break
                break
        match = None
        for length in range(span, 0, -1):
            last_end = tokens[i + length - 1][1]
            key = " ".join(fold(t[2]) for t in tokens[i : i + length]) if length > 1 else first
            if last_end < len(text) and text[last_end] == "." and (length > 1 or _after_comma(text, start)):
                entry = gaz.entries.get(key + ".")  # "Calif.", "N.S.W.": a state after its town
                if entry is not None:
                    match = (length, entry, last_end + 1, key)
                    break
            entry = gaz.entries.get(key)
            if entry is not None:
                match = (length, entry, last_end, key)
                break
        if match is None:
            i += 1
            continue
        length, entry, end, key = match
        kinds = {c.kind for c in entry.candidates}
        factor = 1.0
        label = spans.label(start, end) if spans is not None else None
        if BLOCK in kinds or label == "PERSON":
            keep = False
        elif label in PLACE_LABELS:
            keep = True
        else:
            verdict = _reads_as_place(seg, i, length, entry, kinds, gaz, key in people)
            if verdict == "person":
                people.add(key)
            keep = verdict == "place"
            if keep and spans is not None and (entry.common_word or entry.person):
                keep = False  # the NER saw no place here, and the word is ambiguous without it
            if label in ORG_LABELS:
                factor = ORG_WEIGHT
        if keep:
            if i + length < n and tokens[i + length][2].lower() in CURRENCY_WORDS:
                factor *= CURRENCY_WEIGHT
            elif label is None and kinds <= {CITY, REGION}:
                if _opens_a_name(seg, i + length, end, gaz):
                    name_openers.add(key)
                if key in name_openers:  # "SANTA FE" in a headline over a story on Santa Fe Southern Pacific
                    factor *= NAME_WEIGHT
                elif i + length < n and tokens[i + length][2].lower() in EVENT_WORDS:
                    factor *= NAME_WEIGHT  # "the Paris accord", "Geneva talks": named for where they met
            historic = (i > 0 and tokens[i - 1][2].lower() in HISTORIC_LEAD_INS and start - tokens[i - 1][1] <= 1) or (
                i + length < n and tokens[i + length][2].lower() in HISTORIC_LEAD_OUTS
            )
            surface = " ".join(text[start:end].split())
            found.append(Mention(start, surface, entry, weight * factor, section, historic))
            if CITY in kinds and not kinds & {COUNTRY, DEMONYM} and i + length < n and text[end : end + 1] == ",":
                found[-1].qualifier = _qualifier(seg, gaz, i + length)
        i += length
    return found


def _after_comma(text: str, start: int) -> bool:
    """Whether the word at `start` follows a comma, as "Calif." follows "San Mateo," (not "Florida Man.")."""
    return text[:start].rstrip().endswith(",")


class Spans:
    """NER spans over the body, sorted, to look up the label covering a match."""

    def __init__(self, entities: Sequence[tuple[int, int, str]]) -> None:
        self.spans = sorted(entities)
        self.starts = [span[0] for span in self.spans]

    def label(self, start: int, end: int) -> str | None:
        """The label of the span that covers [start, end), if any."""
        k = bisect_right(self.starts, start) - 1
        while k >= 0 and self.spans[k][1] > start:
            if self.spans[k][1] >= end:
                return self.spans[k][2]
            k -= 1
        return None


def _reads_as_place(
    seg: Segment, i: int, length: int, entry: Entry, kinds: set[str], gaz: Gazetteer, named_before: bool
) -> str:
    """Text-only rules: "place", "person" (part of a name) or "word" (an ordinary or ambiguous word)."""
    tokens = seg.tokens
    word = tokens[i][2]
    if entry.common_word and (seg.all_caps or word.isupper() or seg.sentence_start(i)):
        return "word"
    if not (kinds & {CITY, REGION} or entry.person):
        return "place"
    if not seg.all_caps and word.isupper() and "." not in word and kinds == {CITY} and not seg.paragraph_start(i):
        return "word"  # an acronym in running text ("KUNA", "DACA"), not a town; a dateline opens its paragraph
    if named_before:
        return "person"  # "Henderson" after "Denys Henderson"
    if i > 0:
        prev = tokens[i - 1][2]
        prev_lower = prev.lower()
        gap = seg.text[tokens[i - 1][1] : tokens[i][0]]
        if gap in (" ", "\n", ". ") and prev_lower in TITLES:
            return "person"
        if (
            gap in (" ", "\n", "-")
            and prev[0].isupper()
            and not seg.all_caps
            and prev_lower not in PLACE_LEAD_INS
            and not _names_a_country_or_region(gaz.entries.get(fold(prev)))
        ):
            return "person"  # "Michael Jordan", "Kidder Peabody", "First Boston", "Owens-Illinois"
    if i + length < len(tokens):
        nxt = tokens[i + length]
        adjacent = nxt[0] - tokens[i + length - 1][1] <= 1
        if (
            entry.person
            and adjacent
            and nxt[2][0].isupper()
            and not seg.all_caps
            and not _names_a_country_or_region(gaz.entries.get(fold(nxt[2])))
        ):
            return "person"  # "Jordan Marsh", "Chad Smith"
        if (
            kinds == {CITY}
            and adjacent
            and nxt[2].lower() in SPEECH_VERBS
            and all(c.size < MAJOR_CITY_PRIOR for c in entry.candidates)
        ):
            return "person"  # "Henderson told reporters"; "Washington said" stays a place
    return "place"


def _opens_a_name(seg: Segment, j: int, end: int, gaz: Gazetteer) -> bool:
    """Whether the place just before token j starts a longer name ("Tokyo Stock Exchange", "Santa Fe Southern")."""
    if seg.all_caps or j >= len(seg.tokens):
        return False
    start, _, word = seg.tokens[j]
    return (
        start - end <= 1
        and seg.text[end:start] in (" ", "-")
        and word[0].isupper()
        and word.lower() not in PLACE_LEAD_INS
        and fold(word) not in gaz.first_token_span
    )


def _names_a_country_or_region(entry: Entry | None) -> bool:
    """Whether a neighbouring word is itself a country, demonym or region ("Texas Houston" stays a place)."""
    return entry is not None and any(c.kind in (COUNTRY, DEMONYM, REGION) for c in entry.candidates)


def _qualifier(seg: Segment, gaz: Gazetteer, j: int) -> Entry | None:
    """The state or country named right after a comma ("Paris, Texas"), if any."""
    tokens = seg.tokens
    for length in range(min(3, len(tokens) - j), 0, -1):
        key = " ".join(fold(t[2]) for t in tokens[j : j + length])
        end = tokens[j + length - 1][1]
        for candidate_key in ((key + ".") if seg.text[end : end + 1] == "." else None, key):
            entry = gaz.entries.get(candidate_key) if candidate_key else None
            if entry and any(c.kind in (REGION, COUNTRY) for c in entry.candidates):
                return entry
    return None


def dateline_mentions(place: str, gaz: Gazetteer) -> list[Mention]:
    """The dateline place ("HOUSTON", "CALGARY, Alberta", "Ankara"), matched in any case."""
    entries = [
        gaz.entries.get(name_key(p)) or gaz.entries.get(name_key(p) + ".") for p in place.split(",") if p.strip()
    ]
    known = [e for e in entries if e is not None]
    if not known or any(c.kind == BLOCK for c in known[0].candidates):
        return []
    mention = Mention(0, " ".join(place.split()), known[0], DATELINE_WEIGHT, "dateline")
    if entries[0] is not None and len(known) > 1:
        mention.qualifier = known[1]  # "STAMFORD, Conn.": the state says which Stamford
    return [mention]
