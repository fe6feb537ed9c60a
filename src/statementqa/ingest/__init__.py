"""Loaders: files and folders → normalized ``Document``s plus clear, per-input ``IngestIssue``s.

Why this shape: users feed us whatever they have (a JSON Lines export, a saved web page, a PDF, a
note). One bad line or file must never cost the rest of the batch, and every problem must say
which file (and line) is wrong and what to do about it. Quotes shown to users are checked against
``Document.text``, so normalization here is deliberately minimal and deterministic.

Rule: every issue stands for exactly one input item that was *not* loaded, so
``FileResult.failed == len(FileResult.issues)``.

Layout: ``files`` (which files an argument names, and their ids), one reader per format (``plaintext``,
``webpage``, ``pdf``, ``jsonl``), ``dates`` (a statement's date), ``common`` (what the readers share);
this module is the entry point, ``load_paths``, which also keeps ids unique within one batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from statementqa.config import Settings
from statementqa.ingest.common import SUPPORTED_SUFFIXES, _Bad, _Loaded, _Source, content_hash, normalize_text
from statementqa.ingest.dates import find_date, parse_date
from statementqa.ingest.files import _expand
from statementqa.ingest.jsonl import _load_jsonl
from statementqa.ingest.pdf import _load_pdf
from statementqa.ingest.plaintext import _load_text
from statementqa.ingest.webpage import _load_html
from statementqa.models import Document, FileResult, IngestIssue, LoadResult

__all__ = ["SUPPORTED_SUFFIXES", "content_hash", "find_date", "load_paths", "normalize_text", "parse_date"]


def load_paths(paths: Sequence[str | Path], *, max_statement_chars: int | None = None) -> LoadResult:
    """Load files and folders (recursively) into Documents; never raises for bad input.

    Duplicate ids in one batch: the first wins, each later one is reported naming both places.
    A statement longer than ``max_statement_chars`` (default: ``Settings.max_statement_chars``) is
    rejected with an issue; reading stops early, so a huge input costs little memory.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    limit = max_statement_chars or int(Settings.model_fields["max_statement_chars"].default)
    loaded_files: list[tuple[FileResult, list[Document]]] = []
    for arg in paths:
        for item in _expand(Path(arg), limit):
            if isinstance(item, FileResult):
                loaded_files.append((item, []))
                continue
            file_result = FileResult(path=str(item.path))
            loaded = _load_file(item)
            file_result.issues.extend(loaded.issues)
            loaded_files.append((file_result, loaded.documents))
    # Ids unique within the batch: a given id is kept by its first input (later ones are reported); a
    # name-derived id moves down its ladder past ids taken in the batch (identity.resolve redoes this
    # against the index); the same file listed twice is loaded once.
    given: dict[str, str] = {}
    for file_result, docs in loaded_files:
        kept: list[Document] = []
        for doc in docs:
            if not doc.id_from_name and doc.id in given:
                file_result.issues.append(_duplicate_issue(doc, given[doc.id]))
                continue
            if not doc.id_from_name:
                given[doc.id] = doc.origin
            kept.append(doc)
        docs[:] = kept
    taken = set(given)
    seen_files: dict[str, str] = {}  # file -> the id it was loaded under
    for file_result, docs in loaded_files:
        kept = []
        for doc in docs:
            if doc.id_from_name:
                if doc.file in seen_files:
                    file_result.issues.append(IngestIssue(path=doc.origin, message=(
                        f"this file is already in this batch (as statement '{seen_files[doc.file]}') — loaded once")))
                    continue
                free = next((c for c in doc.id_candidates if c not in taken), doc.id)
                doc = doc.model_copy(update={"id": free}) if free != doc.id else doc
                taken.add(doc.id)
                seen_files[doc.file] = doc.id
            kept.append(doc)
        docs[:] = kept
    result = LoadResult()
    for file_result, docs in loaded_files:
        file_result.failed = len(file_result.issues)
        result.files.append(file_result)
        result.issues.extend(file_result.issues)
        result.documents.extend(docs)
    return result


def _duplicate_issue(doc: Document, first: str) -> IngestIssue:
    path, line = _split_origin(doc.origin)
    message = (
        f"duplicate id '{doc.id}' (already loaded from {first}) — this one was skipped; give each statement a unique id"
    )
    return IngestIssue(path=path, line=line, message=message)


def _split_origin(origin: str) -> tuple[str, int | None]:
    path, _, line = origin.rpartition(":")
    if path and line.isdigit():
        return path, int(line)
    return origin, None


def _load_file(src: _Source) -> _Loaded:
    """Run the loader for the file's suffix; turn every failure into an issue."""
    loader = _LOADERS[src.path.suffix.lower()]
    try:
        return loader(src)
    except _Bad as bad:
        return _Loaded(issues=[IngestIssue(path=str(src.path), message=str(bad))])
    except OSError as err:
        message = f"cannot read file: {err.strerror or err}"
        return _Loaded(issues=[IngestIssue(path=str(src.path), message=message)])
    except Exception as err:  # a loader bug must not cost the rest of the batch
        message = f"could not load file ({type(err).__name__}: {err}) — please report this"
        return _Loaded(issues=[IngestIssue(path=str(src.path), message=message)])


_LOADERS: dict[str, Callable[[_Source], _Loaded]] = {
    ".jsonl": _load_jsonl,
    ".txt": _load_text,
    ".md": _load_text,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
}
