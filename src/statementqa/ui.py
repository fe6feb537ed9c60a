"""The Gradio chat UI: ask, read the quoted sources, filter, add statements.

Why this shape: the handlers are plain functions over an :class:`IndexLike` (so they are
unit-tested with a fake index, no browser) and all HTML comes from :mod:`statementqa.render`
(escaping in one place). The index is thread-safe (answers share it, writes are exclusive only
while they write), so handlers take no lock of their own: answers never wait behind other answers,
an upload's loading and embedding never block anyone, and example questions are worked out in the
background (once per index generation, cached in the index folder) so a page load never waits for them.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat
import threading
import time
import unicodedata
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from statementqa import examples as mined
from statementqa.config import Settings
from statementqa.filters import UserInputError
from statementqa.models import Answer, Document, IndexStats, IngestSummary, Passage
from statementqa.render import (
    UploadOutcome,
    answer_html,
    answer_plain_text,
    conversation_sources_html,
    error_html,
    esc,
    esc_lines,
    file_result_message,
    index_panel_html,
    streaming_html,
    upload_results_html,
)

log = logging.getLogger(__name__)

MAX_EXAMPLES = mined.MAX_EXAMPLES
STREAM_INTERVAL = 0.1  # seconds between chat updates while an answer streams (each update re-sends the chat)


class IndexLike(Protocol):
    """The part of :class:`statementqa.api.Index` the UI uses."""

    settings: Settings

    def ingest(self, paths: Sequence[str | Path], progress: bool = False) -> IngestSummary: ...
    def answer(self, question: str, **kwargs: Any) -> Answer: ...
    def stream_answer(self, question: str, **kwargs: Any) -> Iterator[str | Answer]: ...
    def retrieve(self, question: str, **kwargs: Any) -> list[Passage]: ...
    def stats(self) -> IndexStats: ...
    def sources(self) -> list[str]: ...
    def document(self, doc_id: str) -> Document | None: ...
    def generation(self) -> int: ...
    def titles(self, limit: int = 50) -> list[tuple[str, str, str | None, str]]: ...


@dataclass
class Session:
    """One browser tab's conversation: chat bubbles (HTML) and the answers behind them."""

    messages: list[dict[str, str]] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    generation: object = None  # of the index when this tab's filters and panel were last drawn

    def history(self) -> list[tuple[str, str]]:
        """Previous turns for follow-up questions, oldest first."""
        return [(a.question, a.text) for a in self.answers]


class InputError(ValueError):
    """A filter or question the user must fix (shown in the chat, nothing is asked)."""


def parse_day(value: str | None, label: str) -> str | None:
    """A date filter as ISO ``yyyy-mm-dd`` (or None); a clear message otherwise."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise InputError(f"The “{label}” date “{text}” is not a date: use YYYY-MM-DD.") from None


def sanitize_filename(name: str) -> str:
    """A safe basename for an uploaded file: no directories, no hidden files, no odd characters."""
    base = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[^\w.\-]+", "_", base).strip("._-")
    stem, dot, suffix = base.rpartition(".")
    stem = stem.strip("._-")
    if not (dot and stem and suffix):
        return base[:110] or "upload"
    return f"{stem[:100]}.{suffix[:10]}"


def unique_destination(upload_dir: Path, name: str) -> Path:
    """``upload_dir/name`` (suffixed ``-2``, ``-3``… if taken), guaranteed to stay inside ``upload_dir``."""
    root = upload_dir.resolve()
    safe = sanitize_filename(name)
    stem, dot, suffix = safe.rpartition(".")
    if not dot:
        stem, suffix = safe, ""
    candidate = root / safe
    k = 2
    while candidate.exists():
        candidate = root / (f"{stem}-{k}.{suffix}" if suffix else f"{stem}-{k}")
        k += 1
    if candidate.resolve().parent != root:  # defence in depth: sanitize_filename already forbids this
        raise InputError(f"Refusing to store “{name}” outside the upload folder.")
    return candidate


class UploadRefused(Exception):
    """A path handed to the upload handler that the upload itself did not write (the reason is logged)."""


class UploadGate:
    """Which server files the upload handler may read: only those the app's upload endpoint wrote.

    Why: Gradio passes the handler server paths taken from the request, so a crafted request can name
    any file. A path is admitted only if it is one Gradio's ``/upload`` wrote for this app (``written``,
    Gradio's ``Blocks.upload_file_set``) and, with symlinks resolved, a regular file inside the upload
    cache (``folders``). The shared default cache (``$TMP/gradio``) is not enough on its own: other apps
    and users write there too. Nothing else is opened.
    """

    def __init__(self, folders: Sequence[str | Path], written: Collection[str] | None = None) -> None:
        self.folders = [Path(os.path.realpath(f)) for f in folders]
        self.written = written

    @classmethod
    def for_gradio(cls, blocks: Any = None) -> UploadGate:
        """Gradio's upload cache (``GRADIO_TEMP_DIR`` or ``$TMP/gradio``) and, given the app, its uploads."""
        from gradio.utils import get_upload_folder

        return cls([get_upload_folder()], getattr(blocks, "upload_file_set", None))

    def _inside(self, path: str) -> bool:
        return any(Path(path).is_relative_to(f) for f in self.folders)

    def admit(self, raw: str | Path) -> Path:
        """The resolved path of an uploaded file; ``FileNotFoundError`` if it is gone, else ``UploadRefused``."""
        lexical = os.path.abspath(raw)
        if self.written is not None and lexical not in {os.path.abspath(w) for w in list(self.written)}:
            raise UploadRefused("not written by this app's upload endpoint")
        if not self._inside(os.path.realpath(os.path.dirname(lexical))):
            raise UploadRefused(f"outside the upload cache {', '.join(map(str, self.folders))}")
        if os.path.islink(lexical):
            raise UploadRefused("a symbolic link")
        real = os.path.realpath(lexical, strict=True)  # FileNotFoundError: the upload did not arrive
        if not self._inside(real):
            raise UploadRefused(f"resolves outside the upload cache ({real})")
        if not stat.S_ISREG(os.stat(real).st_mode):
            raise UploadRefused("not a regular file")
        return Path(real)


def copy_upload(src: Path, dest: Path) -> None:
    """Copy an admitted upload without following a symlink swapped in after the check."""
    fd = os.open(src, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as fin:
        if not stat.S_ISREG(os.fstat(fin.fileno()).st_mode):
            raise UploadRefused("not a regular file")
        with dest.open("xb") as fout:
            shutil.copyfileobj(fin, fout)


def _allowed_types(settings: Settings) -> set[str]:
    return {t.lower() if t.startswith(".") else "." + t.lower() for t in settings.upload_types}


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
        cached = mined.load_cached(self.index_dir)  # a restart on an unchanged index shows them at once
        if cached is not None:
            self._examples_key, self._examples = cached

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
            found = mined.build(self.index, previous=previous)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - no examples is better than a broken page
            log.exception("example questions failed")
            found = []
        else:
            mined.save_cached(self.index_dir, key, found)
        with self._examples_lock:
            self._examples_key, self._examples = key, found

    def compute_examples(self) -> list[str]:
        """Questions mined from the indexed statements, each checked to cite its own sentence (see
        :mod:`statementqa.examples`); computed now, without the cache."""
        return [e.question for e in mined.build(self.index)]  # type: ignore[arg-type]

    # ---- asking ------------------------------------------------------------------------------
    def respond(
        self,
        question: str,
        session: Session,
        issuers: list[str] | None,
        since: str | None,
        until: str | None,
    ) -> Iterator[tuple[list[dict[str, str]], Session, str | None, str | None]]:
        """Stream one answer into the chat: yields (messages, session, sources_html, plain_text).

        ``None`` for sources/plain means "unchanged". A failure never escapes: it becomes an
        error bubble and the conversation goes on.
        """
        question = (question or "").strip()
        if not question:
            return
        limit = self.settings.max_question_chars
        shown = question if len(question) <= limit else question[:300].rstrip() + f" … ({len(question):,} characters)"
        session.messages.append({"role": "user", "content": f"<div>{esc_lines(shown)}</div>"})
        session.messages.append({"role": "assistant", "content": streaming_html("")})
        yield list(session.messages), session, None, None
        try:
            if len(question) > limit:
                raise InputError(
                    f"The question is {len(question):,} characters long; questions may have at most {limit:,} "
                    "(setting STATEMENTQA_MAX_QUESTION_CHARS). Ask about one thing, in a sentence or two."
                )
            kwargs = {
                "sources": list(issuers) if issuers else None,
                "since": parse_day(since, "From"),
                "until": parse_day(until, "Until"),
                "history": session.history() or None,
            }
            if kwargs["since"] and kwargs["until"] and kwargs["since"] > kwargs["until"]:
                raise InputError("The “From” date is after the “Until” date: no statement can match.")
            answer = yield from self._stream(question, kwargs, session)
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
        self, question: str, kwargs: dict[str, Any], session: Session
    ) -> Iterator[tuple[list[dict[str, str]], Session, str | None, str | None]]:
        """Drive ``stream_answer``, updating the last bubble; returns the final Answer.

        Updates are coalesced to one per ``stream_interval``: each one re-sends and re-renders the
        chat, so an extractive answer (whose words all arrive at once) goes out in one piece."""
        partial = ""
        last = time.monotonic()
        for item in self.index.stream_answer(question, **kwargs):
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
        """Validate, store (under a safe name in ``upload_dir``) and ingest uploaded files.

        Only files the upload itself wrote are read (``gate``); anything else is refused and logged.
        A rejected or broken file gets its own message and changes nothing else; files that
        added nothing are removed again from the upload folder.
        """
        settings = self.settings
        allowed = _allowed_types(settings)
        limit = int(settings.upload_max_mb * 1024 * 1024)
        outcomes: dict[Path, UploadOutcome] = {}
        order: list[UploadOutcome | Path] = []
        upload_dir = Path(settings.upload_dir)
        for raw in paths or []:
            shown = Path(raw).name
            suffix = Path(sanitize_filename(shown)).suffix.lower()
            try:
                src = self.gate.admit(raw)
                size = src.stat().st_size
            except UploadRefused as why:
                log.warning("upload refused: %s (%s)", raw, why)
                order.append(UploadOutcome(shown, False, "refused: this file did not come through the upload "
                                                         "(only files uploaded here are read); upload it again."))
                continue
            except OSError:
                order.append(UploadOutcome(shown, False, "the upload did not arrive; try again."))
                continue
            if suffix not in allowed:
                order.append(
                    UploadOutcome(
                        shown, False, f"rejected: “{suffix or 'no extension'}” files are not accepted "
                        f"(allowed: {', '.join(sorted(allowed))})."
                    )
                )
            elif size > limit:
                order.append(
                    UploadOutcome(
                        shown, False, f"rejected: {size / 1048576:.1f} MB is over the "
                        f"{settings.upload_max_mb:g} MB limit."
                    )
                )
            elif size == 0:
                order.append(UploadOutcome(shown, False, "rejected: the file is empty."))
            else:
                upload_dir.mkdir(parents=True, exist_ok=True)
                dest = unique_destination(upload_dir, shown)
                try:
                    copy_upload(src, dest)
                except (OSError, UploadRefused) as why:
                    log.warning("upload refused: %s (%s)", raw, why)
                    dest.unlink(missing_ok=True)
                    order.append(UploadOutcome(shown, False, "the upload did not arrive; try again."))
                    continue
                outcomes[dest] = UploadOutcome(shown, False, "not ingested")
                order.append(dest)
        if outcomes:
            self._ingest_uploads(outcomes)
        return [outcomes[o] if isinstance(o, Path) else o for o in order]

    def _ingest_uploads(self, outcomes: dict[Path, UploadOutcome]) -> None:
        dests = list(outcomes)
        try:
            summary = self.index.ingest(dests)
        except Exception as exc:
            log.exception("ingest of uploads failed")
            for dest in dests:
                outcomes[dest] = UploadOutcome(outcomes[dest].name, False, f"could not be ingested: {exc}")
                dest.unlink(missing_ok=True)
            return
        by_path = {_norm(r.path): r for r in summary.files}
        for dest in dests:
            name = outcomes[dest].name
            result = by_path.get(_norm(dest)) or by_path.get(dest.name)
            if result is None:
                issues = [i for i in summary.issues if _norm(i.path) in (_norm(dest), dest.name)]
                msg = "; ".join(i.message for i in issues) or "no statement was found in this file."
                outcomes[dest] = UploadOutcome(name, False, msg)
                dest.unlink(missing_ok=True)
                continue
            # issues name the stored copy; the user knows the file by the name they uploaded
            result = result.model_copy(update={"issues": [
                i.model_copy(update={"path": name}) for i in result.issues
            ]})
            stored = result.added + result.updated + result.unchanged
            ok = stored > 0
            msg = file_result_message(result)
            if not ok:
                msg = "nothing added — " + (
                    "the file has problems (below)." if result.issues else "no statement was found."
                )
                dest.unlink(missing_ok=True)
            outcomes[dest] = UploadOutcome(name, ok, msg, result)


def _norm(path: str | Path) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:
        return str(path)


def _input_error_html(message: str) -> str:
    return f'<div class="sqa-answer sqa-input-error">{esc(message)}</div>'


# ---- the Gradio app ---------------------------------------------------------------------------

CSS = """
.sqa-answer p { margin: 0 0 .4em 0; }
.sqa-refused .sqa-refusal-label { font-weight: 600; color: #b45309; margin-bottom: .3em; }
.sqa-error, .sqa-input-error { color: #b91c1c; }
.sqa-meta { font-size: .8em; opacity: .65; margin-top: .3em; }
.sqa-unsupported { font-size: .85em; background: #fee2e2; color: #7f1d1d; padding: .3em .5em;
  border-radius: 4px; margin: .3em 0; }
.sqa-notice { font-size: .85em; background: #fef3c7; color: #78350f; padding: .3em .5em; border-radius: 4px;
  margin: .3em 0; }
.sqa-refs { font-size: .9em; margin-top: .3em; }
a.sqa-cite { font-weight: 600; text-decoration: none; }
.sqa-source { border: 1px solid #d1d5db; border-radius: 6px; padding: .5em .7em; margin: .5em 0; }
.sqa-source:target { border-color: #2563eb; box-shadow: 0 0 0 2px #93c5fd; }
.sqa-source-title { font-weight: 600; }
.sqa-byline { font-size: .85em; opacity: .75; }
.sqa-context { margin: .4em 0 0 0; padding-left: .6em; border-left: 3px solid #d1d5db; font-size: .92em; }
.sqa-context mark { background: #fde68a; color: inherit; padding: 0 .1em; }
.sqa-turn-q { font-weight: 600; margin: .2em 0 .4em 0; }
.sqa-uploads .sqa-upload-bad { color: #b91c1c; }
.sqa-uploads .sqa-upload-ok { color: #15803d; }
"""

HEADER = (
    "## statementqa — what did they actually say?\n"
    "Answers come only from the indexed official statements. Every answer quotes its sources "
    "verbatim; click a [n] marker to see the quote inside its paragraph. When the statements do "
    "not say, the app says so."
)


def build_ui(index: IndexLike, *, notice: str | None = None, settings: Settings | None = None) -> Any:
    """The Gradio Blocks app over ``index`` (``notice`` is shown in the index panel, e.g. first run)."""
    import gradio as gr

    app = App(index, settings, notice)
    s = app.settings
    allowed = ", ".join(sorted(_allowed_types(s)))
    app.examples_now()  # start the examples now (not at the first page load) when the cache is stale

    with gr.Blocks(title="statementqa", analytics_enabled=False, fill_width=True) as demo:
        session = gr.State(Session())
        gr.Markdown(HEADER)
        with gr.Row(equal_height=False):
            with gr.Column(scale=1, min_width=280):
                with gr.Accordion("Filters (apply to every question)", open=True):
                    issuers = gr.Dropdown(
                        choices=app.sources(), value=[], multiselect=True, label="Issuing body",
                        info="Empty = all", elem_id="sqa-issuers",
                    )
                    since = gr.DateTime(include_time=False, type="string", label="From", elem_id="sqa-since")
                    until = gr.DateTime(include_time=False, type="string", label="Until", elem_id="sqa-until")
                with gr.Accordion("Add statements", open=False):
                    files = gr.File(
                        file_count="multiple", type="filepath", elem_id="sqa-upload",
                        label=f"Upload ({allowed}; up to {s.upload_max_mb:g} MB each)",
                    )
                    upload_result = gr.HTML(elem_id="sqa-upload-result")
                with gr.Accordion("Index", open=True):
                    index_panel = gr.HTML(app.index_panel, elem_id="sqa-index")
            with gr.Column(scale=3, min_width=380):
                chatbot = gr.Chatbot(
                    elem_id="sqa-chat", height=520, label="Conversation", latex_delimiters=[],
                    sanitize_html=True, allow_tags=False, feedback_options=None, buttons=[],
                    placeholder="Ask about the indexed statements. Follow-up questions work too.",
                )
                with gr.Row():
                    question = gr.Textbox(
                        show_label=False, placeholder="e.g. What did the minister announce?", scale=5,
                        elem_id="sqa-question", max_lines=4,
                    )
                    ask = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="sqa-ask")
                    clear = gr.Button("New chat", scale=1, min_width=130, elem_id="sqa-clear")
                examples = gr.Dataset(
                    components=[question], samples=[], label="Example questions (they work on this index)",
                    elem_id="sqa-examples", samples_per_page=MAX_EXAMPLES,
                )
                plain = gr.Textbox(
                    label="Last answer with citations, as plain text (copy into a report)", lines=6,
                    max_lines=14, interactive=False, buttons=["copy"], elem_id="sqa-plain",
                )
            with gr.Column(scale=2, min_width=320):
                sources_panel = gr.HTML(conversation_sources_html([], app.document), elem_id="sqa-sources")

        def current_view(sess: Session, current: list[str] | None) -> tuple[Any, Any]:
            """Issuer choices and the index panel, redrawn only when the index changed since this tab
            last drew them (an upload here, or `statementqa ingest` from another process)."""
            gen = app.generation()
            if sess.generation == gen:
                return gr.skip(), gr.skip()
            sess.generation = gen
            choices = app.sources()
            return gr.Dropdown(choices=choices, value=[c for c in (current or []) if c in choices]), app.index_panel()

        def on_ask(
            q: str, sess: Session, iss: list[str] | None, a: str | None, b: str | None
        ) -> Iterator[Any]:
            def outputs(step: tuple[Any, ...], first: bool, last: bool) -> tuple[Any, ...]:
                msgs, new_sess, src_html, text = step
                view = current_view(new_sess, iss) if last else (gr.skip(), gr.skip())
                return (msgs, new_sess, gr.skip() if src_html is None else src_html,
                        gr.skip() if text is None else text, "" if first else gr.skip(), *view)

            # one step behind, so the last update (the one API clients get as the result) is complete
            previous, first = None, True
            for step in app.respond(q, sess, iss, a, b):
                if previous is not None:
                    yield outputs(previous, first, last=False)
                    first = False
                previous = step
            if previous is not None:
                yield outputs(previous, first, last=True)

        ask_inputs = [question, session, issuers, since, until]
        ask_outputs = [chatbot, session, sources_panel, plain, question, issuers, index_panel]
        ask.click(on_ask, ask_inputs, ask_outputs)
        question.submit(on_ask, ask_inputs, ask_outputs)

        def on_clear() -> tuple[Any, ...]:
            return [], Session(), conversation_sources_html([], app.document), ""

        clear.click(on_clear, None, [chatbot, session, sources_panel, plain])

        def on_example(sample: list[str]) -> str:
            return sample[0] if sample else ""

        examples.click(on_example, examples, question).then(on_ask, ask_inputs, ask_outputs)

        examples_timer = gr.Timer(1.0, active=False)

        def refresh_examples() -> tuple[Any, Any]:
            """The examples known now (none or the previous ones until the new ones are ready), and a
            timer that polls until they are."""
            found, ready = app.examples_now()
            return gr.Dataset(samples=[[q] for q in found]), gr.Timer(active=not ready)

        def poll_examples() -> tuple[Any, Any]:
            found, ready = app.examples_now()
            return (gr.Dataset(samples=[[q] for q in found]) if ready else gr.skip()), gr.Timer(active=not ready)

        examples_timer.tick(poll_examples, None, [examples, examples_timer], show_progress="hidden",
                            concurrency_limit=None)

        def on_upload(paths: list[str] | None, current: list[str] | None) -> tuple[Any, ...]:
            outcomes = app.add_files(paths or [])
            choices = app.sources()
            keep = [c for c in (current or []) if c in choices]
            return (
                upload_results_html(outcomes),
                gr.Dropdown(choices=choices, value=keep),
                app.index_panel(),
                None,
            )

        files.upload(on_upload, [files, issuers], [upload_result, issuers, index_panel, files]).then(
            refresh_examples, None, [examples, examples_timer]
        )

        def on_load(sess: Session, current: list[str] | None) -> tuple[Any, ...]:
            return (*refresh_examples(), *current_view(sess, current), sess)

        demo.load(on_load, [session, issuers], [examples, examples_timer, issuers, index_panel, session],
                  concurrency_limit=None)
    app.gate = UploadGate.for_gradio(demo)  # only what this app's /upload wrote
    return demo


def launch(index: IndexLike, *, notice: str | None = None, settings: Settings | None = None,
           block: bool = True) -> Any:
    """Serve the UI on ``ui_host:ui_port`` (loopback by default), with basic auth if configured."""
    s = settings or index.settings
    if bool(s.ui_auth_user) != bool(s.ui_auth_password):
        raise SystemExit("Set both STATEMENTQA_UI_AUTH_USER and STATEMENTQA_UI_AUTH_PASSWORD, or neither.")
    auth = (s.ui_auth_user, s.ui_auth_password) if s.ui_auth_user and s.ui_auth_password else None
    demo = build_ui(index, notice=notice, settings=s)
    # Answers run side by side (the index is thread-safe); on 2 cores this mostly stops short answers
    # from queueing behind long ones or behind an upload.
    demo.queue(default_concurrency_limit=s.ui_concurrency)
    kwargs: dict[str, Any] = {
        "server_name": s.ui_host,
        "server_port": s.ui_port,
        "share": False,
        "auth": auth,
        "css": CSS,
        # Gradio's own cap stops oversized uploads before they reach the disk; add_files checks too.
        "max_file_size": int(s.upload_max_mb * 1024 * 1024),
        "prevent_thread_lock": not block,
        "ssr_mode": False,  # no Node server: one process, assets served by Python
        "footer_links": ["gradio", "settings"],
    }
    demo.launch(**kwargs)
    return demo
