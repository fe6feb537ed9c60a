"""The same ingest → ask against a real `chroma run` server on 127.0.0.1 (HttpClient path)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from statementqa import open_index
from statementqa.store import StoreError
from tests.support import SEED_ID, make_settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if exe is None:
        pytest.fail("the `chroma` command (installed with chromadb) was not found")
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = (data / "server.log").open("w")
    proc = subprocess.Popen([exe, "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail(f"chroma server did not start: {(data / 'server.log').read_text()[-2000:]}")
    yield port
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


@pytest.mark.server
def test_ingest_and_ask_through_a_chroma_server(chroma_server: int, seed_files: Path, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "ix", chroma_host="127.0.0.1", chroma_port=chroma_server,
                             collection="server-test")
    ix = open_index(tmp_path / "ix", settings=settings)
    s = ix.ingest([seed_files / "seed.jsonl"])
    assert s.added == 1
    assert not (tmp_path / "ix" / "chroma").exists()  # vectors live on the server, not on disk here
    ans = ix.answer("How many MoUs has the US signed?")
    assert "17" in ans.text and ans.citations[0].doc_id == SEED_ID
    assert ix.store.vectors.client.count() == ix.stats().chunks
    again = ix.ingest([seed_files / "seed.jsonl"])
    assert again.unchanged == 1 and ix.store.vectors.client.count() == ix.stats().chunks
    assert ix.remove([SEED_ID]) == 1 and ix.store.vectors.client.count() == 0
    ix.close()


@pytest.mark.server
def test_unreachable_server_gives_a_clear_error(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "ix", chroma_host="127.0.0.1", chroma_port=_free_port())
    with pytest.raises(StoreError, match="chroma run"):
        open_index(tmp_path / "ix", settings=settings)
