"""Metrics over a group of question results (rates on a 0..1 scale; None = nothing to measure).

Why a model and not a dict: every consumer (the gate, the tables, compare, the summary line) names the
metrics it reads, and a misspelt name must fail (an unknown attribute, an unknown field) instead of
reading as "no value". ``report.json`` keeps the names it always had, so committed baselines still load.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from statementqa.eval.scoring import QuestionResult

HIT_KS = (1, 3, 5, 10)


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile (no interpolation: the value a user actually waited)."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[k]


def _mean(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.fmean(vals) if vals else None


_REPORT_NAMES = ConfigDict(extra="forbid", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True)


class Metrics(BaseModel):
    """All offline metrics of one group of questions (a run, a type, a tag, a split)."""

    model_config = _REPORT_NAMES

    n: int = 0
    n_answerable: int = 0
    n_unanswerable: int = 0
    errors: int = 0
    accuracy: float | None = None  # all questions; refusing an unanswerable one is correct
    answer_accuracy: float | None = None  # answerable questions only
    citation_precision: float | None = None
    citation_recall: float | None = None
    citations: int = 0
    verbatim_quote_rate: float | None = None
    gold_quote_support: float | None = None
    refusal_precision: float | None = None
    refusal_recall: float | None = None
    false_refusal_rate: float | None = None
    mrr: float | None = None
    latency_p50: float | None = None
    latency_p95: float | None = None
    # report.json spells these "hit@1" … "hit@10" (HIT_KS).
    hit_at_1: float | None = Field(None, alias="hit@1")
    hit_at_3: float | None = Field(None, alias="hit@3")
    hit_at_5: float | None = Field(None, alias="hit@5")
    hit_at_10: float | None = Field(None, alias="hit@10")
    # The generator's own record (all 0 for the extractive default): how often verification intervened.
    # Reports written before these existed lack them; 0 is what an extractive run has.
    llm_answers: int = 0
    llm_fallbacks: int = 0
    rejected_citations: int = 0
    unsupported_sentences: int = 0

    def value(self, name: str) -> float | int | None:
        """A metric by field name; an unknown name raises (names in tables and tolerances are checked)."""
        return getattr(self, check_metric(name))

    @classmethod
    def label(cls, name: str) -> str:
        """The name ``report.json`` and the printed tables use ("hit_at_5" -> "hit@5")."""
        return cls.model_fields[check_metric(name)].alias or name


def check_metric(name: str) -> str:
    """``name`` if it is a metric's field name, else a KeyError naming the known ones."""
    if name not in Metrics.model_fields:
        raise KeyError(f"unknown metric {name!r}; metrics are {', '.join(Metrics.model_fields)}")
    return name


def metric_names(*names: str) -> tuple[str, ...]:
    """Checked field names (for column lists and tolerances defined at import: a typo fails the import)."""
    return tuple(check_metric(n) for n in names)


def _ranks_metrics(ranks: Sequence[int | None]) -> dict[str, float | None]:
    """MRR and hit@k of the gold statements' ranks (None = not in the top 10); all None without questions."""
    def hit(k: int) -> float | None:
        return _mean(float(r is not None and r <= k) for r in ranks) if ranks else None

    out = {f"hit_at_{k}": hit(k) for k in HIT_KS}
    out["mrr"] = _mean((1.0 / k if k else 0.0) for k in ranks) if ranks else None
    return out


def _refusal_precision(results: Sequence[QuestionResult]) -> float | None:
    refused = [r for r in results if r.refused]
    return sum(r.type == "unanswerable" for r in refused) / len(refused) if refused else None


def aggregate(results: Sequence[QuestionResult]) -> Metrics:
    """All offline metrics over a group of question results."""
    answerable = [r for r in results if r.type != "unanswerable"]
    unanswerable = [r for r in results if r.type == "unanswerable"]
    all_cites = [c for r in results for c in r.citations]
    seconds = [r.seconds for r in results if r.error is None]
    return Metrics.model_validate({
        "n": len(results),
        "n_answerable": len(answerable),
        "n_unanswerable": len(unanswerable),
        "errors": sum(r.error is not None for r in results),
        "accuracy": _mean(float(r.correct) for r in results),
        "answer_accuracy": _mean(float(r.correct) for r in answerable),
        "citation_precision": _mean(r.citation_precision for r in answerable),
        "citation_recall": _mean(r.citation_recall for r in answerable),
        "citations": len(all_cites),
        "verbatim_quote_rate": _mean(float(c.verbatim) for c in all_cites) if all_cites else 1.0,
        "gold_quote_support": _mean(float(bool(r.gold_quote_support)) for r in answerable),
        "refusal_precision": _refusal_precision(results),
        "refusal_recall": _mean(float(r.refused) for r in unanswerable),
        "false_refusal_rate": _mean(float(r.refused) for r in answerable),
        "latency_p50": percentile(seconds, 50),
        "latency_p95": percentile(seconds, 95),
        **_ranks_metrics([r.gold_rank for r in answerable]),
        "llm_answers": sum(r.generated for r in results),
        "llm_fallbacks": sum(r.fallback is not None for r in results),
        "rejected_citations": sum(r.rejected_citations for r in results),
        "unsupported_sentences": sum(r.unsupported_sentences for r in results),
    })


def outcome_table(results: Sequence[QuestionResult]) -> dict[str, dict[str, int]]:
    """Answered/refused × answerable/unanswerable counts (the refusal decision at a glance)."""
    table = {"answered": {"answerable": 0, "unanswerable": 0}, "refused": {"answerable": 0, "unanswerable": 0}}
    for r in results:
        if r.error:
            continue
        table["refused" if r.refused else "answered"]["unanswerable" if r.type == "unanswerable" else "answerable"] += 1
    return table


RELIABILITY_BINS = 8


def reliability_bins(results: Sequence[QuestionResult], bins: int = RELIABILITY_BINS) -> list[dict[str, float | int]]:
    """Questions in equal-count bins of ``support``; per bin the mean support and how often the unrefused answer
    was right (an unanswerable question's answer is never right). Equal-count bins: support is not spread
    evenly over 0..1, and a bin of two questions says nothing."""
    pts = sorted((r.support, bool(r.unrefused_correct)) for r in results
                 if r.support is not None and r.unrefused_correct is not None)
    if not pts:
        return []
    out: list[dict[str, float | int]] = []
    size = max(1, math.ceil(len(pts) / bins))
    for i in range(0, len(pts), size):
        chunk = pts[i : i + size]
        out.append({"lo": chunk[0][0], "hi": chunk[-1][0], "n": len(chunk),
                    "support": statistics.fmean(p for p, _ in chunk),
                    "correct": statistics.fmean(float(c) for _, c in chunk)})
    return out


class JudgeMetrics(BaseModel):
    """The optional LLM-judged metrics, kept apart from the offline ones (they depend on the judge model)."""

    model_config = ConfigDict(extra="forbid")

    judged: int = 0
    judge_errors: int = 0
    faithfulness: float | None = None  # share of judged answers supported by their quotes
    correctness: float | None = None  # mean 1-5 score against the reference answer


def aggregate_llm(results: Sequence[QuestionResult]) -> JudgeMetrics:
    judged = [r for r in results if r.llm_faithful is not None or r.llm_correctness is not None]
    return JudgeMetrics(
        judged=len(judged),
        judge_errors=sum(r.llm_error is not None for r in results),
        faithfulness=_mean(float(r.llm_faithful) for r in judged if r.llm_faithful is not None),
        correctness=_mean(r.llm_correctness for r in judged if r.llm_correctness is not None),
    )
