"""Dates of statements: a date field in a common form, or the first clear date near a text's start.

Why careful: a wrong date is worse than none (it sorts a statement first in "latest" questions or drops
it out of a date filter), so only full calendar dates count ("today", "30 years ago" and year-less dates
do not), a found date must be plausible (1900..tomorrow), and a given date outside that range is an
error the user is told about, not silently dropped.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from statementqa.ingest.common import _Bad
from statementqa.textutil import month_number

DATE_SEARCH_CHARS = 300  # a statement's own date sits in its dateline / first paragraph
DATE_LANGUAGES = ["en"]  # fewer languages: faster and far fewer false dates
_MIN_YEAR = 1900


_ISO_RE = re.compile(r"(?<![\d.\-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d\-])(?:[T ][0-9:.+\-Z]*)?")
_DOTTED_RE = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)")  # European day.month.year
_MONTH = r"(?P<month>[A-Z][A-Za-z]{2,8})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_TEXT_DATE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (_ISO_RE, "ymd"),
    (_DOTTED_RE, "dmy"),
    # "May 30, 2024", "MAY 30, 2024", "Sept. 5 2024", "June 29-30, 2022" (a range starts on its first day)
    (re.compile(rf"\b{_MONTH}\s+{_DAY}(?:\s*[-–]\s*\d{{1,2}})?,?\s+(?P<year>\d{{4}})(?!\d)"), "named"),
    # "30 May 2024", "30th of May, 2024"
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})(?!\d)"), "named"),
]
_DATE_SETTINGS: dict[str, Any] = {
    "STRICT_PARSING": True,  # day, month and year must all be present
    "PARSERS": ["absolute-time"],  # never "today", "two days ago", ...
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PREFER_DAY_OF_MONTH": "first",
}


def parse_date(value: str) -> str | None:
    """A full calendar date in a common form (ISO, "May 30, 2024", "30 May 2024", "30.05.2024")
    → ISO ``yyyy-mm-dd``; ``None`` when it is not one."""
    value = value.strip()
    if not value or len(value) > 80:  # a date, not a sentence
        return None
    for pattern, order in ((_ISO_RE, "ymd"), (_DOTTED_RE, "dmy")):
        match = pattern.fullmatch(value)
        if match:
            return _ymd(match, order)
    import dateparser

    try:
        parsed = dateparser.parse(value, languages=DATE_LANGUAGES, settings=_DATE_SETTINGS)
    except Exception:  # dateparser can trip on odd input; for us that just means "not a date"
        return None
    return parsed.date().isoformat() if parsed else None


def find_date(text: str) -> str | None:
    """The first clear, plausible date (1900..today, with day, month and year) near the start of a text.

    Why regexes and not ``dateparser.search``: the search also returns "today", "30 years ago" and
    year-less "October 13" (all wrong for a statement's date) and costs ~50 ms per document.
    """
    head = text[:DATE_SEARCH_CHARS]
    candidates: list[tuple[int, str]] = []
    for pattern, order in _TEXT_DATE_PATTERNS:
        for match in pattern.finditer(head):
            iso = _ymd(match, order)
            if iso and _plausible(iso):
                candidates.append((match.start(), iso))
    return min(candidates)[1] if candidates else None


def _ymd(match: re.Match[str], order: str) -> str | None:
    """A regex match → ISO date, or None if it names no real calendar day (or no month)."""
    if order == "named":
        month = month_number(match.group("month"))
        year, day = int(match.group("year")), int(match.group("day"))
    else:
        a, b, c = (int(g) for g in match.groups()[:3])
        year, month, day = (a, b, c) if order == "ymd" else (c, b, a)
    try:
        return date(year, month, day).isoformat() if month else None
    except ValueError:
        return None


def _latest_date() -> str:
    """Today, plus a day: a statement published in a time zone ahead of ours is dated "tomorrow"."""
    return (datetime.now().date() + timedelta(days=1)).isoformat()


def _plausible(iso: str) -> bool:
    return _MIN_YEAR <= int(iso[:4]) and iso <= _latest_date()


def _in_range(iso: str, what: str) -> str:
    """A given date must be one a statement can have: not in the future, not before 1900. Rejected, not
    dropped: a typo such as 2999 would otherwise sort first in "latest" questions or drop out of filters."""
    if iso > _latest_date():
        raise _Bad(f"{what} is in the future (after {_latest_date()}) — fix the date (YYYY-MM-DD) or leave it empty")
    if int(iso[:4]) < _MIN_YEAR:
        raise _Bad(f"{what} is before {_MIN_YEAR} — fix the date (YYYY-MM-DD) or leave it empty")
    return iso
