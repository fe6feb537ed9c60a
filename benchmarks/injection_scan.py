"""How many sentences of a real corpus the planted-instruction detector flags (it should be ~0).

Usage: python benchmarks/injection_scan.py [JSONL ...]   (default: ../shared/corpus/statements/*.jsonl)

Prints the number of statements and sentences scanned, how many sentences mention AI (so the
detector was exercised on statements *about* AI), and every flagged sentence with its statement id.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

from statementqa.injection import clear_caches, flags
from statementqa.sentences import cached_spans

REPO = Path(__file__).resolve().parents[1]
_AI_TOPIC = re.compile(r"\bAI\b|artificial intelligence|language model|chatbot|ChatGPT", re.I)


def main(paths: list[str]) -> int:
    files = [Path(p) for p in paths] or sorted((REPO.parent / "shared" / "corpus" / "statements").glob("*.jsonl"))
    t0 = time.perf_counter()
    n_docs = n_sentences = n_ai = 0
    flagged: list[tuple[str, str, str]] = []
    for path in files:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                record = json.loads(line)
                text = record["text"]
                spans = cached_spans(text)
                n_docs += 1
                n_sentences += len(spans)
                n_ai += sum(1 for s, e in spans if _AI_TOPIC.search(text[s:e]))
                flagged.extend((record["id"], f.why, text[f.start : f.end]) for f in flags(text))
                clear_caches()
    print(f"{'files':<28}{len(files)}")
    print(f"{'statements':<28}{n_docs}")
    print(f"{'sentences':<28}{n_sentences}")
    print(f"{'sentences mentioning AI':<28}{n_ai}")
    print(f"{'flagged sentences':<28}{len(flagged)}")
    print(f"{'seconds':<28}{time.perf_counter() - t0:.1f}")
    for doc_id, why, sentence in flagged:
        print(f"- {doc_id} [{why}]: {' '.join(sentence.split())[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
