"""Example questions mined from the index's own statements: a figure, a date or a meeting in a sentence.

Why mined, and why checked: an example should show what the product does on *this* index — answer a
"How many …", "When …" or "Whom did … meet" question with the statement's own words — and must never
lead to a refusal. Each candidate question is made from one sentence, answered (extractive, no LLM)
and kept only when the answer cites that very sentence with a quote that verifies against the stored
text. The result depends only on the index's content, so it is computed once per index generation in
the background and cached on disk in the index folder (a restart on an unchanged index reads it back).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from statementqa.models import Answer, Document
from statementqa.verify.quotes import verify_citation

log = logging.getLogger(__name__)

CACHE_FILE = "example-questions.json"
CACHE_VERSION = 1  # bump when mining or checking changes, so cached examples are rebuilt
MAX_EXAMPLES = 6
MAX_CHECKS = 36  # answers tried per build: bounds the background work on a big index
STATEMENTS_SCANNED = 400  # statements mined, spread over issuers and dates
ALL_STATEMENTS = 1_000_000  # titles() limit meaning "all": ids, titles, dates and issuers only
MAX_QUESTION_CHARS = 90
SHOWN_CHARS = 60  # what the example list shows of a question (the rest becomes "...")


class ExampleIndex(Protocol):
    """What mining needs from an index (``statementqa.api.Index`` has all of it)."""

    def answer(self, question: str, **kwargs: Any) -> Answer: ...
    def document(self, doc_id: str) -> Document | None: ...
    def titles(self, limit: int = 50) -> list[tuple[str, str, str | None, str]]: ...


@dataclass(frozen=True)
class Example:
    """A checked example: the question, what kind of fact it asks for, and the sentence it came from."""

    question: str
    kind: str  # figure | amount | date | meeting | topic
    doc_id: str
    start: int  # the sentence's span in the stored statement text
    end: int


# ---- sentences -----------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’')\]]*\s+(?=[“\"‘'(\[]?[A-Z0-9])|\n+")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|St|Jr|Sr|No|Vol|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec|vs|etc|"
    r"Inc|Ltd|Co|Corp|approx)|\b[A-Z]|\b(?:[A-Z]\.){1,3}[A-Z]?)\.$"
)


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence, exact offsets into ``text`` (abbreviations such as "U.S." do not end one)."""
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.group(0).strip() == "" and "\n" not in m.group(0) and _ABBREVIATION.search(text[start:m.start()]):
            continue
        yield from _trimmed(text, start, m.start())
        start = m.end()
    yield from _trimmed(text, start, len(text))


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield start, end


# ---- patterns ------------------------------------------------------------------------------------

_NUMBER_WORDS = ("two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
                 "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds|"
                 "dozens|thousands")
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|(?:{_NUMBER_WORDS})(?:-(?:{_UNITS}))?)"
_MODIFIER = r"(?:more than |over |nearly |almost |about |around |approximately |some |at least |up to |roughly )?"
_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
           r"Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)")
_DATE = (rf"(?:{_MONTHS} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|\d{{1,2}} {_MONTHS} \d{{4}}"
         rf"|{_MONTHS} \d{{1,2}}(?:st|nd|rd|th)?|{_MONTHS} \d{{4}})")

# A name-like subject: capitalized words, with the small words names contain ("Secretary of State Antony
# Blinken", "Minister Lipavský and Secretary Blinken", "The United States"); optionally after a short lead.
_CAP = r"[A-Z][\w’'.\-]*"
_SUBJECT = rf"(?P<subj>(?:The )?{_CAP}(?: (?:{_CAP}|of|and|the|for|on|de|da|von|van|al|bin|el)){{0,7}})"
_LEAD = r"^(?:(?:Today|Yesterday|This week|Earlier today|On \w+(?: \d{1,2})?|In \w+(?: \w+)?),\s+)?"
_NOUN = r"[a-zA-Z][\w\-]*"
_IRREGULAR_PLURAL = "memoranda|people|children|women|men|criteria|personnel|staff|data|media"
_PLURAL = rf"(?P<np>(?:{_NOUN} ){{0,2}}(?:[a-zA-Z][\w\-]*[a-z]s|{_IRREGULAR_PLURAL}))\b"
_TAIL = r"(?P<tail> (?:in|at|during|on the margins of) (?:the )?[A-Z][\w’'\-]*(?: [A-Z][\w’'\-]*){0,3})?"

# Subjects that do not name anyone on their own (a question made from them would have no referent).
_VAGUE_SUBJECT = {
    "this", "these", "that", "those", "it", "he", "she", "they", "we", "i", "you", "our", "his", "her", "their",
    "its", "today", "yesterday", "in", "on", "at", "during", "after", "before", "since", "as", "both", "all",
    "some", "many", "several", "each", "every", "there", "here", "when", "while", "if", "but", "and", "so",
    "however", "meanwhile", "additionally", "also", "with", "under", "through", "over", "by", "for", "from",
    "the", "a", "an", "according", "together", "once", "now", "then", "last", "first", "next",
}
_NOT_COUNTED = {"years", "months", "weeks", "days", "hours", "minutes", "percent", "times", "decades", "others",
                "of", "ones", "points"}

# Past participles of verbs that announce a figure ("has provided 40 tons", "signed 17 memoranda").
_IRREGULAR_PARTICIPLE = {
    "sent": "sent", "held": "held", "made": "made", "gave": "given", "given": "given", "brought": "brought",
    "built": "built", "won": "won", "spent": "spent", "sold": "sold", "lost": "lost", "paid": "paid",
    "led": "led", "took": "taken", "taken": "taken", "met": "met", "caught": "caught", "found": "found",
    "grew": "grown", "grown": "grown", "drew": "drawn", "drawn": "drawn", "bought": "bought", "hit": "hit",
}
# Simple past → base form, for "When did X <verb> …?" (only verbs whose base form is known).
_BASE = {
    "signed": "sign", "met": "meet", "visited": "visit", "announced": "announce", "launched": "launch",
    "hosted": "host", "held": "hold", "spoke": "speak", "traveled": "travel", "travelled": "travel",
    "arrived": "arrive", "adopted": "adopt", "approved": "approve", "issued": "issue", "released": "release",
    "opened": "open", "concluded": "conclude", "welcomed": "welcome", "received": "receive", "joined": "join",
    "established": "establish", "introduced": "introduce", "completed": "complete", "began": "begin",
    "started": "start", "ended": "end", "took": "take", "made": "make", "designated": "designate",
    "imposed": "impose", "sanctioned": "sanction", "ratified": "ratify", "endorsed": "endorse",
    "agreed": "agree", "decided": "decide", "called": "call", "delivered": "deliver", "pledged": "pledge",
    "committed": "commit", "recognized": "recognize", "recognised": "recognise", "attended": "attend",
    "convened": "convene", "inaugurated": "inaugurate", "unveiled": "unveil", "published": "publish",
}

_COUNT = re.compile(
    _LEAD + _SUBJECT + r" (?:(?P<aux>has|have|had) )?(?:(?:also|already|now|so far|recently) )?"
    r"(?P<verb>[a-z]+ed|" + "|".join(_IRREGULAR_PARTICIPLE) + r") "
    + _MODIFIER + r"(?:a total of )?" + _NUMBER + r" " + _PLURAL
)
_STOP = (r"(?:to|for|in|of|and|with|from|since|on|at|by|through|over|under|across|as|including|which|that|"
         r"who|during|into|while|after|before|between|among|this|last|next)\b")
_AMOUNT = re.compile(
    _LEAD + _SUBJECT + r" (?:(?P<aux>has|have|had|will) )?(?:(?:also|already|now) )?"
    r"(?P<verb>[a-z]+ed|" + "|".join(_IRREGULAR_PARTICIPLE) + r"|provide|announce|commit|pledge|contribute) "
    + _MODIFIER + r"(?:an additional |a further |another )?"
    r"(?P<amt>[$€£]\s?\d[\d,.]*(?: (?:million|billion|trillion))?|\d[\d,.]* (?:million|billion) (?:dollars|euros))"
    r" (?P<prep>in|of|for|to) (?P<what>[\w\-/’']+(?:\.\w+)*\.?(?: (?!" + _STOP + r")[\w\-/’']+(?:\.\w+)*\.?){0,3})"
)
_MEETING = re.compile(
    _LEAD + _SUBJECT + r" (?P<verb>met|meets|will meet|hosted|welcomed|held talks|spoke|speaks|will host)"
    r"(?: (?:virtually|today|yesterday|separately))? (?P<with>with )?(?P<obj>(?:the )?[A-Z][^,.;:()]{2,90}?)"
    + _TAIL + r"(?=[,.;:(]| on | to | about | for | and (?:discussed|reaffirmed|underscored))"
)
_WHEN_PASSIVE = re.compile(
    r"^(?:.{0,80}? (?:said|announced|confirmed|noted) (?:that )?)?"
    r"(?P<subj>(?:[Tt]he |[A-Z][\w’'\-]* )(?:[\w’'\-]+ ){0,6}?)(?P<be>was|were|will be|is to be) "
    r"(?P<verb>[a-z]+(?:ed|en)|held|signed|met|made|built|sent|set) "
    r"(?P<rest>(?:(?!on\b|in\b)[a-z][\w\-]* ){0,4})(?:on|in) (?P<date>" + _DATE + r")\b"
)
_WHEN_FUTURE = re.compile(
    r"^(?:.{0,80}? (?:said|announced|confirmed|noted) (?:that )?)?"
    r"(?P<subj>(?:[Tt]he |[A-Z][\w’'\-]* )(?:[\w’'\-]+ ){0,6}?)will "
    r"(?:(?:then|also|later|again|now|soon|first|jointly|formally|officially) )?(?P<verb>(?!be\b|not\b)[a-z]+)"
    r"(?P<rest>(?: (?!on\b|in\b|by\b)[\w’'\-]+){0,5}) (?:on|in|by) (?P<date>" + _DATE + r")\b"
)
_WHEN_ACTIVE = re.compile(
    _LEAD + _SUBJECT + r" (?P<verb>" + "|".join(_BASE) + r") (?P<obj>(?:(?!on\b|in\b)[\w’'\-]+ ){1,6}?)"
    r"(?:on|in) (?P<date>" + _DATE + r")\b"
)


def _subject(raw: str) -> str | None:
    """The subject as it reads inside a question ("The United States" → "the United States"), or None if vague."""
    words = raw.strip().split(" ")
    definite = words[0].lower() == "the" and len(words) > 1 and words[1].lower() not in _VAGUE_SUBJECT
    if not words or words[0].lower().rstrip(",") in _VAGUE_SUBJECT and not definite:
        return None
    if words[0].isupper() and len(words[0]) > 4:  # a heading run into the sentence ("LOCAL Secretary …")
        return None
    if len(words) == 1 and words[0].endswith("s") and not words[0].isupper():  # "Students served …": no one named
        return None
    if words[-1].lower() in {"and", "of", "the", "for", "on"}:
        return None
    text = " ".join(words)
    return "the " + text[4:] if text.startswith(("The ", "the ")) else text


def _plural_subject(subj: str) -> bool:
    """"Ukraine and Poland", "the ministers" take "have"; "Vice President Harris", "the United States" take "has"."""
    last = subj.split(" ")[-1]
    return " and " in subj or (last.islower() and last.endswith("s") and not last.endswith("ss"))


def _finish(text: str) -> str | None:
    text = re.sub(r"\s+", " ", text).strip()
    text = text[0].upper() + text[1:]
    return text if len(text) <= MAX_QUESTION_CHARS else None


def questions_from_sentence(sentence: str) -> list[tuple[str, str]]:
    """(question, kind) pairs a sentence can answer: a figure, an amount, a date or a meeting.

    >>> questions_from_sentence("The United States has signed 17 memoranda of understanding.")
    [('How many memoranda has the United States signed?', 'figure')]
    """
    s = re.sub(r"\s+", " ", sentence).strip()
    out: list[tuple[str, str]] = []
    if m := _COUNT.search(s):
        subj = _subject(m["subj"])
        np = re.sub(r"^(?:million|billion|thousand|hundred|dozen)\s+", "", m["np"])
        last = np.split(" ")[-1].lower()
        if (subj and np.split(" ")[0].lower() not in _NOT_COUNTED and last not in _NOT_COUNTED
                and not last.endswith(("ss", "us", "is"))):
            verb = _IRREGULAR_PARTICIPLE.get(m["verb"], m["verb"])
            aux = "have" if _plural_subject(subj) else "has"
            if q := _finish(f"How many {np} {aux} {subj} {verb}?"):
                out.append((q, "figure"))
    if m := _AMOUNT.search(s):
        subj = _subject(m["subj"])
        if subj:
            verb, aux = m["verb"], m["aux"]
            future = aux == "will" or not verb.endswith("ed") and verb not in _IRREGULAR_PARTICIPLE
            what = re.sub(r"\s+(?:the|a|an|its|their|our|his|her)$", "", m["what"].rstrip("."))
            if m["prep"] == "in" and what.split(" ")[0].lower() in {"the", "a", "an", "this", "its", "their"}:
                what = ""  # "$2 billion in the American Rescue Plan": where it went, not what it was
            # "$135 million in rewards" → "How much in rewards …"; "$17.5 billion of X" → "How much X …"
            head = {"in": f"How much in {what}", "of": f"How much {what}"}.get(m["prep"], "How much")
            after = "" if m["prep"] in {"in", "of"} else f" {m['prep']} {what}"
            if future:  # "will provide $5 million in …"
                q = f"{head} will {subj} {verb}{after}?" if aux == "will" else None
            else:
                part = _IRREGULAR_PARTICIPLE.get(verb, verb)
                have = "have" if _plural_subject(subj) else "has"
                q = f"{head} {have} {subj} {part}{after}?"
            if (not what or what.lower() in _VAGUE_SUBJECT or what[0].isdigit() or what.endswith("-")
                    or re.match(_MONTHS, what) or re.search(r"\b(?:our|we|us|my|your)\b", what, re.I)):
                q = None
            if q and (q := _finish(q)):
                out.append((q, "amount"))
    if m := _MEETING.search(s):
        subj = _subject(m["subj"])
        if subj:
            verb, tail = m["verb"], (m["tail"] or "")
            did = "will" if verb.startswith("will") else "does" if verb in {"meets", "speaks"} else "did"
            base = {"met": "meet", "meets": "meet", "will meet": "meet", "hosted": "host", "will host": "host",
                    "welcomed": "welcome", "held talks": "hold talks", "spoke": "speak", "speaks": "speak"}[verb]
            if base in {"hold talks", "speak"} and not m["with"]:
                q = None
            elif base in {"hold talks", "speak"}:
                q = f"With whom {did} {subj} {base}{tail}?"
            else:
                q = f"Whom {did} {subj} {base}{tail}?"
            if q and (q := _finish(q)):
                out.append((q, "meeting"))
    for pattern, form in ((_WHEN_PASSIVE, "passive"), (_WHEN_FUTURE, "future"), (_WHEN_ACTIVE, "active")):
        m = pattern.search(s)
        if not m:
            continue
        subj = _subject(m["subj"].strip())
        if not subj:
            continue
        rest = (m["rest"] or "").strip() if form != "active" else ""
        if form == "passive":
            be = m["be"]
            q = (f"When will {subj} be {m['verb']} {rest}?" if be in {"will be", "is to be"}
                 else f"When {be} {subj} {m['verb']} {rest}?")
        elif form == "future":
            q = f"When will {subj} {m['verb']} {rest}?"
        else:
            q = f"When did {subj} {_BASE[m['verb']]} {m['obj'].strip()}?"
        q = re.sub(r" +\?", "?", q)
        if q := _finish(q):
            out.append((q, "date"))
            break
    return out


def mine(doc: Document) -> Iterator[tuple[Example, str]]:
    """Candidate examples from one statement, with the sentence each was made from (not yet checked)."""
    for start, end in sentences(doc.text):
        if not 30 <= end - start <= 400:
            continue
        for question, kind in questions_from_sentence(doc.text[start:end]):
            yield Example(question, kind, doc.id, start, end), doc.text[start:end]


# ---- checking ------------------------------------------------------------------------------------

def cites_sentence(answer: Answer, example: Example, doc_text: str | None) -> bool:
    """The answer is not a refusal and quotes the example's own sentence, verbatim and verified."""
    if answer.refused or doc_text is None:
        return False
    return any(c.doc_id == example.doc_id and c.start < example.end and c.end > example.start
               and verify_citation(c, doc_text) for c in answer.citations)


def check(index: ExampleIndex, example: Example) -> bool:
    """Answer the example (extractive: an LLM's speed or mood must not decide) and see that it cites its sentence."""
    try:
        answer = index.answer(example.question, llm=False)
    except Exception:  # noqa: BLE001 - an example that cannot be answered is simply not offered
        log.exception("example question failed: %s", example.question)
        return False
    doc = index.document(example.doc_id)
    return cites_sentence(answer, example, doc.text if doc else None)


def _spread(rows: Sequence[tuple[str, str, str | None, str]], statements: int) -> list[str]:
    """About ``statements`` ids spread over every issuer and over time (evenly spaced in each issuer's
    statements, newest first), issuers alternating, so the examples show the breadth of the index."""
    by_source: dict[str, list[str]] = {}
    for doc_id, _title, _date, source in rows:
        by_source.setdefault(source, []).append(doc_id)
    share = max(statements // max(len(by_source), 1), 12)
    queues = []
    for ids in sorted(by_source.values(), key=len, reverse=True):
        k = min(share, len(ids))
        queues.append([ids[i * len(ids) // k] for i in range(k)])
    out: list[str] = []
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out


_KINDS = ("figure", "date", "meeting", "amount")


def _specific(ex: Example) -> bool:
    """Whether a question names enough to single out its statement on a big index: a meeting question
    without a place ("Whom did the Secretary meet?") matches hundreds of readouts, so it is tried last."""
    return ex.kind != "meeting" or bool(re.search(r" (?:in|at|during|on the margins of) [A-Z]", ex.question))


def candidates(index: ExampleIndex, statements: int = STATEMENTS_SCANNED) -> list[Example]:
    """Mined (unchecked) candidates in the order they are worth trying: kinds interleaved, specific ones
    first, one statement after another (recent first, issuers alternating)."""
    by_kind: dict[str, list[Example]] = {k: [] for k in _KINDS}
    vague: list[Example] = []
    asked: set[str] = set()  # the same question from two statements is tried once (it matches both)
    for doc_id in _spread(index.titles(limit=ALL_STATEMENTS), statements):
        doc = index.document(doc_id)
        if doc is None:
            continue
        seen: set[str] = set()
        for ex, _sentence in mine(doc):
            if ex.kind in seen or ex.question in asked:  # one candidate per statement and kind
                continue
            seen.add(ex.kind)
            asked.add(ex.question)
            (by_kind[ex.kind] if _specific(ex) else vague).append(ex)
    ordered: list[Example] = []
    # Gradio's example list shows the first 60 characters of a question: shorter ones are tried first
    queues = [sorted(by_kind[k], key=lambda e: len(e.question) > SHOWN_CHARS) for k in _KINDS]
    while any(queues):
        for q in queues:
            if q:
                ordered.append(q.pop(0))
    return ordered + sorted(vague, key=lambda e: len(e.question) > SHOWN_CHARS)


def build(index: ExampleIndex, previous: Iterable[Example] = (), max_examples: int = MAX_EXAMPLES,
          max_checks: int = MAX_CHECKS, statements: int = STATEMENTS_SCANNED) -> list[Example]:
    """Checked examples for the index as it is now: at most one per statement and two per kind.

    ``previous`` (the last build's examples) are re-checked first: after a small ingest they usually
    still hold, so a new generation costs a few answers rather than a new search. When mining finds
    fewer than two, questions about statement titles (also checked) fill in, e.g. on a tiny index.
    """
    kept: list[Example] = []
    per_kind: dict[str, int] = {}
    checks = 0

    def room(ex: Example) -> bool:
        return (len(kept) < max_examples and per_kind.get(ex.kind, 0) < 2
                and all(ex.doc_id != k.doc_id and ex.question != k.question for k in kept))

    def attempt(ex: Example) -> None:
        nonlocal checks
        if checks >= max_checks or not room(ex):
            return
        checks += 1
        if check(index, ex):
            kept.append(ex)
            per_kind[ex.kind] = per_kind.get(ex.kind, 0) + 1

    for ex in previous:
        doc = index.document(ex.doc_id)
        if doc is not None and 0 <= ex.start < ex.end <= len(doc.text):
            attempt(ex)
    for ex in candidates(index, statements):
        if len(kept) >= max_examples or checks >= max_checks:
            break
        attempt(ex)
    if len(kept) < 2:
        for ex in title_candidates(index):
            if len(kept) >= max_examples or checks >= max_checks + 4:
                break
            attempt(ex)
    order = {k: i for i, k in enumerate((*_KINDS, "topic"))}
    return sorted(kept, key=lambda e: order.get(e.kind, 9))


# ---- the fallback: questions about statement titles -----------------------------------------------

_TRAILING_SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}

# Press-release title boilerplate ("FACT SHEET: …", "Statement by … on …", "Readout of …"): the topic follows.
_TITLE_LEAD = re.compile(
    r"^(?:[^:]{1,30}:\s+"  # "FACT SHEET: ", "U.S.-EU: "
    r"|.{0,60}?\b(?:statement|remarks|readout)\b.{0,80}?\s+on\s+"
    r"|readout\s+of\s+)",
    re.IGNORECASE,
)


def _topic_of(title: str) -> str:
    """The topic part of a statement title (boilerplate lead removed when enough is left)."""
    title = re.sub(r"\s+", " ", title or "").strip()
    m = _TITLE_LEAD.match(title)
    rest = title[m.end():] if m else title
    return rest if len(rest.split(" ")) >= 2 else title


def question_from_title(title: str, max_chars: int = 36) -> str | None:
    """A short question about a statement, from its title (the example list shows short texts best)."""
    words = _topic_of(title).split(" ")
    if len(words) < 3:
        return None
    kept: list[str] = []
    for w in words:
        if len(" ".join([*kept, w])) > max_chars:
            break
        kept.append(w)
    cut = len(kept) < len(words)
    while cut and len(kept) > 1 and kept[-1].lower() in _TRAILING_SMALL_WORDS:
        kept.pop()
    phrase = " ".join(kept).rstrip(" ,;:.-–—")
    if not phrase:
        return None
    return f"What was said about “{phrase}{'…' if cut else ''}”?"


def title_candidates(index: ExampleIndex, limit: int = 12) -> Iterator[Example]:
    """Title questions for recent statements, issuers alternating; the span is the whole statement
    (any verified quote from it counts)."""
    rows = index.titles(limit=ALL_STATEMENTS)
    titles = {r[0]: r[1] for r in rows}
    for doc_id in _spread(rows, limit):
        q = question_from_title(titles[doc_id])
        doc = index.document(doc_id)
        if q and doc is not None and doc.text:
            yield Example(q, "topic", doc_id, 0, len(doc.text))


# ---- the on-disk cache -----------------------------------------------------------------------------

def cache_path(index_dir: Path) -> Path:
    return Path(index_dir) / CACHE_FILE


def fingerprint(settings: Any) -> str:
    """The settings an answer depends on: examples checked under other ones are checked again."""
    keys = ("top_k", "refuse_threshold", "embed_backend", "embed_model", "openai_embed_model")
    values: dict[str, Any] = {k: getattr(settings, k, None) for k in keys}
    # The learned ranker and reader decide answers as much as the settings do: a retrained artifact
    # means every example is checked again.
    for name in ("ranker.json", "reader.json"):
        try:
            values[name] = hashlib.sha256((resources.files("statementqa") / "data" / name).read_bytes()).hexdigest()
        except OSError:
            values[name] = None
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]


def load_cached(index_dir: Path | None, settings_fingerprint: str = "") -> tuple[object, list[Example]] | None:
    """(generation, examples) from the index folder, or None when there is none, it is unreadable, or it
    was built by other code or under other answering settings."""
    if index_dir is None:
        return None
    try:
        data = json.loads(cache_path(index_dir).read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION or data.get("settings", "") != settings_fingerprint:
            return None
        return data["generation"], [Example(**e) for e in data["examples"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_cached(index_dir: Path | None, generation: object, examples: Sequence[Example],
                settings_fingerprint: str = "") -> None:
    """Write atomically (another process may read it); a read-only index folder just keeps them in memory."""
    if index_dir is None:
        return
    path = cache_path(index_dir)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    payload = {"version": CACHE_VERSION, "generation": generation, "settings": settings_fingerprint,
               "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
               "examples": [asdict(e) for e in examples]}
    try:
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        log.warning("example questions not cached in %s: %s", index_dir, exc)
        tmp.unlink(missing_ok=True)
