"""Retrieval benchmark: statement hit@1/5 and MRR of statementqa's retriever next to baselines, measured in one
run on the v2 questions over the whole corpus, plus retrieve latency.

Rows:
- **statementqa**: ``Index.rank`` (four searches + the learned two-stage ranker);
- **plain BM25**: ``bm25s`` with an English Snowball stemmer over 256-word chunks with the statement's title and
  date prepended to every chunk (the outside baseline the retrieval issue was measured against);
- **BM25 only** / **dense only**: statementqa's own title-carrying BM25 chunks, and Chroma's nearest chunks,
  each ranking statements by their best chunk.

Usage: python benchmarks/retrieval.py [--split test] [--index DIR]   (default: the cached v2 whole-corpus index)
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import time
from pathlib import Path

import bm25s
import numpy as np
from _common import RESULTS, load_note, pct, write_json
from nltk.stem.snowball import EnglishStemmer

from statementqa import open_index
from statementqa.config import get_settings
from statementqa.eval import ensure_index, evals_dir, load_questions, whole_corpus
from statementqa.lexical import Filters

WORDS_PER_CHUNK = 256


class _Snowball:
    """bm25s wants a PyStemmer-like object; NLTK's Snowball (already installed) does the same job."""

    def __init__(self) -> None:
        self._s = EnglishStemmer()

    def stemWords(self, words: list[str]) -> list[str]:  # noqa: N802 - the name bm25s calls
        return [self._s.stem(w) for w in words]


def plain_bm25(db_path: Path) -> tuple[bm25s.BM25, list[str]]:
    """The baseline index (cached next to the results, keyed by the statement set)."""
    db = sqlite3.connect(db_path)
    rows = db.execute("SELECT id, title, date, text FROM documents ORDER BY id").fetchall()
    key = hashlib.sha256("".join(r[0] for r in rows).encode()).hexdigest()[:12]
    folder = RESULTS / f"plain-bm25-{key}"
    owners_file = folder / "owners.txt"
    if owners_file.exists():
        return bm25s.BM25.load(str(folder)), owners_file.read_text().splitlines()
    texts: list[str] = []
    owners: list[str] = []
    for doc_id, title, iso, text in rows:
        words = text.split()
        for i in range(0, max(1, len(words)), WORDS_PER_CHUNK):
            texts.append(f"{title} {iso or ''} " + " ".join(words[i : i + WORDS_PER_CHUNK]))
            owners.append(doc_id)
    model = bm25s.BM25()
    model.index(bm25s.tokenize(texts, stopwords="en", stemmer=_Snowball(), show_progress=False), show_progress=False)
    folder.mkdir(parents=True, exist_ok=True)
    model.save(str(folder))
    owners_file.write_text("\n".join(owners))
    return model, owners


def first_rank(order: list[str], gold: list[str]) -> int | None:
    seen: list[str] = []
    for doc_id in order:
        if doc_id not in seen:
            seen.append(doc_id)
            if doc_id in gold:
                return len(seen)
        if len(seen) >= 100:
            break
    return None


def summary(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {"hit@1": sum(r == 1 for r in ranks) / n, "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
            "mrr": sum(1 / r for r in ranks if r) / n}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="test", choices=("train", "dev", "test"))
    ap.add_argument("--index", type=Path)
    args = ap.parse_args()
    settings = get_settings()
    index_dir = args.index
    if index_dir is None:
        settings = settings.model_copy(update={"chroma_host": None, "collection": "statementqa-eval"})
        index_dir, _ = ensure_index(whole_corpus(), settings, None, progress=True)
    ix = open_index(index_dir, settings=settings)
    questions = [q for q in load_questions(evals_dir() / "v2" / "questions.jsonl")
                 if q.answerable and q.split == args.split]
    plain, owners = plain_bm25(index_dir / "statements.sqlite")
    stemmer = _Snowball()
    ix.rank(questions[0].question)  # warm caches (BM25, titles, Chroma) outside the timing
    ranks: dict[str, list[int | None]] = {"statementqa": [], "plain BM25 (title+date, 256 words)": [],
                                          "statementqa BM25 only": [], "statementqa dense only": []}
    latency: list[float] = []
    lex = ix.store.lexical()
    for q in questions:
        t = time.perf_counter()
        ranked = ix.rank(q.question)
        latency.append(time.perf_counter() - t)
        ranks["statementqa"].append(first_rank([c.doc_id for c in ranked.statements], q.gold_ids))
        docs, _ = plain.retrieve(bm25s.tokenize([q.question], stopwords="en", stemmer=stemmer, show_progress=False),
                                 k=300, show_progress=False)
        ranks["plain BM25 (title+date, 256 words)"].append(first_rank([owners[int(i)] for i in docs[0]], q.gold_ids))
        best, _ = lex.per_doc_max(lex.chunk_scores(ranked.query, None))
        ranks["statementqa BM25 only"].append(first_rank([lex.doc_ids[i] for i in np.argsort(-best)[:300]],
                                                         q.gold_ids))
        dense = ix.store.dense_search(ranked.qvec, 300, Filters())
        ranks["statementqa dense only"].append(first_rank([cid.rsplit("#", 2)[0] for cid, _ in dense], q.gold_ids))
    ix.close()
    rows = {name: summary(r) for name, r in ranks.items()}
    print(f"\n## retrieval, v2 {args.split} ({len(questions)} answerable questions), {load_note()}\n")
    print("| retriever | statement hit@1 | hit@5 | MRR |\n|---|---|---|---|")
    for name, m in rows.items():
        print(f"| {name} | {m['hit@1']:.3f} | {m['hit@5']:.3f} | {m['mrr']:.3f} |")
    p50, p95 = pct(latency, 0.5) * 1e3, pct(latency, 0.95) * 1e3
    print(f"\nretrieve (Index.rank) p50 {p50:.0f} ms, p95 {p95:.0f} ms over {len(latency)} questions")
    out = write_json(f"retrieval-{args.split}.json", {"split": args.split, "rows": rows, "latency_ms": {
        "p50": p50, "p95": p95}, "ranks": ranks, "load": load_note()})
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
