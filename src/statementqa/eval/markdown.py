"""``report.md``: a run's metrics as tables, its refusal and reliability picture, and its worst failures."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from statementqa.eval.fmt import fmt_expected, pct, score, sec
from statementqa.eval.metrics import Metrics, metric_names
from statementqa.textutil import shorten

if TYPE_CHECKING:
    from statementqa.eval.report import EvalReport
    from statementqa.eval.scoring import QuestionResult

_Fmt = Callable[[float | int | None], str]
_TABLE_COLS: list[tuple[str, str, _Fmt]] = [
    ("n", "n", str), ("accuracy", "accuracy", pct), ("citation_precision", "cite P", pct),
    ("citation_recall", "cite R", pct), ("verbatim_quote_rate", "verbatim", pct),
    ("gold_quote_support", "gold quote", pct), ("false_refusal_rate", "false refusal", pct),
    ("hit_at_1", "hit@1", pct), ("hit_at_5", "hit@5", pct), ("hit_at_10", "hit@10", pct), ("mrr", "MRR", pct),
    ("latency_p50", "p50", sec), ("latency_p95", "p95", sec),
]
metric_names(*(key for key, _, _ in _TABLE_COLS))  # a misspelt column fails the import


def _metrics_table(rows: dict[str, Metrics]) -> list[str]:
    head = "| group | " + " | ".join(label for _, label, _ in _TABLE_COLS) + " |"
    lines = [head, "|" + "---|" * (len(_TABLE_COLS) + 1)]
    for name, m in rows.items():
        cells = [fmt(m.value(key)) for key, _, fmt in _TABLE_COLS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _failure_rank(r: QuestionResult) -> tuple[int, int]:
    """Worst first: confident wrong answers on unanswerable questions, then wrong answers, then refusals."""
    if r.error:
        return (0, 0)
    if r.type == "unanswerable":
        return (1, 0)
    if not r.refused:
        return (2, -(r.gold_rank or 99))
    return (3, -(r.gold_rank or 99))


def _generator_lines(o: Metrics) -> list[str]:
    """What verification did to generated answers (nothing to say for an extractive run)."""
    if not (o.llm_answers or o.llm_fallbacks):
        return []
    return [
        f"- Generated answers kept: {o.llm_answers}; fell back to extractive: {o.llm_fallbacks} "
        f"(no verifiable citation, or the server failed); generated citations rejected by verification: "
        f"{o.rejected_citations}; generated sentences shown as unsupported: {o.unsupported_sentences}",
    ]


def _offline_lines(report: EvalReport) -> list[str]:
    """The title, what was run, and every offline metric of the whole run in words."""
    o = report.overall
    return [
        f"# Eval report: set `{report.set_name}` ({report.created})",
        "",
        f"{o.n} questions ({o.n_answerable} answerable, {o.n_unanswerable} unanswerable) over "
        f"{report.statements} statements (`{report.statements_file}`); backend: {report.backend or '–'}.",
        f"Settings: `{json.dumps(report.settings)}`",
        "",
        "## Offline metrics (no LLM involved)",
        "",
        f"- Accuracy (all questions; refusing an unanswerable one counts as correct): **{pct(o.accuracy)}**"
        f"; on answerable questions: {pct(o.answer_accuracy)}",
        f"- Cited-statement precision / recall: {pct(o.citation_precision)} / {pct(o.citation_recall)}",
        f"- Verbatim-quote rate: **{pct(o.verbatim_quote_rate)}** of {o.citations} citations "
        "(must be 100%)",
        f"- Gold-quote support (a cited quote overlaps a gold quote): {pct(o.gold_quote_support)}",
        f"- Refusal precision / recall on the unanswerable split: {pct(o.refusal_precision)} / "
        f"{pct(o.refusal_recall)}; false-refusal rate on answerable ones: {pct(o.false_refusal_rate)}",
        f"- Retrieval (gold statement among the passages): hit@1 {pct(o.hit_at_1)}, hit@3 {pct(o.hit_at_3)}, "
        f"hit@5 {pct(o.hit_at_5)}, hit@10 {pct(o.hit_at_10)}, MRR {pct(o.mrr)}",
        f"- Latency p50 / p95: {sec(o.latency_p50)} / {sec(o.latency_p95)}",
        f"- Errors: {o.errors}",
        *_generator_lines(o),
        "",
    ]


def _group_lines(report: EvalReport) -> list[str]:
    """The metric tables: by type, by split (and split × type), by tag."""
    lines = ["### By question type", "", *_metrics_table({**report.by_type, "**all**": report.overall}), ""]
    if report.by_split:
        lines += ["### By split", "", *_metrics_table(report.by_split), ""]
        for split, rows in report.by_split_type.items():
            lines += [f"### Split `{split}` by question type", "",
                      *_metrics_table({**rows, "**all**": report.by_split[split]}), ""]
    lines += [*_outcome_lines(report), *_reliability_lines(report)]
    if report.by_tag:
        lines += ["### By tag", "", *_metrics_table(report.by_tag), ""]
    return lines


def _outcome_lines(report: EvalReport) -> list[str]:
    t = report.outcomes
    if not t:
        return []
    return ["### Refused / answered × answerable / unanswerable", "",
            "| | answerable | unanswerable |", "|---|---|---|",
            f"| answered | {t['answered']['answerable']} | {t['answered']['unanswerable']} (wrongly answered) |",
            f"| refused | {t['refused']['answerable']} (false refusals) | {t['refused']['unanswerable']} |", ""]


def _reliability_lines(report: EvalReport) -> list[str]:
    if not report.reliability:
        return []
    threshold = report.settings.get("refuse_threshold")
    lines = ["### Reliability: support vs. observed correctness", "",
             f"Each bin holds questions of similar support (the refusal threshold is {threshold}); *correct* is how "
             "often the answer given with refusal switched off was right (never, for an unanswerable question).",
             "", "| support range | n | mean support | correct |", "|---|---|---|---|"]
    for b in report.reliability:
        lines.append(f"| {b['lo']:.3f}–{b['hi']:.3f} | {b['n']} | {b['support']:.3f} | {pct(b['correct'])} |")
    return [*lines, "", "![reliability](reliability.png)", ""]


def _judge_lines(report: EvalReport) -> list[str]:
    j = report.llm_judged
    if j is None:
        return []
    return [
        "## LLM-judged metrics (separate from the offline ones; depend on the judge model)",
        "",
        f"- Judged answers: {j.judged}; faithfulness (answer supported by its quotes): "
        f"{pct(j.faithfulness)}; correctness (1–5 vs. the reference answer): "
        f"{score(j.correctness)}",
        "",
    ]


def _failure_lines(report: EvalReport, max_failures: int) -> list[str]:
    failures = sorted((r for r in report.results if not r.correct or r.error), key=_failure_rank)
    lines = [f"## Worst failures ({len(failures)} incorrect; up to {max_failures} shown)", ""]
    for r in failures[:max_failures]:
        given = "(refused) " if r.refused else ""
        lines += [
            f"### {r.id} ({r.type}{', ' + r.split if r.split else ''}) — {r.question}",
            "",
            f"- Expected: {fmt_expected(r.expected)}; gold: {', '.join(r.gold_ids) or '–'}",
            *[f"- Gold quote: “{shorten(g, 300)}”" for g in r.gold_quotes[:2]],
            f"- Given: {given}{shorten(r.answer, 400)}",
            f"- Gold statement rank in retrieval: {r.gold_rank or 'not in top 10'}" if r.gold_ids else
            "- (unanswerable: the answer should have been a refusal)",
        ]
        if r.error:
            lines.append(f"- Error: {r.error}")
        for c in r.citations:
            flag = "" if c.verbatim else " **NOT VERBATIM**"
            lines.append(f"  - [{c.doc_id}] “{shorten(c.quote, 200)}”{flag}")
        lines.append("")
    return lines


def render_markdown(report: EvalReport, max_failures: int = 20) -> str:
    lines = [*_offline_lines(report), *_group_lines(report), *_judge_lines(report),
             *_failure_lines(report, max_failures),
             "## Charts", "", "![accuracy by type](accuracy_by_type.png)", "", "![latency](latency.png)", ""]
    return "\n".join(lines)
