"""VPC sharing through AWS RAM: CreateResourceShare, AssociateResourceShare,
DisassociateResourceShare, DeleteResourceShare.

AWS docs: "Share your VPC with other accounts" and "Responsibilities and permissions for owners
and participants" (Amazon VPC User Guide), "Shareable AWS resources" and the RAM API reference.
RAM's errors are its own (``UnknownResourceException``, ``MalformedArnException``,
``InvalidParameterException``, …), not EC2's.

vpclab models no AWS Organizations: every account of a lab counts as one organization, so the
organization-only rule for subnets always holds, and ``allow_external_principals`` is recorded
but changes nothing. Principals are 12-digit account ids (organization and OU ARNs are not
modelled). What a share does is read by ``model.sharing.shared_with``: shared subnets (and
their VPC) become visible to participants, who may create network interfaces and instances in
them but may not change the owner's resources.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..core.errors import AwsError
from ..model.base import Resource, Tags
from ..model.prefix_lists import ManagedPrefixList
from ..model.security_group import SecurityGroup
from ..model.sharing import ResourceShare, ShareAssociation
from ..model.subnet import Subnet
from ..model.transit_gateway import TransitGateway
from ..model.vpc import Vpc
from .context import Ctx
from .registry import action

#: ARN resource type → the kind of resource RAM shares under it (the EC2 types vpclab models)
SHAREABLE: dict[str, type[Resource]] = {
    cls.ARN_TYPE: cls for cls in (Subnet, TransitGateway, ManagedPrefixList, SecurityGroup)
}

_ARN = re.compile(r"^arn:aws:([a-z0-9-]+):([a-z0-9-]*):(\d{12}):([a-z-]+)/([A-Za-z0-9-]+)$")
_NAME = re.compile(r"^[A-Za-z0-9 .-]+$")
_ACCOUNT = re.compile(r"^\d{12}$")


def resource_arn(res: Resource) -> str:
    """The ARN RAM shares a resource by (``arn:aws:ec2:<region>:<account>:subnet/<id>``)."""
    kind = next(k for k, cls in SHAREABLE.items() if isinstance(res, cls))
    return f"arn:aws:ec2:{res.region}:{res.owner_id}:{kind}/{res.id}"


def _unknown(message: str) -> AwsError:
    return AwsError("UnknownResourceException", message)


def _resolve(ctx: Ctx, arn: str) -> Resource:
    """The caller's own shareable resource named by ``arn``, with RAM's errors."""
    match = _ARN.match(arn)
    if match is None:
        raise AwsError("MalformedArnException", f"The specified resource ARN {arn} is not valid. "
                                                "Verify the ARN and try again.")
    service, region, account, kind, resource_id = match.groups()
    cls = SHAREABLE.get(kind) if service == "ec2" else None
    if cls is None:
        raise AwsError("MalformedArnException", "You cannot share the selected resource type.")
    res = ctx.world.get(resource_id, cls)
    # RAM finds only the caller's own resources in the share's Region: a resource someone else
    # owns (even one shared with the caller) cannot be shared on — AWS: "only the owner shares".
    if res is None or region != ctx.region or res.region != ctx.region or account != res.owner_id \
            or res.owner_id != ctx.account_id:
        raise _unknown(f"The resource {arn} could not be found.")
    _check_shareable(ctx, res)
    return res


def _check_shareable(ctx: Ctx, res: Resource) -> None:
    """The documented exceptions: default subnets, default security groups and groups of a
    default VPC, customer-managed prefix lists only. (RAM's exact wording for these is
    undocumented; vpclab uses InvalidParameterException, RAM's error for a rejected parameter.)"""
    if isinstance(res, Subnet) and res.default_for_az:
        raise AwsError("InvalidParameterException", f"The subnet {res.id} is a default subnet. "
                                                    "You can share only non-default subnets.")
    if isinstance(res, SecurityGroup):
        vpc = ctx.world.get(res.vpc_id, Vpc)
        if res.is_default or (vpc is not None and vpc.is_default):
            raise AwsError("InvalidParameterException", f"The security group {res.id} cannot be shared. "
                                                        "You cannot share default security groups or "
                                                        "security groups in a default VPC.")
    if isinstance(res, ManagedPrefixList) and res.aws_managed:
        raise AwsError("InvalidParameterException",
                       f"The prefix list {res.id} is AWS-managed and cannot be shared.")


def _principals(ctx: Ctx, principals: Sequence[str]) -> tuple[str, ...]:
    for p in principals:
        if not _ACCOUNT.match(p):
            raise AwsError("InvalidParameterException",
                           f"Principal ID {p} is malformed. Verify the ID and try again.")
        if p == ctx.account_id:
            # undocumented wording; RAM shares with other accounts only
            raise AwsError("InvalidParameterException",
                           f"Principal ID {p} is the owner of the resource share. "
                           "You cannot share with yourself.")
    return tuple(dict.fromkeys(principals))


def _share(ctx: Ctx, arn: str) -> ResourceShare:
    """The caller's active resource share with this ARN (RAM: UnknownResourceException otherwise)."""
    for share in ctx.world.all(ResourceShare):
        if share.arn == arn and share.owner_id == ctx.account_id and share.region == ctx.region \
                and share.status == "ACTIVE":
            return share
    raise _unknown(f"ResourceShare {arn} could not be found.")


@action
def create_resource_share(ctx: Ctx, *, name: str, resource_arns: Sequence[str] | None = None,
                          principals: Sequence[str] | None = None, allow_external_principals: bool = True,
                          tags: Mapping[str, str] | None = None) -> ResourceShare:
    """CreateResourceShare: the caller's own shareable resources with other accounts."""
    if not name or not _NAME.match(name):
        raise AwsError("InvalidParameterException",
                       "Resource share name can contain only alphabetic characters, "
                                                    "numbers, spaces, periods, and dashes.")
    accounts = _principals(ctx, principals or [])
    resources = tuple(dict.fromkeys(_resolve(ctx, arn).id for arn in resource_arns or []))
    now = ctx.now
    return ctx.world.put(ResourceShare(id=ctx.new_id("resource_share"), owner_id=ctx.account_id,
                                       region=ctx.region,
                                       tags=Tags(tags), share_name=name, resource_ids=resources,
                                       principals=accounts,
                                       allow_external_principals=allow_external_principals,
                                       creation_time=now, last_updated_time=now,
                                       associations=_associated(resources + accounts, (), ctx)))


def _associated(entities: Sequence[str], existing: Sequence[ShareAssociation],
                ctx: Ctx) -> tuple[ShareAssociation, ...]:
    """The association records after adding ``entities``: an entity already associated keeps its time."""
    out = list(existing)
    known = {a.entity for a in existing}
    for entity in entities:
        if entity not in known:
            out.append(ShareAssociation(entity=entity, creation_time=ctx.now, last_updated_time=ctx.now))
            known.add(entity)
    return tuple(out)


@action
def associate_resource_share(ctx: Ctx, *, resource_share_arn: str, resource_arns: Sequence[str] | None = None,
                             principals: Sequence[str] | None = None) -> ResourceShare:
    """AssociateResourceShare: add resources and/or principals to the caller's share."""
    share = _share(ctx, resource_share_arn)
    if not resource_arns and not principals:
        raise AwsError("MissingRequiredParameterException",
                       "You must specify at least one resource ARN or principal.")
    accounts = _principals(ctx, principals or [])
    added = tuple(_resolve(ctx, arn).id for arn in resource_arns or [])
    return ctx.world.put(replace(
        share, resource_ids=tuple(dict.fromkeys(share.resource_ids + added)),
        principals=tuple(dict.fromkeys(share.principals + accounts)), last_updated_time=ctx.now,
        associations=_associated(added + accounts, share.associations, ctx)))


@action
def disassociate_resource_share(ctx: Ctx, *, resource_share_arn: str,
                                resource_arns: Sequence[str] | None = None,
                                principals: Sequence[str] | None = None) -> ResourceShare:
    """DisassociateResourceShare: remove resources and/or principals from the caller's share.

    AWS ("Unshare a shared subnet"): participants' resources keep running in an unshared subnet,
    and participants can still modify and delete them; they can no longer create new ones."""
    share = _share(ctx, resource_share_arn)
    if not resource_arns and not principals:
        raise AwsError("MissingRequiredParameterException",
                       "You must specify at least one resource ARN or principal.")
    removed: list[str] = []
    for arn in resource_arns or []:
        match = _ARN.match(arn)
        if match is None:
            raise AwsError("MalformedArnException", f"The specified resource ARN {arn} is not valid. "
                                                    "Verify the ARN and try again.")
        if match.group(5) not in share.resource_ids:
            # undocumented wording
            raise _unknown(f"The resource {arn} is not associated with resource share {share.arn}.")
        removed.append(match.group(5))
    for p in principals or []:
        if p not in share.principals:
            raise _unknown(f"The principal {p} is not associated with resource share {share.arn}.")
    gone = set(removed) | set(principals or [])
    return ctx.world.put(replace(
        share, resource_ids=tuple(r for r in share.resource_ids if r not in removed),
        principals=tuple(p for p in share.principals if p not in (principals or [])),
        last_updated_time=ctx.now, associations=tuple(a for a in share.associations if a.entity not in gone)))


@action
def delete_resource_share(ctx: Ctx, *, resource_share_arn: str) -> None:
    """DeleteResourceShare: the share goes to DELETED (RAM keeps listing it) and shares nothing."""
    share = _share(ctx, resource_share_arn)
    ctx.world.put(replace(share, status="DELETED", last_updated_time=ctx.now))
