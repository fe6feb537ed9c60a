"""The readers-writer lock the store uses: readers overlap, a writer is alone, a waiting writer goes next."""

from __future__ import annotations

import threading

import pytest

from statementqa.locks import RWLock


def test_readers_overlap_and_a_writer_waits_for_them():
    lock = RWLock()
    inside = threading.Barrier(3, timeout=5)
    order: list[str] = []

    def reader(name: str) -> None:
        with lock.read():
            inside.wait()  # both readers are in at the same time, or this times out
            order.append(name)

    readers = [threading.Thread(target=reader, args=(n,)) for n in ("r1", "r2")]
    for t in readers:
        t.start()
    inside.wait()
    def write() -> None:
        with lock.write():
            order.append("w")

    writer = threading.Thread(target=write)
    for t in readers:
        t.join(5)
    writer.start()
    writer.join(5)
    assert order[-1] == "w" and set(order[:2]) == {"r1", "r2"}


def test_a_waiting_writer_keeps_new_readers_out():
    lock = RWLock()
    events: list[str] = []
    first_in, release_first = threading.Event(), threading.Event()

    def first_reader() -> None:
        with lock.read():
            first_in.set()
            release_first.wait(5)
        events.append("r1 out")

    def writer() -> None:
        with lock.write():
            events.append("w in")

    def late_reader() -> None:
        with lock.read():
            events.append("r2 in")

    t1 = threading.Thread(target=first_reader)
    t1.start()
    first_in.wait(5)
    tw = threading.Thread(target=writer)
    tw.start()
    while not lock._waiting_writers:  # the writer is queued
        threading.Event().wait(0.01)
    t2 = threading.Thread(target=late_reader)
    t2.start()
    threading.Event().wait(0.1)
    assert events == []  # the late reader waits behind the queued writer
    release_first.set()
    for t in (t1, tw, t2):
        t.join(5)
    assert events == ["r1 out", "w in", "r2 in"]


def test_reentrant_reads_and_writes_and_no_upgrade():
    lock = RWLock()
    with lock.write(), lock.write(), lock.read():
        pass
    with lock.read(), lock.read():
        with pytest.raises(RuntimeError, match="cannot take the write lock"):
            with lock.write():
                pass
    with lock.write():  # nothing was left held
        pass
