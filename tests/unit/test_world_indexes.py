"""The World's derived indexes answer exactly what a scan of the current resources would, also
after a rolled-back transaction (model/indexes.py)."""

from __future__ import annotations

import random
from dataclasses import replace
from ipaddress import IPv4Network

import pytest

from vpclab import ControlPlane, World
from vpclab.core.errors import AwsError
from vpclab.model.indexes import NetworkIndex
from vpclab.model.route_table import RouteTable
from vpclab.model.security_group import SecurityGroup
from vpclab.model.subnet import Subnet


def test_network_index_matches_a_scan() -> None:
    rng = random.Random(8)
    index, held = NetworkIndex(), []
    for _ in range(400):
        plen = rng.randint(16, 28)
        net = IPv4Network((rng.getrandbits(32) & ~((1 << (32 - plen)) - 1) & 0x0AFFFFFF | 0x0A000000, plen))
        if held and rng.random() < 0.3:
            gone = held.pop(rng.randrange(len(held)))
            index.discard(str(gone))
        expected = any(n.overlaps(net) for n in held)
        assert index.overlaps(net) is expected
        if not expected or rng.random() < 0.2:  # duplicates and overlaps held too
            index.add(str(net))
            held.append(net)
    assert len(index) == len(held)


def _scan_state(world: World, vpc_id: str) -> tuple[object, ...]:
    return (sorted(s.cidr_block for s in world.in_vpc(vpc_id, Subnet)),
            world.count_in_vpc(vpc_id, Subnet), world.count_owned(SecurityGroup, "111111111111", "us-east-1"))


def test_indexes_follow_rollback(cp: ControlPlane) -> None:
    world = cp.world
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.0.0/24")
    before = _scan_state(world, vpc.id)
    with pytest.raises(RuntimeError), world.transaction():
        world.put(Subnet(id="subnet-0000000000000000a", owner_id=vpc.owner_id, region=vpc.region,
                         vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a",
                         availability_zone_id="use1-az1"))
        cp.create_security_group(group_name="g", description="d", vpc_id=vpc.id)
        assert world.overlaps_in_vpc(vpc.id, Subnet, IPv4Network("10.0.1.0/28"))
        raise RuntimeError
    assert _scan_state(world, vpc.id) == before
    assert not world.overlaps_in_vpc(vpc.id, Subnet, IPv4Network("10.0.1.0/28"))
    assert world.overlaps_in_vpc(vpc.id, Subnet, IPv4Network("10.0.0.0/16"))
    with pytest.raises(AwsError):
        cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.0.128/25")


def test_route_index_follows_appends_replacements_and_rollback(cp: ControlPlane) -> None:
    world = cp.world
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    igw = cp.create_internet_gateway()
    cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc.id)
    rtb = cp.create_route_table(vpc_id=vpc.id)
    for k in range(5):
        cp.create_route(route_table_id=rtb.id, destination_cidr_block=f"100.64.{k}.0/24", gateway_id=igw.id)
    cp.delete_route(route_table_id=rtb.id, destination_cidr_block="100.64.2.0/24")
    with pytest.raises(RuntimeError), world.transaction():
        cp.create_route(route_table_id=rtb.id, destination_cidr_block="100.64.9.0/24", gateway_id=igw.id)
        raise RuntimeError
    table = world.get(rtb.id, RouteTable)
    assert table is not None
    for r in table.routes:
        assert world.find_route(rtb.id, r.destination) is r
    assert world.find_route(rtb.id, "100.64.2.0/24") is None
    assert world.find_route(rtb.id, "100.64.9.0/24") is None
    world.put(replace(table, routes=table.routes[:1]))
    assert world.find_route(rtb.id, "100.64.0.0/24") is None
    world.remove(rtb.id)
    assert world.route_index(rtb.id) is None


def _having_scan(world: World, tgw_id: str) -> list[str]:
    from vpclab.model.transit_gateway import TransitGatewayAttachment

    return [a.id for a in world.all(TransitGatewayAttachment) if tgw_id in a.transit_gateway_ids]


def test_having_matches_a_scan_in_creation_order_and_follows_rollback(cp: ControlPlane) -> None:
    """``World.having`` (an INDEX_BY attribute's values) finds what a scan finds, in creation order
    while the value stays, after replaces and a rolled-back transaction; ``count_having`` agrees."""
    from vpclab.model.transit_gateway import TransitGatewayAttachment, attachments_of, count_attachments

    world = cp.world
    tgw = cp.create_transit_gateway()
    atts = []
    for i in range(4):
        vpc = cp.create_vpc(cidr_block=f"10.{i}.0.0/16")
        subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block=f"10.{i}.0.0/24", availability_zone="us-east-1a")
        atts.append(cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                             subnet_ids=[subnet.id]))
    ids = [a.id for a in atts]
    assert [a.id for a in world.having(TransitGatewayAttachment, "transit_gateway_ids", tgw.id)] == ids
    # a replace that keeps the value keeps the place
    world.put(replace(world.get(ids[0], TransitGatewayAttachment), tags=atts[0].tags))
    assert [a.id for a in world.having(TransitGatewayAttachment, "transit_gateway_ids", tgw.id)] == ids
    assert _having_scan(world, tgw.id) == ids
    assert count_attachments(world, tgw.id) == len(attachments_of(world, tgw.id)) == 4
    with pytest.raises(RuntimeError), world.transaction():
        cp.delete_transit_gateway_vpc_attachment(transit_gateway_attachment_id=ids[1])
        assert count_attachments(world, tgw.id) == len(attachments_of(world, tgw.id)) == 3
        raise RuntimeError
    assert count_attachments(world, tgw.id) == len(attachments_of(world, tgw.id)) == 4
    assert sorted(a.id for a in world.having(TransitGatewayAttachment, "state", "available")) == sorted(ids)
    cp.delete_transit_gateway_vpc_attachment(transit_gateway_attachment_id=ids[1])
    assert count_attachments(world, tgw.id) == len(attachments_of(world, tgw.id)) == 3
    assert world.count_having(TransitGatewayAttachment, "transit_gateway_ids", tgw.id) == len(
        _having_scan(world, tgw.id))


def test_having_refuses_an_attribute_not_indexed(cp: ControlPlane) -> None:
    cp.create_vpc(cidr_block="10.0.0.0/16")
    with pytest.raises(KeyError, match="not indexed"):
        list(cp.world.having(Subnet, "cidr_block", "10.0.0.0/24"))
