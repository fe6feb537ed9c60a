"""Lexical retrieval: BM25 (bm25s) over chunks that carry their statement's title, issuer and date, and BM25
over titles alone — plus the term statistics the answerer needs.

Why the title, issuer and date go into every chunk's tokens: analysts name a statement by what its title says
("the readout of Sullivan's call with …", "the White House fact sheet on …") and by when and who; a chunk from
the middle of a statement says none of that. Measured on the v2 train+dev questions over the whole corpus,
chunk-only BM25 found the gold statement first for 72.5% of questions, the title-carrying chunks for 81.2%.
Rebuilt from SQLite whenever its generation stamp is stale, so it never disagrees with the store for long.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import bm25s
import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from statementqa.query import Filters
from statementqa.textutil import initialisms, query_acronyms, terms

# bm25s sets its own logger to DEBUG when imported: every index build would print "Building index from
# tokens" into the app's log.
logging.getLogger("bm25s").setLevel(logging.WARNING)

__all__ = ["Filters", "LexicalIndex", "chunk_tokens", "date_ord", "mine_acronyms"]  # Filters: from query.py

SPELLING_MIN_DF = 3  # a correction must be a word of the statements, not another typo in one of them
SPELLING_RATIO = 100  # …and a term the index has is corrected only to one this many times more common
SPELLING_LONG = 8  # terms this long may be two edits away ("interfernce" → "interference"), shorter ones one

LEXICAL_VERSION = 5  # bump when BM25 tokens change, so indexes on disk are rebuilt (5: title/issuer/date in chunks)


def date_ord(iso: str | None) -> int:
    """yyyy-mm-dd → yyyymmdd as an int (Chroma filters compare numbers, not strings)."""
    if not iso or len(iso) != 10 or iso[4] != "-" or iso[7] != "-" or not iso.replace("-", "").isdigit():
        return 0
    return int(iso.replace("-", ""))


def mine_acronyms(texts: Iterable[str]) -> dict[str, str]:
    """acronym → its most frequent spelled-out phrase in the corpus (ties: the shorter phrase)."""
    counts: dict[str, Counter[str]] = {}
    for text in texts:
        for initials, phrase in initialisms(text):
            counts.setdefault(initials, Counter())[phrase.lower()] += 1
    return {a: min(c.items(), key=lambda kv: (-kv[1], len(kv[0])))[0] for a, c in counts.items()}


def chunk_tokens(text: str, title: str, source: str, iso: str | None) -> list[str]:
    """What a chunk is matched on: its statement's title, issuer and date, then its own text."""
    return terms(f"{title}\n{source} {iso or ''}\n{text}") or [""]


# (chunk_id, doc_id, text, source, date, title), in statement order
ChunkRow = tuple[str, str, str, str, "str | None", str]


class LexicalIndex:
    """BM25 over title-carrying chunks and over titles, with per-statement arrays for filters and scope."""

    def __init__(self, bm25: bm25s.BM25, titles: bm25s.BM25, chunk_ids: list[str], chunk_doc: np.ndarray,
                 doc_ids: list[str], sources: list[str], dates: np.ndarray, df: dict[str, int], generation: int,
                 acronyms: dict[str, str] | None = None) -> None:
        self.bm25 = bm25
        self.titles = titles
        self.chunk_ids = chunk_ids
        self.chunk_doc = chunk_doc  # statement position of each chunk
        self.doc_ids = doc_ids
        self.doc_pos = {d: i for i, d in enumerate(doc_ids)}
        self.sources = np.array(sources, dtype=object)  # per statement
        self.dates = dates  # per statement, yyyymmdd (0 = undated)
        self.df = df
        self.acronyms = acronyms or {}
        self.n = len(chunk_ids)
        self.generation = generation
        self._vocab: list[str] | None = None

    @classmethod
    def build(cls, rows: Sequence[ChunkRow], generation: int) -> LexicalIndex:
        doc_ids: list[str] = []
        sources: list[str] = []
        dates: list[int] = []
        titles: list[list[str]] = []
        pos: dict[str, int] = {}
        chunk_doc: list[int] = []
        tokens: list[list[str]] = []
        for _, doc_id, text, source, iso, title in rows:
            if doc_id not in pos:
                pos[doc_id] = len(doc_ids)
                doc_ids.append(doc_id)
                sources.append(source)
                dates.append(date_ord(iso))
                titles.append(terms(title) or [""])
            chunk_doc.append(pos[doc_id])
            tokens.append(chunk_tokens(text, title, source, iso))
        bm25, tbm25 = bm25s.BM25(), bm25s.BM25()
        if rows:
            bm25.index(tokens, show_progress=False)
            tbm25.index(titles, show_progress=False)
        df = Counter(t for toks in tokens for t in set(toks) if t)
        return cls(bm25, tbm25, [r[0] for r in rows], np.array(chunk_doc, dtype=np.int64), doc_ids, sources,
                   np.array(dates, dtype=np.int64), dict(df), generation, mine_acronyms(r[2] for r in rows))

    # --- persistence ------------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write a new build folder, then point ``current`` at it (atomic rename).

        Why builds and a pointer: another process (the CLI ingesting while the UI serves) may save or
        load the same index at the same time; a build folder is never modified once written, so a
        reader sees one whole build or none, never a mix of two."""
        folder.mkdir(parents=True, exist_ok=True)
        build = folder / f"g{self.generation}-{os.getpid()}-{secrets.token_hex(4)}"
        build.mkdir()
        if self.n:
            self.bm25.save(str(build / "chunks"), show_progress=False)
            self.titles.save(str(build / "titles"), show_progress=False)
        meta = {"version": LEXICAL_VERSION, "generation": self.generation, "chunk_ids": self.chunk_ids,
                "chunk_doc": self.chunk_doc.tolist(), "doc_ids": self.doc_ids, "sources": self.sources.tolist(),
                "dates": self.dates.tolist(), "df": self.df, "acronyms": self.acronyms}
        (build / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        pointer = folder / f"current.{build.name}.tmp"
        pointer.write_text(build.name, encoding="utf-8")
        pointer.replace(folder / "current")
        _prune_builds(folder, keep=build.name)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex | None:
        try:
            build = folder / (folder / "current").read_text(encoding="utf-8").strip()
            meta = json.loads((build / "meta.json").read_text(encoding="utf-8"))
            if meta.get("version") != LEXICAL_VERSION:
                return None  # built by older code (other tokens): rebuild
            empty = not meta["chunk_ids"]
            bm25 = bm25s.BM25() if empty else bm25s.BM25.load(str(build / "chunks"), show_progress=False)
            titles = bm25s.BM25() if empty else bm25s.BM25.load(str(build / "titles"), show_progress=False)
            return cls(bm25, titles, meta["chunk_ids"], np.array(meta["chunk_doc"], dtype=np.int64), meta["doc_ids"],
                       meta["sources"], np.array(meta["dates"], dtype=np.int64), meta["df"], int(meta["generation"]),
                       meta.get("acronyms", {}))
        except Exception:  # noqa: BLE001 - missing, half-pruned or unreadable: rebuilt from SQLite
            return None

    # --- queries ----------------------------------------------------------------------------------
    def expand(self, question: str) -> str:
        """The question plus the spelled-out form of acronyms it uses, as mined from the corpus."""
        extra = [self.acronyms[a] for a in query_acronyms(question) if a in self.acronyms]
        extra = [e for e in extra if e.lower() not in question.lower()]
        return f"{question} ({'; '.join(extra)})" if extra else question

    def correction(self, term: str, typed: str | None = None) -> str | None:
        """The index term that ``term``, absent from the index (or nearly), most likely misspells: the most frequent
        term at the fewest edits (one; two for long words; a swap of two letters is one: "understnad"), or None.

        Why the index's own vocabulary: the words a question must match are the statements' words, names and
        jargon included, which no general dictionary has; and a word no statement uses is never "corrected".
        ``typed``: the word as typed, matched too — a typo can change the stem more than the word ("comunity"
        stems to "comun", one edit from "communiti" as typed, four as stemmed)."""
        seen = self.df.get(term, 0)
        if seen >= SPELLING_MIN_DF or len(term) < 4:
            return None
        # A term a statement or two has (the same typo made there: "comunity") is corrected only to a word that
        # is far more common.
        floor = max(SPELLING_MIN_DF, SPELLING_RATIO * seen)
        near: list[tuple[str, int]] = []
        for probe in dict.fromkeys((term, typed.lower()) if typed else (term,)):
            limit = 2 if len(probe) >= SPELLING_LONG else 1
            hits = process.extract(probe, self._vocabulary(), scorer=OSA.distance, score_cutoff=limit, limit=50)
            near += [(w, int(d)) for w, d, _ in hits if w != term and self.df.get(w, 0) >= floor]
        if not near:
            return None
        fewest = min(d for _, d in near)
        return max((w for w, d in near if d == fewest), key=lambda w: (self.df[w], w))

    def _vocabulary(self) -> list[str]:
        if self._vocab is None:
            self._vocab = list(self.df)
        return self._vocab

    def best_chunk(self, term: str) -> str | None:
        """The id of the chunk where ``term`` weighs most (BM25), to read how the statements spell it."""
        if not self.n or term not in self.df:
            return None
        scores = self.bm25.get_scores([term])
        i = int(np.argmax(scores))
        return self.chunk_ids[i] if scores[i] > 0 else None

    def idf(self, term: str) -> float:
        """Smoothed IDF; unseen terms get the maximum (they are the most specific)."""
        return float(np.log(1 + (self.n + 1) / (self.df.get(term, 0) + 0.5)))

    def doc_mask(self, f: Filters) -> np.ndarray | None:
        """Statements that pass the filters (None = all)."""
        if not f.active or not self.doc_ids:
            return None
        keep = np.ones(len(self.doc_ids), dtype=bool)
        if f.sources:
            keep &= np.isin(self.sources, list(f.sources))
        if f.since:
            keep &= self.dates >= int(f.since.strftime("%Y%m%d"))
        if f.until:
            keep &= (self.dates <= int(f.until.strftime("%Y%m%d"))) & (self.dates > 0)
        return keep

    def chunk_scores(self, query: str, doc_mask: np.ndarray | None) -> np.ndarray:
        """BM25 of every chunk (0 for chunks of filtered-out statements)."""
        q = [t for t in terms(query) if t]
        if not self.n or not q:
            return np.zeros(self.n, dtype=np.float32)
        if doc_mask is None:
            return np.asarray(self.bm25.get_scores(q), dtype=np.float32)
        weights = doc_mask[self.chunk_doc].astype(np.float32)
        return np.asarray(self.bm25.get_scores(q, weight_mask=weights), dtype=np.float32)

    def title_scores(self, query: str, doc_mask: np.ndarray | None) -> np.ndarray:
        """BM25 of every statement's title."""
        q = [t for t in terms(query) if t]
        if not self.doc_ids or not q:
            return np.zeros(len(self.doc_ids), dtype=np.float32)
        scores = np.asarray(self.titles.get_scores(q), dtype=np.float32)
        return scores if doc_mask is None else scores * doc_mask

    def per_doc_max(self, chunk_scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(best chunk score, index of that chunk) per statement."""
        best = np.zeros(len(self.doc_ids), dtype=np.float32)
        np.maximum.at(best, self.chunk_doc, chunk_scores)
        arg = np.full(len(self.doc_ids), -1, dtype=np.int64)
        hit = chunk_scores >= best[self.chunk_doc]
        arg[self.chunk_doc[hit][::-1]] = np.nonzero(hit)[0][::-1]  # the first chunk with the best score
        return best, arg

    def search(self, query: str, k: int, filters: Filters) -> list[tuple[str, float]]:
        """The ``k`` best chunks (chunk id, BM25), for callers that want plain chunk ranking."""
        scores = self.chunk_scores(query, self.doc_mask(filters))
        top = np.argsort(-scores)[:k]
        return [(self.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]


def _prune_builds(folder: Path, keep: str, grace: float = 60.0) -> None:
    """Remove superseded BM25 builds (a grace period lets another process finish loading one)."""
    now = time.time()
    for child in folder.iterdir():
        try:
            if child.name != keep and child.is_dir() and child.name.startswith("g") and \
                    now - child.stat().st_mtime > grace:
                shutil.rmtree(child, ignore_errors=True)
        except OSError:
            continue
