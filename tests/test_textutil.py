"""Text primitives shared by the reader and the eval suite (statementqa.textutil): folding, number words, months."""

from __future__ import annotations

import re

import pytest

from statementqa.textutil import (
    MONTH_NAME,
    ORDINAL_WORDS,
    TENS_WORDS,
    UNIT_WORDS,
    fold_accents,
    fold_for_matching,
    fold_typography,
    month_number,
    strip_accents,
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


def test_number_word_tables() -> None:
    assert UNIT_WORDS["zero"] == 0 and UNIT_WORDS["seventeen"] == 17 and TENS_WORDS["ninety"] == 90
    assert ORDINAL_WORDS["seventeenth"] == 17 and ORDINAL_WORDS["hundredth"] == 100
    assert len(UNIT_WORDS) == 20 and len(TENS_WORDS) == 8
