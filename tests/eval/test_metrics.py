"""Metrics over a group of results (statementqa.eval.metrics): the model, its report.json names, aggregate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from statementqa.eval import JudgeMetrics, Metrics, aggregate, baseline_path, load_report, percentile, score_answer
from statementqa.eval.metrics import metric_names
from statementqa.models import EXTRACTIVE, Answer, Backend, Engine
from tests.eval.cases import DOC, cite, passage, question

LLM_M = Backend(engine=Engine.LLM, model="m")  # a generated answer's backend


def test_percentile_is_nearest_rank() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert percentile([float(i) for i in range(1, 101)], 95) == 95.0
    assert percentile([], 50) is None


def test_a_quote_not_matching_the_stored_text_lowers_the_verbatim_rate() -> None:
    ans = Answer(question="q", text="17", citations=[cite("seed", 0, 6, quote="Outro.")])
    assert aggregate([score_answer(question(), ans, {"seed": DOC}, [], 0.1)]).verbatim_quote_rate == 0.0
    assert aggregate([]).verbatim_quote_rate == 1.0  # no citations: nothing was misquoted


def test_generator_record_counts_kept_answers_fallbacks_and_rejected_quotes() -> None:
    start = DOC.index("17th")
    kept = Answer(question="q", text="17 [1]. Also 3% of GDP.", backend=LLM_M, rejected_citations=1,
                  unsupported_sentences=["Also 3% of GDP."], citations=[cite("seed", start, start + 30)])
    fell_back = Answer(question="q", text="The 17th.", backend=EXTRACTIVE, rejected_citations=2,
                       fallback="the generated answer had no verifiable citation",
                       citations=[cite("seed", start, start + 30)])
    results = [score_answer(question(), a, {"seed": DOC}, [passage("seed")], 1.0) for a in (kept, fell_back)]
    m = aggregate(results)
    assert (m.llm_answers, m.llm_fallbacks, m.rejected_citations, m.unsupported_sentences) == (1, 1, 3, 1)
    extractive = aggregate([score_answer(question(), Answer(question="q", text="17"), {"seed": DOC}, [], 0.1)])
    assert extractive.llm_answers == extractive.llm_fallbacks == extractive.rejected_citations == 0


def test_refusal_and_retrieval_rates() -> None:
    refusal = Answer(question="q", text="The indexed statements do not say.", refused=True)
    wrong = Answer(question="q", text="The UK signed 17.", refused=False)
    m = aggregate([
        score_answer(question("unanswerable"), refusal, {}, [], 0.1),
        score_answer(question("unanswerable"), wrong, {}, [], 0.2),
        score_answer(question(), refusal, {"seed": DOC}, [passage("seed")], 0.3),
    ])
    assert (m.n, m.n_answerable, m.n_unanswerable) == (3, 1, 2)
    assert m.refusal_precision == 0.5  # one of two refusals was on an unanswerable question
    assert m.refusal_recall == 0.5
    assert m.false_refusal_rate == 1.0
    assert m.hit_at_1 == 1.0 and m.mrr == 1.0
    assert m.latency_p50 == 0.2


def test_only_unanswerable_questions_leave_retrieval_unmeasured() -> None:
    refusal = Answer(question="q", text="The indexed statements do not say.", refused=True)
    m = aggregate([score_answer(question("unanswerable"), refusal, {}, [], 0.1)])
    assert m.accuracy == 1.0 and m.answer_accuracy is None
    assert m.mrr is None and m.hit_at_5 is None and m.refusal_precision == 1.0


def test_report_json_keeps_its_metric_names() -> None:
    m = Metrics(n=2, accuracy=0.5, hit_at_5=1.0)
    dumped = json.loads(m.model_dump_json())
    assert list(dumped)[:5] == ["n", "n_answerable", "n_unanswerable", "errors", "accuracy"]
    assert dumped["hit@5"] == 1.0 and "hit_at_5" not in dumped
    assert Metrics.model_validate(dumped) == m
    assert Metrics.model_validate({"hit@1": 0.25}).hit_at_1 == 0.25  # read by the name reports use
    assert Metrics.label("hit_at_10") == "hit@10" and Metrics.label("mrr") == "mrr"


def test_a_misspelt_metric_fails_instead_of_reading_as_no_value() -> None:
    m = Metrics()
    with pytest.raises(AttributeError):
        _ = m.acuracy  # type: ignore[attr-defined]
    with pytest.raises(KeyError, match="unknown metric 'hit@5'"):
        m.value("hit@5")  # field names, not report names
    with pytest.raises(KeyError, match="unknown metric 'acuracy'"):
        metric_names("accuracy", "acuracy")
    with pytest.raises(ValidationError):
        Metrics.model_validate({"acuracy": 0.5})  # a report with an unknown metric is not read silently
    with pytest.raises(ValidationError):
        JudgeMetrics.model_validate({"faithful": 1.0})


@pytest.mark.parametrize("name", ["ci", "default", "v2-dev", "v2-test"])
def test_committed_baseline_reports_still_load(name: str) -> None:
    path = baseline_path(name)
    report = load_report(path)
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    assert report.overall.n == raw["overall"]["n"] == len(report.results)
    assert report.overall.hit_at_5 == raw["overall"]["hit@5"]
    assert all(m.n for m in report.by_type.values())
