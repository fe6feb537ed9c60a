"""Where the eval suite looks (statementqa.eval.paths): settings first, the checkout's folders as defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from statementqa.config import Settings
from statementqa.eval import (
    EvalInputError,
    corpus_location,
    evals_dir,
    index_cache_dir,
    reports_dir,
    resolve_statements,
    run_eval,
    whole_corpus,
)
from statementqa.eval.paths import CHECKOUT, seeds_location
from tests.support import REPO, make_settings


def test_the_defaults_are_the_checkouts_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("EVALS_DIR", "CORPUS_DIR", "EVAL_CACHE_DIR", "SEEDS_DIR"):  # a developer's own settings are not
        monkeypatch.delenv(f"STATEMENTQA_{name}", raising=False)       # the defaults
    settings = make_settings(tmp_path)
    assert CHECKOUT == REPO
    assert evals_dir(settings) == REPO / "evals"
    assert reports_dir(settings) == REPO / "evals" / "reports"
    assert index_cache_dir(settings) == REPO / "evals" / "reports" / ".index-cache"
    assert corpus_location(settings=settings) == REPO.parent / "shared" / "corpus"
    assert seeds_location(Settings(_env_file=None)) == REPO / "seeds"  # type: ignore[call-arg]


def test_settings_point_an_installed_package_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "evals").mkdir()
    monkeypatch.setenv("STATEMENTQA_EVALS_DIR", str(tmp_path / "evals"))
    monkeypatch.setenv("STATEMENTQA_CORPUS_DIR", str(tmp_path / "corpus"))
    monkeypatch.setenv("STATEMENTQA_EVAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("STATEMENTQA_SEEDS_DIR", str(tmp_path / "seeds"))
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert evals_dir(settings) == tmp_path / "evals"
    assert index_cache_dir(settings) == tmp_path / "cache"
    assert seeds_location(settings) == tmp_path / "seeds"
    assert corpus_location(settings=settings) == tmp_path / "corpus"
    assert corpus_location(tmp_path / "given", settings) == tmp_path / "given"  # an argument wins


def test_a_missing_evals_folder_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(EvalInputError, match="evals folder not found.*STATEMENTQA_EVALS_DIR"):
        evals_dir(make_settings(tmp_path, evals_dir=tmp_path / "nope"))


def test_a_run_reads_the_sets_of_the_configured_evals_folder(tmp_path: Path) -> None:
    (tmp_path / "sets.toml").write_text('[mine]\nquestions = "q.jsonl"\nstatements = "s.txt"\n', encoding="utf-8")
    with pytest.raises(EvalInputError, match="unknown eval set 'nope'; known sets: mine"):
        run_eval("nope", settings=make_settings(tmp_path, evals_dir=tmp_path), progress=False, write=False)


def test_a_missing_corpus_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(EvalInputError, match="shared corpus not found.*STATEMENTQA_CORPUS_DIR"):
        whole_corpus(tmp_path / "nope")
    listing = tmp_path / "s.txt"
    listing.write_text("us-state-1\n", encoding="utf-8")
    with pytest.raises(EvalInputError, match=r"s\.txt:1: unknown statement id.*not found at .*STATEMENTQA_CORPUS_DIR"):
        resolve_statements(listing, {}, tmp_path / "nope")
