"""Security groups and their rules.

AWS: EC2 API reference for CreateSecurityGroup, DescribeSecurityGroups, Authorize/Revoke
SecurityGroupIngress/Egress, DescribeSecurityGroupRules and ModifySecurityGroupRules. Shapes are
boto3's (``IpPermissions`` group a direction's rules by protocol and ports).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from typing import Any

from ...control.security_group import check_rule_id
from ...core.errors import AwsError, missing_parameter
from ...model.security_group import SecurityGroup, SecurityGroupRule
from ...model.vpc import Vpc
from ...model.world import World
from .. import shapes
from ..describe import Kind, describe, describe_handler
from ..filter_shapes import group_pair as _pair
from ..filter_shapes import ip_permissions
from ..registry import Call, control_kwargs, handler, mutating

Shape = dict[str, Any]


# -- shapes --------------------------------------------------------------------------------------
def sg_arn(sg: SecurityGroup) -> str:
    return f"arn:aws:ec2:{sg.region}:{sg.owner_id}:security-group/{sg.id}"


def security_group(world: World, sg: SecurityGroup) -> Shape:
    return shapes.with_tags(
        {
            "GroupId": sg.id,
            "IpPermissionsEgress": ip_permissions(world, sg.egress),
            "VpcId": sg.vpc_id,
            "SecurityGroupArn": sg_arn(sg),
            "OwnerId": sg.owner_id,
            "GroupName": sg.group_name,
            "Description": sg.description,
            "IpPermissions": ip_permissions(world, sg.ingress),
        },
        sg,
    )


def security_group_rule(world: World, rule: SecurityGroupRule) -> Shape:
    sg = world.get(rule.group_id, SecurityGroup)
    owner = sg.owner_id if sg is not None else ""
    out: Shape = {
        "SecurityGroupRuleId": rule.security_group_rule_id,
        "GroupId": rule.group_id,
        "GroupOwnerId": owner,
        "IsEgress": rule.is_egress,
        "IpProtocol": rule.ip_protocol,
        "FromPort": rule.from_port,
        "ToPort": rule.to_port,
    }
    if rule.cidr_ipv4:
        out["CidrIpv4"] = rule.cidr_ipv4
    if rule.cidr_ipv6:
        out["CidrIpv6"] = rule.cidr_ipv6
    if rule.prefix_list_id:
        out["PrefixListId"] = rule.prefix_list_id
    if rule.referenced_group_id:
        out["ReferencedGroupInfo"] = _pair(world, dc_replace(rule, description=None))
    if rule.description:
        out["Description"] = rule.description
    out["Tags"] = []
    region = sg.region if sg is not None else ""
    out["SecurityGroupRuleArn"] = (
        f"arn:aws:ec2:{region}:{owner}:security-group-rule/{rule.security_group_rule_id}"
    )
    return out


def revoked_rule(rule: SecurityGroupRule) -> Shape:
    out: Shape = {
        "SecurityGroupRuleId": rule.security_group_rule_id,
        "GroupId": rule.group_id,
        "IsEgress": rule.is_egress,
        "IpProtocol": rule.ip_protocol,
        "FromPort": rule.from_port,
        "ToPort": rule.to_port,
    }
    for attr, name in (
        ("cidr_ipv4", "CidrIpv4"),
        ("cidr_ipv6", "CidrIpv6"),
        ("prefix_list_id", "PrefixListId"),
        ("referenced_group_id", "ReferencedGroupId"),
        ("description", "Description"),
    ):
        if getattr(rule, attr):
            out[name] = getattr(rule, attr)
    return out


def pascal(value: Any) -> Any:
    """A snake_case request structure (the ControlPlane's) back in boto3's PascalCase."""
    if isinstance(value, dict):
        return {
            "".join(p.capitalize() for p in k.split("_")): pascal(v)
            for k, v in value.items()
            if v is not None
        }
    if isinstance(value, (list, tuple)):
        return [pascal(v) for v in value]
    return value


# -- security groups -----------------------------------------------------------------------------
def _rules(direction: str, attr: str) -> Any:
    egress = direction == "egress"

    def get(world: World, sg: SecurityGroup) -> list[Any]:
        rules = sg.rules(egress)
        if attr == "group-name":
            found = (world.get(r.referenced_group_id, SecurityGroup) for r in rules if r.referenced_group_id)
            return [g.group_name for g in found if g is not None]
        name = {
            "cidr": "cidr_ipv4",
            "ipv6-cidr": "cidr_ipv6",
            "from-port": "from_port",
            "to-port": "to_port",
            "group-id": "referenced_group_id",
            "prefix-list-id": "prefix_list_id",
            "protocol": "ip_protocol",
            "user-id": "referenced_group_owner_id",
        }[attr]
        return [getattr(r, name) for r in rules if getattr(r, name) is not None]

    return get


SG_FILTERS: dict[str, Any] = {
    "group-id": lambda w, g: g.id,
    "group-name": lambda w, g: g.group_name,
    "vpc-id": lambda w, g: g.vpc_id,
    "description": lambda w, g: g.description,
}
for _attr in (
    "cidr",
    "ipv6-cidr",
    "from-port",
    "to-port",
    "group-id",
    "group-name",
    "prefix-list-id",
    "protocol",
    "user-id",
):
    SG_FILTERS[f"ip-permission.{_attr}"] = _rules("ingress", _attr)
    SG_FILTERS[f"egress.ip-permission.{_attr}"] = _rules("egress", _attr)
SG_FILTERS["ip-permission.cidr-ip"] = SG_FILTERS["ip-permission.cidr"]

SG_KIND = Kind(SecurityGroup, key="SecurityGroups", ids="GroupIds", shape=security_group, filters=SG_FILTERS)


def default_vpc(call: Call) -> Vpc | None:
    return next(
        (
            v
            for v in call.world.all(Vpc)
            if v.is_default and v.owner_id == call.account_id and v.region == call.region
        ),
        None,
    )


def group_named(call: Call, name: str) -> SecurityGroup:
    """A group of the caller's default VPC by name (the ``GroupName`` form of the API)."""
    vpc = default_vpc(call)
    for sg in call.world.all(SecurityGroup):
        if (
            vpc is not None
            and sg.vpc_id == vpc.id
            and sg.owner_id == call.account_id
            and sg.group_name == name
        ):
            return sg
    if vpc is None:
        raise AwsError("VPCIdNotSpecified", "No default VPC for this user")
    raise AwsError(
        "InvalidGroup.NotFound", f"The security group '{name}' does not exist in default VPC '{vpc.id}'"
    )


def with_group_id(call: Call) -> Call:
    """The call with ``GroupName`` resolved to ``GroupId`` (the ControlPlane takes ids)."""
    params = dict(call.params)
    name = params.pop("GroupName", None)
    if "GroupId" not in params:
        if name is None:
            raise missing_parameter("GroupId")
        params["GroupId"] = group_named(call, name).id
    return dc_replace(call, params=params)


@handler("DescribeSecurityGroups")
def describe_security_groups(call: Call) -> dict[str, Any]:
    names = call.params.get("GroupNames")
    if not names:
        return describe(call, SG_KIND)
    wanted = {group_named(call, n).id for n in names}
    kind = dc_replace(SG_KIND, include=lambda c, g: g.id in wanted)
    return describe(call, kind)


describe_security_groups.via = "describe " + ", ".join(sorted(SG_FILTERS))  # type: ignore[attr-defined]


def _created_group(call: Call, sg: SecurityGroup) -> dict[str, Any]:
    return shapes.with_tags({"GroupId": sg.id, "SecurityGroupArn": sg_arn(sg)}, sg)


mutating("CreateSecurityGroup", result=_created_group, tag_type=SecurityGroup.RESOURCE_TYPE)


@handler("DeleteSecurityGroup")
def delete_security_group(call: Call) -> dict[str, Any]:
    call = with_group_id(call)
    call.cp.delete_security_group(group_id=call.params["GroupId"])
    return {"Return": True, "GroupId": call.params["GroupId"]}


def _authorize(action: str, name: str) -> None:
    @handler(action)
    def run(call: Call) -> dict[str, Any]:
        call = with_group_id(call)
        rules = call.cp.call(name, control_kwargs(call, name))
        return {"Return": True, "SecurityGroupRules": [security_group_rule(call.world, r) for r in rules]}

    run.via = f"ControlPlane.{name}"  # type: ignore[attr-defined]


def _revoke(action: str, name: str) -> None:
    @handler(action)
    def run(call: Call) -> dict[str, Any]:
        call = with_group_id(call)
        result = call.cp.call(name, control_kwargs(call, name))
        out: dict[str, Any] = {
            "Return": True,
            "RevokedSecurityGroupRules": [revoked_rule(r) for r in result.revoked],
        }
        if result.unknown_ip_permissions:
            out["UnknownIpPermissions"] = pascal(list(result.unknown_ip_permissions))
        return out

    run.via = f"ControlPlane.{name}"  # type: ignore[attr-defined]


_authorize("AuthorizeSecurityGroupIngress", "authorize_security_group_ingress")
_authorize("AuthorizeSecurityGroupEgress", "authorize_security_group_egress")
_revoke("RevokeSecurityGroupIngress", "revoke_security_group_ingress")
_revoke("RevokeSecurityGroupEgress", "revoke_security_group_egress")
mutating("ModifySecurityGroupRules")


@dataclass(frozen=True)
class RuleView:
    """A rule as DescribeSecurityGroupRules lists it (rules carry no tags in vpclab)."""

    rule: SecurityGroupRule
    owner_id: str
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.rule.security_group_rule_id


def _rule_views(call: Call) -> list[RuleView]:
    return [
        RuleView(r, sg.owner_id)
        for sg in call.world.all(SecurityGroup)
        if sg.visible_to(call.world, call.account_id, call.region)
        for r in sg.all_rules
    ]


describe_handler(
    "DescribeSecurityGroupRules",
    Kind(
        SecurityGroup,
        key="SecurityGroupRules",
        ids="SecurityGroupRuleIds",
        shape=lambda w, v: security_group_rule(w, v.rule),
        source=_rule_views,
        not_found=("InvalidSecurityGroupRuleId.NotFound", "The security group rule ID '{id}' does not exist"),
        check_id=check_rule_id,
        filters={
            "group-id": lambda w, v: v.rule.group_id,
            "security-group-rule-id": lambda w, v: v.rule.security_group_rule_id,
        },
    ),
)
