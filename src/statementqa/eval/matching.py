"""Answer matching (pure): does a given answer contain the expected one? Numbers, dates, yes/no, text.

Both sides are compared in ``textutil.fold_for_matching`` form (lower-cased, accents and typography folded);
number words and month names are textutil's, the same ones the reader's figures use.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from statementqa.textutil import MONTH_NAME, ORDINAL_WORDS, TENS_WORDS, UNIT_WORDS, fold_for_matching, month_number

_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
           "k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9}

_NUMBER_WORDS = sorted([*UNIT_WORDS, *TENS_WORDS, *ORDINAL_WORDS], key=len, reverse=True)
_WORD_NUM_RE = re.compile(
    r"\b(?:(?:" + "|".join(TENS_WORDS) + r")[\s-](?:" + "|".join([*UNIT_WORDS, *ORDINAL_WORDS]) + r")|"
    + "|".join(_NUMBER_WORDS) + r")\b"
)
_DIGIT_NUM_RE = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:st|nd|rd|th)?\b")
_SCALE_RE = re.compile(r"\s*(?:-\s*)?(hundred|thousand|million|billion|trillion|bn|mn|k|m|b)\b")


def _word_value(word: str) -> float:
    """The value of a number word or a tens compound ("seventeenth" 17, "twenty-one" 21, "thirty-first" 31)."""
    parts = re.split(r"[\s-]", word)
    if len(parts) == 2:
        return TENS_WORDS[parts[0]] + _single_word_value(parts[1])
    return _single_word_value(word)


def _single_word_value(word: str) -> float:
    for table in (UNIT_WORDS, TENS_WORDS, ORDINAL_WORDS):
        if word in table:
            return float(table[word])
    raise KeyError(word)


def extract_numbers(text: str) -> set[float]:
    """Every quantity in ``text``: digits, number words and ordinals, with and without a scale word.

    ``"$4.5 billion"`` yields {4.5, 4.5e9}; ``"17th"``, ``"seventeenth"`` and ``"seventeen"`` yield {17}.
    """
    norm = fold_for_matching(text)
    values: set[float] = set()
    spans: list[tuple[float, int]] = []
    for m in _DIGIT_NUM_RE.finditer(norm):
        spans.append((float(m.group(1).replace(",", "")), m.end()))
    for m in _WORD_NUM_RE.finditer(norm):
        spans.append((_word_value(m.group(0)), m.end()))
    for value, end in spans:
        values.add(value)
        scale = _SCALE_RE.match(norm, end)
        if scale:
            values.add(round(value * _SCALES[scale.group(1)], 6))
    return values


_ISO_RE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
# On folded (lower-cased) text; the month is any spelling textutil.MONTH_NAME accepts ("sept.", "april").
_MDY_RE = re.compile(rf"\b({MONTH_NAME})\.? (\d{{1,2}})(?:st|nd|rd|th)?(?:,? (\d{{4}}))?\b", re.I)
_DMY_RE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({MONTH_NAME})\.?(?:,? (\d{{4}}))?\b", re.I)
_MY_RE = re.compile(rf"\b({MONTH_NAME})\.?,? (\d{{4}})\b", re.I)
_SLASH_RE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")

DateParts = tuple[int | None, int | None, int | None]  # (year, month, day); None = not given


def extract_dates(text: str) -> set[DateParts]:
    """Dates in common forms: 2023-04-04, April 4, 2023, 4 April 2023, April 2023, 04/04/2023 (US order)."""
    norm = fold_for_matching(text)
    found: set[DateParts] = set()
    for y, mo, d in _ISO_RE.findall(norm):
        found.add((int(y), int(mo), int(d)))
    for mon, d, y in _MDY_RE.findall(norm):
        if 1 <= int(d) <= 31:
            found.add((int(y) if y else None, month_number(mon), int(d)))
    for d, mon, y in _DMY_RE.findall(norm):
        if 1 <= int(d) <= 31:
            found.add((int(y) if y else None, month_number(mon), int(d)))
    for mon, y in _MY_RE.findall(norm):
        found.add((int(y), month_number(mon), None))
    for mo, d, y in _SLASH_RE.findall(norm):
        if 1 <= int(mo) <= 12:
            found.add((int(y), int(mo), int(d)))
    return found


def _date_matches(expected: DateParts, given: Iterable[DateParts]) -> bool:
    """Every part the expected date fixes must agree; a given date may omit the year."""
    ey, em, ed = expected
    for gy, gm, gd in given:
        if em != gm:
            continue
        if ed is not None and gd != ed:
            continue
        if ey is not None and gy is not None and gy != ey:
            continue
        if gy is None and ed is None:  # "May" alone says nothing about "May 2022"
            continue
        return True
    return False


def _is_number_like(expected: str) -> bool:
    """An expected answer that is essentially a quantity ("17th", "$4.5 billion", "more than 30", "six")."""
    norm = fold_for_matching(expected)
    rest = _WORD_NUM_RE.sub(" ", _DIGIT_NUM_RE.sub(" ", norm))
    rest = re.sub(r"\b(more|than|over|about|approximately|nearly|up|to|some|around|percent|foot|feet|"
                  r"hundred|thousand|million|billion|trillion|bn|mn)\b", " ", rest)
    rest = _CURRENCY_RE.sub(" ", rest)
    return bool(extract_numbers(expected)) and not re.sub(r"[\s$%.,-]", "", rest)


# The currency of an amount, as "$" always was: "US$1.2 billion", "1.2 billion dollars" and "€600 million" are
# amounts, compared by value like "$4.5 billion" (the currency itself is not checked).
_CURRENCY_RE = re.compile(r"\bu\.?s\.?\s?(?=\$|dollars?\b)|\b(?:usd|eur|gbp|dollars?|euros?|pounds?)\b|[€£]")


def match_part(expected: str, given: str) -> bool:
    """Does ``given`` contain the expected answer part (a date, a number, yes/no, or text)?

    ``"Czechia|Czech Republic"`` lists alternatives for one part.
    """
    if "|" in expected:
        return any(match_part(alt, given) for alt in expected.split("|") if alt.strip())
    norm_exp = fold_for_matching(expected)
    norm_given = fold_for_matching(given)
    if norm_exp in ("yes", "no"):
        return re.match(rf"^\W*{norm_exp}\b", norm_given) is not None
    exp_dates = extract_dates(expected)
    if exp_dates and len(norm_exp) <= 20:
        return any(_date_matches(d, extract_dates(given)) for d in exp_dates)
    if _is_number_like(expected):
        target = max(extract_numbers(expected))  # the scaled value: "4.5 billion" -> 4.5e9
        return any(math.isclose(target, v, rel_tol=1e-9) for v in extract_numbers(given))
    return re.search(rf"(?<!\w){re.escape(norm_exp)}(?!\w)", norm_given) is not None


def answer_correct(answers: Sequence[str | list[str]], given: str) -> bool:
    """Any acceptable answer matches; a list entry matches only when all its parts do."""
    for ans in answers:
        parts = [ans] if isinstance(ans, str) else ans
        if parts and all(match_part(p, given) for p in parts):
            return True
    return False
