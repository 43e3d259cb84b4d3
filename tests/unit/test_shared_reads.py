"""data_access/shared_reads.py: one computation per key, whichever thread asks first;
the others wait for it (its failure too); the most recently used results are kept."""

from __future__ import annotations

import threading

import pytest

from data_access.shared_reads import SharedReads


def test_threads_asking_at_once_share_one_computation():
    reads = SharedReads(size=4)
    started, release = threading.Event(), threading.Event()
    calls = []

    def compute():
        calls.append(threading.current_thread().name)
        started.set()
        release.wait(10)
        return ("rows",)

    results = []
    first = threading.Thread(target=lambda: results.append(reads.get("w", compute)))
    first.start()
    assert started.wait(10)  # the first thread is computing: the others must wait
    others = [
        threading.Thread(target=lambda: results.append(reads.get("w", compute))) for _ in range(3)
    ]
    for thread in others:
        thread.start()
    release.set()
    for thread in [first, *others]:
        thread.join(10)
    assert results == [("rows",)] * 4 and len(calls) == 1
    assert reads.get("w", lambda: pytest.fail("kept, not computed again")) == ("rows",)


def test_a_failed_read_reaches_every_waiter_and_is_not_kept():
    reads = SharedReads(size=4)
    started, release = threading.Event(), threading.Event()

    def failing():
        started.set()
        release.wait(10)
        raise ConnectionError("database went away")

    errors = []

    def ask():
        try:
            reads.get("w", failing)
        except ConnectionError as exc:
            errors.append(str(exc))

    first = threading.Thread(target=ask)
    first.start()
    assert started.wait(10)
    waiter = threading.Thread(target=ask)
    waiter.start()
    release.set()
    first.join(10)
    waiter.join(10)
    assert errors == ["database went away"] * 2
    assert len(reads) == 0
    assert reads.get("w", lambda: "back") == "back"  # asked again once it is back


def test_only_the_most_recently_used_are_kept():
    reads = SharedReads(size=2)
    for key in ("a", "b"):
        reads.get(key, lambda key=key: key.upper())
    reads.get("a", lambda: pytest.fail("kept"))  # a is now the most recent
    reads.get("c", lambda: "C")  # b goes
    assert len(reads) == 2
    assert reads.get("a", lambda: "again") == "A"
    assert reads.get("b", lambda: "again") == "again"
    reads.clear()
    assert len(reads) == 0
