"""Every supported format loads with the metadata a user would see in citations."""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura

from statementqa.ingest import find_date, load_paths, normalize_text, parse_date

ARTICLE = [
    "The Ministers of Foreign Affairs met in Prague on Thursday to discuss security cooperation.",
    "They signed a memorandum of understanding on countering foreign information manipulation.",
    "Both sides reaffirmed their commitment to supporting Ukraine for as long as it takes.",
    "The ministers also discussed energy security, critical minerals and resilient supply chains.",
    "A joint working group will report on progress before the end of the year, the ministry said.",
]


def _only_doc(paths: list[Path]):
    result = load_paths(paths)
    assert result.issues == []
    assert len(result.documents) == 1
    return result.documents[0]


# ---- JSON Lines -------------------------------------------------------------------------------


def test_jsonl_records_keep_their_metadata_and_normalize_dates(tmp_path: Path, write_jsonl) -> None:
    path = write_jsonl(
        tmp_path / "batch.jsonl",
        [
            {
                "id": "a-1",
                "title": "Joint Statement",
                "date": "May 30, 2024",
                "source": "Ministry of Foreign Affairs",
                "url": "https://example.org/a-1",
                "text": "Paragraph one.\n\nParagraph two.",
                "tags": ["ignored"],
            },
            "",
            {"id": "a-2", "text": "First line is the title\nThen the body.", "date": "30.05.2024"},
            {"id": "a-3", "text": "No date here.", "date": "", "title": None},
        ],
    )
    result = load_paths([path])
    assert result.issues == []
    a1, a2, a3 = result.documents
    assert (a1.id, a1.title, a1.date, a1.source, a1.url) == (
        "a-1",
        "Joint Statement",
        "2024-05-30",
        "Ministry of Foreign Affairs",
        "https://example.org/a-1",
    )
    assert a1.text == "Paragraph one.\n\nParagraph two."
    assert a1.origin == f"{path}:1"
    assert (a2.title, a2.date, a2.origin) == ("First line is the title", "2024-05-30", f"{path}:3")
    assert (a3.title, a3.date, a3.source, a3.url) == ("No date here.", None, "", "")
    [file_result] = result.files
    assert (file_result.path, file_result.failed, file_result.issues) == (str(path), 0, [])


# ---- plain text and Markdown ------------------------------------------------------------------


def test_txt_without_metadata_takes_title_and_date_from_the_text(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text(
        "\n  Statement on the NATO Summit  \nPrague, 30 May 2024\n\n" + " ".join(ARTICLE) + "\n",
        encoding="utf-8",
    )
    doc = _only_doc([path])
    assert doc.title == "Statement on the NATO Summit"
    assert doc.date == "2024-05-30"
    assert (doc.id, doc.source, doc.url, doc.origin) == ("note", "", "", str(path))
    assert doc.text.startswith("Statement on the NATO Summit\nPrague, 30 May 2024\n\nThe Ministers")


def test_long_first_line_title_is_cut_at_a_word(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(" ".join(ARTICLE), encoding="utf-8")
    doc = _only_doc([path])
    assert len(doc.title) <= 201 and doc.title.endswith("…")
    assert " ".join(ARTICLE).startswith(doc.title[:-1] + " ")
    assert doc.text == " ".join(ARTICLE)


def test_markdown_title_drops_heading_marks(tmp_path: Path) -> None:
    path = tmp_path / "readout.md"
    path.write_text("## Readout of the Meeting\n\nIssued 2024-05-30.\n\nThe ministers met.\n", encoding="utf-8")
    doc = _only_doc([path])
    assert (doc.title, doc.date) == ("Readout of the Meeting", "2024-05-30")
    assert doc.text == "## Readout of the Meeting\n\nIssued 2024-05-30.\n\nThe ministers met."


def test_front_matter_sets_metadata_and_is_not_part_of_the_text(tmp_path: Path) -> None:
    path = tmp_path / "fm.md"
    path.write_text(
        "---\n"
        "id: cz-2024-note\n"
        'title: "Czech–US Memorandum"\n'
        "date: 30 May 2024\n"
        "source: Ministry of Foreign Affairs of the Czech Republic\n"
        "url: https://mzv.gov.cz/x\n"
        "tags:\n  - nato\n"
        "---\n"
        "# Another heading\n\nIt is the 17th such memorandum.\n",
        encoding="utf-8",
    )
    doc = _only_doc([path])
    assert (doc.id, doc.title, doc.date, doc.source, doc.url) == (
        "cz-2024-note",
        "Czech–US Memorandum",
        "2024-05-30",
        "Ministry of Foreign Affairs of the Czech Republic",
        "https://mzv.gov.cz/x",
    )
    assert doc.text == "# Another heading\n\nIt is the 17th such memorandum."


def test_a_leading_horizontal_rule_is_not_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "rule.txt"
    path.write_text("---\nJust a rule, then prose.\n---\nMore prose.\n", encoding="utf-8")
    doc = _only_doc([path])
    assert doc.text == "---\nJust a rule, then prose.\n---\nMore prose."


# ---- HTML -------------------------------------------------------------------------------------

NAV = (
    '<nav class="menu"><ul><li><a href="/">Homepage</a></li><li><a href="/press">Press Office</a></li>'
    '<li><a href="/contact">Contact Us</a></li></ul></nav>'
)


def _page(paragraphs: list[str], head_extra: str = "", article: bool = True) -> str:
    body = "<h1>Joint Statement on Security</h1>" + "".join(f"<p>{p}</p>" for p in paragraphs)
    if article:
        body = f"<main><article>{body}</article></main>"
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<title>Joint Statement on Security | Ministry</title>"
        "<style>p { color: red; }</style><script>alert(1)</script>"
        f"{head_extra}</head><body>{NAV}{body}"
        "<footer>Cookie settings. Copyright Ministry.</footer>"
        "<script>window.tracker = 'x'; alert(1)</script></body></html>"
    )


HEAD_META = (
    '<meta property="og:site_name" content="Ministry of Foreign Affairs">'
    '<meta property="article:published_time" content="2024-05-30T09:15:00+02:00">'
    '<link rel="canonical" href="https://mzv.example/joint-statement">'
)


@pytest.mark.parametrize(
    "paragraphs,article",
    [(ARTICLE[:1], True), (ARTICLE[:1], False), (ARTICLE * 3, True), (ARTICLE * 3, False)],
    ids=["tiny-article", "tiny-bare", "full-article", "full-bare"],
)
def test_html_keeps_the_statement_and_drops_scripts_styles_and_menus(
    tmp_path: Path, paragraphs: list[str], article: bool
) -> None:
    path = tmp_path / "page.html"
    path.write_text(_page(paragraphs, HEAD_META, article), encoding="utf-8")
    doc = _only_doc([path])
    assert ARTICLE[0] in doc.text
    for junk in ("alert(1)", "tracker", "color: red", "Homepage", "Press Office", "Contact Us", "Cookie"):
        assert junk not in doc.text
    assert doc.title == "Joint Statement on Security | Ministry"  # "Ministry" is not the og:site_name
    assert (doc.date, doc.source, doc.url) == (
        "2024-05-30",
        "Ministry of Foreign Affairs",
        "https://mzv.example/joint-statement",
    )


@pytest.mark.parametrize("trafilatura_result", ["nothing", "crash"])
def test_html_fallback_extraction_drops_scripts_and_menus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, trafilatura_result: str
) -> None:
    """When trafilatura finds nothing (or fails) the page still loads, without code or menus."""

    def fake_extract(*args: object, **kwargs: object) -> None:
        if trafilatura_result == "crash":
            raise ValueError("lxml could not parse this")

    monkeypatch.setattr(trafilatura, "extract", fake_extract)
    path = tmp_path / "fragment.html"
    path.write_text(
        f"{NAV}<script>alert(1)</script><style>b{{}}</style><p>Short&nbsp;notice.</p><p>Second line.</p>",
        encoding="utf-8",
    )
    doc = _only_doc([path])
    assert doc.text == "Short\u00a0notice.\n\nSecond line."
    assert doc.title == "Short\u00a0notice."


def test_html_title_drops_the_site_name_suffix(tmp_path: Path) -> None:
    path = tmp_path / "wh.html"
    path.write_text(
        "<html><head><title>Readout of the Call | The White House</title>"
        '<meta property="og:site_name" content="The White House"></head>'
        f"<body><p>{ARTICLE[0]}</p></body></html>",
        encoding="utf-8",
    )
    doc = _only_doc([path])
    assert (doc.title, doc.source) == ("Readout of the Call", "The White House")


def test_html_without_meta_uses_h1_and_the_dateline(tmp_path: Path) -> None:
    path = tmp_path / "plain.htm"
    path.write_text(
        "<html><body><h1>Readout of the Call</h1><p>WASHINGTON, May 30, 2024</p>"
        + "".join(f"<p>{p}</p>" for p in ARTICLE)
        + "</body></html>",
        encoding="utf-8",
    )
    doc = _only_doc([path])
    assert (doc.title, doc.date, doc.source, doc.id) == ("Readout of the Call", "2024-05-30", "", "plain")


# ---- PDF --------------------------------------------------------------------------------------


def test_pdf_text_layer_loads_with_title_and_date(tmp_path: Path, write_pdf) -> None:
    path = write_pdf(
        tmp_path / "release.pdf",
        ["Press release", "Prague, 30 May 2024", *ARTICLE],
        title="Czech-US Memorandum Signed",
    )
    doc = _only_doc([path])
    assert (doc.title, doc.date, doc.id) == ("Czech-US Memorandum Signed", "2024-05-30", "release")
    assert "memorandum of understanding on countering foreign information manipulation" in doc.text
    assert doc.text == normalize_text(doc.text)


def test_pdf_without_title_metadata_uses_the_first_line(tmp_path: Path, write_pdf) -> None:
    doc = _only_doc([write_pdf(tmp_path / "x.pdf", ["Statement by the Spokesperson", *ARTICLE])])
    assert doc.title == "Statement by the Spokesperson"
    assert doc.date is None


# ---- folders and ids --------------------------------------------------------------------------


def _make_tree(root: Path) -> None:
    (root / "2024").mkdir(parents=True)
    (root / "2024" / "note.txt").write_text("Note\nbody", encoding="utf-8")
    (root / "2024" / "b.md").write_text("# B\nbody", encoding="utf-8")
    (root / "a.html").write_text("<p>A page</p>", encoding="utf-8")
    (root / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")  # unsupported: silently skipped
    (root / "README.md").write_text("# About this folder", encoding="utf-8")  # corpus notes: skipped
    (root / ".hidden.txt").write_text("secret", encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "x.txt").write_text("internal", encoding="utf-8")


def test_directories_are_walked_sorted_and_skip_hidden_and_unsupported(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    _make_tree(root)
    result = load_paths([root])
    assert result.issues == []
    assert [d.id for d in result.documents] == ["docs-2024-b", "docs-2024-note", "docs-a"]
    assert [f.path for f in result.files] == [
        str(root / "2024" / "b.md"),
        str(root / "2024" / "note.txt"),
        str(root / "a.html"),
    ]


def test_ids_are_stable_across_runs_and_working_directories(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "docs"
    _make_tree(root)
    first = [(d.id, d.content_hash) for d in load_paths([root]).documents]
    monkeypatch.chdir(tmp_path)
    assert [(d.id, d.content_hash) for d in load_paths(["docs"]).documents] == first
    assert [(d.id, d.content_hash) for d in load_paths(["docs/"]).documents] == first
    monkeypatch.chdir(root)
    assert [d.id for d in load_paths(["2024/note.txt"]).documents] == ["note"]


# ---- content hash -----------------------------------------------------------------------------

BASE = {
    "id": "s-1",
    "title": "T",
    "date": "2024-05-30",
    "source": "S",
    "url": "https://u.example",
    "text": "Body text.",
}


def _hash(tmp_path: Path, write_jsonl, name: str, **changes: str) -> str:
    result = load_paths([write_jsonl(tmp_path / f"{name}.jsonl", [{**BASE, **changes}])])
    assert result.issues == []
    return result.documents[0].content_hash


@pytest.mark.parametrize(
    "field,value",
    [("text", "Body text, edited."), ("title", "T2"), ("date", "2024-05-31"), ("source", "S2"), ("url", "x")],
)
def test_content_hash_changes_when_text_or_metadata_change(tmp_path: Path, write_jsonl, field, value) -> None:
    assert _hash(tmp_path, write_jsonl, "a") != _hash(tmp_path, write_jsonl, "b", **{field: value})


def test_content_hash_ignores_location_and_insignificant_whitespace(tmp_path: Path, write_jsonl) -> None:
    original = _hash(tmp_path, write_jsonl, "a")
    assert _hash(tmp_path, write_jsonl, "moved") == original  # other file, same statement
    assert _hash(tmp_path, write_jsonl, "crlf", text="Body text.  \r\n") == original
    assert _hash(tmp_path, write_jsonl, "date-form", date="May 30, 2024") == original


# ---- normalization and dates ------------------------------------------------------------------


def test_normalize_text_only_touches_line_ends_and_blank_runs() -> None:
    assert normalize_text("  a \r\nb\t\r\n\r\n\r\n\r\n  c  \n") == "a\nb\n\n  c"
    assert normalize_text("Cafe\u0301") == "Café"  # NFC
    kept = "It\u2019s the 17th\u00a0such memorandum \u201cquoted\u201d \u2014 ok\n- item"
    assert normalize_text(kept) == kept


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Prague, May 30, 2024 - The ministers met.", "2024-05-30"),
        ("Prague, 30 May 2024 - The ministers met.", "2024-05-30"),
        ("Issued 2024-05-30 by the ministry.", "2024-05-30"),
        ("Praha 30.05.2024: the ministers met.", "2024-05-30"),
        ("WASHINGTON, MAY 30, 2024 - Readout.", "2024-05-30"),
        ("Issued on the 30th of May, 2024.", "2024-05-30"),
        ("Sept. 5, 2024: the ministers met.", "2024-09-05"),
        ("At the June 29-30, 2022 summit in Madrid.", "2022-06-29"),
        ("Signed in 1999 (12 March 1999); published May 30, 2024.", "1999-03-12"),  # first in the text
        ("Stated 31 February 2024, then 2024-05-30.", "2024-05-30"),  # not a real day: skipped
        ("Today the ministers met. Thirty years ago today, NATO grew.", None),
        ("The summit on October 13 and 14 went well.", None),
        ("We will meet on May 30, 2999.", None),  # the future: not a statement date
        ("The treaty of June 1, 1850 was cited.", None),  # before 1900
        ("No date at all, only the 17th memorandum and 2024 plans.", None),
    ],
)
def test_find_date_takes_only_clear_plausible_dates(text: str, expected: str | None) -> None:
    assert find_date(text) == expected


def test_find_date_only_looks_near_the_start() -> None:
    assert find_date("x " * 600 + "May 30, 2024") is None


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2024-05-30", "2024-05-30"),
        ("2024-05-30T12:00:00Z", "2024-05-30"),
        ("Thursday, May 30, 2024", "2024-05-30"),
        ("05.06.2024", "2024-06-05"),
        ("someday", None),
        ("May 2024", None),
        ("2024-13-45", None),
    ],
)
def test_parse_date_accepts_common_full_dates_only(value: str, expected: str | None) -> None:
    assert parse_date(value) == expected
