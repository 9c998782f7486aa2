"""The equivalence-class matrix against brute force, and against the hop-by-hop tracer.

Brute force (``bench.naive``) re-evaluates every pair from the model's own functions
(``lookup``, ``tgw_lookup``, ``acl_decision``, ``sg_rule_matches``) at every atom of both subnets.
AWS behaviours exercised (DESIGN §3): longest-prefix match, non-transitive peering ("VPC peering
limitations", https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html), a pending
peering's routes are blackholes, TGW association/propagation and the AZ restriction ("Amazon VPC
attachments in Amazon VPC Transit Gateways",
https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html), stateless NACLs in both
directions ("Control subnet traffic with network access control lists",
https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html).
"""

from __future__ import annotations

import dataclasses
import random
from ipaddress import IPv4Network

import numpy as np
import pytest

from bench import naive
from bench.generator import SMALL, build
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.peering import VpcPeeringConnection
from vpclab.model.route_table import Route, RouteTable
from vpclab.model.subnet import Subnet
from vpclab.reach.compiled import compile_world
from vpclab.reach.matrix import matrix

FLOWS = [("tcp", 443), ("tcp", 22), ("udp", 53), ("icmp", 8), ("-1", None)]

try:
    from vpclab.reach import trace
except ImportError:  # the tracer is another engineer's module
    trace = None


@pytest.fixture(scope="module")
def small():
    return build(SMALL)


@pytest.mark.parametrize(("protocol", "port"), FLOWS)
def test_subnet_matrix_equals_brute_force(small, protocol, port):
    atoms = [int(a) for a in compile_world(small).atoms()]
    m = matrix(small, protocol, port)
    assert sorted(m.sources.tolist()) == sorted(s.id for s in small.all(Subnet))
    for s, d in _pairs(m, 600 if protocol == "tcp" and port == 443 else 250):
        assert m.reachable(s, d) == naive.subnet_pair(small, s, d, protocol, port, atoms), (s, d)
    assert 0 < m.count() < len(m.sources) ** 2  # some pairs reach, some do not


def _pairs(m, n: int, seed: int = 1) -> list[tuple[str, str]]:
    """``n`` pairs of the matrix, half of them reachable ones (so both verdicts are checked)."""
    rng = random.Random(seed)
    everything = [(s, d) for s in m.sources for d in m.destinations]
    yes = [p for p in everything if m.reachable(*p)]
    return rng.sample(yes, min(n // 2, len(yes))) + rng.sample(everything, min(n - n // 2, len(everything)))


@pytest.mark.parametrize(("protocol", "port"), FLOWS)
def test_interface_matrix_equals_brute_force(small, protocol, port):
    m = matrix(small, protocol, port, level="interface")
    endpoint_enis = {e.id for e in small.all(NetworkInterface) if e.interface_type == "vpc_endpoint"}
    assert endpoint_enis and endpoint_enis.isdisjoint(m.sources.tolist())  # endpoints do not initiate
    assert endpoint_enis <= set(m.destinations.tolist())
    for s, d in _pairs(m, 400):
        assert m.reachable(s, d) == naive.interface_pair(small, s, d, protocol, port), (s, d)


def test_subnets_cut_by_routes_count_any_piece():
    """A route more specific than a subnet splits it into atoms: a subnet reaches a destination
    when any of its pieces does. Here two subnets of different VPCs each lose one half to a
    blackhole everywhere else (the first half of one, the second half of the other)."""
    world, cut = cut_world()
    c = compile_world(world)
    atoms = [int(a) for a in c.atoms()]
    m = matrix(world, "tcp", 443, compiled=c)
    assert [len(matrix_pieces(c, sub)) for sub in cut] == [2, 2]
    assert any(m.reachable(d, cut[0].id) for d in m.destinations if d != cut[0].id)  # the other half answers
    for sub in cut:
        for d in m.destinations:
            assert m.reachable(sub.id, d) == naive.subnet_pair(world, sub.id, d, "tcp", 443, atoms), d
            assert m.reachable(d, sub.id) == naive.subnet_pair(world, d, sub.id, "tcp", 443, atoms), d


def cut_world():
    """SMALL with two subnets of different VPCs each losing one half to a blackhole in every other
    VPC's route tables (the first half of one, the second half of the other): (world, the two)."""
    world = build(SMALL)
    cut = [s for s in world.all(Subnet) if s.availability_zone == "us-east-1c"][:4:3]
    for n, sub in enumerate(cut):
        half = str(list(IPv4Network(sub.cidr_block).subnets(new_prefix=25))[n])
        for other in list(world.all(RouteTable)):
            if other.vpc_id != sub.vpc_id:
                hole = Route(destination_cidr_block=half, transit_gateway_id="tgw-00000000000000000")
                world.put(dataclasses.replace(other, routes=(*other.routes, hole)))
    return world, cut


def matrix_pieces(c, sub: Subnet) -> list[int]:
    from vpclab.reach.matrix_cells import pieces

    lo = int(IPv4Network(sub.cidr_block).network_address)
    return pieces(c.routing_atoms(), lo, lo + IPv4Network(sub.cidr_block).num_addresses)


def test_rows_and_dense_agree(small):
    m = matrix(small, "tcp", 443)
    dense = m.dense()
    assert dense.dtype == np.bool_ and int(dense.sum()) == m.count() == len(m.to_rows())
    assert all(dense.diagonal())  # a subnet reaches itself: local route, no NACL inside a subnet
    row = m.to_rows()[0]
    assert m.reachable(row["source"], row["destination"])


@pytest.mark.skipif(trace is None, reason="vpclab.reach.trace is not available")
def test_agrees_with_the_tracer_on_a_sample():
    """With every subnet on its default (allow-all) NACL the tracer and the matrix must agree on
    every pair, TGW paths included. (With custom NACLs they differ by design on TGW paths: the
    tracer also evaluates the TGW attachment subnets' NACLs, AWS "Network ACLs for transit
    gateways", https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html; the matrix evaluates the
    source and destination subnets' only — see docs/benchmarks.md.)"""
    world = build(dataclasses.replace(SMALL, custom_acls=False))
    rng = random.Random(3)
    for protocol, port in FLOWS[:3]:
        m = matrix(world, protocol, port, level="interface")
        pairs = [(s, d) for s in m.sources for d in m.destinations if s != d]
        for s, d in rng.sample(pairs, 100):
            assert (
                trace(world, s, d, protocol=protocol, port=port).disposition == "reachable"
            ) == m.reachable(s, d)


@pytest.mark.skipif(trace is None, reason="vpclab.reach.trace is not available")
def test_agrees_with_the_tracer_without_transit_gateways(small):
    """Custom NACLs, pairs in one VPC or across a peering: tracer and matrix agree."""
    peered = {frozenset(p.vpc_ids) for p in small.all(VpcPeeringConnection) if p.is_active}
    rng = random.Random(4)
    for protocol, port in FLOWS[:3]:
        m = matrix(small, protocol, port, level="interface")
        pairs = [
            (s, d)
            for s in m.sources
            for d in m.destinations
            if s != d
            and (
                small.get(s).vpc_id == small.get(d).vpc_id
                or frozenset((small.get(s).vpc_id, small.get(d).vpc_id)) in peered
            )
        ]
        for s, d in rng.sample(pairs, min(100, len(pairs))):
            assert (
                trace(small, s, d, protocol=protocol, port=port).disposition == "reachable"
            ) == m.reachable(s, d)


def test_the_compiled_view_follows_the_world():
    """matrix() reuses the compiled view within one World version, and never a stale one: after a
    committed change, and inside an open transaction, it answers for the World as it is."""
    world = build(SMALL)
    before = matrix(world, "tcp", 443).count()
    assert matrix(world, "tcp", 443).count() == before
    with world.transaction():
        for rt in list(world.all(RouteTable)):
            world.put(dataclasses.replace(rt, routes=rt.routes[:1]))  # only the local routes are left
        inside = matrix(world, "tcp", 443).count()
    assert inside == matrix(world, "tcp", 443).count() < before
    assert inside == sum(
        naive.subnet_pair(world, s, d)
        for s in _ids(world)
        for d in _ids(world)
        if world.get(s).vpc_id == world.get(d).vpc_id
    )


def _ids(world) -> list[str]:
    return [s.id for s in world.all(Subnet)]
