"""The statements a set is asked over: statement lists, the shared corpus and ``seeds/``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from statementqa.eval.common import EvalInputError
from statementqa.eval.paths import corpus_location, seeds_location


def load_statement_ids(path: Path) -> list[tuple[str, int]]:
    """Ids listed one per line (``#`` comments allowed), each with its line number for messages."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise EvalInputError(f"{path}: statement list not found") from exc
    out: list[tuple[str, int]] = []
    for lineno, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if text:
            out.append((text, lineno))
    return out


def read_statement_sources(dirs: Sequence[Path]) -> dict[str, dict[str, Any]]:
    """All statements in the ``*.jsonl`` files under ``dirs`` (recursively), by id; later dirs win."""
    files = tuple((p, p.stat().st_mtime_ns) for folder in dirs for p in sorted(folder.rglob("*.jsonl")))
    return dict(_read_jsonl_files(files))


@lru_cache(maxsize=2)
def _read_jsonl_files(files: tuple[tuple[Path, int], ...]) -> tuple[tuple[str, dict[str, Any]], ...]:
    """Parsed once per process (the shared corpus is ~47 MB); the mtimes in the key catch edits."""
    docs: dict[str, dict[str, Any]] = {}
    for path, _mtime in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                docs[rec["id"]] = rec
    return tuple(docs.items())


def default_sources(corpus_dir: Path | None = None) -> list[Path]:
    corpus = corpus_location(corpus_dir)
    return [p for p in (corpus / "statements", corpus / "seed", seeds_location()) if p.is_dir()]


def whole_corpus(corpus_dir: Path | None = None) -> list[dict[str, Any]]:
    """Every statement of the shared corpus (statements/ and seed/), sorted by id; none = an error saying where."""
    corpus = corpus_location(corpus_dir)
    dirs = [p for p in (corpus / "statements", corpus / "seed") if p.is_dir()]
    if not dirs:
        raise EvalInputError(f"{corpus}: shared corpus not found (set STATEMENTQA_CORPUS_DIR)")
    return [rec for _, rec in sorted(read_statement_sources(dirs).items())]


def resolve_statements(
    listing: Path | None, sources: dict[str, dict[str, Any]], corpus_dir: Path | None = None
) -> list[dict[str, Any]]:
    """The listed statements' records, in list order; an unknown id raises naming the line.
    ``listing=None`` means the whole shared corpus."""
    if listing is None:
        return whole_corpus(corpus_dir)
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for doc_id, lineno in load_statement_ids(listing):
        if doc_id not in sources:
            raise EvalInputError(
                f"{listing}:{lineno}: unknown statement id {doc_id!r} (not in seeds/ or the shared corpus)"
                + _missing_corpus_hint(corpus_dir)
            )
        if doc_id not in seen:
            seen.add(doc_id)
            records.append(sources[doc_id])
    if not records:
        raise EvalInputError(f"{listing}: lists no statements")
    return records


def _missing_corpus_hint(corpus_dir: Path | None) -> str:
    """Why an id may be unknown: the shared corpus is not where the settings say."""
    corpus = corpus_location(corpus_dir)
    if (corpus / "statements").is_dir():
        return ""
    return f"; the shared corpus was not found at {corpus} (set STATEMENTQA_CORPUS_DIR)"
