"""The answer stage: pick the sentences that answer a question, quote and cite them, or refuse.

Why extractive by default: with no LLM, the most useful honest answer is the statement's own
words — the best-supported sentence(s), verbatim, with issuer and date — plus the figure or date
the question asks for when that sentence contains it. Support below a calibrated threshold is
refused rather than guessed. A generator (llm.py) plugs in behind the same ``Answer``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from difflib import get_close_matches
from itertools import takewhile

from statementqa import injection, sentences
from statementqa.config import Settings
from statementqa.models import Answer, Citation, Passage
from statementqa.quotes import keep_verified
from statementqa.retrieve import temporal_order
from statementqa.store import LexicalIndex
from statementqa.textutil import STOPWORDS, normalize_word, query_acronyms, stem, terms, words

GetText = Callable[[str], "str | None"]

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozens": 24,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
}
_NUM = re.compile(
    r"(?:[$€£]\s?)?(?<![\w\-–/])\d[\d,]*(?:\.\d+)?(?:st|nd|rd|th)?\b(?:\s?(?:%|percent|million|billion|trillion))?"
    r"|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b",
    re.I,
)
_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DATE = re.compile(
    rf"\b{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b|\b\d{{1,2}}\s+{_MONTHS}\.?,?\s+\d{{4}}\b"
    rf"|\b{_MONTHS}\s+\d{{4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b(?:in|since|by)\s+(?:19|20)\d{{2}}\b"
)
_YEAR = re.compile(r"^(19|20)\d{2}$")
_FOLLOWUP = re.compile(
    r"^\s*(and|but|so|also|what about|how about|then)\b|\b(that|it|this|they|them|those|these|he|she|his|her|"
    r"its|their|there|the same)\b",
    re.I,
)
_FUNCTION_WORDS = {"of", "and", "the", "for", "on", "to", "in", "&"}


@dataclass
class Question:
    """What the answerer needs to know about a question."""

    text: str
    terms: list[str]
    kind: str  # count | when | who | where | other
    acronyms: list[str] = field(default_factory=list)
    counted: list[str] = field(default_factory=list)  # what a how-many question counts


def classify(question: str) -> str:
    q = question.lower()
    if re.search(r"\bhow (many|much)\b|\bnumber of\b|\bwhat (number|amount|percentage|share)\b|\bhow large\b", q):
        return "count"
    if re.search(r"\bwhen\b|\bwhat (date|day|year|month)\b|\bon which (date|day)\b|\bsince when\b", q):
        return "when"
    if re.search(r"\bwho\b|\bwhich (official|minister|secretary|country|countries|leader)\b|\bwhom\b", q):
        return "who"
    if re.search(r"\bwhere\b|\bin which (city|country|place)\b", q):
        return "where"
    return "other"


def parse_question(question: str) -> Question:
    acronyms = query_acronyms(question)
    return Question(text=question, terms=list(dict.fromkeys(terms(question))), kind=classify(question),
                    acronyms=acronyms, counted=counted_words(question))


# --- sentences ---------------------------------------------------------------------------------
# One splitter for both answer paths (sentences.py): sentences run across soft line breaks.
sentence_spans = sentences.sentence_spans


def _acronym_hit(acronym: str, sentence: str) -> bool:
    """Does the sentence spell the acronym out (initials of consecutive words, skipping 'of', 'and'…)?"""
    letters = [c.lower() for c in acronym if c.isalpha()]
    if not letters:
        return False
    if re.search(rf"\b{re.escape(acronym)}s?\b", sentence, re.I):
        return True
    ws = [w for w in words(sentence)]
    for i in range(len(ws)):
        j, k = i, 0
        while j < len(ws) and k < len(letters):
            w = ws[j].lower()
            if w[0] == letters[k]:
                k += 1
            elif w not in _FUNCTION_WORDS or k == 0:
                break
            j += 1
        if k == len(letters):
            return True
    return False


@dataclass
class Candidate:
    passage: Passage
    start: int  # offsets in the full statement text
    end: int
    text: str
    coverage: float
    context: float
    score: float
    planted: injection.Flag | None = None  # addressed to a model: ranked (to tell the user), never quoted


def _coverage(q: Question, text: str, lex: LexicalIndex) -> float:
    """IDF-weighted share of the question's terms present in ``text`` (acronyms may be spelled out)."""
    if not q.terms and not q.acronyms:
        return 0.0
    present = set(terms(text))
    total = hit = 0.0
    acronyms = {stem(a): a for a in q.acronyms}
    for t in q.terms:
        w = lex.idf(t)
        total += w
        if t in present:
            hit += w
            continue
        acr = acronyms.get(t) or acronyms.get(t.rstrip("s"))
        if acr and _acronym_hit(acr, text):
            hit += w
        elif len(t) >= 5 and any(p.startswith(t) for p in present):
            hit += 0.8 * w  # analysts abbreviate: "disinfo" for "disinformation"
        elif len(t) >= 6 and get_close_matches(t, present, n=1, cutoff=0.8):
            hit += 0.7 * w  # and mistype: "understnading", "memoranda"
    return hit / total if total else 0.0


def _figures(sentence: str, question: str = "") -> list[re.Match[str]]:
    """Numbers that can answer "how many": not years, not list enumerators ("2. All cooperation …"),
    not a figure the question itself states ("the third gathering")."""
    lead = re.match(r"\s*\(?\d{1,2}[.)]\s", sentence)
    asked = {normalize_word(w) for w in words(question)}
    return [m for m in _NUM.finditer(sentence)
            if not _YEAR.match(m.group().strip()) and not (lead and m.start() < lead.end())
            and normalize_word(m.group().strip()) not in asked]


# Support factor when a how-many question names what it counts and no figure counts it. Chosen with
# benchmarks/calibrate.py (held-out): 0.85 beat 0.9 and an outright refusal (which refused "how many
# jets" answered by "24 F-35 aircraft").
_UNCOUNTED_DISCOUNT = 0.85
_NOT_COUNTED = STOPWORDS | {"more", "fewer", "total", "exactly", "approximately", "roughly"}


def counted_words(question: str) -> list[str]:
    """What a how-many question counts: up to three words after "how many", to the first function word
    ("How many Ukrainian refugees has Poland welcomed?" → ["Ukrainian", "refugees"]). Without a tagger
    the phrase may run into a verb ("partners launched"), so a figure counts it if it counts any word."""
    m = re.search(r"\bhow many\s+(.+)", question, re.I)
    if not m:
        return []
    out: list[str] = []
    for w in words(m.group(1)):
        if len(w) < 2 and not w.isdigit():
            continue  # the "U" and "S" of "U.S."
        if normalize_word(w) in _NOT_COUNTED or len(out) == 3:
            break
        out.append(w)
    return out


def _same_word(a: str, b: str) -> bool:
    """Stems equal, or one a prefix of the other ("memoranda" / "memorandum", "F-35s" / "F-35")."""
    sa, sb = stem(normalize_word(a)), stem(normalize_word(b))
    if sa == sb:
        return True
    short, long_ = sorted((sa, sb), key=len)
    return len(short) >= 4 and long_.startswith(short[: max(4, len(short) - 2)])


def _figure_counts(sentence: str, figure: re.Match[str], noun: str) -> bool:
    """Does the figure count the noun: the noun (or its spelled-out acronym) within a few words of it
    ("the 17th such memorandum", "nearly seventy members", "24 U.S. F-35 aircraft")."""
    after = sentence[figure.end():]
    before = sentence[:figure.start()]
    window_after = " ".join(re.findall(r"\S+", after)[:5])
    window_before = " ".join(re.findall(r"\S+", before)[-2:])
    acronyms = query_acronyms(noun)
    for window in (window_after, window_before):
        if any(_same_word(noun, w) for w in words(window)):
            return True
        if acronyms and _acronym_hit(acronyms[0], window):
            return True
    return False


def counting_figures(sentence: str, question: str, counted: list[str] | None = None) -> list[re.Match[str]]:
    """The figures of the sentence that count what the question counts (all figures when it names nothing).
    ``counted``: the question's ``counted_words``, when the caller has parsed it already."""
    figures = _figures(sentence, question)
    nouns = counted_words(question) if counted is None else counted
    if not nouns:
        return figures
    return [f for f in figures if any(_figure_counts(sentence, f, n) for n in nouns)]


def _kind_bonus(kind: str, sentence: str, question: str = "") -> float:
    if kind == "count" and _figures(sentence, question):
        return 0.1
    if kind == "when" and _DATE.search(sentence):
        return 0.1
    return 0.0


def _dense_support(p: Passage) -> float:
    if p.dense_score is None:
        return 0.0
    return min(1.0, max(0.0, (p.dense_score - 0.2) / 0.45))


def _passage_sentences(p: Passage, get_text: GetText) -> list[tuple[int, int, str]]:
    """Whole sentences of the statement that overlap the passage (a chunk may start mid-sentence),
    as (start, end, text) with offsets into the full stored text."""
    text = get_text(p.doc_id)
    if text is None:
        return []
    return [(s, e, text[s:e]) for s, e in sentences.cached_spans(text) if s < p.end and e > p.start]


_MONTH_NUM = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_PERIOD = re.compile(rf"\b(?:({_MONTHS})\.?\s+)?((?:19|20)\d{{2}})\b", re.I)


def asked_periods(question: str) -> list[str]:
    """Periods the question names, as ISO prefixes: "June 2024" → "2024-06", "in 2022" → "2022"."""
    out: list[str] = []
    for m in _PERIOD.finditer(question):
        month = _MONTH_NUM.get(m.group(1)[:3].lower()) if m.group(1) else None
        out.append(f"{m.group(2)}-{month:02d}" if month else m.group(2))
    return out


def _period_fit(periods: list[str], p: Passage, sentence: str) -> float:
    """+ when the statement is dated in the period the question names, − when it clearly is not."""
    if not periods:
        return 0.0
    if any((p.date or "").startswith(per) for per in periods):
        return 0.08
    if any(per[:4] in sentence for per in periods):
        return 0.0
    return -0.05


def _recency_bonus(question: str, passages: list[Passage]) -> dict[str, float]:
    """For "latest/current/earliest" questions, the newest (oldest) statement's sentences win ties."""
    order = temporal_order(question)
    dated = sorted({p.date for p in passages if p.date}, reverse=(order == "latest"))
    if not order or len(dated) < 2:
        return {}
    step = 0.12 / (len(dated) - 1)
    by_date = {d: 0.12 - i * step for i, d in enumerate(dated)}
    return {p.doc_id: by_date[p.date] for p in passages if p.date}


def rank_sentences(q: Question, passages: list[Passage], lex: LexicalIndex, get_text: GetText) -> list[Candidate]:
    cands: list[Candidate] = []
    seen: set[tuple[str, int]] = set()
    periods = asked_periods(q.text)
    recency = _recency_bonus(q.text, passages)
    for rank, p in enumerate(passages):
        full = get_text(p.doc_id) or ""
        planted = injection.flags_in(full, p.start, p.end)
        ctx = _coverage(q, p.title + "\n" + _without(p, planted), lex)
        dense = _dense_support(p)
        for s, e, sent in _passage_sentences(p, get_text):
            if (p.doc_id, s) in seen:
                continue
            seen.add((p.doc_id, s))
            cov = _coverage(q, sent, lex)
            # Sentence evidence dominates: the passage's dense similarity says little about which sentence answers.
            score = 0.6 * cov + 0.2 * ctx + 0.15 * dense + _kind_bonus(q.kind, sent, q.text) - 0.01 * rank
            score += _period_fit(periods, p, sent) + recency.get(p.doc_id, 0.0)
            flag = next((f for f in planted if f.start < e and f.end > s), None)
            cands.append(Candidate(p, s, e, sent, cov, ctx, score, flag))
    cands.sort(key=lambda c: -c.score)
    return cands


def _without(p: Passage, planted: list[injection.Flag]) -> str:
    """The passage text with sentences addressed to a model cut out (their words are no context)."""
    pieces, pos = [], p.start
    for f in sorted(planted, key=lambda f: f.start):
        pieces.append(p.text[max(0, pos - p.start) : max(0, f.start - p.start)])
        pos = max(pos, f.end)
    pieces.append(p.text[max(0, pos - p.start) :])
    return " ".join(pieces)


def _missing_years(question: str, p: Passage) -> int:
    """Years the question names that neither the passage nor the statement's date mention: a
    question about 2023 is not answered by a 2022 statement that never says 2023."""
    years = set(re.findall(r"\b(?:19|20)\d{2}\b", question))
    have = set(re.findall(r"\b(?:19|20)\d{2}\b", p.text + " " + p.title)) | {(p.date or "")[:4]}
    return len(years - have)


def support_of(c: Candidate, question: str = "") -> float:
    """The calibrated quantity behind refusals: lexical support of the sentence and its passage,
    plus the dense similarity of the passage to the question, discounted for unmatched years."""
    base = 0.45 * c.coverage + 0.25 * c.context + 0.3 * _dense_support(c.passage)
    return base * (0.8 ** _missing_years(question, c.passage))


# --- leads: the figure/date/name the question asks for ---------------------------------------
def _nearest(matches: list[re.Match[str]], sentence: str, q: Question) -> str | None:
    if not matches:
        return None
    qstems = set(q.terms)
    anchors = [m.start() for m in re.finditer(r"\S+", sentence) if set(terms(m.group())) & qstems]
    if not anchors:
        return matches[0].group().strip()
    best = min(matches, key=lambda m: min(abs(m.start() - a) for a in anchors))
    return best.group().strip()


_SPEAKER = re.compile(r"^([A-Z][A-Z .’'\-\u00C0-\u017F]{2,60}):", re.M)
_SAID_BY = re.compile(
    r"(?:said|says|added|noted|stated|emphasi[sz]ed|confirmed|told|wrote|declared)\s+(?:the\s+)?"
    r"((?:[A-Z][\w’'\-\u00C0-\u017F]+\.?\s?){1,4})"
)


def _speaker(c: Candidate, get_text: GetText) -> str | None:
    """Who is speaking in the quoted sentence: "…, said Secretary Blinken", or the transcript label
    ("FOREIGN MINISTER LIPAVSKÝ:") of the turn the sentence belongs to."""
    said = _SAID_BY.search(c.text)
    if said:
        return said.group(1).strip()
    text = get_text(c.passage.doc_id) or ""
    labels = list(_SPEAKER.finditer(text, 0, c.start + 1))
    if labels:
        return labels[-1].group(1).strip()
    return None


_TITLED = re.compile(
    r"\b(?:(?:Vice |Deputy |Under |Assistant |Prime |Foreign |Defen[cs]e |Special )?"
    r"(?:President|Minister|Secretary(?: of State| of Defense| General)?|Ambassador|Chancellor|Premier|"
    r"National Security Advisor|Senator|Governor|Envoy|Spokesperson|Director|King|Queen|Emir|Crown Prince|"
    r"Secretary-General|Foreign Minister|Prime Minister))\s+"
    r"((?:[A-Z][\w’'\-\u00C0-\u017F]+\.?\s?){1,4})"
)


def _people_not_in_question(q: Question, sentence: str) -> list[str]:
    """Names introduced by an office ("Secretary General Jens Stoltenberg", "Minister Lipavský") that
    the question does not already mention: the people a who-question asks for."""
    asked = {normalize_word(w) for w in words(q.text)}
    out: list[str] = []
    for m in _TITLED.finditer(sentence):
        name = m.group(1).strip().rstrip(".,")
        parts = [normalize_word(w) for w in name.split()]
        if parts and not any(p in asked for p in parts) and name not in out:
            out.append(name)
    return out


def lead_for(q: Question, c: Candidate, get_text: GetText) -> str | None:
    """A short direct answer taken verbatim from the statement: the figure, date or person asked for."""
    if q.kind == "count":
        return _nearest(counting_figures(c.text, q.text, q.counted) or _figures(c.text, q.text), c.text, q)
    if q.kind == "when":
        found = _nearest(list(_DATE.finditer(c.text)), c.text, q)
        if found:
            return found
        if c.passage.date and re.search(r"\b(today|this week|yesterday|this morning|tonight)\b", c.text, re.I):
            return f"{format_date(c.passage.date)} (the statement's date; it says “today”)"
    if q.kind == "who":
        if re.search(r"\bwho (said|stated|described|called|warned|wrote|told|emphasi[sz]ed)\b", q.text, re.I):
            who = _speaker(c, get_text)
            if who:
                return f"Speaker: {who}"
        names = _people_not_in_question(q, c.text)
        if names:
            return ", ".join(names[:3])
    return None


def format_date(iso: str | None) -> str:
    if not iso:
        return "undated"
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {d.strftime('%B %Y')}"


def _attribution(p: Passage) -> str:
    source = p.source or "An untitled source"
    return f"{source}, {format_date(p.date)}"


def _quoted(text: str) -> str:
    return text if text[:1] in "“\"‘'" else f"“{text}”"


# --- answers -----------------------------------------------------------------------------------
def refusal(question: str, passages: list[Passage], reason: str | None = None, support: float = 0.0) -> Answer:
    """'The indexed statements do not say …', naming the closest statements found."""
    closest: list[str] = []
    for p in passages:
        label = f"“{p.title}” ({_attribution(p)})"
        if label not in closest:
            closest.append(label)
        if len(closest) == 3:
            break
    text = f"The indexed statements do not say this (“{question.strip()}”)."
    if closest:
        text += " Closest statements: " + "; ".join(closest) + "."
    return Answer(question=question, text=text, refused=True, passages=passages, notice=reason, support=support)


def _eligible(q: Question, cands: list[Candidate]) -> tuple[list[Candidate], bool, str | None]:
    """The candidates that may answer, in rank order; whether their figures only fail to count what was
    asked; or why none may (a how-many question is answered only by a sentence that states a figure)."""
    if q.kind != "count":
        return cands, False, None
    with_figures = [c for c in cands if _figures(c.text, q.text)]
    if not with_figures:
        return [], False, "No retrieved sentence states a figure."
    # Prefer a figure that counts what was asked ("17th such memorandum" for "how many MoUs"), not
    # any number nearby ("its fourth meeting" for "how many ransomware attacks").
    counted = [c for c in with_figures if counting_figures(c.text, q.text, q.counted)] if q.counted else []
    return counted or with_figures, bool(q.counted) and not counted, None


def planted_notice(skipped: list[Candidate]) -> str | None:
    """Why the sentence(s) that would have answered were not used."""
    if not skipped:
        return None
    first = skipped[0]
    excerpt = " ".join(first.text.split())
    excerpt = excerpt if len(excerpt) <= 90 else excerpt[:89].rstrip() + "…"
    n = len({(c.passage.doc_id, c.start) for c in skipped})
    what = "a sentence" if n == 1 else f"{n} sentences"
    return (f"Skipped {what} addressed to an AI model in “{first.passage.title}” ({_attribution(first.passage)}): "
            f"“{excerpt}” — text addressed to a model is an instruction, not evidence, and is never quoted.")


def extractive_answer(question: str, passages: list[Passage], lex: LexicalIndex, settings: Settings,
                      get_text: GetText) -> Answer:
    """Quote the best-supported sentence(s) or refuse when support is below the threshold.

    Sentences addressed to a model are never quoted; when one would have been the answer, the notice says
    it was skipped and why."""
    q = parse_question(question)
    ranked = rank_sentences(q, passages, lex, get_text)
    if not ranked:
        return refusal(question, passages)
    would_use, _, _ = _eligible(q, ranked)
    cands, uncounted, why = _eligible(q, [c for c in ranked if c.planted is None])
    skipped = list(takewhile(lambda c: c.planted is not None, would_use))  # chosen but for being planted
    notice = planted_notice(skipped)
    if why or not cands:
        return refusal(question, passages, reason=_join_opt(notice, why))
    best = cands[0]
    support = support_of(best, question)
    if uncounted:  # a number, but not of what was asked: weaker evidence, not proof of absence
        support *= _UNCOUNTED_DISCOUNT
    if support < settings.refuse_threshold:
        return refusal(question, passages, reason=notice, support=support)
    chosen = [best]
    for c in cands[1:]:
        if len(chosen) >= settings.max_quotes:
            break
        overlaps = any(c.passage.doc_id == o.passage.doc_id and c.start < o.end and o.start < c.end for o in chosen)
        if not overlaps and c.coverage >= 0.75 * best.coverage and c.score >= 0.85 * best.score:
            chosen.append(c)
    citations = [
        Citation(n=i + 1, doc_id=c.passage.doc_id, title=c.passage.title, source=c.passage.source,
                 date=c.passage.date, url=c.passage.url, quote=c.text, start=c.start, end=c.end)
        for i, c in enumerate(chosen)
    ]
    parts: list[str] = []
    lead = lead_for(q, best, get_text)
    if lead:
        parts.append(lead.rstrip(".") + ".")
    for i, c in enumerate(chosen):
        parts.append(f"{_attribution(c.passage)}: {_quoted(c.text)} [{i + 1}]")
    return Answer(question=question, text=" ".join(parts), citations=citations, passages=passages,
                  support=support, notice=notice)


def finalize(answer: Answer, get_text: GetText) -> Answer:
    """The last gate: drop every citation whose quote is not the exact stored span; an answer left
    with no valid citation becomes a refusal."""
    ok, bad = keep_verified(answer.citations, get_text)
    if not bad:
        return answer
    if ok or answer.refused:
        note = f"{len(bad)} citation(s) failed quote verification and were removed."
        return answer.model_copy(update={"citations": ok, "notice": _join(answer.notice, note)})
    out = refusal(answer.question, answer.passages, reason="No quote could be verified against the stored text.")
    return out.model_copy(update={"backend": answer.backend})


def _join(a: str | None, b: str) -> str:
    return f"{a} {b}" if a else b


def _join_opt(a: str | None, b: str | None) -> str | None:
    return _join(a, b) if b else a


# --- conversation ------------------------------------------------------------------------------
def resolve_followup(question: str, history: list[tuple[str, str]] | None) -> tuple[str, str | None]:
    """Without an LLM, a follow-up ("and when was that signed?") is read together with the previous
    question; returns (retrieval query, notice for the user or None)."""
    if not history:
        return question, None
    content = [t for t in terms(question) if t not in STOPWORDS]
    if not _FOLLOWUP.search(question) and len(content) >= 2:
        return question, None  # self-contained ("When will the harbour bridge reopen?")
    prev_q, prev_a = history[-1]
    # The previous answer quotes the statement the user is asking about: its words keep retrieval there.
    context = "" if prev_a.startswith("The indexed statements do not say") else prev_a[:400]
    return f"{question} {prev_q} {context}".strip(), f"Read as a follow-up to “{prev_q.strip()}”."


def timed(fn: Callable[[], Answer]) -> Answer:
    t = time.perf_counter()
    ans = fn()
    return ans.model_copy(update={"seconds": time.perf_counter() - t})
