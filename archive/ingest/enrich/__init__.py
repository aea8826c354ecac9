"""Enrichment: entities, countries and topics added to parsed articles.

pipeline   `Enricher`: runs NER in batches and fills every field below; ENRICHMENT_VERSION
nlp        the spaCy pipeline (bundled or `ARCHIVE_SPACY_MODEL`) and its entity spans
spans      NER spans made into names: wire markup and tickers, stray brackets, hyphens, possessives
entities   one name, one type, per article (`Erdogan` = `Tayyip Erdogan`; mentions vote; known places)
aliases    the names a text defines, "Long Name (ACRONYM)" -> the article's `aliases`
gazetteer  every place name the country resolver knows, with the countries it may mean
mentions   the gazetteer's names found in a text where they read as places, not people or words
resolve    mentions settled to ISO 3166 codes and ranked by what the story is about (`assign_countries`)
topics     IPTC Media Topics top level from weighted, user-editable terms

Only `pipeline` and `nlp` import spaCy; the others work on text and spans alone.
"""
