"""model.serialize: lossless Resource ⇄ JSON-able dict, driven by dataclass fields and type hints."""

from __future__ import annotations

import dataclasses
import enum
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import ClassVar

import pytest

from vpclab import ControlPlane, World
from vpclab.model.base import ID_PREFIXES, KINDS, Resource, Tags
from vpclab.model.images import image_named
from vpclab.model.peering import VpcPeeringConnection, VpcPeeringConnectionOptions
from vpclab.model.prefix_lists import ManagedPrefixList, PrefixListEntry
from vpclab.model.route_table import Route, RouteTable, RouteTableAssociation
from vpclab.model.serialize import ElementMemo, SerializeError, _encode, from_dict, to_dict, to_json
from vpclab.model.transit_gateway import TransitGateway, TransitGatewayOptions
from vpclab.model.vpc import Vpc

A, B = "111111111111", "222222222222"


def json_round_trip(res: Resource) -> Resource:
    return from_dict(json.loads(json.dumps(to_dict(res))))


def test_dict_names_the_kind_and_keeps_field_order() -> None:
    vpc = Vpc(id="vpc-1", owner_id=A, region="us-east-1", cidr_block="10.0.0.0/16")
    d = to_dict(vpc)
    assert list(d)[:5] == ["kind", "id", "owner_id", "region", "tags"]
    assert d["kind"] == "vpc" and d["is_default"] is False and d["cidr_block_associations"] == []


def test_tags_round_trip_as_an_object_unicode_included() -> None:
    vpc = Vpc(id="vpc-1", owner_id=A, region="us-east-1", cidr_block="10.0.0.0/16",
              tags=Tags({"Name": "prod ✓", "": "", "z": "ü"}))
    assert to_dict(vpc)["tags"] == {"": "", "Name": "prod ✓", "z": "ü"}
    back = json_round_trip(vpc)
    assert isinstance(back.tags, Tags) and back == vpc


def test_datetimes_keep_their_timezone_and_none_stays_none() -> None:
    when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    pcx = VpcPeeringConnection(id="pcx-1", owner_id=A, region="us-east-1", requester_vpc_id="vpc-1",
                               requester_owner_id=A, requester_region="us-east-1", accepter_vpc_id="vpc-2",
                               accepter_owner_id=B, accepter_region="eu-west-1", expiration_time=when)
    d = to_dict(pcx)
    assert d["expiration_time"] == "2024-05-06T07:08:09+00:00" and d["status_time"] is None
    back = json_round_trip(pcx)
    assert back == pcx and back.expiration_time.tzinfo is not None and back.status_time is None


def test_nested_frozen_dataclasses() -> None:
    tgw = TransitGateway(id="tgw-1", owner_id=A, region="us-east-1",
                         options=TransitGatewayOptions(amazon_side_asn=65001,
                                                       association_default_route_table_id="tgw-rtb-1"))
    assert to_dict(tgw)["options"]["amazon_side_asn"] == 65001
    back = json_round_trip(tgw)
    assert isinstance(back.options, TransitGatewayOptions) and back == tgw
    pcx_options = VpcPeeringConnectionOptions(allow_dns_resolution_from_remote_vpc=True)
    pcx = VpcPeeringConnection(id="pcx-1", owner_id=A, region="us-east-1", requester_vpc_id="vpc-1",
                               requester_owner_id=A, requester_region="us-east-1", accepter_vpc_id="vpc-2",
                               accepter_owner_id=A, accepter_region="us-east-1",
                               accepter_peering_options=pcx_options)
    assert json_round_trip(pcx).accepter_peering_options == pcx_options


def test_tuples_of_dataclasses_keep_order_and_optional_fields() -> None:
    rtb = RouteTable(id="rtb-1", owner_id=A, region="us-east-1", vpc_id="vpc-1", routes=(
        Route(destination_cidr_block="10.0.0.0/16", gateway_id="local", origin="CreateRouteTable"),
        Route(destination_prefix_list_id="pl-1", vpc_endpoint_id="vpce-1"),
        Route(destination_cidr_block="0.0.0.0/0", nat_gateway_id="nat-1"),
    ), associations=(RouteTableAssociation(route_table_association_id="rtbassoc-1", route_table_id="rtb-1",
                                           main=True),),
        propagating_vgws=("vgw-2", "vgw-1"))
    back = json_round_trip(rtb)
    assert back == rtb
    assert isinstance(back.routes, tuple) and all(isinstance(r, Route) for r in back.routes)
    assert back.propagating_vgws == ("vgw-2", "vgw-1")


def test_tuples_of_tuples_and_optional_ints() -> None:
    """ManagedPrefixList.previous_versions is tuple[tuple[int, tuple[PrefixListEntry, ...]], ...]."""
    old = (PrefixListEntry(cidr="10.0.0.0/16"),)
    pl = ManagedPrefixList(id="pl-1", owner_id=A, region="us-east-1", prefix_list_name="x", max_entries=None,
                           entries=(PrefixListEntry(cidr="10.1.0.0/16", description="d"),), version=2,
                           previous_versions=((1, old),))
    d = to_dict(pl)
    assert d["max_entries"] is None
    assert d["previous_versions"] == [[1, [{"cidr": "10.0.0.0/16", "description": None}]]]
    back = json_round_trip(pl)
    assert back == pl and back.previous_versions[0][1][0] == old[0]
    assert json_round_trip(dataclasses.replace(pl, max_entries=7)).max_entries == 7


def test_a_missing_field_takes_its_default_and_unknown_keys_are_ignored() -> None:
    """A row written before a field existed still loads; a field since removed is dropped."""
    d = to_dict(Vpc(id="vpc-1", owner_id=A, region="us-east-1", cidr_block="10.0.0.0/16",
                    enable_dns_hostnames=True))
    del d["enable_dns_hostnames"]
    d["retired_field"] = 1
    assert from_dict(d).enable_dns_hostnames is False


def test_unknown_kind_and_unregistered_class_are_refused() -> None:
    with pytest.raises(KeyError, match="unknown resource kind 'warp_drive'"):
        from_dict({"kind": "warp_drive", "id": "x"})
    with pytest.raises(SerializeError, match="not a registered resource kind"):
        to_dict(Resource(id="x", owner_id=A, region="us-east-1"))


def test_a_value_that_does_not_match_its_hint_is_refused() -> None:
    bad = Vpc(id="vpc-1", owner_id=A, region="us-east-1", cidr_block=42)  # type: ignore[arg-type]
    with pytest.raises(SerializeError, match=r"Vpc.cidr_block: 42 is not a str"):
        to_dict(bad)
    with pytest.raises(SerializeError, match="unsupported type"):
        _encode(1j, complex)


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Knob:
    name: str
    level: int | None = None


@pytest.fixture
def new_kind() -> Iterator[type[Resource]]:
    """A kind with fields no model has yet: the codec must carry it with no per-kind code."""

    @dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
    class Gadget(Resource):
        KIND: ClassVar[str] = "test_gadget"
        ID_PREFIX: ClassVar[str] = "gadget"

        colour: Colour = Colour.RED
        made: date = date(2020, 1, 1)
        ratio: float = 0.5
        pairs: tuple[tuple[str, int], ...] = ()
        counts: dict[str, int] = dataclasses.field(default_factory=dict)
        knobs: tuple[Knob, ...] = ()
        best: Knob | None = None
        either: int | str = 0

    try:
        yield Gadget
    finally:
        KINDS.pop("test_gadget", None)
        ID_PREFIXES.pop("test_gadget", None)


def test_a_new_kind_with_new_field_types_just_works(new_kind: type[Resource]) -> None:
    gadget = new_kind(id="gad-1", owner_id=A, region="us-east-1", colour=Colour.BLUE, made=date(2024, 2, 29),
                      ratio=2.0, pairs=(("a", 1), ("b", 2)), counts={"x": 3},
                      knobs=(Knob(name="k", level=None),),
                      best=Knob(name="b", level=3), either="text")
    d = json.loads(json.dumps(to_dict(gadget)))
    assert d["colour"] == "blue" and d["made"] == "2024-02-29" and d["pairs"] == [["a", 1], ["b", 2]]
    back = from_dict(d)
    assert back == gadget and back.colour is Colour.BLUE and back.either == "text"
    assert from_dict({**d, "ratio": 2}).ratio == 2.0 and isinstance(from_dict({**d, "ratio": 2}).ratio, float)
    assert from_dict({**d, "either": 5}).either == 5


def build_every_kind(world: World) -> None:
    """One network through the ControlPlane that holds every kind the model knows."""
    cp = ControlPlane(world, account_id=A)
    other = cp.as_(account_id=B)
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16", tags={"Name": "hub"})
    cp.associate_vpc_cidr_block(vpc_id=vpc.id, cidr_block="10.1.0.0/16")
    cp.modify_vpc_attribute(vpc_id=vpc.id, enable_dns_hostnames=True)
    dopt = cp.create_dhcp_options(dhcp_configurations=[{"key": "domain-name", "values": ["corp.example"]}])
    cp.associate_dhcp_options(dhcp_options_id=dopt.id, vpc_id=vpc.id)
    sa = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    sb = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.2.0/24", availability_zone="us-east-1b")
    cp.create_subnet_cidr_reservation(subnet_id=sb.id, cidr="10.0.2.128/25", reservation_type="explicit",
                                      description="later")
    igw = cp.create_internet_gateway()
    cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc.id)
    cp.create_egress_only_internet_gateway(vpc_id=vpc.id)
    eip = cp.allocate_address()
    nat = cp.create_nat_gateway(subnet_id=sa.id, allocation_id=eip.id)
    rtb = cp.create_route_table(vpc_id=vpc.id)
    cp.associate_route_table(route_table_id=rtb.id, subnet_id=sb.id)
    cp.create_route(route_table_id=rtb.id, destination_cidr_block="0.0.0.0/0", nat_gateway_id=nat.id)
    sg = cp.create_security_group(group_name="web", description="web", vpc_id=vpc.id)
    cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
        {"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "ip_ranges": [{"cidr_ip": "0.0.0.0/0"}]}])
    acl = cp.create_network_acl(vpc_id=vpc.id)
    cp.create_network_acl_entry(network_acl_id=acl.id, rule_number=100, protocol="6", rule_action="allow",
                                egress=False, cidr_block="0.0.0.0/0", port_range={"from": 443, "to": 443})
    cp.create_managed_prefix_list(prefix_list_name="corp", max_entries=5, address_family="IPv4",
                                  entries=[{"cidr": "192.168.0.0/16", "description": "corp"}])
    peer = other.create_vpc(cidr_block="10.2.0.0/16")
    pcx = cp.create_vpc_peering_connection(vpc_id=vpc.id, peer_vpc_id=peer.id, peer_owner_id=B)
    other.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    tgw = cp.create_transit_gateway(description="hub")
    att = cp.create_transit_gateway_vpc_attachment(transit_gateway_id=tgw.id, vpc_id=vpc.id,
                                                   subnet_ids=[sa.id])
    tgw_rtb = cp.create_transit_gateway_route_table(transit_gateway_id=tgw.id)
    cp.create_transit_gateway_route(destination_cidr_block="172.16.0.0/16",
                                    transit_gateway_route_table_id=tgw_rtb.id,
                                    transit_gateway_attachment_id=att.id)
    cp.create_vpc_endpoint(vpc_id=vpc.id, service_name="com.amazonaws.us-east-1.s3", route_table_ids=[rtb.id])
    cgw = cp.create_customer_gateway(bgp_asn=65010, ip_address="203.0.113.10")
    vgw = cp.create_vpn_gateway()
    cp.attach_vpn_gateway(vpc_id=vpc.id, vpn_gateway_id=vgw.id)
    vpn = cp.create_vpn_connection(customer_gateway_id=cgw.id, vpn_gateway_id=vgw.id,
                                   options={"static_routes_only": True})
    cp.create_vpn_connection_route(vpn_connection_id=vpn.id, destination_cidr_block="192.168.0.0/16")
    cp.create_network_interface(subnet_id=sa.id, groups=[sg.id], secondary_private_ip_address_count=1)
    (instance,) = cp.run_instances(image_id=image_named("us-east-1", "al2023").image_id,
                                   instance_type="t3.micro", subnet_id=sb.id)
    nlb = cp.create_load_balancer(name="svc", subnets=[sa.id])
    tg = cp.create_target_group(name="svc", protocol="TCP", port=80, vpc_id=vpc.id)
    cp.register_targets(target_group_arn=tg.arn, targets=[{"id": instance.id, "port": 80}])
    cp.create_listener(load_balancer_arn=nlb.arn, protocol="TCP", port=80,
                       default_actions=[{"type": "forward", "target_group_arn": tg.arn}])
    svc = cp.create_vpc_endpoint_service_configuration(network_load_balancer_arns=[nlb.arn],
                                                       acceptance_required=True)
    cp.modify_vpc_endpoint_service_permissions(service_id=svc.id,
                                               add_allowed_principals=[f"arn:aws:iam::{B}:root"])
    other.create_vpc_endpoint(vpc_id=peer.id, service_name=svc.service_name, vpc_endpoint_type="Interface",
                              subnet_ids=[other.create_subnet(vpc_id=peer.id, cidr_block="10.2.1.0/24",
                                                              availability_zone="us-east-1a").id])
    cp.create_resource_share(name="shared", resource_arns=[f"arn:aws:ec2:us-east-1:{A}:subnet/{sb.id}"],
                             principals=[B])
    world.clock.advance(timedelta(days=1))
    cp.create_tags(resources=[vpc.id, tgw.id], tags={"env": "lab"})
    nip = cp.create_network_insights_path(source=instance.id, destination=instance.id, protocol="tcp",
                                          destination_port=22,
                                          filter_at_source={"source_address": "10.0.1.9"})
    cp.start_network_insights_analysis(network_insights_path_id=nip.id)
    header = {"destination_ports": ["22"], "protocols": ["tcp"]}
    eni_type = {"resource_types": ["AWS::EC2::NetworkInterface"]}
    nis = cp.create_network_insights_access_scope(
        match_paths=[{"source": {"resource_statement": {"resources": [vpc.id]},
                                 "packet_header_statement": header},
                      "destination": {"resource_statement": eni_type}}],
        exclude_paths=[{"through_resources": [{"resource_statement": {
            "resource_types": ["AWS::EC2::VPCPeeringConnection"]}}]}],
    )
    cp.start_network_insights_access_scope_analysis(network_insights_access_scope_id=nis.id)


def test_every_kind_round_trips() -> None:
    world = World(seed=9)
    build_every_kind(world)
    assert {type(r).KIND for r in world.resources()} == set(KINDS), "a kind is missing from build_every_kind"
    for res in world.resources():
        assert json_round_trip(res) == res


def test_to_json_with_a_memo_is_the_same_resource_and_encodes_each_item_once() -> None:
    """The durable store's encoding (``to_json`` with an ``ElementMemo``): every kind decodes to the
    same resource as through ``to_dict``; an item kept by the next version of its resource (one
    route added to a full table) is not encoded again; a memo past its limit starts afresh."""
    world = World(seed=9)
    build_every_kind(world)
    memo = ElementMemo()
    for res in world.resources():
        for text in (to_json(res), to_json(res, memo), to_json(res, memo)):
            assert from_dict(json.loads(text)) == res
            assert json.loads(text) == to_dict(res)
    routes = tuple(Route(destination_cidr_block=f"10.{i}.0.0/16", gateway_id="igw-1") for i in range(50))
    rtb = RouteTable(id="rtb-1", owner_id=A, region="us-east-1", vpc_id="vpc-1", routes=routes)
    small = ElementMemo(limit=60)
    to_json(rtb, small)
    assert len(small) == 50
    default = Route(destination_cidr_block="0.0.0.0/0", gateway_id="igw-1")
    more = dataclasses.replace(rtb, routes=(*routes, default))
    assert from_dict(json.loads(to_json(more, small))) == more and len(small) == 51
    other = tuple(Route(destination_cidr_block=f"10.{i}.1.0/24", gateway_id="igw-2") for i in range(20))
    bigger = dataclasses.replace(rtb, routes=other)
    assert from_dict(json.loads(to_json(bigger, small))) == bigger and len(small) <= 60
