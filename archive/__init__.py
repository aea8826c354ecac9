"""A searchable news archive: ingest articles, enrich them, index them with Whoosh, serve them."""
