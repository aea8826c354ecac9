"""One folder as a newsroom hands it over: every format the archive reads, and broken files among them.

The real CLI indexes it; the summary must count each article and each bad file
exactly once, every good article must be searchable, and the exit status must
say that something failed. A second run finds everything unchanged: item ids
(WARC records, feed entries, JSON lines, Reuters stories) are stable.
"""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from archive.cli import main
from archive.search import SearchRequest, search
from archive.store import open_index
from tests.helpers import article_page, indexed_ids, real_page, warc_bytes
from tests.makers import (
    docx_bytes,
    email_bytes,
    odt_bytes,
    pdf_bytes,
    png_bytes,
    press_release_blocks,
    rtf_bytes,
    scan_image,
)

STORY = "LONDON (Reuters) - British officials said on Monday that the {word} talks with France would resume.\n"
RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Post</title><link>https://post.example/</link>
<item><title>Harbour news</title><link>https://post.example/1</link><guid>post-1</guid>
<description>The Brackenholt harbour reopened on Tuesday after a storm.</description></item>
<item><title>Bridge news</title><link>https://post.example/2</link><guid>post-2</guid>
<description>&lt;p&gt;The Cindermoor bridge will close for repairs.&lt;/p&gt;</description></item>
</channel></rss>
"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:wire</id><updated>2024-03-05T10:00:00Z</updated>
<entry><title>Coffee prices</title><id>tag:wire.example,2024:1</id><updated>2024-03-05T10:00:00Z</updated>
<content type="html">&lt;p&gt;Coffee prices in Duskvale rose by a third.&lt;/p&gt;</content></entry></feed>
"""
SGML = """<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5544" NEWID="1">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<TOPICS><D>cocoa</D></TOPICS><PLACES><D>brazil</D></PLACES><PEOPLE></PEOPLE><ORGS></ORGS><EXCHANGES></EXCHANGES>
<COMPANIES></COMPANIES>
<TEXT>&#2;
<TITLE>BAHIA COCOA REVIEW</TITLE>
<DATELINE>    SALVADOR, Feb 26 - </DATELINE><BODY>Showers continued throughout the week in the Ferngrove cocoa zone,
alleviating the drought since early January.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5545" NEWID="2">
<DATE>26-FEB-1987 15:02:20.00</DATE>
<TOPICS></TOPICS><PLACES><D>usa</D></PLACES><PEOPLE></PEOPLE><ORGS></ORGS><EXCHANGES></EXCHANGES>
<COMPANIES></COMPANIES>
<TEXT>&#2;
<TITLE>STANDARD OIL &lt;SRD> TO FORM FINANCIAL UNIT</TITLE>
<DATELINE>    CLEVELAND, Feb 26 - </DATELINE><BODY>Standard Oil Co said it will form a Wispmeadow financial unit.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
"""
NAV_PAGE = "<html><body><nav><a href='/'>Home</a> <a href='/about'>About</a></nav><footer>©</footer></body></html>"
# One word per good article, so a search can find each.
WORDS = [
    "Alderquist",  # story.txt
    "Marblewick",  # page.html
    "Quillbrook",  # page2.html.gz
    "Thornhollow",  # crawl.warc.gz, with a full news page of another story beside it
    "Brackenholt",  # news.rss
    "Cindermoor",  # news.rss
    "Duskvale",  # news.atom
    "Emberlyn",  # export.jsonl
    "Fallowmere",  # export.jsonl
    "Ferngrove",  # wire.sgm
    "Wispmeadow",  # wire.sgm
    "Gorsemoor",  # report.pdf
    "Hollowmere",  # memo.docx
    "Juniperholt",  # notes.odt
    "Kestrelby",  # letter.rtf
    "Larchwick",  # note.md
    "Mosscombe",  # tip.eml
    "Nettlefold",  # tip.eml's attachment
    "Oakhaven",  # scan.png (OCR)
]
GOOD = ["story.txt", "page.html", "page2.html.gz", "crawl.warc.gz", "news.rss", "news.atom", "export.jsonl", "wire.sgm",
        "report.pdf", "memo.docx", "notes.odt", "letter.rtf", "note.md", "tip.eml", "scan.png"]  # fmt: skip
WHEN = datetime(2024, 3, 5, 9, 30)
MAX_MB = 0.5


def build_folder(folder: Path) -> None:
    folder.mkdir()
    (folder / "story.txt").write_text(STORY.format(word="Alderquist"))
    (folder / "page.html").write_text(article_page("Marblewick"))
    (folder / "page2.html.gz").write_bytes(gzip.compress(article_page("Quillbrook").encode()))
    page = ("response", "https://news.example/ferry", article_page("Thornhollow").encode(), "text/html", "200 OK")
    bench = ("response", "https://bench.example/story", real_page(), "text/html; charset=utf-8", "200 OK")
    image = ("response", "https://news.example/logo.png", b"\x89PNG\r\n\x1a\n", "image/png", "200 OK")
    (folder / "crawl.warc.gz").write_bytes(warc_bytes([page, image, bench]))
    (folder / "news.rss").write_text(RSS)
    (folder / "news.atom").write_text(ATOM)
    lines = [
        json.dumps({"id": "e1", "title": "Emberlyn votes", "body": "The Emberlyn council voted on Friday."}),
        '{"id": "e2", "title": "cut off',
        json.dumps({"id": "e3", "title": "Fallowmere fair", "text": "The Fallowmere fair opens on Saturday."}),
    ]
    (folder / "export.jsonl").write_text("\n".join(lines) + "\n")
    (folder / "wire.sgm").write_bytes(SGML.encode("latin-1"))
    (folder / "sitemap.xml").write_text(
        '<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>'
    )
    # A newsroom's own documents: a PDF report, a Word memo, OpenDocument notes, an RTF letter, Markdown,
    # an e-mail with a PDF attached, a scan.
    report = [
        ("Title", "Lighthouse to close"),
        ("BodyText", "By Jane Doe"),
        ("BodyText", "PLYMOUTH, March 3 (Reuters) - The Gorsemoor lighthouse will close in May, its keeper said."),
    ]
    (folder / "report.pdf").write_bytes(pdf_bytes(report, title="Report"))
    memo = [("title", "Hollowmere memo"), ("text", "The Hollowmere depot closes in June, the union was told.")]
    (folder / "memo.docx").write_bytes(docx_bytes(title="Memo", author="Anna Berg", created=WHEN, paragraphs=memo))
    notes = [("title", "Juniperholt notes"), ("text", "Juniperholt residents met the planners on Wednesday.")]
    (folder / "notes.odt").write_bytes(odt_bytes(title="Notes", author="Omar Haddad", created=WHEN.isoformat(),
                                                 paragraphs=notes))  # fmt: skip
    letter = ["Kestrelby letter", "", "The Kestrelby bakers asked the council for a market licence."]
    (folder / "letter.rtf").write_bytes(rtf_bytes(title="Letter", author="Lena Berg", paragraphs=letter))
    (folder / "note.md").write_text("# Larchwick note\n\nThe *Larchwick* choir sings on Sunday.\n")
    contract = pdf_bytes([("BodyText", "The Nettlefold quarry contract was signed on 1 March by both parties.")])
    (folder / "tip.eml").write_bytes(email_bytes(
        subject="Tip about Mosscombe", sender="Lena Berg <lena@tips.example>", date=WHEN, message_id="t@tips.example",
        text="The Mosscombe quarry deal is attached.\n", attachments=[("deal.pdf", "application/pdf", contract)],
    ))  # fmt: skip
    (folder / "scan.png").write_bytes(png_bytes(scan_image(["Oakhaven ferry timetable", "", "Sailings resume."])))
    # Broken or empty: binary junk, a truncated gzip, an empty file, one over the size limit, a page of navigation.
    (folder / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "broken.html.gz").write_bytes(gzip.compress(article_page("Broken").encode())[:60])
    (folder / "empty.txt").write_bytes(b"")
    (folder / "huge.txt").write_text(STORY.format(word="Huge") * int(MAX_MB * 1024 * 1024 / 80 + 100))
    (folder / "nav.html").write_text(NAV_PAGE)
    # Documents that cannot be read: an encrypted PDF, a Word file cut short, a legacy .doc.
    (folder / "sealed.pdf").write_bytes(pdf_bytes(press_release_blocks(), encrypt="secret"))
    (folder / "cut.docx").write_bytes(docx_bytes(title="t", author="a", created=WHEN, paragraphs=memo)[:2000])
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))


def test_a_mixed_folder_indexes_what_it_can_and_counts_the_rest(tmp_path: Path):
    folder, index_dir = tmp_path / "handover", tmp_path / "index"
    build_folder(folder)
    runner = CliRunner()
    args = ["index", "--index", str(index_dir), str(folder)]
    env = {"ARCHIVE_MAX_FILE_MB": str(MAX_MB)}

    result = runner.invoke(main, args, env=env)
    # 20 articles: 1 txt, 2 html, 2 warc pages, 2 rss + 1 atom entries, 2 json lines, 2 reuters stories,
    # 1 each of pdf, docx, odt, rtf, md and png (OCR), an e-mail and its attachment.
    # Skipped: sitemap.xml (no feed), empty.txt, huge.txt (size limit), nav.html (no text), old.doc (convert it).
    # Failed: junk.txt (binary), broken.html.gz (truncated gzip), line 2 of export.jsonl (invalid JSON),
    # sealed.pdf (encrypted), cut.docx (a broken ZIP); scan.png too where Tesseract is not installed.
    ocr = shutil.which("tesseract") is not None
    articles, failed = (20, 5) if ocr else (19, 6)
    summary = f"24 files: {articles} indexed, 0 updated, 0 unchanged, 0 removed, 5 skipped, {failed} failed"
    assert summary in result.output, result.output
    assert result.exit_code == 1, result.output  # something failed: the exit status says so
    for named in ("junk.txt: looks like binary data", "broken.html.gz: cannot read", "export.jsonl#line 2: cannot",
                  "huge.txt: file is larger", "empty.txt: no article text", "nav.html: no article text",
                  "sitemap.xml: not a format", "sealed.pdf: cannot read this file (an encrypted PDF",
                  "cut.docx: cannot read this file (a broken DOCX file", "old.doc: not a format the archive reads "
                  "(legacy Word .doc: convert it", *([] if ocr else ["scan.png: needs OCR"])):  # fmt: skip
        assert named in result.output, named

    ix = open_index(index_dir)
    expected = {article_id for name in GOOD for article_id in indexed_ids(folder / name, folder)}
    with ix.searcher() as searcher:
        assert len(expected) == articles and {fields["id"] for fields in searcher.all_stored_fields()} == expected
    # The three ferry pages are one template with a different name in each: one story in three versions.
    everything = search(ix, SearchRequest(per_page=50))
    stories = articles - 2
    assert everything["total"] == stories
    assert sorted(hit["versions"] for hit in everything["hits"]) == [0] * (stories - 1) + [2]
    for word in WORDS if ocr else WORDS[:-1]:
        assert search(ix, SearchRequest(q=word))["total"] == 1, word

    again = runner.invoke(main, args, env=env)
    unchanged = f"24 files: 0 indexed, 0 updated, {articles} unchanged, 0 removed, 5 skipped, {failed} failed"
    assert unchanged in again.output
