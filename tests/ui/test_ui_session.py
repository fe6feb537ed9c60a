"""ui.session: what the browser sends back is input — filters are parsed, a kept conversation is checked again."""

from __future__ import annotations

from datetime import date

import pytest
from uikit import answered, cite, make_doc

from statementqa.query import Turn
from statementqa.ui.session import InputError, Session, restore, saved_state

DOC = make_doc("Intro.\n\nThe minister said the bridge reopens on 3 March.\n\nEnd.", id="d1",
               title="Minister on bridge reopening", source="Ministry of Examples")


def test_the_next_question_is_asked_with_the_filters_and_this_conversation() -> None:
    session = Session()
    session.answers.append(answered("When does the bridge reopen?", "On 3 March [1].",
                                    [cite(DOC, "The minister said the bridge reopens on 3 March.")]))
    session.answers.append(answered("And the harbour?", "The indexed statements do not say this.", [],
                                    refused=True))
    opts = session.options(["Ministry of Examples"], "2024-01-01", " ")
    assert opts.sources == ("Ministry of Examples",) and (opts.since, opts.until) == (date(2024, 1, 1), None)
    assert opts.history == (Turn("When does the bridge reopen?", "On 3 March [1].", False),
                            Turn("And the harbour?", "The indexed statements do not say this.", True))
    assert Session().options(None, None, None).history == ()


@pytest.mark.parametrize(("since", "until", "message"), [
    ("30/05/2024", None, "is not a date"),
    ("2024-06-01", "2024-05-01", "after the “Until” date"),
])
def test_filters_to_fix_are_explained(since: str | None, until: str | None, message: str) -> None:
    with pytest.raises(InputError, match=message):
        Session().options(None, since, until)


def test_a_kept_conversation_comes_back_with_only_quotes_that_still_verify() -> None:
    good = answered("q1", "On 3 March [1].", [cite(DOC, "The minister said the bridge reopens on 3 March.")])
    session = Session(answers=[good])
    state = saved_state(session)
    assert restore(state, {"d1": DOC}.get).answers == [good]
    edited = DOC.model_copy(update={"text": DOC.text.replace("3 March", "4 March")})
    (back,) = restore(state, {"d1": edited}.get).answers
    assert back.citations == [] and "no longer matches" in (back.notice or "")
    assert restore({"v": 99, "answers": []}, {}.get).answers == [] and restore("junk", {}.get).answers == []
