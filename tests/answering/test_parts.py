"""Multi-part questions: a later, elliptical part is read and retrieved with its own scope, and is answered from
the statement that answers *it* — not again from the first part's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from statementqa import Index
from statementqa.answering.parts import coordinated, distributed, question_parts
from statementqa.question import Period
from tests.support import index_of_rows

MIN = "Ministry of Examples"


def _row(doc_id: str, title: str, text: str, date: str) -> dict[str, str]:
    return {"id": doc_id, "title": title, "date": date, "source": MIN, "url": "", "text": text}


# (question, the parts as the reader reads them, the periods each part's retrieval weighs)
PART_CASES = [
    # Gapping: the second part repeats the first with its "according to …" phrase replaced.
    ("How many ferries did the ministry operate according to its March 2024 fleet update, and how many according "
     "to its June 2024 update?",
     ["How many ferries did the ministry operate according to its March 2024 fleet update",
      "How many ferries did the ministry operate according to its June 2024 update"],
     [(Period(2024, 3, 3),), (Period(2024, 6, 6),)]),
    # A leading phrase is the one replaced when it holds the date (not the later "by the coalition").
    ("By November 2023, how many companies had signed the pledge convened by the coalition, and how many by "
     "September 2023?",
     ["By November 2023, how many companies had signed the pledge convened by the coalition",
      "by September 2023, how many companies had signed the pledge convened by the coalition"],
     [(Period(2023, 11, 11),), (Period(2023, 9, 9),)]),
    # A day without a year takes the question's year; the part's own date is the only one weighed.
    ("Where was the February 2024 fisheries meeting held, and where was its March 19 follow-up?",
     ["Where was the February 2024 fisheries meeting held", "where was its March 19, 2024 follow-up"],
     [(Period(2024, 2, 2),), (Period(2024, 3, 3, 19),)]),
    # "how many of them" refers back: no gap; a part without a date of its own keeps the question's.
    ("How many ferries did the ministry buy in 2024, and how many of them run on batteries?",
     ["How many ferries did the ministry buy in 2024", "how many of them run on batteries"],
     [(Period(2024),), (Period(2024),)]),
    # A bare question word asks the first part again.
    ("When was the fisheries agreement signed in 2018, and where?",
     ["When was the fisheries agreement signed in 2018", "where was the fisheries agreement signed in 2018"],
     [(Period(2018),), (Period(2018),)]),
    # A clause that ends the last part scopes every part: the first is read with its date too.
    ("How many ferries did the ministry buy, and at what price, when the minister opened the port in May 2024?",
     ["How many ferries did the ministry buy, when the minister opened the port in May 2024",
      "at what price, when the minister opened the port in May 2024"],
     [(Period(2024, 5, 5),), (Period(2024, 5, 5),)]),
    ("How many ferries does the ministry operate?", ["How many ferries does the ministry operate?"], [()]),
]


@pytest.mark.parametrize(("question", "parts"), [
    ("Where were the first and second ministerial meetings of the Council held?",
     ["Where were the first ministerial meetings of the Council held?",
      "Where were the second ministerial meetings of the Council held?"]),
    ("By what dates did the Geneva and the Stockholm joint statements commit the two sides to act?",
     ["By what dates did the Geneva joint statements commit the two sides to act?",
      "By what dates did the Stockholm joint statements commit the two sides to act?"]),
    ("How much were the ninth and the twelfth drawdowns worth?",  # any ordinal word the project knows
     ["How much were the ninth drawdowns worth?", "How much were the twelfth drawdowns worth?"]),
    ("Which agreements did the United States and Japan sign?", None),  # one agreement list, two signers
    ("Who did the President and First Lady host at the dinner?", None),  # no plural noun the two modify
    ("Did the first and second rounds succeed?", None),  # a yes/no question is checked as a whole
])
def test_coordinated_modifiers_ask_one_question_each(question: str, parts: list[str] | None) -> None:
    assert coordinated(question) == parts
    assert [p.text for p in question_parts(question)] == (parts or [question])


@pytest.mark.parametrize(("question", "parts"), [
    ("Romania and Bahrain signed the Accords in 2022. Which signatory number did each become?",
     ["Romania signed the Accords in 2022. Which signatory number did Romania become?",
      "Bahrain signed the Accords in 2022. Which signatory number did Bahrain become?"]),
    ("How much did the United States and Japan each pledge to the fund?",
     ["How much did the United States pledge to the fund?", "How much did Japan pledge to the fund?"]),
    ("How many doses did each country receive?", None),  # no two names "each" could mean
    ("Which ports did Norway and Iceland visit each year?", None),  # "each year" is a period, not the two
])
def test_each_of_two_named_things_is_a_question_of_its_own(question: str, parts: list[str] | None) -> None:
    assert distributed(question) == parts
    assert [p.text for p in question_parts(question)] == (parts or [question])


@pytest.mark.parametrize(("question", "texts", "periods"), PART_CASES)
def test_each_part_is_read_with_its_own_scope(question: str, texts: list[str],
                                              periods: list[tuple[Period, ...]]) -> None:
    parts = question_parts(question)
    assert [p.text for p in parts] == texts
    assert [p.query.periods for p in parts] == periods


def test_an_inherited_year_is_not_a_searched_word() -> None:
    """"2024" added to the words would match any "… Act of 2024"; it steers by the statements' dates only."""
    second = question_parts("Where was the February 2024 fisheries meeting held, and where was its March 19 "
                            "follow-up?")[1]
    assert "2024" not in second.query.text and "March 19" in second.query.text


ROWS = [
    _row("fleet-march", "Ferry fleet update", "The ministry now operates 12 ferries on the northern routes.\n\n"
         "Two more vessels are on order from the shipyard in Examplia.", "2024-03-04"),
    _row("fleet-june", "Ferry fleet update", "With two new vessels in service, the ministry now operates 15 ferries "
         "on the northern routes.\n\nThe new ferries also serve the island routes.", "2024-06-03"),
    _row("meeting-feb", "Fisheries meeting", "The ministry hosted the regional fisheries meeting in Oslo today, "
         "with delegations from five coastal states.", "2024-02-10"),
    _row("meeting-mar", "Readout of the Minister's call", "The Minister spoke with the fisheries commissioner.\n\n"
         "He welcomed the March 19 follow-up meeting in Bodø on cod quotas.", "2024-03-19"),
    _row("grant", "Harbour grant", "The ministry awarded a grant of 2.4 million euros to the Port of Examplia.",
         "2024-05-10"),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    ix = index_of_rows(tmp_path_factory.mktemp("parts"), ROWS)
    yield ix
    ix.close()


@pytest.mark.parametrize(("question", "first", "second"), [
    ("How many ferries did the ministry operate according to its March 2024 fleet update, and how many according "
     "to its June 2024 update?", ("12", "fleet-march"), ("15", "fleet-june")),
    ("Where was the February 2024 fisheries meeting held, and where was its March 19 follow-up?",
     ("Oslo", "meeting-feb"), ("Bodø", "meeting-mar")),
])
def test_the_second_part_is_answered_from_the_statement_that_answers_it(
        index: Index, question: str, first: tuple[str, str], second: tuple[str, str]) -> None:
    ans = index.answer(question)
    assert [c.doc_id for c in ans.citations] == [first[1], second[1]], ans.text
    for c, (said, _) in zip(ans.citations, (first, second), strict=True):
        assert said in c.quote
        assert index.document(c.doc_id).text[c.start : c.end] == c.quote  # type: ignore[union-attr]
