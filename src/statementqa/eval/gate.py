"""The regression gate: a run's metrics against the committed baseline report."""

from __future__ import annotations

from pathlib import Path

from statementqa.config import Settings
from statementqa.eval.fmt import pct
from statementqa.eval.metrics import Metrics, metric_names
from statementqa.eval.paths import baseline_dir

# The regression gate: a metric may fall below the baseline by at most this much (absolute, 0..1 scale).
# Why these numbers: on a ~60-question slice one question is ~1.7 points of accuracy; two questions of
# noise are tolerated, a systematic drop is not. Verbatim quotes are never tolerated below 100%.
# Keys are Metrics field names, checked when this module is imported.
GATE_TOLERANCE: dict[str, float] = {
    "accuracy": 0.05,
    "citation_recall": 0.07,
    "gold_quote_support": 0.07,
    "refusal_recall": 0.10,
    "hit_at_5": 0.05,
    "mrr": 0.05,
}
GATE_MAX_INCREASE: dict[str, float] = {"false_refusal_rate": 0.07}
metric_names(*GATE_TOLERANCE, *GATE_MAX_INCREASE)


def check_against_baseline(
    current: Metrics, baseline: Metrics,
    tolerance: dict[str, float] | None = None, max_increase: dict[str, float] | None = None,
) -> list[str]:
    """Why the current metrics fail the gate (empty = pass). Verbatim quotes must always be 100%."""
    tolerance = GATE_TOLERANCE if tolerance is None else tolerance
    max_increase = GATE_MAX_INCREASE if max_increase is None else max_increase
    failures: list[str] = []
    verbatim = current.verbatim_quote_rate
    if verbatim is None or float(verbatim) < 1.0:
        failures.append(f"verbatim_quote_rate is {pct(verbatim)}; every quote must be verbatim (100%)")
    for key, tol in tolerance.items():
        cur, base = current.value(key), baseline.value(key)
        if base is None:
            continue
        if cur is None or float(cur) < float(base) - tol:
            failures.append(f"{Metrics.label(key)} fell to {pct(cur)} from the baseline {pct(base)} "
                            f"(tolerance {100 * tol:.0f} pts)")
    for key, tol in max_increase.items():
        cur, base = current.value(key), baseline.value(key)
        if base is not None and cur is not None and float(cur) > float(base) + tol:
            failures.append(f"{Metrics.label(key)} rose to {pct(cur)} from the baseline {pct(base)} "
                            f"(tolerance {100 * tol:.0f} pts)")
    return failures


def baseline_path(set_name: str, settings: Settings | None = None) -> Path:
    return baseline_dir(settings) / set_name / "report.json"
