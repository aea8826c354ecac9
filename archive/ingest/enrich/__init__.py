"""Enrichment: entities, countries and topics added to parsed articles.

pipeline   `Enricher`: runs NER in batches and fills every field below; ENRICHMENT_VERSION
nlp        the spaCy pipeline (bundled or `ARCHIVE_SPACY_MODEL`) and its entity spans
entities   mentions merged per article (`Erdogan` = `Tayyip Erdogan`, titles stripped)
gazetteer  every place name the country resolver knows, with the countries it may mean
mentions   the gazetteer's names found in a text where they read as places, not people or words
resolve    mentions settled to ISO 3166 codes and ranked by what the story is about (`assign_countries`)
topics     IPTC Media Topics top level from weighted, user-editable terms

Only `pipeline` and `nlp` import spaCy; the others work on text and spans alone.
"""
