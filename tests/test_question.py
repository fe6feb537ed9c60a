"""Question analysis: periods, order and the counted noun, parsed once."""

from __future__ import annotations

import pytest

from statementqa.question import Order, Period, expand_shorthand, focus_words, parse_question


@pytest.mark.parametrize(("text", "periods"), [
    ("What did Blinken say on May 12, 2023?", [Period(2023, 5, 5, 12)]),
    ("What did the ministry say on 12 May 2023?", [Period(2023, 5, 5, 12)]),
    ("statements from 2023-05-12", [Period(2023, 5, 5, 12)]),
    ("What was announced in March 2022?", [Period(2022, 3, 3)]),
    ("What did the White House say in spring 2021 about vaccines?", [Period(2021, 3, 5)]),
    ("the fact sheet from late 2021", [Period(2021, 9, 12)]),
    ("How much aid was pledged in 2022?", [Period(2022)]),
    ("Compare the 2021 and 2022 figures", [Period(2021), Period(2022)]),
    ("How many MoUs has the US signed?", []),
    ("Which city did the bureau choose to host Expo 2027?", []),  # a year in a name is no period
    ("What did the NATO 2023 summit decide?", [Period(2023)]),  # …an acronym before it is no name
    # A month without a year takes the question's one year; "may" the verb and "Theresa May" are no months.
    ("How many had signed up in 2021 according to Biden's mid-July statement?", [Period(2021), Period(2021, 7, 7)]),
    ("Whom did the minister meet in 2023, on July 14?", [Period(2023), Period(2023, 7, 7, 14)]),
    ("What may the 2022 plan include?", [Period(2022)]),
    ("What did Theresa May say in 2019?", [Period(2019)]),
    ("What was said in 2021 and 2022 in July?", [Period(2021), Period(2022)]),  # two years: July of which?
])
def test_periods_named_in_a_question(text: str, periods: list[Period]) -> None:
    assert list(parse_question(text).periods) == periods


def test_a_day_period_allows_a_day_either_side_and_months_are_ranges() -> None:
    day = Period(2023, 5, 5, 12)
    assert day.contains("2023-05-13") and not day.contains("2023-05-15")
    spring = Period(2021, 3, 5)
    assert spring.contains("2021-04-30") and not spring.contains("2021-06-01") and not spring.contains(None)


@pytest.mark.parametrize(("text", "order"), [
    ("What is the latest statement on Sweden's NATO accession?", Order.LATEST),
    ("When did the White House most recently mention Omicron?", Order.LATEST),
    ("When did the White House first issue a statement about the Omicron variant?", Order.EARLIEST),
    ("What was the first step of the plan?", None),
    ("How many MoUs has the US signed?", None),
])
def test_latest_and_earliest_questions(text: str, order: Order | None) -> None:
    assert parse_question(text).order == order


def test_the_counted_noun_of_a_how_many_question() -> None:
    q = parse_question("How many Ukrainian refugees has Poland welcomed?")
    assert q.is_count and q.counted == ("Ukrainian", "refugees")
    assert parse_question("How many MoUs has the US signed?").counted == ("MoUs",)
    assert parse_question("number of agencies that signed the MOA").counted == ("agencies",)
    # the verb after the noun is not counted: "7 Republicans – voted" does not count House members
    assert parse_question("How many House members voted to impeach Trump?").counted == ("House", "members")
    assert parse_question("How many countries signed the pledge?").counted == ("countries",)
    assert parse_question("How many displaced people returned?").counted == ("displaced", "people")
    assert not parse_question("Who signed the MOA?").is_count


@pytest.mark.parametrize(("text", "items"), [
    ("Which two countries joined the ICE Pact?", 2),
    ("What three new amounts of aid did Biden preview?", 3),
    ("Name the 4 ministers who signed.", 4),
    ("Which country joined the ICE Pact?", 1),
    ("What two years did the programme run?", 1),  # a duration, not two things
    ("Which two-day summit did Biden host?", 1),
])
def test_how_many_things_a_question_asks_for(text: str, items: int) -> None:
    assert parse_question(text).items == items


@pytest.mark.parametrize(("typed", "read"), [
    ("biden mtg w/ the patriarch - how many yrs?", "biden meeting with the patriarch - how many years?"),
    ("japan grant aid amt acc. to state dept?", "japan grant aid amount according to state department?"),
    ("lead univ + how much $", "lead university and how much $"),
    ("how many entities+individuals?", "how many entities and individuals?"),
    ("IUU fishing 5-yr strategy", "IUU fishing 5-year strategy"),
    ("What did the DIR say?", "What did the DIR say?"),  # capitals: an acronym the user meant
    ("C++ and the min. wage", "C++ and the min. wage"),  # nothing to spell out ("min" is ambiguous)
    ("Who said 'our mtg w/ them' at the govt briefing?", "Who said 'our mtg w/ them' at the government briefing?"),
    ("kendamil flown in jul 2022 - which chain?", "kendamil flown in July 2022 - which chain?"),  # months in full
    ("state dinner apr 28 2026, sept. 5 mtg", "state dinner April 28 2026, September 5 meeting"),
    ("Who said 'by jul 2022' at the dec briefing?", "Who said 'by jul 2022' at the dec briefing?"),  # quoted; no day
    ("CMAR marine corridor size km2", "CMAR marine corridor size square kilometers"),  # units as statements write
    ("reserve area sq mi + cost per kg", "reserve area square miles and cost per kilograms"),
])
def test_analyst_shorthand_is_spelled_out(typed: str, read: str) -> None:
    assert expand_shorthand(typed) == read


@pytest.mark.parametrize(("text", "focus"), [
    ("What was the Senate vote tally on cloture for the Act?", ("Senate", "vote", "tally")),
    ("Who is the principal investigator leading the project?", ("principal", "investigator")),
    ("Which city did the bureau choose to host the Expo?", ("city",)),  # a type noun: evidence.py discounts it
    ("What kind of facility did the statement describe?", ("facility",)),
    ("On which two days was the summit scheduled?", ()),  # a count and a type word name nothing to look for
    ("On what dates in 2022 did the group meet?", ()),
    ("How many MoUs has the US signed?", ()),  # the counted noun says it
    ("When did the ministry open its embassy?", ()),
    # the asked thing as the subject: its verb or a comma ends it, not an auxiliary
    ("Which UN Security Council resolution endorsed the plan?", ("UN", "Security", "Council", "resolution")),
    ("Which official, briefing from Jakarta, said it?", ("official",)),
    ("Which foreign guests made the first State Visit?", ("foreign", "guests")),
    ("Which two presidents hosted the May 2021 summit?", ("presidents",)),  # "May" the month, not the verb
    ("Which former U.S. president did Blinken call?", ("former", "president")),
    ("What was the vote tally when the Board approved the fund?", ("vote", "tally")),
    ("iraq-krg oil export deal apr 2023 - via which pipeline?", ("pipeline",)),  # shorthand: it ends the question
    # "the name / designation of the X" asks for X by its name
    ("What is the designation of the national security memorandum Biden signed?",
     ("national", "security", "memorandum")),
    ("What is the name of the Cape Coral mayor Biden tried to call?", ("Cape", "Coral", "mayor")),
    ("What was the name of the Afghan guard killed in the attack?", ("Afghan", "guard")),
])
def test_what_a_question_asks_for_by_name(text: str, focus: tuple[str, ...]) -> None:
    assert focus_words(text) == focus


@pytest.mark.parametrize(("text", "dated"), [
    ("How many Americans had signed up, according to Biden's mid-July 2021 statement?", True),
    ("Did Blinken raise it in his July 30, 2022 call with the minister?", True),
    ("According to the November 2024 readout of Biden's call, how many were injured?", True),
    ("What did the ministry announce in July 2022?", False),  # a period of what happened, not of the statement
])
def test_a_question_that_names_its_statement_by_date(text: str, dated: bool) -> None:
    assert parse_question(text).dated_statement is dated
