"""The matrix on every bundled example topology (built through the ControlPlane by the YAML
loader: the documented AWS designs — peering, hub-and-spoke, TGW segmentation and peering,
appliance VPC with a middlebox, centralized egress, PrivateLink, VPN, shared VPC) agrees with the
brute force on every pair, and with the hop-by-hop tracer on every interface pair."""

from __future__ import annotations

from pathlib import Path

import pytest

import vpclab
from bench import naive
from vpclab.reach.compiled import compile_world
from vpclab.reach.matrix import matrix

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))

try:
    from vpclab.reach import trace
except ImportError:  # the tracer is another engineer's module
    trace = None


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_matrix_equals_brute_force_on_examples(path):
    world = vpclab.load(path).world
    atoms = [int(a) for a in compile_world(world).atoms()]
    for protocol, port in (("tcp", 443), ("icmp", 8)):
        m = matrix(world, protocol, port)
        for s in m.sources:
            for d in m.destinations:
                assert m.reachable(s, d) == naive.subnet_pair(world, s, d, protocol, port, atoms), (s, d)
        mi = matrix(world, protocol, port, level="interface")
        for s in mi.sources:
            for d in mi.destinations:
                assert mi.reachable(s, d) == naive.interface_pair(world, s, d, protocol, port), (s, d)


@pytest.mark.skipif(trace is None, reason="vpclab.reach.trace is not available")
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_interface_matrix_agrees_with_the_tracer_on_examples(path):
    world = vpclab.load(path).world
    for protocol, port in (("tcp", 443), ("tcp", 22)):
        m = matrix(world, protocol, port, level="interface")
        for s in m.sources:
            for d in m.destinations:
                if s != d:
                    traced = trace(world, s, d, protocol=protocol, port=port).disposition == "reachable"
                    assert m.reachable(s, d) == traced, (s, d)
