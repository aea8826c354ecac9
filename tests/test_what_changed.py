"""What changed between versions of a story: the word difference itself, and the article page's section."""

from __future__ import annotations

import re

from archive.search.changes import word_diff


def rebuilt(runs: list[tuple[str, str]], keep: str) -> str:
    return "".join(text for op, text in runs if op in ("same", keep))


def test_runs_rebuild_both_texts_and_mark_only_the_words_that_changed():
    old = "Cocoa prices rose 3 percent in Ghana.\n\nTraders expect more."
    new = "Cocoa prices rose 5 percent in Ghana on Monday.\n\nTraders expect more."
    runs, cut = word_diff(old, new)
    assert not cut and rebuilt(runs, "removed") == old and rebuilt(runs, "added") == new
    assert [(op, text) for op, text in runs if op != "same"] == [
        ("removed", " 3"), ("added", " 5"), ("removed", " Ghana."), ("added", " Ghana on Monday."),
    ]  # fmt: skip
    assert word_diff("same words", "same  words")[0] == [("same", "same  words")]  # spacing is no change


def test_a_huge_text_is_compared_only_up_to_the_limit():
    runs, cut = word_diff("word " * 50, "word " * 40 + "new " * 10, limit=45)
    assert cut and sum(len(t.split()) for op, t in runs if op == "added") == 5


def test_the_article_page_compares_with_the_version_before_and_any_other_on_request(client):
    hit = client.get('/api/search?q=headline:"british ports group said to plan bond issue"').get_json()["hits"][0]
    others = client.get(f"/api/articles/{hit['id']}/versions").get_json()["versions"]
    update = next(o for o in others if not o["copy"])
    copy = next(o for o in others if o["copy"])
    html = client.get(f"/articles/{hit['id']}").get_data(as_text=True)  # the oldest: compared with the next update
    section = html[html.index('id="changes"') :]
    assert "What changed" in section and "35 words added" in section and "4 removed" in section
    assert "<del> SAID TO PLAN</del><ins> PRICES 500 MLN STG</ins> BOND<del> ISSUE</del>" in section
    assert "<ins>Solent Ports Group priced 500 million pounds" in section
    html = client.get(f"/articles/{update['id']}").get_data(as_text=True)  # the update: from the version before
    assert re.search(r"From <a href=\"/articles/\w+\">the version</a> of 2024-05-21 09:\d\d to this version", html)
    html = client.get(f"/articles/{update['id']}?compare={copy['id']}").get_data(as_text=True)
    assert f'href="/articles/{copy["id"]}">the version</a> of 2024-05-21 09:41' in html  # the copy, as asked
    assert client.get(f"/articles/{update['id']}?compare=nonsense").status_code == 200  # the default instead
    alone = client.get("/api/search?q=cocoa").get_json()["hits"]
    single = next(h for h in alone if not h["versions"])
    assert 'id="changes"' not in client.get(f"/articles/{single['id']}").get_data(as_text=True)


def test_sentences_are_matched_first_so_a_long_repetitive_rewrite_reads_as_replaced_whole():
    old, new = "the cat sat on the mat " * 800, "the dog sat on a mat " * 800  # one 4,800-word sentence each
    assert word_diff(old, new)[0] == [("removed", old), ("added", new)]
    kept = "A long report. " * 300  # a changed sentence among many unchanged ones is still compared word by word
    runs, _ = word_diff(kept + "Prices rose 3 percent. " + kept, kept + "Prices rose 5 percent. " + kept)
    assert [r for r in runs if r[0] != "same"] == [("removed", " 3"), ("added", " 5")]
