"""Dual-stack versions of the example designs, built by putting the IPv6 model fields straight into
a loaded World (the reachability engine's tests do not wait for the IPv6 control-plane actions):
each VPC gets a /56, each subnet a /64, each interface an address, each route table the IPv6 local
route, each default NACL AWS's IPv6 entries (rule 101 allow ``::/0``, the ``*`` deny numbered 32768)
and each security group the ``::/0`` egress rule AWS adds in a VPC with an IPv6 block."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from vpclab.model.gateways import EgressOnlyInternetGateway
from vpclab.model.interfaces import Instance, NetworkInterface
from vpclab.model.network_acl import NetworkAcl, NetworkAclEntry
from vpclab.model.route_table import ORIGIN_LOCAL, Route, RouteTable
from vpclab.model.security_group import SecurityGroup, SecurityGroupRule
from vpclab.model.subnet import Subnet, SubnetIpv6CidrBlockAssociation
from vpclab.model.vpc import Vpc, VpcIpv6CidrBlockAssociation
from vpclab.network import Network

#: AWS's number for the IPv6 catch-all entry of a network ACL (shown as ``*``)
IPV6_FINAL_RULE = 32768


def v6_entries() -> tuple[NetworkAclEntry, ...]:
    return tuple(
        NetworkAclEntry(rule_number=n, egress=egress, protocol="-1", rule_action=act, ipv6_cidr_block="::/0")
        for egress in (False, True)
        for n, act in ((101, "allow"), (IPV6_FINAL_RULE, "deny"))
    )


def dual_stack(
    net: Network,
    vpcs: Mapping[str, str],
    subnets: Mapping[str, str],
    interfaces: Mapping[str, str],
) -> Network:
    """Give the named VPCs, subnets and instances (or interfaces) these IPv6 blocks and addresses."""
    w = net.world
    with w.transaction():
        for name, block in vpcs.items():
            vpc = w.get(net.id(name), Vpc)
            assert vpc is not None
            assoc = VpcIpv6CidrBlockAssociation(
                association_id=f"vpc-cidr-assoc-6{vpc.id[4:]}",
                ipv6_cidr_block=block,
                network_border_group=vpc.region,
            )
            w.put(replace(vpc, ipv6_cidr_block_associations=(assoc,)))
            for rt in list(w.in_vpc(vpc.id, RouteTable)):
                local = Route(destination_ipv6_cidr_block=block, gateway_id="local", origin=ORIGIN_LOCAL)
                w.put(replace(rt, routes=(*rt.routes, local)))
            for acl in list(w.in_vpc(vpc.id, NetworkAcl)):
                if acl.is_default:
                    w.put(replace(acl, entries=acl.entries + v6_entries()))
            for sg in list(w.in_vpc(vpc.id, SecurityGroup)):
                rule = SecurityGroupRule(
                    security_group_rule_id=f"sgr-6{sg.id[3:]}",
                    group_id=sg.id,
                    is_egress=True,
                    ip_protocol="-1",
                    cidr_ipv6="::/0",
                )
                w.put(replace(sg, egress=(*sg.egress, rule)))
        for name, block in subnets.items():
            sub = w.get(net.id(name), Subnet)
            assert sub is not None
            assoc6 = SubnetIpv6CidrBlockAssociation(
                association_id=f"subnet-cidr-assoc-{sub.id[7:]}", ipv6_cidr_block=block
            )
            w.put(replace(sub, ipv6_cidr_block_associations=(assoc6,)))
        for name, address in interfaces.items():
            res = w.get(net.id(name))
            if isinstance(res, Instance):
                w.put(replace(res, ipv6_address=address))
                eni = w.get(res.network_interface_ids[0], NetworkInterface)
            else:
                eni = res  # type: ignore[assignment]
            assert isinstance(eni, NetworkInterface)
            w.put(replace(eni, ipv6_addresses=(address,)))
    return net


def add_route(net: Network, table: str, route: Route) -> None:
    rt = net.world.get(net.id(table), RouteTable)
    assert rt is not None
    net.world.put(replace(rt, routes=(*rt.routes, route)))


def drop_route(net: Network, table: str, destination: str) -> None:
    rt = net.world.get(net.id(table), RouteTable)
    assert rt is not None
    net.world.put(replace(rt, routes=tuple(r for r in rt.routes if r.destination != destination)))


def egress_only_gateway(net: Network, vpc: str) -> str:
    v = net.world.get(net.id(vpc), Vpc)
    assert v is not None
    eigw = EgressOnlyInternetGateway(
        id=net.world.ids.new("egress_only_internet_gateway"),
        owner_id=v.owner_id,
        region=v.region,
        vpc_id=v.id,
    )
    net.world.put(eigw)
    return eigw.id


#: the two-peered-vpcs example's IPv6 twin
APP6, DB6 = "2600:1f18:a:100::/56", "2600:1f18:b:100::/56"
WEB6, DB1_6 = "2600:1f18:a:101::10", "2600:1f18:b:101::10"


def two_peered_dual_stack() -> Network:
    """examples/two-peered-vpcs.yaml, dual-stack: the app VPC routes ``::/0`` to its internet gateway,
    both sides route the other's /56 over the peering, db-sg lets PostgreSQL in from the app /56 and
    web-sg HTTPS from ``::/0``."""
    from .helpers import example

    net = dual_stack(
        example("two-peered-vpcs"),
        {"app": APP6, "db": DB6},
        {
            "app-web": "2600:1f18:a:101::/64",
            "app-private": "2600:1f18:a:102::/64",
            "db-data": "2600:1f18:b:101::/64",
        },
        {"web-1": WEB6, "db-1": DB1_6},
    )
    pcx = net.id("app-db")
    igw = next(
        r.gateway_id
        for r in net.world.get(net.id("app-public"), RouteTable).routes
        if r.gateway_id != "local"
    )  # type: ignore[union-attr]
    add_route(net, "app-public", Route(destination_ipv6_cidr_block="::/0", gateway_id=igw))
    add_route(net, "app-public", Route(destination_ipv6_cidr_block=DB6, vpc_peering_connection_id=pcx))
    add_route(net, "app-internal", Route(destination_ipv6_cidr_block=DB6, vpc_peering_connection_id=pcx))
    add_route(net, "db-rt", Route(destination_ipv6_cidr_block=APP6, vpc_peering_connection_id=pcx))
    w = net.world
    for name, rule in (
        ("db-sg", dict(ip_protocol="tcp", from_port=5432, to_port=5432, cidr_ipv6=APP6)),
        ("web-sg", dict(ip_protocol="tcp", from_port=443, to_port=443, cidr_ipv6="::/0")),
    ):
        sg = w.get(net.id(name), SecurityGroup)
        assert sg is not None
        r = SecurityGroupRule(
            security_group_rule_id=f"sgr-7{sg.id[3:]}", group_id=sg.id, is_egress=False, **rule
        )  # type: ignore[arg-type]
        w.put(replace(sg, ingress=(*sg.ingress, r)))
    return net
