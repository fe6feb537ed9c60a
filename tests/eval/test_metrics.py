"""The offline metrics are pure functions: numbers, dates, matching, scoring and the gate."""

from __future__ import annotations

import pytest

from statementqa.eval import (
    EvalQuestion,
    Metrics,
    aggregate,
    answer_correct,
    check_against_baseline,
    extract_dates,
    extract_numbers,
    match_part,
    percentile,
    score_answer,
)
from statementqa.models import Answer, Citation, Passage


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("It's the 17th such memorandum", 17),
        ("the seventeenth drawdown", 17),
        ("seventeen memoranda", 17),
        ("one of the first of twenty-one countries", 21),
        ("NATO's thirty-first Ally", 31),
        ("a $4.5 billion deal", 4.5e9),
        ("over 1.5 million refugees", 1.5e6),
        ("more than 300,000 refugees", 300_000),
        ("up to $550 million", 550e6),
    ],
)
def test_numbers_and_number_words_are_read_as_numbers(text: str, value: float) -> None:
    assert value in extract_numbers(text)


def test_a_model_name_like_f35_is_not_read_as_a_count() -> None:
    assert 35 not in extract_numbers("24 U.S. F-35s")  # a model name is not a count


@pytest.mark.parametrize(
    "text",
    ["on April 4, 2023", "4 April 2023", "2023-04-04", "04/04/2023", "Apr. 4th, 2023", "the 4th of April 2023"],
)
def test_common_date_forms_parse_to_the_same_date(text: str) -> None:
    assert (2023, 4, 4) in extract_dates(text)


@pytest.mark.parametrize(
    ("expected", "given", "ok"),
    [
        ("17", "It's the 17th such memorandum of understanding", True),
        ("17th", "Blinken said it was the seventeenth such MoU", True),
        ("17", "It's the 16th such memorandum", False),
        ("$4.5 billion", "a 4.5 billion dollar deal", True),
        ("$4.5 billion", "a $4.5 million deal", False),
        ("1.5 million", "over 1.33 million refugees", False),
        ("21", "twenty-one countries endorsed it", True),
        ("2022-03-30", "renewed in Prague on March 30, 2022", True),
        ("2022-03-30", "renewed in Prague on March 30, 2021", False),
        ("2024-04-15", "Fiala visits the White House on April 15", True),  # the year may be implied
        ("May 2022", "In May 2022, Finland and Sweden applied", True),
        ("May 2022", "In May 2023 they met", False),
        ("yes", "Yes. Blinken commended the Czech Republic", True),
        ("no", "There is no such statement; it was in Prague", False),  # "no" must lead the answer
        ("Lipavsky", "said Minister Lipavský", True),  # accents folded
        ("Rutte", "Mark Ruttes", False),  # whole words only
        ("Czech|Czechia", "Czechia and Japan", True),
        ("2 percent", "two percent of GDP", True),
    ],
)
def test_match_part(expected: str, given: str, ok: bool) -> None:
    assert match_part(expected, given) is ok


def test_multi_part_answers_need_every_part() -> None:
    answers = [["24", "Lockheed Martin"]]
    assert answer_correct(answers, "24 F-35s; Czech firms work with Lockheed Martin")
    assert not answer_correct(answers, "24 F-35s")
    assert answer_correct(["nope", "Lockheed Martin"], "Lockheed Martin")  # any entry may match


def test_percentile_is_nearest_rank() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert percentile([float(i) for i in range(1, 101)], 95) == 95.0
    assert percentile([], 50) is None


DOC = "Intro. It's the 17th such memorandum of understanding that we've signed. Outro."
GOLD = "It's the 17th such memorandum of understanding"


def _question(qtype: str = "numeric") -> EvalQuestion:
    if qtype == "unanswerable":
        return EvalQuestion(id="u1", question="How many MoUs has the UK signed?", type=qtype)
    return EvalQuestion(
        id="q1", question="How many MoUs?", type=qtype, answers=["17"], gold_ids=["seed"],
        gold_quotes=[{"doc_id": "seed", "quote": GOLD}],
    )


def _cite(doc_id: str, start: int, end: int, quote: str | None = None) -> Citation:
    return Citation(n=1, doc_id=doc_id, quote=DOC[start:end] if quote is None else quote, start=start, end=end)


def _passage(doc_id: str) -> Passage:
    return Passage(chunk_id=f"{doc_id}:0", doc_id=doc_id, text="x", start=0, end=1, score=1.0)


def test_score_answer_counts_citations_quotes_and_retrieval() -> None:
    start = DOC.index("17th")
    ans = Answer(question="q", text="The 17th.", citations=[_cite("seed", start, start + 30), _cite("other", 0, 6)])
    texts = {"seed": DOC, "other": "Intro. Something else."}
    r = score_answer(_question(), ans, texts, [_passage("other"), _passage("seed")], 0.5)
    assert r.correct
    assert r.citation_precision == 0.5 and r.citation_recall == 1.0
    assert r.gold_quote_support is True
    assert [c.verbatim for c in r.citations] == [True, True]
    assert r.gold_rank == 2


def test_a_quote_not_matching_the_stored_text_is_not_verbatim() -> None:
    ans = Answer(question="q", text="17", citations=[_cite("seed", 0, 6, quote="Outro.")])
    r = score_answer(_question(), ans, {"seed": DOC}, [], 0.1)
    assert [c.verbatim for c in r.citations] == [False]
    assert aggregate([r]).verbatim_quote_rate == 0.0


def test_generator_record_counts_kept_answers_fallbacks_and_rejected_quotes() -> None:
    start = DOC.index("17th")
    kept = Answer(question="q", text="17 [1]. Also 3% of GDP.", backend="llm:m", rejected_citations=1,
                  unsupported_sentences=["Also 3% of GDP."], citations=[_cite("seed", start, start + 30)])
    fell_back = Answer(question="q", text="The 17th.", backend="extractive", rejected_citations=2,
                       fallback="the generated answer had no verifiable citation",
                       citations=[_cite("seed", start, start + 30)])
    results = [score_answer(_question(), a, {"seed": DOC}, [_passage("seed")], 1.0) for a in (kept, fell_back)]
    m = aggregate(results)
    assert (m.llm_answers, m.llm_fallbacks, m.rejected_citations, m.unsupported_sentences) == (1, 1, 3, 1)
    extractive = aggregate([score_answer(_question(), Answer(question="q", text="17"), {"seed": DOC}, [], 0.1)])
    assert extractive.llm_answers == extractive.llm_fallbacks == extractive.rejected_citations == 0


def test_refusals_score_right_on_unanswerable_and_wrong_on_answerable() -> None:
    refusal = Answer(question="q", text="The indexed statements do not say.", refused=True)
    wrong = Answer(question="q", text="The UK signed 17.", refused=False)
    results = [
        score_answer(_question("unanswerable"), refusal, {}, [], 0.1),
        score_answer(_question("unanswerable"), wrong, {}, [], 0.2),
        score_answer(_question(), refusal, {"seed": DOC}, [_passage("seed")], 0.3),
    ]
    assert [r.correct for r in results] == [True, False, False]
    m = aggregate(results)
    assert m.refusal_precision == 0.5  # one of two refusals was on an unanswerable question
    assert m.refusal_recall == 0.5
    assert m.false_refusal_rate == 1.0
    assert m.hit_at_1 == 1.0 and m.mrr == 1.0


def test_gate_fails_on_drops_beyond_tolerance_and_on_any_non_verbatim_quote() -> None:
    base = Metrics(accuracy=0.80, hit_at_5=0.90, verbatim_quote_rate=1.0, false_refusal_rate=0.10)

    def run(**change: float) -> list[str]:
        return check_against_baseline(base.model_copy(update=change), base)

    assert run(accuracy=0.77) == []
    drop = run(accuracy=0.70)
    assert len(drop) == 1 and "accuracy" in drop[0]
    assert any("verbatim" in f for f in run(verbatim_quote_rate=0.99))
    assert any("false_refusal" in f for f in run(false_refusal_rate=0.3))
    assert run(hit_at_5=0.8) == ["hit@5 fell to 80.0% from the baseline 90.0% (tolerance 5 pts)"]
