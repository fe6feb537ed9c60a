"""One browser tab's conversation in the web UI: the session, the options a question is asked with, and
the copy of the conversation the browser keeps across a reload.

Why apart from the handlers: what the browser sends back (filters typed by the user, a conversation kept
in localStorage) is input, not state; this module is where it is parsed and checked again, so the
handlers only ever see a ``Session`` of verified answers and a ``QueryOptions``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from statementqa.models import Answer, Citation, Document
from statementqa.query import QueryOptions
from statementqa.render import answer_html, esc_lines
from statementqa.verify.quotes import verify_citation

MAX_SAVED_TURNS = 50  # turns kept in the browser (localStorage holds a few MB per site)
STATE_VERSION = 1


@dataclass
class Session:
    """One browser tab's conversation: chat bubbles (HTML) and the answers behind them."""

    messages: list[dict[str, str]] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    generation: object = None  # of the index when this tab's filters and panel were last drawn

    def history(self) -> list[Answer]:
        """Previous turns for follow-up questions, oldest first (their ``refused`` tells a refusal)."""
        return list(self.answers)

    def options(self, issuers: list[str] | None, since: str | None, until: str | None) -> QueryOptions:
        """The options of the next question: the filters as entered (checked) and this conversation."""
        first, last = parse_day(since, "From"), parse_day(until, "Until")
        if first and last and first > last:
            raise InputError("The “From” date is after the “Until” date: no statement can match.")
        return QueryOptions.parse(sources=issuers or None, since=first, until=last, history=self.history())


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


def storage_key(index_dir: Path | None) -> tuple[str, str]:
    """(localStorage key, secret) for this index: a conversation is restored only over the index it was
    held on. The value is checked when restored (it comes from the browser), not trusted."""
    where = str(index_dir.resolve()) if index_dir is not None else "statementqa"
    digest = hashlib.sha256(where.encode("utf-8")).hexdigest()
    return f"statementqa-conversation-{digest[:12]}", digest[12:44]


def saved_state(session: Session) -> dict[str, Any]:
    """What the browser keeps of a conversation: the answers (the chat is re-rendered from them). Never
    empty as a value: Gradio's BrowserState does not write a falsy value, so New chat stores no answers."""
    return {"v": STATE_VERSION, "answers": [a.model_dump(mode="json") for a in session.answers[-MAX_SAVED_TURNS:]]}


def restore(state: object, document: Callable[[str], Document | None]) -> Session:
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
        session.answers.append(_reverified(answer, document))
    session.messages = messages_for(session.answers)
    return session


def _reverified(answer: Answer, document: Callable[[str], Document | None]) -> Answer:
    kept: list[Citation] = []
    dropped: list[Citation] = []
    for c in answer.citations:
        doc = document(c.doc_id)
        (kept if verify_citation(c, doc.text if doc else None) else dropped).append(c)
    if not dropped:
        return answer
    nums = ", ".join(f"[{c.n}]" for c in dropped)
    note = (f"Quote {nums} no longer matches the stored statement (re-ingested or removed since this answer); "
            "it is not shown.")
    return answer.model_copy(update={"citations": kept,
                                     "notice": f"{answer.notice} {note}" if answer.notice else note})


def user_bubble(question: str, limit: int) -> dict[str, str]:
    shown = question if len(question) <= limit else question[:300].rstrip() + f" … ({len(question):,} characters)"
    return {"role": "user", "content": f"<div>{esc_lines(shown)}</div>"}


def messages_for(answers: Sequence[Answer], limit: int = 1000) -> list[dict[str, str]]:
    """The chat bubbles of a conversation, rendered again from its answers (after a reload)."""
    out: list[dict[str, str]] = []
    for turn, a in enumerate(answers, 1):
        out += [user_bubble(a.question, limit), {"role": "assistant", "content": answer_html(a, turn)}]
    return out
