"""`archive install-launcher`: something to double-click that runs `archive app` on one archive.

- Linux: a desktop entry in `~/.local/share/applications` (the applications menu), run in a terminal
  window, so closing that window stops the archive cleanly;
- macOS: a `.command` file on the Desktop, which Finder opens in Terminal;
- Windows: a `.bat` file on the Desktop, which opens a console window (a `.lnk` shortcut needs COM, so none).

Each runs this same Python (`sys.executable -m archive app --index …`), so it works from a virtualenv,
pipx or uv tool install alike.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from archive.names import printable


def system() -> str:
    if os.name == "nt":
        return "windows"
    return "macos" if sys.platform == "darwin" else "linux"


def desktop_folder() -> Path:
    """The user's Desktop (OneDrive's on Windows when that is where it went), else the home folder."""
    home = Path.home()
    for candidate in (home / "Desktop", home / "OneDrive" / "Desktop"):
        if candidate.is_dir():
            return candidate
    return home


def default_folder(kind: str) -> Path:
    if kind == "linux":
        data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(data) / "applications"
    return desktop_folder()


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "archive"


def command(index_dir: Path) -> list[str]:
    return [sys.executable, "-m", "archive", "app", "--index", str(index_dir)]


def _desktop_quote(arg: str) -> str:
    """An Exec argument as the desktop entry specification writes it: quoted, with `"`, `` ` ``, `$` and `\\`
    escaped by a backslash, and then every backslash doubled (the value's own string escaping)."""
    if re.fullmatch(r"[A-Za-z0-9_./:=-]+", arg):
        return arg
    quoted = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
    return quoted.replace("\\", "\\\\")


def _sh_quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


def _bat_quote(arg: str) -> str:
    return '"' + arg.replace('"', '""').replace("%", "%%") + '"'


def launcher_text(kind: str, name: str, index_dir: Path) -> tuple[str, str]:
    """The launcher's file name and contents for a system."""
    args = command(index_dir)
    if kind == "linux":
        exec_line = " ".join(_desktop_quote(a) for a in args).replace("%", "%%")
        text = (
            "[Desktop Entry]\n"
            "Type=Application\n"
            f"Name={name}\n"
            f"Comment=Search the news archive in {printable(str(index_dir))}\n"
            f"Exec={exec_line}\n"
            "Terminal=true\n"
            "Categories=Office;Utility;\n"
        )
        return f"news-archive-{slug(name)}.desktop", text
    if kind == "macos":
        text = "#!/bin/sh\n# Double-click to open the archive; close this window (or press Ctrl-C) to stop it.\n"
        return f"{name}.command", text + "exec " + " ".join(_sh_quote(a) for a in args) + "\n"
    text = "@echo off\r\nrem Double-click to open the archive; close this window (or press Ctrl-C) to stop it.\r\n"
    return f"{name}.bat", text + " ".join(_bat_quote(a) for a in args) + "\r\n"


def install_launcher(index_dir: Path, name: str, folder: Path | None = None, kind: str | None = None) -> Path:
    """Write the launcher for this system (or `kind`) into `folder` (or the usual place); its path."""
    kind = kind or system()
    file_name, text = launcher_text(kind, name, index_dir.resolve())
    target_dir = folder or default_folder(kind)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / re.sub(r'[<>:"/\\|?*\x00-\x1f]', "-", file_name)
    target.write_text(text, encoding="utf-8", newline="")
    if kind != "windows":
        target.chmod(0o755)  # a .command must be executable; desktop entries are marked trusted this way too
    return target
