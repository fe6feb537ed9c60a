"""What crosses module boundaries: the backend an answer names is a type, its label is for people."""

from __future__ import annotations

from statementqa.models import EXTRACTIVE, Answer, Backend, Engine


def test_an_answer_is_extractive_unless_a_model_wrote_it() -> None:
    ans = Answer(question="q", text="t")
    assert ans.backend.engine == Engine.EXTRACTIVE and ans.backend.label == "extractive" and ans.backend.model is None
    assert ans.support is None and ans.grounded is None  # no score is invented for an answer nobody scored


def test_a_generated_answer_names_its_model_and_round_trips_through_json() -> None:
    ans = Answer(question="q", text="t", backend=Backend(engine=Engine.LLM, model="gpt-4o-mini"), grounded=0.5)
    assert str(ans.backend) == ans.backend.label == "llm:gpt-4o-mini"
    wire = ans.model_dump(mode="json")
    assert wire["backend"] == "llm:gpt-4o-mini"  # JSON answers (API, exports) keep the label they always had
    back = Answer.model_validate_json(ans.model_dump_json())  # the UI keeps answers as JSON between turns
    assert back.backend == ans.backend and back.backend != EXTRACTIVE and back.grounded == 0.5
    assert Answer.model_validate({"question": "q", "text": "t", "backend": "extractive"}).backend == EXTRACTIVE
