"""Reading files into articles: readers -> parsers -> enrichment."""
