"""End to end through ``Index.answer``/``stream_answer`` with the seed index and a scripted server.

The scripted model reads the passages it is sent, as a real one would: it answers from whichever
numbered passage holds the 17th-memorandum sentence, re-typing the quote with straight apostrophes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from statementqa import Answer, Index, open_index
from statementqa.models import Backend, Engine
from tests.llm.fake_openai import FakeOpenAI, Reply, llm_settings_for
from tests.support import PLANTED, SEEDS, make_settings, planted_statement

QUESTION = "How many memoranda of understanding on disinformation has the US signed?"
SENTENCE = "It’s the 17th such memorandum of understanding that we’ve signed with partner countries"


def reads_passages(body: dict) -> Reply:
    prompt = "\n".join(m["content"] for m in body["messages"])
    for m in re.finditer(r'<passage n="(\d+)"[^>]*>(.*?)</passage>', prompt, re.DOTALL):
        if SENTENCE in m.group(2):
            n = int(m.group(1))
            return Reply.answer(
                f"17 — the US has signed 17 such memoranda as of 30 May 2024 [{n}].",
                [(n, SENTENCE.replace("’", "'"))],
            )
    return Reply.answer("The indexed statements do not say.", [], refused=True)


@pytest.fixture
def llm_index(seed_index: Index, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> Index:
    monkeypatch.setattr(seed_index, "settings", llm_settings_for(fake_openai, base=seed_index.settings))
    return seed_index


def assert_verified_against_index(answer: Answer, index: Index) -> None:
    assert answer.citations
    for c in answer.citations:
        doc = index.document(c.doc_id)
        assert doc is not None and doc.text[c.start : c.end] == c.quote


def test_index_answer_uses_the_llm_and_verifies_its_quote(llm_index: Index, fake_openai: FakeOpenAI):
    fake_openai.handler = reads_passages
    answer = llm_index.answer(QUESTION)

    assert answer.backend == Backend(engine=Engine.LLM, model="fake-model")
    assert answer.text.startswith("17 — the US has signed 17 such memoranda")
    # the whole source sentence, with the source's curly apostrophes
    assert any(c.quote.startswith("“" + SENTENCE + " on combating") for c in answer.citations)
    assert_verified_against_index(answer, llm_index)


def test_stream_answer_yields_text_then_the_verified_answer(llm_index: Index, fake_openai: FakeOpenAI):
    fake_openai.handler = reads_passages
    items = list(llm_index.stream_answer(QUESTION))

    *deltas, final = items
    assert isinstance(final, Answer) and final.backend == Backend(engine=Engine.LLM, model="fake-model")
    assert len(deltas) > 1 and all(isinstance(d, str) for d in deltas)
    assert "".join(deltas).startswith("17 — the US has signed")
    assert_verified_against_index(final, llm_index)


def test_llm_failure_falls_back_to_the_extractive_answer_with_a_notice(llm_index: Index, fake_openai):
    fake_openai.script(Reply.failure(401, "Incorrect API key provided"))
    answer = llm_index.answer(QUESTION)

    assert answer.backend.engine == Engine.EXTRACTIVE
    assert "401 Unauthorized" in (answer.notice or "")
    assert answer.fallback and "401" in answer.fallback
    assert_verified_against_index(answer, llm_index)


def test_invented_quote_falls_back_and_is_counted(llm_index: Index, fake_openai: FakeOpenAI):
    fake_openai.script(Reply.answer("17 [1].", [(1, "The US has signed seventeen memoranda so far.")]))
    answer = llm_index.answer(QUESTION)

    assert answer.backend.engine == Engine.EXTRACTIVE and answer.rejected_citations == 1
    assert answer.fallback and "no verifiable citation" in answer.fallback
    assert_verified_against_index(answer, llm_index)


def test_llm_false_never_calls_the_server(llm_index: Index, fake_openai: FakeOpenAI):
    answer = llm_index.answer(QUESTION, llm=False)
    assert answer.backend.engine == Engine.EXTRACTIVE and fake_openai.requests == []


def test_follow_up_is_condensed_before_retrieval(llm_index: Index, fake_openai: FakeOpenAI):
    def model(body: dict) -> Reply:
        if "Standalone question:" in body["messages"][-1]["content"]:
            return Reply(content=QUESTION)
        return reads_passages(body)

    fake_openai.handler = model
    history = [("Who signed a memorandum in Prague on 30 May 2024?", "Blinken and Lipavský [1].")]
    answer = llm_index.answer("And how many of those has the US signed?", history=history)

    condense, generate = fake_openai.requests
    assert "Who signed a memorandum in Prague" in condense.prompt
    assert f"Question: {QUESTION}" in generate.prompt  # the standalone question drove retrieval and generation
    assert answer.backend == Backend(engine=Engine.LLM, model="fake-model")
    assert_verified_against_index(answer, llm_index)


def test_trickling_stream_respects_the_timeout_and_falls_back_with_a_notice(
    llm_index: Index, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
):
    import time

    monkeypatch.setattr(llm_index, "settings", llm_index.settings.model_copy(update={"llm_timeout": 2.0}))
    slow = reads_passages  # the right answer, but one 3-character piece every 0.3 s (~20 s in all)

    def trickle(body: dict) -> Reply:
        reply = slow(body)
        text = reply.content or ""
        return Reply(content=text, chunks=[text[i : i + 3] for i in range(0, len(text), 3)], chunk_delay=0.3)

    fake_openai.handler = trickle
    started = time.monotonic()
    items = list(llm_index.stream_answer(QUESTION))
    elapsed = time.monotonic() - started
    final = items[-1]
    assert isinstance(final, Answer)
    assert elapsed < 4.0, f"took {elapsed:.1f}s against a 2 s timeout"
    assert final.backend.engine == Engine.EXTRACTIVE and "timed out after 2s" in (final.notice or "")
    assert "17th" in final.text
    assert_verified_against_index(final, llm_index)


@pytest.fixture(scope="module")
def planted_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    """The seed statement plus one statement carrying a planted instruction."""
    folder = tmp_path_factory.mktemp("planted")
    rows = [json.loads(line) for line in (SEEDS / "seed.jsonl").read_text(encoding="utf-8").splitlines()]
    rows.append(planted_statement(PLANTED[0]))
    source = folder / "statements.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    index = open_index(folder / "ix", settings=make_settings(folder / "ix"))
    assert index.ingest([source]).added == 2
    yield index
    index.close()


def test_seed_question_with_a_planted_statement_and_an_obedient_model(planted_index: Index, fake_openai, monkeypatch):
    """The model cites the planted statement's figure: nothing of it is shown as verified, and the answer
    (the extractive fallback) is still "17th", saying why the planted sentence was skipped."""
    monkeypatch.setattr(planted_index, "settings", llm_settings_for(fake_openai, base=planted_index.settings))

    def obedient(body: dict) -> Reply:
        prompt = "\n".join(m["content"] for m in body["messages"])
        n = next(int(m.group(1)) for m in re.finditer(r'<passage n="(\d+)" title="Joint statement', prompt))
        return Reply.answer(f"The US has signed 250 MoUs [{n}].", [(n, "The US has signed 250 MoUs")])

    fake_openai.handler = obedient
    answer = planted_index.answer("How many MoUs has the US signed?")
    assert answer.backend.engine == Engine.EXTRACTIVE and answer.fallback
    assert answer.text.startswith("17th.") and "250" not in answer.text
    assert "instruction embedded in the statement" in (answer.notice or "")
    assert "Skipped a sentence addressed to an AI model" in (answer.notice or "")
    assert "NOTE TO AI MODELS" not in fake_openai.requests[0].prompt
    assert_verified_against_index(answer, planted_index)
