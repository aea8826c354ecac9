"""Training-time case augmentation (loaded with `spacy train --code training/augment.py`).

News archives hold ALL-CAPS headlines and lower-cased snippets, where a cased-only model
fails. spaCy has a lower-case augmenter but no upper-case one; this registers one that
does both. Only needed for training: the packaged model does not reference it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

from spacy.language import Language
from spacy.training import Example
from spacy.util import registry


@registry.augmenters("news.case_variants.v1")
def create_case_augmenter(upper_level: float, lower_level: float) -> Callable[[Language, Example], Iterator[Example]]:
    """Replace an example, with the given probabilities, by its upper- or lower-cased copy."""

    def augment(nlp: Language, example: Example) -> Iterator[Example]:
        roll = random.random()
        if roll < upper_level:
            yield _recased(nlp, example, str.upper) or example
        elif roll < upper_level + lower_level:
            yield _recased(nlp, example, str.lower) or example
        else:
            yield example

    return augment


def _recased(nlp: Language, example: Example, change: Callable[[str], str]) -> Example | None:
    """Same annotations on re-cased text; None when re-casing changes lengths (e.g. "ß")."""
    text = change(example.text)
    if len(text) != len(example.text):
        return None
    data = example.to_dict()
    data["token_annotation"]["ORTH"] = [change(t.text) for t in example.reference]
    if any(len(a) != len(t.text) for a, t in zip(data["token_annotation"]["ORTH"], example.reference, strict=True)):
        return None
    return Example.from_dict(nlp.make_doc(text), data)
