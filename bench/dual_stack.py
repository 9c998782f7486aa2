"""Make a generated network dual-stack, in the shapes AWS makes (issue 9's benchmark and tests).

``dual_stack(world)`` gives every VPC an Amazon-provided /56, every subnet a /64 of it, every
interface (and instance) an IPv6 address, and then mirrors the IPv4 design in IPv6, the way a
dual-stack infrastructure-as-code module does:

- every route table gets the VPC's IPv6 local route and ``::/0`` → the VPC's egress-only internet
  gateway (one per VPC, AWS "Enable outbound IPv6 traffic using an egress-only internet gateway");
  a route to a peering connection or a transit gateway for a 10.0.0.0/8 block gets its IPv6 twin;
- transit gateway route tables get a static IPv6 route to each VPC attachment they propagate (the
  generator predates ``Ipv6Support``) and the twins of their static routes;
- network ACLs: the default ACL gets AWS's IPv6 entries (rule 101 allow ``::/0`` each way, the
  ``*`` deny, rule number 32768); a custom ACL gets the IPv6 twin of each 10.0.0.0/8 or 0.0.0.0/0
  entry (rule number + 1, the numbers are shared by both families);
- security groups: the twin of each 10.0.0.0/8 or 0.0.0.0/0 CIDR rule (the ``::/0`` egress rule AWS
  adds to a group in a VPC with an IPv6 block included).

The IPv6 layout embeds the IPv4 one, so a twin block covers exactly the twin addresses: 10.0.0.0/8's
bits after the first octet go to IPv6 bits 43–55 (VPC, a /21 → a /56) and 61–63 (subnet, a /24 → a
/64); the host byte goes to the last bits. The pool is 2600:1f18::/43 (an AWS us-east-1 range).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from ipaddress import IPv6Address, IPv6Network
from socket import AF_INET6, inet_ntop

from vpclab.model.gateways import EgressOnlyInternetGateway
from vpclab.model.interfaces import Instance, NetworkInterface
from vpclab.model.network_acl import NetworkAcl, NetworkAclEntry
from vpclab.model.route_table import ORIGIN_LOCAL, Route, RouteTable
from vpclab.model.security_group import SecurityGroup, SecurityGroupRule
from vpclab.model.subnet import Subnet, SubnetIpv6CidrBlockAssociation
from vpclab.model.transit_gateway import (
    TransitGatewayAttachment,
    TransitGatewayRoute,
    TransitGatewayRouteTable,
)
from vpclab.model.vpc import Vpc, VpcIpv6CidrBlockAssociation
from vpclab.model.world import World

#: the IPv6 pool the twins live in (a /43: 13 VPC bits up to the /56)
POOL = IPv6Network("2600:1f18::/43")
#: the IPv6 twin of AWS's final network ACL entry
IPV6_FINAL_RULE = 32768


@cache
def twin(cidr: str) -> str | None:
    """The IPv6 twin of an IPv4 block: ``0.0.0.0/0`` → ``::/0``; a block inside 10.0.0.0/8 → its
    embedded block; anything else (on-premises ranges) has none.

    >>> twin("10.0.0.0/21"), twin("10.0.8.0/24"), twin("0.0.0.0/0"), twin("192.168.0.0/16")
    ('2600:1f18::/56', '2600:1f18:0:100::/64', '::/0', None)
    """
    addr, _, bits = cidr.partition("/")
    p = int(bits) if bits else 32
    if p == 0:
        return "::/0"
    octets = [int(x) for x in addr.split(".")]
    if octets[0] != 10 or p < 8:
        return None
    rest = (octets[1] << 16 | octets[2] << 8 | octets[3]) & ~((1 << (32 - p)) - 1) & 0xFFFFFF
    vpc, subnet, host = rest >> 11, (rest >> 8) & 7, rest & 0xFF
    value = int(POOL.network_address) | vpc << 72 | subnet << 64 | host
    # VPC bits: a /21 → a /56; subnet bits end at /64 (a /24 → a /64); host bits end at /128
    plen = 35 + p if p <= 21 else 40 + p if p <= 24 else 96 + p
    # inet_ntop (C) writes the same compressed form as ipaddress (RFC 5952), ten times faster
    return f"{inet_ntop(AF_INET6, value.to_bytes(16, 'big'))}/{plen}"


def twin_ip(ip: str) -> str:
    """The IPv6 twin of an address in 10.0.0.0/8."""
    block = twin(f"{ip}/32")
    assert block is not None, ip
    return block[:-4]  # "/128"


def dual_stack(world: World) -> World:
    """Give ``world`` (a generated, 10.0.0.0/8 network) its IPv6 twin, in place; returns it."""
    new = world.ids.new
    with world.transaction():
        eigws: dict[str, str] = {}
        for vpc in list(world.all(Vpc)):
            block = twin(vpc.cidr_block)
            assert block is not None
            world.put(
                replace(
                    vpc,
                    ipv6_cidr_block_associations=(
                        VpcIpv6CidrBlockAssociation(
                            association_id=new("vpc_cidr_block_association"),
                            ipv6_cidr_block=block,
                            network_border_group=vpc.region,
                        ),
                    ),
                )
            )
            eigw = world.put(
                EgressOnlyInternetGateway(
                    id=new("egress_only_internet_gateway"),
                    owner_id=vpc.owner_id,
                    region=vpc.region,
                    vpc_id=vpc.id,
                )
            )
            eigws[vpc.id] = eigw.id
        for subnet in list(world.all(Subnet)):
            block = twin(subnet.cidr_block)
            world.put(
                replace(
                    subnet,
                    ipv6_cidr_block_associations=(
                        SubnetIpv6CidrBlockAssociation(
                            association_id="subnet-cidr-assoc-" + subnet.id.removeprefix("subnet-"),
                            ipv6_cidr_block=block or "",
                        ),
                    ),
                )
            )
        for eni in list(world.all(NetworkInterface)):
            v6 = twin_ip(eni.private_ip_address)
            world.put(replace(eni, ipv6_addresses=(v6,)))
            if eni.instance_id:
                inst = world.get(eni.instance_id, Instance)
                if inst is not None and eni.device_index in (0, None):
                    world.put(replace(inst, ipv6_address=v6))
        for rt in list(world.all(RouteTable)):
            vpc6 = world.get(rt.vpc_id, Vpc)
            extra: list[Route] = [
                Route(destination_ipv6_cidr_block=b, gateway_id="local", origin=ORIGIN_LOCAL)
                for b in (vpc6.ipv6_cidr_blocks if vpc6 is not None else ())
            ]
            for r in rt.routes:
                if r.origin == ORIGIN_LOCAL or not r.destination_cidr_block:
                    continue
                if not (r.vpc_peering_connection_id or r.transit_gateway_id):
                    continue
                b6 = twin(r.destination_cidr_block)
                if b6 is not None:
                    extra.append(replace(r, destination_cidr_block=None, destination_ipv6_cidr_block=b6))
            extra.append(
                Route(destination_ipv6_cidr_block="::/0", egress_only_internet_gateway_id=eigws[rt.vpc_id])
            )
            world.put(replace(rt, routes=rt.routes + tuple(extra)))
        for trt in list(world.all(TransitGatewayRouteTable)):
            statics = []
            for r in trt.routes:
                b6 = twin(r.destination_cidr_block or "192.0.2.0/24")
                if b6 is not None and b6 != "::/0":
                    statics.append(replace(r, destination_cidr_block=b6))
            for att_id in trt.propagations:
                att = world.get(att_id, TransitGatewayAttachment)
                v = (
                    world.get(att.resource_id, Vpc)
                    if att is not None and att.resource_type == "vpc"
                    else None
                )
                if v is not None and v.ipv6_cidr_blocks:
                    statics.append(
                        TransitGatewayRoute(
                            destination_cidr_block=v.ipv6_cidr_blocks[0],
                            transit_gateway_attachment_ids=(att_id,),
                        )
                    )
            world.put(replace(trt, routes=trt.routes + tuple(statics)))
        for acl in list(world.all(NetworkAcl)):
            world.put(replace(acl, entries=acl.entries + _acl_twins(acl)))
        for sg in list(world.all(SecurityGroup)):
            world.put(
                replace(
                    sg,
                    ingress=sg.ingress + _rule_twins(world, sg.ingress),
                    egress=sg.egress + _rule_twins(world, sg.egress),
                )
            )
    return world


#: AWS's default ACL entries for IPv6, in a VPC with an IPv6 block: 101 allow ::/0, * deny ::/0
DEFAULT_ACL_ENTRIES6 = tuple(
    NetworkAclEntry(rule_number=n, egress=egress, protocol="-1", rule_action=act, ipv6_cidr_block="::/0")
    for egress in (False, True)
    for n, act in ((101, "allow"), (IPV6_FINAL_RULE, "deny"))
)


def entry_twins(entries: tuple[NetworkAclEntry, ...]) -> tuple[NetworkAclEntry, ...]:
    """The IPv6 twins of a custom ACL's IPv4 entries (rule number + 1; the final deny's is 32768)."""
    out = []
    for e in entries:
        b6 = twin(e.cidr_block) if e.cidr_block else None
        if b6 is not None:
            number = IPV6_FINAL_RULE if e.is_final else e.rule_number + 1
            out.append(replace(e, rule_number=number, cidr_block=None, ipv6_cidr_block=b6))
    return tuple(out)


def _acl_twins(acl: NetworkAcl) -> tuple[NetworkAclEntry, ...]:
    if acl.is_default:  # AWS's default ACL in a VPC with an IPv6 block: 101 allow ::/0, * deny ::/0
        return tuple(
            NetworkAclEntry(
                rule_number=n, egress=egress, protocol="-1", rule_action=act, ipv6_cidr_block="::/0"
            )
            for egress in (False, True)
            for n, act in ((101, "allow"), (IPV6_FINAL_RULE, "deny"))
        )
    out = []
    for e in acl.entries:
        if e.cidr_block is None:
            continue
        b6 = twin(e.cidr_block)
        if b6 is None:
            continue
        number = IPV6_FINAL_RULE if e.is_final else e.rule_number + 1
        out.append(replace(e, rule_number=number, cidr_block=None, ipv6_cidr_block=b6))
    return tuple(out)


def _rule_twins(world: World, rules: tuple[SecurityGroupRule, ...]) -> tuple[SecurityGroupRule, ...]:
    out = []
    for r in rules:
        b6 = twin(r.cidr_ipv4) if r.cidr_ipv4 else None
        if b6 is not None:
            out.append(
                replace(
                    r,
                    security_group_rule_id=world.ids.new("security_group_rule"),
                    cidr_ipv4=None,
                    cidr_ipv6=b6,
                )
            )
    return tuple(out)


def first_ipv6(subnet: Subnet) -> str:
    """The first usable IPv6 address of a subnet's /64 (AWS reserves the first four)."""
    net = subnet.ipv6_network
    assert net is not None
    return str(IPv6Address(int(net.network_address) + 4))
