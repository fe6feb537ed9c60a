"""Storage: statements in SQLite, chunk vectors in Chroma (via llama-index), BM25 beside them.

Why three parts: SQLite is the source of truth (full statement text for quote checks, content
hashes for idempotent ingest, transactions so an interrupted ingest leaves a consistent index);
Chroma holds the dense vectors, embedded on disk or on a `chroma run` server; BM25 (bm25s) is
rebuilt from SQLite whenever its generation stamp is stale, so it can never disagree for long.

Concurrency (the UI answers many users while uploads and other processes write): every write bumps
``meta.generation``; readers use their own SQLite connections (WAL: they never wait for a writer, and
``snapshot()`` pins one consistent view for an answer); the BM25 index and the text cache are keyed by
generation; Chroma reads share a readers-writer lock with Chroma writes, and an on-disk Chroma client
is reopened when another process has written (its in-memory HNSW index would not see those vectors).

Layout: ``schema`` (tables, migrations, what the folder remembers), ``chroma`` (the vectors),
``records`` (the shapes handed in and out); this module is the Store, which owns the SQLite
connections and puts the parts together.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import chromadb
import numpy as np
from llama_index.vector_stores.chroma import ChromaVectorStore

from statementqa.config import Settings
from statementqa.identity import Stored
from statementqa.lexical import LexicalIndex
from statementqa.locks import RWLock
from statementqa.models import Document, IndexStats
from statementqa.query import Filters
from statementqa.store import schema
from statementqa.store.chroma import ChunkVectors, nodes_of
from statementqa.store.records import (
    VECTOR_DIM,
    ChunkRecord,
    Prepared,
    SentenceVectors,
    StoreError,
    TitleMatrix,
)
from statementqa.store.schema import SCHEMA_VERSION, VECTORS_VERSION

__all__ = ["SCHEMA_VERSION", "VECTORS_VERSION", "VECTOR_DIM", "ChunkRecord", "Prepared", "SentenceVectors", "Store",
           "StoreError", "TitleMatrix"]

SENTENCE_CACHE = 512  # statements whose sentence vectors stay in memory (float16: ~27 MB)


class Store:
    """One index: a folder with SQLite + BM25 (+ on-disk Chroma unless a server is configured).

    Thread-safe: answers read concurrently; writes (``upsert``/``remove``) are exclusive only for
    their Chroma and SQLite writes (the embedding before them is not the store's business)."""

    def __init__(self, index_dir: Path, settings: Settings, embedder_name: str) -> None:
        self.dir = Path(index_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()  # the writer connection (writes, set-up)
        self._build_lock = threading.Lock()  # one BM25 rebuild at a time
        self._pool: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._conns: list[sqlite3.Connection] = []
        self._local = threading.local()  # this thread's snapshot connection, if any
        self.db = schema.open_writer(self.dir)
        schema.check_embedder(self.db, embedder_name, self.dir)
        self._chroma = ChunkVectors(self.dir, settings, schema.collection_name(self.db, settings.collection), 0)
        self._chroma.generation = self._latest_generation()
        self._lexical: LexicalIndex | None = None
        self._texts: dict[int, dict[str, str]] = {}  # generation → doc id → text
        self._titles: TitleMatrix | None = None
        self._sources: tuple[int, list[str]] | None = None
        self._sentence_cache: tuple[int, OrderedDict[str, SentenceVectors]] = (-1, OrderedDict())
        with self._lock:
            schema.stamp_vectors_version(self.db)

    # --- the Chroma side (store/chroma.py) -------------------------------------------------------
    @property
    def rw(self) -> RWLock:
        """Chroma's readers-writer lock: queries share it, writes and reopening take it alone."""
        return self._chroma.rw

    @property
    def client(self) -> chromadb.api.ClientAPI:
        return self._chroma.client

    @property
    def vectors(self) -> ChromaVectorStore:
        return self._chroma.store

    def _refresh_vectors(self) -> None:
        """Reopen the vector store if another process wrote since this one last looked."""
        self._chroma.refresh(self._latest_generation)

    def _latest_generation(self) -> int:
        """The generation committed now (not this thread's snapshot)."""
        conn = self._borrow()
        try:
            rows = conn.execute("SELECT value FROM meta WHERE key='generation'").fetchall()
        finally:
            self._pool.put(conn)
        return int(rows[0][0]) if rows else 0

    # --- reading connections: one per concurrent reader, pinned for a snapshot ----------------
    def _borrow(self) -> sqlite3.Connection:
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            conn = sqlite3.connect(self.dir / "statements.sqlite", check_same_thread=False, timeout=30,
                                   isolation_level=None)
            conn.execute("PRAGMA query_only=ON")
            with self._lock:
                self._conns.append(conn)
            return conn

    def _rows(self, sql: str, args: Sequence[object] = ()) -> list[tuple]:
        """Run a read on this thread's snapshot, or on a pooled connection (the latest committed state)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn.execute(sql, args).fetchall()
        conn = self._borrow()
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            self._pool.put(conn)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every SQLite read of this thread inside the block sees one committed state (one read
        transaction), so an answer's passages, texts and quotes agree even while others write."""
        if getattr(self._local, "conn", None) is not None:
            yield
            return
        conn = self._borrow()
        conn.execute("BEGIN")
        self._local.conn = conn
        try:
            yield
        finally:
            self._local.conn = None
            try:
                conn.execute("COMMIT")
            finally:
                self._pool.put(conn)

    # --- vectors version: an index never mixes vectors of two versions -------------------------
    def vectors_version(self) -> int:
        rows = self._rows("SELECT value FROM meta WHERE key='vectors'")
        return int(rows[0][0]) if rows else 1

    @property
    def needs_reindex(self) -> bool:
        """Built with older vectors: its statements must be re-embedded before it can be searched."""
        return self.vectors_version() < VECTORS_VERSION

    def mark_vectors_current(self) -> None:
        """Called once every stored statement has been re-embedded (``Index.reindex``)."""
        with self._lock, self.db:
            self.db.execute("INSERT INTO meta VALUES ('vectors', ?) ON CONFLICT(key) DO UPDATE SET value=?",
                            (str(VECTORS_VERSION), str(VECTORS_VERSION)))
            self._bump()

    def all_ids(self) -> list[str]:
        return [r[0] for r in self._rows("SELECT id FROM documents ORDER BY id")]

    # --- generation: every write bumps it, BM25 follows ----------------------------------------
    def generation(self) -> int:
        """Bumped by every write, from any process: what caches compare against."""
        rows = self._rows("SELECT value FROM meta WHERE key='generation'")
        return int(rows[0][0]) if rows else 0

    def _bump(self) -> None:
        self.db.execute(
            "INSERT INTO meta VALUES ('generation', '1') ON CONFLICT(key) "
            "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def lexical(self, wait: bool = False) -> LexicalIndex:
        """The BM25 index of the current generation, loaded from disk or rebuilt from SQLite.

        While another thread rebuilds it, readers keep using the previous one (``wait=False``) rather
        than queue behind the rebuild: its chunk ids are checked against SQLite like any result."""
        current = self._lexical
        gen = self.generation()
        if current is not None and current.generation >= gen:
            return current
        if not self._build_lock.acquire(blocking=wait or current is None):
            assert current is not None  # with no index yet the acquire above blocks, so it succeeded
            return current
        try:
            with self.snapshot():  # the generation and the rows it labels come from one state
                gen = self.generation()
                current = self._lexical
                if current is not None and current.generation >= gen:
                    return current
                folder = self.dir / "bm25"
                lex = LexicalIndex.load(folder)
                if lex is None or lex.generation != gen:
                    rows = self._rows(
                        "SELECT c.id, c.doc_id, c.text, d.source, d.date, d.title FROM chunks c "
                        "JOIN documents d ON d.id = c.doc_id ORDER BY c.doc_id, c.idx"
                    )
                    lex = LexicalIndex.build(rows, gen)
                    lex.save(folder)
            self._lexical = lex
            return lex
        finally:
            self._build_lock.release()

    # --- reads ---------------------------------------------------------------------------------
    def hashes(self, ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            part = list(ids[i : i + 500])
            q = f"SELECT id, content_hash FROM documents WHERE id IN ({','.join('?' * len(part))})"
            out.update(dict(self._rows(q, part)))
        return out

    def document(self, doc_id: str) -> Document | None:
        rows = self._rows(
            "SELECT id, title, date, source, url, text, content_hash, origin, file FROM documents WHERE id=?",
            (doc_id,),
        )
        if not rows:
            return None
        row = rows[0]
        keys = ("id", "title", "date", "source", "url", "text", "content_hash", "origin", "file")
        return Document(**dict(zip(keys, row, strict=True)))

    # --- identity (identity.Lookup) -------------------------------------------------------------
    def _stored(self, column: str, values: Sequence[str]) -> list[Stored]:
        out: list[Stored] = []
        for i in range(0, len(values), 500):
            part = list(values[i : i + 500])
            q = (f"SELECT id, content_hash, file, origin FROM documents "
                 f"WHERE {column} IN ({','.join('?' * len(part))}) ORDER BY id")
            out.extend(Stored(*row) for row in self._rows(q, part))
        return out

    def owners(self, ids: Sequence[str]) -> dict[str, Stored]:
        """The statements that hold these ids."""
        return {s.id: s for s in self._stored("id", ids)}

    def by_files(self, files: Sequence[str]) -> dict[str, list[Stored]]:
        """The statements that came from these input files."""
        out: dict[str, list[Stored]] = {}
        for s in self._stored("file", files):
            out.setdefault(s.file, []).append(s)
        return out

    def by_hashes(self, hashes: Sequence[str]) -> dict[str, Stored]:
        """One statement per content hash (the same text and metadata)."""
        out: dict[str, Stored] = {}
        for s in self._stored("content_hash", hashes):
            out.setdefault(s.content_hash, s)
        return out

    def text(self, doc_id: str) -> str | None:
        """Stored statement text (what every quote is verified against), cached per generation."""
        gen = self.generation()
        cache = self._texts.get(gen)
        if cache is None:
            cache = {}
            self._texts = {g: c for g, c in self._texts.items() if g > gen - 2} | {gen: cache}
        if doc_id not in cache:
            rows = self._rows("SELECT text FROM documents WHERE id=?", (doc_id,))
            if not rows:
                return None
            cache[doc_id] = rows[0][0]
        return cache[doc_id]

    def chunk_records(self, chunk_ids: Sequence[str]) -> dict[str, ChunkRecord]:
        if not chunk_ids:
            return {}
        q = (
            'SELECT c.id, c.doc_id, c.start, c."end", c.text, d.title, d.source, d.date, d.url '
            f"FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.id IN ({','.join('?' * len(chunk_ids))})"
        )
        return {r[0]: ChunkRecord(*r) for r in self._rows(q, list(chunk_ids))}

    def chunks_of(self, doc_ids: Sequence[str]) -> dict[str, list[tuple[str, int, int]]]:
        """(chunk id, start, end) of each statement's chunks, in order."""
        out: dict[str, list[tuple[str, int, int]]] = {}
        for i in range(0, len(doc_ids), 500):
            part = list(doc_ids[i : i + 500])
            q = (f'SELECT doc_id, id, start, "end" FROM chunks WHERE doc_id IN ({",".join("?" * len(part))}) '
                 "ORDER BY doc_id, idx")
            for doc_id, cid, start, end in self._rows(q, part):
                out.setdefault(doc_id, []).append((cid, start, end))
        return out

    def sentences(self, doc_ids: Sequence[str]) -> dict[str, SentenceVectors]:
        """Stored sentence spans and vectors of these statements (one query; recent ones cached per generation)."""
        gen = self.generation()
        if self._sentence_cache[0] != gen:
            self._sentence_cache = (gen, OrderedDict())
        cache = self._sentence_cache[1]
        found = {d: cache[d] for d in doc_ids if d in cache}
        missing = [d for d in doc_ids if d not in found]
        for d, sv in self._read_sentences(missing).items():
            cache[d] = sv
            found[d] = sv
        for d in found:
            cache.move_to_end(d)
        while len(cache) > SENTENCE_CACHE:
            cache.popitem(last=False)
        return {d: SentenceVectors(sv.spans, sv.vecs.astype(np.float32)) for d, sv in found.items()}

    def _read_sentences(self, doc_ids: Sequence[str]) -> dict[str, SentenceVectors]:
        out: dict[str, tuple[list[tuple[int, int]], list[bytes]]] = {}
        for i in range(0, len(doc_ids), 500):
            part = list(doc_ids[i : i + 500])
            q = ('SELECT doc_id, start, "end", vec FROM sentences '
                 f"WHERE doc_id IN ({','.join('?' * len(part))}) ORDER BY doc_id, idx")
            for doc_id, start, end, vec in self._rows(q, part):
                spans, vecs = out.setdefault(doc_id, ([], []))
                spans.append((start, end))
                vecs.append(vec)
        return {d: SentenceVectors(spans, np.frombuffer(b"".join(v), dtype=np.float16).reshape(len(spans), -1))
                for d, (spans, v) in out.items()}

    def title_matrix(self) -> TitleMatrix:
        """All title vectors, loaded once per generation (8,938 titles are 14 MB as float32)."""
        gen = self.generation()
        cached = self._titles
        if cached is not None and cached.generation == gen:
            return cached
        rows = self._rows("SELECT doc_id, vec FROM titles ORDER BY doc_id")
        # copied: a matrix viewing a bytes buffer multiplied 7x slower (unaligned, read-only)
        vecs = (np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1).copy()
                if rows else np.zeros((0, VECTOR_DIM), dtype=np.float32))
        matrix = TitleMatrix(gen, [r[0] for r in rows], vecs)
        self._titles = matrix
        return matrix

    def stats(self) -> IndexStats:
        with self.snapshot():
            n_docs, d_from, d_to = self._rows("SELECT COUNT(*), MIN(date), MAX(date) FROM documents")[0]
            n_chunks = self._rows("SELECT COUNT(*) FROM chunks")[0][0]
            sources = dict(self._rows("SELECT source, COUNT(*) FROM documents GROUP BY source ORDER BY 2 DESC"))
        return IndexStats(statements=n_docs, chunks=n_chunks, sources=sources, date_from=d_from, date_to=d_to)

    def sources(self) -> list[str]:
        """The issuers in the index (cached per generation: the query scans every statement)."""
        gen = self.generation()
        cached = self._sources
        if cached is None or cached[0] != gen:
            cached = (gen, [r[0] for r in self._rows("SELECT DISTINCT source FROM documents ORDER BY source")])
            self._sources = cached
        return list(cached[1])

    def matching(self, f: Filters) -> tuple[int, str | None, str | None]:
        """(statements, first date, last date) that pass the filters — the same rule as the retrievers:
        a date bound excludes undated statements (and dates that are not yyyy-mm-dd)."""
        where: list[str] = []
        args: list[object] = []
        if f.sources:
            where.append(f"source IN ({','.join('?' * len(f.sources))})")
            args.extend(f.sources)
        if f.since or f.until:
            where.append("date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'")
        if f.since:
            where.append("date >= ?")
            args.append(f.since.isoformat())
        if f.until:
            where.append("date <= ?")
            args.append(f.until.isoformat())
        sql = "SELECT COUNT(*), MIN(date), MAX(date) FROM documents"
        if where:
            sql += " WHERE " + " AND ".join(where)
        n, lo, hi = self._rows(sql, args)[0]
        return int(n), lo, hi

    def titles(self, limit: int = 50) -> list[tuple[str, str, str | None, str]]:
        """(id, title, date, source) of the most recent statements, for example questions in the UI."""
        q = "SELECT id, title, date, source FROM documents ORDER BY date DESC LIMIT ?"
        return self._rows(q, (limit,))

    # --- dense search --------------------------------------------------------------------------
    def dense_search(self, embedding: np.ndarray, k: int, filters: Filters) -> list[tuple[str, float]]:
        """(chunk_id, cosine) from Chroma; ids unknown to SQLite (an interrupted ingest) are dropped."""
        self._refresh_vectors()
        hits = self._chroma.search(embedding, k, filters)
        if not hits:
            return []
        ids = [i for i, _ in hits]
        rows = self._rows(f"SELECT id FROM chunks WHERE id IN ({','.join('?' * len(ids))})", ids)
        known = {r[0] for r in rows}
        return [(i, cos) for i, cos in hits if i in known]

    def similarities(self, embedding: np.ndarray, chunk_ids: Sequence[str]) -> dict[str, float]:
        """Cosine of the query to given chunks (for passages only BM25 found: support needs both)."""
        if not chunk_ids:
            return {}
        self._refresh_vectors()
        return self._chroma.similarities(embedding, chunk_ids)

    # --- writes --------------------------------------------------------------------------------
    def upsert(self, batch: list[Prepared]) -> None:
        """Replace each document's vectors and rows; SQLite commits last, so it only ever names
        chunks whose vectors were written (re-running an interrupted ingest completes it)."""
        nodes = nodes_of(batch)
        self._refresh_vectors()
        with self.rw.write(), self._lock:
            self._chroma.replace(batch, nodes)
            with self.db:
                for item in batch:
                    doc, chunks = item.doc, item.chunks
                    self.db.execute("DELETE FROM documents WHERE id=?", (doc.id,))
                    self.db.execute(
                        "INSERT INTO documents (id, title, date, source, url, content_hash, text, origin, file) "
                        "VALUES (?,?,?,?,?,?,?,?,?)",
                        (doc.id, doc.title, doc.date, doc.source, doc.url, doc.content_hash, doc.text, doc.origin,
                         doc.file),
                    )
                    self.db.executemany(
                        "INSERT INTO chunks VALUES (?,?,?,?,?,?)",
                        [(c.id, c.doc_id, c.index, c.start, c.end, c.text) for c in chunks],
                    )
                    vecs = np.ascontiguousarray(item.sentence_vecs, dtype=np.float16)
                    self.db.executemany(
                        "INSERT INTO sentences VALUES (?,?,?,?,?)",
                        [(doc.id, i, s, e, vecs[i].tobytes()) for i, (s, e) in enumerate(item.sentences)],
                    )
                    self.db.execute("INSERT INTO titles VALUES (?,?)",
                                    (doc.id, np.ascontiguousarray(item.title_vec, dtype=np.float32).tobytes()))
                self._bump()
            self._chroma.generation = self._writer_generation()  # our client saw its own (and earlier) writes

    def remove(self, ids: Sequence[str]) -> list[str]:
        """Delete statements (vectors first, then rows); returns the ids that existed."""
        self._refresh_vectors()
        with self.rw.write(), self._lock:
            present = list(self.hashes(ids))
            self._chroma.delete(present)
            if present:
                with self.db:
                    self.db.executemany("DELETE FROM documents WHERE id=?", [(i,) for i in present])
                    self._bump()
                self._chroma.generation = self._writer_generation()
            return present

    def _writer_generation(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        with self.rw.write(), self._lock:
            self.db.close()
            for conn in self._conns:
                conn.close()
            self._conns.clear()
