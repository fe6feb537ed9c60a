"""Two reports side by side: metric deltas, then every question whose outcome changed."""

from __future__ import annotations

from pathlib import Path

from statementqa.eval.fmt import pct, sec
from statementqa.eval.metrics import Metrics, metric_names
from statementqa.eval.report import load_report
from statementqa.textutil import shorten

_COMPARE_KEYS = metric_names("accuracy", "citation_precision", "citation_recall", "verbatim_quote_rate",
                             "gold_quote_support", "refusal_precision", "refusal_recall", "false_refusal_rate",
                             "hit_at_1", "hit_at_5", "hit_at_10", "mrr", "latency_p50", "latency_p95")


def _delta(a: float | int | None, b: float | int | None, seconds: bool) -> str:
    if a is None or b is None:
        return "–"
    d = float(b) - float(a)
    return f"{d:+.2f}s" if seconds else f"{100 * d:+.1f} pts"


def compare_reports(a: Path, b: Path) -> str:
    """Markdown: metric deltas (overall and by type), then every question whose outcome changed."""
    ra, rb = load_report(a), load_report(b)
    lines = [f"# Compare: A = {a} ({ra.set_name}, {ra.created}) → B = {b} ({rb.set_name}, {rb.created})", ""]
    keys = sorted(set(ra.settings) | set(rb.settings))
    changed_settings = {k: (ra.settings.get(k), rb.settings.get(k)) for k in keys
                        if ra.settings.get(k) != rb.settings.get(k)}
    if changed_settings:
        lines += ["Settings changed: " + ", ".join(f"`{k}` {x} → {y}" for k, (x, y) in changed_settings.items()), ""]
    lines += ["| metric | A | B | Δ |", "|---|---|---|---|"]
    for key in _COMPARE_KEYS:
        secs = key.startswith("latency")
        fmt = sec if secs else pct
        va, vb = ra.overall.value(key), rb.overall.value(key)
        lines.append(f"| {Metrics.label(key)} | {fmt(va)} | {fmt(vb)} | {_delta(va, vb, secs)} |")
    lines += ["", "| type | accuracy A | accuracy B | Δ |", "|---|---|---|---|"]
    for t in dict.fromkeys([*ra.by_type, *rb.by_type]):
        acc_a, acc_b = (r.by_type[t].accuracy if t in r.by_type else None for r in (ra, rb))
        lines.append(f"| {t} | {pct(acc_a)} | {pct(acc_b)} | {_delta(acc_a, acc_b, False)} |")
    qa = {r.id: r for r in ra.results}
    qb = {r.id: r for r in rb.results}
    fixed: list[str] = []
    broken: list[str] = []
    other: list[str] = []
    for qid in dict.fromkeys([*qa, *qb]):
        x, y = qa.get(qid), qb.get(qid)
        if x is None or y is None:
            other.append(f"- {qid}: only in {'B' if x is None else 'A'}")
            continue
        if x.correct != y.correct:
            line = (f"- {qid} ({y.type}) {y.question}\n  - A: {'(refused) ' if x.refused else ''}"
                    f"{shorten(x.answer, 160)}\n  - B: {'(refused) ' if y.refused else ''}{shorten(y.answer, 160)}")
            (fixed if y.correct else broken).append(line)
        elif x.answer != y.answer or x.gold_rank != y.gold_rank:
            other.append(f"- {qid}: answer or retrieval changed (gold rank {x.gold_rank} → {y.gold_rank}), "
                         f"still {'correct' if y.correct else 'incorrect'}")
    lines += ["", f"## Now correct ({len(fixed)})", *fixed, "", f"## Now incorrect ({len(broken)})", *broken,
              "", f"## Other changes ({len(other)})", *other, ""]
    return "\n".join(lines)
