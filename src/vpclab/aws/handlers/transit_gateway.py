"""Transit gateways: gateways, VPC and peering attachments, every attachment, route tables,
associations, propagations, static routes and SearchTransitGatewayRoutes.

AWS: "Amazon VPC Transit Gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/) and the EC2 API
reference of each action. vpclab's ``replace_transit_gateway_route_table_association`` is a lab
convenience with no EC2 action, so it has no handler here.

A peering attachment has one id and two sides; each side sees it from its own gateway
(DescribeTransitGatewayAttachments: ``TransitGatewayId`` is the caller's side, ``ResourceId`` the
other gateway). AWS's API reference does not spell out the accepter's view; this is vpclab's reading
of it, chosen so that each side's association (``Association``) is the one on its own gateway.
Creation times are not answered: the model keeps none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from botocore import xform_name

from ...core.errors import AwsError
from ...model.base import Tags
from ...model.transit_gateway import (
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRoute,
    TransitGatewayRouteTable,
    TransitGatewayRouteTableAssociation,
    TransitGatewayRouteTablePropagation,
)
from ...model.world import World
from .. import shapes
from ..describe import Kind, describe, describe_handler
from ..registry import Call, handler, mutating

Shape = dict[str, Any]


# -- shapes --------------------------------------------------------------------------------------
def transit_gateway(world: World, tgw: TransitGateway) -> Shape:
    o = tgw.options
    options = shapes.drop_none(
        {
            "AmazonSideAsn": o.amazon_side_asn,
            "AutoAcceptSharedAttachments": o.auto_accept_shared_attachments,
            "DefaultRouteTableAssociation": o.default_route_table_association,
            "AssociationDefaultRouteTableId": o.association_default_route_table_id,
            "DefaultRouteTablePropagation": o.default_route_table_propagation,
            "PropagationDefaultRouteTableId": o.propagation_default_route_table_id,
            "VpnEcmpSupport": o.vpn_ecmp_support,
            "DnsSupport": o.dns_support,
            "MulticastSupport": o.multicast_support,
        }
    )
    return shapes.with_tags(
        shapes.drop_none({
            "TransitGatewayId": tgw.id,
            "TransitGatewayArn": tgw.arn,
            "State": tgw.state,
            "OwnerId": tgw.owner_id,
            "Description": tgw.description,
            "Options": options,
            "CreationTime": tgw.create_time,
        }),
        tgw,
    )


def vpc_attachment(world: World, att: TransitGatewayAttachment) -> Shape:
    return shapes.with_tags(
        shapes.drop_none({
            "TransitGatewayAttachmentId": att.id,
            "TransitGatewayId": att.transit_gateway_id,
            "VpcId": att.resource_id,
            "VpcOwnerId": att.resource_owner_id,
            "State": att.state,
            "SubnetIds": list(att.subnet_ids),
            "Options": {
                "DnsSupport": att.dns_support,
                "ApplianceModeSupport": att.appliance_mode_support,
                "Ipv6Support": att.ipv6_support,
            },
            "CreationTime": att.create_time,
        }),
        att,
    )


#: PeeringAttachmentStatus messages (AWS shows the state, capitalized, as the message)
_STATUS_MESSAGES = {
    "initiatingRequest": "Initiating Request",
    "pendingAcceptance": "Pending Acceptance",
    "available": "Available",
    "deleting": "Deleting",
    "deleted": "Deleted",
    "rejected": "Rejected",
    "failed": "Failed",
    "failing": "Failing",
}


def peering_attachment(world: World, att: TransitGatewayAttachment) -> Shape:
    return shapes.with_tags(
        shapes.drop_none({
            "TransitGatewayAttachmentId": att.id,
            "RequesterTgwInfo": {
                "TransitGatewayId": att.transit_gateway_id,
                "OwnerId": att.owner_id,
                "Region": att.region,
            },
            "AccepterTgwInfo": {
                "TransitGatewayId": att.peer_transit_gateway_id,
                "OwnerId": att.peer_account_id,
                "Region": att.peer_region,
            },
            "Status": {"Code": att.state, "Message": _STATUS_MESSAGES.get(att.state, att.state)},
            "State": att.state,
            "CreationTime": att.create_time,
        }),
        att,
    )


def route_table(world: World, rtb: TransitGatewayRouteTable) -> Shape:
    return shapes.with_tags(
        shapes.drop_none({
            "TransitGatewayRouteTableId": rtb.id,
            "TransitGatewayId": rtb.transit_gateway_id,
            "State": rtb.state,
            "DefaultAssociationRouteTable": rtb.default_association_route_table,
            "DefaultPropagationRouteTable": rtb.default_propagation_route_table,
            "CreationTime": rtb.create_time,
        }),
        rtb,
    )


def route(world: World, r: TransitGatewayRoute) -> Shape:
    attachments = []
    for att_id in r.transit_gateway_attachment_ids:
        att = world.get(att_id, TransitGatewayAttachment)
        attachments.append(
            shapes.drop_none(
                {
                    "ResourceId": att.resource_id if att is not None else None,
                    "TransitGatewayAttachmentId": att_id,
                    "ResourceType": att.resource_type if att is not None else r.resource_type,
                }
            )
        )
    out = shapes.drop_none(
        {
            "DestinationCidrBlock": r.destination_cidr_block,
            "PrefixListId": r.prefix_list_id,
            "Type": r.type,
            "State": r.state,
        }
    )
    if attachments:
        out["TransitGatewayAttachments"] = attachments
    return out


def association(a: TransitGatewayRouteTableAssociation) -> Shape:
    return {
        "TransitGatewayRouteTableId": a.transit_gateway_route_table_id,
        "TransitGatewayAttachmentId": a.transit_gateway_attachment_id,
        "ResourceId": a.resource_id,
        "ResourceType": a.resource_type,
        "State": a.state,
    }


def propagation(p: TransitGatewayRouteTablePropagation) -> Shape:
    return {
        "TransitGatewayAttachmentId": p.transit_gateway_attachment_id,
        "ResourceId": p.resource_id,
        "ResourceType": p.resource_type,
        "TransitGatewayRouteTableId": p.transit_gateway_route_table_id,
        "State": p.state,
    }


shapes.register(TransitGateway, transit_gateway)
shapes.register(TransitGatewayRouteTable, route_table)


# -- transit gateways ----------------------------------------------------------------------------
def _opt(name: str) -> Any:
    return lambda w, t: getattr(t.options, name)


TGW_FILTERS = {
    "transit-gateway-id": lambda w, t: t.id,
    "state": lambda w, t: t.state,
    "options.amazon-side-asn": _opt("amazon_side_asn"),
    "options.association-default-route-table-id": _opt("association_default_route_table_id"),
    "options.propagation-default-route-table-id": _opt("propagation_default_route_table_id"),
    "options.auto-accept-shared-attachments": _opt("auto_accept_shared_attachments"),
    "options.default-route-table-association": _opt("default_route_table_association"),
    "options.default-route-table-propagation": _opt("default_route_table_propagation"),
    "options.dns-support": _opt("dns_support"),
    "options.vpn-ecmp-support": _opt("vpn_ecmp_support"),
}

mutating("CreateTransitGateway", returns=transit_gateway, tag_type=TransitGateway.RESOURCE_TYPE)
mutating("ModifyTransitGateway", returns=transit_gateway)
describe_handler(
    "DescribeTransitGateways",
    Kind(
        TransitGateway,
        key="TransitGateways",
        ids="TransitGatewayIds",
        shape=transit_gateway,
        filters=TGW_FILTERS,
    ),
)


def _before(call: Call, kind: type, param: str) -> Any:
    """The resource a Delete* names, read before the ControlPlane removes it (None if unknown: the
    ControlPlane then answers AWS's NotFound)."""
    res = call.world.get(call.params[param], kind)
    return res if res is not None and res.visible_to(call.world, call.account_id, call.region) else None


@handler("DeleteTransitGateway")
def delete_transit_gateway(call: Call) -> Shape:
    """DeleteTransitGateway answers the gateway in state ``deleting``."""
    tgw = _before(call, TransitGateway, "TransitGatewayId")
    call.cp.delete_transit_gateway(transit_gateway_id=call.params["TransitGatewayId"])
    return {"TransitGateway": transit_gateway(call.world, replace(tgw, state="deleting"))}


# -- VPC attachments -----------------------------------------------------------------------------
def _live_kind(resource_type: str) -> Any:
    def include(call: Call, att: TransitGatewayAttachment) -> bool:
        return att.resource_type == resource_type

    return include


VPC_ATTACHMENT_FILTERS = {
    "transit-gateway-attachment-id": lambda w, a: a.id,
    "transit-gateway-id": lambda w, a: a.transit_gateway_id,
    "vpc-id": lambda w, a: a.resource_id,
    "state": lambda w, a: a.state,
}

mutating("CreateTransitGatewayVpcAttachment", returns=vpc_attachment,
         tag_type=TransitGatewayAttachment.RESOURCE_TYPE)
mutating("ModifyTransitGatewayVpcAttachment", returns=vpc_attachment)
mutating("AcceptTransitGatewayVpcAttachment", returns=vpc_attachment)
mutating("RejectTransitGatewayVpcAttachment", returns=vpc_attachment)
describe_handler(
    "DescribeTransitGatewayVpcAttachments",
    Kind(
        TransitGatewayAttachment,
        key="TransitGatewayVpcAttachments",
        ids="TransitGatewayAttachmentIds",
        shape=vpc_attachment,
        filters=VPC_ATTACHMENT_FILTERS,
        include=_live_kind("vpc"),
    ),
)


def _delete_attachment(
    action: str, key: str, shape: Callable[[World, TransitGatewayAttachment], Shape]
) -> None:
    """DeleteTransitGateway{Vpc,Peering}Attachment: the attachment as it was, in state "deleting"."""

    @handler(action)
    def delete(call: Call) -> Shape:
        att = _before(call, TransitGatewayAttachment, "TransitGatewayAttachmentId")
        att_id = call.params["TransitGatewayAttachmentId"]
        getattr(call.cp, xform_name(action))(transit_gateway_attachment_id=att_id)
        return {key: shape(call.world, replace(att, state="deleting"))}


_delete_attachment("DeleteTransitGatewayVpcAttachment", "TransitGatewayVpcAttachment", vpc_attachment)


# -- peering attachments -------------------------------------------------------------------------
PEERING_FILTERS = {
    "transit-gateway-attachment-id": lambda w, a: a.id,
    "transit-gateway-id": lambda w, a: list(a.transit_gateway_ids),
    "local-owner-id": lambda w, a: a.owner_id,
    "remote-owner-id": lambda w, a: a.peer_account_id,
    "state": lambda w, a: a.state,
}

mutating(
    "CreateTransitGatewayPeeringAttachment",
    returns=peering_attachment,
    tag_type=TransitGatewayAttachment.RESOURCE_TYPE,
)
mutating("AcceptTransitGatewayPeeringAttachment", returns=peering_attachment)
mutating("RejectTransitGatewayPeeringAttachment", returns=peering_attachment)
describe_handler(
    "DescribeTransitGatewayPeeringAttachments",
    Kind(
        TransitGatewayAttachment,
        key="TransitGatewayPeeringAttachments",
        ids="TransitGatewayAttachmentIds",
        shape=peering_attachment,
        filters=PEERING_FILTERS,
        include=_live_kind("peering"),
    ),
)


_delete_attachment(
    "DeleteTransitGatewayPeeringAttachment", "TransitGatewayPeeringAttachment", peering_attachment
)


# -- every attachment, from the caller's side ----------------------------------------------------
@dataclass(frozen=True)
class AttachmentView:
    """An attachment as one caller sees it: a peering attachment from its own gateway's side."""

    att: TransitGatewayAttachment
    accepter_side: bool

    @property
    def id(self) -> str:
        return self.att.id

    @property
    def tags(self) -> Tags:
        return self.att.tags

    @property
    def owner_id(self) -> str:
        return self.transit_gateway_owner_id

    @property
    def transit_gateway_id(self) -> str:
        return (self.att.peer_transit_gateway_id or "") if self.accepter_side else self.att.transit_gateway_id

    @property
    def transit_gateway_owner_id(self) -> str:
        return (self.att.peer_account_id or "") if self.accepter_side else self.att.owner_id

    @property
    def resource_id(self) -> str:
        return self.att.transit_gateway_id if self.accepter_side else self.att.resource_id

    @property
    def resource_owner_id(self) -> str:
        return self.att.owner_id if self.accepter_side else self.att.resource_owner_id

    @property
    def association_route_table_id(self) -> str | None:
        return self.att.association_for(self.transit_gateway_id)

    def shape(self) -> Shape:
        rtb = self.association_route_table_id
        return shapes.with_tags(
            shapes.drop_none(
                {
                    "TransitGatewayAttachmentId": self.att.id,
                    "TransitGatewayId": self.transit_gateway_id,
                    "TransitGatewayOwnerId": self.transit_gateway_owner_id,
                    "ResourceOwnerId": self.resource_owner_id,
                    "ResourceType": self.att.resource_type,
                    "ResourceId": self.resource_id,
                    "State": self.att.state,
                    "CreationTime": self.att.create_time,
                    "Association": {"TransitGatewayRouteTableId": rtb, "State": "associated"}
                    if rtb
                    else None,
                }
            ),
            self.att,
        )


def _views(call: Call) -> list[AttachmentView]:
    out = []
    for att in call.world.all(TransitGatewayAttachment):
        if not att.visible_to(call.world, call.account_id, call.region):
            continue
        accepter = (
            att.resource_type == "peering"
            and (call.account_id, call.region) == (att.peer_account_id, att.peer_region)
            and (call.account_id, call.region) != (att.owner_id, att.region)
        )
        out.append(AttachmentView(att, accepter))
    return out


describe_handler(
    "DescribeTransitGatewayAttachments",
    Kind(
        TransitGatewayAttachment,
        key="TransitGatewayAttachments",
        ids="TransitGatewayAttachmentIds",
        shape=lambda world, view: view.shape(),
        source=_views,
        filters={
            "transit-gateway-attachment-id": lambda w, v: v.id,
            "transit-gateway-id": lambda w, v: v.transit_gateway_id,
            "transit-gateway-owner-id": lambda w, v: v.transit_gateway_owner_id,
            "resource-id": lambda w, v: v.resource_id,
            "resource-owner-id": lambda w, v: v.resource_owner_id,
            "resource-type": lambda w, v: v.att.resource_type,
            "state": lambda w, v: v.att.state,
            "association.transit-gateway-route-table-id": lambda w, v: v.association_route_table_id,
            "association.state": lambda w, v: "associated" if v.association_route_table_id else None,
        },
    ),
)

# -- route tables --------------------------------------------------------------------------------
RTB_FILTERS = {
    "transit-gateway-route-table-id": lambda w, r: r.id,
    "transit-gateway-id": lambda w, r: r.transit_gateway_id,
    "state": lambda w, r: r.state,
    "default-association-route-table": lambda w, r: r.default_association_route_table,
    "default-propagation-route-table": lambda w, r: r.default_propagation_route_table,
}

mutating(
    "CreateTransitGatewayRouteTable",
    returns=route_table,
    key="TransitGatewayRouteTable",
    tag_type=TransitGatewayRouteTable.RESOURCE_TYPE,
)
describe_handler(
    "DescribeTransitGatewayRouteTables",
    Kind(
        TransitGatewayRouteTable,
        key="TransitGatewayRouteTables",
        ids="TransitGatewayRouteTableIds",
        shape=route_table,
        filters=RTB_FILTERS,
    ),
)


@handler("DeleteTransitGatewayRouteTable")
def delete_transit_gateway_route_table(call: Call) -> Shape:
    rtb = _before(call, TransitGatewayRouteTable, "TransitGatewayRouteTableId")
    call.cp.delete_transit_gateway_route_table(
        transit_gateway_route_table_id=call.params["TransitGatewayRouteTableId"]
    )
    return {"TransitGatewayRouteTable": route_table(call.world, replace(rtb, state="deleting"))}


# -- associations and propagations ---------------------------------------------------------------
def _association_result(call: Call, a: TransitGatewayRouteTableAssociation) -> Shape:
    # AssociateTransitGatewayRouteTable answers "associating" until the association is in force;
    # vpclab applies it at once, so it answers the state it is in
    return {"Association": association(a)}


def _propagation_result(call: Call, p: TransitGatewayRouteTablePropagation) -> Shape:
    return {"Propagation": propagation(p)}


mutating("AssociateTransitGatewayRouteTable", result=_association_result)
mutating("DisassociateTransitGatewayRouteTable", result=_association_result)
mutating("EnableTransitGatewayRouteTablePropagation", result=_propagation_result)
mutating("DisableTransitGatewayRouteTablePropagation", result=_propagation_result)

_ROW_FILTERS = {
    "resource-id": lambda w, r: r.resource_id,
    "resource-type": lambda w, r: r.resource_type,
    "transit-gateway-attachment-id": lambda w, r: r.transit_gateway_attachment_id,
}


def _rows(call: Call, name: str) -> list[Any]:
    rows: list[Any] = call.cp.call(
        name, {"transit_gateway_route_table_id": call.params["TransitGatewayRouteTableId"]}
    )
    return rows


def _rows_handler(action: str, name: str, key: str, shape: Any) -> None:
    kind = Kind(
        TransitGatewayRouteTable,
        key=key,
        shape=lambda world, row: shape(row),
        source=lambda call: _rows(call, name),
        item_id=lambda row: row.transit_gateway_attachment_id,
        filters=_ROW_FILTERS,
    )

    @handler(action)
    def run(call: Call) -> Shape:
        return describe(call, kind)

    run.via = f"ControlPlane.{name}"  # type: ignore[attr-defined]


def _association_row(a: TransitGatewayRouteTableAssociation) -> Shape:
    out = association(a)
    del out["TransitGatewayRouteTableId"]
    return out


def _propagation_row(p: TransitGatewayRouteTablePropagation) -> Shape:
    out = propagation(p)
    del out["TransitGatewayRouteTableId"]
    return out


_rows_handler(
    "GetTransitGatewayRouteTableAssociations",
    "get_transit_gateway_route_table_associations",
    "Associations",
    _association_row,
)
_rows_handler(
    "GetTransitGatewayRouteTablePropagations",
    "get_transit_gateway_route_table_propagations",
    "TransitGatewayRouteTablePropagations",
    _propagation_row,
)


@handler("GetTransitGatewayAttachmentPropagations")
def get_transit_gateway_attachment_propagations(call: Call) -> Shape:
    """The route tables an attachment propagates to (filter ``transit-gateway-route-table-id``)."""
    att = call.cp.ctx.require(TransitGatewayAttachment, call.params["TransitGatewayAttachmentId"])
    tables = [
        r
        for r in call.world.all(TransitGatewayRouteTable)
        if att.id in r.propagations and r.visible_to(call.world, call.account_id, call.region)
    ]
    kind = Kind(
        TransitGatewayRouteTable,
        key="TransitGatewayAttachmentPropagations",
        shape=lambda world, r: {"TransitGatewayRouteTableId": r.id, "State": "enabled"},
        source=lambda c: tables,
        filters={"transit-gateway-route-table-id": lambda w, r: r.id},
    )
    return describe(call, kind)


# -- static routes and route search --------------------------------------------------------------
def _route_result(call: Call, r: TransitGatewayRoute) -> Shape:
    return {"Route": route(call.world, r)}


mutating("CreateTransitGatewayRoute", result=_route_result)
mutating("DeleteTransitGatewayRoute", result=_route_result)
mutating("ReplaceTransitGatewayRoute", result=_route_result)


@handler("SearchTransitGatewayRoutes")
def search_transit_gateway_routes(call: Call) -> Shape:
    """The table's effective routes matching the Filters; ``AdditionalRoutesAvailable`` says whether
    MaxResults cut the answer short."""
    if call.params.get("NextToken"):
        # AWS's API has the member but answers every route in one page (up to MaxResults)
        raise AwsError("InvalidNextToken", f"The token '{call.params['NextToken']}' is invalid.")
    filters = [{"name": f.get("Name", ""), "values": f.get("Values", [])} for f in call.params["Filters"]]
    rtb_id = call.params["TransitGatewayRouteTableId"]
    cp = call.cp
    found = cp.search_transit_gateway_routes(
        transit_gateway_route_table_id=rtb_id, filters=filters, max_results=call.params.get("MaxResults")
    )
    every = cp.search_transit_gateway_routes(transit_gateway_route_table_id=rtb_id, filters=filters)
    return {
        "Routes": [route(call.world, r) for r in found],
        "AdditionalRoutesAvailable": len(every) > len(found),
    }
