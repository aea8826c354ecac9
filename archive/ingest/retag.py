"""Re-tagging: recompute every stored article's topics after the topic terms were edited.

It also finds the abbreviations each text defines (archive.ingest.enrich.aliases) where an article
indexed before they were read has none, so the archive-wide aliases cover older articles too.

Topics come from words alone, so there is no need to re-read the sources or run NER: each article
is rebuilt from the JSON the index keeps, given new topics, and written back with every other field
(entities, countries, file, content hash, when it was indexed) as it was.
"""

from __future__ import annotations

import json
from dataclasses import replace

from archive.article import Article
from archive.config import Settings
from archive.ingest.enrich.aliases import defined_aliases
from archive.ingest.enrich.topics import assign_topics, load_lexicon
from archive.ingest.grouping import article_fingerprint
from archive.ingest.indexer import WRITER_WAIT
from archive.store import ArchiveWriter, article_document, open_index


def retag(settings: Settings) -> int:
    """Recompute topics for every article in the index; returns how many were rewritten.

    The terms are those `archive index` uses (`settings.topics_file` over the bundled ones),
    so a re-tag gives what a fresh index would.
    """
    lexicon = load_lexicon(settings.topics_file)
    open_index(settings.index_dir)  # an archive that is not there is an error, not a new empty one
    ix = open_index(settings.index_dir, create=True)  # with the fields the schema gained (aliases)
    with ix.searcher() as searcher:
        stored = list(searcher.all_stored_fields())
    rewritten = 0
    with ArchiveWriter(ix, settings.index_dir, timeout=WRITER_WAIT) as writer:
        for fields in stored:
            if fields.get("copy_of"):
                continue  # an exact copy has no topics of its own: it shows its original's
            article = Article.from_dict(json.loads(fields["data"]))
            topics = assign_topics("" if article.headline_derived else article.headline, article.body, lexicon)
            article = replace(article, topics=topics.topics, topic_scores=topics.scores, topic_evidence=topics.evidence)
            article = article if article.aliases else replace(article, aliases=defined_aliases(article.body))
            group, exact = fields.get("group") or article.id, article_fingerprint(article).exact
            document = article_document(article, fields["content_hash"], fields["file"], group=group, exact=exact)
            if fields.get("indexed") is not None:
                document["indexed"] = fields["indexed"]
            writer.update_document(**document)
            rewritten += 1
    return rewritten
