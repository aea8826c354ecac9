"""Resolve the places an article names to the countries it is about.

Users filter the archive by country, so every article gets `countries` (what it is about, most
relevant first), `mentions` (every country named, with counts) and `evidence` (the words that
pointed to each country, so a reader can see why). Names come from `gazetteer`, are found in the
text by `mentions`, and are settled here: ambiguous cities by population and by the other places in
the same article (Paris is France unless the story is about Texas), then scored by where they stand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from archive.ingest.enrich.gazetteer import (
    CITY,
    COUNTRY,
    DEMONYM,
    REGION,
    WEAK,
    Candidate,
    Entry,
    load_gazetteer,
    name_key,
)
from archive.ingest.enrich.mentions import Mention, Segment, Spans, dateline_mentions, find_mentions
from archive.ingest.readers.sentences import lead_end

# How much one mention says about what the story is about, by kind of name and by where it stands.
KIND_WEIGHT = {COUNTRY: 1.0, DEMONYM: 0.8, REGION: 0.9, CITY: 0.9, WEAK: 0.4}
HEADLINE_WEIGHT = 2.0
LEAD_WEIGHT = 1.5
BODY_WEIGHT = 1.0
# A country joins `countries` when its score reaches this share of the top score and this floor.
RELATIVE_CUTOFF = 0.25
ABSOLUTE_CUTOFF = 2.5

CONTEXT_BONUS = 1.0  # the candidate's country is named elsewhere in the article (not for small towns)
ADMIN_BONUS = 2.5  # the candidate's state or province is named in the article
MINOR_CITY_PRIOR = 5.0  # towns under 100,000 people need their country named elsewhere in the article
MINOR_CITY_WEIGHT = 0.5  # and weigh less: many share a surname or a company's name ("Morton Thiokol")
COMMON_WORD_CITY_PRIOR = 6.0  # so do towns under a million named like an English word ("Reading", "Split")

# Dissolved states and the states that took their territory: in copy that names the old state
# more than the new one (1987 Reuters: "Soviet ... Moscow"), the new state's evidence folds into it.
SUCCESSORS = {
    "SUHH": ("RU", "UA", "BY", "MD", "EE", "LV", "LT", "GE", "AM", "AZ", "KZ", "UZ", "TM", "KG", "TJ"),
    "YUCS": ("RS", "HR", "SI", "BA", "MK", "ME", "XK"),
    "CSHH": ("CZ", "SK"),
}
EAST_GERMAN_ADMIN1 = {"11", "12", "13", "14", "15"}  # GeoNames admin1 of the former GDR's Länder


@dataclass(frozen=True)
class CountryAssignment:
    """The countries of one article: what it is about, what it mentions, and why."""

    countries: tuple[str, ...]  # what the story is about, most relevant first
    mentions: dict[str, int]  # every country mentioned, with counts
    evidence: dict[str, tuple[str, ...]]  # code -> the words in the text that pointed there (distinct, in order)
    # name key -> how the names read as places were settled: "dateline", "country", "region", "weak",
    # "city", "demonym" or "town" (under 100,000 people); entity typing (entities.merge_entities) uses it
    place_names: dict[str, str] = field(default_factory=dict)
    # (offset in the body, name, reading) of the place mentions no NER span covers
    unmarked_places: tuple[tuple[int, str, str], ...] = ()


def _resolve(mentions: list[Mention]) -> list[Mention]:
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

    def score(c: Candidate) -> float:
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


def _stands_alone(candidate: Candidate, entry: Entry) -> bool:
    """Whether a name may add its country without other support: any name but a small or ambiguous town."""
    if candidate.kind != CITY:
        return True
    if entry.person:
        return False  # "Mary", "George", "Taylor": a person far more often than a town abroad
    return candidate.size >= (COMMON_WORD_CITY_PRIOR if entry.common_word else MINOR_CITY_PRIOR)


def _fold_dissolved(mentions: list[Mention]) -> None:
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
    gaz = load_gazetteer()
    spans = Spans(entities) if entities is not None else None
    people: set[str] = set()
    name_openers: set[str] = set()
    # the body first, so a name it shows in full ("Denys Henderson") is known when the headline has "HENDERSON"
    body_mentions = find_mentions(Segment(body), gaz, "body", BODY_WEIGHT, spans, people, name_openers)
    lead = lead_end(body)
    for m in body_mentions:
        if m.start < lead:
            m.weight *= LEAD_WEIGHT / BODY_WEIGHT
            m.section = "lead"
    mentions = dateline_mentions(dateline_place, gaz) if dateline_place else []
    if headline:
        mentions.extend(find_mentions(Segment(headline), gaz, "headline", HEADLINE_WEIGHT, None, people, name_openers))
    mentions = _resolve(mentions + body_mentions)
    _fold_dissolved(mentions)
    assignment = _rank(mentions)
    if spans is None:
        return assignment
    unmarked = tuple(  # the gazetteer as an entity ruler: places in the body the model did not mark
        (m.start, m.surface, assignment.place_names[name_key(m.surface)])
        for m in mentions
        if m.section in ("body", "lead") and spans.label(m.start, m.start + 1) is None
    )
    return replace(assignment, unmarked_places=unmarked)


def _rank(mentions: list[Mention]) -> CountryAssignment:
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
        place_names=_place_names(mentions),
    )


# The strongest reading of a name wins when it was settled more than once.
_PLACE_READINGS = ("dateline", COUNTRY, REGION, WEAK, CITY, DEMONYM, "town")


def _place_names(mentions: list[Mention]) -> dict[str, str]:
    """Each settled name's key with how it reads: the dateline, its kind, or "town" for a city under 100,000."""
    names: dict[str, str] = {}
    for m in mentions:
        reading = "dateline" if m.section == "dateline" else m.kind
        if m.kind == CITY and reading != "dateline":
            cities = [c for c in m.entry.candidates if c.kind == CITY]
            size = max((c.size for c in cities if c.code == m.code), default=max(c.size for c in cities))
            reading = CITY if size >= MINOR_CITY_PRIOR else "town"
        key = name_key(m.surface)
        if key not in names or _PLACE_READINGS.index(reading) < _PLACE_READINGS.index(names[key]):
            names[key] = reading
    return names
