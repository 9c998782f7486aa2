"""Bulk builds without Python's cyclic garbage collector.

Loading a large network allocates millions of small objects (parsed JSON, resources, indexes) and
frees almost none of them; each allocation burst triggers the cyclic collector, whose oldest
generation walks every live object. On an AWS-MAX snapshot (bench/snapshot.py) the collector took
a fifth of the load, and parsing the 158 MB of describe JSON was four times slower with it on.
Reference counting still frees everything that is not in a cycle; the collector resumes after.

What the block made is handed to the collector as old (``gc.freeze()`` then ``gc.unfreeze()``:
every tracked object moved to the oldest generation, a list splice, no walk). Otherwise the first
young collection after the block walks everything it made (and everything made in any paused
block before) and the next middle-generation one again: on AWS-MAX that was 0.41 s of a 1.9 s
compile and matrix, 1.3 s of 10 s at 4× (``gc.callbacks``, 2026-12-08). A cycle made in the block
is still collected, by the next full collection.
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
            gc.freeze()  # the block's objects (and every other) to the oldest generation, unwalked
            gc.unfreeze()
            gc.enable()
