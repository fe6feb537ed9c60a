"""Transport to any OpenAI-compatible server: bounded calls, retries, failures mapped to user-facing reasons.

Time is bounded by ``settings.llm_timeout``: one budget covers every attempt for an answer; the
client's own retries are off and this module retries (up to ``settings.llm_max_retries``) only quick
failures — connection refused, 429, 5xx, an empty or malformed reply — while the budget lasts. A
timeout is never retried. The budget is a total, streamed replies included: a server that trickles
tokens is cut off at the deadline like a silent one (``_stream`` reads the reply in a helper thread and
waits for it only until the deadline), and ``MAX_OUTPUT_TOKENS`` caps a reply's length.

What a server turned out to reject (structured output, ``temperature``, ``max_tokens``) is remembered by
an ``LLMClient`` (its ``Capabilities`` per server), so later requests through the same client start with
what works; two clients never share what they learned.
"""

from __future__ import annotations

import json
import logging
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import httpx
import openai

from statementqa.answering.compose import REFUSAL_PREFIX
from statementqa.config import Settings
from statementqa.llm.reply import ANSWER_SCHEMA, AnswerTextStream
from statementqa.textutil import shorten

log = logging.getLogger(__name__)

MAX_OUTPUT_TOKENS = 512  # a direct answer plus a few quoted sentences; bounds runaway generation

class LLMError(Exception):
    """The LLM path failed after bounded retries; ``str(e)`` is a reason to show the user.

    ``rejected`` counts the generated citations that failed verification before the answer was given up,
    so evals can report how often a model invents quotes even when the user only sees the fallback."""

    def __init__(self, message: str, rejected: int = 0) -> None:
        super().__init__(message)
        self.rejected = rejected


# --- what a server accepts -----------------------------------------------------------------------


@dataclass
class Capabilities:
    """What one server (base URL, model) turned out to accept, so later requests start with what works
    instead of paying a rejected round trip every time."""

    structured: int = 2  # the lowest structured-output level a request had to fall back to (see _Call)
    temperature: bool = True
    token_param: str | None = "max_tokens"


class LLMClient:
    """The transport to OpenAI-compatible servers; owns what each server (base URL, model) rejected.

    Why an object: what was learned about a server belongs to whoever talks to it (an ``Index``, a
    test), not to the process; two clients never share it."""

    def __init__(self) -> None:
        self._servers: dict[tuple[str, str], Capabilities] = {}

    def capabilities(self, settings: Settings) -> Capabilities:
        """What this client learned about the configured server (created on first use)."""
        key = (settings.llm_base_url or "", settings.llm_model)
        return self._servers.setdefault(key, Capabilities())

    def request(
        self, messages: list[dict[str, str]], settings: Settings, *, structured: int = 2,
        max_tokens: int = MAX_OUTPUT_TOKENS,
    ) -> _Call:
        """A request to the configured server, starting from what it is known to accept."""
        return _Call(messages=messages, settings=settings, structured=structured, max_tokens=max_tokens,
                     server=self.capabilities(settings))

    def run(
        self,
        attempt: Callable[[openai.OpenAI, dict[str, Any], bool], str],
        call: _Call,
        *,
        on_context_error: Callable[[], bool] | None = None,
        deadline: float | None = None,
    ) -> str:
        """``call`` sent through ``attempt`` with bounded retries (see ``_run``)."""
        return _run(attempt, call, call.settings, on_context_error=on_context_error, deadline=deadline)


_DEFAULT_CLIENT = LLMClient()


def default_client() -> LLMClient:
    """The client used when a caller brings none (``Index`` does not hold one yet)."""
    return _DEFAULT_CLIENT


@dataclass
class _Call:
    """One chat-completions request whose optional parameters can be dropped if the server rejects them."""

    messages: list[dict[str, str]]
    settings: Settings
    structured: int = 2  # 2: json_schema (OpenAI, vLLM, Ollama); 1: json_object + schema (llama.cpp); 0: none
    temperature: bool = True
    token_param: str | None = "max_tokens"
    max_tokens: int = MAX_OUTPUT_TOKENS
    server: Capabilities = field(default_factory=Capabilities)  # what the server accepts (learned)

    def __post_init__(self) -> None:
        self.structured = min(self.structured, self.server.structured)
        self.temperature = self.temperature and self.server.temperature
        self.token_param = self.server.token_param

    def _remember(self) -> None:
        self.server.temperature, self.server.token_param = self.temperature, self.token_param
        if self.structured < self.server.structured:
            self.server.structured = self.structured

    def kwargs(self) -> dict[str, Any]:
        kw: dict[str, Any] = {"model": self.settings.llm_model, "messages": self.messages}
        if self.temperature:
            kw["temperature"] = self.settings.llm_temperature
        if self.token_param:
            kw[self.token_param] = self.max_tokens
        if self.structured == 2:
            kw["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "cited_answer", "strict": True, "schema": ANSWER_SCHEMA},
            }
        elif self.structured == 1:
            kw["response_format"] = {"type": "json_object", "schema": ANSWER_SCHEMA}
        return kw

    def drop_rejected(self, message: str) -> bool:
        """Adapt the optional parameter a rejection names (old servers, reasoning models); False if none."""
        changed = self._adapt(message.lower())
        if changed:
            self._remember()
        return changed

    def _adapt(self, low: str) -> bool:
        if self.structured and any(k in low for k in ("response_format", "json_schema", "json_object", "schema")):
            self.structured -= 1
            return True
        if self.temperature and "temperature" in low:
            self.temperature = False
            return True
        if self.token_param == "max_tokens" and "max_tokens" in low and "max_completion_tokens" in low:
            self.token_param = "max_completion_tokens"
            return True
        if self.token_param and self.token_param in low:
            self.token_param = None
            return True
        return False


class _Retry(Exception):
    """A failure worth another attempt (while the time budget lasts)."""

    def __init__(self, reason: str, wait: float = 0.0) -> None:
        super().__init__(reason)
        self.wait = wait


def _is_loopback(url: str | None) -> bool:
    host = (urlparse(url).hostname or "") if url else ""
    return host in {"127.0.0.1", "localhost", "::1"} or host.startswith("127.")


def make_client(settings: Settings, timeout: float | None = None) -> openai.OpenAI:
    """An ``openai`` client for the configured server; its own retries are off (we budget them)."""
    base_url = settings.llm_base_url or "https://api.openai.com/v1"
    # Local servers (llama.cpp, Ollama, vLLM, LM Studio) accept any key; the client insists on one.
    api_key = settings.llm_api_key or "not-needed"
    http_client = None
    if _is_loopback(base_url):
        # A proxy variable must never route a loopback server through a (dead) proxy.
        http_client = openai.DefaultHttpxClient(trust_env=False)
    return openai.OpenAI(
        base_url=base_url,
        api_key=api_key,
        timeout=timeout if timeout is not None else settings.llm_timeout,
        max_retries=0,
        http_client=http_client,
    )


def _retry_after(err: openai.APIStatusError) -> float:
    try:
        return float(err.response.headers.get("retry-after", "0"))
    except (TypeError, ValueError):
        return 0.0


def _is_context_error(message: str) -> bool:
    low = message.lower()
    return any(
        k in low
        for k in (
            "context_length", "context length", "maximum context", "context window", "context size",
            "too many tokens", "n_ctx",
        )
    )


def _describe(err: Exception, settings: Settings) -> str:
    """A user-facing reason for a failed call (names the setting to check)."""
    where = settings.llm_base_url or "api.openai.com"
    if isinstance(err, openai.APITimeoutError):
        return f"LLM server timed out after {settings.llm_timeout:g}s"
    if isinstance(err, openai.APIConnectionError):
        return f"cannot reach the LLM server at {where}: check STATEMENTQA_LLM_BASE_URL"
    if isinstance(err, openai.AuthenticationError):
        return "401 Unauthorized: check STATEMENTQA_LLM_API_KEY"
    if isinstance(err, openai.PermissionDeniedError):
        return "403 Forbidden: the API key may not use this model (STATEMENTQA_LLM_API_KEY / _MODEL)"
    if isinstance(err, openai.NotFoundError):
        return f"404: model '{settings.llm_model}' not found at {where}: check STATEMENTQA_LLM_MODEL"
    if isinstance(err, openai.RateLimitError):
        return "429 Too Many Requests: the LLM server is rate-limiting; try again later"
    if isinstance(err, openai.APIStatusError):
        detail = shorten(_server_message(err))
        if _is_context_error(detail):
            return (
                "the question and passages exceed the model's context window "
                f"(lower STATEMENTQA_TOP_K or set STATEMENTQA_LLM_CONTEXT_WINDOW): {detail}"
            )
        return f"LLM server error {err.status_code}: {detail}"
    return f"LLM request failed: {shorten(str(err))}"


def _server_message(err: openai.APIStatusError) -> str:
    """The server's own error text (``{"error": {"message": ...}}`` or similar), else the client's."""
    body = err.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return inner["message"]
        if isinstance(inner, str):
            return inner
    return err.message


def _classify(err: Exception, settings: Settings) -> Exception:
    """Quick, transient failures become ``_Retry``; the rest an ``LLMError`` with a reason."""
    if isinstance(err, httpx.TimeoutException):  # raised while reading a stream, outside the client
        return LLMError(f"LLM server timed out after {settings.llm_timeout:g}s")
    if isinstance(err, httpx.TransportError):  # connection dropped mid-stream
        return _Retry(f"the LLM server dropped the connection ({type(err).__name__})")
    reason = _describe(err, settings)
    if isinstance(err, openai.APITimeoutError):
        return LLMError(reason)  # the budget is spent: retrying would only wait again
    if isinstance(err, openai.APIConnectionError):
        return _Retry(reason)
    if isinstance(err, openai.RateLimitError):
        return _Retry(reason, _retry_after(err))
    if isinstance(err, openai.InternalServerError) or (
        isinstance(err, openai.APIStatusError) and err.status_code >= 500
    ):
        return _Retry(reason, _retry_after(err))
    return LLMError(reason)


def _run(
    attempt: Callable[[openai.OpenAI, dict[str, Any], bool], str],
    call: _Call,
    settings: Settings,
    *,
    on_context_error: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> str:
    """Run ``attempt`` with retries for transient failures, all within ``settings.llm_timeout``.

    ``attempt(client, kwargs, first)`` returns the raw reply text (``first`` is False on a retry, so
    a streaming attempt knows not to stream the same answer twice) or raises.
    """
    deadline = time.monotonic() + settings.llm_timeout if deadline is None else deadline
    retries_left = max(0, settings.llm_max_retries)
    param_fixes_left = 6  # each optional parameter can be adapted a bounded number of times
    first = True
    last_reason = "no attempt made"
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0.05:
            raise LLMError(f"LLM server timed out after {settings.llm_timeout:g}s ({last_reason})")
        client = make_client(settings, timeout=remaining)
        try:
            with client:
                text = attempt(client, call.kwargs(), first)
            if not text.strip():
                raise _Retry("the LLM server returned an empty response")
            return text
        except openai.APIStatusError as err:
            # Servers reject what they do not support with 400, 422 or even 500 (llama-cpp-python's
            # request validation): adapt the request when the message names what we sent.
            if err.status_code in (400, 413, 422, 500):
                if _is_context_error(err.message):
                    if on_context_error and on_context_error():
                        log.info("context-length error; retrying with fewer passages")
                        continue
                    raise LLMError(_describe(err, settings)) from err
                if param_fixes_left and call.drop_rejected(err.message):
                    param_fixes_left -= 1
                    log.info("LLM server rejected a parameter; adapting: %s", shorten(err.message))
                    continue
            outcome: Exception = _classify(err, settings)
        except _Retry as retry:
            outcome = retry
        except _StreamTimeout:
            raise LLMError(f"LLM server timed out after {settings.llm_timeout:g}s (the reply was still "
                           "streaming)") from None
        except (openai.APIError, httpx.HTTPError) as err:
            outcome = _classify(err, settings)
        except (json.JSONDecodeError, ValueError, KeyError, IndexError, AttributeError, TypeError) as err:
            # the openai client raises these on a malformed body or event stream
            outcome = _Retry(f"the LLM server returned a malformed response ({type(err).__name__})")
        if isinstance(outcome, LLMError):
            raise outcome
        assert isinstance(outcome, _Retry)
        last_reason = str(outcome)
        first = False
        _pause_or_give_up(outcome, settings, retries_left, deadline)
        retries_left -= 1


def _pause_or_give_up(retry: _Retry, settings: Settings, retries_left: int, deadline: float) -> None:
    """Wait before the next attempt (backoff, or the server's Retry-After); ``LLMError`` when no retry is left
    or the wait would outlast the budget."""
    backoff = 0.25 * (2 ** (settings.llm_max_retries - retries_left)) * random.uniform(1, 1.5)
    wait = max(retry.wait, backoff)
    if retries_left <= 0 or time.monotonic() + wait >= deadline - 0.05:
        raise LLMError(str(retry))
    log.info("LLM call failed (%s); retrying in %.2fs", retry, wait)
    time.sleep(wait)


def _complete(client: openai.OpenAI, kwargs: dict[str, Any]) -> str:
    """Plain (non-streaming) completion: the assistant message text."""
    response = client.chat.completions.create(**kwargs)
    if not response.choices:
        raise _Retry("the LLM server returned no choices")
    message = response.choices[0].message
    text = message.content or ""
    if not text and getattr(message, "refusal", None):
        text = json.dumps({"answer": f"{REFUSAL_PREFIX} that.", "citations": [], "refused": True})
    return text


class _StreamTimeout(Exception):
    """The answer's time budget ran out while its reply was still streaming."""


def _stream(client: openai.OpenAI, kwargs: dict[str, Any], on_token: Callable[[str], None] | None,
            deadline: float | None = None) -> str:
    """Streaming completion: forwards the answer text as it arrives, returns the whole reply.

    Why a helper thread: the HTTP client's timeout applies to each read, so a server sending a token
    every second would never time out. The chunks are read in a daemon thread and handed over through a
    queue; this thread waits for them only until ``deadline`` and then closes the reply (the reader ends
    with it), so no token reaches ``on_token`` after the budget is spent.
    """
    pieces: list[str] = []
    extractor = AnswerTextStream()
    stream = client.chat.completions.create(stream=True, **kwargs)
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue()

    def pump() -> None:
        try:
            with stream:
                for chunk in stream:
                    handoff.put(("chunk", chunk))
            handoff.put(("end", None))
        except BaseException as err:  # noqa: BLE001 - re-raised in the waiting thread
            handoff.put(("error", err))

    threading.Thread(target=pump, name="llm-stream", daemon=True).start()
    try:
        while True:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                raise _StreamTimeout
            try:
                kind, item = handoff.get(timeout=wait)
            except queue.Empty:
                raise _StreamTimeout from None
            if kind == "end":
                return "".join(pieces)
            if kind == "error":
                raise item
            if not item.choices:
                continue
            delta = item.choices[0].delta.content if item.choices[0].delta else None
            if not delta:
                continue
            pieces.append(delta)
            shown = extractor.feed(delta)
            if shown and on_token:
                on_token(shown)
    except _StreamTimeout:
        stream.close()  # the reader thread ends on its next read
        raise
