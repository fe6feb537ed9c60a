"""query: the options a question is asked with, parsed once (dates, filters, history)."""

from __future__ import annotations

from datetime import date

import pytest

from statementqa import Answer
from statementqa.query import Filters, QueryOptions, Turn, options_of


def test_the_keyword_form_is_parsed_once() -> None:
    opts = QueryOptions.parse(sources=["The White House"], since="2024-05-01", until=date(2024, 6, 30), top_k=3,
                              llm=False)
    assert opts.filters == Filters(("The White House",), date(2024, 5, 1), date(2024, 6, 30))
    assert (opts.sources, opts.since, opts.until, opts.top_k, opts.llm) == (
        ("The White House",), date(2024, 5, 1), date(2024, 6, 30), 3, False)
    assert QueryOptions.parse() == QueryOptions()
    assert QueryOptions.parse(since="", until=None).filters == Filters()


@pytest.mark.parametrize(("field", "value"), [("since", "30/05/2024"), ("until", "May 2024")])
def test_a_bad_date_names_the_option_and_the_format(field: str, value: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}='{value}' is not a date: use YYYY-MM-DD$"):
        QueryOptions.parse(**{field: value})


def test_history_carries_each_answers_refused_flag() -> None:
    answered = Answer(question="Who signed?", text="Blinken signed it [1].")
    refused = Answer(question="And the cost?", text="The indexed statements do not say this.", refused=True)
    opts = QueryOptions.parse(history=[answered, refused, ("When?", "On 30 May."), Turn("Where?", "Prague", True)])
    assert opts.history == (
        Turn("Who signed?", "Blinken signed it [1].", False),
        Turn("And the cost?", "The indexed statements do not say this.", True),
        Turn("When?", "On 30 May.", False),  # a bare pair is an answer: the flag, not the wording, decides
        Turn("Where?", "Prague", True),
    )


def test_options_or_keywords_not_both() -> None:
    opts = QueryOptions(top_k=2)
    assert options_of(opts, {}) is opts
    assert options_of(None, {"top_k": 2}) == opts
    with pytest.raises(TypeError, match="not both"):
        options_of(opts, {"llm": True})


def test_with_filters_keeps_the_rest() -> None:
    opts = QueryOptions.parse(sources=["white house"], top_k=4, history=[("q", "a")])
    resolved = opts.with_filters(Filters(("The White House",)))
    assert resolved.sources == ("The White House",) and resolved.top_k == 4 and resolved.history == opts.history
