"""Which files an argument names (a file, or a folder walked in a stable order) and the ids a file may get.

Why ids come from paths: a .txt or .pdf carries no id, and re-ingesting the same file must update the
same statement; ``_id_ladder`` gives today's id first (indexes built before keep their ids) and then
ever more specific fallbacks for when another file already holds it (``identity.resolve`` picks).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from statementqa.ingest.common import _SUPPORTED_TEXT, SUPPORTED_SUFFIXES, _file_key, _Source
from statementqa.models import FileResult, IngestIssue

# Documentation that sits next to statements in a corpus folder; skipped in folder walks only.
_CORPUS_NOTES = frozenset({"README", "SOURCES", "LICENSE", "LICENCE", "CHANGELOG", "NOTICE"})


def _expand(arg: Path, limit: int) -> Iterator[_Source | FileResult]:
    """Files to load for one argument, or a failed FileResult saying why there are none."""
    if not arg.exists():
        yield _failed(arg, "no such file or directory")
    elif arg.is_dir():
        yield from _walk(arg, limit)
    elif not arg.is_file():
        yield _failed(arg, "not a regular file — " + _SUPPORTED_TEXT)
    elif arg.suffix.lower() not in SUPPORTED_SUFFIXES:
        yield _failed(arg, f"unsupported file type '{arg.suffix or arg.name}' — {_SUPPORTED_TEXT}")
    else:
        yield _Source(arg, _id_ladder(arg, [arg.stem]), limit)


def _walk(root: Path, limit: int) -> Iterator[_Source | FileResult]:
    """Supported files under ``root`` sorted by relative path; hidden files/dirs, other suffixes skipped."""
    errors: list[OSError] = []
    prefix = Path(os.path.abspath(root)).name
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found.extend(p for p in (Path(dirpath) / name for name in filenames) if not _skipped_in_walk(p))
    for path in sorted(found, key=lambda p: p.relative_to(root).parts):
        rel = path.relative_to(root).with_suffix("")
        yield _Source(path, _id_ladder(path, [prefix, *rel.parts]), limit)
    for err in errors:
        yield _failed(Path(err.filename or root), f"cannot read directory: {err.strerror or err}")
    if not found and not errors:
        yield _failed(root, f"no supported files in this directory — {_SUPPORTED_TEXT}")


def _skipped_in_walk(path: Path) -> bool:
    """Hidden files, other suffixes and a corpus folder's notes (README, SOURCES, ...) are not statements."""
    return (
        path.name.startswith(".") or path.suffix.lower() not in SUPPORTED_SUFFIXES or path.stem.upper() in _CORPUS_NOTES
    )


def _failed(path: Path, message: str) -> FileResult:
    return FileResult(path=str(path), failed=1, issues=[IngestIssue(path=str(path), message=message)])


_MAX_PARENTS = 4


def _id_ladder(path: Path, parts: list[str]) -> tuple[str, ...]:
    """Ids a file may get, in order of preference. ``parts`` name the file relative to what the user gave
    (``[stem]`` for a file, ``[folder, *relative parts]`` in a folder walk). The first is today's id, so
    indexes built before keep their ids; the others make it unique when that id is taken by another file:
    the extension (when a sibling file has the same name), then parent folders in front, then a path hash."""
    absolute = Path(os.path.abspath(path))
    base = "/".join(parts)
    ext = absolute.suffix.lstrip(".").lower()
    above = [p for p in absolute.parts[: len(absolute.parts) - len(parts)] if p not in ("/", absolute.anchor)]
    above.reverse()  # nearest folder first
    with_ext = _slug_id(f"{base}-{ext}") if ext else None
    sibling = any(
        absolute.with_suffix(other).exists() for other in SUPPORTED_SUFFIXES if other != absolute.suffix.lower()
    )
    ladder = [_slug_id(base)]
    if sibling and with_ext:
        ladder.append(with_ext)
    for k in range(1, min(_MAX_PARENTS, len(above)) + 1):
        ladder.append(_slug_id("/".join([*reversed(above[:k]), base])))
    if with_ext:
        ladder.append(with_ext)
    ladder.append(f"{ladder[0]}-{hashlib.sha1(_file_key(path).encode('utf-8')).hexdigest()[:8]}")
    return tuple(dict.fromkeys(ladder))


def _slug_id(text: str) -> str:
    """ASCII slug of a relative path; stable across runs and machines (no absolute parts)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "doc-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
