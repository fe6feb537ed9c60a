"""The eval index: built once per statement pool and index settings, cached by content."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from statementqa.config import Settings
from statementqa.eval.common import EvalInputError
from statementqa.eval.paths import index_cache_dir

if TYPE_CHECKING:  # the Index facade pulls in the whole stack; only needed at run time
    from statementqa.api import Index

# Settings that change what gets indexed: a change to any of them needs a fresh eval index.
INDEX_SETTINGS = ("embed_backend", "embed_model", "openai_embed_model", "chunk_tokens", "chunk_overlap", "collection")


def index_key(records: Sequence[dict[str, Any]], settings: Settings) -> str:
    """Content hash of the statements plus the settings that shape the index."""
    h = hashlib.sha256()
    for rec in sorted(records, key=lambda r: r["id"]):
        h.update(json.dumps(rec, sort_keys=True, ensure_ascii=False).encode())
    h.update(json.dumps({k: str(getattr(settings, k)) for k in INDEX_SETTINGS}, sort_keys=True).encode())
    from statementqa.store import VECTORS_VERSION

    if VECTORS_VERSION > 1:  # the vectors an index holds are part of what it is (keys of older builds unchanged)
        h.update(f"vectors={VECTORS_VERSION}".encode())
    return h.hexdigest()[:16]


def build_index(records: Sequence[dict[str, Any]], target: Path, settings: Settings, progress: bool) -> None:
    """Ingest ``records`` into a fresh index at ``target`` (built aside, then renamed into place)."""
    from statementqa.api import open_index

    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        src = work / "statements.jsonl"
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        index = open_index(work / "index", settings=settings)
        try:
            summary = index.ingest([src], progress=progress)
        finally:
            index.close()
        if summary.failed or summary.issues:
            raise EvalInputError("eval index build failed: " + "; ".join(str(i) for i in summary.issues[:5]))
        (work / "index").rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def ensure_index(
    records: Sequence[dict[str, Any]], settings: Settings, cache_dir: Path | None, progress: bool,
) -> tuple[Path, str]:
    """The cached index for these statements and settings, built on first use."""
    key = index_key(records, settings)
    target = (cache_dir or index_cache_dir(settings)) / f"index-{key}"
    if not target.exists():
        build_index(records, target, settings, progress)
    return target, key


def check_index_has(index: Index, doc_ids: Iterable[str], index_dir: Path) -> dict[str, str | None]:
    """Stored texts of ``doc_ids``; a gold statement missing from a user-given index is an error."""
    texts: dict[str, str | None] = {}
    missing: list[str] = []
    for doc_id in doc_ids:
        doc = index.document(doc_id)
        texts[doc_id] = doc.text if doc else None
        if doc is None:
            missing.append(doc_id)
    if missing:
        raise EvalInputError(
            f"{index_dir}: index lacks {len(missing)} gold statement(s), e.g. {', '.join(missing[:5])}; "
            "build it from the set's statement list or omit --index to let the eval build one"
        )
    return texts
