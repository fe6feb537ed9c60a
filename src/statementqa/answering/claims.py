"""Claim checks: does the quoted sentence say yes or no to "Did X …?" / "Is it true that …?".

Why figures first: a claim an analyst checks usually hinges on a figure ("the 12th President", "50 years of
ties", "seven companies"); a sentence about the same thing with another figure of the same kind next to the same
noun contradicts it, the same figure confirms it. Without a figure, a negated sentence ("did not", "declined")
where the claim is not negated says no; otherwise the best-supported sentence says yes.
"""

from __future__ import annotations

import re
from enum import StrEnum

from statementqa.figures import Figure, figures
from statementqa.textutil import normalize_word, stem, words


class Verdict(StrEnum):
    YES = "yes"
    NO = "no"


_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|none|cannot|won't|didn't|doesn't|isn't|wasn't|aren't|"
                       r"weren't|hasn't|haven't|declined|refused|rejected|denied|without)\b", re.I)
_AUX = re.compile(r"^\s*(?:is it (?:true|correct|accurate) that|did|does|do|is|was|were|are|has|have|had|can|"
                  r"could|will|would|should)\s+", re.I)


def _value(f: Figure) -> float | None:
    digits = re.sub(r"[^\d.]", "", f.text.split()[0]) if re.search(r"\d", f.text) else ""
    if digits:
        try:
            value = float(digits)
        except ValueError:
            return None
        scale = {"million": 1e6, "billion": 1e9, "trillion": 1e12, "thousand": 1e3}
        for word, factor in scale.items():
            if word in f.text.lower():
                value *= factor
        return value
    from statementqa.figures import NUMBER_WORDS, ORDINAL_WORDS

    w = f.text.lower()
    return float(NUMBER_WORDS.get(w) or ORDINAL_WORDS.get(w) or 0) or None


def _noun_after(text: str, f: Figure) -> str | None:
    """The first word after a figure that is not a modifier ("50 years of ties" → "years", "12th President")."""
    for w in words(text[f.end:])[:3]:
        if normalize_word(w) not in ("such", "new", "more", "other", "additional", "consecutive", "straight", "of"):
            return stem(normalize_word(w))
    return None


def verdict(claim: str, sentence: str) -> tuple[Verdict, str]:
    """Yes or no for ``claim`` (the question) given ``sentence``, and the reason in a few words."""
    body = _AUX.sub("", claim)
    claimed = [f for f in figures(body) if f.kind.value != "year"]
    stated = [f for f in figures(sentence) if f.kind.value != "year"]
    agree: Figure | None = None
    for c in claimed:  # any contradicted figure says no; figures that all agree say yes
        noun = _noun_after(body, c)
        same = [s for s in stated if s.kind == c.kind and (noun is None or _noun_after(sentence, s) == noun)]
        if not same:
            continue
        cv = _value(c)
        if not any(_value(s) == cv for s in same):
            return Verdict.NO, f"the statement gives {same[0].text}, not {c.text}"
        agree = agree or c
    if agree is not None:
        return Verdict.YES, f"the statement gives the same figure ({agree.text})"
    if _NEGATION.search(sentence) and not _NEGATION.search(body):
        return Verdict.NO, "the statement says the opposite"
    return Verdict.YES, "the statement says so"
