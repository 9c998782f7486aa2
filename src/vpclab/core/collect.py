"""Bulk builds without Python's cyclic garbage collector.

Loading a large network allocates millions of small objects (parsed JSON, resources, indexes) and
frees almost none of them; each allocation burst triggers the cyclic collector, whose oldest
generation walks every live object. On an AWS-MAX snapshot (bench/snapshot.py) the collector took
a fifth of the load, and parsing the 158 MB of describe JSON was four times slower with it on.
Reference counting still frees everything that is not in a cycle; the collector resumes after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off for the block (as it was before, after it; nestable)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
