"""Shared by the benchmarks: calls per second of a function, measured for about ``seconds`` (`rate`), and the wall
and CPU seconds of one timed block (`Clock`)."""

from __future__ import annotations

import time
from collections.abc import Callable


def rate(fn: Callable[[], object], seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn()
        n += 1
    return n / elapsed


class Clock:
    """Wall seconds and CPU seconds (``time.process_time``: every thread of this process, DuckDB's included) of one
    timed block. CPU seconds count the work done, not the time other jobs on a shared machine take the cores away,
    so their growth is the steadier figure where the machine is busy."""

    def __enter__(self) -> Clock:
        self.wall0, self.cpu0 = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall0, time.process_time() - self.cpu0
