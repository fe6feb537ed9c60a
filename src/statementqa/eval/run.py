"""The runner: one eval set through the answerer, scored, reported, and (optionally) gated."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statementqa.answering import read_as_answer
from statementqa.config import Settings, get_settings
from statementqa.eval.common import EvalInputError, progress_iter
from statementqa.eval.compare import compare_reports
from statementqa.eval.fmt import pct, sec
from statementqa.eval.gate import baseline_path, check_against_baseline
from statementqa.eval.index import check_index_has, ensure_index
from statementqa.eval.judge import llm_judge
from statementqa.eval.matching import answer_correct
from statementqa.eval.metrics import HIT_KS
from statementqa.eval.paths import evals_dir, reports_dir
from statementqa.eval.questions import (
    SPLITS,
    EvalQuestion,
    EvalSet,
    get_set,
    load_questions,
    select_questions,
    validate_questions,
)
from statementqa.eval.report import EvalReport, build_report, load_report, new_report_dir, write_report
from statementqa.eval.scoring import QuestionResult, score_answer
from statementqa.eval.statements import default_sources, read_statement_sources, resolve_statements
from statementqa.models import Answer

if TYPE_CHECKING:  # the Index facade pulls in the whole stack; only needed at run time
    from statementqa.api import Index


def run_eval(
    set_name: str = "default",
    index_dir: Path | None = None,
    limit: int | None = None,
    settings: Settings | None = None,
    out_dir: Path | None = None,
    progress: bool = True,
    *,
    llm: bool | None = None,
    judge: bool | None = None,
    write: bool = True,
    cache_dir: Path | None = None,
    corpus_dir: Path | None = None,
    manifest: Path | None = None,
    split: str | None = None,
) -> EvalReport:
    """Run one eval set and (by default) write its report under ``evals/reports/<timestamp>/``.

    ``index_dir``: use this existing index instead of the cached, content-keyed one (missing = error).
    ``llm``: passed to ``answer`` (None = use an LLM iff configured). ``judge``: LLM-judged metrics
    (None = iff an LLM is configured). All inputs are validated before anything is built or written.
    """
    settings = settings or get_settings()
    eval_set, questions, records = _load_inputs(set_name, split, limit, corpus_dir,
                                                manifest or evals_dir(settings) / "sets.toml")
    if index_dir is not None and not index_dir.is_dir():
        raise EvalInputError(f"{index_dir}: index directory not found; omit --index to build the eval index")
    key: str | None = None
    if index_dir is None:
        # The eval index is private and on disk: never write into a configured Chroma server's collection.
        settings = settings.model_copy(update={"chroma_host": None, "collection": "statementqa-eval"})
        index_dir, key = ensure_index(records, settings, cache_dir, progress)
    results = _answer_all(questions, index_dir, settings, llm, progress)
    use_judge = settings.llm_enabled if judge is None else judge
    if use_judge:
        llm_judge(results, {q.id: q for q in questions}, settings, progress)
    report = build_report(eval_set, results, statements=len(records), index_dir=index_dir, index_key=key,
                          settings=settings, llm_judged=use_judge, split=split)
    if write:
        write_report(report, out_dir or new_report_dir(reports_dir(settings)))
    return report


def _load_inputs(
    set_name: str, split: str | None, limit: int | None, corpus_dir: Path | None, manifest: Path | None,
) -> tuple[EvalSet, list[EvalQuestion], list[dict[str, Any]]]:
    """The set, its (selected, validated) questions and its statements' records; any problem raises."""
    eval_set = get_set(set_name, manifest)
    if split is not None and split not in SPLITS:
        raise EvalInputError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    questions = select_questions(load_questions(eval_set.questions), eval_set.tags, split)
    if split is not None and not questions:
        raise EvalInputError(f"set {set_name!r} has no questions in split {split!r} (only v2 sets have splits)")
    if limit is not None:
        questions = questions[: max(0, limit)]
    sources = {} if eval_set.statements is None else read_statement_sources(default_sources(corpus_dir))
    records = resolve_statements(eval_set.statements, sources, corpus_dir)
    texts = {r["id"]: r["text"] for r in records}
    problems = validate_questions(questions, texts, eval_set.pool_label)
    if problems:
        raise EvalInputError(f"{eval_set.questions}: " + "; ".join(problems[:10]))
    return eval_set, questions, records


def _answer_all(questions: Sequence[EvalQuestion], index_dir: Path, settings: Settings, llm: bool | None,
                progress: bool) -> list[QuestionResult]:
    """Every question answered and scored on the index at ``index_dir`` (plus the unrefused pass, offline)."""
    from statementqa.api import answer as answer_question
    from statementqa.api import open_index

    index = open_index(index_dir, settings=settings)
    try:
        gold_ids = {g for q in questions for g in q.gold_ids}
        doc_texts = check_index_has(index, sorted(gold_ids), index_dir)
        results = [_run_one(q, index, doc_texts, answer_question, llm)
                   for q in progress_iter(questions, progress, "eval")]
        use_llm = settings.llm_enabled if llm is None else llm
        if not use_llm:
            _unrefused_pass(questions, results, index, progress)
    finally:
        index.close()
    return results


def _run_one(q: EvalQuestion, index: Index, doc_texts: dict[str, str | None], answer_question: Any,
             llm: bool | None) -> QuestionResult:
    """Answer (timed) and retrieve the top 10 (untimed, for retrieval metrics); errors become results."""
    try:
        t0 = time.perf_counter()
        ans: Answer = answer_question(q.question, index=index, llm=llm)
        seconds = time.perf_counter() - t0
        retrieved = index.retrieve(q.question, top_k=max(HIT_KS))
    except Exception as exc:  # noqa: BLE001 - one crashing question is a finding, not the end of the run
        return QuestionResult(id=q.id, type=q.type, tags=q.tags, question=q.question, expected=q.answers,
                              gold_ids=q.gold_ids, error=f"{type(exc).__name__}: {exc}")
    for c in ans.citations:
        if c.doc_id not in doc_texts:
            doc = index.document(c.doc_id)
            doc_texts[c.doc_id] = doc.text if doc else None
    return score_answer(q, ans, doc_texts, retrieved, seconds)


def _unrefused_pass(questions: Sequence[EvalQuestion], results: Sequence[QuestionResult], index: Index,
                    progress: bool) -> None:
    """Answer every question again with the refusal threshold at 0, recording what would have been said.

    Why: a reliability diagram needs the correctness of the answer behind *every* support value, refused or
    not; refusals hide it. Extractive answering is deterministic and cheap, so a second pass costs seconds.
    """
    original = index.settings
    index.settings = original.model_copy(update={"refuse_threshold": 0.0})
    try:
        for q, r in zip(progress_iter(questions, progress, "unrefused"), results, strict=True):
            if r.error:
                continue
            try:
                ans = index.answer(q.question, llm=False)
            except Exception as exc:  # noqa: BLE001 - recorded on the result, the run goes on
                r.error = f"unrefused pass: {type(exc).__name__}: {exc}"
                continue
            r.unrefused_answer = ans.text
            r.unrefused_correct = bool(q.answerable and not ans.refused
                                       and answer_correct(q.answers, read_as_answer(ans)))
    finally:
        index.settings = original


def main_eval(
    set_name: str = "default",
    index_dir: Path | None = None,
    limit: int | None = None,
    compare: tuple[Path, Path] | None = None,
    out_dir: Path | None = None,
    gate: bool = False,
    judge: bool | None = None,
    progress: bool = True,
    split: str | None = None,
) -> int:
    """CLI glue: run (or compare) and print a summary; returns the exit code (1 = gate failed, 2 = bad input)."""
    try:
        if compare is not None:
            print(compare_reports(*compare))
            return 0
        report = run_eval(set_name, index_dir=index_dir, limit=limit, out_dir=out_dir, progress=progress,
                          judge=judge, split=split)
    except EvalInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary_lines(report))
    if gate:
        base = baseline_path(set_name)
        if not base.exists():
            print(f"error: no baseline at {base}", file=sys.stderr)
            return 2
        failures = check_against_baseline(report.overall, load_report(base).overall)
        for f in failures:
            print(f"GATE FAILED: {f}", file=sys.stderr)
        return 1 if failures else 0
    return 0


def summary_lines(report: EvalReport) -> str:
    o = report.overall
    head = (f"set {report.set_name}: {o.n} questions, accuracy {pct(o.accuracy)}, verbatim quotes "
            f"{pct(o.verbatim_quote_rate)}, citation P/R {pct(o.citation_precision)}/"
            f"{pct(o.citation_recall)}, refusal P/R {pct(o.refusal_precision)}/{pct(o.refusal_recall)}, "
            f"hit@5 {pct(o.hit_at_5)}, MRR {pct(o.mrr)}, p50 {sec(o.latency_p50)}")
    per_type = "; ".join(f"{t} {pct(m.accuracy)} (n={m.n})" for t, m in report.by_type.items())
    if report.by_split:
        per_type += "\nby split: " + "; ".join(f"{s} {pct(m.accuracy)} (n={m.n})"
                                                for s, m in report.by_split.items())
    where = f"report: {report.out_dir}" if report.out_dir else "(report not written)"
    return f"{head}\nby type: {per_type}\n{where}"
