"""OpenAI-compatible embeddings (selectable in settings) through the real `openai` client, on loopback."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from statementqa import open_index
from statementqa.store import StoreError
from statementqa.textutil import terms
from tests.support import SEED_ID, make_settings

DIM = 256


def _vector(text: str) -> list[float]:
    """A hashed bag of stemmed terms: deterministic, and similar texts get similar vectors."""
    v = [0.0] * DIM
    for t in terms(text):
        v[int(hashlib.md5(t.encode()).hexdigest(), 16) % DIM] += 1.0
    return v


class _Handler(BaseHTTPRequestHandler):
    calls: list[dict[str, Any]] = []

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).calls.append({"path": self.path, "model": body.get("model"), "n": len(body["input"])})
        data = [{"object": "embedding", "index": i, "embedding": _vector(t)} for i, t in enumerate(body["input"])]
        out = json.dumps({"object": "list", "data": data, "model": body["model"],
                          "usage": {"prompt_tokens": 1, "total_tokens": 1}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


@pytest.fixture()
def embeddings_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Handler.calls.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_openai_compatible_embeddings_index_and_answer(embeddings_server: str, seed_files: Path,
                                                      tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "ix", embed_backend="openai", llm_base_url=embeddings_server,
                             llm_api_key="sk-test", openai_embed_model="test-embed", llm_timeout=5)
    ix = open_index(tmp_path / "ix", settings=settings)
    s = ix.ingest([seed_files / "seed.jsonl"])
    assert s.added == 1 and s.chunks > 0
    assert _Handler.calls and all(c["path"] == "/v1/embeddings" and c["model"] == "test-embed" for c in _Handler.calls)
    ans = ix.answer("How many MoUs has the US signed?", llm=False)
    assert "17" in ans.text and ans.citations[0].doc_id == SEED_ID
    ix.close()
    # The index remembers its embedding space: opening it with the local model is refused, not mixed.
    with pytest.raises(StoreError, match="embeddings"):
        open_index(tmp_path / "ix", settings=make_settings(tmp_path / "ix"))
