"""Evidence for an answer: (sentence, candidate span) pairs from the best statements, with named features.

Why pairs: the answer is a sentence *and* the span of it that answers (a person, a count of the asked noun, a
date); the sentence most similar to the question is often the statement's opening line, not the one that holds
the asked thing further down. Each pair's features say how well the sentence matches the question (dense
similarity, lexical coverage, the question's rarest words present or missing), how good its statement is (rank,
ranker score, period asked), and how good the span is (of the asked kind, counts the asked noun, near the
question's words, repeated across statements). ``scorer.py`` weighs them with a learned model.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from statementqa.answering.candidates import Span, candidates, entities, relative_date, says_nothing, speaker
from statementqa.answering.claims import checked_figures
from statementqa.answering.kinds import KindRule, QuestionKind, lead_fits, names_type
from statementqa.figures import MEASURE_UNIT, ordinal_values
from statementqa.question import Question
from statementqa.ranking import StatementCandidate, scope_features
from statementqa.textutil import event_terms, fold_accents, terms, words

FEATURES = (
    "s_dense", "s_dense_gap", "s_cov", "s_cov_ctx", "s_rare_missing", "s_stmt_rank", "s_stmt_gap", "s_period_year",
    "s_period_miss", "s_period_fit", "s_first", "s_len", "s_quote", "s_recency",
    "c_none", "c_counts", "c_near", "c_freq", "c_speaker", "c_today", "c_kind_figure", "c_kind_entity",
    "c_fit", "c_in_question", "c_reported",
)
STATEMENTS = 5  # statements whose sentences may answer
SENTENCES_PER_STATEMENT = 6  # best sentences of each (by similarity and coverage) that are tagged for candidates
RARE_IDF = 4.0  # a term this rare in the index is a word the question hinges on


@dataclass
class Pair:
    """One (sentence, candidate) an answer could be made of; ``span`` None = the sentence itself."""

    statement: StatementCandidate
    rank: int  # 1-based rank of the statement
    start: int
    end: int
    span: Span | None
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0


def _coverage(q: Question, text: str, idf: dict[str, float]) -> float:
    return _share(q.terms, q.found_in(text), idf)


def _share(q_terms: tuple[str, ...], found: set[str], idf: dict[str, float]) -> float:
    """IDF-weighted share of the question's terms among ``found``."""
    total = sum(idf.get(t, 0.0) for t in q_terms) or 1.0
    return sum(idf.get(t, 0.0) for t in q_terms if t in found) / total


def quoted_words(q: Question) -> list[str]:
    """The words of the (longest) quotation an attribution question asks about ("who said 'X'?"), as
    ``question.quoted_spans`` found it: one reading of quote marks for ranking and reading."""
    if not q.quotes:
        return []
    return [fold_accents(w).lower() for w in words(max(q.quotes, key=len))]


def _names_asked_year(q: Question, text: str, iso: str | None) -> bool:
    """Does the statement's text name an earlier year the question asks about? Then the later statement is not
    out of the question's period: it tells of that year ("… the Springfield 1908 Race Riot …" in 2024). A year
    after the statement's own (a plan for "fiscal year 2022" in 2021) stays out of it."""
    if not iso:
        return False
    return any(p.year < int(iso[:4]) and re.search(rf"(?<!\d){p.year}(?!\d)", text) for p in q.periods)


def _quote_match(qwords: list[str], sentence: str) -> float:
    """Share of the quoted words found in the sentence in order (1.0 = the quote is in it)."""
    if not qwords:
        return 0.0
    sw = [fold_accents(w).lower() for w in words(sentence)]
    best = 0
    for i in range(len(sw)):
        k = 0
        while i + k < len(sw) and k < len(qwords) and sw[i + k] == qwords[k]:
            k += 1
        best = max(best, k)
    hits = sum(1 for w in set(qwords) if w in set(sw)) / len(set(qwords))
    return max(best / len(qwords), 0.8 * hits)


def _near(span: Span, start: int, sentence: str, q_terms: set[str]) -> float:
    """1 / (1 + words between the span and the nearest question word in the sentence)."""
    tokens = [(m.start() + start, m.group()) for m in re.finditer(r"\S+", sentence)]
    anchors = [i for i, (_, tok) in enumerate(tokens) if set(terms(tok)) & q_terms]
    if not anchors:
        return 0.0
    at = next((i for i, (off, _) in enumerate(tokens) if off >= span.start), len(tokens) - 1)
    return 1.0 / (1.0 + min(abs(at - a) for a in anchors))


def build_pairs(q: Question, rule: KindRule, ranked: list[StatementCandidate], qvec: np.ndarray,
                get_text: Callable[[str], str | None], idf: dict[str, float],
                sentence_vecs: dict[str, np.ndarray] | None = None) -> list[Pair]:
    """Pairs from the best sentences of the top statements (``ranked`` must carry stage-2 sentences).

    ``sentence_vecs``: per statement, its sentence vectors, when the question part differs from the question the
    statements were ranked for (then similarities are recomputed for the part)."""
    top = _dated(q, ranked) or ranked[:STATEMENTS]
    if not top:
        return []
    q_terms = set(q.terms)
    rare = [t for t in q.terms if idf.get(t, 0.0) >= RARE_IDF]
    qwords = quoted_words(q) if rule.kind == QuestionKind.ATTRIBUTION else []
    lead_score = top[0].score
    pairs: list[Pair] = []
    spans_seen: dict[str, int] = {}
    for rank, st in enumerate(top, 1):
        text = get_text(st.doc_id) or ""
        sents = st.sentences
        if sentence_vecs is not None and st.doc_id in sentence_vecs and sents:
            sims = sentence_vecs[st.doc_id] @ qvec
            sents = [(s, e, float(x)) for (s, e, _), x in zip(sents, sims, strict=True)]
        if not sents:
            continue
        best_dense = max(x for _, _, x in sents)
        title = st.title
        scored = _best_sentences(q, text, sents, idf)
        recency = st.features.get("recency", 0.0)
        scope = scope_features(q, st.date)
        if scope["period_miss"] and _names_asked_year(q, text, st.date):
            scope = {**scope, "period_miss": 0.0}  # looks back at the year asked about ("the 1908 race riot")
        first = len(pairs)
        asked = _asked_event(q, title) if rule.kind == QuestionKind.DATE else frozenset()
        for _, i, s, e, dense, cov, sentence, found in scored:
            ctx = _coverage(q, f"{title} {sentence}", idf)
            if ctx == 0.0 and q.terms:
                continue  # shares no word with the question, not even through its title (1 of 218 train answers)
            rare_missing = (sum(1 for t in rare if t not in found) / len(rare)) if rare else 0.0
            base = {
                "s_dense": dense, "s_dense_gap": best_dense - dense, "s_cov": cov, "s_cov_ctx": ctx,
                "s_rare_missing": rare_missing, "s_stmt_rank": 1.0 / rank, "s_stmt_gap": st.score - lead_score,
                "s_period_year": scope["period_year"], "s_period_miss": scope["period_miss"],
                "s_period_fit": max(scope["period_day"], scope["period_month"]), "s_first": float(i == 0),
                "s_len": math.log1p(len(sentence)), "s_quote": _quote_match(qwords, sentence), "s_recency": recency,
            }
            spans = _spans(rule, q, text, s, e, title, st.date, asked)
            pairs.append(Pair(st, rank, s, e, None, {**base, **_span_features(None, s, sentence, q_terms),
                                                     **_lead_features(rule, q, None)}))
            for span in spans:
                key = span.text.lower()
                spans_seen[key] = spans_seen.get(key, 0) + 1
                pairs.append(Pair(st, rank, s, e, span, {**base, **_span_features(span, s, sentence, q_terms),
                                                         **_lead_features(rule, q, span)}))
        pairs[first:] = _report_date_as_fallback(pairs[first:])
    for p in pairs:
        if p.span is not None:
            p.features["c_freq"] = math.log1p(spans_seen.get(p.span.text.lower(), 1) - 1)
    return pairs


def _dated(q: Question, ranked: list[StatementCandidate]) -> list[StatementCandidate]:
    """For a question that names its statement by date ("according to Biden's mid-July statement"): the best
    statements dated in the month or day it names, when there are any among twice as many as are read; else []."""
    if not q.dated_statement:
        return []
    fine = [p for p in q.periods if p.day is not None or p.is_month]
    return [st for st in ranked[: 2 * STATEMENTS] if any(p.contains(st.date) for p in fine)][:STATEMENTS]


def _best_sentences(q: Question, text: str, sents: list[tuple[int, int, float]], idf: dict[str, float]) -> list[tuple]:
    """A statement's sentences by dense similarity + lexical coverage, best first, with what pairs need of them;
    each text once, and none that is only a speaker label ("CHANCELLOR SCHOLZ: (As interpreted.)" five times
    took five of a transcript's six places)."""
    scored = []
    for i, (s, e, dense) in enumerate(sents):
        sentence = text[s:e]
        found = q.found_in(sentence)  # once per sentence: coverage and the rare words read it
        cov = _share(q.terms, found, idf)
        scored.append((dense + cov, i, s, e, dense, cov, sentence, found))
    scored.sort(key=lambda t: -t[0])
    out: list[tuple] = []
    seen: set[str] = set()
    for t in scored:  # checked best first, only until the places are filled: a transcript has hundreds
        if len(out) == SENTENCES_PER_STATEMENT:
            break
        if t[6] in seen or says_nothing(t[6]):
            continue  # a repeated sentence adds nothing; a bare speaker label or stage direction says nothing
        seen.add(t[6])
        out.append(t)
    return out


def _report_date_as_fallback(pairs: list[Pair]) -> list[Pair]:
    """One statement's pairs without its report-date candidates when the statement states a date of the asked type
    itself: the statement's own date answers a when-question only when the statement gives none ("Harbour bridge
    update." must not date the reopening that "will reopen on 3 March 2025" dates)."""
    explicit = any(p.span is not None and p.span.label not in ("REPORT_DATE", "STATEMENT_DATE")
                   and p.features.get("c_fit", 0.0) >= 1.0 for p in pairs)
    return [p for p in pairs if not (explicit and p.span is not None and p.span.label == "REPORT_DATE"
                                     and p.span.name != "issued")]


def _spans(rule: KindRule, q: Question, text: str, start: int, end: int, title: str, iso: str | None,
           asked: frozenset[str]) -> list[Span]:
    """The sentence's candidates of the asked kind, plus, for a when-question, the day the sentence dates itself
    to by its statement's date ("today", "yesterday") — or, when the sentence gives no date at all, its statement's
    date as the date of the report (a readout's "signed … at the end of their meeting"): the scorer learns how
    often a report's date is the answer, and the lead says it is the statement's date, not the sentence's. A
    question that asks for a statement by its date ("first announced", "final statement") is answered by the
    statement's date itself (``name`` "issued")."""
    spans = candidates(rule, q.text, q.counted, text, start, end, title, q.focus)
    if rule.kind != QuestionKind.DATE or not iso:
        return spans
    if q.order is not None and not q.orders_event:
        # "When did Sanders put out her final statement …?": the statement's date answers; "When was the latest
        # Council meeting?" is a when-question like any other once the latest statement is found (retrieve.py)
        return [*spans, Span(start, end, iso[:10], "REPORT_DATE", name="issued")]
    if not asked <= q.found_in(text[start:end]) | event_terms(text[start:end]):
        return spans  # the sentence does not report the asked event (``_asked_event``)
    day = relative_date(text[start:end], iso)
    if day is not None:
        spans.append(Span(start, end, day[0], "STATEMENT_DATE", name=day[1]))
    elif not spans:
        spans.append(Span(start, end, iso[:10], "REPORT_DATE"))
    return spans


_DATE_TERMS = frozenset(terms("date day year month time"))


def _asked_event(q: Question, title: str) -> frozenset[str]:
    """What a when-question asks about beyond a statement's topic: its words the title lacks (the event's verb:
    "signed", "awarded", "begin"). A sentence reports the event only when it holds them all; only then does the
    statement's date (or the day its "today" names) date the event: "The exercise tested new radar systems" does
    not date "When did the exercise begin?", nor "welcomes the announcement today to begin negotiating" the
    signing of the agreement; "Lipavský and Blinken signed a Memorandum …" does date "When was that signed?"."""
    topic = q.found_in(title) | event_terms(title)
    return frozenset(event_terms(q.text) - topic - _DATE_TERMS)


def _span_features(span: Span | None, start: int, sentence: str, q_terms: set[str]) -> dict[str, float]:
    if span is None:
        return {"c_none": 1.0, "c_counts": 0.0, "c_near": 0.0, "c_freq": 0.0, "c_speaker": 0.0, "c_today": 0.0,
                "c_kind_figure": 0.0, "c_kind_entity": 0.0, "c_reported": 0.0}
    figure = span.label in ("count", "ordinal", "money", "percent", "duration", "year")
    special = span.label in ("SPEAKER", "STATEMENT_DATE", "REPORT_DATE")
    return {"c_none": 0.0, "c_counts": float(span.counts_noun), "c_near": _near(span, start, sentence, q_terms),
            "c_freq": 0.0, "c_speaker": float(span.label == "SPEAKER"),
            "c_today": float(span.label == "STATEMENT_DATE"), "c_kind_figure": float(figure),
            "c_kind_entity": float(not figure and not special), "c_reported": float(span.label == "REPORT_DATE")}


def _lead_features(rule: KindRule, q: Question, span: Span | None) -> dict[str, float]:
    """Is the span of the asked type (``kinds.lead_fits``), and how much of it the question already says: "Antony
    J. Blinken" does not answer "Which Czech head of state did Antony Blinken meet?", "Ukraine" not "In which
    country were the US-Ukraine talks hosted?" (a span that is *all* question words was never a candidate). The
    noun the question names the asked thing by is not counted ("the OECD Inclusive Framework" answers "What tax
    framework …?"), nor a unit of measure it names (``figures.MEASURE_UNIT``); its modifiers are ("the African
    Union" does not answer "Which South African drugmaker …?")."""
    if span is None:
        return {"c_fit": lead_fits(rule, q.text, None, "", False), "c_in_question": 0.0}
    own = [t for t in terms(span.text) if len(t) > 1]
    units = terms(" ".join(m.group() for m in MEASURE_UNIT.finditer(q.text)))
    asked = set(q.terms) - set(terms(q.focus[-1] if q.focus else "")) - set(units)
    return {"c_fit": lead_fits(rule, q.text, span.label, span.text, span.counts_noun),
            "c_in_question": (sum(t in asked for t in own) / len(own)) if own else 0.0}


def lead_first(ranked: list[Pair]) -> list[Pair]:
    """``ranked`` with, when its best pair is a bare sentence, the best span *of that sentence* that is of the
    asked type (``c_fit`` 1) moved to the front: the sentence stays the one the model chose, and the answer leads
    with its date, name or figure instead of the sentence alone ("Friday, March 3, 2023" from the quoted sentence,
    not a bare quote). Used by the reader and by its trainer, so both see the same best pair."""
    if not ranked or ranked[0].span is not None:
        return ranked
    best = ranked[0]
    for i, p in enumerate(ranked[1:], 1):
        if (p.span is not None and p.features.get("c_fit", 0.0) >= 1.0 and p.statement.doc_id == best.statement.doc_id
                and p.start == best.start):
            return [p, *ranked[:i], *ranked[i + 1:]]
    return ranked


def quote_first(ranked: list[Pair], rule: KindRule) -> list[Pair]:
    """``ranked`` with the pairs whose sentence holds the question's whole quotation moved ahead (in their
    order), for a question that asks who said it ("Who told the press 'Nothing about us in the
    Arctic without us'?"): the quoted words name the sentence, however much more of the question another
    sentence of the same statement repeats. Unchanged when no sentence holds the whole quotation."""
    if rule.kind != QuestionKind.ATTRIBUTION:  # the one kind ``s_quote`` is measured for (build_pairs)
        return ranked
    whole = [p for p in ranked if p.features.get("s_quote", 0.0) >= 1.0]
    if not whole or whole[0] is (ranked[0] if ranked else None):
        return ranked
    return [*whole, *(p for p in ranked if p.features.get("s_quote", 0.0) < 1.0)]


def lead_confidence(ranked: list[Pair]) -> float:
    """How sure the ranking model is that the best pair's span, not another span of its sentence, answers: the
    share of ``exp(score)`` among the span pairs of its sentence held by the pairs that would lead with the same
    words (the date "today" gives and the statement's date are one answer). The bare sentence is left out:
    ``lead_first`` has already chosen to lead with a span of the asked type over it.
    Why this share: the ranking model is a logistic fit on score differences, so ``exp(score)`` is each pair's
    strength against the others (Bradley–Terry); a span that barely beats a rival in its sentence ("Yemen" or
    "Amman" for "where did the flight go") is a guess the quote should not be led by. 1.0 for a bare sentence."""
    if not ranked or ranked[0].span is None:
        return 1.0
    best, said = ranked[0], ranked[0].span.text.casefold()
    same = [(p.score, p.span.text.casefold() == said) for p in ranked
            if p.span is not None and p.statement.doc_id == best.statement.doc_id and p.start == best.start]
    scores = np.array([score for score, _ in same])
    weight = np.exp(scores - scores.max())
    return float(weight[np.array([agree for _, agree in same])].sum() / weight.sum())


def best_first(ranked: list[Pair], rule: KindRule) -> list[Pair]:
    """Scored pairs in the order the reader answers from (``quote_first``, then ``lead_first``); the reader and
    its trainer both use it, so both see the same best pair."""
    return lead_first(quote_first(ranked, rule))


__all__ = ["FEATURES", "Pair", "best_first", "build_pairs", "entities", "lead_confidence", "quote_first",
           "quoted_words", "speaker"]


# --- answerability: is the best pair an answer at all? -----------------------------------------------------

PART_FEATURES = (
    "a_best", "a_margin", "a_stmt_score", "a_cov", "a_cov_ctx", "a_dense", "a_rare_missing_doc",
    "a_figures_missing", "a_typed", "a_counts", "a_none_best", "a_period_miss", "a_beyond_title", "a_best_of_top",
    "a_lead_fit", "a_ordinal_clash", "a_pool", "a_focus",
)
# The direction each part feature may push answerability (+1 up, -1 down, 0 either): more of the question's words
# in the answer sentence, a span of the asked type or a stronger statement never make an answer *less* likely to be
# right. Why fixed signs: the v2 near misses are written to cover the topic's words, so an unconstrained fit learned
# "full coverage → refuse" and refused the seed question on a two-statement index; the signs keep what the model
# learns from the eval's quirks to what holds for any corpus.
PART_SIGNS = {
    "a_best": 1, "a_margin": 1, "a_stmt_score": 1, "a_cov": 1, "a_cov_ctx": 1, "a_dense": 1, "a_rare_missing_doc": -1,
    "a_figures_missing": -1, "a_typed": 1, "a_counts": 1, "a_none_best": 0, "a_period_miss": -1, "a_beyond_title": 1,
    "a_best_of_top": 0, "a_lead_fit": 1, "a_ordinal_clash": -1, "a_pool": 0, "a_focus": 1,
}
assert set(PART_SIGNS) == set(PART_FEATURES)
_QUESTION_FIGURE = re.compile(r"\b\d[\d,.]*(?:st|nd|rd|th)?\b|\b(?:first|second|third|fourth|fifth|sixth|seventh|"
                              r"eighth|ninth|tenth|eleventh|twelfth|[a-z]+tieth|[a-z]+-(?:first|second|third|"
                              r"fourth|fifth|sixth|seventh|eighth|ninth))\b", re.I)
_YEARISH = re.compile(r"^(?:19|20)\d{2}$")
MARGIN_CAP = 5.0


def part_features(q: Question, rule: KindRule, ranked: list[Pair], get_text: Callable[[str], str | None],
                  idf: dict[str, float], chunks: int) -> dict[str, float]:
    """Evidence that the best pair answers the question at all: how strong it is and what the question asks
    that its statement never mentions (a rare word, a figure such as "twenty-seventh"), and whether a span of the
    asked kind (a count of the asked noun) exists among the best pairs.

    ``chunks``: the size of the index (its chunk count). Why: ranker scores and margins run lower in an index of
    tens of statements than in one of thousands (rarer words, fewer rivals); ``a_pool`` lets the model say how
    strong is strong *for this index* instead of refusing every answer from a small one."""
    pool = math.log10(1 + chunks)
    if not ranked:
        return dict.fromkeys(PART_FEATURES, 0.0) | {"a_best": -10.0, "a_none_best": 1.0, "a_pool": pool}
    best = ranked[0]
    text = get_text(best.statement.doc_id) or ""
    doc_terms = q.found_in(f"{best.statement.title}\n{text}")
    rare = [t for t in q.terms if idf.get(t, 0.0) >= RARE_IDF]
    figs = [m.group().lower().rstrip(".,") for m in _QUESTION_FIGURE.finditer(q.text)
            if not _YEARISH.match(m.group())]
    checked = (checked_figures(q.text, text[best.start:best.end]) if rule.kind == QuestionKind.YESNO
               else frozenset())
    figs = [f for f in figs if not _within(f, checked)]  # a claim's figure the sentence checks is answered
    folded = fold_accents(text).lower()
    named = ordinal_values(f"{best.statement.title}\n{text}")  # read once: figures missing, ordinal clash
    top = ranked[:3]
    expects_span = bool(rule.labels or rule.figures) and rule.kind != QuestionKind.YESNO
    # The chosen sentence's strength is its best-scored pair (``lead_first`` may put a lower-scored span of it
    # first), and its margin is over the best pair of any *other* sentence.
    same = [p.score for p in ranked if p.statement.doc_id == best.statement.doc_id and p.start == best.start]
    other = [p.score for p in ranked if p.statement.doc_id != best.statement.doc_id or p.start != best.start]
    strength = max(same)
    return {
        "a_best": strength,
        "a_margin": min(strength - max(other), MARGIN_CAP) if other else MARGIN_CAP,
        "a_stmt_score": best.statement.score,
        "a_cov": best.features["s_cov"],
        "a_cov_ctx": best.features["s_cov_ctx"],
        "a_dense": best.features["s_dense"],
        "a_rare_missing_doc": (sum(t not in doc_terms for t in rare) / len(rare)) if rare else 0.0,
        "a_figures_missing": (sum(not _names_figure(f, folded, named) for f in figs) / len(figs)) if figs else 0.0,
        "a_typed": float(any(p.span is not None for p in top)) if expects_span else 1.0,
        "a_counts": float(any(p.features["c_counts"] > 0 for p in top)) if rule.kind == QuestionKind.COUNT else 1.0,
        "a_none_best": float(best.span is None and expects_span),
        "a_period_miss": best.features["s_period_miss"],
        "a_beyond_title": _beyond_title(q, best, text, idf),
        "a_best_of_top": float(sum(p.score >= strength - 1.0 for p in ranked[:10])),
        "a_lead_fit": lead_fits(rule, q.text, best.span.label if best.span else None,
                                best.span.text if best.span else "", bool(best.span and best.span.counts_noun)),
        "a_ordinal_clash": _ordinal_clash(q, named, checked),
        "a_pool": pool,
        "a_focus": _focus(q, best, text, idf),
    }


FOCUS_WINDOW = 150  # characters before the sentence that still count as its neighbourhood (the sentence before)


def _focus(q: Question, best: Pair, text: str, idf: dict[str, float]) -> float:
    """IDF-weighted share of the terms of what the question asks for by name (``Question.focus``: "vote tally",
    "principal investigator", "estimated cost") found in the answer sentence or just before it; 1.0 when the
    question names no such thing, or only the answer's type ("which country": a place answers it). "What is the
    total estimated cost of the tunnel?" answered from "… could receive as much as $4.7 billion" names no cost:
    the asked attribute is missing, the classic near miss."""
    if not q.focus or names_type(q.focus[-1]):
        return 1.0  # nothing named, or a thing of the answer's type ("which Florida mayor"): the span answers it
    asked = tuple(dict.fromkeys(terms(" ".join(q.focus))))
    return _share(asked, q.found_in(text[max(0, best.start - FOCUS_WINDOW) : best.end]), idf)


def _within(figure: str, checked: frozenset[str]) -> bool:
    """Is the question's figure ("4.5", "12th") one of the checked claim figures ("$4.5 billion", "12th")? The
    question's figure pattern takes the digits alone; the claim's figures keep their currency and scale."""
    return any(re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d.])", c) for c in checked)


def _names_figure(figure: str, folded: str, ordinals: frozenset[int]) -> bool:
    """Does the statement (``folded``, its ordinals by value) name the question's figure — as written, or an
    ordinal by its value ("9th" for "ninth")?"""
    value = ordinal_values(figure)
    return figure in folded or bool(value and value <= ordinals)


def _ordinal_clash(q: Question, named: frozenset[int], checked: frozenset[str] = frozenset()) -> float:
    """1 when the question names an ordinal ("the ninth dialogue") and the answering statement names ordinals
    (``named``, by value) but not that one ("the Eighth …"): the statement is about a neighbour of the asked thing,
    the classic near miss. Not for a claim's ordinal that the answer sentence contradicts (``checked``: "11th", not
    "the 12th President"): that is the claim check's answer."""
    asked = ordinal_values(q.text) - ordinal_values(" ".join(checked))
    if not asked:
        return 0.0
    return float(bool(named) and not asked & named)


def _beyond_title(q: Question, best: Pair, text: str, idf: dict[str, float]) -> float:
    """How much of what the question asks *beyond its topic* the answer sentence holds: the IDF-weighted share of
    the question's terms that the statement's title does not have ("passengers" in "How many passengers were on
    the first flight from Sana'a?") found in the sentence. A near miss covers the topic, not the asked thing."""
    title = q.found_in(best.statement.title)
    asked = [t for t in q.terms if t not in title]
    if not asked:
        return 1.0
    found = q.found_in(text[best.start : best.end])
    total = sum(idf.get(t, 0.0) for t in asked) or 1.0
    return sum(idf.get(t, 0.0) for t in asked if t in found) / total
