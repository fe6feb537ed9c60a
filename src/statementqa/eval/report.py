"""The report of a run: ``report.json`` (the model), ``report.md`` (rendered), and where reports go."""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from statementqa.config import Settings
from statementqa.eval.charts import write_charts
from statementqa.eval.common import EvalInputError
from statementqa.eval.index import INDEX_SETTINGS
from statementqa.eval.markdown import render_markdown
from statementqa.eval.metrics import JudgeMetrics, Metrics, aggregate, aggregate_llm, outcome_table, reliability_bins
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
    overall: Metrics = Field(default_factory=Metrics)
    by_type: dict[str, Metrics] = Field(default_factory=dict)
    by_tag: dict[str, Metrics] = Field(default_factory=dict)
    by_split: dict[str, Metrics] = Field(default_factory=dict)
    by_split_type: dict[str, dict[str, Metrics]] = Field(default_factory=dict)
    outcomes: dict[str, dict[str, int]] = Field(default_factory=dict)  # answered|refused × (un)answerable
    reliability: list[dict[str, float | int]] = Field(default_factory=list)  # support bins vs. correctness
    llm_judged: JudgeMetrics | None = None
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
