"""End to end in headless Chromium against ``python app.py`` (see conftest.py)."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from uikit import PAYLOAD_STATEMENT

pytestmark = pytest.mark.browser

SEED = json.loads((Path(__file__).resolve().parents[2] / "seeds" / "seed.jsonl").read_text(encoding="utf-8"))
MOU_QUESTION = (
    "How many memoranda of understanding on countering disinformation has the US signed with partner countries?"
)
FINISHED = "#sqa-chat .sqa-meta, #sqa-chat .sqa-error, #sqa-chat .sqa-input-error"
TIMEOUT = 60_000


def open_app(page: Page, url: str) -> list[str]:
    """Load the app; returns a list that collects any JavaScript dialog (none may ever open)."""
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    expect(page.locator("#sqa-question textarea")).to_be_visible(timeout=TIMEOUT)
    return dialogs


def ask(page: Page, question: str) -> Locator:
    """Ask and wait until the answer is final; returns the last assistant bubble."""
    done = page.locator(FINISHED).count()
    page.locator("#sqa-question textarea").fill(question)
    page.locator("#sqa-question textarea").press("Enter")
    expect(page.locator(FINISHED)).to_have_count(done + 1, timeout=TIMEOUT)
    return page.locator("#sqa-chat [data-testid=bot]").last


def poll(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return check()


def test_seed_question_answers_17_with_title_and_highlighted_quote(page: Page, app_server: dict,
                                                                   artifacts: Path):
    open_app(page, app_server["url"])
    index = page.locator("#sqa-index")
    expect(index).to_contain_text("First run")
    expect(index).to_contain_text("Ministry of Foreign Affairs of the Czech Republic")

    bubble = ask(page, MOU_QUESTION)
    expect(bubble).to_contain_text("17")
    expect(bubble.locator(".sqa-refused")).to_have_count(0)
    source = page.locator("#sqa-t1-s1")
    expect(source).to_contain_text(SEED["title"])
    expect(source).to_contain_text("2024-05-30")
    expect(source.locator("mark")).to_contain_text("17th such memorandum of understanding")
    # the quote sits inside its paragraph: text before it is shown, not highlighted
    expect(source.locator("blockquote")).to_contain_text("said Secretary Blinken during the joint press conference")
    page.screenshot(path=str(artifacts / "ui-answer.png"), full_page=True)

    # [1] in the answer jumps to its source entry
    page.locator("#sqa-sources").evaluate("e => e.scrollIntoView()")  # reset: source starts off-screen
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    bubble.locator("a.sqa-cite").first.click()
    assert page.evaluate("location.hash") == "#sqa-t1-s1"
    expect(source).to_be_in_viewport()

    # plain text for a report, and the copy button puts exactly that on the clipboard
    plain = page.locator("#sqa-plain textarea")
    text = plain.input_value()
    for part in (SEED["title"], SEED["source"], "2024-05-30", "17th such memorandum of understanding"):
        assert part in text
    assert "<" not in text
    page.locator("#sqa-plain button[aria-label*='opy' i], #sqa-plain button[title*='opy' i]").first.click()
    assert poll(lambda: page.evaluate("navigator.clipboard.readText()") == text), "copy button did not copy"

    # a follow-up is resolved from the conversation
    follow = ask(page, "and when was that signed?")
    expect(follow).to_contain_text("30 May 2024")
    expect(follow.locator(".sqa-notice")).to_contain_text("follow-up")
    expect(page.locator("#sqa-t2-s1")).to_contain_text(SEED["title"])


def test_filter_excluding_the_seed_issuer_leads_to_a_refusal(page: Page, app_server: dict):
    open_app(page, app_server["url"])
    page.locator("#sqa-issuers input").click()
    page.get_by_role("option", name="The White House", exact=True).click()
    page.keyboard.press("Escape")
    expect(page.locator("#sqa-issuers .token")).to_have_text(["The White House"])
    bubble = ask(page, MOU_QUESTION)
    expect(bubble.locator(".sqa-refused")).to_have_count(1)
    expect(bubble).to_contain_text("The indexed statements do not say")
    expect(bubble).to_contain_text("Closest statements")
    expect(page.locator("#sqa-sources")).to_contain_text("Closest statements")
    first_closest = page.locator("#sqa-sources .sqa-closest-card .sqa-source-title").first
    expect(first_closest).to_be_visible()
    expect(bubble).to_contain_text(first_closest.inner_text())
    expect(page.locator("#sqa-sources mark")).to_have_count(0)
    expect(page.locator("#sqa-sources")).not_to_contain_text(SEED["title"])

    # a date range that excludes the seed refuses too, even with the issuer filter cleared
    page.locator("#sqa-clear").click()
    expect(page.locator(FINISHED)).to_have_count(0)  # the new chat is empty before the next question
    page.locator("#sqa-issuers .token .token-remove").click()
    expect(page.locator("#sqa-issuers .token")).to_have_count(0)
    page.locator("#sqa-since input").fill("2024-06-01")
    page.locator("#sqa-since input").press("Enter")
    bubble = ask(page, MOU_QUESTION)
    expect(bubble.locator(".sqa-refused")).to_have_count(1)


def test_uploaded_statement_is_answerable_at_once(page: Page, app_server: dict):
    open_app(page, app_server["url"])
    statement = {
        "id": "test-upload-lighthouses", "title": "Lighthouse restoration programme", "date": "2025-01-15",
        "source": "Ministry of Lighthouses", "url": "https://example.org/lighthouses",
        "text": "The Ministry of Lighthouses announced a restoration programme.\n\n"
                "Forty-two lighthouses will be restored along the northern coast by 2027, the minister said.",
    }
    page.get_by_text("Add statements").click()
    page.locator("#sqa-upload input[type=file]").set_input_files(files=[
        {"name": "lighthouses.jsonl", "mimeType": "application/json",
         "buffer": (json.dumps(statement) + "\n").encode()},
        {"name": "broken.jsonl", "mimeType": "application/json", "buffer": b"{not json\n"},
        {"name": "../../escape<b>.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"},
    ])
    results = page.locator("#sqa-upload-result")
    expect(results.locator("li.sqa-upload-ok")).to_contain_text("lighthouses.jsonl: 1 added", timeout=TIMEOUT)
    expect(results).to_contain_text("broken.jsonl")
    expect(results).to_contain_text("malformed JSON")
    expect(results).to_contain_text("not accepted")
    expect(results.locator("li.sqa-upload-bad")).to_have_count(2)
    expect(page.locator("#sqa-index")).to_contain_text("Ministry of Lighthouses")
    # stored under a safe name inside the upload folder; rejected/broken files left nothing behind
    assert sorted(p.name for p in app_server["uploads"].iterdir()) == ["lighthouses.jsonl"]

    bubble = ask(page, "How many lighthouses will be restored along the northern coast?")
    expect(bubble).to_contain_text("Forty-two")
    expect(page.locator("#sqa-t1-s1")).to_contain_text("Lighthouse restoration programme")
    expect(page.locator("#sqa-t1-s1 a.sqa-orig")).to_have_attribute("href", "https://example.org/lighthouses")
    # the new issuer is offered as a filter at once
    page.locator("#sqa-issuers input").click()
    expect(page.get_by_role("option", name="Ministry of Lighthouses", exact=True)).to_be_visible()


def test_script_payload_in_a_statement_is_shown_as_text_and_never_runs(page: Page, app_server: dict):
    dialogs = open_app(page, app_server["url"])
    bubble = ask(page, "When will the harbour bridge reopen?")
    expect(bubble).to_contain_text("3 March 2025")
    expect(bubble).to_contain_text("<script>window.__sqa_xss=2</script>")  # visible as text
    source = page.locator("#sqa-t1-s1")
    expect(source).to_contain_text('Harbour bridge <img src=x onerror="window.__sqa_xss=1"> reopening')
    expect(source).to_contain_text('<img src=x onerror="window.__sqa_xss=3">')
    expect(source).to_contain_text("{{7*7}}")  # not evaluated by a template layer
    page.wait_for_timeout(500)  # give any injected handler the chance to fire
    assert page.evaluate("window.__sqa_xss") is None
    assert page.locator("#sqa-chat script, #sqa-sources script, #sqa-chat img[src=x], #sqa-sources img").count() == 0
    expect(source.locator("a")).to_have_count(0)  # the javascript: URL is not a link
    # the title from the example questions list is text as well
    expect(page.locator("#sqa-examples img")).to_have_count(0)
    assert dialogs == []


# ---- the analyst's workflow: whole statement, timeline, exports, a kept conversation ---------------

def stored_text(server: dict, doc_id: str) -> str:
    """The stored statement, through the HTTP API of the same server (what quotes' offsets index)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(server["url"] + "api/statements/" + urllib.parse.quote(doc_id), timeout=30) as resp:
        return json.loads(resp.read())["text"]


def timeline_labels(page: Page) -> list[str]:
    """What the chart says about each plotted point (Vega's ARIA labels): its date, issuer, status, title."""
    expect(page.locator("#sqa-timeline svg")).to_be_visible(timeout=TIMEOUT)
    return page.evaluate(
        "Array.from(document.querySelectorAll('#sqa-timeline [aria-roledescription=\"symbol\"], "
        "#sqa-timeline path[aria-label]')).map(e => e.getAttribute('aria-label')).filter(Boolean)")


def test_a_source_opens_the_whole_statement_scrolled_to_its_highlighted_quote(page: Page, app_server: dict):
    open_app(page, app_server["url"])
    ask(page, MOU_QUESTION)
    page.locator("#sqa-t1-s1 button.sqa-open-title").click()
    viewer = page.locator("#sqa-viewer .sqa-viewer")
    expect(viewer.locator(".sqa-viewer-title")).to_have_text(SEED["title"], timeout=TIMEOUT)
    expect(page.get_by_role("tab", name="Statement")).to_have_attribute("aria-selected", "true")
    text = viewer.locator(".sqa-viewer-text").inner_text()
    assert SEED["text"].strip()[:60] in text and SEED["text"].strip()[-60:] in text  # the whole statement
    mark = viewer.locator("mark")
    expect(mark).to_have_count(1)
    expect(mark).to_contain_text("17th such memorandum of understanding")
    expect(mark).to_be_in_viewport()  # scrolled to the quote
    expect(viewer.locator(".sqa-byline")).to_contain_text("2024-05-30")
    # [1] in the answer goes back to the Sources tab and to the source
    page.locator("#sqa-chat a.sqa-cite").first.click()
    expect(page.get_by_role("tab", name="Sources")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#sqa-t1-s1")).to_be_in_viewport()


def test_the_timeline_plots_the_matching_statements_with_the_cited_one_marked(page: Page, app_server: dict):
    open_app(page, app_server["url"])
    ask(page, MOU_QUESTION)
    assert poll(lambda: any("cited in the answer" in label for label in timeline_labels(page)), 30)
    labels = timeline_labels(page)
    cited = [label for label in labels if "status: cited in the answer" in label]
    assert len(cited) == 1 and SEED["title"] in cited[0] and "May 30, 2024" in cited[0]
    assert SEED["source"] in cited[0] and "cited as: [1]" in cited[0]
    assert any("status: also matching" in label for label in labels)  # the other statements, by date and issuer
    expect(page.locator("#sqa-timeline-caption")).to_contain_text("1 cited")


def test_exported_conversation_parses_and_its_quotes_are_the_stored_text(page: Page, app_server: dict):
    from statementqa.export import md_unescape

    open_app(page, app_server["url"])
    ask(page, MOU_QUESTION)
    ask(page, "and when was that signed?")
    expect(page.locator("#sqa-download-json")).to_be_enabled(timeout=TIMEOUT)
    poll(lambda: "2" in (page.locator("#sqa-timeline-caption").inner_text() or ""), 10)
    with page.expect_download() as got:
        page.locator("#sqa-download-json").click()
    data = json.loads(Path(got.value.path()).read_text(encoding="utf-8"))
    assert [t["answer"]["question"] for t in data["turns"]] == [MOU_QUESTION, "and when was that signed?"]
    quotes = [c for t in data["turns"] for c in t["answer"]["citations"]]
    assert quotes
    for c in quotes:
        assert stored_text(app_server, c["doc_id"])[c["start"]:c["end"]] == c["quote"]
    assert all(ok for t in data["turns"] for ok in t["quotes_verified"].values())
    with page.expect_download() as got:
        page.locator("#sqa-download-md").click()
    md = Path(got.value.path()).read_text(encoding="utf-8")
    assert f"## {MOU_QUESTION}" in md and "(accessed " in md
    blocks = [md_unescape(line[2:]) for line in md.splitlines() if line.startswith("> ")]
    assert [c["quote"] for c in quotes] == blocks


def test_a_reload_keeps_the_conversation_and_new_chat_clears_it(page: Page, app_server: dict):
    open_app(page, app_server["url"])
    ask(page, MOU_QUESTION)
    page.reload()
    expect(page.locator("#sqa-chat")).to_contain_text(MOU_QUESTION, timeout=TIMEOUT)
    expect(page.locator("#sqa-chat [data-testid=bot]").last).to_contain_text("17")
    expect(page.locator("#sqa-t1-s1 mark")).to_contain_text("17th such memorandum of understanding")
    follow = ask(page, "and when was that signed?")  # the conversation goes on from where it was
    expect(follow).to_contain_text("30 May 2024")
    expect(follow.locator(".sqa-notice")).to_contain_text("follow-up")
    page.locator("#sqa-clear").click()
    expect(page.locator("#sqa-chat [data-testid=bot]")).to_have_count(0)
    page.wait_for_timeout(500)
    page.reload()
    # the page-load step that restores the conversation also fills the examples: once they are shown, it ran
    expect(page.locator("#sqa-examples button").first).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("#sqa-chat [data-testid=bot]")).to_have_count(0)


def test_script_payloads_stay_inert_in_the_viewer_and_the_timeline(page: Page, app_server: dict):
    dialogs = open_app(page, app_server["url"])
    ask(page, "When will the harbour bridge reopen?")
    page.locator("#sqa-t1-s1 button.sqa-open-button").click()
    viewer = page.locator("#sqa-viewer .sqa-viewer")
    expect(viewer).to_contain_text('<script>window.__sqa_xss=2</script>', timeout=TIMEOUT)  # shown as text
    expect(viewer).to_contain_text('<img src=x onerror="window.__sqa_xss=3">')
    expect(viewer).to_contain_text("{{7*7}}")
    expect(viewer.locator(".sqa-viewer-title")).to_have_text(PAYLOAD_STATEMENT["title"])
    expect(viewer.locator("mark")).to_contain_text("3 March 2025")
    assert page.locator("#sqa-viewer script, #sqa-viewer img, #sqa-viewer a").count() == 0  # javascript: URL not a link
    assert poll(lambda: any(PAYLOAD_STATEMENT["title"] in label for label in timeline_labels(page)), 30)
    for point in page.locator("#sqa-timeline [aria-roledescription='symbol'], #sqa-timeline path[aria-label]").all():
        if point.get_attribute("aria-label") and "status:" in point.get_attribute("aria-label"):
            point.hover(force=True)  # the tooltip shows the title: it must stay text
            page.wait_for_timeout(100)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__sqa_xss") is None
    assert page.locator("#vg-tooltip-element img, #vg-tooltip-element script").count() == 0
    assert dialogs == []
