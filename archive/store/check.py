"""`archive check`: does the index open, and do the columns say what the index says?"""

from __future__ import annotations

from pathlib import Path

from archive.store.columns import SegmentColumns, Terms, rows_from_postings, segment_path
from archive.store.index import open_index


def check_index(index_dir: Path) -> list[str]:
    """Problems found, one line each (empty when the index is sound): every live document's facet
    values, month, date, story and copy flag in the columns are compared with its postings and
    stored fields, segment by segment."""
    index_dir = Path(index_dir)
    ix = open_index(index_dir)
    terms = Terms(index_dir)
    problems = []
    try:
        reader = ix.reader()
        leaves = [leaf for leaf, _ in reader.leaf_readers()] if reader.doc_count_all() else []
        for leaf in leaves:
            segment = leaf.segment()
            name = segment.segment_id()
            try:
                columns = SegmentColumns.load(segment_path(index_dir, name))
            except (OSError, ValueError) as exc:
                problems.append(f"segment {name}: no readable column file ({exc})")
                continue
            if columns.size != segment.doc_count_all():
                problems.append(f"segment {name}: {columns.size} column rows for {segment.doc_count_all()} documents")
                continue
            for docnum, truth in enumerate(rows_from_postings(leaf)):
                if not segment.is_deleted(docnum) and columns.row(docnum, terms) != truth:
                    stored_id = leaf.stored_fields(docnum).get("id")
                    problems.append(f"segment {name}: columns of article {stored_id} disagree with the index")
        reader.close()
    finally:
        terms.close()
    return problems
