"""E-mail as a newsroom gets it: .eml, .mbox and Outlook .msg, made by the stdlib's email package and a real
compound-file writer; replies and signatures left out, attachments read and linked, damage one clean line."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

from archive.errors import UnreadableFile
from archive.ingest.readers.formats import read_file
from tests.makers import PRESS_RELEASE, docx_bytes, email_bytes, mbox_bytes, msg_bytes, pdf_bytes, press_release_blocks

MB = 1024 * 1024
WHEN = datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
REPLY = (
    "Thanks, we will run it tomorrow.\n\nThe desk will call the port authority first.\n\n"
    "On Mon, 4 Mar 2024 at 18:02, Jane Doe <jane@port.example> wrote:\n> Please find the release attached.\n"
    "> Regards\n\n-- \nAnna Berg | Gazette newsdesk | +44 20 7946 0000\n"
)


def read(tmp_path: Path, name: str, data: bytes):
    (tmp_path / name).write_bytes(data)
    return read_file(tmp_path / name, max_bytes=10 * MB)


def test_an_eml_is_its_subject_sender_date_and_own_words(tmp_path: Path):
    data = email_bytes(subject="Re: Harbour release", sender='"Anna Berg" <anna@gazette.example>', date=WHEN,
                       message_id="r1@gazette.example", text=REPLY)  # fmt: skip
    result = read(tmp_path, "reply.eml", data)
    (article,) = result.articles
    assert not result.errors
    assert article.source == f"{tmp_path}/reply.eml#r1@gazette.example"
    assert (article.headline, article.authors, article.published) == (
        "Re: Harbour release",
        ("Anna Berg",),
        "2024-03-05T09:30:00+00:00",
    )
    assert article.body == "Thanks, we will run it tomorrow.\n\nThe desk will call the port authority first."
    assert article.metadata["to"] == "newsdesk@gazette.example" and article.metadata["from"].startswith("Anna Berg")


def test_an_html_only_press_release_reads_with_its_dateline_and_without_the_quote(tmp_path: Path):
    html = (
        "<html><body><p>By Jane Doe</p><p>" + PRESS_RELEASE[1] + "</p><p>" + PRESS_RELEASE[2] + "</p>"
        '<div class="gmail_quote">On Monday Omar wrote:<blockquote type="cite">old news</blockquote></div>'
        "</body></html>"
    )
    message = email_bytes(subject="Harbour to reopen", sender="Port Authority <press@port.example>", date=WHEN,
                          message_id="pr@port.example", html=html)  # fmt: skip
    message = message.replace(b"This message has an HTML body.", b"")  # only the HTML part has text
    (article,) = read(tmp_path, "release.eml.gz", gzip.compress(message)).articles
    assert article.authors == ("Jane Doe",) and article.byline == "By Jane Doe"  # the byline over the sender
    assert (article.dateline.place, article.dateline.agency) == ("London", "Reuters")
    assert article.body.startswith("The Brackenholt harbour will reopen") and "old news" not in article.body


def test_attachments_become_articles_linked_to_their_message(tmp_path: Path):
    pdf = pdf_bytes(press_release_blocks(), title="Press release")
    pier = [("title", "Pier memo"), ("text", "The pier will be rebuilt in Brackenholt.")]
    memo = docx_bytes(title="Memo", author="Anna Berg", created=WHEN.replace(tzinfo=None), paragraphs=pier)
    data = email_bytes(
        subject="Two documents", sender="press@port.example", date=WHEN, message_id="two@port.example",
        text="Both attached.", attachments=[("release.pdf", "application/pdf", pdf),
                                            ("memo.docx", "application/octet-stream", memo),
                                            ("figures.xlsx", "application/octet-stream", b"PK\x03\x04 a sheet")],
    )  # fmt: skip
    result = read(tmp_path, "two.eml", data)
    assert not result.errors, [e.message for e in result.errors]  # the spreadsheet is passed over in silence
    message, release, pier = result.articles
    assert message.authors == ("press@port.example",)  # no display name: the address
    assert message.attachments == (release.id, pier.id)
    assert release.attachment_of == message.id == pier.attachment_of
    assert release.source == message.source + "/release.pdf" and release.headline.startswith("Brackenholt harbour")
    assert pier.headline == "Pier memo"


def test_an_outlook_msg_reads_like_an_eml(tmp_path: Path):
    data = msg_bytes(
        subject="Tip: pier contract", sender_name="Lena Berg", sender_address="lena@tips.example", date=WHEN,
        message_id="m-1@tips.example", body=REPLY, attachments=[("release.pdf", pdf_bytes(press_release_blocks()))],
    )  # fmt: skip
    result = read(tmp_path, "tip.msg", data)
    assert not result.errors, [e.message for e in result.errors]
    message, release = result.articles
    assert message.source.endswith("tip.msg#m-1@tips.example")
    assert (message.headline, message.authors, message.published) == (
        "Tip: pier contract",
        ("Lena Berg",),
        "2024-03-05T09:30:00+00:00",
    )
    assert message.body == "Thanks, we will run it tomorrow.\n\nThe desk will call the port authority first."
    assert message.attachments == (release.id,) and release.attachment_of == message.id
    bad = read(tmp_path, "bad.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    assert not bad.articles and len(bad.errors) == 1 and "bad.msg: cannot read this file" in bad.errors[0].message


def test_a_mailbox_gives_each_message_and_a_cut_one_is_one_clean_line(tmp_path: Path):
    messages = [
        email_bytes(
            subject=f"Story {n}",
            sender="desk@gazette.example",
            date=WHEN,
            message_id="same@x",
            text=f"From the desk: story number {n} of the day.\n",
        )
        for n in range(3)
    ]
    whole = mbox_bytes(messages)
    result = read(tmp_path, "desk.mbox", whole)
    assert not result.errors and [a.headline for a in result.articles] == ["Story 0", "Story 1", "Story 2"]
    # The repeated Message-ID: the later messages are told apart by position; the escaped From line is text.
    assert [a.source.rsplit("#", 1)[1] for a in result.articles] == ["same@x", "2", "3"]
    assert result.articles[0].body.startswith("From the desk")
    cut = read(tmp_path, "cut.mbox", whole[: len(whole) - 40])
    assert [a.headline for a in cut.articles] == ["Story 0", "Story 1"]
    assert [type(e) for e in cut.errors] == [UnreadableFile]
    assert cut.errors[0].message == (
        f"{tmp_path}/cut.mbox: cannot read this file (truncated: message 3 ends early; the 2 before it are read)"
    )
    junk = read(tmp_path, "junk.mbox", b"Subject: no From line\n\nhello\n")
    assert not junk.articles and "not an mbox mailbox" in junk.errors[0].message
