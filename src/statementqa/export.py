"""Answers and conversations as files an analyst keeps: Markdown, JSON, and one citation line per quote.

Why re-verify here: an export may be made from a conversation restored from the browser, or long
after the answer, when a statement may have been re-ingested. Every quote is checked again against
the stored text (``quote == text[start:end]``) at export time and the result is written next to it,
so a report never carries a quote the index no longer backs without saying so.

Why ``model_dump``: the JSON carries every field of :class:`~statementqa.models.Answer` (offsets
included) as the model defines them, so fields added later are exported without changes here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from statementqa.models import Answer, Citation, Document
from statementqa.render import safe_url
from statementqa.verify.quotes import verify_citation

FORMAT = "statementqa-conversation"
FORMAT_VERSION = 1

DocumentLookup = Callable[[str], Document | None]
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def long_date(iso: str | date | None) -> str:
    """``2024-05-30`` → ``30 May 2024`` (left as given when it is not an ISO date)."""
    if iso is None or iso == "":
        return "undated"
    try:
        d = iso if isinstance(iso, date) else date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def citation_line(c: Citation, accessed: date) -> str:
    """One reference per quote, in the usual form for a press release: issuer, title, date, URL, accessed.

    ``Ministry of Foreign Affairs of the Czech Republic. “Czech FA Minister … partnership.” 30 May 2024.
    https://… (accessed 1 December 2025).``
    """
    title = (c.title or c.doc_id).strip()
    if title and title[-1] not in ".?!":
        title += "."
    parts = [f"{c.source.strip()}." if c.source.strip() else "", f"“{title}”", f"{long_date(c.date)}."]
    url = safe_url(c.url)  # a reference carries a web address, never a javascript: or file: one
    if url:
        parts.append(url)
    parts.append(f"(accessed {long_date(accessed)}).")
    return " ".join(p for p in parts if p)


def verified(c: Citation, lookup: DocumentLookup | None) -> bool | None:
    """True/False: the quote is (not) the stored text at its offsets now; None: no index to check against."""
    if lookup is None:
        return None
    doc = lookup(c.doc_id)
    return verify_citation(c, doc.text if doc else None)


def answer_record(answer: Answer, lookup: DocumentLookup | None, accessed: date) -> dict[str, Any]:
    """The answer as JSON: every ``Answer`` field, plus per citation its reference line and check result."""
    checks = [verified(c, lookup) for c in answer.citations]
    return {
        "answer": answer.model_dump(mode="json"),
        "citation_lines": {str(c.n): citation_line(c, accessed) for c in answer.citations},
        "quotes_verified": {str(c.n): ok for c, ok in zip(answer.citations, checks, strict=True)},
    }


def conversation_json(answers: Sequence[Answer], lookup: DocumentLookup | None = None,
                      now: datetime | None = None, index: dict[str, Any] | None = None) -> dict[str, Any]:
    """A whole conversation (oldest first) as one JSON document."""
    now = now or datetime.now(UTC)
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": now.isoformat(timespec="seconds"),
        "index": index or {},
        "turns": [answer_record(a, lookup, now.date()) for a in answers],
    }


# CommonMark: a backslash before any ASCII punctuation shows that character literally. Escaping the ones
# that start markup keeps a statement's own "<b>", "*", "[x](y)" or "#" as text in any Markdown viewer.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&$])")


def md_escape(text: str) -> str:
    """Escape text so that a Markdown renderer shows it verbatim (no HTML, links or emphasis from it)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_unescape(text: str) -> str:
    """The text :func:`md_escape` was given back (for checks: the quote in the file is the stored quote)."""
    return re.sub(r"\\([\\`*_{}\[\]<>()#+!|~&$])", r"\1", text)


def _blockquote(text: str) -> str:
    return "\n".join("> " + md_escape(line) if line.strip() else ">" for line in text.strip("\n").split("\n"))


def answer_markdown(answer: Answer, lookup: DocumentLookup | None = None, accessed: date | None = None,
                    heading: str = "##") -> str:
    """One answer: the question as a heading, the answer, then each quote with its reference line."""
    accessed = accessed or date.today()
    lines = [f"{heading} {md_escape(answer.question.strip())}", "", md_escape(answer.text.strip()), ""]
    if answer.refused:
        lines += ["*No answer in the indexed statements.*", ""]
    for c in answer.citations:
        ok = verified(c, lookup)
        lines.append(f"**\\[{c.n}\\]** {md_escape(citation_line(c, accessed))}")
        lines.append("")
        lines.append(_blockquote(c.quote))
        where = f"*Characters {c.start}–{c.end} of statement* `{c.doc_id.replace('`', '')}`"
        if ok is False:
            where += " — **this quote no longer matches the stored statement** (it changed or was removed)"
        lines += ["", where, ""]
    if answer.unsupported_sentences:
        lines.append("Not supported by any verified quote:")
        lines += [f"- {md_escape(u)}" for u in answer.unsupported_sentences]
        lines.append("")
    if answer.notice:
        lines += [f"*Note: {md_escape(answer.notice)}*", ""]
    lines += [f"*Answered by {md_escape(answer.backend.label)}.*", ""]
    return "\n".join(lines)


def conversation_markdown(answers: Sequence[Answer], lookup: DocumentLookup | None = None,
                          now: datetime | None = None, title: str = "statementqa conversation") -> str:
    """A whole conversation as a Markdown report, oldest question first."""
    now = now or datetime.now(UTC)
    head = [f"# {md_escape(title)}", "", f"*Exported {now.strftime('%Y-%m-%d %H:%M')} UTC; "
            "every quote is verbatim from the stored statement at the character offsets given.*", ""]
    return "\n".join(head) + "\n".join(answer_markdown(a, lookup, now.date()) for a in answers)
