"""Eval suite: run a fixed question set through the answerer and score it without an LLM.

Why: analysts must know how far to trust an answer, and engineers must see what a change to retrieval
weights, chunking or the backend does. Every metric here is computed offline from the gold answers,
gold statements and gold quotes in ``evals/``; LLM-judged metrics are optional and reported apart.

Layout (see ``evals/README.md``): ``evals/sets.toml`` names each set's question file, statement list and
tag filter; questions are JSON Lines; statement lists are ids, one per line, resolved against ``seeds/``
and the shared corpus. Reports go to ``evals/reports/<timestamp>/``; the committed baseline the tests
gate on is ``evals/reports/baseline/<set>/report.json``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
import statistics
import sys
import tempfile
import time
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field, ValidationError

from statementqa.config import Settings, get_settings
from statementqa.models import Answer, Passage
from statementqa.verify.quotes import verify_citation

if TYPE_CHECKING:  # the Index facade pulls in the whole stack; only needed at run time
    from statementqa.api import Index

REPO_ROOT = Path(__file__).resolve().parents[2]
EVALS_DIR = REPO_ROOT / "evals"
REPORTS_DIR = EVALS_DIR / "reports"
BASELINE_DIR = REPORTS_DIR / "baseline"
CACHE_DIR = REPORTS_DIR / ".index-cache"  # under the git-ignored reports/, keyed by content
CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus"

QUESTION_TYPES = (
    "numeric", "entity", "date", "who-met-whom", "attribution", "claim-check", "multi-doc",
    "temporal-latest", "unanswerable", "paraphrase",
)
HIT_KS = (1, 3, 5, 10)
# Settings that change what gets indexed: a change to any of them needs a fresh eval index.
INDEX_SETTINGS = ("embed_backend", "embed_model", "openai_embed_model", "chunk_tokens", "chunk_overlap", "collection")

# The regression gate: a metric may fall below the baseline by at most this much (absolute, 0..1 scale).
# Why these numbers: on a ~60-question slice one question is ~1.7 points of accuracy; two questions of
# noise are tolerated, a systematic drop is not. Verbatim quotes are never tolerated below 100%.
GATE_TOLERANCE: dict[str, float] = {
    "accuracy": 0.05,
    "citation_recall": 0.07,
    "gold_quote_support": 0.07,
    "refusal_recall": 0.10,
    "hit@5": 0.05,
    "mrr": 0.05,
}
GATE_MAX_INCREASE: dict[str, float] = {"false_refusal_rate": 0.07}


class EvalInputError(ValueError):
    """Bad eval input (question file, statement list, index dir); the message names the line or id."""


# --- question set ------------------------------------------------------------------------------


class GoldQuote(BaseModel):
    """A verbatim substring of a gold statement that supports the answer."""

    doc_id: str
    quote: str = Field(min_length=1)


class EvalQuestion(BaseModel):
    """One question with everything needed to score an answer offline."""

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    type: str
    # Any one entry matches; an entry that is a list needs all its parts (multi-part answers).
    answers: list[str | list[str]] = Field(default_factory=list)
    gold_ids: list[str] = Field(default_factory=list)
    gold_quotes: list[GoldQuote] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    note: str | None = None
    # v2: the split (train | dev | test, by statement), the statements an unanswerable near miss is about,
    # and the ambiguity probe with its reviewed hits (evals/tools/probe.py).
    split: str | None = None
    topic_ids: list[str] = Field(default_factory=list)
    probe: dict[str, Any] | None = None
    reviewed: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


WHOLE_CORPUS = "@corpus"  # a set's `statements` value meaning every statement in the shared corpus
SPLITS = ("train", "dev", "test")


class EvalSet(BaseModel):
    """A named set: which questions (file + tag filter) over which statements (a list, or the whole corpus)."""

    name: str
    questions: Path
    statements: Path | None = None  # None: the whole shared corpus (`statements = "@corpus"`)
    tags: list[str] = Field(default_factory=list)
    description: str = ""

    @property
    def pool_label(self) -> str:
        return "the whole shared corpus" if self.statements is None else _rel(self.statements)


def load_sets(manifest: Path | None = None) -> dict[str, EvalSet]:
    """Read ``evals/sets.toml``; paths in it are relative to the manifest's folder."""
    manifest = manifest or EVALS_DIR / "sets.toml"
    try:
        raw = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise EvalInputError(f"{manifest}: eval set manifest not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise EvalInputError(f"{manifest}: not valid TOML ({exc})") from exc
    sets: dict[str, EvalSet] = {}
    for name, body in raw.items():
        try:
            listing = body["statements"]
            sets[name] = EvalSet(
                name=name,
                questions=manifest.parent / body["questions"],
                statements=None if listing == WHOLE_CORPUS else manifest.parent / listing,
                tags=body.get("tags", []),
                description=body.get("description", ""),
            )
        except (KeyError, TypeError, ValidationError) as exc:
            raise EvalInputError(f"{manifest}: set [{name}] needs 'questions' and 'statements' ({exc})") from exc
    return sets


def get_set(name: str, manifest: Path | None = None) -> EvalSet:
    sets = load_sets(manifest)
    if name not in sets:
        raise EvalInputError(f"unknown eval set {name!r}; known sets: {', '.join(sorted(sets))}")
    return sets[name]


def load_questions(path: Path) -> list[EvalQuestion]:
    """Parse a question file; any problem raises with ``file:line`` and what to fix."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise EvalInputError(f"{path}: question file not found") from exc
    questions: list[EvalQuestion] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalInputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(raw, dict):
            raise EvalInputError(f"{where}: expected a JSON object per line")
        try:
            q = EvalQuestion.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "(record)"
            raise EvalInputError(f"{where}: field {field!r}: {first['msg']}") from exc
        if q.type not in QUESTION_TYPES:
            raise EvalInputError(f"{where}: unknown type {q.type!r}; use one of {', '.join(QUESTION_TYPES)}")
        if q.split is not None and q.split not in SPLITS:
            raise EvalInputError(f"{where}: unknown split {q.split!r}; use one of {', '.join(SPLITS)}")
        if q.answerable and not (q.answers and q.gold_ids and q.gold_quotes):
            raise EvalInputError(f"{where}: question {q.id} needs answers, gold_ids and gold_quotes")
        if not q.answerable and (q.answers or q.gold_ids):
            raise EvalInputError(f"{where}: unanswerable question {q.id} must have no answers or gold_ids")
        if q.id in seen:
            raise EvalInputError(f"{where}: duplicate id {q.id!r} (first on line {seen[q.id]})")
        seen[q.id] = lineno
        questions.append(q)
    return questions


def load_statement_ids(path: Path) -> list[tuple[str, int]]:
    """Ids listed one per line (``#`` comments allowed), each with its line number for messages."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise EvalInputError(f"{path}: statement list not found") from exc
    out: list[tuple[str, int]] = []
    for lineno, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if text:
            out.append((text, lineno))
    return out


def read_statement_sources(dirs: Sequence[Path]) -> dict[str, dict[str, Any]]:
    """All statements in the ``*.jsonl`` files under ``dirs`` (recursively), by id; later dirs win."""
    files = tuple((p, p.stat().st_mtime_ns) for folder in dirs for p in sorted(folder.rglob("*.jsonl")))
    return dict(_read_jsonl_files(files))


@lru_cache(maxsize=2)
def _read_jsonl_files(files: tuple[tuple[Path, int], ...]) -> tuple[tuple[str, dict[str, Any]], ...]:
    """Parsed once per process (the shared corpus is ~47 MB); the mtimes in the key catch edits."""
    docs: dict[str, dict[str, Any]] = {}
    for path, _mtime in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                docs[rec["id"]] = rec
    return tuple(docs.items())


def corpus_location(corpus_dir: Path | None = None) -> Path:
    """The shared corpus: the argument, else ``Settings.corpus_dir``, else ``../shared/corpus`` beside the checkout."""
    return corpus_dir or get_settings().corpus_dir or CORPUS_DIR


def default_sources(corpus_dir: Path | None = None) -> list[Path]:
    corpus = corpus_location(corpus_dir)
    return [p for p in (corpus / "statements", corpus / "seed", REPO_ROOT / "seeds") if p.is_dir()]


def whole_corpus(corpus_dir: Path | None = None) -> list[dict[str, Any]]:
    """Every statement of the shared corpus (statements/ and seed/), sorted by id; none = an error saying where."""
    corpus = corpus_location(corpus_dir)
    dirs = [p for p in (corpus / "statements", corpus / "seed") if p.is_dir()]
    if not dirs:
        raise EvalInputError(f"{corpus}: shared corpus not found (set STATEMENTQA_CORPUS_DIR)")
    return [rec for _, rec in sorted(read_statement_sources(dirs).items())]


def resolve_statements(
    listing: Path | None, sources: dict[str, dict[str, Any]], corpus_dir: Path | None = None
) -> list[dict[str, Any]]:
    """The listed statements' records, in list order; an unknown id raises naming the line.
    ``listing=None`` means the whole shared corpus."""
    if listing is None:
        return whole_corpus(corpus_dir)
    records: list[dict[str, Any]] = []
    seen: set[str] = set()
    for doc_id, lineno in load_statement_ids(listing):
        if doc_id not in sources:
            raise EvalInputError(
                f"{listing}:{lineno}: unknown statement id {doc_id!r} (not in seeds/ or the shared corpus)"
            )
        if doc_id not in seen:
            seen.add(doc_id)
            records.append(sources[doc_id])
    if not records:
        raise EvalInputError(f"{listing}: lists no statements")
    return records


def validate_questions(
    questions: Sequence[EvalQuestion], statements: dict[str, str], listing: str = "the statement list"
) -> list[str]:
    """Problems that would make the set rot: unknown gold ids, quotes that are not verbatim substrings."""
    problems: list[str] = []
    for q in questions:
        for doc_id in q.gold_ids:
            if doc_id not in statements:
                problems.append(f"{q.id}: gold statement {doc_id!r} is not in {listing}")
        for gq in q.gold_quotes:
            if gq.doc_id not in q.gold_ids:
                problems.append(f"{q.id}: gold quote cites {gq.doc_id!r}, which is not among its gold_ids")
            text = statements.get(gq.doc_id)
            if text is not None and gq.quote not in text:
                problems.append(f"{q.id}: gold quote is not a verbatim substring of {gq.doc_id}: {gq.quote!r}")
    return problems


def select_questions(questions: Sequence[EvalQuestion], tags: Sequence[str],
                     split: str | None = None) -> list[EvalQuestion]:
    """Questions carrying any of ``tags`` (all when no tags are given), of one split if given."""
    return [q for q in questions if (not tags or set(tags) & set(q.tags)) and (split is None or q.split == split)]


# --- answer matching (pure) ----------------------------------------------------------------------

_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                       "\u2014": "-", "\u2011": "-", "\u00a0": " "})
_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
    "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
           "k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9}
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MONTHS["sept"] = 9

_NUMBER_WORDS = sorted([*_UNITS, *_TENS, *_ORDINALS], key=len, reverse=True)
_WORD_NUM_RE = re.compile(
    r"\b(?:(?:" + "|".join(_TENS) + r")[\s-](?:" + "|".join([*_UNITS, *_ORDINALS]) + r")|"
    + "|".join(_NUMBER_WORDS) + r")\b"
)
_DIGIT_NUM_RE = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:st|nd|rd|th)?\b")
_SCALE_RE = re.compile(r"\s*(?:-\s*)?(hundred|thousand|million|billion|trillion|bn|mn|k|m|b)\b")


def normalize_text(text: str) -> str:
    """Lowercase, strip accents, fold typographic quotes and dashes, collapse whitespace."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"\s+", " ", text).strip()


def _word_value(word: str) -> float:
    parts = re.split(r"[\s-]", word)
    if len(parts) == 2:
        return _TENS[parts[0]] + (_UNITS.get(parts[1]) or _ORDINALS[parts[1]])
    return float(_UNITS[word] if word in _UNITS else _TENS.get(word) or _ORDINALS[word])


def extract_numbers(text: str) -> set[float]:
    """Every quantity in ``text``: digits, number words and ordinals, with and without a scale word.

    ``"$4.5 billion"`` yields {4.5, 4.5e9}; ``"17th"``, ``"seventeenth"`` and ``"seventeen"`` yield {17}.
    """
    norm = normalize_text(text)
    values: set[float] = set()
    spans: list[tuple[float, int]] = []
    for m in _DIGIT_NUM_RE.finditer(norm):
        spans.append((float(m.group(1).replace(",", "")), m.end()))
    for m in _WORD_NUM_RE.finditer(norm):
        spans.append((_word_value(m.group(0)), m.end()))
    for value, end in spans:
        values.add(value)
        scale = _SCALE_RE.match(norm, end)
        if scale:
            values.add(round(value * _SCALES[scale.group(1)], 6))
    return values


_ISO_RE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_MDY_RE = re.compile(r"\b([a-z]{3,9})\.? (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?\b")
_DMY_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]{3,9})\.?(?:,? (\d{4}))?\b")
_MY_RE = re.compile(r"\b([a-z]{3,9})\.?,? (\d{4})\b")
_SLASH_RE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")

DateParts = tuple[int | None, int | None, int | None]  # (year, month, day); None = not given


def extract_dates(text: str) -> set[DateParts]:
    """Dates in common forms: 2023-04-04, April 4, 2023, 4 April 2023, April 2023, 04/04/2023 (US order)."""
    norm = normalize_text(text)
    found: set[DateParts] = set()
    for y, mo, d in _ISO_RE.findall(norm):
        found.add((int(y), int(mo), int(d)))
    for mon, d, y in _MDY_RE.findall(norm):
        if mon in _MONTHS and 1 <= int(d) <= 31:
            found.add((int(y) if y else None, _MONTHS[mon], int(d)))
    for d, mon, y in _DMY_RE.findall(norm):
        if mon in _MONTHS and 1 <= int(d) <= 31:
            found.add((int(y) if y else None, _MONTHS[mon], int(d)))
    for mon, y in _MY_RE.findall(norm):
        if mon in _MONTHS:
            found.add((int(y), _MONTHS[mon], None))
    for mo, d, y in _SLASH_RE.findall(norm):
        if 1 <= int(mo) <= 12:
            found.add((int(y), int(mo), int(d)))
    return found


def _date_matches(expected: DateParts, given: Iterable[DateParts]) -> bool:
    """Every part the expected date fixes must agree; a given date may omit the year."""
    ey, em, ed = expected
    for gy, gm, gd in given:
        if em != gm:
            continue
        if ed is not None and gd != ed:
            continue
        if ey is not None and gy is not None and gy != ey:
            continue
        if gy is None and ed is None:  # "May" alone says nothing about "May 2022"
            continue
        return True
    return False


def _is_number_like(expected: str) -> bool:
    """An expected answer that is essentially a quantity ("17th", "$4.5 billion", "more than 30", "six")."""
    norm = normalize_text(expected)
    rest = _WORD_NUM_RE.sub(" ", _DIGIT_NUM_RE.sub(" ", norm))
    rest = re.sub(r"\b(more|than|over|about|approximately|nearly|up|to|some|around|percent|foot|feet|"
                  r"hundred|thousand|million|billion|trillion|bn|mn)\b", " ", rest)
    return bool(extract_numbers(expected)) and not re.sub(r"[\s$%.,-]", "", rest)


def match_part(expected: str, given: str) -> bool:
    """Does ``given`` contain the expected answer part (a date, a number, yes/no, or text)?

    ``"Czechia|Czech Republic"`` lists alternatives for one part.
    """
    if "|" in expected:
        return any(match_part(alt, given) for alt in expected.split("|") if alt.strip())
    norm_exp = normalize_text(expected)
    norm_given = normalize_text(given)
    if norm_exp in ("yes", "no"):
        return re.match(rf"^\W*{norm_exp}\b", norm_given) is not None
    exp_dates = extract_dates(expected)
    if exp_dates and len(norm_exp) <= 20:
        return any(_date_matches(d, extract_dates(given)) for d in exp_dates)
    if _is_number_like(expected):
        target = max(extract_numbers(expected))  # the scaled value: "4.5 billion" -> 4.5e9
        return any(math.isclose(target, v, rel_tol=1e-9) for v in extract_numbers(given))
    return re.search(rf"(?<!\w){re.escape(norm_exp)}(?!\w)", norm_given) is not None


def answer_correct(answers: Sequence[str | list[str]], given: str) -> bool:
    """Any acceptable answer matches; a list entry matches only when all its parts do."""
    for ans in answers:
        parts = [ans] if isinstance(ans, str) else ans
        if parts and all(match_part(p, given) for p in parts):
            return True
    return False


def spans_of(quote: str, text: str) -> list[tuple[int, int]]:
    """Every occurrence of ``quote`` in ``text`` as (start, end)."""
    out: list[tuple[int, int]] = []
    start = text.find(quote)
    while start >= 0:
        out.append((start, start + len(quote)))
        start = text.find(quote, start + 1)
    return out


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def first_gold_rank(passages: Sequence[Passage], gold_ids: Sequence[str]) -> int | None:
    """1-based rank of the first passage from a gold statement, or None."""
    for rank, p in enumerate(passages, 1):
        if p.doc_id in gold_ids:
            return rank
    return None


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Nearest-rank percentile (no interpolation: the value a user actually waited)."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[k]


# --- per-question scoring ----------------------------------------------------------------------


class CitedQuote(BaseModel):
    doc_id: str
    quote: str
    start: int
    end: int
    verbatim: bool
    supports_gold: bool


class QuestionResult(BaseModel):
    """Everything measured for one question, kept so reports can be compared question by question."""

    id: str
    type: str
    split: str | None = None
    tags: list[str] = Field(default_factory=list)
    question: str
    expected: list[str | list[str]] = Field(default_factory=list)
    gold_ids: list[str] = Field(default_factory=list)
    gold_quotes: list[str] = Field(default_factory=list)
    answer: str = ""
    refused: bool = False
    backend: str = ""
    citations: list[CitedQuote] = Field(default_factory=list)
    correct: bool = False
    citation_precision: float | None = None
    citation_recall: float | None = None
    gold_quote_support: bool | None = None
    gold_rank: int | None = None  # rank of the first gold passage in the top 10 retrieved
    retrieved_ids: list[str] = Field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    llm_faithful: bool | None = None
    llm_correctness: float | None = None
    llm_error: str | None = None  # a judge failure; kept apart so it never touches the offline metrics
    fallback: str | None = None  # an LLM answer replaced by the extractive one, and why
    rejected_citations: int = 0  # generated citations that failed verification
    unsupported_sentences: int = 0  # generated sentences left without a verified citation
    support: float | None = None  # the score the refusal decision was made on (Answer.support)
    # The answer the extractive answerer gives with refusal switched off, and whether it is right: what the
    # reliability diagram plots against ``support`` (an unanswerable question has no right answer).
    unrefused_answer: str | None = None
    unrefused_correct: bool | None = None


def score_answer(
    q: EvalQuestion, answer: Answer, doc_texts: dict[str, str | None], retrieved: Sequence[Passage],
    seconds: float,
) -> QuestionResult:
    """Score one answer against the gold data (pure: the stored texts are passed in)."""
    gold_spans: dict[str, list[tuple[int, int]]] = {}
    for gq in q.gold_quotes:
        text = doc_texts.get(gq.doc_id) or ""
        gold_spans.setdefault(gq.doc_id, []).extend(spans_of(gq.quote, text))
    cited: list[CitedQuote] = []
    for c in answer.citations:
        span = (c.start, c.end)
        cited.append(CitedQuote(
            doc_id=c.doc_id, quote=c.quote, start=c.start, end=c.end,
            verbatim=verify_citation(c, doc_texts.get(c.doc_id)),
            supports_gold=any(overlaps(span, g) for g in gold_spans.get(c.doc_id, [])),
        ))
    cited_ids = list(dict.fromkeys(c.doc_id for c in cited))
    res = QuestionResult(
        id=q.id, type=q.type, split=q.split, tags=q.tags, question=q.question, expected=q.answers,
        gold_ids=q.gold_ids, gold_quotes=[g.quote for g in q.gold_quotes], support=answer.support,
        answer=answer.text, refused=answer.refused, backend=answer.backend, citations=cited,
        seconds=seconds, retrieved_ids=[p.doc_id for p in retrieved], fallback=answer.fallback,
        rejected_citations=answer.rejected_citations, unsupported_sentences=len(answer.unsupported_sentences),
    )
    if not q.answerable:
        res.correct = answer.refused
        return res
    res.correct = (not answer.refused) and answer_correct(q.answers, answer.text)
    hits = [i for i in cited_ids if i in q.gold_ids]
    res.citation_precision = len(hits) / len(cited_ids) if cited_ids else None
    res.citation_recall = len(hits) / len(q.gold_ids)
    res.gold_quote_support = any(c.supports_gold for c in cited)
    res.gold_rank = first_gold_rank(retrieved, q.gold_ids)
    return res


def _mean(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.fmean(vals) if vals else None


def aggregate(results: Sequence[QuestionResult]) -> dict[str, float | int | None]:
    """All offline metrics over a group of question results (rates on a 0..1 scale)."""
    answerable = [r for r in results if r.type != "unanswerable"]
    unanswerable = [r for r in results if r.type == "unanswerable"]
    refused = [r for r in results if r.refused]
    all_cites = [c for r in results for c in r.citations]
    ranks = [r.gold_rank for r in answerable]
    seconds = [r.seconds for r in results if r.error is None]
    out: dict[str, float | int | None] = {
        "n": len(results),
        "n_answerable": len(answerable),
        "n_unanswerable": len(unanswerable),
        "errors": sum(r.error is not None for r in results),
        "accuracy": _mean(float(r.correct) for r in results),
        "answer_accuracy": _mean(float(r.correct) for r in answerable),
        "citation_precision": _mean(r.citation_precision for r in answerable),
        "citation_recall": _mean(r.citation_recall for r in answerable),
        "citations": len(all_cites),
        "verbatim_quote_rate": _mean(float(c.verbatim) for c in all_cites) if all_cites else 1.0,
        "gold_quote_support": _mean(float(bool(r.gold_quote_support)) for r in answerable),
        "refusal_precision": (sum(r.type == "unanswerable" for r in refused) / len(refused)) if refused else None,
        "refusal_recall": _mean(float(r.refused) for r in unanswerable),
        "false_refusal_rate": _mean(float(r.refused) for r in answerable),
        "mrr": _mean((1.0 / k if k else 0.0) for k in ranks) if answerable else None,
        "latency_p50": percentile(seconds, 50),
        "latency_p95": percentile(seconds, 95),
    }
    for k in HIT_KS:
        out[f"hit@{k}"] = _mean(float(r is not None and r <= k) for r in ranks) if answerable else None
    # The generator's own record (all 0 for the extractive default): how often verification intervened.
    out["llm_answers"] = sum(r.backend.startswith("llm:") for r in results)
    out["llm_fallbacks"] = sum(r.fallback is not None for r in results)
    out["rejected_citations"] = sum(r.rejected_citations for r in results)
    out["unsupported_sentences"] = sum(r.unsupported_sentences for r in results)
    return out


def outcome_table(results: Sequence[QuestionResult]) -> dict[str, dict[str, int]]:
    """Answered/refused × answerable/unanswerable counts (the refusal decision at a glance)."""
    table = {"answered": {"answerable": 0, "unanswerable": 0}, "refused": {"answerable": 0, "unanswerable": 0}}
    for r in results:
        if r.error:
            continue
        table["refused" if r.refused else "answered"]["unanswerable" if r.type == "unanswerable" else "answerable"] += 1
    return table


RELIABILITY_BINS = 8


def reliability_bins(results: Sequence[QuestionResult], bins: int = RELIABILITY_BINS) -> list[dict[str, float | int]]:
    """Questions in equal-count bins of ``support``; per bin the mean support and how often the unrefused answer
    was right (an unanswerable question's answer is never right). Equal-count bins: support is not spread
    evenly over 0..1, and a bin of two questions says nothing."""
    pts = sorted((r.support, bool(r.unrefused_correct)) for r in results
                 if r.support is not None and r.unrefused_correct is not None)
    if not pts:
        return []
    out: list[dict[str, float | int]] = []
    size = max(1, math.ceil(len(pts) / bins))
    for i in range(0, len(pts), size):
        chunk = pts[i : i + size]
        out.append({"lo": chunk[0][0], "hi": chunk[-1][0], "n": len(chunk),
                    "support": statistics.fmean(p for p, _ in chunk),
                    "correct": statistics.fmean(float(c) for _, c in chunk)})
    return out


def aggregate_llm(results: Sequence[QuestionResult]) -> dict[str, float | int | None]:
    judged = [r for r in results if r.llm_faithful is not None or r.llm_correctness is not None]
    return {
        "judged": len(judged),
        "judge_errors": sum(r.llm_error is not None for r in results),
        "faithfulness": _mean(float(r.llm_faithful) for r in judged if r.llm_faithful is not None),
        "correctness": _mean(r.llm_correctness for r in judged if r.llm_correctness is not None),
    }


# --- report --------------------------------------------------------------------------------------


class EvalReport(BaseModel):
    """What a run produced; ``report.json`` is this model."""

    set_name: str
    created: str
    questions_file: str
    statements_file: str
    statements: int
    split: str | None = None
    index_dir: str
    index_key: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    backend: str = ""
    overall: dict[str, float | int | None] = Field(default_factory=dict)
    by_type: dict[str, dict[str, float | int | None]] = Field(default_factory=dict)
    by_tag: dict[str, dict[str, float | int | None]] = Field(default_factory=dict)
    by_split: dict[str, dict[str, float | int | None]] = Field(default_factory=dict)
    by_split_type: dict[str, dict[str, dict[str, float | int | None]]] = Field(default_factory=dict)
    outcomes: dict[str, dict[str, int]] = Field(default_factory=dict)  # answered|refused × (un)answerable
    reliability: list[dict[str, float | int]] = Field(default_factory=list)  # support bins vs. correctness
    llm_judged: dict[str, float | int | None] | None = None
    results: list[QuestionResult] = Field(default_factory=list)
    out_dir: str | None = None


def build_report(
    eval_set: EvalSet, results: list[QuestionResult], *, statements: int, index_dir: Path,
    index_key: str | None, settings: Settings, llm_judged: bool, split: str | None = None,
) -> EvalReport:
    types = [t for t in QUESTION_TYPES if any(r.type == t for r in results)]
    tags = sorted({t for r in results for t in r.tags})
    splits = [s for s in SPLITS if any(r.split == s for r in results)]
    return EvalReport(
        set_name=eval_set.name,
        created=datetime.now().isoformat(timespec="seconds"),
        questions_file=_rel(eval_set.questions),
        statements_file=eval_set.pool_label,
        statements=statements,
        split=split,
        by_split={s: aggregate([r for r in results if r.split == s]) for s in splits},
        by_split_type={s: {t: aggregate([r for r in results if r.split == s and r.type == t]) for t in types
                           if any(r.split == s and r.type == t for r in results)} for s in splits},
        outcomes=outcome_table(results),
        reliability=reliability_bins(results),
        index_dir=str(index_dir),
        index_key=index_key,
        settings=_settings_snapshot(settings),
        backend=", ".join(sorted({r.backend for r in results if r.backend})),
        overall=aggregate(results),
        by_type={t: aggregate([r for r in results if r.type == t]) for t in types},
        by_tag={t: aggregate([r for r in results if t in r.tags]) for t in tags},
        llm_judged=aggregate_llm(results) if llm_judged else None,
        results=results,
    )


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def _settings_snapshot(settings: Settings) -> dict[str, Any]:
    """The knobs that change results (never secrets)."""
    keep = (*INDEX_SETTINGS, "top_k", "refuse_threshold", "llm_model")
    snap = {k: getattr(settings, k) for k in keep if hasattr(settings, k)}
    snap["llm_enabled"] = settings.llm_enabled
    if snap.get("refuse_threshold") is None:  # the calibrated threshold the reader ships with
        from statementqa.answering.scorer import load_scorer

        snap["refuse_threshold"] = round(load_scorer().threshold, 4)
    return json.loads(json.dumps(snap, default=str))


def _pct(v: float | int | None) -> str:
    return "–" if v is None else f"{100 * v:.1f}%"


def _sec(v: float | int | None) -> str:
    return "–" if v is None else f"{v:.2f}s"


_TABLE_COLS: list[tuple[str, str, Callable[[float | int | None], str]]] = [
    ("n", "n", str), ("accuracy", "accuracy", _pct), ("citation_precision", "cite P", _pct),
    ("citation_recall", "cite R", _pct), ("verbatim_quote_rate", "verbatim", _pct),
    ("gold_quote_support", "gold quote", _pct), ("false_refusal_rate", "false refusal", _pct),
    ("hit@1", "hit@1", _pct), ("hit@5", "hit@5", _pct), ("hit@10", "hit@10", _pct), ("mrr", "MRR", _pct),
    ("latency_p50", "p50", _sec), ("latency_p95", "p95", _sec),
]


def _metrics_table(rows: dict[str, dict[str, float | int | None]]) -> list[str]:
    head = "| group | " + " | ".join(label for _, label, _ in _TABLE_COLS) + " |"
    lines = [head, "|" + "---|" * (len(_TABLE_COLS) + 1)]
    for name, m in rows.items():
        cells = [fmt(m.get(key)) if key != "n" else str(m.get("n", 0)) for key, _, fmt in _TABLE_COLS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def _failure_rank(r: QuestionResult) -> tuple[int, int]:
    """Worst first: confident wrong answers on unanswerable questions, then wrong answers, then refusals."""
    if r.error:
        return (0, 0)
    if r.type == "unanswerable":
        return (1, 0)
    if not r.refused:
        return (2, -(r.gold_rank or 99))
    return (3, -(r.gold_rank or 99))


def _fmt_expected(expected: Sequence[str | list[str]]) -> str:
    if not expected:
        return "(refusal)"
    return " / ".join(x if isinstance(x, str) else " + ".join(x) for x in expected)


def _generator_lines(o: dict[str, float | int | None]) -> list[str]:
    """What verification did to generated answers (nothing to say for an extractive run)."""
    if not (o.get("llm_answers") or o.get("llm_fallbacks")):
        return []
    return [
        f"- Generated answers kept: {o['llm_answers']}; fell back to extractive: {o['llm_fallbacks']} "
        f"(no verifiable citation, or the server failed); generated citations rejected by verification: "
        f"{o['rejected_citations']}; generated sentences shown as unsupported: {o['unsupported_sentences']}",
    ]


def _outcome_lines(report: EvalReport) -> list[str]:
    t = report.outcomes
    if not t:
        return []
    return ["### Refused / answered × answerable / unanswerable", "",
            "| | answerable | unanswerable |", "|---|---|---|",
            f"| answered | {t['answered']['answerable']} | {t['answered']['unanswerable']} (wrongly answered) |",
            f"| refused | {t['refused']['answerable']} (false refusals) | {t['refused']['unanswerable']} |", ""]


def _reliability_lines(report: EvalReport) -> list[str]:
    if not report.reliability:
        return []
    threshold = report.settings.get("refuse_threshold")
    lines = ["### Reliability: support vs. observed correctness", "",
             f"Each bin holds questions of similar support (the refusal threshold is {threshold}); *correct* is how "
             "often the answer given with refusal switched off was right (never, for an unanswerable question).",
             "", "| support range | n | mean support | correct |", "|---|---|---|---|"]
    for b in report.reliability:
        lines.append(f"| {b['lo']:.3f}–{b['hi']:.3f} | {b['n']} | {b['support']:.3f} | {_pct(b['correct'])} |")
    return [*lines, "", "![reliability](reliability.png)", ""]


def render_markdown(report: EvalReport, max_failures: int = 20) -> str:
    o = report.overall
    lines = [
        f"# Eval report: set `{report.set_name}` ({report.created})",
        "",
        f"{o['n']} questions ({o['n_answerable']} answerable, {o['n_unanswerable']} unanswerable) over "
        f"{report.statements} statements (`{report.statements_file}`); backend: {report.backend or '–'}.",
        f"Settings: `{json.dumps(report.settings)}`",
        "",
        "## Offline metrics (no LLM involved)",
        "",
        f"- Accuracy (all questions; refusing an unanswerable one counts as correct): **{_pct(o['accuracy'])}**"
        f"; on answerable questions: {_pct(o['answer_accuracy'])}",
        f"- Cited-statement precision / recall: {_pct(o['citation_precision'])} / {_pct(o['citation_recall'])}",
        f"- Verbatim-quote rate: **{_pct(o['verbatim_quote_rate'])}** of {o['citations']} citations "
        "(must be 100%)",
        f"- Gold-quote support (a cited quote overlaps a gold quote): {_pct(o['gold_quote_support'])}",
        f"- Refusal precision / recall on the unanswerable split: {_pct(o['refusal_precision'])} / "
        f"{_pct(o['refusal_recall'])}; false-refusal rate on answerable ones: {_pct(o['false_refusal_rate'])}",
        f"- Retrieval (gold statement among the passages): hit@1 {_pct(o['hit@1'])}, hit@3 {_pct(o['hit@3'])}, "
        f"hit@5 {_pct(o['hit@5'])}, hit@10 {_pct(o['hit@10'])}, MRR {_pct(o['mrr'])}",
        f"- Latency p50 / p95: {_sec(o['latency_p50'])} / {_sec(o['latency_p95'])}",
        f"- Errors: {o['errors']}",
        *_generator_lines(o),
        "",
        "### By question type",
        "",
        *_metrics_table({**report.by_type, "**all**": o}),
        "",
    ]
    if report.by_split:
        lines += ["### By split", "", *_metrics_table(report.by_split), ""]
        for split, rows in report.by_split_type.items():
            lines += [f"### Split `{split}` by question type", "",
                      *_metrics_table({**rows, "**all**": report.by_split[split]}), ""]
    lines += [*_outcome_lines(report), *_reliability_lines(report)]
    if report.by_tag:
        lines += ["### By tag", "", *_metrics_table(report.by_tag), ""]
    if report.llm_judged is not None:
        j = report.llm_judged
        lines += [
            "## LLM-judged metrics (separate from the offline ones; depend on the judge model)",
            "",
            f"- Judged answers: {j['judged']}; faithfulness (answer supported by its quotes): "
            f"{_pct(j['faithfulness'])}; correctness (1–5 vs. the reference answer): "
            f"{_score(j['correctness'])}",
            "",
        ]
    failures = sorted((r for r in report.results if not r.correct or r.error), key=_failure_rank)
    lines += [f"## Worst failures ({len(failures)} incorrect; up to {max_failures} shown)", ""]
    for r in failures[:max_failures]:
        given = "(refused) " if r.refused else ""
        lines += [
            f"### {r.id} ({r.type}{', ' + r.split if r.split else ''}) — {r.question}",
            "",
            f"- Expected: {_fmt_expected(r.expected)}; gold: {', '.join(r.gold_ids) or '–'}",
            *[f"- Gold quote: “{_one_line(g, 300)}”" for g in r.gold_quotes[:2]],
            f"- Given: {given}{_one_line(r.answer, 400)}",
            f"- Gold statement rank in retrieval: {r.gold_rank or 'not in top 10'}" if r.gold_ids else
            "- (unanswerable: the answer should have been a refusal)",
        ]
        if r.error:
            lines.append(f"- Error: {r.error}")
        for c in r.citations:
            flag = "" if c.verbatim else " **NOT VERBATIM**"
            lines.append(f"  - [{c.doc_id}] “{_one_line(c.quote, 200)}”{flag}")
        lines.append("")
    lines += ["## Charts", "", "![accuracy by type](accuracy_by_type.png)", "",
              "![latency](latency.png)", ""]
    return "\n".join(lines)


def _score(v: float | int | None) -> str:
    return "–" if v is None else f"{v:.2f}"


def _one_line(text: str, limit: int) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_charts(report: EvalReport, out_dir: Path) -> list[Path]:
    """Accuracy by type and the latency distribution, as PNGs (Agg backend: no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths: list[Path] = []
    types = list(report.by_type)
    acc = [100 * (report.by_type[t]["accuracy"] or 0.0) for t in types]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    bars = ax.bar(types, acc, color="#3b6ea5")
    for bar, t in zip(bars, types, strict=True):
        ax.annotate(f"n={report.by_type[t]['n']}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_ylabel("accuracy (%)")
    ax.set_title(f"Accuracy by question type — set {report.set_name} (overall "
                 f"{_pct(report.overall['accuracy'])})")
    ax.tick_params(axis="x", rotation=30)
    fig.tight_layout()
    paths.append(out_dir / "accuracy_by_type.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    secs = [r.seconds for r in report.results if r.error is None]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.hist(secs or [0.0], bins=min(30, max(5, len(secs) // 3)), color="#5a9e6f")
    for name, val in (("p50", report.overall["latency_p50"]), ("p95", report.overall["latency_p95"])):
        if val is not None:
            ax.axvline(float(val), color="#b33", linestyle="--")
            ax.annotate(f"{name} {val:.2f}s", (float(val), ax.get_ylim()[1] * 0.9), color="#b33", fontsize=8)
    ax.set_xlabel("seconds per answer")
    ax.set_ylabel("questions")
    ax.set_title("Answer latency")
    fig.tight_layout()
    paths.append(out_dir / "latency.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    if report.reliability:
        fig, ax = plt.subplots(figsize=(5.5, 5))
        xs = [float(b["support"]) for b in report.reliability]
        ys = [float(b["correct"]) for b in report.reliability]
        ax.plot(xs, ys, marker="o", color="#3b6ea5", label="observed (bins of equal count)")
        for b, x, y in zip(report.reliability, xs, ys, strict=True):
            ax.annotate(f"n={b['n']}", (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
        ax.plot([0, 1], [0, 1], linestyle=":", color="#888", label="perfect calibration")
        threshold = report.settings.get("refuse_threshold")
        if isinstance(threshold, int | float):
            ax.axvline(float(threshold), color="#b33", linestyle="--", label=f"refusal threshold {threshold}")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("support (Answer.support)")
        ax.set_ylabel("share answered correctly (refusal off)")
        ax.set_title(f"Reliability — set {report.set_name}" + (f" / {report.split}" if report.split else ""))
        ax.legend(fontsize=7, loc="upper left")
        fig.tight_layout()
        paths.append(out_dir / "reliability.png")
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
    return paths


def write_report(report: EvalReport, out_dir: Path) -> Path:
    """Write report.json, report.md and the charts into a fresh folder (never over an existing report)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-report-", dir=out_dir.parent))
    try:
        report.out_dir = _rel(out_dir)
        (tmp / "report.json").write_text(report.model_dump_json(indent=1), encoding="utf-8")
        (tmp / "report.md").write_text(render_markdown(report), encoding="utf-8")
        write_charts(report, tmp)
        if out_dir.exists():
            raise EvalInputError(f"{out_dir}: already exists; not overwriting an earlier report")
        tmp.rename(out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def _new_report_dir(base: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = base / stamp
    n = 1
    while out.exists():
        n += 1
        out = base / f"{stamp}-{n}"
    return out


# --- compare -------------------------------------------------------------------------------------


def load_report(path: Path) -> EvalReport:
    """A report from its folder or its report.json."""
    file = path / "report.json" if path.is_dir() else path
    try:
        return EvalReport.model_validate_json(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise EvalInputError(f"{file}: no report here (expected a report folder or its report.json)") from exc
    except ValidationError as exc:
        raise EvalInputError(f"{file}: not an eval report ({exc.errors()[0]['msg']})") from exc


_COMPARE_KEYS = ("accuracy", "citation_precision", "citation_recall", "verbatim_quote_rate",
                 "gold_quote_support", "refusal_precision", "refusal_recall", "false_refusal_rate",
                 "hit@1", "hit@5", "hit@10", "mrr", "latency_p50", "latency_p95")


def _delta(a: float | int | None, b: float | int | None, seconds: bool) -> str:
    if a is None or b is None:
        return "–"
    d = float(b) - float(a)
    return f"{d:+.2f}s" if seconds else f"{100 * d:+.1f} pts"


def compare_reports(a: Path, b: Path) -> str:
    """Markdown: metric deltas (overall and by type), then every question whose outcome changed."""
    ra, rb = load_report(a), load_report(b)
    lines = [f"# Compare: A = {a} ({ra.set_name}, {ra.created}) → B = {b} ({rb.set_name}, {rb.created})", ""]
    keys = sorted(set(ra.settings) | set(rb.settings))
    changed_settings = {k: (ra.settings.get(k), rb.settings.get(k)) for k in keys
                        if ra.settings.get(k) != rb.settings.get(k)}
    if changed_settings:
        lines += ["Settings changed: " + ", ".join(f"`{k}` {x} → {y}" for k, (x, y) in changed_settings.items()), ""]
    lines += ["| metric | A | B | Δ |", "|---|---|---|---|"]
    for key in _COMPARE_KEYS:
        secs = key.startswith("latency")
        fmt = _sec if secs else _pct
        lines.append(f"| {key} | {fmt(ra.overall.get(key))} | {fmt(rb.overall.get(key))} | "
                     f"{_delta(ra.overall.get(key), rb.overall.get(key), secs)} |")
    lines += ["", "| type | accuracy A | accuracy B | Δ |", "|---|---|---|---|"]
    for t in dict.fromkeys([*ra.by_type, *rb.by_type]):
        acc_a, acc_b = ra.by_type.get(t, {}).get("accuracy"), rb.by_type.get(t, {}).get("accuracy")
        lines.append(f"| {t} | {_pct(acc_a)} | {_pct(acc_b)} | {_delta(acc_a, acc_b, False)} |")
    qa = {r.id: r for r in ra.results}
    qb = {r.id: r for r in rb.results}
    fixed: list[str] = []
    broken: list[str] = []
    other: list[str] = []
    for qid in dict.fromkeys([*qa, *qb]):
        x, y = qa.get(qid), qb.get(qid)
        if x is None or y is None:
            other.append(f"- {qid}: only in {'B' if x is None else 'A'}")
            continue
        if x.correct != y.correct:
            line = (f"- {qid} ({y.type}) {y.question}\n  - A: {'(refused) ' if x.refused else ''}"
                    f"{_one_line(x.answer, 160)}\n  - B: {'(refused) ' if y.refused else ''}{_one_line(y.answer, 160)}")
            (fixed if y.correct else broken).append(line)
        elif x.answer != y.answer or x.gold_rank != y.gold_rank:
            other.append(f"- {qid}: answer or retrieval changed (gold rank {x.gold_rank} → {y.gold_rank}), "
                         f"still {'correct' if y.correct else 'incorrect'}")
    lines += ["", f"## Now correct ({len(fixed)})", *fixed, "", f"## Now incorrect ({len(broken)})", *broken,
              "", f"## Other changes ({len(other)})", *other, ""]
    return "\n".join(lines)


# --- the regression gate -------------------------------------------------------------------------


def check_against_baseline(
    current: dict[str, float | int | None], baseline: dict[str, float | int | None],
    tolerance: dict[str, float] | None = None, max_increase: dict[str, float] | None = None,
) -> list[str]:
    """Why the current metrics fail the gate (empty = pass). Verbatim quotes must always be 100%."""
    tolerance = GATE_TOLERANCE if tolerance is None else tolerance
    max_increase = GATE_MAX_INCREASE if max_increase is None else max_increase
    failures: list[str] = []
    verbatim = current.get("verbatim_quote_rate")
    if verbatim is None or float(verbatim) < 1.0:
        failures.append(f"verbatim_quote_rate is {_pct(verbatim)}; every quote must be verbatim (100%)")
    for key, tol in tolerance.items():
        cur, base = current.get(key), baseline.get(key)
        if base is None:
            continue
        if cur is None or float(cur) < float(base) - tol:
            failures.append(f"{key} fell to {_pct(cur)} from the baseline {_pct(base)} (tolerance {100 * tol:.0f} pts)")
    for key, tol in max_increase.items():
        cur, base = current.get(key), baseline.get(key)
        if base is not None and cur is not None and float(cur) > float(base) + tol:
            failures.append(f"{key} rose to {_pct(cur)} from the baseline {_pct(base)} (tolerance {100 * tol:.0f} pts)")
    return failures


def baseline_path(set_name: str) -> Path:
    return BASELINE_DIR / set_name / "report.json"


# --- index ---------------------------------------------------------------------------------------


def index_key(records: Sequence[dict[str, Any]], settings: Settings) -> str:
    """Content hash of the statements plus the settings that shape the index."""
    h = hashlib.sha256()
    for rec in sorted(records, key=lambda r: r["id"]):
        h.update(json.dumps(rec, sort_keys=True, ensure_ascii=False).encode())
    h.update(json.dumps({k: str(getattr(settings, k)) for k in INDEX_SETTINGS}, sort_keys=True).encode())
    from statementqa.store import VECTORS_VERSION

    if VECTORS_VERSION > 1:  # the vectors an index holds are part of what it is (keys of older builds unchanged)
        h.update(f"vectors={VECTORS_VERSION}".encode())
    return h.hexdigest()[:16]


def build_index(records: Sequence[dict[str, Any]], target: Path, settings: Settings, progress: bool) -> None:
    """Ingest ``records`` into a fresh index at ``target`` (built aside, then renamed into place)."""
    from statementqa.api import open_index

    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        src = work / "statements.jsonl"
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        index = open_index(work / "index", settings=settings)
        try:
            summary = index.ingest([src], progress=progress)
        finally:
            index.close()
        if summary.failed or summary.issues:
            raise EvalInputError("eval index build failed: " + "; ".join(str(i) for i in summary.issues[:5]))
        (work / "index").rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def ensure_index(
    records: Sequence[dict[str, Any]], settings: Settings, cache_dir: Path | None, progress: bool,
) -> tuple[Path, str]:
    """The cached index for these statements and settings, built on first use."""
    key = index_key(records, settings)
    target = (cache_dir or settings.eval_cache_dir or CACHE_DIR) / f"index-{key}"
    if not target.exists():
        build_index(records, target, settings, progress)
    return target, key


def check_index_has(index: Index, doc_ids: Iterable[str], index_dir: Path) -> dict[str, str | None]:
    """Stored texts of ``doc_ids``; a gold statement missing from a user-given index is an error."""
    texts: dict[str, str | None] = {}
    missing: list[str] = []
    for doc_id in doc_ids:
        doc = index.document(doc_id)
        texts[doc_id] = doc.text if doc else None
        if doc is None:
            missing.append(doc_id)
    if missing:
        raise EvalInputError(
            f"{index_dir}: index lacks {len(missing)} gold statement(s), e.g. {', '.join(missing[:5])}; "
            "build it from the set's statement list or omit --index to let the eval build one"
        )
    return texts


# --- LLM judge (optional) ------------------------------------------------------------------------


def make_judge_llm(settings: Settings) -> Any:
    """An OpenAI-compatible chat model from the project's settings (no env reads, no tiktoken)."""
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(
        model=settings.llm_model,
        api_base=settings.llm_base_url or "https://api.openai.com/v1",
        api_key=settings.llm_api_key or "not-needed",
        is_chat_model=True,
        context_window=settings.llm_context_window,
        temperature=0.0,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
    )


def llm_judge(results: Sequence[QuestionResult], questions: dict[str, EvalQuestion], settings: Settings,
              progress: bool) -> None:
    """Faithfulness (answer vs. its quotes) and correctness (vs. the reference) via llama-index evaluators."""
    from llama_index.core.evaluation import CorrectnessEvaluator, FaithfulnessEvaluator

    llm = make_judge_llm(settings)
    faith, correct = FaithfulnessEvaluator(llm=llm), CorrectnessEvaluator(llm=llm)
    for r in _progress(results, progress, "LLM judge"):
        q = questions[r.id]
        if r.refused or r.error or not q.answerable:
            continue
        contexts = [c.quote for c in r.citations] or ["(no quotes)"]
        reference = _fmt_expected(q.answers)
        try:
            r.llm_faithful = bool(faith.evaluate(query=q.question, response=r.answer, contexts=contexts).passing)
            r.llm_correctness = correct.evaluate(query=q.question, response=r.answer, reference=reference).score
        except Exception as exc:  # noqa: BLE001 - a judge failure must not sink the offline report
            r.llm_error = f"LLM judge failed: {exc}"


def _progress(items: Sequence[Any], enabled: bool, desc: str) -> Iterable[Any]:
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="q")


# --- the runner ----------------------------------------------------------------------------------


def run_eval(
    set_name: str = "default",
    index_dir: Path | None = None,
    limit: int | None = None,
    settings: Settings | None = None,
    out_dir: Path | None = None,
    progress: bool = True,
    *,
    llm: bool | None = None,
    judge: bool | None = None,
    write: bool = True,
    cache_dir: Path | None = None,
    corpus_dir: Path | None = None,
    manifest: Path | None = None,
    split: str | None = None,
) -> EvalReport:
    """Run one eval set and (by default) write its report under ``evals/reports/<timestamp>/``.

    ``index_dir``: use this existing index instead of the cached, content-keyed one (missing = error).
    ``llm``: passed to ``answer`` (None = use an LLM iff configured). ``judge``: LLM-judged metrics
    (None = iff an LLM is configured). All inputs are validated before anything is built or written.
    """
    settings = settings or get_settings()
    eval_set = get_set(set_name, manifest)
    if split is not None and split not in SPLITS:
        raise EvalInputError(f"unknown split {split!r}; use one of {', '.join(SPLITS)}")
    questions = select_questions(load_questions(eval_set.questions), eval_set.tags, split)
    if split is not None and not questions:
        raise EvalInputError(f"set {set_name!r} has no questions in split {split!r} (only v2 sets have splits)")
    if limit is not None:
        questions = questions[: max(0, limit)]
    sources = {} if eval_set.statements is None else read_statement_sources(default_sources(corpus_dir))
    records = resolve_statements(eval_set.statements, sources, corpus_dir)
    texts = {r["id"]: r["text"] for r in records}
    problems = validate_questions(questions, texts, eval_set.pool_label)
    if problems:
        raise EvalInputError(f"{eval_set.questions}: " + "; ".join(problems[:10]))
    if index_dir is not None and not index_dir.is_dir():
        raise EvalInputError(f"{index_dir}: index directory not found; omit --index to build the eval index")

    from statementqa.api import answer as answer_question
    from statementqa.api import open_index

    key: str | None = None
    if index_dir is None:
        # The eval index is private and on disk: never write into a configured Chroma server's collection.
        settings = settings.model_copy(update={"chroma_host": None, "collection": "statementqa-eval"})
        index_dir, key = ensure_index(records, settings, cache_dir, progress)
    index = open_index(index_dir, settings=settings)
    try:
        gold_ids = {g for q in questions for g in q.gold_ids}
        doc_texts = check_index_has(index, sorted(gold_ids), index_dir)
        results = [_run_one(q, index, doc_texts, answer_question, llm) for q in _progress(questions, progress, "eval")]
        use_llm = settings.llm_enabled if llm is None else llm
        if not use_llm:
            _unrefused_pass(questions, results, index, progress)
    finally:
        index.close()
    use_judge = settings.llm_enabled if judge is None else judge
    if use_judge:
        llm_judge(results, {q.id: q for q in questions}, settings, progress)
    report = build_report(eval_set, results, statements=len(records), index_dir=index_dir, index_key=key,
                          settings=settings, llm_judged=use_judge, split=split)
    if write:
        write_report(report, out_dir or _new_report_dir(REPORTS_DIR))
    return report


def _run_one(q: EvalQuestion, index: Index, doc_texts: dict[str, str | None], answer_question: Any,
             llm: bool | None) -> QuestionResult:
    """Answer (timed) and retrieve the top 10 (untimed, for retrieval metrics); errors become results."""
    try:
        t0 = time.perf_counter()
        ans: Answer = answer_question(q.question, index=index, llm=llm)
        seconds = time.perf_counter() - t0
        retrieved = index.retrieve(q.question, top_k=max(HIT_KS))
    except Exception as exc:  # noqa: BLE001 - one crashing question is a finding, not the end of the run
        return QuestionResult(id=q.id, type=q.type, tags=q.tags, question=q.question, expected=q.answers,
                              gold_ids=q.gold_ids, error=f"{type(exc).__name__}: {exc}")
    for c in ans.citations:
        if c.doc_id not in doc_texts:
            doc = index.document(c.doc_id)
            doc_texts[c.doc_id] = doc.text if doc else None
    return score_answer(q, ans, doc_texts, retrieved, seconds)


def _unrefused_pass(questions: Sequence[EvalQuestion], results: Sequence[QuestionResult], index: Index,
                    progress: bool) -> None:
    """Answer every question again with the refusal threshold at 0, recording what would have been said.

    Why: a reliability diagram needs the correctness of the answer behind *every* support value, refused or
    not; refusals hide it. Extractive answering is deterministic and cheap, so a second pass costs seconds.
    """
    original = index.settings
    index.settings = original.model_copy(update={"refuse_threshold": 0.0})
    try:
        for q, r in zip(_progress(questions, progress, "unrefused"), results, strict=True):
            if r.error:
                continue
            try:
                ans = index.answer(q.question, llm=False)
            except Exception as exc:  # noqa: BLE001 - recorded on the result, the run goes on
                r.error = f"unrefused pass: {type(exc).__name__}: {exc}"
                continue
            r.unrefused_answer = ans.text
            r.unrefused_correct = bool(q.answerable and not ans.refused and answer_correct(q.answers, ans.text))
    finally:
        index.settings = original


def main_eval(
    set_name: str = "default",
    index_dir: Path | None = None,
    limit: int | None = None,
    compare: tuple[Path, Path] | None = None,
    out_dir: Path | None = None,
    gate: bool = False,
    judge: bool | None = None,
    progress: bool = True,
    split: str | None = None,
) -> int:
    """CLI glue: run (or compare) and print a summary; returns the exit code (1 = gate failed, 2 = bad input)."""
    try:
        if compare is not None:
            print(compare_reports(*compare))
            return 0
        report = run_eval(set_name, index_dir=index_dir, limit=limit, out_dir=out_dir, progress=progress,
                          judge=judge, split=split)
    except EvalInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary_lines(report))
    if gate:
        base = baseline_path(set_name)
        if not base.exists():
            print(f"error: no baseline at {base}", file=sys.stderr)
            return 2
        failures = check_against_baseline(report.overall, load_report(base).overall)
        for f in failures:
            print(f"GATE FAILED: {f}", file=sys.stderr)
        return 1 if failures else 0
    return 0


def summary_lines(report: EvalReport) -> str:
    o = report.overall
    head = (f"set {report.set_name}: {o['n']} questions, accuracy {_pct(o['accuracy'])}, verbatim quotes "
            f"{_pct(o['verbatim_quote_rate'])}, citation P/R {_pct(o['citation_precision'])}/"
            f"{_pct(o['citation_recall'])}, refusal P/R {_pct(o['refusal_precision'])}/{_pct(o['refusal_recall'])}, "
            f"hit@5 {_pct(o['hit@5'])}, MRR {_pct(o['mrr'])}, p50 {_sec(o['latency_p50'])}")
    per_type = "; ".join(f"{t} {_pct(m['accuracy'])} (n={m['n']})" for t, m in report.by_type.items())
    if report.by_split:
        per_type += "\nby split: " + "; ".join(f"{s} {_pct(m['accuracy'])} (n={m['n']})"
                                                for s, m in report.by_split.items())
    where = f"report: {report.out_dir}" if report.out_dir else "(report not written)"
    return f"{head}\nby type: {per_type}\n{where}"
