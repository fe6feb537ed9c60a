"""Startup benchmark: how soon a (re)started server shows its example questions in a real browser.

Why: example questions are mined from the index and each is checked by answering it; that is done in
the background once per index generation and cached in the index folder, so a restart on an existing
index — even the whole corpus — should show them on the first page load within a few seconds.

Runs ``python app.py`` on a copy of ``--index`` (the copy, because the server writes the cache there)
three times: with no cache (the examples are built after start), then restarted with the cache it
wrote, then restarted again. For each run: seconds from process start until the port answers, until the
page's question box is visible in Chromium, and until the example list shows questions (all measured
from process start), plus the questions shown.

Usage: python benchmarks/startup.py [--index benchmarks/results/seeds-index] [--runs 3]
Needs /usr/bin/chromium and playwright (the test dependencies). Writes benchmarks/results/startup-<time>.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _common import ROOT, SEED_INDEX, load_note, open_seed_index, stop, write_json
from concurrency import free_port

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def one_run(index_dir: Path, work: Path, label: str) -> dict:
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STATEMENTQA_", "OPENAI_", "GRADIO_"))}
    env.update({"STATEMENTQA_INDEX_DIR": str(index_dir), "STATEMENTQA_UPLOAD_DIR": str(work / "uploads"),
                "STATEMENTQA_UI_PORT": str(port), "GRADIO_TEMP_DIR": str(work / "gradio-tmp"),
                "PYTHONUNBUFFERED": "1"})
    url = f"http://127.0.0.1:{port}/"
    log = (work / f"server-{label}.log").open("wb")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=work, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    row: dict = {"run": label, "cache_before": (index_dir / "example-questions.json").exists()}
    try:
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"app.py exited: {(work / f'server-{label}.log').read_text(errors='replace')[-2000:]}")
            try:
                with opener.open(url, timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
            if time.perf_counter() - t0 > 600:
                raise SystemExit("app.py did not start within 600 s")
        row["server_ready_s"] = time.perf_counter() - t0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            t_page = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("#sqa-question textarea", timeout=600_000)
            row["page_ready_s"] = time.perf_counter() - t0
            page.wait_for_function(
                "document.querySelectorAll('#sqa-examples button').length > 0", timeout=600_000, polling=100)
            row["examples_shown_s"] = time.perf_counter() - t0
            row["page_load_to_examples_s"] = time.perf_counter() - t_page
            row["examples"] = [b.inner_text() for b in page.locator("#sqa-examples button").all()]
            browser.close()
    finally:
        stop(proc)
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index", type=Path, default=None, help="index folder to copy (default: the seeds index)")
    ap.add_argument("--runs", type=int, default=3, help="1 cold start + runs-1 restarts")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: `make browser` installs it")
    source = args.index
    if source is None:
        open_seed_index().close()
        source = SEED_INDEX
    work = Path(tempfile.mkdtemp(prefix="sqa-startup-"))
    index_dir = work / "index"
    shutil.copytree(source, index_dir)
    (index_dir / "example-questions.json").unlink(missing_ok=True)
    from statementqa import open_index

    ix = open_index(index_dir)
    statements = ix.stats().statements
    ix.close()
    print(f"[startup] {statements:,} statements copied from {source}; {load_note()}", file=sys.stderr)
    rows = []
    try:
        for i in range(args.runs):
            rows.append(one_run(index_dir, work, "cold (no cache)" if i == 0 else f"restart {i}"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    head = f"{'run':18} {'cache':>6} {'port s':>7} {'page s':>7} {'examples s':>11} {'load→ex s':>10}  examples"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['run']:18} {'yes' if r['cache_before'] else 'no':>6} {r['server_ready_s']:>7.1f} "
              f"{r['page_ready_s']:>7.1f} {r['examples_shown_s']:>11.1f} {r['page_load_to_examples_s']:>10.1f}  "
              f"{len(r['examples'])}: "
              f"{'; '.join(r['examples'])[:150]}")
    print(f"\n{statements:,} statements; port/page/examples: seconds from process start; load→ex: from opening "
          f"the page to examples shown; {load_note()}")
    out = write_json(f"startup-{time.strftime('%Y%m%d-%H%M%S')}.json",
                     {"index": str(source), "statements": statements, "rows": rows, "load": load_note()})
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
