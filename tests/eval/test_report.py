"""A run's report (statementqa.eval.report, markdown, charts): written once, read back, rendered from the model."""

from __future__ import annotations

from pathlib import Path

import pytest

from statementqa.eval import EvalReport, baseline_path, load_report, render_markdown, write_report
from tests.eval.cases import needs_corpus


@needs_corpus
def test_report_is_written_with_tables_failures_and_charts(ci_report: EvalReport, tmp_path: Path) -> None:
    out = write_report(ci_report.model_copy(deep=True), tmp_path / "run")
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "### By question type" in md and "## Worst failures" in md
    for png in ("accuracy_by_type.png", "latency.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert load_report(out).overall == ci_report.overall
    with pytest.raises(ValueError, match="already exists"):
        write_report(ci_report, out)  # never overwrites an earlier report


@pytest.mark.parametrize("name", ["ci", "v2-dev"])
def test_a_committed_report_renders_to_its_committed_markdown(name: str) -> None:
    folder = baseline_path(name).parent
    assert render_markdown(load_report(folder)) == (folder / "report.md").read_text(encoding="utf-8")


def test_a_folder_without_a_report_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no report here"):
        load_report(tmp_path)
