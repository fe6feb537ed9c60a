"""Answer → HTML and plain text for the web UI: pure functions, no Gradio.

Why separate from the ``ui`` package: everything a user reads passes through here, and statement text,
titles, URLs and file names are untrusted. Keeping the rendering pure makes the escaping
unit-testable without a browser. Every piece of stored text goes through :func:`esc`; the only
markup in the output is markup written in this module.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from statementqa.models import Answer, Citation, Document, FileResult, IndexStats, Passage
from statementqa.verify.quotes import verify_citation

# Characters that are harmless in HTML but meaningful to the templating and math layers the
# page passes content through (Gradio's HTML templates, KaTeX delimiters): encode them too.
_EXTRA_ENTITIES = str.maketrans({"$": "&#36;", "{": "&#123;", "}": "&#125;", "`": "&#96;", "\\": "&#92;"})

# How much surrounding text a highlighted quote gets on each side when its paragraph is long.
CONTEXT_CHARS = 360
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_MARKER = re.compile(r"\[(\d{1,3})\]")

DocumentLookup = Callable[[str], Document | None]


def esc(text: str | None) -> str:
    """Escape untrusted text for HTML content and attribute values."""
    return html.escape(text or "", quote=True).translate(_EXTRA_ENTITIES)


def esc_lines(text: str | None, strip: bool = True) -> str:
    """Escape and keep line breaks (as ``<br>``) so that no blank line ends a Markdown HTML block."""
    text = text or ""
    return "<br>".join(esc(line) for line in (text.strip() if strip else text).split("\n"))


def safe_url(url: str | None) -> str | None:
    """Only http(s) links are rendered: a statement's ``javascript:`` URL must never become a link."""
    url = (url or "").strip()
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url


def anchor_id(turn: int, n: int) -> str:
    """DOM id of source ``n`` of conversation turn ``turn`` (unique on the page)."""
    return f"sqa-t{turn}-s{n}"


@dataclass(frozen=True)
class QuoteContext:
    """A quote inside its paragraph: ``before + quote + after`` is a verbatim slice of the document."""

    before: str
    quote: str
    after: str
    verified: bool  # the stored text at [start:end] equals the quote


def quote_context(doc_text: str | None, citation: Citation, max_side: int = CONTEXT_CHARS) -> QuoteContext:
    """Cut the paragraph around a citation's span, trimmed to ``max_side`` chars on each side.

    Why from the stored document: the reader checks the quote against what the source says
    around it; the context is taken from the same text the quote was verified against.
    """
    start, end = citation.start, citation.end
    if not doc_text or not (0 <= start <= end <= len(doc_text)) or doc_text[start:end] != citation.quote:
        return QuoteContext("", citation.quote, "", verified=False)
    para_start = 0
    for m in _PARAGRAPH_BREAK.finditer(doc_text, 0, start):
        para_start = m.end()
    next_break = _PARAGRAPH_BREAK.search(doc_text, end)
    para_end = next_break.start() if next_break else len(doc_text)
    before = doc_text[para_start:start]
    after = doc_text[end:para_end]
    if len(before) > max_side:
        cut = before[-max_side:]
        space = cut.find(" ")
        before = "…" + (cut[space + 1 :] if 0 <= space < 40 else cut)
    if len(after) > max_side:
        cut = after[:max_side]
        space = cut.rfind(" ")
        after = (cut[:space] if space > max_side - 40 else cut) + "…"
    return QuoteContext(before, citation.quote, after, verified=True)


def _link_markers(escaped_text: str, turn: int, known: set[int]) -> str:
    """Turn ``[n]`` into a link to source ``n`` of this turn (only for citations that exist)."""

    def repl(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n not in known:
            return m.group(0)
        return f'<a class="sqa-cite" href="#{anchor_id(turn, n)}" title="Go to source [{n}]">[{n}]</a>'

    return _MARKER.sub(repl, escaped_text)


def _closest_docs(passages: Sequence[Passage], limit: int = 3) -> list[Passage]:
    """One passage per statement, best first: the 'closest statements' shown with a refusal."""
    seen: set[str] = set()
    out: list[Passage] = []
    for p in passages:
        if p.doc_id in seen:
            continue
        seen.add(p.doc_id)
        out.append(p)
        if len(out) == limit:
            break
    return out


def _unlisted_closest(answer: Answer) -> list[Passage]:
    """Closest statements to list with a refusal, unless the refusal text already names them all."""
    closest = _closest_docs(answer.passages)
    if closest and all(p.title and p.title in answer.text for p in closest):
        return []
    return closest


def _byline(source: str, date: str | None) -> str:
    return " · ".join(esc(part) for part in (source, date or "") if part)


def answer_html(answer: Answer, turn: int) -> str:
    """The chat bubble for a finished answer: text with linked ``[n]``, refusal styling, backend line.

    Kept on one line (``<br>`` for breaks) inside one ``<div>``, so the chat's Markdown renderer
    passes it through as a raw HTML block and never reinterprets statement text as Markdown.
    """
    known = {c.n for c in answer.citations}
    body = _link_markers(esc_lines(answer.text), turn, known)
    parts: list[str] = []
    if answer.refused:
        parts.append(f'<div class="sqa-refusal-label">No answer in the indexed statements</div><p>{body}</p>')
        closest = _unlisted_closest(answer)
        if closest:
            items = "".join(
                f"<li><b>{esc(p.title) or esc(p.doc_id)}</b> <span class='sqa-byline'>"
                f"{_byline(p.source, p.date)}</span></li>"
                for p in closest
            )
            parts.append(f'<div class="sqa-closest">Closest statements:<ul>{items}</ul></div>')
    else:
        parts.append(f"<p>{body}</p>")
        if answer.citations:
            refs = " ".join(
                f'<a class="sqa-cite" href="#{anchor_id(turn, c.n)}">[{c.n}]</a> {esc(c.title)}'
                for c in answer.citations
            )
            parts.append(f'<div class="sqa-refs">Sources: {refs}</div>')
    if answer.unsupported_sentences:
        items = "".join(f"<li>{esc(u)}</li>" for u in answer.unsupported_sentences)
        parts.append(f'<div class="sqa-unsupported">Not supported by any verified quote:<ul>{items}</ul></div>')
    if answer.notice:
        parts.append(f'<div class="sqa-notice">{esc(answer.notice)}</div>')
    parts.append(f'<div class="sqa-meta">{esc(answer.backend.label)} · {answer.seconds:.1f} s</div>')
    cls = "sqa-answer sqa-refused" if answer.refused else "sqa-answer"
    return f'<div class="{cls}">' + "".join(parts) + "</div>"


def streaming_html(partial_text: str) -> str:
    """The chat bubble while an answer streams in (escaped text, no links yet)."""
    return f'<div class="sqa-answer sqa-streaming"><p>{esc_lines(partial_text)}▍</p></div>'


def error_html(message: str) -> str:
    """The chat bubble for a failure inside answering (the app keeps serving)."""
    return (
        '<div class="sqa-answer sqa-error"><b>Something went wrong while answering.</b> '
        f"{esc(message)}<br>The app is still running: try again, rephrase, or change the filters.</div>"
    )


def _source_card(citation: Citation, turn: int, lookup: DocumentLookup) -> str:
    doc = lookup(citation.doc_id)
    ctx = quote_context(doc.text if doc else None, citation)
    url = safe_url(citation.url or (doc.url if doc else ""))
    link = (
        f' · <a class="sqa-orig" href="{esc(url)}" target="_blank" rel="noopener noreferrer">original</a>'
        if url
        else ""
    )
    note = "" if ctx.verified else '<div class="sqa-notice">Surrounding text unavailable.</div>'
    quote = (
        f"{esc_lines(ctx.before, strip=False)}<mark>{esc_lines(ctx.quote, strip=False)}</mark>"
        f"{esc_lines(ctx.after, strip=False)}"
        if ctx.verified
        else f"<mark>{esc_lines(ctx.quote)}</mark>"
    )
    return (
        f'<div class="sqa-source" id="{anchor_id(turn, citation.n)}">'
        f'<div class="sqa-source-title"><span class="sqa-n">[{citation.n}]</span> '
        f"{_open_link(citation.doc_id, turn, esc(citation.title) or esc(citation.doc_id))}</div>"
        f'<div class="sqa-byline">{_byline(citation.source, citation.date)}{link}</div>'
        f'<blockquote class="sqa-context">{quote}</blockquote>{note}'
        f"{_open_button(citation.doc_id, turn)}</div>"
    )


def _open_link(doc_id: str, turn: int, label_html: str) -> str:
    """A statement's title as a control that opens the whole statement in the viewer (see ``ui.VIEWER_JS``)."""
    return (f'<button type="button" class="sqa-open sqa-open-title" data-sqa-open="{esc(doc_id)}" '
            f'data-sqa-turn="{turn}" title="Read the whole statement">{label_html}</button>')


def _open_button(doc_id: str, turn: int) -> str:
    return (f'<button type="button" class="sqa-open sqa-open-button" data-sqa-open="{esc(doc_id)}" '
            f'data-sqa-turn="{turn}">Read the whole statement ›</button>')


def _closest_card(p: Passage, turn: int = 0) -> str:
    url = safe_url(p.url)
    link = (
        f' · <a class="sqa-orig" href="{esc(url)}" target="_blank" rel="noopener noreferrer">original</a>'
        if url
        else ""
    )
    snippet = p.text if len(p.text) <= 2 * CONTEXT_CHARS else p.text[: 2 * CONTEXT_CHARS] + "…"
    return (
        f'<div class="sqa-source sqa-closest-card"><div class="sqa-source-title">'
        f"{_open_link(p.doc_id, turn, esc(p.title) or esc(p.doc_id))}</div>"
        f'<div class="sqa-byline">{_byline(p.source, p.date)}{link}</div>'
        f'<blockquote class="sqa-context">{esc_lines(snippet)}</blockquote>{_open_button(p.doc_id, turn)}</div>'
    )


def sources_html(answer: Answer, turn: int, lookup: DocumentLookup) -> str:
    """Sources of one answer: per citation its title, body, date, link and highlighted quote."""
    head = f'<div class="sqa-turn-q">Q{turn}: {esc(answer.question)}</div>'
    if answer.refused or not answer.citations:
        closest = _closest_docs(answer.passages)
        if not closest:
            return head + '<div class="sqa-empty">No statement came close to this question.</div>'
        return (
            head
            + '<div class="sqa-closest-label">Closest statements (they do not answer the question):</div>'
            + "".join(_closest_card(p, turn) for p in closest)
        )
    return head + "".join(_source_card(c, turn, lookup) for c in answer.citations)


def conversation_sources_html(answers: Sequence[Answer], lookup: DocumentLookup) -> str:
    """The sources panel: newest answer open, earlier ones folded (their ``[n]`` links still resolve)."""
    if not answers:
        return '<div class="sqa-empty">Ask a question: the quoted sources of each answer appear here.</div>'
    blocks: list[str] = []
    for turn in range(len(answers), 0, -1):
        inner = sources_html(answers[turn - 1], turn, lookup)
        if turn == len(answers):
            blocks.append(f'<div class="sqa-turn sqa-latest">{inner}</div>')
        else:
            blocks.append(
                f'<details class="sqa-turn"><summary>Earlier: {esc(answers[turn - 1].question)}</summary>'
                f"{inner}</details>"
            )
    return "".join(blocks)


VIEWER_EMPTY = ('<div class="sqa-viewer sqa-empty">Click a source’s title or “Read the whole statement” to read '
                "the whole stored statement here, with this answer’s quotes highlighted.</div>")


def _merged_spans(spans: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, list[int]]]:
    """(start, end, citation numbers) with overlapping or touching quotes merged into one highlight."""
    out: list[tuple[int, int, list[int]]] = []
    for start, end, n in sorted(spans):
        if out and start <= out[-1][1]:
            s0, e0, ns = out[-1]
            out[-1] = (s0, max(e0, end), [*ns, n])
        else:
            out.append((start, end, [n]))
    return out


def statement_viewer_html(doc: Document | None, citations: Sequence[Citation] = (), requested_id: str = "",
                          question: str = "") -> str:
    """The whole stored statement, every quote of the answer from it highlighted by its offsets.

    Why offsets and a check: a highlight marks exactly ``text[start:end]`` and only when that equals the
    quote, so the reader sees what was cited where it stands. All statement text is escaped (it renders
    as text, never as markup) and only an http(s) URL becomes a link. The first highlight carries
    ``data-sqa-first`` so the page can scroll to it.
    """
    if doc is None:
        return (f'<div class="sqa-viewer sqa-empty">No statement with id “{esc(requested_id)}” in the index: '
                "it may have been removed since this answer.</div>")
    text = doc.text
    mine = [c for c in citations if c.doc_id == doc.id]
    good = [c for c in mine if verify_citation(c, text)]
    stale = [c for c in mine if c not in good]
    spans = _merged_spans([(c.start, c.end, c.n) for c in good])
    body: list[str] = []
    pos = 0
    for i, (start, end, ns) in enumerate(spans):
        body.append(esc(text[pos:start]))
        label = " ".join(f"[{n}]" for n in ns)
        first = ' data-sqa-first="1"' if i == 0 else ""
        body.append(f'<mark class="sqa-hl" data-n="{esc(label)}" title="Quoted as {esc(label)}"{first}>'
                    f"{esc(text[start:end])}</mark>")
        pos = end
    body.append(esc(text[pos:]))
    url = safe_url(doc.url)
    link = (f' · <a class="sqa-orig" href="{esc(url)}" target="_blank" rel="noopener noreferrer">original</a>'
            if url else "")
    notes = []
    if question:
        found = f"{len(spans)} highlighted passage{'s' if len(spans) != 1 else ''}" if spans else "no quote from it"
        notes.append(f'<div class="sqa-viewer-for">For “{esc(question)}”: {found}.</div>')
    if stale:
        nums = ", ".join(f"[{c.n}]" for c in stale)
        notes.append(f'<div class="sqa-notice">Quote {esc(nums)} no longer matches the stored text of this statement '
                     "(it was re-ingested since the answer), so it is not highlighted.</div>")
    token = secrets.token_hex(6)  # tells the page's scroll script which rendering is the new one
    return (
        f'<div class="sqa-viewer" data-doc="{esc(doc.id)}" data-highlights="{len(spans)}" data-sqa-view="{token}">'
        f'<div class="sqa-viewer-title">{esc(doc.title) or esc(doc.id)}</div>'
        f'<div class="sqa-byline">{_byline(doc.source, doc.date)}{link}</div>'
        f'<div class="sqa-viewer-id">Statement {esc(doc.id)} · {len(text):,} characters</div>'
        + "".join(notes)
        + f'<div class="sqa-viewer-text">{"".join(body)}</div></div>'
    )


def _plain_byline(source: str, date: str | None) -> str:
    return ", ".join(x for x in (source, date or "") if x)


def quoted(quote: str) -> str:
    """Put a quote in quotation marks unless it already is one (no ““doubled”” marks)."""
    q = quote.strip()
    if len(q) > 1 and q[0] in "“\"«„" and q[-1] in "”\"»“":
        return q
    return f"“{q}”"


def answer_plain_text(answer: Answer) -> str:
    """An answer with its citations as plain text, for pasting into a report."""
    lines = [answer.text.strip()]
    if answer.refused:
        closest = _unlisted_closest(answer)
        if closest:
            lines += ["", "Closest statements (they do not answer the question):"]
            for p in closest:
                lines.append(f"- {p.title or p.doc_id} — {_plain_byline(p.source, p.date)}")
                if p.url:
                    lines.append(f"  {p.url}")
    elif answer.citations:
        lines += ["", "Sources:"]
        for c in answer.citations:
            lines.append(f"[{c.n}] {c.title or c.doc_id} — {_plain_byline(c.source, c.date)}")
            if c.url:
                lines.append(f"    {c.url}")
            lines.append(f"    {quoted(c.quote)}")
    if answer.unsupported_sentences:
        lines += ["", "Not supported by any verified quote:"]
        lines += [f"- {u}" for u in answer.unsupported_sentences]
    if answer.notice:
        lines += ["", f"Note: {answer.notice}"]
    lines += ["", f"Answered by: {answer.backend.label}"]
    return "\n".join(lines)


def index_panel_html(stats: IndexStats, notice: str | None = None) -> str:
    """Documents, chunks, sources and date range of the index (plus e.g. the first-run message)."""
    parts = []
    if notice:
        parts.append(f'<div class="sqa-notice">{esc(notice)}</div>')
    dates = (
        f"{esc(stats.date_from)} – {esc(stats.date_to)}" if stats.date_from or stats.date_to else "no dates"
    )
    parts.append(
        '<ul class="sqa-stats">'
        f"<li><b>{stats.statements}</b> statements</li>"
        f"<li><b>{stats.chunks}</b> chunks</li>"
        f"<li>dates: {dates}</li></ul>"
    )
    if stats.sources:
        items = "".join(
            f"<li>{esc(name)} <span class='sqa-count'>({count})</span></li>"
            for name, count in sorted(stats.sources.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        parts.append(f'<div class="sqa-sources-list">Issuing bodies:<ul>{items}</ul></div>')
    return '<div class="sqa-index">' + "".join(parts) + "</div>"


@dataclass(frozen=True)
class UploadOutcome:
    """One uploaded file as the user sees it: its (display) name and what happened to it."""

    name: str
    ok: bool
    message: str
    result: FileResult | None = None


def upload_results_html(outcomes: Iterable[UploadOutcome]) -> str:
    """Per-file ingest results, errors included (file names are untrusted and escaped)."""
    rows = []
    for o in outcomes:
        issues = ""
        if o.result and o.result.issues:
            issues = "<ul>" + "".join(f"<li>{esc(str(i))}</li>" for i in o.result.issues[:20]) + "</ul>"
            if len(o.result.issues) > 20:
                issues += f"<div>… and {len(o.result.issues) - 20} more problems</div>"
        cls = "sqa-upload-ok" if o.ok else "sqa-upload-bad"
        rows.append(f'<li class="{cls}"><b>{esc(o.name)}</b>: {esc(o.message)}{issues}</li>')
    if not rows:
        return ""
    return '<ul class="sqa-uploads">' + "".join(rows) + "</ul>"


def file_result_message(result: FileResult) -> str:
    """One line per file: what an ingest did with it."""
    bits = [
        f"{result.added} added",
        f"{result.updated} updated",
        f"{result.unchanged} unchanged",
    ]
    if result.failed:
        bits.append(f"{result.failed} failed")
    return ", ".join(bits)
