"""Small known cases shared by the eval unit tests: one statement, its gold quote, answers citing it."""

from __future__ import annotations

import pytest

from statementqa.eval import EvalQuestion
from statementqa.models import Citation, Passage
from tests.support import CORPUS

needs_corpus = pytest.mark.skipif(not (CORPUS / "statements").is_dir(), reason=f"shared corpus not at {CORPUS}")

DOC = "Intro. It's the 17th such memorandum of understanding that we've signed. Outro."
GOLD = "It's the 17th such memorandum of understanding"


def question(qtype: str = "numeric") -> EvalQuestion:
    if qtype == "unanswerable":
        return EvalQuestion(id="u1", question="How many MoUs has the UK signed?", type=qtype)
    return EvalQuestion(
        id="q1", question="How many MoUs?", type=qtype, answers=["17"], gold_ids=["seed"],
        gold_quotes=[{"doc_id": "seed", "quote": GOLD}],
    )


def cite(doc_id: str, start: int, end: int, quote: str | None = None) -> Citation:
    return Citation(n=1, doc_id=doc_id, quote=DOC[start:end] if quote is None else quote, start=start, end=end)


def passage(doc_id: str) -> Passage:
    return Passage(chunk_id=f"{doc_id}:0", doc_id=doc_id, text="x", start=0, end=1, score=1.0)
