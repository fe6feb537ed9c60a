"""LLM-judged metrics (optional): faithfulness and correctness via llama-index evaluators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from statementqa.config import Settings
from statementqa.eval.common import progress_iter
from statementqa.eval.fmt import fmt_expected
from statementqa.eval.questions import EvalQuestion
from statementqa.eval.scoring import QuestionResult


def make_judge_llm(settings: Settings) -> Any:
    """An OpenAI-compatible chat model from the project's settings (no env reads, no tiktoken)."""
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(
        model=settings.llm_model,
        api_base=settings.llm_base_url or "https://api.openai.com/v1",
        api_key=settings.llm_api_key or "not-needed",
        is_chat_model=True,
        context_window=settings.llm_context_window,
        temperature=0.0,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
    )


def llm_judge(results: Sequence[QuestionResult], questions: dict[str, EvalQuestion], settings: Settings,
              progress: bool) -> None:
    """Faithfulness (answer vs. its quotes) and correctness (vs. the reference) via llama-index evaluators."""
    from llama_index.core.evaluation import CorrectnessEvaluator, FaithfulnessEvaluator

    llm = make_judge_llm(settings)
    faith, correct = FaithfulnessEvaluator(llm=llm), CorrectnessEvaluator(llm=llm)
    for r in progress_iter(results, progress, "LLM judge"):
        q = questions[r.id]
        if r.refused or r.error or not q.answerable:
            continue
        contexts = [c.quote for c in r.citations] or ["(no quotes)"]
        reference = fmt_expected(q.answers)
        try:
            r.llm_faithful = bool(faith.evaluate(query=q.question, response=r.answer, contexts=contexts).passing)
            r.llm_correctness = correct.evaluate(query=q.question, response=r.answer, reference=reference).score
        except Exception as exc:  # noqa: BLE001 - a judge failure must not sink the offline report
            r.llm_error = f"LLM judge failed: {exc}"
