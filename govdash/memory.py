"""A serving worker's memory, kept under its 300 MB (see the README's benchmark).

Measured on the 10M-case SQLite demo with four custom-date city pages at once (each
page runs its data calls side by side, govdash/data.py `gather`): a worker reached
490 MB. SQLite's own memory peaked at 220 MB of it (page caches of up to 16 MB on
each of up to ten pooled connections, and the statements running); most of the rest
was memory already freed that glibc kept in one heap ("arena") per thread that had
used it (malloc_trim gave 260 MB back). With both limits below, the same load peaked
at 220-240 MB; in bench/browser.py on that database the workers went from 350 MB to
220 MB.

Both are process-wide, so they are set only where the app is served (app.py), not
for the CLI's bulk load, which wants a large cache (data_access/bulk.py).
"""

from __future__ import annotations

import ctypes
import sqlite3
from contextlib import closing

# SQLite frees cached pages before it grows past this, summed over all connections
# (a soft limit: a running statement still gets the memory it needs).
SQLITE_SOFT_HEAP_MB = 64
# glibc's heaps for the threads of a worker (default: 8 per core).
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt parameter, from glibc's malloc.h


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's per-thread heaps (as MALLOC_ARENA_MAX would at process start);
    False where the C library is not glibc."""
    try:
        # The process's own symbols (libc's among them): no library search at start-up.
        return bool(ctypes.CDLL(None).mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to cap
        return False


def limit_sqlite_heap(megabytes: int = SQLITE_SOFT_HEAP_MB) -> int:
    """Set SQLite's process-wide soft heap limit; returns it in bytes as SQLite reads
    it back. Any connection of the process sets it for all of them."""
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute(f"PRAGMA soft_heap_limit = {int(megabytes) * 1024 * 1024}")
        return int(conn.execute("PRAGMA soft_heap_limit").fetchone()[0])


def limit_serving_memory() -> dict[str, object]:
    """Both limits, for a serving process: call before it starts threads."""
    return {
        "malloc_arenas": MALLOC_ARENAS if limit_malloc_arenas() else None,
        "sqlite_soft_heap_bytes": limit_sqlite_heap(),
    }
