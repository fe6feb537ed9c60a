"""The web UI's handlers: plain methods over an :class:`IndexLike`, unit-tested with a fake index.

Why apart from the page (:mod:`statementqa.ui.page`): Gradio wiring needs a browser to test, these do not.
Each handler takes what the page sends and returns what it shows; answers stream into the chat, the
timeline and the exports follow the conversation, uploads go through :mod:`statementqa.ui.uploads`.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from statementqa import examples as mined
from statementqa import export
from statementqa.config import Settings
from statementqa.filters import UserInputError
from statementqa.models import Answer, Document, IndexStats, IngestSummary, Passage
from statementqa.query import QueryOptions
from statementqa.render import (
    UploadOutcome,
    answer_html,
    answer_plain_text,
    conversation_sources_html,
    error_html,
    esc,
    index_panel_html,
    statement_viewer_html,
    streaming_html,
)
from statementqa.timeline import Timeline, build_timeline
from statementqa.ui import session as session_state
from statementqa.ui.session import InputError, Session, parse_day, user_bubble
from statementqa.ui.uploads import Uploader, UploadGate

log = logging.getLogger(__name__)

MAX_EXAMPLES = mined.MAX_EXAMPLES
TIMELINE_K = 30  # passages retrieved for the timeline (one point per statement among them)
STREAM_INTERVAL = 0.1  # seconds between chat updates while an answer streams (each update re-sends the chat)

# One update of the chat: (messages, session, sources html or None = unchanged, plain text or None = unchanged)
Step = tuple[list[dict[str, str]], Session, str | None, str | None]


class IndexLike(Protocol):
    """The part of :class:`statementqa.api.Index` the UI uses."""

    settings: Settings

    def ingest(self, paths: Sequence[str | Path], progress: bool = False) -> IngestSummary: ...
    def answer(self, question: str, options: QueryOptions | None = None) -> Answer: ...
    def stream_answer(self, question: str, options: QueryOptions | None = None) -> Iterator[str | Answer]: ...
    def retrieve(self, question: str, options: QueryOptions | None = None) -> list[Passage]: ...
    def stats(self) -> IndexStats: ...
    def sources(self) -> list[str]: ...
    def document(self, doc_id: str) -> Document | None: ...
    def generation(self) -> int: ...
    def titles(self, limit: int = 50) -> list[tuple[str, str, str | None, str]]: ...


class App:
    """Handlers of the web UI around one index (thread-safe; one per server)."""

    def __init__(self, index: IndexLike, settings: Settings | None = None, notice: str | None = None,
                 gate: UploadGate | None = None) -> None:
        self.index = index
        self.settings = settings or index.settings
        self.notice = notice
        self._gate = gate
        self.stream_interval = STREAM_INTERVAL
        self._examples_lock = threading.Lock()
        self._examples_key: object = None  # the index generation the examples were made for
        self._examples: list[mined.Example] = []
        self._examples_job: threading.Thread | None = None
        path = getattr(index, "path", None)
        self.index_dir: Path | None = Path(path) if path is not None else None
        self._fingerprint = mined.fingerprint(self.settings)
        cached = mined.load_cached(self.index_dir, self._fingerprint)  # a restart on an unchanged index: at once
        if cached is not None:
            self._examples_key, self._examples = cached
        self._export_dir = Path(tempfile.gettempdir()) / "statementqa-exports"

    # ---- reading the index -------------------------------------------------------------------
    def document(self, doc_id: str) -> Document | None:
        return self.index.document(doc_id)

    def sources(self) -> list[str]:
        return sorted(self.index.sources())

    def index_panel(self) -> str:
        return index_panel_html(self.index.stats(), self.notice)

    def generation(self) -> object:
        """What changes when the index does (this process or another): the key of cached views."""
        try:
            return self.index.generation()
        except AttributeError:  # an IndexLike without generations: its size will do
            stats = self.index.stats()
            return (stats.statements, stats.chunks)

    def examples_now(self) -> tuple[list[str], bool]:
        """(example questions, up to date?) at once: the last ones computed, while new ones are worked
        out in the background for the current index (a page load never waits for them)."""
        key = self.generation()
        with self._examples_lock:
            if key == self._examples_key:
                return [e.question for e in self._examples], True
            if self._examples_job is None or not self._examples_job.is_alive():
                self._examples_job = threading.Thread(target=self._build_examples, args=(key,),
                                                      name="example-questions", daemon=True)
                self._examples_job.start()
            return [e.question for e in self._examples], False

    def example_questions(self, timeout: float | None = None) -> list[str]:
        """The example questions for the current index, waiting (up to ``timeout``) for them."""
        examples, ready = self.examples_now()
        job = self._examples_job
        if not ready and job is not None:
            job.join(timeout)
            examples, _ = self.examples_now()
        return examples

    def _build_examples(self, key: object) -> None:
        with self._examples_lock:
            previous = list(self._examples)
        try:
            found = mined.build(self.index, previous=previous)
        except Exception:  # noqa: BLE001 - no examples is better than a broken page
            log.exception("example questions failed")
            found = []
        else:
            mined.save_cached(self.index_dir, key, found, self._fingerprint)
        with self._examples_lock:
            self._examples_key, self._examples = key, found

    def compute_examples(self) -> list[str]:
        """Questions mined from the indexed statements, each checked to cite its own sentence (see
        :mod:`statementqa.examples`); computed now, without the cache."""
        return [e.question for e in mined.build(self.index)]

    # ---- the statement viewer, the timeline, exports ------------------------------------------
    def open_statement(self, session: Session, doc_id: str, turn: object = None) -> str:
        """The whole statement ``doc_id`` with every quote of answer ``turn`` (1-based; default the latest)
        from it highlighted. ``doc_id``/``turn`` come from the page and are only looked up, never trusted."""
        doc_id = str(doc_id or "")[:500]
        try:
            t = int(str(turn))
        except ValueError:
            t = len(session.answers)
        answer = session.answers[t - 1] if 1 <= t <= len(session.answers) else (
            session.answers[-1] if session.answers else None)
        doc = self.index.document(doc_id) if doc_id else None
        return statement_viewer_html(doc, answer.citations if answer else [], doc_id,
                                     answer.question if answer else "")

    def timeline(self, session: Session, issuers: list[str] | None = None, since: str | None = None,
                 until: str | None = None) -> Timeline:
        """The statements matching the latest question (with the filters it was asked under), by date."""
        if not session.answers:
            return Timeline([], 0)
        answer = session.answers[-1]
        matching: list[Passage] = []
        try:
            options = QueryOptions.parse(sources=issuers or None, since=parse_day(since, "From"),
                                         until=parse_day(until, "Until"), top_k=TIMELINE_K)
            matching = self.index.retrieve(answer.question, options=options)
        except Exception:  # noqa: BLE001 - the chart then shows the answer's own passages
            log.info("timeline retrieval failed for %r", answer.question, exc_info=True)
        return build_timeline(answer, matching)

    def export_files(self, session: Session) -> tuple[Path, Path] | None:
        """The conversation as a Markdown report and as JSON (every Answer field, offsets, reference lines,
        each quote re-checked now), written to fresh files for a download button; None when empty."""
        if not session.answers:
            return None
        self._prune_exports()
        folder = Path(tempfile.mkdtemp(prefix="conv-", dir=_mkdir(self._export_dir)))
        md = folder / "statementqa-conversation.md"
        js = folder / "statementqa-conversation.json"
        stats = self.index.stats()
        index_info = {"statements": stats.statements, "date_from": stats.date_from, "date_to": stats.date_to}
        md.write_text(export.conversation_markdown(session.answers, self.document), encoding="utf-8")
        js.write_text(_json_dumps(export.conversation_json(session.answers, self.document, index=index_info)),
                      encoding="utf-8")
        return md, js

    def _prune_exports(self, max_age: float = 3600.0) -> None:
        """Our copies are only needed until Gradio has cached them for the download: drop old ones."""
        now = time.time()
        try:
            for child in self._export_dir.iterdir():
                if child.is_dir() and now - child.stat().st_mtime > max_age:
                    shutil.rmtree(child, ignore_errors=True)
        except OSError:
            return

    # ---- keeping the conversation across a reload (see :mod:`statementqa.ui.session`) ------------
    def storage_key(self) -> tuple[str, str]:
        return session_state.storage_key(self.index_dir)

    def saved_state(self, session: Session) -> dict[str, Any]:
        return session_state.saved_state(session)

    def restore(self, state: object) -> Session:
        return session_state.restore(state, self.index.document)

    # ---- asking ------------------------------------------------------------------------------
    def respond(
        self,
        question: str,
        session: Session,
        issuers: list[str] | None,
        since: str | None,
        until: str | None,
    ) -> Iterator[Step]:
        """Stream one answer into the chat: yields (messages, session, sources_html, plain_text).

        ``None`` for sources/plain means "unchanged". A failure never escapes: it becomes an
        error bubble and the conversation goes on.
        """
        question = (question or "").strip()
        if not question:
            return
        limit = self.settings.max_question_chars
        session.messages.append(user_bubble(question, limit))
        session.messages.append({"role": "assistant", "content": streaming_html("")})
        yield list(session.messages), session, None, None
        try:
            if len(question) > limit:
                raise InputError(
                    f"The question is {len(question):,} characters long; questions may have at most {limit:,} "
                    "(setting STATEMENTQA_MAX_QUESTION_CHARS). Ask about one thing, in a sentence or two."
                )
            options = session.options(issuers, since, until)
            answer = yield from self._stream(question, options, session)
        except (InputError, UserInputError) as exc:  # the user's to fix: shown as such, nothing was answered
            session.messages[-1] = {"role": "assistant", "content": _input_error_html(str(exc))}
            yield list(session.messages), session, None, None
            return
        except Exception as exc:
            log.exception("answering failed: %r", question)
            detail = f"{type(exc).__name__}: {exc}"
            session.messages[-1] = {"role": "assistant", "content": error_html(detail[:400])}
            yield list(session.messages), session, None, None
            return
        session.answers.append(answer)
        turn = len(session.answers)
        session.messages[-1] = {"role": "assistant", "content": answer_html(answer, turn)}
        yield (
            list(session.messages),
            session,
            conversation_sources_html(session.answers, self.document),
            answer_plain_text(answer),
        )

    def _stream(
        self, question: str, options: QueryOptions, session: Session
    ) -> Generator[Step, None, Answer]:
        """Drive ``stream_answer``, updating the last bubble; returns the final Answer.

        Updates are coalesced to one per ``stream_interval``: each one re-sends and re-renders the
        chat, so an extractive answer (whose words all arrive at once) goes out in one piece."""
        partial = ""
        last = time.monotonic()
        for item in self.index.stream_answer(question, options=options):
            if isinstance(item, Answer):
                return item
            partial += str(item)
            now = time.monotonic()
            if now - last >= self.stream_interval:
                last = now
                session.messages[-1] = {"role": "assistant", "content": streaming_html(partial)}
                yield list(session.messages), session, None, None
        raise RuntimeError("the answer stream ended without an answer")

    # ---- adding statements -------------------------------------------------------------------
    @property
    def gate(self) -> UploadGate:
        """What the upload handler may read (default: Gradio's upload cache; ``build_ui`` adds its uploads)."""
        if self._gate is None:
            self._gate = UploadGate.for_gradio()
        return self._gate

    @gate.setter
    def gate(self, gate: UploadGate) -> None:
        self._gate = gate

    def add_files(self, paths: Sequence[str | Path] | None) -> list[UploadOutcome]:
        """Validate, store and ingest uploaded files (see :class:`statementqa.ui.uploads.Uploader`)."""
        return Uploader(self.index, self.settings, self.gate).add(paths)


def _input_error_html(message: str) -> str:
    return f'<div class="sqa-answer sqa-input-error">{esc(message)}</div>'


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _json_dumps(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, indent=2)

