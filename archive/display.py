"""Names for facet values, both ways: country codes and topic slugs as a reader sees them, and
the names, demonyms and labels a reader types read back as codes and slugs.

A leaf module: the web and the search box read it, ingest too (the country resolver's word lists,
the topic file), and neither imports the other.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache

import pycountry

from archive.config import bundled

DATA_DIR = bundled("data")
BUNDLED_TOPICS = DATA_DIR / "topics.toml"
TOKEN = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W\d_]+")

# Short forms newsrooms use where ISO's names are long or formal.
SHORT_NAMES = {
    "US": "United States",
    "GB": "United Kingdom",
    "RU": "Russia",
    "KR": "South Korea",
    "KP": "North Korea",
    "IR": "Iran",
    "SY": "Syria",
    "VN": "Vietnam",
    "LA": "Laos",
    "BO": "Bolivia",
    "VE": "Venezuela",
    "TZ": "Tanzania",
    "MD": "Moldova",
    "TW": "Taiwan",
    "PS": "Palestine",
    "CD": "DR Congo",
    "CG": "Congo",
    "TR": "Turkey",
    "CZ": "Czech Republic",
    "FM": "Micronesia",
    "BN": "Brunei",
    "XK": "Kosovo",
    "SUHH": "Soviet Union",
    "DDDE": "East Germany",
    "YUCS": "Yugoslavia",
    "CSHH": "Czechoslovakia",
}


@cache
def country_name(code: str) -> str:
    """`TR` -> `Turkey`; ISO 3166-3 codes of dissolved states too; unknown codes come back as given."""
    if code in SHORT_NAMES:
        return SHORT_NAMES[code]
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None and len(code) == 4:
        country = pycountry.historic_countries.get(alpha_4=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@cache
def country_flag(code: str) -> str:
    """The flag emoji for a two-letter code (regional indicator letters), empty for others."""
    if len(code) != 2 or not code.isalpha():
        return ""
    return "".join(chr(0x1F1E6 + ord(ch) - ord("A")) for ch in code.upper())


@cache
def topic_labels() -> dict[str, str]:
    """Topic slug -> IPTC label, from the bundled topic file."""
    with BUNDLED_TOPICS.open("rb") as stream:
        return {slug: spec.get("label", slug) for slug, spec in tomllib.load(stream).items()}


def topic_label(slug: str) -> str:
    """`economy-business-finance` -> `economy, business and finance`."""
    return topic_labels().get(slug, slug)


def fold(text: str) -> str:
    """Lower-case and strip accents so "São Paulo" and "SAO PAULO" share a key."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def name_key(name: str) -> str:
    """The lookup key of a name: its folded tokens joined by spaces (hyphens and apostrophes split)."""
    return " ".join(fold(tok) for tok in TOKEN.findall(name))


def read_rows(name: str) -> Iterable[list[str]]:
    """Rows of a tab-separated data file in `archive/data/`, without comments and blank lines."""
    for line in (DATA_DIR / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


def country_rows() -> Iterator[tuple[list[str], list[str], set[str]]]:
    """(codes, names, flags) of `countries.tsv`: country names as news copy writes them (codes `-`: not a country)."""
    for row in read_rows("countries.tsv"):
        yield row[0].split(";"), row[1].split(";"), set(row[2].split(",")) if len(row) > 2 else set()


def demonym_rows() -> Iterator[tuple[list[str], str]]:
    """(codes, word) of `demonyms.tsv`, with the plurals of words ending in -n or -i ("Germans", "Iraqis")."""
    for row in read_rows("demonyms.tsv"):
        codes = row[0].split(";")
        for word in row[1].split(";"):
            yield codes, word
            if word[-1] in "ni":
                yield codes, word + "s"


@cache
def _country_codes() -> dict[str, tuple[str, ...]]:
    """Folded name key -> the codes it names: ISO names and codes, the archive's own names, demonyms."""
    out: dict[str, list[str]] = {}

    def add(name: str | None, codes: Iterable[str]) -> None:
        key = name_key(name) if name else ""
        if key:
            bucket = out.setdefault(key, [])
            bucket += [code for code in codes if code not in bucket]

    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name", "alpha_2", "alpha_3"):
            add(getattr(country, attr, None), [country.alpha_2])
    for historic in pycountry.historic_countries:
        for attr in ("name", "alpha_4"):
            add(getattr(historic, attr, None), [historic.alpha_4])
    for code, name in SHORT_NAMES.items():
        add(name, [code])
    for codes, names, flags in country_rows():
        if codes != ["-"] and "weak" not in flags:
            for name in names:
                add(name, codes)
    for codes, word in demonym_rows():
        add(word, codes)
    return {key: tuple(codes) for key, codes in out.items()}


def country_codes(text: str) -> tuple[str, ...]:
    """The country codes a reader's `tr`, `Turkey`, `Turkish` or `Côte d'Ivoire` means (none if it names no country)."""
    return _country_codes().get(name_key(text), ())
