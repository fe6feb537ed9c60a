"""When was it said: the statements matching a question, by date and issuer, the cited ones marked.

Why a chart: "latest", "first" and "how did the line change" questions are about order in time; seeing
every matching statement on a time axis, one row per issuer, shows at a glance whether the cited one
is the newest, the oldest or one of many. Pure data here (tested without a browser); ``ui/page.py`` draws it
with Gradio's native scatter plot (Vega-Lite, rendered in the page, no network).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from statementqa.models import Answer, Passage

CITED = "cited in the answer"
MATCHING = "also matching"
MAX_TITLE = 120


@dataclass(frozen=True)
class Point:
    """One statement on the timeline."""

    doc_id: str
    day: date
    issuer: str
    title: str
    status: str  # CITED | MATCHING
    citations: str  # "[1] [2]" for cited statements, "" otherwise


@dataclass(frozen=True)
class Timeline:
    points: list[Point]
    undated: int  # matching statements without a usable date (not on the chart)

    @property
    def cited(self) -> list[Point]:
        return [p for p in self.points if p.status == CITED]

    def caption(self) -> str:
        """A one-line summary under the chart (plain text)."""
        if not self.points:
            return ("No dated statement matches this question." if not self.undated else
                    f"None of the {self.undated} matching statements carries a date.")
        days = sorted(p.day for p in self.points)
        span = days[0].isoformat() if days[0] == days[-1] else f"{days[0].isoformat()} to {days[-1].isoformat()}"
        cited = self.cited
        parts = [f"{len(self.points)} matching statement{'s' if len(self.points) != 1 else ''} dated {span}"]
        if cited:
            newest = max(p.day for p in self.points)
            oldest = min(p.day for p in self.points)
            where = ""
            if len(self.points) > 1 and len(cited) == 1:
                where = (" (the most recent)" if cited[0].day == newest else
                         " (the earliest)" if cited[0].day == oldest else "")
            parts.append(f"{len(cited)} cited{where}")
        else:
            parts.append("none cited")
        if self.undated:
            parts.append(f"{self.undated} undated not shown")
        return "; ".join(parts) + "."


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def _short(title: str) -> str:
    title = " ".join((title or "").split())
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1].rstrip() + "…"


def build_timeline(answer: Answer | None, matching: Iterable[Passage] = ()) -> Timeline:
    """One point per statement among the answer's citations, its passages and ``matching`` (retrieved for
    the question); cited statements are marked and carry their citation numbers."""
    cited: dict[str, list[int]] = {}
    meta: dict[str, tuple[str | None, str, str]] = {}  # doc id → (date, issuer, title)
    if answer is not None and not answer.refused:
        for c in answer.citations:
            cited.setdefault(c.doc_id, []).append(c.n)
            meta.setdefault(c.doc_id, (c.date, c.source, c.title))
    passages: Sequence[Passage] = [*(answer.passages if answer else []), *matching]
    for p in passages:
        meta.setdefault(p.doc_id, (p.date, p.source, p.title))
    points: list[Point] = []
    undated = 0
    for doc_id, (iso, issuer, title) in meta.items():
        day = _day(iso)
        if day is None:
            undated += 1
            continue
        ns = cited.get(doc_id)
        points.append(Point(doc_id, day, issuer or "(no issuer)", _short(title or doc_id),
                            CITED if ns else MATCHING, " ".join(f"[{n}]" for n in sorted(set(ns or [])))))
    points.sort(key=lambda p: (p.day, p.issuer, p.doc_id))
    return Timeline(points, undated)


def frame(timeline: Timeline) -> object:
    """The points as a pandas DataFrame for ``gr.ScatterPlot`` (x: date, y: issuer, color: status)."""
    import pandas as pd  # gradio depends on pandas; imported only when a chart is drawn

    rows = [{"date": pd.Timestamp(p.day), "issuer": p.issuer, "status": p.status, "title": p.title,
             "cited as": p.citations or "—", "id": p.doc_id} for p in timeline.points]
    df = pd.DataFrame(rows, columns=["date", "issuer", "status", "title", "cited as", "id"])
    df["date"] = pd.to_datetime(df["date"])
    for col in ("issuer", "status", "title", "cited as", "id"):
        df[col] = df[col].astype("string")
    return df
