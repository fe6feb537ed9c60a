"""One index, several writers and readers: another process's ingest is seen, answers share the index.

Why: the UI keeps one Index open for hours while `statementqa ingest` adds statements from the
command line, and many users ask at once (issue 13, item 7).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from statementqa import Filters, Index, open_index
from statementqa.lexical import LexicalIndex
from tests.support import REPO, SEEDS, make_settings

LIGHTHOUSES = {
    "id": "mot-2025-lighthouses", "title": "Lighthouse restoration programme", "date": "2025-01-15",
    "source": "Ministry of Transport", "url": "",
    "text": "The Ministry of Transport announced the restoration of 42 historic lighthouses along the coast. "
            "Work on the first lighthouses begins in the spring.",
}
BRIDGE = {
    "id": "moe-2025-bridge", "title": "Harbour bridge reopening", "date": "2025-02-10",
    "source": "Ministry of Examples", "url": "",
    "text": "The Ministry of Examples said the harbour bridge will reopen on 3 March 2025 after repairs.",
}


def _cli(*args: str, index: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STATEMENTQA_", "OPENAI_"))}
    env["STATEMENTQA_COLLECTION"] = "concurrent"
    return subprocess.run([sys.executable, "-m", "statementqa.cli", *args, "--index", str(index)], env=env,
                          cwd=REPO, capture_output=True, text=True, timeout=300)


@pytest.fixture
def small_index(tmp_path: Path) -> Index:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "seed.jsonl").write_text((SEEDS / "seed.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "bridge.jsonl").write_text(json.dumps(BRIDGE) + "\n", encoding="utf-8")
    index = open_index(tmp_path / "ix", settings=make_settings(tmp_path / "ix", collection="concurrent"))
    assert index.ingest([folder]).failed == 0
    yield index
    index.close()


def test_an_ingest_from_another_process_is_seen_by_the_open_index(small_index: Index, tmp_path: Path):
    ix = small_index
    before = ix.answer("When will the harbour bridge reopen?")
    assert "3 March 2025" in before.text  # caches warm: BM25, texts, Chroma's in-memory HNSW index
    assert ix.retrieve("historic lighthouses restoration") and ix.answer("How many lighthouses?").refused

    new = tmp_path / "new.jsonl"
    changed = dict(BRIDGE, text="The Ministry of Examples said the harbour bridge will reopen on 9 April 2025, "
                                "later than planned, after repairs.")
    new.write_text(json.dumps(LIGHTHOUSES) + "\n" + json.dumps(changed) + "\n", encoding="utf-8")
    r = _cli("ingest", str(new), "--quiet", "--replace", index=ix.path)  # the bridge came from another file
    assert r.returncode == 0 and "1 added, 1 updated" in r.stdout, r.stdout + r.stderr

    # the open index answers from the new state without being reopened
    ans = ix.answer("How many historic lighthouses will be restored?")
    assert not ans.refused and "42" in ans.text and ans.citations[0].doc_id == LIGHTHOUSES["id"]
    bridge = ix.answer("When will the harbour bridge reopen?")
    assert "9 April 2025" in bridge.text and "3 March" not in bridge.text
    for c in [*ans.citations, *bridge.citations]:
        assert ix.document(c.doc_id).text[c.start : c.end] == c.quote  # type: ignore[union-attr]
    # dense search sees the other process's vectors (an on-disk Chroma client alone would not)
    qvec = ix.embedder.embed([LIGHTHOUSES["text"]])[0]
    dense = dict(ix.store.dense_search(qvec, 3, Filters()))
    assert any(cid.startswith(LIGHTHOUSES["id"]) for cid in dense), dense
    assert "Ministry of Transport" in ix.sources() and ix.stats().statements == 3

    # and the other way round: the CLI sees what this process removes
    assert ix.remove([LIGHTHOUSES["id"]]) == 1
    r = _cli("ask", "How many historic lighthouses will be restored?", "--json", index=ix.path)
    assert r.returncode == 0 and json.loads(r.stdout)["refused"], r.stdout[-2000:]


def test_bm25_builds_are_whole_or_ignored(tmp_path: Path):
    rows = [("c1", "d1", "lighthouses on the coast", "S", "2025-01-01", "t"),
            ("c2", "d2", "a harbour bridge", "S", None, "t")]
    LexicalIndex.build(rows, 3).save(tmp_path)
    LexicalIndex.build(rows[:1], 4).save(tmp_path)
    loaded = LexicalIndex.load(tmp_path)
    assert loaded is not None and loaded.generation == 4 and loaded.chunk_ids == ["c1"]
    (tmp_path / "g5-half").mkdir()  # a build another process is still writing: not pointed to, not read
    assert LexicalIndex.load(tmp_path).generation == 4  # type: ignore[union-attr]
    (tmp_path / "current").write_text("g9-gone", encoding="utf-8")  # pruned under a reader: rebuild, no crash
    assert LexicalIndex.load(tmp_path) is None



def test_an_answer_on_an_older_snapshot_does_not_reopen_the_vector_store(small_index: Index, tmp_path: Path):
    """Only another process's write reopens the Chroma client; this process's own writes never do (a
    reopen under a running query closed its client: 'RustBindingsAPI' object has no attribute 'bindings')."""
    import threading

    ix = small_index
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps(LIGHTHOUSES) + "\n", encoding="utf-8")
    client = ix.store.client
    qvec = ix.embedder.embed(["harbour bridge"])[0]
    with ix.store.snapshot():  # an answer in progress, reading the state before the write below
        before = ix.store.generation()
        writer = threading.Thread(target=ix.ingest, args=([extra],))
        writer.start()
        writer.join(60)
        assert ix.store.generation() == before  # still the old state, for this answer
        assert ix.store.dense_search(qvec, 3, Filters())
    assert ix.store.client is client  # not reopened: this process wrote, its client saw the write
    assert "42" in ix.answer("How many historic lighthouses will be restored?").text
