"""Fixtures for the LLM path: a scripted OpenAI-compatible server and passages with their stored texts."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from statementqa.config import Settings
from tests.llm.fake_openai import FakeOpenAI, llm_settings_for
from tests.llm.passages import Corpus


@pytest.fixture
def corpus() -> Corpus:
    return Corpus()


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def llm_settings(fake_openai: FakeOpenAI) -> Settings:
    return llm_settings_for(fake_openai)


@pytest.fixture
def refused_url() -> str:
    """A loopback URL on which nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
