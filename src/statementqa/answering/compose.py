"""The words of an answer: the short lead, the attributed quotes, and refusals — spelled in one place.

Why one place: the refusal sentence is a contract with the UI, the CLI and the evals ("The indexed statements
do not say …" means the statements were searched and hold no supported answer); it must be written once.
"""

from __future__ import annotations

import re
from datetime import date

from statementqa.models import Answer, Citation, Passage

REFUSAL_PREFIX = "The indexed statements do not say"

# A text that says the statements do not hold the answer: our own wording, or a model's ("the passages do not
# mention …", "no information"). Used on generated text, where the wording is not ours.
_SAYS_REFUSAL = re.compile(
    rf"({re.escape(REFUSAL_PREFIX)}"
    r"|do(?:es)? not (?:say|state|mention|specify|address|contain|provide|indicate)"
    r"|don't (?:say|state|mention)|doesn't (?:say|state|mention)|no (?:information|mention)"
    r"|not (?:stated|mentioned|specified|provided) in)",
    re.IGNORECASE,
)


def says_refusal(text: str) -> bool:
    """Does ``text`` say anywhere that the statements do not hold the answer, in our words or a model's?"""
    return bool(_SAYS_REFUSAL.search(text))


def format_date(iso: str | None) -> str:
    if not iso:
        return "undated"
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day} {d.strftime('%B %Y')}"


def attribution(source: str, iso: str | None) -> str:
    return f"{source or 'An untitled source'}, {format_date(iso)}"


def quoted(text: str) -> str:
    return text if text[:1] in "“\"‘'" else f"“{text}”"


def join(a: str | None, b: str | None) -> str | None:
    if a and b:
        return f"{a} {b}"
    return a or b


def refusal(question: str, passages: list[Passage], reason: str | None = None, support: float = 0.0) -> Answer:
    """'The indexed statements do not say …', naming the closest statements found."""
    closest: list[str] = []
    for p in passages:
        label = f"“{p.title}” ({attribution(p.source, p.date)})"
        if label not in closest:
            closest.append(label)
        if len(closest) == 3:
            break
    text = f"{REFUSAL_PREFIX} this (“{question.strip()}”)."
    if closest:
        text += " Closest statements: " + "; ".join(closest) + "."
    return Answer(question=question, text=text, refused=True, passages=passages, notice=reason, support=support)


def cited(n: int, p: Passage | None, doc_id: str, title: str, source: str, iso: str | None, url: str, quote: str,
          start: int, end: int) -> Citation:
    return Citation(n=n, doc_id=doc_id, title=title if p is None else p.title, source=source, date=iso, url=url,
                    quote=quote, start=start, end=end)


_PART_NUMBER = re.compile(r"^\s*\d+\)\s*")
_PART_REFUSED = re.compile(rf"\s*\d+\)\s*{re.escape(REFUSAL_PREFIX)} this \(“.*?”\)\.")


def read_as_answer(answer: Answer) -> str:
    """What a reader takes as the answer: each part's lead, or — for a part that leads with no span and only
    quotes — its dated quote. Why: the eval must grade what an analyst reads first; a right figure inside the
    quote does not redeem a wrong lead ("Leyen." for "in which city"). Answers not in this module's layout (a
    generated one) are returned whole."""
    text = _PART_REFUSED.sub(" ", answer.text)
    if answer.refused or not answer.citations:
        return text
    read: list[str] = []
    pos = 0
    for c in answer.citations:
        said = f"{attribution(c.source, c.date)}: {quoted(c.quote)}"
        marked = f"{said} [{c.n}]"
        at = text.find(marked, pos)
        if at < 0:
            return answer.text
        read.append(_PART_NUMBER.sub("", text[pos:at]).strip() or said)
        pos = at + len(marked)
    tail = _PART_NUMBER.sub("", text[pos:]).strip()
    return " ".join([*read, tail] if tail else read)


def join_names(names: list[str]) -> str:
    """A list lead: "A and B", "A, B and C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
