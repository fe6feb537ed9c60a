"""The shapes the store hands in and out: what one statement needs to be stored, and what reads return.

Why apart from the Store: the indexing stage builds ``Prepared`` items and the retriever reads
``ChunkRecord``/``SentenceVectors``/``TitleMatrix`` without needing SQLite or Chroma.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from statementqa.models import Chunk, Document

VECTOR_DIM = 384  # MiniLM's; an OpenAI-compatible embedder's dimension is read from its vectors


class StoreError(RuntimeError):
    """The index cannot be used as configured; the message says what to do."""


@dataclass
class Prepared:
    """One statement ready to store: its chunks, sentence spans, and the vectors of sentences, chunks and title."""

    doc: Document
    chunks: list[Chunk]
    sentences: list[tuple[int, int]]
    sentence_vecs: np.ndarray  # (len(sentences), dim) float16
    chunk_vecs: np.ndarray  # (len(chunks), dim) float32
    title_vec: np.ndarray  # (dim,) float32


@dataclass(frozen=True)
class SentenceVectors:
    """The stored sentences of one statement: spans and float32 vectors (row i is sentence i)."""

    spans: list[tuple[int, int]]
    vecs: np.ndarray


@dataclass(frozen=True)
class TitleMatrix:
    """Every statement's title vector, for exact dense title search (cached per generation)."""

    generation: int
    doc_ids: list[str]
    vecs: np.ndarray


@dataclass(frozen=True)
class ChunkRecord:
    """A chunk joined with its statement's metadata."""

    id: str
    doc_id: str
    start: int
    end: int
    text: str
    title: str
    source: str
    date: str | None
    url: str
