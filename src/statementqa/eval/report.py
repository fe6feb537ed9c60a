"""The report of a run: ``report.json`` (the model), ``report.md`` (rendered), and where reports go."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from statementqa.config import Settings
from statementqa.eval.charts import write_charts
from statementqa.eval.common import EvalInputError
from statementqa.eval.fmt import fmt_expected, one_line, pct, score, sec
from statementqa.eval.index import INDEX_SETTINGS
from statementqa.eval.metrics import aggregate, aggregate_llm, outcome_table, reliability_bins
from statementqa.eval.paths import rel
from statementqa.eval.questions import QUESTION_TYPES, SPLITS, EvalSet
from statementqa.eval.scoring import QuestionResult


class EvalReport(BaseModel):
    """What a run produced; ``report.json`` is this model."""

    set_name: str
    created: str
    questions_file: str
    statements_file: str
    statements: int
    split: str | None = None
    index_dir: str
    index_key: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    backend: str = ""
    overall: dict[str, float | int | None] = Field(default_factory=dict)
    by_type: dict[str, dict[str, float | int | None]] = Field(default_factory=dict)
    by_tag: dict[str, dict[str, float | int | None]] = Field(default_factory=dict)
    by_split: dict[str, dict[str, float | int | None]] = Field(default_factory=dict)
    by_split_type: dict[str, dict[str, dict[str, float | int | None]]] = Field(default_factory=dict)
    outcomes: dict[str, dict[str, int]] = Field(default_factory=dict)  # answered|refused × (un)answerable
    reliability: list[dict[str, float | int]] = Field(default_factory=list)  # support bins vs. correctness
    llm_judged: dict[str, float | int | None] | None = None
    results: list[QuestionResult] = Field(default_factory=list)
    out_dir: str | None = None


def build_report(
    eval_set: EvalSet, results: list[QuestionResult], *, statements: int, index_dir: Path,
    index_key: str | None, settings: Settings, llm_judged: bool, split: str | None = None,
) -> EvalReport:
    types = [t for t in QUESTION_TYPES if any(r.type == t for r in results)]
    tags = sorted({t for r in results for t in r.tags})
    splits = [s for s in SPLITS if any(r.split == s for r in results)]
    return EvalReport(
        set_name=eval_set.name,
        created=datetime.now().isoformat(timespec="seconds"),
        questions_file=rel(eval_set.questions),
        statements_file=eval_set.pool_label,
        statements=statements,
        split=split,
        by_split={s: aggregate([r for r in results if r.split == s]) for s in splits},
        by_split_type={s: {t: aggregate([r for r in results if r.split == s and r.type == t]) for t in types
                           if any(r.split == s and r.type == t for r in results)} for s in splits},
        outcomes=outcome_table(results),
        reliability=reliability_bins(results),
        index_dir=str(index_dir),
        index_key=index_key,
        settings=_settings_snapshot(settings),
        backend=", ".join(sorted({r.backend for r in results if r.backend})),
        overall=aggregate(results),
        by_type={t: aggregate([r for r in results if r.type == t]) for t in types},
        by_tag={t: aggregate([r for r in results if t in r.tags]) for t in tags},
        llm_judged=aggregate_llm(results) if llm_judged else None,
        results=results,
    )


def _settings_snapshot(settings: Settings) -> dict[str, Any]:
    """The knobs that change results (never secrets)."""
    keep = (*INDEX_SETTINGS, "top_k", "refuse_threshold", "llm_model")
    snap = {k: getattr(settings, k) for k in keep if hasattr(settings, k)}
    snap["llm_enabled"] = settings.llm_enabled
    if snap.get("refuse_threshold") is None:  # the calibrated threshold the reader ships with
        from statementqa.answering.scorer import load_scorer

        snap["refuse_threshold"] = round(load_scorer().threshold, 4)
    return json.loads(json.dumps(snap, default=str))






_TABLE_COLS: list[tuple[str, str, Callable[[float | int | None], str]]] = [
    ("n", "n", str), ("accuracy", "accuracy", pct), ("citation_precision", "cite P", pct),
    ("citation_recall", "cite R", pct), ("verbatim_quote_rate", "verbatim", pct),
    ("gold_quote_support", "gold quote", pct), ("false_refusal_rate", "false refusal", pct),
    ("hit@1", "hit@1", pct), ("hit@5", "hit@5", pct), ("hit@10", "hit@10", pct), ("mrr", "MRR", pct),
    ("latency_p50", "p50", sec), ("latency_p95", "p95", sec),
]


def _metrics_table(rows: dict[str, dict[str, float | int | None]]) -> list[str]:
    head = "| group | " + " | ".join(label for _, label, _ in _TABLE_COLS) + " |"
    lines = [head, "|" + "---|" * (len(_TABLE_COLS) + 1)]
    for name, m in rows.items():
        cells = [fmt(m.get(key)) if key != "n" else str(m.get("n", 0)) for key, _, fmt in _TABLE_COLS]
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




def _generator_lines(o: dict[str, float | int | None]) -> list[str]:
    """What verification did to generated answers (nothing to say for an extractive run)."""
    if not (o.get("llm_answers") or o.get("llm_fallbacks")):
        return []
    return [
        f"- Generated answers kept: {o['llm_answers']}; fell back to extractive: {o['llm_fallbacks']} "
        f"(no verifiable citation, or the server failed); generated citations rejected by verification: "
        f"{o['rejected_citations']}; generated sentences shown as unsupported: {o['unsupported_sentences']}",
    ]


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


def render_markdown(report: EvalReport, max_failures: int = 20) -> str:
    o = report.overall
    lines = [
        f"# Eval report: set `{report.set_name}` ({report.created})",
        "",
        f"{o['n']} questions ({o['n_answerable']} answerable, {o['n_unanswerable']} unanswerable) over "
        f"{report.statements} statements (`{report.statements_file}`); backend: {report.backend or '–'}.",
        f"Settings: `{json.dumps(report.settings)}`",
        "",
        "## Offline metrics (no LLM involved)",
        "",
        f"- Accuracy (all questions; refusing an unanswerable one counts as correct): **{pct(o['accuracy'])}**"
        f"; on answerable questions: {pct(o['answer_accuracy'])}",
        f"- Cited-statement precision / recall: {pct(o['citation_precision'])} / {pct(o['citation_recall'])}",
        f"- Verbatim-quote rate: **{pct(o['verbatim_quote_rate'])}** of {o['citations']} citations "
        "(must be 100%)",
        f"- Gold-quote support (a cited quote overlaps a gold quote): {pct(o['gold_quote_support'])}",
        f"- Refusal precision / recall on the unanswerable split: {pct(o['refusal_precision'])} / "
        f"{pct(o['refusal_recall'])}; false-refusal rate on answerable ones: {pct(o['false_refusal_rate'])}",
        f"- Retrieval (gold statement among the passages): hit@1 {pct(o['hit@1'])}, hit@3 {pct(o['hit@3'])}, "
        f"hit@5 {pct(o['hit@5'])}, hit@10 {pct(o['hit@10'])}, MRR {pct(o['mrr'])}",
        f"- Latency p50 / p95: {sec(o['latency_p50'])} / {sec(o['latency_p95'])}",
        f"- Errors: {o['errors']}",
        *_generator_lines(o),
        "",
        "### By question type",
        "",
        *_metrics_table({**report.by_type, "**all**": o}),
        "",
    ]
    if report.by_split:
        lines += ["### By split", "", *_metrics_table(report.by_split), ""]
        for split, rows in report.by_split_type.items():
            lines += [f"### Split `{split}` by question type", "",
                      *_metrics_table({**rows, "**all**": report.by_split[split]}), ""]
    lines += [*_outcome_lines(report), *_reliability_lines(report)]
    if report.by_tag:
        lines += ["### By tag", "", *_metrics_table(report.by_tag), ""]
    if report.llm_judged is not None:
        j = report.llm_judged
        lines += [
            "## LLM-judged metrics (separate from the offline ones; depend on the judge model)",
            "",
            f"- Judged answers: {j['judged']}; faithfulness (answer supported by its quotes): "
            f"{pct(j['faithfulness'])}; correctness (1–5 vs. the reference answer): "
            f"{score(j['correctness'])}",
            "",
        ]
    failures = sorted((r for r in report.results if not r.correct or r.error), key=_failure_rank)
    lines += [f"## Worst failures ({len(failures)} incorrect; up to {max_failures} shown)", ""]
    for r in failures[:max_failures]:
        given = "(refused) " if r.refused else ""
        lines += [
            f"### {r.id} ({r.type}{', ' + r.split if r.split else ''}) — {r.question}",
            "",
            f"- Expected: {fmt_expected(r.expected)}; gold: {', '.join(r.gold_ids) or '–'}",
            *[f"- Gold quote: “{one_line(g, 300)}”" for g in r.gold_quotes[:2]],
            f"- Given: {given}{one_line(r.answer, 400)}",
            f"- Gold statement rank in retrieval: {r.gold_rank or 'not in top 10'}" if r.gold_ids else
            "- (unanswerable: the answer should have been a refusal)",
        ]
        if r.error:
            lines.append(f"- Error: {r.error}")
        for c in r.citations:
            flag = "" if c.verbatim else " **NOT VERBATIM**"
            lines.append(f"  - [{c.doc_id}] “{one_line(c.quote, 200)}”{flag}")
        lines.append("")
    lines += ["## Charts", "", "![accuracy by type](accuracy_by_type.png)", "",
              "![latency](latency.png)", ""]
    return "\n".join(lines)






def write_report(report: EvalReport, out_dir: Path) -> Path:
    """Write report.json, report.md and the charts into a fresh folder (never over an existing report)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-report-", dir=out_dir.parent))
    try:
        report.out_dir = rel(out_dir)
        (tmp / "report.json").write_text(report.model_dump_json(indent=1), encoding="utf-8")
        (tmp / "report.md").write_text(render_markdown(report), encoding="utf-8")
        write_charts(report, tmp)
        if out_dir.exists():
            raise EvalInputError(f"{out_dir}: already exists; not overwriting an earlier report")
        tmp.rename(out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def new_report_dir(base: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = base / stamp
    n = 1
    while out.exists():
        n += 1
        out = base / f"{stamp}-{n}"
    return out


def load_report(path: Path) -> EvalReport:
    """A report from its folder or its report.json."""
    file = path / "report.json" if path.is_dir() else path
    try:
        return EvalReport.model_validate_json(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise EvalInputError(f"{file}: no report here (expected a report folder or its report.json)") from exc
    except ValidationError as exc:
        raise EvalInputError(f"{file}: not an eval report ({exc.errors()[0]['msg']})") from exc
