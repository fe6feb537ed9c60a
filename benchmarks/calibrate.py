"""Calibrate the refusal threshold: ``answer.support`` on answerable vs unanswerable questions.

Why: the extractive answerer refuses when ``support < settings.refuse_threshold``; that number must
separate questions the statements answer from plausible ones they don't, on questions the system
was not tuned on (benchmarks/questions.jsonl, independent of evals/).

How: every question goes through ``Index.answer(q, llm=False)`` once with the threshold set to 0, so
each gets its best-supported sentence, its citations and its support (support does not depend on the
threshold). A threshold t is then simulated: refuse iff support < t (answers the pipeline refused
even at 0, e.g. no candidate sentence or a failed quote check, stay refused). Refusal is the positive
class:

- refusal precision = refused unanswerable / all refused
- refusal recall    = refused unanswerable / all unanswerable
- false-refusal rate = refused answerable / all answerable
- balanced accuracy = (recall + (1 - false-refusal rate)) / 2
- recommended threshold: the best balanced accuracy among thresholds whose false-refusal rate is at
  most --max-false-refusal (default 10%): refusing answers the statements do give is the costlier error
  for analysts; the unconstrained optimum is printed too
- strict accuracy = (unanswerable refused + answerable answered *citing a gold statement*) / all

Also reported: for answered answerable questions, how often citation [1] (and any citation) is
from a gold statement; the AUC of support; and diagnostic signals the support score ignores (a
how-many question answered without a number, a when-question answered by the statement's own date, a
name in the question absent from the cited statement), with what refusing on each would do.

Usage: python benchmarks/calibrate.py [--distractors N] [--step 0.01]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from _common import CORPUS, load_note, load_questions, open_distractor_index, open_seed_index, write_json

from statementqa.config import get_settings


@dataclass
class Row:
    id: str
    answerable: bool
    support: float
    forced_refusal: bool
    first_cited_gold: bool | None  # None: no citation
    flags: list[str]  # diagnostics (see DIAGNOSTICS), computed from the public Answer only
    any_cited_gold: bool | None
    cited: list[str]
    seconds: float
    question: str
    text: str


DIAGNOSTICS = {
    "count_no_number": "a how-many/how-much question answered by quotes that contain no number",
    "when_statement_date": "a when-question answered only by the statement's own date ('The statement is dated')",
    "name_not_in_statement": "a capitalized name in the question appears nowhere in the cited statements",
}
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|"
                     r"thousands?|millions?|billions?)\b", re.I)
_COUNT = re.compile(r"\bhow (many|much)\b|\bnumber of\b|\bwhat (amount|share|percentage)\b", re.I)
_WHEN = re.compile(r"\bwhen\b|\bwhat (date|day|year|month)\b", re.I)
_NOT_NAMES = set("january february march april may june july august september october november december what who "
                 "when where which how does did do is are was were under as u.s us".split())


def names(question: str) -> list[str]:
    """Capitalized words after the first (possessives stripped; months, question words, U.S. skipped)."""
    out = []
    for i, tok in enumerate(re.findall(r"[A-Za-z][\w.’'-]*", question)):
        tok = re.sub(r"['’]s?$", "", tok).rstrip(".")
        if i and tok[:1].isupper() and tok.lower() not in _NOT_NAMES:
            out.append(tok)
    return out


def diagnose(ix, question: str, ans) -> list[str]:  # noqa: ANN001 (Index, Answer)
    """Signals the support score does not use; measured here to give the answer stage evidence."""
    flags = []
    quotes = " ".join(c.quote for c in ans.citations)
    if _COUNT.search(question) and not _NUMBER.search(quotes):
        flags.append("count_no_number")
    if _WHEN.search(question) and ans.text.startswith("The statement is dated"):
        flags.append("when_statement_date")
    texts = []
    for doc_id in dict.fromkeys(c.doc_id for c in ans.citations):
        doc = ix.document(doc_id)
        if doc is not None:
            texts.append(f"{doc.title}\n{doc.text}".lower())
    full = "\n".join(texts)
    if full and any(n.lower() not in full for n in names(question)):
        flags.append("name_not_in_statement")
    return flags


def run(ix, questions: list) -> list[Row]:
    rows = []
    for q in questions:
        ans = ix.answer(q.question, llm=False)
        cited = [c.doc_id for c in ans.citations]
        gold = set(q.gold_doc_ids)
        rows.append(Row(
            id=q.id, answerable=q.answerable, support=round(ans.support, 4), forced_refusal=ans.refused,
            first_cited_gold=(cited[0] in gold) if cited and q.answerable else None,
            flags=diagnose(ix, q.question, ans),
            any_cited_gold=bool(set(cited) & gold) if cited and q.answerable else None,
            cited=cited, seconds=round(ans.seconds, 4), question=q.question, text=ans.text,
        ))
    return rows


def refused(r: Row, t: float) -> bool:
    return r.forced_refusal or r.support < t


def metrics(rows: list[Row], t: float) -> dict[str, float]:
    ans = [r for r in rows if r.answerable]
    una = [r for r in rows if not r.answerable]
    tp = sum(refused(r, t) for r in una)
    fp = sum(refused(r, t) for r in ans)
    n_ref = tp + fp
    recall = tp / len(una) if una else 0.0
    frr = fp / len(ans) if ans else 0.0
    answered = [r for r in ans if not refused(r, t)]
    good = sum(1 for r in answered if r.first_cited_gold) + tp
    return {
        "threshold": round(t, 4),
        "refusal_precision": tp / n_ref if n_ref else 1.0,
        "refusal_recall": recall,
        "false_refusal_rate": frr,
        "balanced_accuracy": (recall + 1 - frr) / 2,
        "strict_accuracy": good / len(rows),
        "answered_answerable": len(answered),
        "answered_cite1_gold": sum(1 for r in answered if r.first_cited_gold) / len(answered) if answered else 0.0,
        "answered_any_gold": sum(1 for r in answered if r.any_cited_gold) / len(answered) if answered else 0.0,
    }


def _with_flag(r: Row, key: str) -> Row:
    """The row as it would be if the answer stage also refused when diagnostic ``key`` fires."""
    return Row(**{**asdict(r), "forced_refusal": r.forced_refusal or key in r.flags})


def summarize(vals: list[float]) -> str:
    if not vals:
        return "-"
    return (f"n={len(vals)} min {min(vals):.3f}  p25 {statistics.quantiles(vals, n=4)[0]:.3f}  "
            f"median {statistics.median(vals):.3f}  p75 {statistics.quantiles(vals, n=4)[2]:.3f}  max {max(vals):.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--distractors", type=int, default=0,
                    help="calibrate on seeds/ + N shared-corpus statements instead of seeds/ alone")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--step", type=float, default=0.01)
    ap.add_argument("--max-false-refusal", type=float, default=0.10,
                    help="recommendation: best balanced accuracy among thresholds refusing at most this share of "
                         "answerable questions")
    args = ap.parse_args()

    base = get_settings()
    current = base.refuse_threshold
    settings = base.model_copy(update={"refuse_threshold": 0.0})  # never refuse on support: we sweep it
    questions = load_questions()
    name = f"seeds+{args.distractors}" if args.distractors else "seeds"
    ix = open_distractor_index(args.distractors, args.corpus, settings) if args.distractors \
        else open_seed_index(settings=settings)
    st = ix.stats()
    print(f"# calibrate on {name}: {st.statements} statements / {st.chunks} chunks; {len(questions)} questions "
          f"({sum(q.answerable for q in questions)} answerable); current refuse_threshold={current}; {load_note()}")
    t0 = time.perf_counter()
    rows = run(ix, questions)
    ix.close()
    elapsed = time.perf_counter() - t0

    print(f"\nsupport, answerable:   {summarize([r.support for r in rows if r.answerable])}")
    print(f"support, unanswerable: {summarize([r.support for r in rows if not r.answerable])}")
    forced = [r.id for r in rows if r.forced_refusal]
    if forced:
        print(f"refused even at threshold 0 (no sentence / failed quote check): {forced}")

    pos = [r.support for r in rows if r.answerable]
    neg = [r.support for r in rows if not r.answerable]
    auc = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg)) if pos and neg else 0.0
    print(f"separability (AUC: P[support of an answerable > support of an unanswerable]): {auc:.3f}  (0.5 = chance)")

    grid = sorted({round(i * args.step, 4) for i in range(round(1 / args.step) + 1)} | {current})
    table = [metrics(rows, t) for t in grid]
    best_ba = max(m["balanced_accuracy"] for m in table)
    best_ts = [m["threshold"] for m in table if abs(m["balanced_accuracy"] - best_ba) < 1e-9]
    # The optimum is an interval of thresholds; take its midpoint (farthest from both error kinds).
    rec_ba = round((min(best_ts) + max(best_ts)) / 2, 3)
    # Product criterion: users must not lose answers the statements give. Best balanced accuracy among
    # thresholds refusing at most --max-false-refusal of answerable questions (highest such threshold on ties).
    ok = [m for m in table if m["false_refusal_rate"] <= args.max_false_refusal]
    best_c = max(ok, key=lambda m: (round(m["balanced_accuracy"], 6), m["threshold"])) if ok else table[0]
    rec = best_c["threshold"]
    rec_m = metrics(rows, rec)

    print(f"\n{'thr':>5}  {'ref.prec':>8} {'ref.rec':>7} {'false-ref':>9} {'bal.acc':>7} {'strict':>6}  "
          f"{'answered':>8} {'cite1 gold':>10} {'any gold':>8}")
    shown = {round(0.05 * i, 2) for i in range(21)} | {current, rec, rec_ba}
    for m in sorted(table + [metrics(rows, rec_ba)], key=lambda m: m["threshold"]):
        if m["threshold"] not in shown:
            continue
        shown.discard(m["threshold"])
        tag = " ← current" if m["threshold"] == current else ""
        tag += " ← recommended" if m["threshold"] == rec else ""
        tag += " ← best balanced accuracy" if m["threshold"] == rec_ba else ""
        print(f"{m['threshold']:5.2f}  {m['refusal_precision']:8.3f} {m['refusal_recall']:7.3f} "
              f"{m['false_refusal_rate']:9.3f} {m['balanced_accuracy']:7.3f} {m['strict_accuracy']:6.3f}  "
              f"{m['answered_answerable']:8d} {m['answered_cite1_gold']:10.3f} {m['answered_any_gold']:8.3f}{tag}")
    print(f"\nbalanced accuracy of the refuse/answer decision is best ({best_ba:.3f}) for thresholds "
          f"{min(best_ts):.2f}–{max(best_ts):.2f} (midpoint {rec_ba}), at a false-refusal rate of "
          f"{metrics(rows, rec_ba)['false_refusal_rate']:.0%}")
    print(f"criterion for the recommendation: best balanced accuracy with false-refusal rate ≤ "
          f"{args.max_false_refusal:.0%} → refuse_threshold = {rec} (balanced accuracy "
          f"{rec_m['balanced_accuracy']:.3f}, refusal recall {rec_m['refusal_recall']:.0%}, false refusals "
          f"{rec_m['false_refusal_rate']:.0%})")

    print("\ndiagnostic signals (answers at threshold 0; how often each fires per class):")
    for key, desc in DIAGNOSTICS.items():
        fa = [r.id for r in rows if r.answerable and key in r.flags]
        fu = [r.id for r in rows if not r.answerable and key in r.flags]
        print(f"  {key}: unanswerable {len(fu)}/{len(neg)} {fu}; answerable {len(fa)}/{len(pos)} {fa}  — {desc}")
    for t in sorted({current, rec}):
        for key in DIAGNOSTICS:
            m = metrics([_with_flag(r, key) for r in rows], t)
            print(f"  threshold {t:.2f} + refuse on {key}: bal.acc {m['balanced_accuracy']:.3f}, refusal recall "
                  f"{m['refusal_recall']:.0%}, false refusals {m['false_refusal_rate']:.0%}")

    print("\nper question (sorted by support; R = refused at the recommended threshold):")
    for r in sorted(rows, key=lambda r: r.support):
        gold = "" if not r.answerable else ("gold" if r.first_cited_gold else ("gold(2)" if r.any_cited_gold
                                                                                else "WRONG-DOC"))
        flag = "R" if refused(r, rec) else " "
        print(f"  {r.support:.3f} {flag} {'ans ' if r.answerable else 'UNANS'} {r.id} {gold:9} {r.question[:80]}")

    wrong = [r for r in rows if r.answerable and not refused(r, rec) and not r.any_cited_gold]
    if wrong:
        print("\nanswered answerable questions citing no gold statement (at the recommended threshold):")
        for r in wrong:
            print(f"  {r.id}: {r.question}\n     → {r.text[:300]}")
    una_answered = [r for r in rows if not r.answerable and not refused(r, rec)]
    if una_answered:
        print("\nunanswerable questions answered anyway (at the recommended threshold):")
        for r in una_answered:
            print(f"  {r.id} ({r.support:.3f}): {r.question}\n     → {r.text[:300]}")

    out = write_json(f"calibrate-{name}.json", {
        "index": name, "current_threshold": current, "recommended_threshold": rec,
        "criterion": f"max balanced accuracy s.t. false-refusal rate <= {args.max_false_refusal}",
        "auc": auc, "best_balanced_accuracy": best_ba, "best_interval": [min(best_ts), max(best_ts)],
        "at_current": metrics(rows, current), "at_recommended": rec_m, "sweep": table,
        "answer_seconds_median": statistics.median(r.seconds for r in rows), "seconds": elapsed,
        "load": load_note(), "rows": [asdict(r) for r in rows],
    })
    print(f"\nwrote {out}  ({load_note()})")


if __name__ == "__main__":
    sys.exit(main())
