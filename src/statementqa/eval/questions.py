"""Question sets: ``evals/sets.toml``, the question files, and the checks that keep them from rotting."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from statementqa.eval.common import EvalInputError
from statementqa.eval.paths import evals_dir, rel

QUESTION_TYPES = (
    "numeric", "entity", "date", "who-met-whom", "attribution", "claim-check", "multi-doc",
    "temporal-latest", "unanswerable", "paraphrase",
)


# --- question set ------------------------------------------------------------------------------


class GoldQuote(BaseModel):
    """A verbatim substring of a gold statement that supports the answer."""

    doc_id: str
    quote: str = Field(min_length=1)


class EvalQuestion(BaseModel):
    """One question with everything needed to score an answer offline."""

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    type: str
    # Any one entry matches; an entry that is a list needs all its parts (multi-part answers).
    answers: list[str | list[str]] = Field(default_factory=list)
    gold_ids: list[str] = Field(default_factory=list)
    gold_quotes: list[GoldQuote] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    note: str | None = None
    # v2: the split (train | dev | test, by statement), the statements an unanswerable near miss is about,
    # and the ambiguity probe with its reviewed hits (evals/tools/probe.py).
    split: str | None = None
    topic_ids: list[str] = Field(default_factory=list)
    probe: dict[str, Any] | None = None
    reviewed: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


WHOLE_CORPUS = "@corpus"  # a set's `statements` value meaning every statement in the shared corpus
SPLITS = ("train", "dev", "test")


class EvalSet(BaseModel):
    """A named set: which questions (file + tag filter) over which statements (a list, or the whole corpus)."""

    name: str
    questions: Path
    statements: Path | None = None  # None: the whole shared corpus (`statements = "@corpus"`)
    tags: list[str] = Field(default_factory=list)
    description: str = ""

    @property
    def pool_label(self) -> str:
        return "the whole shared corpus" if self.statements is None else rel(self.statements)


def load_sets(manifest: Path | None = None) -> dict[str, EvalSet]:
    """Read ``evals/sets.toml``; paths in it are relative to the manifest's folder."""
    manifest = manifest or evals_dir() / "sets.toml"
    try:
        raw = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise EvalInputError(f"{manifest}: eval set manifest not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise EvalInputError(f"{manifest}: not valid TOML ({exc})") from exc
    sets: dict[str, EvalSet] = {}
    for name, body in raw.items():
        try:
            listing = body["statements"]
            sets[name] = EvalSet(
                name=name,
                questions=manifest.parent / body["questions"],
                statements=None if listing == WHOLE_CORPUS else manifest.parent / listing,
                tags=body.get("tags", []),
                description=body.get("description", ""),
            )
        except (KeyError, TypeError, ValidationError) as exc:
            raise EvalInputError(f"{manifest}: set [{name}] needs 'questions' and 'statements' ({exc})") from exc
    return sets


def get_set(name: str, manifest: Path | None = None) -> EvalSet:
    sets = load_sets(manifest)
    if name not in sets:
        raise EvalInputError(f"unknown eval set {name!r}; known sets: {', '.join(sorted(sets))}")
    return sets[name]


def load_questions(path: Path) -> list[EvalQuestion]:
    """Parse a question file; any problem raises with ``file:line`` and what to fix."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise EvalInputError(f"{path}: question file not found") from exc
    questions: list[EvalQuestion] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalInputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(raw, dict):
            raise EvalInputError(f"{where}: expected a JSON object per line")
        try:
            q = EvalQuestion.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(record)"
            raise EvalInputError(f"{where}: field {field!r}: {first['msg']}") from exc
        if q.type not in QUESTION_TYPES:
            raise EvalInputError(f"{where}: unknown type {q.type!r}; use one of {', '.join(QUESTION_TYPES)}")
        if q.split is not None and q.split not in SPLITS:
            raise EvalInputError(f"{where}: unknown split {q.split!r}; use one of {', '.join(SPLITS)}")
        if q.answerable and not (q.answers and q.gold_ids and q.gold_quotes):
            raise EvalInputError(f"{where}: question {q.id} needs answers, gold_ids and gold_quotes")
        if not q.answerable and (q.answers or q.gold_ids):
            raise EvalInputError(f"{where}: unanswerable question {q.id} must have no answers or gold_ids")
        if q.id in seen:
            raise EvalInputError(f"{where}: duplicate id {q.id!r} (first on line {seen[q.id]})")
        seen[q.id] = lineno
        questions.append(q)
    return questions


def validate_questions(
    questions: Sequence[EvalQuestion], statements: dict[str, str], listing: str = "the statement list"
) -> list[str]:
    """Problems that would make the set rot: unknown gold ids, quotes that are not verbatim substrings."""
    problems: list[str] = []
    for q in questions:
        for doc_id in q.gold_ids:
            if doc_id not in statements:
                problems.append(f"{q.id}: gold statement {doc_id!r} is not in {listing}")
        for gq in q.gold_quotes:
            if gq.doc_id not in q.gold_ids:
                problems.append(f"{q.id}: gold quote cites {gq.doc_id!r}, which is not among its gold_ids")
            text = statements.get(gq.doc_id)
            if text is not None and gq.quote not in text:
                problems.append(f"{q.id}: gold quote is not a verbatim substring of {gq.doc_id}: {gq.quote!r}")
    return problems


def select_questions(questions: Sequence[EvalQuestion], tags: Sequence[str],
                     split: str | None = None) -> list[EvalQuestion]:
    """Questions carrying any of ``tags`` (all when no tags are given), of one split if given."""
    return [q for q in questions if (not tags or set(tags) & set(q.tags)) and (split is None or q.split == split)]
