"""Settings read from the environment (`ARCHIVE_*`) when asked for, never at import."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_FILE_MB = 50


@dataclass(frozen=True)
class Settings:
    """Where the index lives and how ingest behaves."""

    index_dir: Path
    spacy_model: str | None
    max_file_bytes: int

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from `ARCHIVE_INDEX`, `ARCHIVE_SPACY_MODEL`, `ARCHIVE_MAX_FILE_MB`, then overrides."""
        env = os.environ
        values: dict[str, object] = {
            "index_dir": Path(env.get("ARCHIVE_INDEX") or "index"),
            "spacy_model": env.get("ARCHIVE_SPACY_MODEL") or None,
            "max_file_bytes": int(float(env.get("ARCHIVE_MAX_FILE_MB") or DEFAULT_MAX_FILE_MB) * 1024 * 1024),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        values["index_dir"] = Path(values["index_dir"])  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]
