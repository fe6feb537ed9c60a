"""textutil: what counts as one word and as the same word, for BM25, sentence scoring and acronyms.

A user notices these as "searching Cernochova finds Černochová", "MoUs finds memoranda of understanding".
"""

from __future__ import annotations

import pytest

from statementqa.textutil import fold_accents, initialisms, normalize_word, query_acronyms, spells_out, terms, words


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
