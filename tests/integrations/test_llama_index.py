"""The llama-index retriever and query engine over a statementqa index, used as a llama-index user would."""

from __future__ import annotations

import pytest
from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.llms import MockLLM
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.response_synthesizers.no_text import NoText
from llama_index.core.schema import NodeRelationship, NodeWithScore, QueryBundle

from statementqa import FilterError, Index
from statementqa.integrations.llama_index import StatementQueryEngine, StatementRetriever
from tests.support import SEED_ID

MOU = "How many memoranda of understanding on countering disinformation has the US signed?"


def test_retriever_returns_nodes_with_statement_metadata_and_exact_offsets(seed_index: Index):
    retriever = StatementRetriever(seed_index, top_k=4)
    assert isinstance(retriever, BaseRetriever)
    nodes = retriever.retrieve(MOU)
    assert 1 <= len(nodes) <= 4 and all(isinstance(n, NodeWithScore) for n in nodes)
    assert nodes[0].node.metadata["doc_id"] == SEED_ID
    for n in nodes:
        meta = n.node.metadata
        assert {"doc_id", "title", "source", "date", "url", "start", "end"} <= set(meta)
        doc = seed_index.document(meta["doc_id"])
        assert doc.text[meta["start"]:meta["end"]] == n.node.get_content()  # the node text is the stored span
        assert n.node.relationships[NodeRelationship.SOURCE].node_id == meta["doc_id"]
    scores = [n.score for n in nodes]
    assert scores == sorted(scores, reverse=True)


def test_retriever_filters_are_statementqa_filters(seed_index: Index):
    nodes = StatementRetriever(seed_index, sources=["The White House"], since="2021-06-01").retrieve(MOU)
    assert nodes and all(n.node.metadata["source"] == "The White House" for n in nodes)
    assert all(n.node.metadata["date"] >= "2021-06-01" for n in nodes)
    with pytest.raises(FilterError, match="Did you mean “The White House”"):
        StatementRetriever(seed_index, sources=["White House"]).retrieve(MOU)


def test_query_engine_answers_with_verified_quote_spans_as_source_nodes(seed_index: Index):
    response = StatementQueryEngine(index=seed_index).query(MOU)
    expected = seed_index.answer(MOU)
    assert str(response) == expected.text and "17th" in str(response)
    assert response.metadata["refused"] is False and response.metadata["answer"]["question"] == MOU
    (node,) = [n for n in response.source_nodes if n.node.metadata["doc_id"] == SEED_ID]
    meta = node.node.metadata
    text = seed_index.document(SEED_ID).text
    assert meta["quote_verified"] is True and text[meta["start"]:meta["end"]] == node.node.get_content()
    assert "17th such memorandum of understanding" in node.node.get_content()
    refused = StatementQueryEngine(index=seed_index, sources=["The White House"]).query(MOU)
    assert refused.metadata["refused"] is True and refused.source_nodes == []


def test_the_retriever_composes_into_a_stock_llama_index_pipeline(seed_index: Index):
    """A llama-index query engine built from our retriever ('no_text' synthesis: the mock LLM is never called)."""
    synth = NoText(llm=MockLLM())  # (get_response_synthesizer drops llm= for no_text and reaches for OpenAI)
    engine = RetrieverQueryEngine(retriever=StatementRetriever(seed_index, top_k=3), response_synthesizer=synth)
    response = engine.query(QueryBundle(MOU))
    assert response.source_nodes and response.source_nodes[0].node.metadata["doc_id"] == SEED_ID
