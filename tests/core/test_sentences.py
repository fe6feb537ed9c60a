"""Quotes are whole sentences: sentences run across soft line breaks (wrapped .txt/.md, PDF text layers)
and end at paragraph breaks, list items, headings and speaker turns."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from fpdf import FPDF

from statementqa import open_index
from statementqa.sentences import enclosing, sentence_spans
from tests.support import make_settings

LICENCES = (
    "The Minister of Mines told reporters in the capital on Monday that the government will grant 900 new "
    "mining licences only if Parliament passes the mining law, which it rejected in a vote last week. "
    "The ministry will publish the list of applicants in April. Mining companies welcomed the announcement "
    "and said that Exploration Permits would follow."
)
WHOLE = (
    "The Minister of Mines told reporters in the capital on Monday that the government will grant 900 new "
    "mining licences only if Parliament passes the mining law, which it rejected in a vote last week."
)


def sentences(text: str) -> list[str]:
    return [" ".join(text[s:e].split()) for s, e in sentence_spans(text)]


@pytest.mark.parametrize("width", [38, 50, 61, 72, 90])
def test_a_sentence_runs_across_soft_line_breaks(width: int) -> None:
    """Wrapped at any width, wherever the breaks fall (before "only", before "Parliament", …)."""
    text = "Ministry of Mines\nPress release, 3 March 2025\n\n" + textwrap.fill(LICENCES, width)
    got = sentences(text)
    assert got[:3] == ["Ministry of Mines", "Press release, 3 March 2025", WHOLE]
    assert got[3] == "The ministry will publish the list of applicants in April."
    for s, e in sentence_spans(text):
        assert text[s:e] == text[s:e].strip()


def test_paragraphs_list_items_headings_and_speaker_turns_end_sentences() -> None:
    text = (
        "## Outcomes of the meeting\n"
        "The ministers agreed to:\n"
        "- extend the programme until 2026, subject to\n"
        "  funding from both governments;\n"
        "- meet again in May\n"
        "1. A joint working group will report to the\n"
        "   ministers in June\n"
        "\n"
        "SECRETARY BLINKEN: Thank you very much, Jan, for hosting us here in\n"
        "Prague today.\n"
        "FOREIGN MINISTER LIPAVSKÝ:\n"
        "It is the 17th such memorandum of understanding\n"
        "that we have signed."
    )
    assert sentences(text) == [
        "## Outcomes of the meeting",
        "The ministers agreed to:",
        "- extend the programme until 2026, subject to funding from both governments;",
        "- meet again in May",
        "1. A joint working group will report to the ministers in June",
        "SECRETARY BLINKEN: Thank you very much, Jan, for hosting us here in Prague today.",
        "FOREIGN MINISTER LIPAVSKÝ:",
        "It is the 17th such memorandum of understanding that we have signed.",
    ]
    # a list of short entries (no wrapped lines in the text) is not run together
    names = "Participating ministers\nAustralia\nSenator Richard Colbeck\nAustria\nWerner Kogler"
    assert sentences(names) == names.split("\n")


def test_titles_and_initialisms_do_not_end_a_sentence_but_a_new_sentence_after_one_starts() -> None:
    whole = [
        "Honoring tradition, 75 of Mrs. Biden’s guests came to the White House for the holidays.",
        "The son of two steelworkers, he promptly joined the U.S. Army, where he served for seven years.",
        "Lt. Col. Vindman briefed the committee of the House on the call in detail.",
        "The memorandum was signed in Washington, D.C. on Thursday by both foreign ministers.",
    ]
    for text in whole:
        assert sentences(text) == [text]
    two = "The minister travelled widely across the U.S. The visit ended on Friday with a press conference."
    assert sentences(two) == [
        "The minister travelled widely across the U.S.",
        "The visit ended on Friday with a press conference.",
    ]


def test_enclosing_widens_a_fragment_to_its_whole_sentences() -> None:
    text = textwrap.fill(LICENCES, 60)
    at = text.index("900 new")
    s, e = enclosing(text, at, at + len("900 new"))
    assert " ".join(text[s:e].split()) == WHOLE
    two = enclosing(text, at, text.index("in April") + 3)
    assert text[two[0] : two[1]].endswith("in April.")


# ---- end to end: what the extractive answer quotes from wrapped files -------------------------------


def _wrapped_txt(path: Path) -> Path:
    path.write_text("Ministry of Mines\nPress release, 3 March 2025\n\n" + textwrap.fill(LICENCES, 64) + "\n",
                    encoding="utf-8")
    return path


def _wrapped_md(path: Path) -> Path:
    path.write_text("# Ministry of Mines\n\n*3 March 2025*\n\n" + textwrap.fill(LICENCES, 47) + "\n", encoding="utf-8")
    return path


def _pdf(path: Path) -> Path:
    """A PDF whose text layer breaks lines where the page does (fpdf2 wraps the paragraph)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in ("Ministry of Mines", "Press release, 3 March 2025"):
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(0, 7, LICENCES, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


@pytest.mark.parametrize("make", [_wrapped_txt, _wrapped_md, _pdf], ids=["txt", "md", "pdf"])
def test_extractive_answer_quotes_the_whole_wrapped_sentence(tmp_path: Path, make) -> None:
    name = {"_wrapped_txt": "licences.txt", "_wrapped_md": "licences.md", "_pdf": "licences.pdf"}[make.__name__]
    source = make(tmp_path / name)
    ix = open_index(tmp_path / "ix", settings=make_settings(tmp_path / "ix"))
    try:
        assert ix.ingest([source]).added == 1
        ans = ix.answer("How many new mining licences will the government grant?")
        assert not ans.refused, ans.text
        quote = ans.citations[0].quote
        assert " ".join(quote.split()) == WHOLE  # not cut at the line break before "only if Parliament …"
        doc = ix.document(ans.citations[0].doc_id)
        assert doc is not None and doc.text[ans.citations[0].start : ans.citations[0].end] == quote
    finally:
        ix.close()
