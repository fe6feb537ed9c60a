"""The Gradio chat UI: ask, read the quoted sources and whole statements, see when it was said, export.

Why this shape: the handlers are plain methods over an :class:`IndexLike` (``app``: so they are
unit-tested with a fake index, no browser) and all HTML comes from :mod:`statementqa.render`
(escaping in one place). ``page`` is the Gradio layout and its wiring, ``session`` one tab's
conversation (and the copy the browser keeps), ``uploads`` the upload boundary.

The index is thread-safe (answers share it, writes are exclusive only while they write), so handlers
take no lock of their own: answers never wait behind other answers, an upload's loading and embedding
never block anyone, and example questions are worked out in the background (once per index generation,
cached in the index folder) so a page load never waits for them. The conversation is kept in the browser
(``gr.BrowserState``) and checked again when it is restored: a quote is shown only while it still is the
stored text at its offsets.
"""

from __future__ import annotations

from typing import Any

from statementqa.config import Settings
from statementqa.ui.app import MAX_EXAMPLES, STREAM_INTERVAL, TIMELINE_K, App, IndexLike
from statementqa.ui.page import CSS, HEAD, HEADER, build_ui
from statementqa.ui.session import MAX_SAVED_TURNS, STATE_VERSION, InputError, Session, parse_day
from statementqa.ui.uploads import (
    Uploader,
    UploadGate,
    UploadRefused,
    allowed_types,
    copy_upload,
    sanitize_filename,
    unique_destination,
)

__all__ = ["CSS", "HEAD", "HEADER", "MAX_EXAMPLES", "MAX_SAVED_TURNS", "STATE_VERSION", "STREAM_INTERVAL",
           "TIMELINE_K", "App", "IndexLike", "InputError", "Session", "UploadGate", "UploadRefused", "Uploader",
           "allowed_types", "build_ui", "copy_upload", "launch", "parse_day", "sanitize_filename",
           "unique_destination"]


def launch(index: IndexLike, *, notice: str | None = None, settings: Settings | None = None,
           block: bool = True) -> Any:
    """Serve the UI and the HTTP API (:mod:`statementqa.server`) on ``ui_host:ui_port``, loopback by
    default, with the configured user/password; ``block=False`` returns the running server (``.close()``)."""
    from statementqa.server import serve

    return serve(index, notice=notice, settings=settings, block=block)
