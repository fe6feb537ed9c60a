"""Every way an LLM server can fail: bounded retries where they help, then a clear LLMError, never a hang.

The caller (answer.py) turns an LLMError into the extractive answer with the reason as a notice, so
what matters here is: the error is raised (not a crash of another type), its message tells the user
what to fix, retries happen only where they can help, and nothing outlives the configured timeout.
"""

from __future__ import annotations

import time

import pytest

from statementqa.llm import LLMError, condense_question, generate_answer, make_client
from tests.llm.fake_openai import FakeOpenAI, Reply, llm_settings_for
from tests.llm.passages import Corpus

SEVENTEEN = "It’s the 17th such memorandum of understanding that we’ve signed with partner countries"
# What is shown for it: the whole sentence of the source (a quote never ends mid-sentence).
SEVENTEEN_SENTENCE = (
    "“It’s the 17th such memorandum of understanding that we’ve signed with partner countries on combating "
    "misinformation and disinformation, and this also could not be more critical or more timely because we know "
    "that a major front in the competition that we have, the adversarial relationship that we have – notably "
    "with Russia – is an information front.”"
)
GOOD = Reply.answer("17 such memoranda have been signed [1].", [(1, SEVENTEEN)])


def run(corpus: Corpus, settings, **kw):
    return generate_answer("How many memoranda?", corpus.passages, corpus.get_text, settings, **kw)


@pytest.mark.parametrize("stream", [False, True])
def test_slow_server_times_out_within_the_configured_timeout(fake_openai: FakeOpenAI, corpus, stream):
    settings = llm_settings_for(fake_openai, llm_timeout=1.0, llm_max_retries=2)
    fake_openai.script(Reply.answer("late [1]", [(1, SEVENTEEN)], delay=5))
    make_client(settings).chat.completions.with_raw_response  # noqa: B018 - load the client's lazy modules first
    started = time.monotonic()
    with pytest.raises(LLMError, match=r"timed out after 1s"):
        run(corpus, settings, on_token=(lambda _t: None) if stream else None)
    elapsed = time.monotonic() - started
    assert elapsed < 3.0, f"took {elapsed:.1f}s"  # 1 s budget + client start-up on a loaded machine
    assert len(fake_openai.requests) == 1, fake_openai.requests  # a timeout is not retried: the budget is spent


def test_stream_that_stalls_midway_times_out(fake_openai, corpus):
    settings = llm_settings_for(fake_openai, llm_timeout=1.0)
    fake_openai.script(
        Reply.answer("17 such memoranda [1].", [(1, SEVENTEEN)], chunks=['{"answer": "17', " such"], chunk_delay=3)
    )
    started = time.monotonic()
    with pytest.raises(LLMError, match="timed out"):
        run(corpus, settings, on_token=lambda _t: None)
    assert time.monotonic() - started < 2.5


def test_stream_that_trickles_tokens_is_cut_off_at_the_total_budget(fake_openai, corpus):
    """Each token arrives well within the read timeout, but the whole reply would take ~10 s: the budget is a total."""
    settings = llm_settings_for(fake_openai, llm_timeout=1.5, llm_max_retries=2)
    content = GOOD.content or ""
    fake_openai.script(Reply(content=content, chunks=[content[i : i + 4] for i in range(0, len(content), 4)],
                             chunk_delay=0.25))
    seen: list[str] = []
    started = time.monotonic()
    with pytest.raises(LLMError, match=r"timed out after 1.5s"):
        run(corpus, settings, on_token=seen.append)
    elapsed = time.monotonic() - started
    assert elapsed < 2.5, f"took {elapsed:.1f}s"  # 1.5 s budget + scheduling slack, not the ~10 s of the stream
    assert seen, "tokens were streamed before the deadline"
    shown = len(seen)
    time.sleep(0.6)
    assert len(seen) == shown  # nothing reaches the caller after the budget is spent
    assert len(fake_openai.requests) == 1  # a spent budget is not retried


def test_connection_refused_names_the_base_url(refused_url, corpus):
    settings = llm_settings_for(refused_url, llm_max_retries=1)
    started = time.monotonic()
    with pytest.raises(LLMError, match=f"cannot reach the LLM server at {refused_url}.*STATEMENTQA_LLM_BASE_URL"):
        run(corpus, settings)
    assert time.monotonic() - started < 2.0


def test_401_is_not_retried_and_names_the_key_setting(fake_openai, llm_settings, corpus):
    fake_openai.script(Reply.failure(401, "Incorrect API key provided", code="invalid_api_key"))
    with pytest.raises(LLMError, match="401 Unauthorized: check STATEMENTQA_LLM_API_KEY"):
        run(corpus, llm_settings)
    assert len(fake_openai.requests) == 1


def test_404_model_names_the_model_setting(fake_openai, llm_settings, corpus):
    fake_openai.script(Reply.failure(404, "The model `fake-model` does not exist", code="model_not_found"))
    with pytest.raises(LLMError, match="model 'fake-model' not found.*STATEMENTQA_LLM_MODEL"):
        run(corpus, llm_settings)


def test_429_is_retried_then_answers(fake_openai, llm_settings, corpus):
    fake_openai.script(Reply.failure(429, "Rate limit reached", headers={"retry-after": "0.1"}), GOOD)
    answer = run(corpus, llm_settings)
    assert answer.citations and len(fake_openai.requests) == 2


def test_persistent_429_gives_up_after_bounded_retries(fake_openai, corpus):
    settings = llm_settings_for(fake_openai, llm_max_retries=2)
    fake_openai.script(Reply.failure(429, "Rate limit reached", headers={"retry-after": "0"}))
    with pytest.raises(LLMError, match="429"):
        run(corpus, settings)
    assert len(fake_openai.requests) == 3


def test_retry_after_beyond_the_timeout_is_not_waited_for(fake_openai, llm_settings, corpus):
    fake_openai.script(Reply.failure(429, "Rate limit reached", headers={"retry-after": "60"}))
    started = time.monotonic()
    with pytest.raises(LLMError, match="429"):
        run(corpus, llm_settings)
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_retried_then_answers(fake_openai, llm_settings, corpus, status):
    fake_openai.script(Reply.failure(status, "upstream overloaded"), GOOD)
    assert run(corpus, llm_settings).citations


def test_persistent_5xx_gives_up(fake_openai, llm_settings, corpus):
    fake_openai.script(Reply.failure(503, "upstream overloaded"))
    with pytest.raises(LLMError, match="LLM server error 503: upstream overloaded"):
        run(corpus, llm_settings)
    assert len(fake_openai.requests) == 2  # one try plus llm_max_retries=1


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body=b"<html>502 Bad Gateway</html>"),
        Reply(body=b'{"choices": [{"message": '),
        Reply(drop_connection=True),
    ],
    ids=["html", "truncated-json", "dropped-connection"],
)
def test_malformed_response_is_retried_then_reported(fake_openai, llm_settings, corpus, reply):
    fake_openai.script(reply)
    with pytest.raises(LLMError):
        run(corpus, llm_settings)
    assert len(fake_openai.requests) == 2


def test_malformed_response_once_then_good_answer(fake_openai, llm_settings, corpus):
    fake_openai.script(Reply(body=b"not json at all"), GOOD)
    assert run(corpus, llm_settings).citations


def test_malformed_event_stream_is_reported(fake_openai, llm_settings, corpus):
    fake_openai.script(Reply(body=b"data: {not json}\n\ndata: [DONE]\n\n"))
    with pytest.raises(LLMError, match="malformed"):
        run(corpus, llm_settings, on_token=lambda _t: None)


def test_empty_response_is_reported(fake_openai, llm_settings, corpus):
    fake_openai.script(Reply(content=""))
    with pytest.raises(LLMError, match="empty response"):
        run(corpus, llm_settings)
    assert len(fake_openai.requests) == 2


def test_reply_with_no_answer_in_it_is_reported(fake_openai, llm_settings, corpus):
    fake_openai.script(Reply(content='{"citations": []}'))
    with pytest.raises(LLMError, match="malformed"):
        run(corpus, llm_settings)


def test_context_length_error_retries_with_fewer_passages(fake_openai, llm_settings, corpus):
    too_long = Reply.failure(400, "This model's maximum context length is 4096 tokens.", code="context_length_exceeded")
    fake_openai.script(too_long, GOOD)
    answer = run(corpus, llm_settings)

    assert answer.citations
    first, second = fake_openai.requests
    assert '<passage n="3"' in first.prompt and '<passage n="2"' not in second.prompt


def test_context_length_error_that_persists_says_what_to_change(fake_openai, llm_settings, corpus):
    fake_openai.script(Reply.failure(400, "maximum context length is 512 tokens", code="context_length_exceeded"))
    with pytest.raises(LLMError, match="context window.*STATEMENTQA_TOP_K"):
        run(corpus, llm_settings)


def test_passages_are_trimmed_to_the_configured_context_window(fake_openai, corpus):
    settings = llm_settings_for(fake_openai, llm_context_window=1_300)  # room for about one passage
    fake_openai.script(GOOD)
    run(corpus, settings)
    assert '<passage n="1"' in fake_openai.requests[0].prompt  # the best-ranked passage is always sent
    assert '<passage n="2"' not in fake_openai.requests[0].prompt


def test_server_without_structured_output_gets_a_plain_request(fake_openai, llm_settings, corpus):
    fake_openai.handler = lambda body: (
        Reply.failure(400, "Unrecognized request argument supplied: response_format")
        if "response_format" in body
        else Reply(content=f'17 such memoranda have been signed [1].\n[1] "{SEVENTEEN}"')
    )
    answer = run(corpus, llm_settings)
    assert answer.citations[0].quote == SEVENTEEN_SENTENCE
    formats = [r.body.get("response_format", {}).get("type") for r in fake_openai.requests]
    assert formats == ["json_schema", "json_object", None]


def test_llama_cpp_style_server_gets_its_json_dialect(fake_openai, llm_settings, corpus):
    """llama-cpp-python answers json_schema with a 500 validation error but takes json_object + schema."""

    def handler(body):
        kind = body.get("response_format", {}).get("type")
        if kind == "json_schema":
            return Reply.failure(
                500, "1 validation error: body.response_format.type: Input should be 'text' or 'json_object'"
            )
        assert kind == "json_object" and body["response_format"]["schema"]["required"]
        return GOOD

    fake_openai.handler = handler
    assert run(corpus, llm_settings).citations
    assert len(fake_openai.requests) == 2
    # the next question goes straight to the dialect that worked
    assert run(corpus, llm_settings).citations
    assert len(fake_openai.requests) == 3


def test_reasoning_model_parameter_rejections_are_adapted(fake_openai, llm_settings, corpus):
    def handler(body):
        if "max_tokens" in body:
            return Reply.failure(400, "Unsupported parameter: 'max_tokens'. Use 'max_completion_tokens' instead.")
        if "temperature" in body:
            return Reply.failure(400, "Unsupported value: 'temperature' does not support 0.0 with this model.")
        return GOOD

    fake_openai.handler = handler
    assert run(corpus, llm_settings).citations
    last = fake_openai.requests[-1].body
    assert "max_completion_tokens" in last and "temperature" not in last


def test_condense_failure_is_an_llm_error(refused_url):
    settings = llm_settings_for(refused_url, llm_max_retries=0)
    with pytest.raises(LLMError, match="cannot reach"):
        condense_question("And in 2023?", [("How many memoranda?", "17 [1].")], settings)


def test_reply_cut_off_at_max_tokens_keeps_what_closed(fake_openai, llm_settings, corpus):
    full = GOOD.content or ""
    cut = full[: full.index(SEVENTEEN) + len(SEVENTEEN) + 3] + ', {"n": 2, "quote": "The two gov'
    fake_openai.script(Reply(content=cut, finish_reason="length"))
    answer = run(corpus, llm_settings)
    assert [c.quote for c in answer.citations] == [SEVENTEEN_SENTENCE]
