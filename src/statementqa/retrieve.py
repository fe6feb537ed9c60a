"""Hybrid retrieval: dense (Chroma) + BM25, fused by weighted relative scores.

Why relative-score fusion with measured weights: names, figures and dates in statements are
lexical, paraphrases are semantic; min-max-normalized scores let a passage that one method ranks
low but the other ranks high still surface (weights chosen in benchmarks/fusion.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from statementqa.config import Settings
from statementqa.embed import Embedder
from statementqa.models import Passage
from statementqa.store import Filters, Store

_LATEST = re.compile(r"\b(latest|most recent(ly)?|newest|last|recent(ly)?|current(ly)?)\b", re.I)
_EARLIEST = re.compile(r"\b(earliest|first|oldest|initial(ly)?)\b", re.I)


@dataclass(frozen=True)
class Weights:
    bm25: float
    dense: float


def temporal_order(question: str) -> str | None:
    """'latest' / 'earliest' when the question asks for a statement by its date."""
    if _LATEST.search(question):
        return "latest"
    if _EARLIEST.search(question) and not re.search(r"\bfirst (time|step|phase)\b", question, re.I):
        return "earliest"
    return None


def _normalize(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    vals = np.array(list(scores.values()))
    lo, hi = float(vals.min()), float(vals.max())
    if hi - lo < 1e-9:
        return {k: 1.0 for k in scores}
    return {k: (v - lo) / (hi - lo) for k, v in scores.items()}


def fuse(dense: dict[str, float], lexical: dict[str, float], w: Weights) -> dict[str, float]:
    """Weighted sum of min-max-normalized scores (llama-index's 'relative_score' fusion, weighted)."""
    nd, nl = _normalize(dense), _normalize(lexical)
    total = w.bm25 + w.dense or 1.0
    return {k: (w.dense * nd.get(k, 0.0) + w.bm25 * nl.get(k, 0.0)) / total for k in set(nd) | set(nl)}


class Retriever:
    """Turns a question into ranked passages with statement metadata."""

    def __init__(self, store: Store, embedder: Embedder, settings: Settings) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings

    def retrieve(self, question: str, filters: Filters, top_k: int | None = None,
                 weights: Weights | None = None) -> list[Passage]:
        s = self.settings
        k = top_k or s.top_k
        w = weights or Weights(s.weight_bm25, s.weight_dense)
        lex = self.store.lexical()
        query = lex.expand(question)
        dense: dict[str, float] = {}
        qvec = self.embedder.embed([query])[0]
        if w.dense > 0:
            dense = dict(self.store.dense_search(qvec, s.candidates, filters))
        lexical = dict(lex.search(query, s.candidates, filters)) if w.bm25 > 0 else {}
        fused = fuse(dense, lexical, w)
        ranked = sorted(fused, key=lambda c: -fused[c])
        records = self.store.chunk_records(ranked[: max(k * 4, 20)])
        passages = [
            Passage(chunk_id=cid, doc_id=r.doc_id, text=r.text, start=r.start, end=r.end, score=fused[cid],
                    dense_score=dense.get(cid), bm25_score=lexical.get(cid), title=r.title, source=r.source,
                    date=r.date, url=r.url)
            for cid in ranked
            if (r := records.get(cid)) is not None
        ]
        order = temporal_order(question)
        if order:
            passages = _by_date(passages, order)
        passages = passages[:k]
        missing = [p.chunk_id for p in passages if p.dense_score is None]
        if missing:  # the answerer's support needs a dense similarity for every passage
            sims = self.store.similarities(qvec, missing)
            passages = [p.model_copy(update={"dense_score": sims.get(p.chunk_id)}) if p.dense_score is None else p
                        for p in passages]
        return passages


def _by_date(passages: list[Passage], order: str) -> list[Passage]:
    """Among clearly relevant passages (≥ 60% of the best score), put the latest/earliest statement first."""
    if not passages:
        return passages
    best = passages[0].score
    relevant = [p for p in passages if p.score >= 0.6 * best and p.date]
    rest = [p for p in passages if p not in relevant]
    relevant.sort(key=lambda p: (p.date or "", p.score), reverse=(order == "latest"))
    return relevant + rest
