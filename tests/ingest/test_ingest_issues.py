"""Bad input: each problem is one clear issue naming the file (and line); nothing else in the batch is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from statementqa import ingest
from statementqa.ingest import load_paths
from statementqa.models import IngestIssue, LoadResult

GOOD = {"id": "good-1", "title": "Good", "date": "2024-05-30", "source": "S", "text": "Fine statement."}


def _issues_for(result: LoadResult, path: Path) -> list[IngestIssue]:
    return [i for i in result.issues if i.path == str(path)]


def _one_issue(result: LoadResult, path: Path) -> IngestIssue:
    issues = _issues_for(result, path)
    assert len(issues) == 1, result.issues
    return issues[0]


def _load_with_good(tmp_path: Path, write_jsonl, bad: Path) -> LoadResult:
    """Load a bad input between two good files: the good ones must survive."""
    before = write_jsonl(tmp_path / "before.jsonl", [GOOD])
    after = tmp_path / "after.txt"
    after.write_text("After statement\nbody", encoding="utf-8")
    result = load_paths([before, bad, after])
    assert [d.id for d in result.documents] == ["good-1", "after"]
    return result


# ---- JSON Lines -------------------------------------------------------------------------------


def test_bad_jsonl_lines_are_reported_by_line_and_the_other_lines_load(tmp_path: Path, write_jsonl) -> None:
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            {"id": "ok-1", "text": "First good statement."},
            '{"id": "broken", "text": "no closing brace"',
            {"id": "no-text", "title": "Only a title"},
            {"id": "ok-2", "text": "Second good statement."},
            {"id": "bad-date", "text": "x", "date": "someday"},
            {"text": "no id"},
            {"id": "num-source", "text": "x", "source": 5},
            '["not", "an", "object"]',
            {"id": "", "text": "empty id"},
            {"id": "blank-text", "text": "  \n "},
            {"id": "ok-3", "text": "Third good statement.", "date": "30 May 2024"},
        ],
    )
    result = load_paths([path])
    assert [d.id for d in result.documents] == ["ok-1", "ok-2", "ok-3"]
    by_line = {i.line: i.message for i in result.issues}
    assert all(i.path == str(path) for i in result.issues)
    assert by_line[2].startswith("malformed JSON (Expecting ',' delimiter at column")
    assert by_line[2].endswith("— fix or remove this line")
    assert by_line[3] == "missing required field 'text'"
    assert by_line[5] == "field 'date' = 'someday' is not a date (use YYYY-MM-DD)"
    assert by_line[6] == "missing required field 'id'"
    assert by_line[7].startswith("field 'source' must be a string (got number")
    assert "expected a JSON object" in by_line[8] and "array" in by_line[8]
    assert by_line[9] == "field 'id' is empty"
    assert by_line[10] == "field 'text' is empty"
    assert sorted(by_line) == [2, 3, 5, 6, 7, 8, 9, 10]
    [file_result] = result.files
    assert file_result.failed == 8 and len(file_result.issues) == 8
    assert str(result.issues[0]) == f"{path}:2: {by_line[2]}"


def test_non_utf8_jsonl_line_is_reported_and_the_rest_loads(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"id": "a", "text": "fine"}\n{"id": "b", "text": "caf\xe9"}\n{"id": "c", "text": "also fine"}\n')
    result = load_paths([path])
    assert [d.id for d in result.documents] == ["a", "c"]
    issue = _one_issue(result, path)
    assert issue.line == 2
    assert issue.message == "not valid UTF-8 (byte 0xe9 at column 25) — re-save the file as UTF-8"


# ---- whole files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"  \n\n \t\n", "empty file"),
        ("empty.jsonl", b"\n\n", "empty file"),
        ("empty.pdf", b"", "empty file"),
        ("empty.html", b"", "empty file"),
        (
            "binary.txt",
            b"GIF89a\x01\x00\x01\x00\x00\xff\x00,",
            "binary file (not text) — only .jsonl/.txt/.md/.html/.pdf are supported",
        ),
        (
            "binary.jsonl",
            b"\x00\x01\x02\x03garbage",
            "binary file (not text) — only .jsonl/.txt/.md/.html/.pdf are supported",
        ),
        ("latin1.txt", b"Caf\xe9 statement", "not valid UTF-8 (byte 0xe9 at offset 3) — re-save the file as UTF-8"),
        ("utf16.txt", "Statement".encode("utf-16"), "UTF-16 text — re-save the file as UTF-8"),
        ("only-front-matter.md", b"---\ntitle: x\n---\n\n", "no text (the file has only front matter or whitespace)"),
        (
            "bad-date.md",
            b"---\ndate: someday\n---\nBody",
            "front matter 'date' = 'someday' is not a date (use YYYY-MM-DD)",
        ),
        ("no-text.html", b"<html><body><script>alert(1)</script></body></html>", "no visible text in this HTML page"),
    ],
)
def test_bad_files_give_one_clear_issue_and_the_batch_goes_on(
    tmp_path: Path, write_jsonl, name: str, content: bytes, message: str
) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    result = _load_with_good(tmp_path, write_jsonl, bad)
    issue = _one_issue(result, bad)
    assert (issue.line, issue.message) == (None, message)
    [file_result] = [f for f in result.files if f.path == str(bad)]
    assert file_result.failed == 1


def test_pdf_without_text_layer_says_to_run_ocr(tmp_path: Path, write_jsonl, write_image_only_pdf) -> None:
    bad = write_image_only_pdf(tmp_path / "scan.pdf")
    issue = _one_issue(_load_with_good(tmp_path, write_jsonl, bad), bad)
    assert issue.message == "PDF has no text layer (scanned image?) — run OCR first"


def _encrypted_pdf(path: Path, user_password: str | None) -> Path:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password=user_password)
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, "Copy-protected statement. Prague, 30 May 2024.")
    pdf.output(str(path))
    return path


def test_password_protected_pdf_is_reported_but_copy_protected_loads(tmp_path: Path, write_jsonl) -> None:
    locked = _encrypted_pdf(tmp_path / "locked.pdf", "secret")
    issue = _one_issue(_load_with_good(tmp_path, write_jsonl, locked), locked)
    assert issue.message == "PDF is password-protected — save an unprotected copy and load that"
    [doc] = load_paths([_encrypted_pdf(tmp_path / "protected.pdf", None)]).documents
    assert (doc.text, doc.date) == ("Copy-protected statement. Prague, 30 May 2024.", "2024-05-30")


@pytest.mark.parametrize("method", ["AES_128", "AES_256"])
def test_aes_encrypted_pdfs_load_or_say_they_need_a_password(tmp_path: Path, write_jsonl, method: str) -> None:
    """AES needs pypdf's ``cryptography`` extra (a pinned dependency): copy protection alone loads."""
    from fpdf.enums import EncryptionMethod

    def aes_pdf(path: Path, user_password: str | None) -> Path:
        pdf = FPDF()
        pdf.set_encryption(owner_password="owner", user_password=user_password,
                           encryption_method=getattr(EncryptionMethod, method))
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.multi_cell(0, 8, "AES protected statement. Prague, 30 May 2024.")
        pdf.output(str(path))
        return path

    [doc] = load_paths([aes_pdf(tmp_path / "copy-protected.pdf", None)]).documents
    assert (doc.text, doc.date) == ("AES protected statement. Prague, 30 May 2024.", "2024-05-30")
    locked = aes_pdf(tmp_path / "locked.pdf", "secret")
    issue = _one_issue(_load_with_good(tmp_path, write_jsonl, locked), locked)
    assert issue.message == "PDF is password-protected — save an unprotected copy and load that"


def test_corrupt_pdf_is_reported(tmp_path: Path, write_jsonl) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n this is not really a pdf \n%%EOF")
    issue = _one_issue(_load_with_good(tmp_path, write_jsonl, bad), bad)
    assert issue.message.startswith("not a readable PDF")


def test_nonexistent_path_is_an_issue(tmp_path: Path, write_jsonl) -> None:
    missing = tmp_path / "nope" / "statements.jsonl"
    result = _load_with_good(tmp_path, write_jsonl, missing)
    assert _one_issue(result, missing).message == "no such file or directory"
    assert [f.failed for f in result.files if f.path == str(missing)] == [1]


def test_explicit_unsupported_file_is_an_issue_but_not_inside_a_folder(tmp_path: Path, write_jsonl) -> None:
    doc = tmp_path / "statement.docx"
    doc.write_bytes(b"PK\x03\x04 zip")
    result = _load_with_good(tmp_path, write_jsonl, doc)
    message = _one_issue(result, doc).message
    assert message == "unsupported file type '.docx' — only .jsonl/.txt/.md/.html/.pdf are supported"

    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "statement.docx").write_bytes(b"PK\x03\x04 zip")
    (folder / "ok.txt").write_text("OK statement", encoding="utf-8")
    result = load_paths([folder])
    assert (result.issues, [d.id for d in result.documents]) == ([], ["folder-ok"])


def test_folder_without_supported_files_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"\x89PNG")
    issue = _one_issue(load_paths([folder]), folder)
    assert issue.message.startswith("no supported files in this directory")


def test_unreadable_file_is_reported(tmp_path: Path, write_jsonl, monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulated (tests may run as root, where chmod 000 does not stop reading)."""
    locked = tmp_path / "locked.txt"
    locked.write_text("secret", encoding="utf-8")
    real_read_bytes = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    issue = _one_issue(_load_with_good(tmp_path, write_jsonl, locked), locked)
    assert issue.message == "cannot read file: Permission denied"


def test_a_loader_crash_is_contained(tmp_path: Path, write_jsonl, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(src: object) -> None:
        raise RuntimeError("unexpected")

    monkeypatch.setitem(ingest._LOADERS, ".md", boom)
    bad = tmp_path / "x.md"
    bad.write_text("# X", encoding="utf-8")
    issue = _one_issue(_load_with_good(tmp_path, write_jsonl, bad), bad)
    assert issue.message.startswith("could not load file (RuntimeError: unexpected)")


# ---- duplicates -------------------------------------------------------------------------------


def test_duplicate_ids_keep_the_first_and_name_both_places(tmp_path: Path, write_jsonl) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", [{"id": "dup", "text": "first version"}])
    second = write_jsonl(
        tmp_path / "b.jsonl",
        [{"id": "other", "text": "x"}, {"id": "dup", "text": "second version"}, {"id": "dup", "text": "third"}],
    )
    result = load_paths([first, second])
    assert [(d.id, d.text) for d in result.documents] == [("dup", "first version"), ("other", "x")]
    issues = _issues_for(result, second)
    assert [i.line for i in issues] == [2, 3]
    assert issues[0].message == (
        f"duplicate id 'dup' (already loaded from {first}:1) — this one was skipped; give each statement a unique id"
    )
    assert [f.failed for f in result.files] == [0, 2]


def test_same_file_twice_in_one_batch_is_reported_not_doubled(tmp_path: Path, write_jsonl) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [GOOD])
    result = load_paths([path, path])
    assert len(result.documents) == 1
    assert [i.message.split(" (")[0] for i in result.issues] == ["duplicate id 'good-1'"]


# ---- statements over the size limit -------------------------------------------------------------

LIMIT = 5_000  # lowered for the tests; the default (Settings.max_statement_chars) is 2,000,000


def test_a_statement_over_the_limit_is_rejected_by_line_and_the_rest_loads(tmp_path: Path, write_jsonl) -> None:
    path = write_jsonl(
        tmp_path / "big.jsonl",
        [
            {"id": "ok-1", "text": "First good statement."},
            {"id": "long", "text": "word " * 1_300},  # 6,500 characters: parsed, then rejected
            {"id": "huge", "text": "x" * 200_000},  # far over: skipped without being read whole
            {"id": "ok-2", "text": "Second good statement."},
        ],
    )
    result = load_paths([path], max_statement_chars=LIMIT)
    assert [d.id for d in result.documents] == ["ok-1", "ok-2"]
    by_line = {i.line: i.message for i in _issues_for(result, path)}
    assert by_line == {
        2: "field 'text' is too long (6,500 characters; the limit is 5,000, STATEMENTQA_MAX_STATEMENT_CHARS) — "
           "split it into several statements or raise the limit",
        3: "line is too large (200,027 bytes) for a statement of at most 5,000 characters "
           "(STATEMENTQA_MAX_STATEMENT_CHARS) — split it into several statements or raise the limit",
    }


@pytest.mark.parametrize("name", ["long.txt", "long.md", "long.html"])
def test_a_file_over_the_limit_is_rejected_and_the_rest_loads(tmp_path: Path, write_jsonl, name: str) -> None:
    bad = tmp_path / name
    body = "The ministry said a great many things. " * 160  # 6,400 characters of text
    bad.write_text(f"<html><body><p>{body}</p></body></html>" if name.endswith(".html") else body, encoding="utf-8")
    before = write_jsonl(tmp_path / "before.jsonl", [GOOD])
    result = load_paths([before, bad], max_statement_chars=LIMIT)
    assert [d.id for d in result.documents] == ["good-1"]
    message = _one_issue(result, bad).message
    assert "is too long (6,239 characters; the limit is 5,000, STATEMENTQA_MAX_STATEMENT_CHARS)" in message


def test_a_file_far_over_the_limit_is_rejected_without_reading_it(tmp_path: Path, monkeypatch) -> None:
    big = tmp_path / "huge.txt"
    big.write_bytes(b"x" * (4 * LIMIT + 1))
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    issue = _one_issue(load_paths([big], max_statement_chars=LIMIT), big)
    assert issue.message.startswith("file is too large (20,001 bytes) for a statement of at most 5,000 characters")


def test_a_pdf_text_layer_over_the_limit_is_rejected(tmp_path: Path, write_pdf) -> None:
    pdf = write_pdf(tmp_path / "long.pdf", ["The ministry said a great many things about the harbour. " * 20] * 6)
    issue = _one_issue(load_paths([pdf], max_statement_chars=LIMIT), pdf)
    assert "PDF's text" in issue.message and "the limit is 5,000" in issue.message


def test_a_50_mb_statement_costs_little_memory_at_the_default_limit(tmp_path: Path) -> None:
    """The probe's case: a 50 MB single-line statement and a 50 MB .txt, at the shipped limit."""
    import tracemalloc

    line = tmp_path / "huge.jsonl"
    with line.open("wb") as fh:
        fh.write(b'{"id": "huge", "title": "Huge", "text": "')
        for _ in range(50):
            fh.write(b"The ministry said a great many things. " * 26_215)  # ~1 MiB
        fh.write(b'"}\n' + b'{"id": "after", "text": "The statement after the huge one."}\n')
    txt = tmp_path / "huge.txt"
    with txt.open("wb") as fh:
        for _ in range(50):
            fh.write(b"The ministry said a great many things.\n" * 26_215)
    tracemalloc.start()
    try:
        result = load_paths([line, txt])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [d.id for d in result.documents] == ["after"]
    assert [(i.path, i.line) for i in result.issues] == [(str(line), 1), (str(txt), None)]
    assert all("too large" in i.message for i in result.issues)
    assert peak < 40 * 2**20, f"peak {peak / 2**20:.0f} MiB"  # reads at most ~12 MB of the 50 MB line


# ---- dates no statement can have --------------------------------------------------------------


def _days_from_today(days: int) -> str:
    from datetime import date, timedelta

    return (date.today() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("2999-01-01", "is in the future"),
        ("May 30, 2999", "is in the future"),
        ("31.12.3000", "is in the future"),
        ("future-month", "is in the future"),
        ("1850-05-01", "is before 1900"),
        ("1 January 1899", "is before 1900"),
    ],
)
def test_a_date_no_statement_can_have_is_rejected_naming_the_field(tmp_path: Path, write_jsonl, value, why) -> None:
    value = _days_from_today(40) if value == "future-month" else value
    today = _days_from_today(0)
    path = write_jsonl(tmp_path / "dates.jsonl", [
        {"id": "today", "text": "Today.", "date": today},
        {"id": "odd", "text": "Odd date.", "date": value},
        {"id": "old", "text": "Old.", "date": "1900-01-01"},
    ])
    result = load_paths([path])
    assert [(d.id, d.date) for d in result.documents] == [("today", today), ("old", "1900-01-01")]  # the bounds
    issue = _one_issue(result, path)
    assert issue.line == 2
    assert issue.message.startswith(f"field 'date' = {value!r} {why}")
    assert issue.message.endswith("— fix the date (YYYY-MM-DD) or leave it empty")

    md = tmp_path / "odd.md"
    md.write_text(f"---\ndate: {value}\n---\nOdd date.\n", encoding="utf-8")
    assert _one_issue(load_paths([md]), md).message.startswith(f"front matter 'date' = {value!r} {why}")


def test_an_html_page_with_a_bogus_meta_date_takes_the_date_from_its_text(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text('<html><head><meta property="article:published_time" content="2999-01-01">'
                    "<title>Readout</title></head><body><p>Prague, 30 May 2024. The ministers met.</p></body></html>",
                    encoding="utf-8")
    [doc] = load_paths([page]).documents
    assert doc.date == "2024-05-30"
