"""Find the article text in a news page's DOM.

1. Remove what no reader sees as the story: scripts, forms, navigation,
   hidden elements, and containers whose class/id name boilerplate (share
   bars, related stories, comments, newsletter boxes, cookie notices).
2. Cut the rest into blocks (paragraph-level elements, in reading order).
3. Score each block as prose (long, with clause breaks, few links) or as
   furniture (link rows), and sum the scores up the tree, each level above a
   block counting it less: the best element is the container nearest to the
   most prose. An ancestor nearly as good wins (stories split into chunks),
   and siblings that score as prose too join it.
4. The body is the container's blocks less furniture (labels, timestamps,
   link rows, teaser headlines, subscription pitches).

The constants were chosen on plateaus of the benchmark in bench/, not at
peaks: DECAY 0.5-0.75 with CLIMB 0.85-0.9 all score within 0.002 F1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Comment, NavigableString, PageElement, Tag

from archive.ingest.readers.dates import is_date_line

# Elements that never hold article prose.
DROP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "canvas",
        "video",
        "audio",
        "source",
        "picture",
        "img",
        "button",
        "input",
        "select",
        "textarea",
        "option",
        "label",
        "nav",
        "aside",
        "footer",
        "menu",
        "dialog",
        "head",
        "title",
        "meta",
        "link",
        "figcaption",
    ]
)

# Elements that start a new paragraph in the rendered text.
BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figure",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    ]
)
HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})

# Class/id words of boilerplate containers (matched against '-'/'_'-separated parts).
_NEGATIVE_WORDS = frozenset(
    [
        "ad",
        "ads",
        "adv",
        "advert",
        "advertisement",
        "advertising",
        "banner",
        "breadcrumb",
        "breadcrumbs",
        "comment",
        "comments",
        "cookie",
        "cookies",
        "disqus",
        "footer",
        "masthead",
        "menu",
        "nav",
        "navbar",
        "navigation",
        "newsletter",
        "outbrain",
        "taboola",
        "popup",
        "modal",
        "promo",
        "promos",
        "related",
        "share",
        "shares",
        "sharing",
        "sharebar",
        "social",
        "sidebar",
        "sponsor",
        "sponsored",
        "subscribe",
        "subscription",
        "signup",
        "toolbar",
        "trending",
        "recirc",
        "recommended",
        "recommendations",
        "widget",
        "tooltip",
        "popover",
        "rollover",
        "hovercard",
        "widgets",
        "rail",
        "tags",
        "tag",
        "byline",
        "caption",
        "gallery",
        "print",
        "skip",
    ]
)
# Substrings that mark boilerplate even inside camelCase or glued names.
_NEGATIVE_SUBSTRINGS = (
    "advert",
    "newsletter",
    "outbrain",
    "taboola",
    "related",
    "sharing",
    "social",
    "cookie",
    "subscribe",
    "sidebar",
    "breadcrumb",
    "promo",
    "recommend",
    "caption",
    "noscript",
)
# Words that mark the container of the story itself: never removed on a negative word.
_POSITIVE_WORDS = frozenset(
    ["article", "articlebody", "body", "content", "entry", "main", "post", "story", "text", "blog"]
)
DECAY = 0.5  # how much less a block counts for each level above its container
SIBLING = 0.2  # a sibling of the container joins it when it scores this share of the container's score
CLIMB = 0.9  # an ancestor (up to 3 levels) replaces the container when it scores this share
# Reader comments, whatever the theme calls them; "commentary" is an opinion piece, not comments.
COMMENTS_RE = re.compile(r"comment(?!ary|isfree)|disqus", re.IGNORECASE)
_SPLIT_RE = re.compile(r"[-_\s:]+")
_SPACE_RE = re.compile(r"\s+")
# Clause breaks: prose has them, link rows and labels rarely do.
_CLAUSE_RE = re.compile(r"[,.;:!?] |[，。、；！？]")
_ADDRESS_RE = re.compile(r"\bhttps?://|\bwww\.|\bpic\.twitter\.com/")
_HIDDEN_CLASSES = frozenset(["hidden", "is-hidden", "visually-hidden", "sr-only", "screen-reader-text", "d-none"])
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Short blocks that are furniture, not prose.
_FURNITURE_RE = re.compile(
    r"^(advertisement|advertising|advert|ad|sponsored|read more|continue reading|share( this( article| story)?)?"
    r"|related|related articles?|related stories|more stories|recommended|print|email|comments?"
    r"|follow us.*|sign up.*|subscribe.*|click here.*|story continues below.*|skip ad.*)[.:!]?$",
    re.I,
)


# A call to subscribe: "Sign up for our free daily newsletter", "Get the latest news in your inbox".
_PITCH_RE = re.compile(r"\b(?:sign(?:ing)? up|subscribe|subscription|register|your inbox)\b", re.IGNORECASE)
_PITCH_OBJECT_RE = re.compile(r"\b(?:newsletters?|inbox|e-?mail alerts?)\b", re.IGNORECASE)


@dataclass
class Block:
    """One paragraph of rendered text with the facts the scorer needs."""

    text: str
    link_chars: int
    kind: str  # the element that ends the paragraph ("p", "h2", "li"), or "" for loose text
    parents: list[Tag] = field(repr=False)

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text))

    @property
    def heading(self) -> bool:
        return self.kind in HEADING_TAGS


def _class_words(tag: Tag) -> tuple[set[str], str]:
    raw = " ".join([tag.get("id") or "", *(tag.get("class") or [])]) if tag.attrs else ""
    if isinstance(raw, list):
        raw = " ".join(raw)
    lowered = raw.lower()
    return set(_SPLIT_RE.split(lowered)) - {""}, lowered


def _is_boilerplate(tag: Tag) -> bool:
    """A container named like navigation, sharing, promotion or comments, and not like the story itself."""
    words, lowered = _class_words(tag)
    if not lowered:
        return False
    comments = bool(COMMENTS_RE.search(lowered))
    negative = comments or bool(words & _NEGATIVE_WORDS) or any(s in lowered for s in _NEGATIVE_SUBSTRINGS)
    if not negative or "embed" in lowered:  # a post embedded in the story ("social-media-embed") is part of it
        return False
    if comments or not words & _POSITIVE_WORDS:
        return True
    # "article-share", "story-byline": named after the story, but too small to be it.
    return len(tag.get_text()) < 300


def _is_hidden(tag: Tag) -> bool:
    """Hidden from every reader; "hidden-xs" and the like only hide on some screens, so they stay."""
    if not tag.attrs:
        return False
    if tag.has_attr("hidden") or tag.get("aria-hidden") == "true":
        return True
    if _HIDDEN_CLASSES.intersection(tag.get("class") or ()):
        return True
    style = tag.get("style")
    return bool(style and _HIDDEN_STYLE_RE.search(str(style)))


def _prose_chars(tag: Tag) -> int:
    """Characters in the paragraphs under `tag` long enough to be prose."""
    total = 0
    for p in tag.find_all("p"):
        n = len(p.get_text())
        if n >= 80:
            total += n
    return total


def clean(root: Tag) -> None:
    """Remove what a reader never sees as article text, in place.

    Boilerplate-named elements go deepest first, so that a wrapper is judged
    on what is left in it: a link whose pop-up card was removed stays in its
    sentence, and a container named like boilerplate survives when it holds
    most of the page's prose (themes call whole layouts "sidebar-wrapper").
    """
    for node in root.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    page_prose = _prose_chars(root)
    pending = [child for child in root.children if isinstance(child, Tag)]
    named: list[Tag] = []
    while pending:
        tag = pending.pop()
        if tag.name in DROP_TAGS or _is_hidden(tag):
            tag.decompose()
            continue
        if _is_boilerplate(tag):
            named.append(tag)
        pending.extend(child for child in tag.children if isinstance(child, Tag))
    # `named` lists every element before its descendants: reversed, the deepest go first.
    for tag in reversed(named):
        if COMMENTS_RE.search(_class_words(tag)[1]) or not (_inline_link(tag) or _prose_chars(tag) > page_prose / 2):
            tag.decompose()


def _inline_link(tag: Tag) -> bool:
    """An inline element that is nothing but one link: part of a sentence whatever its class says."""
    if tag.name in BLOCK_TAGS:
        return False
    links = tag.find_all("a")
    return len(links) == 1 and links[0].get_text().strip() == tag.get_text().strip()


def blocks_of(root: Tag) -> list[Block]:
    """The rendered paragraphs of `root` in reading order (iterative: pages nest deeply)."""
    blocks: list[Block] = []
    parts: list[str] = []
    link_chars = 0
    parents: list[Tag] = [root]

    def flush(kind: str = "") -> None:
        nonlocal link_chars
        text = _SPACE_RE.sub(" ", "".join(parts)).strip()
        if text:
            blocks.append(Block(text, min(link_chars, len(text)), kind, list(parents)))
        parts.clear()
        link_chars = 0

    # Each frame: the children still to visit, whether inside a link, and the tag if it is a block.
    frames: list[tuple[Iterator[PageElement], bool, Tag | None]] = [(iter(root.children), False, None)]
    while frames:
        children, in_link, block = frames[-1]
        child = next(children, None)
        if child is None:
            frames.pop()
            if block is not None:
                flush(block.name)
                parents.pop()
            continue
        if isinstance(child, NavigableString):
            if not isinstance(child, Comment):
                parts.append(str(child))
                if in_link:
                    link_chars += len(child.strip())
        elif isinstance(child, Tag):
            if child.name == "br":
                # Two line breaks in a row end a paragraph, as in pages without <p>.
                if parts and not "".join(parts[-3:]).strip(" \t\r").endswith("\n"):
                    parts.append("\n")
                else:
                    flush(parents[-1].name if len(parents) > 1 else "")
            elif child.name in BLOCK_TAGS:
                flush()
                parents.append(child)
                frames.append((iter(child.children), in_link, child))
            else:
                frames.append((iter(child.children), in_link or child.name == "a", None))
    flush()
    return blocks


def _prose_score(block: Block) -> float:
    """Positive for paragraphs a reader reads, negative for link lists and crumbs."""
    n = len(block.text)
    if block.heading:
        return 0.0
    if block.link_density > 0.5:
        return -n
    if n < 25:
        return 0.0
    bonus = 1.0 + 0.5 * min(3, len(_CLAUSE_RE.findall(block.text)))
    return n * (1 - 2 * block.link_density) * bonus / 2.0


_LEAF_BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "dt", "dd"})


def _containers(blocks: list[Block]) -> tuple[dict[int, float], dict[int, Tag]]:
    """Prose scores of elements, each block counting fully for its container and less for each level above.

    The decay keeps a page-wide wrapper from winning just because it also
    holds teasers and feeds: the story's own container is nearest its text.
    """
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    for block in blocks:
        score = _prose_score(block)
        chain = block.parents[:-1] if block.parents[-1].name in _LEAF_BLOCKS else block.parents
        for level, tag in enumerate(reversed(chain)):
            key = id(tag)
            scores[key] = scores.get(key, 0.0) + score / (1 + DECAY * level)
            tags[key] = tag
    return scores, tags


def select(blocks: list[Block]) -> list[Block]:
    """The blocks of the best container and of its siblings that score as prose too."""
    scores, tags = _containers(blocks)
    if not scores:
        return []
    best = max(scores, key=lambda key: scores[key])
    if scores[best] <= 0:
        return []
    top = tags[best]
    node = top
    for _ in range(3):
        node = node.parent
        if node is None:
            break
        if scores.get(id(node), 0.0) >= CLIMB * scores[best]:
            top, best = node, id(node)
    chosen = {best}
    if top.parent is not None:
        threshold = max(10.0, SIBLING * scores[best])
        for sibling in top.parent.children:
            if isinstance(sibling, Tag) and scores.get(id(sibling), 0.0) >= threshold:
                chosen.add(id(sibling))
    return [b for b in blocks if any(id(p) in chosen for p in b.parents)]


def _is_furniture(block: Block) -> bool:
    """The page title, labels, link rows and timestamps that sit among the paragraphs but are not the story."""
    if block.kind == "h1" or _FURNITURE_RE.match(block.text) or is_date_line(block.text):
        return True
    if len(block.text) < 300 and _PITCH_RE.search(block.text) and _PITCH_OBJECT_RE.search(block.text):
        return True
    if block.heading and any(p.name == "li" for p in block.parents):
        return True  # a headline in a list is a teaser
    # A link row is furniture; a pasted address ("https://t.co/...") is part of what was written.
    return block.link_density > 0.6 and not block.heading and not _ADDRESS_RE.search(block.text)


def article_blocks(soup: BeautifulSoup) -> list[Block]:
    """The article's paragraphs (subheads included) in reading order, or [] if none."""
    root = soup.body or soup
    clean(root)
    blocks = blocks_of(root)
    return [b for b in select(blocks) if not _is_furniture(b)]
