"""The pieces of AWS's Reachability Analyzer answer that do not depend on a trace's order: a
component by id, packet headers, the route and rule a component carries, and the reshaping of a
component list into the order AWS's documented example output shows (``network.insights`` builds
the answer with them).

AWS docs: the EC2 API reference (PathComponent, AnalysisPacketHeader, Explanation), "Getting started
with Reachability Analyzer using the AWS CLI" (example output) and "How Reachability Analyzer
works" (Considerations).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.protocols import Protocol
from ..model.base import Resource, kind_of_id
from ..model.insights import (
    AnalysisAclRule,
    AnalysisComponent,
    AnalysisPacketHeader,
    AnalysisRouteTableRoute,
    AnalysisSecurityGroupRule,
    PathComponent,
    PortRange,
    TransitGatewayRouteTableRoute,
    ec2_arn,
)
from ..model.network_acl import ACL_FINAL_RULE, NetworkAcl
from ..model.security_group import SecurityGroupRule
from ..model.transit_gateway import TransitGatewayAttachment
from ..model.world import World
from ..reach import Hop, PacketHeader


def component(world: World, rid: str) -> AnalysisComponent:
    """AWS's ``AnalysisComponent`` for an id: its ARN and Name tag when it is a modelled resource."""
    kind = kind_of_id(rid)
    res = world.get(rid, kind) if kind is not None else None
    own_arn = getattr(world.get(rid), "arn", None)
    if isinstance(own_arn, str) and own_arn.startswith("arn:aws:directconnect:"):
        # Direct Connect gateways and virtual interfaces (vpclab's hops past the transit gateway
        # attachment, where Reachability Analyzer stops): their own Direct Connect ARNs
        found = world.get(rid)
        return AnalysisComponent(id=rid, arn=own_arn, name=found.name if found is not None else None)
    if isinstance(own_arn, str) and own_arn.startswith("arn:aws:elasticloadbalancing:"):
        # load balancers and target groups: their Elastic Load Balancing ARNs and names, as AWS's
        # findings and paths name them (AWS documents no Id for them; vpclab keeps its own)
        found = world.get(rid)
        label = getattr(found, "load_balancer_name", None) or getattr(found, "target_group_name", None)
        return AnalysisComponent(id=rid, arn=own_arn, name=label)
    if res is None or kind is None:
        return AnalysisComponent(id=rid)
    return AnalysisComponent(
        id=rid, arn=ec2_arn(res.region, res.owner_id, kind.ARN_TYPE, rid), name=res.name
    )


def protocol_name(protocol: str) -> str:
    """AWS's protocol names in analysis rules: "tcp", …, "all" (other protocols by number)."""
    return str(Protocol(protocol))


#: every port: what AWS's header says of a port the path leaves open ("By default, the analysis
#: considers all combinations of IP addresses and ports", Getting started)
ALL_PORTS = PortRange(from_=0, to=65535)


def header(
    packet: PacketHeader, any_port: int | None = None, dst_port: int | None = None
) -> AnalysisPacketHeader:
    """AWS's ``AnalysisPacketHeader`` for a traced packet, as the Reachability Analyzer's documented
    output writes it (getting-started-cli, "Example 2: Reachable"): addresses in CIDR notation
    (``10.0.2.87/32``), the protocol by number (``"6"``), and 0–65535 for the port the path leaves
    open — ``any_port``, the source port vpclab's tracer picked when the path names none (on the
    return path it is the destination port; ``dst_port``, the path's own, is never widened)."""

    def ports(port: int | None, keep: int | None = None) -> tuple[PortRange, ...]:
        if port is None:
            return ()
        if any_port is not None and port == any_port and port != keep:
            return (ALL_PORTS,)
        return (PortRange(from_=port, to=port),)

    def cidr(ip: str) -> str:
        return ip if "/" in ip else f"{ip}/{128 if ':' in ip else 32}"

    has_ports = packet.protocol in ("tcp", "udp")
    return AnalysisPacketHeader(
        destination_addresses=(cidr(packet.dst_ip),),
        destination_port_ranges=ports(packet.dst_port, dst_port) if has_ports else (),
        protocol=str(Protocol(packet.protocol).number),
        source_addresses=(cidr(packet.src_ip),),
        source_port_ranges=ports(packet.src_port) if has_ports else (),
    )


def attr(res: Resource | None, name: str) -> str | None:
    value = getattr(res, name, None) if res is not None else None
    return value if isinstance(value, str) else None


def acl_rule(world: World, acl_id: str, label: str, egress: bool) -> AnalysisAclRule | None:
    acl = world.get(acl_id, NetworkAcl)
    number = ACL_FINAL_RULE if label == "*" else int(label)
    entry = (
        next((e for e in acl.entries if e.rule_number == number and e.egress == egress), None)
        if acl
        else None
    )
    if entry is None:
        return AnalysisAclRule(
            egress=egress, rule_number=number, rule_action="deny", cidr="0.0.0.0/0", protocol="all"
        )
    port = None
    if entry.port_from is not None and entry.port_to is not None:
        port = PortRange(from_=entry.port_from, to=entry.port_to)
    return AnalysisAclRule(
        cidr=entry.cidr_block,
        egress=entry.egress,
        port_range=port,
        protocol=protocol_name(entry.protocol),
        rule_action=entry.rule_action,
        rule_number=entry.rule_number,
    )


def sg_rule(rule: SecurityGroupRule) -> AnalysisSecurityGroupRule:
    port = None
    if Protocol(rule.ip_protocol).has_ports:
        port = PortRange(from_=rule.from_port, to=rule.to_port)
    return AnalysisSecurityGroupRule(
        cidr=rule.cidr_ipv4,
        direction="egress" if rule.is_egress else "ingress",
        security_group_id=rule.group_id,
        port_range=port,
        prefix_list_id=rule.prefix_list_id,
        protocol=protocol_name(rule.ip_protocol),
    )


def behind_gwlb_endpoints(hops: Sequence[Hop]) -> set[int]:
    """The hops AWS's answer leaves out: "Paths through a Gateway Load Balancer endpoint do not
    include the Gateway Load Balancer or its targets" ("How Reachability Analyzer works",
    Considerations). The Gateway Load Balancer and target group hops after a Gateway Load Balancer
    endpoint, and the endpoint's second hop (the packet back from the appliances), which would list
    it twice in a row; vpclab's own trace keeps them all (CLI, findings)."""
    skip: set[int] = set()
    for i, hop in enumerate(hops):
        if hop.component != "vpc-endpoint" or "Gateway Load Balancer endpoint" not in hop.detail:
            continue
        j = i + 1
        while j < len(hops) and hops[j].component in ("load-balancer", "target-group"):
            skip.add(j)
            j += 1
        if j > i + 1 and j < len(hops) and hops[j].id == hop.id:
            skip.add(j)
    return skip


def acl_before_route(out: list[PathComponent]) -> list[PathComponent]:
    """Leaving a subnet, AWS lists the subnet's network ACL (its outbound rule) before the route
    table (getting-started-cli, Example 2: sg, acl, rtb, igw); vpclab's tracer looks the route up
    first."""
    out = list(out)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.route_table_route is not None and b.acl_rule is not None and b.acl_rule.egress:
            out[i], out[i + 1] = b, a
    return out


def maybe(world: World, rid: str | None) -> AnalysisComponent | None:
    return component(world, rid) if rid else None


def route_table_route(route: Any, state: str, network: str) -> AnalysisRouteTableRoute:
    return AnalysisRouteTableRoute(
        destination_cidr=route.destination_cidr_block
        or (None if route.destination_prefix_list_id else network),
        destination_prefix_list_id=route.destination_prefix_list_id,
        egress_only_internet_gateway_id=route.egress_only_internet_gateway_id,
        gateway_id=route.gateway_id or route.vpc_endpoint_id,
        instance_id=route.instance_id,
        nat_gateway_id=route.nat_gateway_id,
        network_interface_id=route.network_interface_id,
        origin=route.origin,
        transit_gateway_id=route.transit_gateway_id,
        vpc_peering_connection_id=route.vpc_peering_connection_id,
        state=state,
    )


def tgw_route(world: World, route: Any) -> TransitGatewayRouteTableRoute:
    att_id = route.transit_gateway_attachment_ids[0] if route.transit_gateway_attachment_ids else None
    att = world.get(att_id, TransitGatewayAttachment) if att_id else None
    return TransitGatewayRouteTableRoute(
        destination_cidr=route.destination_cidr_block,
        state=route.state,
        route_origin=route.type,
        prefix_list_id=route.prefix_list_id,
        attachment_id=att_id,
        resource_id=att.resource_id if att is not None else None,
        resource_type=route.resource_type or (att.resource_type if att is not None else None),
    )
