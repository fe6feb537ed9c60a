"""Quote verification: the one gate every citation passes before a user sees it.

Why a module of its own: both the extractive answerer and the LLM path must apply the same rule —
a quote is shown only if it is exactly ``stored_text[start:end]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from statementqa.models import Citation


def verify_citation(citation: Citation, doc_text: str | None) -> bool:
    """True iff the quote is the exact, non-empty span ``doc_text[start:end]``."""
    if doc_text is None or not citation.quote.strip():
        return False
    if not (0 <= citation.start < citation.end <= len(doc_text)):
        return False
    return doc_text[citation.start : citation.end] == citation.quote


def keep_verified(
    citations: Iterable[Citation], get_text: Callable[[str], str | None]
) -> tuple[list[Citation], list[Citation]]:
    """Split citations into (verified, rejected) against the stored document texts."""
    ok: list[Citation] = []
    bad: list[Citation] = []
    for c in citations:
        (ok if verify_citation(c, get_text(c.doc_id)) else bad).append(c)
    return ok, bad
