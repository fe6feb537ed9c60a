"""The model's reply: the schema it is asked for, parsing what it sent, and the answer text as it streams.

Parsing is strict JSON first and tolerant after: fenced JSON, a reply cut off at the token limit, or plain
text with ``[n] "quote"`` lines. What comes out is a ``Draft`` — a proposal that ``verify.grounding`` checks
before anything is shown as verified.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from statementqa.answering.compose import says_refusal

ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "answer": {"type": "string"},
        "citations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"n": {"type": "integer"}, "quote": {"type": "string"}},
                "required": ["n", "quote"],
                "additionalProperties": False,
            },
        },
        "refused": {"type": "boolean"},
    },
    "required": ["answer", "citations", "refused"],
    "additionalProperties": False,
}


# --- streaming: the answer text out of a JSON (or plain) reply, as it arrives -----------------------

_ANSWER_KEY = re.compile(r'"answer"\s*:\s*"')
_SECTION_START = re.compile(
    r"\n\s*(?:\[\d+\]\s*[:\-–—]?\s*[\"“']|\**(?:quotes?|sources?|citations?|references?|evidence)\**\s*:)",
    re.IGNORECASE,
)
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class AnswerTextStream:
    """Turns streamed reply deltas into the answer text to show, without the JSON around it.

    JSON replies (bare or in a ```json fence): the ``answer`` string is decoded as it arrives.
    Plain-text replies: text is shown up to where a quotes/sources section starts.
    """

    def __init__(self) -> None:
        self.buffer = ""
        self.shown = 0  # characters of answer text already emitted
        self.mode: str | None = None

    def feed(self, delta: str) -> str:
        self.buffer += delta
        if self.mode is None:
            head = self.buffer.lstrip()
            if not head:
                return ""
            if head[0] in "{`":
                self.mode = "json"
            elif len(head) >= 3 or "\n" in head:
                self.mode = "plain"
            else:
                return ""
        text = self._json_answer() if self.mode == "json" else self._plain_answer()
        new = text[self.shown :]
        self.shown = max(self.shown, len(text))
        return new

    def _json_answer(self) -> str:
        m = _ANSWER_KEY.search(self.buffer)
        if not m:
            return ""
        out: list[str] = []
        i = m.end()
        buf = self.buffer
        while i < len(buf):
            ch = buf[i]
            if ch == '"':
                break
            if ch != "\\":
                out.append(ch)
                i += 1
                continue
            if i + 1 >= len(buf):
                break  # escape split across deltas: wait for the rest
            code = buf[i + 1]
            if code == "u":
                hexdigits = buf[i + 2 : i + 6]
                if len(hexdigits) < 4:
                    break
                try:
                    out.append(chr(int(hexdigits, 16)))
                except ValueError:
                    pass
                i += 6
            else:
                out.append(_ESCAPES.get(code, code))
                i += 2
        return "".join(out)

    def _plain_answer(self) -> str:
        text = self.buffer.lstrip()
        m = _SECTION_START.search(text)
        if m:
            return text[: m.start()].rstrip()
        last_nl = text.rfind("\n")
        tail = text[last_nl + 1 :]
        # hold back a line that might turn out to be a section header or a "[1] "quote"" line
        if tail.lstrip().startswith("[") or (0 < len(tail.strip()) < 14 and last_nl >= 0):
            return text[: last_nl + 1] if last_nl >= 0 else ""
        return text


# --- parsing: strict JSON first, tolerant after --------------------------------------------------


@dataclass
class Draft:
    """What the model proposed, before verification."""

    answer: str
    quotes: list[tuple[int, str]]  # (passage number, quote)
    refused: bool = False
    structured: bool = True


_FENCED = re.compile(r"```(?:json)?\s*(\{.*?\})\s*```", re.DOTALL)
_CITE_LINE = re.compile(r"^\s*[-*]?\s*\[(\d+)\]\s*[:\-–—]?\s*(.+?)\s*$")
_QUOTED = re.compile(r"[\"“](.+?)[\"”]")
_INLINE_QUOTE_CITE = re.compile(r"[\"“]([^\"”]{8,}?)[\"”][,.;:]?\s*\[(\d+)\]")
_SECTION_HEADER = re.compile(r"^\s*\**(?:quotes?|sources?|citations?|references?|evidence)\**\s*:?\s*$", re.I)


def _json_objects(text: str) -> Iterator[Any]:
    """JSON objects in a reply: fenced first, then every balanced ``{...}`` the decoder accepts."""
    for m in _FENCED.finditer(text):
        try:
            yield _LENIENT.decode(m.group(1))
        except json.JSONDecodeError:
            pass
    for i, ch in enumerate(text):
        if ch == "{":
            try:
                obj, _ = _LENIENT.raw_decode(text, i)
            except json.JSONDecodeError:
                continue
            yield obj


def _from_json(obj: Any) -> Draft | None:
    if not isinstance(obj, dict) or not isinstance(obj.get("answer"), str):
        return None
    quotes: list[tuple[int, str]] = []
    for item in obj.get("citations") or []:
        if not isinstance(item, dict):
            continue
        try:
            n = int(str(item.get("n", "")).strip().strip("[]"))
        except ValueError:
            continue
        raw = item.get("quote", item.get("quotes", ""))
        for q in raw if isinstance(raw, list) else [raw]:
            if isinstance(q, str) and q.strip():
                quotes.append((n, q))
    refused = obj.get("refused") is True or str(obj.get("refused")).lower() == "true"
    return Draft(answer=obj["answer"].strip(), quotes=quotes, refused=refused)


_LENIENT = json.JSONDecoder(strict=False)  # models put raw newlines and tabs inside JSON strings
_JSON_STRING = r'"(?:[^"\\]|\\.)*"'
_PARTIAL_ANSWER = re.compile(r'"answer"\s*:\s*(' + _JSON_STRING + ")")
_PARTIAL_CITATION = re.compile(r'\{\s*"n"\s*:\s*"?(\d+)"?\s*,\s*"quote"\s*:\s*(' + _JSON_STRING + r")\s*\}")


def _from_partial_json(text: str) -> Draft:
    """What a cut-off JSON reply (``finish_reason: length``) still holds: a complete answer string and
    the citation objects that closed; an empty draft (malformed) if the answer itself was cut."""
    m = _PARTIAL_ANSWER.search(text)
    if not m:
        return Draft(answer="", quotes=[], structured=False)
    quotes = [(int(c.group(1)), _LENIENT.decode(c.group(2))) for c in _PARTIAL_CITATION.finditer(text)]
    return Draft(answer=_LENIENT.decode(m.group(1)).strip(), quotes=quotes, refused=False, structured=False)


def parse_reply(text: str) -> Draft:
    """The model's answer, quotes and refusal flag from a reply: JSON, fenced JSON, or plain text.

    Plain text: answer lines, then lines like ``[1] "exact sentence"``; quoted text directly
    followed by ``[n]`` inside the answer also counts as a quote for ``n``.
    """
    for obj in _json_objects(text):
        draft = _from_json(obj)
        if draft is not None:
            return draft
    if text.lstrip().startswith(("{", "```")):
        return _from_partial_json(text)
    answer_lines: list[str] = []
    quotes: list[tuple[int, str]] = []
    in_section = False
    for line in text.strip().splitlines():
        if _SECTION_HEADER.match(line):
            in_section = True
            continue
        m = _CITE_LINE.match(line)
        if m:
            found = _QUOTED.findall(m.group(2))
            if found or in_section:
                quotes.extend((int(m.group(1)), q) for q in found or [m.group(2)])
                in_section = True
                continue
        if not in_section:
            answer_lines.append(line)
    answer = "\n".join(answer_lines).strip()
    for m in _INLINE_QUOTE_CITE.finditer(answer):
        quotes.append((int(m.group(2)), m.group(1)))
    return Draft(answer=answer, quotes=quotes, refused=says_refusal(answer) and not quotes, structured=False)
