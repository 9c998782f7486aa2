"""What changed in a live World since a version: the page re-runs an open trace only when a change
touches what the trace read (vpclab.reach.reads).

``vpclab serve``'s World announces each committed change set (``World.subscribe``); the log keeps
the latest ``KEEP`` of them by the version they made. ``since(v)`` answers the ids the changes after
``v`` touched, or None when it cannot tell (the World was replaced by a reset, the log no longer
reaches back to ``v``, or more than ``MAX_IDS`` ids changed): the page then re-runs the trace,
which is always correct.
"""

from __future__ import annotations

import functools
import threading
from collections import deque
from collections.abc import Callable

from ..model.world import Changes, World
from ..reach.reads import touched

#: how many change sets the log keeps
KEEP = 512
#: above this many changed ids the answer is "too many to tell" (None)
MAX_IDS = 20_000


class ChangeLog:
    """The change sets of the World ``get()`` gives (a reset may replace it), by version."""

    def __init__(self, get: Callable[[], World]) -> None:
        self._get = get
        self._world: World | None = None
        self._start = 0
        self._log: deque[tuple[int, Changes]] = deque(maxlen=KEEP)
        self._lock = threading.Lock()

    def _watch(self) -> World:
        w = self._get()
        with self._lock:
            if w is not self._world:  # the first look, or a reset replaced the World
                self._world, self._start = w, w.version
                self._log.clear()
                w.subscribe(functools.partial(self._hear, w))
        return w

    def _hear(self, world: World, changes: Changes) -> None:
        try:  # a listener that raises would roll the change back: never
            with self._lock:
                if world is self._world:
                    self._log.append((world.version + 1, changes))
        except Exception:  # pragma: no cover - a log entry lost only costs a re-run
            pass

    def version(self) -> str:
        """The World's version: its identity (a reset replaces it) and its change count."""
        w = self._watch()
        return f"{id(w):x}.{w.version}"

    def since(self, version: str) -> tuple[str, set[str] | None]:
        """The version now and the ids changed since ``version`` (None: unknown, see the module)."""
        w = self._watch()
        now = f"{id(w):x}.{w.version}"
        ident, _, number = version.partition(".")
        if version == now:
            return now, set()
        if ident != f"{id(w):x}" or not number.isdigit() or int(number) < self._start:
            return now, None
        n = int(number)
        with self._lock:
            later = [(v, c) for v, c in self._log if v > n]
        if not later or later[0][0] != n + 1 or later[-1][0] != w.version:
            return now, None  # the log does not hold every change since
        ids = touched(pair for _, c in later for pair in c.values())
        return now, ids if len(ids) <= MAX_IDS else None
