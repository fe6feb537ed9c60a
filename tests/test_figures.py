"""Typed figures: only a count or ordinal standing right before its noun counts it."""

from __future__ import annotations

import pytest

from statementqa.figures import Kind, counting, figures, ordinal_values, spelled_value

MOU = ("MoUs",)


@pytest.mark.parametrize(("sentence", "nouns", "counted"), [
    ("It’s the 17th such memorandum of understanding that we’ve signed with partner countries", MOU, ["17th"]),
    ("DOE will announce two new MOUs signed by DOE, DOI and USDA", MOU, ["two"]),
    ("supports the current historic $38 billion Memorandum of Understanding in full", MOU, []),
    ("agencies signed a five-year Memorandum of Understanding that will serve", MOU, []),
    ("Commerce maintains such MOUs with five other African countries", MOU, []),
    ("Today we add nine Nicaraguans to the Corrupt and Undemocratic Actors list", ("Nicaraguans",), ["nine"]),
    ("the purchase of 24 U.S. F-35 aircraft", ("jets",), []),
    ("the purchase of 24 F-35 aircraft", ("aircraft",), ["24"]),
    # a duration counts a unit of time, and nothing else ("How many years …?")
    ("congratulated him on thirty years of moral and spiritual leadership", ("years",), ["thirty"]),
    ("a five-year Memorandum of Understanding that will serve", MOU, []),
    ("a 24-hour strike by 12 unions", ("hours",), ["24"]),  # digits before a hyphenated unit are a figure too
])
def test_a_figure_counts_a_noun_only_when_it_quantifies_it(sentence: str, nouns: tuple[str, ...],
                                                          counted: list[str]) -> None:
    assert [f.text for f in counting(sentence, nouns)] == counted


def test_figure_kinds_and_what_is_not_a_figure() -> None:
    found = {f.text: f.kind for f in figures(
        "2. On June 30, 2022 the 12 members pledged $4.5 billion (12 percent more) for a two-year COVID-19 "
        "programme with F-35 jets, the third such pledge.")}
    assert found == {"2022": Kind.YEAR, "12": Kind.COUNT, "$4.5 billion": Kind.MONEY, "12 percent": Kind.PERCENT,
                     "two": Kind.DURATION, "third": Kind.ORDINAL}
    assert [f.text for f in figures("First Lady Jill Biden visited Kenya for the first time.")] == ["first"]
    # a comma after a number ends the sentence's clause, not the number; "U.S. dollars" makes an amount money
    found = {f.text: f.kind for f in figures("So, since 2014, about 2 billion U.S. dollars and 1,900 grants.")}
    assert found == {"2014": Kind.YEAR, "2 billion U.S. dollars": Kind.MONEY, "1,900": Kind.COUNT}


@pytest.mark.parametrize(("text", "values"), [
    ("the 18th U.S. memorandum of understanding", {18}),
    ("The Eighth U.S.-UAE Economic Policy Dialogue", {8}),
    ("its twenty-seventh session and the 3rd round", {27, 3}),
    ("the Inaugural U.S.-EU Trade and Technology Council Meeting", {1}),  # an inaugural meeting is the first
    ("F-35 jets, 2024, $18 million", set()),
    ("First Lady Melania Trump and the Second Gentleman at the third round", {3}),  # titles are no ordinals
])
def test_ordinal_values_by_value(text: str, values: set[int]) -> None:
    assert ordinal_values(text) == values


@pytest.mark.parametrize("sentence", [
    "The harbour bridge will reopen on 9 April 2025 after repairs.",
    "Moldova applied on the 18th of February.",
    "The talks resume on June 30, 2022.",
])
def test_the_day_of_a_date_is_not_a_figure(sentence: str) -> None:
    assert [f.text for f in figures(sentence) if f.kind != Kind.YEAR] == []


@pytest.mark.parametrize(("sentence", "figure"), [
    ("The anticipated acquisition ceiling for all contracts is $8 to $10 billion.", "$8 to $10 billion"),
    ("an estimated 3 to 4 million people were displaced", "3 to 4 million"),
    ("two million Americans have signed up for coverage", "two million"),
    ("Two hundred and fifty million Americans have stepped up", "Two hundred and fifty million"),
    ("twenty-five states joined the pact", "twenty-five"),
])
def test_a_figure_keeps_its_scale_and_a_range_its_shared_scale(sentence: str, figure: str) -> None:
    # "$8" or "two" alone is not what the statement says
    assert [f.text for f in figures(sentence)] == [figure]


def test_a_scaled_number_word_still_counts_its_noun() -> None:
    assert [f.text for f in counting("two million Americans have signed up", ("Americans",))] == ["two million"]


@pytest.mark.parametrize(("text", "value"), [
    ("Two hundred and fifty million", 250_000_000), ("twenty-five", 25), ("one hundred twenty", 120),
    ("two million", 2_000_000), ("third", 3), ("seventeen", 17),
])
def test_a_spelled_out_figure_has_its_value(text: str, value: int) -> None:
    assert spelled_value(text) == value
