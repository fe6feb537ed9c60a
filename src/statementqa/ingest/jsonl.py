"""Reading JSON Lines (the shared corpus format): one statement per line, each line checked on its own.

Why line by line: one bad line must not cost the rest of the file, and a huge line must be refused
before it is read whole; every issue names the line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

from statementqa.ingest.common import (
    _JSONL_BYTES_PER_CHAR,
    _JSONL_LINE_SLACK,
    _SNIFF_BYTES,
    _Bad,
    _check_binary,
    _Loaded,
    _make_document,
    _Source,
    _too_big,
    _too_long,
    _utf8_message,
)
from statementqa.ingest.dates import _in_range, parse_date
from statementqa.models import Document, IngestIssue

_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    int: "number",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def _load_jsonl(src: _Source) -> _Loaded:
    """One statement per line; a bad line is reported and skipped, the other lines still load."""
    cap = _JSONL_BYTES_PER_CHAR * src.max_chars + _JSONL_LINE_SLACK
    with src.path.open("rb") as fh:
        _check_binary(fh.read(_SNIFF_BYTES))
        fh.seek(0)
        loaded = _Loaded()
        any_line = False
        for number, (raw, size) in enumerate(_bounded_lines(fh, cap), start=1):
            if raw is not None and not raw.strip():
                continue
            any_line = True
            origin = f"{src.path}:{number}"
            try:
                if raw is None:
                    raise _too_big(size, src.max_chars, "line")
                loaded.documents.append(_jsonl_document(raw, number, origin, src))
            except _Bad as bad:
                loaded.issues.append(IngestIssue(path=str(src.path), line=number, message=str(bad)))
    if not any_line:
        raise _Bad("empty file")
    return loaded


def _bounded_lines(fh: BinaryIO, cap: int) -> Iterator[tuple[bytes | None, int]]:
    """(line, size) for each line of a binary file, reading at most ``cap`` bytes of a line: a longer one
    is passed over in 1 MiB pieces (never held whole) and comes out as ``(None, its size)``."""
    while True:
        line = fh.readline(cap + 1)
        if not line:
            return
        if len(line) <= cap or line.endswith(b"\n"):
            yield line, len(line)
            continue
        size = len(line)
        while True:
            piece = fh.readline(1 << 20)
            size += len(piece)
            if not piece or piece.endswith(b"\n"):
                break
        yield None, size


def _jsonl_document(raw: bytes, number: int, origin: str, src: _Source) -> Document:
    try:
        line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as err:
        raise _Bad(_utf8_message(err, "column")) from None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise _Bad(f"malformed JSON ({err.msg} at column {err.colno}) — fix or remove this line") from None
    if not isinstance(record, dict):
        raise _Bad(f'expected a JSON object {{"id": ..., "text": ...}}, got {_json_type(record)}')
    return _record_document(record, origin, src)


def _record_document(record: dict[str, Any], origin: str, src: _Source) -> Document:
    doc_id = _required_str(record, "id").strip()
    text = _required_str(record, "text")
    if len(text) > src.max_chars:
        raise _too_long(len(text), src.max_chars, "field 'text'")
    meta = {key: _optional_str(record, key) for key in ("title", "date", "source", "url")}
    date = None
    if meta["date"].strip():
        date = parse_date(meta["date"])
        if date is None:
            raise _Bad(f"field 'date' = {meta['date']!r} is not a date (use YYYY-MM-DD)")
        date = _in_range(date, f"field 'date' = {meta['date']!r}")
    return _make_document(
        doc_id=doc_id,
        text=text,
        origin=origin,
        src=src,
        from_name=False,
        title=meta["title"],
        date=date,
        source=meta["source"],
        url=meta["url"],
    )


def _required_str(record: dict[str, Any], key: str) -> str:
    if key not in record or record[key] is None:
        raise _Bad(f"missing required field '{key}'")
    value = record[key]
    if not isinstance(value, str):
        raise _Bad(f"field '{key}' must be a string (got {_json_type(value)})")
    if not value.strip():
        raise _Bad(f"field '{key}' is empty")
    return value


def _optional_str(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _Bad(f"field '{key}' must be a string (got {_json_type(value)}: {json.dumps(value)[:40]})")
    return value


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)
