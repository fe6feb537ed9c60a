"""Reading saved web pages (.html/.htm): the main text without page furniture, and the page's metadata.

Why trafilatura with a fallback: it drops navigation, footers and cookie banners well on real pages, but
returns nothing for tiny ones; the stdlib parser then keeps paragraph breaks as blank lines, as in the corpus.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from statementqa.ingest.common import (
    _HTML_BYTES_PER_CHAR,
    _Bad,
    _check_size,
    _clean_line,
    _Loaded,
    _make_document,
    _quiet,
    _read_text,
    _Source,
    _too_long,
    normalize_text,
)
from statementqa.ingest.dates import _plausible, find_date, parse_date

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
