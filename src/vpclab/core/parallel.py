"""Blocks of numpy work on a few threads: numpy releases the GIL inside its loops (gathers,
bitwise operations, packing), so independent blocks of the all-pairs matrix run on every core
without copying their inputs to other processes (the standard library's thread pool: nothing to
add for it)."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

_T = TypeVar("_T")
_R = TypeVar("_R")


def workers() -> int:
    """Threads for blocks of numpy work: the CPUs this process may run on (``VPCLAB_THREADS``
    overrides; 1 runs everything in the calling thread)."""
    forced = os.environ.get("VPCLAB_THREADS", "")
    if forced.isdigit() and int(forced) > 0:
        return int(forced)
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def ordered_map(fn: Callable[[_T], _R], items: Iterable[_T], *, ahead: int = 0) -> Iterator[_R]:
    """``map(fn, items)`` on ``workers()`` threads, the results in order, at most ``ahead``
    (default: twice the threads) computed and not yet taken — memory stays bounded. An exception
    in ``fn``, or the caller stopping early (Ctrl-C), cancels what has not started."""
    n = workers()
    if n <= 1:
        yield from map(fn, items)
        return
    ahead = ahead or 2 * n
    pending: deque[Future[_R]] = deque()
    with ThreadPoolExecutor(n) as pool:
        try:
            for item in items:
                pending.append(pool.submit(fn, item))
                if len(pending) >= ahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for f in pending:
                f.cancel()
