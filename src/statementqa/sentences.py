"""Sentences of a stored statement: the one splitter every quote is cut with.

Why one module: a quote must be a whole sentence of the source, on the extractive path (which quotes
sentences) and on the LLM path (which widens a located quote to the sentences it touches). Both use
``sentence_spans`` so they can never disagree about where a sentence ends.

Why not one line = one sentence: PDF text layers and wrapped .txt/.md files break lines inside
sentences ("…will grant 900 new mining licences" / "only if parliament passes the law…"). A line
break is therefore *soft* (a space) unless the layout says otherwise: a blank line (paragraph), a
list item, a heading, a speaker turn ("SECRETARY BLINKEN:") or a short line that was not wrapped
(a title, a dateline, an entry of a list of names) ends the unit. Inside a unit, NLTK's Punkt (the
model llama-index bundles, so nothing is downloaded) finds the sentence ends.
"""

from __future__ import annotations

import re
from functools import lru_cache

from llama_index.core.utils import globals_helper

# A line that starts a new unit: bullets ("-", "*", "•", "o "), enumerators ("1.", "2)", "(a)", "a)",
# "(iv)"), Markdown headings and table rows.
_LIST_ITEM = re.compile(
    r"\s*(?:[-*•▪●◦·‣]\s|o\s+(?=[A-Z])|\(?\d{1,3}[.)]\s|\([a-z]\)\s|[a-z]\)\s|\((?:[ivx]{1,5})\)\s|#{1,6}\s|\|)"
)
# A transcript turn: "SECRETARY BLINKEN:", "QUESTION:", "MS. JEAN-PIERRE:", "Q:".
SPEAKER_LABEL = re.compile(r"^\s*(?:[A-Z][A-Z .’'\-\u00C0-\u017F]{2,60}|Q|A):", re.M)
_HEADING = re.compile(r"\s*#{1,6}\s")
_ENDS_OPEN = re.compile(r"[,;:\-–—/(]$")
_CONNECTORS = frozenset(
    """a an the of and or but nor to in on at by for from with as into onto than that which who whose whom
    this these those its their our his her is are was were be been will would shall should can could may
    might must has have had not also including such per via between among over under""".split()
)
_WORD_START = re.compile(r"\S+")
# Punkt (as bundled) ends a sentence after every abbreviation. A title is always followed by a name
# ("Mrs. Biden", "Lt. Col. Vindman"); after an initialism ("U.S.", "D.C.") or "Jr." a new sentence
# starts only with a word that typically starts one ("… in the U.S. The minister …").
_TITLE_END = re.compile(
    r"\b(?:Mr|Mrs|Ms|Mx|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Amb|Prof|Hon|Rev|Sgt|Capt|Maj|Adm|Cmdr|Pres|Supt|Insp)\.$"
)
_INITIALISM_END = re.compile(r"(?:\b(?:[A-Z]\.){2,}|\b(?:Jr|Sr|No|Nos|Art|Sec|Ch|Vol|approx|incl|vs|etc)\.)$")
_STARTERS = frozenset(
    """The This That These Those We I He She It They You Our My His Her Its Their In On At As But And Or So Yet
    Today Yesterday Tomorrow Tonight A An There Here When While If After Before During For With Without Under
    Over By From To Since Both Each All Many Some Most However Moreover Furthermore Additionally Also Now
    Then Thank Thanks Please Together Finally First Second Third Last Next Why What How Where Who Yes No""".split()
)
_MIN_SENTENCE = 25  # Punkt pieces shorter than this ("Mr.", "Thank you.") are joined to a neighbour


def _label_only(line: str) -> bool:
    """A speaker label on a line of its own ("SECRETARY BLINKEN:")."""
    m = SPEAKER_LABEL.match(line)
    return m is not None and not line[m.end() :].strip()


def _soft_break(prev: str, nxt: str, width: int) -> bool:
    """Is the line break between ``prev`` and ``nxt`` (same paragraph) only a wrap?"""
    if _LIST_ITEM.match(nxt) or SPEAKER_LABEL.match(nxt) or _HEADING.match(prev) or _label_only(prev):
        return False
    a, b = prev.rstrip(), nxt.lstrip()
    if not a or not b:
        return False
    if b[0].islower() or b[0].isdigit() or _ENDS_OPEN.search(a) or a.rsplit(None, 1)[-1].lower() in _CONNECTORS:
        return True  # the sentence visibly goes on
    # A wrapped line is "full": the next line's first word did not fit after it. Then the break is a
    # space in effect and Punkt decides whether a sentence ends there. A title, a dateline, a name in a
    # list or a one-line paragraph is shorter than that, and ends its unit.
    first = _WORD_START.match(b)
    return len(a) + 1 + (len(first.group()) if first else 0) > width


def _units(text: str) -> list[tuple[int, int]]:
    """(start, end) of the layout units of ``text``: paragraphs cut at hard line breaks."""
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    # Is the text hard-wrapped? Then most line breaks inside a paragraph are followed by a lower-case
    # word; in a text whose lines are paragraphs, headings or list entries they hardly ever are.
    inner = [(s, e, ns) for (s, e), (ns, ne) in zip(lines, lines[1:], strict=False) if ne > ns and e > s]
    continued = sum(1 for _, _, ns in inner if text[ns : ns + 1].islower())
    wrapped = continued >= 2 and continued >= 0.3 * len(inner)
    # Width of a wrapped line: the longest line that is followed by another line of its paragraph.
    width = max((e - s for s, e, _ in inner), default=0) if wrapped else 1 << 30
    units: list[tuple[int, int]] = []
    start: int | None = None
    prev: tuple[int, int] | None = None
    for s, e in lines:
        line = text[s:e]
        if not line.strip():  # blank line: a paragraph ends
            if start is not None and prev is not None:
                units.append((start, prev[1]))
            start, prev = None, None
            continue
        if start is None or prev is None:
            start = s
        elif not _soft_break(text[prev[0] : prev[1]], line, width):
            units.append((start, prev[1]))
            start = s
        prev = (s, e)
    if start is not None and prev is not None:
        units.append((start, prev[1]))
    return units


def _punkt(text: str, start: int, end: int, min_length: int = _MIN_SENTENCE) -> list[tuple[int, int]]:
    """Punkt sentences of ``text[start:end]``, with abbreviation and short-piece splits undone."""
    out: list[tuple[int, int]] = []
    for s, e in globals_helper.punkt_tokenizer.span_tokenize(text[start:end]):
        s, e = s + start, e + start
        if out:
            ps, pe = out[-1]
            prev = text[ps:pe]
            nxt = _WORD_START.match(text, s)
            first = nxt.group().strip("“\"‘'(") if nxt else ""
            glued = (
                pe - ps < min_length
                or text[s : s + 1].islower()
                or bool(_TITLE_END.search(prev))
                or (bool(_INITIALISM_END.search(prev)) and first not in _STARTERS)
            )
            if glued:
                out[-1] = (ps, e)
                continue
        out.append((s, e))
    if len(out) > 1 and out[-1][1] - out[-1][0] < min_length:
        last = out.pop()
        out[-1] = (out[-1][0], last[1])
    return out


def sentence_spans(text: str, min_length: int = _MIN_SENTENCE) -> list[tuple[int, int]]:
    """(start, end) of every sentence of ``text``, in order; ``text[start:end]`` is the sentence.

    Sentences run across soft line breaks and never across a paragraph break, list item, heading
    or speaker turn; edges carry no whitespace. Pieces shorter than ``min_length`` are joined to a
    neighbour: in a stored statement they are Punkt's over-splits ("Thank you."); in a generated answer
    a short sentence ("Yes [1].") is a claim of its own, so the answer is split with ``min_length=0``.
    """
    spans: list[tuple[int, int]] = []
    for us, ue in _units(text):
        for s, e in _punkt(text, us, ue, min_length):
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s < e:
                spans.append((s, e))
    return spans


@lru_cache(maxsize=2048)
def cached_spans(text: str) -> tuple[tuple[int, int], ...]:
    """``sentence_spans`` memoized per stored text (both answer paths ask for the same statements)."""
    return tuple(sentence_spans(text))


def enclosing(text: str, start: int, end: int) -> tuple[int, int]:
    """The smallest run of whole sentences of ``text`` that covers ``text[start:end]``.

    Why: a quote located inside a sentence ("…900 new mining licences") may not be shown without the
    rest of that sentence ("…only if parliament passes the law, which it rejected").
    """
    spans = cached_spans(text)
    touched = [(s, e) for s, e in spans if s < end and e > start]
    if not touched:
        return start, end
    return min(start, touched[0][0]), max(end, touched[-1][1])
