"""Snapshot steps for transit gateways: gateways, route tables, VPC attachments, associations,
propagations and static routes, each made to match what the snapshot says (AWS's ids pinned).

Peering and VPN attachments are made in snapshot_kinds; Direct Connect gateway attachments are not
loaded (counted in the report).
"""

from __future__ import annotations

from typing import Any

from ..model.transit_gateway import TransitGatewayAttachment, TransitGatewayRouteTable
from .snapshot_load import Loader, _snake, _tags
from .snapshot_read import Region

_OPTIONS = {
    "amazon_side_asn",
    "auto_accept_shared_attachments",
    "default_route_table_association",
    "default_route_table_propagation",
    "dns_support",
    "vpn_ecmp_support",
}


def transit_gateways(ld: Loader, regs: list[Region]) -> None:
    for r, i, t in ld.each(regs, "TransitGateways", "TransitGatewayId"):
        opts = t.get("Options", {})
        options = {_snake(k): v for k, v in opts.items() if _snake(k) in _OPTIONS}
        default_rt = opts.get("AssociationDefaultRouteTableId") or opts.get("PropagationDefaultRouteTableId")
        made = ld.call(
            r,
            f"TransitGateways[{i}]",
            "create_transit_gateway",
            t["TransitGatewayId"],
            default_rt,
            account=t.get("OwnerId") or r.account,
            description=t.get("Description", ""),
            options=options,
            tags=_tags(t),
        )
        if made is not None:
            ld.name(t, t["TransitGatewayId"])
    for r, i, rt in ld.each(regs, "TransitGatewayRouteTables", "TransitGatewayRouteTableId"):
        rid = rt["TransitGatewayRouteTableId"]
        if (
            rid not in ld.world
            and ld.call(
                r,
                f"TransitGatewayRouteTables[{i}]",
                "create_transit_gateway_route_table",
                rid,
                transit_gateway_id=rt["TransitGatewayId"],
                tags=_tags(rt),
            )
            is None
        ):
            continue
        ld.name(rt, rid)


def vpc_attachments(ld: Loader, regs: list[Region]) -> None:
    for r, i, a in ld.each(regs, "TransitGatewayVpcAttachments", "TransitGatewayAttachmentId"):
        if a.get("State") in ("deleted", "deleting", "failed", "rejected"):
            continue
        aid = a["TransitGatewayAttachmentId"]
        options = {
            _snake(k): v
            for k, v in a.get("Options", {}).items()
            if _snake(k) in ("appliance_mode_support", "ipv6_support", "dns_support")
        }
        made = ld.call(
            r,
            f"TransitGatewayVpcAttachments[{i}]",
            "create_transit_gateway_vpc_attachment",
            aid,
            account=a.get("VpcOwnerId") or r.account,
            transit_gateway_id=a["TransitGatewayId"],
            vpc_id=a["VpcId"],
            subnet_ids=a.get("SubnetIds", []),
            options=options,
            tags=_tags(a),
        )
        if made is None:
            continue
        ld.name(a, aid)
        att = ld.world.get(aid, TransitGatewayAttachment)
        if att is not None and att.state == "pendingAcceptance" and a.get("State") == "available":
            ld.call(
                r,
                f"TransitGatewayVpcAttachments[{i}].State",
                "accept_transit_gateway_vpc_attachment",
                transit_gateway_attachment_id=aid,
            )


def _per(r: Region, key: str) -> dict[str, Any]:
    return r.per_item.get(key, {})


def transit_gateway_tables(ld: Loader, regs: list[Region]) -> None:
    """Associations, static routes and propagations, as the per-table files say. The static routes
    come before the propagations: CreateTransitGatewayRoute counts every route of the gateway for
    its quota, propagated ones included, and a table without propagations yet counts fast (on
    AWS-MAX, 10,000 static routes into tables of 250 propagations each: minutes otherwise)."""
    for r in regs:
        for rid, body in _per(r, "Associations").items():
            for j, assoc in enumerate(body.get("Associations", [])):
                aid = assoc.get("TransitGatewayAttachmentId", "")
                att = ld.world.get(aid, TransitGatewayAttachment)
                table = ld.world.get(rid, TransitGatewayRouteTable)
                if att is None or table is None:
                    continue
                # a peering attachment has a side per gateway, each associated in its own Region
                current = (
                    att.peer_association_route_table_id
                    if att.resource_type == "peering" and table.transit_gateway_id != att.transit_gateway_id
                    else att.association_route_table_id
                )
                if current == rid:
                    continue
                where = f"{rid}.Associations[{j}]"
                if current is not None:
                    ld.call(
                        r,
                        where,
                        "disassociate_transit_gateway_route_table",
                        transit_gateway_attachment_id=aid,
                        transit_gateway_route_table_id=current,
                    )
                ld.call(
                    r,
                    where,
                    "associate_transit_gateway_route_table",
                    transit_gateway_route_table_id=rid,
                    transit_gateway_attachment_id=aid,
                )
        for rid, body in _per(r, "Routes").items():
            if rid not in ld.world:
                continue
            for j, route in enumerate(body.get("Routes", [])):
                if route.get("Type") != "static" or "DestinationCidrBlock" not in route:
                    continue
                params: dict[str, Any] = {
                    "transit_gateway_route_table_id": rid,
                    "destination_cidr_block": route["DestinationCidrBlock"],
                }
                targets = route.get("TransitGatewayAttachments") or []
                if route.get("State") == "blackhole" or not targets:
                    params["blackhole"] = True
                else:
                    params["transit_gateway_attachment_id"] = targets[0]["TransitGatewayAttachmentId"]
                ld.call(r, f"{rid}.Routes[{j}]", "create_transit_gateway_route", **params)
        for rid, body in _per(r, "TransitGatewayRouteTablePropagations").items():
            table = ld.world.get(rid, TransitGatewayRouteTable)
            if table is None:
                continue
            wanted = [
                p.get("TransitGatewayAttachmentId", "")
                for p in body.get("TransitGatewayRouteTablePropagations", [])
            ]
            for aid in set(table.propagations) - set(wanted):  # made by the default propagation option
                ld.call(
                    r,
                    f"{rid}.TransitGatewayRouteTablePropagations",
                    "disable_transit_gateway_route_table_propagation",
                    transit_gateway_route_table_id=rid,
                    transit_gateway_attachment_id=aid,
                )
            for j, aid in enumerate(wanted):
                if aid in ld.world and aid not in set(table.propagations):
                    ld.call(
                        r,
                        f"{rid}.TransitGatewayRouteTablePropagations[{j}]",
                        "enable_transit_gateway_route_table_propagation",
                        transit_gateway_route_table_id=rid,
                        transit_gateway_attachment_id=aid,
                    )
