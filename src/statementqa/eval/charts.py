"""The report's charts: accuracy by type, latency, reliability (PNGs; Agg backend, no display needed)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from statementqa.eval.fmt import pct

if TYPE_CHECKING:
    from statementqa.eval.report import EvalReport


def write_charts(report: EvalReport, out_dir: Path) -> list[Path]:
    """Accuracy by type and the latency distribution (and reliability, when measured), as PNGs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    charts = [("accuracy_by_type.png", _accuracy_chart), ("latency.png", _latency_chart)]
    if report.reliability:
        charts.append(("reliability.png", _reliability_chart))
    paths: list[Path] = []
    for name, draw in charts:
        fig = draw(plt, report)
        fig.tight_layout()
        paths.append(out_dir / name)
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
    return paths


def _accuracy_chart(plt: Any, report: EvalReport) -> Any:
    types = list(report.by_type)
    acc = [100 * (report.by_type[t].accuracy or 0.0) for t in types]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    bars = ax.bar(types, acc, color="#3b6ea5")
    for bar, t in zip(bars, types, strict=True):
        ax.annotate(f"n={report.by_type[t].n}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, 105)
    ax.set_ylabel("accuracy (%)")
    ax.set_title(f"Accuracy by question type — set {report.set_name} (overall "
                 f"{pct(report.overall.accuracy)})")
    ax.tick_params(axis="x", rotation=30)
    return fig


def _latency_chart(plt: Any, report: EvalReport) -> Any:
    secs = [r.seconds for r in report.results if r.error is None]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.hist(secs or [0.0], bins=min(30, max(5, len(secs) // 3)), color="#5a9e6f")
    for name, val in (("p50", report.overall.latency_p50), ("p95", report.overall.latency_p95)):
        if val is not None:
            ax.axvline(float(val), color="#b33", linestyle="--")
            ax.annotate(f"{name} {val:.2f}s", (float(val), ax.get_ylim()[1] * 0.9), color="#b33", fontsize=8)
    ax.set_xlabel("seconds per answer")
    ax.set_ylabel("questions")
    ax.set_title("Answer latency")
    return fig


def _reliability_chart(plt: Any, report: EvalReport) -> Any:
    fig, ax = plt.subplots(figsize=(5.5, 5))
    xs = [float(b["support"]) for b in report.reliability]
    ys = [float(b["correct"]) for b in report.reliability]
    ax.plot(xs, ys, marker="o", color="#3b6ea5", label="observed (bins of equal count)")
    for b, x, y in zip(report.reliability, xs, ys, strict=True):
        ax.annotate(f"n={b['n']}", (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.plot([0, 1], [0, 1], linestyle=":", color="#888", label="perfect calibration")
    threshold = report.settings.get("refuse_threshold")
    if isinstance(threshold, int | float):
        ax.axvline(float(threshold), color="#b33", linestyle="--", label=f"refusal threshold {threshold}")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("support (Answer.support)")
    ax.set_ylabel("share answered correctly (refusal off)")
    ax.set_title(f"Reliability — set {report.set_name}" + (f" / {report.split}" if report.split else ""))
    ax.legend(fontsize=7, loc="upper left")
    return fig
