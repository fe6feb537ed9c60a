"""Small fixture builders for the loader tests: every file is written fresh into tmp_path."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fpdf import FPDF


def _write_jsonl(path: Path, records: list[dict | str]) -> Path:
    """Records are dumped as JSON; plain strings are written as raw lines (to craft bad lines)."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write_pdf(path: Path, lines: list[str], title: str | None = None) -> Path:
    """A PDF with a real text layer (core font, so ASCII only)."""
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in lines:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def _write_image_only_pdf(path: Path) -> Path:
    """A PDF page with only a drawn rectangle: what a scan without OCR looks like to a text extractor."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(40, 40, 40)
    pdf.rect(20, 20, 120, 80, style="F")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


@pytest.fixture
def write_jsonl() -> Callable[[Path, list[dict | str]], Path]:
    return _write_jsonl


@pytest.fixture
def write_pdf() -> Callable[..., Path]:
    return _write_pdf


@pytest.fixture
def write_image_only_pdf() -> Callable[[Path], Path]:
    return _write_image_only_pdf
