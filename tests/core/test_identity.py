"""Statement identity: nothing is overwritten by a different file unless asked, and nothing is doubled."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from statementqa import Index, open_index
from statementqa.ui import App, UploadGate
from tests.support import REPO, make_settings

TEXTS = {
    "a": "The harbour authority said the northern pier will reopen on 3 March 2025 after repairs.",
    "b": "The ministry of transport announced 40 new electric buses for the capital's western routes.",
    "md": "# Education statement\n\nThe education minister opened twelve new village schools in the hills.",
}


@pytest.fixture()
def index(tmp_path: Path) -> Iterator[Index]:
    ix = open_index(tmp_path / "ix", settings=make_settings(tmp_path / "ix"))
    yield ix
    ix.close()


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _texts(ix: Index) -> list[str]:
    return sorted(r[0] for r in ix.store.db.execute("SELECT text FROM documents"))


def test_same_named_files_ingested_in_separate_runs_never_overwrite_each_other(index: Index, tmp_path: Path):
    a = _write(tmp_path / "a" / "statement.txt", TEXTS["a"])
    b = _write(tmp_path / "b" / "statement.txt", TEXTS["b"])
    md = _write(tmp_path / "statement.md", TEXTS["md"])
    runs = [index.ingest([a]), index.ingest([b]), index.ingest([md])]
    assert [(s.added, s.updated, s.failed) for s in runs] == [(1, 0, 0), (1, 0, 0), (1, 0, 0)]
    assert _texts(index) == sorted([TEXTS["a"], TEXTS["b"], normalize(TEXTS["md"])])
    # the first file keeps the plain name; the others are told which file holds it and what they got
    assert runs[0].doc_ids == ["statement"]
    assert runs[1].doc_ids == ["b-statement"]
    assert [str(n) for n in runs[1].notes] == [
        f"{b}: the id 'statement' belongs to the statement from {a}; this file was added as 'b-statement' "
        "(ingest with --replace to replace that statement instead)"
    ]
    assert runs[2].notes and str(a) in runs[2].notes[0].message
    # each answers its own question
    assert index.answer("When will the northern pier reopen?").citations[0].doc_id == "statement"
    assert index.answer("How many electric buses were announced?").citations[0].doc_id == "b-statement"


def test_reingesting_the_same_file_is_an_update_under_the_same_id(index: Index, tmp_path: Path, monkeypatch):
    a = _write(tmp_path / "a" / "statement.txt", TEXTS["a"])
    b = _write(tmp_path / "b" / "statement.txt", TEXTS["b"])
    index.ingest([a])
    index.ingest([b])
    _write(b, TEXTS["b"].replace("40", "45"))
    monkeypatch.chdir(tmp_path / "b")  # another working directory, a relative path: still the same file
    s = index.ingest([Path("statement.txt")])
    assert (s.added, s.updated, s.unchanged, s.doc_ids) == (0, 1, 0, ["b-statement"])
    assert index.document("b-statement").text.startswith("The ministry of transport announced 45")  # type: ignore[union-attr]
    assert index.document("statement").text == TEXTS["a"]  # type: ignore[union-attr]
    again = index.ingest([a, b])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)


def test_a_copy_of_an_indexed_file_is_unchanged_not_a_duplicate(index: Index, tmp_path: Path):
    a = _write(tmp_path / "a" / "statement.txt", TEXTS["a"])
    index.ingest([a])
    copy = tmp_path / "elsewhere" / "statement-2.txt"
    copy.parent.mkdir()
    shutil.copyfile(a, copy)
    s = index.ingest([copy])
    assert (s.added, s.updated, s.unchanged, s.failed) == (0, 0, 1, 0)
    assert index.stats().statements == 1
    assert "same content as statement 'statement'" in s.notes[0].message


def test_uploading_the_same_file_twice_in_the_ui_does_not_add_it_twice(tmp_path: Path):
    settings = make_settings(tmp_path / "ix", upload_dir=tmp_path / "uploads")
    ix = open_index(tmp_path / "ix", settings=settings)
    try:
        app = App(ix, settings, gate=UploadGate([tmp_path / "gradio-tmp"]))  # plays Gradio's upload cache
        picked = _write(tmp_path / "gradio-tmp" / "harbour.txt", TEXTS["a"])
        (first,) = app.add_files([picked])
        (second,) = app.add_files([picked])
        assert first.ok and first.message.startswith("1 added")
        assert second.ok and second.message.startswith("0 added, 0 updated, 1 unchanged")
        assert ix.stats().statements == 1
    finally:
        ix.close()


def test_a_jsonl_id_held_by_another_file_is_not_replaced_unless_asked(index: Index, tmp_path: Path):
    first = _write(tmp_path / "a.jsonl", json.dumps({"id": "s-1", "text": TEXTS["a"]}) + "\n")
    second = _write(tmp_path / "b.jsonl", json.dumps({"id": "other", "text": TEXTS["md"]}) + "\n"
                    + json.dumps({"id": "s-1", "text": TEXTS["b"]}) + "\n")
    index.ingest([first])
    s = index.ingest([second])
    assert (s.added, s.updated, s.failed) == (1, 0, 1)  # the rest of the file still lands
    assert [str(i) for i in s.issues] == [
        f"{second}:2: id 's-1' already belongs to a statement from {first}:1; it was not replaced — give this "
        "statement another id, or ingest with --replace (replace=True) to replace that one"
    ]
    assert index.document("s-1").text == TEXTS["a"]  # type: ignore[union-attr]
    # the same record again from its own file with new text is an update, as always
    _write(first, json.dumps({"id": "s-1", "text": TEXTS["a"] + " Traffic will resume at noon."}) + "\n")
    assert index.ingest([first]).updated == 1
    # asked to replace: the other file's record wins, and the summary says what was replaced
    s = index.ingest([second], replace=True)
    assert (s.updated, s.unchanged, s.failed) == (1, 1, 0)
    assert index.document("s-1").text == TEXTS["b"]  # type: ignore[union-attr]
    assert f"it came from {first}:1" in s.notes[0].message


def test_front_matter_ids_are_kept_and_checked_like_jsonl_ids(index: Index, tmp_path: Path):
    one = _write(tmp_path / "one.md", f"---\nid: pier\n---\n{TEXTS['a']}\n")
    two = _write(tmp_path / "two.md", f"---\nid: pier\n---\n{TEXTS['b']}\n")
    index.ingest([one])
    s = index.ingest([two])
    assert s.failed == 1 and f"already belongs to a statement from {one}" in s.issues[0].message
    assert index.document("pier").text == TEXTS["a"]  # type: ignore[union-attr]


def test_a_folder_with_same_named_files_of_two_formats_keeps_both(index: Index, tmp_path: Path):
    docs = tmp_path / "docs"
    _write(docs / "release.md", TEXTS["md"])
    _write(docs / "release.txt", TEXTS["b"])
    s = index.ingest([docs])
    assert (s.added, s.failed) == (2, 0)
    assert sorted(s.doc_ids) == ["docs-release", "docs-release-txt"]
    assert index.ingest([docs]).unchanged == 2  # stable on the next run


def test_the_cli_reports_a_collision_and_replaces_only_with_replace(tmp_path: Path):
    first = _write(tmp_path / "a.jsonl", json.dumps({"id": "s-1", "text": TEXTS["a"]}) + "\n")
    second = _write(tmp_path / "b.jsonl", json.dumps({"id": "s-1", "text": TEXTS["b"]}) + "\n")
    env = {**os.environ, "STATEMENTQA_INDEX_DIR": str(tmp_path / "ix")}
    cmd = [sys.executable, "-m", "statementqa.cli", "ingest", "--quiet"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*cmd, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)

    assert run(str(first)).returncode == 0
    refused = run(str(second))
    assert refused.returncode == 1
    assert f"error: {second}:1: id 's-1' already belongs to a statement from {first}:1" in refused.stderr
    assert refused.stdout.startswith("0 added, 0 updated, 0 unchanged, 1 failed")
    replaced = run(str(second), "--replace")
    assert replaced.returncode == 0 and replaced.stdout.startswith("0 added, 1 updated")
    assert f"note: {second}:1: replaced statement 's-1' (it came from {first}:1)" in replaced.stderr


def test_an_index_built_before_file_identity_is_migrated_and_keeps_working(tmp_path: Path, monkeypatch):
    """Schema 1 had no ``documents.file`` and stored origins as typed (often relative)."""
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "a" / "statement.txt", TEXTS["a"])
    ix = open_index(tmp_path / "ix", settings=make_settings(tmp_path / "ix"))
    ix.ingest([Path("a/statement.txt")])
    ix.close()
    with sqlite3.connect(tmp_path / "ix" / "statements.sqlite") as db:  # back to schema 1
        db.execute("DROP INDEX documents_file")
        db.execute("ALTER TABLE documents DROP COLUMN file")
        db.execute("DELETE FROM meta WHERE key='schema'")
    ix = open_index(tmp_path / "ix", settings=make_settings(tmp_path / "ix"))
    try:
        assert ix.document("statement").file == str((tmp_path / "a" / "statement.txt").resolve())  # type: ignore[union-attr]
        assert ix.answer("When will the northern pier reopen?").citations[0].doc_id == "statement"
        assert ix.ingest([tmp_path / "a" / "statement.txt"]).unchanged == 1  # the same file, recognized
        other = ix.ingest([_write(tmp_path / "b" / "statement.txt", TEXTS["b"])])
        assert (other.added, other.updated) == (1, 0) and ix.stats().statements == 2
    finally:
        ix.close()


def normalize(text: str) -> str:
    from statementqa.ingest import normalize_text

    return normalize_text(text)
