"""A scripted OpenAI-compatible chat-completions server on 127.0.0.1, for tests.

Why a real HTTP server: the product talks to LLM servers through the real ``openai`` client, so
the tests must too (headers, SSE framing, status codes, timeouts) — a mocked client would test
nothing of that. Each test scripts the replies it needs; nothing leaves the machine.

Reuse from another test folder (the repo root is on pytest's pythonpath)::

    from tests.llm.fake_openai import FakeOpenAI, Reply

    @pytest.fixture
    def fake_openai():
        with FakeOpenAI() as server:
            yield server

    fake_openai.script(Reply.answer("17 — ... [1]", [(1, "It’s the 17th such memorandum ...")]))
    settings = llm_settings_for(fake_openai)      # Settings pointing at it, small timeouts
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from statementqa.config import Settings


@dataclass
class Reply:
    """One scripted response. A 200 with ``content`` answers plainly or as an SSE stream, as asked."""

    content: str | None = None
    status: int = 200
    error: str = ""
    error_type: str = "server_error"
    error_code: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before anything is sent
    chunk_delay: float = 0.0  # seconds between stream chunks
    chunks: list[str] | None = None  # explicit stream pieces (default: ~12-char slices of content)
    body: bytes | None = None  # sent verbatim (malformed JSON / SSE)
    drop_connection: bool = False  # close the socket without any response
    finish_reason: str = "stop"

    @classmethod
    def answer(cls, answer: str, citations: Iterable[tuple[int, str]] = (), refused: bool = False, **kw: Any) -> Reply:
        """A structured (JSON) answer, as the product asks for."""
        payload = {
            "answer": answer,
            "citations": [{"n": n, "quote": q} for n, q in citations],
            "refused": refused,
        }
        return cls(content=json.dumps(payload, ensure_ascii=False), **kw)

    @classmethod
    def failure(cls, status: int, message: str, code: str | None = None, **kw: Any) -> Reply:
        """An OpenAI-style error body with the given status."""
        kind = {400: "invalid_request_error", 401: "invalid_request_error", 429: "rate_limit_error"}
        return cls(status=status, error=message, error_code=code, error_type=kind.get(status, "server_error"), **kw)


@dataclass
class Recorded:
    """A request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def prompt(self) -> str:
        """All message texts joined (to assert what the model was shown)."""
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))


class FakeOpenAI:
    """Threaded server answering ``POST /v1/chat/completions`` from a script.

    ``script(*replies)`` sets the replies in order; the last one repeats. ``handler`` (a function of
    the request body returning a Reply) overrides the script when set.
    """

    def __init__(self) -> None:
        self._replies: list[Reply] = [Reply.failure(500, "no reply scripted for this test")]
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.handler: Callable[[dict[str, Any]], Reply] | None = None
        self.requests: list[Recorded] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._replies = list(replies)

    def next_reply(self, body: dict[str, Any]) -> Reply:
        if self.handler is not None:
            return self.handler(body)
        with self._lock:
            return self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]

    def wait(self, seconds: float) -> None:
        """Sleep that ends early when the server stops (so no test waits on a slow reply)."""
        self._stop.wait(seconds)

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _make_handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection; a stream ends when it closes

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output clean
            return

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model"}]})
            else:
                self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

        def do_POST(self) -> None:
            try:
                self._answer_post()
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up (timeout test): nothing to do

        def _answer_post(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                body = {}
            fake.requests.append(Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._json(404, {"error": {"message": f"unknown path {self.path}", "type": "invalid_request_error"}})
                return
            reply = fake.next_reply(body)
            if reply.delay:
                fake.wait(reply.delay)
            if reply.drop_connection:
                self.close_connection = True
                self.connection.close()
                return
            if reply.status != 200:
                payload = {"error": {"message": reply.error, "type": reply.error_type, "code": reply.error_code}}
                self._json(reply.status, payload, reply.headers)
                return
            if body.get("stream"):
                self._stream(body, reply)
            else:
                self._plain(body, reply)

        def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _plain(self, body: dict[str, Any], reply: Reply) -> None:
            if reply.body is not None:
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
                return
            self._json(
                200,
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body.get("model", "fake-model"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": reply.content},
                            "finish_reason": reply.finish_reason,
                        }
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                },
            )

        def _stream(self, body: dict[str, Any], reply: Reply) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("cache-control", "no-cache")
            self.end_headers()
            if reply.body is not None:
                self.wfile.write(reply.body)
                return
            text = reply.content or ""
            pieces = reply.chunks if reply.chunks is not None else [text[i : i + 12] for i in range(0, len(text), 12)]
            model = body.get("model", "fake-model")

            def event(delta: dict[str, Any], finish: str | None = None) -> bytes:
                chunk = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
                return f"data: {json.dumps(chunk)}\n\n".encode()

            try:
                self.wfile.write(event({"role": "assistant", "content": ""}))
                for piece in pieces:
                    if reply.chunk_delay:
                        fake.wait(reply.chunk_delay)
                    self.wfile.write(event({"content": piece}))
                    self.wfile.flush()
                self.wfile.write(event({}, reply.finish_reason))
                self.wfile.write(b"data: [DONE]\n\n")
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


def llm_settings_for(server: FakeOpenAI | str, base: Settings | None = None, **overrides: Any) -> Settings:
    """Settings that point the LLM path at ``server`` with small timeouts, ignoring the environment.

    ``base`` keeps another fixture's settings (index folder, collection) and changes only the LLM ones.
    """
    if base is None:
        base = Settings(_env_file=None)  # type: ignore[call-arg]
    values: dict[str, Any] = {
        "llm_base_url": server if isinstance(server, str) else server.url,
        "llm_api_key": "test-key",
        "llm_model": "fake-model",
        "llm_temperature": 0.0,
        "llm_timeout": 2.0,
        "llm_max_retries": 1,
    }
    values.update(overrides)
    return base.model_copy(update=values)
