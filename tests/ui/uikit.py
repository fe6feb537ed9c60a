"""Shared test helpers for the UI tests: HTML inspection and model builders."""

from __future__ import annotations

from html.parser import HTMLParser

from statementqa.models import Answer, Citation, Document, Passage

# A statement whose title, text and URL carry script payloads: it must be displayed as text.
PAYLOAD_STATEMENT = {
    "id": "test-payload-harbour-bridge",
    "title": 'Harbour bridge <img src=x onerror="window.__sqa_xss=1"> reopening',
    "date": "2025-02-10",
    "source": "Ministry of Examples",
    "url": "javascript:window.__sqa_xss=5",
    "text": (
        "Harbour bridge update.\n\nThe Ministry of Examples said the harbour bridge will reopen on 3 March 2025 "
        '<script>window.__sqa_xss=2</script> after repairs. <img src=x onerror="window.__sqa_xss=3"> '
        "The repairs cost {{7*7}} million euros.\n\nThe bridge carries about 9,000 vehicles a day."
    ),
}

PAYLOAD_TITLE = 'Bridge <img src=x onerror="window.__sqa_xss=1"> reopening <script>window.__sqa_xss=2</script>'
PAYLOAD_TEXT = (
    "Intro paragraph.\n\nThe ministry said <script>window.__sqa_xss=3</script> the bridge reopens on "
    '3 March. <img src=x onerror="window.__sqa_xss=4"> Costs were {{7*7}} ${7*7} `x` $$x^2$$ '
    "[link](javascript:alert(1))."
    "\n\nOutro paragraph."
)


class TagCollector(HTMLParser):
    """Every start tag with its attributes, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html_text: str) -> TagCollector:
    c = TagCollector()
    c.feed(html_text)
    c.close()
    return c


def assert_inert(html_text: str) -> None:
    """No element or attribute in ``html_text`` can run script."""
    for tag, attrs in parse(html_text).tags:
        assert tag not in {"script", "img", "iframe", "object", "embed", "svg", "style"}, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in {"href", "src"}:
                assert not (value or "").strip().lower().startswith(("javascript:", "data:")), value


def make_doc(text: str, **kw: object) -> Document:
    base = {"id": "doc-1", "title": "Title", "date": "2024-05-30", "source": "Ministry", "url": ""}
    base.update(kw)
    return Document(text=text, **base)  # type: ignore[arg-type]


def cite(doc: Document, quote: str, n: int = 1) -> Citation:
    start = doc.text.index(quote)
    return Citation(
        n=n, doc_id=doc.id, title=doc.title, source=doc.source, date=doc.date, url=doc.url,
        quote=quote, start=start, end=start + len(quote),
    )


def passage(doc: Document, text: str | None = None, score: float = 0.5) -> Passage:
    text = text or doc.text[:200]
    start = doc.text.index(text)
    return Passage(
        chunk_id=f"{doc.id}#0", doc_id=doc.id, text=text, start=start, end=start + len(text), score=score,
        title=doc.title, source=doc.source, date=doc.date, url=doc.url,
    )


def answered(question: str, text: str, citations: list[Citation], **kw: object) -> Answer:
    return Answer(question=question, text=text, citations=citations, **kw)  # type: ignore[arg-type]
