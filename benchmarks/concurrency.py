"""Concurrency benchmark: N clients × Q questions through the real UI server, next to one client alone.

Why through the server: what users feel is the whole path — Gradio's queue, the handlers, the index —
so the clients are ``gradio_client`` sessions against ``python app.py`` serving a copy of the seeds
index (the copy, because phase 3 uploads a statement). One process runs all phases minutes apart, so
the single-user figures are the baseline the concurrent ones are judged against on a shared machine.

Phases:
1. one client asks the questions one after another → single-user p50/p95, and each question's answer
   (the plain-text answer with citations) as the reference;
2. ``--clients`` clients at once, each asking all questions in its own rotated order, each question in
   a fresh session → errors, cross-talk (an answer whose question or text is not its own question's
   reference answer), p50/p95;
3. the same through the HTTP endpoints of the same server: one client on ``POST /api/answer``, then
   ``--clients`` at once on ``/api/answer``, then ``--clients`` OpenAI clients at once on
   ``/v1/chat/completions`` (cross-talk: the Answer returned is not its own question's, or its text is
   not the single-user answer);
4. one client uploads a ``--upload-kb`` statement while another keeps asking → the asker's p50/p95
   during the upload and how long the upload took (an upload must not block other users); cross-talk
   here means an answer under another question (the upload may legitimately change an answer).

Usage: python benchmarks/concurrency.py [--clients 8] [--questions 25] [--upload-kb 500]
Writes benchmarks/results/concurrency-<time>.json and prints a table. No LLM (extractive answers).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from _common import CORPUS, ROOT, SEED_INDEX, load_note, load_questions, open_seed_index, write_json


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    crosstalk: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def row(self, name: str, clients: int, wall: float) -> dict:
        n = len(self.latencies)
        return {"phase": name, "clients": clients, "requests": n + len(self.errors), "errors": len(self.errors),
                "crosstalk": len(self.crosstalk), "p50_s": pct(self.latencies, 0.5), "p95_s": pct(self.latencies, 0.95),
                "max_s": max(self.latencies, default=float("nan")), "wall_s": wall,
                "throughput_qps": n / wall if wall else 0.0}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(index_dir: Path, work: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STATEMENTQA_", "OPENAI_", "GRADIO_"))}
    env.update({"STATEMENTQA_INDEX_DIR": str(index_dir), "STATEMENTQA_UPLOAD_DIR": str(work / "uploads"),
                "STATEMENTQA_UI_PORT": str(port), "STATEMENTQA_UI_HOST": "127.0.0.1",
                "GRADIO_TEMP_DIR": str(work / "gradio-tmp"), "PYTHONUNBUFFERED": "1"})
    log = (work / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=work, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"app.py exited: {(work / 'server.log').read_text(errors='replace')[-2000:]}")
        try:
            with opener.open(f"http://127.0.0.1:{port}/", timeout=2):
                return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("app.py did not start within 180 s")


def ask(client: object, question: str) -> tuple[float, str, str]:
    """(seconds, user bubble, plain-text answer) for one question in a fresh session."""
    client.reset_session()  # type: ignore[attr-defined]
    t = time.perf_counter()
    chat, _sources, plain, *_ = client.predict(question, [], None, None, api_name="/on_ask")  # type: ignore[attr-defined]
    seconds = time.perf_counter() - t
    user = chat[0]["content"][0]["text"] if chat else ""
    return seconds, user, plain


def client_loop(url: str, questions: list[str], run: Run, reference: dict[str, str] | None,
                stop: threading.Event | None = None) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    for q in questions:
        if stop is not None and stop.is_set():
            break
        try:
            seconds, user, plain = ask(client, q)
        except Exception as exc:  # noqa: BLE001 - every failure is counted, the run goes on
            with run.lock:
                run.errors.append(f"{q[:60]}: {type(exc).__name__}: {exc}"[:300])
            continue
        with run.lock:
            run.latencies.append(seconds)
            run.answers.setdefault(q, plain)
            own = html.escape(q, quote=True) in user or q in html.unescape(user)
            if not own or (reference is not None and plain != reference.get(q)):
                run.crosstalk.append(q)


def http_loop(url: str, questions: list[str], run: Run, reference: dict[str, str] | None, kind: str) -> None:
    """Questions through ``/api/answer`` (``kind="api"``) or ``/v1/chat/completions`` with the openai client."""
    import httpx
    import openai

    http = httpx.Client(trust_env=False, timeout=300)
    oa = openai.OpenAI(base_url=url + "v1", api_key="unused", max_retries=0, timeout=300, http_client=http)
    for q in questions:
        t = time.perf_counter()
        try:
            if kind == "api":
                resp = http.post(url + "api/answer", json={"question": q})
                resp.raise_for_status()
                answer = resp.json()
            else:
                answer = oa.chat.completions.create(model="statementqa", messages=[{"role": "user", "content": q}]
                                                    ).model_extra["answer"]
        except Exception as exc:  # noqa: BLE001 - every failure is counted, the run goes on
            with run.lock:
                run.errors.append(f"{kind} {q[:60]}: {type(exc).__name__}: {exc}"[:300])
            continue
        seconds = time.perf_counter() - t
        with run.lock:
            run.latencies.append(seconds)
            run.answers.setdefault(q, answer["text"])
            if answer["question"] != q or (reference is not None and answer["text"] != reference.get(q)):
                run.crosstalk.append(q)
    http.close()


def concurrent(fn, url: str, questions: list[str], clients: int, *args) -> tuple[Run, float]:
    run = Run()
    orders = [questions[i % len(questions):] + questions[: i % len(questions)] for i in range(clients)]
    threads = [threading.Thread(target=fn, args=(url, o, run, *args)) for o in orders]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return run, time.perf_counter() - t


def big_statement(path: Path, kb: int) -> Path:
    """A plain-text statement of about ``kb`` KB made of shared-corpus (or seed) statement texts."""
    texts: list[str] = []
    sources = sorted(CORPUS.glob("*.jsonl")) if CORPUS.is_dir() else [ROOT / "seeds" / "statements.jsonl"]
    size = 0
    for f in sources:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                t = json.loads(line).get("text", "")
                texts.append(t)
                size += len(t.encode())
            if size >= kb * 1024:
                break
        if size >= kb * 1024:
            break
    path.write_text("Benchmark upload: a long statement.\n\n" + "\n\n".join(texts), encoding="utf-8")
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--questions", type=int, default=25)
    ap.add_argument("--upload-kb", type=int, default=500, help="size of the phase-3 upload (0 = skip phase 3)")
    args = ap.parse_args()

    questions = [q.question for q in load_questions()][: args.questions]
    open_seed_index().close()  # build benchmarks/results/seeds-index on first use
    work = Path(tempfile.mkdtemp(prefix="sqa-concurrency-"))
    index_dir = work / "index"
    shutil.copytree(SEED_INDEX, index_dir)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    print(f"[concurrency] serving a copy of {SEED_INDEX.name} on {url}; {load_note()}", file=sys.stderr)
    proc = start_server(index_dir, work, port)
    rows: list[dict] = []
    try:
        warm = Run()
        client_loop(url, questions[:2], warm, None)  # first-question costs (BM25 load, model) out of the way

        single = Run()
        t = time.perf_counter()
        client_loop(url, questions, single, None)
        rows.append(single.row("single user", 1, time.perf_counter() - t) | {"load": load_note()})
        reference = single.answers

        many = Run()
        orders = [questions[i % len(questions):] + questions[: i % len(questions)] for i in range(args.clients)]
        threads = [threading.Thread(target=client_loop, args=(url, o, many, reference)) for o in orders]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        rows.append(many.row(f"{args.clients} concurrent", args.clients, time.perf_counter() - t)
                    | {"load": load_note()})

        api_single = Run()
        t = time.perf_counter()
        http_loop(url, questions, api_single, None, "api")
        rows.append(api_single.row("HTTP /api/answer, single user", 1, time.perf_counter() - t) | {"load": load_note()})
        api_reference = api_single.answers
        api_many, wall = concurrent(http_loop, url, questions, args.clients, api_reference, "api")
        rows.append(api_many.row(f"HTTP /api/answer, {args.clients} concurrent", args.clients, wall)
                    | {"load": load_note()})
        v1_many, wall = concurrent(http_loop, url, questions, args.clients, api_reference, "v1")
        rows.append(v1_many.row(f"OpenAI /v1/chat, {args.clients} concurrent", args.clients, wall)
                    | {"load": load_note()})
        many.errors += api_many.errors + v1_many.errors

        if args.upload_kb:
            from gradio_client import Client, handle_file

            upload = big_statement(work / "long-statement.txt", args.upload_kb)
            during = Run()
            stop = threading.Event()
            done: dict[str, object] = {}

            def do_upload() -> None:
                t0 = time.perf_counter()
                try:
                    result = Client(url, verbose=False).predict([handle_file(str(upload))], [], api_name="/on_upload")
                    done["html"] = result[0]
                except Exception as exc:  # noqa: BLE001
                    done["html"] = f"{type(exc).__name__}: {exc}"
                done["seconds"] = time.perf_counter() - t0
                stop.set()

            up = threading.Thread(target=do_upload)
            # the upload may change some answers, so here only "an answer to its own question" is checked
            asker = threading.Thread(target=client_loop, args=(url, questions * 20, during, None, stop))
            t = time.perf_counter()
            up.start()
            time.sleep(0.5)  # the upload is under way
            asker.start()
            up.join()
            asker.join()
            row = during.row(f"1 asking during a {upload.stat().st_size // 1024} KB upload", 1,
                             time.perf_counter() - t)
            row |= {"upload_s": done.get("seconds"), "upload_result": str(done.get("html", ""))[:200],
                    "load": load_note()}
            rows.append(row)
    finally:
        stop(proc)
        shutil.rmtree(work, ignore_errors=True)

    head = f"{'phase':40} {'req':>5} {'err':>4} {'xtalk':>5} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'q/s':>6}"
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['phase']:40} {r['requests']:>5} {r['errors']:>4} {r['crosstalk']:>5} {r['p50_s']:>7.2f} "
              f"{r['p95_s']:>7.2f} {r['max_s']:>7.2f} {r['throughput_qps']:>6.2f}")
        if "upload_s" in r:
            print(f"{'':40} upload took {r['upload_s']:.1f} s: {r['upload_result'][:90]}")
    single_row, many_row = rows[0], rows[1]
    print(f"\n{many_row['clients']} UI clients: p50 {many_row['p50_s'] / single_row['p50_s']:.1f}× and p95 "
          f"{many_row['p95_s'] / single_row['p95_s']:.1f}× the single-user figures; {load_note()}")
    api_one, api_n, v1_n = rows[2], rows[3], rows[4]
    print(f"{api_n['clients']} HTTP clients: p95 {api_n['p95_s'] / api_one['p95_s']:.1f}× (/api/answer) and "
          f"{v1_n['p95_s'] / api_one['p95_s']:.1f}× (/v1/chat/completions) the single-user /api p95")
    out = write_json(f"concurrency-{time.strftime('%Y%m%d-%H%M%S')}.json",
                     {"clients": args.clients, "questions": len(questions), "rows": rows,
                      "errors": [e for r in (many,) for e in r.errors][:20]})
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
