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


# --- normalized quote matching ----------------------------------------------------------------
# Models re-type quotes: straight for curly quote marks, hyphens for dashes, "..." for "…", collapsed
# or doubled spaces. Those differences are typography, not wording, so matching ignores them; the
# span returned is still the exact stored text, so the quote a user sees is the source's own.

_SINGLE_QUOTES = "'‘’‚‛′`´"
_DOUBLE_QUOTES = '"“”„‟″«»'
_DASHES = "-‐‑‒–—―−"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_FOLD = {
    **{c: "'" for c in _SINGLE_QUOTES},
    **{c: '"' for c in _DOUBLE_QUOTES},
    **{c: "-" for c in _DASHES},
    "…": "...",
}
_WRAPPERS = _SINGLE_QUOTES + _DOUBLE_QUOTES + "…. \t\n\r\u00a0"
_TRAILING_PUNCT = ".,;:!?"


def _normalize(text: str) -> tuple[str, list[int]]:
    """Fold typography and whitespace; return the folded text and, per folded char, its source index.

    Whitespace runs become one space, and spaces next to a dash are dropped (``17 — the`` matches
    ``17-the`` and ``17 - the``).
    """
    out: list[str] = []
    where: list[int] = []
    pending_space = -1  # source index of a whitespace run not yet emitted
    for i, ch in enumerate(text):
        if ch in _INVISIBLE:
            continue
        if ch.isspace():
            if pending_space < 0:
                pending_space = i
            continue
        folded = _FOLD.get(ch, ch)
        if pending_space >= 0:
            if out and out[-1] != "-" and folded != "-":
                out.append(" ")
                where.append(pending_space)
            pending_space = -1
        for piece in folded:
            out.append(piece)
            where.append(i)
    return "".join(out), where


def _find(quote: str, text: str, folded_text: str, where: list[int]) -> tuple[int, int] | None:
    folded_quote, _ = _normalize(quote)
    if not folded_quote.strip():
        return None
    exact = text.find(quote)
    if exact >= 0:
        return exact, exact + len(quote)
    pos = folded_text.find(folded_quote)
    if pos < 0:
        return None
    return where[pos], where[pos + len(folded_quote) - 1] + 1


def locate_quote(quote: str, text: str) -> tuple[int, int] | None:
    """Where ``quote`` occurs in ``text``, ignoring typography; ``(start, end)`` of the exact source span.

    Tried in order: the quote as given; without wrapping quote marks, ellipses and spaces; and
    without trailing punctuation (a model often ends a quoted clause with a full stop the source
    does not have there). Case and wording must match. ``text[start:end]`` is what to show.
    """
    if not quote or not text:
        return None
    folded_text, where = _normalize(text)
    candidates = [quote, quote.strip(_WRAPPERS)]
    candidates.append(candidates[-1].rstrip(_TRAILING_PUNCT + _WRAPPERS))
    seen: set[str] = set()
    for candidate in candidates:
        if not candidate or candidate in seen:
            continue
        seen.add(candidate)
        span = _find(candidate, text, folded_text, where)
        if span is not None:
            start, end = span
            # never return a span with loose whitespace at its edges
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                return start, end
    return None
