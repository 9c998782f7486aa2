"""Filters along a path: security groups (stateful) and network ACLs (stateless).

Each check returns what decided (the rule that allowed, or None) so the tracer can name it in a hop
and, when nothing allowed, in an explanation with a fix.

AWS docs: "Control traffic to your AWS resources using security groups" and "Control subnet
traffic with network access control lists" (Amazon VPC User Guide).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..core.protocols import Protocol
from ..model.interfaces import NetworkInterface
from ..model.network_acl import ACL_FINAL_RULE, ACL_FINAL_RULE_LABEL, NetworkAcl, acl_decision
from ..model.peering import active_peering_between
from ..model.prefix_lists import prefix_list_cidrs
from ..model.security_group import SecurityGroup, SecurityGroupRule, sg_rule_matches
from ..model.world import World
from .forwarding import canonical_ip, in_cidr
from .result import PacketHeader, icmp_code


def describe_traffic(protocol: str, port: int | None) -> str:
    """``"tcp 5432"``, ``"udp 53"``, ``"icmp"``, ``"icmpv6 type 128"``, ``"all traffic"``."""
    if protocol == "-1":
        return "all traffic"
    if protocol == "icmpv6":  # an IPv6 network ACL entry for ICMPv6 names its type (CreateNetworkAclEntry)
        return protocol if port is None else f"{protocol} type {port}"
    return protocol if port is None or protocol == "icmp" else f"{protocol} {port}"


def rule_text(rule: SecurityGroupRule) -> str:
    proto = "all traffic" if rule.ip_protocol == "-1" else rule.ip_protocol
    ports = ""
    if Protocol(rule.ip_protocol).has_ports:
        ports = (
            f" {rule.from_port}" if rule.from_port == rule.to_port else f" {rule.from_port}-{rule.to_port}"
        )
    elif rule.ip_protocol == "icmpv6" and rule.from_port != -1:
        ports = f" type {rule.from_port}" + (f" code {rule.to_port}" if rule.to_port != -1 else "")
    way = "to" if rule.is_egress else "from"
    return f"{proto}{ports} {way} {rule.peer}"


def acl_rule_label(number: int) -> str:
    return ACL_FINAL_RULE_LABEL if number >= ACL_FINAL_RULE else str(number)  # 32768: the IPv6 catch-all


def _groups(world: World, eni: NetworkInterface) -> Iterator[SecurityGroup]:
    for gid in eni.groups:
        sg = world.get(gid, SecurityGroup)
        if sg is not None:
            yield sg


def _peer_matches(
    world: World, rule: SecurityGroupRule, ip: str, eni: NetworkInterface, other: NetworkInterface | None
) -> bool:
    if rule.cidr_ipv4 is not None:
        return in_cidr(ip, rule.cidr_ipv4)  # False for an IPv6 packet: a rule matches its own family
    if rule.cidr_ipv6 is not None:
        return in_cidr(ip, rule.cidr_ipv6)
    if rule.prefix_list_id is not None:
        return any(in_cidr(ip, c) for c in prefix_list_cidrs(world, rule.prefix_list_id))
    if (
        rule.referenced_group_id is not None
        and other is not None
        and rule.referenced_group_id in other.groups
    ):
        if (
            other.private_ip_address != ip
            and ip not in other.private_ip_addresses
            and not _holds_v6(other, ip)
        ):
            return False  # translated on the way (NAT): the group's members are not the sender
        if other.vpc_id == eni.vpc_id:
            return True
        # AWS: a rule may reference a group of a peered VPC in the same Region
        # ("Update your security groups to reference peer security groups", VPC Peering guide)
        return (
            other.region == eni.region and active_peering_between(world, eni.vpc_id, other.vpc_id) is not None
        )
    return False


def _holds_v6(eni: NetworkInterface, ip: str) -> bool:
    return ":" in ip and canonical_ip(ip) in {canonical_ip(a) for a in eni.ipv6_addresses}


def sg_allows(
    world: World, eni: NetworkInterface, packet: PacketHeader, *, egress: bool, other: NetworkInterface | None
) -> tuple[SecurityGroup, SecurityGroupRule] | None:
    """The (group, rule) of ``eni`` that admits ``packet`` (outbound when ``egress``), or None.

    ``other`` is the interface at the far end (the destination for egress, the sender for
    ingress) when known, for rules that reference a security group.
    """
    ip = packet.dst_ip if egress else packet.src_ip
    code = icmp_code(packet.protocol, packet.dst_port)
    for sg in _groups(world, eni):
        for rule in sg.rules(egress):
            if sg_rule_matches(rule, packet.protocol, packet.dst_port, code) and _peer_matches(
                world, rule, ip, eni, other
            ):
                return sg, rule
    return None


def acl_verdict(acl: NetworkAcl, packet: PacketHeader, *, egress: bool) -> tuple[str, int]:
    """(``allow``/``deny``, rule number) for ``packet`` crossing ``acl`` in one direction. NACL rules
    match the packet's destination port, and the source address inbound / destination outbound."""
    ip = packet.dst_ip if egress else packet.src_ip
    code = icmp_code(packet.protocol, packet.dst_port)
    return acl_decision(acl, egress, packet.protocol, packet.dst_port, ip, code)
