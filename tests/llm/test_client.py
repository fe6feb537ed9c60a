"""What a server turned out to reject is remembered by the client that talked to it, and by no other.

Why it matters: the first request to a reasoning model pays a rejected round trip for ``temperature``; later
requests through the same client must not, while another client (another index, another test) starts clean.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from statementqa.llm import Capabilities, LLMClient, generate_answer
from tests.llm.fake_openai import FakeOpenAI, Reply, llm_settings_for
from tests.llm.passages import Corpus

SEVENTEEN = "It’s the 17th such memorandum of understanding that we’ve signed with partner countries"
GOOD = Reply.answer("17 — the US has signed 17 such memoranda [1].", [(1, SEVENTEEN)])


def rejects_temperature(body: dict) -> Reply:
    if "temperature" in body:
        return Reply.failure(400, "Unsupported value: 'temperature' does not support 0.0 with this model.")
    return GOOD


@pytest.fixture
def second_server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


def ask(server: FakeOpenAI, client: LLMClient, corpus: Corpus) -> None:
    settings = llm_settings_for(server)
    answer = generate_answer("How many such memoranda?", corpus.passages, corpus.get_text, settings, client=client)
    assert answer.citations


def sent_temperature(server: FakeOpenAI) -> list[bool]:
    return ["temperature" in r.body for r in server.requests]


def test_a_client_remembers_what_its_server_rejected(fake_openai: FakeOpenAI, corpus: Corpus):
    fake_openai.handler = rejects_temperature
    client = LLMClient()
    ask(fake_openai, client, corpus)
    ask(fake_openai, client, corpus)
    assert sent_temperature(fake_openai) == [True, False, False]  # one rejected round trip, then remembered
    assert client.capabilities(llm_settings_for(fake_openai)) == Capabilities(temperature=False)


def test_two_clients_to_two_servers_share_nothing(fake_openai: FakeOpenAI, second_server: FakeOpenAI,
                                                  corpus: Corpus):
    fake_openai.handler = rejects_temperature
    second_server.script(GOOD)
    first, second = LLMClient(), LLMClient()
    ask(fake_openai, first, corpus)
    ask(second_server, second, corpus)
    assert sent_temperature(fake_openai) == [True, False]
    assert sent_temperature(second_server) == [True]  # not affected by what the first client learned
    assert second.capabilities(llm_settings_for(second_server)) == Capabilities()
    assert second.capabilities(llm_settings_for(fake_openai)) == Capabilities()  # never talked to it


def test_a_new_client_to_the_same_server_learns_afresh(fake_openai: FakeOpenAI, corpus: Corpus):
    fake_openai.handler = rejects_temperature
    ask(fake_openai, LLMClient(), corpus)
    ask(fake_openai, LLMClient(), corpus)
    assert sent_temperature(fake_openai) == [True, False, True, False]


def test_one_client_keeps_servers_apart(fake_openai: FakeOpenAI, second_server: FakeOpenAI, corpus: Corpus):
    fake_openai.handler = rejects_temperature
    second_server.script(GOOD)
    client = LLMClient()
    ask(fake_openai, client, corpus)
    ask(second_server, client, corpus)
    assert sent_temperature(second_server) == [True]
