"""Comparing two reports (statementqa.eval.compare): metric deltas and every question whose outcome changed."""

from __future__ import annotations

from pathlib import Path

from statementqa.eval import EvalReport, baseline_path, compare_reports, write_report
from tests.eval.cases import needs_corpus


@needs_corpus
def test_compare_shows_question_level_changes(ci_report: EvalReport, tmp_path: Path) -> None:
    a = write_report(ci_report.model_copy(deep=True), tmp_path / "a")
    changed = ci_report.model_copy(deep=True)
    flipped = next(r for r in changed.results if r.correct)
    flipped.correct, flipped.answer = False, "something else"
    b = write_report(changed, tmp_path / "b")
    text = compare_reports(a, b)
    assert "## Now incorrect (1)" in text and flipped.id in text
    assert "## Now correct (0)" in text


def test_compare_lists_metrics_by_their_report_names() -> None:
    path = baseline_path("ci").parent
    text = compare_reports(path, path)
    assert "| hit@5 |" in text and "| accuracy |" in text and "+0.0 pts" in text
    assert "## Now correct (0)" in text and "## Now incorrect (0)" in text
