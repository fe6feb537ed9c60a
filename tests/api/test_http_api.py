"""HTTP JSON API and the OpenAI-compatible endpoint, called as other tools would: plain HTTP and the `openai` client."""

from __future__ import annotations

import base64
import json
import threading
import urllib.error
import urllib.request
from typing import Any

import httpx
import openai
import pytest

from statementqa import Index
from tests.support import SEED_ID

MOU = "How many MoUs has the US signed?"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy


def call(server: Any, method: str, path: str, body: object = None, headers: dict[str, str] | None = None,
         ) -> tuple[int, dict[str, str], bytes]:
    data = None if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(server.url.rstrip("/") + path, data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with OPENER.open(req, timeout=120) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def client(server: Any, api_key: str = "not-needed", **kw: Any) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url + "v1", api_key=api_key, max_retries=0, timeout=120,
                         http_client=httpx.Client(trust_env=False, timeout=120), **kw)


def stored(server: Any, doc_id: str) -> str:
    status, _, body = call(server, "GET", f"/api/statements/{doc_id}")
    assert status == 200
    return json.loads(body)["text"]


# ---- /api ----------------------------------------------------------------------------------------

def test_post_answer_returns_the_answer_model_with_verified_quotes(api_server):
    status, headers, body = call(api_server, "POST", "/api/answer", {"question": MOU})
    assert status == 200 and headers["content-type"].startswith("application/json")
    ans = json.loads(body)
    assert ans["question"] == MOU and not ans["refused"] and "17th" in ans["text"]
    (c,) = [c for c in ans["citations"] if c["doc_id"] == SEED_ID]
    assert stored(api_server, SEED_ID)[c["start"]:c["end"]] == c["quote"]  # offsets index the served text
    status, _, body = call(api_server, "POST", "/api/answer", {"question": MOU, "sources": ["The White House"]})
    assert status == 200 and json.loads(body)["refused"]  # filters apply


def test_post_answer_explains_bad_input_and_names_the_field(api_server):
    status, _, body = call(api_server, "POST", "/api/answer", {"question": MOU, "sources": ["White House"]})
    err = json.loads(body)
    assert status == 422 and err["field"] == "sources"
    assert "No statement matches the filters" in err["detail"] and err["suggestions"] == ["The White House"]
    status, _, body = call(api_server, "POST", "/api/answer", {"question": MOU, "since": "30/05/2024"})
    assert status == 422 and json.loads(body)["field"] == "since" and "YYYY-MM-DD" in json.loads(body)["detail"]
    status, _, body = call(api_server, "POST", "/api/answer", {"question": MOU, "issuer": "x"})
    assert status == 422 and json.loads(body)["field"] == "issuer"  # a misspelt field is not silently ignored
    status, _, body = call(api_server, "POST", "/api/answer", {"question": "x" * 5000})
    assert status == 422 and "at most 1,000" in json.loads(body)["detail"]
    status, _, body = call(api_server, "POST", "/api/answer", b"{not json")
    assert status == 422 and "not valid JSON" in json.loads(body)["detail"] and json.loads(body)["field"] is None


def test_answer_as_markdown_and_the_statement_by_id(api_server):
    status, headers, body = call(api_server, "POST", "/api/answer", {"question": MOU, "format": "markdown"})
    assert status == 200 and headers["content-type"].startswith("text/markdown")
    md = body.decode()
    assert md.startswith(f"## {MOU}") and "17th such memorandum of understanding" in md and "(accessed" in md
    status, _, body = call(api_server, "GET", f"/api/statements/{SEED_ID}")
    doc = json.loads(body)
    assert status == 200 and doc["id"] == SEED_ID and doc["date"] == "2024-05-30" and "origin" not in doc
    status, _, body = call(api_server, "GET", "/api/statements/no-such-id")
    assert status == 404 and "No statement with id “no-such-id”" in json.loads(body)["detail"]


def test_openapi_documents_the_endpoints(api_server):
    status, _, body = call(api_server, "GET", "/api/openapi.json")
    spec = json.loads(body)
    assert status == 200 and {"/api/answer", "/api/statements/{doc_id}", "/v1/chat/completions",
                              "/v1/models"} <= set(spec["paths"])
    assert {"Answer", "Citation", "AnswerRequest"} <= set(spec["components"]["schemas"])


# ---- /v1 (OpenAI-compatible) ---------------------------------------------------------------------

def test_openai_client_gets_the_verified_answer_with_a_sources_block(api_server, seed_index: Index):
    oa = client(api_server)
    assert [m.id for m in oa.models.list()] == ["statementqa"]
    resp = oa.chat.completions.create(model="statementqa", messages=[{"role": "user", "content": MOU}])
    assert resp.model == "statementqa" and resp.choices[0].finish_reason == "stop"
    content = resp.choices[0].message.content
    expected = seed_index.answer(MOU)
    assert content.startswith(expected.text) and "\n\nSources:\n[1] Ministry of Foreign Affairs" in content
    assert "“It’s the 17th such memorandum" in content
    citations = resp.model_extra["citations"]  # the structured citations, in an extra field
    assert citations and all(stored(api_server, c["doc_id"])[c["start"]:c["end"]] == c["quote"] for c in citations)
    assert resp.model_extra["answer"]["question"] == MOU


def test_openai_streaming_sends_the_same_verified_reply_in_chunks(api_server):
    oa = client(api_server)
    plain = oa.chat.completions.create(model="statementqa", messages=[{"role": "user", "content": MOU}])
    chunks = list(oa.chat.completions.create(model="statementqa", stream=True,
                                             messages=[{"role": "user", "content": MOU}]))
    assert len(chunks) > 3 and all(ch.object == "chat.completion.chunk" and ch.model == "statementqa"
                                   for ch in chunks)
    text = "".join(ch.choices[0].delta.content or "" for ch in chunks)
    assert text == plain.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["citations"] == plain.model_extra["citations"]


def test_openai_history_makes_follow_ups_work_and_bad_filters_are_400(api_server):
    oa = client(api_server)
    first = oa.chat.completions.create(model="statementqa", messages=[{"role": "user", "content": MOU}])
    follow = oa.chat.completions.create(model="statementqa", messages=[
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": MOU},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": [{"type": "text", "text": "and when was that signed?"}]},
    ])
    assert "30 May 2024" in follow.choices[0].message.content
    with pytest.raises(openai.BadRequestError, match="Did you mean “The White House”"):
        oa.chat.completions.create(model="statementqa", messages=[{"role": "user", "content": MOU}],
                                   extra_body={"sources": ["White House"]})
    with pytest.raises(openai.BadRequestError, match="role “user”"):
        oa.chat.completions.create(model="statementqa", messages=[{"role": "system", "content": "hi"}])


def test_chat_history_marks_our_refusals_so_a_follow_up_borrows_nothing_from_them() -> None:
    from statementqa.answering.compose import REFUSAL_PREFIX
    from statementqa.http_api import ChatMessage, question_and_history

    refusal = f"{REFUSAL_PREFIX} this (“When will Czechia receive its first F-35?”).\n\nSources:\n[1] …"
    answer = ("17th. Ministry of Foreign Affairs of the Czech Republic, 30 May 2024: “It’s the 17th …” [1]"
              "\n\nSources:\n[1] …")
    question, history = question_and_history([
        ChatMessage(role="user", content="When will Czechia receive its first F-35?"),
        ChatMessage(role="assistant", content=refusal),
        ChatMessage(role="user", content=MOU),
        ChatMessage(role="assistant", content=answer),
        ChatMessage(role="user", content="and when was that signed?"),
    ])
    assert question == "and when was that signed?"
    assert [t.refused for t in history] == [True, False]
    assert "Sources:" not in history[1].answer  # our Sources block is not part of what the turn said


# ---- auth: the UI's user and password ------------------------------------------------------------

def test_with_a_user_and_password_every_endpoint_wants_them(auth_server):
    for method, path, body in (("POST", "/api/answer", {"question": MOU}), ("GET", f"/api/statements/{SEED_ID}", None),
                               ("GET", "/api/openapi.json", None), ("GET", "/v1/models", None)):
        status, headers, _ = call(auth_server, method, path, body)
        assert status == 401 and headers["www-authenticate"].startswith("Basic"), path
    bad = "Basic " + base64.b64encode(b"analyst:wrong").decode()
    assert call(auth_server, "POST", "/api/answer", {"question": MOU}, {"Authorization": bad})[0] == 401
    good = "Basic " + base64.b64encode(b"analyst:s3cret pass").decode()
    status, _, body = call(auth_server, "POST", "/api/answer", {"question": MOU}, {"Authorization": good})
    assert status == 200 and "17th" in json.loads(body)["text"]
    with pytest.raises(openai.AuthenticationError):
        client(auth_server, api_key="wrong").models.list()
    resp = client(auth_server, api_key="analyst:s3cret pass").chat.completions.create(
        model="statementqa", messages=[{"role": "user", "content": MOU}])
    assert "17th" in resp.choices[0].message.content
    assert call(auth_server, "GET", "/config")[0] == 401  # the UI itself still wants Gradio's login


# ---- several clients at once ---------------------------------------------------------------------

def test_clients_get_their_own_answers_and_do_not_wait_behind_a_slow_one(api_server, seed_index: Index,
                                                                          monkeypatch: pytest.MonkeyPatch):
    release, held = threading.Event(), threading.Semaphore(0)
    rank = seed_index.retriever.rank

    def holding(question: str, *a: Any, **kw: Any) -> Any:
        if "lighthouse keepers" in question:
            held.release()
            assert release.wait(60)
        return rank(question, *a, **kw)

    monkeypatch.setattr(seed_index.retriever, "rank", holding)
    questions = [MOU, "When did Lipavsky meet Blinken?", "Who met the Czech foreign minister?",
                 "What did the White House say about NATO?"]
    reference = {q: seed_index.answer(q).text for q in questions}
    out: dict[str, Any] = {}

    def ask_api(key: str, q: str) -> None:
        out[key] = json.loads(call(api_server, "POST", "/api/answer", {"question": q})[2])

    def ask_v1(key: str, q: str) -> None:
        r = client(api_server).chat.completions.create(model="statementqa", messages=[{"role": "user", "content": q}])
        out[key] = r.model_extra["answer"]

    slow = [threading.Thread(target=f, args=(f"slow-{f.__name__}", "What did the lighthouse keepers say?"))
            for f in (ask_api, ask_v1)]
    for t in slow:
        t.start()
    try:
        for _ in slow:
            assert held.acquire(timeout=60)  # both are inside the index at once
        fast = [threading.Thread(target=f, args=(f"{f.__name__}-{i}", q))
                for i, q in enumerate(questions) for f in (ask_api, ask_v1)]
        for t in fast:
            t.start()
        for t in fast:
            t.join(120)
        assert not any(t.is_alive() for t in fast), "an answer waited behind the held ones"
        assert all(t.is_alive() for t in slow)
        for i, q in enumerate(questions):
            for f in ("ask_api", "ask_v1"):
                got = out[f"{f}-{i}"]
                assert got["question"] == q and got["text"] == reference[q]  # its own answer, not another's
    finally:
        release.set()
        for t in slow:
            t.join(120)
    assert out["slow-ask_api"]["question"] == out["slow-ask_v1"]["question"] == "What did the lighthouse keepers say?"
