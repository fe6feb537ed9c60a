"""Performance benchmark (``make bench``): ingest throughput vs the raw encoder, re-ingest, size, memory,
retrieval and answer latency — over a fixed sample of the shared corpus, in one process.

Why "in the same process": the machine is shared (2 cores, other jobs running), so absolute speeds
drift from run to run; a baseline measured in the same process minutes apart — the encoder embedding
the very same chunk texts directly — is what ingest throughput is judged against (target ≥ 80%).

Phases (one process; load averages printed with each, since timings on a busy box are noisy):
1. sample ``--docs`` statements of ../shared/corpus/statements (fixed seed, deterministic) to a temp JSONL;
2. load + chunk them exactly as ingest does; embed the chunk texts with the embedder directly → raw chunks/s
   (half of them before step 3 and half after it, so the baseline brackets the ingest it is compared with);
3. ingest the JSONL into a fresh index in a temp dir → ingest chunks/s, ratio to raw;
4. re-open the index and ingest the same file again (nothing changed) → seconds, speed-up (target ≥ 50×);
5. index size on disk; peak RSS (``resource.getrusage``);
6. retrieval (``Index.retrieve``) and extractive answer (``Index.answer(llm=False)``) latency p50/p95 over
   ``--queries`` questions made from sampled titles by a fixed rule plus a few generic ones
   (targets at 1,000 docs: retrieval p50 ≤ 30 ms, answer p50 ≤ 150 ms).

Usage: python benchmarks/bench.py [--docs 1000] [--queries 50] [--profile] [--keep]
       python benchmarks/bench.py --docs 200          # quick mode for trying things out
``--profile`` runs ingest and the answer loop under cProfile (slower; timings then are not comparable)
and writes .pstats files next to the JSON.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    CORPUS,
    RESULTS,
    SAMPLE_SEED,
    dir_size_mb,
    load_note,
    pct,
    peak_rss_mb,
    query_from_title,
    sample_corpus,
    write_json,
    write_jsonl,
)

from statementqa import open_index
from statementqa.chunk import Chunker
from statementqa.config import get_settings
from statementqa.embed import get_embedder
from statementqa.ingest import load_paths

TARGETS = {"ingest_vs_raw": 0.80, "reingest_speedup": 50.0, "retrieve_p50_ms": 30.0, "answer_p50_ms": 150.0}
GENERIC_QUERIES = [
    "What did the United States say about ransomware?",
    "How much security assistance was announced for Ukraine?",
    "Who met with the Czech foreign minister?",
    "latest statement on NATO enlargement",
    "What was agreed on climate change?",
    "sanctions on Russia",
]
def phase(log: list[dict], name: str, **values: object) -> None:
    entry = {"phase": name, "load": load_note(), "peak_rss_mb": round(peak_rss_mb(), 1), **values}
    log.append(entry)
    shown = ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items())
    print(f"[{time.strftime('%H:%M:%S')}] {name}: {shown}  ({entry['load']})", flush=True)


def profiled(enabled: bool, out: Path, fn):  # noqa: ANN001, ANN201 (any callable, its result)
    if not enabled:
        return fn()
    prof = cProfile.Profile()
    result = prof.runcall(fn)
    prof.dump_stats(out)
    print(f"\n--- cProfile {out.name}: top 25 by cumulative time ---")
    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    print(f"--- cProfile {out.name}: top 15 by own time ---")
    pstats.Stats(prof).sort_stats("tottime").print_stats(15)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000, help="statements to sample (quick mode: 200)")
    ap.add_argument("--queries", type=int, default=50, help="title-derived queries (plus 6 generic)")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--seed", type=int, default=SAMPLE_SEED)
    ap.add_argument("--profile", action="store_true", help="cProfile ingest and the answer loop")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (index + sample) and print its path")
    ap.add_argument("--label", default="", help="suffix for the result file names (e.g. an A/B variant)")
    args = ap.parse_args()

    settings = get_settings()
    stem = f"bench-{args.docs}" + (f"-{args.label}" if args.label else "")
    log: list[dict] = []
    tmp = Path(tempfile.mkdtemp(prefix="statementqa-bench-"))
    t_all = time.perf_counter()
    try:
        records = sample_corpus(args.docs, args.corpus, seed=args.seed)
        sample = write_jsonl(records, tmp / "sample.jsonl")
        phase(log, "sample", docs=len(records), seed=args.seed, file=str(sample))

        # --- raw encoder baseline: the same chunk texts ingest will embed ---------------------------
        t = time.perf_counter()
        loaded = load_paths([sample])
        chunker = Chunker(settings.chunk_tokens, settings.chunk_overlap)
        texts = [c.text for d in loaded.documents for c in chunker.chunk(d)]
        prep_s = time.perf_counter() - t
        embedder = get_embedder(settings)
        embedder.embed(texts[:8])  # model load / first-run allocation outside the timing
        # The baseline brackets the ingest: even-numbered chunks are embedded before it, odd-numbered after
        # it, so a load change on the shared machine during the run hits baseline and ingest alike.
        t = time.perf_counter()
        embedder.embed(texts[0::2])
        raw_before = time.perf_counter() - t
        phase(log, "raw encoder (1st half)", chunks=len(texts[0::2]), seconds=raw_before,
              chunks_per_s=len(texts[0::2]) / raw_before, load_chunk_s=prep_s,
              batch_size=getattr(embedder, "batch_size", None), threads=settings.embed_threads)

        # --- first ingest into a fresh index ----------------------------------------------------------
        index_dir = tmp / "index"
        ix = open_index(index_dir, settings)
        prof_out = RESULTS / f"{stem}-ingest.pstats"
        summary = profiled(args.profile, prof_out, lambda: ix.ingest([sample]))
        ingest_cps = summary.chunks / summary.seconds
        ix.close()
        t = time.perf_counter()
        embedder.embed(texts[1::2])
        raw_after = time.perf_counter() - t
        raw_s = raw_before + raw_after
        raw_cps = len(texts) / raw_s
        phase(log, "raw encoder (2nd half)", chunks=len(texts[1::2]), seconds=raw_after,
              chunks_per_s=len(texts[1::2]) / raw_after)
        phase(log, "ingest", added=summary.added, failed=summary.failed, chunks=summary.chunks,
              seconds=summary.seconds, chunks_per_s=ingest_cps, raw_chunks_per_s=raw_cps,
              ratio_to_raw=ingest_cps / raw_cps)

        # --- unchanged re-ingest (re-opened index, as a second `statementqa ingest` would) -----------
        ix = open_index(index_dir, settings)
        t = time.perf_counter()
        again = ix.ingest([sample])
        re_s = time.perf_counter() - t
        phase(log, "re-ingest", unchanged=again.unchanged, added=again.added, seconds=re_s,
              speedup=summary.seconds / re_s)
        size_mb = dir_size_mb(index_dir)
        phase(log, "size", index_mb=size_mb, stats=f"{ix.stats().statements} statements / {ix.stats().chunks} chunks")

        # --- latency ------------------------------------------------------------------------------------
        step = max(1, len(records) // args.queries)
        queries = [query_from_title(r.get("title") or r["text"][:80], i)
                   for i, r in enumerate(records[::step][: args.queries])] + GENERIC_QUERIES
        t = time.perf_counter()
        ix.retrieve(queries[0])
        cold_retrieve = time.perf_counter() - t
        t = time.perf_counter()
        ix.answer(queries[0], llm=False)
        cold_answer = time.perf_counter() - t
        r_lat = []
        for q in queries:
            t = time.perf_counter()
            ix.retrieve(q)
            r_lat.append(time.perf_counter() - t)
        phase(log, "retrieve", queries=len(queries), p50_ms=pct(r_lat, 0.5) * 1000, p95_ms=pct(r_lat, 0.95) * 1000,
              cold_first_ms=cold_retrieve * 1000)

        def answer_all() -> tuple[list[float], int]:
            lat, refused = [], 0
            for q in queries:
                t0 = time.perf_counter()
                a = ix.answer(q, llm=False)
                lat.append(time.perf_counter() - t0)
                refused += a.refused
            return lat, refused

        a_lat, refused = profiled(args.profile, RESULTS / f"{stem}-answer.pstats", answer_all)
        phase(log, "answer", queries=len(queries), p50_ms=pct(a_lat, 0.5) * 1000, p95_ms=pct(a_lat, 0.95) * 1000,
              cold_first_ms=cold_answer * 1000, refused=refused)
        ix.close()
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    ratio = ingest_cps / raw_cps
    speedup = summary.seconds / re_s
    r50, r95 = pct(r_lat, 0.5) * 1000, pct(r_lat, 0.95) * 1000
    a50, a95 = pct(a_lat, 0.5) * 1000, pct(a_lat, 0.95) * 1000
    rows = [
        ("statements / chunks", f"{len(records)} / {summary.chunks}", "", ""),
        ("raw encoder (same texts)", f"{raw_cps:.1f} chunks/s", "baseline", ""),
        ("ingest throughput", f"{ingest_cps:.1f} chunks/s", "", ""),
        ("ingest / raw encoder", f"{ratio:.0%}", f"≥ {TARGETS['ingest_vs_raw']:.0%}",
         ratio >= TARGETS["ingest_vs_raw"]),
        ("first ingest", f"{summary.seconds:.1f} s", "", ""),
        ("unchanged re-ingest", f"{re_s:.2f} s", "", ""),
        ("re-ingest speed-up", f"{speedup:.0f}×", f"≥ {TARGETS['reingest_speedup']:.0f}×",
         speedup >= TARGETS["reingest_speedup"]),
        ("index size on disk", f"{size_mb:.1f} MB", "", ""),
        ("peak RSS", f"{peak_rss_mb():.0f} MB", "", ""),
        ("retrieve p50 / p95", f"{r50:.0f} / {r95:.0f} ms", f"p50 ≤ {TARGETS['retrieve_p50_ms']:.0f} ms",
         r50 <= TARGETS["retrieve_p50_ms"]),
        ("answer p50 / p95", f"{a50:.0f} / {a95:.0f} ms", f"p50 ≤ {TARGETS['answer_p50_ms']:.0f} ms",
         a50 <= TARGETS["answer_p50_ms"]),
    ]
    if args.profile:
        rows.append(("NOTE", "ingest and answer ran under cProfile", "timings inflated", ""))
    total = time.perf_counter() - t_all
    print(f"\n## bench: {len(records)} statements sampled (seed {args.seed}); total {total:.0f} s; {load_note()}")
    print(f"{'metric':<26} {'value':>22}  {'target':<16} pass")
    for name, value, target, ok in rows:
        mark = "" if ok == "" else ("PASS" if ok else "FAIL")
        print(f"{name:<26} {value:>22}  {target:<16} {mark}")
    out = write_json(f"{stem}.json", {
        "docs": len(records), "seed": args.seed, "chunks": summary.chunks, "profiled": args.profile,
        "raw_chunks_per_s": raw_cps, "ingest_chunks_per_s": ingest_cps, "ingest_ratio": ratio,
        "first_ingest_s": summary.seconds, "reingest_s": re_s, "reingest_speedup": speedup,
        "index_mb": size_mb, "peak_rss_mb": peak_rss_mb(),
        "retrieve_ms": {"p50": r50, "p95": r95, "cold_first": cold_retrieve * 1000},
        "answer_ms": {"p50": a50, "p95": a95, "cold_first": cold_answer * 1000},
        "targets": TARGETS, "queries": queries, "phases": log,
        "label": args.label,
        "settings": json.loads(settings.model_dump_json(include={"embed_batch_size", "embed_threads", "chunk_tokens",
                                                                 "chunk_overlap", "top_k", "candidates"})),
    })
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
