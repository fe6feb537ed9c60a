"""statementqa inside llama-index pipelines: a retriever and a query engine over a statementqa index.

Why adapters rather than exposing the Chroma collection: retrieval here is hybrid (BM25 + dense, with
issuer/date filters and latest/earliest ordering) and answers are verified in code; a pipeline that
composes statementqa should get exactly that. The retriever returns statementqa's passages as
``NodeWithScore`` (metadata: doc id, title, issuer, date, URL, start/end offsets into the stored
text); the query engine returns the verified answer, whose source nodes are the verified quote spans.

    from statementqa.integrations.llama_index import StatementRetriever, StatementQueryEngine
    retriever = StatementRetriever.from_path("index", sources=["The White House"], top_k=8)
    nodes = retriever.retrieve("What did the President say about NATO?")
    response = StatementQueryEngine.from_path("index").query("How many MoUs has the US signed?")
    response.source_nodes[0].node.metadata["start"], response.metadata["refused"]

Nothing here sets llama-index's global ``Settings`` (no LLM or embedding model is needed or created).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.response.schema import Response
from llama_index.core.bridge.pydantic import Field
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.schema import NodeRelationship, NodeWithScore, QueryBundle, RelatedNodeInfo, TextNode

from statementqa.api import Index, open_index
from statementqa.models import Answer, Citation, Passage
from statementqa.verify.quotes import verify_citation

DateLike = str | date | None


def _open(index: Index | str | Path) -> Index:
    return index if isinstance(index, Index) else open_index(index)


def passage_node(p: Passage) -> NodeWithScore:
    """A retrieved passage as a llama-index node: its text, where it sits in the statement, and its scores."""
    node = TextNode(
        id_=p.chunk_id, text=p.text,
        metadata={"doc_id": p.doc_id, "title": p.title, "source": p.source, "date": p.date, "url": p.url,
                  "start": p.start, "end": p.end, "dense_score": p.dense_score, "bm25_score": p.bm25_score},
        excluded_embed_metadata_keys=["doc_id", "start", "end", "dense_score", "bm25_score", "url"],
        excluded_llm_metadata_keys=["doc_id", "start", "end", "dense_score", "bm25_score"],
    )
    node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=p.doc_id)
    return NodeWithScore(node=node, score=p.score)


def _score(ans: Answer) -> float:
    """A node's score: the reader's calibrated probability, or for a generated answer the share of its
    sentences a verified quote backs."""
    return ans.support if ans.support is not None else (ans.grounded or 0.0)


def citation_node(c: Citation, doc_text: str | None, support: float) -> NodeWithScore:
    """A verified quote as a node: the text is exactly ``stored_text[start:end]`` (``quote_verified`` says so)."""
    node = TextNode(
        id_=f"{c.doc_id}:{c.start}-{c.end}", text=c.quote,
        metadata={"n": c.n, "doc_id": c.doc_id, "title": c.title, "source": c.source, "date": c.date, "url": c.url,
                  "start": c.start, "end": c.end, "quote_verified": verify_citation(c, doc_text)},
        excluded_embed_metadata_keys=["n", "doc_id", "start", "end", "url", "quote_verified"],
        excluded_llm_metadata_keys=["doc_id", "start", "end", "quote_verified"],
    )
    node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=c.doc_id)
    return NodeWithScore(node=node, score=support)


class StatementRetriever(BaseRetriever):
    """statementqa's hybrid retrieval (with its issuer/date filters) as a llama-index retriever."""

    def __init__(self, index: Index | str | Path, *, sources: Sequence[str] | None = None, since: DateLike = None,
                 until: DateLike = None, top_k: int | None = None, **kwargs: Any) -> None:
        self.index = _open(index)
        self.sources = list(sources) if sources else None
        self.since, self.until, self.top_k = since, until, top_k
        super().__init__(**kwargs)

    @classmethod
    def from_path(cls, path: str | Path, **kwargs: Any) -> StatementRetriever:
        return cls(open_index(path), **kwargs)

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        self.index.check_question(query_bundle.query_str)
        filters, _notice = self.index.check_filters(self.sources, self.since, self.until)
        passages = self.index.retrieve(query_bundle.query_str, sources=list(filters.sources) or None,
                                       since=filters.since, until=filters.until, top_k=self.top_k)
        return [passage_node(p) for p in passages]


class StatementQueryEngine(CustomQueryEngine):
    """Answers with statementqa: ``response`` is the verified answer text, ``source_nodes`` its verified quotes,
    ``metadata`` the refusal flag, notice, backend and the whole ``Answer`` (``metadata["answer"]``)."""

    index: Any = Field(description="the statementqa Index answered from")
    sources: list[str] | None = None
    since: DateLike = None
    until: DateLike = None
    top_k: int | None = None
    llm: bool | None = Field(None, description="force statementqa's LLM on/off (default: its settings)")

    @classmethod
    def from_path(cls, path: str | Path, **kwargs: Any) -> StatementQueryEngine:
        return cls(index=open_index(path), **kwargs)

    def answer(self, query_str: str) -> Answer:
        return self.index.answer(query_str, sources=self.sources, since=self.since, until=self.until,
                                 top_k=self.top_k, llm=self.llm)

    def custom_query(self, query_str: str) -> Response:
        ans = self.answer(query_str)
        texts: dict[str, str | None] = {}
        for c in ans.citations:
            if c.doc_id not in texts:
                doc = self.index.document(c.doc_id)
                texts[c.doc_id] = doc.text if doc else None
        nodes = [citation_node(c, texts[c.doc_id], _score(ans)) for c in ans.citations]
        return Response(response=ans.text, source_nodes=nodes, metadata={
            "refused": ans.refused, "notice": ans.notice, "backend": ans.backend.label,
            "answer": ans.model_dump(mode="json")})


__all__ = ["StatementQueryEngine", "StatementRetriever", "citation_node", "passage_node"]
