"""The app's default corpus loads exactly: quotes are checked against these texts, so loading must not alter them."""

from __future__ import annotations

import json
from pathlib import Path

from statementqa.ingest import load_paths

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _raw_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_seed_statement_loads_with_its_date_and_exact_text() -> None:
    result = load_paths([SEEDS / "seed.jsonl"])
    assert result.issues == []
    [doc] = result.documents
    [raw] = _raw_records(SEEDS / "seed.jsonl")
    assert doc.id == "cz-mfa-2024-05-lipavsky-blinken"
    assert doc.date == "2024-05-30"
    assert doc.source == "Ministry of Foreign Affairs of the Czech Republic"
    assert doc.text == raw["text"]
    assert "It’s the 17th such memorandum of understanding that we’ve signed" in doc.text


def test_every_seed_statement_loads_unchanged() -> None:
    """If this fails, a normalization step altered a real statement (the message names which)."""
    raw = {r["id"]: r for r in _raw_records(SEEDS / "statements.jsonl")}
    result = load_paths([SEEDS / "statements.jsonl"])
    assert result.issues == []
    assert [d.id for d in result.documents] == list(raw)
    changed = {
        d.id: [k for k in ("text", "title", "date", "source", "url") if getattr(d, k) != raw[d.id][k]]
        for d in result.documents
    }
    assert {k: v for k, v in changed.items() if v} == {}


def test_the_seeds_folder_loads_only_statements() -> None:
    """SOURCES.md next to the data is documentation, not a statement."""
    result = load_paths([SEEDS])
    assert result.issues == []
    assert len(result.documents) == 1 + len(_raw_records(SEEDS / "statements.jsonl"))
    assert all(".jsonl:" in d.origin for d in result.documents)
