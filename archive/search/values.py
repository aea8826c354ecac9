"""Facet values as a reader types them in the search box: `country:turkey`, `topic:economy`, `person:erdogan`.

Countries resolve names, demonyms and codes (archive.display's country words) to the codes the
index keeps; topics match a slug, a slug's start or the words of a label; people, organisations,
places, authors and sources match every value whose words include the typed ones, in order
(`person:erdogan` is "Tayyip Erdogan" and "Recep Tayyip Erdogan"; a trailing `*` takes any word
starting so). Only values the archive holds are returned.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field

from archive.display import country_codes, country_name, name_key, topic_label, topic_labels
from archive.store.columns import Terms

MAX_VALUES = 1_000  # values one `field:value` may stand for (a search refuses more, saying so)


@dataclass
class _Words:
    """Per facet: the values read so far and, for each folded word, the numbers of the values holding it."""

    count: int = 0
    words: dict[str, list[int]] = field(default_factory=dict)
    keys: list[list[str]] = field(default_factory=list)


_cache: weakref.WeakKeyDictionary[Terms, dict[str, _Words]] = weakref.WeakKeyDictionary()  # gone with its Terms
_lock = threading.Lock()


def _words(terms: Terms, facet: str) -> tuple[list[str], _Words]:
    """The facet's values and their word index, brought up to date (values are only ever added)."""
    names = terms.names(facet)
    with _lock:
        index = _cache.setdefault(terms, {}).setdefault(facet, _Words())
        for number in range(index.count, len(names)):
            key = name_key(names[number]).split()
            index.keys.append(key)
            for word in set(key):
                index.words.setdefault(word, []).append(number)
        index.count = len(names)
    return names, index


def resolve(terms: Terms, facet: str, typed: str) -> tuple[list[str], bool]:
    """(the archive's values this typed value stands for, whether the typed value names anything at all)."""
    names, index = _words(terms, facet)
    present = set(names)
    if facet == "country":
        codes = country_codes(typed) or ((typed.upper(),) if typed.upper() in present else ())
        return [code for code in codes if code in present], bool(codes)
    if facet == "year":
        return ([typed] if typed in present else []), typed.isdigit() and len(typed) == 4
    if facet == "topic":
        slugs = _topics(present | set(topic_labels()), typed)
        return [slug for slug in slugs if slug in present], bool(slugs)
    if typed in present:
        return [typed], True
    found = _by_words(index, name_key(typed).split(), typed.rstrip().endswith("*"))
    return [names[number] for number in found], bool(found)


def _topics(slugs: set[str], typed: str) -> list[str]:
    """Slugs a typed topic means: the slug itself, or every typed word starting a word of its slug or label."""
    wanted = typed.strip().lower()
    if wanted in slugs:
        return [wanted]
    typed_words = name_key(typed).split()
    if not typed_words:
        return []
    out = []
    for slug in sorted(slugs):
        words = set(name_key(slug).split()) | set(name_key(topic_label(slug)).split())
        if slug.startswith(wanted) or all(any(w.startswith(t) for w in words) for t in typed_words):
            out.append(slug)
    return out


def _by_words(index: _Words, typed: list[str], prefix: bool) -> list[int]:
    """Values whose words hold the typed words in a row (the last as a prefix with `*`)."""
    if not typed:
        return []
    sets = [set(index.words.get(word, ())) for word in (typed[:-1] if prefix else typed)]
    if prefix:
        sets.append({n for word, numbers in index.words.items() if word.startswith(typed[-1]) for n in numbers})
    candidates = set.intersection(*sets) if sets else set()
    out = []
    for number in sorted(candidates):
        key = index.keys[number]
        for start in range(len(key) - len(typed) + 1):
            window = key[start : start + len(typed)]
            if window[:-1] == typed[:-1] and (window[-1].startswith(typed[-1]) if prefix else window[-1] == typed[-1]):
                out.append(number)
                break
    return out


def label(facet: str, value: str) -> str:
    """A value as a notice names it: `Turkey (TR)`, a topic's label, a name as it is."""
    if facet == "country":
        return f"{country_name(value)} ({value})"
    if facet == "topic":
        return topic_label(value)
    return value
