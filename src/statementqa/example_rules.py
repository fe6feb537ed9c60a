"""The rules that turn one sentence (or one title) of a statement into an example question.

Why a module of their own: they are pure text rules (regular expressions over a sentence, no index),
the part of example mining that grows with every new question shape, and they are tested as a table of
sentences and the questions they give (tests/test_example_rules.py). :mod:`statementqa.examples` mines
statements with them and keeps only the questions whose answer cites their own sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from statementqa.textutil import MONTH_NAME, TENS_WORDS, UNIT_WORDS

MAX_QUESTION_CHARS = 90


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

# Count words: "one" is left out ("one of the …" counts nothing); the tables are textutil's.
_NUMBER_WORDS = "|".join([*(w for w, n in UNIT_WORDS.items() if n >= 2), *TENS_WORDS, "hundreds", "dozens",
                          "thousands"])
_UNITS = "|".join(w for w, n in UNIT_WORDS.items() if 1 <= n <= 9)
_NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|(?:{_NUMBER_WORDS})(?:-(?:{_UNITS}))?)"
_MODIFIER = r"(?:more than |over |nearly |almost |about |around |approximately |some |at least |up to |roughly )?"
_MONTHS = rf"(?:{MONTH_NAME}\b\.?)"  # textutil's month names, an abbreviation with or without its dot
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
    for kind, make in (("figure", _count_question), ("amount", _amount_question), ("meeting", _meeting_question),
                       ("date", _when_question)):
        if q := make(s):
            out.append((q, kind))
    return out


def _count_question(s: str) -> str | None:
    """"… has signed 17 memoranda …" → "How many memoranda has … signed?"."""
    m = _COUNT.search(s)
    if not m:
        return None
    subj = _subject(m["subj"])
    np = re.sub(r"^(?:million|billion|thousand|hundred|dozen)\s+", "", m["np"])
    last = np.split(" ")[-1].lower()
    if (not subj or np.split(" ")[0].lower() in _NOT_COUNTED or last in _NOT_COUNTED
            or last.endswith(("ss", "us", "is"))):
        return None
    verb = _IRREGULAR_PARTICIPLE.get(m["verb"], m["verb"])
    aux = "have" if _plural_subject(subj) else "has"
    return _finish(f"How many {np} {aux} {subj} {verb}?")


def _amount_question(s: str) -> str | None:
    """"… has provided $40 million in aid" → "How much in aid has … provided?"."""
    m = _AMOUNT.search(s)
    subj = _subject(m["subj"]) if m else None
    if not m or not subj:
        return None
    verb, aux = m["verb"], m["aux"]
    future = aux == "will" or not verb.endswith("ed") and verb not in _IRREGULAR_PARTICIPLE
    what = re.sub(r"\s+(?:the|a|an|its|their|our|his|her)$", "", m["what"].rstrip("."))
    if m["prep"] == "in" and what.split(" ")[0].lower() in {"the", "a", "an", "this", "its", "their"}:
        what = ""  # "$2 billion in the American Rescue Plan": where it went, not what it was
    # "$135 million in rewards" → "How much in rewards …"; "$17.5 billion of X" → "How much X …"
    head = {"in": f"How much in {what}", "of": f"How much {what}"}.get(m["prep"], "How much")
    after = "" if m["prep"] in {"in", "of"} else f" {m['prep']} {what}"
    q: str | None
    if future:  # "will provide $5 million in …"
        q = f"{head} will {subj} {verb}{after}?" if aux == "will" else None
    else:
        part = _IRREGULAR_PARTICIPLE.get(verb, verb)
        have = "have" if _plural_subject(subj) else "has"
        q = f"{head} {have} {subj} {part}{after}?"
    if (not what or what.lower() in _VAGUE_SUBJECT or what[0].isdigit() or what.endswith("-")
            or re.match(_MONTHS, what) or re.search(r"\b(?:our|we|us|my|your)\b", what, re.I)):
        return None
    return _finish(q) if q else None


_MEETING_BASE = {"met": "meet", "meets": "meet", "will meet": "meet", "hosted": "host", "will host": "host",
                 "welcomed": "welcome", "held talks": "hold talks", "spoke": "speak", "speaks": "speak"}


def _meeting_question(s: str) -> str | None:
    """"… met with Foreign Minister X in Prague" → "Whom did … meet in Prague?"."""
    m = _MEETING.search(s)
    subj = _subject(m["subj"]) if m else None
    if not m or not subj:
        return None
    verb, tail = m["verb"], (m["tail"] or "")
    did = "will" if verb.startswith("will") else "does" if verb in {"meets", "speaks"} else "did"
    base = _MEETING_BASE[verb]
    if base in {"hold talks", "speak"}:
        return _finish(f"With whom {did} {subj} {base}{tail}?") if m["with"] else None
    return _finish(f"Whom {did} {subj} {base}{tail}?")


def _when_question(s: str) -> str | None:
    """The first of "… was signed on …", "… will open on …", "… signed X on …" that makes a question."""
    for pattern, form in ((_WHEN_PASSIVE, "passive"), (_WHEN_FUTURE, "future"), (_WHEN_ACTIVE, "active")):
        m = pattern.search(s)
        subj = _subject(m["subj"].strip()) if m else None
        if not m or not subj:
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
        if finished := _finish(re.sub(r" +\?", "?", q)):
            return finished
    return None


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
