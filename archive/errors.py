"""Errors the archive reports to its user; each docstring is the message.

The CLI and the web app turn these into one clean line (or a JSON error) that
names the file or parameter, instead of a traceback.
"""

from __future__ import annotations

from archive.names import printable


class ArchiveError(Exception):
    """The archive could not do that."""

    skipped = False  # True for input left out by policy (too large, no text), not broken input
    status = 400  # what the web app answers when a request meets this error

    def __init__(self, detail: str = "", *, subject: str | None = None) -> None:
        self.detail = detail
        self.subject = subject
        super().__init__(self.message)

    @property
    def reason(self) -> str:
        """`docstring (detail)`: what is wrong, without what it is wrong with."""
        text = (self.__doc__ or "").strip().splitlines()[0]
        return printable(f"{text} ({self.detail})" if self.detail else text)

    @property
    def message(self) -> str:
        """`subject: docstring (detail)` — one line a user can act on (control characters and the bytes
        of names that are not UTF-8 escaped, so a newline in a file name cannot break it)."""
        return f"{printable(self.subject)}: {self.reason}" if self.subject else self.reason


class UnreadableFile(ArchiveError):
    """cannot read this file"""


class UnsupportedFormat(ArchiveError):
    """not a format the archive reads"""

    skipped = True


class FileTooLarge(ArchiveError):
    """file is larger than the size limit"""

    skipped = True


class NotRegularFile(ArchiveError):
    """not a regular file: left out"""

    skipped = True


class BinaryFile(ArchiveError):
    """looks like binary data, not text"""


class NoArticleText(ArchiveError):
    """no article text found"""

    skipped = True


class OcrUnavailable(ArchiveError):
    """needs OCR, but Tesseract cannot run"""


class ModelNotLoaded(ArchiveError):
    """the spaCy pipeline could not be loaded"""


class BadQuery(ArchiveError):
    """cannot search for this"""

    def __init__(self, detail: str = "", *, subject: str | None = None) -> None:
        super().__init__(detail, subject=subject or "search box (q)")  # the box a reader typed in, the API's name


class BadParameter(ArchiveError):
    """invalid parameter"""


class EntitiesFileBroken(ArchiveError):
    """cannot read the entity corrections; the archive shows the names as found until the file is mended"""


class SavedSearchesFull(ArchiveError):
    """there are as many saved searches as the archive keeps; delete one to save another"""

    status = 409


class StorageFull(ArchiveError):
    """could not write the file: the disk is full"""

    status = 507


class WriteFailed(ArchiveError):
    """could not write the file"""

    status = 500


class IndexMissing(ArchiveError):
    """no archive index here yet; run `archive index PATH` first"""

    status = 503


class IndexWriteFailed(ArchiveError):
    """could not write to the index; every batch committed before is kept"""

    status = 503


class IndexBusy(ArchiveError):
    """another writer holds the index; try again when it has finished"""

    status = 503


class IndexDamaged(ArchiveError):
    """the index is damaged; `archive check` says what is wrong, `archive rebuild` makes it whole again"""

    status = 500


class NotFound(ArchiveError):
    """no such thing in this archive"""

    status = 404
