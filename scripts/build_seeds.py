"""Rebuild ``seeds/`` from the shared corpus: the seed statement plus ~150 related statements.

Why a script: the selection must be reproducible and reviewable, not hand-picked. Topics follow
the seed statement (Czechia, NATO enlargement, Ukraine assistance, information manipulation).
Run: ``python scripts/build_seeds.py ../shared/corpus``.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

TOPICS: list[tuple[str, str, int]] = [
    # (name, regex over title + text, max statements taken)
    ("czechia", r"\bCzech", 60),
    ("nato-enlargement", r"(Finland|Sweden)[^.]{0,120}(NATO|Alliance)|NATO[^.]{0,60}(enlargement|accession)", 30),
    ("information-manipulation", r"information manipulation|disinformation", 35),
    (
        "ukraine-assistance",
        r"(security assistance|drawdown)[^.]{0,150}Ukraine|Ukraine[^.]{0,150}security assistance",
        30,
    ),
]
MAX_CHARS = 12_000  # keeps first-run ingest of seeds/ well under two minutes


def main(corpus: Path, out: Path) -> None:
    docs = [json.loads(line) for f in sorted((corpus / "statements").glob("*.jsonl")) for line in f.open()]
    chosen: dict[str, tuple[str, dict]] = {}
    for name, pattern, cap in TOPICS:
        rx = re.compile(pattern)
        hits = [d for d in docs if len(d["text"]) <= MAX_CHARS and rx.search(d["title"] + "\n" + d["text"])]
        # Title hits first (most on-topic), then by date so the pick is stable.
        hits.sort(key=lambda d: (not rx.search(d["title"]), d["date"], d["id"]))
        taken = 0
        for d in hits:
            if taken >= cap:
                break
            if d["id"] not in chosen:
                chosen[d["id"]] = (name, d)
                taken += 1
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(corpus / "seed" / "seed.jsonl", out / "seed.jsonl")
    rows = sorted(chosen.values(), key=lambda t: (t[1]["date"], t[1]["id"]))
    with (out / "statements.jsonl").open("w", encoding="utf-8") as fh:
        for _, d in rows:
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for name, _ in rows:
        counts[name] = counts.get(name, 0) + 1
    print(f"{len(rows)} statements written; by topic: {counts}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus"), Path("seeds"))
