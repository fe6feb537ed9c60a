"""Follow-up questions without an LLM: "and when was that signed?" is read with the previous turn.

Why read the previous answer: it quotes the statement the user is asking about, so its words keep retrieval
there; a refused previous turn (``Answer.refused``) has nothing to lend.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from statementqa.query import Turn
from statementqa.textutil import STOPWORDS, terms

_FOLLOWUP = re.compile(
    r"^\s*(and|but|so|also|what about|how about|then)\b|\b(that|it|this|they|them|those|these|he|she|his|her|"
    r"its|their|there|the same)\b",
    re.I,
)

__all__ = ["Turn", "resolve_followup"]


def resolve_followup(question: str, history: Sequence[Turn] | None) -> tuple[str, str | None]:
    """(retrieval query, notice for the user or None): self-contained questions are left alone."""
    if not history:
        return question, None
    content = [t for t in terms(question) if t not in STOPWORDS]
    if not _FOLLOWUP.search(question) and len(content) >= 2:
        return question, None  # self-contained ("When will the harbour bridge reopen?")
    prev_q, prev_a, prev_refused = history[-1]
    context = "" if prev_refused else prev_a[:400]
    return f"{question} {prev_q} {context}".strip(), f"Read as a follow-up to “{prev_q.strip()}”."
