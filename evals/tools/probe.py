"""Search the whole shared corpus for competing answers to an eval question (the v2 ambiguity check).

Why: a question is only a fair test if the corpus answers it one way. "How many MoUs has the US signed?" is
unambiguous only if no other statement puts another figure next to "memorandum"; "When was X signed?" only if
no other statement gives X another date. Writers describe each question's *probe* — the words that must occur
together in a sentence, the kind of value the question asks for and the word it must stand next to — and this
tool lists every value of that kind, anywhere in the 8,937 statements, that is not an acceptable answer. The
writer rewords or drops the question, or records why a hit is not a competitor (``reviewed``). The rot check
(``tests/eval/test_questions_v2.py``) runs the same check over the whole v2 set and fails on any unreviewed
competitor.

Probe fields (in a question's ``probe`` object):

- ``terms``: list of term groups that must all occur in one sentence. A group is alternatives separated by
  ``|``; an alternative is a word prefix (``memorand`` matches memorandum/memoranda) or a phrase of several
  word prefixes that must be consecutive (``foreign military financ``). Case-insensitive, accents folded.
- ``kind``: ``number`` | ``date`` | ``name`` | ``latest`` | ``earliest`` | ``quote`` | ``sentences``.
  number/date/name: values of that kind within ``window`` words of a ``near`` term (default: of any term).
  latest/earliest: statements with a matching sentence dated after (before) the newest (oldest) gold statement.
  quote: other statements containing the phrase in ``phrase`` (attribution questions: who else said it?).
  sentences: every matching sentence outside the gold statements (for questions no value kind fits).
- ``near``: a term group (same syntax) the value must stand next to; ``window``: words either side (default 6).

Usage::

    python evals/tools/probe.py search "memorand|mou" "sign" --kind number --near "memorand|mou"
    python evals/tools/probe.py check evals/v2/src/w1.jsonl            # every question in a draft file
    python evals/tools/probe.py check evals/v2/questions.jsonl --id v2-w1-007 --show
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import pickle
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
KINDS = ("number", "date", "name", "latest", "earliest", "quote", "sentences")

_TOKEN = re.compile(r"[^\W_]+(?:[’'\-.][^\W_]+)*")
_SENT_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")


_TYPO = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
_COMBINING = re.compile(r"[\u0300-\u036f]")


def fold(text: str) -> str:
    """Lower-case, accents stripped, typographic quotes/dashes folded (as the eval's answer matching does)."""
    text = text.translate(_TYPO)
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return text.lower()


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


def sentences(text: str) -> list[str]:
    """Rough sentences (lines, then sentence ends): good enough to find co-occurring words."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            out.extend(s.strip() for s in _SENT_END.split(line) if s.strip())
    return out


# --- corpus and its word index -------------------------------------------------------------------


@dataclass
class Corpus:
    """All statements by id, plus a word → statements index for fast candidate filtering."""

    docs: dict[str, dict[str, Any]]
    vocab: list[str]  # sorted
    postings: dict[str, set[str]]

    def docs_with_prefix(self, prefix: str) -> set[str]:
        out: set[str] = set()
        i = bisect.bisect_left(self.vocab, prefix)
        while i < len(self.vocab) and self.vocab[i].startswith(prefix):
            out |= self.postings[self.vocab[i]]
            i += 1
        return out


def corpus_files(corpus_dir: Path) -> list[Path]:
    files = sorted((corpus_dir / "statements").glob("*.jsonl")) + sorted((corpus_dir / "seed").glob("*.jsonl"))
    if not files:
        raise SystemExit(f"error: no statements under {corpus_dir} (expected statements/*.jsonl and seed/*.jsonl)")
    return files


def load_corpus(corpus_dir: Path | None = None) -> Corpus:
    """The corpus and its word index, cached in the temp folder keyed by the files' sizes and mtimes."""
    files = corpus_files(corpus_dir or DEFAULT_CORPUS)
    stamp = hashlib.sha256(repr(["v2"] + [(str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files]).encode())
    cache = Path(tempfile.gettempdir()) / f"statementqa-probe-{stamp.hexdigest()[:16]}.pickle"
    if cache.exists():
        try:
            with cache.open("rb") as fh:
                docs, vocab, postings = pickle.load(fh)  # noqa: S301 - our own cache file
            return Corpus(docs, vocab, postings)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError):
            pass
    docs: dict[str, dict[str, Any]] = {}
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                docs[rec["id"]] = rec
    postings: dict[str, set[str]] = {}
    for doc_id, rec in docs.items():
        for tok in set(tokens(rec.get("title", "") + "\n" + rec["text"])):
            postings.setdefault(tok, set()).add(doc_id)
    corpus = Corpus(docs, sorted(postings), postings)
    tmp = cache.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump((corpus.docs, corpus.vocab, corpus.postings), fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(cache)
    return corpus


# --- term groups ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """Alternatives; each alternative is a tuple of word prefixes that must be consecutive."""

    alts: tuple[tuple[str, ...], ...]
    regex: re.Pattern[str]

    @classmethod
    def parse(cls, spec: str) -> Group:
        alts = tuple(tuple(tokens(a)) for a in spec.split("|") if tokens(a))
        if not alts:
            raise ValueError(f"empty term group {spec!r}")
        # A fast pre-filter on folded sentence text: each word prefix at a word start, phrases in sequence.
        pattern = "|".join(r"\W+\w*?".join(r"(?<![^\W_])" + re.escape(p) for p in alt) for alt in alts)
        return cls(alts, re.compile(pattern))

    def positions(self, toks: Sequence[str]) -> list[int]:
        """Token positions where any alternative starts."""
        out: list[int] = []
        for i in range(len(toks)):
            for alt in self.alts:
                if i + len(alt) <= len(toks) and all(toks[i + j].startswith(p) for j, p in enumerate(alt)):
                    out.append(i)
                    break
        return out

    def candidate_docs(self, corpus: Corpus) -> set[str]:
        out: set[str] = set()
        for alt in self.alts:
            docs = corpus.docs_with_prefix(alt[0])
            for p in alt[1:]:
                docs &= corpus.docs_with_prefix(p)
            out |= docs
        return out


@dataclass
class Probe:
    terms: list[Group]
    kind: str
    near: Group | None = None
    window: int = 6
    phrase: str | None = None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Probe:
        kind = raw.get("kind", "sentences")
        if kind not in KINDS:
            raise ValueError(f"probe kind {kind!r}: use one of {', '.join(KINDS)}")
        terms = [Group.parse(t) for t in raw.get("terms", [])]
        if not terms and kind != "quote":
            raise ValueError("probe needs at least one term group in 'terms'")
        if kind == "quote" and not raw.get("phrase"):
            raise ValueError("a quote probe needs 'phrase'")
        near = Group.parse(raw["near"]) if raw.get("near") else None
        return cls(terms, kind, near, int(raw.get("window", 6)), raw.get("phrase"))


@dataclass
class Hit:
    doc_id: str
    date: str | None
    value: str
    sentence: str
    gold: bool = False

    def key(self) -> tuple[str, str]:
        return self.doc_id, self.value


# --- value extraction ----------------------------------------------------------------------------

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
          r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DATE_RE = re.compile(
    rf"\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:\s*[-–]\s*\d{{1,2}})?(?:,?\s+\d{{4}})?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\.?(?:,?\s+\d{{4}})?\b"
    rf"|\b{_MONTH}\s+\d{{4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b"
    r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
    r"|\b(?:today|yesterday|tomorrow|last week|next week|this week)\b"
    r"|\b(?:in|since|by|until)\s+(?:19|20)\d{2}\b"
)
_NUMBER_WORDS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
                 "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred dozen "
                 "dozens hundreds thousands millions first second third fourth fifth sixth seventh eighth ninth "
                 "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
                 "nineteenth twentieth half quarter").split()
_NUMBER_RE = re.compile(
    r"(?:[$€£]\s?)?\b\d[\d,]*(?:\.\d+)?(?:st|nd|rd|th)?\b(?:\s?(?:%|percent|million|billion|trillion))?"
    r"|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b",
    re.I,
)
_YEAR_RE = re.compile(r"^(?:19|20)\d{2}$")
_NAME_RE = re.compile(r"\b[A-Z][\w’'\-.]*(?:\s+(?:of|the|and|de|al|bin|von|van|der|for)?\s*[A-Z][\w’'\-.]*){0,4}")


def _word_spans(sentence: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\S+", sentence)]


def _anchor_char_spans(sentence: str, group: Group, window: int) -> list[tuple[int, int]]:
    """Character ranges of ``window`` words either side of every occurrence of the group."""
    spans = _word_spans(sentence)
    words = [tokens(sentence[s:e]) for s, e in spans]
    flat: list[tuple[int, str]] = [(i, t) for i, ts in enumerate(words) for t in ts]
    toks = [t for _, t in flat]
    out: list[tuple[int, int]] = []
    for pos in group.positions(toks):
        wi = flat[pos][0]
        lo, hi = max(0, wi - window), min(len(spans) - 1, wi + window)
        out.append((spans[lo][0], spans[hi][1]))
    return out


def values_in(sentence: str, kind: str, question_words: set[str]) -> list[tuple[str, int]]:
    """(value, char offset) of every value of ``kind`` in the sentence."""
    found: list[tuple[str, int]] = []
    if kind == "number":
        in_dates = [m.span() for m in _DATE_RE.finditer(sentence)]
        for m in _NUMBER_RE.finditer(sentence):
            v = m.group().strip()
            if _YEAR_RE.match(v) or fold(v) in question_words:
                continue
            if any(lo <= m.start() < hi for lo, hi in in_dates):
                continue  # the day of a date ("June 30, 2022"), not a quantity
            found.append((v, m.start()))
    elif kind == "date":
        found = [(m.group().strip(), m.start()) for m in _DATE_RE.finditer(sentence)]
    elif kind == "name":
        for m in _NAME_RE.finditer(sentence):
            v = m.group().strip().rstrip(".,")
            if m.start() == 0 and " " not in v:
                continue  # a capitalized first word of the sentence is no name
            if set(tokens(v)) <= question_words:
                continue
            found.append((v, m.start()))
    return found


# --- the check -----------------------------------------------------------------------------------


@dataclass
class Result:
    qid: str
    competitors: list[Hit] = field(default_factory=list)  # unreviewed
    reviewed: list[Hit] = field(default_factory=list)
    gold_hits: list[Hit] = field(default_factory=list)  # values found in gold/topic statements
    matched_sentences: int = 0
    topic_covered: bool = True
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.competitors and not self.problems and self.topic_covered


def _matching_sentences(corpus: Corpus, probe: Probe) -> Iterator[tuple[str, str]]:
    """(doc_id, sentence) where every term group occurs."""
    docs: set[str] | None = None
    for g in probe.terms:
        cand = g.candidate_docs(corpus)
        docs = cand if docs is None else docs & cand
    for doc_id in sorted(docs or ()):
        rec = corpus.docs[doc_id]
        for sent, folded in _doc_sentences(doc_id, rec.get("title", ""), rec["text"]):
            if all(g.regex.search(folded) for g in probe.terms):
                yield doc_id, sent


@lru_cache(maxsize=8192)
def _doc_sentences(doc_id: str, title: str, text: str) -> tuple[tuple[str, str], ...]:
    """(sentence, folded sentence) of a statement, its title first."""
    sents = [title, *sentences(text)] if title else sentences(text)
    return tuple((s, fold(s)) for s in sents)


def _acceptable(value: str, answers: Sequence[str | list[str]]) -> bool:
    """Is a found value one of the acceptable answers (or one of a multi-part answer's parts)?"""
    from statementqa.eval import match_part

    for ans in answers:
        parts = [ans] if isinstance(ans, str) else ans
        if any(match_part(p, value) or match_part(value, p) for p in parts):
            return True
    return False


def _reviewed(hit: Hit, reviewed: Sequence[dict[str, Any]]) -> bool:
    for r in reviewed:
        if r.get("doc_id") != hit.doc_id:
            continue
        value = r.get("value")
        if value is None or fold(value) == fold(hit.value):
            return True
    return False


def check_question(q: dict[str, Any], corpus: Corpus) -> Result:
    """Run a question's probe over the corpus; competitors are values that are not acceptable answers."""
    res = Result(q.get("id", "?"))
    raw = q.get("probe")
    if not raw:
        res.problems.append("no 'probe': describe the words, value kind and anchor to search for")
        return res
    try:
        probe = Probe.from_json(raw)
    except ValueError as exc:
        res.problems.append(f"bad probe: {exc}")
        return res
    # A built question lists gold_ids; a draft has only its gold quotes (which name their statements).
    gold = set(q.get("gold_ids") or [g["doc_id"] for g in q.get("gold", []) if "doc_id" in g])
    own = gold | set(q.get("topic_ids", []))
    answers = q.get("answers", [])
    reviewed = q.get("reviewed", [])
    qwords = set(tokens(q.get("question", "")))
    for doc_id in own:
        if doc_id not in corpus.docs:
            res.problems.append(f"statement {doc_id!r} is not in the corpus")
    hits: list[Hit] = []
    if probe.kind == "quote":
        phrase = fold(probe.phrase or "")
        for doc_id, rec in corpus.docs.items():
            if phrase in fold(rec["text"]) and doc_id not in gold:
                hits.append(Hit(doc_id, rec.get("date"), "(quote)", probe.phrase or ""))
    elif probe.kind in ("latest", "earliest"):
        dates = [corpus.docs[g].get("date") or "" for g in gold if g in corpus.docs]
        if not dates:
            res.problems.append("a latest/earliest probe needs gold statements with dates")
            return res
        bound = max(dates) if probe.kind == "latest" else min(dates)
        seen: set[str] = set()
        for doc_id, sent in _matching_sentences(corpus, probe):
            res.matched_sentences += 1
            d = corpus.docs[doc_id].get("date") or ""
            beyond = d > bound if probe.kind == "latest" else (d < bound and d != "")
            if doc_id not in gold and beyond and doc_id not in seen:
                seen.add(doc_id)
                hits.append(Hit(doc_id, d, d, sent))
    else:
        for doc_id, sent in _matching_sentences(corpus, probe):
            res.matched_sentences += 1
            if probe.kind == "sentences":
                if doc_id not in own:
                    hits.append(Hit(doc_id, corpus.docs[doc_id].get("date"), "(sentence)", sent))
                continue
            windows = _anchor_char_spans(sent, probe.near, probe.window) if probe.near else [(0, len(sent))]
            if not probe.near and probe.kind != "date":
                windows = []
                for g in probe.terms:
                    windows += _anchor_char_spans(sent, g, probe.window)
            for value, at in values_in(sent, probe.kind, qwords):
                if not any(lo <= at < hi for lo, hi in windows):
                    continue
                hit = Hit(doc_id, corpus.docs[doc_id].get("date"), value, sent, gold=doc_id in own)
                if answers and _acceptable(value, answers):
                    continue
                hits.append(hit)
    seen_keys: set[tuple[str, str]] = set()
    for h in hits:
        if h.key() in seen_keys:
            continue
        seen_keys.add(h.key())
        if h.gold:
            res.gold_hits.append(h)
        elif _reviewed(h, reviewed):
            res.reviewed.append(h)
        else:
            res.competitors.append(h)
    if q.get("type") == "unanswerable":
        # A near miss: the corpus must cover the topic (some topic statement has a matching sentence) ...
        topic = set(q.get("topic_ids", []))
        if not topic:
            res.problems.append("an unanswerable near miss needs 'topic_ids' (statements that cover the topic)")
        elif probe.kind not in ("quote",):
            covered = {d for d, _ in _matching_sentences(corpus, Probe(probe.terms, "sentences"))}
            res.topic_covered = bool(covered & topic)
        # ... and a value found in a topic statement next to the anchor is a possible answer: review it.
        res.competitors += [h for h in res.gold_hits if not _reviewed(h, reviewed)]
        res.reviewed += [h for h in res.gold_hits if _reviewed(h, reviewed)]
        res.gold_hits = []
    return res


def check_all(questions: Iterable[dict[str, Any]], corpus: Corpus) -> list[Result]:
    return [check_question(q, corpus) for q in questions]


# --- CLI -----------------------------------------------------------------------------------------


def _read_questions(path: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("//"):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"error: {path}:{n}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
    return out


def _short(text: str, n: int = 160) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= n else text[: n - 1] + "…"


def print_result(res: Result, corpus: Corpus, show: bool) -> None:
    status = "OK " if res.ok else "FAIL"
    print(f"{status} {res.qid}: {res.matched_sentences} matching sentences, {len(res.competitors)} competitor(s), "
          f"{len(res.reviewed)} reviewed" + ("" if res.topic_covered else ", TOPIC NOT COVERED by topic_ids"))
    for p in res.problems:
        print(f"     problem: {p}")
    for h in res.competitors[:25]:
        print(f"     competitor {h.doc_id} ({h.date}) value={h.value!r}: {_short(h.sentence)}")
    if len(res.competitors) > 25:
        print(f"     … {len(res.competitors) - 25} more")
    if show:
        for h in res.gold_hits:
            print(f"     in gold {h.doc_id} value={h.value!r}: {_short(h.sentence)}")
        for h in res.reviewed:
            print(f"     reviewed {h.doc_id} value={h.value!r}: {_short(h.sentence)}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=None, help="shared corpus folder (default ../shared/corpus)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("search", help="list matching sentences and values for an ad-hoc probe")
    s.add_argument("terms", nargs="*")
    s.add_argument("--kind", default="sentences", choices=KINDS)
    s.add_argument("--near")
    s.add_argument("--window", type=int, default=6)
    s.add_argument("--phrase")
    s.add_argument("--answers", nargs="*", default=[])
    s.add_argument("--gold", nargs="*", default=[])
    s.add_argument("--limit", type=int, default=60)
    c = sub.add_parser("check", help="check every question of a question/draft file")
    c.add_argument("file", type=Path)
    c.add_argument("--id", action="append", help="only these question ids")
    c.add_argument("--show", action="store_true", help="also list values found in gold and reviewed hits")
    c.add_argument("--quiet", action="store_true", help="only failures")
    args = ap.parse_args(argv)
    corpus = load_corpus(args.corpus)
    if args.cmd == "search":
        probe = {"terms": args.terms, "kind": args.kind, "near": args.near, "window": args.window,
                 "phrase": args.phrase}
        if args.kind == "sentences" or not args.answers:
            shown = 0
            p = Probe.from_json(probe)
            for doc_id, sent in _matching_sentences(corpus, p) if p.terms else iter(()):
                rec = corpus.docs[doc_id]
                vals = [v for v, _ in values_in(sent, args.kind, set())] if args.kind in ("number", "date",
                                                                                          "name") else []
                print(f"{doc_id} ({rec.get('date')}) {vals if vals else ''}: {_short(sent, 240)}")
                shown += 1
                if shown >= args.limit:
                    print("… (limit)")
                    break
            if args.kind == "sentences" or not args.answers:
                return 0
        res = check_question({"id": "search", "probe": probe, "answers": args.answers, "gold_ids": args.gold},
                             corpus)
        print_result(res, corpus, show=True)
        return 0 if res.ok else 1
    questions = _read_questions(args.file)
    if args.id:
        questions = [q for q in questions if q.get("id") in set(args.id)]
    bad = 0
    for q in questions:
        res = check_question(q, corpus)
        bad += not res.ok
        if not (args.quiet and res.ok):
            print_result(res, corpus, args.show)
    print(f"{len(questions) - bad} of {len(questions)} questions pass the ambiguity check")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
