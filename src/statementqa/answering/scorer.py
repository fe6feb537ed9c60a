"""The answer scorer: a learned model of how likely a (sentence, span) pair answers the question, calibrated.

Why learned and calibrated: the refusal decision compares this probability with a threshold; a probability that
means what it says (an answer given at 0.7 is right about 70% of the time) is what lets the threshold be chosen
for a stated false-refusal rate. ``benchmarks/train_reader.py`` fits two logistic regressions on the v2 ``train``
split — a ranking of pairs (whose score share within a sentence also decides whether a span may lead, at a
threshold chosen on ``dev``), and answerability over part features with the coefficient signs
``evidence.PART_SIGNS`` declares — Platt-scales the latter on ``dev`` and picks the threshold there;
``data/reader.json`` holds the coefficients, the calibration, the threshold and the feature names they expect.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from statementqa.answering.evidence import FEATURES, PART_FEATURES, Pair
from statementqa.ranking import Linear, read_artifact
from statementqa.ranking import artifact_path as ranking_artifact_path

READER_VERSION = 8  # bump when a feature's definition changes: the artifact must be retrained


@dataclass(frozen=True)
class Scorer:
    """A ranking model over pairs (which pair answers best) and a calibration of the best pair's score
    (how likely answering with it is right): two questions, two fits."""

    model: Linear  # ranks a question part's pairs
    answerable: Linear  # is the best pair an answer at all (part-level evidence)
    platt_a: float  # calibration on dev: p = sigmoid(platt_a · answerable logit + platt_b)
    platt_b: float
    threshold: float  # refuse below this calibrated probability
    # lead with the best pair's span only when its ``evidence.lead_confidence`` reaches this (chosen on dev for the
    # lead-precision target); below it the answer is the quote alone — a wrong lead misleads, a quote does not
    lead_threshold: float
    info: dict

    def score(self, pairs: list[Pair]) -> None:
        """Set each pair's ``score`` to its ranking score (higher = more likely the answer)."""
        if not pairs:
            return
        for p, x in zip(pairs, self.model.logits([p.features for p in pairs]), strict=True):
            p.score = float(x)

    def probability(self, part: dict[str, float]) -> float:
        """Calibrated probability that answering with the best pair is right, from ``part_features``."""
        z = self.platt_a * float(self.answerable.logits([part])[0]) + self.platt_b
        return float(1.0 / (1.0 + np.exp(-z)))


def artifact_path() -> Path:
    return ranking_artifact_path("reader.json")


@lru_cache(maxsize=4)
def load_scorer(path: Path | None = None) -> Scorer:
    raw = read_artifact(path or artifact_path(), "reader", READER_VERSION, "train_reader.py")
    cal = raw["calibration"]
    return Scorer(Linear.from_json(raw["model"], FEATURES), Linear.from_json(raw["answerable"], PART_FEATURES),
                  float(cal["a"]), float(cal["b"]), float(raw["threshold"]), float(raw["lead_threshold"]),
                  raw.get("info", {}))
