"""Figures in statement text: counts, ordinals, money, percentages and durations, with their spans.

Why typed figures: "How many MoUs has the US signed?" is answered by "the 17th such memorandum", not by
"a $500 million MoU" or "a five-year MoU" that stand just as close to the noun. A figure *counts* a noun
only when it quantifies it directly ("two new MOUs", "nine Nicaraguans", "the 17th such memorandum of
understanding"); money, percentages and durations never count anything, and neither do years, the day of a
date, list enumerators or the digits inside names (F-35, COVID-19, NSM-15).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from statementqa import textutil
from statementqa.textutil import (
    MONTH_NAME,
    TENS_WORDS,
    UNIT_WORDS,
    normalize_word,
    query_acronyms,
    spells_out,
    stem,
    words,
)

# textutil's number words as counts ("zero" counts nothing), plus the round and vague ones a statement counts with.
NUMBER_WORDS = {
    **{w: v for w, v in UNIT_WORDS.items() if v}, **TENS_WORDS,
    "hundred": 100, "dozen": 12, "dozens": 24, "hundreds": 200, "thousands": 2000,
}
# textutil's ordinals up to "fiftieth", and "hundredth": the ones this reader has always taken as counts.
ORDINAL_WORDS = {w: v for w, v in textutil.ORDINAL_WORDS.items() if v <= 50 or v == 100}


def _alternatives(names: Iterable[str]) -> str:
    """A regex alternation of ``names``, longest first (so "seventeen" is tried before "seven")."""
    return "(?:" + "|".join(sorted(names, key=len, reverse=True)) + ")"


_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 10**9, "trillion": 10**12}
_SCALE = rf"(?:\s?{_alternatives(_SCALES)}\b)?"


# A number spelled out in several words is one figure: "Two hundred and fifty million Americans" is not "fifty
# million", "twenty-five states" not "five".
_TENS_UNITS = (rf"(?:{_alternatives(TENS_WORDS)}(?:[\s-]{_alternatives(w for w, v in UNIT_WORDS.items() if 0 < v < 10)}"
               rf"\b)?|{_alternatives(w for w, v in UNIT_WORDS.items() if v)})")
_SPELLED = rf"{_TENS_UNITS}(?:\s+hundred(?:\s+(?:and\s+)?{_TENS_UNITS}\b)?)?"
_FIGURE = re.compile(
    r"(?P<money>(?:US)?[$€£]\s?\d+(?:,\d{3})*(?:\.\d+)?" + _SCALE + r")"
    # (a hyphen after the digits is allowed before a word: "a 10-year break" like "a five-year pause"; not in "2021-22")
    r"|(?P<num>(?<![\w\-–/.])\d+(?:,\d{3})*(?:\.\d+)?(?P<ord>st|nd|rd|th)?(?![\w–/]|-(?![A-Za-z])|\.\d)" + _SCALE + r")"
    # "two million Americans": the scale is part of the figure
    r"|(?P<word>\b(?:" + _SPELLED + "|" + _alternatives([*NUMBER_WORDS, *ORDINAL_WORDS]) + r")\b" + _SCALE + r")",
    re.I,
)
# "$8 to $10 billion", "3 to 4 million": a range whose first end borrows the second's scale is one figure — "$8" alone
# is not what the statement says.
_RANGE_REST = re.compile(r"\s?(?:to|-|–)\s?(?:US)?[$€£]?\s?\d[\d,]*(?:\.\d+)?\s?(?:million|billion|trillion)\b",
                         re.I)
_HAS_SCALE = re.compile(rf"{_alternatives(_SCALES)}$", re.I)
_PERCENT_AFTER = re.compile(r"\s?(?:%|percent\b|per cent\b|percentage points?\b)", re.I)
_MONEY_AFTER = re.compile(r"\s(?:(?:U\.S\.|US|American|Canadian|Australian)\s)?(?:dollars|euros|pounds|USD|EUR)\b",
                          re.I)
TIME_UNIT = re.compile(r"(?:years?|months?|weeks?|days?|hours?|minutes?|decades?)", re.I)
# Units of measure: a question that names one ("size in square kilometers", "how many tons") names the answer's
# type, as "which city" does — the figure that carries it does not repeat the question.
MEASURE_UNIT = re.compile(
    r"\b(?:(?:square|cubic)\s+)?(?:kilomet(?:er|re)s?|met(?:er|re)s?|miles?|feet|foot|acres?|hectares?|tons?|"
    r"tonnes?|kilograms?|pounds?|gallons?|lit(?:er|re)s?|barrels?|megawatts?|gigawatts?|percent)\b", re.I)
_DURATION_AFTER = re.compile(r"[\s-](?:years?|months?|weeks?|days?|hours?|minutes?|decades?)\b(?:[\s-]old)?", re.I)
_YEAR = re.compile(r"(?:19|20)\d{2}")
_MONTH_BEFORE = re.compile(rf"\b{MONTH_NAME}\.?\s+$")  # "March 5": a day; "Mayor 5", "Decision 2" are not months
_MONTH_AFTER = re.compile(rf"(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_NAME}\b")  # "9 April 2025", "the 18th of February"
_ENUMERATOR = re.compile(r"\s*\(?\d{1,2}[.)]\s")
# Words that may stand between a count and its noun ("the 17th such memorandum", "two new MOUs").
_MODIFIER_MAX = 3
_BREAKERS = frozenset("""of to in on at by for from with and or but that which who was were is are has have had be
    been will would can could than as per since including""".split())


class Kind(StrEnum):
    COUNT = "count"
    ORDINAL = "ordinal"
    MONEY = "money"
    PERCENT = "percent"
    DURATION = "duration"
    YEAR = "year"


@dataclass(frozen=True)
class Figure:
    """A figure found in a text: its exact span (``text[start:end]``) and what kind of quantity it is."""

    start: int
    end: int
    text: str
    kind: Kind

    @property
    def counts(self) -> bool:
        return self.kind in (Kind.COUNT, Kind.ORDINAL)


_TITLE_AFTER = re.compile(r"\s+(?:Lady|Ladies|Gentleman|Minister|Deputy|Secretary|Vice|Family|Nations|Daughter|"
                          r"Son|Couple|Sea\s+Lord)\b")


def figures(text: str) -> list[Figure]:
    """Every figure of ``text`` that could answer a quantity question (not dates' days, not names' digits)."""
    out: list[Figure] = []
    lead = _ENUMERATOR.match(text)
    taken = 0  # the end of a range already taken whole
    for m in _FIGURE.finditer(text):
        start, end = m.span()
        raw = m.group()
        if start < taken:
            continue
        if lead and start < lead.end():
            continue  # "2. All cooperation …": a list enumerator
        if m.group("num") and (_MONTH_BEFORE.search(text[max(0, start - 12):start])
                               or (len(m.group("num")) <= 4 and _MONTH_AFTER.match(text, end))):
            continue  # the day of "June 30, 2022" or of "9 April 2025"
        rest = text[end:end + 24]
        if _TITLE_AFTER.match(rest) and raw[:1].isupper():
            continue  # "First Lady", "First Vice President": a title, not the first of anything
        if (m.group("money") or m.group("num")) and not _HAS_SCALE.search(raw) and not _YEAR.fullmatch(raw) and (
                rng := _RANGE_REST.match(text, end)) is not None:
            end = taken = rng.end()  # "$8 to $10 billion"
            rest = text[end:end + 24]
        if m.group("money"):
            kind = Kind.MONEY
        elif (cur := _MONEY_AFTER.match(rest)) is not None:
            kind, end = Kind.MONEY, end + cur.end()  # "2.4 million euros"
        elif (p := _PERCENT_AFTER.match(rest)) is not None:
            kind, end = Kind.PERCENT, end + p.end()
        elif _DURATION_AFTER.match(rest):
            kind = Kind.DURATION
        elif m.group("num") and _YEAR.fullmatch(raw):
            kind = Kind.YEAR
        elif m.group("ord") or (m.group("word") and raw.lower() in ORDINAL_WORDS):
            kind = Kind.ORDINAL
        else:
            kind = Kind.COUNT
        out.append(Figure(start, end, text[start:end], kind))
    return out


def spelled_value(text: str) -> float | None:
    """The value of a figure spelled out in words ("Two hundred and fifty million" → 250,000,000, "twenty-five"
    → 25, "third" → 3); None when a word is not a number word ("dozens" → 24 counts, as NUMBER_WORDS says)."""
    total, current = 0, 0
    tokens = [t for t in re.split(r"[\s-]+", text.lower()) if t and t != "and"]
    if not tokens:
        return None
    for t in tokens:
        if t == "hundred":  # "two hundred", or "hundred" alone
            current = (current or 1) * 100
        elif t in _SCALES:  # "… million": what came before is that many millions
            total, current = total + (current or 1) * _SCALES[t], 0
        elif t in NUMBER_WORDS:
            current += NUMBER_WORDS[t]
        elif t in ORDINAL_WORDS:
            current += ORDINAL_WORDS[t]
        else:
            return None
    return float(total + current) or None


def _same_word(a: str, b: str) -> bool:
    """Stems equal, or one a prefix of the other ("memoranda"/"memorandum", "F-35s"/"F-35")."""
    sa, sb = stem(normalize_word(a)), stem(normalize_word(b))
    if sa == sb:
        return True
    short, long_ = sorted((sa, sb), key=len)
    return len(short) >= 4 and long_.startswith(short[: max(4, len(short) - 2)])


def counts_noun(text: str, figure: Figure, noun: str) -> bool:
    """Does the figure count ``noun``: the noun (or its spelled-out acronym) follows within a few modifier
    words ("17th such memorandum", "two new MOUs") with no preposition or verb in between?"""
    if not figure.counts and not (figure.kind == Kind.DURATION and TIME_UNIT.fullmatch(noun)):
        return False  # a duration counts only a unit of time ("How many years …?" — "thirty years")
    after = re.findall(r"\S+", text[figure.end:])[: _MODIFIER_MAX + 4]
    acronyms = query_acronyms(noun)
    for i, token in enumerate(after[: _MODIFIER_MAX + 1]):
        bare = token.strip(",.;:()\"“”'’")
        window = " ".join(after[i : i + 5])
        if any(_same_word(noun, w) for w in words(bare)) or (acronyms and _starts_spelled(acronyms[0], window)):
            return True
        if bare.lower() in _BREAKERS:
            return False
    return False


def _starts_spelled(acronym: str, window: str) -> bool:
    first = words(window)[:1]
    return bool(first) and first[0][:1].lower() == acronym[:1] and spells_out(acronym, window)


def counting(text: str, nouns: tuple[str, ...] | list[str]) -> list[Figure]:
    """The figures of ``text`` that count any of ``nouns`` (none when no noun is given)."""
    return [f for f in figures(text) if any(counts_noun(text, f, n) for n in nouns)]


_INAUGURAL = re.compile(r"\binaugural\b", re.I)
_ORDINAL_DIGITS = re.compile(r"(?<![\w.])(\d{1,3})(?:st|nd|rd|th)\b", re.I)
_ORDINAL_WORD = re.compile(
    r"\b(?:(?P<tens>" + "|".join(TENS_WORDS) + r")[\s-])?(?P<unit>"
    + "|".join(sorted(textutil.ORDINAL_WORDS, key=len, reverse=True)) + r")\b",
    re.I,
)


def ordinal_values(text: str) -> frozenset[int]:
    """The ordinals a text names, by value: "the 18th MoU", "the eighth Strategic Dialogue", "its twenty-seventh
    session" → {18, 8, 27}; "inaugural" is 1.

    Why by value: a question about "the ninth U.S.-UAE dialogue" is not answered by a statement that only speaks of
    "the Eighth" — and "9th" and "ninth" are the same ordinal."""
    out = {int(m.group(1)) for m in _ORDINAL_DIGITS.finditer(text)}
    if _INAUGURAL.search(text):
        out.add(1)  # "the Inaugural U.S.-EU Trade and Technology Council Meeting" is its first
    for m in _ORDINAL_WORD.finditer(text):
        if m.group()[:1].isupper() and _TITLE_AFTER.match(text, m.end()):
            continue  # "First Lady"
        tens = TENS_WORDS[m.group("tens").lower()] if m.group("tens") else 0
        out.add(tens + textutil.ORDINAL_WORDS[m.group("unit").lower()])
    return frozenset(out)
