"""config: every setting from one place — defaults, ``STATEMENTQA_*`` variables, ``.env`` — checked on load."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from statementqa.config import SUPPORTED_SUFFIXES, Settings, apply_offline_environment
from statementqa.ingest import _LOADERS


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for key in list(os.environ):
        if key.startswith(("STATEMENTQA_", "OPENAI_")):
            monkeypatch.delenv(key)
    return monkeypatch


def test_defaults_are_the_offline_extractive_product(clean_env: pytest.MonkeyPatch) -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert not s.llm_enabled and s.embed_backend == "local" and s.chroma_host is None
    assert s.ui_host == "127.0.0.1" and s.top_k == 5
    assert s.upload_types == list(SUPPORTED_SUFFIXES)


@pytest.mark.parametrize(("env", "field", "expected"), [
    ({"STATEMENTQA_TOP_K": "7"}, "top_k", 7),
    ({"STATEMENTQA_INDEX_DIR": "/data/ix"}, "index_dir", Path("/data/ix")),
    ({"STATEMENTQA_UPLOAD_TYPES": '[".txt"]'}, "upload_types", [".txt"]),
    ({"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}, "llm_base_url", "http://127.0.0.1:9/v1"),  # the OpenAI name
    ({"STATEMENTQA_LLM_API_KEY": "sk-x", "OPENAI_API_KEY": "sk-y"}, "llm_api_key", "sk-x"),  # ours wins
])
def test_settings_from_the_environment(clean_env: pytest.MonkeyPatch, env: dict[str, str], field: str,
                                       expected: object) -> None:
    for key, value in env.items():
        clean_env.setenv(key, value)
    assert getattr(Settings(_env_file=None), field) == expected  # type: ignore[call-arg]


def test_an_llm_is_used_once_one_is_configured(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("OPENAI_API_KEY", "sk-test")
    assert Settings(_env_file=None).llm_enabled  # type: ignore[call-arg]


def test_dot_env_is_read_and_the_environment_wins(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("STATEMENTQA_TOP_K=9\nSTATEMENTQA_UI_PORT=8123\nUNRELATED=1\n", encoding="utf-8")
    assert Settings(_env_file=env_file).top_k == 9  # type: ignore[call-arg]
    clean_env.setenv("STATEMENTQA_TOP_K", "3")
    s = Settings(_env_file=env_file)  # type: ignore[call-arg]
    assert (s.top_k, s.ui_port) == (3, 8123)


@pytest.mark.parametrize(("field", "value"), [
    ("chunk_tokens", 300),  # over MiniLM's window
    ("embed_batch_size", 0),
    ("refuse_threshold", 1.5),
    ("embed_model", "some-other-model"),  # the local backend has one model: not silently ignored
    ("embed_backend", "remote"),
])
def test_impossible_values_are_refused_on_load(clean_env: pytest.MonkeyPatch, field: str, value: object) -> None:
    with pytest.raises(ValidationError, match=field):
        Settings(_env_file=None, **{field: value})  # type: ignore[call-arg]


def test_one_list_of_file_types_ingest_has_a_reader_for_each() -> None:
    assert set(_LOADERS) == set(SUPPORTED_SUFFIXES)


def test_offline_defaults_keep_what_the_user_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.delenv("GRADIO_ANALYTICS_ENABLED", raising=False)
    apply_offline_environment()
    assert os.environ["HF_HUB_OFFLINE"] == "0"
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
