"""Indexing: turn loaded statements into what the store keeps — chunks, sentences and their vectors.

Why embed sentences, not chunks: the answer is a sentence, so answering wants each sentence's similarity to the
question; and sentences cover the text once (chunks overlap), in short sequences that the encoder runs faster
per token. A chunk's vector is the length-weighted mean of its sentences' vectors: measured on the v2 train+dev
questions over the whole corpus, a learned ranker with those vectors found the gold statement first as often as
with the encoder's own chunk vectors (dev hit@1 0.894 vs 0.875), and embedding all 284,805 sentences took 17 min
where the chunks had taken over 40. Titles are embedded on their own: they are what an analyst names a statement by.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from statementqa.chunk import Chunker
from statementqa.embed import Embedder
from statementqa.models import Chunk, Document
from statementqa.sentences import sentence_spans
from statementqa.store import VECTOR_DIM, Prepared


def chunk_vectors(chunks: Sequence[Chunk], sentences: Sequence[tuple[int, int]], sentence_vecs: np.ndarray
                  ) -> tuple[np.ndarray, list[int]]:
    """Each chunk's vector from the sentences it overlaps (weighted by overlap); also the chunks no sentence
    overlaps (their vectors must come from the encoder)."""
    dim = sentence_vecs.shape[1] if sentence_vecs.ndim == 2 and sentence_vecs.shape[1] else VECTOR_DIM
    if not chunks:
        return np.zeros((0, dim), dtype=np.float32), []
    if not sentences:
        return np.zeros((len(chunks), dim), dtype=np.float32), list(range(len(chunks)))
    cs = np.array([[c.start, c.end] for c in chunks], dtype=np.int64)
    ss = np.array(sentences, dtype=np.int64)
    overlap = np.minimum(cs[:, 1:2], ss[None, :, 1]) - np.maximum(cs[:, 0:1], ss[None, :, 0])
    weights = np.clip(overlap, 0, None).astype(np.float32)  # (chunks, sentences)
    out = weights @ sentence_vecs.astype(np.float32)
    norms = np.linalg.norm(out, axis=1)
    missing = [int(i) for i in np.nonzero(norms == 0)[0]]
    out[norms > 0] /= norms[norms > 0, None]
    return out, missing


def indexable_spans(doc: Document) -> list[tuple[int, int]]:
    """The sentences of a statement that get a vector (blank ones carry nothing to match)."""
    return [(s, e) for s, e in sentence_spans(doc.text) if doc.text[s:e].strip()]


def embedded_texts(doc: Document, spans: Sequence[tuple[int, int]] | None = None) -> list[str]:
    """What one statement costs the encoder, in order: its title (or opening), then each sentence."""
    spans = indexable_spans(doc) if spans is None else spans
    return [doc.title or doc.text[:200], *(doc.text[s:e] for s, e in spans)]


def prepare(docs: Sequence[Document], chunker: Chunker, embedder: Embedder) -> tuple[list[Prepared], list[Document]]:
    """Chunk, split and embed a batch of statements (one encoder call for all their sentences and titles).

    Returns the prepared statements and those with no indexable text (nothing to store)."""
    parts: list[tuple[Document, list[Chunk], list[tuple[int, int]]]] = []
    empty: list[Document] = []
    for doc in docs:
        chunks = chunker.chunk(doc)
        if not chunks:
            empty.append(doc)
            continue
        spans = indexable_spans(doc)
        parts.append((doc, chunks, spans))
    texts = [t for doc, _, spans in parts for t in embedded_texts(doc, spans)]
    vecs = embedder.embed(texts) if texts else np.zeros((0, VECTOR_DIM), dtype=np.float32)
    out: list[Prepared] = []
    row = 0
    for doc, chunks, spans in parts:
        title_vec = vecs[row]
        sent_vecs = vecs[row + 1 : row + 1 + len(spans)].astype(np.float16)
        row += 1 + len(spans)
        cvecs, missing = chunk_vectors(chunks, spans, sent_vecs)
        if missing:  # text no sentence covers (e.g. whitespace-only spans): embed those chunks directly
            cvecs[missing] = embedder.embed([chunks[i].text for i in missing])
        out.append(Prepared(doc, chunks, spans, sent_vecs, cvecs, title_vec))
    return out, empty
