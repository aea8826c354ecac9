"""RSS and Atom: each entry an article with its title, text, link, authors and date; non-feeds are named."""

from __future__ import annotations

import gzip
from pathlib import Path

from archive.errors import NoArticleText, UnreadableFile, UnsupportedFormat
from archive.ingest.readers.formats import iter_files, read_file

MB = 1024 * 1024

RSS = """<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>The Island Post</title><link>https://post.example/</link><language>en-gb</language>
  <description>News from the islands</description>
  <item>
    <title>Harbour bridge to close to cars</title>
    <link>https://post.example/bridge</link>
    <guid isPermaLink="false">post-2024-0001</guid>
    <dc:creator>By Jane Doe and John Roe</dc:creator>
    <pubDate>Tue, 05 Mar 2024 10:30:00 +0100</pubDate>
    <description>The council voted to close the bridge.</description>
    <content:encoded><![CDATA[
      <p>PORTLAND (Reuters) - The city council voted on Tuesday to close the old <a href="/b">harbour bridge</a>
      to cars, ending a debate that has run for more than a decade.</p>
      <h2>Repairs</h2>
      <p>Engineers said the steel frame, built in 1931, could no longer carry heavy traffic at the café corner.</p>
    ]]></content:encoded>
  </item>
  <item>
    <title>Ferry sails again</title>
    <link>https://post.example/ferry</link>
    <author>desk@post.example (Anna Berg)</author>
    <pubDate>Wed, 06 Mar 2024 08:00:00 GMT</pubDate>
    <description>&lt;p&gt;The Quillfeather ferry resumed sailings on Wednesday.&lt;/p&gt;
      &lt;p&gt;Tickets are on sale.&lt;/p&gt;</description>
  </item>
  <item>
    <title>Photo of the day</title>
    <link>https://post.example/photo</link>
    <guid>post-2024-0003</guid>
  </item>
</channel>
</rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Wire</title><id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id><updated>2024-03-05T10:00:00Z</updated>
  <entry>
    <title type="html">Caf&amp;eacute; prices &lt;b&gt;soar&lt;/b&gt; in Brightmoor</title>
    <id>tag:wire.example,2024:42</id>
    <link rel="alternate" href="https://wire.example/42"/>
    <link rel="self" href="https://wire.example/42.atom"/>
    <author><name>Marie Dupont</name></author>
    <author><name>Reuters</name></author>
    <author><name>Karl Weber</name></author>
    <updated>2024-03-05T10:00:00Z</updated>
    <published>2024-03-04T09:00:00+02:00</published>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">
      <p>Coffee prices in Brightmoor rose by a third this winter, roasters said, as shipping costs climbed.</p>
      <p>Caf&#233; owners said they would pass the rise on to customers.</p>
    </div></content>
  </entry>
  <entry>
    <title>Updated only</title>
    <id>tag:wire.example,2024:43</id>
    <updated>2024-03-06T11:00:00Z</updated>
    <summary>The council of Brightmoor met on Wednesday.

It approved the budget for the coming year.</summary>
  </entry>
</feed>
"""


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_rss_items_become_articles(tmp_path: Path):
    path = write(tmp_path / "post.rss", RSS.format(encoding="utf-8"))
    result = read_file(path, max_bytes=MB)
    bridge, ferry = result.articles
    name = str(path.resolve())

    assert bridge.source == f"{name}#post-2024-0001"
    assert bridge.headline == "Harbour bridge to close to cars"
    assert bridge.url == "https://post.example/bridge"
    assert bridge.authors == ("Jane Doe", "John Roe") and bridge.byline == "By Jane Doe and John Roe"
    assert bridge.published == "2024-03-05T10:30:00+01:00"
    assert bridge.language == "en"
    assert bridge.dateline.place == "Portland" and bridge.dateline.agency == "Reuters"
    # Full content, not the teaser, in paragraphs; a link inside a sentence stays in it.
    assert bridge.body.split("\n\n") == [
        "The city council voted on Tuesday to close the old harbour bridge to cars, ending a debate that has run "
        "for more than a decade.",
        "Repairs",
        "Engineers said the steel frame, built in 1931, could no longer carry heavy traffic at the café corner.",
    ]

    # No guid: the link names it; description only: the summary is the body, its HTML made paragraphs.
    assert ferry.source == f"{name}#https://post.example/ferry"
    assert ferry.body == "The Quillfeather ferry resumed sailings on Wednesday.\n\nTickets are on sale."
    assert ferry.authors == ("Anna Berg",)
    assert ferry.published == "2024-03-06T08:00:00+00:00"

    # An item with a title and nothing else has no article text: named by its guid, skipped.
    [error] = result.errors
    assert isinstance(error, NoArticleText) and error.skipped
    assert error.subject == f"{name}#post-2024-0003"


def test_atom_entries_become_articles(tmp_path: Path):
    path = write(tmp_path / "wire.atom", ATOM)
    result = read_file(path, max_bytes=MB)
    assert not result.errors
    prices, council = result.articles
    assert prices.source == f"{path.resolve()}#tag:wire.example,2024:42"
    assert prices.headline == "Café prices soar in Brightmoor"
    assert prices.url == "https://wire.example/42"
    assert prices.authors == ("Marie Dupont", "Karl Weber")  # the agency is not a person
    assert prices.published == "2024-03-04T09:00:00+02:00"  # published wins over updated
    assert prices.body.split("\n\n")[1] == "Café owners said they would pass the rise on to customers."
    assert council.published == "2024-03-06T11:00:00+00:00"  # updated when nothing says published
    assert council.body == "The council of Brightmoor met on Wednesday.\n\nIt approved the budget for the coming year."
    assert council.url is None and council.authors == ()


def test_entry_ids_are_stable_across_runs(tmp_path: Path):
    path = write(tmp_path / "post.rss", RSS.format(encoding="utf-8"))
    ids = [a.id for a in read_file(path, max_bytes=MB).articles]
    assert ids == [a.id for a in read_file(path, max_bytes=MB).articles] and len(set(ids)) == 2


def test_windows_1252_feed_and_gzip_and_xml_suffix(tmp_path: Path):
    paths = [
        write(tmp_path / "cp1252.rss", RSS.format(encoding="windows-1252"), "cp1252"),
        tmp_path / "zipped.rss.gz",
        write(tmp_path / "feed.xml", RSS.format(encoding="utf-8")),
    ]
    paths[1].write_bytes(gzip.compress(RSS.format(encoding="utf-8").encode()))
    for path in paths:
        result = read_file(path, max_bytes=MB)
        assert len(result.articles) == 2, path.name
        assert "café corner" in result.articles[0].body, path.name
    found = [p.name for p in iter_files([tmp_path])]
    assert found == ["cp1252.rss", "feed.xml", "zipped.rss.gz"]


def test_xml_that_is_no_feed_is_skipped_and_a_broken_feed_fails(tmp_path: Path):
    sitemap = write(
        tmp_path / "sitemap.xml", '<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>'
    )
    result = read_file(sitemap, max_bytes=MB)
    assert [type(e) for e in result.errors] == [UnsupportedFormat] and result.errors[0].skipped
    assert "sitemap.xml" in result.errors[0].message

    broken = write(tmp_path / "broken.rss", "this is not a feed, just words\n")
    result = read_file(broken, max_bytes=MB)
    assert [type(e) for e in result.errors] == [UnreadableFile] and not result.errors[0].skipped
    assert "broken.rss" in result.errors[0].message

    empty = write(tmp_path / "empty.atom", '<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>')
    assert [type(e) for e in read_file(empty, max_bytes=MB).errors] == [NoArticleText]


def test_a_truncated_feed_keeps_its_complete_entries(tmp_path: Path):
    full = RSS.format(encoding="utf-8")
    path = write(tmp_path / "cut.rss", full[: full.index("<title>Ferry sails again") + 20])
    result = read_file(path, max_bytes=MB)
    assert [a.headline for a in result.articles] == ["Harbour bridge to close to cars"]
    # The entry cut in its title has no text: the one error, that the file ends early, says so.
    assert [type(e) for e in result.errors] == [UnreadableFile]
    assert "cut.rss: cannot read this file (the feed ends early" in result.errors[0].message
    nbsp = write(tmp_path / "nbsp.rss", full.replace("Ferry sails", "Ferry&nbsp;sails"))  # undefined in XML
    result = read_file(nbsp, max_bytes=MB)
    assert len(result.articles) == 2 and [type(e) for e in result.errors] == [NoArticleText]
