"""Generated answers through any OpenAI-compatible server, with every quote and citation verified in code.

Layout: ``client`` (transport: bounded calls, retries, error reasons, what each server accepts), ``reply``
(the reply schema, parsing, the streamed answer text), ``generate`` (prompts, passages that fit, the two
entry points). Checking the answer against the passages lives in ``statementqa.verify``.
"""

from __future__ import annotations

from statementqa.llm.client import MAX_OUTPUT_TOKENS, Capabilities, LLMClient, LLMError, default_client, make_client
from statementqa.llm.generate import (
    CONDENSE_PROMPT,
    SYSTEM_PROMPT,
    WITHHELD,
    build_messages,
    condense_question,
    fit_passages,
    generate_answer,
    planted_in,
    withheld_notice,
)
from statementqa.llm.reply import ANSWER_SCHEMA, AnswerTextStream, Draft, parse_reply

__all__ = [
    "ANSWER_SCHEMA",
    "CONDENSE_PROMPT",
    "MAX_OUTPUT_TOKENS",
    "SYSTEM_PROMPT",
    "WITHHELD",
    "AnswerTextStream",
    "Capabilities",
    "Draft",
    "LLMClient",
    "LLMError",
    "build_messages",
    "condense_question",
    "default_client",
    "fit_passages",
    "generate_answer",
    "make_client",
    "parse_reply",
    "planted_in",
    "withheld_notice",
]
