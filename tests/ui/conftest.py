"""Browser-test harness: ``python app.py`` on a free loopback port over a small corpus, plus Chromium.

Why a real subprocess: it exercises what a user runs (settings from the environment, first-run
ingest of ``seeds_dir``, Gradio serving), and the test can stop it cleanly.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from uikit import PAYLOAD_STATEMENT

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
SEED_ID = "cz-mfa-2024-05-lipavsky-blinken"
N_RELATED = 12
STARTUP_TIMEOUT = 180.0

def _related_statements() -> list[str]:
    """Short statements on the seed's topics that do not themselves answer the MoU question."""
    lines = (REPO / "seeds" / "statements.jsonl").read_text(encoding="utf-8").splitlines()
    picked = []
    for line in lines:
        row = json.loads(line)
        if row["id"] != SEED_ID and "memorand" not in row["text"].lower() and len(row["text"]) < 5000:
            picked.append(line)
        if len(picked) == N_RELATED:
            break
    return picked


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`make browser`) to run the browser tests")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, chromium: Path) -> dict:
    """pytest-playwright: use Debian's Chromium (no `playwright install` offline)."""
    return {**browser_type_launch_args, "executable_path": str(chromium), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000},
            "permissions": ["clipboard-read", "clipboard-write"]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, proc: subprocess.Popen, log: Path) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"app.py exited with {proc.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            with opener.open(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"app.py not ready after {STARTUP_TIMEOUT:.0f}s:\n{log.read_text(errors='replace')[-4000:]}")


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory, chromium: Path) -> Iterator[dict]:
    """``python app.py`` with an empty index (first run ingests the test seeds); yields url and paths."""
    root = tmp_path_factory.mktemp("ui-app")
    seeds = root / "seeds"
    seeds.mkdir()
    (seeds / "seed.jsonl").write_text((REPO / "seeds" / "seed.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    (seeds / "related.jsonl").write_text("\n".join(_related_statements()) + "\n", encoding="utf-8")
    (seeds / "payload.jsonl").write_text(json.dumps(PAYLOAD_STATEMENT) + "\n", encoding="utf-8")
    port = _free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("STATEMENTQA_", "OPENAI_", "GRADIO_"))}  # no LLM, no stray settings
    env.update({
        "STATEMENTQA_INDEX_DIR": str(root / "index"),
        "STATEMENTQA_SEEDS_DIR": str(seeds),
        "STATEMENTQA_UPLOAD_DIR": str(root / "uploads"),
        "STATEMENTQA_UI_HOST": "127.0.0.1",
        "STATEMENTQA_UI_PORT": str(port),
        "STATEMENTQA_UPLOAD_MAX_MB": "1",
        "GRADIO_TEMP_DIR": str(root / "gradio-tmp"),
        "PYTHONUNBUFFERED": "1",
    })
    log = root / "app.log"
    with log.open("wb") as out:
        # cwd = the tmp folder, so a developer's .env in the repo cannot change the app under test
        proc = subprocess.Popen([sys.executable, str(REPO / "app.py")], cwd=root, env=env,
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_ready(url, proc, log)
        yield {"url": url, "root": root, "uploads": root / "uploads", "log": log}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
