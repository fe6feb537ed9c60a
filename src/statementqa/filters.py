"""Question filters (issuer, date range) checked against what is indexed, before anything is retrieved.

Why check first: a filter that selects no statement makes every answer a refusal ("The indexed
statements do not say …"), which reads as a finding about the statements when it is really a typo
in ``--source`` or a date range that holds nothing. So a filter that matches nothing is an input
error that says why and what exists instead, and nothing is answered.

Near-miss issuer names are *not* auto-corrected: the issuer filter is part of the claim an analyst
makes ("statements by X say …"), and a fuzzy match can pick a different body ("Ministry of Defence"
vs "Ministry of Defence of Ukraine"), so they are refused with "Did you mean …" suggestions. Only
spellings that name the same issuer — differing in case, spacing, accents or punctuation
("u.s. department of state" for "U.S. Department of State") — are accepted, and the answer's notice
says which issuer was used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

from statementqa.textutil import strip_accents

MAX_LISTED_ISSUERS = 12


class UserInputError(ValueError):
    """A question or filter the user must change; the message says what and how (nothing was answered)."""


class QuestionTooLongError(UserInputError):
    """The question is over ``Settings.max_question_chars``."""


class FilterError(UserInputError):
    """The filters select no indexed statement; ``suggestions`` are issuer names close to a misspelled one."""

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.suggestions = list(suggestions)


@dataclass(frozen=True)
class IssuerMatch:
    """How one requested issuer name resolved: the indexed name, or None with suggestions."""

    requested: str
    issuer: str | None
    suggestions: tuple[str, ...] = ()


def issuer_key(name: str) -> str:
    """The spelling-insensitive form of an issuer name: case, accents, punctuation and spacing dropped."""
    text = strip_accents(name or "").casefold()
    text = re.sub(r"[^\w\s]", "", text.replace("&", " and "))
    return " ".join(text.split())


def _token_close(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 4 and SequenceMatcher(None, a, b).ratio() >= 0.8)


_GLUE = frozenset({"of", "the", "and", "for", "on", "in", "de", "des", "du", "la", "le"})


def _similarity(asked: str, known: str) -> float:
    """0..1: how likely ``known`` is the issuer meant by ``asked`` (both already ``issuer_key``-ed).

    Either the whole name is a close respelling ("Ministry of Foriegn Affairs"), or every content word
    typed is (nearly) a word of the indexed name and they make up much of it ("White House",
    "State Department"); a shared "Department of" alone is not enough ("Department of Defense").
    """
    if not asked or not known:
        return 0.0
    whole = SequenceMatcher(None, asked, known).ratio()
    a = [w for w in asked.split() if w not in _GLUE] or asked.split()
    k = [w for w in known.split() if w not in _GLUE] or known.split()
    covered = sum(any(_token_close(w, x) for x in k) for w in a) / len(a)
    share = sum(any(_token_close(x, w) for w in a) for x in k) / len(k)
    words = 0.6 + 0.4 * share if covered == 1.0 else 0.0
    return max(whole if whole >= 0.8 else 0.0, words)


def suggest_issuers(asked: str, known: Sequence[str], limit: int = 3, cutoff: float = 0.6) -> list[str]:
    """Indexed issuer names close to ``asked``, best first."""
    key = issuer_key(asked)
    scored = sorted(((_similarity(key, issuer_key(k)), k) for k in known), key=lambda t: (-t[0], t[1]))
    return [k for score, k in scored if score >= cutoff][:limit]


def match_issuer(asked: str, known: Sequence[str]) -> IssuerMatch:
    """The indexed issuer ``asked`` names (same name up to spelling), else None with suggestions."""
    if asked in known:
        return IssuerMatch(asked, asked)
    key = issuer_key(asked)
    same = [k for k in known if issuer_key(k) == key]
    if len(same) == 1:
        return IssuerMatch(asked, same[0])
    return IssuerMatch(asked, None, tuple(same or suggest_issuers(asked, known)))


def _listing(known: Sequence[str]) -> str:
    names = sorted(known)
    shown = ", ".join(f"“{n}”" for n in names[:MAX_LISTED_ISSUERS])
    more = len(names) - MAX_LISTED_ISSUERS
    return shown + (f" and {more} more (`statementqa stats` lists them all)" if more > 0 else "")


def unknown_issuers_message(misses: Sequence[IssuerMatch], known: Sequence[str]) -> str:
    """'No statement matches the filters: there is no issuer “X” …' with suggestions and the issuer list."""
    parts: list[str] = []
    for m in misses:
        text = f"there is no issuer “{m.requested}” in this index"
        if m.suggestions:
            text += ". Did you mean " + " or ".join(f"“{s}”" for s in m.suggestions) + "?"
        else:
            text += "."
        parts.append(text)
    issuers = f" Issuers in this index: {_listing(known)}." if known else " The index holds no statement yet."
    return "No statement matches the filters: " + " ".join(parts) + issuers


def span_text(since: date | None, until: date | None) -> str:
    if since and until:
        return f"between {since.isoformat()} and {until.isoformat()}"
    if since:
        return f"on or after {since.isoformat()}"
    return f"on or before {until.isoformat()}" if until else "at any date"
