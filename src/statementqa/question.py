"""Question analysis: a question is parsed once into a typed ``Question`` that retrieval and answering share.

Why one parse: what a question asks for (a count of what, the latest statement, a period) changes how
statements are ranked and which sentence answers; parsing it in one place keeps the stages agreeing on it.
Scope stated in the question ("in spring 2021", "on May 12, 2023", "per the State Department") is *soft*
evidence for ranking; the user's explicit filters stay hard filters (``filters.py``).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from statementqa.textutil import (
    MONTH_NAME,
    STOPWORDS,
    UNIT_WORDS,
    acronym_terms,
    compound_terms,
    month_number,
    normalize_word,
    present,
    query_acronyms,
    terms,
    words,
)


class Order(StrEnum):
    """The question asks for a statement by its date."""

    LATEST = "latest"
    EARLIEST = "earliest"


@dataclass(frozen=True)
class Period:
    """A calendar period named in a question: a year, a month range of a year, or one day."""

    year: int
    first_month: int = 1
    last_month: int = 12
    day: int | None = None

    def contains(self, iso: str | None, slack_days: int = 1) -> bool:
        """Is a statement dated ``iso`` inside the period (a day allows ``slack_days`` either side)?"""
        d = _iso(iso)
        if d is None:
            return False
        if self.day is not None:
            try:
                target = date(self.year, self.first_month, self.day)
            except ValueError:
                return False
            return abs((d - target).days) <= slack_days
        return d.year == self.year and self.first_month <= d.month <= self.last_month

    @property
    def is_month(self) -> bool:
        return self.day is None and self.last_month - self.first_month < 11


@dataclass(frozen=True)
class Question:
    """What every stage needs to know about a question (immutable: parsed once)."""

    text: str
    terms: tuple[str, ...]  # stemmed index terms, deduplicated, in order
    acronyms: tuple[str, ...]  # acronym-like tokens the user typed ("mou", "nato")
    acronym_terms: Mapping[str, str]  # their index terms → the acronym ("mous" → "mou"), for textutil.present
    compound_terms: Mapping[str, tuple[str, ...]]  # hyphenated terms → their parts' terms, for textutil.present
    counted: tuple[str, ...]  # what a how-many question counts ("MoUs", "Ukrainian refugees")
    order: Order | None
    periods: tuple[Period, ...]
    quotes: tuple[str, ...] = ()  # the words the question quotes ("Who said 'leadership is partnership'?")
    items: int = 1  # how many things it asks for ("Which two countries joined …?" → 2)
    dated_statement: bool = False  # it names the statement by its date ("according to Biden's mid-July statement")
    focus: tuple[str, ...] = ()  # words of the thing it asks for by name ("What was the vote tally …?" → vote, tally)
    orders_event: bool = False  # its order word orders an event, not a statement (``orders_event``)

    def found_in(self, text: str) -> set[str]:
        """The terms of ``text``, with the question's acronyms and compounds read as ``text`` writes them."""
        return present(text, self.acronym_terms, self.compound_terms)

    @property
    def is_count(self) -> bool:
        return bool(_COUNT.search(self.text))


_MONTH = MONTH_NAME  # compiled with re.I below
_YEAR = r"((?:19|20)\d{2})"
_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\.?,?\s+{_YEAR}\b", re.I)
_MONTH_FIRST = re.compile(rf"\b({_MONTH})\.?\s+(?:(\d{{1,2}})(?:st|nd|rd|th)?,?\s+)?{_YEAR}\b", re.I)
_ISO = re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")
_SEASON = re.compile(
    rf"\b(spring|summer|fall|autumn|winter|early|late|mid|first half of|second half of)[\s-]+{_YEAR}\b", re.I
)
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "fall": (9, 11), "autumn": (9, 11), "winter": (1, 2),
            "early": (1, 4), "mid": (5, 8), "late": (9, 12), "first half of": (1, 6), "second half of": (7, 12)}
_BARE_YEAR = re.compile(rf"\b{_YEAR}\b")
# A month without a year ("Biden's mid-July statement", "on July 14"), capitalized as written (not "may"), and
# not a surname ("Theresa May"): dated by the question's one year, when it names exactly one.
_BARE_MONTH = re.compile(rf"\b({_MONTH})\b(?!\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?{_YEAR})"
                         r"(?:\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?!,?\s*\d))?")
_NAME_BEFORE = re.compile(r"(?<![\w.])(?!(?:In|On|By|Since|From|During|Until|Of|For|Before|After|Mid|Early|Late)\b)"
                          r"[A-Z][a-z]+\s+$")
_NAMED_YEAR = re.compile(rf"(?<![\w.])(?!{_MONTH}\b)(?!(?:In|On|By|Since|From|During|Until|Of|For|Before|After)\b)"
                         r"[A-Z][a-z][A-Za-z]*\s+$")  # "Expo 2027"; not "NATO 2023 summit" (an acronym)

_RELEASE = (r"(?:statements?|readouts?|releases?|announcements?|fact sheets?|updates?|reports?|briefings?|remarks|"
            r"mentions?|comments?|calls?|meetings?|visits?|messages?|notices?|letters?|time|word|count|figure|tally)")
_VERB = (r"(?:\w+ed|speak|spoke|issue|announce|call|put|publish|mention|use|meet|met|say|said|describe|refer|visit|"
         r"release|sign|report|welcome|host|name|nominate|appoint|comment|address|discuss|raise|tweet|write|wrote|"
         r"express|condemn|praise|launch|unveil|make|made|hold|held)")
# Words that ask for a statement by its date; "the first country to join" or "last week" do not.
_ANNOUNCED = r"(?:announced|released|issued|published|reported|named|mentioned)"
_LATEST = re.compile(rf"\b(?:latest|most recent(?:ly)?|newest|current(?:ly)?"
                     rf"|(?:last|final)\s+(?:\S+\s+){{0,2}}{_RELEASE}|(?:last|recently)\s+{_VERB}"
                     rf"|last\s+(?:\S+\s+){{1,4}}{_ANNOUNCED})\b", re.I)
_EARLIEST = re.compile(rf"\b(?:earliest|oldest|first\s+(?:\S+\s+){{0,2}}{_RELEASE}|first\s+(?:{_VERB}|appear\w*)"
                       rf"|initially)\b", re.I)
_COUNT = re.compile(r"\bhow many\b|\bnumber of\b|\bcount of\b", re.I)
_SKIPPED = {"more", "fewer", "total", "exactly", "approximately", "roughly", "new", "additional", "separate",
            "different", "individual", "such"}  # modifiers: what is counted follows them
COUNTED_WORDS = 4


def _iso(value: str | None) -> date | None:
    if not value or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _month(name: str) -> int:
    """The month a MONTH_NAME match names (textutil.month_number; the pattern guarantees one)."""
    n = month_number(name)
    assert n is not None, name
    return n


def periods_in(text: str) -> tuple[Period, ...]:
    """Calendar periods a question names: days, months, seasons/halves, years (most specific first)."""
    found: list[tuple[int, Period]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], period: Period) -> None:
        if any(m.start() < e and s < m.end() for s, e in taken):
            return
        taken.append(m.span())
        found.append((m.start(), period))

    for m in _ISO.finditer(text):
        add(m, Period(int(m.group(1)), int(m.group(2)), int(m.group(2)), int(m.group(3))))
    for m in _DAY_FIRST.finditer(text):
        mo = _month(m.group(2))
        add(m, Period(int(m.group(3)), mo, mo, int(m.group(1))))
    for m in _MONTH_FIRST.finditer(text):
        mo = _month(m.group(1))
        add(m, Period(int(m.group(3)), mo, mo, int(m.group(2)) if m.group(2) else None))
    for m in _SEASON.finditer(text):
        lo, hi = _SEASONS[m.group(1).lower()]
        add(m, Period(int(m.group(2)), lo, hi))
    for m in _BARE_YEAR.finditer(text):
        if _NAMED_YEAR.search(text[: m.start()]):
            continue  # "Expo 2027", "Vision 2030": the year is part of a name, not when anything happened
        add(m, Period(int(m.group(1))))
    years = {p.year for _, p in found}
    if len(years) == 1:
        year = years.pop()
        for m in _BARE_MONTH.finditer(text):
            if not _NAME_BEFORE.search(text[: m.start()]):
                mo = _month(m.group(1))
                add(m, Period(year, mo, mo, int(m.group("day")) if m.group("day") else None))
    return tuple(p for _, p in sorted(found, key=lambda x: x[0]))


def temporal_order(text: str) -> Order | None:
    """LATEST / EARLIEST when the question asks for a statement by its date ("the latest readout", "when did X
    first announce", "most recently"), not for a thing that is first or last ("the first country to join")."""
    if _LATEST.search(text):
        return Order.LATEST
    if _EARLIEST.search(text):
        return Order.EARLIEST
    return None


# "the latest Overseas Schools Advisory Council meeting", "the first round": an order question about an event a
# statement announces, so the day the sentence gives, not the day the statement was issued, answers it.
_ORDERED_EVENT = re.compile(
    r"\b(?:latest|last|most\s+recent|first|earliest|final|next)\s+(?:[\w’'.-]+\s+){0,5}?(?:meeting|session|"
    r"summit|visit|dialogue|conference|round|talks|exercise|launch|flight|trip|ceremony)s?\b", re.I)


def orders_event(text: str) -> bool:
    """Does the question order an *event* ("When was the latest Council meeting?") rather than a statement ("When
    did Sanders put out her final statement?")?"""
    return bool(_ORDERED_EVENT.search(text))


def counted_words(text: str) -> tuple[str, ...]:
    """What a how-many question counts: the words after "how many" up to the first function word, modifiers
    ("new", "additional") skipped ("How many new diplomatic facilities had OBO completed?" → ("diplomatic",
    "facilities"); "How many Bipartisan Infrastructure Law projects" keeps "projects")."""
    m = re.search(r"\b(?:how many|number of|count of)\s+(.+)", text, re.I)
    if not m:
        return ()
    out: list[str] = []
    for w in words(m.group(1)):
        if len(w) < 2 and not w.isdigit():
            continue  # the "U" and "S" of "U.S."
        norm = normalize_word(w)
        if norm in _SKIPPED:
            continue
        if norm in STOPWORDS or len(out) == COUNTED_WORDS or (out and _VERB_AFTER_NOUN.fullmatch(w)):
            break  # "How many House members voted …": the verb after the noun is not what is counted
        out.append(w)
    return tuple(out)


_ITEMS = re.compile(r"\b(?:which|what|name)\s+(?:the\s+)?(two|three|four|five|six|[2-6])\s+(?!(?:percent|million|"
                    r"billion|thousand|hundred|years?|months?|weeks?|days?)\b)[a-z]", re.I)


def items_asked(text: str) -> int:
    """How many things a question asks for when it says so ("Which two countries …", "What three amounts …"): the
    answer then names that many from the quoted sentence, not one of them."""
    m = _ITEMS.search(text)
    if not m:
        return 1
    word = m.group(1).lower()
    return int(word) if word.isdigit() else UNIT_WORDS[word]


# A quoted span: opened by a quote mark not inside a word (so "Biden's" opens nothing), closed by one not
# followed by a letter; at least three characters.
QUOTED_WORDS = 2  # a single quoted word ("mpox") names a term, which BM25 matches already
_QUOTED = re.compile(r"""(?<!\w)['‘"“]([^'‘’"“”]{3,}?)['’"”](?!\w)""")


def quoted_ranges(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each span the question puts in quotes: words to be matched as typed, never rewritten."""
    return tuple(m.span() for m in _QUOTED.finditer(text))


def quoted_spans(text: str) -> tuple[str, ...]:
    """The spans a question puts in quotes: words it asks about verbatim (who said them, when, where)."""
    return tuple(m.group(1).strip() for m in _QUOTED.finditer(text) if len(words(m.group(1))) >= QUOTED_WORDS)


# Analyst shorthand → the words statements use ("agrmt" never matches "agreement" in BM25, the embedding or the
# question kinds: "japan grant aid amt?" is an amount question only once "amt" reads "amount"). General English
# note-taking abbreviations only, none ambiguous in official statements ("min", "mil", "gov", "dev" are left alone).
SHORTHAND: Mapping[str, str] = MappingProxyType({
    "agrmt": "agreement", "agmt": "agreement", "agrmts": "agreements", "amt": "amount", "amts": "amounts",
    "approx": "approximately", "admin": "administration", "amb": "ambassador", "assoc": "association",
    "asst": "assistant", "bn": "billion", "bln": "billion", "mn": "million", "mln": "million", "bldg": "building",
    "cmte": "committee", "cttee": "committee", "conf": "conference", "corp": "corporation", "ctry": "country",
    "ctries": "countries", "dept": "department", "depts": "departments", "deleg": "delegation",
    "delegs": "delegations", "dir": "director", "econ": "economic", "exec": "executive", "govt": "government",
    "gov't": "government", "govts": "governments", "hq": "headquarters", "info": "information",
    "infra": "infrastructure", "intl": "international", "int'l": "international", "mfg": "manufacturing",
    "mgmt": "management", "mtg": "meeting", "mtgs": "meetings", "natl": "national", "nat'l": "national",
    "org": "organization", "orgs": "organizations", "pkg": "package", "pct": "percent", "pts": "points",
    "pres": "president", "prez": "president", "prelim": "preliminary", "proj": "project", "qty": "quantity",
    "secy": "secretary", "strat": "strategic", "tech": "technology", "univ": "university", "vax": "vaccine",
    "yr": "year", "yrs": "years", "wk": "week", "wks": "weeks", "ppl": "people", "dialog": "dialogue",
    "km2": "square kilometers", "km²": "square kilometers", "sq km": "square kilometers",
    "sq. km": "square kilometers", "sq mi": "square miles", "sq. mi": "square miles", "km": "kilometers",
    "kg": "kilograms", "lbs": "pounds", "hrs": "hours", "mins": "minutes",
    "hw": "how", "w/": "with", "w/o": "without", "b/w": "between", "acc. to": "according to", "acc to": "according to",
})
_SHORTHAND = re.compile(r"(?<![\w/])(" + "|".join(re.escape(k) for k in sorted(SHORTHAND, key=len, reverse=True))
                        + r")(?![\w/])", re.I)
_PLUS = re.compile(r"(?<=[A-Za-z])\s*\+(?!\+)\s*(?=[A-Za-z])")  # "entities+individuals", "lead univ + how much $"


def expand_shorthand(text: str) -> str:
    """``text`` with analyst shorthand spelled out ("biden mtg w/ patriarch - how many yrs" → "biden meeting with
    patriarch - how many years"); "+" between words reads "and"; "jul 2022" reads "July 2022". An all-capitals
    token is an acronym the user meant ("DIR", "ORG" are left alone), and quoted words are matched as typed.
    Unchanged text is returned as is."""
    quoted = quoted_ranges(text)

    def spell(m: re.Match[str]) -> str:
        word = m.group(1)
        if (word.isupper() and len(word) > 1) or any(a <= m.start() < b for a, b in quoted):
            return word  # an acronym, or the user's quoted words
        return SHORTHAND[word.lower()]

    spelled = _PLUS.sub(" and ", _SHORTHAND.sub(spell, text))
    quoted = quoted_ranges(spelled)

    def month(m: re.Match[str]) -> str:
        number = month_number(m.group(1))
        if number is None or any(a <= m.start() < b for a, b in quoted):
            return m.group()
        return calendar.month_name[number]

    return _MONTH_ABBREV.sub(month, spelled)


# "jul 2022", "apr 28 2026", "Sept. 5": a month abbreviated before a day or a year. Statements write the month
# in full, so "jul" matched no statement and, as an unseen word, weighed most in every coverage score.
_MONTH_ABBREV = re.compile(r"\b(jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b\.?(?=\s+\d)", re.I)


# "may" only in lower case: "May" is the month ("Which two presidents hosted the May 2021 summit …?")
_AUX_WORDS = r"(?:did|does|do|is|was|were|are|has|have|had|will|would|could|can|should|(?-i:may)|might)"
_FOCUS_AFTER_WH = re.compile(  # "Which city did …", "What acquisition ceiling does …"
    rf"\b(?:which|what)\s+(?P<f>(?:(?!{_AUX_WORDS}\b)[\w’'.-]+\s+){{0,3}}?(?!{_AUX_WORDS}\b)[\w’'.-]+)"
    rf"\s+{_AUX_WORDS}\b", re.I)
_FOCUS_AFTER_BE = re.compile(  # "What was the Senate vote tally on …", "Who is the principal investigator leading …"
    r"\b(?:what|who|which)\s+(?:is|was|are|were)\s+(?:the|a|an)\s+(?P<f>(?:[\w’'-]+\s+){0,3}?[\w’'-]+)"
    r"(?=\s+(?:of|for|on|in|at|to|by|from|that|who|which|whose|under|behind|leading|named|given|set|when|where|as|after|before|during|\w+ing)\b|\s*\?|$)",
    re.I)
# "Which UN Security Council resolution endorsed …", "Which official opened …", "Which U.S. official, briefing …":
# the asked thing is the subject, so no auxiliary ends it — its verb (a regular past form, or one of these common
# past or present forms) or a comma does.
_SUBJECT_VERB = r"(?:made|led|said|won|met|took|gave|sent|became|brought|held|told|wrote|spoke|went|came|ran|" \
    r"left|paid|sold|bought|built|began|chose|drew|flew|got|grew|hit|kept|knew|lost|put|rose|saw|set|shot|stood|" \
    r"struck|swore|taught|threw|hosts?|leads?|says?|anchors?|represents?|oversees?|runs?)"
# A verb after a noun ends the noun's phrase (``counted_words``, ``_named_thing``); lower case: "United" is a name.
_VERB_AFTER_NOUN = re.compile(rf"[a-z]{{3,}}ed|{_SUBJECT_VERB}")
_FOCUS_SUBJECT = re.compile(
    rf"^\W*(?:which|what)\s+(?P<f>(?:(?!{_AUX_WORDS}\b)[\w’'.-]+\s+){{0,3}}?(?!{_AUX_WORDS}\b)[\w’'.-]+?)"
    rf"(?:,|\s+(?=(?:[a-z]\w+ed|{_SUBJECT_VERB})\b))", re.I)
_FOCUS_AT_END = re.compile(  # analyst shorthand: "iraq-krg oil export deal apr 2023 - via which pipeline?"
    r"\b(?:which|what)\s+(?P<f>(?:[\w’'.-]+\s+){0,3}?[\w’'.-]+)\s*\?\s*$", re.I)


# Words that name only the answer's type ("on what date", "what amount", "which year"): the typed span answers
# them, the sentence need not repeat them. Qualifiers ("which other", "what exact") name nothing either.
_TYPE_TERMS = frozenset(terms("date day year month time amount number name figure sum percentage percent share "
                              "value kind type sort"))
_QUALIFIERS = frozenset("other new separate different exact specific particular main key".split())
_PHRASE_END = frozenset("in on at for of to by from with during about under".split())
_KIND_OF = re.compile(r"^.*\b(?:kind|type|sort|form)s?\s+of\s+", re.I)


def focus_words(text: str) -> tuple[str, ...]:
    """The words of what a which/what/who question asks for by name ("Which *city* did the BIE choose …?",
    "What was the *Senate vote tally* on cloture …?", "Who is the *principal investigator* leading …?"); () when
    it names no such thing ("When …", "How many …": the asked type and the counted noun say it).

    Why: a near miss answers from a sentence about the question's topic that never names the asked attribute;
    whether the answer's neighbourhood names it is evidence the reader's answerability model weighs."""
    m = (_FOCUS_AFTER_BE.search(text) or _FOCUS_AFTER_WH.search(text) or _FOCUS_SUBJECT.search(text)
         or _FOCUS_AT_END.search(text))
    if m is None:
        return ()
    phrase = _KIND_OF.sub("", m.group("f"))  # "what kind of facility" asks for a facility
    if _NAME_OF.fullmatch(phrase):  # "the designation of the national security memorandum": a memorandum's name
        phrase = _named_thing(text[m.end("f"):]) or phrase
    kept: list[str] = []
    for w in phrase.split():
        low = w.lower()
        if low in _PHRASE_END:
            break  # "what dates in 2022": the asked thing ends at its preposition
        if low in UNIT_WORDS or low in _QUALIFIERS or not w.isalpha() or set(terms(w)) <= _TYPE_TERMS:
            continue  # "which two days", "what other", "2022", "date"
        kept.append(w)
    return tuple(dict.fromkeys(kept))


_NAME_OF = re.compile(r"(?:name|designation|title)s?", re.I)
_OF_THE = re.compile(r"^\s+of\s+(?:the|a|an|its|his|her|their)\s+")


def _named_thing(rest: str) -> str:
    """What "the name of the …" names: up to four words after "of the", to a function word or a capitalized word
    after a lowercase one (the clause's subject: "the Cape Coral mayor *Biden* tried to call")."""
    m = _OF_THE.match(rest)
    if m is None:
        return ""
    kept: list[str] = []
    for w in rest[m.end():].split()[:4]:
        bare = w.strip("?,.;:")
        if not bare or bare.lower() in STOPWORDS or (kept and bare[:1].isupper() and kept[-1][:1].islower()) or (
                kept and _VERB_AFTER_NOUN.fullmatch(bare)):
            break  # "the Afghan guard killed in …": its verb is not part of it
        kept.append(bare)
        if bare != w:
            break  # punctuation ends the phrase
    return " ".join(kept)


# "Biden's mid-July statement", "his July 30, 2022 call", "the November 2024 readout": the question picks the
# statement by its date, so a statement of another month does not answer it, however well it matches.
_DATED_STATEMENT = re.compile(
    rf"(?:['’]s|\bhis|\bher|\bits|\btheir|\bthe)\s+(?:(?:early|mid|late)[\s-]+)?(?:\d{{1,2}}\s+)?{MONTH_NAME}\.?"
    r"(?:\s+\d{1,2})?(?:,?\s+\d{4})?\s+(?:[\w-]+\s+)?(?:statement|announcement|release|readout|remarks|fact sheet|"
    r"briefing|call|press conference|proclamation|message)s?\b", re.I)


def parse_question(text: str) -> Question:
    """Parse once; every stage reads the same ``Question``."""
    return Question(
        text=text,
        terms=tuple(dict.fromkeys(terms(text))),
        acronyms=tuple(query_acronyms(text)),
        acronym_terms=MappingProxyType(acronym_terms(text)),
        compound_terms=MappingProxyType(compound_terms(text)),
        counted=counted_words(text),
        order=temporal_order(text),
        orders_event=orders_event(text),
        periods=periods_in(text),
        quotes=quoted_spans(text),
        items=items_asked(text),
        focus=focus_words(text),
        dated_statement=_DATED_STATEMENT.search(text) is not None,
    )
