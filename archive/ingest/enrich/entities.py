"""Entity mentions to entity facets: one name per person or organisation within an article.

A story says "President Tayyip Erdogan" once and "Erdogan" after that; a reader
browsing people wants one entry, the full name, counted with all its mentions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from archive.article import Entities
from archive.facets import REGISTRY

Span = tuple[int, int, str]

# The entity list (Entities field) each spaCy label's mentions go to: the facets' own labels
# (archive.facets) and two kinds an article keeps that are no facets.
KIND_OF_LABEL = {label: f.entity_key for f in REGISTRY if f.entity_key for label in f.ner_labels} | {
    "NORP": "groups",
    "EVENT": "events",
}
# The label a name of each kind is found under again (imported articles, archive.ingest.enrich.pipeline).
LABEL_OF_KIND = {kind: label for label, kind in reversed(KIND_OF_LABEL.items())}
_TITLES = re.compile(
    r"^(?:(?:former|then|late|acting|deputy|vice|prime|foreign|finance|defence|defense|"
    r"president|minister|chancellor|premier|secretary|general|gen\.|lt\.|col\.|maj\.|capt\.|adm\.|sgt\.|"
    r"senator|sen\.|rep\.|representative|gov\.|governor|mayor|judge|justice|chief|executive|chairman|chairwoman|"
    r"chair|ceo|director|spokesman|spokeswoman|spokesperson|ambassador|king|queen|prince|princess|pope|"
    r"sheikh|emir|ayatollah|rabbi|rev\.|reverend|father|sister|saint|mr\.?|mrs\.?|ms\.?|dr\.?|prof\.?|professor|"
    r"sir|dame|lord|lady|coach|manager|captain|striker|president-elect|leader|officer|commander)\s+)+",
    re.I,
)
# Newswire shorthand that models trained on agency copy tag as names (`mln`, `Avg shrs`, `Co Inc`).
WIRE_ABBREVIATIONS = frozenset(
    {"mln", "bln", "dlrs", "pct", "cts", "avg", "shr", "shrs", "qtr", "qtrs", "revs", "oper", "mths", "vs", "net"}
    | {"inc", "co", "corp", "ltd", "plc", "co inc", "corp inc", "inc corp"}
)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_ARTICLE = re.compile(r"^the\s+", re.I)
_PARTICLE = re.compile(r"^(?:al|el|ad|as|ash|an|bin|ibn|abu)[-‐]", re.I)


def clean_name(text: str, label: str) -> str:
    """A mention as a facet value: no leading article or title, no possessive, single spaces."""
    name = " ".join(text.split())
    name = _POSSESSIVE.sub("", name)
    if label != "PERSON" and label != "NORP":
        name = _ARTICLE.sub("", name)
    if label == "PERSON":
        stripped = _TITLES.sub("", name)
        name = stripped if stripped and stripped[0].isupper() else name
    name = name.strip(" ,;:-–—\"'“”‘’()")
    # A final full stop goes, unless it closes an abbreviation such as `U.S.` or `U.K.`
    return name if re.search(r"(?:^|[\s.])[A-Z]\.$", name) else name.rstrip(" .")


def _key(name: str) -> str:
    return _PARTICLE.sub("", name.lower())


def merge_people(counts: Counter[str], order: dict[str, int]) -> Counter[str]:
    """Fold `Erdogan` into `Tayyip Erdogan` and `Assad` into `Bashar al-Assad` when unambiguous."""
    full_names = [n for n in counts if len(n.split()) > 1]
    merged: Counter[str] = Counter()
    for name, count in counts.items():
        target = name
        if len(name.split()) == 1:
            target = _full_name(name, full_names) or name
        else:
            longer = [f for f in full_names if f != name and f.endswith(" " + name)]
            if len(longer) == 1:
                target = longer[0]
        merged[target] += count
        order[target] = min(order.get(target, order[name]), order[name])
    return merged


def _full_name(word: str, full_names: list[str]) -> str | None:
    """The one full name that `word` is the surname (or given name) of, if exactly one."""
    key = _key(word)
    candidates = {f for f in full_names if key in (_key(f.split()[-1]), _key(f.split()[0]))}
    return candidates.pop() if len(candidates) == 1 else None


def merge_entities(spans: Sequence[Span], text: str) -> Entities:
    """Facet values from NER spans over `text`, most mentioned first, then first mentioned."""
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in set(KIND_OF_LABEL.values())}
    order: dict[str, int] = {}
    spellings: dict[tuple[str, str], str] = {}
    for start, end, label in spans:
        facet = KIND_OF_LABEL.get(label)
        if facet is None:
            continue
        name = clean_name(text[start:end], label)
        if len(name) < 2 or not any(ch.isupper() for ch in name) or name.lower() in WIRE_ABBREVIATIONS:
            continue
        # One spelling per name regardless of case: the first seen, unless it was all caps.
        key = (facet, name.lower())
        if key not in spellings or (spellings[key].isupper() and not name.isupper()):
            if key in spellings:
                counts[facet][name] += counts[facet].pop(spellings[key])
                order[name] = order.pop(spellings[key])
            spellings[key] = name
        name = spellings[key]
        counts[facet][name] += 1
        order.setdefault(name, start)
    people = counts["people"] = merge_people(counts["people"], order)
    # A surname the model once read as an organisation or place ("shore up Assad") is still the person,
    # when the person reading is the more frequent one.
    full_names = [n for n in people if len(n.split()) > 1]
    for facet in ("organizations", "places"):
        for name in [n for n in counts[facet] if len(n.split()) == 1]:
            owner = _full_name(name, full_names)
            if owner and people[owner] > counts[facet][name]:
                people[owner] += counts[facet].pop(name)

    def ranked(facet: str) -> tuple[str, ...]:
        return tuple(sorted(counts[facet], key=lambda n: (-counts[facet][n], order[n])))

    return Entities(
        people=ranked("people"),
        organizations=ranked("organizations"),
        places=ranked("places"),
        groups=ranked("groups"),
        events=ranked("events"),
    )
