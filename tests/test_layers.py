"""The layers import one way: cli/web -> search -> store <- ingest, all over a few shared leaf modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

PACKAGE = ROOT / "archive"
LEAVES = {"archive.article", "archive.errors", "archive.config", "archive.facets", "archive.display", "archive.names"}
# What each layer may import from the archive besides the leaves (and itself).
ALLOWED = {
    "leaf": set(),
    "store": set(),
    "search": {"store"},
    "ingest": {"store"},
    "web": {"search", "store"},
    "cli": {"search", "store", "ingest", "web"},
}


def layer(module: str) -> str:
    if module in LEAVES or module == "archive":
        return "leaf"
    part = module.split(".")[1]
    return {"cli": "cli", "__main__": "cli", "desktop": "cli"}.get(part, part)  # the desktop app is a front end


def imports(path: Path) -> set[str]:
    """Every archive module this file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("archive"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("archive")}
    return found


def test_no_module_imports_against_the_layers():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        own = layer(module)
        for target in imports(path):
            theirs = layer(target)
            if theirs not in {own, "leaf"} and theirs not in ALLOWED[own]:
                wrong.append(f"{module} ({own}) imports {target} ({theirs})")
    assert not wrong, "\n".join(wrong)


def test_the_web_process_never_imports_spacy_or_ingest(corpus_index: Path):
    script = (
        "import sys\n"
        "from archive.web import create_app\n"
        f"client = create_app({{'INDEX_DIR': {str(corpus_index)!r}}}).test_client()\n"
        "for url in ['/search?q=oil&country=US', '/api/search?q=oil', '/api/export?format=csv', '/saved',\n"
        "            '/', '/sources', '/api/sources']:\n"
        "    assert client.get(url).status_code == 200, url\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'spacy' or m.startswith('archive.ingest')))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
