"""The regression gate: a run's metrics against the committed baseline report."""

from __future__ import annotations

from pathlib import Path

from statementqa.eval.fmt import pct
from statementqa.eval.paths import BASELINE_DIR

# The regression gate: a metric may fall below the baseline by at most this much (absolute, 0..1 scale).
# Why these numbers: on a ~60-question slice one question is ~1.7 points of accuracy; two questions of
# noise are tolerated, a systematic drop is not. Verbatim quotes are never tolerated below 100%.
GATE_TOLERANCE: dict[str, float] = {
    "accuracy": 0.05,
    "citation_recall": 0.07,
    "gold_quote_support": 0.07,
    "refusal_recall": 0.10,
    "hit@5": 0.05,
    "mrr": 0.05,
}
GATE_MAX_INCREASE: dict[str, float] = {"false_refusal_rate": 0.07}


def check_against_baseline(
    current: dict[str, float | int | None], baseline: dict[str, float | int | None],
    tolerance: dict[str, float] | None = None, max_increase: dict[str, float] | None = None,
) -> list[str]:
    """Why the current metrics fail the gate (empty = pass). Verbatim quotes must always be 100%."""
    tolerance = GATE_TOLERANCE if tolerance is None else tolerance
    max_increase = GATE_MAX_INCREASE if max_increase is None else max_increase
    failures: list[str] = []
    verbatim = current.get("verbatim_quote_rate")
    if verbatim is None or float(verbatim) < 1.0:
        failures.append(f"verbatim_quote_rate is {pct(verbatim)}; every quote must be verbatim (100%)")
    for key, tol in tolerance.items():
        cur, base = current.get(key), baseline.get(key)
        if base is None:
            continue
        if cur is None or float(cur) < float(base) - tol:
            failures.append(f"{key} fell to {pct(cur)} from the baseline {pct(base)} (tolerance {100 * tol:.0f} pts)")
    for key, tol in max_increase.items():
        cur, base = current.get(key), baseline.get(key)
        if base is not None and cur is not None and float(cur) > float(base) + tol:
            failures.append(f"{key} rose to {pct(cur)} from the baseline {pct(base)} (tolerance {100 * tol:.0f} pts)")
    return failures


def baseline_path(set_name: str) -> Path:
    return BASELINE_DIR / set_name / "report.json"
