"""The index's own trouble, as the one-line errors the CLI (and the indexer) report.

Whoosh and the columns meet a damaged file in many ways (a truncated pickle, a short struct, a read
past the end, zlib); a full disk or an unwritable folder is an OSError; a writer that never lets go a
LockError. `index_errors(index_dir)` turns each into an ArchiveError naming the index folder.
"""

from __future__ import annotations

import errno
import pickle
import sqlite3
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import whoosh
from whoosh.index import IndexError as WhooshIndexError
from whoosh.index import LockError

from archive.errors import IndexBusy, IndexDamaged, IndexWriteFailed

WHOOSH_CODE = Path(whoosh.__file__).resolve().parent
DISK_FULL = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})
# What reading a damaged segment or table of contents raises.
DAMAGE: tuple[type[BaseException], ...] = (
    WhooshIndexError,
    EOFError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
)


def _raised_in_whoosh(exc: BaseException) -> bool:
    """Whether the exception was raised inside Whoosh's code (its innermost frame), not the archive's."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and Path(tb.tb_frame.f_code.co_filename).resolve().is_relative_to(WHOOSH_CODE)


def describe(exc: BaseException, limit: int = 200) -> str:
    """`TypeError: message`, the message's first line cut to `limit` characters."""
    text = (str(exc).strip().splitlines() or [""])[0]
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@contextmanager
def index_errors(index_dir: Path, *, writing: bool = True, lock_wait: float = 0.0) -> Iterator[None]:
    """The index's own trouble as one line naming it: a full disk (or a file-size limit), a folder it
    cannot write, a damaged index, a writer that never let go. What was committed before stays.

    `writing` is for code that only writes (a batch going in): there a missing file is a write failure
    and a UnicodeError the text's own, not damage; elsewhere the index was being read too."""
    try:
        yield
    except LockError as exc:
        raise IndexBusy(f"waited {lock_wait:.0f} s for its write lock", subject=str(index_dir)) from exc
    except DAMAGE as exc:
        raise IndexDamaged(describe(exc), subject=str(index_dir)) from exc
    except OSError as exc:
        if exc.errno in DISK_FULL:
            detail = f"{exc.strerror or 'no space left'}: the disk is full or a file-size limit was reached"
        else:
            detail = f"{exc.strerror or describe(exc)}" + (f": {exc.filename}" if exc.filename else "")
        if not writing and exc.errno == errno.ENOENT:  # a segment file the table of contents names is gone
            raise IndexDamaged(f"a file is missing: {detail}", subject=str(index_dir)) from exc
        raise IndexWriteFailed(detail, subject=str(index_dir)) from exc
    except sqlite3.OperationalError as exc:  # bands.sqlite, terms.sqlite: "database or disk is full"
        raise IndexWriteFailed(f"sqlite: {exc}", subject=str(index_dir)) from exc
    except sqlite3.DatabaseError as exc:  # "file is not a database"
        raise IndexDamaged(f"sqlite: {exc}", subject=str(index_dir)) from exc
    except UnicodeError as exc:
        if writing:  # text being written: not the index's fault
            raise
        raise IndexDamaged(describe(exc), subject=str(index_dir)) from exc  # stored text that is garbage
    except ValueError as exc:
        if writing:
            raise
        # A truncated stored-fields file unpacks to nonsense ("bad typecode", "buffer size must be...").
        # A query's own ValueErrors are BadQuery long before this.
        raise IndexDamaged(describe(exc), subject=str(index_dir)) from exc
    except Exception as exc:
        # Whoosh's own "Block tag error"; and, reading, whatever Whoosh's decoders raise on the bytes a damaged
        # file holds (offsets "too large to convert to C unsigned long", "'float' object cannot be interpreted
        # as an integer": it depends on what was stored where the file was cut).
        if type(exc) is not Exception and (writing or not _raised_in_whoosh(exc)):
            raise
        raise IndexDamaged(describe(exc), subject=str(index_dir)) from exc  # whoosh: "Block tag error"
