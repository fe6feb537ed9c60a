"""UI handlers over a fake index: streaming, filters, follow-ups, failures, uploads, examples."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from uikit import answered, cite, make_doc, passage

from statementqa.config import Settings
from statementqa.models import Answer, Document, FileResult, IndexStats, IngestIssue, IngestSummary, Passage
from statementqa.query import QueryOptions, Turn
from statementqa.ui import App, InputError, Session, UploadGate, parse_day, sanitize_filename, unique_destination

DOC = make_doc("Intro.\n\nThe minister said the bridge reopens on 3 March.\n\nEnd.", id="d1",
               title="Minister on bridge reopening", source="Ministry of Examples")


class FakeIndex:
    """Records calls; answers every question with one citation of DOC (or fails on demand)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.calls: list[dict[str, Any]] = []
        self.fail: Exception | None = None
        self.docs: dict[str, Document] = {DOC.id: DOC}
        self.ingested: list[list[Path]] = []

    def stream_answer(self, question: str, options: QueryOptions | None = None) -> Iterator[str | Answer]:
        self.calls.append({"question": question, "options": options})
        if self.fail:
            raise self.fail
        yield "The bridge reopens "
        yield "on 3 March [1]."
        yield answered(question, "The bridge reopens on 3 March [1].",
                       [cite(DOC, "The minister said the bridge reopens on 3 March.")])

    def answer(self, question: str, options: QueryOptions | None = None) -> Answer:
        *_, last = self.stream_answer(question, options)
        assert isinstance(last, Answer)
        return last

    def retrieve(self, question: str, options: QueryOptions | None = None) -> list[Passage]:
        sources = options.sources if options else ()
        return [passage(d, d.text) for d in self.docs.values() if d.source in (sources or [d.source])]

    def stats(self) -> IndexStats:
        sources: dict[str, int] = {}
        for d in self.docs.values():
            sources[d.source] = sources.get(d.source, 0) + 1
        return IndexStats(statements=len(self.docs), chunks=3 * len(self.docs), sources=sources)

    def sources(self) -> list[str]:
        return sorted({d.source for d in self.docs.values()})

    def document(self, doc_id: str) -> Document | None:
        return self.docs.get(doc_id)

    def titles(self, limit: int = 50) -> list[tuple[str, str, str | None, str]]:
        docs = sorted(self.docs.values(), key=lambda d: d.date or "", reverse=True)[:limit]
        return [(d.id, d.title, d.date, d.source) for d in docs]

    def ingest(self, paths: Sequence[str | Path], progress: bool = False) -> IngestSummary:
        paths = [Path(p) for p in paths]
        self.ingested.append(paths)
        files = []
        for p in paths:
            try:
                rows = [json.loads(line) for line in p.read_text().splitlines() if line.strip()]
            except json.JSONDecodeError as exc:
                files.append(FileResult(path=str(p), failed=1,
                                        issues=[IngestIssue(path=str(p), line=1, message=str(exc))]))
                continue
            for r in rows:
                self.docs[r["id"]] = Document(**r)
            files.append(FileResult(path=str(p), added=len(rows)))
        return IngestSummary(added=sum(f.added for f in files), files=files)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(index_dir=tmp_path / "index", upload_dir=tmp_path / "uploads", upload_max_mb=0.01,
                    _env_file=None)


@pytest.fixture
def app(settings: Settings, tmp_path: Path) -> App:
    return App(FakeIndex(settings), settings, gate=UploadGate([tmp_path]))  # tmp_path plays the upload cache


def run(app: App, question: str, session: Session, **kw: Any) -> list[tuple]:
    return list(app.respond(question, session, kw.get("issuers"), kw.get("since"), kw.get("until")))


def test_answer_streams_then_shows_linked_answer_and_sources(app: App):
    session = Session()
    app.stream_interval = 0  # every delta becomes an update
    steps = run(app, "When does the bridge reopen?", session)
    bubbles = [msgs[-1]["content"] for msgs, *_ in steps]
    assert "sqa-streaming" in bubbles[0]
    assert any("The bridge reopens </p>" not in b and "The bridge reopens" in b and "sqa-streaming" in b
               for b in bubbles[1:-1])
    msgs, sess, sources, plain = steps[-1]
    assert 'href="#sqa-t1-s1"' in msgs[-1]["content"] and "sqa-streaming" not in msgs[-1]["content"]
    assert 'id="sqa-t1-s1"' in sources and "<mark>" in sources
    assert "Minister on bridge reopening" in plain and [m["role"] for m in msgs] == ["user", "assistant"]
    assert all(s is None for *_, s, _p in steps[:-1])  # panels only change once the answer is final


def test_deltas_that_arrive_at_once_go_out_as_one_update(app: App):
    steps = run(app, "When does the bridge reopen?", Session())  # the fake's deltas arrive together
    assert len(steps) == 2  # the empty streaming bubble, then the final answer: no re-render per word


def test_filters_and_history_reach_the_api(app: App):
    session = Session()
    run(app, "When does the bridge reopen?", session, issuers=["Ministry of Examples"],
        since="2024-01-01", until="2024-12-31")
    run(app, "and who said it?", session)
    first, follow = (c["options"] for c in app.index.calls)
    assert first.sources == ("Ministry of Examples",)
    assert (first.since, first.until) == (date(2024, 1, 1), date(2024, 12, 31))
    assert first.history == ()
    (earlier,) = follow.history  # the answer's own ``refused`` travels with it: a follow-up never reads wording
    assert earlier == Turn("When does the bridge reopen?", "The bridge reopens on 3 March [1].", refused=False)
    assert follow.sources == ()


def test_bad_dates_are_explained_and_nothing_is_asked(app: App):
    session = Session()
    *_, (msgs, *_rest) = run(app, "q", session, since="30/05/2024")
    assert "is not a date" in msgs[-1]["content"] and "YYYY-MM-DD" in msgs[-1]["content"]
    *_, (msgs, *_rest) = run(app, "q", session, since="2024-06-01", until="2024-05-01")
    assert "after" in msgs[-1]["content"]
    assert app.index.calls == [] and session.answers == []
    assert parse_day("2024-05-30", "x") == "2024-05-30" and parse_day(" ", "x") is None
    with pytest.raises(InputError):
        parse_day("yesterday", "From")


def test_failure_inside_answering_becomes_a_chat_error_and_the_app_goes_on(app: App):
    session = Session()
    app.index.fail = RuntimeError("vector store unavailable")
    *_, (msgs, *_rest) = run(app, "q1", session)
    assert "Something went wrong" in msgs[-1]["content"] and "vector store unavailable" in msgs[-1]["content"]
    assert session.answers == []
    app.index.fail = None
    *_, (msgs, _s, sources, _p) = run(app, "q2", session)
    assert "3 March" in msgs[-1]["content"] and len(msgs) == 4 and sources


def test_empty_question_does_nothing(app: App):
    assert run(app, "   ", Session()) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.jsonl", "passwd.jsonl"),
        ("..\\..\\win.ini.txt", "win.ini.txt"),
        ('<img src=x onerror="a()">.jsonl', "img_src_x_onerror_a.jsonl"),
        (".hidden.md", "hidden.md"),
        ("..", "upload"),
        ("Prohlášení MZV.txt", "Prohlášení_MZV.txt"),
    ],
)
def test_upload_names_are_sanitized(name: str, expected: str):
    assert sanitize_filename(name) == expected


def test_upload_destination_never_escapes_and_never_overwrites(tmp_path: Path):
    first = unique_destination(tmp_path, "../a.jsonl")
    assert first == tmp_path.resolve() / "a.jsonl"
    first.write_text("x")
    assert unique_destination(tmp_path, "/abs/a.jsonl") == tmp_path.resolve() / "a-2.jsonl"


def _statement(i: int, source: str = "Uploads Ministry") -> str:
    return json.dumps({"id": f"up-{i}", "title": f"Upload {i}", "source": source, "text": f"Text {i}."})


def test_uploads_are_validated_stored_and_ingested(app: App, settings: Settings, tmp_path: Path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    good = incoming / "new.jsonl"
    good.write_text(_statement(1) + "\n")
    broken = incoming / "broken.jsonl"
    broken.write_text("{not json\n")
    exe = incoming / "tool.exe"
    exe.write_text("MZ")
    big = incoming / "big.txt"
    big.write_text("x" * 20_000)  # over the 0.01 MB limit
    empty = incoming / "empty.md"
    empty.write_text("")
    outcomes = app.add_files([good, broken, exe, big, empty, incoming / "vanished.txt"])
    by_name = {o.name: o for o in outcomes}
    assert [o.name for o in outcomes] == ["new.jsonl", "broken.jsonl", "tool.exe", "big.txt", "empty.md",
                                         "vanished.txt"]
    assert by_name["new.jsonl"].ok and by_name["new.jsonl"].message.startswith("1 added")
    assert not by_name["broken.jsonl"].ok
    assert [i.path for i in by_name["broken.jsonl"].result.issues] == ["broken.jsonl"]  # not the server path
    assert "not accepted" in by_name["tool.exe"].message and ".jsonl" in by_name["tool.exe"].message
    assert "limit" in by_name["big.txt"].message and "empty" in by_name["empty.md"].message
    assert "did not arrive" in by_name["vanished.txt"].message
    # only accepted files were handed to ingest, and only the good one stays in the upload folder
    assert [p.name for p in app.index.ingested[0]] == ["new.jsonl", "broken.jsonl"]
    assert sorted(p.name for p in Path(settings.upload_dir).iterdir()) == ["new.jsonl"]
    assert "Uploads Ministry" in app.sources()
    assert "<b>2</b> statements" in app.index_panel()


def test_only_files_the_upload_wrote_are_read(settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture):
    cache = tmp_path / "gradio-cache"
    (cache / "3f2a").mkdir(parents=True)
    uploaded = cache / "3f2a" / "new.jsonl"
    uploaded.write_text(_statement(1) + "\n")
    planted = cache / "planted.jsonl"  # inside the upload cache, but the upload never wrote it
    planted.write_text(_statement(2, source="Planted Ministry") + "\n")
    secret = tmp_path / "secret.jsonl"  # elsewhere on the server
    secret.write_text(_statement(3, source="Secret Ministry") + "\n")
    link = cache / "3f2a" / "link.jsonl"  # a symlink in the cache, even one the upload would have reported
    link.symlink_to(secret)
    gate = UploadGate([cache], written={str(uploaded), str(link)})
    app = App(FakeIndex(settings), settings, gate=gate)
    tricks = [planted, secret, link, cache / "3f2a" / ".." / ".." / "secret.jsonl", "/etc/hostname"]
    with caplog.at_level("WARNING", logger="statementqa.ui"):
        outcomes = app.add_files([uploaded, *tricks])
    assert outcomes[0].ok and outcomes[0].message.startswith("1 added")
    for o in outcomes[1:]:
        assert not o.ok and "did not come through the upload" in o.message, o
    assert [p.name for p in app.index.ingested[0]] == ["new.jsonl"] and len(app.index.ingested) == 1
    assert sorted(p.name for p in Path(settings.upload_dir).iterdir()) == ["new.jsonl"]
    assert not {"Planted Ministry", "Secret Ministry"} & set(app.sources())
    refused = [r for r in caplog.records if "upload refused" in r.getMessage()]
    assert len(refused) == len(tricks) and str(secret) in refused[1].getMessage()


def test_a_failing_ingest_reports_every_file_and_keeps_nothing(app: App, settings: Settings, tmp_path: Path):
    f = tmp_path / "a.jsonl"
    f.write_text(_statement(2) + "\n")

    def boom(paths: Sequence[Path], progress: bool = False) -> IngestSummary:
        raise OSError("disk full")

    app.index.ingest = boom  # type: ignore[method-assign]
    (outcome,) = app.add_files([f])
    assert not outcome.ok and "disk full" in outcome.message
    assert list(Path(settings.upload_dir).iterdir()) == []


def test_example_questions_come_from_indexed_titles_and_are_checked(app: App):
    examples = app.example_questions()
    assert examples == ["What was said about “Minister on bridge reopening”?"]
    app.index.docs["d2"] = make_doc("Other text.", id="d2", title="Second statement title here", source="Other")
    # the fake cites DOC for every question, so a statement it never cites gives no example
    assert app.example_questions() == ["What was said about “Minister on bridge reopening”?"]
    assert app._examples_key == (2, 6)


def test_example_questions_fit_the_example_list():
    from statementqa.examples import question_from_title as _question_from_title

    q = _question_from_title("Czech FA Minister Jan Lipavský meets US Secretary Antony Blinken to increase security")
    assert q == "What was said about “Czech FA Minister Jan Lipavský meets…”?" and len(q) <= 60
    # press-release boilerplate is dropped so that the example names the topic
    assert _question_from_title("Statement by Press Secretary Jen Psaki on Ukraine Security Assistance") == (
        "What was said about “Ukraine Security Assistance”?"
    )
    assert _question_from_title("FACT SHEET: Imposing Costs for Harmful Foreign Activities") == (
        "What was said about “Imposing Costs for Harmful Foreign…”?"
    )
    assert _question_from_title("The New Atlantic Charter") == "What was said about “The New Atlantic Charter”?"
    assert _question_from_title("Two words") is None
    for title in ["A" * 80 + " b c", "Statement on the situation in the region of the"]:
        q = _question_from_title(title)
        assert q is None or len(q) <= 60


@pytest.mark.parametrize(
    ("user", "password", "expected"),
    [(None, None, None), ("analyst", "s3cret", [("analyst", "s3cret")])],
)
def test_launch_binds_loopback_and_uses_auth_from_settings(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, user, password, expected
):
    from statementqa import server, ui

    seen: dict[str, Any] = {}

    def run(self: server.Server) -> None:  # instead of serving: what would be served, and how
        seen.update(host=self.server.config.host, port=self.server.config.port, auth=self.demo.auth,
                    max_file_size=self.demo.max_file_size, paths=set(self.app.openapi()["paths"]),
                    mounted=[getattr(r, "path", None) for r in self.app.routes if type(r).__name__ == "Mount"])

    monkeypatch.setattr(server.Server, "run", run)
    s = settings.model_copy(update={"ui_auth_user": user, "ui_auth_password": password, "ui_port": 7999})
    ui.launch(FakeIndex(s), settings=s)
    assert seen["host"] == "127.0.0.1" and seen["port"] == 7999
    assert seen["auth"] == expected
    assert seen["max_file_size"] == int(0.01 * 1024 * 1024)
    assert {"/api/answer", "/v1/chat/completions"} <= seen["paths"] and seen["mounted"] == [""]  # UI at /


def test_launch_refuses_half_configured_auth(settings: Settings):
    from statementqa import ui

    s = settings.model_copy(update={"ui_auth_user": "analyst", "ui_auth_password": None})
    with pytest.raises(SystemExit, match="both"):
        ui.launch(FakeIndex(s), settings=s)


def test_build_ui_offers_the_indexed_issuers_as_filters(settings: Settings):
    from statementqa.ui import build_ui

    demo = build_ui(FakeIndex(settings), notice="First run: indexed seeds")
    config = demo.get_config_file()
    dropdown = next(c for c in config["components"] if c["props"].get("elem_id") == "sqa-issuers")
    assert [choice[0] for choice in dropdown["props"]["choices"]] == ["Ministry of Examples"]
    panel = next(c for c in config["components"] if c["props"].get("elem_id") == "sqa-index")
    assert "First run: indexed seeds" in str(panel["props"]["value"])


def test_overlong_question_is_refused_in_the_chat_and_nothing_is_asked(app: App):
    session = Session()
    *_, (msgs, _s, sources, plain) = run(app, "What did the minister say? " * 400, session)
    assert "10,799 characters" in msgs[-1]["content"]  # stripped and "at most 1,000" in msgs[-1]["content"]
    assert "sqa-input-error" in msgs[-1]["content"]
    assert len(msgs[0]["content"]) < 500  # the user's bubble shows the start of it, not 10,799 characters
    assert app.index.calls == [] and session.answers == [] and sources is None


def test_misspelled_issuer_says_no_statement_matches_instead_of_a_refusal(seed_index):
    app = App(seed_index)
    session = Session()
    *_, (msgs, *_rest) = run(app, "How many MoUs has the US signed?", session, issuers=["White House"])
    bubble = msgs[-1]["content"]
    assert "sqa-input-error" in bubble and "No statement matches the filters" in bubble
    assert "Did you mean “The White House”?" in bubble and "do not say" not in bubble
    *_, (msgs, *_rest) = run(app, "How many MoUs has the US signed?", session, since="2030-01-01")
    assert "no statement dated on or after 2030-01-01" in msgs[-1]["content"]
    assert session.answers == []


# ---- the conversation kept in the browser, the viewer and the downloads ------------------------------

QUOTE = "The minister said the bridge reopens on 3 March."


def test_a_kept_conversation_is_restored_with_every_quote_checked_again(app: App):
    session = Session()
    run(app, "When does the bridge reopen?", session)
    run(app, "and who said it?", session)
    state = json.loads(json.dumps(app.saved_state(session)))  # what the browser stores and sends back
    restored = app.restore(state)
    assert [a.model_dump() for a in restored.answers] == [a.model_dump() for a in session.answers]
    assert restored.messages == session.messages  # the same chat, rendered again
    assert restored.history() == session.history()  # follow-ups keep working after a reload

    # a quote edited in the browser's storage is not shown as verified: it is dropped, with a notice
    tampered = json.loads(json.dumps(state))
    tampered["answers"][0]["citations"][0]["quote"] = "The minister said the bridge is closed forever."
    back = app.restore(tampered)
    assert back.answers[0].citations == [] and "no longer matches" in (back.answers[0].notice or "")
    assert back.answers[1].citations and "sqa-notice" in back.messages[1]["content"]
    # …and so is one the statement no longer says after a re-ingest
    app.index.docs["d1"] = make_doc(DOC.text.replace("3 March", "4 March"), id="d1", title=DOC.title,
                                    source=DOC.source)
    assert all(not a.citations for a in app.restore(state).answers)
    for junk in (None, "x", {"v": 99, "answers": []}, {"v": 1, "answers": [{"question": 1}, "bad"]}):
        assert app.restore(junk).answers == []


def test_the_viewer_opens_the_whole_statement_with_the_clicked_turns_quotes(app: App):
    session = Session()
    run(app, "When does the bridge reopen?", session)
    html = app.open_statement(session, "d1", "1")
    assert "Intro." in html and "End." in html and '<mark class="sqa-hl"' in html
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", html) == [QUOTE]
    assert "When does the bridge reopen?" in html
    assert "No statement with id" in app.open_statement(session, "../etc/passwd", "1")
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", app.open_statement(session, "d1", "not-a-turn")) == [QUOTE]
    assert "<mark" not in app.open_statement(Session(), "d1", None)  # no answer: the statement, unmarked


def test_the_conversation_downloads_as_markdown_and_json_with_verified_quotes(app: App):
    session = Session()
    assert app.export_files(session) is None  # nothing to download yet
    run(app, "When does the bridge reopen?", session)
    md, js = app.export_files(session)
    data = json.loads(js.read_text(encoding="utf-8"))
    (c,) = data["turns"][0]["answer"]["citations"]
    assert DOC.text[c["start"]:c["end"]] == c["quote"] == QUOTE
    assert data["turns"][0]["quotes_verified"] == {"1": True}
    assert data["turns"][0]["citation_lines"]["1"].startswith("Ministry of Examples. “Minister on bridge reopening.”")
    text = md.read_text(encoding="utf-8")
    assert "## When does the bridge reopen?" in text and QUOTE in text and "(accessed" in text
