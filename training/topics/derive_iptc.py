"""Derive `archive/data/topics-iptc.toml`: topic terms taken from the IPTC Media Topics vocabulary.

Run: /work/main/.venv/bin/python training/topics/derive_iptc.py [--vocabulary cptall-en-US.json]

Why: the hand-written `topics.toml` knows the words news uses most; the IPTC labels of the ~1,000
narrower concepts add the long tail (sports, crimes, diseases, art forms ...) each under the top-level
topic IPTC files it under, as terms of weight 1 (with a regular plural). Words from the definitions
were tried and left out: they are mostly generic ("compete", "distance", "american"). Labels that are
ambiguous in news text were read through by hand and are listed in EXCLUDED. Terms the hand-written
file already matches are left out, so it keeps the last word. Deterministic: same vocabulary, same file.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from archive.ingest.enrich.topics import BUNDLED_TOPICS, IPTC_TOPICS, Lexicon, load_layer  # noqa: E402


def _words(text: str) -> list[str]:
    return text.split()


VOCABULARY = ROOT.parent / "shared" / "corpora" / "iptc-mediatopic" / "cptall-en-US.json"
LABEL_WEIGHT = 1.0
MAX_PHRASE_WORDS = 3  # the matcher looks at phrases of up to three words

# Words that say nothing about a topic on their own, though they occur in labels and definitions.
STOPWORDS = frozenset(
    _words(
        """a about above across after against all also among an and any are as at be been being between both but by
    can concerning could different do does each either etc event events for from general generally has have
    having how however in including into involving is issue issues it its itself may more most such non not of
    on one or other others over own part particular person persons people related relating same several so some
    specific than that the their them these they this those through to type types under use used using various
    via was way ways well were what when where whether which while who whom whose will with within without
    would activity activities area areas aspect aspects body bodies case cases form forms group groups kind
    level local matter matters new number individual individuals organization organisations organizations
    organised organized process system systems subject topic topics world public national international state
    states action actions practice practices service services term terms information relation relations
    development result results structure provide provided especially usually often typically certain
    """
    )
)
# Labels that news uses in other senses too (a house, a record, a pool, the field ...), read by hand.
EXCLUDED = frozenset(
    _words(
        """adult adults animal animals benefits breaking cable cables casting classic condition conditions customs death
    design designs early energies energy equipment equipments exchange exchanges executive executives field fields
    financial financials flowers head heads history home homes house houses incident incidents independent
    independents intelligence intelligences language languages late metal metals mountains nature natures office
    onlines parents parks performance performances plants pool pools procedure procedures product products
    properties property radio radios recall recalls record records resource resources rock rocks roll music
    safeties safety securities security skeleton skeletons small smalls spirits stress supreme supremes teenagers
    tradition traditions transport transports trend trends values water waters women womens year years festive
    festives forging restoration restorations cooling applications components philosophy philosophies histories
    geography geographies prize prizes achievement achievements ownership ownerships utilities payment payments
    annual annuals opponent's indigenous ceremony ceremonies memorial memorials inquiry inquiries
    hunting fishing climbing collecting exercise exercises puzzle puzzles wellness expo expos recreational
    recreationals rental rentals postal postals timber timbers exchange childrens labors leisures lifestyles
    medias softwares soccers rugbies baseballs basketballs hockeys legals insurances inflations recessions
    aids equity equities track tracks belief beliefs dying inclusion inclusions relationships injuries
    modification modifications drawing accommodation accommodations revolution revolutions polices squash
    squashes jewelries televisions photographies dentistries privacies poverties mankinds diversities peaces
    genocides corruptions sombos kendos judos polos luges padels jukendos kyudos naginatas wushus croquets
    """
    )
) | {"roll music", "football a-side"}
_WORD = re.compile(r"[a-z][a-z'-]*[a-z]")


def top_of(concepts: dict[str, dict], qcode: str) -> str | None:
    """The qcode of the top-level concept above `qcode` (itself when it is one)."""
    seen = set()
    while qcode not in seen:
        seen.add(qcode)
        broader = concepts[qcode].get("broader")
        if not broader:
            return qcode
        parent = "medtop:" + broader[0].rsplit("/", 1)[-1]
        if parent not in concepts:
            return None
        qcode = parent
    return None


def label_phrases(label: str) -> list[str]:
    """`arts, culture and entertainment` -> [`arts`, `culture`, `entertainment`]; short phrases only."""
    label = re.sub(r"\([^)]*\)", " ", label.lower())
    parts = re.split(r",| and | or |/|;| & ", label)
    phrases = []
    for part in parts:
        words = _WORD.findall(part)
        while words and words[0] in STOPWORDS:
            words = words[1:]
        while words and words[-1] in STOPWORDS:
            words = words[:-1]
        if words and len(words) <= MAX_PHRASE_WORDS and not (len(words) == 1 and len(words[0]) < 4):
            phrases.append(" ".join(words))
    return phrases


def plural(word: str) -> str | None:
    """A regular English plural, enough for news text (`policy` -> `policies`)."""
    if word.endswith(("s", "ing", "ism", "ness", "al", "ic", "ed", "ive", "ous", "ful", "ese", "ish")) or " " in word:
        return None
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("ch", "sh", "x", "z")):
        return word + "es"
    return word + "s"


def derive(vocabulary: Path, hand: Lexicon) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """slug -> {term: weight}, and slug -> IPTC qcode, from the vocabulary's active concepts."""
    data = json.loads(vocabulary.read_text(encoding="utf-8"))
    concepts = {c["qcode"]: c for c in data["conceptSet"]}
    qcode_slug = {spec_qcode: slug for slug, spec_qcode in hand.qcodes.items()}
    label_terms: dict[str, Counter[str]] = defaultdict(Counter)
    for qcode, concept in sorted(concepts.items()):
        if concept.get("retired") or not concept.get("broader"):
            continue
        slug = qcode_slug.get(top_of(concepts, qcode) or "")
        if slug is None:
            continue
        for phrase in label_phrases(concept["prefLabel"]["en-US"]):
            label_terms[slug][phrase] += 1
    phrase_topics: dict[str, set[str]] = defaultdict(set)
    for slug, phrases in label_terms.items():
        for phrase in phrases:
            phrase_topics[phrase].add(slug)
    terms: dict[str, dict[str, float]] = defaultdict(dict)
    for slug, phrases in label_terms.items():
        for phrase in phrases:
            if len(phrase_topics[phrase]) == 1 and phrase not in STOPWORDS:
                terms[slug][phrase] = LABEL_WEIGHT
    kept: dict[str, dict[str, float]] = {}
    for slug, slug_terms in terms.items():
        kept[slug] = {}
        for term, weight in sorted(slug_terms.items()):
            for form in filter(None, (term, plural(term))):
                if form not in EXCLUDED and not hand.match(form):  # the hand-written file decides this one
                    kept[slug][form] = weight
    return kept, {slug: q for slug, q in hand.qcodes.items()}


def render(terms: dict[str, dict[str, float]], qcodes: dict[str, str], release: str) -> str:
    """The TOML text, one table per topic, with the attribution the licence asks for."""
    lines = [
        "# Topic terms DERIVED from the IPTC Media Topics vocabulary (release " + release + "),",
        "# © IPTC (International Press Telecommunications Council), licensed CC BY 4.0:",
        "# https://creativecommons.org/licenses/by/4.0/ - vocabulary at https://iptc.org/standards/media-topics/",
        "# Changes: terms cut from the English labels of each top-level topic's narrower concepts (weight 1, with",
        "# regular plurals); ambiguous labels and terms the hand-written topics.toml matches are left out.",
        "# Generated by training/topics/derive_iptc.py - do not edit by hand: edit topics.toml, which is read",
        "# after this file and overrides it (same format).",
        "",
    ]
    for slug in sorted(terms):
        lines.append(f"[{slug}]")
        lines.append(f'qcode = "{qcodes[slug]}"')
        body = ", ".join(f'"{t}"' if w == 1 else f'"{t}={w:g}"' for t, w in sorted(terms[slug].items()))
        lines.append(f"terms = [{body}]")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vocabulary", type=Path, default=VOCABULARY)
    parser.add_argument("--out", type=Path, default=IPTC_TOPICS)
    args = parser.parse_args()
    hand = load_layer(BUNDLED_TOPICS)
    terms, qcodes = derive(args.vocabulary, hand)
    release = json.loads(args.vocabulary.read_text(encoding="utf-8")).get("dateReleased", "unknown")[:10]
    args.out.write_text(render(terms, qcodes, release), encoding="utf-8")
    print(f"{args.out}: " + ", ".join(f"{slug} {len(t)}" for slug, t in sorted(terms.items())))


if __name__ == "__main__":
    main()
