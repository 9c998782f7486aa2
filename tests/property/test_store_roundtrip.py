"""Property: every resource a ControlPlane builds survives serialization and the SQLite store exactly.

Random small networks are built through the ControlPlane by two accounts — VPCs and CIDR blocks,
subnets, route tables and routes, internet and NAT gateways, Elastic IPs, security groups and
rules, network ACLs and entries, peering, transit gateways with attachments, route tables and
routes, gateway and interface endpoints, VPN gateways and connections, prefix lists, interfaces,
instances, tags. Many steps are invalid and are refused (that is fine). Then every resource must
come back equal from ``from_dict(json(to_dict(r)))``, and the whole World from a store.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vpclab import AwsError, ControlPlane, World
from vpclab.aws.store import SqliteStore
from vpclab.model.gateways import Address, InternetGateway
from vpclab.model.images import image_named
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.load_balancer import LoadBalancer, TargetGroup
from vpclab.model.network_acl import NetworkAcl
from vpclab.model.peering import VpcPeeringConnection
from vpclab.model.route_table import RouteTable
from vpclab.model.security_group import SecurityGroup
from vpclab.model.serialize import from_dict, to_dict
from vpclab.model.subnet import Subnet
from vpclab.model.transit_gateway import TransitGateway, TransitGatewayAttachment, TransitGatewayRouteTable
from vpclab.model.vpc import Vpc
from vpclab.model.vpn import CustomerGateway, VpnConnection, VpnGateway

B = "222222222222"
AZS = ("us-east-1a", "us-east-1b")


def pick(world: World, kind: type, n: int) -> Any:
    items = list(world.all(kind))
    return items[n % len(items)] if items else None


Step = Callable[[World, ControlPlane, int, int], object]


def _ids(world: World, kind: type, n: int) -> str:
    res = pick(world, kind, n)
    return res.id if res is not None else "vpc-00000000000000000"


def _in_vpc(world: World, kind: type, n: int) -> list[str]:
    """Ids of this kind in the n-th VPC."""
    vpc = pick(world, Vpc, n)
    return [r.id for r in world.all(kind) if vpc is not None and r.vpc_id == vpc.id]


def _arn(world: World, kind: type, n: int) -> str:
    res = pick(world, kind, n)
    return res.arn if res is not None else "arn:aws:elasticloadbalancing:us-east-1:111111111111:none"


STEPS: dict[str, Step] = {
    "vpc": lambda w, cp, i, j: cp.create_vpc(cidr_block=f"10.{i % 8}.0.0/16", tags={"Name": f"v{j}"}),
    "vpc_cidr": lambda w, cp, i, j: cp.associate_vpc_cidr_block(vpc_id=_ids(w, Vpc, i),
                                                               cidr_block=f"10.{8 + j % 8}.0.0/16"),
    "subnet": lambda w, cp, i, j: cp.create_subnet(
        vpc_id=_ids(w, Vpc, i), availability_zone=AZS[j % 2],
        cidr_block=pick(w, Vpc, i).cidr_block.replace(".0.0/16", f".{j % 16}.0/24") if pick(w, Vpc, i)
        else "10.0.0.0/24"),
    "route_table": lambda w, cp, i, j: cp.create_route_table(vpc_id=_ids(w, Vpc, i)),
    "associate": lambda w, cp, i, j: cp.associate_route_table(route_table_id=_ids(w, RouteTable, i),
                                                              subnet_id=_ids(w, Subnet, j)),
    "igw": lambda w, cp, i, j: cp.attach_internet_gateway(internet_gateway_id=cp.create_internet_gateway().id,
                                                          vpc_id=_ids(w, Vpc, i)),
    "route_igw": lambda w, cp, i, j: cp.create_route(route_table_id=_ids(w, RouteTable, i),
                                                     destination_cidr_block="0.0.0.0/0",
                                                     gateway_id=_ids(w, InternetGateway, j)),
    "eip": lambda w, cp, i, j: cp.allocate_address(tags={"k": str(i)}),
    "nat": lambda w, cp, i, j: cp.create_nat_gateway(subnet_id=_ids(w, Subnet, i),
                                                     allocation_id=_ids(w, Address, j)),
    "sg": lambda w, cp, i, j: cp.create_security_group(group_name=f"g{i}-{j}", description="d",
                                                       vpc_id=_ids(w, Vpc, i)),
    "sg_rule": lambda w, cp, i, j: cp.authorize_security_group_ingress(
        group_id=_ids(w, SecurityGroup, i),
        ip_permissions=[{"ip_protocol": "tcp", "from_port": 20 + j, "to_port": 80 + j,
                         "ip_ranges": [{"cidr_ip": f"10.{j % 8}.0.0/16", "description": "x"}]}]),
    "acl": lambda w, cp, i, j: cp.create_network_acl(vpc_id=_ids(w, Vpc, i)),
    "acl_entry": lambda w, cp, i, j: cp.create_network_acl_entry(
        network_acl_id=_ids(w, NetworkAcl, i), rule_number=10 + j, protocol="6", rule_action="deny",
        egress=bool(j % 2), cidr_block="0.0.0.0/0", port_range={"from": 22, "to": 22}),
    "peer": lambda w, cp, i, j: cp.create_vpc_peering_connection(
        vpc_id=_ids(w, Vpc, i), peer_vpc_id=_ids(w, Vpc, j),
        peer_owner_id=pick(w, Vpc, j).owner_id if pick(w, Vpc, j) else None),
    "peer_accept": lambda w, cp, i, j: cp.accept_vpc_peering_connection(
        vpc_peering_connection_id=_ids(w, VpcPeeringConnection, i)),
    "tgw": lambda w, cp, i, j: cp.create_transit_gateway(description=f"t{i}",
                                                         options={"amazon_side_asn": 64512 + j}),
    "tgw_attach": lambda w, cp, i, j: cp.create_transit_gateway_vpc_attachment(
        transit_gateway_id=_ids(w, TransitGateway, i), vpc_id=_ids(w, Vpc, j), subnet_ids=[
            s.id for s in w.all(Subnet) if pick(w, Vpc, j) and s.vpc_id == pick(w, Vpc, j).id][:1]),
    "tgw_rtb": lambda w, cp, i, j: cp.create_transit_gateway_route_table(
        transit_gateway_id=_ids(w, TransitGateway, i)),
    "tgw_route": lambda w, cp, i, j: cp.create_transit_gateway_route(
        destination_cidr_block=f"172.{16 + j % 8}.0.0/16",
        transit_gateway_route_table_id=_ids(w, TransitGatewayRouteTable, i),
        blackhole=not j % 2, **({} if not j % 2 else {
            "transit_gateway_attachment_id": _ids(w, TransitGatewayAttachment, i)})),
    "gw_endpoint": lambda w, cp, i, j: cp.create_vpc_endpoint(
        vpc_id=_ids(w, Vpc, i), service_name="com.amazonaws.us-east-1.s3",
        route_table_ids=_in_vpc(w, RouteTable, i)[:2]),
    "if_endpoint": lambda w, cp, i, j: cp.create_vpc_endpoint(
        vpc_id=_ids(w, Vpc, i), service_name="com.amazonaws.us-east-1.ssm", vpc_endpoint_type="Interface",
        private_dns_enabled=False, subnet_ids=_in_vpc(w, Subnet, i)[:1]),
    "cgw": lambda w, cp, i, j: cp.create_customer_gateway(
        bgp_asn=65000 + i, ip_address=f"203.0.113.{j % 250 + 1}",
        tags={"vpclab:on-premises-cidrs": "192.168.0.0/16"}),
    "vgw": lambda w, cp, i, j: cp.attach_vpn_gateway(vpn_gateway_id=cp.create_vpn_gateway().id,
                                                     vpc_id=_ids(w, Vpc, i)),
    "vpn": lambda w, cp, i, j: cp.create_vpn_connection_route(
        vpn_connection_id=cp.create_vpn_connection(
            customer_gateway_id=_ids(w, CustomerGateway, i),
            **({"vpn_gateway_id": _ids(w, VpnGateway, j)} if j % 2
               else {"transit_gateway_id": _ids(w, TransitGateway, j)}),
            options={"static_routes_only": True}).id,
        destination_cidr_block=f"192.168.{i}.0/24"),
    "vpn_route": lambda w, cp, i, j: cp.create_vpn_connection_route(
        vpn_connection_id=_ids(w, VpnConnection, i), destination_cidr_block=f"192.168.{j % 200}.0/24"),
    "propagate": lambda w, cp, i, j: cp.enable_vgw_route_propagation(gateway_id=_ids(w, VpnGateway, i),
                                                                     route_table_id=_ids(w, RouteTable, j)),
    "prefix_list": lambda w, cp, i, j: cp.create_managed_prefix_list(
        prefix_list_name=f"pl{i}-{j}", max_entries=5, address_family="IPv4",
        entries=[{"cidr": f"10.{j % 8}.0.0/16", "description": "d"}]),
    "eni": lambda w, cp, i, j: cp.create_network_interface(subnet_id=_ids(w, Subnet, i), description=f"e{j}",
                                                           secondary_private_ip_address_count=j % 3),
    "instance": lambda w, cp, i, j: cp.run_instances(image_id=image_named("us-east-1", "al2023").image_id,
                                                     instance_type="t3.micro", subnet_id=_ids(w, Subnet, i)),
    "tag": lambda w, cp, i, j: cp.create_tags(resources=[_ids(w, NetworkInterface if j % 2 else Vpc, i)],
                                              tags={f"t{j}": "ü ✓"}),
    "nlb": lambda w, cp, i, j: cp.create_load_balancer(name=f"nlb{i}-{j}", subnets=[_ids(w, Subnet, i)]),
    "target_group": lambda w, cp, i, j: cp.register_targets(
        target_group_arn=cp.create_target_group(name=f"tg{i}-{j}", protocol="TCP", port=80,
                                                vpc_id=_ids(w, Vpc, i), target_type="ip").arn,
        targets=[{"id": f"10.{i % 8}.0.{j + 4}", "port": 8080}]),
    "listener": lambda w, cp, i, j: cp.create_listener(
        load_balancer_arn=_arn(w, LoadBalancer, i), protocol="TCP", port=443,
        default_actions=[{"type": "forward", "target_group_arn": _arn(w, TargetGroup, j)}]),
    "endpoint_service": lambda w, cp, i, j: cp.create_vpc_endpoint_service_configuration(
        network_load_balancer_arns=[_arn(w, LoadBalancer, i)], acceptance_required=bool(j % 2)),
    "share": lambda w, cp, i, j: cp.create_resource_share(
        name=f"rs{i}", resource_arns=[f"arn:aws:ec2:us-east-1:{cp.account_id}:subnet/{_ids(w, Subnet, i)}"],
        principals=[B if cp.account_id != B else "111111111111"]),
    "delete_subnet": lambda w, cp, i, j: cp.delete_subnet(subnet_id=_ids(w, Subnet, i)),
}

steps = st.lists(st.tuples(st.sampled_from(sorted(STEPS)), st.integers(0, 40), st.integers(0, 40),
                           st.booleans()), min_size=1, max_size=35)


@given(steps)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_resource_round_trips(sequence: list[tuple[str, int, int, bool]]) -> None:
    world = World(seed=3)
    a = ControlPlane(world)
    b = a.as_(account_id=B)
    base = a.create_vpc(cidr_block="10.100.0.0/16")
    a.create_subnet(vpc_id=base.id, cidr_block="10.100.1.0/24", availability_zone=AZS[0])
    for name, i, j, other in sequence:
        with contextlib.suppress(AwsError):  # an invalid step is refused; that is fine
            STEPS[name](world, b if other else a, i, j)
    for res in world.resources():
        data = json.loads(json.dumps(to_dict(res)))
        assert from_dict(data) == res

    with tempfile.TemporaryDirectory() as tmp:  # a real file: `:memory:` state keeps no journal
        store = SqliteStore.open(Path(tmp) / "state.sqlite3")
        store.attach(world)
        restored = store.load(World)
        store.close()
    assert [to_dict(r) for r in restored.resources()] == [to_dict(r) for r in world.resources()]
    assert restored.version == world.version
