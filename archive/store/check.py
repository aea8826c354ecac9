"""`archive check`: does the index open, does every segment read, and do the columns say what the index says?

`archive rebuild` (`rebuild_index`) is the way back: a new index from the stored articles that still
read, the damaged folder kept beside it.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC
from whoosh.reading import SegmentReader

from archive.errors import IndexDamaged
from archive.store.columns import SegmentColumns, Terms, rows_from_postings, segment_path
from archive.store.damage import describe
from archive.store.index import open_index
from archive.store.postings import arrays_disagree

# A damaged file can make Whoosh raise nearly anything (even a bare Exception("Block tag error")):
# while reading an index through on purpose, every error is a finding.
READ_ERRORS = (Exception,)


def read_toc(index_dir: Path) -> TOC:
    storage = FileStorage(str(index_dir))
    return TOC.read(storage, "MAIN")


def _segment_problems(index_dir: Path, toc: TOC) -> list[str]:
    """Each segment read through: every live document's stored fields, every term's postings, the posting
    arrays beside them."""
    storage = FileStorage(str(index_dir))
    problems = []
    for segment in toc.segments:
        name = segment.segment_id()
        try:
            reader = SegmentReader(storage, toc.schema, segment)
        except READ_ERRORS as exc:
            problems.append(f"segment {name}: does not open ({describe(exc)})")
            continue
        try:
            bad = 0
            for docnum in range(segment.doc_count_all()):
                if segment.is_deleted(docnum):
                    continue
                try:
                    json.loads(reader.stored_fields(docnum)["data"])
                except READ_ERRORS:
                    bad += 1
            if bad:
                problems.append(f"segment {name}: {bad} of {segment.doc_count()} stored articles do not read")
            try:
                for fieldname, text in reader.all_terms():
                    if reader.schema[fieldname].format is not None:
                        list(reader.postings(fieldname, text).all_ids())
            except READ_ERRORS as exc:
                problems.append(f"segment {name}: its terms or postings do not read ({describe(exc)})")
            try:
                if wrong := arrays_disagree(reader):
                    problems.append(f"segment {name}: {wrong} terms' posting arrays disagree with its postings")
            except READ_ERRORS as exc:
                problems.append(f"segment {name}: its posting arrays do not read ({describe(exc)})")
        finally:
            with contextlib.suppress(*READ_ERRORS):
                reader.close()
    return problems


def check_index(index_dir: Path) -> list[str]:
    """Problems found, one line each (empty when the index is sound): the table of contents and every
    segment read through (stored articles, terms, postings), then every live document's facet
    values, month, date, story and copy flag in the columns compared with its postings and stored
    fields, segment by segment."""
    index_dir = Path(index_dir)
    try:
        ix = open_index(index_dir)
    except IndexDamaged as exc:
        return [exc.detail]
    except READ_ERRORS as exc:
        return [f"the table of contents does not read ({describe(exc)})"]
    problems = _segment_problems(index_dir, read_toc(index_dir))
    if problems:
        return problems  # the column comparison reads the same damaged files
    terms = Terms(index_dir)
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
