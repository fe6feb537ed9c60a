"""Question sets (statementqa.eval.questions): gold statements exist, gold quotes are verbatim; bad input is named."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from statementqa.eval import (
    EvalInputError,
    default_sources,
    evals_dir,
    load_questions,
    load_sets,
    read_statement_sources,
    resolve_statements,
    run_eval,
    select_questions,
    validate_questions,
)
from tests.eval.cases import needs_corpus
from tests.support import CORPUS


@pytest.fixture(scope="module")
def sources() -> dict[str, dict]:
    return read_statement_sources(default_sources(CORPUS))


@needs_corpus
@pytest.mark.parametrize("set_name", sorted(load_sets()))
def test_every_gold_statement_is_listed_and_every_gold_quote_is_verbatim(set_name: str, sources: dict) -> None:
    eval_set = load_sets()[set_name]
    records = resolve_statements(eval_set.statements, sources)
    questions = select_questions(load_questions(eval_set.questions), eval_set.tags)
    assert questions, f"set {set_name} selects no questions"
    assert validate_questions(questions, {r["id"]: r["text"] for r in records}) == []


def test_the_default_set_covers_what_the_issue_asks_for() -> None:
    questions = load_questions(evals_dir() / "questions.jsonl")
    types = Counter(q.type for q in questions)
    assert len(questions) >= 80
    assert types["unanswerable"] >= 10
    assert all(types[t] >= 3 for t in ("numeric", "entity", "date", "who-met-whom", "attribution",
                                       "claim-check", "multi-doc", "temporal-latest", "paraphrase"))
    assert any(q.question == "How many MoUs has the US signed?" for q in questions)
    assert sum("mou" in q.question.lower() or "memorand" in q.question.lower() for q in questions) >= 6


def test_statement_list_stays_ci_sized() -> None:
    limits = {"default": 400, "v2-mid": 2000, "v2-small": 400}
    for name, eval_set in load_sets().items():
        if eval_set.statements is None:
            continue  # the whole corpus: never built in the test run
        ids = [x for x in eval_set.statements.read_text().splitlines() if x.strip() and not x.startswith("#")]
        assert len(ids) <= limits.get(name, 60), name


# --- bad input -----------------------------------------------------------------------------------


def _write_set(tmp_path: Path, questions: str, statements: str) -> Path:
    (tmp_path / "q.jsonl").write_text(questions, encoding="utf-8")
    (tmp_path / "s.txt").write_text(statements, encoding="utf-8")
    manifest = tmp_path / "sets.toml"
    manifest.write_text('[t]\nquestions = "q.jsonl"\nstatements = "s.txt"\n', encoding="utf-8")
    return manifest


GOOD = {"id": "a1", "question": "How many MoUs?", "type": "numeric", "answers": ["17"],
        "gold_ids": ["cz-mfa-2024-05-lipavsky-blinken"],
        "gold_quotes": [{"doc_id": "cz-mfa-2024-05-lipavsky-blinken", "quote": "It’s the 17th such memorandum"}]}


def _run(tmp_path: Path, manifest: Path, **kw: object) -> None:
    run_eval("t", manifest=manifest, out_dir=tmp_path / "report", progress=False, cache_dir=tmp_path / "cache",
             corpus_dir=CORPUS, **kw)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "q.jsonl:2: not valid JSON"),
        (json.dumps({**GOOD, "id": "a2", "type": "opinion"}), "q.jsonl:2: unknown type 'opinion'"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "question"} | {"id": "a2"}), "q.jsonl:2: field 'question'"),
        (json.dumps(GOOD), "q.jsonl:2: duplicate id 'a1' (first on line 1)"),
        (json.dumps({**GOOD, "id": "a2", "answers": []}), "q.jsonl:2: question a2 needs answers"),
    ],
)
def test_a_malformed_question_file_names_the_line(tmp_path: Path, line: str, message: str) -> None:
    manifest = _write_set(tmp_path, json.dumps(GOOD) + "\n" + line + "\n", "cz-mfa-2024-05-lipavsky-blinken\n")
    with pytest.raises(EvalInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _run(tmp_path, manifest)
    assert not (tmp_path / "report").exists() and not (tmp_path / "cache").exists()


@needs_corpus
def test_an_unknown_statement_id_names_the_line_and_id(tmp_path: Path) -> None:
    manifest = _write_set(tmp_path, json.dumps(GOOD) + "\n",
                          "# seed\ncz-mfa-2024-05-lipavsky-blinken\nus-state-does-not-exist\n")
    with pytest.raises(EvalInputError, match=r"s\.txt:3: unknown statement id 'us-state-does-not-exist'"):
        _run(tmp_path, manifest)
    assert not (tmp_path / "report").exists() and not (tmp_path / "cache").exists()


@needs_corpus
def test_a_gold_quote_that_is_not_verbatim_is_rejected_before_anything_runs(tmp_path: Path) -> None:
    bad = {**GOOD, "gold_quotes": [{"doc_id": GOOD["gold_ids"][0], "quote": "the 18th such memorandum"}]}
    manifest = _write_set(tmp_path, json.dumps(bad) + "\n", "cz-mfa-2024-05-lipavsky-blinken\n")
    with pytest.raises(EvalInputError, match="a1: gold quote is not a verbatim substring"):
        _run(tmp_path, manifest)


@needs_corpus
def test_a_gold_id_missing_from_the_statement_list_is_named(tmp_path: Path) -> None:
    manifest = _write_set(tmp_path, json.dumps(GOOD) + "\n", "us-state-322678\n")
    with pytest.raises(EvalInputError, match="a1: gold statement 'cz-mfa-2024-05-lipavsky-blinken' is not in"):
        _run(tmp_path, manifest)


@needs_corpus
def test_a_missing_index_dir_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    manifest = _write_set(tmp_path, json.dumps(GOOD) + "\n", "cz-mfa-2024-05-lipavsky-blinken\n")
    with pytest.raises(EvalInputError, match="index directory not found"):
        _run(tmp_path, manifest, index_dir=tmp_path / "no-such-index")
    assert not (tmp_path / "report").exists() and not (tmp_path / "cache").exists()


def test_an_unknown_set_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(EvalInputError, match="unknown eval set 'nope'; known sets: ci, default, seed"):
        run_eval("nope", progress=False, write=False)
