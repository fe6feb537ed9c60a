"""The SQLite side of an index folder: its tables, migrations from older versions, and what the folder
remembers about how it was built (Chroma collection, embedder, vectors version).

Why it is remembered: opening an index with other settings must not silently search an empty collection
or compare vectors from two embedders; an index built by older code is migrated in place (schema) or
re-embedded from its stored texts (vectors), never mixed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from statementqa.store.records import StoreError

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, date TEXT, source TEXT NOT NULL, url TEXT NOT NULL,
    content_hash TEXT NOT NULL, text TEXT NOT NULL, origin TEXT NOT NULL DEFAULT '',
    file TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS sentences (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, idx INTEGER NOT NULL,
    start INTEGER NOT NULL, "end" INTEGER NOT NULL, vec BLOB NOT NULL, PRIMARY KEY (doc_id, idx));
CREATE TABLE IF NOT EXISTS titles (
    doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE, vec BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# Created after the migration (an index built before schema 2 has no ``file`` column yet).
SCHEMA_INDEXES = """
CREATE INDEX IF NOT EXISTS documents_file ON documents(file);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(content_hash);
"""
SCHEMA_VERSION = 2  # 2: documents.file (which input file a statement came from, absolute)
# What the vectors are. 3: every sentence embedded (sentences.vec, float16), each title (titles.vec), chunk
# vectors in Chroma the length-weighted mean of their sentences'. An index with older vectors is migrated by
# re-embedding its stored texts (``Index.reindex``; any ingest does it first), never mixed with new ones.
VECTORS_VERSION = 3


def open_writer(index_dir: Path) -> sqlite3.Connection:
    """The writer connection of an index folder, with its tables created and migrated."""
    db = sqlite3.connect(index_dir / "statements.sqlite", check_same_thread=False, timeout=30)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.executescript(SCHEMA)
    migrate(db, index_dir)
    db.executescript(SCHEMA_INDEXES)
    return db


def migrate(db: sqlite3.Connection, index_dir: Path) -> None:
    """Bring an index built by older code up to ``SCHEMA_VERSION`` in place (one transaction).

    Schema 2 adds ``documents.file``: filled from each statement's ``origin``; an origin stored as a
    relative path is read relative to the working directory, or else to the folder that holds the
    index folder (where ``make run`` builds ``index/`` from ``seeds/``)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(documents)")}
    if "file" in columns:
        with db:
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        return
    try:
        with db:
            db.execute("ALTER TABLE documents ADD COLUMN file TEXT NOT NULL DEFAULT ''")
            rows = db.execute("SELECT id, origin FROM documents").fetchall()
            db.executemany("UPDATE documents SET file=? WHERE id=?",
                           [(file_of_origin(origin, index_dir), doc_id) for doc_id, origin in rows])
            db.execute("INSERT INTO meta VALUES ('schema', ?) ON CONFLICT(key) DO UPDATE SET value=?",
                       (str(SCHEMA_VERSION), str(SCHEMA_VERSION)))
    except sqlite3.OperationalError as exc:
        if "duplicate column" not in str(exc):  # another process migrated it first: fine
            raise


def file_of_origin(origin: str, index_dir: Path) -> str:
    head, sep, tail = origin.rpartition(":")
    path = head if sep and tail.isdigit() else origin
    if not path:
        return ""
    candidate = Path(path)
    if not candidate.is_absolute():
        for base in (Path.cwd(), index_dir.resolve().parent):
            if (base / candidate).exists():
                candidate = base / candidate
                break
    try:
        return str(candidate.resolve())
    except OSError:
        return str(candidate.absolute())


def collection_name(db: sqlite3.Connection, configured: str) -> str:
    """The index folder remembers its Chroma collection: opening it with other settings must not
    silently search an empty collection."""
    row = db.execute("SELECT value FROM meta WHERE key='collection'").fetchone()
    if row is None:
        with db:
            db.execute("INSERT INTO meta VALUES ('collection', ?)", (configured,))
        return configured
    return str(row[0])


def check_embedder(db: sqlite3.Connection, name: str, index_dir: Path) -> None:
    row = db.execute("SELECT value FROM meta WHERE key='embedder'").fetchone()
    if row is None:
        with db:
            db.execute("INSERT INTO meta VALUES ('embedder', ?)", (name,))
    elif row[0] != name:
        raise StoreError(
            f"index {index_dir} was built with embeddings '{row[0]}' but settings select '{name}': "
            "use another --index folder, or set STATEMENTQA_EMBED_BACKEND back"
        )


def stamp_vectors_version(db: sqlite3.Connection) -> None:
    """A new (empty) index gets today's vectors version; an existing one keeps what it was built with."""
    with db:
        row = db.execute("SELECT value FROM meta WHERE key='vectors'").fetchone()
        if row is None:
            empty = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0
            db.execute("INSERT INTO meta VALUES ('vectors', ?)", (str(VECTORS_VERSION if empty else 1),))
