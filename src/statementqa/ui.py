"""The Gradio chat UI: ask, read the quoted sources and whole statements, see when it was said, export.

Why this shape: the handlers are plain functions over an :class:`IndexLike` (so they are
unit-tested with a fake index, no browser) and all HTML comes from :mod:`statementqa.render`
(escaping in one place). The index is thread-safe (answers share it, writes are exclusive only
while they write), so handlers take no lock of their own: answers never wait behind other answers,
an upload's loading and embedding never block anyone, and example questions are worked out in the
background (once per index generation, cached in the index folder) so a page load never waits for them.
The conversation is kept in the browser (``gr.BrowserState``) and checked again when it is restored:
a quote is shown only while it still is the stored text at its offsets.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import stat
import tempfile
import threading
import time
import unicodedata
from collections.abc import Collection, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from statementqa import examples as mined
from statementqa import export
from statementqa.config import Settings
from statementqa.filters import UserInputError
from statementqa.models import Answer, Citation, Document, IndexStats, IngestSummary, Passage
from statementqa.render import (
    VIEWER_EMPTY,
    UploadOutcome,
    answer_html,
    answer_plain_text,
    conversation_sources_html,
    error_html,
    esc,
    esc_lines,
    file_result_message,
    index_panel_html,
    statement_viewer_html,
    streaming_html,
    upload_results_html,
)
from statementqa.timeline import Timeline, build_timeline
from statementqa.verify.quotes import verify_citation

log = logging.getLogger(__name__)

MAX_EXAMPLES = mined.MAX_EXAMPLES
MAX_SAVED_TURNS = 50  # turns kept in the browser (localStorage holds a few MB per site)
TIMELINE_K = 30  # passages retrieved for the timeline (one point per statement among them)
STATE_VERSION = 1
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

    def history(self) -> list[Answer]:
        """Previous turns for follow-up questions, oldest first (their ``refused`` tells a refusal)."""
        return list(self.answers)


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
            matching = self.index.retrieve(answer.question, sources=list(issuers) if issuers else None,
                                           since=parse_day(since, "From"), until=parse_day(until, "Until"),
                                           top_k=TIMELINE_K)
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

    # ---- keeping the conversation across a reload -------------------------------------------
    def storage_key(self) -> tuple[str, str]:
        """(localStorage key, secret) for this index: a conversation is restored only over the index it was
        held on. The value is checked when restored (it comes from the browser), not trusted."""
        where = str(self.index_dir.resolve()) if self.index_dir is not None else "statementqa"
        digest = hashlib.sha256(where.encode("utf-8")).hexdigest()
        return f"statementqa-conversation-{digest[:12]}", digest[12:44]

    def saved_state(self, session: Session) -> dict[str, Any]:
        """What the browser keeps of a conversation: the answers (the chat is re-rendered from them). Never
        empty as a value: Gradio's BrowserState does not write a falsy value, so New chat stores no answers."""
        return {"v": STATE_VERSION, "answers": [a.model_dump(mode="json") for a in session.answers[-MAX_SAVED_TURNS:]]}

    def restore(self, state: object) -> Session:
        """A session from the browser's saved state; every quote is verified again against the index and one
        that no longer matches is dropped, with a notice on its answer. Anything unreadable is ignored."""
        session = Session()
        if not isinstance(state, dict) or state.get("v") != STATE_VERSION or not isinstance(state.get("answers"), list):
            return session
        for raw in state["answers"][-MAX_SAVED_TURNS:]:
            try:
                answer = Answer.model_validate(raw)
            except ValidationError:
                continue
            session.answers.append(self._reverified(answer))
        session.messages = _messages_for(session.answers)
        return session

    def _reverified(self, answer: Answer) -> Answer:
        kept: list[Citation] = []
        dropped: list[Citation] = []
        for c in answer.citations:
            doc = self.index.document(c.doc_id)
            (kept if verify_citation(c, doc.text if doc else None) else dropped).append(c)
        if not dropped:
            return answer
        nums = ", ".join(f"[{c.n}]" for c in dropped)
        note = (f"Quote {nums} no longer matches the stored statement (re-ingested or removed since this answer); "
                "it is not shown.")
        return answer.model_copy(update={"citations": kept,
                                         "notice": f"{answer.notice} {note}" if answer.notice else note})

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
        session.messages.append(_user_bubble(question, limit))
        session.messages.append({"role": "assistant", "content": streaming_html("")})
        yield list(session.messages), session, None, None
        try:
            if len(question) > limit:
                raise InputError(
                    f"The question is {len(question):,} characters long; questions may have at most {limit:,} "
                    "(setting STATEMENTQA_MAX_QUESTION_CHARS). Ask about one thing, in a sentence or two."
                )
            kwargs: dict[str, Any] = {
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
    ) -> Generator[tuple[list[dict[str, str]], Session, str | None, str | None], None, Answer]:
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


def _user_bubble(question: str, limit: int) -> dict[str, str]:
    shown = question if len(question) <= limit else question[:300].rstrip() + f" … ({len(question):,} characters)"
    return {"role": "user", "content": f"<div>{esc_lines(shown)}</div>"}


def _messages_for(answers: Sequence[Answer], limit: int = 1000) -> list[dict[str, str]]:
    """The chat bubbles of a conversation, rendered again from its answers (after a reload)."""
    out: list[dict[str, str]] = []
    for turn, a in enumerate(answers, 1):
        out += [_user_bubble(a.question, limit), {"role": "assistant", "content": answer_html(a, turn)}]
    return out


def _padded_range(tl: Timeline) -> list[float | None] | None:
    """x limits (epoch seconds) a little wider than the dates, so the first and last points are not cut."""
    if not tl.points:
        return None
    import calendar

    lo, hi = (calendar.timegm(d.timetuple()) for d in (tl.points[0].day, tl.points[-1].day))
    pad = max(20 * 86400, (hi - lo) * 0.04)
    return [lo - pad, hi + pad]


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _json_dumps(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, indent=2)


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
.sqa-context mark, .sqa-viewer mark { background: #fde68a; color: inherit; padding: 0 .1em; }
.sqa-turn-q { font-weight: 600; margin: .2em 0 .4em 0; }
.sqa-uploads .sqa-upload-bad { color: #b91c1c; }
.sqa-uploads .sqa-upload-ok { color: #15803d; }
button.sqa-open { background: none; border: 0; padding: 0; cursor: pointer; color: #1d4ed8; font: inherit;
  text-align: left; }
button.sqa-open-title { font-weight: 600; color: inherit; text-decoration: underline dotted; }
button.sqa-open-button { display: block; margin-top: .35em; font-size: .85em; }
.sqa-viewer-title { font-weight: 600; font-size: 1.05em; }
.sqa-viewer-id, .sqa-viewer-for { font-size: .8em; opacity: .7; margin: .2em 0; }
.sqa-viewer-text { white-space: pre-wrap; margin-top: .6em; line-height: 1.45; }
.sqa-viewer mark.sqa-hl { outline: 2px solid #f59e0b; border-radius: 2px; }
#sqa-timeline-caption { font-size: .85em; opacity: .8; }
"""

# In the page (Gradio's ``head``): a click on [n] in an answer shows the Sources tab first, so the link
# can scroll to the source even while the statement viewer is open.
HEAD = """<script>
document.addEventListener('click', function (e) {
  var a = e.target && e.target.closest && e.target.closest('a.sqa-cite');
  if (!a) return;
  var tab = Array.from(document.querySelectorAll('button[role=tab]')).find(function (b) {
    return b.textContent.trim() === 'Sources'; });
  if (tab && tab.getAttribute('aria-selected') !== 'true') {
    tab.click();
    var id = (a.getAttribute('href') || '').slice(1);
    setTimeout(function () { var t = document.getElementById(id); if (t) t.scrollIntoView(); }, 150);
  }
}, true);
</script>"""

# The sources panel: a click on a source's title or "Read the whole statement" asks the server for the
# viewer (the statement id and turn travel as event data; the server only looks them up).
SOURCES_JS = """
element.addEventListener('click', (e) => {
  const b = e.target.closest('[data-sqa-open]');
  if (!b) return;
  e.preventDefault();
  trigger('click', {doc: b.getAttribute('data-sqa-open'), turn: b.getAttribute('data-sqa-turn') || ''});
});
"""

# The viewer: when a new statement is rendered (a new data-sqa-view token appears), scroll to its first
# highlighted quote once it is visible (the Statement tab may still be opening).
VIEWER_JS = """
let done = null;
const toFirst = () => {
  const view = element.querySelector('[data-sqa-view]');
  if (!view || view.getAttribute('data-sqa-view') === done) return;
  done = view.getAttribute('data-sqa-view');
  let tries = 0;
  const go = () => {
    const m = view.querySelector('mark[data-sqa-first]');
    if (m && m.offsetParent === null && tries++ < 60) { setTimeout(go, 50); return; }
    if (m) m.scrollIntoView({block: 'center'}); else view.scrollIntoView({block: 'nearest'});
  };
  go();
};
new MutationObserver(toFirst).observe(element, {childList: true, subtree: true});
toFirst();
"""

HEADER = (
    "## statementqa — what did they actually say?\n"
    "Answers come only from the indexed official statements. Every answer quotes its sources "
    "verbatim; click a [n] marker to see the quote inside its paragraph, and a source's title to read the "
    "whole statement. When the statements do not say, the app says so."
)


def build_ui(index: IndexLike, *, notice: str | None = None, settings: Settings | None = None) -> Any:
    """The Gradio Blocks app over ``index`` (``notice`` is shown in the index panel, e.g. first run)."""
    import gradio as gr

    from statementqa.timeline import CITED, MATCHING, frame

    app = App(index, settings, notice)
    s = app.settings
    allowed = ", ".join(sorted(_allowed_types(s)))
    storage_key, secret = app.storage_key()
    app.examples_now()  # start the examples now (not at the first page load) when the cache is stale

    with gr.Blocks(title="statementqa", analytics_enabled=False, fill_width=True,
                   delete_cache=(3600, 86400)) as demo:
        session = gr.State(Session())
        saved = gr.BrowserState(None, storage_key=storage_key, secret=secret)
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
                with gr.Accordion("When was it said: the matching statements over time", open=True):
                    timeline_plot = gr.ScatterPlot(
                        None, x="date", y="issuer", color="status", elem_id="sqa-timeline",
                        color_map={CITED: "#dc2626", MATCHING: "#93c5fd"}, tooltip=["title", "cited as"],
                        x_title="Date of the statement", y_title="Issuer", color_title="", height=220,
                        show_label=False,
                    )
                    timeline_caption = gr.Markdown("Ask a question to see its statements on a time axis.",
                                                   elem_id="sqa-timeline-caption")
                plain = gr.Textbox(
                    label="Last answer with citations, as plain text (copy into a report)", lines=6,
                    max_lines=14, interactive=False, buttons=["copy"], elem_id="sqa-plain",
                )
                with gr.Row():
                    download_md = gr.DownloadButton("Download conversation (Markdown)", value=None,
                                                    interactive=False, elem_id="sqa-download-md", size="sm")
                    download_json = gr.DownloadButton("Download conversation (JSON)", value=None,
                                                      interactive=False, elem_id="sqa-download-json", size="sm")
            with gr.Column(scale=2, min_width=320):
                with gr.Tabs(selected="sources") as tabs:
                    with gr.Tab("Sources", id="sources", elem_id="sqa-tab-sources"):
                        sources_panel = gr.HTML(conversation_sources_html([], app.document), elem_id="sqa-sources",
                                                js_on_load=SOURCES_JS)
                    with gr.Tab("Statement", id="statement", elem_id="sqa-tab-statement"):
                        viewer = gr.HTML(VIEWER_EMPTY, elem_id="sqa-viewer", js_on_load=VIEWER_JS,
                                         max_height=760)

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
                keep = app.saved_state(new_sess) if last and src_html is not None else gr.skip()
                return (msgs, new_sess, gr.skip() if src_html is None else src_html,
                        gr.skip() if text is None else text, "" if first else gr.skip(), *view, keep)

            # one step behind, so the last update (the one API clients get as the result) is complete
            previous, first = None, True
            for step in app.respond(q, sess, iss, a, b):
                if previous is not None:
                    yield outputs(previous, first, last=False)
                    first = False
                previous = step
            if previous is not None:
                yield outputs(previous, first, last=True)

        def chart(sess: Session, iss: list[str] | None, a: str | None, b: str | None) -> tuple[Any, Any]:
            if not sess.answers:
                return gr.ScatterPlot(value=None), "Ask a question to see its statements on a time axis."
            tl = app.timeline(sess, iss, a, b)
            issuers_shown = len({p.issuer for p in tl.points})
            plot = gr.ScatterPlot(value=frame(tl) if tl.points else None, height=140 + 36 * max(1, issuers_shown),
                                  x_lim=_padded_range(tl))
            return plot, esc(tl.caption())

        def downloads(sess: Session) -> tuple[Any, Any]:
            files = app.export_files(sess)
            if files is None:
                return gr.DownloadButton(value=None, interactive=False), gr.DownloadButton(value=None,
                                                                                           interactive=False)
            md, js = files
            return gr.DownloadButton(value=str(md), interactive=True), gr.DownloadButton(value=str(js),
                                                                                         interactive=True)

        def after_answer(sess: Session, iss: list[str] | None, a: str | None, b: str | None) -> tuple[Any, ...]:
            """The chart and the downloads follow the answer (the answer is shown first)."""
            return (*chart(sess, iss, a, b), *downloads(sess))

        ask_inputs = [question, session, issuers, since, until]
        ask_outputs = [chatbot, session, sources_panel, plain, question, issuers, index_panel, saved]
        after_outputs = [timeline_plot, timeline_caption, download_md, download_json]
        answering: list[Any] = []  # what New chat cancels: an answer (or its chart) must not land in the new chat
        for trigger in (ask.click, question.submit):
            asked = trigger(on_ask, ask_inputs, ask_outputs)
            answering += [asked, asked.then(after_answer, [session, issuers, since, until], after_outputs,
                                            show_progress="hidden")]

        def on_clear() -> tuple[Any, ...]:
            return ([], Session(), conversation_sources_html([], app.document), "", app.saved_state(Session()),
                    VIEWER_EMPTY,
                    gr.Tabs(selected="sources"), *after_answer(Session(), None, None, None))

        clear_outputs = [chatbot, session, sources_panel, plain, saved, viewer, tabs, *after_outputs]

        def on_open(sess: Session, evt: Any) -> tuple[Any, Any]:
            data = getattr(evt, "_data", None) or {}
            if not isinstance(data, dict) or not data.get("doc"):
                return gr.skip(), gr.skip()
            return app.open_statement(sess, data["doc"], data.get("turn")), gr.Tabs(selected="statement")

        on_open.__annotations__["evt"] = gr.EventData  # a real class: Gradio passes event data by this hint

        sources_panel.click(on_open, [session], [viewer, tabs], show_progress="hidden")

        def on_example(sample: list[str]) -> str:
            return sample[0] if sample else ""

        asked = examples.click(on_example, examples, question).then(on_ask, ask_inputs, ask_outputs)
        answering += [asked, asked.then(after_answer, [session, issuers, since, until], after_outputs,
                                        show_progress="hidden")]
        clear.click(on_clear, None, clear_outputs, cancels=answering)

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

        def on_load(sess: Session, current: list[str] | None, kept: object) -> tuple[Any, ...]:
            """A page (re)load: examples, filters, and the conversation this browser kept (checked again)."""
            restored = app.restore(kept) if not sess.answers else sess
            restored.generation = sess.generation
            view = current_view(restored, current)
            if restored.answers:
                last = restored.answers[-1]
                convo = (restored.messages, conversation_sources_html(restored.answers, app.document),
                         answer_plain_text(last))
            else:
                convo = (gr.skip(), gr.skip(), gr.skip())
            return (*refresh_examples(), *view, restored, *convo)

        demo.load(on_load, [session, issuers, saved],
                  [examples, examples_timer, issuers, index_panel, session, chatbot, sources_panel, plain],
                  concurrency_limit=None).then(
            after_answer, [session, issuers, since, until], after_outputs, show_progress="hidden")
    app.gate = UploadGate.for_gradio(demo)  # only what this app's /upload wrote
    return demo


def launch(index: IndexLike, *, notice: str | None = None, settings: Settings | None = None,
           block: bool = True) -> Any:
    """Serve the UI and the HTTP API (:mod:`statementqa.server`) on ``ui_host:ui_port``, loopback by
    default, with the configured user/password; ``block=False`` returns the running server (``.close()``)."""
    from statementqa.server import serve

    return serve(index, notice=notice, settings=settings, block=block)
