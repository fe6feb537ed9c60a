"""Many users at once: answers do not wait for each other, for an upload, or for the example questions.

The tests hold one piece of work open (an answer, an ingest's embedding, an example check) with an
Event and assert that other work completes meanwhile — ordering and overlap, not timings.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from uikit import answered, cite, make_doc

from statementqa import Index, open_index
from statementqa.config import Settings
from statementqa.models import Answer, Document, IndexStats, IngestSummary, Passage
from statementqa.ui import App, Session, UploadGate
from tests.support import SEEDS, make_settings

DOC = make_doc("Intro.\n\nThe minister said the bridge reopens on 3 March.\n\nEnd.", id="d1",
               title="Minister on bridge reopening", source="Ministry of Examples")
WAIT = 30.0  # generous: only reached when something is blocked (the test then fails)


class HoldingIndex:
    """A fake index whose answers to questions containing HOLD (and, on demand, its example checks) wait."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.release = threading.Event()
        self.held = threading.Event()
        self.hold_examples = False
        self.answer_kwargs: list[dict[str, Any]] = []

    def _final(self, question: str) -> Answer:
        return answered(question, f"Answer to: {question} [1]",
                        [cite(DOC, "The minister said the bridge reopens on 3 March.")])

    def stream_answer(self, question: str, **kw: Any) -> Iterator[str | Answer]:
        if "HOLD" in question:
            self.held.set()
            assert self.release.wait(WAIT)
        yield "Answer to: "
        yield self._final(question)

    def answer(self, question: str, **kw: Any) -> Answer:
        self.answer_kwargs.append(kw)
        if self.hold_examples:
            self.held.set()
            assert self.release.wait(WAIT)
        return self._final(question)

    def retrieve(self, question: str, **kw: Any) -> list[Passage]:
        return [Passage(chunk_id="d1-0", doc_id="d1", text=DOC.text, start=0, end=len(DOC.text), score=1.0,
                        title=DOC.title, source=DOC.source)]

    def stats(self) -> IndexStats:
        return IndexStats(statements=1, chunks=3, sources={DOC.source: 1})

    def sources(self) -> list[str]:
        return [DOC.source]

    def document(self, doc_id: str) -> Document | None:
        return DOC if doc_id == DOC.id else None

    def titles(self, limit: int = 50) -> list[tuple[str, str, str | None, str]]:
        return [(DOC.id, DOC.title, DOC.date, DOC.source)]

    def ingest(self, paths: Sequence[str | Path], progress: bool = False) -> IngestSummary:
        return IngestSummary()


def _ask(app: App, question: str) -> dict[str, Any]:
    steps = list(app.respond(question, Session(), None, None, None))
    return {"bubble": steps[-1][0][-1]["content"], "user": steps[-1][0][0]["content"]}


def _in_thread(fn: Any, *args: Any) -> tuple[threading.Thread, dict[str, Any]]:
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            out["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, out


@pytest.fixture
def holding(tmp_path: Path) -> tuple[App, HoldingIndex]:
    settings = Settings(index_dir=tmp_path / "index", upload_dir=tmp_path / "uploads", _env_file=None)
    index = HoldingIndex(settings)
    return App(index, settings, gate=UploadGate([tmp_path])), index  # type: ignore[arg-type]


def test_an_answer_does_not_wait_behind_a_slow_one(holding: tuple[App, HoldingIndex]):
    app, index = holding
    slow, slow_out = _in_thread(_ask, app, "HOLD: a slow question")
    assert index.held.wait(WAIT)
    fast, fast_out = _in_thread(_ask, app, "When does the bridge reopen?")
    fast.join(WAIT)
    try:
        assert not fast.is_alive(), "the second answer waited for the first"
        assert slow.is_alive()  # …which is still being worked on
        assert "Answer to: When does the bridge reopen?" in fast_out["value"]["bubble"]
    finally:
        index.release.set()
        slow.join(WAIT)
    assert "Answer to: HOLD: a slow question" in slow_out["value"]["bubble"]  # each answer to its own question


def test_example_questions_are_built_in_the_background_and_never_block_a_question(
    holding: tuple[App, HoldingIndex],
):
    app, index = holding
    index.hold_examples = True  # checking an example is slow (e.g. a slow LLM)
    loaded, loaded_out = _in_thread(app.examples_now)  # what a page load does
    loaded.join(WAIT)
    assert not loaded.is_alive() and loaded_out["value"] == ([], False)  # none yet, at once
    assert index.held.wait(WAIT)  # the check is running in the background…
    asked, asked_out = _in_thread(_ask, app, "When does the bridge reopen?")
    asked.join(WAIT)
    try:
        assert not asked.is_alive() and "Answer to:" in asked_out["value"]["bubble"]  # …and a question is answered
        assert app.examples_now() == ([], False)  # a second page load does not start a second build
    finally:
        index.release.set()
    assert app.example_questions(timeout=WAIT) == ["What was said about “Minister on bridge reopening”?"]
    assert app.examples_now() == (["What was said about “Minister on bridge reopening”?"], True)
    assert all(kw["options"].llm is False for kw in index.answer_kwargs)  # checked without the LLM


# ---- with a real index -----------------------------------------------------------------------

LIGHTHOUSES = {"id": "mot-2025-lighthouses", "title": "Lighthouse restoration programme", "date": "2025-01-15",
               "source": "Ministry of Transport", "url": "",
               "text": "The Ministry of Transport announced the restoration of 42 historic lighthouses along "
                       "the coast. Work on the first lighthouses begins in the spring."}
SEED_Q = "How many MoUs has the US signed?"


@pytest.fixture
def real(tmp_path: Path) -> Iterator[Index]:
    index = open_index(tmp_path / "ix", settings=make_settings(tmp_path / "ix", collection="ui-concurrency",
                                                               upload_dir=tmp_path / "uploads"))
    assert index.ingest([SEEDS / "seed.jsonl"]).added == 1
    yield index
    index.close()


class HeldEmbedder:
    """The index's embedder, except that embedding in a thread named 'upload' waits for ``release``."""

    def __init__(self, real_embedder: Any) -> None:
        self.real = real_embedder
        self.name = real_embedder.name
        self.embedding, self.release = threading.Event(), threading.Event()

    def embed(self, texts: Any) -> Any:
        if threading.current_thread().name == "upload":
            self.embedding.set()
            assert self.release.wait(WAIT)
        return self.real.embed(texts)

    def count_tokens(self, text: str) -> int:
        return self.real.count_tokens(text)


def test_an_upload_being_embedded_does_not_block_answers(real: Index, tmp_path: Path):
    held = HeldEmbedder(real.embedder)
    real.embedder = held  # type: ignore[assignment]  # ingest embeds through it; questions do not
    app = App(real, gate=UploadGate([tmp_path]))
    upload = tmp_path / "lighthouses.jsonl"
    upload.write_text(json.dumps(LIGHTHOUSES) + "\n", encoding="utf-8")
    uploading = threading.Thread(target=lambda: outcome.append(app.add_files([upload])), name="upload")
    outcome: list[Any] = []
    uploading.start()
    try:
        assert held.embedding.wait(WAIT)
        asked, asked_out = _in_thread(_ask, app, SEED_Q)
        asked.join(WAIT)
        assert not asked.is_alive(), "an answer waited for the upload"
        assert "17th" in asked_out["value"]["bubble"]
        assert uploading.is_alive()  # the upload was still being embedded
    finally:
        held.release.set()
        uploading.join(WAIT)
    assert outcome and outcome[0][0].ok
    assert "42" in _ask(app, "How many historic lighthouses will be restored?")["bubble"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_clients_of_the_real_server_get_their_own_answers_side_by_side(
    real: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Through Gradio's queue: two answers held open, three more clients still get answered, each its own."""
    from gradio_client import Client

    from statementqa import ui

    release, held = threading.Event(), threading.Semaphore(0)
    rank = real.retriever.rank

    def holding_rank(question: Any, *args: Any, **kw: Any) -> Any:
        if "lighthouse keepers" in str(question):
            held.release()
            assert release.wait(WAIT)
        return rank(question, *args, **kw)

    monkeypatch.setattr(real.retriever, "rank", holding_rank)
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    settings = real.settings.model_copy(update={"ui_port": _free_port()})
    demo = ui.launch(real, settings=settings, block=False)
    try:
        url = f"http://127.0.0.1:{settings.ui_port}/"
        slow = [Client(url, verbose=False).submit(f"What did the lighthouse keepers {w} say?", [], None, None,
                                                   api_name="/on_ask") for w in ("first", "second")]
        for _ in slow:
            assert held.acquire(timeout=WAIT)  # both are inside the index at once
        questions = [SEED_Q, "When did the minister meet the Secretary?", "Who met the Czech foreign minister?"]
        clients = [Client(url, verbose=False) for _ in questions]
        jobs = [c.submit(q, [], None, None, api_name="/on_ask") for c, q in zip(clients, questions, strict=True)]
        results = [j.result(timeout=WAIT) for j in jobs]  # answered while the two above are still held
        assert not any(j.done() for j in slow)
        for q, (chat, _sources, plain, _box, *_rest) in zip(questions, results, strict=True):
            assert q in chat[0]["content"][0]["text"] and len(chat) == 2  # its own question, its own session
            assert plain.startswith(real.answer(q).text)  # and the answer to that question
        assert "17th" in results[0][2]
        release.set()
        for j, w in zip(slow, ("first", "second"), strict=True):
            chat, *_ = j.result(timeout=WAIT)
            assert f"lighthouse keepers {w} say" in chat[0]["content"][0]["text"]
    finally:
        release.set()
        demo.close()
