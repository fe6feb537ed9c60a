"""The answer stage: read the retrieved statements and answer with quoted, cited spans — or refuse.

Layout: ``kinds`` (what a question asks for), ``candidates`` (spans that can answer it), ``evidence``
(sentence/span pairs and their features), ``scorer`` (the learned, calibrated model), ``claims`` (yes/no),
``compose`` (the words of answers and refusals), ``extractive`` (putting it together), ``followup``.
"""

from __future__ import annotations

from collections.abc import Callable

from statementqa.answering.compose import REFUSAL_PREFIX, join, read_as_answer, refusal
from statementqa.answering.extractive import extractive_answer
from statementqa.answering.followup import resolve_followup
from statementqa.models import Answer
from statementqa.verify.quotes import keep_verified

__all__ = ["REFUSAL_PREFIX", "extractive_answer", "finalize", "read_as_answer", "refusal", "resolve_followup"]


def finalize(answer: Answer, get_text: Callable[[str], str | None]) -> Answer:
    """The last gate: drop every citation whose quote is not the exact stored span; an answer left
    with no valid citation becomes a refusal."""
    ok, bad = keep_verified(answer.citations, get_text)
    if not bad:
        return answer
    if ok or answer.refused:
        note = f"{len(bad)} citation(s) failed quote verification and were removed."
        return answer.model_copy(update={"citations": ok, "notice": join(answer.notice, note)})
    out = refusal(answer.question, answer.passages, reason="No quote could be verified against the stored text.")
    return out.model_copy(update={"backend": answer.backend})
