"""Metrics over a group of question results (rates on a 0..1 scale)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence

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


def aggregate(results: Sequence[QuestionResult]) -> dict[str, float | int | None]:
    """All offline metrics over a group of question results (rates on a 0..1 scale)."""
    answerable = [r for r in results if r.type != "unanswerable"]
    unanswerable = [r for r in results if r.type == "unanswerable"]
    refused = [r for r in results if r.refused]
    all_cites = [c for r in results for c in r.citations]
    ranks = [r.gold_rank for r in answerable]
    seconds = [r.seconds for r in results if r.error is None]
    out: dict[str, float | int | None] = {
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
        "refusal_precision": (sum(r.type == "unanswerable" for r in refused) / len(refused)) if refused else None,
        "refusal_recall": _mean(float(r.refused) for r in unanswerable),
        "false_refusal_rate": _mean(float(r.refused) for r in answerable),
        "mrr": _mean((1.0 / k if k else 0.0) for k in ranks) if answerable else None,
        "latency_p50": percentile(seconds, 50),
        "latency_p95": percentile(seconds, 95),
    }
    for k in HIT_KS:
        out[f"hit@{k}"] = _mean(float(r is not None and r <= k) for r in ranks) if answerable else None
    # The generator's own record (all 0 for the extractive default): how often verification intervened.
    out["llm_answers"] = sum(r.backend.startswith("llm:") for r in results)
    out["llm_fallbacks"] = sum(r.fallback is not None for r in results)
    out["rejected_citations"] = sum(r.rejected_citations for r in results)
    out["unsupported_sentences"] = sum(r.unsupported_sentences for r in results)
    return out


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


def aggregate_llm(results: Sequence[QuestionResult]) -> dict[str, float | int | None]:
    judged = [r for r in results if r.llm_faithful is not None or r.llm_correctness is not None]
    return {
        "judged": len(judged),
        "judge_errors": sum(r.llm_error is not None for r in results),
        "faithfulness": _mean(float(r.llm_faithful) for r in judged if r.llm_faithful is not None),
        "correctness": _mean(r.llm_correctness for r in judged if r.llm_correctness is not None),
    }
