"""Results shared by the threads of a process, computed once per key.

`SharedReads.get(key, compute)` returns the stored result for `key`, or waits for
the thread already computing it, or computes it itself: a read that several of a
page's data calls need at the same moment (they run side by side) runs once. The
store keeps the `size` most recently used results.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Any


class SharedReads:
    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._done: OrderedDict[Hashable, Any] = OrderedDict()
        self._running: dict[Hashable, Future] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
            running = self._running.get(key)
            if running is None:
                mine: Future = Future()
                self._running[key] = mine
        if running is not None:
            return running.result()  # its exception too: the same read failed
        try:
            value = compute()
        except BaseException as exc:
            with self._lock:
                del self._running[key]
            mine.set_exception(exc)
            raise
        with self._lock:
            del self._running[key]
            self._done[key] = value
            while len(self._done) > self.size:
                self._done.popitem(last=False)
        mine.set_result(value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._done.clear()

    def __len__(self) -> int:
        return len(self._done)
