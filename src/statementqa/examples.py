"""Example questions mined from the index's own statements: a figure, a date or a meeting in a sentence.

Why mined, and why checked: an example should show what the product does on *this* index — answer a
"How many …", "When …" or "Whom did … meet" question with the statement's own words — and must never
lead to a refusal. Each candidate question is made from one sentence, answered (extractive, no LLM)
and kept only when the answer cites that very sentence with a quote that verifies against the stored
text. The result depends only on the index's content, so it is computed once per index generation in
the background and cached on disk in the index folder (a restart on an unchanged index reads it back).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from statementqa.example_rules import MAX_QUESTION_CHARS, question_from_title, questions_from_sentence, sentences
from statementqa.models import Answer, Document
from statementqa.query import QueryOptions
from statementqa.verify.quotes import verify_citation

log = logging.getLogger(__name__)

__all__ = ["MAX_QUESTION_CHARS", "Example", "build", "cites_sentence", "question_from_title",
           "questions_from_sentence", "sentences"]  # the text rules: from example_rules.py

CACHE_FILE = "example-questions.json"
CACHE_VERSION = 1  # bump when mining or checking changes, so cached examples are rebuilt
MAX_EXAMPLES = 6
MAX_CHECKS = 36  # answers tried per build: bounds the background work on a big index
STATEMENTS_SCANNED = 400  # statements mined, spread over issuers and dates
ALL_STATEMENTS = 1_000_000  # titles() limit meaning "all": ids, titles, dates and issuers only
SHOWN_CHARS = 60  # what the example list shows of a question (the rest becomes "...")


EXTRACTIVE = QueryOptions(llm=False)  # examples are checked without the LLM


class ExampleIndex(Protocol):
    """What mining needs from an index (``statementqa.api.Index`` has all of it)."""

    def answer(self, question: str, options: QueryOptions | None = None) -> Answer: ...
    def document(self, doc_id: str) -> Document | None: ...
    def titles(self, limit: int = 50) -> list[tuple[str, str, str | None, str]]: ...


@dataclass(frozen=True)
class Example:
    """A checked example: the question, what kind of fact it asks for, and the sentence it came from."""

    question: str
    kind: str  # figure | amount | date | meeting | topic
    doc_id: str
    start: int  # the sentence's span in the stored statement text
    end: int


def mine(doc: Document) -> Iterator[tuple[Example, str]]:
    """Candidate examples from one statement, with the sentence each was made from (not yet checked)."""
    for start, end in sentences(doc.text):
        if not 30 <= end - start <= 400:
            continue
        for question, kind in questions_from_sentence(doc.text[start:end]):
            yield Example(question, kind, doc.id, start, end), doc.text[start:end]


# ---- checking ------------------------------------------------------------------------------------

def cites_sentence(answer: Answer, example: Example, doc_text: str | None) -> bool:
    """The answer is not a refusal and quotes the example's own sentence, verbatim and verified."""
    if answer.refused or doc_text is None:
        return False
    return any(c.doc_id == example.doc_id and c.start < example.end and c.end > example.start
               and verify_citation(c, doc_text) for c in answer.citations)


def check(index: ExampleIndex, example: Example) -> bool:
    """Answer the example (extractive: an LLM's speed or mood must not decide) and see that it cites its sentence."""
    try:
        answer = index.answer(example.question, options=EXTRACTIVE)
    except Exception:  # noqa: BLE001 - an example that cannot be answered is simply not offered
        log.exception("example question failed: %s", example.question)
        return False
    doc = index.document(example.doc_id)
    return cites_sentence(answer, example, doc.text if doc else None)


def _spread(rows: Sequence[tuple[str, str, str | None, str]], statements: int) -> list[str]:
    """About ``statements`` ids spread over every issuer and over time (evenly spaced in each issuer's
    statements, newest first), issuers alternating, so the examples show the breadth of the index."""
    by_source: dict[str, list[str]] = {}
    for doc_id, _title, _date, source in rows:
        by_source.setdefault(source, []).append(doc_id)
    share = max(statements // max(len(by_source), 1), 12)
    queues = []
    for ids in sorted(by_source.values(), key=len, reverse=True):
        k = min(share, len(ids))
        queues.append([ids[i * len(ids) // k] for i in range(k)])
    out: list[str] = []
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out


_KINDS = ("figure", "date", "meeting", "amount")


def _specific(ex: Example) -> bool:
    """Whether a question names enough to single out its statement on a big index: a meeting question
    without a place ("Whom did the Secretary meet?") matches hundreds of readouts, so it is tried last."""
    return ex.kind != "meeting" or bool(re.search(r" (?:in|at|during|on the margins of) [A-Z]", ex.question))


def candidates(index: ExampleIndex, statements: int = STATEMENTS_SCANNED) -> list[Example]:
    """Mined (unchecked) candidates in the order they are worth trying: kinds interleaved, specific ones
    first, one statement after another (recent first, issuers alternating)."""
    by_kind: dict[str, list[Example]] = {k: [] for k in _KINDS}
    vague: list[Example] = []
    asked: set[str] = set()  # the same question from two statements is tried once (it matches both)
    for doc_id in _spread(index.titles(limit=ALL_STATEMENTS), statements):
        doc = index.document(doc_id)
        if doc is None:
            continue
        seen: set[str] = set()
        for ex, _sentence in mine(doc):
            if ex.kind in seen or ex.question in asked:  # one candidate per statement and kind
                continue
            seen.add(ex.kind)
            asked.add(ex.question)
            (by_kind[ex.kind] if _specific(ex) else vague).append(ex)
    ordered: list[Example] = []
    # Gradio's example list shows the first 60 characters of a question: shorter ones are tried first
    queues = [sorted(by_kind[k], key=lambda e: len(e.question) > SHOWN_CHARS) for k in _KINDS]
    while any(queues):
        for q in queues:
            if q:
                ordered.append(q.pop(0))
    return ordered + sorted(vague, key=lambda e: len(e.question) > SHOWN_CHARS)


def build(index: ExampleIndex, previous: Iterable[Example] = (), max_examples: int = MAX_EXAMPLES,
          max_checks: int = MAX_CHECKS, statements: int = STATEMENTS_SCANNED) -> list[Example]:
    """Checked examples for the index as it is now: at most one per statement and two per kind.

    ``previous`` (the last build's examples) are re-checked first: after a small ingest they usually
    still hold, so a new generation costs a few answers rather than a new search. When mining finds
    fewer than two, questions about statement titles (also checked) fill in, e.g. on a tiny index.
    """
    kept: list[Example] = []
    per_kind: dict[str, int] = {}
    checks = 0

    def room(ex: Example) -> bool:
        return (len(kept) < max_examples and per_kind.get(ex.kind, 0) < 2
                and all(ex.doc_id != k.doc_id and ex.question != k.question for k in kept))

    def attempt(ex: Example) -> None:
        nonlocal checks
        if checks >= max_checks or not room(ex):
            return
        checks += 1
        if check(index, ex):
            kept.append(ex)
            per_kind[ex.kind] = per_kind.get(ex.kind, 0) + 1

    for ex in previous:
        doc = index.document(ex.doc_id)
        if doc is not None and 0 <= ex.start < ex.end <= len(doc.text):
            attempt(ex)
    for ex in candidates(index, statements):
        if len(kept) >= max_examples or checks >= max_checks:
            break
        attempt(ex)
    if len(kept) < 2:
        for ex in title_candidates(index):
            if len(kept) >= max_examples or checks >= max_checks + 4:
                break
            attempt(ex)
    order = {k: i for i, k in enumerate((*_KINDS, "topic"))}
    return sorted(kept, key=lambda e: order.get(e.kind, 9))


def title_candidates(index: ExampleIndex, limit: int = 12) -> Iterator[Example]:
    """Title questions for recent statements, issuers alternating; the span is the whole statement
    (any verified quote from it counts)."""
    rows = index.titles(limit=ALL_STATEMENTS)
    titles = {r[0]: r[1] for r in rows}
    for doc_id in _spread(rows, limit):
        q = question_from_title(titles[doc_id])
        doc = index.document(doc_id)
        if q and doc is not None and doc.text:
            yield Example(q, "topic", doc_id, 0, len(doc.text))


# ---- the on-disk cache -----------------------------------------------------------------------------

def cache_path(index_dir: Path) -> Path:
    return Path(index_dir) / CACHE_FILE


def fingerprint(settings: Any) -> str:
    """The settings an answer depends on: examples checked under other ones are checked again."""
    keys = ("top_k", "refuse_threshold", "embed_backend", "embed_model", "openai_embed_model")
    values: dict[str, Any] = {k: getattr(settings, k, None) for k in keys}
    # The learned ranker and reader decide answers as much as the settings do: a retrained artifact
    # means every example is checked again.
    for name in ("ranker.json", "reader.json"):
        try:
            values[name] = hashlib.sha256((resources.files("statementqa") / "data" / name).read_bytes()).hexdigest()
        except OSError:
            values[name] = None
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]


def load_cached(index_dir: Path | None, settings_fingerprint: str = "") -> tuple[object, list[Example]] | None:
    """(generation, examples) from the index folder, or None when there is none, it is unreadable, or it
    was built by other code or under other answering settings."""
    if index_dir is None:
        return None
    try:
        data = json.loads(cache_path(index_dir).read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION or data.get("settings", "") != settings_fingerprint:
            return None
        return data["generation"], [Example(**e) for e in data["examples"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_cached(index_dir: Path | None, generation: object, examples: Sequence[Example],
                settings_fingerprint: str = "") -> None:
    """Write atomically (another process may read it); a read-only index folder just keeps them in memory."""
    if index_dir is None:
        return
    path = cache_path(index_dir)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    payload = {"version": CACHE_VERSION, "generation": generation, "settings": settings_fingerprint,
               "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
               "examples": [asdict(e) for e in examples]}
    try:
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        log.warning("example questions not cached in %s: %s", index_dir, exc)
        tmp.unlink(missing_ok=True)
