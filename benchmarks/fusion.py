"""Retrieval quality of BM25 alone, dense alone and weighted relative-score fusion on the seeds corpus.

Why: the fusion weights in config.py must be measured, not assumed (OFFLINE.md: on these statements
lexical retrieval matters). For every answerable question in benchmarks/questions.jsonl we call
``Index.retrieve(q, top_k=10, weights=Weights(bm25=w, dense=1-w))`` for w = 0.0, 0.1, …, 1.0
(w=0 is dense alone, w=1 is BM25 alone: the retriever skips a method whose weight is 0) and score
where the first passage from a gold statement lands:

- hit@k: a passage of a gold statement is among the first k passages returned (what the answerer sees:
  it reads the top_k=5 passages);
- MRR: mean of 1/rank of that first gold passage (0 when not in the top 10);
- doc_hit@5 (JSON only): a gold statement is among the first 5 *distinct statements* returned.

It then lists questions where fusion puts a gold passage in the top 5 while BM25 alone or dense alone
ranks it below 10 (their actual rank is looked up in a top-40 list), and recommends weights.

It runs on two corpora: seeds/ alone (146 on-topic statements: easy) and seeds/ plus N other statements
of the shared corpus (--distractors, default 500; deterministic sample), where ranking is harder; on the
latter it also runs a stress test: one mechanical query per seeds/ statement made from its title
(_common.query_from_title; gold = that statement), weak queries where one method alone often ranks low.

Usage: python benchmarks/fusion.py [--step 0.1] [--distractors 500] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from _common import (
    CORPUS,
    load_note,
    load_questions,
    open_distractor_index,
    open_seed_index,
    title_questions,
    write_json,
)

from statementqa.retrieve import Weights

KS = (1, 3, 5, 10)
DEEP = 40  # how deep to look up a single method's rank for the "either method alone ranks low" list


def first_gold_rank(doc_ids: list[str], gold: set[str]) -> int | None:
    """1-based rank of the first passage from a gold statement."""
    return next((i + 1 for i, d in enumerate(doc_ids) if d in gold), None)


def distinct(doc_ids: list[str]) -> list[str]:
    return list(dict.fromkeys(doc_ids))


def score(ranks: list[int | None], doc_ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    out = {f"hit@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in KS}
    out["mrr"] = sum(1 / r for r in ranks if r is not None) / n
    out["doc_hit@5"] = sum(1 for r in doc_ranks if r is not None and r <= 5) / n
    return out


def evaluate(ix, questions: list, grid: list[float], name: str) -> dict:
    """Run the grid on one index; print the table, the fusion wins and the misses; return the JSON part."""
    st = ix.stats()
    print(f"\n## {name}: {st.statements} statements / {st.chunks} chunks; {len(questions)} answerable questions; "
          f"defaults bm25={ix.settings.weight_bm25} dense={ix.settings.weight_dense}; "
          f"candidates={ix.settings.candidates}; {load_note()}")
    ix.retrieve("warm-up query", top_k=10)  # loads BM25 and the encoder outside the timings
    per_weight: dict[float, dict] = {}
    ranks_by_w: dict[float, dict[str, int | None]] = {}
    for w in grid:
        weights = Weights(bm25=w, dense=round(1 - w, 3))
        ranks: list[int | None] = []
        doc_ranks: list[int | None] = []
        by_q: dict[str, int | None] = {}
        lat: list[float] = []
        for q in questions:
            t = time.perf_counter()
            passages = ix.retrieve(q.question, top_k=10, weights=weights)
            lat.append(time.perf_counter() - t)
            ids = [p.doc_id for p in passages]
            r = first_gold_rank(ids, set(q.gold_doc_ids))
            ranks.append(r)
            doc_ranks.append(first_gold_rank(distinct(ids), set(q.gold_doc_ids)))
            by_q[q.id] = r
        m = score(ranks, doc_ranks)
        m["median_ms"] = statistics.median(lat) * 1000
        per_weight[w] = m
        ranks_by_w[w] = by_q

    label = {0.0: "dense only", 1.0: "BM25 only"}
    print(f"{'bm25':>5} {'dense':>5}  {'hit@1':>6} {'hit@3':>6} {'hit@5':>6} {'hit@10':>6} {'MRR':>6}  "
          f"{'doc@5':>6} {'ms':>5}")
    for w in grid:
        m = per_weight[w]
        note = label.get(w, "")
        if abs(w - ix.settings.weight_bm25) < 1e-9:
            note = (note + " (current default)").strip()
        print(f"{w:5.1f} {1 - w:5.1f}  {m['hit@1']:6.3f} {m['hit@3']:6.3f} {m['hit@5']:6.3f} {m['hit@10']:6.3f} "
              f"{m['mrr']:6.3f}  {m['doc_hit@5']:6.3f} {m['median_ms']:5.0f}  {note}")

    # Best MRR, ties broken by hit@5 then hit@1; reported with the plateau around it, because 42
    # questions cannot separate weights that differ by one question.
    best = max(grid, key=lambda w: (round(per_weight[w]["mrr"], 4), per_weight[w]["hit@5"], per_weight[w]["hit@1"]))
    one_q = 1 / len(questions)
    plateau = [w for w in grid if per_weight[w]["mrr"] >= per_weight[best]["mrr"] - one_q / 2
               and per_weight[w]["hit@5"] >= per_weight[best]["hit@5"] - one_q]
    print(f"best by MRR (ties: hit@5, hit@1): bm25={best:.1f} dense={1 - best:.1f}; "
          f"within half a question of its MRR and one question of its hit@5: {plateau}")

    wins = fusion_wins(ix, questions, ranks_by_w, best)
    print(f"fusion (bm25={best:.1f}) has gold in top 5 but BM25 alone or dense alone ranks it below 10: {len(wins)}")
    for r in wins:
        print(f"  {r['id']}: fused #{r['fused_rank']}, BM25 #{r['bm25']}, dense #{r['dense']}  — {r['question']}")
    lifted = [q for q in questions if ranks_by_w[best][q.id] == 1
              and min(ranks_by_w[1.0][q.id] or 99, ranks_by_w[0.0][q.id] or 99) > 1]
    print(f"fusion ranks gold #1 where neither method alone does: {len(lifted)}")
    for q in lifted:
        print(f"  {q.id}: BM25 #{ranks_by_w[1.0][q.id]}, dense #{ranks_by_w[0.0][q.id]} — {q.question}")
    misses = [q for q in questions if all((ranks_by_w[w][q.id] or 99) > 5 for w in grid)]
    print(f"no weight puts gold in the top 5: {len(misses)}")
    for q in misses:
        print(f"  {q.id}: BM25 {ranks_by_w[1.0][q.id]}, dense {ranks_by_w[0.0][q.id]}, "
              f"fused {ranks_by_w[best][q.id]} — {q.question}")
    return {
        "statements": st.statements, "chunks": st.chunks, "load": load_note(),
        "grid": {f"{w:.1f}": per_weight[w] for w in grid},
        "ranks": {f"{w:.1f}": ranks_by_w[w] for w in grid},
        "best_bm25_weight": best, "plateau": plateau, "fusion_wins": wins,
        "fused_first_not_single": [q.id for q in lifted], "never_top5": [q.id for q in misses],
    }


def fusion_wins(ix, questions: list, ranks_by_w: dict, best: float) -> list[dict]:
    """Gold in the fused top 5 while a single method ranks it below 10 (its rank looked up to DEEP)."""
    wins = []
    for q in questions:
        fr = ranks_by_w[best][q.id]
        if fr is None or fr > 5:
            continue
        singles: dict[str, int | str] = {}
        for name, w in (("bm25", 1.0), ("dense", 0.0)):
            r = ranks_by_w[w][q.id]
            if r is None:
                deep = ix.retrieve(q.question, top_k=DEEP, weights=Weights(bm25=w, dense=1 - w))
                r = first_gold_rank([p.doc_id for p in deep], set(q.gold_doc_ids))
            singles[name] = f">{DEEP}" if r is None else r
        if any(isinstance(v, str) or v > 10 for v in singles.values()):
            wins.append({"id": q.id, "question": q.question, "fused_rank": fr, **singles})
    return wins


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--step", type=float, default=0.1, help="grid step of the BM25 weight")
    ap.add_argument("--distractors", type=int, default=500,
                    help="also measure on seeds/ + N other statements of the shared corpus (0 = seeds only)")
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="shared corpus statements folder")
    args = ap.parse_args()

    questions = [q for q in load_questions() if q.answerable]
    grid = [round(i * args.step, 3) for i in range(round(1 / args.step) + 1)]
    t0 = time.perf_counter()
    titles = title_questions()
    results = {}
    with open_seed_index() as ix:
        results["seeds"] = evaluate(ix, questions, grid, "seeds/ only")
    if args.distractors:
        with open_distractor_index(args.distractors, args.corpus) as ix:
            name = f"seeds/ + {args.distractors} shared-corpus statements"
            results[f"seeds+{args.distractors}"] = evaluate(ix, questions, grid, name)
            results[f"seeds+{args.distractors}/title-queries"] = evaluate(
                ix, titles, grid, f"{name}, {len(titles)} title-derived known-item queries (stress test)")
    out = write_json("fusion.json", {"questions": len(questions), "seconds": time.perf_counter() - t0,
                                     "corpora": results})
    print(f"\nwrote {out}  ({load_note()})")


if __name__ == "__main__":
    sys.exit(main())
