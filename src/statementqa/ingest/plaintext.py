"""Reading .txt and .md files: optional front matter (``title: …``, ``date: …``) and the text.

Why front matter: a note or a Markdown export has no other place for the metadata analysts filter on
(issuer and date); without it the title is the first line and the date the first clear one in the text.
"""

from __future__ import annotations

import re

from statementqa.ingest.common import (
    _TEXT_BYTES_PER_CHAR,
    _Bad,
    _check_size,
    _Loaded,
    _make_document,
    _read_text,
    _Source,
    _title_from_text,
    _too_long,
    normalize_text,
)
from statementqa.ingest.dates import _in_range, find_date, parse_date

_FRONT_KEYS = ("id", "title", "date", "source", "url")
_KEY_LINE = re.compile(r"([A-Za-z_][\w\-]*)\s*:\s*(.*)")


def _load_text(src: _Source) -> _Loaded:
    """.txt / .md: optional ``---`` front matter (id/title/date/source/url), else derived metadata."""
    _check_size(src, _TEXT_BYTES_PER_CHAR)
    meta, body = _split_front_matter(_read_text(src.path))
    text = normalize_text(body)
    if not text:
        raise _Bad("no text (the file has only front matter or whitespace)")
    if len(text) > src.max_chars:
        raise _too_long(len(text), src.max_chars)
    markdown = src.path.suffix.lower() == ".md"
    date = _front_date(meta) if meta.get("date") else find_date(text)
    doc = _make_document(
        doc_id=meta.get("id") or src.doc_id,
        text=text,
        origin=str(src.path),
        src=src,
        from_name=not meta.get("id"),
        title=meta.get("title") or _title_from_text(text, markdown),
        date=date,
        source=meta.get("source", ""),
        url=meta.get("url", ""),
    )
    return _Loaded(documents=[doc])


def _front_date(meta: dict[str, str]) -> str:
    iso = parse_date(meta["date"])
    if iso is None:
        raise _Bad(f"front matter 'date' = {meta['date']!r} is not a date (use YYYY-MM-DD)")
    return _in_range(iso, f"front matter 'date' = {meta['date']!r}")


def _split_front_matter(raw: str) -> tuple[dict[str, str], str]:
    """Simple ``key: value`` lines between ``---`` fences; anything YAML-fancier is left as text."""
    lines = raw.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, raw
    meta: dict[str, str] = {}
    for i, line in enumerate(lines[1:], start=1):
        stripped = line.strip()
        if stripped in ("---", "..."):
            return meta, "\n".join(lines[i + 1 :])
        if not stripped or stripped.startswith("#") or line[:1].isspace() or stripped.startswith("- "):
            continue  # blank, comment, or continuation of a value we don't use
        match = _KEY_LINE.fullmatch(stripped)
        if not match:
            return {}, raw  # not front matter after all (e.g. a horizontal rule)
        key = match.group(1).lower()
        if key in _FRONT_KEYS:
            meta[key] = _unquote(match.group(2).strip())
    return {}, raw  # no closing fence


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
