"""`statementqa ask` on a real terminal (a pty, rendered by a VT100 emulator): what stays on screen.

Why a pty and an emulator: the streamed LLM text is unverified; what matters is what the user can
still read once the checked answer is printed, and only a terminal shows that (cursor moves, erases).
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pyte
import pytest

from statementqa import Index
from statementqa.cli import DraftDisplay, rows_taken
from tests.llm.fake_openai import FakeOpenAI, Reply

QUESTION = "How many memoranda of understanding on disinformation has the US signed?"
# The model claims a figure no statement gives, with a quote that is not in any passage: it must not stay on screen.
INVENTED = Reply.answer("The US has signed 250 memoranda of understanding so far [1].",
                        [(1, "The United States has signed 250 memoranda of understanding.")])


def run_in_terminal(args: list[str], env: dict[str, str], cwd: Path, columns: int, lines: int,
                    timeout: float = 90.0) -> bytes:
    """Run a command with a pty of the given size as its stdout/stderr; everything it wrote to the terminal."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env, cwd=cwd,
                            close_fds=True)
    os.close(slave)
    out = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not data:
                    break
                out += data
            elif proc.poll() is not None:
                break
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert proc.returncode == 0, out.decode(errors="replace")[-3000:]
    return bytes(out)


def screen_of(raw: bytes, columns: int, lines: int) -> list[str]:
    screen = pyte.Screen(columns, lines)
    pyte.ByteStream(screen).feed(raw.replace(b"\n", b"\r\n") if b"\r\n" not in raw else raw)
    return [line.rstrip() for line in screen.display]


def ask_env(fake: FakeOpenAI, index: Index) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STATEMENTQA_", "OPENAI_"))}
    env.update({
        "STATEMENTQA_LLM_BASE_URL": fake.url, "STATEMENTQA_LLM_API_KEY": "test-key",
        "STATEMENTQA_LLM_MODEL": "fake-model", "STATEMENTQA_LLM_TIMEOUT": "20", "STATEMENTQA_LLM_MAX_RETRIES": "0",
        "STATEMENTQA_COLLECTION": "seed-index", "TERM": "xterm", "PYTHONUNBUFFERED": "1",
    })
    return env


@pytest.fixture
def slow_invented(fake_openai: FakeOpenAI) -> FakeOpenAI:
    text = INVENTED.content or ""
    fake_openai.script(Reply(content=text, chunks=[text[i : i + 6] for i in range(0, len(text), 6)], chunk_delay=0.02))
    return fake_openai


def test_unverified_draft_is_gone_from_the_screen_when_the_checked_answer_prints(
    slow_invented: FakeOpenAI, seed_index: Index, tmp_path: Path
):
    columns, lines = 100, 60
    raw = run_in_terminal([sys.executable, "-m", "statementqa.cli", "ask", QUESTION, "--index", str(seed_index.path)],
                          ask_env(slow_invented, seed_index), tmp_path, columns, lines)
    text = raw.decode(errors="replace")
    assert "250 memoranda" in text and DraftDisplay.LABEL in text  # it did stream, marked as unverified
    rows = screen_of(raw, columns, lines)
    shown = "\n".join(rows)
    assert DraftDisplay.LABEL not in shown, shown  # …and nothing of it is left:
    assert rows[0].startswith("17th."), shown  # the screen starts with the checked (fallback) answer
    answer, _, note = shown.partition("Note: LLM unavailable")
    assert "250" not in answer, shown  # the invented figure appears only where the note names it as rejected
    assert "not found in any passage" in note and "(answered by: extractive)" in note


def test_a_draft_taller_than_the_screen_is_closed_by_a_rule(fake_openai: FakeOpenAI, seed_index: Index,
                                                            tmp_path: Path):
    long_answer = " ".join(f"Sentence {i} of a long unverified reply." for i in range(60))
    fake_openai.script(Reply.answer(long_answer + " [1]", [(1, "Not a sentence of any statement at all.")]))
    columns, lines = 60, 12
    raw = run_in_terminal([sys.executable, "-m", "statementqa.cli", "ask", QUESTION, "--index", str(seed_index.path)],
                          ask_env(fake_openai, seed_index), tmp_path, columns, lines)
    text = raw.decode(errors="replace")
    label, rule, answer = text.index(DraftDisplay.LABEL), text.index(DraftDisplay.RULE), text.index("answered by")
    assert label < rule < answer  # marked while it streams, and where it ends is marked


def test_rows_taken_counts_wrapped_and_wide_lines():
    assert rows_taken("abc", 10) == 1 and rows_taken("a" * 10, 10) == 1 and rows_taken("a" * 11, 10) == 2
    assert rows_taken("label\nline one\n", 80) == 3  # the cursor sits on the empty last row
    assert rows_taken("条" * 6, 10) == 2  # wide characters take two cells


def test_a_draft_cannot_send_terminal_control_sequences():
    import io

    out = io.StringIO()
    draft = DraftDisplay(out)
    draft.write("17 memoranda\x1b[2J\x1b[H\rsigned\tso far\x07")
    written = out.getvalue()
    assert "\x1b[2J" not in written and "\x1b[H" not in written and "\r" not in written and "\x07" not in written
    assert draft.text.endswith("17 memoranda[2J[Hsigned so far")
