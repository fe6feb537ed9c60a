"""Shared helpers for the benchmark scripts: paths, the held-out questions, the seeds index, load.

Why one seeds index under benchmarks/results/: several scripts measure the same corpus;
building it once (≈2–3 min of embedding on 2 cores) and re-opening it (unchanged statements cost
nothing on re-ingest) keeps each script run short.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from statementqa import Index

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
RESULTS = BENCH / "results"
QUESTIONS = BENCH / "questions.jsonl"
SEED_FILES = [ROOT / "seeds" / "seed.jsonl", ROOT / "seeds" / "statements.jsonl"]
SEED_INDEX = RESULTS / "seeds-index"
CORPUS = ROOT.parent / "shared" / "corpus" / "statements"
SAMPLE_SEED = 20240530  # the seed statement's date: any fixed number would do


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answerable: bool
    gold_doc_ids: tuple[str, ...]
    answer: str | None
    kind: str


def title_questions() -> list[Question]:
    """Known-item queries: one per seeds/ statement, made from its title by ``query_from_title`` (gold = every
    statement with that title). Weak, mechanical queries: they show where one retriever ranks the target low."""
    recs = [json.loads(line) for f in SEED_FILES for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_title: dict[str, list[str]] = {}
    for r in recs:
        by_title.setdefault(r["title"], []).append(r["id"])
    return [Question(f"t{i:03d}", query_from_title(title, i), True, tuple(ids), None, "title")
            for i, (title, ids) in enumerate(by_title.items())]


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    out: list[Question] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            out.append(Question(r["id"], r["question"], bool(r["answerable"]), tuple(r["gold_doc_ids"]),
                                r.get("answer"), r.get("kind", "")))
        except (ValueError, KeyError) as exc:
            raise SystemExit(f"{path}:{n}: bad question record ({exc}); fields: id, question, answerable, "
                             "gold_doc_ids, answer") from exc
    return out


def open_seed_index(path: Path = SEED_INDEX, settings: object | None = None):  # -> statementqa.Index
    """Open (building on first use) the benchmark's own index of seeds/; never touches index/."""
    from statementqa import open_index

    path.parent.mkdir(parents=True, exist_ok=True)
    ix = open_index(path, settings)  # type: ignore[arg-type]
    summary = ix.ingest([str(p) for p in SEED_FILES], progress=sys.stderr.isatty())
    if summary.added or summary.updated:
        print(f"[seeds index] {summary.line()}", file=sys.stderr)
    return ix


def sample_corpus(n: int, corpus: Path = CORPUS, seed: int = SAMPLE_SEED,
                  exclude: frozenset[str] = frozenset()) -> list[dict]:
    """A deterministic sample of ``n`` statements: same files, same n, same seed → same statements.

    Records are read from the corpus's *.jsonl files in sorted order; records without an id or text
    and ids in ``exclude`` are skipped; the chosen records keep corpus order.
    """
    import random

    files = sorted(corpus.glob("*.jsonl"))
    if not files:
        raise SystemExit(f"no *.jsonl statements under {corpus}: pass --corpus DIR (the shared corpus "
                         "lives at ../shared/corpus/statements relative to the repo root)")
    records: list[dict] = []
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if isinstance(r, dict) and r.get("id") and str(r.get("text", "")).strip() and r["id"] not in exclude:
                records.append(r)
    if n >= len(records):
        return records
    chosen = sorted(random.Random(seed).sample(range(len(records)), n))
    return [records[i] for i in chosen]


def write_jsonl(records: list[dict], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


def seed_ids() -> frozenset[str]:
    return frozenset(json.loads(line)["id"] for f in SEED_FILES
                     for line in f.read_text(encoding="utf-8").splitlines() if line.strip())


def open_distractor_index(n: int, corpus: Path = CORPUS, settings: object | None = None):  # -> statementqa.Index
    """seeds/ plus ``n`` other statements of the shared corpus (deterministic sample): a harder retrieval
    setting than 146 on-topic statements, closer to a user who has ingested more."""
    extra = write_jsonl(sample_corpus(n, corpus, exclude=seed_ids()), RESULTS / f"distractors-{n}.jsonl")
    ix = open_seed_index(RESULTS / f"seeds+{n}-index", settings)
    summary = ix.ingest([str(extra)], progress=sys.stderr.isatty())
    if summary.added or summary.updated:
        print(f"[seeds+{n} index] {summary.line()}", file=sys.stderr)
    return ix


_PREFIX = re.compile(
    r"^(fact sheet|readout of|statement (by|from|of)|remarks (by|of)|joint statement (on|of|from|by)?|"
    r"press briefing by|background press call by|letter to|message to|a proclamation on|proclamation on|"
    r"president biden announces|secretary [a-z. ]+? (at|on|with|and)|[^:]{0,60}:)\s*",
    re.I,
)
_TEMPLATES = ["What did the statement say about {}?", "{}", "What was announced on {}?", "When was {}?",
              "Who was involved in {}?"]


def query_from_title(title: str, i: int) -> str:
    """A question from a statement title by a fixed rule: strip boilerplate heads, keep ≤ 7 words, and
    wrap in one of five templates (by position), so queries are short, paraphrased and reproducible."""
    t = title.strip()
    for _ in range(3):
        t2 = _PREFIX.sub("", t, count=1).strip()
        if t2 == t or not t2:
            break
        t = t2
    if t != title.strip() and " on " in t:  # "Statement by X on <topic>": keep the topic
        t = t.split(" on ", 1)[1]
    words = re.findall(r"[\w’'.-]+", t)[:7]
    topic = " ".join(words) or title[:60]
    return _TEMPLATES[i % len(_TEMPLATES)].format(topic)


def load_note() -> str:
    """1/5/15-minute load averages: the machine has 2 cores and is shared, so timings are noisy."""
    a, b, c = os.getloadavg()
    return f"load avg {a:.2f} / {b:.2f} / {c:.2f} on {os.cpu_count()} cores"


def write_json(name: str, data: object) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / name
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return out


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def dir_size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def eval_settings():  # -> statementqa.config.Settings
    """The settings the eval indexes are built and opened with (local Chroma, the eval collection)."""
    from statementqa.config import get_settings

    return get_settings().model_copy(update={"chroma_host": None, "collection": "statementqa-eval"})


def v2_indexes(paths: list[Path] | None) -> tuple[list[Index], str]:
    """The indexes a trainer fits on (several pools), and a label naming them.
    Default: the cached whole-corpus eval index (built on first use, most of an hour)."""
    from statementqa import open_index
    from statementqa.eval import ensure_index, whole_corpus

    settings = eval_settings()
    dirs = paths or [ensure_index(whole_corpus(), settings, None, progress=True)[0]]
    return [open_index(d, settings=settings) for d in dirs], ", ".join(str(d) for d in dirs)


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    """Stop an app server the benchmark started: politely, then for good."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
