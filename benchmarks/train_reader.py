"""Train the answer scorer on the v2 ``train`` split, calibrate it on ``dev``, choose the refusal threshold on
``dev``, and write ``src/statementqa/data/reader.json``.

- Rows: every (sentence, span) pair ``answering.extractive.prepare_part`` makes for a question part (as the
  reader does), labelled 1 when the pair comes from a gold statement and its span (or, for a sentence-only
  pair, the sentence) holds an acceptable answer of that part; yes/no parts are labelled by whether the claim
  check on that sentence gives the gold verdict. Unanswerable near misses contribute only 0s: the scorer learns
  what a near miss looks like.
- Model: scikit-learn ``LogisticRegression`` on standardized features (C chosen on dev by log-loss).
- Answerability: a logistic regression on part features whose coefficients keep the signs ``PART_SIGNS`` declares
  (L-BFGS-B with bounds; C chosen on dev by part accuracy at the false-refusal target).
- Calibration: Platt scaling on dev (the best pair's logit per part → whether answering with it is right).
- Lead threshold: the lowest ``evidence.lead_confidence`` at which the spans shown as leads on dev are right at
  least ``--lead-precision`` of the time; below it the answer quotes alone, and the parts the answerability model
  is fitted and calibrated on are labelled as the reader then answers them.
- Threshold: the highest calibrated probability that refuses at most ``--max-false-refusal`` of the answerable
  dev parts (``--threshold-on train+dev``: of dev and of train scored out of fold). ``test`` is never read.
- Pools: the ``--index`` pools (345–8,938 statements) plus ``--tiny`` indexes of a few dozen statements (the
  gold and topic statements of a group of train/dev questions) and ``--single`` indexes of one question's
  statements (2-5), so fit and threshold also hold on small indexes.

Usage: python benchmarks/train_reader.py [--index DIR] [--tiny 12] [--single 40] [--max-false-refusal 0.06]
       [--lead-precision 0.8] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np
from _common import eval_settings, v2_indexes

from statementqa.answering.claims import verdict
from statementqa.answering.compose import format_date
from statementqa.answering.evidence import (
    FEATURES,
    PART_FEATURES,
    PART_SIGNS,
    Pair,
    best_first,
    lead_confidence,
    part_features,
)
from statementqa.answering.extractive import leads, prepare_part
from statementqa.answering.kinds import QuestionKind, classify
from statementqa.answering.parts import question_parts
from statementqa.answering.scorer import READER_VERSION, artifact_path
from statementqa.eval import EvalQuestion, answer_correct, evals_dir, load_questions
from statementqa.question import parse_question
from statementqa.ranking import Linear

GRID = (0.03, 0.1, 0.3, 1.0, 3.0)


def part_answers(q: EvalQuestion, i: int, n: int) -> list[str | list[str]]:
    """The acceptable answers of part ``i`` of ``n`` (a list answer holds one entry per part)."""
    if n == 1:
        return list(q.answers)
    out: list[str | list[str]] = []
    for a in q.answers:
        if isinstance(a, list) and len(a) == n:
            out.append(a[i])
        elif isinstance(a, str):
            out.append(a)
    return out


def examples(ix, questions: list[EvalQuestion]) -> list[dict]:  # noqa: ANN001
    """Per question part: its pairs (features) and labels (questions whose statements this index lacks skipped)."""
    out: list[dict] = []
    for q in questions:
        if not all(ix.store.document(d) for d in [*q.gold_ids, *q.topic_ids]):
            continue
        asked = ix.read(q.question).text  # as the reader reads it: shorthand spelled out, typos corrected
        base = ix.rank(asked)
        parts = question_parts(asked)
        counted: tuple[str, ...] = ()
        for i, part in enumerate(parts):
            text = part.text
            r = base if len(parts) == 1 else ix.rank(part.query)
            pq, rule, pairs = prepare_part(text, r, ix.store.text, ix.store.lexical().idf, counted)  # as the reader
            counted = pq.counted or counted
            answers = part_answers(q, i, len(parts)) if q.answerable else []
            labels = [label(p, q, text, answers, rule.kind, ix.store.text) for p in pairs]
            if rule.labels or rule.figures:  # a lead of the asked kind beats the bare sentence it is in
                right_spans = {(p.statement.doc_id, p.start) for p, y in zip(pairs, labels, strict=True)
                               if y and p.span is not None}
                labels = [0.0 if p.span is None and (p.statement.doc_id, p.start) in right_spans else y
                          for p, y in zip(pairs, labels, strict=True)]
            out.append({"q": q, "part": i, "text": text, "answerable": q.answerable, "pairs": pairs,
                        "labels": labels, "ix": ix})
    return out


def label(p: Pair, q: EvalQuestion, text: str, answers: list, kind: QuestionKind, get_text) -> float:  # noqa: ANN001
    """Is answering with this pair right? Its lead (the span) must be an acceptable answer; a sentence-only pair
    is right when the quote with its statement's date holds one (as a reader of the answer would see it)."""
    if not q.answerable or p.statement.doc_id not in q.gold_ids or not answers:
        return 0.0
    sentence = (get_text(p.statement.doc_id) or "")[p.start : p.end]
    if kind == QuestionKind.YESNO:
        return float(verdict(text, sentence)[0].value == str(answers[0]).lower())
    if p.span is None:
        return float(answer_correct(answers, f"{format_date(p.statement.date)}: {sentence}"))
    said = format_date(p.span.text) if p.span.label in ("STATEMENT_DATE", "REPORT_DATE") else p.span.text
    return float(answer_correct(answers, said))


def pairwise(rows: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Differences (right − wrong) of pairs of the same part, both ways round: a ranking model learns which
    pair of a part answers, not how answerable parts are in general (that is the calibration's job). Every wrong
    pair of a part is used (no sampling: a refit on the same data gives the same model)."""
    X, y = [], []
    for r in rows:
        f = np.array([[p.features[n] for n in FEATURES] for p in r["pairs"]], dtype=np.float64)
        lab = np.array(r["labels"])
        pos, neg = np.nonzero(lab == 1)[0], np.nonzero(lab == 0)[0]
        if not len(pos) or not len(neg):
            continue
        for i in pos[:3]:
            d = f[i] - f[neg]
            X.extend([d, -d])
            y.extend([np.ones(len(neg)), np.zeros(len(neg))])
    return np.vstack(X), np.concatenate(y)


def ranking_model(rows: list[dict], C: float) -> Linear:
    from sklearn.linear_model import LogisticRegression

    X, y = pairwise(rows)
    scale = X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    model = LogisticRegression(C=C, max_iter=5000, fit_intercept=False).fit(X / scale, y)
    return Linear(FEATURES, model.coef_[0], 0.0, np.zeros(len(FEATURES)), scale)


def refusal_threshold(prob: np.ndarray, answerable: np.ndarray, max_false_refusal: float) -> float:
    """The highest probability that refuses at most ``max_false_refusal`` of the answerable parts."""
    ans_probs = np.sort(prob[answerable == 1])
    k = int(np.floor(max_false_refusal * len(ans_probs)))
    return float(ans_probs[k]) if k < len(ans_probs) else 0.5


def part_accuracy(prob: np.ndarray, right: np.ndarray, answerable: np.ndarray, max_false_refusal: float) -> float:
    """Dev part accuracy when refusing below ``refusal_threshold``: a refused unanswerable part is right."""
    refused = prob < refusal_threshold(prob, answerable, max_false_refusal)
    return float(np.mean(np.where(answerable == 1, (~refused) & (right == 1), refused)))


def signed_fit(X: np.ndarray, y: np.ndarray, features: tuple[str, ...], C: float) -> Linear:
    """Class-balanced, L2-regularized logistic regression whose coefficients keep ``PART_SIGNS``' directions (scipy's
    L-BFGS-B with bounds: scikit-learn's LogisticRegression has no sign constraints)."""
    from scipy.optimize import minimize
    from scipy.special import expit

    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    Z = (X - mean) / scale
    weight = np.where(y == 1, len(y) / (2 * max(y.sum(), 1)), len(y) / (2 * max((1 - y).sum(), 1)))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        p = expit(Z @ w + b)
        ll = -np.sum(weight * (y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))) + 0.5 / C * float(w @ w)
        g = weight * (p - y)
        return ll, np.append(Z.T @ g + w / C, g.sum())

    bounds = [(0.0, None) if PART_SIGNS[f] > 0 else (None, 0.0) if PART_SIGNS[f] < 0 else (None, None)
              for f in features]
    res = minimize(loss, np.zeros(len(features) + 1), jac=True, method="L-BFGS-B", bounds=[*bounds, (None, None)])
    return Linear(features, res.x[:-1], float(res.x[-1]), mean, scale)


def ranked_parts(model: Linear, rows: list[dict]) -> list[tuple[dict, list[Pair], list[float]]]:
    """Per part: its pairs in the reader's order under ``model`` (``best_first``) and their labels."""
    out = []
    for r in rows:
        for p, x in zip(r["pairs"], model.logits([p.features for p in r["pairs"]]), strict=True):
            p.score = float(x)
        label_of = {id(p): y for p, y in zip(r["pairs"], r["labels"], strict=True)}
        ranked = best_first(sorted(r["pairs"], key=lambda p: -p.score), classify(r["text"]))  # as the reader does
        out.append((r, ranked, [label_of[id(p)] for p in ranked]))
    return out


def read_right(ranked: list[Pair], labels: list[float], lead_threshold: float) -> float:
    """Is the answer the reader gives right, with the lead rule at ``lead_threshold``? Led by its span, when the
    span is; quoted alone, when its sentence holds the answer (some pair of the sentence is)."""
    if not ranked:
        return 0.0
    best = ranked[0]
    if leads(best, lead_confidence(ranked), lead_threshold):
        return labels[0]
    return max(y for p, y in zip(ranked, labels, strict=True)
               if p.statement.doc_id == best.statement.doc_id and p.start == best.start)


def choose_lead_threshold(model: Linear, rows: list[dict], precision: float) -> tuple[float, dict]:
    """The lowest lead confidence at which the spans shown as leads on these (dev) parts are right at least
    ``precision`` of the time: below it the answer quotes alone. Why a precision target: leading with the wrong
    name misleads the analyst who reads the lead first; a lead withheld only makes them read the quote."""
    pts = []
    for r, ranked, labels in ranked_parts(model, rows):
        if r["answerable"] and ranked and ranked[0].span is not None and leads(ranked[0], 1.0, 0.0):
            pts.append((lead_confidence(ranked), labels[0]))
    pts.sort()
    conf = np.array([c for c, _ in pts])
    right = np.array([y for _, y in pts])
    chosen = 1.0
    for i in range(len(pts)):  # candidate thresholds: each observed confidence, lowest first
        if right[i:].mean() >= precision:
            chosen = float(conf[i])
            break
    shown = conf >= chosen
    return chosen, {"leads": len(pts), "shown": float(shown.mean()) if len(pts) else 0.0,
                    "precision": float(right[shown].mean()) if shown.any() else 0.0,
                    "precision_all": float(right.mean()) if len(pts) else 0.0}


def parts(model: Linear, rows: list[dict], lead_threshold: float) -> tuple[list[dict[str, float]], np.ndarray,
                                                                          np.ndarray]:
    """Per part, ranked by ``model``: its part features, whether the reader's answer from the best pair is right
    (led by its span or quoted alone, as ``lead_threshold`` decides), and whether the part is answerable."""
    feats, right, answerable = [], [], []
    for r, ranked, labels in ranked_parts(model, rows):
        ix = r["ix"]
        lex = ix.store.lexical()
        pq = parse_question(r["text"])
        feats.append(part_features(pq, classify(r["text"]), ranked, ix.store.text, {t: lex.idf(t) for t in pq.terms},
                                   lex.n))
        right.append(read_right(ranked, labels, lead_threshold))
        answerable.append(float(r["answerable"]))
    return feats, np.array(right), np.array(answerable)


def out_of_fold(feats: list[dict[str, float]], X: np.ndarray, answerable: np.ndarray, groups: list[str], C: float,
                folds: int = 5) -> np.ndarray:
    """Each train part's answerability logit from a model fitted on the other folds' questions (a question's parts
    in every pool are one group): train parts scored as a question nobody fitted on would be."""
    from sklearn.model_selection import GroupKFold

    z = np.zeros(len(answerable))
    for fit, held in GroupKFold(n_splits=folds).split(X, answerable, groups):
        m = signed_fit(X[fit], answerable[fit], PART_FEATURES, C)
        z[held] = m.logits([feats[i] for i in held])
    return z


def print_by_pool(rows: list[dict], refused: np.ndarray, right: np.ndarray, answerable: np.ndarray,
                  tiny: list[Path]) -> None:
    """Dev false refusals, refusal recall and accuracy per pool at the chosen threshold (the tiny pools as one):
    a threshold that holds on the big pools may not hold on a small index."""
    tiny_dirs = {str(d) for d in tiny}
    label = [("tiny pools" if str(r["ix"].path) in tiny_dirs else Path(str(r["ix"].path)).name) for r in rows]
    print("dev parts by pool (false refusals / refusal recall / accuracy, n):")
    for name in dict.fromkeys(label):
        m = np.array([x == name for x in label])
        a, rf, y = answerable[m], refused[m], right[m]
        fr = float(np.mean(rf[a == 1])) if (a == 1).any() else 0.0
        rr = float(np.mean(rf[a == 0])) if (a == 0).any() else 0.0
        acc = float(np.mean(np.where(a == 1, (~rf) & (y == 1), rf)))
        print(f"  {name:28} {fr:.3f} / {rr:.3f} / {acc:.3f}  ({int(m.sum())})")


TINY_SEED = 20240530  # the seed statement's date: any fixed number would do


def tiny_pools(questions: list[EvalQuestion], groups: int, single: int = 0) -> list[Path]:
    """Indexes of a few dozen statements each — the gold and topic statements of one group of ``train``/``dev``
    questions (``test`` never: its statements stay unseen). Why: the big pools (345–8,938 statements) are all the
    scorer saw, but a user's first index (the seeds, a folder of press releases) holds tens; ranker scores and
    margins run lower there, and a threshold calibrated only on big pools refused answerable questions on them."""
    import random

    from statementqa.eval import ensure_index, whole_corpus

    settings = eval_settings()
    records = {r["id"]: r for r in whole_corpus()}
    pool = [q for q in questions if q.split in ("train", "dev")]
    random.Random(TINY_SEED).shuffle(pool)
    # ``groups`` pools of a few dozen statements, then ``single`` of one question's statements each (2–5): the
    # tests' and a first-time user's index can be that small, and a threshold must hold there too.
    members = [pool[g::groups] for g in range(groups)] + [[q] for q in pool[:single]]
    out: list[Path] = []
    for group in members:
        ids = sorted({d for q in group for d in (*q.gold_ids, *q.topic_ids) if d in records})
        if ids:
            out.append(ensure_index([records[i] for i in ids], settings, None, progress=False)[0])
    return out


def main() -> int:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, action="append", help="a v2 index (repeatable: several pools)")
    ap.add_argument("--tiny", type=int, default=12, metavar="N",
                    help="also train and calibrate on N tiny pools (a few dozen statements each); 0 = none")
    ap.add_argument("--single", type=int, default=40, metavar="N",
                    help="… and on N pools of one question's gold and topic statements each (2-5); 0 = none")
    # The goal is at most 8% false refusals on questions nobody tuned on; on the last stops test ran 2-5 points above
    # dev (6.7% dev, 11.9% test), so the threshold is chosen at 6% on dev.
    ap.add_argument("--max-false-refusal", type=float, default=0.06)
    # A lead the analyst reads first should be right at least 4 times in 5 (all best spans: ~0.71 on dev); below the
    # threshold that reaches it on dev the answer quotes alone.
    # "train+dev" (train parts scored out of fold) was tried on 2026-12-03: threshold 0.311 instead of dev's 0.426;
    # whole-corpus dev refusal recall fell from 0.846 to 0.769 (accuracy equal), so dev alone stays the default.
    ap.add_argument("--threshold-on", choices=("dev", "train+dev"), default="dev",
                    help="parts the refusal threshold is chosen on (train scored out of fold)")
    ap.add_argument("--lead-precision", type=float, default=0.8)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    qs = load_questions(evals_dir() / "v2" / "questions.jsonl")
    t0 = time.perf_counter()
    tiny = tiny_pools(qs, args.tiny, args.single) if args.tiny or args.single else []
    if tiny:
        print(f"{len(tiny)} tiny pools ready in {time.perf_counter() - t0:.0f} s")
    indexes, index_dir = v2_indexes(args.index)
    if tiny:
        indexes += v2_indexes(tiny)[0]
        index_dir = f"{index_dir} + {len(tiny)} tiny pools"
    t0 = time.perf_counter()
    data = {s: [r for ix in indexes for r in examples(ix, [q for q in qs if q.split == s])] for s in ("train", "dev")}
    print(f"pairs for {sum(len(v) for v in data.values())} question parts in {time.perf_counter() - t0:.0f} s")
    best = None
    for C in GRID:
        model = ranking_model(data["train"], C)
        _, right, answerable = parts(model, data["dev"], 0.0)  # every span leads: how often is the best pair right
        hit = float(right[answerable == 1].mean())
        print(f"C={C}: dev parts answered right by the best pair {hit:.3f}")
        if best is None or hit > best[0]:
            best = (hit, C, model)
    assert best is not None
    _, C, model = best
    lead_threshold, lead_info = choose_lead_threshold(model, data["dev"], args.lead_precision)
    print(f"lead threshold {lead_threshold:.3f}: dev leads shown {lead_info['shown']:.2f} of {lead_info['leads']}, "
          f"right {lead_info['precision']:.3f} (all spans {lead_info['precision_all']:.3f})")
    # answerability: fitted on train parts (is the part answerable?), C and calibration on dev
    ftr, _, atr = parts(model, data["train"], lead_threshold)
    Xa = np.array([[f[n] for n in PART_FEATURES] for f in ftr])
    fdev, y, answerable = parts(model, data["dev"], lead_threshold)
    fitted = []
    for c in GRID:
        m = signed_fit(Xa, atr, PART_FEATURES, c)
        zc = m.logits(fdev)
        pc = LogisticRegression(C=1e6).fit(zc.reshape(-1, 1), y)
        pr = pc.predict_proba(zc.reshape(-1, 1))[:, 1]
        acc_c = part_accuracy(pr, y, answerable, args.max_false_refusal)
        fitted.append((-acc_c, log_loss(y, pr, labels=[0, 1]), c, m, pc))
        print(f"answerability C={c}: dev part accuracy at the false-refusal target {acc_c:.3f}, "
              f"log-loss {fitted[-1][1]:.4f}")
    # the refusal decision is what the model is for: C by dev accuracy at the target (log-loss breaks ties)
    _, _, answer_C, answer_model, platt = min(fitted, key=lambda t: (t[0], t[1]))
    z = answer_model.logits(fdev)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    prob = platt.predict_proba(z.reshape(-1, 1))[:, 1]
    loss = log_loss(y, prob, labels=[0, 1])
    print("\ndev trade-off (threshold: false refusals / refusal recall / part accuracy):")
    for t in np.quantile(prob[answerable == 1], [0.0, 0.04, 0.08, 0.12, 0.16, 0.2, 0.25, 0.3]):
        r = prob < t
        print(f"  {t:.3f}: {np.mean(r[answerable == 1]):.3f} / {np.mean(r[answerable == 0]):.3f} / "
              f"{np.mean(np.where(answerable == 1, (~r) & (y == 1), r)):.3f}")
    # threshold: on dev, or (--threshold-on train+dev) also on train parts scored by answerability models fitted
    # without their question (grouped 5-fold), through dev's Platt scaling: twice the parts to choose it on
    z_oof = out_of_fold(ftr, Xa, atr, [r["q"].id for r in data["train"]], answer_C)
    prob_oof = platt.predict_proba(z_oof.reshape(-1, 1))[:, 1]
    dev_only = refusal_threshold(prob, answerable, args.max_false_refusal)
    pooled = refusal_threshold(np.concatenate([prob, prob_oof]), np.concatenate([answerable, atr]),
                               args.max_false_refusal)
    threshold = dev_only if args.threshold_on == "dev" else pooled
    print(f"refusal threshold at {args.max_false_refusal:.2f} false refusals: dev alone {dev_only:.3f}, "
          f"train (out of fold) + dev {pooled:.3f}; using {args.threshold_on}: {threshold:.3f}")
    r_oof = prob_oof < threshold
    print(f"train parts out of fold at it: false refusals {np.mean(r_oof[atr == 1]):.3f}, "
          f"refusal recall {np.mean(r_oof[atr == 0]):.3f}")
    refused = prob < threshold
    fr = float(np.mean(refused[answerable == 1]))
    rr = float(np.mean(refused[answerable == 0])) if (answerable == 0).any() else 0.0
    acc = float(np.mean(np.where(answerable == 1, (~refused) & (y == 1), refused)))
    print(f"\nchosen C={C}; Platt a={a:.3f} b={b:.3f} (dev log-loss {loss:.4f}); threshold {threshold:.3f}")
    print(f"dev parts: false refusals {fr:.3f}, refusal recall {rr:.3f}, part accuracy {acc:.3f} "
          f"(n={len(prob)}, answerable {int(answerable.sum())})")
    print_by_pool(data["dev"], refused, y, answerable, tiny)
    print("\nCoefficients of the ranking model (standardized feature differences):")
    for f, c in sorted(zip(FEATURES, model.coef, strict=True), key=lambda t: -abs(t[1])):
        print(f"  {f:16} {c:+.3f}")
    print("\nCoefficients of the answerability model (standardized part features):")
    for f, c in sorted(zip(PART_FEATURES, answer_model.coef, strict=True), key=lambda t: -abs(t[1])):
        print(f"  {f:20} {c:+.3f}")
    artifact = {
        "version": READER_VERSION,
        "info": {"created": datetime.now().isoformat(timespec="seconds"), "trained_on": "evals v2 train",
                 "calibrated_on": f"evals v2 dev (Platt scaling; threshold for the false-refusal target on "
                                  f"{args.threshold_on}; lead threshold for the lead-precision target)",
                 "C": C, "answerable_C": answer_C, "max_false_refusal": args.max_false_refusal,
                 "threshold_on": args.threshold_on, "threshold_dev_only": round(dev_only, 6), "index": str(index_dir),
                 "lead_precision": args.lead_precision, "dev_leads": lead_info,
                 "dev": {"false_refusal": fr, "refusal_recall": rr, "part_accuracy": acc, "parts": len(prob)},
                 "model": "sklearn LogisticRegression on standardized pairwise feature differences (ranking); "
                          "sign-constrained class-balanced logistic regression on part features (answerability, train; "
                          "signs from evidence.PART_SIGNS, C by dev accuracy at the false-refusal target); "
                          "Platt scaling of its logit (dev)"},
        "model": {"features": list(FEATURES), "coef": [round(float(c), 6) for c in model.coef],
                  "intercept": round(model.intercept, 6), "mean": [round(float(v), 6) for v in model.mean],
                  "scale": [round(float(v), 6) for v in model.scale]},
        "answerable": {"features": list(PART_FEATURES), "coef": [round(float(c), 6) for c in answer_model.coef],
                       "intercept": round(answer_model.intercept, 6),
                       "mean": [round(float(v), 6) for v in answer_model.mean],
                       "scale": [round(float(v), 6) for v in answer_model.scale]},
        "calibration": {"method": "platt", "a": round(a, 6), "b": round(b, 6)},
        "threshold": round(threshold, 6),
        "lead_threshold": round(lead_threshold, 6),
    }
    if not args.no_write:
        artifact_path().write_text(json.dumps(artifact, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {artifact_path()}")
    for ix in indexes:
        ix.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
