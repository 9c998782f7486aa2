"""Network ACLs: CreateNetworkAcl, DeleteNetworkAcl, Create/Replace/DeleteNetworkAclEntry,
ReplaceNetworkAclAssociation.

AWS docs: Amazon VPC User Guide, "Control subnet traffic with network access control lists"
(https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html) and "Network ACL rules"
(https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html). Only the VPC owner changes a
VPC's network ACLs; participants of a shared VPC get UnauthorizedOperation.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from ..core.errors import AwsError, invalid_parameter_value, missing_parameter
from ..core.protocols import ICMP, ICMPV6, Protocol, ProtocolError
from ..model.base import Tags
from ..model.network_acl import (
    ACL_FINAL_RULE,
    NetworkAcl,
    NetworkAclAssociation,
    NetworkAclEntry,
)
from ..model.subnet import Subnet
from ..model.vpc import Vpc
from ..model.world import World
from .cidr import parse_cidr, parse_ipv6_cidr
from .context import Ctx
from .ipv6 import ipv6_final_entries
from .registry import action

#: AWS: "Rule number … from 1 to 32766"
RULE_NUMBERS = range(1, ACL_FINAL_RULE)
RULE_ACTIONS = ("allow", "deny")


def final_entries(*, ipv6: bool = False) -> tuple[NetworkAclEntry, ...]:
    """The ``*`` deny-all entry of each direction, which every ACL ends with; with ``ipv6`` (a VPC
    with an IPv6 block) a second ``*`` entry of each direction denies all IPv6 traffic (AWS "Custom
    network ACLs": "If you create an IPv6 VPC ... we also automatically add ... IPv6 rules")."""
    v4 = tuple(NetworkAclEntry(rule_number=ACL_FINAL_RULE, egress=egress, protocol="-1", rule_action="deny",
                               cidr_block="0.0.0.0/0") for egress in (False, True))
    return v4 + ipv6_final_entries() if ipv6 else v4


@action
def create_network_acl(ctx: Ctx, *, vpc_id: str, tags: Mapping[str, str] | None = None) -> NetworkAcl:
    """CreateNetworkAcl: a new ACL denies all traffic both ways until entries are added (its ``*``
    entries deny IPv4, and IPv6 too in a VPC with an IPv6 block)."""
    vpc = ctx.require(Vpc, vpc_id)
    ctx.require_owner(vpc)
    ctx.check_quota("network_acls_per_vpc", ctx.world.count_in_vpc(vpc_id, NetworkAcl))
    return ctx.world.put(NetworkAcl(id=ctx.new_id("network_acl"), owner_id=vpc.owner_id, region=vpc.region,
                                    tags=Tags(tags), vpc_id=vpc_id,
                                    entries=final_entries(ipv6=bool(vpc.ipv6_cidr_blocks))))


@action
def delete_network_acl(ctx: Ctx, *, network_acl_id: str) -> None:
    """DeleteNetworkAcl: not the default ACL, not while subnets are associated with it."""
    acl = ctx.require(NetworkAcl, network_acl_id)
    ctx.require_owner(acl)
    if acl.is_default:
        raise invalid_parameter_value(f"cannot delete default network ACL {network_acl_id}")
    if acl.associations:
        raise AwsError("DependencyViolation",
                       f"The networkAcl '{network_acl_id}' has dependencies and cannot be deleted.")
    ctx.world.remove(network_acl_id)


# -- Entries -----------------------------------------------------------------------------------
@action
def create_network_acl_entry(ctx: Ctx, *, network_acl_id: str, rule_number: int, protocol: str | int,
                             rule_action: str, egress: bool, cidr_block: str | None = None,
                             ipv6_cidr_block: str | None = None,
                             port_range: Mapping[str, Any] | None = None,
                             icmp_type_code: Mapping[str, Any] | None = None) -> NetworkAclEntry:
    """CreateNetworkAclEntry: a numbered allow/deny rule for an IPv4 (``cidr_block``) or an IPv6
    (``ipv6_cidr_block``) range, unique per number and direction across both families (AWS's default
    ACL numbers its IPv4 and IPv6 allow-all entries 100 and 101: "Network ACL rules",
    https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html)."""
    acl = ctx.require(NetworkAcl, network_acl_id)
    ctx.require_owner(acl)
    entry = _entry(rule_number, protocol, rule_action, egress, cidr_block, ipv6_cidr_block, port_range,
                   icmp_type_code)
    ctx.world.put(replace(acl, entries=_with_entry(ctx, acl.entries, entry)))
    return entry


@action
def create_network_acl_entries(ctx: Ctx, *, network_acl_id: str,
                               entries: Sequence[Mapping[str, Any]]) -> tuple[NetworkAclEntry, ...]:
    """vpclab's own action, not AWS's: CreateNetworkAclEntry for each of ``entries`` (its
    parameters but the ACL's id, snake_case), in order — each checked as that action checks it,
    against the entries before it — and the ACL changed once. All or nothing: the first refused
    entry raises its AWS error and nothing is added. For loaders whose ACLs come with their entries
    (snapshots, topologies): an AWS-MAX snapshot holds 150,000 entries."""
    acl = ctx.require(NetworkAcl, network_acl_id)
    ctx.require_owner(acl)
    current = acl.entries
    for params in entries:
        entry = _entry(params["rule_number"], params["protocol"], params["rule_action"], params["egress"],
                       params.get("cidr_block"), params.get("ipv6_cidr_block"), params.get("port_range"),
                       params.get("icmp_type_code"))
        current = _with_entry(ctx, current, entry)
    ctx.world.put(replace(acl, entries=current))
    return current[len(acl.entries):]


def _with_entry(ctx: Ctx, entries: tuple[NetworkAclEntry, ...],
                entry: NetworkAclEntry) -> tuple[NetworkAclEntry, ...]:
    """An ACL's ``entries`` with ``entry`` added, or AWS's error (the number taken, the quota reached)."""
    egress = entry.egress
    if any(e.rule_number == entry.rule_number and e.egress == egress for e in entries):
        raise AwsError("NetworkAclEntryAlreadyExists",
                       f"The network acl entry identified by {entry.rule_number} already exists.")
    # AWS "Amazon VPC quotas", rules per network ACL: "This quota is enforced separately for IPv4
    # rules and IPv6 rules"
    ctx.check_quota("rules_per_network_acl", sum(1 for e in entries if e.egress == egress
                                                 and not e.is_final and e.is_ipv6 == entry.is_ipv6))
    return (*entries, entry)


@action
def replace_network_acl_entry(ctx: Ctx, *, network_acl_id: str, rule_number: int, protocol: str | int,
                              rule_action: str, egress: bool, cidr_block: str | None = None,
                              ipv6_cidr_block: str | None = None,
                              port_range: Mapping[str, Any] | None = None,
                              icmp_type_code: Mapping[str, Any] | None = None) -> NetworkAclEntry:
    """ReplaceNetworkAclEntry: rewrite an existing entry (same number and direction)."""
    acl = ctx.require(NetworkAcl, network_acl_id)
    ctx.require_owner(acl)
    entry = _entry(rule_number, protocol, rule_action, egress, cidr_block, ipv6_cidr_block, port_range,
                   icmp_type_code)
    old = _existing(acl, entry.rule_number, egress)
    ctx.world.put(replace(acl, entries=tuple(entry if e is old else e for e in acl.entries)))
    return entry


@action
def delete_network_acl_entry(ctx: Ctx, *, network_acl_id: str, rule_number: int, egress: bool) -> None:
    """DeleteNetworkAclEntry: remove a numbered entry (the ``*`` entry cannot be removed)."""
    acl = ctx.require(NetworkAcl, network_acl_id)
    ctx.require_owner(acl)
    old = _existing(acl, _rule_number(rule_number), egress)
    ctx.world.put(replace(acl, entries=tuple(e for e in acl.entries if e is not old)))


def _existing(acl: NetworkAcl, rule_number: int, egress: bool) -> NetworkAclEntry:
    entry = acl.entry(rule_number, egress)
    if entry is None:
        raise AwsError("InvalidNetworkAclEntry.NotFound",
                       f"no {'egress' if egress else 'ingress'} entry with number {rule_number}")
    return entry


def _rule_number(value: int) -> int:
    n = int(value)
    if n not in RULE_NUMBERS:
        raise invalid_parameter_value(
                       f"Value ({value}) for parameter ruleNumber is invalid. "
                       "Rulenumber must be in range 1..32766")
    return n


def _entry(rule_number: int, protocol: str | int, rule_action: str, egress: bool, cidr_block: str | None,
           ipv6_cidr_block: str | None, port_range: Mapping[str, Any] | None,
           icmp_type_code: Mapping[str, Any] | None) -> NetworkAclEntry:
    """A checked entry. Protocols are stored as AWS reports them: numbers ("6"), "-1" for all.

    Entries are immutable and a function of the parameters alone, so one is made once per distinct
    set of parameters (every ACL of a loaded snapshot repeats the same few rules); a refused one
    raises each time."""
    try:
        key = (rule_number, protocol, rule_action, egress, cidr_block, ipv6_cidr_block,
               tuple(port_range.items()) if port_range else port_range,
               tuple(icmp_type_code.items()) if icmp_type_code else icmp_type_code)
        hash(key)
    except TypeError:  # an unhashable value (from bad input): checked uncached, to get its error
        return _new_entry(rule_number, protocol, rule_action, egress, cidr_block, ipv6_cidr_block,
                          port_range, icmp_type_code)
    return _cached_entry(key)


@lru_cache(maxsize=1 << 14)
def _cached_entry(key: tuple[Any, ...]) -> NetworkAclEntry:
    number, protocol, rule_action, egress, cidr_block, ipv6_cidr_block, port_range, icmp_type_code = key
    return _new_entry(number, protocol, rule_action, egress, cidr_block, ipv6_cidr_block,
                      dict(port_range) if port_range else port_range,
                      dict(icmp_type_code) if icmp_type_code else icmp_type_code)


def _new_entry(rule_number: int, protocol: str | int, rule_action: str, egress: bool, cidr_block: str | None,
               ipv6_cidr_block: str | None, port_range: Mapping[str, Any] | None,
               icmp_type_code: Mapping[str, Any] | None) -> NetworkAclEntry:
    number = _rule_number(rule_number)
    action_ = str(rule_action).lower()
    if action_ not in RULE_ACTIONS:
        # AWS's wording is undocumented; the parameter and its valid values are named
        raise invalid_parameter_value(
                       f"Value ({rule_action}) for parameter ruleAction is "
                       "invalid. Valid values are: allow, deny")
    proto = _protocol(protocol)
    # AWS CreateNetworkAclEntry: CidrBlock "The IPv4 network range", Ipv6CidrBlock "The IPv6 network
    # range" — one of them. AWS's wording for neither is "Either 'cidrBlock' or 'ipv6CidrBlock' should
    # be provided."; for both it is undocumented (vpclab's).
    if cidr_block and ipv6_cidr_block:
        raise AwsError("InvalidParameterCombination",
                       "Only one of 'cidrBlock' or 'ipv6CidrBlock' may be provided.")
    if not cidr_block and not ipv6_cidr_block:
        raise AwsError("MissingParameter", "Either 'cidrBlock' or 'ipv6CidrBlock' should be provided.")
    cidrs: dict[str, Any] = ({"ipv6_cidr_block": str(parse_ipv6_cidr(ipv6_cidr_block, "ipv6CidrBlock"))}
                             if ipv6_cidr_block else {"cidr_block": str(parse_cidr(cidr_block, "cidrBlock"))})
    fields: dict[str, Any] = {}
    if proto.has_ports:
        # AWS: "PortRange … Required if specifying protocol 6 (TCP) or 17 (UDP)" (API_CreateNetworkAclEntry);
        # the error's wording is undocumented: AWS's MissingParameter form is used
        if not port_range or port_range.get("from") is None or port_range.get("to") is None:
            raise missing_parameter("portRange")
        lo, hi = _integer(port_range["from"], "portRange.from"), _integer(port_range["to"], "portRange.to")
        for v in (lo, hi):
            if not 0 <= v <= 65535:
                raise AwsError("InvalidParameterValue", f"Value ({v}) for parameter portRange is invalid. "
                               "Ports must be in range 0..65535")
        if lo > hi:
            raise invalid_parameter_value(
                           f"Value ({lo}-{hi}) for parameter portRange is invalid. From must not exceed To")
        fields.update(port_from=lo, port_to=hi)
    elif proto == ICMP or (proto == ICMPV6 and ipv6_cidr_block):
        # AWS: "IcmpTypeCode … Required if specifying protocol 1 (ICMP) or protocol 58 (ICMPv6) with
        # an IPv6 CIDR block"; "If you specify protocol 58 (ICMPv6) and specify an IPv4 CIDR block,
        # traffic for all ICMP types and codes allowed, regardless of any that you specify"
        if not icmp_type_code or icmp_type_code.get("type") is None or icmp_type_code.get("code") is None:
            raise missing_parameter("icmpTypeCode")
        t = _integer(icmp_type_code["type"], "icmpTypeCode.type")
        c = _integer(icmp_type_code["code"], "icmpTypeCode.code")
        for name, v in (("type", t), ("code", c)):
            if not -1 <= v <= 255:
                raise invalid_parameter_value(
                               f"Value ({v}) for parameter icmpTypeCode.{name} is "
                               "invalid. Must be in range -1..255")
        fields.update(icmp_type=t, icmp_code=c)
    return NetworkAclEntry(rule_number=number, egress=bool(egress), protocol=proto.acl_protocol,
                           rule_action=action_, **cidrs, **fields)


def _integer(value: object, parameter: str) -> int:
    """An integer parameter, or AWS's InvalidParameterValue (the wording is vpclab's: the API's own
    parser refuses a non-integer before the action runs)."""
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise invalid_parameter_value(f"Value ({value}) for parameter {parameter} is invalid.") from None


def _protocol(value: str | int) -> Protocol:
    """The API takes protocol numbers only ("-1" for all): AWS answers "Invalid value 'udp' for IP
    protocol. Unknown protocol." to a name (the AWS CLI translates names before calling)."""
    try:
        return Protocol.from_number(value)
    except ProtocolError:
        raise invalid_parameter_value(
                       f"Invalid value '{value}' for IP protocol. Unknown protocol.") from None


# -- Associations ------------------------------------------------------------------------------
@action
def replace_network_acl_association(ctx: Ctx, *, association_id: str, network_acl_id: str) -> str:
    """ReplaceNetworkAclAssociation: move a subnet to another ACL of the same VPC; returns the new
    association id."""
    current, assoc = _find_association(ctx, association_id)
    target = ctx.require(NetworkAcl, network_acl_id)
    ctx.require_owner(current)
    ctx.require_owner(target)
    if target.vpc_id != current.vpc_id:
        # AWS's code and wording for an ACL of another VPC are undocumented; EC2's usual
        # "different networks" message is used
        raise invalid_parameter_value(
                       "You have specified two resources that belong to different networks.")
    new_assoc = NetworkAclAssociation(network_acl_association_id=ctx.new_id("network_acl_association"),
                                      network_acl_id=target.id, subnet_id=assoc.subnet_id)
    if target.id == current.id:
        ctx.world.put(replace(current, associations=tuple(
            new_assoc if a is assoc else a for a in current.associations)))
    else:
        ctx.world.put(replace(current, associations=tuple(a for a in current.associations if a is not assoc)))
        ctx.world.put(replace(target, associations=(*target.associations, new_assoc)))
    return new_assoc.network_acl_association_id


#: association id → the id of the ACL holding it, per World: built in one pass when an id is not
#: found, each hit checked against the ACL (an entry gone stale falls back to the pass). On AWS-MAX
#: (10,000 ACLs, 20,000 replacements when a snapshot loads) a pass per call was most of the load.
_ASSOCIATIONS: weakref.WeakKeyDictionary[World, dict[str, str]] = weakref.WeakKeyDictionary()


def _find_association(ctx: Ctx, association_id: str) -> tuple[NetworkAcl, NetworkAclAssociation]:
    index = _ASSOCIATIONS.get(ctx.world)
    for attempt in range(2):
        if index is None or (attempt == 1):
            index = {a.network_acl_association_id: acl.id
                     for acl in ctx.world.all(NetworkAcl) for a in acl.associations}
            _ASSOCIATIONS[ctx.world] = index
        acl = ctx.world.get(index.get(association_id, ""), NetworkAcl)
        assoc = next((a for a in acl.associations if a.network_acl_association_id == association_id),
                     None) if acl is not None else None
        if acl is not None and assoc is not None:
            if acl.visible_to(ctx.world, ctx.account_id, ctx.region):
                return acl, assoc
            break
    raise AwsError("InvalidAssociationID.NotFound", f"The association ID '{association_id}' does not exist")


def network_acl_for_subnet(ctx: Ctx, subnet: Subnet) -> NetworkAcl:
    """The ACL a subnet is associated with (every subnet has exactly one)."""
    return next(acl for acl in ctx.world.in_vpc(subnet.vpc_id, NetworkAcl)
                if any(a.subnet_id == subnet.id for a in acl.associations))
