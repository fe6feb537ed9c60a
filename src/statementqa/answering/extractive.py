"""The extractive reader: answer each part of a question with a span of the right kind from the sentence that
states it, quoted and cited — or say that the statements do not say.

Why per part: "How much was pledged, and for what?" or "… in June 2021, and how many by May 2022?" asks two
things; each part is retrieved and answered on its own, and a part the statements do not answer is said to be
unanswered while the others are answered. Sentences addressed to an AI model are evidence of nothing: they are
never quoted, and when one would have been the answer the notice says it was skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from statementqa import injection
from statementqa.answering.candidates import full_name
from statementqa.answering.claims import verdict
from statementqa.answering.compose import (
    REFUSAL_PREFIX,
    attribution,
    format_date,
    join,
    join_names,
    quoted,
    refusal,
)
from statementqa.answering.evidence import Pair, best_first, build_pairs, lead_confidence, part_features
from statementqa.answering.kinds import KindRule, QuestionKind, classify
from statementqa.answering.parts import question_parts
from statementqa.answering.scorer import Scorer
from statementqa.models import Answer, Citation
from statementqa.question import Question, parse_question
from statementqa.retrieve import Retrieval

GetText = Callable[[str], "str | None"]


@dataclass
class PartAnswer:
    """What the reader found for one part of a question."""

    text: str
    question: Question
    rule: KindRule
    best: Pair | None = None
    lead: str | None = None
    probability: float = 0.0
    lead_confidence: float = 1.0  # evidence.lead_confidence of the best pair
    answered: bool = False
    planted: list[Pair] = field(default_factory=list)  # would have answered but are addressed to a model
    also: list[Pair] = field(default_factory=list)  # further spans of the best sentence a list question asks for


_SAME_DAY = "the statement's date"
_RELATIVE = {"yesterday": "the day before the statement's date", "tomorrow": "the day after the statement's date"}


def _lead(part: PartAnswer, get_text: GetText, shown: bool) -> str | None:
    best = part.best
    if best is None:
        return None
    if part.rule.kind == QuestionKind.YESNO:
        return None  # set by the claim check
    span = best.span
    if span is None or not shown:
        return None  # another type than asked ("three-day" for "on what date"), or a guess among rivals: quote alone
    if span.label == "STATEMENT_DATE":  # a day the sentence gives relative to its statement's date
        word = span.name or "today"
        return f"{format_date(span.text)} ({_RELATIVE.get(word, _SAME_DAY)}; it says “{word}”)"
    if span.label == "REPORT_DATE" and span.name == "issued":  # the question asks when the statement came out
        return f"{format_date(span.text)} (the date of the statement)"
    if span.label == "REPORT_DATE":  # the sentence gives no date: the statement reporting it does
        return f"{format_date(span.text)} (the date of the statement that reports it; the sentence gives no date)"
    if span.label == "SPEAKER" and span.name == "title":  # a one-person statement's own first-person sentence
        return f"Said by {span.text} (the statement's author, as its title says)"
    if span.label == "SPEAKER":  # the transcript's label or the quotation's "said …", and the full name given
        name = full_name(span.text, get_text(best.statement.doc_id) or "", best.statement.title)
        return f"Said by {name} ({span.text})" if name else f"Said by {span.text}"
    if part.also:
        named = sorted([best, *part.also], key=lambda p: p.span.start if p.span else 0)
        return join_names([p.span.text for p in named if p.span])
    return span.text


def leads(best: Pair, confidence: float, lead_threshold: float) -> bool:
    """Does the answer lead with ``best``'s span? Only a span of the asked type (``c_fit`` > 0) that the ranking
    model prefers clearly enough over its sentence's other readings (``lead_confidence``); the reader and its
    trainer (``benchmarks/train_reader.py``) decide alike."""
    return best.span is not None and best.features.get("c_fit", 1.0) > 0.0 and confidence >= lead_threshold


def _list_items(best: Pair, ranked: list[Pair], n: int) -> list[Pair]:
    """For a question asking for ``n`` things ("Which two countries …?"): up to ``n - 1`` further spans of the
    asked type from the best pair's own sentence, best-scored first, none overlapping another — so the lead names
    what the quoted sentence lists, and nothing from elsewhere."""
    if n < 2 or best.span is None or best.span.label in ("SPEAKER", "STATEMENT_DATE", "REPORT_DATE"):
        return []
    taken = [best.span]
    out: list[Pair] = []
    for p in ranked:
        if len(out) == n - 1:
            break
        sp = p.span
        if (sp is None or p.statement.doc_id != best.statement.doc_id or p.start != best.start
                or p.features.get("c_fit", 0.0) < 1.0 or p.features.get("c_in_question", 0.0) >= 1.0):
            continue
        if any(sp.start < t.end and t.start < sp.end or sp.text.lower() == t.text.lower() for t in taken):
            continue
        taken.append(sp)
        out.append(p)
    return out


def prepare_part(text: str, retrieval: Retrieval, get_text: GetText, idf: Callable[[str], float],
                 counted: tuple[str, ...] = ()) -> tuple[Question, KindRule, list[Pair]]:
    """A question part read and paired with its candidate answers, unscored: the reader (``answer_part``) and its
    trainer (``benchmarks/train_reader.py``) start from the same pairs. ``counted``: what an earlier part counted,
    for an elliptical part ("…, and how many of them joined?")."""
    q = parse_question(text)
    if counted and not q.counted:
        q = replace(q, counted=counted)
    rule = classify(text)
    pairs = build_pairs(q, rule, retrieval.statements, retrieval.qvec, get_text, {t: idf(t) for t in q.terms})
    if rule.kind == QuestionKind.YESNO:
        pairs = [p for p in pairs if p.span is None]  # a claim is checked against a sentence, not a span
    return q, rule, pairs


def answer_part(text: str, retrieval: Retrieval, get_text: GetText, idf: Callable[[str], float], chunks: int,
                scorer: Scorer, counted: tuple[str, ...] = ()) -> PartAnswer:
    """``counted``: what an earlier part counted, for an elliptical part ("…, and how many of them joined?");
    ``chunks``: the index's size, which the answerability model reads (``evidence.part_features``)."""
    q, rule, pairs = prepare_part(text, retrieval, get_text, idf, counted)
    part = PartAnswer(text, q, rule)
    scorer.score(pairs)
    pairs.sort(key=lambda p: -p.score)
    usable: list[Pair] = []
    for p in pairs:
        if injection.flag_in(get_text(p.statement.doc_id) or "", p.start, p.end) is not None:
            if not usable:
                part.planted.append(p)
            continue
        usable.append(p)
    if not usable:
        return part
    usable = best_first(usable, rule)
    best = usable[0]
    part.best = best
    part.lead_confidence = lead_confidence(usable)
    part.probability = scorer.probability(part_features(q, rule, usable, get_text, {t: idf(t) for t in q.terms},
                                                            chunks))
    part.answered = part.probability >= scorer.threshold
    if rule.kind == QuestionKind.YESNO:
        sentence = (get_text(best.statement.doc_id) or "")[best.start : best.end]
        yes_no, why = verdict(text, sentence)
        part.lead = f"{yes_no.value.capitalize()} — {why}"
    else:
        shown = leads(best, part.lead_confidence, scorer.lead_threshold)
        part.also = _list_items(best, usable, q.items) if shown else []
        part.lead = _lead(part, get_text, shown)
    return part


def extractive_answer(question: str, retrieval: Retrieval, rerank: Callable[[Question], Retrieval],
                      get_text: GetText, idf: Callable[[str], float], chunks: int, scorer: Scorer) -> Answer:
    """Answer ``question`` from ``retrieval`` (each part of a multi-part question is re-retrieved with ``rerank``
    and its own query, ``parts.question_parts``), or refuse when no part reaches the calibrated threshold."""
    split = question_parts(question)
    parts: list[PartAnswer] = []
    for asked in split:
        counted = next((p.question.counted for p in reversed(parts) if p.question.counted), ())
        r = retrieval if len(split) == 1 else rerank(asked.query)
        parts.append(answer_part(asked.text, r, get_text, idf, chunks, scorer, counted))
    notice = _planted_notice([p for part in parts if not part.answered or part.planted for p in part.planted],
                             get_text)
    answered = [p for p in parts if p.answered]
    if not answered:
        best = max((p.probability for p in parts), default=0.0)
        return refusal(question, retrieval.passages, reason=notice, support=best)
    citations: list[Citation] = []
    pieces: list[str] = []
    for i, part in enumerate(parts, 1):
        prefix = f"{i}) " if len(parts) > 1 else ""
        if not part.answered:
            pieces.append(f"{prefix}{REFUSAL_PREFIX} this (“{part.text}”).")
            continue
        said: list[str] = []
        if part.lead:
            said.append(part.lead.rstrip(".") + ".")
        if part.best is not None:
            c = _citation(len(citations) + 1, part.best, retrieval, get_text)
            citations.append(c)
            said.append(f"{attribution(c.source, c.date)}: {quoted(c.quote)} [{c.n}]")
        pieces.append(prefix + " ".join(said))
    support = min(p.probability for p in answered)
    return Answer(question=question, text=" ".join(pieces), citations=citations, passages=retrieval.passages,
                  support=support, notice=notice)


def _citation(n: int, pair: Pair, retrieval: Retrieval, get_text: GetText) -> Citation:
    st = pair.statement
    passage = next((p for p in retrieval.passages if p.doc_id == st.doc_id), None)
    text = get_text(st.doc_id) or ""
    return Citation(n=n, doc_id=st.doc_id, title=passage.title if passage else st.title, source=st.source,
                    date=st.date, url=passage.url if passage else "", quote=text[pair.start : pair.end],
                    start=pair.start, end=pair.end)


def _planted_notice(skipped: list[Pair], get_text: GetText) -> str | None:
    """Why the sentence(s) that would have answered were not used."""
    if not skipped:
        return None
    first = skipped[0]
    excerpt = " ".join((get_text(first.statement.doc_id) or "")[first.start : first.end].split())
    excerpt = excerpt if len(excerpt) <= 90 else excerpt[:89].rstrip() + "…"
    n = len({(p.statement.doc_id, p.start) for p in skipped})
    what = "a sentence" if n == 1 else f"{n} sentences"
    where = f"“{first.statement.title}” ({attribution(first.statement.source, first.statement.date)})"
    return join(None, f"Skipped {what} addressed to an AI model in {where}: “{excerpt}” — text addressed to a model "
                      "is an instruction, not evidence, and is never quoted.")
