"""core/collect.py: bulk loads run with the cyclic collector paused, and leave it as they found it."""

from __future__ import annotations

import gc

import pytest

import vpclab
from vpclab.core.collect import collector_paused


def test_paused_inside_and_restored_after_even_on_error() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # nested: the outer block still holds it
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()


def test_a_failed_topology_load_restores_the_collector() -> None:
    with pytest.raises(vpclab.TopologyError):
        vpclab.loads("vpcs:\n  a: {cidr: nonsense}\n")
    assert gc.isenabled()


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def test_what_a_paused_block_made_is_old_and_its_cycles_still_collected() -> None:
    """The block's objects leave it in the oldest generation (no young collection walks them
    again); a cycle made there is garbage the next full collection frees."""
    gc.collect()
    with collector_paused():
        kept = [[i] for i in range(1000)]
        a, b = _Node(), _Node()
        a.other, b.other = b, a
    young, middle, _ = gc.get_count()
    assert young < 100 and middle == 0  # nothing of the block left young
    assert all(gc.is_tracked(x) for x in kept[:3])
    del a, b
    assert gc.collect() >= 2  # the cycle: two nodes (and their attribute dicts)
    assert len(kept) == 1000
