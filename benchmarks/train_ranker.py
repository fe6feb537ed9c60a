"""Train the statement ranker on the v2 ``train`` split, choose its regularization on ``dev``, and write
``src/statementqa/data/ranker.json`` (coefficients + the feature names and version they expect).

Why here and not at run time: training needs the whole-corpus index and scikit-learn; serving needs neither
(a dot product per candidate). Re-run after any change to a feature's definition (``ranking.RANKER_VERSION``).

Also prints each lever's contribution on ``dev`` (the model refit without that feature group) and the
coefficients. ``test`` is never read here.

Usage: python benchmarks/train_ranker.py [--index DIR] [--no-write]
       (needs scikit-learn: pip install -e '.[train]'; default index: the cached v2 whole-corpus eval index)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np
from _common import v2_indexes

from statementqa.eval import EvalQuestion, evals_dir, load_questions
from statementqa.lexical import Filters
from statementqa.ranking import RANKER_VERSION, STAGE1, STAGE2, STAGE2_DEPTH, Linear, artifact_path, head_features
from statementqa.retrieve import Retriever

GRID = (0.03, 0.1, 0.3, 1.0, 3.0)
LEVERS = {
    "title (BM25 + dense over titles)": ("bm25_title", "dense_title"),
    "scope (period, issuer)": ("period_day", "period_month", "period_year", "period_miss", "issuer_match",
                               "issuer_miss"),
    "recency (latest/earliest)": ("recency",),
    "dense (chunks, titles, sentences)": ("dense_chunk", "dense_title", "dense_sent", "dense_sent_rel"),
    "sentence stage (stage 2)": ("dense_sent", "count_match", "sent_coverage"),
    "figure of the counted noun": ("count_match",),
    "quoted words (stage 2)": ("quote_match",),
    "sentence evidence relative to the head's best": ("dense_sent_rel", "sent_coverage_rel"),
}


def fit(X: np.ndarray, y: np.ndarray, features: tuple[str, ...], C: float) -> Linear:
    from sklearn.linear_model import LogisticRegression

    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    model.fit((X - mean) / scale, y)
    return Linear(features, model.coef_[0], float(model.intercept_[0]), mean, scale)


def masked(model: Linear, drop: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in model.features if f not in drop)


class Data:
    """Per question: stage-1 candidates (features, labels) and, once a stage-1 model exists, stage-2 rows."""

    def __init__(self, retrievers: list[Retriever], questions: list[EvalQuestion]) -> None:
        self.items = []
        for retriever in retrievers:  # several index sizes: features must mean the same at 400 or 9,000 statements
            for q in questions:
                if not all(retriever.store.document(g) for g in q.gold_ids):
                    continue
                parsed, _, qvec, lex, cands = retriever.candidates(q.question, Filters())
                self.items.append((q, parsed, qvec, lex, cands, retriever))

    def stage1(self, features: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        X = [[c.features[f] for f in features] for _, _, _, _, cands, _ in self.items for c in cands]
        y = [float(c.doc_id in q.gold_ids) for q, _, _, _, cands, _ in self.items for c in cands]
        return np.array(X), np.array(y)

    def heads(self, model: Linear) -> None:
        """Stage-1 score every candidate, keep the best STAGE2_DEPTH and fill their sentence evidence."""
        for _q, parsed, qvec, lex, cands, retriever in self.items:
            for c, logit in zip(cands, model.logits([c.features for c in cands]), strict=True):
                c.features["stage1"] = float(logit)
                c.score = float(logit)
            cands.sort(key=lambda c: -c.score)
            self.evidence(retriever, parsed, qvec, lex, cands[:STAGE2_DEPTH])
            head_features(cands[:STAGE2_DEPTH])

    @staticmethod
    def evidence(retriever, parsed, qvec, lex, head) -> None:  # noqa: ANN001
        missing = [c for c in head if "dense_sent" not in c.features]
        if missing:
            retriever.sentence_evidence(parsed, qvec, lex, missing)

    def stage2(self, features: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        rows = [(q, c) for q, _, _, _, cands, _ in self.items for c in cands[:STAGE2_DEPTH]]
        return (np.array([[c.features[f] for f in features] for _, c in rows]),
                np.array([float(c.doc_id in q.gold_ids) for q, c in rows]))

    def ranks(self, s1: Linear, s2: Linear | None) -> list[int | None]:
        out: list[int | None] = []
        for q, parsed, qvec, lex, cands, retriever in self.items:
            scored = [(float(x), c) for x, c in zip(s1.logits([c.features for c in cands]), cands, strict=True)]
            for c in cands:  # stage-2 features depend on the stage-1 logit of *this* model
                c.features["stage1"] = next(x for x, d in scored if d is c)
            scored.sort(key=lambda t: -t[0])
            order = [c for _, c in scored]
            if s2 is not None:
                head = order[:STAGE2_DEPTH]
                self.evidence(retriever, parsed, qvec, lex, head)
                head_features(head)
                logits = s2.logits([c.features for c in head])
                head = [c for _, c in sorted(zip(logits, head, strict=True), key=lambda t: -t[0])]
                order = head + order[STAGE2_DEPTH:]
            out.append(next((i + 1 for i, c in enumerate(order) if c.doc_id in q.gold_ids), None))
        return out


def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {"hit@1": sum(r == 1 for r in ranks) / n, "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
            "mrr": sum(1 / r for r in ranks if r) / n, "n": len(ranks)}


def line(name: str, m: dict[str, float]) -> str:
    return f"| {name} | {m['hit@1']:.3f} | {m['hit@5']:.3f} | {m['mrr']:.3f} |"


def train(train: Data, dev: Data, s1_features: tuple[str, ...], s2_features: tuple[str, ...] | None,
          ) -> tuple[Linear, Linear | None, float, dict[str, float]]:
    """Fit stage 1 and 2 on train for each C of the grid; keep the C with the best dev MRR."""
    best: tuple[float, Linear, Linear | None, float, dict[str, float]] | None = None
    for C in GRID:
        X, y = train.stage1(s1_features)
        s1 = fit(X, y, s1_features, C)
        s2 = None
        if s2_features is not None:
            train.heads(s1)
            dev.heads(s1)
            X2, y2 = train.stage2(s2_features)
            s2 = fit(X2, y2, s2_features, C)
        m = metrics(dev.ranks(s1, s2))
        if best is None or m["mrr"] > best[0]:
            best = (m["mrr"], s1, s2, C, m)
    assert best is not None
    return best[1], best[2], best[3], best[4]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, action="append",
                    help="a v2 index (repeatable: several pools; default: the cached whole-corpus eval index)")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    indexes, index_dir = v2_indexes(args.index)
    questions = [q for q in load_questions(evals_dir() / "v2" / "questions.jsonl") if q.answerable]
    t0 = time.perf_counter()
    data = {s: Data([ix.retriever for ix in indexes], [q for q in questions if q.split == s]) for s in ("train", "dev")}
    print(f"candidates for {sum(len(d.items) for d in data.values())} questions in {time.perf_counter() - t0:.0f} s")

    s1, s2, C, dev_m = train(data["train"], data["dev"], STAGE1, STAGE2)
    train_m = metrics(data["train"].ranks(s1, s2))
    s1_only = metrics(data["dev"].ranks(s1, None))
    print(f"\nchosen C={C}\n\n| model | hit@1 | hit@5 | MRR |\n|---|---|---|---|")
    print(line("train (stages 1+2)", train_m))
    print(line("dev (stages 1+2)", dev_m))
    print(line("dev, stage 1 only", s1_only))
    print("\nEach lever's contribution on dev (refit without it):\n")
    print("| without | hit@1 | hit@5 | MRR |\n|---|---|---|---|")
    for name, drop in LEVERS.items():
        f1 = tuple(f for f in STAGE1 if f not in drop)
        f2 = tuple(f for f in STAGE2 if f not in drop)
        stage2 = None if name.startswith("sentence stage") else f2
        _, _, _, m = train(data["train"], data["dev"], f1, stage2)
        print(line(name, m))
    print("\nCoefficients (standardized features):")
    for stage, model in (("stage 1", s1), ("stage 2", s2)):
        assert model is not None
        print(f"  {stage}: " + ", ".join(f"{f} {c:+.2f}" for f, c in zip(model.features, model.coef, strict=True)))
    artifact = {
        "version": RANKER_VERSION,
        "info": {"created": datetime.now().isoformat(timespec="seconds"), "trained_on": "evals v2 train",
                 "calibrated_on": "evals v2 dev (C chosen by MRR)", "C": C, "index": str(index_dir),
                 "train": train_m, "dev": dev_m, "stage2_depth": STAGE2_DEPTH,
                 "model": "sklearn LogisticRegression(class_weight=balanced) on standardized features"},
        "stage1": _dump(s1),
        "stage2": _dump(s2),
    }
    if not args.no_write:
        out = artifact_path()
        out.write_text(json.dumps(artifact, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {out}")
    for ix in indexes:
        ix.close()
    return 0


def _dump(model: Linear | None) -> dict:
    assert model is not None
    return {"features": list(model.features), "coef": [round(float(c), 6) for c in model.coef],
            "intercept": round(model.intercept, 6), "mean": [round(float(x), 6) for x in model.mean],
            "scale": [round(float(x), 6) for x in model.scale]}


if __name__ == "__main__":
    sys.exit(main())
