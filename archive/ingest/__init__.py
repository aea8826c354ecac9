"""Ingest: files in, enriched articles written to the index, in one direction.

readers   files to parsed `Article`s (formats, decoding, markup, wire furniture, bylines, dates)
enrich    named entities, countries and topics added to parsed articles (the only spaCy user)
grouping  exact copies and versions of one story (fingerprints, MinHash bands in bands.sqlite)
indexer   one incremental run: read, skip the unchanged, group, enrich, write in batches
watch     poll folders and hand what changed to the indexer
retag     recompute stored articles' topics after the topic terms were edited (no re-read, no NER)

Nothing here is imported by the web process; the packages' `__init__` modules import nothing,
so naming a module never loads spaCy, bs4 or feedparser before it is needed.
"""
