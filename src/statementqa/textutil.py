"""Term normalization shared by BM25 (store) and sentence scoring (answer).

Why shared: the lexical evidence used to rank passages and to pick the quoted sentence must
agree on what counts as the same word (lower-cased, stop words dropped, Snowball-stemmed).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from nltk.stem.snowball import EnglishStemmer

# Any script's letters and digits: "Lipavský" and "Černochová" are one word each, not "Lipavsk" + "ý".
_WORD = re.compile(r"[^\W_](?:[\w’'\-]*[^\W_])?")
_STEMMER = EnglishStemmer()

# Month names, full or abbreviated, as a regex group (capitalized: compile with re.I where case does not
# matter). \b-bounded by the caller: "Mar" and "March" match, "Market" and "Mayor" do not.
MONTH_NAME = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
              r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your yours
    yourself yourselves s t don also us u.s the whose did does many much say said says tell told""".split()
)


def shorten(text: str, limit: int = 200) -> str:
    """``text`` on one line (whitespace runs collapsed), cut to ``limit`` characters with "…"."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _STEMMER.stem(word)


def words(text: str) -> list[str]:
    """Surface word tokens (case kept), for acronym and number matching."""
    return _WORD.findall(text)


def strip_accents(text: str) -> str:
    """"Lipavský" → "Lipavsky" (NFKD, combining marks dropped); uncached, for whole texts."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def fold_accents(word: str) -> str:
    """"Lipavský" → "Lipavsky": analysts type names without diacritics, statements keep them."""
    return strip_accents(word)


@lru_cache(maxsize=131072)
def normalize_word(word: str) -> str:
    w = fold_accents(word).lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    return w


def terms(text: str) -> list[str]:
    """Index/query terms: lower-cased, possessives and stop words dropped, stemmed."""
    out: list[str] = []
    for raw in words(text):
        w = normalize_word(raw)
        if w in STOPWORDS or not w:
            continue
        # Split hyphenated compounds ("U.S.-Czech", "F-35") but keep the whole too for exact hits.
        out.append(stem(w))
        out.extend(_compound_parts(w))
    return out


def _compound_parts(w: str) -> list[str]:
    """The part terms of a normalized hyphenated word ("us-turkmenistan" → ["us", "turkmenistan"] less stop
    words); [] for a word that is no compound. One split for ``terms`` and ``compound_terms``."""
    parts = [p for p in re.split(r"[-']", w) if p]
    return [stem(p) for p in parts if p not in STOPWORDS] if len(parts) > 1 else []


# Irregular past forms → base form, so "met" reports what "When did they meet?" asks about (the stemmer leaves
# "met" and "meet" apart). The verbs official statements report events with.
IRREGULAR_PAST = {
    "met": "meet", "spoke": "speak", "spoken": "speak", "held": "hold", "took": "take", "taken": "take",
    "gave": "give", "given": "give", "made": "make", "said": "say", "told": "tell", "began": "begin",
    "begun": "begin", "sent": "send", "led": "lead", "won": "win", "left": "leave", "came": "come", "went": "go",
    "gone": "go", "saw": "see", "seen": "see", "brought": "bring", "wrote": "write", "written": "write",
    "paid": "pay", "built": "build", "bought": "buy", "sold": "sell", "spent": "spend", "found": "find",
    "became": "become", "chose": "choose", "chosen": "choose", "drew": "draw", "drawn": "draw", "rose": "rise",
    "risen": "rise", "fell": "fall", "fallen": "fall", "grew": "grow", "grown": "grow", "struck": "strike",
    "sought": "seek", "swore": "swear", "sworn": "swear", "flew": "fly", "flown": "fly", "fought": "fight",
    "broke": "break", "broken": "break", "lost": "lose", "kept": "keep", "stood": "stand", "taught": "teach",
    "caught": "catch", "thought": "think", "knew": "know", "known": "know", "hung": "hang", "laid": "lay",
    "lent": "lend", "withdrew": "withdraw", "withdrawn": "withdraw", "undertook": "undertake",
    "overtook": "overtake", "froze": "freeze", "frozen": "freeze", "shot": "shoot", "hit": "hit", "set": "set",
    "put": "put", "cut": "cut", "ran": "run", "sat": "sit", "rode": "ride", "drove": "drive", "driven": "drive",
}


def event_terms(text: str) -> set[str]:
    """``text``'s terms with each irregular past verb as its base form ("met" → "meet"), to compare what a
    sentence reports with what a question asks."""
    return set(terms(" ".join(IRREGULAR_PAST.get(normalize_word(w), w) for w in words(text))))


@lru_cache(maxsize=65536)
def term_set(text: str) -> frozenset[str]:
    """The distinct terms of a text (cached: the same sentences are scored for many questions)."""
    return frozenset(terms(text))


_CAP_RUN = re.compile(r"\b[A-Z][A-Za-z’'\-]*(?:\s+(?:(?:of|and|the|for|on|to|in|&)\s+)*[A-Z][A-Za-z’'\-]*)+")
_ACRONYM_TOKEN = re.compile(r"^[A-Za-z]{2,8}$")
_LINKERS = {"of", "and", "the", "for", "on", "to", "in", "&"}


def initialisms(text: str) -> list[tuple[str, str]]:
    """(initials, phrase) for every run of capitalized words, e.g. ("mou", "Memorandum of Understanding").

    Why mine them from the corpus: analysts type "MoU", "FIMI", "EDA"; statements spell them out.
    A map learned from the indexed text generalizes to acronyms no list anticipates.
    """
    out: list[tuple[str, str]] = []
    for m in _CAP_RUN.finditer(text):
        ws = m.group().split()
        for i in range(len(ws)):
            if ws[i].lower() in _LINKERS:
                continue
            for j in range(i + 2, min(len(ws), i + 6) + 1):
                if ws[j - 1].lower() in _LINKERS:
                    continue
                phrase = ws[i:j]
                caps = "".join(w[0] for w in phrase if w.lower() not in _LINKERS).lower()
                full = "".join(w[0] for w in phrase).lower()
                name = " ".join(phrase)
                out.append((caps, name))
                if full != caps:
                    out.append((full, name))
    return out


def query_acronyms(question: str) -> list[str]:
    """Acronym-like tokens a user typed ("MoUs" → "mou", "NATO" → "nato")."""
    found: list[str] = []
    for w in words(question):
        base = w[:-1] if w.endswith("s") and sum(c.isupper() for c in w[:-1]) >= 2 else w
        if _ACRONYM_TOKEN.match(base) and sum(c.isupper() for c in base) >= 2:
            found.append(base.lower())
    return found


def spells_out(acronym: str, text: str) -> bool:
    """Does ``text`` use the acronym or spell it out (initials of consecutive words, skipping 'of', 'and'…)?

    "mou" is spelled out by "memorandum of understanding", "fmf" by "Foreign Military Financing".
    """
    if not any(c.isalpha() for c in acronym):
        return False
    return bool(re.search(rf"\b{re.escape(acronym)}s?\b", text, re.I)) or bool(spelling_words(acronym, words(text)))


def spelling_words(acronym: str, ws: list[str]) -> range:
    """The indices of the first run of ``ws`` whose initials spell ``acronym`` (linking words inside the run
    skipped: "Memorandum of Understanding"); an empty range when none does. Why the indices: a span that is the
    question's "UN" spelled out ("United Nations Security Council" for "Which UN Security Council resolution …?")
    repeats the question as surely as one that uses its words."""
    letters = [c.lower() for c in acronym if c.isalpha()]
    if not letters:
        return range(0)
    for i in range(len(ws)):
        j, k = i, 0
        while j < len(ws) and k < len(letters):
            w = ws[j].lower()
            if w[0] == letters[k]:
                k += 1
            elif w not in _LINKERS or k == 0:
                break
            j += 1
        if k == len(letters):
            return range(i, j)
    return range(0)


def acronym_terms(question: str) -> dict[str, str]:
    """The question's acronym terms ("mous" for "MoUs") → the acronym ("mou"), so a text that spells it out
    ("memorandum of understanding") is not taken to lack the word the question hinges on."""
    out: dict[str, str] = {}
    for a in query_acronyms(question):
        for t in (*terms(a), *terms(a + "s")):
            out[t] = a
    return out


def compound_terms(question: str) -> dict[str, tuple[str, ...]]:
    """The question's hyphenated compound terms → their parts' terms ("us-turkmenistan" → ("turkmenistan",),
    "biden-erdogan" → ("biden", "erdogan")), for ``present``.

    Why: ``terms`` keeps a compound whole for exact hits, but analysts hyphenate what statements write otherwise
    ("US-Turkmenistan" for "U.S.-Turkmenistan" or "United States-Turkmenistan", "biden-erdogan" for "President
    Biden met President Erdoğan"); the whole form is then in no statement, and as an unseen term it weighs most of
    all, so every statement looked as if it lacked the word the question hinges on."""
    out: dict[str, tuple[str, ...]] = {}
    for raw in words(question):
        w = normalize_word(raw)
        kept = _compound_parts(w) if w not in STOPWORDS else []
        if kept:
            out[stem(w)] = tuple(kept)
    return out


def present(text: str, acr: Mapping[str, str],
            compounds: Mapping[str, tuple[str, ...]] | None = None) -> set[str]:
    """The terms of ``text``, plus each question acronym term whose acronym ``text`` spells out, plus each
    question compound term (``compound_terms``) whose parts ``text`` all has.

    Why one definition: the ranker's sentence coverage and the reader's evidence must agree that "memorandum of
    understanding" holds the asked "MoUs"."""
    found = set(terms(text))
    spelled = {a for a in set(acr.values()) if spells_out(a, text)}  # "mou" once, not once per "mou"/"mous"
    found.update(t for t, a in acr.items() if a in spelled)
    if compounds:
        found.update(t for t, parts in compounds.items() if all(p in found for p in parts))
    return found


# --- typography, number words, month numbers -------------------------------------------------------
# Shared by eval's answer matching and the reader's figures (statementqa.figures).

# Typography that is not wording: curly, low and angle quotes, primes and backticks; hyphens, dashes and the
# minus sign; the ellipsis character; the no-break space; invisible characters (soft hyphen, zero-width) go.
SINGLE_QUOTES = "'‘’‚‛′`´"
DOUBLE_QUOTES = '"“”„‟″«»'
DASHES = "-‐‑‒–—―−"
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
TYPOGRAPHY_FOLD: dict[int, str | None] = str.maketrans({
    **dict.fromkeys(SINGLE_QUOTES, "'"), **dict.fromkeys(DOUBLE_QUOTES, '"'), **dict.fromkeys(DASHES, "-"),
    "…": "...", "\u00a0": " ", **dict.fromkeys(INVISIBLE, None),
})


def fold_typography(text: str) -> str:
    """Straight quotes for curly ones, "-" for every dash, "..." for "…": how people retype a text."""
    return text.translate(TYPOGRAPHY_FOLD)


def fold_for_matching(text: str) -> str:
    """Typography folded, accents stripped, lower-cased, whitespace collapsed: the form in which an expected
    answer is looked for in a given one ("Lipavský’s" and "lipavsky's" are the same words).

    Not for stored text: quotes are verified against the exact stored characters (statementqa.verify.quotes).
    """
    return re.sub(r"\s+", " ", strip_accents(fold_typography(text)).lower()).strip()


# Number words by value. Readers add their own (figures.py: "dozen", "hundreds"); "zero" is a value, not a count.
UNIT_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
              "ninety": 90}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60, "seventieth": 70,
    "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}

_MONTH_ABBREVS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAME_RE = re.compile(MONTH_NAME, re.I)


def month_number(name: str) -> int | None:
    """1–12 for a month name as MONTH_NAME matches it ("Sept", "sep", "September" → 9); None for other words."""
    if not _MONTH_NAME_RE.fullmatch(name):
        return None
    return _MONTH_ABBREVS.index(name[:3].lower()) + 1
