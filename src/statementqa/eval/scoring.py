"""Scoring one answer against its question's gold data (pure: the stored texts are passed in)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field, model_validator

from statementqa.answering import read_as_answer
from statementqa.eval.matching import answer_correct
from statementqa.eval.questions import EvalQuestion
from statementqa.models import Answer, Engine, Passage
from statementqa.verify.quotes import verify_citation


def spans_of(quote: str, text: str) -> list[tuple[int, int]]:
    """Every occurrence of ``quote`` in ``text`` as (start, end)."""
    out: list[tuple[int, int]] = []
    start = text.find(quote)
    while start >= 0:
        out.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    return out


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def first_gold_rank(passages: Sequence[Passage], gold_ids: Sequence[str]) -> int | None:
    """1-based rank of the first passage from a gold statement, or None."""
    for rank, p in enumerate(passages, 1):
        if p.doc_id in gold_ids:
            return rank
    return None


def is_generated(backend_label: str) -> bool:
    """Did an LLM write the answer a report row labels so? Only for report rows written before
    ``QuestionResult.generated`` existed; live answers carry the type (``Answer.backend.engine``)."""
    return backend_label.startswith("llm:")


class CitedQuote(BaseModel):
    doc_id: str
    quote: str
    start: int
    end: int
    verbatim: bool
    supports_gold: bool


class QuestionResult(BaseModel):
    """Everything measured for one question, kept so reports can be compared question by question."""

    id: str
    type: str
    split: str | None = None
    tags: list[str] = Field(default_factory=list)
    question: str
    expected: list[str | list[str]] = Field(default_factory=list)
    gold_ids: list[str] = Field(default_factory=list)
    gold_quotes: list[str] = Field(default_factory=list)
    answer: str = ""
    refused: bool = False
    backend: str = ""  # the answer's backend label, as people read it
    generated: bool = False  # an LLM wrote the answer (Answer.backend.engine)
    citations: list[CitedQuote] = Field(default_factory=list)
    correct: bool = False
    citation_precision: float | None = None
    citation_recall: float | None = None
    gold_quote_support: bool | None = None
    gold_rank: int | None = None  # rank of the first gold passage in the top 10 retrieved
    retrieved_ids: list[str] = Field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    llm_faithful: bool | None = None
    llm_correctness: float | None = None
    llm_error: str | None = None  # a judge failure; kept apart so it never touches the offline metrics
    fallback: str | None = None  # an LLM answer replaced by the extractive one, and why
    rejected_citations: int = 0  # generated citations that failed verification
    unsupported_sentences: int = 0  # generated sentences left without a verified citation
    support: float | None = None  # the score the refusal decision was made on (Answer.support)
    # The answer the extractive answerer gives with refusal switched off, and whether it is right: what the
    # reliability diagram plots against ``support`` (an unanswerable question has no right answer).
    unrefused_answer: str | None = None
    unrefused_correct: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _generated_from_label(cls, data: Any) -> Any:
        """Reports written before ``generated`` existed say it only in the label."""
        if isinstance(data, dict) and "generated" not in data:
            data = {**data, "generated": is_generated(str(data.get("backend", "")))}
        return data


def score_answer(
    q: EvalQuestion, answer: Answer, doc_texts: dict[str, str | None], retrieved: Sequence[Passage],
    seconds: float,
) -> QuestionResult:
    """Score one answer against the gold data (pure: the stored texts are passed in)."""
    gold_spans: dict[str, list[tuple[int, int]]] = {}
    for gq in q.gold_quotes:
        text = doc_texts.get(gq.doc_id) or ""
        gold_spans.setdefault(gq.doc_id, []).extend(spans_of(gq.quote, text))
    cited: list[CitedQuote] = []
    for c in answer.citations:
        span = (c.start, c.end)
        cited.append(CitedQuote(
            doc_id=c.doc_id, quote=c.quote, start=c.start, end=c.end,
            verbatim=verify_citation(c, doc_texts.get(c.doc_id)),
            supports_gold=any(overlaps(span, g) for g in gold_spans.get(c.doc_id, [])),
        ))
    cited_ids = list(dict.fromkeys(c.doc_id for c in cited))
    res = QuestionResult(
        id=q.id, type=q.type, split=q.split, tags=q.tags, question=q.question, expected=q.answers,
        gold_ids=q.gold_ids, gold_quotes=[g.quote for g in q.gold_quotes], support=answer.support,
        answer=answer.text, refused=answer.refused, backend=answer.backend.label,
        generated=answer.backend.engine == Engine.LLM, citations=cited,
        seconds=seconds, retrieved_ids=[p.doc_id for p in retrieved], fallback=answer.fallback,
        rejected_citations=answer.rejected_citations, unsupported_sentences=len(answer.unsupported_sentences),
    )
    if not q.answerable:
        res.correct = answer.refused
        return res
    res.correct = (not answer.refused) and answer_correct(q.answers, read_as_answer(answer))
    hits = [i for i in cited_ids if i in q.gold_ids]
    res.citation_precision = len(hits) / len(cited_ids) if cited_ids else None
    res.citation_recall = len(hits) / len(q.gold_ids)
    res.gold_quote_support = any(c.supports_gold for c in cited)
    res.gold_rank = first_gold_rank(retrieved, q.gold_ids)
    return res
