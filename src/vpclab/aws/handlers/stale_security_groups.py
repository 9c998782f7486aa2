"""DescribeStaleSecurityGroups and DescribeSecurityGroupReferences: security group rules that reference
a peer VPC's groups, seen from either side.

AWS VPC Peering Guide, "Update your security groups to reference peer security groups"
(https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html): a rule that
references a group of a peer VPC is **stale** once that group is deleted or the peering connection
is deleted; stale rules stay in their group (AWS does not remove them) and DescribeStaleSecurityGroups
lists them, per group of the VPC, ingress and egress apart, each with the stale group pairs only.
DescribeSecurityGroupReferences answers, for groups of the caller's, the peer VPCs whose groups'
rules reference them (over an active peering connection).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ...control.security_group import is_stale
from ...core.errors import AwsError
from ...model.security_group import SecurityGroup, SecurityGroupRule
from ...model.vpc import Vpc
from ...model.world import World
from ..describe import page
from ..filter_shapes import peering_status
from ..registry import Call, handler

Shape = dict[str, Any]


def _stale_pair(world: World, rule: SecurityGroupRule) -> Shape:
    out: Shape = {"GroupId": rule.referenced_group_id, "UserId": rule.referenced_group_owner_id}
    if rule.referenced_vpc_id:
        out.update(VpcId=rule.referenced_vpc_id,
                   VpcPeeringConnectionId=rule.referenced_vpc_peering_connection_id,
                   PeeringStatus=peering_status(world, rule))
    if rule.description:
        out["Description"] = rule.description
    return out


def _stale_permissions(world: World, rules: Iterable[SecurityGroupRule]) -> list[Shape]:
    """boto3's StaleIpPermission list: one per (protocol, ports), with its stale pairs."""
    perms: dict[tuple[str, int, int], Shape] = {}
    for rule in rules:
        key = (rule.ip_protocol, rule.from_port, rule.to_port)
        perm = perms.get(key)
        if perm is None:
            perm = {"IpProtocol": rule.ip_protocol, "IpRanges": [], "PrefixListIds": [],
                    "UserIdGroupPairs": []}
            if rule.ip_protocol != "-1":
                perm.update(FromPort=rule.from_port, ToPort=rule.to_port)
            perms[key] = perm
        perm["UserIdGroupPairs"].append(_stale_pair(world, rule))
    return list(perms.values())


def _stale_group(world: World, sg: SecurityGroup) -> Shape | None:
    ingress = [r for r in sg.ingress if is_stale(world, r)]
    egress = [r for r in sg.egress if is_stale(world, r)]
    if not ingress and not egress:
        return None
    return {
        "Description": sg.description,
        "GroupId": sg.id,
        "GroupName": sg.group_name,
        "StaleIpPermissions": _stale_permissions(world, ingress),
        "StaleIpPermissionsEgress": _stale_permissions(world, egress),
        "VpcId": sg.vpc_id,
    }


@handler("DescribeStaleSecurityGroups")
def describe_stale_security_groups(call: Call) -> dict[str, Any]:
    """The caller's groups in the VPC that have stale rules (the VPC must be visible to the caller:
    InvalidVpcID.NotFound); MaxResults 5–255 counts groups."""
    vpc_id = call.params["VpcId"]
    vpc = call.world.get(vpc_id, Vpc)
    if vpc is None or not vpc.visible_to(call.world, call.account_id, call.region):
        code, message = Vpc.NOT_FOUND
        raise AwsError(code, message.format(id=vpc_id))
    groups = [sg for sg in call.world.in_vpc(vpc_id, SecurityGroup) if sg.owner_id == call.account_id]
    stale = [(sg, shape) for sg in groups if (shape := _stale_group(call.world, sg)) is not None]
    items, token = page(call, stale, lambda item: item[0].id)
    out: dict[str, Any] = {"StaleSecurityGroupSet": [shape for _, shape in items]}
    if token:
        out["NextToken"] = token
    return out


@handler("DescribeSecurityGroupReferences")
def describe_security_group_references(call: Call) -> dict[str, Any]:
    """For each of the caller's groups asked for (InvalidGroup.NotFound for another), each peer VPC
    with a group whose rule references it over an active peering connection."""
    wanted = call.params["GroupId"]
    found: list[SecurityGroup] = []
    for group_id in wanted:
        sg = call.world.get(group_id, SecurityGroup)
        if sg is None or sg.owner_id != call.account_id or sg.region != call.region:
            raise AwsError("InvalidGroup.NotFound", f"The security group '{group_id}' does not exist")
        found.append(sg)
    refs: list[Shape] = []
    for sg in found:
        seen: set[tuple[str, str]] = set()
        for other in call.world.all(SecurityGroup):
            if other.vpc_id == sg.vpc_id:
                continue
            for rule in other.all_rules:
                pcx_id = rule.referenced_vpc_peering_connection_id
                if (rule.referenced_group_id != sg.id or pcx_id is None or is_stale(call.world, rule)
                        or (other.vpc_id, pcx_id) in seen):
                    continue
                seen.add((other.vpc_id, pcx_id))
                refs.append({"GroupId": sg.id, "ReferencingVpcId": other.vpc_id,
                             "VpcPeeringConnectionId": pcx_id})
    return {"SecurityGroupReferenceSet": refs}
