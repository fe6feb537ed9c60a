"""Reply parsing and streamed-text extraction: strict JSON, tolerant JSON, plain text."""

from __future__ import annotations

import json

import pytest

from statementqa.llm import AnswerTextStream, parse_reply


def test_json_reply_and_list_quotes_are_parsed():
    draft = parse_reply(json.dumps({"answer": "17 [1].", "citations": [{"n": "[1]", "quote": ["a b c", "d e"]}]}))
    assert draft.answer == "17 [1]." and draft.quotes == [(1, "a b c"), (1, "d e")] and not draft.refused


def test_plain_reply_with_quote_lines_and_inline_quotes():
    draft = parse_reply(
        'Blinken said "this is the 17th such memorandum" [2]. It was signed in Prague [1].\n\n'
        'Sources:\n[1] "The ministers met in Prague."\n[3]: “Another sentence here.”'
    )
    assert draft.answer.startswith("Blinken said") and "Sources" not in draft.answer
    assert (1, "The ministers met in Prague.") in draft.quotes
    assert (3, "Another sentence here.") in draft.quotes
    assert (2, "this is the 17th such memorandum") in draft.quotes


def test_streamed_json_yields_only_the_answer_text_even_split_inside_escapes():
    reply = json.dumps(
        {"answer": 'He said "17" \u2014 a record.\nYes [1].', "citations": [{"n": 1, "quote": "q q"}], "refused": False}
    )
    stream = AnswerTextStream()
    out = "".join(stream.feed(reply[i : i + 3]) for i in range(0, len(reply), 3))
    assert out == 'He said "17" \u2014 a record.\nYes [1].'


def test_streamed_plain_text_stops_before_the_quote_section():
    reply = '17 such memoranda [1].\n\n[1] "It\'s the 17th such memorandum"'
    stream = AnswerTextStream()
    out = "".join(stream.feed(ch) for ch in reply)
    assert out.strip() == "17 such memoranda [1]."


@pytest.mark.parametrize("tail", ['], "refused": false}', ', {"n'], ids=["complete", "cut-off"])
def test_raw_control_characters_inside_json_strings_are_tolerated(tail):
    """Small local models write literal newlines and tabs inside JSON strings (found with llama.cpp)."""
    draft = parse_reply('{"answer": "17\n such [1]", "citations": [{"n": 1, "quote": "a\tb c"}' + tail)
    assert draft.answer == "17\n such [1]" and draft.quotes == [(1, "a\tb c")]
