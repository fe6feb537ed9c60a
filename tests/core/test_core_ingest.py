"""Ingest behaviour a user relies on: idempotence, replacement, removal, bad input, interruption."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from statementqa import Index, open_index
from statementqa.lexical import Filters
from tests.support import REPO, SEEDS, make_settings


def _statement(doc_id: str, text: str, **meta: str) -> dict[str, str]:
    base = {"id": doc_id, "title": meta.get("title", f"Statement {doc_id}"), "date": meta.get("date", "2024-01-10"),
            "source": meta.get("source", "Test Ministry"), "url": meta.get("url", ""), "text": text}
    return base


def _write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _consistent(ix: Index) -> tuple[int, int]:
    """(chunks in SQLite, vectors in Chroma): equal in a consistent index."""
    return ix.stats().chunks, ix.store.vectors.client.count()


@pytest.fixture()
def index(tmp_path: Path) -> Index:
    ix = open_index(tmp_path / "ix", settings=make_settings(tmp_path / "ix"))
    yield ix
    ix.close()


def _seed_rows(n: int) -> list[dict[str, str]]:
    lines = (SEEDS / "statements.jsonl").read_text(encoding="utf-8").splitlines()[:n]
    return [json.loads(line) for line in lines]


def test_reingest_unchanged_embeds_nothing(index: Index, tmp_path: Path) -> None:
    f = _write_jsonl(tmp_path / "a.jsonl", _seed_rows(4))
    first = index.ingest([f])
    assert first.added == 4 and first.chunks > 0
    again = index.ingest([f])
    assert (again.added, again.updated, again.unchanged, again.chunks) == (0, 0, 4, 0)
    assert _consistent(index)[0] == _consistent(index)[1] == first.chunks


def test_changed_document_replaces_its_chunks(index: Index, tmp_path: Path) -> None:
    long_old = " ".join(f"The zebra crossing programme reached phase {i} of the plan." for i in range(60))
    f = _write_jsonl(tmp_path / "a.jsonl", [_statement("doc-1", long_old), *_seed_rows(2)])
    index.ingest([f])
    n_before = index.stats().chunks
    new_text = "The ministry announced that the kangaroo bridge will open on 3 March 2025."
    _write_jsonl(tmp_path / "a.jsonl", [_statement("doc-1", new_text), *_seed_rows(2)])
    s = index.ingest([f])
    assert (s.added, s.updated, s.unchanged) == (0, 1, 2)
    sqlite_chunks, vectors = _consistent(index)
    assert sqlite_chunks == vectors < n_before  # old chunks gone, no duplicates
    assert index.document("doc-1").text == new_text  # type: ignore[union-attr]
    old_hits = [p for p in index.retrieve("zebra crossing programme phase", top_k=10) if p.doc_id == "doc-1"]
    assert all("zebra" not in p.text for p in old_hits)
    ans = index.answer("When will the kangaroo bridge open?")
    assert ans.citations and ans.citations[0].doc_id == "doc-1" and "3 March 2025" in ans.text


def test_metadata_change_counts_as_update(index: Index, tmp_path: Path) -> None:
    row = _statement("doc-m", "The council adopted the annual report on maritime safety.")
    index.ingest([_write_jsonl(tmp_path / "m.jsonl", [row])])
    row["source"] = "Another Ministry"
    s = index.ingest([_write_jsonl(tmp_path / "m.jsonl", [row])])
    assert s.updated == 1 and index.sources() == ["Another Ministry"]


def test_remove_deletes_statement_and_chunks(index: Index, tmp_path: Path) -> None:
    rows = _seed_rows(3)
    index.ingest([_write_jsonl(tmp_path / "a.jsonl", rows)])
    victim = rows[0]["id"]
    assert index.remove([victim, "not-there"]) == 1
    assert index.document(victim) is None
    assert index.stats().statements == 2
    assert _consistent(index)[0] == _consistent(index)[1]
    assert all(p.doc_id != victim for p in index.retrieve(rows[0]["title"], top_k=10))


def test_bad_inputs_are_reported_and_the_rest_lands(index: Index, tmp_path: Path) -> None:
    good = _statement("good-1", "The foreign minister opened the embassy in Reykjavik on 2 June 2024.")
    bad = tmp_path / "batch"
    bad.mkdir()
    (bad / "mixed.jsonl").write_text(
        json.dumps(good) + "\n{not json\n" + json.dumps({"id": "no-text"}) + "\n"
        + json.dumps(_statement("bad-date", "Text here.", date="someday")) + "\n", encoding="utf-8")
    (bad / "empty.txt").write_text("", encoding="utf-8")
    (bad / "latin1.txt").write_bytes("Caf\xe9 statement".encode("latin-1"))
    (bad / "binary.txt").write_bytes(b"\x00\x01\x02binary\x00")
    s = index.ingest([bad])
    assert s.added == 1 and index.document("good-1") is not None
    text = "\n".join(str(i) for i in s.issues)
    assert "mixed.jsonl:2" in text and "mixed.jsonl:3" in text and "mixed.jsonl:4" in text
    for name in ("empty.txt", "latin1.txt", "binary.txt"):
        assert name in text
    assert s.failed >= 6
    assert _consistent(index)[0] == _consistent(index)[1]
    assert index.answer("Where did the foreign minister open an embassy?").citations[0].doc_id == "good-1"


def test_hybrid_finds_a_name_that_dense_retrieval_alone_misses(seed_index: Index) -> None:
    """A rare surname is lexical evidence MiniLM barely encodes; BM25 in the fusion recovers it."""
    q = "What was said about Stefano?"
    gold = "us-state-246505"
    if seed_index.document(gold) is None:
        pytest.skip("statement not in the seed fixture")
    qvec = seed_index.embedder.embed([q])[0]
    dense_only = [cid.rsplit("#", 2)[0] for cid, _ in seed_index.store.dense_search(qvec, 10, Filters())]
    hybrid = [p.doc_id for p in seed_index.retrieve(q, top_k=5)]
    assert gold in hybrid[:2]
    assert gold not in dense_only[:5]


def test_interrupted_ingest_leaves_an_index_that_opens_and_rerun_completes(tmp_path: Path) -> None:
    rows = _seed_rows(40)
    src = _write_jsonl(tmp_path / "many.jsonl", rows)
    ix_dir = tmp_path / "ix"
    env = {**os.environ, "STATEMENTQA_INGEST_BATCH_CHARS": "500", "STATEMENTQA_INDEX_DIR": str(ix_dir)}
    cmd = [sys.executable, "-m", "statementqa.cli", "ingest", str(src), "--quiet"]
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    db = ix_dir / "statements.sqlite"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with sqlite3.connect(db) as con:
                    if con.execute("SELECT COUNT(*) FROM documents").fetchone()[0] >= 2:
                        break
            except sqlite3.Error:
                pass
        time.sleep(0.2)
    assert proc.poll() is None, "ingest finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    ix = open_index(ix_dir, settings=make_settings(ix_dir))
    partial = ix.stats().statements
    assert 2 <= partial < 40
    assert ix.answer(rows[0]["title"]).passages  # opens and answers from what landed
    ix.close()
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    ix = open_index(ix_dir, settings=make_settings(ix_dir))
    assert ix.stats().statements == 40
    assert _consistent(ix)[0] == _consistent(ix)[1]
    assert f"{40 - partial} added" in done.stdout
    ix.close()


def test_a_name_typed_without_diacritics_finds_the_statement(index: Index, tmp_path: Path) -> None:
    """Analysts type "Cernochova"; the statement writes "Černochová": keyword search must match."""
    rows = [_statement(f"d{i}", f"The ministry discussed topic number {i} with its partners today.") for i in range(6)]
    rows.append(_statement("jc", "Defence Minister Jana Černochová announced the start of negotiations."))
    index.ingest([_write_jsonl(tmp_path / "s.jsonl", rows)])
    lexical = index.store.lexical().search("Cernochova", 3, Filters())
    assert lexical and lexical[0][0].startswith("jc#")
    ans = index.answer("What did Cernochova announce?")
    assert not ans.refused and ans.citations[0].doc_id == "jc"
    assert "Černochová" in ans.citations[0].quote  # the quote keeps the statement's own spelling


def test_a_statement_over_the_size_limit_is_reported_and_the_rest_of_the_batch_lands(tmp_path: Path) -> None:
    """The limit comes from Settings (lowered here; the default is 2,000,000 characters)."""
    ix = open_index(tmp_path / "ix", settings=make_settings(tmp_path / "ix", max_statement_chars=5_000))
    try:
        big = _write_jsonl(tmp_path / "big.jsonl", [
            _statement("before", "The harbour authority reopened the northern pier on 3 March 2025."),
            _statement("too-long", "The ministry said a great many things. " * 200),
            _statement("after", "The transport ministry announced 40 new electric buses."),
        ])
        (tmp_path / "long.txt").write_text("The minister spoke at length. " * 300, encoding="utf-8")
        s = ix.ingest([big, tmp_path / "long.txt"])
        assert (s.added, s.failed) == (2, 2)
        assert sorted(s.doc_ids) == ["after", "before"]
        assert [(i.path, i.line) for i in s.issues] == [(str(big), 2), (str(tmp_path / "long.txt"), None)]
        assert all("the limit is 5,000, STATEMENTQA_MAX_STATEMENT_CHARS" in i.message for i in s.issues)
        assert _consistent(ix)[0] == _consistent(ix)[1]
        again = ix.ingest([big])  # the same on every run: reported again, nothing else changes
        assert (again.added, again.unchanged, again.failed) == (0, 2, 1)
    finally:
        ix.close()
