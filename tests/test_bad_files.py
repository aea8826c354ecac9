"""About 200 broken or odd files of every kind the readers take, among 50 good ones, through the real CLI.

All 50 good articles are found afterwards, every bad file gets exactly one line naming it, the run
exits 1 (some files failed) without a traceback, and its memory stays bounded.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import resource
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from archive.names import printable
from archive.search import SearchRequest, search
from archive.store import open_index
from tests.helpers import ROOT, article_page, warc_bytes
from tests.makers import docx_bytes, email_bytes, mbox_bytes, odt_bytes, pdf_bytes, press_release_blocks

MAX_RSS_MB = 1500  # the enrichment pipeline alone is about 250 MB; a 1 MB body in one piece peaked at 1.6 GB
PROSE = (
    "The harbour board met on Monday and agreed that the {w} pier would be rebuilt before the winter storms. "
    "Engineers said the work would take four months and cost less than the council had feared."
)


def code_word(i: int) -> str:
    """A word found in good file `i` only: letters, so every analyzer keeps it whole."""
    return "zebu" + "".join(chr(ord("a") + int(d)) for d in f"{i:03d}")


def rss(entries: str) -> str:
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Gazette</title>{entries}</channel></rss>'


def rss_item(i: int, word: str) -> str:
    return f"<item><title>Pier {word}</title><guid>g{i}</guid><description>{PROSE.format(w=word)}</description></item>"


def sgm_story(i: int, word: str, *, closed: bool = True) -> str:
    story = (
        f'<REUTERS NEWID="{i}"><DATE>26-FEB-1987 15:01:01.79</DATE><TEXT><TITLE>PIER {word.upper()}</TITLE>'
        f"<BODY>{PROSE.format(w=word)}</BODY></TEXT>"
    )
    return story + ("</REUTERS>\n" if closed else "")


def good_files(folder: Path) -> dict[str, str]:
    """50 good files, ten of each of five formats: name -> its code word."""
    made = {}
    for i in range(50):
        word, kind = code_word(i), i % 5
        if kind == 0:
            name, data = f"good{i}.txt", f"Pier {word}\n\n{PROSE.format(w=word)}\n"
        elif kind == 1:
            name, data = f"good{i}.html", article_page(word)
        elif kind == 2:
            record = {"id": i, "headline": f"Pier {word}", "body": PROSE.format(w=word)}
            name, data = f"good{i}.jsonl", json.dumps(record) + "\n"
        elif kind == 3:
            name, data = f"good{i}.rss", rss(rss_item(i, word))
        else:
            name, data = f"good{i}.sgm", sgm_story(i, word)
        (folder / name).write_text(data)
        made[name] = word
    return made


def bad_warc_record() -> bytes:
    good = warc_bytes([("response", "http://x.example/", article_page("zzz").encode(), "text/html", "200 OK")])
    return b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999999\r\n\r\n<html>" + good[:50]


def bad_files(folder: Path) -> list[Path]:
    """Every kind of broken or odd file the readers meet; each should give one line."""
    rng = random.Random(12)
    junk = bytes(rng.randrange(256) for _ in range(4000)) + b"\x00"
    page = article_page("zzzz").encode()
    feed = rss(rss_item(1, "zzzz")).encode()
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
        + ']><rss version="2.0"><channel><item><title>&lol9;</title><description>&lol9;</description></item>'
        "</channel></rss>"
    ).encode()
    warc = warc_bytes([("response", "http://x.example/a", page, "text/html", "200 OK")])
    made: dict[str, bytes] = {}
    for n in range(5):  # each kind a few times over, with a different cut or byte pattern
        cut = 0.3 + 0.15 * n
        made |= {
            # truncated
            f"cut{n}.warc": warc[: int(len(warc) * cut)],
            f"cut{n}.warc.gz": gzip.compress(warc)[: int(len(gzip.compress(warc)) * cut)],
            f"cut{n}.txt.gz": gzip.compress(PROSE.encode() * 20)[:40],
            f"cut{n}.rss": feed[: int(len(feed) * (0.2 + 0.05 * n))],
            f"cut{n}.sgm": sgm_story(1, "zzzz", closed=False).encode(),
            f"cut{n}.jsonl": b'{"id": 1, "body": "The harbour board met on Mon',
            f"cut{n}.html.gz": gzip.compress(page)[:30],
            # binary, under every suffix
            **{f"binary{n}{suffix}": junk[n:] for suffix in (".txt", ".html", ".sgm", ".jsonl", ".rss", ".warc")},
            f"binary{n}.atom": junk[n:],
            # empty, under every suffix
            **{f"empty{n}{suffix}": b"" for suffix in (".txt", ".html", ".sgm", ".jsonl", ".rss", ".atom", ".warc")},
            f"empty{n}.xml": b"",
            f"empty{n}.rss.gz": gzip.compress(b""),
            f"blank{n}.txt": b"\n \n\t\n" * (n + 1),
            # a huge single line that is not what its suffix says
            f"oneline{n}.jsonl": b'{"body": "' + b"x" * 1_500_000,
            # deep nesting
            f"deep{n}.jsonl": b"[" * 200_000 + b"]" * 200_000 + b"\n",
            f"deep{n}.html": b"<html><body>" + b"<div>" * 20_000 + b"</div>" * 20_000 + b"</body></html>",
            f"deep{n}.rss": rss("<item>" + "<x>" * 50_000 + "</x>" * 50_000 + "</item>").encode(),
            # XML entities: a billion laughs (once per suffix, each takes expat a second to refuse), an external one
            **({"laughs.rss": laughs, "laughs.xml": laughs} if n == 0 else {}),
            f"external{n}.rss": b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<rss version="2.0"><channel><item><title>&x;</title></item></channel></rss>',
            # bad WARC records
            f"badrecord{n}.warc": bad_warc_record(),
            f"nowarc{n}.warc": b"WARC/1.0\r\nWARC-Type: response\r\n\r\nno length at all\r\n" * (n + 1),
            f"pdfpage{n}.warc": warc_bytes([("response", "http://x.example/", b"%PDF-", "application/pdf", "200 OK")]),
            # bad JSON lines
            f"notjson{n}.jsonl": b"this is not json\nnor is this\n",
            f"array{n}.jsonl": b"[1, 2, 3]\n",
            f"nobody{n}.jsonl": b'{"headline": "no body here"}\n',
            # wrong encodings
            f"utf16_{n}.txt": PROSE.format(w="zzzz").encode("utf-16-le"),
            f"utf16_{n}.jsonl": json.dumps({"body": PROSE}).encode("utf-16-be"),
            f"utf32_{n}.html": page.decode().encode("utf-32-le"),
            # not what the suffix says
            f"notfeed{n}.xml": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>',
            f"gif{n}.html": b"GIF89a" + junk,
            f"nav{n}.html": b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
            f"nostory{n}.sgm": b"<!DOCTYPE lewis SYSTEM 'lewis.dtd'>\n<NOTREUTERS>text</NOTREUTERS>\n",
        }
    # Documents: cut short, encrypted, junk or empty under each document suffix.
    pdf = pdf_bytes(press_release_blocks())
    docx = docx_bytes(title="t", author="a", created=datetime(2024, 3, 5), paragraphs=[("text", PROSE)])
    odt = odt_bytes(title="t", author="a", created="2024-03-05T09:30:00", paragraphs=[("text", PROSE)])
    mail = email_bytes(subject="Pier", sender="desk@x.example", date=datetime(2024, 3, 5, tzinfo=UTC),
                       message_id="m@x", text=PROSE.format(w="zzzz"))  # fmt: skip
    made |= {
        "cut.pdf": pdf[:300], "sealed.pdf": pdf_bytes(press_release_blocks(), encrypt="secret"),
        "cut.docx": docx[: len(docx) // 2], "cut.odt": odt[: len(odt) // 2], "zip.docx": odt,
        "cut.mbox": mbox_bytes([mail, mail])[:-30], "notmail.mbox": b"Subject: no From line\n\nhi\n",
        "headers.eml": b"no headers here at all", "bad.msg": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        "notrtf.rtf": b"plain text, no rtf", "old.doc": b"\xd0\xcf\x11\xe0" + bytes(60),
        **{f"binary{suffix}": junk for suffix in (".pdf", ".docx", ".odt", ".eml", ".mbox", ".msg", ".png", ".tif",
                                                  ".rtf", ".md")},
        **{f"empty{suffix}": b"" for suffix in (".pdf", ".docx", ".eml", ".mbox", ".msg", ".jpg", ".rtf", ".md")},
    }  # fmt: skip
    made[os.fsdecode(b"caf\xe9-binary.txt")] = junk
    made["new\nline.txt"] = junk
    made["-leading-dash.html"] = junk
    made["tab\there.sgm"] = b""
    made["x" * 200 + ".jsonl"] = b"nope\n"
    made["bomb.txt.gz"] = gzip.compress(b"\0" * (60 * 1024 * 1024))  # 60 MB unpacked: past the 50 MB limit
    paths = []
    for name, data in made.items():
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    os.mkfifo(folder / "fifo.txt")
    os.symlink("loop.txt", folder / "loop.txt")
    os.symlink("gone.html", folder / "dangling.html")
    return [*paths, folder / "fifo.txt", folder / "loop.txt", folder / "dangling.html"]


def test_bad_files_among_good_ones(tmp_path: Path):
    folder, index_dir = tmp_path / "mess", tmp_path / "index"
    folder.mkdir()
    good = good_files(folder)
    bad = bad_files(folder)
    for name in ("a.xlsx", "b.pptx", "c.zip"):
        (folder / name).write_bytes(b"not for the archive")
    assert len(bad) >= 200

    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "archive", "index", "--index", str(index_dir), str(folder)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    output = done.stderr
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    assert "Traceback" not in output, output[-5000:]
    assert done.returncode == 1, output[-3000:]
    lines = output.splitlines()
    silent, repeated = [], []
    for path in bad:
        shown = printable(str(path))
        mine = [line for line in lines if f"{shown}:" in line or f"{shown}#" in line]
        (silent if not mine else repeated if len(mine) > 1 else []).append((path.name, mine))
    assert not silent, f"bad files with no line: {silent}"
    assert not repeated, f"bad files with more than one line: {repeated}"
    for name in good:
        assert not [line for line in lines if f"{folder / name}:" in line], (name, output)
    assert "3 not read (1 .pptx, 1 .xlsx, 1 .zip)" in lines[-1], lines[-1]

    ix = open_index(index_dir)
    missing = [name for name, word in good.items() if search(ix, SearchRequest(q=word))["total"] != 1]
    assert not missing, f"good files not found: {missing}"
    assert peak_mb < MAX_RSS_MB, f"peak memory {peak_mb:.0f} MB"
