"""chunk: chunks are spans of the stored text, end on sentence boundaries and fit the encoder's window."""

from __future__ import annotations

import pytest

from statementqa.chunk import Chunker
from statementqa.ingest import content_hash
from statementqa.models import Document


def doc_of(text: str, doc_id: str = "d1") -> Document:
    return Document(id=doc_id, title="t", text=text, content_hash=content_hash(text, "t", None, "", ""))


SENTENCES = [f"Minister {name} said the {thing} would reopen on {day} March after repairs to the old spans."
             for name, thing, day in zip(["Novák", "Černochová", "Smith", "Lipavský", "Jones", "Dvořák"] * 6,
                                          ["bridge", "harbour", "station", "road", "tunnel", "airport"] * 6,
                                          range(1, 37), strict=True)]
LONG = " ".join(SENTENCES[:18]) + "\n\n" + " ".join(SENTENCES[18:])


@pytest.fixture(scope="module")
def chunker() -> Chunker:
    return Chunker(64, 10)


def test_every_chunk_is_the_stored_text_at_its_offsets(chunker: Chunker) -> None:
    doc = doc_of(LONG)
    chunks = chunker.chunk(doc)
    assert len(chunks) > 3
    assert all(doc.text[c.start:c.end] == c.text for c in chunks)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert len({c.id for c in chunks}) == len(chunks) and chunks[0].id == f"d1#{doc.content_hash[:8]}#0"


def test_a_chunk_never_splits_a_sentence(chunker: Chunker) -> None:
    for c in chunker.chunk(doc_of(LONG)):
        assert c.text.endswith("spans.") and c.text.startswith("Minister"), c.text


def test_chunks_fit_the_window_and_cover_the_text(chunker: Chunker) -> None:
    doc = doc_of(LONG)
    chunks = chunker.chunk(doc)
    assert all(chunker.counter.count_tokens(c.text) <= 64 for c in chunks)
    covered = {s for s in SENTENCES if any(s in c.text for c in chunks)}
    assert covered == set(SENTENCES)


@pytest.mark.parametrize("text", ["One short statement.", "Line one.\n\nLine two."])
def test_a_short_statement_is_one_chunk(chunker: Chunker, text: str) -> None:
    (only,) = chunker.chunk(doc_of(text))
    assert (only.start, only.end, only.text) == (0, len(text), text)
