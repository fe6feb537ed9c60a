"""Question kinds: what a question asks for, and what can answer it — one rule per kind, in one table.

Why a table: a kind decides which spans of a sentence may lead the answer (a who-question is answered by a
person, a how-many question by a count of the asked noun, a when-question by a date), and ``lead_fits`` says how
well a candidate is of the asked type. Adding a kind means adding one ``KindRule`` here (and its branch of
``lead_fits`` if its labels alone do not say what fits) and rows to ``tests/answering/test_kinds.py``; the scorer
learns how much each kind's evidence is worth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from statementqa.figures import NUMBER_WORDS, TIME_UNIT
from statementqa.figures import Kind as FigureKind
from statementqa.textutil import MONTH_NAME


class QuestionKind(StrEnum):
    ATTRIBUTION = "attribution"  # who said a quoted sentence
    YESNO = "yesno"  # did / is it true that …
    ORDINAL = "ordinal"  # which numbered member, what rank
    COUNT = "count"  # how many
    AMOUNT = "amount"  # how much, what share / price
    DATE = "date"  # when
    PLACE = "place"  # where
    PERSON = "person"  # who, whom, which official
    ORG = "org"  # which organization / company / agency
    ENTITY = "entity"  # which / what + another noun
    STATEMENT = "statement"  # what did X say about Y


@dataclass(frozen=True)
class KindRule:
    """How a kind is recognized and which spans can answer it (spaCy labels and typed figures)."""

    kind: QuestionKind
    detect: re.Pattern[str]
    labels: frozenset[str] = frozenset()
    figures: frozenset[FigureKind] = frozenset()


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.I)


_SAY = (r"(?:said|say|says|stated|told|tell|described|called|remarked|warned|wrote|argued|noted|declared|"
        r"emphasi[sz]ed|stressed|asked|insisted|added|vowed|characteri[sz]ed|likened|referred|recalled|recounted|"
        r"joked|quipped|observed|explained|acknowledged|admitted|reminded|cautioned|lamented)")
_SAYING = (r"(?:saying|recalling|noting|warning|arguing|telling|describing|declaring|stressing|insisting|"
           r"explaining|acknowledging|cautioning|reminding|joking|lamenting|emphasi[sz]ing|recounting)")
_PERSON_NOUN = (r"(?:official|minister|leader|secretary|president|ambassador|governor|senator|person|spokesperson|"
                r"envoy|advisor|adviser|diplomat|premier|chancellor|king|queen|prince|emir|amir|general|head|chief|"
                r"counterpart|representative|deputy|administrator|director|coordinator|nominee|judge|member|ceo|executive|"
                r"chair|chairman|chairwoman|chairperson|founder|mayor|lawmaker|spokesman|spokeswoman|commissioner)")
_ORG_NOUN = (r"(?:company|companies|organi[sz]ation|agency|agencies|firm|group|bank|institution|drugmaker|"
             r"manufacturer|producer|department|ministry|body|bureau|office|university|party|alliance|coalition|"
             r"court|council|committee|fund|foundation|airline|carrier|network|union|"
             r"(?:store|chain|retailer|brand|automaker|carmaker|insurer|pharmacy|outlet|newspaper|broadcaster|"
             r"publisher|startup|school|college)s?)")
_PLACE_NOUN = (r"(?:city|cities|country|countries|place|town|region|state|province|capital|island|venue|site|location|"
               r"nation|district|neighbou?rhood|county|village|airport|port|stadium|prison)s?")
# "which two countries", "what three new amounts": a count (or "other"/"new") between the question word and noun.
_HOW_MANY_ITEMS = (r"(?:(?:two|three|four|five|six|seven|eight|nine|ten|\d+|other|new|separate|different)\s+)"
                   r"{0,2}")

# First match wins: the order matters (an attribution question starts with "who", a yes/no question may hold
# "how many", "which city" is a place before "which" is an entity).
RULES: tuple[KindRule, ...] = (
    KindRule(QuestionKind.ATTRIBUTION,
             _rx(rf"\bwho\s+(?:\w+\s+){{0,2}}{_SAY}\b|\bwhich\s+(?:\S+\s+){{0,3}}{_PERSON_NOUN}s?\b.*\b{_SAY}\b"
                 # "Which official opened the briefing by recalling that …?"
                 rf"|\b(?:who|which\s+(?:\S+\s+){{0,3}}{_PERSON_NOUN}s?)\b.*\bby\s+{_SAYING}\b"
                 rf"|\bwho\s+(?:was|is)\s+quoted\b|\bwhose\s+words\b"
                 r"|\bwho\s+(?:spoke|uttered|delivered|used)\s+the\s+(?:line|words|phrase|sentence|remark)\b"),
             frozenset({"PERSON"})),
    KindRule(QuestionKind.YESNO,
             # The auxiliary opens the question, or the main clause after a leading one ("In his statement on
             # the dispute, did Biden thank …?", "When Blinken met the Amir, did he mark 50 years …?").
             # (Not after "which …, did": "Which hotel attack in Palma, Mozambique, did ISIS claim?")
             _rx(r"^\s*(?:(?:(?!\b(?:what|which|who|whom|whose|how)\b)[^?]){3,120}?,\s*)?"
                 r"(?:did|does|do|is|was|were|are|has|have|had|can|could|will|would|should)\b"
                 r"|\bis it (?:true|correct|accurate) that\b|\btrue or false\b")),
    KindRule(QuestionKind.ORDINAL,
             # "Which signatory number did Romania become?"; "what number of troops" counts (COUNT)
             _rx(r"\b(?:which|what)\s+(?:[\w-]+\s+){0,2}?(?:numbered|number\b(?!\s+of\b)|rank\b)"),
             frozenset({"ORDINAL"}), frozenset({FigureKind.ORDINAL})),
    KindRule(QuestionKind.COUNT, _rx(r"\bhow many\b|\bnumber of\b|\bcount of\b|\bhow often\b"),
             frozenset({"CARDINAL", "ORDINAL", "QUANTITY"}), frozenset({FigureKind.COUNT, FigureKind.ORDINAL})),
    KindRule(QuestionKind.AMOUNT,
             # A bare "cost" or "price" makes an amount question only when no other question word asks for
             # something else ("Whom did Blinken meet to discuss the human cost of the war?" asks for a person).
             _rx(rf"\bhow much\b|\bwhat (?:\w+\s+)?{_HOW_MANY_ITEMS}(?:amount|share|percentage|proportion|sum|value|"
                 r"price|cost|percent|fraction|rate|total|margin|ceiling|cap|limit)s?\b"
                 r"|^(?!.*\b(?:who|whom|whose|when|where)\b).*"
                 # … and so does analyst shorthand: "financing package - size?", "relief $ for Maryland?",
                 # "% of global trade?"
                 r"(?:\b(?:price|cost|worth|value|amount|size)\b|(?<!\S)[$€£](?=\s|\?|$)|(?<!\S)%\s+of\b)"),
             frozenset({"MONEY", "PERCENT", "QUANTITY", "CARDINAL"}),
             frozenset({FigureKind.MONEY, FigureKind.PERCENT, FigureKind.COUNT})),
    KindRule(QuestionKind.DATE,
             # "when" after "where"/"who" is a clause: "Where was Harris when she announced …?" asks where
             _rx(r"^(?:(?!\b(?:where|who|whom|whose)\b).)*\bwhen\b"
                 rf"|\bwhat (?:date|day|year|month|time)\b|\bwhich {_HOW_MANY_ITEMS}(?:date|day|year|month)s?\b|"
                 r"\bon what\b|\bby what date\b|\bsince when\b|\bhow long\b|\bdates?\b"),
             frozenset({"DATE", "TIME"}), frozenset({FigureKind.YEAR})),
    KindRule(QuestionKind.PLACE,
             _rx(rf"\bwhere\b|\b(?:in|at|to|from)\s+(?:which|what)\s+{_HOW_MANY_ITEMS}{_PLACE_NOUN}\b"
                 rf"|\b(?:which|what)\s+{_HOW_MANY_ITEMS}{_PLACE_NOUN}\b"),
             frozenset({"GPE", "LOC", "FAC", "NAMED"})),
    KindRule(QuestionKind.ORG,
             _rx(rf"\b(?:which|what)\s+(?:\S+\s+){{0,2}}{_ORG_NOUN}\b"),
             frozenset({"ORG", "NAMED"})),
    KindRule(QuestionKind.PERSON,
             _rx(rf"\bwho\b|\bwhom\b|\bwhose\b|\b(?:which|what)\s+(?:\S+\s+){{0,2}}{_PERSON_NOUN}s?\b|"
                 r"\bname of the\b|\bsigner\b|\bnamed\b|\bnominated\b|\bappointed\b"
                 # a terse question with no question word: "3rd civil space dialogue (Mar 2022) head of US delegation?"
                 r"|^(?!.*\b(?:what|which|when|where|how)\b).*\b(?:head|leader|chair|chief)\s+of\b"),
             frozenset({"PERSON"})),
    KindRule(QuestionKind.ENTITY, _rx(r"\bwhich\b|\bwhat (?!did|does|do|was|were|is|are|has|have)\w+\b"),
             frozenset({"ORG", "PRODUCT", "LAW", "WORK_OF_ART", "EVENT", "NORP", "GPE", "FAC", "PERSON", "NAMED"})),
    KindRule(QuestionKind.STATEMENT, _rx(r".")),
)
BY_KIND = {r.kind: r for r in RULES}
_TYPE_NOUN = re.compile(rf"{_PLACE_NOUN}|{_PERSON_NOUN}s?|{_ORG_NOUN}", re.I)


def names_type(word: str) -> bool:
    """Is ``word`` a noun that only names the answer's type ("country", "official", "agency")? A span of that
    type answers it; the answer sentence need not repeat the word."""
    return _TYPE_NOUN.fullmatch(word) is not None


# The noun phrase a "which …"/"what …" asks for runs to the first word that is not part of it: an auxiliary or a
# verb of the question, a preposition, a relative word, or a capitalized word after a lowercase one (the clause's
# subject: "which of the three service members Trump …").
_WHICH_PHRASE = re.compile(r"\b(?:which|what)\s+(?:(?:one|ones|of)\s+(?:the|these|those)?\s*)?((?:[\w’'-]+\s*){1,6})",
                           re.I)
_PHRASE_END = frozenset("""did does do was were is are has have had will would can could should may might must to of in
    on at for from by with that who whom which whose when where as after before during under over about against into
    between among than""".split())
# A past-tense verb ends it too ("which two countries joined the ministry"); an "-ed" adjective before the noun
# ("which elected official") ends it early, and the kinds' own patterns decide as before.
_VERB = re.compile(r"[a-z]+ed|met|led|said|told|took|won|made|gave|sent|held|became|hosted|signed|joined|spoke|"
                   r"wrote|began|chose|left|went|came|got|ran|paid|bought|sold|brought|saw|meet|lead|host|sign|join")
_HEAD_KINDS = ((QuestionKind.PERSON, re.compile(rf"{_PERSON_NOUN}s?|people|officers?|soldiers?|players?|athletes?|"
                                                 r"employees?|staff(?:ers)?|workers?|journalists?|reporters?|"
                                                 r"citizens?|hostages?|detainees?", re.I)),
               (QuestionKind.ORG, re.compile(rf"{_ORG_NOUN}|makers?", re.I)),
               (QuestionKind.PLACE, re.compile(_PLACE_NOUN, re.I)))
_BEFORE_HEAD = (QuestionKind.PLACE, QuestionKind.ORG, QuestionKind.PERSON)


def _head_kind(text: str) -> QuestionKind | None:
    """The kind the head noun of "which/what X" names ("which Afghan province" → place, "which African Union
    official" → person, "which Indian vaccine maker" → organization), or None. Why the head and not any word:
    "Which African Union official" names an organization on the way to the person it asks for."""
    m = _WHICH_PHRASE.search(text)
    if m is None:
        return None
    phrase: list[str] = []
    for word in m.group(1).split():
        bare = word.strip("’'?,.")
        if (bare.lower() in _PHRASE_END or _VERB.fullmatch(bare.lower()) or (
                phrase and bare[:1].isupper() and phrase[-1][:1].islower())):
            break
        phrase.append(bare)
    found = None  # the last noun of a type in the phrase is its head: "State Department official briefed …"
    for word in phrase:
        bare = re.sub(r"[’']s$", "", word)
        found = next((kind for kind, noun in _HEAD_KINDS if noun.fullmatch(bare)), found)
        if bare != word:
            break  # "which country's prime minister" asks for the country
    return found


def classify(text: str) -> KindRule:
    """The rule of the first kind whose pattern matches (STATEMENT always does); for the kinds a noun names
    (place, organization, person), the head noun of "which X" decides when it names one."""
    head = _head_kind(text)
    for rule in RULES:
        if head is not None and rule.kind in _BEFORE_HEAD:
            return BY_KIND[head]
        if rule.detect.search(text):
            return rule
    return BY_KIND[QuestionKind.STATEMENT]


_PART_SPLIT = re.compile(
    r"(?:,\s*|\s+)and\s+(?=(?:(?:by|in|on|for|to|at|from|with|under|into|through)\s+)?"
    r"(?:how|what|when|where|who|whom|which|whose)\b)"
    r"|;\s+(?=\w)|\?\s+(?=(?:and\s+)?(?:how|what|when|where|who|whom|which|whose)\b)",
    re.I,
)


# A part that is only its question word ("…, and where?", "…, and by whom?"): it asks the first part again.
BARE_WH = re.compile(r"(?:(?:by|in|on|for|to|at|from|with)\s+)?(?:how\s+(?:long|much|many|far)|when|where|who|whom|"
                     r"why|what|which)", re.I)


def split_parts(text: str) -> list[str]:
    """The parts of a multi-part question ("How much …, and for what?"), each a question of its own;
    a single question is one part."""
    pieces = [p.strip(" ,;?") for p in _PART_SPLIT.split(text)]
    pieces = [p for i, p in enumerate(pieces) if len(p.split()) >= 2 or (i and BARE_WH.fullmatch(p))]
    return pieces if len(pieces) > 1 else [text.strip()]


# What an amount question asks for, when it says: money ("How much funding …", "What is the cost …") or a share.
_ASKS_MONEY = _rx(r"\b(?:fund\w*|cost\w*|price\w*|worth|spen[dt]\w*|budget\w*|dollars?|euros?|money|aid|"
                  r"assistance|grants?|loans?|invest\w*|financ\w*|paid|pay(?:ment)?s?|pledg\w*|contribut\w*|"
                  r"revenues?|sales)\b|[$€£]")
_ASKS_SHARE = _rx(r"\b(?:percent\w*|share|proportion|fraction|rate)\b|%")
_ASKS_YEAR = _rx(r"\b(?:what|which|in what|in which) year\b")
_ASKS_DAY = _rx(r"\b(?:what|which|exact|precise|specific)\s+(?:\w+\s+)?(?:date|day)\b|\bon what\b")
ASKS_DURATION = _rx(r"\bhow long\b|\bfor what (?:period|length of time)\b")
# An amount of time: a figure or number word, then its unit ("90 days", "nearly two decades", "75-year"), not
# "last week" or "the next day".
_SPAN_DURATION = _rx(rf"(?:\d|\b(?:{'|'.join(NUMBER_WORDS)}|a|an|several|few|many)\b)[\s-]{TIME_UNIT.pattern}\b")
_DAY_OF_MONTH = _rx(r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + MONTH_NAME + r"\b|\b" + MONTH_NAME
                    + r"\.?\s+\d{1,2}\b|\b(?:19|20)\d{2}-\d{2}-\d{2}\b")
_YEAR_IN = re.compile(r"\b(?:19|20)\d{2}\b")
_MONTH_IN = re.compile(rf"\b{MONTH_NAME}\b")


def lead_fits(rule: KindRule, question: str, label: str | None, text: str, counts_noun: bool) -> float:
    """How well a candidate lead (``label``/``text``; None = no span, only the sentence) is of the type the
    question asks for: 1 fits, 0 does not, 0.5 a date vaguer than asked ("in 2022" for "on what date" or "when";
    "November 2022" for "on what date", though it says "when").

    Why: a near miss answers with a neighbouring fact of the wrong type — "37" (companies) for "How much funding
    …?", "Friday" or "two-day" for "On what date …?", "first" for "How many records …?". The reader's
    answerability model weighs this evidence; it does not decide alone."""
    kind = rule.kind
    if kind in (QuestionKind.YESNO, QuestionKind.STATEMENT):
        return 1.0  # answered by a verdict or a sentence, never by a span
    if label is None:
        # "Which quotas …?" — "quotas for cod and herring", "Dover sole meunière": what an untyped "which X"
        # asks for is often a phrase no entity type covers, so the sentence alone half-fits; a typed kind's
        # sentence without a span of its type does not.
        return 0.5 if kind == QuestionKind.ENTITY else 0.0
    if kind == QuestionKind.COUNT:
        return float(counts_noun)
    if kind == QuestionKind.ORDINAL:
        return float(label in ("ordinal", "ORDINAL"))
    if kind == QuestionKind.AMOUNT:
        if _ASKS_SHARE.search(question):
            return float(label in ("percent", "PERCENT"))
        if _ASKS_MONEY.search(question):
            return float(label in ("money", "MONEY"))
        return 1.0
    if kind == QuestionKind.DATE:
        if ASKS_DURATION.search(question):  # "how long would the repayment period have become?": "75-year"
            return float(label == "duration" or bool(label == "DATE" and _SPAN_DURATION.search(text)))
        if label == "STATEMENT_DATE":
            return 1.0
        if label == "REPORT_DATE":
            return 0.5  # the report's date, not one the sentence states
        if _ASKS_YEAR.search(question):
            return float(bool(_YEAR_IN.search(text)))
        if _DAY_OF_MONTH.search(text):
            return 1.0
        if _YEAR_IN.search(text) and _MONTH_IN.search(text) and not _ASKS_DAY.search(question):
            return 1.0  # "When was the vote expected?" — "November 2022" says when; "on what date" asks a day
        return 0.5 if _YEAR_IN.search(text) or _MONTH_IN.search(text) else 0.0
    return float(label in rule.labels or label == "SPEAKER")
