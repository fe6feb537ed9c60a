"""Quote verification: the one gate every citation passes before a user sees it.

Why a module of its own: both the extractive answerer and the LLM path must apply the same rule —
a quote is shown only if it is exactly ``stored_text[start:end]`` (``verify_citation``). A model's quote is
first located in the passage it cites, ignoring typography (``locate_quote``), and widened to whole
sentences (``verify_quotes``); whether it backs the claim it is attached to is ``grounding``'s question.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from statementqa import injection, sentences
from statementqa.models import Citation, Passage
from statementqa.textutil import DOUBLE_QUOTES, INVISIBLE, SINGLE_QUOTES, TYPOGRAPHY_FOLD, shorten, words

GetText = Callable[[str], str | None]

_MIN_QUOTE_CHARS = 8


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

# The character classes are textutil's (one definition of what typography is); the fold here keeps a map from
# folded to source positions, so it is a loop, not ``textutil.fold_typography``.
_FOLD = {chr(k): v for k, v in TYPOGRAPHY_FOLD.items() if v and k != 0xA0}  # no-break space: whitespace below
_WRAPPERS = SINGLE_QUOTES + DOUBLE_QUOTES + "…. \t\n\r\u00a0"
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
        if ch in INVISIBLE:
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


# --- a generated answer's quotes: verbatim spans of the passage they cite ------------------------------


@dataclass
class VerifiedQuote:
    """A verified citation: ``quote`` (shown) is the whole sentence(s) ``stored[start:end]``; ``basis`` is
    the part the model pointed at, which the claim must be backed by (widening adds no evidence)."""

    n: int
    start: int  # in the full stored text
    end: int
    quote: str
    basis: str = ""

    def __post_init__(self) -> None:
        self.basis = self.basis or self.quote


@dataclass
class QuoteCheck:
    """The outcome of checking a draft's quotes."""

    good: dict[int, list[VerifiedQuote]] = field(default_factory=dict)  # verified quotes by passage number
    rejected: list[str] = field(default_factory=list)  # why each failed check failed (shown in the notice)
    moved: dict[int, int] = field(default_factory=dict)  # marker re-pointed: [n] whose quote is in passage m
    dropped: int = 0  # quotes that did not verify


class _Located:
    """Where quotes occur in the stored texts of the passages (each text fetched once)."""

    def __init__(self, passages: list[Passage], get_text: GetText) -> None:
        self.passages = passages
        self._get_text = get_text
        self._texts: dict[str, str | None] = {}

    def text(self, n: int) -> str | None:
        doc_id = self.passages[n - 1].doc_id
        if doc_id not in self._texts:
            self._texts[doc_id] = self._get_text(doc_id)
        return self._texts[doc_id]

    def span(self, quote: str, n: int) -> tuple[int, int] | None:
        p, full = self.passages[n - 1], self.text(n)
        if full is None or not 0 <= p.start < p.end <= len(full):
            return None
        span = locate_quote(quote, full[p.start : p.end])
        return (p.start + span[0], p.start + span[1]) if span else None

    def find(self, quote: str, n: int, check: QuoteCheck) -> tuple[int, tuple[int, int]] | str:
        """(passage number, span) of a quote cited as [n]: in passage n, or else in exactly one other passage
        (small models often mis-number; the marker is then re-pointed); else why it was not found."""
        found = self.span(quote, n)
        if found is not None:
            return n, found
        elsewhere = [m for m in range(1, len(self.passages) + 1) if m != n and self.span(quote, m)]
        if len(elsewhere) != 1:
            return "found in several other passages" if elsewhere else "not found in any passage"
        target = elsewhere[0]
        found = self.span(quote, target)
        assert found is not None
        check.moved[n] = target
        check.rejected.append(f"[{n}] “{shorten(quote, 60)}”: found in passage {target}, not {n}; "
                              f"re-pointed to [{target}]")
        return target, found


def _check_quote(n: int, quote: str, located: _Located, check: QuoteCheck) -> VerifiedQuote | str | None:
    """The verified quote for ``(n, quote)``; a reason if it fails; None if it repeats one already kept."""
    passages = located.passages
    if not 1 <= n <= len(passages):
        return f"citation number out of range (1–{len(passages)})"
    if located.text(n) is None:
        return f"statement {passages[n - 1].doc_id} is no longer in the index"
    where = located.find(quote, n, check)
    if isinstance(where, str):
        return where
    target, found = where
    full = located.text(target) or ""
    basis = full[found[0] : found[1]]
    if len(basis) < _MIN_QUOTE_CHARS or len(words(basis)) < 2:
        return "too short to support a claim"
    # A quote is shown as whole sentences of the source: one located inside a sentence ("…900 new
    # mining licences") is shown with the rest of it ("…only if parliament passes the law").
    start, end = sentences.enclosing(full, *found)
    planted = injection.flag_in(full, start, end)
    if planted is not None:
        return f"an instruction embedded in the statement, not evidence ({planted.why})"
    same = [v for v in check.good.get(target, []) if v.start == start and v.end == end]
    if same:  # the same span quoted twice is not a rejection either
        same[0].basis += " " + basis
        return None
    return VerifiedQuote(target, start, end, full[start:end], basis)


def verify_quotes(quotes: Sequence[tuple[int, str]], passages: list[Passage], get_text: GetText) -> QuoteCheck:
    """The (passage number, quote) pairs a model proposed that are verbatim spans of the passage they cite, by
    passage number; the rejections; the markers to re-point (a real sentence cited under the wrong number is
    kept under the passage it is in, and the claim must still pass ``grounding.backs``); how many were dropped."""
    check = QuoteCheck()
    located = _Located(passages, get_text)
    kept = 0
    for n, quote in quotes:
        outcome = _check_quote(n, quote, located, check)
        if isinstance(outcome, str):
            check.rejected.append(f"[{n}] “{shorten(quote, 60)}”: {outcome}")
            continue
        kept += 1
        if outcome is not None:
            check.good.setdefault(outcome.n, []).append(outcome)
    # A number keeps its own verified quotes; it is re-pointed only when it has none.
    check.moved = {n: m for n, m in check.moved.items() if n not in check.good and m in check.good}
    check.dropped = len(quotes) - kept
    return check
