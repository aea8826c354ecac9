"""Display names for facet values: country codes and topic slugs as a reader wants to see them.

A leaf module: the web reads it for names, ingest for the topic file, and neither imports the other.
"""

from __future__ import annotations

import tomllib
from functools import cache

import pycountry

from archive.config import bundled

BUNDLED_TOPICS = bundled("data", "topics.toml")

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
