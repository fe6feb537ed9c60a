"""Filters that select no statement, and over-long questions, are input errors that say what to change.

Why: "The indexed statements do not say …" is a finding about the statements; a misspelled issuer, a
reversed date range or an empty one must not be reported as one (issue 13, items 6 and 8).
"""

from __future__ import annotations

import time

import pytest
from typer.testing import CliRunner

from statementqa import FilterError, Index, QuestionTooLongError
from statementqa.cli import app
from statementqa.filters import match_issuer

Q = "How many MoUs has the US signed?"
ISSUERS = ["Ministry of Foreign Affairs of the Czech Republic", "The White House", "U.S. Department of State"]
runner = CliRunner()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("White House", "The White House"),
        ("white house", "The White House"),
        ("Whitehouse", "The White House"),
        ("The Whte House", "The White House"),
        ("State Department", "U.S. Department of State"),
        ("Department of State", "U.S. Department of State"),
        ("Ministry of Foreign Afairs", "Ministry of Foreign Affairs of the Czech Republic"),
        ("Czech Foreign Ministry", "Ministry of Foreign Affairs of the Czech Republic"),
    ],
)
def test_near_miss_issuer_is_refused_with_did_you_mean(seed_index: Index, typed: str, meant: str) -> None:
    with pytest.raises(FilterError) as err:
        seed_index.answer(Q, sources=[typed])
    msg = str(err.value)
    assert msg.startswith("No statement matches the filters")
    assert f"no issuer “{typed}”" in msg and f"Did you mean “{meant}”?" in msg
    assert all(f"“{i}”" in msg for i in ISSUERS)  # which issuers exist
    assert "do not say" not in msg
    assert err.value.suggestions[0] == meant


@pytest.mark.parametrize("typed", ["Kremlin", "Department of Defense", "Ministry of Finance of Slovakia"])
def test_unknown_issuer_lists_the_issuers_without_a_wrong_suggestion(seed_index: Index, typed: str) -> None:
    with pytest.raises(FilterError) as err:
        seed_index.answer(Q, sources=[typed])
    assert "Did you mean" not in str(err.value) and err.value.suggestions == []
    assert all(f"“{i}”" in str(err.value) for i in ISSUERS)


def test_one_unknown_issuer_among_known_ones_is_not_silently_dropped(seed_index: Index) -> None:
    with pytest.raises(FilterError, match="no issuer “White House”"):
        seed_index.answer(Q, sources=["U.S. Department of State", "White House"])


@pytest.mark.parametrize("typed", ["the white house", "THE WHITE HOUSE", "The  White House."])
def test_same_issuer_spelled_differently_is_used_and_said(seed_index: Index, typed: str) -> None:
    ans = seed_index.answer(Q, sources=[typed])
    assert ans.passages and all(p.source == "The White House" for p in ans.passages)
    assert f"“The White House” (for “{typed}”)" in (ans.notice or "")


def test_us_spelled_without_dots_is_the_same_issuer() -> None:
    assert match_issuer("US Department of State", ISSUERS).issuer == "U.S. Department of State"
    assert match_issuer("Department of State", ISSUERS).issuer is None  # a different name: suggested only


def test_since_after_until_says_so(seed_index: Index) -> None:
    with pytest.raises(FilterError, match=r"since 2024-06-01 is after until 2024-05-01"):
        seed_index.answer(Q, since="2024-06-01", until="2024-05-01")


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"since": "2030-01-01"}, "the index has no statement dated on or after 2030-01-01; the indexed statements "
                                  "are dated 2021-"),
        ({"until": "2019-12-31"}, "no statement dated on or before 2019-12-31"),
        ({"sources": ["Ministry of Foreign Affairs of the Czech Republic"], "since": "2024-06-01",
          "until": "2024-12-31"},
         "“Ministry of Foreign Affairs of the Czech Republic” has no statement dated between 2024-06-01 and "
         "2024-12-31; its statements are dated 2024-05-30"),
    ],
)
def test_date_range_without_statements_says_which_dates_exist(seed_index: Index, kw: dict, expected: str) -> None:
    with pytest.raises(FilterError) as err:
        list(seed_index.stream_answer(Q, **kw))  # the streaming path says the same
    assert str(err.value).startswith("No statement matches the filters") and expected in str(err.value)


def test_matching_filters_still_answer(seed_index: Index) -> None:
    ans = seed_index.answer(Q, sources=["Ministry of Foreign Affairs of the Czech Republic"], since="2024-05-30",
                            until="2024-05-30")
    assert not ans.refused and "17th" in ans.text and ans.notice is None


def test_cli_source_typo_names_the_issuer_and_exits_2(seed_index: Index) -> None:
    r = runner.invoke(app, ["ask", Q, "--index", str(seed_index.path), "--source", "White House", "--no-llm"])
    assert r.exit_code == 2, r.output
    assert "No statement matches the filters" in r.output and "Did you mean “The White House”?" in r.output
    assert "do not say" not in r.output
    r = runner.invoke(app, ["ask", Q, "--index", str(seed_index.path), "--since", "2024-06-01", "--until",
                            "2024-05-01", "--json"])
    assert r.exit_code == 2 and "is after until" in r.output


def test_overlong_question_is_refused_quickly_with_the_limit(seed_index: Index) -> None:
    limit = seed_index.settings.max_question_chars
    assert limit == 1000
    started = time.perf_counter()
    with pytest.raises(QuestionTooLongError) as err:
        seed_index.answer("How many MoUs? " * 700)
    assert time.perf_counter() - started < 1.0
    assert "10,500 characters" in str(err.value) and "at most 1,000" in str(err.value)
    assert "STATEMENTQA_MAX_QUESTION_CHARS" in str(err.value)
    at_limit = ((Q + " ") * 40)[:limit]
    assert seed_index.answer(at_limit).question == at_limit  # exactly at the limit: asked


def test_cli_overlong_question_exits_2(seed_index: Index) -> None:
    r = runner.invoke(app, ["ask", "x" * 5000, "--index", str(seed_index.path)])
    assert r.exit_code == 2 and "5,000 characters" in r.output and "at most 1,000" in r.output
