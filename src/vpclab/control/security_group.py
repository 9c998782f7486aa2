"""Security groups: CreateSecurityGroup, DeleteSecurityGroup, Authorize/Revoke ingress and egress,
ModifySecurityGroupRules.

AWS docs: Amazon VPC User Guide, "Control traffic to your AWS resources using security groups"
(https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html) and "Security group
rules" (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html); EC2 API
Reference for each action.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..core.errors import AwsError, invalid_parameter_value, missing_parameter
from ..core.protocols import ICMP, Protocol, ProtocolError
from ..model import sharing
from ..model.base import Tags
from ..model.peering import VpcPeeringConnection
from ..model.security_group import SecurityGroup, SecurityGroupRule
from ..model.vpc import Vpc
from ..model.world import World
from .cidr import parse_cidr, parse_ipv6_cidr
from .context import Ctx
from .ipv6 import ipv6_egress_rule
from .registry import action

#: the group every VPC gets; its name is reserved
DEFAULT_GROUP_NAME = "default"
#: AWS: group names and descriptions are up to 255 characters
MAX_NAME_LENGTH = 255
#: AWS CreateSecurityGroup, GroupName and Description: "Constraints for EC2-VPC: a-z, A-Z, 0-9,
#: spaces, and ._-:/()#,@[]+=&;{}!$*" (the same set for a rule's description, AuthorizeSecurityGroupIngress)
_ALLOWED_TEXT = re.compile(r"[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]*")
_ALLOWED_SET = "a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*"


def check_group_text(param: str, value: str) -> None:
    """GroupName / GroupDescription: 255 characters of AWS's set, with AWS's wording
    (API_CreateSecurityGroup)."""
    if len(value) > MAX_NAME_LENGTH:
        raise invalid_parameter_value(f"Value ({value}) for parameter {param} is invalid. "
                                      f"Length exceeds maximum of {MAX_NAME_LENGTH} characters.")
    if _ALLOWED_TEXT.fullmatch(value):
        return
    if not value.isascii():
        raise invalid_parameter_value(f"Value ({value}) for parameter {param} is invalid. "
                                      "Character sets beyond ASCII are not supported.")
    if param == "GroupDescription":
        raise invalid_parameter_value("Invalid security group description. Valid descriptions are strings "
                                      f"less than 256 characters from the following set:  {_ALLOWED_SET}")
    # AWS's wording for a name outside the set is undocumented: the description's, for a name
    raise invalid_parameter_value("Invalid security group name. Valid names are strings "
                                  f"less than 256 characters from the following set:  {_ALLOWED_SET}")


def check_rule_id(rule_id: str) -> None:
    """A security group rule id names its kind: one not of the form ``sgr-…`` is AWS's
    InvalidSecurityGroupRuleId.Malformed ("Error codes for the Amazon EC2 API"), a well-formed unknown
    one InvalidSecurityGroupRuleId.NotFound."""
    if not rule_id.startswith("sgr-"):
        raise AwsError("InvalidSecurityGroupRuleId.Malformed",
                       f'Invalid id: "{rule_id}" (expecting "sgr-...")')


def check_rule_description(value: object) -> None:
    """A rule's Description: "Up to 255 characters in length" (API_IpRange), of the set AWS's error
    message lists (it includes ``&``, which API_IpRange's constraint text omits), with AWS's wording."""
    if value is None:
        return
    if not isinstance(value, str) or len(value) > MAX_NAME_LENGTH or not _ALLOWED_TEXT.fullmatch(value):
        raise invalid_parameter_value("Invalid rule description. Valid descriptions are strings less than "
                                      f"256 characters from the following set: {_ALLOWED_SET}")

Permission = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RevokeResult:
    """RevokeSecurityGroupIngress/Egress's answer: the rules removed, and (in a default VPC) the
    requested permissions that matched no rule (AWS's ``UnknownIpPermissions``)."""

    revoked: tuple[SecurityGroupRule, ...]
    unknown_ip_permissions: tuple[Permission, ...] = ()


# -- CreateSecurityGroup / DeleteSecurityGroup -------------------------------------------------
@action
def create_security_group(ctx: Ctx, *, group_name: str, description: str, vpc_id: str | None = None,
                          tags: Mapping[str, str] | None = None) -> SecurityGroup:
    """CreateSecurityGroup: a unique name in the VPC (not "default", not "sg-*"); one egress rule
    allowing all outbound (and one allowing all outbound IPv6 in a VPC with an IPv6 block), no
    ingress rules. The VPC owner and participants of a shared VPC may
    create groups in it; a participant's group is owned by the participant."""
    if not group_name:
        raise missing_parameter("GroupName")
    if not description:
        raise missing_parameter("GroupDescription")
    vpc = _vpc_for_new_group(ctx, vpc_id)
    if group_name.lower() == DEFAULT_GROUP_NAME:
        raise invalid_parameter_value(
                       f"Cannot use reserved security group name: {DEFAULT_GROUP_NAME}")
    if group_name.lower().startswith("sg-"):
        raise invalid_parameter_value(
                       f"Value ({group_name}) for parameter GroupName is invalid. "
                       "Group names may not be in the format sg-*.")
    for param, value in (("GroupName", group_name), ("GroupDescription", description)):
        check_group_text(param, value)
    # AWS: "Names are case-insensitive and must be unique within the VPC." Whether a participant's
    # group may share a name with the owner's is undocumented; each account's names are checked
    # against the groups it can see (its own), the reading under which neither leaks the other's.
    for other in ctx.world.in_vpc(vpc.id, SecurityGroup):
        if other.owner_id == ctx.account_id and other.group_name.lower() == group_name.lower():
            raise AwsError("InvalidGroup.Duplicate",
                           f"The security group '{group_name}' already exists for VPC '{vpc.id}'")
    ctx.check_quota("security_groups_per_region",
                    ctx.world.count_owned(SecurityGroup, ctx.account_id, ctx.region))
    sg_id = ctx.new_id("security_group")
    return ctx.world.put(SecurityGroup(
        id=sg_id, owner_id=ctx.account_id, region=ctx.region, tags=Tags(tags), vpc_id=vpc.id,
        group_name=group_name, description=description,
        egress=(SecurityGroupRule(security_group_rule_id=ctx.new_id("security_group_rule"), group_id=sg_id,
                                  is_egress=True, ip_protocol="-1", cidr_ipv4="0.0.0.0/0"),
                # and ::/0 in a VPC with an IPv6 block (AWS: "Security group rules")
                *((ipv6_egress_rule(ctx, sg_id),) if vpc.ipv6_cidr_blocks else ())),
    ))


def _vpc_for_new_group(ctx: Ctx, vpc_id: str | None) -> Vpc:
    if vpc_id is None:
        vpc = next((v for v in ctx.world.owned(Vpc, ctx.account_id, ctx.region) if v.is_default), None)
        if vpc is None:
            raise AwsError("VPCIdNotSpecified", "No default VPC for this user")
        return vpc
    vpc = ctx.require(Vpc, vpc_id)
    if not is_participant(ctx, vpc):  # participants of a shared VPC create their own groups in it
        ctx.require_owner(vpc)
    return vpc


def is_participant(ctx: Ctx, vpc: Vpc) -> bool:
    """Whether the caller is a participant of a shared VPC (a subnet of it is shared with them)."""
    return sharing.is_participant(ctx.world, vpc.id, ctx.account_id)


@action
def delete_security_group(ctx: Ctx, *, group_id: str) -> None:
    """DeleteSecurityGroup: not the VPC's default group, not while a network interface uses it or
    another group's rule in the same VPC references it; only its owner. A rule of a peer VPC's
    group that references it does not stop the deletion: that rule becomes stale (AWS, "Update your
    security groups to reference peer security groups": DescribeStaleSecurityGroups lists it)."""
    sg = ctx.require(SecurityGroup, group_id)
    ctx.require_owner(sg)
    if sg.is_default:
        raise AwsError("CannotDelete",
                       f'the specified group: "{group_id}" name: "{DEFAULT_GROUP_NAME}" cannot be deleted by '
                       'a user')
    # network interfaces, and whatever else carries a list of groups (interface endpoints, …)
    in_use = any(group_id in (getattr(res, "groups", None) or ())
                 for res in ctx.world.resources() if not isinstance(res, SecurityGroup))
    referenced = any(rule.referenced_group_id == group_id
                     for other in ctx.world.in_vpc(sg.vpc_id, SecurityGroup) if other.id != group_id
                     for rule in other.all_rules)
    if in_use or referenced:
        raise AwsError("DependencyViolation", f"resource {group_id} has a dependent object")
    ctx.world.remove(group_id)


# -- Authorize ---------------------------------------------------------------------------------
@action
def authorize_security_group_ingress(ctx: Ctx, *, group_id: str,
                                     ip_permissions: Sequence[Permission] | None = None,
                                     ip_protocol: str | None = None, from_port: int | None = None,
                                     to_port: int | None = None, cidr_ip: str | None = None
                                     ) -> tuple[SecurityGroupRule, ...]:
    """AuthorizeSecurityGroupIngress: one rule per (permission × source), each checked, none duplicated."""
    return _authorize(ctx, group_id, _permissions(ip_permissions, ip_protocol, from_port, to_port, cidr_ip),
                      egress=False)


@action
def authorize_security_group_egress(ctx: Ctx, *, group_id: str, ip_permissions: Sequence[Permission]
                                    ) -> tuple[SecurityGroupRule, ...]:
    """AuthorizeSecurityGroupEgress: as ingress, for outbound rules."""
    return _authorize(ctx, group_id, ip_permissions, egress=True)


def _permissions(ip_permissions: Sequence[Permission] | None, ip_protocol: str | None, from_port: int | None,
                 to_port: int | None, cidr_ip: str | None) -> Sequence[Permission]:
    """The request's permissions; the flat CidrIp/IpProtocol/FromPort/ToPort form is one permission."""
    perms = list(ip_permissions or ())
    if ip_protocol is not None or cidr_ip is not None:
        perms.append({"ip_protocol": ip_protocol, "from_port": from_port, "to_port": to_port,
                      "ip_ranges": [{"cidr_ip": cidr_ip}] if cidr_ip is not None else []})
    return perms


def _authorize(ctx: Ctx, group_id: str, permissions: Sequence[Permission], *, egress: bool
               ) -> tuple[SecurityGroupRule, ...]:
    sg = ctx.require(SecurityGroup, group_id)
    ctx.require_owner(sg)
    if not permissions:
        raise missing_parameter("IpPermissions")
    new = rules_from_permissions(ctx, sg, permissions, egress=egress, check_references=True)
    existing = {r.key for r in sg.rules(egress)}
    # a rule repeated within one request is refused like an existing one (AWS's behaviour for this
    # case is undocumented; refusing is the conservative reading)
    seen: set[tuple[bool, str, int, int, str]] = set()
    for rule in new:
        if rule.key in existing or rule.key in seen:
            raise AwsError("InvalidPermission.Duplicate",
                           f'the specified rule "{describe_rule(rule)}" already exists')
        seen.add(rule.key)
    check_rules_quota(ctx, sg.rules(egress), new)
    new = tuple(replace(r, security_group_rule_id=ctx.new_id("security_group_rule")) for r in new)
    ctx.world.put(replace(sg, egress=sg.egress + new) if egress else replace(sg, ingress=sg.ingress + new))
    return new


def check_rules_quota(ctx: Ctx, rules: Sequence[SecurityGroupRule],
                      adding: Sequence[SecurityGroupRule] = ()) -> None:
    """Quota "Inbound or outbound rules per security group", per address family.

    AWS "Amazon VPC quotas" (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html):
    "This quota is enforced separately for IPv4 rules and IPv6 rules ... A rule that references a
    security group or prefix list ID counts as one rule for IPv4 and one rule for IPv6."
    """
    for family in (4, 6):
        ctx.check_quota("rules_per_security_group", rule_weight(ctx.world, rules, family),
                        adding=rule_weight(ctx.world, adding, family))


def rule_weight(world: World, rules: Sequence[SecurityGroupRule], family: int | None = None) -> int:
    """How many rules these count as against the quota (with ``family`` 4 or 6, against that
    family's: a CIDR rule counts in its own family, a group or prefix-list reference in both).

    AWS: "When you reference a prefix list in a security group rule, the maximum number of entries
    for the prefix lists counts as the same number of security group rules"
    (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html).
    """
    from ..model.prefix_lists import ManagedPrefixList

    total = 0
    for rule in rules:
        if (family == 4 and rule.cidr_ipv6) or (family == 6 and rule.cidr_ipv4):
            continue  # a CIDR rule counts in its own family only
        pl = world.get(rule.prefix_list_id, ManagedPrefixList) if rule.prefix_list_id else None
        total += (pl.max_entries or len(pl.entries) or 1) if pl is not None else 1
    return total


def describe_rule(rule: SecurityGroupRule) -> str:
    """AWS's wording of a rule in its InvalidPermission.Duplicate message, e.g.
    ``peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW``."""
    proto = rule.ip_protocol
    if proto == "-1":
        body = "ALL"
    elif Protocol(proto).has_ports:
        body = f"{proto.upper()}, from port: {rule.from_port}, to port: {rule.to_port}"
    elif Protocol(proto).is_icmp:
        def part(v: int) -> str:
            return "ALL" if v == -1 else str(v)
        body = f"{proto.upper()}, type: {part(rule.from_port)}, code: {part(rule.to_port)}"
    else:
        # other protocol numbers: AWS's wording is undocumented; the number stands in for the name
        body = proto
    return f"peer: {rule.peer}, {body}, ALLOW"


# -- Parsing IpPermissions ---------------------------------------------------------------------
def rules_from_permissions(ctx: Ctx, sg: SecurityGroup, permissions: Sequence[Permission], *, egress: bool,
                           check_references: bool) -> tuple[SecurityGroupRule, ...]:
    """Each (permission × source) as a SecurityGroupRule (without an id yet), checked as AWS does.

    With ``check_references`` (authorize), a referenced prefix list or group must exist and be
    reachable; revoke only matches what is there.
    """
    out: list[SecurityGroupRule] = []
    for perm in permissions:
        protocol, from_port, to_port = normalise_ports(perm)
        base = SecurityGroupRule(security_group_rule_id="", group_id=sg.id, is_egress=egress,
                                 ip_protocol=protocol, from_port=from_port, to_port=to_port)
        sources = 0
        for r in perm.get("ip_ranges") or ():
            cidr = parse_cidr(r.get("cidr_ip"), "cidrIp")
            if check_references:
                check_rule_description(r.get("description"))
            out.append(replace(base, cidr_ipv4=str(cidr), description=r.get("description")))
            sources += 1
        for r in perm.get("ipv6_ranges") or ():
            # AWS's IpPermission: "Ipv6Ranges — The IPv6 address ranges"; each family in its own
            # member (an IPv4 CIDR here, or an IPv6 one in IpRanges, is not a valid CIDR block)
            cidr6 = parse_ipv6_cidr(r.get("cidr_ipv6"), "cidrIpv6")
            if check_references:
                check_rule_description(r.get("description"))
            out.append(replace(base, cidr_ipv6=str(cidr6), description=r.get("description")))
            sources += 1
        for p in perm.get("prefix_list_ids") or ():
            pl_id = p.get("prefix_list_id")
            if check_references:
                _require_prefix_list(ctx, pl_id)
                check_rule_description(p.get("description"))
            out.append(replace(base, prefix_list_id=pl_id, description=p.get("description")))
            sources += 1
        for pair in perm.get("user_id_group_pairs") or ():
            ref = _referenced_group(ctx, sg, pair, check_references)
            if check_references:
                check_rule_description(pair.get("description"))
            out.append(replace(base, description=pair.get("description"), **ref))
            sources += 1
        if not sources:
            # AWS's answer to a permission without any source is undocumented; refusing it is the
            # conservative choice (no rule is created that the caller might think exists)
            raise invalid_parameter_value(
                           "Each IP permission must name at least one source: IpRanges, Ipv6Ranges, "
                           "PrefixListIds or UserIdGroupPairs.")
    return tuple(out)


def normalise_protocol(value: object) -> str:
    """AWS's protocol spelling: "tcp"/"udp"/"icmp"/"icmpv6" by name (6 → tcp), "-1" for all,
    other protocol numbers as strings."""
    if value is None or value == "":
        raise missing_parameter("IpProtocol")
    try:
        return Protocol(value).ip_protocol  # type: ignore[arg-type]
    except ProtocolError:
        raise invalid_parameter_value(
                       f"Invalid value '{value}' for IP protocol. Unknown protocol.") from None


def normalise_ports(perm: Permission) -> tuple[str, int, int]:
    """(protocol, from_port, to_port) per AWS's port rules for the protocol."""
    protocol = normalise_protocol(perm.get("ip_protocol"))
    from_port, to_port = perm.get("from_port"), perm.get("to_port")
    if Protocol(protocol).has_ports:
        if from_port is None or to_port is None:
            raise invalid_parameter_value(
                           "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.")
        for which, port in (("from", from_port), ("to", to_port)):
            if not 0 <= int(port) <= 65535:
                raise invalid_parameter_value(f"TCP/UDP ({which}) port ({port}) out of range")
        if int(from_port) > int(to_port):
            # AWS's wording for an inverted range is undocumented; the message names both ends
            raise invalid_parameter_value(
                           f"Invalid TCP/UDP port range: from port ({from_port}) is "
                           f"greater than to port ({to_port})")
        return protocol, int(from_port), int(to_port)
    if Protocol(protocol).is_icmp:
        if Protocol(protocol) == ICMP and (from_port is None or to_port is None):
            raise invalid_parameter_value(
                           "Invalid value 'Must specify both from and to ports with ICMP.' for portRange.")
        icmp_type = -1 if from_port is None else int(from_port)
        icmp_code = -1 if to_port is None else int(to_port)
        # AWS: "-1 for all ICMP types"; "if you specify all ICMP types, you must specify all ICMP
        # codes" (API_IpPermission). The error wording is undocumented.
        for which, v in (("type", icmp_type), ("code", icmp_code)):
            if not -1 <= v <= 255:
                raise invalid_parameter_value(f"ICMP {which} ({v}) out of range")
        if icmp_type == -1 and icmp_code != -1:
            raise invalid_parameter_value(
                           "Invalid ICMP code: all ICMP types requires all ICMP codes (-1)")
        return protocol, icmp_type, icmp_code
    # "-1" and other protocols: AWS allows all ports "regardless of any port range you specify"
    return protocol, -1, -1


def _require_prefix_list(ctx: Ctx, pl_id: str | None) -> None:
    """The referenced prefix list must exist and be visible (InvalidPrefixListID.NotFound)."""
    from .prefix_lists import require_prefix_list

    if not pl_id:
        raise missing_parameter("PrefixListIds.PrefixListId")
    require_prefix_list(ctx, pl_id)


def _referenced_group(ctx: Ctx, sg: SecurityGroup, pair: Mapping[str, Any],
                      check: bool) -> dict[str, Any]:
    """The rule fields for a referenced group: same VPC, or a peer VPC over an active peering
    connection in the same Region (AWS: "You cannot reference the security group of a peer VPC
    that's in a different Region")."""
    group_id = pair.get("group_id")
    if not group_id:
        raise missing_parameter("UserIdGroupPairs.GroupId")
    ref = ctx.world.get(group_id, SecurityGroup)
    if not check:
        return {"referenced_group_id": group_id,
                "referenced_group_owner_id": ref.owner_id if ref else pair.get("user_id")}
    # groups are regional: a group in another Region does not exist from here
    not_found = AwsError("InvalidGroup.NotFound", f"The security group '{group_id}' does not exist")
    user_id = pair.get("user_id")
    if ref is None or ref.region != ctx.region or (user_id and user_id != ref.owner_id):
        raise not_found
    fields: dict[str, str | None] = {"referenced_group_id": ref.id, "referenced_group_owner_id": ref.owner_id}
    if ref.vpc_id == sg.vpc_id:
        return fields
    pcx = active_peering(ctx, sg.vpc_id, ref.vpc_id)
    wanted_pcx = pair.get("vpc_peering_connection_id")
    if pcx is None or (wanted_pcx and wanted_pcx != pcx.id):
        if ref.owner_id != ctx.account_id:
            raise not_found  # another account's group is invisible unless peered
        raise AwsError("InvalidGroup.NotFound",
                       "You have specified two resources that belong to different networks.")
    fields.update(referenced_vpc_id=ref.vpc_id, referenced_vpc_peering_connection_id=pcx.id)
    return fields


def is_stale(world: World, rule: SecurityGroupRule) -> bool:
    """A stale rule (AWS, "Update your security groups to reference peer security groups"): it
    references a group that no longer exists, or a peer VPC's group over a peering connection that
    is no longer active. AWS keeps stale rules (DescribeStaleSecurityGroups lists them)."""
    if not rule.referenced_group_id:
        return False
    if world.get(rule.referenced_group_id, SecurityGroup) is None:
        return True
    if rule.referenced_vpc_peering_connection_id is None:
        return False
    pcx = world.get(rule.referenced_vpc_peering_connection_id, VpcPeeringConnection)
    return pcx is None or pcx.status_code != "active"


def active_peering(ctx: Ctx, vpc_a: str, vpc_b: str) -> VpcPeeringConnection | None:
    """The active, same-Region peering connection between two VPCs, if any."""
    for pcx in ctx.world.having(VpcPeeringConnection, "vpc_ids", vpc_a):
        if (pcx.status_code == "active" and {pcx.requester_vpc_id, pcx.accepter_vpc_id} == {vpc_a, vpc_b}
                and pcx.requester_region == pcx.accepter_region == ctx.region):
            return pcx
    return None


# -- Revoke ------------------------------------------------------------------------------------
@action
def revoke_security_group_ingress(ctx: Ctx, *, group_id: str,
                                  ip_permissions: Sequence[Permission] | None = None,
                                  security_group_rule_ids: Sequence[str] | None = None,
                                  ip_protocol: str | None = None, from_port: int | None = None,
                                  to_port: int | None = None, cidr_ip: str | None = None) -> RevokeResult:
    """RevokeSecurityGroupIngress: by rule properties (matched exactly, description aside) or rule ids."""
    return _revoke(ctx, group_id, _permissions(ip_permissions, ip_protocol, from_port, to_port, cidr_ip),
                   security_group_rule_ids or (), egress=False)


@action
def revoke_security_group_egress(ctx: Ctx, *, group_id: str,
                                 ip_permissions: Sequence[Permission] | None = None,
                                 security_group_rule_ids: Sequence[str] | None = None) -> RevokeResult:
    """RevokeSecurityGroupEgress: as ingress, for outbound rules."""
    return _revoke(ctx, group_id, ip_permissions or (), security_group_rule_ids or (), egress=True)


def _revoke(ctx: Ctx, group_id: str, permissions: Sequence[Permission], rule_ids: Sequence[str], *,
            egress: bool) -> RevokeResult:
    """AWS: "For a default VPC, if the values you specify do not match the existing rule's values,
    no error is returned, and the output describes the security group rules that were not revoked.
    For a non-default VPC, … an InvalidPermission.NotFound client error is returned, and no rules
    are revoked." (API_RevokeSecurityGroupIngress)"""
    sg = ctx.require(SecurityGroup, group_id)
    ctx.require_owner(sg)
    if not permissions and not rule_ids:
        raise missing_parameter("IpPermissions")
    current = sg.rules(egress)
    by_id = {r.security_group_rule_id: r for r in current}
    remove: dict[str, SecurityGroupRule] = {}
    for rid in rule_ids:
        check_rule_id(rid)
        if rid not in by_id:
            raise AwsError("InvalidSecurityGroupRuleId.NotFound",
                           f"The security group rule ID '{rid}' does not exist")
        remove[rid] = by_id[rid]
    vpc = ctx.world.get(sg.vpc_id, Vpc)
    unknown: list[Permission] = []
    for spec in rules_from_permissions(ctx, sg, permissions, egress=egress, check_references=False):
        match = next((r for r in current if r.key == spec.key), None)
        if match is not None:
            remove[match.security_group_rule_id] = match
        elif vpc is not None and vpc.is_default:
            unknown.append(permission_of(spec))
        else:
            raise AwsError("InvalidPermission.NotFound",
                           "The specified rule does not exist in this security group.")
    kept = tuple(r for r in current if r.security_group_rule_id not in remove)
    ctx.world.put(replace(sg, egress=kept) if egress else replace(sg, ingress=kept))
    return RevokeResult(revoked=tuple(remove.values()), unknown_ip_permissions=tuple(unknown))


def permission_of(rule: SecurityGroupRule) -> dict[str, Any]:
    """A rule in the request's IpPermission shape (snake_case)."""
    perm: dict[str, Any] = {"ip_protocol": rule.ip_protocol}
    if rule.ip_protocol != "-1":
        perm.update(from_port=rule.from_port, to_port=rule.to_port)
    if rule.cidr_ipv4:
        perm["ip_ranges"] = [{"cidr_ip": rule.cidr_ipv4}]
    elif rule.cidr_ipv6:
        perm["ipv6_ranges"] = [{"cidr_ipv6": rule.cidr_ipv6}]
    elif rule.prefix_list_id:
        perm["prefix_list_ids"] = [{"prefix_list_id": rule.prefix_list_id}]
    else:
        perm["user_id_group_pairs"] = [{"group_id": rule.referenced_group_id,
                                        "user_id": rule.referenced_group_owner_id}]
    return perm


# -- ModifySecurityGroupRules ------------------------------------------------------------------
@action
def modify_security_group_rules(ctx: Ctx, *, group_id: str, security_group_rules: Sequence[Mapping[str, Any]]
                                ) -> tuple[SecurityGroupRule, ...]:
    """ModifySecurityGroupRules: rewrite rules in place, keeping their ids and directions.

    Each item is ``{"security_group_rule_id": "sgr-…", "security_group_rule": {"ip_protocol",
    "from_port", "to_port", and one of "cidr_ipv4" | "cidr_ipv6" | "prefix_list_id" | "referenced_group_id",
    "description"}}``; the new rule is checked as AuthorizeSecurityGroup* checks one.
    """
    sg = ctx.require(SecurityGroup, group_id)
    ctx.require_owner(sg)
    if not security_group_rules:
        raise missing_parameter("SecurityGroupRules")
    rules = {r.security_group_rule_id: r for r in sg.all_rules}
    changed: dict[str, SecurityGroupRule] = {}
    for item in security_group_rules:
        rid = item.get("security_group_rule_id")
        check_rule_id(str(rid or ""))
        if rid not in rules:
            raise AwsError("InvalidSecurityGroupRuleId.NotFound",
                           f"The security group rule ID '{rid}' does not exist")
        old = rules[rid]
        (new,) = rules_from_permissions(ctx, sg,
                                        [_permission_of_request(item.get("security_group_rule") or {})],
                                        egress=old.is_egress, check_references=True)
        changed[rid] = replace(new, security_group_rule_id=rid)
    result = {rid: changed.get(rid, r) for rid, r in rules.items()}
    for egress in (False, True):
        side = [r for r in result.values() if r.is_egress == egress]
        keys = [r.key for r in side]
        for rule in side:
            if rule.security_group_rule_id in changed and keys.count(rule.key) > 1:
                raise AwsError("InvalidPermission.Duplicate",
                               f'the specified rule "{describe_rule(rule)}" already exists')
        check_rules_quota(ctx, (), side)
    ctx.world.put(replace(sg, ingress=tuple(result[r.security_group_rule_id] for r in sg.ingress),
                          egress=tuple(result[r.security_group_rule_id] for r in sg.egress)))
    return tuple(changed.values())


def _permission_of_request(req: Mapping[str, Any]) -> dict[str, Any]:
    """A SecurityGroupRuleRequest (one source) as an IpPermission."""
    sources = [k for k in ("cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_group_id") if req.get(k)]
    if len(sources) != 1:
        raise AwsError("InvalidParameterCombination",
                       "Exactly one of CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupId must be "
                       "specified.")
    perm: dict[str, Any] = {"ip_protocol": req.get("ip_protocol"), "from_port": req.get("from_port"),
                            "to_port": req.get("to_port")}
    desc = req.get("description")
    if req.get("cidr_ipv4"):
        perm["ip_ranges"] = [{"cidr_ip": req["cidr_ipv4"], "description": desc}]
    elif req.get("cidr_ipv6"):
        perm["ipv6_ranges"] = [{"cidr_ipv6": req["cidr_ipv6"], "description": desc}]
    elif req.get("prefix_list_id"):
        perm["prefix_list_ids"] = [{"prefix_list_id": req["prefix_list_id"], "description": desc}]
    else:
        perm["user_id_group_pairs"] = [{"group_id": req["referenced_group_id"], "description": desc}]
    return perm
