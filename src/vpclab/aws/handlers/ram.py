"""AWS RAM (service ``ram``, REST-JSON): resource shares for VPC sharing.

AWS: "Share your VPC with other accounts" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html)
and the AWS RAM API reference. Requests arrive through ``aws/restjson.py``; the ControlPlane's
``control/sharing.py`` holds the rules. Every lab account counts as one organization, so a share
is in effect at once (no invitation to accept).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ...control.sharing import SHAREABLE, resource_arn
from ...core.errors import AwsError
from ...model.sharing import ResourceShare
from ..registry import Call, handler

Shape = dict[str, Any]

#: RAM's resource type names for the kinds vpclab shares
RAM_TYPES = {
    "subnet": "ec2:Subnet",
    "transit-gateway": "ec2:TransitGateway",
    "prefix-list": "ec2:PrefixList",
    "security-group": "ec2:SecurityGroup",
}
#: request members vpclab does not model (customer-managed permissions, service principals, …)
_UNSUPPORTED = ("permissionArns", "sources", "permissionTemplateParameters", "resourceShareConfiguration")


def resource_share(share: ResourceShare) -> Shape:
    return {
        "resourceShareArn": share.arn,
        "name": share.share_name,
        "owningAccountId": share.owner_id,
        "allowExternalPrincipals": share.allow_external_principals,
        "status": share.status,
        "tags": [{"key": k, "value": v} for k, v in share.tags.items()],
        "featureSet": "STANDARD",
    } | _times(share.creation_time, share.last_updated_time)


def _times(created: datetime | None, updated: datetime | None) -> Shape:
    """RAM's ``creationTime`` / ``lastUpdatedTime`` (epoch seconds on the wire); left out for an
    object stored before vpclab kept them."""
    out: Shape = {}
    if created is not None:
        out["creationTime"] = created
    if updated is not None:
        out["lastUpdatedTime"] = updated
    return out


def _entity_id(entity: str) -> str:
    """The resource id of a resource ARN, or the account id of a principal."""
    return entity.rsplit("/", 1)[-1]


def _arn_of(call: Call, resource_id: str) -> str | None:
    res = call.world.get(resource_id)
    return resource_arn(res) if res is not None else None


def _type_of(arn: str) -> str:
    kind = arn.split(":", 5)[-1].split("/", 1)[0]
    return RAM_TYPES.get(kind, kind)


def association(share: ResourceShare, entity: str, kind: str, status: str, owner: str,
                updated: datetime | None = None) -> Shape:
    """A ResourceShareAssociation; its times are the entity's association record's (``updated``:
    the time of a change being answered, e.g. a disassociation)."""
    record = share.association(_entity_id(entity))
    created = record.creation_time if record is not None else updated
    return {
        "resourceShareArn": share.arn,
        "resourceShareName": share.share_name,
        "associatedEntity": entity,
        "associationType": kind,
        "status": status,
        "external": kind == "PRINCIPAL" and entity != owner,
    } | _times(created, updated or (record.last_updated_time if record is not None else None))


def _refuse_unsupported(call: Call) -> None:
    for name in _UNSUPPORTED:
        if call.params.get(name):
            raise AwsError(
                "OperationNotPermittedException", f"The parameter {name} is not supported by vpclab."
            )


def _tags(raw: list[Mapping[str, str]] | None) -> dict[str, str]:
    for tag in raw or []:
        if "key" not in tag:
            # RAM's Tag has an optional key in the model; a tag without one is meaningless (AWS's
            # wording is undocumented: InvalidParameterException, RAM's error for a bad parameter)
            raise AwsError("InvalidParameterException", "The tag key is required.")
    return {t["key"]: t.get("value", "") for t in raw or []}


@handler("CreateResourceShare", service="ram")
def create_resource_share(call: Call) -> dict[str, Any]:
    _refuse_unsupported(call)
    p = call.params
    share = call.cp.create_resource_share(
        name=p["name"],
        resource_arns=p.get("resourceArns"),
        principals=p.get("principals"),
        allow_external_principals=p.get("allowExternalPrincipals", True),
        tags=_tags(p.get("tags")),
    )
    return {"resourceShare": resource_share(share), "clientToken": p.get("clientToken")}


def _change(status: str) -> Any:
    def run(call: Call) -> dict[str, Any]:
        _refuse_unsupported(call)
        p = call.params
        fn = (
            call.cp.associate_resource_share
            if status == "ASSOCIATED"
            else call.cp.disassociate_resource_share
        )
        before = next((s for s in call.world.all(ResourceShare) if s.arn == p["resourceShareArn"]), None)
        share = fn(
            resource_share_arn=p["resourceShareArn"],
            resource_arns=p.get("resourceArns"),
            principals=p.get("principals"),
        )
        # a disassociation answers the association as it was, updated now
        answered = share if status == "ASSOCIATED" or before is None else before
        now = call.world.clock.now() if status == "DISASSOCIATED" else None
        out = [
            association(answered, arn, "RESOURCE", status, share.owner_id, now)
            for arn in p.get("resourceArns") or []
        ]
        out += [
            association(answered, a, "PRINCIPAL", status, share.owner_id, now)
            for a in p.get("principals") or []
        ]
        return {"resourceShareAssociations": out, "clientToken": p.get("clientToken")}

    return run


handler("AssociateResourceShare", service="ram")(_change("ASSOCIATED"))
handler("DisassociateResourceShare", service="ram")(_change("DISASSOCIATED"))


@handler("DeleteResourceShare", service="ram")
def delete_resource_share(call: Call) -> dict[str, Any]:
    call.cp.delete_resource_share(resource_share_arn=call.params["resourceShareArn"])
    return {"returnValue": True, "clientToken": call.params.get("clientToken")}


def _shares(call: Call, owner: str) -> list[ResourceShare]:
    """The shares the caller owns (SELF) or that share with it (OTHER-ACCOUNTS), in its Region."""
    if owner not in ("SELF", "OTHER-ACCOUNTS"):
        raise AwsError("InvalidParameterException", f"The resourceOwner {owner} is not valid.")
    shares = [s for s in call.world.all(ResourceShare) if s.region == call.region]
    if owner == "SELF":
        return [s for s in shares if s.owner_id == call.account_id]
    return [s for s in shares if call.account_id in s.principals and s.status == "ACTIVE"]


@handler("GetResourceShares", service="ram")
def get_resource_shares(call: Call) -> dict[str, Any]:
    p = call.params
    shares = _shares(call, p["resourceOwner"])
    if p.get("resourceShareArns"):
        shares = [s for s in shares if s.arn in p["resourceShareArns"]]
    if p.get("resourceShareStatus"):
        shares = [s for s in shares if s.status == p["resourceShareStatus"]]
    if p.get("name"):
        shares = [s for s in shares if s.share_name == p["name"]]
    return {"resourceShares": [resource_share(s) for s in shares]}


@handler("GetResourceShareAssociations", service="ram")
def get_resource_share_associations(call: Call) -> dict[str, Any]:
    p = call.params
    kind = p["associationType"]
    out: list[Shape] = []
    for share in _shares(call, "SELF"):
        if p.get("resourceShareArns") and share.arn not in p["resourceShareArns"]:
            continue
        if share.status != "ACTIVE":
            continue
        if kind == "PRINCIPAL":
            entities = [a for a in share.principals if not p.get("principal") or a == p["principal"]]
        else:
            arns = [_arn_of(call, r) for r in share.resource_ids]
            entities = [a for a in arns if a and (not p.get("resourceArn") or a == p["resourceArn"])]
        out += [association(share, e, kind, "ASSOCIATED", share.owner_id) for e in entities]
    return {"resourceShareAssociations": out}


@handler("ListResources", service="ram")
def list_resources(call: Call) -> dict[str, Any]:
    p = call.params
    out: list[Shape] = []
    for share in _shares(call, p["resourceOwner"]):
        if share.status != "ACTIVE" or (
            p.get("resourceShareArns") and share.arn not in p["resourceShareArns"]
        ):
            continue
        if p.get("principal") and p["principal"] not in share.principals:
            continue
        for rid in share.resource_ids:
            arn = _arn_of(call, rid)
            if arn is None or (p.get("resourceArns") and arn not in p["resourceArns"]):
                continue
            if p.get("resourceType") and _type_of(arn).lower() != p["resourceType"].lower():
                continue
            record = share.association(rid)
            out.append(
                {
                    "arn": arn,
                    "type": _type_of(arn),
                    "resourceShareArn": share.arn,
                    "status": "AVAILABLE",
                    "resourceRegionScope": "REGIONAL",
                }
                | (_times(record.creation_time, record.last_updated_time) if record is not None else {})
            )
    return {"resources": out}


__all__ = ["SHAREABLE", "resource_share"]
