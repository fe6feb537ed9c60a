"""The public facade: ``open_index`` → ``Index`` (ingest, answer, remove, stats) and ``answer``.

Why a facade: the CLI, the web UI, the eval runner and users' scripts all go through these few
calls, so the stages (ingest, store, retrieve, answer, llm) can change behind them.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Unpack

from tqdm import tqdm

from statementqa import answering, identity
from statementqa.answering.scorer import load_scorer
from statementqa.chunk import Chunker
from statementqa.config import Settings, get_settings
from statementqa.embed import get_embedder
from statementqa.filters import (
    FilterError,
    QuestionTooLongError,
    match_issuer,
    span_text,
    unknown_issuers_message,
)
from statementqa.indexing import prepare
from statementqa.ingest import load_paths
from statementqa.models import (
    Answer,
    Document,
    FileResult,
    IndexStats,
    IngestIssue,
    IngestSummary,
    LoadResult,
    Passage,
)
from statementqa.query import DateLike, Filters, QueryArgs, QueryOptions, options_of
from statementqa.question import Question
from statementqa.retrieve import Reading, Retrieval, Retriever
from statementqa.store import Store


class Index:
    """An index folder opened for use; safe to share between threads (the UI does).

    Answers run concurrently (each on one SQLite snapshot); ingests and removals run one at a time,
    and are exclusive only while they write — loading, chunking and embedding happen beside answers.
    Writes from other processes are seen through the store's generation counter."""

    def __init__(self, path: str | Path | None = None, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.path = Path(path) if path is not None else self.settings.index_dir
        self.embedder = get_embedder(self.settings)
        self.store = Store(self.path, self.settings, self.embedder.name)
        self.retriever = Retriever(self.store, self.embedder, self.settings)
        self._chunker: Chunker | None = None
        self._writing = threading.Lock()  # one ingest/remove at a time (answers do not wait for it)

    # --- ingest --------------------------------------------------------------------------------
    @property
    def chunker(self) -> Chunker:
        if self._chunker is None:
            self._chunker = Chunker(self.settings.chunk_tokens, self.settings.chunk_overlap)
        return self._chunker

    def ingest(self, paths: Sequence[str | Path], progress: bool = False, replace: bool = False) -> IngestSummary:
        """Load, chunk, embed and store; unchanged statements (same content hash) cost nothing.

        Ids follow ``identity.resolve``: a statement from another file is never replaced unless
        ``replace`` is true (then an input's id wins); collisions and copies are reported."""
        with self._writing:
            return self._ingest(paths, progress, replace)

    def _ingest(self, paths: Sequence[str | Path], progress: bool, replace: bool) -> IngestSummary:
        t0 = time.perf_counter()
        loaded = load_paths(list(paths), max_statement_chars=self.settings.max_statement_chars)
        tally = _Tally(loaded)
        todo, updates = self._decide(loaded.documents, replace, tally)
        if todo and self.store.needs_reindex:
            self._reindex(progress)  # migrate the stored statements first: never mix two kinds of vectors
        bar = tqdm(total=len(todo), unit="stmt", desc="ingest", disable=not progress or not todo)
        for group in _batches(todo, self.settings.ingest_batch_chars):
            prepared, empty = prepare(group, self.chunker, self.embedder)
            for doc in empty:
                tally.failed(doc, "no indexable text after cleaning; skipped")
            if prepared:
                self.store.upsert(prepared)
            for item in prepared:
                tally.stored(item.doc, len(item.chunks), updated=item.doc.id in updates)
            bar.update(len(group))
        bar.close()
        if tally.summary.added or tally.summary.updated:
            self.store.lexical(wait=True)  # rebuild BM25 now, not on the first question
        return tally.done(time.perf_counter() - t0)

    def _decide(self, docs: list[Document], replace: bool, tally: _Tally) -> tuple[list[Document], set[str]]:
        """(statements to store, ids among them that replace a stored statement); the rest is counted."""
        todo: list[Document] = []
        updates: set[str] = set()
        for decision in identity.resolve(docs, self.store, replace=replace):
            doc = decision.doc
            tally.file(doc)  # files are listed in the order their statements were decided
            if decision.note:
                tally.note(doc, decision.note)
            if decision.action == "unchanged":
                tally.unchanged(doc)
            elif decision.action == "skip":
                tally.failed(doc, decision.issue or "skipped")
            else:
                todo.append(doc)
                if decision.action == "update":
                    updates.add(doc.id)
        return todo, updates

    def reindex(self, progress: bool = False) -> int:
        """Re-embed every stored statement from its stored text (an index built by an older version is
        migrated this way; the original files are not needed). Returns how many statements were re-embedded."""
        with self._writing:
            return self._reindex(progress)

    def _reindex(self, progress: bool) -> int:
        ids = self.store.all_ids()
        bar = tqdm(total=len(ids), unit="stmt", desc="re-embedding", disable=not progress or not ids)
        docs = (d for d in (self.store.document(i) for i in ids) if d is not None)
        done = 0
        for group in _batches(docs, self.settings.ingest_batch_chars):
            prepared, _ = prepare(group, self.chunker, self.embedder)
            if prepared:
                self.store.upsert(prepared)
            done += len(prepared)
            bar.update(len(group))
        bar.close()
        self.store.mark_vectors_current()
        self.store.lexical(wait=True)
        return done

    # --- questions -----------------------------------------------------------------------------
    def check_question(self, question: str) -> str:
        """The question, or a ``UserInputError`` when it is empty or longer than ``max_question_chars``."""
        if not question or not question.strip():
            raise ValueError("question is empty: ask something about the indexed statements")
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise QuestionTooLongError(
                f"The question is {len(question):,} characters long; questions may have at most {limit:,} "
                "(setting STATEMENTQA_MAX_QUESTION_CHARS). Ask about one thing, in a sentence or two."
            )
        return question

    def check_filters(self, sources: Sequence[str] | None = None, since: DateLike = None,
                      until: DateLike = None) -> tuple[Filters, str | None]:
        """The filters as indexed names, plus a notice when a spelling was read as an indexed issuer.

        Raises ``FilterError`` ("No statement matches the filters: …") when they select no statement:
        an unknown or misspelled issuer (with "Did you mean …" and the issuers that exist), ``since``
        after ``until``, or a date range that holds no statement (with the dates that do exist).
        """
        return self.resolve_filters(QueryOptions.parse(sources, since, until).filters)

    def resolve_filters(self, f: Filters) -> tuple[Filters, str | None]:
        """``check_filters`` for parsed ``Filters``."""
        if f.since and f.until and f.since > f.until:
            raise FilterError(
                f"No statement matches the filters: since {f.since.isoformat()} is after until "
                f"{f.until.isoformat()}. Swap the two dates or widen the range."
            )
        notice = None
        if f.sources:
            f, notice = self._resolve_issuers(f)
        if f.since or f.until:
            self._check_dates(f)
        return f, notice

    def _resolve_issuers(self, f: Filters) -> tuple[Filters, str | None]:
        known = self.store.sources()
        matches = [match_issuer(s, known) for s in dict.fromkeys(f.sources)]
        misses = [m for m in matches if m.issuer is None]
        if misses:
            raise FilterError(unknown_issuers_message(misses, known), [s for m in misses for s in m.suggestions])
        respelled = [m for m in matches if m.issuer != m.requested]
        notice = None
        if respelled:
            notice = "Issuer filter read as " + ", ".join(
                f"“{m.issuer}” (for “{m.requested}”)" for m in respelled) + "."
        return Filters(tuple(dict.fromkeys(m.issuer for m in matches if m.issuer)), f.since, f.until), notice

    def _check_dates(self, f: Filters) -> None:
        """A ``FilterError`` naming the dates that do exist when the date range holds no statement."""
        n, _, _ = self.store.matching(f)
        if n:
            return
        total, lo, hi = self.store.matching(Filters(f.sources))  # the same issuers, any date
        who = ", ".join(f"“{s}”" for s in f.sources) if f.sources else "the index"
        theirs = {0: "the indexed statements", 1: "its statements"}.get(len(f.sources), "their statements")
        if not total:
            have = "; the index holds no statement"
        elif not lo:
            have = f"; {theirs} carry no date"
        else:
            have = f"; {theirs} are dated {lo}" + (f" to {hi}" if hi != lo else "")
        verb = "have" if len(f.sources) > 1 else "has"
        raise FilterError(
            f"No statement matches the filters: {who} {verb} no statement dated "
            f"{span_text(f.since, f.until)}{have}. Widen the date range."
        )

    def retrieve(self, question: str, options: QueryOptions | None = None, **query: Unpack[QueryArgs]
                 ) -> list[Passage]:
        """The passages of the ``top_k`` best statements (one passage per statement), best first.
        Only the filters and ``top_k`` of the options matter here."""
        opts = options_of(options, query)
        return self.retriever.retrieve(self.read(question).text, opts.filters, opts.top_k)

    def read(self, question: str) -> Reading:
        """How ``question`` is read before it is searched: shorthand spelled out, misspellings corrected against
        the index's vocabulary (``Retriever.read``); ``answer`` and ``retrieve`` read every question so."""
        with self.store.snapshot():
            return self.retriever.read(question)

    def rank(self, question: str | Question, options: QueryOptions | None = None,
             **query: Unpack[QueryArgs]) -> Retrieval:
        """The full ranking behind ``retrieve``: parsed question (or one already parsed, as a part of a multi-part
        question is), ranked statements with their features."""
        opts = options_of(options, query)
        return self.retriever.rank(question, opts.filters, opts.top_k)

    def answer(self, question: str, options: QueryOptions | None = None, **query: Unpack[QueryArgs]) -> Answer:
        """Answer with verified, quoted citations (LLM if configured/asked, else extractive).

        The options come as a ``QueryOptions`` or as keywords (``sources=``, ``since=``, ``until=``,
        ``top_k=``, ``llm=``, ``history=``; see :class:`statementqa.query.QueryArgs`)."""
        return self._answer(question, lambda: options_of(options, query), None)

    def stream_answer(self, question: str, options: QueryOptions | None = None, **query: Unpack[QueryArgs]
                      ) -> Iterator[str | Answer]:
        """Yield text deltas as they are produced, then the final (verified) ``Answer``."""
        q: queue.Queue[str | Answer | BaseException] = queue.Queue()

        def work() -> None:
            try:
                q.put(self._answer(question, lambda: options_of(options, query), q.put))
            except BaseException as exc:  # re-raised in the consumer's thread
                q.put(exc)

        threading.Thread(target=work, daemon=True).start()
        streamed = False
        while True:
            item = q.get()
            if isinstance(item, BaseException):
                raise item
            if isinstance(item, Answer):
                if not streamed:
                    yield from _word_deltas(item.text)
                yield item
                return
            streamed = True
            yield item

    def _answer(self, question: str, options: Callable[[], QueryOptions],
                on_token: Callable[[str], None] | None) -> Answer:
        """The answer and its wall time (``Answer.seconds`` is set here, for every backend).

        ``options`` is parsed only after the question was checked: an empty question is reported as
        such even when a date option is malformed too."""
        t0 = time.perf_counter()
        self.check_question(question)
        opts = options()
        filters, filter_notice = self.resolve_filters(opts.filters)
        opts = opts.with_filters(filters)
        use_llm = self.settings.llm_enabled if opts.llm is None else opts.llm
        reading = self.read(question)
        if use_llm:
            ans = self._llm_answer(reading.text, opts, on_token)
            ans = answering.finalize(ans, self.store.text)
        else:
            with self.store.snapshot():  # passages, texts and quotes from one committed state
                query, notice = answering.resolve_followup(reading.text, opts.history)
                retrieval = self.retriever.rank(query, filters, opts.top_k)
                ans = self._extractive(reading.text, retrieval, opts)
                if notice:
                    ans = ans.model_copy(update={"notice": notice if not ans.refused else
                                                 f"{notice} The follow-up could not be resolved from the statements."})
                ans = answering.finalize(ans, self.store.text)
        if filter_notice:
            ans = ans.model_copy(update={"notice": f"{filter_notice} {ans.notice}" if ans.notice else filter_notice})
        if reading.notice:  # last: why an answer fell back or a sentence was skipped matters more
            ans = ans.model_copy(update={"notice": f"{ans.notice} {reading.notice}" if ans.notice else reading.notice})
        if ans.question == reading.text:  # the user's words, not the reading, are what was asked
            ans = ans.model_copy(update={"question": question})
        return ans.model_copy(update={"seconds": time.perf_counter() - t0})

    def _extractive(self, question: str, retrieval: Retrieval, opts: QueryOptions) -> Answer:
        lex = self.store.lexical()
        scorer = load_scorer()
        if self.settings.refuse_threshold is not None:
            scorer = replace(scorer, threshold=self.settings.refuse_threshold)
        return answering.extractive_answer(question, retrieval,
                                           lambda q: self.retriever.rank(q, opts.filters, opts.top_k),
                                           self.store.text, lex.idf, lex.n, scorer)

    def _llm_answer(self, question: str, opts: QueryOptions, on_token: Callable[[str], None] | None) -> Answer:
        from statementqa import llm as llm_stage  # imported only when an LLM is used

        standalone = question
        if opts.history:
            try:
                standalone = llm_stage.condense_question(question, [(t.question, t.answer) for t in opts.history],
                                                         self.settings)
            except llm_stage.LLMError:
                standalone, _ = answering.resolve_followup(question, opts.history)
        with self.store.snapshot():
            retrieval = self.retriever.rank(standalone, opts.filters, opts.top_k)
        passages = retrieval.passages
        try:  # no snapshot while the model writes (seconds): its quotes are checked against the latest text
            return llm_stage.generate_answer(standalone, passages, self.store.text, self.settings,
                                             on_token=on_token)
        except llm_stage.LLMError as exc:
            with self.store.snapshot():
                ans = self._extractive(standalone, retrieval, opts)
            notice = f"LLM unavailable ({exc}); showing the extractive answer."
            if ans.notice:  # e.g. why a sentence addressed to AI models was skipped
                notice = f"{notice} {ans.notice}"
            return ans.model_copy(update={"notice": notice, "fallback": str(exc), "rejected_citations": exc.rejected})

    # --- maintenance ---------------------------------------------------------------------------
    def remove(self, ids: Sequence[str]) -> int:
        """Delete statements by id; returns how many existed."""
        with self._writing:
            removed = self.store.remove(list(ids))
            if removed:
                self.store.lexical(wait=True)
            return len(removed)

    def stats(self) -> IndexStats:
        return self.store.stats()

    def generation(self) -> int:
        """Changes whenever the index changes (from this process or another): a cache key for views."""
        return self.store.generation()

    def sources(self) -> list[str]:
        return self.store.sources()

    def document(self, doc_id: str) -> Document | None:
        return self.store.document(doc_id)

    def titles(self, limit: int = 50) -> list[tuple[str, str, str | None, str]]:
        """(id, title, date, issuer) of the most recent statements (what example questions are mined from)."""
        return self.store.titles(limit)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Tally:
    """One ingest's summary and its per-file results, counted together (every count is in both)."""

    def __init__(self, loaded: LoadResult) -> None:
        self.summary = IngestSummary(issues=list(loaded.issues), failed=sum(f.failed for f in loaded.files))
        self.files = {f.path: f.model_copy() for f in loaded.files}

    def file(self, doc: Document) -> FileResult:
        return self.files.setdefault(_file_of(doc), FileResult(path=_file_of(doc)))

    def note(self, doc: Document, message: str) -> None:
        path, line = _where(doc)
        note = IngestIssue(path=path, line=line, message=message)
        self.file(doc).notes.append(note)
        self.summary.notes.append(note)

    def failed(self, doc: Document, message: str) -> None:
        path, line = _where(doc)
        issue = IngestIssue(path=path, line=line, message=message)
        fr = self.file(doc)
        fr.issues.append(issue)
        fr.failed += 1
        self.summary.issues.append(issue)
        self.summary.failed += 1

    def unchanged(self, doc: Document) -> None:
        self.summary.unchanged += 1
        self.file(doc).unchanged += 1

    def stored(self, doc: Document, chunks: int, updated: bool) -> None:
        fr = self.file(doc)
        if updated:
            self.summary.updated += 1
            fr.updated += 1
        else:
            self.summary.added += 1
            fr.added += 1
        self.summary.chunks += chunks
        self.summary.doc_ids.append(doc.id)

    def done(self, seconds: float) -> IngestSummary:
        self.summary.files = list(self.files.values())
        self.summary.seconds = seconds
        return self.summary


def _batches(docs: Iterable[Document], max_chars: int) -> Iterator[list[Document]]:
    """Statements in groups of about ``max_chars`` characters of text (at least one statement each)."""
    group: list[Document] = []
    size = 0
    for doc in docs:
        group.append(doc)
        size += len(doc.text)
        if size >= max_chars:
            yield group
            group, size = [], 0
    if group:
        yield group


def _file_of(doc: Document) -> str:
    return _where(doc)[0]


def _where(doc: Document) -> tuple[str, int | None]:
    """(file, line) of a document's origin, for messages."""
    origin = doc.origin or doc.id
    head, sep, tail = origin.rpartition(":")
    return (head, int(tail)) if sep and tail.isdigit() else (origin, None)


def _word_deltas(text: str) -> Iterator[str]:
    """Extractive answers are computed at once; deliver them in small pieces for a streaming UI."""
    pieces = text.split(" ")
    for i, w in enumerate(pieces):
        yield w if i == 0 else " " + w


_DEFAULT: dict[Path, Index] = {}


def open_index(path: str | Path | None = None, settings: Settings | None = None) -> Index:
    """Open (creating if needed) an index folder; ``None`` = the default from settings."""
    return Index(path, settings)


def answer(question: str, *, index: Index | str | Path | None = None, options: QueryOptions | None = None,
           **query: Unpack[QueryArgs]) -> Answer:
    """Answer from a script; ``index`` may be an ``Index``, a folder, or None for the default; the options
    as in ``Index.answer`` (``sources=``, ``since=``, ``until=``, ``top_k=``, ``llm=``, ``history=``)."""
    if not isinstance(index, Index):
        key = Path(index) if index is not None else get_settings().index_dir
        if key.resolve() not in _DEFAULT:
            _DEFAULT[key.resolve()] = Index(key)
        index = _DEFAULT[key.resolve()]
    return index.answer(question, options, **query)
