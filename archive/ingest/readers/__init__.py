"""Readers: one file's bytes to parsed articles, before any enrichment.

formats    the one format registry: suffix -> reader, file discovery, `read_file` and its errors
decode     bytes to text: BOM, UTF-8, declared charset, detection, mojibake repair
wire       plain-text wire copy: headline, byline, dateline, credits, subheads, sign-off
reuters    Reuters-21578 SGML, many stories per file
html       one news web page: metadata from JSON-LD, OpenGraph, <meta>, microdata, the byline
html_body  the article text of a web page, without navigation, ads and related boxes
warc       web archives: each captured HTML page through `html`
feeds      RSS and Atom entries
jsonl      JSON Lines exports, one article per line
bylines    the one author-name cleaner every format uses (agencies, job titles, outlets, places dropped)
dates      the dates pages print, to ISO 8601, and the one month-name table
sentences  the one sentence splitter, and the lead (a story's first sentence) countries and topics weigh
"""
