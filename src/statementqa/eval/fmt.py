"""Formatting of metric values and answers for reports, comparisons and gate messages."""

from __future__ import annotations

from collections.abc import Sequence


def pct(v: float | int | None) -> str:
    return "–" if v is None else f"{100 * v:.1f}%"


def sec(v: float | int | None) -> str:
    return "–" if v is None else f"{v:.2f}s"


def fmt_expected(expected: Sequence[str | list[str]]) -> str:
    if not expected:
        return "(refusal)"
    return " / ".join(x if isinstance(x, str) else " + ".join(x) for x in expected)


def score(v: float | int | None) -> str:
    return "–" if v is None else f"{v:.2f}"

