"""Enrichment: named entities, countries and topics added to parsed articles.

The only layer that runs spaCy. It works on batches so `nlp.pipe` can keep the
CPU busy, and returns new frozen articles rather than changing any.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from archive.article import Article
from archive.ingest.enrich.aliases import defined_aliases
from archive.ingest.enrich.entities import LABEL_OF_KIND, merge_entities
from archive.ingest.enrich.resolve import assign_countries
from archive.ingest.enrich.spans import decode_spans
from archive.ingest.enrich.topics import assign_topics, load_lexicon

if TYPE_CHECKING:  # spaCy is imported only when an article needs NER
    from spacy.language import Language

# Bump when enrichment changes what it writes, so re-indexing refreshes every article.
# 3: topics weigh the first sentence as the lead (was the first paragraph)
# 4: entity spans decoded (markup, brackets, hyphens), one type per name per article, `aliases`
ENRICHMENT_VERSION = "4"


class Enricher:
    """Holds the loaded pipeline and topic terms for a run."""

    def __init__(self, spacy_model: str | None = None, topics_file: Path | None = None) -> None:
        """`topics_file` (`Settings.topics_file`) lays a user's terms over the bundled ones when it exists."""
        self.spacy_model = spacy_model
        self.lexicon = load_lexicon(topics_file)

    @cached_property
    def nlp(self) -> Language:
        """Loaded when an article needs NER (an import of the archive's own export never does)."""
        from archive.ingest.enrich.nlp import load_pipeline

        return load_pipeline(self.spacy_model)

    def enrich(self, articles: Sequence[Article]) -> list[Article]:
        """The same articles with entities, countries and topics filled in.

        Articles that arrive with entities (an archive's own export) keep them and skip NER; their
        countries and topics are worked out when they have none.
        """
        recognise = [a for a in articles if not recognised(a)]
        found: Iterator[list[tuple[int, int, str]]] = iter([])
        if recognise:
            from archive.ingest.enrich.nlp import entity_spans

            found = iter(entity_spans(self.nlp, (ner_text(a) for a in recognise)))
        return [self._enrich_one(a, next(found)) if not recognised(a) else self._complete(a) for a in articles]

    def _complete(self, article: Article) -> Article:
        """An imported article: its own entities, and countries and topics where it has none."""
        if article.countries and article.topics:
            return article if article.aliases else replace(article, aliases=defined_aliases(article.body))
        enriched = self._enrich_one(article, name_spans(article))
        return replace(
            article,
            **({} if article.countries else _fields(enriched, "countries", "country_mentions", "country_evidence")),
            **({} if article.topics else _fields(enriched, "topics", "topic_scores", "topic_evidence")),
            **({} if article.aliases else _fields(enriched, "aliases")),
        )

    def _enrich_one(self, article: Article, spans: list[tuple[int, int, str]]) -> Article:
        spans = decode_spans(article.body, spans)
        aliases = defined_aliases(article.body)
        countries = assign_countries(
            headline="" if article.headline_derived else article.headline,
            body=article.body,
            dateline_place=article.dateline.place,
            entities=spans,
        )
        topics = assign_topics("" if article.headline_derived else article.headline, article.body, self.lexicon)
        return replace(
            article,
            entities=merge_entities(
                spans,
                article.body,
                place_names=countries.place_names,
                unmarked_places=countries.unmarked_places,
                aliases=aliases,
            ),
            aliases=aliases,
            entities_recognised=True,
            countries=countries.countries,
            country_mentions=countries.mentions,
            country_evidence=countries.evidence,
            topics=topics.topics,
            topic_scores=topics.scores,
            topic_evidence=topics.evidence,
        )


def recognised(article: Article) -> bool:
    """NER has run on the article already, or it came with entities of its own."""
    ents = article.entities
    named = ents.people or ents.organizations or ents.places or ents.groups or ents.events
    return article.entities_recognised or bool(named)


def name_spans(article: Article) -> list[tuple[int, int, str]]:
    """Where an imported article's entity names occur in its body, as NER spans would say."""
    spans = []
    for kind, label in LABEL_OF_KIND.items():
        for name in getattr(article.entities, kind):
            start = article.body.find(name)
            while start >= 0 and name:
                spans.append((start, start + len(name), label))
                start = article.body.find(name, start + len(name))
    return sorted(spans)


def _fields(article: Article, *names: str) -> dict[str, object]:
    return {name: getattr(article, name) for name in names}


def ner_text(article: Article) -> str:
    """The body with subheads blanked out (same length, so offsets still index the body).

    All-caps headings read to a model like acronyms and names; they are not sentences.
    """
    if not article.subheads:
        return article.body
    subheads = set(article.subheads)
    return "\n\n".join(" " * len(p) if p in subheads else p for p in article.body.split("\n\n"))
