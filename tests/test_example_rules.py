"""example_rules: which question a sentence (or a title) of a statement gives, as a table.

Each example the UI offers is made from one sentence; a wrong rule shows up here as a wrong row, not as
"the example list is empty".
"""

from __future__ import annotations

import pytest

from statementqa.example_rules import question_from_title, questions_from_sentence, sentences


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The United States has signed 17 memoranda of understanding.",
     [("How many memoranda has the United States signed?", "figure")]),
    ("The United States has provided $40 million in humanitarian aid to Ukraine.",
     [("How much in humanitarian aid has the United States provided?", "amount")]),
    ("Secretary Blinken met with Foreign Minister Lipavský in Prague.",
     [("Whom did Secretary Blinken meet in Prague?", "meeting")]),
    ("The agreement was signed on May 30, 2024.", [("When was the agreement signed?", "date")]),
    ("The bridge will reopen on 3 March 2025.", [("When will the bridge reopen?", "date")]),
    ("It rained for 12 days.", []),  # no one named: no question
    ("We have provided $5 million in our aid.", []),  # "our aid" has no referent outside the statement
])
def test_questions_from_sentence(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert questions_from_sentence(sentence) == expected


@pytest.mark.parametrize(("title", "expected"), [
    ("FACT SHEET: U.S.-Czech Strategic Dialogue on Energy Security",
     "What was said about “U.S.-Czech Strategic Dialogue…”?"),  # boilerplate lead dropped, cut at a word
    ("Readout of the call", None),  # too little left to ask about
    ("Hi", None),
])
def test_question_from_title(title: str, expected: str | None) -> None:
    assert question_from_title(title) == expected


def test_sentences_are_spans_of_the_text() -> None:
    text = "The minister spoke. Mr. Smith agreed.\n\nA new paragraph."
    spans = list(sentences(text))
    assert [text[s:e] for s, e in spans] == ["The minister spoke.", "Mr. Smith agreed.", "A new paragraph."]
