"""Entity mentions to entity facets: one name, one type, per article.

A story says "President Tayyip Erdogan" once and "Erdogan" after that; a reader
browsing people wants one entry, the full name, counted with all its mentions. And a model
reads one name differently from one sentence to the next ("Idlib" an organisation here, a
place there): within an article the mentions of a name vote, a place the country resolver
knows (the dateline, the gazetteer read in context) is a place, and a surname alone takes its
full name's type.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from archive.article import Entities
from archive.display import name_key
from archive.facets import REGISTRY
from archive.ingest.enrich.gazetteer import COUNTRY, DEMONYM, NEVER_PLACES, load_gazetteer
from archive.ingest.enrich.mentions import PLACE_LEAD_INS, TITLES, wordset

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
# Words that name a kind of body or a portfolio, not one body: a model reads "Energy" (of "Energy
# Minister"), "Bank" or "Finance" alone as an organisation or a person. One of them alone is no name.
GENERIC_WORDS = wordset(
    "bank banks ministry ministries government department agency company companies corporation group council "
    "committee commission fund board party exchange market markets energy finance trade industry agriculture "
    "defence defense interior economy health justice labour labor transport education commerce office "
    "authority administration bureau division unit firm holdings state states foreign affairs "
    "communications environment development planning security police"
)
# News agencies: an organisation wherever a model reads them ("Reuter" of 1987 copy as a person).
NEWS_AGENCIES = frozenset(
    {"reuters", "reuter", "ap", "associated press", "afp", "agence france-presse", "agence france presse", "upi"}
    | {"united press international", "xinhua", "tass", "itar-tass", "kyodo", "dpa", "ansa", "efe", "interfax"}
    | {"bloomberg", "yonhap", "bernama", "anadolu", "press trust of india", "pti", "aap", "pa", "tanjug"}
)
# How the country resolver read a name (archive.ingest.enrich.resolve.CountryAssignment.place_names):
# a demonym is a group; these kinds are places whatever the model said; a small town ("town") only
# where some mention of it was read as a place (Chelsea the club stays an organisation); an
# institution that points to a country ("weak": Wall Street, the Kremlin, Nasdaq) is what most
# mentions say.
DEMONYM_PLACE = "demonym"
INSTITUTION = "weak"
SURE_PLACES = frozenset({"dateline", "country", "region", "city"})
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_ARTICLE = re.compile(r"^the\s+", re.I)
_PARTICLE = re.compile(r"^(?:al|el|ad|as|ash|an|bin|ibn|abu)[-‐]", re.I)


def clean_name(text: str, label: str) -> str:
    """A mention as a facet value: no leading article or title, no possessive, single spaces, no
    stray bracket or markup (an editor's "(World) Bank" is the World Bank)."""
    name = " ".join(text.split())
    name = _POSSESSIVE.sub("", name)
    if label != "PERSON" and label != "NORP":
        name = _ARTICLE.sub("", name)
    if label == "PERSON":
        stripped = _TITLES.sub("", name)
        name = stripped if stripped and stripped[0].isupper() else name
    name = _unbracket(name.replace("<", " ").replace(">", " "))
    name = " ".join(name.split()).strip(" ,;:-–—\"'“”‘’")
    # A final full stop goes, unless it closes an abbreviation such as `U.S.` or `U.K.`
    return name if re.search(r"(?:^|[\s.])[A-Z]\.$", name) else name.rstrip(" .")


def _unbracket(name: str) -> str:
    """Brackets that open the name ("(World) Bank", "(Reuters)") or have no partner go; "Equity (Pacific) Ltd" stays."""
    if name.startswith("(") and ")" in name:
        close = name.index(")")
        name = name[1:close] + name[close + 1 :] if close < len(name) - 1 else name[1:close]
    depth, kept = 0, []
    for ch in name:
        if ch == "(":
            depth += 1
        elif ch == ")":
            if not depth:
                continue
            depth -= 1
        kept.append(ch)
    text = "".join(kept)
    while depth:  # an opening bracket never closed: drop the last one
        at = text.rindex("(")
        text = text[:at] + text[at + 1 :]
        depth -= 1
    return text


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


def _full_name(word: str, full_names: Sequence[str]) -> str | None:
    """The one full name that `word` is the surname (or given name) of, if exactly one."""
    key = _key(word)
    candidates = {f for f in full_names if key in (_key(f.split()[-1]), _key(f.split()[0]))}
    return candidates.pop() if len(candidates) == 1 else None


@dataclass
class _Name:
    """One name of an article: its spelling, its mentions' votes per kind, where it first stands."""

    spelling: str
    first: int
    votes: Counter[str] = field(default_factory=Counter)
    order: list[str] = field(default_factory=list)  # the kinds in the order the mentions gave them

    def vote(self, kind: str) -> None:
        self.votes[kind] += 1
        if kind not in self.order:
            self.order.append(kind)

    def majority(self) -> str:
        """The kind most mentions gave; a tie goes to the kind given first."""
        top = max(self.votes.values())
        return next(kind for kind in self.order if self.votes[kind] == top)


def merge_entities(
    spans: Sequence[Span],
    text: str,
    *,
    place_names: Mapping[str, str] | None = None,
    unmarked_places: Sequence[tuple[int, str, str]] = (),
    aliases: Sequence[tuple[str, str]] = (),
) -> Entities:
    """Facet values from NER spans over `text`, one type per name, most mentioned first, then first mentioned.

    `place_names`: how the country resolver read names of this article (name key -> "dateline",
    "country", "region", "city", "town", "weak" or "demonym"); `unmarked_places`: (offset, name,
    reading) of its place mentions the model did not mark, counted as mentions of a place (a group
    for a demonym) unless they are small towns or weak names. `aliases`: the article's
    (short, long) name definitions ("Organization of Petroleum Exporting Countries (OPEC)"): the
    short name takes the long name's type.
    """
    names = _collect(spans, text)
    for start, name, reading in unmarked_places:
        if text[start - 1 : start] != "<" and (reading in SURE_PLACES or reading == DEMONYM_PLACE):
            item = names.setdefault(name.lower(), _Name(name, start))
            item.first = min(item.first, start)
            item.vote("groups" if reading == DEMONYM_PLACE else "places")
    kinds = _decide(names, place_names or {}, aliases)
    _unread_people(names, kinds, text, spans, place_names or {})
    counts: dict[str, Counter[str]] = {kind: Counter() for kind in set(KIND_OF_LABEL.values())}
    order: dict[str, int] = {}
    for key, item in names.items():
        target = kinds[key]
        if target in counts:
            counts[target][item.spelling] += item.votes.total()
            order[item.spelling] = min(order.get(item.spelling, item.first), item.first)
        else:  # joined a full name ("Assad" -> "Bashar al-Assad")
            full = names[target]
            counts[kinds[target]][full.spelling] += item.votes.total()
    counts["people"] = merge_people(counts["people"], order)

    def ranked(facet: str) -> tuple[str, ...]:
        return tuple(sorted(counts[facet], key=lambda n: (-counts[facet][n], order[n])))

    return Entities(
        people=ranked("people"),
        organizations=ranked("organizations"),
        places=ranked("places"),
        groups=ranked("groups"),
        events=ranked("events"),
    )


def _collect(spans: Sequence[Span], text: str) -> dict[str, _Name]:
    """Every name's mentions, case folded: one spelling per name, the first seen unless it was all caps."""
    names: dict[str, _Name] = {}
    for start, end, label in sorted(spans):
        kind = KIND_OF_LABEL.get(label)
        if kind is None:
            continue
        name = clean_name(text[start:end], label)
        if (
            len(name) < 2
            or not any(ch.isupper() for ch in name)
            or name.lower() in WIRE_ABBREVIATIONS
            or name.lower() in GENERIC_WORDS
        ):
            continue
        key = name.lower()
        item = names.setdefault(key, _Name(name, start))
        if item.spelling.isupper() and not name.isupper():
            item.spelling = name
        item.vote(kind)
    return names


def _unread_people(
    names: dict[str, _Name], kinds: dict[str, str], text: str, spans: Sequence[Span], place_names: Mapping[str, str]
) -> None:
    """A one-word "place" no gazetteer knows that the text also shows after a title or a given name
    the model did not read ("Ambassador Gordon Sondland" ... "suggestions from Sondland"): a person,
    under the full name when there is one."""
    covered = sorted((start, end) for start, end, _ in spans)
    for key, item in names.items():
        if kinds[key] != "places" or len(item.spelling.split()) > 1 or name_key(item.spelling) in place_names:
            continue
        for match in re.finditer(rf"(?<![\w.])([A-Z][a-z]+\.?)[ \t]+{re.escape(item.spelling)}\b", text):
            word = match.group(1).rstrip(".").lower()
            inside = any(start <= match.start(1) < end for start, end in covered)
            before = text[: match.start(1)].rstrip(" \t\"'“‘(")
            opens_sentence = not before or before[-1] in ".!?:\n"
            if word in TITLES:
                kinds[key] = "people"
                break
            if inside or opens_sentence or word in PLACE_LEAD_INS or word in NEVER_PLACES or word in place_names:
                continue
            kinds[key] = "people"
            item.spelling = f"{match.group(1)} {item.spelling}"
            break


def _gazetteer_reading(name: str) -> str | None:
    """ "country" or "demonym" for a name the gazetteer has only as a country or only as a demonym, and
    that is no English word or given name ("Turkey", "Turkish"; not "Chad", "Jordan"): the resolver
    leaves out what the model read as a person, this does not."""
    entry = load_gazetteer().entries.get(name_key(name))
    if entry is None or entry.common_word or entry.person:
        return None
    kinds = {c.kind for c in entry.candidates}
    return DEMONYM_PLACE if kinds == {DEMONYM} else "country" if kinds == {COUNTRY} else None


def _decide(
    names: dict[str, _Name], place_names: Mapping[str, str], aliases: Sequence[tuple[str, str]]
) -> dict[str, str]:
    """Each name's kind, or the key of the full name it joins. In order: a news agency is an
    organisation; a surname alone joins the one full name of a person it ends (or opens) unless
    most of its mentions read it as a place the resolver knows; a known place is a place (a
    demonym a group); else the mentions' majority; a defined short name takes its long name's kind."""
    kinds: dict[str, str] = {}
    people = [k for k, item in names.items() if len(item.spelling.split()) > 1 and item.majority() == "people"]
    for key, item in names.items():
        known = place_names.get(name_key(item.spelling)) or _gazetteer_reading(item.spelling)
        known = None if known == INSTITUTION else known
        place_votes = item.votes["places"]
        if key in NEWS_AGENCIES:
            kinds[key] = "organizations"
            continue
        if len(item.spelling.split()) == 1 and not (known and place_votes * 2 > item.votes.total()):
            owner = _full_name(item.spelling, [names[k].spelling for k in people if k != key])
            if owner:
                kinds[key] = owner.lower()
                continue
        if known == DEMONYM_PLACE:
            kinds[key] = "groups"
        elif known in SURE_PLACES or (known and place_votes):
            kinds[key] = "places"
        else:
            kinds[key] = item.majority()
    for short, long in aliases:
        short_key, long_key = short.lower(), long.lower()
        known = short_key in kinds and long_key in kinds
        if known and kinds[long_key] in KIND_OF_LABEL.values() and kinds[short_key] in KIND_OF_LABEL.values():
            kinds[short_key] = kinds[long_key]
    return kinds
