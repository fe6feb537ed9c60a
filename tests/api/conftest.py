"""The real server (UI + /api + /v1) in this process on a free loopback port, over the session's seed index."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from statementqa import Index
from statementqa.server import serve


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(index: Index, monkeypatch: pytest.MonkeyPatch, tmp_path, **settings: object) -> object:
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    s = index.settings.model_copy(update={"ui_host": "127.0.0.1", "ui_port": free_port(), **settings})
    return serve(index, settings=s, block=False)


@pytest.fixture(scope="module")
def api_server(seed_index: Index, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    mp = pytest.MonkeyPatch()
    server = start(seed_index, mp, tmp_path_factory.mktemp("api"))
    yield server
    server.close()
    mp.undo()


@pytest.fixture(scope="module")
def auth_server(seed_index: Index, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    mp = pytest.MonkeyPatch()
    server = start(seed_index, mp, tmp_path_factory.mktemp("api-auth"), ui_auth_user="analyst",
                   ui_auth_password="s3cret pass")
    yield server
    server.close()
    mp.undo()
