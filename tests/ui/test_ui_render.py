"""Rendering of answers and sources: links, highlighted context, refusals, plain text, escaping."""

from __future__ import annotations

import json
from pathlib import Path

from uikit import PAYLOAD_TEXT, PAYLOAD_TITLE, answered, assert_inert, cite, make_doc, parse, passage

from statementqa.models import Answer, Backend, Engine, FileResult, IndexStats, IngestIssue
from statementqa.render import (
    UploadOutcome,
    anchor_id,
    answer_html,
    answer_plain_text,
    conversation_sources_html,
    error_html,
    esc,
    index_panel_html,
    quote_context,
    safe_url,
    sources_html,
    streaming_html,
    upload_results_html,
)

LLM_TEST = Backend(engine=Engine.LLM, model="test-model")  # a generated answer's backend
REPO = Path(__file__).resolve().parents[2]
SEED = json.loads((REPO / "seeds" / "seed.jsonl").read_text(encoding="utf-8").splitlines()[0])
QUOTE_17 = "It’s the 17th such memorandum of understanding that we’ve signed with partner countries"


def seed_doc():
    return make_doc(SEED["text"], id=SEED["id"], title=SEED["title"], date=SEED["date"], source=SEED["source"])


def test_quote_is_highlighted_inside_its_own_paragraph():
    doc = seed_doc()
    c = cite(doc, QUOTE_17)
    ctx = quote_context(doc.text, c)
    assert ctx.verified and ctx.quote == QUOTE_17
    # the context is the paragraph of the quote, verbatim, and nothing from the neighbours
    assert (ctx.before + ctx.quote + ctx.after) in doc.text
    assert ctx.before.startswith("“We’ll also be signing this memorandum")
    assert ctx.after.endswith("is an information front.”")
    html = sources_html(answered("q", "It is the 17th [1].", [c]), 1, {doc.id: doc}.get)
    assert f"<mark>{esc(QUOTE_17)}</mark>" in html
    assert esc("said Secretary Blinken during the joint press conference.\xa0“") + "<mark>" in html
    assert "Explore more" not in html


def test_long_paragraph_is_trimmed_around_the_quote():
    text = " ".join(f"word{i}" for i in range(2000))
    doc = make_doc(text)
    c = cite(doc, "word1000 word1001")
    ctx = quote_context(doc.text, c, max_side=100)
    assert ctx.before.startswith("…") and ctx.after.endswith("…")
    assert len(ctx.before) <= 102 and len(ctx.after) <= 102
    assert ctx.before.endswith("word999 ") and ctx.after.startswith(" word1002")


def test_quote_that_does_not_match_the_stored_text_is_shown_without_context():
    doc = make_doc("Alpha beta gamma.\n\nDelta epsilon.")
    c = cite(doc, "Delta epsilon.")
    wrong = c.model_copy(update={"start": 0, "end": 5})
    assert not quote_context(doc.text, wrong).verified
    assert not quote_context(None, c).verified
    html = sources_html(answered("q", "x [1]", [wrong]), 1, {doc.id: doc}.get)
    assert "<mark>Delta epsilon.</mark>" in html and "Surrounding text unavailable" in html
    assert "Alpha" not in html


def test_markers_link_to_the_source_entries_of_the_same_turn():
    doc = seed_doc()
    c1, c2 = cite(doc, QUOTE_17, 1), cite(doc, "Minister Lipavský and Secretary Blinken signed", 2)
    ans = answered("How many?", "The 17th [1]. Signed in Prague [2]. Not a source [9].", [c1, c2])
    chat = answer_html(ans, turn=3)
    hrefs = [a.get("href") for t, a in parse(chat).tags if t == "a"]
    assert f"#{anchor_id(3, 1)}" in hrefs and f"#{anchor_id(3, 2)}" in hrefs
    assert "#sqa-t3-s9" not in hrefs and "[9]" in chat  # unknown markers stay plain text
    panel = sources_html(ans, 3, {doc.id: doc}.get)
    ids = [a.get("id") for _, a in parse(panel).tags if a.get("id")]
    assert ids == [anchor_id(3, 1), anchor_id(3, 2)]
    # one line, one block: the chat's Markdown renderer passes it through untouched
    assert "\n" not in chat and chat.startswith("<div") and chat.endswith("</div>")
    assert "extractive" in chat


def test_source_entry_shows_title_body_date_and_a_safe_link():
    doc = seed_doc().model_copy(update={"url": "https://mzv.gov.cz/x?a=1&b=2"})
    c = cite(doc, QUOTE_17)
    html = sources_html(answered("q", "x [1]", [c]), 1, {doc.id: doc}.get)
    text = "".join(parse(html).text)
    assert SEED["title"] in text and SEED["source"] in text and "2024-05-30" in text
    links = [a for t, a in parse(html).tags if t == "a"]
    assert links[0]["href"] == "https://mzv.gov.cz/x?a=1&b=2" and "noopener" in links[0]["rel"]
    for bad in ("javascript:alert(1)", "data:text/html,<b>", "//evil", "ftp://x/y", ""):
        c_bad = c.model_copy(update={"url": bad})
        html_bad = sources_html(answered("q", "x [1]", [c_bad]), 1, {doc.id: seed_doc()}.get)
        assert not [a for t, a in parse(html_bad).tags if t == "a"], bad
    assert safe_url(" https://a.b/c ") == "https://a.b/c"


def test_refusal_is_marked_and_lists_the_closest_statements():
    doc = seed_doc()
    other = make_doc("Some other text about NATO.", id="doc-2", title="Other <b>statement</b>", source="WH")
    ans = Answer(
        question="Who won the 1998 World Cup?",
        text="The indexed statements do not say who won the 1998 World Cup.",
        refused=True,
        passages=[passage(doc), passage(doc, doc.text[300:400]), passage(other, other.text)],
    )
    chat = answer_html(ans, 1)
    assert "sqa-refused" in chat and "The indexed statements do not say" in chat
    assert chat.count("<li>") == 2  # one entry per statement
    assert esc("Other <b>statement</b>") in chat
    panel = sources_html(ans, 1, {}.get)
    assert "do not answer the question" in panel and "<mark>" not in panel
    plain = answer_plain_text(ans)
    assert plain.startswith("The indexed statements do not say") and SEED["title"] in plain
    # when the refusal text already names the closest statements, they are not listed twice
    named = ans.model_copy(update={"text": f"Not said. Closest: “{SEED['title']}”; “{other.title}”."})
    assert "sqa-closest" not in answer_html(named, 1)
    assert answer_plain_text(named).count(SEED["title"]) == 1


def test_plain_text_has_title_date_source_url_and_quote():
    doc = seed_doc().model_copy(update={"url": "https://example.gov/seed"})
    ans = answered("How many?", "It is the 17th such memorandum [1].", [cite(doc, QUOTE_17)],
                   notice="LLM unavailable; answered extractively.")
    plain = answer_plain_text(ans)
    assert plain.splitlines()[0] == "It is the 17th such memorandum [1]."
    assert f"[1] {SEED['title']} — {SEED['source']}, 2024-05-30" in plain
    assert "https://example.gov/seed" in plain and f"“{QUOTE_17}”" in plain
    assert "<" not in plain and "&" not in plain  # plain text, not HTML
    assert "LLM unavailable" in plain
    quoted = cite(doc, "“We’ll also be signing this memorandum between us,”")
    plain = answer_plain_text(answered("q", "x [1]", [quoted]))
    assert "    “We’ll also be signing this memorandum between us,”\n" in plain + "\n" and "““" not in plain


def test_untrusted_text_never_becomes_markup():
    doc = make_doc(PAYLOAD_TEXT, title=PAYLOAD_TITLE, source='Body "><script>x</script>',
                   url='javascript:alert("x")')
    quote = "The ministry said <script>window.__sqa_xss=3</script> the bridge reopens on 3 March."
    c = cite(doc, quote)
    ans = answered('<img src=x onerror="q()">', f"{quote} [1]", [c], notice="<script>n()</script>")
    refused = Answer(question="q", text="<b>no</b>", refused=True, passages=[passage(doc, PAYLOAD_TEXT)])
    outputs = [
        answer_html(ans, 1),
        sources_html(ans, 1, {doc.id: doc}.get),
        conversation_sources_html([ans, refused], {doc.id: doc}.get),
        answer_html(refused, 2),
        streaming_html(PAYLOAD_TEXT),
        error_html("<script>e()</script>"),
        upload_results_html([UploadOutcome('<img src=x onerror="u()">.jsonl', False, "<b>bad</b>")]),
        index_panel_html(IndexStats(statements=1, chunks=2, sources={PAYLOAD_TITLE: 1}), notice="<i>n</i>"),
    ]
    for out in outputs:
        assert_inert(out)
        for raw in ("{{", "${", "$$", "`"):  # nothing for a template or math layer to evaluate
            assert raw not in out
    # and the reader still sees the statement's characters as text
    shown = "".join(parse(outputs[1]).text)
    assert "<script>window.__sqa_xss=3</script>" in shown and PAYLOAD_TITLE in shown


def test_conversation_panel_keeps_earlier_turns_folded():
    doc = seed_doc()
    a1 = answered("first?", "one [1]", [cite(doc, QUOTE_17)])
    a2 = answered("second?", "two [1]", [cite(doc, "Minister Lipavský and Secretary Blinken signed")])
    html = conversation_sources_html([a1, a2], {doc.id: doc}.get)
    assert html.index("Q2: second?") < html.index("Earlier: first?")
    ids = [a.get("id") for _, a in parse(html).tags if a.get("id")]
    assert set(ids) == {anchor_id(1, 1), anchor_id(2, 1)}
    assert "Ask a question" in conversation_sources_html([], {}.get)


def test_upload_results_show_per_file_outcome_with_issues():
    res = FileResult(path="/x/a.jsonl", added=2, failed=1,
                     issues=[IngestIssue(path="a.jsonl", line=3, message="missing field 'text'")])
    html = upload_results_html([
        UploadOutcome("a.jsonl", True, "2 added", res),
        UploadOutcome("b.exe", False, "rejected: “.exe” files are not accepted"),
    ])
    text = "".join(parse(html).text)
    assert "a.jsonl: 2 added" in text and "a.jsonl:3: missing field 'text'" in text
    assert "b.exe: rejected" in text
    assert 'class="sqa-upload-bad"' in html and 'class="sqa-upload-ok"' in html


def test_index_panel_lists_counts_sources_and_dates():
    stats = IndexStats(statements=146, chunks=900, sources={"WH": 80, "DoS": 65, "MFA CZ": 1},
                       date_from="2021-01-20", date_to="2024-06-01")
    text = " ".join(parse(index_panel_html(stats, notice="First run: indexed seeds")).text)
    for part in ("146", "statements", "900", "chunks", "2021-01-20", "2024-06-01", "WH", "(80)",
                 "MFA CZ", "First run: indexed seeds"):
        assert part in text


def test_unsupported_claims_and_backend_are_shown_as_such():
    doc = seed_doc()
    ans = answered("How many?", "17 memoranda [1]. The US will sign 40 more next year.", [cite(doc, QUOTE_17)],
                   unsupported_sentences=["The US will sign <b>40</b> more next year."], backend=LLM_TEST)
    html = answer_html(ans, 1)
    assert_inert(html)
    box = html.split('class="sqa-unsupported"', 1)[1]
    assert "Not supported by any verified quote" in box and "&lt;b&gt;40&lt;/b&gt;" in box
    assert "llm:test-model" in html
    plain = answer_plain_text(ans)
    assert "Not supported by any verified quote:\n- The US will sign <b>40</b> more next year." in plain
    assert plain.rstrip().endswith("Answered by: llm:test-model")
