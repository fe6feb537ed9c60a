"""Question set v2 cannot rot: every gold id exists, every quote is verbatim, the ambiguity probe passes, and the
splits keep their statements apart."""

from __future__ import annotations

from collections import Counter

import pytest

from evals.tools.probe import check_question, load_corpus
from statementqa.eval import EvalQuestion, evals_dir, load_questions, whole_corpus
from tests.eval.cases import needs_corpus
from tests.support import CORPUS

V2 = evals_dir() / "v2" / "questions.jsonl"
ANSWERABLE = ("numeric", "entity", "date", "who-met-whom", "attribution", "claim-check", "multi-doc",
              "temporal-latest", "paraphrase")


@pytest.fixture(scope="module")
def questions() -> list[EvalQuestion]:
    return load_questions(V2)


def test_v2_has_the_size_and_mix_the_issue_asks_for(questions: list[EvalQuestion]) -> None:
    types = Counter(q.type for q in questions)
    assert len(questions) >= 300
    assert all(types[t] >= 25 for t in ANSWERABLE), types
    assert types["unanswerable"] >= 50
    assert {q.split for q in questions} == {"train", "dev", "test"}


def test_splits_are_disjoint_by_statement(questions: list[EvalQuestion]) -> None:
    owner: dict[str, str] = {}
    for q in questions:
        for doc_id in [*q.gold_ids, *q.topic_ids]:
            assert owner.setdefault(doc_id, q.split or "") == q.split, f"{doc_id} is in {owner[doc_id]} and {q.split}"


@needs_corpus
def test_every_gold_id_exists_and_every_quote_is_verbatim(questions: list[EvalQuestion]) -> None:
    texts = {r["id"]: r["text"] for r in whole_corpus(CORPUS)}
    for q in questions:
        for doc_id in [*q.gold_ids, *q.topic_ids]:
            assert doc_id in texts, f"{q.id}: {doc_id} is not in the shared corpus"
        for g in q.gold_quotes:
            assert g.doc_id in q.gold_ids and g.quote in texts[g.doc_id], f"{q.id}: quote not verbatim"


@needs_corpus
def test_no_question_has_an_unreviewed_competing_answer_in_the_whole_corpus(
    questions: list[EvalQuestion],
) -> None:
    corpus = load_corpus(CORPUS)
    failures = []
    for q in questions:
        res = check_question(q.model_dump(), corpus)
        if not res.ok:
            first = res.competitors[0] if res.competitors else None
            failures.append(f"{q.id}: {res.problems or ''} {len(res.competitors)} competitor(s)"
                            + (f", e.g. {first.doc_id}: {first.value!r}" if first else "")
                            + ("" if res.topic_covered else ", topic not covered"))
    assert not failures, "\n".join(failures)
