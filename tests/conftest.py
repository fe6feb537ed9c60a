"""Shared fixtures: the shared corpus, settings that ignore the developer's .env, a small seed index."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from statementqa import Index, open_index
from tests.support import N_SEED_STATEMENTS, REPO, SEED_ID, SEEDS, make_settings


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    path = REPO.parent / "shared" / "corpus"
    if not path.is_dir():
        pytest.skip(f"shared corpus not found at {path}")
    return path


@pytest.fixture(scope="session")
def seed_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the seed statement plus the first N related statements of seeds/."""
    folder = tmp_path_factory.mktemp("seed-files")
    (folder / "seed.jsonl").write_text((SEEDS / "seed.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    lines = (SEEDS / "statements.jsonl").read_text(encoding="utf-8").splitlines()
    picked = [ln for ln in lines if json.loads(ln)["id"] != SEED_ID][:N_SEED_STATEMENTS]
    (folder / "related.jsonl").write_text("\n".join(picked) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory, seed_files: Path) -> Iterator[Index]:
    """A read-only index of the seed + related statements, shared by the whole session."""
    path = tmp_path_factory.mktemp("seed-index")
    index = open_index(path, settings=make_settings(path, collection="seed-index"))
    summary = index.ingest([seed_files])
    assert summary.failed == 0, summary.issues
    yield index
    index.close()
