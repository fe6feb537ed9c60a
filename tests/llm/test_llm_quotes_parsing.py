"""Quote matching, reply parsing and streamed-text extraction: the pieces verification rests on."""

from __future__ import annotations

import json

import pytest

from statementqa.llm import AnswerTextStream, parse_reply
from statementqa.verify.grounding import claim_sentences as split_sentences
from statementqa.verify.quotes import locate_quote

SOURCE = (
    "“It’s the 17th such memorandum of understanding that we’ve signed with partner countries,” "
    "said Secretary Blinken.\u00a0The adversarial relationship – notably with Russia – is an information "
    "front… Both sides agreed."
)


FULL_17 = "It’s the 17th such memorandum of understanding that we’ve signed with partner countries"


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("It’s the 17th such memorandum", "It’s the 17th such memorandum"),  # exact
        ("It's the 17th such memorandum", "It’s the 17th such memorandum"),  # straight apostrophe
        ("It's   the 17th\nsuch memorandum", "It’s the 17th such memorandum"),  # whitespace runs
        ('"' + FULL_17.replace("’", "'") + '."', FULL_17),  # wrapping quotes and an added full stop
        ("said Secretary Blinken. The adversarial", "said Secretary Blinken.\u00a0The adversarial"),  # nbsp
        ("relationship - notably with Russia - is", "relationship – notably with Russia – is"),  # hyphens
        ("relationship—notably with Russia—is", "relationship – notably with Russia – is"),  # em dashes
        ("is an information front... Both", "is an information front… Both"),  # three dots
    ],
)
def test_retyped_quotes_map_to_the_exact_source_span(quote, expected):
    span = locate_quote(quote, SOURCE)
    assert span is not None
    assert SOURCE[span[0] : span[1]] == expected


@pytest.mark.parametrize(
    "quote",
    [
        "It's the 18th such memorandum",  # a changed figure
        "it's the 17th such memorandum",  # case is wording
        "the 17th memorandum of understanding",  # words dropped
        "",
        "   ",
    ],
)
def test_changed_wording_is_not_found(quote):
    assert locate_quote(quote, SOURCE) is None


def test_offsets_point_into_the_given_text():
    text = "Intro.\n\n" + SOURCE
    start, end = locate_quote("It's the 17th", text)
    assert text[start:end] == "It’s the 17th"


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


def test_sentences_keep_their_markers_and_abbreviations_do_not_split():
    text = "The U.S. has signed 17 such memoranda [1]. Mr. Blinken signed it in Prague. [2] Both met on 30 May."
    assert split_sentences(text) == [
        "The U.S. has signed 17 such memoranda [1].",
        "Mr. Blinken signed it in Prague. [2]",
        "Both met on 30 May.",
    ]


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
