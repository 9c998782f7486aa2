"""The shapes of filter rules as EC2 describes them — a network ACL's entries, a security group's
IpPermissions — in a module of their own, light to import: the EC2 handlers answer with them, and
the snapshot loader compares a snapshot's rules with the ones vpclab made (interop/snapshot_build.py)
without importing every handler."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model.network_acl import NetworkAclEntry
from ..model.peering import VpcPeeringConnection
from ..model.security_group import SecurityGroupRule
from ..model.world import World

Shape = dict[str, Any]


def network_acl_entry(e: NetworkAclEntry) -> Shape:
    out: Shape = {
        # one of the two families (AWS omits the other)
        **({"Ipv6CidrBlock": e.ipv6_cidr_block} if e.ipv6_cidr_block else {"CidrBlock": e.cidr_block}),
        "Egress": e.egress,
        "Protocol": e.protocol,
        "RuleAction": e.rule_action,
        "RuleNumber": e.rule_number,
    }
    if e.port_from is not None:
        out["PortRange"] = {"From": e.port_from, "To": e.port_to}
    if e.icmp_type is not None:
        out["IcmpTypeCode"] = {"Code": e.icmp_code, "Type": e.icmp_type}
    return out


def group_pair(world: World, rule: SecurityGroupRule) -> Shape:
    out: Shape = {"GroupId": rule.referenced_group_id, "UserId": rule.referenced_group_owner_id}
    if rule.referenced_vpc_id:
        out["VpcId"] = rule.referenced_vpc_id
        out["VpcPeeringConnectionId"] = rule.referenced_vpc_peering_connection_id
        out["PeeringStatus"] = peering_status(world, rule)
    if rule.description:
        out["Description"] = rule.description
    return out


def peering_status(world: World, rule: SecurityGroupRule) -> str:
    """The status of the peering connection a peer-VPC reference goes through (``deleted`` once it
    is gone: the rule is then stale)."""
    pcx = world.get(rule.referenced_vpc_peering_connection_id or "", VpcPeeringConnection)
    return pcx.status_code if pcx is not None else "deleted"


def described(key: str, value: str, description: str | None) -> Shape:
    out = {key: value}
    if description:
        out["Description"] = description
    return out


def ip_permissions(world: World, rules: Iterable[SecurityGroupRule]) -> list[Shape]:
    """A direction's rules as AWS lists them: one IpPermission per (protocol, from, to)."""
    perms: dict[tuple[str, int, int], Shape] = {}
    for rule in rules:
        key = (rule.ip_protocol, rule.from_port, rule.to_port)
        perm = perms.get(key)
        if perm is None:
            perm = {"IpProtocol": rule.ip_protocol}
            if rule.ip_protocol != "-1":
                perm.update(FromPort=rule.from_port, ToPort=rule.to_port)
            perm.update(IpRanges=[], Ipv6Ranges=[], PrefixListIds=[], UserIdGroupPairs=[])
            perms[key] = perm
        if rule.cidr_ipv4:
            perm["IpRanges"].append(described("CidrIp", rule.cidr_ipv4, rule.description))
        elif rule.cidr_ipv6:
            perm["Ipv6Ranges"].append(described("CidrIpv6", rule.cidr_ipv6, rule.description))
        elif rule.prefix_list_id:
            perm["PrefixListIds"].append(described("PrefixListId", rule.prefix_list_id, rule.description))
        else:
            perm["UserIdGroupPairs"].append(group_pair(world, rule))
    return list(perms.values())
