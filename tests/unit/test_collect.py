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
