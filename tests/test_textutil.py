"""textutil: what counts as one word and as the same word (BM25, sentence scoring, acronyms), and the text
primitives the reader and the eval suite share (folding, number words, months).

A user notices these as "searching Cernochova finds Černochová", "MoUs finds memoranda of understanding",
"‘17th’ matches “17th”".
"""

from __future__ import annotations

import re

import pytest

from statementqa.textutil import (
    MONTH_NAME,
    acronym_terms,
    compound_terms,
    event_terms,
    fold_accents,
    fold_for_matching,
    fold_typography,
    initialisms,
    month_number,
    normalize_word,
    present,
    query_acronyms,
    spells_out,
    strip_accents,
    terms,
    words,
)


def test_fold_typography_keeps_the_wording() -> None:
    assert fold_typography("It’s the “17th” — F‑35s… «ok» ′x′") == "It's the \"17th\" - F-35s... \"ok\" 'x'"
    assert fold_typography("Fi\u00adala\u200b said\u00a0so") == "Fiala said so"  # invisible characters go


def test_fold_for_matching_compares_wording_not_case_accents_or_spacing() -> None:
    assert fold_for_matching("  Lipavský’s\n\tSTATEMENT ") == "lipavsky's statement"
    assert fold_for_matching("Černochová") == fold_for_matching("cernochova")


def test_strip_accents_is_the_uncached_form_of_fold_accents() -> None:
    assert strip_accents("Lipavský and Černochová") == "Lipavsky and Cernochova"
    assert fold_accents("Lipavský") == strip_accents("Lipavský")


@pytest.mark.parametrize(
    ("name", "number"),
    [("Jan", 1), ("january", 1), ("Sept", 9), ("sep", 9), ("SEPTEMBER", 9), ("May", 5), ("June", 6), ("jun", 6),
     ("Mayor", None), ("Market", None), ("Septem", None), ("", None)],
)
def test_month_number_reads_what_month_name_matches(name: str, number: int | None) -> None:
    assert month_number(name) == number
    assert (re.fullmatch(MONTH_NAME, name, re.I) is not None) == (number is not None)


@pytest.mark.parametrize(("question", "text", "holds"), [
    ("How many MoUs has the US signed?", "the 17th such memorandum of understanding", True),  # spelled out
    ("How many MoUs has the US signed?", "two new MOUs signed by DOE", True),  # the acronym itself
    ("How many MoUs has the US signed?", "a memorandum on trade", False),  # not the initials in order
    ("How much FMF did Lebanon get?", "Foreign Military Financing for Lebanon", True),
    ("How many memoranda were signed?", "memorandum of understanding", False),  # no acronym asked: terms only
])
def test_a_text_holds_the_asked_acronym_when_it_spells_it_out(question: str, text: str, holds: bool) -> None:
    acr = acronym_terms(question)
    asked = set(acr)
    assert bool(asked & present(text, acr)) == holds
    assert set(terms(text)) <= present(text, acr)  # the text's own terms are always there


@pytest.mark.parametrize(("question", "text", "holds"), [
    # the hyphenated form is in no statement; its parts are
    ("us-turkmenistan ABCs - started what yr?", "United States-Turkmenistan Annual Bilateral Consultations", True),
    ("us-turkmenistan ABCs - started what yr?", "U.S.-Turkmenistan Annual Bilateral Consultations", True),
    ("biden-erdogan call: what date?", "President Biden spoke with President Erdoğan", True),
    ("biden-erdogan call: what date?", "President Biden spoke with President Macron", False),  # one part only
    ("What did the US-China joint statement say?", "the US-China joint statement", True),  # the whole form
    ("When was the cease-fire?", "the fire was put out at the cease of work", True),  # parts, anywhere
    ("When was the ceasefire?", "a cease-fire", False),  # the question has no compound: terms only
])
def test_a_text_holds_the_asked_compound_when_it_has_its_parts(question: str, text: str, holds: bool) -> None:
    compounds = compound_terms(question)
    assert bool(set(compounds) & present(text, {}, compounds)) == holds
    assert set(terms(text)) <= present(text, {}, compounds)


@pytest.mark.parametrize(("text", "expected"), [
    ("Černochová met Lipavský in Prague.", ["Černochová", "met", "Lipavský", "in", "Prague"]),  # one word each
    ("the minister’s view", ["the", "minister’s", "view"]),  # a possessive stays in its word
    ("F-35 jets", ["F-35", "jets"]),  # a hyphenated compound is one word
    ("U.S.-Czech", ["U", "S", "Czech"]),
    ("", []),
])
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("Lipavský", "Lipavsky"), ("Černochová", "Cernochova"), ("Zürich", "Zurich"), ("plain", "plain"),
])
def test_accents_fold_for_people_who_type_without_them(word: str, expected: str) -> None:
    assert fold_accents(word) == expected


@pytest.mark.parametrize(("word", "expected"), [
    ("Minister’s", "minister"), ("minister's", "minister"), ("NATO", "nato"), ("Černochová", "cernochova"),
])
def test_normalize_word(word: str, expected: str) -> None:
    assert normalize_word(word) == expected


@pytest.mark.parametrize(("a", "b"), [
    ("Cernochova", "Černochová"),  # typed without diacritics
    ("ministers signed", "Minister signs"),  # stemmed, case folded
    ("the minister’s statement", "minister statement"),  # possessive and stop word dropped
])
def test_the_same_terms(a: str, b: str) -> None:
    assert terms(a) == terms(b)


def test_terms_drop_stop_words_and_keep_compounds_whole_and_split() -> None:
    assert terms("of the and") == []
    assert terms("F-35") == ["f-35", "f", "35"]


def test_acronyms_a_user_types() -> None:
    assert query_acronyms("How many MoUs has the US signed with NATO?") == ["mou", "us", "nato"]
    assert query_acronyms("how many were signed") == []


def test_initialisms_are_mined_from_spelled_out_names() -> None:
    assert ("mou", "Memorandum of Understanding") in initialisms("They signed the Memorandum of Understanding today.")


@pytest.mark.parametrize(("acronym", "text", "expected"), [
    ("mou", "a memorandum of understanding", True),
    ("fmf", "Foreign Military Financing", True),
    ("MoU", "two MoUs were signed", True),  # the acronym itself, plural
    ("eda", "the economic dialogue", False),
    ("", "anything", False),
])
def test_spells_out(acronym: str, text: str, expected: bool) -> None:
    assert spells_out(acronym, text) is expected


def test_event_terms_read_irregular_past_verbs_as_their_base_form() -> None:
    assert {"meet", "hold"} <= event_terms("Blinken met Lavrov; the talks were held in Geneva")
    assert event_terms("When did they meet?") == {"meet"}
