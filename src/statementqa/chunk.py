"""Sentence-aware chunking with exact character offsets (part of the ingest stage).

Why llama-index's SentenceSplitter with the MiniLM word-piece counter: chunks end on sentence
boundaries and never exceed the encoder's 256-piece window, so nothing is silently truncated; the
offsets let every passage and quote point back into the stored statement text.
"""

from __future__ import annotations

from typing import cast

from llama_index.core import Document as LIDocument
from llama_index.core.node_parser import SentenceSplitter
from llama_index.core.schema import TextNode

from statementqa.embed import WordPieceCounter
from statementqa.models import Chunk, Document


class Chunker:
    """Splits documents into chunks of at most ``chunk_tokens`` word-pieces."""

    def __init__(self, chunk_tokens: int, chunk_overlap: int) -> None:
        self.counter = WordPieceCounter()
        self.chunk_tokens = chunk_tokens
        self._splitter = SentenceSplitter(
            chunk_size=chunk_tokens,
            chunk_overlap=min(chunk_overlap, chunk_tokens // 4),
            tokenizer=self.counter.tokens,
            include_metadata=False,
            include_prev_next_rel=False,
        )

    def chunk(self, doc: Document) -> list[Chunk]:
        """Chunks whose text equals ``doc.text[start:end]`` (checked; located again if the splitter drifted)."""
        # the splitter builds TextNodes (with offsets); llama-index's signature says list[BaseNode]
        nodes = cast(list[TextNode], self._splitter.get_nodes_from_documents([LIDocument(text=doc.text, id_=doc.id)]))
        chunks: list[Chunk] = []
        cursor = 0
        for node in nodes:
            text = node.get_content()
            start = node.start_char_idx
            if start is None or doc.text[start : start + len(text)] != text:
                found = doc.text.find(text, max(0, cursor - len(text)))
                start = found if found >= 0 else doc.text.find(text)
            if start is None or start < 0:
                continue  # cannot anchor this piece in the stored text: never index unanchored text
            end = start + len(text)
            cursor = end
            stripped = text.strip()
            if not stripped:
                continue
            lead = len(text) - len(text.lstrip())
            start, end = start + lead, start + lead + len(stripped)
            chunks.append(Chunk(id=f"{doc.id}#{doc.content_hash[:8]}#{len(chunks)}", doc_id=doc.id,
                                index=len(chunks), start=start, end=end, text=stripped))
        return chunks
