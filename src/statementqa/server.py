"""One web server for everything: the Gradio UI at ``/``, the JSON API at ``/api``, OpenAI-compatible ``/v1``.

Why one server: the UI and the HTTP endpoints share the index (one process, one set of caches), the
same host/port and the same user/password. The UI is mounted into a FastAPI app
(``gr.mount_gradio_app``) that owns the API routes, served by uvicorn on ``ui_host:ui_port``
(loopback by default; nothing is ever shared publicly). Gradio's own login protects the page; the
API routes take the same credentials as HTTP basic auth (see :mod:`statementqa.http_api`).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from statementqa.config import Settings

log = logging.getLogger(__name__)

STARTUP_SECONDS = 30.0


def auth_pair(settings: Settings) -> tuple[str, str] | None:
    """The configured (user, password), None for an open server; half a configuration is refused."""
    if bool(settings.ui_auth_user) != bool(settings.ui_auth_password):
        raise SystemExit("Set both STATEMENTQA_UI_AUTH_USER and STATEMENTQA_UI_AUTH_PASSWORD, or neither.")
    if settings.ui_auth_user and settings.ui_auth_password:
        return settings.ui_auth_user, settings.ui_auth_password
    return None


def create_app(index: Any, *, notice: str | None = None, settings: Settings | None = None) -> tuple[Any, Any]:
    """(FastAPI app, Gradio Blocks): the API routes first, then the UI mounted at ``/``."""
    import gradio as gr
    from fastapi import FastAPI

    from statementqa import http_api
    from statementqa.ui import CSS, HEAD, build_ui

    s = settings or index.settings
    auth = auth_pair(s)
    demo = build_ui(index, notice=notice, settings=s)
    # Answers run side by side (the index is thread-safe); on 2 cores this mostly stops short answers
    # from queueing behind long ones or behind an upload.
    demo.queue(default_concurrency_limit=s.ui_concurrency)
    app = FastAPI(
        title="statementqa",
        version="1",
        description="Answers over official statements with verified, quoted citations. `POST /api/answer` returns "
                    "the Answer model; `/v1/chat/completions` is OpenAI-compatible. With a UI user/password set, "
                    "send them as HTTP basic auth (or `Authorization: Bearer USER:PASSWORD`).",
        docs_url=None, redoc_url=None, openapi_url=None,  # Swagger's assets come from a CDN; the schema is served
    )
    http_api.install(app, index, s)
    gr.mount_gradio_app(
        app, demo, path="/", auth=auth, server_name=s.ui_host, server_port=s.ui_port,
        # Gradio's own cap stops oversized uploads before they reach the disk; add_files checks too.
        max_file_size=int(s.upload_max_mb * 1024 * 1024),
        ssr_mode=False,  # no Node server: one process, assets served by Python
        footer_links=["gradio", "settings"], css=CSS, head=HEAD,
    )
    return app, demo


class Server:
    """uvicorn serving :func:`create_app` — in a background thread (``start``) or this one (``run``)."""

    def __init__(self, index: Any, *, notice: str | None = None, settings: Settings | None = None) -> None:
        import uvicorn

        self.settings = settings or index.settings
        self.app, self.demo = create_app(index, notice=notice, settings=self.settings)
        config = uvicorn.Config(self.app, host=self.settings.ui_host, port=self.settings.ui_port,
                                log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.settings.ui_host}:{self.settings.ui_port}/"

    def start(self) -> Server:
        """Serve in a daemon thread; returns once the port accepts connections (or raises)."""
        self._thread = threading.Thread(target=self._run_quietly, name="statementqa-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not self.server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"the server could not listen on {self.settings.ui_host}:{self.settings.ui_port} "
                                   "(is the port in use? set STATEMENTQA_UI_PORT)")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start within {STARTUP_SECONDS:.0f} s")
            time.sleep(0.01)
        return self

    def _run_quietly(self) -> None:
        try:
            self.server.run()
        except SystemExit:  # uvicorn exits when it cannot bind; start() reports it
            pass

    def run(self) -> None:
        """Serve in this thread until interrupted (Ctrl-C)."""
        try:
            self.server.run()
        except SystemExit as exc:
            raise SystemExit(f"could not serve on {self.settings.ui_host}:{self.settings.ui_port} (is the port in "
                             "use? set STATEMENTQA_UI_PORT)") from exc
        finally:
            self._close_demo()

    def close(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
        self._close_demo()

    def _close_demo(self) -> None:
        try:
            self.demo.close(verbose=False)
        except Exception:  # noqa: BLE001 - closing is best effort
            log.debug("closing the Gradio app failed", exc_info=True)


def serve(index: Any, *, notice: str | None = None, settings: Settings | None = None, block: bool = True) -> Server:
    """Serve the UI and the HTTP API; ``block=False`` returns the started :class:`Server` (``.close()`` it)."""
    server = Server(index, notice=notice, settings=settings)
    if block:
        server.run()
        return server
    return server.start()
