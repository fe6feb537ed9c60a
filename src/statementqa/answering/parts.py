"""The parts of a multi-part question: what the reader reads for each part, and the query that retrieves it.

Why not "the part plus the whole question": a later part is elliptical ("…, and how many according to his
statement marking 900,000 deaths?", "…, and where was its March 19 follow-up?"), and the whole question is
dominated by the first part's words and scope, so the first part's statement was retrieved again. Each part
instead keeps the question's shared topic (what the part leaves out) and its *own* scope:

- Gapping — "How many X did Y in A, and how many in B?": the second part repeats the first with its phrase
  "in A" replaced, so it is read and retrieved as the standalone "How many X did Y in B".
- A part that names a date of its own is retrieved with the other parts' dates left out, and its own periods are
  the only ones the ranker weighs ("in the July 2021 statement, and how many in October 2021?").
- A day or month without a year takes the year the rest of the question names ("February 2023 …, and its March
  19 follow-up" → 19 March 2023), for the reader and the ranker's period evidence (the year is not added to the
  searched words: "2023" would match every "… Act of 2023").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from statementqa.answering.kinds import BARE_WH, split_parts
from statementqa.question import Question, parse_question, periods_in
from statementqa.textutil import MONTH_NAME, ORDINAL_WORDS

_YEAR = r"(?:19|20)\d{2}"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# A date as a question writes it: "July 2021", "March 19", "19 March 2023", "mid-September", "spring 2022", "2021".
_DATE = re.compile(
    rf"\b(?:(?:early|mid|late)[\s-]+)?(?:{_DAY}\s+(?:of\s+)?)?{MONTH_NAME}\.?(?:\s+{_DAY}\b)?(?:,?\s+{_YEAR})?\b"
    rf"|\b(?:spring|summer|fall|autumn|winter)\s+(?:of\s+)?{_YEAR}\b|\b{_YEAR}\b",
    re.I,
)
_YEAR_IN = re.compile(rf"\b{_YEAR}\b")
_NO_YEAR = re.compile(rf"\b((?:{_DAY}\s+(?:of\s+)?)?{MONTH_NAME}\.?(?:\s+{_DAY}\b)?)(?!,?\s+{_YEAR})\b", re.I)
# "…, and how many according to B" / "…, and where in B": a question word, then the phrase that replaces one
# of the first part's ("of" is not one: "how many of them" refers back, it does not replace).
_GAP = re.compile(
    r"^\s*(how many|how much|how far|how long|how old|what|which|who|whom|where|when)\s+"
    r"(according to|as of|in|at|on|by|for|from|during|after|before|under|since|through|per)\s+(.+)$",
    re.I | re.S,
)


@dataclass(frozen=True)
class Part:
    """One part of a question: ``text`` as the reader answers it, ``query`` as its statements are retrieved."""

    text: str
    query: Question


_ORDINAL = rf"(?:{'|'.join(sorted(ORDINAL_WORDS, key=len, reverse=True))}|\d{{1,2}}(?:st|nd|rd|th))"
# "the first and second ministerial meetings", "the Geneva and the Stockholm joint statements": two modifiers of
# one plural noun, each naming a thing of its own (two ordinals, or two capitalized words after "the").
_COORDINATED = re.compile(
    rf"\b(?P<a>{_ORDINAL})\s+and\s+(?:the\s+)?(?P<b>{_ORDINAL})\s+"
    r"|\bthe\s+(?P<c>[A-Z][a-z]+)\s+and\s+(?:the\s+)?(?P<d>[A-Z][a-z]+)\s+(?!and\b)",
    re.I,
)
_PLURAL_AFTER = re.compile(r"^(?:\S+\s+){0,3}?[a-z][a-z-]*[^su\W]s\b")  # "… US-China joint statements"
_WH_START = re.compile(r"^\s*(?:\w+\s+){0,2}?(?:how|what|which|who|whom|where|when)\b", re.I)


def coordinated(question: str) -> list[str] | None:
    """The two questions a coordinated pair of modifiers asks ("Where were the first and second meetings of the
    Council held?" → "Where were the first meetings …", "Where were the second meetings …"), or None.

    Why: one answer cannot name two meetings' places, and the whole question retrieves only the statement that
    matches it best; each conjunct is a part, answered from its own statement."""
    if not _WH_START.match(question):
        return None
    for m in _COORDINATED.finditer(question):
        a, b = (m.group("a"), m.group("b")) if m.group("a") else (m.group("c"), m.group("d"))
        ordinals = all(re.fullmatch(_ORDINAL, w, re.I) for w in (a, b))
        if not ordinals and not (a[0].isupper() and b[0].isupper()):
            continue  # re.I lets "the report and the" through; capitalized words only
        if not _PLURAL_AFTER.match(question[m.end():]):
            continue  # "the President and First Lady host": no plural noun the two modify
        head = question[: m.start()] + ("the " if m.group("c") else "")
        tail = question[m.end():]
        return [f"{head}{a} {tail}".strip(), f"{head}{b} {tail}".strip()]
    return None


_NAMED = r"(?:the\s+)?[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3}"
_PAIR = re.compile(rf"\b(?P<a>{_NAMED})\s+and\s+(?P<b>{_NAMED})\b")
_EACH = re.compile(r"\beach\b(?!\s+(?:other|of|year|day|month|time|week)\b)", re.I)


def distributed(question: str) -> list[str] | None:
    """The two questions a question about "each" of two named things asks ("Romania and Bahrain signed the
    Accords in early 2022. Which signatory number did each become?" → "Romania signed … did Romania become?",
    "Bahrain signed … did Bahrain become?"), or None.

    Why: "each" asks the same thing of both, and each may be answered by a statement of its own."""
    each = _EACH.search(question)
    if each is None:
        return None
    pairs = list(_PAIR.finditer(question, 0, each.start()))
    if len(pairs) != 1 or "?" not in question:
        return None  # no pair of names, or several: which one "each" means is not clear
    m = pairs[0]
    between = question[m.end():each.start()]
    again = not between.strip()  # "did the US and Japan each pledge" names them once; "… did each become" twice
    return [re.sub(r"\s{2,}", " ", question[:m.start()] + name + (between if again else between + name)
                   + question[each.end():]) for name in (m.group("a"), m.group("b"))]


def question_parts(question: str) -> list[Part]:
    """Each part of ``question`` with its reading and its retrieval query (one part: the question itself)."""
    texts = split_parts(question)
    if len(texts) == 1:
        pair = coordinated(question) or distributed(question)
        if pair is None:
            return [Part(texts[0], parse_question(question))]
        return [Part(t, parse_question(t)) for t in pair]
    texts = shared_scope([_ask_again(t, texts[0]) if i else t for i, t in enumerate(texts)])
    out: list[Part] = []
    standalone: list[str] = []  # each part resolved, without inherited years (the searched words)
    for i, own in enumerate(texts):
        others = [t for j, t in enumerate(texts) if j != i]
        resolved = _resolve_gap(own, standalone[-1]) if standalone else None
        dated = inherit_year(own, others)
        text = (_resolve_gap(dated, out[-1].text) if out else None) or dated
        query = parse_question(resolved or f"{own} {_context(question, texts, i)}")
        out.append(Part(text, replace(query, periods=periods_in(text) or query.periods)))
        standalone.append(resolved or own)
    return out


# "…, and at what price, when Biden welcomed its choice in December 2021?": a clause after the last part's own
# words that scopes the whole question (a time, a source), not only that part.
_TRAILING_SCOPE = re.compile(
    r",\s+((?:when|while|after|before|during|following|according to|as of|per|under|in|at|on)\b[^,]+)$", re.I)


# The question phrase a first part opens with, which a bare "where" replaces: "On what date", "When", "How many".
_OPENING_WH = re.compile(
    r"^(?:(?:on|in|at|by|for|from|until|to)\s+)?(?:what|which)\s+(?:date|day|year|month|time)\b"
    r"|^(?:how\s+(?:long|much|many|far)|when|where|who|whom|what|which)\b", re.I)


def _ask_again(part: str, first: str) -> str:
    """A bare question-word part asked of the first part ("When was the Agreement signed, and where?" →
    "where was the Agreement signed"); any other part as it is. Why: "where" alone has no word to retrieve or
    read a sentence by, so the part was dropped and only the date answered."""
    if not BARE_WH.fullmatch(part):
        return part
    m = _OPENING_WH.match(first)
    return part if m is None else f"{part}{first[m.end():]}"


def shared_scope(texts: list[str]) -> list[str]:
    """The parts, each earlier part given the scope clause that ends the last one ("How many F-35s did Finland
    agree to buy" + ", when Biden welcomed its choice … in December 2021"). Why: read without it, the first part
    has lost the date that says which statement answers it, and a neighbouring statement's figure looks like the
    answer."""
    m = _TRAILING_SCOPE.search(texts[-1])
    if m is None or len(texts) < 2 or not texts[-1][: m.start()].strip():
        return texts
    clause = m.group(1)
    return [t if clause in t else f"{t}, {clause}" for t in texts[:-1]] + [texts[-1]]


def inherit_year(part: str, others: list[str]) -> str:
    """``part`` with a year after each day or month it names without one, when the other parts name exactly one
    year ("its March 19 follow-up" after "the February 2023 meeting" → "its March 19, 2023 follow-up")."""
    years = set(_YEAR_IN.findall(" ".join(others)))
    if len(years) != 1 or _YEAR_IN.search(part):
        return part
    year = years.pop()
    return _NO_YEAR.sub(lambda m: f"{m.group(1)}, {year}" if m.group(1)[-1].isdigit() else f"{m.group(1)} {year}",
                        part)


def _resolve_gap(part: str, earlier: str | None) -> str | None:
    """The earlier part with its phrase that ``part``'s replaces ("How many X did Y in A" + "how many in B" →
    "How many X did Y in B"), or None when ``part`` is not such a gap. The replaced phrase is the earlier part's
    phrase with the same preposition — the one holding a date when the new phrase holds one, else the last."""
    m = _GAP.match(part)
    if earlier is None or m is None:
        return None
    prep, phrase = m.group(2), m.group(3)
    found = [h for h in re.finditer(rf"\b{re.escape(prep)}\b", earlier, re.I)]
    if not found:
        return None
    spans = [(h.start(), _phrase_end(earlier, h.end())) for h in found]
    if _DATE.search(phrase):
        spans = [s for s in spans if _DATE.search(earlier[s[0] : s[1]])] or spans
    start, end = spans[-1]
    return f"{earlier[:start]}{prep} {phrase}{earlier[end:]}".strip()


def _phrase_end(text: str, start: int) -> int:
    """Where the phrase opened at ``start`` ends: the next comma (not one inside "800,000"), or the part's end."""
    comma = re.compile(r",\s").search(text, start)
    return len(text) if comma is None else comma.start()


def _context(question: str, texts: list[str], i: int) -> str:
    """The question for part ``i``'s query: as asked, or — when the part names a date of its own — with the
    other parts' dates left out, so that its scope, not theirs, is searched."""
    if not _DATE.search(texts[i]):
        return question
    kept = [t if j == i else _without_dates(t) for j, t in enumerate(texts)]
    return ", and ".join(kept)


def _without_dates(text: str) -> str:
    """``text`` without its dates and the prepositions that introduce them ("By November 2023, how many …")."""
    text = re.sub(rf"(?:\b(?:in|on|by|of|at|from|since|during|until|through)\s+)?(?:{_DATE.pattern})", " ", text,
                  flags=re.I)
    return re.sub(r"\s+([,;])", r"\1", re.sub(r"\s+", " ", text)).strip(" ,;")
