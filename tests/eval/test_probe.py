"""The ambiguity probe finds competing answers anywhere in a corpus and accepts reviewed ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.tools.probe import check_question, load_corpus


@pytest.fixture()
def corpus(tmp_path: Path):
    docs = [
        {"id": "a", "title": "Signing", "date": "2024-05-30", "source": "S", "url": "",
         "text": "It is the 17th such memorandum of understanding on disinformation we have signed with partners."},
        {"id": "b", "title": "Other", "date": "2024-07-01", "source": "S", "url": "",
         "text": "Today we signed our 18th memorandum of understanding on disinformation with a partner.\n\n"
                 "The pact was signed in Prague on June 3, 2024."},
        {"id": "c", "title": "Unrelated", "date": "2023-01-01", "source": "S", "url": "",
         "text": "The President signed a memorandum on housing. Twelve agencies joined."},
    ]
    (tmp_path / "statements").mkdir()
    (tmp_path / "seed").mkdir()
    (tmp_path / "statements" / "s.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    return load_corpus(tmp_path)


def _q(**kw):
    base = {"id": "q", "question": "How many disinformation MoUs has the US signed?", "type": "numeric",
            "answers": ["17"], "gold_ids": ["a"],
            "probe": {"terms": ["memorand|mou", "disinform"], "kind": "number", "near": "memorand|mou"}}
    return {**base, **kw}


def test_another_figure_next_to_the_same_noun_is_a_competitor(corpus) -> None:
    res = check_question(_q(), corpus)
    assert not res.ok
    assert [(h.doc_id, h.value) for h in res.competitors] == [("b", "18th")]


def test_a_reviewed_hit_passes_and_unrelated_sentences_are_not_searched(corpus) -> None:
    res = check_question(_q(reviewed=[{"doc_id": "b", "value": "18th", "why": "a later signing"}]), corpus)
    assert res.ok and len(res.reviewed) == 1


def test_latest_probe_lists_newer_statements_on_the_topic(corpus) -> None:
    q = _q(type="temporal-latest", probe={"terms": ["memorand", "disinform"], "kind": "latest"})
    assert [h.doc_id for h in check_question(q, corpus).competitors] == ["b"]


def test_unanswerable_needs_topic_coverage_and_no_value_near_the_attribute(corpus) -> None:
    q = {"id": "u", "question": "When was the 17th disinformation memorandum ratified?", "type": "unanswerable",
         "topic_ids": ["a"], "probe": {"terms": ["memorand", "disinform"], "kind": "date", "near": "ratif"}}
    assert check_question(q, corpus).ok
    asked_date = {**q, "probe": {"terms": ["pact|memorand"], "kind": "date", "near": "sign"}}
    assert [h.value for h in check_question(asked_date, corpus).competitors] == ["June 3, 2024"]
    off_topic = {**q, "topic_ids": ["c"]}
    assert not check_question(off_topic, corpus).topic_covered


def test_a_question_without_a_probe_fails_with_a_reason(corpus) -> None:
    res = check_question({"id": "x", "question": "?", "type": "numeric", "answers": ["1"]}, corpus)
    assert not res.ok and "probe" in res.problems[0]
