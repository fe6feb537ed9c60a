"""Answer matching (statementqa.eval.matching): numbers, number words, money, dates, yes/no and folded text."""

from __future__ import annotations

import pytest

from statementqa.eval import answer_correct, extract_dates, extract_numbers, match_part


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
        ("US$1.2 billion", 1.2e9),
        ("a 1.2-billion-dollar package", 1.2e9),
        ("a 1.2\u2011billion package", 1.2e9),  # a non-breaking hyphen is a hyphen
        ("twenty zero", 20),  # raised KeyError before (0 is falsy)
    ],
)
def test_numbers_and_number_words_are_read_as_numbers(text: str, value: float) -> None:
    assert value in extract_numbers(text)


def test_a_model_name_like_f35_is_not_read_as_a_count() -> None:
    assert 35 not in extract_numbers("24 U.S. F-35s")  # a model name is not a count


@pytest.mark.parametrize(
    "text",
    ["on April 4, 2023", "4 April 2023", "2023-04-04", "04/04/2023", "Apr. 4th, 2023", "the 4th of April 2023",
     "APRIL 4, 2023", "4 April, 2023", "April 4th 2023"],
)
def test_common_date_forms_parse_to_the_same_date(text: str) -> None:
    assert (2023, 4, 4) in extract_dates(text)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("in Sept. 2023", (2023, 9, None)),
        ("in September 2023", (2023, 9, None)),
        ("on Sep 12", (None, 9, 12)),  # the year is not given
        ("June 30, 2022", (2022, 6, 30)),
    ],
)
def test_month_spellings_and_partial_dates(text: str, date: tuple[int | None, int | None, int | None]) -> None:
    assert date in extract_dates(text)


@pytest.mark.parametrize("text", ["the Mayor 4 said", "Market 2023 report", "may 40 times", "13/30/2023"])
def test_words_that_only_look_like_dates_are_not_dates(text: str) -> None:
    assert extract_dates(text) == set()


@pytest.mark.parametrize(
    ("expected", "given", "ok"),
    [
        # counts, ordinals and number words
        ("17", "It's the 17th such memorandum of understanding", True),
        ("17", "the 17th", True),
        ("17", "seventeen", True),
        ("17th", "Blinken said it was the seventeenth such MoU", True),
        ("17", "It's the 16th such memorandum", False),
        ("21", "twenty-one countries endorsed it", True),
        ("2 percent", "two percent of GDP", True),
        # money: the amount is compared, with its scale
        ("$4.5 billion", "a 4.5 billion dollar deal", True),
        ("$4.5 billion", "a $4.5 million deal", False),
        ("US$1.2 billion", "1.2 billion dollars", True),
        ("1.2 billion dollars", "US$1.2 billion", True),
        ("€600 million", "600 million euros", True),
        ("1.5 million", "over 1.33 million refugees", False),
        # dates in several forms; the year may be implied by the given answer
        ("2022-03-30", "renewed in Prague on March 30, 2022", True),
        ("2022-03-30", "renewed on 30 March 2022", True),
        ("March 30, 2022", "signed 2022-03-30", True),
        ("2022-03-30", "renewed in Prague on March 30, 2021", False),
        ("2024-04-15", "Fiala visits the White House on April 15", True),
        ("May 2022", "In May 2022, Finland and Sweden applied", True),
        ("May 2022", "In May 2023 they met", False),
        # yes / no lead the answer
        ("yes", "Yes. Blinken commended the Czech Republic", True),
        ("no", "There is no such statement; it was in Prague", False),
        # text: folded (case, accents, typography), whole words only, alternatives with |
        ("Lipavsky", "said Minister Lipavský", True),
        ("Lipavský’s", "LIPAVSKY'S statement", True),
        ("the “Strategic Dialogue”", 'at the "Strategic Dialogue" in Prague', True),
        ("F-35", "24 F\u201135 aircraft", True),
        ("Rutte", "Mark Ruttes", False),
        ("Czech|Czechia", "Czechia and Japan", True),
    ],
)
def test_match_part(expected: str, given: str, ok: bool) -> None:
    assert match_part(expected, given) is ok


def test_multi_part_answers_need_every_part() -> None:
    answers = [["24", "Lockheed Martin"]]
    assert answer_correct(answers, "24 F-35s; Czech firms work with Lockheed Martin")
    assert not answer_correct(answers, "24 F-35s")
    assert answer_correct(["nope", "Lockheed Martin"], "Lockheed Martin")  # any entry may match
