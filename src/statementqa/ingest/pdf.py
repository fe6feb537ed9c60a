"""Reading PDFs: the text layer (pypdf), page by page, with encrypted files opened when they allow it.

Why page by page: a PDF's text can be far larger than its file suggests, so reading stops as soon as
the text passes the statement limit; there is no OCR (a scanned PDF is reported, not guessed at).
"""

from __future__ import annotations

import re
from typing import Any

from statementqa.ingest.common import _Bad, _Loaded, _make_document, _quiet, _Source, _too_long, normalize_text
from statementqa.ingest.dates import find_date


def _load_pdf(src: _Source) -> _Loaded:
    """.pdf: the text layer (pypdf), pages separated by a blank line; no OCR."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    if src.path.stat().st_size == 0:
        raise _Bad("empty file")
    try:
        with _quiet("pypdf"):
            reader = PdfReader(src.path)
            _unlock(reader)
            pages: list[str] = []
            length = 0
            for page in reader.pages:  # page by page, so a huge text layer is rejected early
                pages.append(page.extract_text() or "")
                length += len(pages[-1]) + 2
                if length > src.max_chars + 2 * len(pages):
                    raise _too_long(length, src.max_chars, "the PDF's text (so far)")
    except (_Bad, OSError):
        raise
    except DependencyError as err:  # only if the pinned `cryptography` is missing from the install
        raise _Bad(f"PDF is AES-encrypted and reading it needs the 'cryptography' package ({err}) — "
                   "reinstall statementqa's dependencies (pip install -r requirements.lock)") from None
    except Exception as err:  # pypdf raises many types on damaged files; all mean "unreadable"
        reason = str(err) or type(err).__name__
        raise _Bad(f"not a readable PDF ({reason}) — re-export it as PDF or save it as text") from None
    text = normalize_text("\n\n".join(pages))
    if not text:
        raise _Bad("PDF has no text layer (scanned image?) — run OCR first")
    if len(text) > src.max_chars:
        raise _too_long(len(text), src.max_chars, "the PDF's text")
    doc = _make_document(
        doc_id=src.doc_id,
        text=text,
        origin=str(src.path),
        src=src,
        from_name=True,
        title=_pdf_title(reader),
        date=find_date(text),
    )
    return _Loaded(documents=[doc])


def _unlock(reader: Any) -> None:
    """Many PDFs are "encrypted" with an empty password (copy protection only); real passwords are an issue."""
    if not reader.is_encrypted:
        return
    from pypdf.errors import DependencyError

    try:
        unlocked = bool(reader.decrypt(""))
    except DependencyError:
        raise  # AES without `cryptography`: said as such, not as "password-protected"
    except Exception:  # a damaged encryption dictionary: no way in
        unlocked = False
    if not unlocked:
        raise _Bad("PDF is password-protected — save an unprotected copy and load that")


def _pdf_title(reader: Any) -> str:
    """The PDF's /Title unless it is a tool artefact like "Microsoft Word - x.docx"."""
    try:
        title = str((reader.metadata or {}).get("/Title") or "").strip()
    except Exception:  # broken metadata must not fail a readable PDF
        return ""
    junk = re.search(r"\.(docx?|pdf|rtf|odt|txt)$|^(microsoft word|untitled)", title, re.IGNORECASE)
    return "" if junk else title
