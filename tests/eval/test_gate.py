"""Regression gate: the CI-sized slice (incl. the seed questions) must not fall below the committed baseline.

The run builds its own index from ``evals/statements-ci.txt`` (36 statements, ~30 s on 2 cores), answers
every ``ci`` question offline through ``statementqa.answer`` and compares with
``evals/reports/baseline/ci/report.json``. Tolerances: ``statementqa.eval.GATE_TOLERANCE`` (stated in
evals/README.md). Any quote that is not a verbatim span of its statement fails the gate outright.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from statementqa.eval import (
    EvalReport,
    baseline_path,
    check_against_baseline,
    compare_reports,
    load_report,
    run_eval,
    write_report,
)
from tests.support import make_settings

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
pytestmark = pytest.mark.skipif(not (CORPUS / "statements").is_dir(), reason="shared corpus not at ../shared")


@pytest.fixture(scope="module")
def ci_report(tmp_path_factory: pytest.TempPathFactory) -> EvalReport:
    # The offline default (llm=False, judge=False even if the developer's shell configures an LLM).
    cache = tmp_path_factory.mktemp("eval-index")
    return run_eval("ci", settings=make_settings(cache), progress=False, write=False, llm=False, judge=False,
                    cache_dir=cache, corpus_dir=CORPUS)


@pytest.fixture(scope="module")
def baseline() -> EvalReport:
    return load_report(baseline_path("ci"))


def test_every_quote_shown_is_verbatim(ci_report: EvalReport) -> None:
    bad = [(r.id, c.doc_id, c.quote) for r in ci_report.results for c in r.citations if not c.verbatim]
    assert ci_report.overall.citations, "the answerer cited nothing at all"
    assert bad == []


def test_no_question_crashes_the_answerer(ci_report: EvalReport) -> None:
    assert [(r.id, r.error) for r in ci_report.results if r.error] == []


def test_ci_slice_does_not_regress_below_baseline(ci_report: EvalReport, baseline: EvalReport) -> None:
    assert check_against_baseline(ci_report.overall, baseline.overall) == []


def test_seed_questions_do_not_regress_below_baseline(ci_report: EvalReport, baseline: EvalReport) -> None:
    assert check_against_baseline(ci_report.by_tag["seed"], baseline.by_tag["seed"]) == []


def test_report_is_written_with_tables_failures_and_charts(ci_report: EvalReport, tmp_path: Path) -> None:
    out = write_report(ci_report.model_copy(deep=True), tmp_path / "run")
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "### By question type" in md and "## Worst failures" in md
    for png in ("accuracy_by_type.png", "latency.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert load_report(out).overall == ci_report.overall
    with pytest.raises(ValueError, match="already exists"):
        write_report(ci_report, out)  # never overwrites an earlier report


def test_compare_shows_question_level_changes(ci_report: EvalReport, tmp_path: Path) -> None:
    a = write_report(ci_report.model_copy(deep=True), tmp_path / "a")
    changed = ci_report.model_copy(deep=True)
    flipped = next(r for r in changed.results if r.correct)
    flipped.correct, flipped.answer = False, "something else"
    b = write_report(changed, tmp_path / "b")
    text = compare_reports(a, b)
    assert "## Now incorrect (1)" in text and flipped.id in text
    assert "## Now correct (0)" in text
