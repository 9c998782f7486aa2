"""The IPv6 matrix (issue 9): the SMALL network made dual-stack (bench/dual_stack.py: every VPC a /56,
every subnet a /64, ``::/0`` to an egress-only internet gateway, the IPv4 design's IPv6 twin).

Since the IPv6 design is the exact twin of the IPv4 one, the IPv6 matrix must equal the IPv4 matrix
pair for pair; and it must agree with the tracer's IPv6 verdicts (same sampling as
tests/reach/test_matrix.py: default NACLs for paths through transit gateways, custom ones inside a
VPC and across peerings). AWS behaviours: "IPv6 support for your VPC"
(https://docs.aws.amazon.com/vpc/latest/userguide/vpc-migrate-ipv6.html), default network ACL IPv6
rules ("Default network ACL", https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html).
"""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest

from bench.dual_stack import dual_stack
from bench.generator import SMALL, SMALL_DUAL, build
from vpclab.core.addresses import AddressSet
from vpclab.model.network_acl import NetworkAcl
from vpclab.model.peering import VpcPeeringConnection
from vpclab.model.subnet import Subnet
from vpclab.reach import trace
from vpclab.reach.compiled import acl_allowed, compile_world
from vpclab.reach.matrix import matrix

FLOWS = [("tcp", 443), ("tcp", 22), ("udp", 53), ("icmp", 8), ("-1", None)]


@pytest.fixture(scope="module")
def small6():
    return dual_stack(build(SMALL))


@pytest.mark.parametrize(("protocol", "port"), FLOWS)
@pytest.mark.parametrize("level", ["subnet", "interface"])
def test_ipv6_matrix_is_the_ipv4_matrix_of_the_twin_design(small6, protocol, port, level):
    m4 = matrix(small6, protocol, port, level=level)
    m6 = matrix(small6, protocol, port, level=level, family=6)
    assert m6.sources.tolist() == m4.sources.tolist() and m6.destinations.tolist() == m4.destinations.tolist()
    assert np.array_equal(m6.bits, m4.bits)
    assert 0 < m6.count() < len(m6.sources) * len(m6.destinations)


def test_the_dual_stack_generator_builds_the_same_twin(small6):
    """bench's SMALL_DUAL (IPv6 built in, as the benchmark's AWS-MAX dual-stack) and SMALL made
    dual-stack afterwards (bench/dual_stack.py) are the same design: same matrices both families."""
    native = build(SMALL_DUAL)
    for family in (4, 6):
        assert np.array_equal(
            matrix(native, "tcp", 443, family=family).bits, matrix(small6, "tcp", 443, family=6).bits
        )


def test_ipv6_atoms_are_compressed_boundaries(small6):
    """Coordinate compression: the IPv6 compilation's coordinates are ranks of the boundaries, small
    enough for uint64 arrays, and each subnet's /64 is one span of them."""
    c = compile_world(small6, family=6)
    assert c.space.family == 6 and len(c.space.points) < 1 << 32
    atoms = c.atoms()
    assert atoms.dtype == np.uint64 and int(atoms[-1]) < len(c.space.points)
    for s in small6.all(Subnet):
        info = c.subnets[s.id]
        assert c.space.points[info.lo] == int(s.ipv6_network.network_address)  # type: ignore[union-attr]
        assert c.space.points[info.hi] == int(s.ipv6_network.broadcast_address) + 1  # type: ignore[union-attr]


def test_subnets_without_ipv6_are_not_in_the_ipv6_matrix(small6):
    world = build(
        dataclasses.replace(SMALL, vpcs=4, hub_peerings=1, other_peerings=0, interfaces=6, edge_cases=False)
    )
    m6 = matrix(world, "tcp", 443, family=6)
    assert len(m6.sources) == 0


def test_acl_allowed_covers_both_families():
    """A network ACL's answer holds both families; each entry matches only its own."""
    world = dual_stack(
        build(
            dataclasses.replace(
                SMALL, vpcs=4, hub_peerings=1, other_peerings=0, interfaces=6, edge_cases=False
            )
        )
    )
    acl = next(a for a in world.all(NetworkAcl) if a.is_default)
    allowed = acl_allowed(acl, False, "tcp", 443)
    assert allowed == AddressSet.everything(4) | AddressSet.everything(6)


@pytest.mark.parametrize("custom_acls", [False, True])
def test_ipv6_matrix_agrees_with_the_tracer(custom_acls):
    world = dual_stack(build(dataclasses.replace(SMALL, custom_acls=custom_acls)))
    peered = {frozenset(p.vpc_ids) for p in world.all(VpcPeeringConnection) if p.is_active}
    rng = random.Random(5)
    for protocol, port in FLOWS[:3]:
        m = matrix(world, protocol, port, level="interface", family=6)
        pairs = [
            (s, d)
            for s in m.sources
            for d in m.destinations
            if s != d
            and (
                not custom_acls
                or world.get(s).vpc_id == world.get(d).vpc_id  # type: ignore[union-attr]
                or frozenset((world.get(s).vpc_id, world.get(d).vpc_id)) in peered  # type: ignore[union-attr]
            )
        ]
        for s, d in rng.sample(pairs, min(60, len(pairs))):
            t = trace(world, s, d, protocol=protocol, port=port, ip_version=6)
            assert (t.disposition == "reachable") == m.reachable(s, d), (s, d, t.explanations)


def _v6_changes(world, rng):  # type: ignore[no-untyped-def]
    """Changes to the IPv6 half: drop an IPv6 route (known boundaries: incremental), add one to a
    subnet's /64 that no route named (a new boundary? no: the /64 is one), add an IPv6 /60 (new
    boundary: rebuild), flip a peering."""
    from dataclasses import replace

    from vpclab.model.route_table import Route, RouteTable

    tables = [t for t in world.all(RouteTable) if any(r.destination_ipv6_cidr_block for r in t.routes)]
    rt = rng.choice(tables)
    v6 = [r for r in rt.routes if r.destination_ipv6_cidr_block and r.origin != "CreateRouteTable"]
    op = rng.randrange(3)
    if op == 0 and v6:
        gone = rng.choice(v6)
        world.put(replace(rt, routes=tuple(r for r in rt.routes if r is not gone)))
    else:
        sub = rng.choice(list(world.all(Subnet)))
        block = sub.ipv6_cidr_block if op == 1 else sub.ipv6_cidr_block.replace("::/64", "::/60")  # type: ignore[union-attr]
        pcx = next(iter(world.all(VpcPeeringConnection)))
        world.put(
            replace(
                rt,
                routes=(
                    *rt.routes,
                    Route(destination_ipv6_cidr_block=block, vpc_peering_connection_id=pcx.id),
                ),
            )
        )


def test_ipv6_intents_incremental_equal_from_scratch():
    """IntentChecker(family=6) after IPv6 changes answers as a fresh checker and as the IPv6 matrix."""
    from vpclab.reach.incremental import Intent, IntentChecker

    world = build(SMALL_DUAL)
    rng = random.Random(9)
    subnets = [s.id for s in world.all(Subnet)]
    intents = [
        Intent((rng.choice(subnets),), (rng.choice(subnets),), "tcp", 443, "reachable") for _ in range(30)
    ]
    checker = IntentChecker(world, intents, family=6)
    for step in range(6):
        _v6_changes(world, rng)
        got = [(r.holds, r.reachable_pairs) for r in checker.results()]
        fresh = [(r.holds, r.reachable_pairs) for r in IntentChecker(world, intents, family=6).results()]
        assert got == fresh, step
        m = matrix(world, "tcp", 443, family=6)
        assert [r.reachable_pairs for r in checker.results()] == [
            int(m.reachable(i.sources[0], i.destinations[0])) for i in intents
        ]


def test_ipv6_through_a_transit_gateway(small6):
    """A transit gateway carries IPv6 by its route tables' IPv6 routes (here static routes to each
    VPC's /56; with Ipv6Support an attachment propagates its VPC's IPv6 blocks): AWS "Transit gateway
    route tables" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html)."""
    m = matrix(small6, "tcp", 443, level="interface", family=6)
    rng = random.Random(2)
    pairs = [(s, d) for s, d in m if small6.get(s).vpc_id != small6.get(d).vpc_id]  # type: ignore[union-attr]
    for s, d in rng.sample(pairs, 40):
        t = trace(small6, s, d, protocol="tcp", port=443, ip_version=6)
        if any(h.component == "transit-gateway-route-table" for h in t.forward_hops):
            assert t.reachable and ":" in t.flow.dst_ip
            assert any(
                h.component == "transit-gateway-route-table" and "/56" in h.detail for h in t.forward_hops
            )
            break
    else:
        raise AssertionError("no sampled IPv6 pair crossed the transit gateway")
