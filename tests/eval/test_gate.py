"""Regression gate (statementqa.eval.gate): the CI-sized slice (incl. the seed questions) must not fall below the
committed baseline.

The ``ci_report`` fixture (conftest) answers every ``ci`` question offline through ``statementqa.answer``; it is
compared with ``evals/reports/baseline/ci/report.json``. Tolerances: ``statementqa.eval.GATE_TOLERANCE`` (stated in
evals/README.md). Any quote that is not a verbatim span of its statement fails the gate outright.
"""

from __future__ import annotations

import pytest

from statementqa.eval import EvalReport, Metrics, baseline_path, check_against_baseline, load_report
from tests.eval.cases import needs_corpus


def test_gate_fails_on_drops_beyond_tolerance_and_on_any_non_verbatim_quote() -> None:
    base = Metrics(accuracy=0.80, hit_at_5=0.90, verbatim_quote_rate=1.0, false_refusal_rate=0.10)

    def run(**change: float) -> list[str]:
        return check_against_baseline(base.model_copy(update=change), base)

    assert run(accuracy=0.77) == []
    drop = run(accuracy=0.70)
    assert len(drop) == 1 and "accuracy" in drop[0]
    assert any("verbatim" in f for f in run(verbatim_quote_rate=0.99))
    assert any("false_refusal" in f for f in run(false_refusal_rate=0.3))
    assert run(hit_at_5=0.8) == ["hit@5 fell to 80.0% from the baseline 90.0% (tolerance 5 pts)"]


def test_a_metric_the_baseline_lacks_is_not_gated() -> None:
    assert check_against_baseline(Metrics(verbatim_quote_rate=1.0), Metrics()) == []


def test_custom_tolerances_must_name_real_metrics() -> None:
    with pytest.raises(KeyError, match="unknown metric 'hit@5'"):
        check_against_baseline(Metrics(verbatim_quote_rate=1.0), Metrics(), tolerance={"hit@5": 0.05})


@pytest.fixture(scope="module")
def baseline() -> EvalReport:
    return load_report(baseline_path("ci"))


@needs_corpus
def test_every_quote_shown_is_verbatim(ci_report: EvalReport) -> None:
    bad = [(r.id, c.doc_id, c.quote) for r in ci_report.results for c in r.citations if not c.verbatim]
    assert ci_report.overall.citations, "the answerer cited nothing at all"
    assert bad == []


@needs_corpus
def test_no_question_crashes_the_answerer(ci_report: EvalReport) -> None:
    assert [(r.id, r.error) for r in ci_report.results if r.error] == []


@needs_corpus
def test_ci_slice_does_not_regress_below_baseline(ci_report: EvalReport, baseline: EvalReport) -> None:
    assert check_against_baseline(ci_report.overall, baseline.overall) == []


@needs_corpus
def test_seed_questions_do_not_regress_below_baseline(ci_report: EvalReport, baseline: EvalReport) -> None:
    assert check_against_baseline(ci_report.by_tag["seed"], baseline.by_tag["seed"]) == []
