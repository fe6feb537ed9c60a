"""A readers-writer lock: many readers at once, or one writer.

Why not one mutex: answering is a read of the index and ran one at a time behind a single lock,
so eight users queued behind each other and an upload stalled everyone. Readers now share; a
writer waits for the readers in flight and, while it waits, keeps new readers out (writers are
short and must not starve).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class RWLock:
    """Shared ``read()`` / exclusive ``write()``; re-entrant for a thread that already reads or writes.

    A thread that holds ``read()`` may not take ``write()`` (that would deadlock two such threads):
    it raises ``RuntimeError``.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._writer: int | None = None
        self._writer_depth = 0
        self._waiting_writers = 0
        self._local = threading.local()

    @property
    def _depth(self) -> int:
        return int(getattr(self._local, "depth", 0))

    @contextmanager
    def read(self) -> Iterator[None]:
        if self._depth or self._writer == threading.get_ident():
            self._local.depth = self._depth + 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        with self._cond:
            while self._writer is not None or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        self._local.depth = 1
        try:
            yield
        finally:
            self._local.depth = 0
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        me = threading.get_ident()
        if self._writer == me:
            self._writer_depth += 1
            try:
                yield
            finally:
                self._writer_depth -= 1
            return
        if self._depth:
            raise RuntimeError("a thread holding the read lock cannot take the write lock")
        with self._cond:
            self._waiting_writers += 1
            try:
                while self._writer is not None or self._readers:
                    self._cond.wait()
            finally:
                self._waiting_writers -= 1
            self._writer, self._writer_depth = me, 1
        try:
            yield
        finally:
            with self._cond:
                self._writer, self._writer_depth = None, 0
                self._cond.notify_all()
