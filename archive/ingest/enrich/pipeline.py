"""Enrichment: named entities, countries and topics added to parsed articles.

The only layer that runs spaCy. It works on batches so `nlp.pipe` can keep the
CPU busy, and returns new frozen articles rather than changing any.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from spacy.language import Language

from archive.article import Article
from archive.ingest.enrich.entities import merge_entities
from archive.ingest.enrich.nlp import entity_spans, load_pipeline
from archive.ingest.enrich.resolve import assign_countries
from archive.ingest.enrich.topics import assign_topics, load_lexicon

# Bump when enrichment changes what it writes, so re-indexing refreshes every article.
ENRICHMENT_VERSION = "3"  # 3: topics weigh the first sentence as the lead (was the first paragraph)


class Enricher:
    """Holds the loaded pipeline and topic terms for a run."""

    def __init__(self, spacy_model: str | None = None, topics_file: Path | None = None) -> None:
        """`topics_file` (`Settings.topics_file`) lays a user's terms over the bundled ones when it exists."""
        self.nlp: Language = load_pipeline(spacy_model)
        self.lexicon = load_lexicon(topics_file)

    def enrich(self, articles: Sequence[Article]) -> list[Article]:
        """The same articles with entities, countries and topics filled in."""
        spans_per_article = entity_spans(self.nlp, (ner_text(a) for a in articles))
        return [self._enrich_one(article, spans) for article, spans in zip(articles, spans_per_article, strict=True)]

    def _enrich_one(self, article: Article, spans: list[tuple[int, int, str]]) -> Article:
        countries = assign_countries(
            headline="" if article.headline_derived else article.headline,
            body=article.body,
            dateline_place=article.dateline.place,
            entities=spans,
        )
        topics = assign_topics("" if article.headline_derived else article.headline, article.body, self.lexicon)
        return replace(
            article,
            entities=merge_entities(spans, article.body),
            countries=countries.countries,
            country_mentions=countries.mentions,
            country_evidence=countries.evidence,
            topics=topics.topics,
            topic_scores=topics.scores,
            topic_evidence=topics.evidence,
        )


def ner_text(article: Article) -> str:
    """The body with subheads blanked out (same length, so offsets still index the body).

    All-caps headings read to a model like acronyms and names; they are not sentences.
    """
    if not article.subheads:
        return article.body
    subheads = set(article.subheads)
    return "\n\n".join(" " * len(p) if p in subheads else p for p in article.body.split("\n\n"))
