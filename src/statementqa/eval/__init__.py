"""Eval suite: run a fixed question set through the answerer and score it without an LLM.

Why: analysts must know how far to trust an answer, and engineers must see what a change to retrieval
weights, chunking or the backend does. Every metric here is computed offline from the gold answers,
gold statements and gold quotes in ``evals/``; LLM-judged metrics are optional and reported apart.

Layout (see ``evals/README.md``): ``evals/sets.toml`` names each set's question file, statement list and
tag filter; questions are JSON Lines; statement lists are ids, one per line, resolved against ``seeds/``
and the shared corpus. Reports go to ``evals/reports/<timestamp>/``; the committed baseline the tests
gate on is ``evals/reports/baseline/<set>/report.json``.

One module per concern: ``questions`` (sets and question files), ``statements`` (the statement pool),
``matching`` (is an answer right), ``scoring`` (one question), ``metrics`` (a group), ``report``/``charts``
(what a run writes), ``compare``, ``gate`` (the baseline check), ``index`` (the cached eval index),
``judge`` (optional LLM judge) and ``run`` (the runner and CLI glue). The names below are what callers use.
"""

from __future__ import annotations

from statementqa.eval.charts import write_charts
from statementqa.eval.common import EvalInputError
from statementqa.eval.compare import compare_reports
from statementqa.eval.gate import GATE_MAX_INCREASE, GATE_TOLERANCE, baseline_path, check_against_baseline
from statementqa.eval.index import INDEX_SETTINGS, build_index, check_index_has, ensure_index, index_key
from statementqa.eval.judge import llm_judge, make_judge_llm
from statementqa.eval.matching import (
    DateParts,
    answer_correct,
    extract_dates,
    extract_numbers,
    fold_for_matching,
    match_part,
)
from statementqa.eval.metrics import (
    HIT_KS,
    RELIABILITY_BINS,
    JudgeMetrics,
    Metrics,
    aggregate,
    aggregate_llm,
    outcome_table,
    percentile,
    reliability_bins,
)
from statementqa.eval.paths import baseline_dir, corpus_location, evals_dir, index_cache_dir, reports_dir
from statementqa.eval.questions import (
    QUESTION_TYPES,
    SPLITS,
    WHOLE_CORPUS,
    EvalQuestion,
    EvalSet,
    GoldQuote,
    get_set,
    load_questions,
    load_sets,
    select_questions,
    validate_questions,
)
from statementqa.eval.report import EvalReport, build_report, load_report, render_markdown, write_report
from statementqa.eval.run import main_eval, run_eval, summary_lines
from statementqa.eval.scoring import (
    CitedQuote,
    QuestionResult,
    first_gold_rank,
    is_generated,
    overlaps,
    score_answer,
    spans_of,
)
from statementqa.eval.statements import (
    default_sources,
    load_statement_ids,
    read_statement_sources,
    resolve_statements,
    whole_corpus,
)

__all__ = [
    "GATE_MAX_INCREASE", "GATE_TOLERANCE", "HIT_KS", "INDEX_SETTINGS", "QUESTION_TYPES", "RELIABILITY_BINS",
    "SPLITS", "WHOLE_CORPUS", "CitedQuote", "DateParts", "EvalInputError", "EvalQuestion", "EvalReport", "EvalSet",
    "GoldQuote", "JudgeMetrics", "Metrics", "QuestionResult", "aggregate", "aggregate_llm", "answer_correct",
    "baseline_dir", "baseline_path", "build_index", "build_report", "check_against_baseline", "check_index_has",
    "compare_reports", "corpus_location", "default_sources", "ensure_index", "evals_dir", "extract_dates",
    "extract_numbers", "first_gold_rank", "fold_for_matching", "get_set", "index_cache_dir", "index_key",
    "is_generated", "llm_judge", "load_questions", "load_report", "load_sets", "load_statement_ids", "main_eval",
    "make_judge_llm", "match_part", "outcome_table", "overlaps", "percentile", "read_statement_sources",
    "reliability_bins", "render_markdown", "reports_dir", "resolve_statements", "run_eval", "score_answer",
    "select_questions", "spans_of", "summary_lines", "validate_questions", "whole_corpus", "write_charts",
    "write_report",
]
