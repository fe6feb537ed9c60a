"""What every ingest reader shares: the source being read, the errors it raises, the one way a Document
is built, and reading bytes safely.

Why one place: quotes are verified against ``Document.text``, so normalization and hashing must be the
same for every format (``_make_document``); and every reader must reject a binary, UTF-16, oversized or
undecodable file with the same clear message before it costs memory.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from statementqa.config import SUPPORTED_SUFFIXES
from statementqa.models import Document, IngestIssue

__all__ = ["SUPPORTED_SUFFIXES", "content_hash", "normalize_text"]

_SUPPORTED_TEXT = "only .jsonl/.txt/.md/.html/.pdf are supported"
TITLE_MAX_CHARS = 200
_SNIFF_BYTES = 8192
# Bytes read at most per character of the limit: UTF-8 needs up to 4 per character; a page's markup
# and a JSON line's escapes (``\u00e9`` is 6 bytes) need more.
_TEXT_BYTES_PER_CHAR = 4
_HTML_BYTES_PER_CHAR = 8
_JSONL_BYTES_PER_CHAR = 6
_JSONL_LINE_SLACK = 65536  # metadata fields next to the text


class _Bad(Exception):
    """A whole input (file or JSONL line) cannot be loaded; the message is shown to the user."""


@dataclass(frozen=True)
class _Source:
    """One file to load and the ids it may get if its format carries none (path-derived, stable):
    ``candidates[0]`` is its name; the rest are what ``identity.resolve`` falls back on."""

    path: Path
    candidates: tuple[str, ...]
    max_chars: int = 2_000_000  # Settings.max_statement_chars

    @property
    def doc_id(self) -> str:
        return self.candidates[0]

    @property
    def file(self) -> str:
        return _file_key(self.path)


@dataclass
class _Loaded:
    documents: list[Document] = field(default_factory=list)
    issues: list[IngestIssue] = field(default_factory=list)


def normalize_text(text: str) -> str:
    """NFC, ``\\r\\n``/``\\r`` → ``\\n``, trailing whitespace per line dropped, 3+ newlines → one blank
    line, outer whitespace stripped. Nothing else: citations are verified against this exact text."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def content_hash(text: str, title: str, date: str | None, source: str, url: str) -> str:
    """sha256 over text and metadata, so an edited title or date also counts as a change."""
    payload = json.dumps([text, title, date, source, url], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _make_document(
    *,
    doc_id: str,
    text: str,
    origin: str,
    src: _Source,
    from_name: bool,
    title: str = "",
    date: str | None = None,
    source: str = "",
    url: str = "",
) -> Document:
    """The one place Documents are built, so normalization and hashing are the same for every format.
    ``from_name``: ``doc_id`` was derived from the file name (``src.doc_id``), not given by the input."""
    text = normalize_text(text)
    title = _clean_line(title) or _title_from_text(text)
    source, url = _clean_line(source), url.strip()
    return Document(
        id=doc_id,
        title=title,
        date=date,
        source=source,
        url=url,
        text=text,
        content_hash=content_hash(text, title, date, source, url),
        origin=origin,
        file=src.file,
        id_from_name=from_name,
        id_candidates=list(src.candidates) if from_name else [],
    )


def _clean_line(value: str) -> str:
    """One display line: NFC, line breaks/tabs → one space, outer whitespace stripped (inner spaces kept)."""
    return re.sub(r"[ ]*[\r\n\t\f\v]+[ ]*", " ", unicodedata.normalize("NFC", value)).strip()


def _title_from_text(text: str, markdown: bool = False) -> str:
    """First non-empty line, trimmed to ~200 chars at a word boundary."""
    for line in text.split("\n"):
        line = line.strip()
        if markdown:
            line = line.lstrip("#").strip()
        if line:
            return _truncate(_clean_line(line), TITLE_MAX_CHARS)
    return ""


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,;:-") + "…"


def _too_long(chars: int, limit: int, what: str = "statement") -> _Bad:
    return _Bad(
        f"{what} is too long ({chars:,} characters; the limit is {limit:,}, STATEMENTQA_MAX_STATEMENT_CHARS) — "
        "split it into several statements or raise the limit"
    )


def _too_big(size: int, limit: int, what: str = "file") -> _Bad:
    """Said before reading it all: ``size`` bytes cannot hold a statement of at most ``limit`` characters."""
    return _Bad(
        f"{what} is too large ({_mb(size)}) for a statement of at most {limit:,} characters "
        "(STATEMENTQA_MAX_STATEMENT_CHARS) — split it into several statements or raise the limit"
    )


def _mb(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{n:,} bytes"


def _check_size(src: _Source, bytes_per_char: int) -> None:
    """Reject a file that cannot hold a statement within the limit before reading it."""
    cap = bytes_per_char * src.max_chars
    size = src.path.stat().st_size
    if size > cap:
        raise _too_big(size, src.max_chars)


def _read_text(path: Path, charset_fallback: bool = False) -> str:
    """UTF-8 text of a file, or _Bad naming what is wrong (empty, binary, UTF-16, bad byte)."""
    data = path.read_bytes()
    if not data.strip():
        raise _Bad("empty file")
    _check_binary(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        declared = _declared_charset(data) if charset_fallback else None
        if declared:
            try:
                return data.decode(declared)
            except (LookupError, UnicodeDecodeError):
                pass
        raise _Bad(_utf8_message(err, "offset")) from None


def _check_binary(data: bytes) -> None:
    """NUL bytes early on mean a binary file (or UTF-16): reject instead of indexing garbage."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Bad("UTF-16 text — re-save the file as UTF-8")
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise _Bad(f"binary file (not text) — {_SUPPORTED_TEXT}")


def _utf8_message(err: UnicodeDecodeError, where: str) -> str:
    """``offset`` is the 0-based byte offset in the file (as hex dumps show); ``column`` is 1-based."""
    position = err.start + 1 if where == "column" else err.start
    byte = err.object[err.start]
    return f"not valid UTF-8 (byte 0x{byte:02x} at {where} {position}) — re-save the file as UTF-8"


def _declared_charset(data: bytes) -> str | None:
    match = re.search(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", data[:4096], re.IGNORECASE)
    return match.group(1).decode("ascii") if match else None


def _file_key(path: Path) -> str:
    """The absolute path that says which file a statement came from (symlinks resolved)."""
    try:
        return str(path.resolve())
    except OSError:
        return os.path.abspath(path)


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """trafilatura logs ERRORs for tiny pages we handle with the fallback; don't alarm the user."""
    logger = logging.getLogger(logger_name)
    previous = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(previous)
