"""The article record: `from_dict` gives back what `to_dict` was given, as retag reads the index."""

from __future__ import annotations

import json
from dataclasses import replace

from archive.article import Article, Entities
from archive.ingest.readers.wire import parse_wire_text
from tests.helpers import SEED


def test_from_dict_round_trips_through_json():
    article = parse_wire_text(SEED.read_text(encoding="utf-8"), str(SEED))
    article = replace(
        article,
        entities=Entities(people=("Tayyip Erdogan",), places=("Sochi",)),
        countries=("TR", "RU"),
        country_mentions={"TR": 3, "RU": 2},
        country_evidence={"TR": ("Turkish", "Ankara")},
        topics=("politics",),
        topic_scores={"politics": 0.8},
        topic_evidence={"politics": ("president",)},
    )
    assert Article.from_dict(json.loads(json.dumps(article.to_dict()))) == article
