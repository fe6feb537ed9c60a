"""The upload endpoint over real Gradio HTTP on loopback: only files the upload itself wrote are ingested.

Why over HTTP: the attack is a crafted request naming a server path; only Gradio's own request
handling (preprocess, its upload-folder check) together with the handler shows what gets through.
"""

from __future__ import annotations

import json
import socket
import tempfile
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from statementqa import Index, open_index
from tests.support import make_settings

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _statement(doc_id: str, source: str, text: str) -> str:
    return json.dumps({"id": doc_id, "title": f"Statement {doc_id}", "date": "2025-03-01", "source": source,
                       "text": text}) + "\n"


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The UI over an empty index, with the system temp folder moved into tmp_path (Gradio's default cache
    is then ``<system temp>/gradio``, shared by every Gradio app on the machine)."""
    from statementqa import ui

    systemp = tmp_path / "systemp"
    systemp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(systemp))
    monkeypatch.delenv("GRADIO_TEMP_DIR", raising=False)
    port = _free_port()
    settings = make_settings(tmp_path / "index", collection="upload-security", upload_dir=tmp_path / "uploads",
                             ui_port=port, upload_max_mb=1)
    index = open_index(tmp_path / "index", settings=settings)
    demo = ui.launch(index, settings=settings, block=False)
    try:
        yield {"url": f"http://127.0.0.1:{port}/", "index": index, "systemp": systemp, "settings": settings}
    finally:
        demo.close()
        index.close()


def _fn_index(base: str, api_name: str) -> int:
    with OPENER.open(base + "config", timeout=10) as resp:
        config = json.load(resp)
    return next(d["id"] for d in config["dependencies"] if d.get("api_name") == api_name)


def _crafted_upload_call(base: str, server_path: str) -> dict[str, Any]:
    """What a crafted request does: call the upload event with a FileData naming a server path."""
    session = uuid.uuid4().hex[:10]
    body = {"data": [[{"path": server_path, "meta": {"_type": "gradio.FileData"}}], []],
            "fn_index": _fn_index(base, "on_upload"), "session_hash": session, "event_data": None}
    req = urllib.request.Request(base + "gradio_api/queue/join", data=json.dumps(body).encode(),
                                 headers={"content-type": "application/json"})
    with OPENER.open(req, timeout=10):
        pass
    with OPENER.open(base + f"gradio_api/queue/data?session_hash={session}", timeout=60) as stream:
        for raw in stream:
            line = raw.decode().strip()
            if line.startswith("data:"):
                msg = json.loads(line[5:])
                if msg.get("msg") == "process_completed":
                    return msg
    raise AssertionError("no process_completed message")


def test_a_server_path_that_was_never_uploaded_is_refused(served: dict[str, Any], caplog: pytest.LogCaptureFixture):
    from gradio_client import Client, handle_file

    index: Index = served["index"]
    systemp: Path = served["systemp"]
    # 1. in the system temp folder, never uploaded
    loose = systemp / "secret-notes.jsonl"
    loose.write_text(_statement("loose", "Secret Ministry", "The vault code is 4417."), encoding="utf-8")
    # 2. inside Gradio's default upload cache (where other apps' files live), never uploaded by this app
    planted_dir = systemp / "gradio" / ("0" * 40)
    planted_dir.mkdir(parents=True)
    planted = planted_dir / "planted.jsonl"
    planted.write_text(_statement("planted", "Planted Ministry", "The vault code is 9921."), encoding="utf-8")
    # 3. a symlink in the cache pointing out of it
    link = planted_dir / "link.jsonl"
    link.symlink_to(loose)

    with caplog.at_level("WARNING", logger="statementqa.ui"):
        results = {p: _crafted_upload_call(served["url"], str(p)) for p in (loose, planted, link)}
    for path, msg in results.items():
        if msg.get("success"):  # it reached the handler: the handler must have refused it, with a message
            html = msg["output"]["data"][0]
            assert "did not come through the upload" in html and "sqa-upload-bad" in html, (path, html)
        # else Gradio itself refused it before the handler ran ("not uploaded by a user")
    assert results[planted].get("success"), "Gradio passes files inside its cache on to the handler"
    assert any("upload refused" in r.getMessage() and "planted.jsonl" in r.getMessage() for r in caplog.records)
    assert index.stats().statements == 0
    assert not Path(served["settings"].upload_dir).exists() or not any(Path(served["settings"].upload_dir).iterdir())

    # a real upload through the same endpoint still works
    good = systemp / "client-side" / "harbour.jsonl"
    good.parent.mkdir()
    good.write_text(_statement("harbour", "Ministry of Examples", "The harbour bridge reopens on 3 March 2025."),
                    encoding="utf-8")
    client = Client(served["url"], verbose=False)
    html, *_ = client.predict([handle_file(str(good))], [], api_name="/on_upload")
    assert "harbour.jsonl" in html and "1 added" in html and "sqa-upload-ok" in html
    assert index.sources() == ["Ministry of Examples"]
    assert sorted(p.name for p in Path(served["settings"].upload_dir).iterdir()) == ["harbour.jsonl"]
