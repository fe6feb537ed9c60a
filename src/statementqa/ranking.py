"""Statement ranking: named features of (question, statement) and the learned model that weighs them.

Why learned: which evidence matters — a title that names the event, the issuer the question cites, a date in the
period asked about, a sentence that states a figure of the counted noun — is measured on the v2 ``train`` questions
over the whole corpus, not guessed. ``benchmarks/train_ranker.py`` fits two logistic regressions (scikit-learn) and
writes their coefficients, with the feature names they expect, to ``data/ranker.json``; serving needs only numpy.
Stage 1 scores every candidate on cheap features; stage 2 re-scores the best ``STAGE2_DEPTH`` with sentence-level
evidence (their stored sentence vectors are fetched for those only).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from statementqa.figures import counting
from statementqa.question import Order, Question
from statementqa.textutil import DASHES, SINGLE_QUOTES, fold_for_matching, words

STAGE1 = ("bm25_ctx", "bm25_title", "dense_chunk", "dense_title", "period_day", "period_month", "period_year",
          "period_miss", "issuer_match", "issuer_miss", "recency")
STAGE2 = ("stage1", "dense_sent", "count_match", "sent_coverage", "quote_match", "dense_sent_rel", "sent_coverage_rel")
HEAD_RELATIVE = ("dense_sent", "sent_coverage")  # stage-2 evidence also measured against the head's best
STAGE2_DEPTH = 30
COVERAGE_SENTENCES = 3  # the most question-like sentences of a statement whose coverage is measured
COUNT_SENTENCES = 10  # … and that are searched for a figure of the counted noun
RECENCY_RELEVANT = 0.5  # latest/earliest: candidates with this share of the best chunk BM25 are compared by date
RANKER_VERSION = 6  # bump when a feature's definition changes: the artifact must be retrained


class RankerError(RuntimeError):
    """The model artifact is missing or does not fit this code."""


@dataclass
class StatementCandidate:
    """One statement considered for a question, with the evidence found for it."""

    doc_id: str
    pos: int  # position in the lexical index's statement arrays
    source: str
    date: str | None
    best_chunk: int  # lexical index position of its best chunk (lexically), -1 if none
    dense_chunk_id: str | None = None  # its best chunk by dense similarity, if Chroma returned one
    title: str = ""  # filled for the statements that get a passage
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0  # stage-2 logit (stage-1 for statements below the stage-2 depth)
    sentences: list[tuple[int, int, float]] = field(default_factory=list)  # (start, end, cosine), stage 2 only


@dataclass(frozen=True)
class Linear:
    """A logistic model: logit = intercept + coef · features (standardized with mean/scale)."""

    features: tuple[str, ...]
    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray

    def logits(self, rows: Sequence[dict[str, float]]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        x = np.array([[r.get(f, 0.0) for f in self.features] for r in rows], dtype=np.float64)
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    @classmethod
    def from_json(cls, raw: dict, expected: Sequence[str]) -> Linear:
        if tuple(raw["features"]) != tuple(expected):
            raise RankerError(f"ranker artifact expects features {raw['features']}, the code computes "
                              f"{list(expected)}: retrain with benchmarks/train_ranker.py")
        return cls(tuple(raw["features"]), np.array(raw["coef"]), float(raw["intercept"]), np.array(raw["mean"]),
                   np.array(raw["scale"]))


@dataclass(frozen=True)
class Ranker:
    stage1: Linear
    stage2: Linear
    info: dict


def artifact_path(name: str = "ranker.json") -> Path:
    return Path(str(resources.files("statementqa") / "data" / name))


def read_artifact(path: Path, kind: str, version: int, trainer: str) -> dict:
    """A learned artifact's JSON, refused (with what to do) when unreadable or fitted for other code."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RankerError(f"cannot read the {kind} artifact {path} ({exc}): reinstall statementqa") from exc
    if raw.get("version") != version:
        raise RankerError(f"{path} is {kind} version {raw.get('version')}, the code needs {version}: "
                          f"retrain with benchmarks/{trainer}")
    return dict(raw)


@lru_cache(maxsize=4)
def load_ranker(path: Path | None = None) -> Ranker:
    """The shipped model (or another artifact), checked against this code's features and version."""
    raw = read_artifact(path or artifact_path(), "ranker", RANKER_VERSION, "train_ranker.py")
    return Ranker(Linear.from_json(raw["stage1"], STAGE1), Linear.from_json(raw["stage2"], STAGE2), raw.get("info", {}))


# --- features ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"\s+", " ", "".join(c for c in text if not unicodedata.combining(c)).lower())


@lru_cache(maxsize=256)
def issuer_aliases(source: str) -> tuple[str, ...]:
    """How a question may name an issuer: "U.S. Department of State" is also "the State Department",
    "Department of State"; "The White House" is "White House"; "Ministry of X" is also "X Ministry"."""
    name = _fold(source).strip()
    out = {name}
    bare = re.sub(r"^(the|u\.s\.|us|u\.s)\s+", "", name)
    out.add(bare)
    m = re.match(r"(department|ministry|office)\s+of\s+(?:the\s+)?([a-z ]+?)(?:\s+of\s+.*)?$", bare)
    if m:
        out.add(f"{m.group(2)} {m.group(1)}")
        out.add(f"{m.group(1)} of {m.group(2)}")
    return tuple(sorted(a for a in out if len(a) >= 5))


def issuers_named(question: str, sources: Sequence[str]) -> set[str]:
    """The indexed issuers the question names ("per the State Department", "the White House readout")."""
    q = _fold(question)
    return {s for s in sources if any(re.search(rf"\b{re.escape(a)}\b", q) for a in issuer_aliases(s))}


def scope_features(q: Question, iso: str | None) -> dict[str, float]:
    """Soft evidence from the periods a question names: the statement's date is in them, or is not."""
    if not q.periods:
        return {"period_day": 0.0, "period_month": 0.0, "period_year": 0.0, "period_miss": 0.0}
    day = any(p.day is not None and p.contains(iso) for p in q.periods)
    month = any(p.day is None and p.is_month and p.contains(iso) for p in q.periods)
    year = any(iso is not None and iso[:4] == str(p.year) for p in q.periods)
    return {"period_day": float(day), "period_month": float(month), "period_year": float(year),
            "period_miss": float(not year)}


def stage1_features(q: Question, cands: Sequence[StatementCandidate], bm25_ctx: np.ndarray, bm25_title: np.ndarray,
                    dense_title: np.ndarray, named: set[str]) -> None:
    """Fill ``features`` of every candidate. Lexical scores are divided by the best candidate's, so they mean
    the same for every question; dense scores are cosines; a candidate Chroma did not return gets the lowest
    cosine Chroma did return (it was not among the nearest)."""
    top_ctx = max((float(bm25_ctx[c.pos]) for c in cands), default=0.0) or 1.0
    top_title = max((float(bm25_title[c.pos]) for c in cands), default=0.0) or 1.0
    dense_floor = min((c.features["dense_chunk"] for c in cands if "dense_chunk" in c.features), default=0.0)
    for c in cands:
        f = c.features
        f["bm25_ctx"] = float(bm25_ctx[c.pos]) / top_ctx
        f["bm25_title"] = float(bm25_title[c.pos]) / top_title
        f.setdefault("dense_chunk", dense_floor)
        f["dense_title"] = float(dense_title[c.pos])
        f.update(scope_features(q, c.date))
        f["issuer_match"] = float(bool(named) and c.source in named)
        f["issuer_miss"] = float(bool(named) and c.source not in named)
    _recency(q, cands)


def _recency(q: Question, cands: Sequence[StatementCandidate]) -> None:
    """For latest/earliest questions: among the lexically relevant candidates (≥ ``RECENCY_RELEVANT`` of the best),
    how new (old) the statement is, 1 = the newest (oldest); 0 for everything else and for other questions.

    Why 0.5: the newest of a series of same-titled readouts often says less than an older one (its chunk BM25 was
    0.59 of the best for the last Biden–Netanyahu call). Measured on v2 train over the whole corpus (retrained,
    order gate applied): 0.6 train hit@5 0.993 (order questions 13/14 at rank 1), every threshold of 0.3–0.55
    1.000 (14/14); 0.45–0.5 best hit@1 on train (0.926) and dev (0.952)."""
    relevant = [c for c in cands if c.date and c.features["bm25_ctx"] >= RECENCY_RELEVANT]
    dates = sorted({c.date or "" for c in relevant}, reverse=q.order == Order.LATEST)
    for c in cands:
        if q.order is None or c not in relevant or len(dates) < 2:
            c.features["recency"] = 1.0 if q.order is not None and c in relevant else 0.0
        else:
            c.features["recency"] = 1.0 - dates.index(c.date or "") / (len(dates) - 1)


def stage2_features(q: Question, c: StatementCandidate, text: str, sims: np.ndarray,
                    spans: Sequence[tuple[int, int]], idf: dict[str, float]) -> None:
    """Sentence-level evidence: the best sentence's cosine to the question, whether any sentence states a figure
    of the counted noun (how-many questions), and the best sentence's share of the question's terms (IDF-weighted)."""
    f = c.features
    f["dense_sent"] = float(sims.max()) if len(sims) else 0.0
    order = [int(i) for i in np.argsort(-sims)] if len(sims) else []
    nouns = q.counted if q.is_count else ()
    f["count_match"] = float(bool(nouns) and any(counting(text[spans[i][0]:spans[i][1]], nouns)
                                                 for i in order[:COUNT_SENTENCES]))
    total = sum(idf.get(t, 0.0) for t in q.terms) or 1.0
    best = 0.0
    for i in order[:COVERAGE_SENTENCES]:  # the sentences most similar to the question: how much of it they hold
        s, e = spans[i]
        found = q.found_in(text[s:e])
        best = max(best, sum(idf.get(t, 0.0) for t in q.terms if t in found) / total)
    f["sent_coverage"] = best
    f["quote_match"] = quote_match(q.quotes, text)


def head_features(head: Sequence[StatementCandidate]) -> None:
    """``<feature>_rel``: each statement's sentence evidence minus the best of the stage-2 head (≤ 0).

    Why: a cosine of 0.7 is the best sentence of the corpus for one question and a middling one for another; as
    the lexical scores are divided by the best candidate's, the gap to the head's best says how this statement's
    sentences compare for *this* question. Measured on v2 over the whole corpus (retrained, gate applied):
    train hit@1/MRR 0.926/0.960 → 0.934/0.964, dev 0.952/0.972 → 0.962/0.977, hit@5 unchanged (1.000, 0.990)."""
    for name in HEAD_RELATIVE:
        top = max((c.features.get(name, 0.0) for c in head), default=0.0)
        for c in head:
            c.features[f"{name}_rel"] = c.features.get(name, 0.0) - top


_COMBINING = re.compile(r"[\u0300-\u036f]")
_TYPOGRAPHY = {"'": f"[{re.escape(SINGLE_QUOTES)}]", "-": f"[{re.escape(DASHES)}]"}


def _quote_pattern(quote: str) -> re.Pattern[str] | None:
    """The quoted words in order with anything but a letter or digit between them; an apostrophe or hyphen
    inside a word may be any of its typographic forms. Starts with a literal (fast to scan for)."""
    ws = words(fold_for_matching(quote))
    if not ws:
        return None
    parts = ["".join(_TYPOGRAPHY.get(ch, re.escape(ch)) for ch in w) for w in ws]
    return re.compile(r"[\W_]+".join(parts) + r"(?!\w)")


def _holds(pattern: re.Pattern[str], line: str) -> bool:
    return any(m.start() == 0 or not (line[m.start() - 1].isalnum() or line[m.start() - 1] == "_")
               for m in pattern.finditer(line))


def quote_match(quotes: Sequence[str], text: str) -> float:
    """The share of the question's quoted spans that the statement holds word for word (typography, case,
    accents and punctuation between words folded); 0 when the question quotes nothing.

    Why: a question that quotes words ("Who said 'leadership is partnership'?") names the statement by them, and
    the summit communiqué that shares every other word of the question does not hold them; BM25 and the dense
    scores see only the words, not that they stand together. One regex over the lower-cased text (the 30
    statements of a stage-2 head hold ~450k characters: folding them in Python costs more than the rest of
    retrieval); accents are stripped only for a text that did not match and has non-ASCII characters."""
    patterns = [p for p in map(_quote_pattern, quotes) if p is not None]
    if not patterns:
        return 0.0
    line = text.lower()
    stripped: str | None = None
    found = 0
    for p in patterns:
        if _holds(p, line):
            found += 1
        elif not line.isascii():
            if stripped is None:
                stripped = _COMBINING.sub("", unicodedata.normalize("NFKD", line))
            found += _holds(p, stripped)
    return found / len(patterns)
