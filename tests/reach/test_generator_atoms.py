"""The generated SMALL network is a valid one, and the atoms partition the IPv4 space.

Validity is what the ControlPlane would guarantee: every route target exists, subnets do not
overlap within a VPC and lie inside its CIDR ("Subnet CIDR blocks",
https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html), one main route table per
VPC, a TGW attachment has one subnet per AZ, and the generator is deterministic.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.generator import SMALL, build
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.route_table import RouteTable, route_state
from vpclab.model.subnet import Subnet
from vpclab.model.transit_gateway import TransitGatewayAttachment, TransitGatewayRouteTable, tgw_routes
from vpclab.model.vpc import Vpc
from vpclab.reach.compiled import atom_of, compile_world


def test_small_network_is_valid():
    world = build(SMALL)
    vpcs = list(world.all(Vpc))
    assert len(vpcs) == SMALL.vpcs and sum(1 for _ in world.all(Subnet)) == SMALL.vpcs * SMALL.subnets_per_vpc
    for vpc in vpcs:
        subnets = list(world.in_vpc(vpc.id, Subnet))
        for i, a in enumerate(subnets):
            assert vpc.contains(a.network)
            assert not any(a.network.overlaps(b.network) for b in subnets[i + 1 :])
        tables = list(world.in_vpc(vpc.id, RouteTable))
        assert len(tables) == 3 and sum(t.main for t in tables) == 1
    for rt in world.all(RouteTable):
        for route in rt.routes:
            assert route.target == "local" or route.target in world, (rt.id, route)
    states = [route_state(world, rt, r) for rt in world.all(RouteTable) for r in rt.routes]
    assert states.count("blackhole") > 0 and states.count("active") > len(states) // 2  # the pending peering
    for att in world.all(TransitGatewayAttachment):
        zones = [world.get(s, Subnet).availability_zone for s in att.subnet_ids]
        assert len(zones) == len(set(zones))
        assert all(world.get(e, NetworkInterface) is not None for e in att.network_interface_ids)
    routes = sum(len(tgw_routes(world, t)) for t in world.all(TransitGatewayRouteTable))
    assert routes == SMALL.tgw_routes
    ips = [e.private_ip_address for e in world.all(NetworkInterface)]
    assert len(ips) == len(set(ips))
    assert [r.id for r in build(SMALL).resources()] == [r.id for r in world.resources()]  # deterministic


def test_atoms_partition_the_address_space():
    c = compile_world(build(SMALL))
    for atoms in (c.atoms(), c.routing_atoms()):
        assert atoms[0] == 0 and np.all(np.diff(atoms) > 0) and int(atoms[-1]) < 1 << 32
    atoms = c.atoms()
    # every prefix is a union of whole atoms: its start is an atom start, its end the next one's
    for start, end in c.prefixes:
        k = int(atom_of(atoms, start))
        assert atoms[k] == start
        assert end == 1 << 32 or atoms[int(atom_of(atoms, end))] == end
    # routing atoms are coarser: each is a union of atoms
    assert set(c.routing_atoms().tolist()) <= set(atoms.tolist())


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=(1 << 32) - 1))
def test_every_address_is_in_exactly_one_atom(address):
    atoms = _ATOMS
    k = int(atom_of(atoms, address))
    end = int(atoms[k + 1]) if k + 1 < len(atoms) else 1 << 32
    assert int(atoms[k]) <= address < end
    # and no prefix cuts the atom: each prefix holds all of it or none of it
    for start, stop in _PREFIXES:
        inside = start <= address < stop
        assert inside == (start <= int(atoms[k]) < stop) == (start <= end - 1 < stop)


_C = compile_world(build(SMALL))
_ATOMS = _C.atoms()
_PREFIXES = sorted(_C.prefixes)


def test_the_benchmark_runs_on_small():
    """``make bench`` runs bench/reach.py on AWS-MAX; here the same code runs on SMALL, so it cannot rot."""
    from bench import reach

    r = reach.run(SMALL, trace_samples=5, pair_samples=5, changes=3, bandwidth_mb=8)
    assert r["subnets"] == SMALL.vpcs * SMALL.subnets_per_vpc and r["matrix_reachable"] > 0
    assert r["floor"] > 0 and r["naive_matrix"] > 0
    lines = reach.report(r)
    assert any("subnet matrix" in line for line in lines)
