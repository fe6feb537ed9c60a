"""HTTP endpoints beside the UI: a JSON API (``/api/*``) and an OpenAI-compatible chat API (``/v1/*``).

Why both: scripts in any language want the ``Answer`` model as JSON (``POST /api/answer``,
``GET /api/statements/{id}``, documented at ``/api/openapi.json``); chat front-ends and OpenAI
clients already speak ``/v1/chat/completions``, so statementqa can sit behind them as a "model" whose
reply is the verified answer with a readable "Sources:" block (and the structured citations in an
extra ``citations`` field). Streaming sends the *verified* answer only: an LLM's draft is never
streamed to a client that cannot tell it from the checked text.

Auth: when ``ui_auth_user``/``ui_auth_password`` are set, every route here wants the same user and
password as the UI's login, as HTTP basic auth or as a bearer token ``user:password`` (what an
OpenAI client sends as its ``api_key``). Answers run in FastAPI's thread pool, side by side (the index
is thread-safe), at most ``ui_concurrency`` at a time.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import queue
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, Literal, Protocol

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from statementqa import export, query
from statementqa.answering.compose import REFUSAL_PREFIX
from statementqa.config import Settings
from statementqa.filters import FilterError, UserInputError
from statementqa.models import Answer, Citation, Document, IndexStats
from statementqa.query import QueryOptions
from statementqa.render import quoted

log = logging.getLogger(__name__)

KEEPALIVE_SECONDS = 5.0  # an SSE comment this often while a (slow, LLM) answer is being verified


class ServedIndex(Protocol):
    """What the endpoints use of :class:`statementqa.api.Index`."""

    settings: Settings

    def answer(self, question: str, options: QueryOptions | None = None) -> Answer: ...
    def document(self, doc_id: str) -> Document | None: ...
    def stats(self) -> IndexStats: ...
    def sources(self) -> list[str]: ...
    def check_question(self, question: str) -> str: ...
    def check_filters(self, sources: Any, since: Any, until: Any) -> Any: ...


# ---- models --------------------------------------------------------------------------------------

class Turn(BaseModel):
    """A previous question and the answer it got (for follow-up questions)."""

    question: str
    answer: str
    refused: bool | None = Field(
        None, description="The answer was a refusal (default: read from its text, as this server wrote it).")

    def turn(self) -> query.Turn:
        return query.Turn(self.question, self.answer,
                          refused_text(self.answer) if self.refused is None else self.refused)


class AnswerRequest(BaseModel):
    """``POST /api/answer``: a question and optional filters."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="The question, in a sentence or two.")
    sources: list[str] | None = Field(None, description="Only statements by these issuers (as listed by /api/sources).")
    since: date | None = Field(None, description="Only statements dated on/after this day (YYYY-MM-DD).")
    until: date | None = Field(None, description="Only statements dated on/before this day (YYYY-MM-DD).")
    history: list[Turn] | None = Field(None, description="Earlier turns, oldest first, for follow-up questions.")
    llm: bool | None = Field(None, description="Force the LLM on/off (default: on when one is configured).")
    top_k: int | None = Field(None, ge=1, le=50, description="Passages to retrieve.")
    format: Literal["json", "markdown"] = Field(
        "json", description="json: the Answer model; markdown: the answer with its citations as a Markdown report.")

    def options(self) -> QueryOptions:
        return QueryOptions.parse(sources=self.sources, since=self.since, until=self.until, top_k=self.top_k,
                                  llm=self.llm, history=[t.turn() for t in self.history or []])


class Statement(BaseModel):
    """A stored statement as served by ``GET /api/statements/{id}`` (quotes' offsets index ``text``)."""

    id: str
    title: str
    date: str | None = None
    source: str = ""
    url: str = ""
    text: str
    content_hash: str = ""


class ErrorBody(BaseModel):
    detail: str
    field: str | None = None
    suggestions: list[str] = Field(default_factory=list)


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    """The OpenAI chat-completions request; statementqa reads ``messages`` and ``stream`` (other sampling
    fields are accepted and ignored) plus the extra filters ``sources``, ``since`` and ``until``."""

    model_config = ConfigDict(extra="allow")

    model: str | None = None
    messages: list[ChatMessage]
    stream: bool = False
    sources: list[str] | None = None
    since: date | None = None
    until: date | None = None
    llm: bool | None = None


# ---- auth ----------------------------------------------------------------------------------------

class Unauthorized(Exception):
    """No or wrong credentials for a server that has a user and password."""


def credentials_ok(settings: Settings, authorization: str | None) -> bool:
    """Basic ``user:password`` or bearer ``user:password`` matching the settings (always True without auth)."""
    user, password = settings.ui_auth_user, settings.ui_auth_password
    if not (user and password):
        return True
    scheme, _, value = (authorization or "").partition(" ")
    given = ""
    if scheme.lower() == "basic":
        try:
            given = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
    elif scheme.lower() == "bearer":
        given = value.strip()
    expected = f"{user}:{password}"
    return secrets.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def auth_dependency(settings: Settings) -> Any:
    def check(request: Request) -> None:
        if not credentials_ok(settings, request.headers.get("authorization")):
            raise Unauthorized()

    return Depends(check)


# ---- helpers -------------------------------------------------------------------------------------

def _error(status: int, detail: str, field: str | None = None, suggestions: list[str] | None = None) -> JSONResponse:
    return JSONResponse(ErrorBody(detail=detail, field=field, suggestions=suggestions or []).model_dump(),
                        status_code=status)


def _field_of(exc: Exception) -> str | None:
    msg = str(exc)
    for name in ("since", "until", "question"):
        if msg.startswith(f"{name}=") or f"“{name}”" in msg:
            return name
    if isinstance(exc, FilterError):
        return "sources" if "issuer" in msg else "since/until"
    return "question" if "question" in msg.lower() else None


def sources_block(answer: Answer) -> str:
    """The readable citations under a chat reply: one reference line and the verbatim quote per citation."""
    if answer.refused or not answer.citations:
        return ""
    today = date.today()
    lines = ["Sources:"]
    for c in answer.citations:
        lines.append(f"[{c.n}] {export.citation_line(c, today)}")
        lines.append(f"    {quoted(c.quote)} (characters {c.start}–{c.end} of {c.doc_id})")
    return "\n".join(lines)


def chat_content(answer: Answer) -> str:
    """The reply a chat client shows: the verified answer, a notice if any, then the Sources block."""
    parts = [answer.text.strip()]
    if answer.notice:
        parts.append(f"Note: {answer.notice}")
    block = sources_block(answer)
    if block:
        parts.append(block)
    return "\n\n".join(parts)


def _text_of(message: ChatMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    if isinstance(message.content, list):
        return "\n".join(str(p.get("text", "")) for p in message.content if p.get("type") in (None, "text"))
    return ""


def _strip_sources(reply: str) -> str:
    """An assistant turn sent back as history: its answer text without our Sources block."""
    return reply.split("\n\nSources:\n", 1)[0].split("\n\nNote: ", 1)[0].strip()


def refused_text(reply: str) -> bool:
    """A reply this server sent was a refusal. Why read the text: a chat client sends back only the text
    of earlier replies, and the refusal sentence is this server's own contract (``REFUSAL_PREFIX``)."""
    return reply.startswith(REFUSAL_PREFIX)


def question_and_history(messages: list[ChatMessage]) -> tuple[str, list[query.Turn]]:
    """The last user message is the question; earlier user→assistant pairs are the history."""
    users = [i for i, m in enumerate(messages) if m.role == "user"]
    if not users:
        raise UserInputError("messages has no message with role “user”: send the question as a user message.")
    last = users[-1]
    history: list[query.Turn] = []
    pending: str | None = None
    for m in messages[:last]:
        if m.role == "user":
            pending = _text_of(m)
        elif m.role == "assistant" and pending is not None:
            text = _strip_sources(_text_of(m))
            history.append(query.Turn(pending, text, refused_text(text)))
            pending = None
    return _text_of(messages[last]), history


def _pieces(text: str, size: int = 48) -> Iterator[str]:
    """The reply in chunks of a few words (split at spaces), as a streamed model reply arrives."""
    piece = ""
    for i, word in enumerate(text.split(" ")):
        piece += word if i == 0 else " " + word
        if len(piece) >= size:
            yield piece
            piece = ""
    if piece:
        yield piece


# ---- the routers ---------------------------------------------------------------------------------

class _Answers:
    """Answers for the routes, at most ``ui_concurrency`` at a time (the index itself is thread-safe)."""

    def __init__(self, index: ServedIndex, settings: Settings) -> None:
        self.index = index
        self.slots = threading.BoundedSemaphore(settings.ui_concurrency)

    def __call__(self, question: str, options: QueryOptions) -> Answer:
        with self.slots:
            return self.index.answer(question, options=options)


def install(app: FastAPI, index: ServedIndex, settings: Settings) -> None:
    """Add ``/api/*`` and ``/v1/*`` (and their error handlers) to ``app``; call before mounting Gradio at ``/``."""
    answers = _Answers(index, settings)
    auth = auth_dependency(settings)
    app.add_exception_handler(Unauthorized, _unauthorized)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.include_router(_api_router(app, index, answers, auth))
    app.include_router(_v1_router(index, answers, auth, settings.api_model_name))


async def _unauthorized(request: Request, exc: Unauthorized) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Basic realm="statementqa"'}
    msg = ("This server needs the UI's user and password: send HTTP basic auth, or "
           "'Authorization: Bearer USER:PASSWORD' (an OpenAI client's api_key).")
    if request.url.path.startswith("/v1/"):
        body: dict[str, Any] = {"error": {"message": msg, "type": "invalid_request_error", "param": None,
                                          "code": "invalid_api_key"}}
    else:
        body = ErrorBody(detail=msg).model_dump()
    return JSONResponse(body, status_code=401, headers=headers)


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {}
    kind = str(first.get("type", ""))
    if kind == "json_invalid":
        where = None
        msg = ("The request body is not valid JSON "
               f"({(first.get('ctx') or {}).get('error', 'JSON decode error')}): send an object such as "
               '{"question": "How many MoUs has the US signed?"}.')
    else:
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or None
        msg = f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", "invalid request"))
        if kind.startswith("date"):
            msg += " (use YYYY-MM-DD)"
    if request.url.path.startswith("/v1/"):
        return JSONResponse({"error": {"message": msg, "type": "invalid_request_error", "param": where,
                                       "code": None}}, status_code=400)
    return JSONResponse({**ErrorBody(detail=msg, field=where).model_dump(), "errors": jsonable(exc.errors())},
                        status_code=422)


def _api_router(app: FastAPI, index: ServedIndex, answers: _Answers, auth: Any) -> APIRouter:
    """``/api/*``: the Answer model as JSON, statements, stats, issuers, and the OpenAPI document."""
    api = APIRouter(prefix="/api", dependencies=[auth], tags=["statementqa"])

    @api.post("/answer", response_model=Answer, responses={
        200: {"content": {"text/markdown": {}}, "description": "The Answer (or Markdown with format=markdown)."},
        422: {"model": ErrorBody, "description": "A question or filter to fix (the message says what)."}})
    def post_answer(req: AnswerRequest) -> Any:
        """Answer a question with verified, quoted citations (or a refusal naming the closest statements)."""
        try:
            ans = answers(req.question, req.options())
        except UserInputError as exc:
            return _error(422, str(exc), _field_of(exc), list(getattr(exc, "suggestions", []) or []))
        except ValueError as exc:
            return _error(422, str(exc), _field_of(exc))
        if req.format == "markdown":
            return PlainTextResponse(export.answer_markdown(ans, index.document), media_type="text/markdown")
        return ans

    @api.get("/statements/{doc_id:path}", response_model=Statement,
             responses={404: {"model": ErrorBody, "description": "No statement with this id."}})
    def get_statement(doc_id: str) -> Any:
        """The whole stored statement: the text every quote's ``start``/``end`` offsets index."""
        doc = index.document(doc_id)
        if doc is None:
            return _error(404, f"No statement with id “{doc_id}” in this index (ids are in each citation's doc_id).",
                          "doc_id")
        return Statement(**doc.model_dump(include=set(Statement.model_fields)))

    @api.get("/stats", response_model=IndexStats)
    def get_stats() -> IndexStats:
        """Statements, chunks, issuers (with counts) and the date range of the index."""
        return index.stats()

    @api.get("/sources", response_model=list[str])
    def get_sources() -> list[str]:
        """The issuers in the index (the names the ``sources`` filter takes)."""
        return sorted(index.sources())

    @api.get("/openapi.json", include_in_schema=False)
    def openapi() -> JSONResponse:
        return JSONResponse(app.openapi())

    return api


def _openai_error(status: int, message: str, param: str | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": "invalid_request_error", "param": param,
                                   "code": None}}, status_code=status)


def _v1_router(index: ServedIndex, answers: _Answers, auth: Any, model_name: str) -> APIRouter:
    """``/v1/*``: the OpenAI-compatible model list and chat completions."""
    v1 = APIRouter(prefix="/v1", dependencies=[auth], tags=["OpenAI-compatible"])

    def model_card() -> dict[str, Any]:
        return {"id": model_name, "object": "model", "created": 0, "owned_by": "statementqa"}

    @v1.get("/models")
    def list_models() -> dict[str, Any]:
        """The one model this server offers: statementqa over its index."""
        return {"object": "list", "data": [model_card()]}

    @v1.get("/models/{model_id}")
    def get_model(model_id: str) -> Any:
        if model_id != model_name:
            return JSONResponse({"error": {"message": f"The model '{model_id}' does not exist; use '{model_name}'.",
                                           "type": "invalid_request_error", "param": "model",
                                           "code": "model_not_found"}}, status_code=404)
        return model_card()

    @v1.post("/chat/completions")
    def chat_completions(req: ChatRequest) -> Any:
        """OpenAI chat completions: the reply is the verified answer plus a "Sources:" block; the structured
        citations are in ``citations`` and the whole Answer in ``answer``. ``stream: true`` sends SSE chunks."""
        try:
            question, history = question_and_history(req.messages)
            index.check_question(question)
            index.check_filters(req.sources, req.since, req.until)
        except (UserInputError, ValueError) as exc:
            return _openai_error(400, str(exc), _field_of(exc) or "messages")
        options = QueryOptions.parse(sources=req.sources, since=req.since, until=req.until, history=history,
                                     llm=req.llm)
        reply = _Reply(model_name)
        if not req.stream:
            try:
                ans = answers(question, options)
            except (UserInputError, ValueError) as exc:
                return _openai_error(400, str(exc), _field_of(exc))
            return reply.completion(ans)
        return StreamingResponse(reply.stream(lambda: answers(question, options)), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return v1


class _Reply:
    """One chat completion in OpenAI's shapes: the whole reply, or its SSE chunks."""

    def __init__(self, model_name: str) -> None:
        self.model = model_name
        self.id = f"chatcmpl-{secrets.token_hex(12)}"
        self.created = int(time.time())

    def completion(self, ans: Answer) -> dict[str, Any]:
        return {
            "id": self.id, "object": "chat.completion", "created": self.created, "model": self.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": chat_content(ans)},
                         "finish_reason": "stop", "logprobs": None}],
            "citations": [c.model_dump(mode="json") for c in ans.citations],
            "answer": ans.model_dump(mode="json"),
        }

    def chunk(self, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {"id": self.id, "object": "chat.completion.chunk", "created": self.created, "model": self.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    def stream(self, answer: Callable[[], Answer]) -> Iterator[str]:
        """The verified answer as SSE chunks; comments keep the connection alive while it is worked out."""
        results: queue.Queue[Answer | BaseException] = queue.Queue(maxsize=1)

        def work() -> None:
            try:
                results.put(answer())
            except BaseException as exc:  # noqa: BLE001 - reported to the client as an SSE error
                results.put(exc)

        threading.Thread(target=work, name="v1-stream-answer", daemon=True).start()
        yield self.chunk({"role": "assistant", "content": ""})
        while True:
            try:
                item = results.get(timeout=KEEPALIVE_SECONDS)
                break
            except queue.Empty:
                yield ": verifying quotes\n\n"  # an SSE comment: keeps proxies and clients waiting
        if isinstance(item, BaseException):
            log.warning("streamed answer failed: %r", item)
            err = {"error": {"message": str(item), "type": "invalid_request_error" if isinstance(
                item, ValueError) else "server_error", "param": None, "code": None}}
            yield f"data: {json.dumps(err, ensure_ascii=False)}\n\n"
            yield "data: [DONE]\n\n"
            return
        for piece in _pieces(chat_content(item)):
            yield self.chunk({"content": piece})
        yield self.chunk({}, "stop", citations=[c.model_dump(mode="json") for c in item.citations],
                         answer=item.model_dump(mode="json"))
        yield "data: [DONE]\n\n"


def jsonable(value: Any) -> Any:
    """Validation error details made JSON-safe (they may hold exceptions or bytes)."""
    return json.loads(json.dumps(value, default=str))


__all__ = ["AnswerRequest", "ChatRequest", "Citation", "Statement", "chat_content", "credentials_ok", "install",
           "question_and_history", "sources_block"]
