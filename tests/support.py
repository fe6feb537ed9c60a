"""Constants and helpers shared by test modules (importable, unlike conftest)."""

from __future__ import annotations

from pathlib import Path

from statementqa import Settings

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
CORPUS = REPO.parent / "shared" / "corpus"  # the read-only shared corpus beside the checkout
SEED_ID = "cz-mfa-2024-05-lipavsky-blinken"
N_SEED_STATEMENTS = 30  # enough distractors on the same topics, small enough to embed in seconds


def make_settings(index_dir: Path, **overrides: object) -> Settings:
    """Settings for tests: defaults only (no .env, no STATEMENTQA_* from the caller's shell)."""
    return Settings(_env_file=None, index_dir=index_dir, **overrides)  # type: ignore[call-arg]
