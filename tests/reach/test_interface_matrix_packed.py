"""The packed interface matrix (issue 15) gives the very bits of the dense implementation it
replaced (``interface_reference``), on networks whose security groups are reshaped at random:
CIDR rules of both families (the world, a VPC, a subnet, one interface's /32, outside space),
customer-managed prefix lists, references to groups in the same VPC, a peered VPC, another
Region or nowhere, rules for other protocols and ports, interfaces with no group or several — on
the seed designs (peering, transit gateways, endpoints, IPv6) and on the differential property's
generated networks (transit gateway paths the cells decide by relaxed verdicts, irregular VPCs
walked). Security groups as AWS describes them: "Security group rules"
(https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html) and "Update your
security groups to reference peer security groups"
(https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html).
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.agreement import build as build_network
from bench.agreement import networks
from bench.generator import SMALL
from bench.generator import build as build_estate
from tests.reach.interface_reference import reference_interface_matrix
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.prefix_lists import ManagedPrefixList, PrefixListEntry
from vpclab.model.security_group import SecurityGroup, SecurityGroupRule
from vpclab.model.subnet import Subnet
from vpclab.model.vpc import Vpc
from vpclab.model.world import World
from vpclab.reach.compiled import compiled_view
from vpclab.reach.interface_matrix import interface_matrix
from vpclab.reach.result import family_protocol
from vpclab.topology import load

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))
FLOWS = [("tcp", 443), ("tcp", 22), ("udp", 53), ("icmp", 8), ("-1", None)]
#: rule protocols and port ranges: some match each flow, some none
PORTS = [
    ("tcp", 443, 443),
    ("tcp", 0, 65535),
    ("tcp", 22, 22),
    ("tcp", 8080, 8080),
    ("udp", 53, 53),
    ("icmp", 8, -1),
    ("icmp", -1, -1),
    ("-1", -1, -1),
    ("50", -1, -1),
]


def reshape_security_groups(world: World, rng: random.Random) -> None:
    """New rules for every security group and new groups for every interface, drawn by ``rng``."""
    groups = list(world.all(SecurityGroup))
    if not groups:
        return
    enis = [e for e in world.all(NetworkInterface) if e.interface_type != "transit_gateway"]
    subnets = list(world.all(Subnet))
    vpcs = list(world.all(Vpc))
    v4 = ["0.0.0.0/0", "10.0.0.0/8", "192.168.0.0/16"] + [s.cidr_block for s in subnets]
    v4 += [v.cidr_block for v in vpcs] + [f"{e.private_ip_address}/32" for e in enis if e.private_ip_address]
    v6 = ["::/0"] + [s.ipv6_cidr_block for s in subnets if s.ipv6_cidr_block]
    v6 += [f"{a}/128" for e in enis for a in e.ipv6_addresses]
    one = groups[0]
    lists = [
        world.put(
            ManagedPrefixList(
                id=f"pl-{k:017x}",
                owner_id=one.owner_id,
                region=one.region,
                prefix_list_name=f"list-{k}",
                address_family=family,
                entries=tuple(PrefixListEntry(cidr=c) for c in rng.sample(pool, min(len(pool), 3))),
            )
        ).id
        for k, (family, pool) in enumerate((("IPv4", v4), ("IPv4", v4), ("IPv6", v6)))
    ]
    ids = [g.id for g in groups] + ["sg-0123456789abcdef0"]  # the last exists nowhere
    count = iter(range(1 << 30))

    def rule(gid: str, egress: bool) -> SecurityGroupRule:
        proto, lo, hi = rng.choice(PORTS)
        kind = rng.choice(("v4", "v4", "v6", "list", "ref", "ref"))
        peer: dict[str, str] = {
            "v4": {"cidr_ipv4": rng.choice(v4)},
            "v6": {"cidr_ipv6": rng.choice(v6)},
            "list": {"prefix_list_id": rng.choice(lists)},
            "ref": {"referenced_group_id": rng.choice(ids)},
        }[kind]
        return SecurityGroupRule(
            security_group_rule_id=f"sgr-{next(count):017x}",
            group_id=gid,
            is_egress=egress,
            ip_protocol=proto,
            from_port=lo,
            to_port=hi,
            **peer,  # type: ignore[arg-type]
        )

    for g in groups:
        world.put(
            dataclasses.replace(
                g,
                ingress=tuple(rule(g.id, False) for _ in range(rng.randint(0, 4))),
                egress=tuple(rule(g.id, True) for _ in range(rng.randint(0, 3))),
            )
        )
    by_vpc: dict[str, list[str]] = {}
    for g in groups:
        by_vpc.setdefault(g.vpc_id, []).append(g.id)
    for e in enis:
        mine = by_vpc.get(e.vpc_id, [])
        pick = tuple(rng.sample(mine, rng.randint(0, min(3, len(mine))))) if mine else ()
        world.put(dataclasses.replace(e, groups=pick))


def assert_same_bits(world: World) -> int:
    """Both implementations agree for every flow and family; returns the reachable pairs seen."""
    seen = 0
    families = [4] + ([6] if any(s.ipv6_cidr_block for s in world.all(Subnet)) else [])
    for family in families:
        c = compiled_view(world, family)
        for protocol, port in FLOWS:
            protocol = family_protocol(protocol, family)
            new = interface_matrix(world, c, protocol, port)
            old = reference_interface_matrix(world, c, protocol, port)
            assert new.sources.tolist() == old.sources.tolist()
            assert new.destinations.tolist() == old.destinations.tolist()
            assert np.array_equal(new.bits, old.bits), (family, protocol, port, new.count(), old.count())
            seen += new.count()
    return seen


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_packed_interface_matrix_is_the_dense_one_on_the_designs(path: Path) -> None:
    """The seed designs as written, then with their security groups reshaped three ways."""
    net = load(path)
    assert_same_bits(net.world)
    for seed in range(3):
        reshape_security_groups(net.world, random.Random(f"{path.stem}-{seed}"))
        assert_same_bits(net.world)


def test_packed_interface_matrix_is_the_dense_one_on_the_benchmark_estate() -> None:
    """The benchmark generator's small estate (AWS-MAX's shape: interfaces in transit gateway
    attachment subnets, reached by the gateway's delivery straight into them, where AWS checks no
    network ACL, "Network ACLs for transit gateways",
    https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html), as built and reshaped."""
    world = build_estate(SMALL)
    assert assert_same_bits(world)
    for seed in range(2):
        reshape_security_groups(world, random.Random(seed))
        assert_same_bits(world)


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(doc=networks(), seed=st.integers(0, 2**32))
def test_packed_interface_matrix_is_the_dense_one_on_generated_networks(doc, seed) -> None:
    """The differential property's networks, their security groups reshaped."""
    net = build_network(doc)
    reshape_security_groups(net.world, random.Random(seed))
    assert_same_bits(net.world)


def test_the_reshaped_groups_change_the_answers_and_leave_some_pairs_reachable() -> None:
    """The comparison is not vacuous: reshaping changes what reaches, and some pairs still do."""
    net = load(EXAMPLES[0].parent / "peering-edge-to-edge.yaml")
    counts = [assert_same_bits(net.world)]
    for seed in range(3):
        reshape_security_groups(net.world, random.Random(f"peering-edge-to-edge-{seed}"))
        counts.append(assert_same_bits(net.world))
    assert all(counts) and len(set(counts)) > 1, counts
