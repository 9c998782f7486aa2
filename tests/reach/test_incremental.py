"""Incremental intent checking: after any sequence of changes, the checker's answers equal a fresh
checker's (recomputation from scratch) and the all-pairs matrix's; and it re-answers only the
intents that read what changed."""

from __future__ import annotations

import dataclasses
import random
from ipaddress import IPv4Network

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.generator import SMALL, acl_template, build
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.network_acl import NetworkAcl
from vpclab.model.peering import VpcPeeringConnection
from vpclab.model.route_table import Route, RouteTable, RouteTableAssociation
from vpclab.model.subnet import Subnet
from vpclab.model.transit_gateway import (
    TransitGatewayAttachment,
    TransitGatewayRoute,
    TransitGatewayRouteTable,
)
from vpclab.model.vpc import Vpc
from vpclab.reach.incremental import Intent, IntentChecker
from vpclab.reach.matrix import matrix


def _intents(world, seed: int = 5) -> list[Intent]:
    rng = random.Random(seed)
    subnets = [s.id for s in world.all(Subnet)]
    vpcs = [v.id for v in world.all(Vpc)]
    out = [
        Intent(
            (rng.choice(subnets),),
            (rng.choice(subnets),),
            "tcp",
            443,
            rng.choice(("reachable", "unreachable")),
        )
        for _ in range(25)
    ]
    out += [Intent((rng.choice(vpcs),), (rng.choice(vpcs),), "udp", 53, "reachable") for _ in range(5)]
    return out


def _targets(world) -> list[dict[str, str]]:
    pcx = [{"vpc_peering_connection_id": p.id} for p in world.all(VpcPeeringConnection)]
    tgw = {a.transit_gateway_id for a in world.all(TransitGatewayAttachment)}
    return [*pcx, *({"transit_gateway_id": t} for t in tgw), {"transit_gateway_id": "tgw-0000000000000000a"}]


def change(world, rng: random.Random, op: int) -> None:
    """One random change of the kinds the checker localises (routes, TGW routes, NACLs,
    associations, peering state, attachment state)."""
    tables = list(world.all(RouteTable))
    rt = rng.choice(tables)
    if op == 0:  # add a route: a VPC, a subnet, half a subnet, or a summary
        sub = rng.choice(list(world.all(Subnet)))
        vpc = world.get(sub.vpc_id, Vpc)
        cidr = rng.choice([vpc.cidr_block, sub.cidr_block, sub.cidr_block[:-3] + "/25", "10.0.0.0/16"])
        own = world.get(rt.vpc_id, Vpc)
        if rt.route_to(cidr) is None and not own.contains(IPv4Network(cidr)):  # not inside the local route
            world.put(
                dataclasses.replace(
                    rt, routes=(*rt.routes, Route(destination_cidr_block=cidr, **rng.choice(_targets(world))))
                )
            )
    elif op == 1:  # delete a non-local route
        removable = [r for r in rt.routes if r.gateway_id != "local"]
        if removable:
            gone = rng.choice(removable)
            world.put(dataclasses.replace(rt, routes=tuple(r for r in rt.routes if r is not gone)))
    elif op == 2:  # TGW route table: a static route or blackhole, or drop a propagation
        trt = rng.choice(list(world.all(TransitGatewayRouteTable)))
        if rng.random() < 0.5 and trt.propagations:
            world.put(dataclasses.replace(trt, propagations=trt.propagations[1:]))
        else:
            vpc = rng.choice(list(world.all(Vpc)))
            att = next((a for a in world.all(TransitGatewayAttachment) if a.resource_id == vpc.id), None)
            route = (
                TransitGatewayRoute(destination_cidr_block=vpc.cidr_block, state="blackhole")
                if att is None or rng.random() < 0.5
                else TransitGatewayRoute(
                    destination_cidr_block=vpc.cidr_block, transit_gateway_attachment_ids=(att.id,)
                )
            )
            world.put(
                dataclasses.replace(
                    trt,
                    routes=(*(r for r in trt.routes if r.destination_cidr_block != vpc.cidr_block), route),
                )
            )
    elif op == 3:  # replace a custom NACL's entries
        acls = [a for a in world.all(NetworkAcl) if not a.is_default]
        if acls:
            acl = rng.choice(acls)
            world.put(dataclasses.replace(acl, entries=acl_template(rng, SMALL.vpcs)))
    elif op == 4:  # move a subnet to another route table of its VPC
        sub = rng.choice(list(world.all(Subnet)))
        target = rng.choice([t for t in tables if t.vpc_id == sub.vpc_id])
        with world.transaction():
            for t in world.in_vpc(sub.vpc_id, RouteTable):
                if any(a.subnet_id == sub.id for a in t.associations):
                    world.put(
                        dataclasses.replace(
                            t, associations=tuple(a for a in t.associations if a.subnet_id != sub.id)
                        )
                    )
            target = world.get(target.id, RouteTable)
            if not target.main:
                world.put(
                    dataclasses.replace(
                        target,
                        associations=(
                            *target.associations,
                            RouteTableAssociation(
                                route_table_association_id=world.new_id("route_table_association"),
                                route_table_id=target.id,
                                subnet_id=sub.id,
                            ),
                        ),
                    )
                )
    elif op == 5:  # a peering goes active or away
        pcx = rng.choice(list(world.all(VpcPeeringConnection)))
        world.put(dataclasses.replace(pcx, status_code="deleted" if pcx.is_active else "active"))
    elif op == 7:  # a route to a middlebox: an interface of the table's VPC
        eni = rng.choice(
            [e for e in world.in_vpc(rt.vpc_id, NetworkInterface) if e.interface_type == "interface"]
        )
        vpc = rng.choice([v for v in world.all(Vpc) if v.id != rt.vpc_id])
        if rt.route_to(vpc.cidr_block) is None:
            hop = Route(destination_cidr_block=vpc.cidr_block, network_interface_id=eni.id)
            world.put(dataclasses.replace(rt, routes=(*rt.routes, hop)))
    elif op == 8:  # an interface starts (or stops) forwarding traffic not addressed to it
        eni = rng.choice([e for e in world.all(NetworkInterface) if e.interface_type == "interface"])
        world.put(dataclasses.replace(eni, source_dest_check=not eni.source_dest_check))
    else:  # an attachment leaves or comes back
        att = rng.choice([a for a in world.all(TransitGatewayAttachment) if a.resource_type == "vpc"])
        world.put(dataclasses.replace(att, state="deleting" if att.state == "available" else "available"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 2**16)), min_size=1, max_size=6))
def test_incremental_equals_recomputation(ops):
    world = build(SMALL)
    intents = _intents(world)
    checker = IntentChecker(world, intents)
    checker.results()
    for op, seed in ops:
        change(world, random.Random(seed), op)
        assert checker.results() == IntentChecker(world, intents).results()


def test_answers_agree_with_the_matrix():
    world = build(SMALL)
    intents = _intents(world)
    m = {443: matrix(world, "tcp", 443), 53: matrix(world, "udp", 53)}
    results = IntentChecker(world, intents).results()
    for r in results:
        i = r.intent
        subs = lambda sel: [s.id for s in world.all(Subnet) if s.id in sel or s.vpc_id in sel]  # noqa: E731
        pairs = [(s, d) for s in subs(i.sources) for d in subs(i.destinations)]
        assert r.pairs == len(pairs)
        assert r.reachable_pairs == sum(m[i.port].reachable(s, d) for s, d in pairs)
        assert r.holds == all(m[i.port].reachable(s, d) == (i.expect == "reachable") for s, d in pairs)
    assert any(r.holds for r in results) and any(not r.holds for r in results)


def test_only_readers_of_a_changed_table_are_re_answered():
    world = build(SMALL)
    intents = _intents(world)[:3]
    checker = IntentChecker(world, intents)
    checker.results()
    unread = next(rt for rt in world.all(RouteTable) if rt.id not in checker._readers)
    world.put(
        dataclasses.replace(
            unread,
            routes=(
                *unread.routes,
                Route(destination_cidr_block="192.0.2.0/24", gateway_id="igw-00000000000000000"),
            ),
        )
    )
    checker.results()
    assert checker.last_reanswered == 0
    read = next(rt for rt in world.all(RouteTable) if rt.id in checker._readers)
    readers = set(checker._readers[read.id])
    world.put(dataclasses.replace(read, routes=read.routes[:1]))
    checker.results()
    assert 0 < checker.last_reanswered == len(readers) <= len(intents)


def test_unknown_changes_rebuild():
    world = build(SMALL)
    intents = _intents(world)
    checker = IntentChecker(world, intents)
    vpc = next(world.all(Vpc))
    world.put(dataclasses.replace(vpc, tags=vpc.tags.with_({"Name": "renamed"})))
    assert checker.results() == IntentChecker(world, intents).results()
    assert checker.last_reanswered == len(intents)


def test_intent_rejects_unknown_expectations():
    with pytest.raises(ValueError, match="expect must be one of"):
        Intent(("subnet-1",), ("subnet-2",), expect="maybe")
