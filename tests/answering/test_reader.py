"""The reader, per kind, on a small index: the lead is a span of the asked kind taken from the quoted sentence."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from statementqa import Index, api
from statementqa.answering.scorer import load_scorer
from tests.support import index_of_rows

MIN = "Ministry of Examples"


def _row(doc_id: str, title: str, text: str, date: str) -> dict[str, str]:
    return {"id": doc_id, "title": title, "date": date, "source": MIN, "url": "", "text": text}


ROWS = [
    _row("oslo", "Minister's visit to Oslo", "The Minister of Examples travelled to Oslo on Tuesday for talks on "
         "Arctic security.\n\nIn Oslo, the minister met Norwegian Foreign Minister Espen Barth Eide to discuss "
         "fisheries and energy.\n\nThe visit ended with a press conference at the ministry.", "2024-03-05"),
    _row("fleet", "Coast guard modernisation", "The ministry announced a three-day exercise of the coast guard.\n\n"
         "The exercise tested new radar systems along the northern coast.", "2024-04-02"),
    _row("grant", "Harbour grant", "The ministry awarded a grant of 2.4 million euros to the Port of Examplia.\n\n"
         "The grant will fund the repair of the northern breakwater.", "2024-05-10"),
    _row("bridge", "Harbour bridge reopening", "The harbour bridge will reopen on 9 April 2025 after repairs.\n\n"
         "Traffic will be limited to two lanes until the summer.", "2024-06-12"),
    _row("press", "Press conference transcript", "Fisheries Minister Kari Andersen held a press conference in "
         "Bergen.\n\nMINISTER ANDERSEN: Good morning.\n\nMINISTER ANDERSEN: We will "
         "never accept a fishing ban that ignores the science on cod stocks.\n\nQUESTION: What about herring?\n\n"
         "MINISTER ANDERSEN: Herring quotas are set by the commission.", "2024-07-01"),
    _row("embassy", "New embassy", "The ministry opened its 41st embassy abroad, in Nairobi, today.", "2024-08-20"),
    _row("rescue", "Arctic Rescue Pact", "The Ministry of Examples signed the Arctic Rescue Pact in Tromsø.\n\n"
         "Norway and Iceland joined the ministry in the Arctic Rescue Pact, which pools rescue helicopters.",
         "2024-09-03"),
    _row("talks", "Fisheries talks", "The ministry welcomes Norway's announcement today to begin negotiating a "
         "fisheries agreement.", "2024-10-01"),
    _row("drill", "Winter rescue drill", "Rescue Minister Ingrid Berg opened a winter drill off Hammerfest.\n\n"
         "“Our crews trained for three nights,” said Ms. Berg. “We are ready for the polar winter.”", "2024-11-04"),
    _row("quotas", "Statement by Minister Lars Holm on coastal quotas", "The coastal quota rules were published "
         "today.\n\nI am proud that our small boats will keep stable quotas for ten years.", "2024-11-20"),
    _row("valour", "Medal of Valour for Sergeant Ola Nord", "Sergeant Ola Nord will receive the Medal of Valour "
         "today.\n\nIn the 2012 ambush in Kapisa Province, Afghanistan, he carried two wounded soldiers to safety.",
         "2024-12-02"),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    ix = index_of_rows(tmp_path_factory.mktemp("reader"), ROWS)
    yield ix
    ix.close()


def _verified(index: Index, ans) -> None:  # noqa: ANN001
    for c in ans.citations:
        assert index.document(c.doc_id).text[c.start : c.end] == c.quote  # type: ignore[union-attr]


def test_a_who_question_answers_with_a_person_from_the_quoted_sentence(index: Index) -> None:
    ans = index.answer("Whom did the minister meet in Oslo?")
    assert not ans.refused and ans.text.startswith("Espen Barth Eide")
    assert "Espen Barth Eide" in ans.citations[0].quote  # the lead comes from the quote, not from the question
    _verified(index, ans)


def test_a_span_the_model_is_not_sure_of_never_leads_the_quote_answers_alone(index: Index,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    sure = load_scorer()
    monkeypatch.setattr(api, "load_scorer", lambda: replace(sure, lead_threshold=1.01))  # no span is that sure
    ans = index.answer("Whom did the minister meet in Oslo?")
    assert not ans.refused and ans.text.startswith(f"{MIN}, ")  # the attribution and the quote, no lead
    assert "Espen Barth Eide" in ans.citations[0].quote
    _verified(index, ans)


def test_a_count_question_without_a_figure_of_the_counted_noun_is_refused(index: Index) -> None:
    ans = index.answer("How many vessels took part in the coast guard exercise?")
    assert ans.refused and ans.text.startswith("The indexed statements do not say")


@pytest.mark.parametrize(("question", "neighbour"), [
    ("What did the repairs of the harbour bridge cost?", "9"),  # the statement gives a date and two lanes, no money
    ("On what date did the coast guard exercise begin?", "three-day"),  # it says "three-day", no date
])
def test_a_neighbouring_fact_of_another_type_never_leads_the_answer(index: Index, question: str,
                                                                     neighbour: str) -> None:
    ans = index.answer(question)
    assert ans.refused or ans.text.startswith(MIN), ans.text  # refused, or the quote alone: no lead of the wrong type
    assert not ans.text.startswith(neighbour)


def test_a_count_question_is_answered_by_the_figure_that_counts_the_noun(index: Index) -> None:
    ans = index.answer("How many embassies does the ministry have abroad?")
    assert not ans.refused and ans.text.startswith("41st") and ans.citations[0].doc_id == "embassy"


def test_an_amount_question_leads_with_the_money(index: Index) -> None:
    ans = index.answer("How much was the grant to the Port of Examplia?")
    assert not ans.refused and ans.text.startswith("2.4 million euros")


def test_a_when_question_leads_with_the_date_and_today_means_the_statement_date(index: Index) -> None:
    assert index.answer("When will the harbour bridge reopen?").text.startswith("9 April 2025")
    embassy = index.answer("When did the ministry open its embassy in Nairobi?")
    assert not embassy.refused and embassy.text.startswith("20 August 2024")


@pytest.mark.parametrize(("question", "lead"), [
    # a transcript turn: the person, as the statement names her, and the label the quote stands under
    ("Who said 'We will never accept a fishing ban that ignores the science'?",
     "Said by Kari Andersen (MINISTER ANDERSEN)"),
    # a press release: the quoted sentence follows the "…,” said Ms. Berg." clause of its paragraph
    ('Who said "We are ready for the polar winter"?', "Said by Ingrid Berg (Ms. Berg)"),
    # a first-person sentence of a one-person statement: the author its title names
    ("Who said they were proud that small boats will keep stable quotas for ten years?",
     "Said by Lars Holm (the statement's author"),
])
def test_an_attribution_question_names_who_said_it(index: Index, question: str, lead: str) -> None:
    ans = index.answer(question)
    assert not ans.refused and ans.text.startswith(lead), ans.text
    _verified(index, ans)


def test_a_question_about_an_earlier_year_is_answered_by_a_later_statement_telling_of_it(
        index: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    # 2012 asked, a 2024 statement: not out of the question's period, since it names 2012 — asking the year costs
    # the answer no support. (Whether this one-sentence evidence clears the refusal threshold is the calibrated
    # model's call; refusal is switched off to see the answer.) "Afghanistan" is the place the question's
    # "Afghan" already names, so the province answers.
    monkeypatch.setattr(api, "load_scorer", lambda: replace(load_scorer(), threshold=0.0))
    ans = index.answer("In which Afghan province did the 2012 ambush take place?")
    undated = index.answer("In which Afghan province did the ambush take place?")
    assert ans.text.startswith("Kapisa Province"), ans.text
    assert ans.support is not None and undated.support is not None and ans.support >= undated.support - 0.05
    _verified(index, ans)


def test_a_claim_check_says_no_when_the_figure_differs(index: Index) -> None:
    ans = index.answer("Did the ministry open its 40th embassy abroad in Nairobi?")
    assert not ans.refused and ans.text.startswith("No")
    assert index.answer("Did the ministry open its 41st embassy abroad in Nairobi?").text.startswith("Yes")


def test_a_two_part_question_answers_both_parts(index: Index) -> None:
    ans = index.answer("How much was the grant to the Port of Examplia, and when will the harbour bridge reopen?")
    assert not ans.refused
    assert "1) 2.4 million euros" in ans.text and "2) 9 April 2025" in ans.text
    assert {c.doc_id for c in ans.citations} == {"grant", "bridge"}
    _verified(index, ans)


def test_a_question_asking_for_two_things_names_both_from_the_quoted_sentence(index: Index) -> None:
    ans = index.answer("Which two countries joined the ministry in the Arctic Rescue Pact?")
    assert not ans.refused and ans.text.startswith("Norway and Iceland.")
    assert "Norway and Iceland" in ans.citations[0].quote
    one = index.answer("Which country joined the ministry in the Arctic Rescue Pact?")
    assert one.text.split(".")[0] in ("Norway", "Iceland")  # one asked, one named
    _verified(index, ans)


def test_a_when_question_is_dated_by_the_statement_only_when_its_sentence_reports_the_asked_event(index: Index) -> None:
    awarded = index.answer("When was the grant awarded?")  # "awarded a grant", no date of its own
    assert awarded.text.startswith("10 May 2024 (the date of the statement that reports it")
    assert "awarded a grant" in awarded.citations[0].quote
    signed = index.answer("When was the fisheries agreement signed?")  # "today … to begin negotiating" one
    assert not signed.text.startswith("1 October 2024"), signed.text
    _verified(index, awarded)


def test_a_question_asking_when_a_statement_came_out_is_answered_with_its_date(index: Index) -> None:
    ans = index.answer("When did the ministry last put out a statement on the harbour bridge?")
    assert ans.text.startswith("12 June 2024 (the date of the statement)"), ans.text
    assert ans.citations[0].doc_id == "bridge"
