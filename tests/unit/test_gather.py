"""govdash.data.gather: a page's independent data calls side by side."""

from __future__ import annotations

import threading
import time

import pytest

from govdash import data


def test_results_come_back_by_name_and_the_calls_run_side_by_side():
    at_once = []
    lock = threading.Lock()
    busy = [0]

    def call(value):
        def run():
            with lock:
                busy[0] += 1
                at_once.append(busy[0])
            time.sleep(0.05)
            with lock:
                busy[0] -= 1
            return value

        return run

    calls = {f"c{i}": call(i) for i in range(data.GATHER_THREADS + 2)}
    assert data.gather(calls) == {f"c{i}": i for i in range(data.GATHER_THREADS + 2)}
    assert 1 < max(at_once) <= data.GATHER_THREADS


def test_the_first_error_in_the_calls_order_is_raised():
    def fails(message):
        def run():
            raise ValueError(message)

        return run

    calls = {"ok": lambda: 1, "first": fails("first"), "second": fails("second")}
    with pytest.raises(ValueError, match="first"):
        data.gather(calls)
