"""Claim-versus-quote verification: a generated answer keeps only what the passages it cites back.

Why this is its own module: a model writes fluent answers but may invent figures, misquote, cite the wrong
passage or obey text planted in a statement. So the model only *proposes* an answer, ``[n]`` markers and,
per citation, the exact sentence it relied on. Two gates then decide what is shown:

1. ``quotes.verify_quotes``: a quote is kept only if it is a verbatim span of passage ``n`` (``locate_quote``),
   widened to whole sentences, long enough to say something, and not an instruction planted in the statement.
2. ``backs``: each sentence of the answer (a claim) is kept as supported only if the quotes it cites back it.
   The rules are the named checks in ``CHECKS``; each returns a ``Verdict`` and can be tested on its own.

Sentences left without support are flagged in ``Answer.unsupported_sentences``; an answer with no verified
citation at all is a refusal (when the model said the statements do not say) or ``Rejected`` (the caller
then falls back to the extractive answer and shows the reason). Every citation finally passes
``quotes.verify_citation``, the same exact-span gate as the extractive path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from statementqa import injection, sentences
from statementqa.answering.compose import REFUSAL_PREFIX, says_refusal
from statementqa.models import Answer, Backend, Citation, Passage
from statementqa.textutil import MONTH_NAME, shorten, term_set, words
from statementqa.verify.quotes import GetText, QuoteCheck, VerifiedQuote, verify_citation, verify_quotes


class Proposal(Protocol):
    """What a model proposed (``llm.reply.Draft``): an answer with ``[n]`` markers and (n, quote) pairs."""

    answer: str
    quotes: list[tuple[int, str]]
    refused: bool


# --- the text of an answer: markers, figures, wording ------------------------------------------------

_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Words every answer about statements uses ("The statement says …", "Yes."): not evidence of anything.
_ANSWER_WORDS = frozenset({"yes", "statement", "index"})  # stems (textutil.terms): "statements", "indexed"
_MONTH = re.compile(rf"\b{MONTH_NAME}\b", re.IGNORECASE)
_MARKERS_AHEAD = re.compile(r"(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+")


def claim_sentences(text: str) -> list[str]:
    """Claims of an answer: its sentences, cut by the one splitter quotes are cut with (``sentences``), each
    with the ``[n]`` markers that follow it ("… in Prague. [2]"); a line is never part of another's claim."""
    out: list[str] = []
    for line in text.splitlines():
        spans: list[tuple[int, int]] = []
        for s, e in sentences.sentence_spans(line, min_length=0):  # "Yes [1]." is a claim of its own
            ahead = _MARKERS_AHEAD.match(line, s)
            if ahead and spans:  # markers that open a sentence close the one before
                spans[-1] = (spans[-1][0], ahead.end())
                s = ahead.end()
            if line[s:e].strip():
                spans.append((s, e))
        out.extend(line[s:e].strip() for s, e in spans)
    return [s for s in out if s]


def _markers(sentence: str) -> list[int]:
    return [int(n) for m in _MARKER.finditer(sentence) for n in re.split(r"\s*[,;]\s*", m.group(1))]


def _keep_markers(match: re.Match[str], valid: frozenset[int]) -> str:
    """A marker group rewritten with only its verified numbers (``[1, 4]`` → `` [1]``)."""
    return "".join(f" [{n}]" for n in re.split(r"\s*[,;]\s*", match.group(1)) if int(n) in valid)


def _strip_markers(sentence: str) -> str:
    return re.sub(r"\s+([.,;:!?])", r"\1", _MARKER.sub("", sentence)).strip()


def _add_markers(sentence: str, ns: list[int]) -> str:
    """``sentence`` with ``[n]`` markers before its final punctuation."""
    if not ns:
        return sentence
    marks = "".join(f" [{n}]" for n in ns)
    m = re.search(r"[.!?]+[\"”’')]*$", sentence)
    return sentence[: m.start()] + marks + sentence[m.start() :] if m else sentence + marks


def _repoint(match: re.Match[str], moved: dict[int, int]) -> str:
    """Rewrite the numbers inside one marker group ("[2]", "[1, 3]") through ``moved``."""
    return re.sub(r"\d+", lambda d: str(moved.get(int(d.group()), int(d.group()))), match.group())


def _numbers(text: str) -> set[str]:
    """Figures in a text, normalized (``1,000`` = ``1000``, ``05`` = ``5``), markers excluded."""
    out = set()
    for m in _NUMBER.finditer(_MARKER.sub(" ", text)):
        raw = m.group(0).replace(",", "")
        whole, _, frac = raw.partition(".")
        out.add((whole.lstrip("0") or "0") + ("." + frac if frac else ""))
    return out


def _content_words(text: str) -> set[str]:
    """Content words of a text: its terms (``textutil.terms``: accents folded, stop words dropped, stemmed)
    with letters only and more than two letters, minus the words every answer uses."""
    return {t for t in term_set(text) if len(t) > 2 and t.isalpha()} - _ANSWER_WORDS


def _word_count(text: str) -> int:
    return len(words(text))


def _date_numbers(date: str | None, claim: str) -> set[str]:
    """Figures a claim may take from a statement's date: its year; day and month only in a written date."""
    parts = [str(int(x)) for x in re.findall(r"\d+", date or "")]
    if not parts:
        return set()
    return set(parts) if _MONTH.search(claim) else {parts[0]}


# --- gate 2: does the evidence back the claim? (the named checks) ------------------------------------


@dataclass(frozen=True)
class Verdict:
    """One check's finding about one claim: ``ok``, or why not (``reason``, shown to the user)."""

    check: str
    ok: bool = True
    reason: str | None = None

    @classmethod
    def fail(cls, check: str, reason: str) -> Verdict:
        return cls(check, ok=False, reason=reason)


@dataclass(frozen=True)
class Backing:
    """A claim's figures and content words, and those of the evidence cited for it."""

    figures: frozenset[str]  # in the claim
    words: frozenset[str]  # content words of the claim (stems)
    quote_figures: frozenset[str]  # in the quoted text the model pointed at
    title_figures: frozenset[str]  # in the titles of the cited statements
    date_figures: frozenset[str]  # a claim may take from the statements' dates
    quote_words: frozenset[str]
    title_words: frozenset[str]
    question_words: frozenset[str]
    min_shared: int = 1  # content words the claim must share with the evidence

    @classmethod
    def of(cls, claim: str, quote: str, question: str, title: str = "", dates: Iterable[str | None] = (),
           min_shared: int = 1) -> Backing:
        return cls(
            figures=frozenset(_numbers(claim)),
            words=frozenset(_content_words(_strip_markers(claim))),
            quote_figures=frozenset(_numbers(quote)),
            title_figures=frozenset(_numbers(title)),
            date_figures=frozenset(x for d in dates for x in _date_numbers(d, claim)),
            quote_words=frozenset(_content_words(quote)),
            title_words=frozenset(_content_words(title)),
            question_words=frozenset(_content_words(question)),
            min_shared=min_shared,
        )

    @property
    def quoted_figures(self) -> frozenset[str]:
        return self.quote_figures | self.title_figures


def figures_are_quoted(b: Backing) -> Verdict:
    """Every figure of the claim is in a quote, a cited statement's title, or its date."""
    missing = sorted(b.figures - b.quoted_figures - b.date_figures)
    if missing:
        return Verdict.fail("figures_are_quoted", f"figure {', '.join(missing)} is not in the cited quote")
    return Verdict("figures_are_quoted")


def shares_wording(b: Backing) -> Verdict:
    """The claim shares content words with the quotes or titles (``min_shared`` of them)."""
    # A claim the model left unmarked needs two: one shared place name lets a dateline ("Washington, D.C.")
    # "back" "the memorandum was signed in Washington".
    shared = b.words & (b.quote_words | b.title_words)
    if b.words and len(shared) < min(b.min_shared, len(b.words)):
        return Verdict.fail("shares_wording", "shares no wording with the cited quote")
    return Verdict("shares_wording")


def shares_enough_wording(b: Backing) -> Verdict:
    """A claim of four or more content words shares at least two with the quotes themselves."""
    if len(b.words) >= 4 and len(b.words & b.quote_words) < 2:
        return Verdict.fail("shares_enough_wording", "shares too little wording with the quote")
    return Verdict("shares_enough_wording")


def figure_only_claim_is_quoted(b: Backing) -> Verdict:
    """A claim made only of figures has one of them in a quote or title, not only in the date."""
    if not b.words and b.figures and not b.figures & b.quoted_figures:
        return Verdict.fail("figure_only_claim_is_quoted",
                            f"figure {', '.join(sorted(b.figures))} is not in the cited quote")
    return Verdict("figure_only_claim_is_quoted")


def bare_figure_is_on_topic(b: Backing) -> Verdict:
    """A bare figure found in the title only: the quote must at least be about what was asked."""
    # not a signature line ("Antony J. Blinken, Secretary of State") under a "$150 Million …" title
    if b.figures and len(b.words) <= 2 and not b.figures & b.quote_figures and not b.question_words & b.quote_words:
        return Verdict.fail("bare_figure_is_on_topic", "the cited quote is not about what was asked")
    return Verdict("bare_figure_is_on_topic")


def bare_answer_is_on_topic(b: Backing) -> Verdict:
    """A bare "Yes"/"No" (no content word, no figure) needs a quote sharing two words with the question."""
    if not b.words and not b.figures and len(b.question_words & b.quote_words) < 2:
        return Verdict.fail("bare_answer_is_on_topic", "the cited quote is not about what was asked")
    return Verdict("bare_answer_is_on_topic")


Check = Callable[[Backing], Verdict]

# In order: the first failing check is the reason shown.
CHECKS: tuple[Check, ...] = (
    figures_are_quoted,
    shares_wording,
    shares_enough_wording,
    figure_only_claim_is_quoted,
    bare_figure_is_on_topic,
    bare_answer_is_on_topic,
)


def backs(claim: str, evidence: Sequence[VerifiedQuote], passages: list[Passage], question: str,
          min_shared: int = 1) -> Verdict:
    """Do the quotes back the claim? The first failing check, else an ok verdict."""
    ns = {v.n for v in evidence}
    backing = Backing.of(
        claim,
        quote=" ".join(v.basis for v in evidence),
        question=question,
        title=" ".join(passages[n - 1].title for n in ns),
        dates=[passages[n - 1].date for n in ns],
        min_shared=min_shared,
    )
    for check in CHECKS:
        verdict = check(backing)
        if not verdict.ok:
            return verdict
    return Verdict("backs")


def backing_sentence(claim: str, n: int, passages: list[Passage], get_text: GetText,
                     question: str) -> VerifiedQuote | None:
    """The sentence of passage ``n`` that most clearly backs ``claim`` (for a marker without a quote).

    Strict on purpose, since the model did not point at it: every figure of the claim is in it and it
    shares at least two content words and 40% of the claim's content words.
    """
    p = passages[n - 1]
    full = get_text(p.doc_id)
    if full is None or not 0 <= p.start < p.end <= len(full):
        return None
    words = _content_words(claim)
    best: tuple[int, VerifiedQuote] | None = None
    for s, e in sentences.cached_spans(full):
        if s >= p.end or e <= p.start:
            continue
        v = VerifiedQuote(n, s, e, full[s:e])
        if _word_count(v.quote) < 3 or injection.flag_in(full, s, e) is not None:
            continue
        shared = len(words & _content_words(v.quote))
        if shared < max(2, 0.4 * len(words)) or not backs(claim, [v], passages, question).ok:
            continue
        if best is None or shared > best[0]:
            best = (shared, v)
    return best[1] if best else None


# --- the draft as a whole ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rejected:
    """Nothing verifiable was left: ``reason`` for the user, ``dropped`` quotes that failed verification."""

    reason: str
    dropped: int = 0


@dataclass
class _Claims:
    """The answer's sentences, checked one by one against the verified quotes."""

    check: QuoteCheck
    quoted: set[int]  # passage numbers the model gave a quote for
    passages: list[Passage]
    get_text: GetText
    question: str
    shown: list[str] = field(default_factory=list)  # the sentences of the answer, as shown
    unsupported: list[str] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # passage numbers cited by a supported claim
    claims: int = 0

    def add(self, sentence: str) -> None:
        if self.check.moved:
            sentence = _MARKER.sub(partial(_repoint, moved=self.check.moved), sentence)
        cited = list(dict.fromkeys(_markers(sentence)))
        plain = _strip_markers(sentence)
        if not cited and says_refusal(sentence):
            self.shown.append(plain)
            return
        if not plain or not words(plain):  # markers or punctuation only
            return
        self.claims += 1
        good = self.check.good
        for n in cited:
            # a marker the model gave no quote for: the passage sentence that backs the claim, if any
            if n not in good and n not in self.quoted and 1 <= n <= len(self.passages):
                found = backing_sentence(plain, n, self.passages, self.get_text, self.question)
                if found is not None:
                    good[n] = [found]
        if not cited:
            # a claim the model left unmarked: attach a verified quote that clearly backs it
            cited = [n for n, vs in good.items() if backs(plain, vs, self.passages, self.question, min_shared=2).ok]
            sentence = _add_markers(plain, cited)
        evidence = [v for n in cited for v in good.get(n, [])]
        verdict = (backs(sentence, evidence, self.passages, self.question) if evidence
                   else Verdict.fail("cited", "no verified citation"))
        if verdict.ok:
            valid = [n for n in cited if n in good]
            self.used.update(valid)
            # drop markers that point nowhere; keep the ones that were verified
            kept = _MARKER.sub(partial(_keep_markers, valid=frozenset(valid)), sentence)
            self.shown.append(re.sub(r"\s+([.,;:!?])", r"\1", kept).strip())
            return
        self.unsupported.append(plain)
        self.shown.append(plain)
        if cited:
            self.check.rejected.append(f"“{shorten(plain, 60)}”: {verdict.reason}")


def _citations(claims: _Claims) -> list[Citation]:
    """The verified quotes of the passages supported claims cite, through the final exact-span gate."""
    out: list[Citation] = []
    for n in sorted(claims.used):
        p = claims.passages[n - 1]
        for v in claims.check.good[n]:
            c = Citation(
                n=n, doc_id=p.doc_id, title=p.title, source=p.source, date=p.date, url=p.url,
                quote=v.quote, start=v.start, end=v.end,
            )
            if verify_citation(c, claims.get_text(p.doc_id)):  # the final gate, same as the extractive path
                out.append(c)
    return out


def _without_citations(draft: Proposal, claims: _Claims, backend: Backend) -> Answer | Rejected:
    """No citation survived: the model's refusal if it refused, else why nothing could be verified."""
    if draft.refused or (says_refusal(draft.answer) and not claims.unsupported):
        text = " ".join(s for s in claims.shown if says_refusal(s)) or f"{REFUSAL_PREFIX} that."
        return Answer(question=claims.question, text=text, refused=True, passages=claims.passages, backend=backend)
    unsupported = claims.unsupported
    detail = "; ".join(claims.check.rejected[:3]) or (
        f"no quote backs “{shorten(unsupported[0], 60)}”" if unsupported else "the answer cites no passage"
    )
    return Rejected(f"the generated answer had no verifiable citation ({detail})", dropped=claims.check.dropped)


def verify_draft(draft: Proposal, question: str, passages: list[Passage], get_text: GetText,
                 backend: Backend) -> Answer | Rejected:
    """Keep only what the passages back; ``Rejected`` if nothing verifiable is left."""
    check = verify_quotes(draft.quotes, passages, get_text)
    claims = _Claims(check, {n for n, _ in draft.quotes}, passages, get_text, question)
    for sentence in claim_sentences(draft.answer):
        claims.add(sentence)
    citations = _citations(claims)
    if not citations:
        return _without_citations(draft, claims, backend)
    notice = None
    if check.rejected:
        notice = f"{len(check.rejected)} citation check(s) failed and were dropped: " + "; ".join(check.rejected[:3])
    supported = claims.claims - len(claims.unsupported)
    return Answer(
        question=question,
        text=" ".join(claims.shown),
        citations=citations,
        passages=passages,
        backend=backend,
        notice=notice,
        unsupported_sentences=claims.unsupported,
        rejected_citations=check.dropped,
        grounded=supported / claims.claims if claims.claims else 0.0,
    )
