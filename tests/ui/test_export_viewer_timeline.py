"""Exports (Markdown, JSON, citation lines), the statement viewer and the timeline data, without a browser."""

from __future__ import annotations

import json
import re
from datetime import date, datetime

from uikit import PAYLOAD_TEXT, PAYLOAD_TITLE, answered, assert_inert, cite, make_doc, parse, passage

from statementqa.export import (
    answer_markdown,
    citation_line,
    conversation_json,
    conversation_markdown,
    md_unescape,
)
from statementqa.models import Answer
from statementqa.render import statement_viewer_html
from statementqa.timeline import CITED, MATCHING, build_timeline, frame

DOC = make_doc("Intro paragraph.\n\nThe minister said the bridge reopens on 3 March. It cost 9 million euros.\n\nEnd.",
               id="d1", title="Minister on bridge reopening", source="Ministry of Examples", date="2025-02-10",
               url="https://example.org/bridge")
Q1 = "The minister said the bridge reopens on 3 March."
Q2 = "It cost 9 million euros."
ACCESSED = date(2025, 12, 1)


def two_quotes() -> Answer:
    return answered("When does the bridge reopen?", "On 3 March [1], at a cost of 9 million euros [2].",
                    [cite(DOC, Q1, 1), cite(DOC, Q2, 2)])


# ---- export --------------------------------------------------------------------------------------

def test_citation_line_names_issuer_title_date_url_and_access_date():
    line = citation_line(cite(DOC, Q1), ACCESSED)
    assert line == ("Ministry of Examples. “Minister on bridge reopening.” 10 February 2025. "
                    "https://example.org/bridge (accessed 1 December 2025).")
    undated = citation_line(cite(make_doc("x y z", title="Readout?", date=None, url=""), "y"), ACCESSED)
    assert undated == "Ministry. “Readout?” undated. (accessed 1 December 2025)."


def test_json_export_carries_every_answer_field_with_offsets_and_rechecks_each_quote():
    changed = make_doc(DOC.text.replace("3 March", "4 March"), **{k: getattr(DOC, k) for k in
                                                                   ("id", "title", "source", "date", "url")})
    first, second = two_quotes(), answered("Cost?", "9 million euros [1].", [cite(DOC, Q2, 1)])
    data = json.loads(json.dumps(conversation_json([first, second], {DOC.id: DOC}.get,
                                                   now=datetime(2025, 12, 1, 9, 0))))
    assert data["format"] == "statementqa-conversation" and len(data["turns"]) == 2
    turn = data["turns"][0]
    assert set(turn["answer"]) == set(Answer.model_fields)  # generic: new Answer fields are exported too
    for c in turn["answer"]["citations"]:
        assert DOC.text[c["start"]:c["end"]] == c["quote"]
    assert turn["quotes_verified"] == {"1": True, "2": True}
    assert turn["citation_lines"]["1"].endswith("(accessed 1 December 2025).")
    # the statement was re-ingested with other text: the export says which quote no longer matches
    stale = conversation_json([first], {DOC.id: changed}.get)["turns"][0]["quotes_verified"]
    assert stale == {"1": False, "2": True}


def test_markdown_export_quotes_verbatim_and_keeps_statement_markup_inert():
    doc = make_doc(PAYLOAD_TEXT, id="p1", title=PAYLOAD_TITLE, url="javascript:alert(1)")
    quote = 'the bridge reopens on 3 March. <img src=x onerror="window.__sqa_xss=4">'
    ans = answered("When? *now* [x](y)", "3 March [1].", [cite(doc, quote)])
    md = answer_markdown(ans, {doc.id: doc}.get, ACCESSED)
    block = "\n".join(line[2:] for line in md.splitlines() if line.startswith("> "))
    assert md_unescape(block) == quote  # the quote, exactly, once the Markdown escapes are read
    assert not re.search(r"(?<!\\)[<\[]", md)  # every < and [ from the statement is escaped
    assert "javascript:" not in md  # not a web address: left out of the reference
    assert "Characters" in md and f"{ans.citations[0].start}–{ans.citations[0].end}" in md
    whole = conversation_markdown([ans, two_quotes()], {doc.id: doc, DOC.id: DOC}.get)
    assert whole.count("\n## ") == 2 and "Minister on bridge reopening" in whole


# ---- the statement viewer ------------------------------------------------------------------------

def test_viewer_shows_the_whole_statement_with_every_quote_highlighted_by_its_offsets():
    html = statement_viewer_html(DOC, two_quotes().citations, question="When does the bridge reopen?")
    tree = parse(html)
    text = "".join(tree.text)
    assert "Intro paragraph." in text and "End." in text  # the whole statement, not the quoted paragraph
    marks = re.findall(r"<mark[^>]*>(.*?)</mark>", html, flags=re.S)
    assert marks == [Q1, Q2]
    assert html.count("data-sqa-first") == 1  # where the page scrolls to
    assert 'href="https://example.org/bridge"' in html and "2 highlighted passages" in html
    overlapping = statement_viewer_html(DOC, [cite(DOC, Q1, 1), cite(DOC, "reopens on 3 March. It cost", 2)])
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", overlapping) == [DOC.text[DOC.text.index(Q1):
                                                                           DOC.text.index(" 9 million")]]


def test_viewer_highlights_separate_quotes_separately_and_skips_a_quote_that_no_longer_matches():
    far = make_doc("A first quoted sentence. " + "Filler text here. " * 20 + "A second quoted sentence.", id="d2")
    c1, c2 = cite(far, "A first quoted sentence."), cite(far, "A second quoted sentence.", 2)
    stale = c2.model_copy(update={"quote": "Something the statement no longer says."})
    html = statement_viewer_html(far, [c1, stale])
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", html) == ["A first quoted sentence."]
    assert "[2]" in html and "no longer matches" in html
    both = statement_viewer_html(far, [c1, c2])
    assert re.findall(r"<mark[^>]*>(.*?)</mark>", both) == ["A first quoted sentence.", "A second quoted sentence."]


def test_viewer_renders_payloads_as_text_and_links_only_http_urls():
    doc = make_doc(PAYLOAD_TEXT, id="p1", title=PAYLOAD_TITLE, url="javascript:window.__sqa_xss=9")
    html = statement_viewer_html(doc, [cite(doc, "the bridge reopens on 3 March.")])
    assert_inert(html)
    assert "<a " not in html  # the javascript: URL is not a link
    text = "".join(parse(html).text)
    assert PAYLOAD_TITLE in text and "<script>window.__sqa_xss=3</script>" in text
    assert "{{7*7}}" not in html and "&#123;&#123;7*7&#125;&#125;" in html  # no template layer evaluates it
    missing = statement_viewer_html(None, [], requested_id='"><img src=x onerror=alert(1)>')
    assert_inert(missing) and "No statement with id" in missing


# ---- the timeline --------------------------------------------------------------------------------

def test_timeline_has_one_point_per_matching_statement_with_the_cited_one_marked():
    older = make_doc("Old text about the bridge.", id="d0", title="Earlier bridge statement", date="2024-06-01",
                     source="Ministry of Examples")
    other = make_doc("Other issuer on the bridge.", id="o1", title="Other view", date="2025-01-05", source="City")
    undated = make_doc("No date here.", id="u1", title="Undated", date=None, source="City")
    ans = two_quotes().model_copy(update={"passages": [passage(DOC), passage(older)]})
    tl = build_timeline(ans, [passage(other), passage(undated), passage(older), passage(DOC)])
    assert [(p.doc_id, p.status) for p in tl.points] == [("d0", MATCHING), ("o1", MATCHING), ("d1", CITED)]
    assert tl.points[-1].citations == "[1] [2]" and tl.undated == 1
    assert tl.caption() == ("3 matching statements dated 2024-06-01 to 2025-02-10; 1 cited (the most recent); "
                            "1 undated not shown.")
    df = frame(tl)
    assert list(df["issuer"]) == ["Ministry of Examples", "City", "Ministry of Examples"]
    assert list(df["status"]) == [MATCHING, MATCHING, CITED] and str(df["date"].dtype).startswith("datetime64")
    refused = ans.model_copy(update={"refused": True, "citations": []})
    assert not build_timeline(refused, []).cited  # a refusal cites nothing
