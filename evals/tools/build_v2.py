"""Build ``evals/v2/questions.jsonl`` and the ``mid`` pool from the hand-written drafts in ``evals/v2/src/``.

Why a builder: writers type quotes approximately (straight apostrophes, collapsed spaces); each gold quote is
located in its statement with typography folded and the *exact* stored span is written out, so the set holds
verbatim substrings only. Splits are assigned here, by statement: questions that share a statement (gold or
topic) form one group, and a group goes to one split as a whole, so the statements behind ``test`` questions are
never seen in ``train`` or ``dev``. A question keeps the split it was given on an earlier build (nothing moves
between splits when questions are added); new groups fill the split furthest below its target share for the
group's question type.

Run: ``python evals/tools/build_v2.py`` (reads ../shared/corpus). ``--check`` also runs the ambiguity probe.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from evals.tools.probe import check_question, load_corpus, print_result  # noqa: E402
from statementqa.verify.quotes import locate_quote  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
V2 = ROOT / "evals" / "v2"
SPLITS = {"train": 0.4, "dev": 0.3, "test": 0.3}
MID_POOL_SIZE = 2000
TYPES = ("numeric", "entity", "date", "who-met-whom", "attribution", "claim-check", "multi-doc",
         "temporal-latest", "unanswerable", "paraphrase")
KEYS = ("id", "question", "type", "split", "answers", "gold_ids", "gold_quotes", "topic_ids", "probe", "reviewed",
        "tags", "note")


class BuildError(ValueError):
    pass


def read_drafts(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("//"):
                continue
            try:
                out.append((f"{path.name}:{n}", json.loads(line)))
            except json.JSONDecodeError as exc:
                raise BuildError(f"{path}:{n}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
    return out


def resolve(where: str, draft: dict[str, Any], docs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A draft → a question record with exact gold quotes; raises naming the draft line."""
    qid = draft.get("id")
    if not qid or not draft.get("question"):
        raise BuildError(f"{where}: needs 'id' and 'question'")
    qtype = draft.get("type")
    if qtype not in TYPES:
        raise BuildError(f"{where}: {qid}: type {qtype!r} is not one of {', '.join(TYPES)}")
    answerable = qtype != "unanswerable"
    gold_quotes: list[dict[str, str]] = []
    gold_ids: list[str] = []
    for g in draft.get("gold", []):
        doc = docs.get(g.get("doc_id", ""))
        if doc is None:
            raise BuildError(f"{where}: {qid}: unknown statement {g.get('doc_id')!r}")
        span = locate_quote(g.get("quote", ""), doc["text"])
        if span is None:
            raise BuildError(f"{where}: {qid}: quote not found in {doc['id']}: {g.get('quote')!r}")
        gold_quotes.append({"doc_id": doc["id"], "quote": doc["text"][span[0]:span[1]]})
        if doc["id"] not in gold_ids:
            gold_ids.append(doc["id"])
    for t in draft.get("topic_ids", []):
        if t not in docs:
            raise BuildError(f"{where}: {qid}: unknown topic statement {t!r}")
    if answerable and not (draft.get("answers") and gold_quotes):
        raise BuildError(f"{where}: {qid}: an answerable question needs 'answers' and 'gold' quotes")
    if not answerable and (draft.get("answers") or gold_quotes):
        raise BuildError(f"{where}: {qid}: an unanswerable question has no answers and no gold quotes")
    if not answerable and not draft.get("topic_ids"):
        raise BuildError(f"{where}: {qid}: an unanswerable near miss needs 'topic_ids'")
    if not draft.get("probe"):
        raise BuildError(f"{where}: {qid}: needs a 'probe' for the ambiguity check")
    rec = {
        "id": qid, "question": draft["question"], "type": qtype, "answers": draft.get("answers", []),
        "gold_ids": gold_ids, "gold_quotes": gold_quotes, "topic_ids": draft.get("topic_ids", []),
        "probe": draft["probe"], "reviewed": draft.get("reviewed", []), "tags": draft.get("tags", []),
        "note": draft.get("note"),
    }
    return rec


def statements_of(q: dict[str, Any]) -> set[str]:
    return set(q["gold_ids"]) | set(q["topic_ids"])


def _stable(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def assign_splits(questions: list[dict[str, Any]], previous: dict[str, str]) -> None:
    """Group questions by shared statements; each group gets one split (kept from ``previous`` if any)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for q in questions:
        node = "q:" + q["id"]
        find(node)
        for s in statements_of(q):
            parent[find(node)] = find("s:" + s)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for q in questions:
        groups[find("q:" + q["id"])].append(q)
    counts: dict[str, Counter[str]] = {s: Counter() for s in SPLITS}
    pending: list[list[dict[str, Any]]] = []
    for members in groups.values():
        old = {previous[q["id"]] for q in members if q["id"] in previous}
        if len(old) > 1:
            ids = ", ".join(sorted(q["id"] for q in members))
            raise BuildError(f"questions {ids} share statements but were built into different splits "
                             f"({', '.join(sorted(old))}); pick other statements for the new question")
        if old:
            split = old.pop()
            for q in members:
                q["split"] = split
                counts[split][q["type"]] += 1
        else:
            pending.append(members)
    pending.sort(key=lambda m: _stable(min(q["id"] for q in m)))
    for members in pending:
        kind = Counter(q["type"] for q in members).most_common(1)[0][0]

        def deficit(split: str, kind: str = kind, size: int = len(members)) -> tuple[float, str]:
            total = sum(c[kind] for c in counts.values()) + size
            return (counts[split][kind] - SPLITS[split] * total, split)

        split = min(SPLITS, key=deficit)
        for q in members:
            q["split"] = split
            counts[split][q["type"]] += 1


def mid_pool(questions: list[dict[str, Any]], docs: dict[str, dict[str, Any]]) -> list[str]:
    """Every statement the v2 questions name (gold, topic, reviewed competitors) plus a fixed sample of the rest."""
    named: list[str] = []
    for q in questions:
        for d in [*q["gold_ids"], *q["topic_ids"], *(r["doc_id"] for r in q["reviewed"] if "doc_id" in r)]:
            if d in docs and d not in named:
                named.append(d)
    rest = sorted((d for d in docs if d not in set(named)), key=_stable)
    return sorted(named) + sorted(rest[: max(0, MID_POOL_SIZE - len(named))])


def small_pool(questions: list[dict[str, Any]], docs: dict[str, dict[str, Any]]) -> list[str]:
    """Only the gold and topic statements: an index the size analysts often keep (a few hundred statements)."""
    return sorted({d for q in questions for d in [*q["gold_ids"], *q["topic_ids"]] if d in docs})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="also run the ambiguity probe on every question")
    args = ap.parse_args(argv)
    corpus = load_corpus()
    docs = corpus.docs
    out_path = V2 / "questions.jsonl"
    previous: dict[str, str] = {}
    if out_path.exists():
        for line in out_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                previous[rec["id"]] = rec["split"]
    try:
        drafts = read_drafts(V2 / "src")
        questions: list[dict[str, Any]] = []
        seen: dict[str, str] = {}
        for where, draft in drafts:
            q = resolve(where, draft, docs)
            if q["id"] in seen:
                raise BuildError(f"{where}: duplicate id {q['id']!r} (first at {seen[q['id']]})")
            seen[q["id"]] = where
            questions.append(q)
        assign_splits(questions, previous)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failed = 0
    if args.check:
        for q in questions:
            res = check_question(q, corpus)
            if not res.ok:
                failed += 1
                print_result(res, corpus, show=False)
    out_path.write_text("".join(json.dumps({k: q.get(k) for k in KEYS}, ensure_ascii=False) + "\n"
                                for q in questions), encoding="utf-8")
    pool = mid_pool(questions, docs)
    (V2 / "pool-mid.txt").write_text(
        "# The v2 'mid' pool: every statement the v2 questions name, plus a fixed hash-ordered sample of the\n"
        f"# rest of the shared corpus, {len(pool)} statements in all. Written by evals/tools/build_v2.py.\n"
        + "".join(d + "\n" for d in pool), encoding="utf-8")
    small = small_pool(questions, docs)
    (V2 / "pool-small.txt").write_text(
        "# The v2 'small' pool: only the gold and topic statements of the v2 questions, "
        f"{len(small)} statements.\n# Written by evals/tools/build_v2.py.\n"
        + "".join(d + "\n" for d in small), encoding="utf-8")
    by = Counter((q["split"], q["type"]) for q in questions)
    print(f"{len(questions)} questions → {out_path.relative_to(ROOT)}; mid pool {len(pool)} statements")
    for t in TYPES:
        print(f"  {t:16} " + "  ".join(f"{s} {by[(s, t)]:3}" for s in SPLITS))
    if failed:
        print(f"{failed} question(s) fail the ambiguity check", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
