"""Enrichment: entities, countries and topics added to parsed articles.

pipeline   `Enricher`: runs NER in batches and fills every field below; ENRICHMENT_VERSION
nlp        the spaCy pipeline (bundled or `ARCHIVE_SPACY_MODEL`) and its entity spans
entities   mentions merged per article (`Erdogan` = `Tayyip Erdogan`, titles stripped)
countries  places, demonyms and datelines to the ISO 3166 codes a story is about
topics     IPTC Media Topics top level from weighted, user-editable terms

Only `pipeline` and `nlp` import spaCy; the others work on text and spans alone.
"""
