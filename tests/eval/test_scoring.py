"""Scoring one answer (statementqa.eval.scoring): correctness, citations, verbatim quotes, gold rank."""

from __future__ import annotations

from statementqa.answering import REFUSAL_PREFIX
from statementqa.eval import QuestionResult, is_generated, score_answer
from statementqa.models import Answer, Backend, Citation, Engine
from tests.eval.cases import DOC, cite, passage, question


def test_score_answer_counts_citations_quotes_and_retrieval() -> None:
    start = DOC.index("17th")
    ans = Answer(question="q", text="The 17th.", citations=[cite("seed", start, start + 30), cite("other", 0, 6)])
    texts = {"seed": DOC, "other": "Intro. Something else."}
    r = score_answer(question(), ans, texts, [passage("other"), passage("seed")], 0.5)
    assert r.correct
    assert r.citation_precision == 0.5 and r.citation_recall == 1.0
    assert r.gold_quote_support is True
    assert [c.verbatim for c in r.citations] == [True, True]
    assert r.gold_rank == 2


def test_a_quote_not_matching_the_stored_text_is_not_verbatim() -> None:
    ans = Answer(question="q", text="17", citations=[cite("seed", 0, 6, quote="Outro.")])
    r = score_answer(question(), ans, {"seed": DOC}, [], 0.1)
    assert [c.verbatim for c in r.citations] == [False]


def test_refusals_score_right_on_unanswerable_and_wrong_on_answerable() -> None:
    refusal = Answer(question="q", text="The indexed statements do not say.", refused=True)
    wrong = Answer(question="q", text="The UK signed 17.", refused=False)
    results = [
        score_answer(question("unanswerable"), refusal, {}, [], 0.1),
        score_answer(question("unanswerable"), wrong, {}, [], 0.2),
        score_answer(question(), refusal, {"seed": DOC}, [passage("seed")], 0.3),
    ]
    assert [r.correct for r in results] == [True, False, False]
    assert results[0].citation_recall is None  # unanswerable: no citation metrics


def test_a_generated_answer_is_told_apart_by_its_typed_backend() -> None:
    q = question()
    generated = score_answer(q, Answer(question="q", text="The 17th.", backend=Backend(engine=Engine.LLM, model="m")),
                             {}, [], 0.1)
    offline = score_answer(q, Answer(question="q", text="The 17th."), {}, [], 0.1)
    assert generated.generated and generated.backend == "llm:m"
    assert not offline.generated and offline.backend == "extractive"


def test_a_report_row_written_before_the_flag_is_read_from_its_label() -> None:
    assert is_generated("llm:gpt-4o-mini") and not is_generated("extractive") and not is_generated("")
    old = {"id": "q1", "type": "numeric", "question": "q", "backend": "llm:gpt-4o-mini"}
    assert QuestionResult.model_validate(old).generated
    assert not QuestionResult.model_validate({**old, "backend": "extractive"}).generated


def _said(n: int, start: int, end: int) -> tuple[str, Citation]:
    c = cite("seed", start, end).model_copy(update={"n": n, "source": "The White House", "date": "2021-05-04"})
    return f"The White House, 4 May 2021: “{c.quote}” [{n}]", c


def test_a_wrong_lead_is_wrong_even_when_its_quote_holds_the_answer() -> None:
    # The analyst reads "The 16th." first; the 17th inside the quote does not make the answer right.
    said, c = _said(1, DOC.index("It's"), DOC.index(" Outro"))
    wrong = score_answer(question(), Answer(question="q", text=f"The 16th. {said}", citations=[c]), {"seed": DOC},
                         [], 0.1)
    right = score_answer(question(), Answer(question="q", text=f"The 17th. {said}", citations=[c]), {"seed": DOC},
                         [], 0.1)
    assert not wrong.correct and right.correct


def test_a_part_that_only_quotes_is_graded_on_its_dated_quote() -> None:
    said, c = _said(1, DOC.index("It's"), DOC.index(" Outro"))
    assert score_answer(question(), Answer(question="q", text=said, citations=[c]), {"seed": DOC}, [], 0.1).correct


def test_each_part_of_a_two_part_answer_is_graded_on_its_own_lead() -> None:
    q = question().model_copy(update={"answers": [["17", "2021"]]})
    one, c1 = _said(1, DOC.index("It's"), DOC.index(" Outro"))
    two, c2 = _said(2, 0, 6)
    good = Answer(question="q", text=f"1) The 17th. {one} 2) {two}", citations=[c1, c2])
    # the second lead is wrong; the year only stands in the first part's attribution
    bad = Answer(question="q", text=f"1) The 17th. {one} 2) Intro. {two}", citations=[c1, c2])
    refused_part = Answer(question="q", text=f"1) The 17th. {one} 2) {REFUSAL_PREFIX} this (“since 2021?”).",
                          citations=[c1])
    got = [score_answer(q, a, {"seed": DOC}, [], 0.1).correct for a in (good, bad, refused_part)]
    assert got == [True, False, False]
