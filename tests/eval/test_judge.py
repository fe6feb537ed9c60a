"""LLM-judged metrics (optional): llama-index evaluators against a scripted OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from statementqa.eval import (
    CitedQuote,
    EvalQuestion,
    QuestionResult,
    aggregate_llm,
    build_report,
    get_set,
    llm_judge,
    render_markdown,
)
from tests.llm.fake_openai import FakeOpenAI, Reply, llm_settings_for
from tests.support import make_settings


@pytest.fixture
def judge_server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        def reply(body: dict[str, Any]) -> Reply:
            prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
            if "reference answer" in prompt.lower():  # CorrectnessEvaluator: "score\nreasoning"
                return Reply(content="4.5\nThe answer gives the reference figure.")
            return Reply(content="YES")  # FaithfulnessEvaluator: supported by the context
        server.handler = reply
        yield server


def test_judge_scores_answers_and_keeps_them_apart_from_offline_metrics(judge_server: FakeOpenAI, tmp_path) -> None:
    q = EvalQuestion(id="q1", question="How many MoUs has the US signed?", type="numeric", answers=["17"],
                     gold_ids=["seed"], gold_quotes=[{"doc_id": "seed", "quote": "the 17th"}])
    u = EvalQuestion(id="u1", question="How many has the UK signed?", type="unanswerable")
    answered = QuestionResult(id="q1", type="numeric", question=q.question, answer="The 17th. [1]", correct=True,
                              citations=[CitedQuote(doc_id="seed", quote="It’s the 17th", start=0, end=13,
                                                    verbatim=True, supports_gold=True)])
    refused = QuestionResult(id="u1", type="unanswerable", question=u.question, refused=True, correct=True)
    settings = llm_settings_for(judge_server, base=make_settings(tmp_path))
    llm_judge([answered, refused], {"q1": q, "u1": u}, settings, progress=False)
    assert answered.llm_faithful is True and answered.llm_correctness == 4.5
    assert refused.llm_faithful is None  # refusals are not judged
    assert judge_server.requests, "the judge never called the server"
    assert aggregate_llm([answered, refused]).model_dump() == {"judged": 1, "judge_errors": 0, "faithfulness": 1.0,
                                                  "correctness": 4.5}
    report = build_report(get_set("ci"), [answered, refused], statements=1, index_dir=tmp_path, index_key=None,
                          settings=settings, llm_judged=True)
    md = render_markdown(report)
    assert "## LLM-judged metrics" in md and md.index("## Offline metrics") < md.index("## LLM-judged")


def test_a_failing_judge_is_recorded_not_fatal(tmp_path) -> None:
    with FakeOpenAI() as server:
        server.script(Reply.failure(500, "judge down"))
        q = EvalQuestion(id="q1", question="Q?", type="entity", answers=["x"], gold_ids=["d"],
                         gold_quotes=[{"doc_id": "d", "quote": "x"}])
        r = QuestionResult(id="q1", type="entity", question="Q?", answer="x", correct=True)
        llm_judge([r], {"q1": q}, llm_settings_for(server, base=make_settings(tmp_path), llm_max_retries=0),
                  progress=False)
    assert r.llm_faithful is None and r.llm_error and "LLM judge failed" in r.llm_error
    assert r.error is None  # the offline result is untouched
