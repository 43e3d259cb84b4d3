"""govdash/memory.py: the serving process's memory limits take effect (real SQLite,
real glibc); their effect on a worker's size is measured by bench/browser.py."""

from __future__ import annotations

import platform
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from govdash import memory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def restore_sqlite_heap():
    with closing(sqlite3.connect(":memory:")) as conn:
        before = int(conn.execute("PRAGMA soft_heap_limit").fetchone()[0])
    yield
    memory.limit_sqlite_heap(before // (1024 * 1024))


def test_the_sqlite_limit_holds_for_every_connection_of_the_process(restore_sqlite_heap):
    assert memory.limit_sqlite_heap(48) == 48 * 1024 * 1024
    with closing(sqlite3.connect(":memory:")) as other:  # another connection sees it
        assert other.execute("PRAGMA soft_heap_limit").fetchone()[0] == 48 * 1024 * 1024


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_the_arena_cap_is_accepted_by_glibc():
    assert memory.limit_malloc_arenas(memory.MALLOC_ARENAS) is True


def test_a_process_that_imports_the_app_has_the_sqlite_limit():
    """What a gunicorn worker does: import app (in a fresh process)."""
    probe = (
        "import sqlite3, app; "
        "print(sqlite3.connect(':memory:').execute('PRAGMA soft_heap_limit').fetchone()[0])"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) == memory.SQLITE_SOFT_HEAP_MB * 1024 * 1024
