"""Claim checks: does the quoted sentence say yes or no to "Did X …?" / "Is it true that …?".

Why figures first: a claim an analyst checks usually hinges on a figure ("the 12th President", "50 years of
ties", "seven companies"); a sentence about the same thing with another figure of the same kind next to the same
noun contradicts it, the same figure confirms it. A negated sentence ("did not", "declined") where the claim is not
negated says no, and so does a fall where the claim says a rise, or another name doing what the claim says its
subject does ("Canada is financing the project"), or a sentence that defers what the claim says was given ("the date
… will be announced later"); otherwise the best-supported sentence says yes.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from enum import StrEnum

from statementqa.figures import Figure, figures, spelled_value
from statementqa.textutil import normalize_word, stem, words


class Verdict(StrEnum):
    YES = "yes"
    NO = "no"


_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|none|cannot|won't|didn't|doesn't|isn't|wasn't|aren't|"
                       r"weren't|hasn't|haven't|declined|refused|rejected|denied|without)\b", re.I)
# "no later than", "not only": negation words that do not negate the claim
_NOT_NEGATING = re.compile(r"\b(?:no (?:later|earlier|less|fewer|more) than|not only|not least|no doubt)\b", re.I)
# A claim of a rise against a sentence of a fall (or the reverse) says no: "went up" / "fell by 38 percent".
_UP = re.compile(r"\b(?:rose|risen|rise[sn]?|rising|increas\w*|went up|gone up|go(?:es)? up|grew|grow\w*|higher|"
                 r"surg\w+|climb\w*|jump\w*|more than doubled|doubled)\b", re.I)
_DOWN = re.compile(r"\b(?:fell|fall(?:s|en|ing)?|decreas\w*|declin\w*|dropp?\w*|went down|gone down|lower\w*|"
                   r"reduc\w*|shrank|shrunk|plunged?|cut)\b", re.I)
# What a statement says it has not given yet: a claim that it gave it is answered no.
_DEFERRED = re.compile(r"\b(?:will be (?:announced|determined|decided|set|released|shared|made public)(?: later| at a "
                       r"later (?:date|time)| in due course| soon)?|to be (?:announced|determined|decided|confirmed)|"
                       r"(?:has|have) (?:not|yet to) (?:yet )?been (?:announced|determined|decided|set)|"
                       r"at a later (?:date|time))\b", re.I)
_NAME = r"(?:[A-Z][\w’'.-]*\s+){0,3}[A-Z][\w’'.-]*"
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
    return spelled_value(f.text)


def _noun_after(text: str, f: Figure) -> str | None:
    """The first word after a figure that is not a modifier ("50 years of ties" → "years", "12th President")."""
    for w in words(text[f.end:])[:3]:
        if normalize_word(w) not in ("such", "new", "more", "other", "additional", "consecutive", "straight", "of"):
            return stem(normalize_word(w))
    return None


def _figure_checks(body: str, sentence: str) -> list[tuple[Figure, Figure | None]]:
    """Each figure of the claim that the sentence states a figure for — same kind, next to the same noun — with
    ``None`` when the sentence gives the same value, or the first figure it gives instead."""
    stated = [f for f in figures(sentence) if f.kind.value != "year"]
    out: list[tuple[Figure, Figure | None]] = []
    for c in (f for f in figures(body) if f.kind.value != "year"):
        noun = _noun_after(body, c)
        same = [s for s in stated if s.kind == c.kind and (noun is None or _noun_after(sentence, s) == noun)]
        if same:
            cv = _value(c)
            out.append((c, None if any(_value(s) == cv for s in same) else same[0]))
    return out


def checked_figures(claim: str, sentence: str) -> frozenset[str]:
    """The claim's figures (lower-cased, as written) that ``sentence`` confirms or contradicts. Why: a figure the
    statement gives otherwise ("11th" for "the 12th President") is what a claim check answers *no* to, not a sign
    that the statement is about something else — the answerability model must not read it as missing."""
    return frozenset(c.text.lower() for c, _ in _figure_checks(_AUX.sub("", claim), sentence))


def verdict(claim: str, sentence: str) -> tuple[Verdict, str]:
    """Yes or no for ``claim`` (the question) given ``sentence``, and the reason in a few words."""
    body = _AUX.sub("", claim)
    agree: Figure | None = None
    for c, given in _figure_checks(body, sentence):  # any contradicted figure says no; all agreeing say yes
        if given is not None:
            return Verdict.NO, f"the statement gives {given.text}, not {c.text}"
        agree = agree or c
    if _DEFERRED.search(sentence) and not _DEFERRED.search(body):
        return Verdict.NO, "the statement says it will be given later"  # "the date … will be announced later"
    if _negated(sentence) and not _negated(body):
        return Verdict.NO, "the statement says the opposite"  # before figures: "no … process concerning Line 5"
    if (_UP.search(body) and _DOWN.search(sentence) and not _UP.search(sentence)) or (
            _DOWN.search(body) and _UP.search(sentence) and not _DOWN.search(sentence)):
        return Verdict.NO, "the statement says it went the other way"
    if (other := _other_subject(body, sentence)) is not None:
        return Verdict.NO, f"the statement says {other} does"
    if agree is not None:
        return Verdict.YES, f"the statement gives the same figure ({agree.text})"
    return Verdict.YES, "the statement says so"


def _negated(text: str) -> bool:
    return _NEGATION.search(_NOT_NEGATING.sub(" ", text)) is not None


def _other_subject(claim: str, sentence: str) -> str | None:
    """The name the sentence gives where the claim names another, before the same words ("the United States is
    financing the project" / "Canada is financing the project"): the longest run of three or more of the claim's
    words the sentence repeats, and the capitalized names right before it in each."""
    cw, sw = claim.split(), sentence.split()
    fold = [w.strip(",.;:?!“”\"'").lower() for w in cw]
    sfold = [w.strip(",.;:?!“”\"'").lower() for w in sw]
    run = SequenceMatcher(None, fold, sfold, autojunk=False).find_longest_match(0, len(fold), 0, len(sfold))
    n, i, j = run.size, run.a, run.b
    if n < 3 or not fold[i].isalpha() or fold[i] in ("the", "a", "an", "of", "and", "to", "in"):
        return None
    before_claim = re.search(rf"({_NAME})\s*$", " ".join(cw[:i]))
    before_sentence = re.search(rf"({_NAME})\s*$", " ".join(sw[:j]))
    if before_claim is None or before_sentence is None:
        return None
    a, b = before_claim.group(1), before_sentence.group(1)
    if a.lower() in b.lower() or b.lower() in a.lower() or b.split()[0].lower() in ("the", "i", "we", "he", "she"):
        return None
    return b
