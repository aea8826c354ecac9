"""The archive as a user installs it (`pip install .`, pipx, uv tool): a wheel in a fresh virtualenv, run from a
folder outside the checkout, indexes the seed with its bundled NER model and serves the pages."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import urllib.request
import zipfile
from pathlib import Path

from tests.helpers import ROOT, SEED, Started

# Nothing of the checkout on the path (PYTHONPATH would hand the installed archive the checkout's copy).
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("ARCHIVE_", "PYTHON"))}


def run(*args: str | Path, cwd: Path) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=CLEAN_ENV, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_a_wheel_installed_in_a_fresh_virtualenv_indexes_and_serves(tmp_path: Path):
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp_path / "dist", ROOT, cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("news_archive-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("archive/web/templates/search.html", "archive/web/templates/sources.html",
                 "archive/web/static/style.css", "archive/web/static/sources.js", "archive/web/static/cite.js",
                 "archive/web/templates/_citation.html", "archive/data/topics.toml",
                 "archive/ner_model/meta.json"):  # fmt: skip
        assert name in names, name
    assert not any(n.startswith(("templates/", "static/", "tests/")) for n in names)

    # A fresh virtualenv that borrows this one's dependencies (a path, not a site dir: its editable
    # install of the checkout is not taken along) and gets the archive from the wheel alone.
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip())
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", wheel, cwd=tmp_path)
    (purelib / "borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")  # after: pip would see ours

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    where = run(python, "-c", "import archive; print(archive.__file__)", cwd=outside)
    assert where.strip().startswith(str(purelib)), where
    script = venv / ("Scripts/archive.exe" if os.name == "nt" else "bin/archive")
    (outside / "news").mkdir()
    (outside / "news" / SEED.name).write_bytes(SEED.read_bytes())
    summary = run(script, "index", "news", "--index", "arch", cwd=outside)
    assert "1 indexed" in summary and "0 failed" in summary, summary

    served = Started(["serve", "--index", "arch", "--port", "0"], cwd=outside, env=CLEAN_ENV, exe=[str(script)])
    try:
        with urllib.request.urlopen(served.url + "/search?q=Erdogan", timeout=20) as answer:
            page = answer.read().decode()
        assert answer.status == 200 and 'class="hit"' in page and "Erdogan" in page
        assert "<title>Erdogan – Search – arch</title>" in page  # named after its folder
        with urllib.request.urlopen(served.url + "/static/style.css", timeout=20) as answer:
            assert answer.status == 200 and b".masthead" in answer.read()
        with urllib.request.urlopen(served.url + "/sources", timeout=20) as answer:
            assert answer.status == 200
    finally:
        assert served.stop() == 0, served.text()
    assert "TemplateNotFound" not in served.text() and "Traceback" not in served.text()
