"""The command line as a user runs it: exit codes, messages, --json fields."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from statementqa.cli import app
from tests.support import SEED_ID

runner = CliRunner()


def test_cli_ingest_ask_json_remove(seed_files: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("STATEMENTQA_INDEX_DIR", str(tmp_path / "ix"))
    from statementqa.config import get_settings

    get_settings.cache_clear()
    ix = ["--index", str(tmp_path / "ix")]
    r = runner.invoke(app, ["ingest", str(seed_files / "seed.jsonl"), *ix, "--quiet"])
    assert r.exit_code == 0, r.output
    assert "1 added" in r.output
    r = runner.invoke(app, ["ask", "How many MoUs has the US signed?", *ix, "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert {"text", "refused", "citations", "passages"} <= set(data)
    c = data["citations"][0]
    assert set(c) == {"n", "doc_id", "title", "source", "date", "url", "quote", "start", "end"}
    assert c["doc_id"] == SEED_ID and "17th" in c["quote"]
    assert {"doc_id", "text", "score", "title", "source", "date", "url"} <= set(data["passages"][0])
    r = runner.invoke(app, ["ask", "How many MoUs has the US signed?", *ix])
    assert r.exit_code == 0 and "[1]" in r.output and "chars" in r.output
    r = runner.invoke(app, ["ask", "How many MoUs has the US signed?", *ix, "--markdown"])
    assert r.exit_code == 0 and r.output.startswith("## How many MoUs has the US signed?")
    assert "17th such memorandum of understanding" in r.output and "(accessed " in r.output
    r = runner.invoke(app, ["remove", SEED_ID, *ix])
    assert r.exit_code == 0 and "1 statement(s) removed" in r.output
    get_settings.cache_clear()


def test_cli_missing_path_exits_nonzero_and_still_ingests_the_rest(seed_files: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    r = runner.invoke(app, ["ingest", str(missing), str(seed_files / "seed.jsonl"), "--index", str(tmp_path / "ix"),
                            "--quiet"])
    assert r.exit_code == 2
    assert f"{missing}: no such file or directory" in r.output
    assert "1 added" in r.output


def test_cli_bad_input_exit_1_names_file_and_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.jsonl"
    f.write_text('{"id": "a", "text": "The minister met the ambassador in Oslo on Monday."}\n{oops\n', encoding="utf-8")
    r = runner.invoke(app, ["ingest", str(f), "--index", str(tmp_path / "ix"), "--quiet"])
    assert r.exit_code == 1
    assert "bad.jsonl:2" in r.output and "1 added" in r.output


def test_cli_ask_on_empty_index_says_what_to_do(tmp_path: Path) -> None:
    r = runner.invoke(app, ["ask", "anything?", "--index", str(tmp_path / "empty")])
    assert r.exit_code == 1 and "statementqa ingest" in r.output
