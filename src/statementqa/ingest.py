"""Loaders: files and folders → normalized ``Document``s plus clear, per-input ``IngestIssue``s.

Why this shape: users feed us whatever they have (a JSON Lines export, a saved web page, a PDF, a
note). One bad line or file must never cost the rest of the batch, and every problem must say
which file (and line) is wrong and what to do about it. Quotes shown to users are checked against
``Document.text``, so normalization here is deliberately minimal and deterministic.

Rule: every issue stands for exactly one input item that was *not* loaded, so
``FileResult.failed == len(FileResult.issues)``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO

from statementqa.config import Settings
from statementqa.models import Document, FileResult, IngestIssue, LoadResult

SUPPORTED_SUFFIXES: tuple[str, ...] = (".jsonl", ".txt", ".md", ".html", ".htm", ".pdf")
_SUPPORTED_TEXT = "only .jsonl/.txt/.md/.html/.pdf are supported"
TITLE_MAX_CHARS = 200
DATE_SEARCH_CHARS = 300  # a statement's own date sits in its dateline / first paragraph
DATE_LANGUAGES = ["en"]  # fewer languages: faster and far fewer false dates
_SNIFF_BYTES = 8192
# Documentation that sits next to statements in a corpus folder; skipped in folder walks only.
_CORPUS_NOTES = frozenset({"README", "SOURCES", "LICENSE", "LICENCE", "CHANGELOG", "NOTICE"})
_MIN_YEAR = 1900

# Elements that are page furniture, not statement text (removed before trafilatura and in the fallback).
_PRUNE_XPATH = [
    "//nav",
    "//footer",
    "//aside",
    "//noscript",
    "//form",
    "//*[@role='navigation']",
    "//*[@role='banner']",
    "//*[@role='contentinfo']",
    "//header[not(ancestor::article) and not(ancestor::main)]",
]


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


# --------------------------------------------------------------------------------------------
# Public helpers
# --------------------------------------------------------------------------------------------


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


_ISO_RE = re.compile(r"(?<![\d.\-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\d\-])(?:[T ][0-9:.+\-Z]*)?")
_DOTTED_RE = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})(?!\d)")  # European day.month.year
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>[A-Z][A-Za-z]{2,8})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_TEXT_DATE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (_ISO_RE, "ymd"),
    (_DOTTED_RE, "dmy"),
    # "May 30, 2024", "MAY 30, 2024", "Sept. 5 2024", "June 29-30, 2022" (a range starts on its first day)
    (re.compile(rf"\b{_MONTH}\s+{_DAY}(?:\s*[-–]\s*\d{{1,2}})?,?\s+(?P<year>\d{{4}})(?!\d)"), "named"),
    # "30 May 2024", "30th of May, 2024"
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})(?!\d)"), "named"),
]
_DATE_SETTINGS: dict[str, Any] = {
    "STRICT_PARSING": True,  # day, month and year must all be present
    "PARSERS": ["absolute-time"],  # never "today", "two days ago", ...
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PREFER_DAY_OF_MONTH": "first",
}


def parse_date(value: str) -> str | None:
    """A full calendar date in a common form (ISO, "May 30, 2024", "30 May 2024", "30.05.2024")
    → ISO ``yyyy-mm-dd``; ``None`` when it is not one."""
    value = value.strip()
    if not value or len(value) > 80:  # a date, not a sentence
        return None
    for pattern, order in ((_ISO_RE, "ymd"), (_DOTTED_RE, "dmy")):
        match = pattern.fullmatch(value)
        if match:
            return _ymd(match, order)
    import dateparser

    try:
        parsed = dateparser.parse(value, languages=DATE_LANGUAGES, settings=_DATE_SETTINGS)
    except Exception:  # dateparser can trip on odd input; for us that just means "not a date"
        return None
    return parsed.date().isoformat() if parsed else None


def find_date(text: str) -> str | None:
    """The first clear, plausible date (1900..today, with day, month and year) near the start of a text.

    Why regexes and not ``dateparser.search``: the search also returns "today", "30 years ago" and
    year-less "October 13" (all wrong for a statement's date) and costs ~50 ms per document.
    """
    head = text[:DATE_SEARCH_CHARS]
    candidates: list[tuple[int, str]] = []
    for pattern, order in _TEXT_DATE_PATTERNS:
        for match in pattern.finditer(head):
            iso = _ymd(match, order)
            if iso and _plausible(iso):
                candidates.append((match.start(), iso))
    return min(candidates)[1] if candidates else None


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Finding files
# --------------------------------------------------------------------------------------------


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


def _file_key(path: Path) -> str:
    """The absolute path that says which file a statement came from (symlinks resolved)."""
    try:
        return str(path.resolve())
    except OSError:
        return os.path.abspath(path)


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


# --------------------------------------------------------------------------------------------
# Per-file dispatch
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Reading bytes
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Plain text and Markdown
# --------------------------------------------------------------------------------------------

_FRONT_KEYS = ("id", "title", "date", "source", "url")
_KEY_LINE = re.compile(r"([A-Za-z_][\w\-]*)\s*:\s*(.*)")


# Bytes read at most per character of the limit: UTF-8 needs up to 4 per character; a page's markup
# and a JSON line's escapes (``\u00e9`` is 6 bytes) need more.
_TEXT_BYTES_PER_CHAR = 4
_HTML_BYTES_PER_CHAR = 8
_JSONL_BYTES_PER_CHAR = 6
_JSONL_LINE_SLACK = 65536  # metadata fields next to the text


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


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

_META_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.issued",
    "pubdate",
    "publishdate",
    "publication_date",
    "citation_date",
    "article.published",
    "parsely-pub-date",
)
_META_SOURCE_KEYS = ("og:site_name", "publisher", "dc.publisher", "dcterms.publisher", "application-name")


class _HeadParser(HTMLParser):
    """Collects <title>, first <h1>, <meta> name/property → content and the canonical link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.h1 = ""
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self._in: str | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").lower()
            if key and a.get("content", "").strip():
                self.meta.setdefault(key, a["content"].strip())
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split():
            self.canonical = self.canonical or a.get("href", "")
        elif (tag == "title" and not self.title) or (tag == "h1" and not self.h1):
            self._in, self._buf = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            setattr(self, tag, _clean_line("".join(self._buf)))
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buf.append(data)


_SKIP_TAGS = frozenset(
    "script style noscript template nav header footer aside form svg title iframe button select".split()
)
# Paragraph-like blocks are separated by a blank line (as in the corpus), line-like ones by a newline.
_PARA_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 blockquote pre table ul ol dl figure hr".split())
_LINE_TAGS = frozenset("br div li tr dt dd section article main figcaption".split())
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML collapses ASCII whitespace only; no-break spaces stay


class _TextParser(HTMLParser):
    """Fallback text extraction: visible body text, one line per block, furniture and code dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._skip = 0
        self._parts: list[str | int] = []  # text, or a break: 1 = new line, 2 = blank line

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        else:
            self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        else:
            self._break(tag)

    def _break(self, tag: str) -> None:
        if tag in _PARA_TAGS:
            self._parts.append(2)
        elif tag in _LINE_TAGS:
            self._parts.append(1)
        elif tag in ("td", "th"):
            self._parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._parts.append(_HTML_SPACE.sub(" ", data))

    def text(self) -> str:
        out: list[str] = []
        pending = 0
        for part in self._parts:
            if isinstance(part, int):
                pending = max(pending, part)
            elif part.strip(" "):
                if out and pending:
                    out.append("\n" * pending)
                out.append(part)
                pending = 0
            elif out and not pending:
                out.append(part)
        return "\n".join(re.sub(" {2,}", " ", line).strip(" ") for line in "".join(out).split("\n"))


def _load_html(src: _Source) -> _Loaded:
    """.html/.htm: main text via trafilatura (stdlib fallback); metadata from <title>/<h1>/<meta>."""
    _check_size(src, _HTML_BYTES_PER_CHAR)
    raw = _read_text(src.path, charset_fallback=True)
    head = _HeadParser()
    head.feed(raw)
    head.close()
    text = normalize_text(_html_main_text(raw))
    if not text:
        raise _Bad("no visible text in this HTML page")
    if len(text) > src.max_chars:
        raise _too_long(len(text), src.max_chars, "the page's text")
    meta_dates = (parse_date(head.meta[k]) for k in _META_DATE_KEYS if k in head.meta)
    meta_date = next((d for d in meta_dates if d and _plausible(d)), None)  # a bogus meta date: use the text's
    source = _clean_line(next((head.meta[k] for k in _META_SOURCE_KEYS if k in head.meta), ""))
    doc = _make_document(
        doc_id=src.doc_id,
        text=text,
        origin=str(src.path),
        src=src,
        from_name=True,
        title=_without_site_name(head.title or head.meta.get("og:title", "") or head.h1, source),
        date=meta_date or find_date(text),
        source=source,
        url=head.canonical or head.meta.get("og:url", ""),
    )
    return _Loaded(documents=[doc])


def _without_site_name(title: str, site: str) -> str:
    """ "Readout of the Call | The White House" → "Readout of the Call" when the site is the source."""
    if site:
        for sep in (" | ", " - ", " – ", " — ", " :: "):
            if title.endswith(sep + site) and len(title) > len(sep + site):
                return title[: -len(sep + site)].strip()
    return title


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


def _html_main_text(raw: str) -> str:
    """trafilatura drops boilerplate well on real pages; tiny pages fall back to the stdlib parser."""
    try:
        import trafilatura

        with _quiet("trafilatura"):
            text = trafilatura.extract(
                raw, include_comments=False, include_tables=True, deduplicate=False, prune_xpath=_PRUNE_XPATH
            )
    except Exception:  # lxml/trafilatura errors on odd markup: use the fallback
        text = None
    if text and text.strip():
        return text
    parser = _TextParser()
    parser.feed(raw)
    parser.close()
    return parser.text()


# --------------------------------------------------------------------------------------------
# PDF
# --------------------------------------------------------------------------------------------


def _load_pdf(src: _Source) -> _Loaded:
    """.pdf: the text layer (pypdf), pages separated by a blank line; no OCR."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    if src.path.stat().st_size == 0:
        raise _Bad("empty file")
    try:
        with _quiet("pypdf"):
            reader = PdfReader(src.path)
            _unlock(reader)
            pages: list[str] = []
            length = 0
            for page in reader.pages:  # page by page, so a huge text layer is rejected early
                pages.append(page.extract_text() or "")
                length += len(pages[-1]) + 2
                if length > src.max_chars + 2 * len(pages):
                    raise _too_long(length, src.max_chars, "the PDF's text (so far)")
    except (_Bad, OSError):
        raise
    except DependencyError as err:  # only if the pinned `cryptography` is missing from the install
        raise _Bad(f"PDF is AES-encrypted and reading it needs the 'cryptography' package ({err}) — "
                   "reinstall statementqa's dependencies (pip install -r requirements.lock)") from None
    except Exception as err:  # pypdf raises many types on damaged files; all mean "unreadable"
        reason = str(err) or type(err).__name__
        raise _Bad(f"not a readable PDF ({reason}) — re-export it as PDF or save it as text") from None
    text = normalize_text("\n\n".join(pages))
    if not text:
        raise _Bad("PDF has no text layer (scanned image?) — run OCR first")
    if len(text) > src.max_chars:
        raise _too_long(len(text), src.max_chars, "the PDF's text")
    doc = _make_document(
        doc_id=src.doc_id,
        text=text,
        origin=str(src.path),
        src=src,
        from_name=True,
        title=_pdf_title(reader),
        date=find_date(text),
    )
    return _Loaded(documents=[doc])


def _unlock(reader: Any) -> None:
    """Many PDFs are "encrypted" with an empty password (copy protection only); real passwords are an issue."""
    if not reader.is_encrypted:
        return
    from pypdf.errors import DependencyError

    try:
        unlocked = bool(reader.decrypt(""))
    except DependencyError:
        raise  # AES without `cryptography`: said as such, not as "password-protected"
    except Exception:  # a damaged encryption dictionary: no way in
        unlocked = False
    if not unlocked:
        raise _Bad("PDF is password-protected — save an unprotected copy and load that")


def _pdf_title(reader: Any) -> str:
    """The PDF's /Title unless it is a tool artefact like "Microsoft Word - x.docx"."""
    try:
        title = str((reader.metadata or {}).get("/Title") or "").strip()
    except Exception:  # broken metadata must not fail a readable PDF
        return ""
    junk = re.search(r"\.(docx?|pdf|rtf|odt|txt)$|^(microsoft word|untitled)", title, re.IGNORECASE)
    return "" if junk else title


# --------------------------------------------------------------------------------------------
# JSON Lines (the shared corpus format)
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


def _ymd(match: re.Match[str], order: str) -> str | None:
    """A regex match → ISO date, or None if it names no real calendar day (or no month)."""
    if order == "named":
        month = _MONTHS.get(match.group("month").lower())
        year, day = int(match.group("year")), int(match.group("day"))
    else:
        a, b, c = (int(g) for g in match.groups()[:3])
        year, month, day = (a, b, c) if order == "ymd" else (c, b, a)
    try:
        return date(year, month, day).isoformat() if month else None
    except ValueError:
        return None


def _latest_date() -> str:
    """Today, plus a day: a statement published in a time zone ahead of ours is dated "tomorrow"."""
    return (datetime.now().date() + timedelta(days=1)).isoformat()


def _plausible(iso: str) -> bool:
    return _MIN_YEAR <= int(iso[:4]) and iso <= _latest_date()


def _in_range(iso: str, what: str) -> str:
    """A given date must be one a statement can have: not in the future, not before 1900. Rejected, not
    dropped: a typo such as 2999 would otherwise sort first in "latest" questions or drop out of filters."""
    if iso > _latest_date():
        raise _Bad(f"{what} is in the future (after {_latest_date()}) — fix the date (YYYY-MM-DD) or leave it empty")
    if int(iso[:4]) < _MIN_YEAR:
        raise _Bad(f"{what} is before {_MIN_YEAR} — fix the date (YYYY-MM-DD) or leave it empty")
    return iso


_LOADERS: dict[str, Callable[[_Source], _Loaded]] = {
    ".jsonl": _load_jsonl,
    ".txt": _load_text,
    ".md": _load_text,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
}
