"""What a question is asked with: the statement filters, how many statements to read, LLM or not, and the
earlier turns of the conversation.

Why one object: the facade, the UI, the CLI and the HTTP API all take the same six options
(``sources, since, until, top_k, llm, history``). Spelled out in every signature they drifted (one place
passed dates as strings, another as ``date``; history was pairs here and Answers there). ``QueryArgs`` is
the one spelling of the keyword form, ``QueryOptions.parse`` the one place it is parsed, and everything
below the caller receives the parsed ``QueryOptions``; the retrievers receive its ``Filters``.
``Filters`` lives here, not in the lexical index: it is what the user asked for, which every retriever
(BM25, Chroma, SQLite counts) then applies in its own way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple, TypedDict

from statementqa.models import Answer

DateLike = str | date | None


@dataclass(frozen=True)
class Filters:
    """Statement-level filters applied to every retriever (hard filters: the user chose them)."""

    sources: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.sources or self.since or self.until)


class Turn(NamedTuple):
    """An earlier question and the answer it got; ``refused`` says the answer was a refusal (it has nothing
    to lend a follow-up)."""

    question: str
    answer: str
    refused: bool = False


# An earlier turn as callers give it: the Answer itself (its ``refused`` is read), a Turn, or a
# (question, answer text) pair, which is taken as an answer (pass a Turn or the Answer for a refusal).
HistoryItem = Answer | Turn | tuple[str, str]
History = Sequence[HistoryItem] | None


class QueryArgs(TypedDict, total=False):
    """The keyword form of the options (``Index.answer(q, sources=[...], since="2024-05-01")``)."""

    sources: Sequence[str] | None
    since: DateLike
    until: DateLike
    top_k: int | None
    llm: bool | None
    history: History


def to_date(value: DateLike, name: str) -> date | None:
    """A date option as a ``date``; a ``ValueError`` that names the option otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"{name}={value!r} is not a date: use YYYY-MM-DD") from exc


def to_turn(item: HistoryItem) -> Turn:
    if isinstance(item, Answer):
        return Turn(item.question, item.text, item.refused)
    if isinstance(item, Turn):
        return item
    question, text = item
    return Turn(question, text)


@dataclass(frozen=True)
class QueryOptions:
    """Everything a question is asked with besides its text (parsed: dates are dates, history is Turns)."""

    filters: Filters = field(default_factory=Filters)
    top_k: int | None = None  # statements to read (None = settings.top_k)
    llm: bool | None = None  # None = use the LLM when one is configured
    history: tuple[Turn, ...] = ()  # earlier turns, oldest first

    @classmethod
    def parse(cls, sources: Sequence[str] | None = None, since: DateLike = None, until: DateLike = None,
              top_k: int | None = None, llm: bool | None = None, history: History = None) -> QueryOptions:
        """The keyword form parsed: ``ValueError("since='…' is not a date: use YYYY-MM-DD")`` on a bad date."""
        filters = Filters(tuple(sources or ()), to_date(since, "since"), to_date(until, "until"))
        return cls(filters, top_k, llm, tuple(to_turn(h) for h in history or ()))

    @property
    def sources(self) -> tuple[str, ...]:
        return self.filters.sources

    @property
    def since(self) -> date | None:
        return self.filters.since

    @property
    def until(self) -> date | None:
        return self.filters.until

    def with_filters(self, filters: Filters) -> QueryOptions:
        return replace(self, filters=filters)


def options_of(options: QueryOptions | None, args: QueryArgs) -> QueryOptions:
    """What an ``Index`` method was given: a ``QueryOptions``, or the keyword form (not both)."""
    if options is None:
        return QueryOptions.parse(**args)
    if args:
        raise TypeError(f"pass either options= or keyword options, not both (got {', '.join(args)})")
    return options
