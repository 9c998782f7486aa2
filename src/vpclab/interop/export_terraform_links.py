"""Terraform blocks for what joins networks: peerings, transit gateways, VPN, Direct Connect, RAM
shares, and the routes (written last: their targets are all named by then). See export_terraform."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model.direct_connect import DirectConnectGateway, DirectConnectGatewayAssociation, VirtualInterface
from ..model.interfaces import NetworkInterface
from ..model.peering import VpcPeeringConnection
from ..model.route_table import ROUTE_TARGETS, Route, RouteTable
from ..model.sharing import ResourceShare
from ..model.transit_gateway import TransitGateway, TransitGatewayAttachment, TransitGatewayRouteTable
from ..model.vpc import Vpc
from ..model.vpn import ON_PREMISES_CIDRS_TAG, CustomerGateway, VpnConnection, VpnGateway
from .export_hcl import Expr
from .export_terraform_vpc import _rt_ref

if TYPE_CHECKING:
    from .export_terraform import TerraformWriter

_LIVE = ("deleted", "deleting", "rejected", "failed")
#: a route's target field → aws_route's argument
_ROUTE_ARGS = {
    "gateway_id": "gateway_id",
    "nat_gateway_id": "nat_gateway_id",
    "vpc_peering_connection_id": "vpc_peering_connection_id",
    "transit_gateway_id": "transit_gateway_id",
    "network_interface_id": "network_interface_id",
    "instance_id": "network_interface_id",
    "egress_only_internet_gateway_id": "egress_only_gateway_id",
    "vpc_endpoint_id": "vpc_endpoint_id",
}


def _sorted(w: TerraformWriter, items: Any) -> list[Any]:
    return sorted(items, key=lambda r: (w.names(r.id), r.id))


def _enable(flag: str) -> str | None:
    return flag if flag in ("enable", "disable") else None


def write_links(w: TerraformWriter) -> None:
    n, world = w.names, w.world
    for p in _sorted(w, world.all(VpcPeeringConnection)):
        if p.status_code not in ("active", "pending-acceptance") or p.requester_vpc_id not in w.addresses:
            continue
        same = (p.requester_owner_id, p.requester_region) == (p.accepter_owner_id, p.accepter_region)
        address = w.add(
            "aws_vpc_peering_connection",
            n(p.id),
            {
                "vpc_id": w.ref(p.requester_vpc_id),
                "peer_vpc_id": w.ref(p.accepter_vpc_id),
                "peer_owner_id": p.accepter_owner_id if p.accepter_owner_id != p.requester_owner_id else None,
                "peer_region": p.accepter_region if p.accepter_region != p.requester_region else None,
                "auto_accept": True if same and p.status_code == "active" else None,
            },
            res=p,
            owner=(p.requester_owner_id, p.requester_region),
            tag_name=n(p.id),
        )
        if not same and p.status_code == "active":
            w.add(
                "aws_vpc_peering_connection_accepter",
                n(p.id),
                {"vpc_peering_connection_id": Expr(f"{address}.id"), "auto_accept": True},
                owner=(p.accepter_owner_id, p.accepter_region),
            )
    gateways = [t for t in _sorted(w, world.all(TransitGateway)) if t.state == "available"]
    for tgw in gateways:
        _transit_gateway(w, tgw)
    for tgw in gateways:  # then the attachments: a peering names the other gateway
        _attachments(w, tgw)
    for cgw in _sorted(w, world.all(CustomerGateway)):
        if cgw.state == "available":
            w.add(
                "aws_customer_gateway",
                n(cgw.id),
                {
                    "bgp_asn": cgw.bgp_asn,
                    "ip_address": cgw.ip_address,
                    "type": cgw.type,
                    "device_name": cgw.device_name,
                },
                res=cgw,
                tag_name=n(cgw.id),
            )
            if ON_PREMISES_CIDRS_TAG in cgw.tags:
                w.notes.append(
                    f"customer gateway {n(cgw.id)}: its on-premises networks are vpclab's lab tag "
                    f"{ON_PREMISES_CIDRS_TAG} (kept as a tag; on AWS, BGP says them)"
                )
    for vgw in _sorted(w, world.all(VpnGateway)):
        if vgw.state == "available":
            w.add(
                "aws_vpn_gateway",
                n(vgw.id),
                {"vpc_id": w.ref(vgw.vpc_id), "amazon_side_asn": vgw.amazon_side_asn},
                res=vgw,
                group=n(vgw.vpc_id) if vgw.vpc_id else "main",
                tag_name=n(vgw.id),
            )
    for vpn in _sorted(w, world.all(VpnConnection)):
        if vpn.state not in ("available", "pending"):
            continue
        address = w.add(
            "aws_vpn_connection",
            n(vpn.id),
            {
                "customer_gateway_id": w.ref(vpn.customer_gateway_id),
                "vpn_gateway_id": w.ref(vpn.vpn_gateway_id),
                "transit_gateway_id": w.ref(vpn.transit_gateway_id),
                "type": vpn.type,
                "static_routes_only": True if vpn.static_routes_only else None,
            },
            res=vpn,
            tag_name=n(vpn.id),
        )
        for r in vpn.routes:
            if r.state != "deleted" and vpn.vpn_gateway_id:
                w.add(
                    "aws_vpn_connection_route",
                    f"{n(vpn.id)}-{r.destination_cidr_block}",
                    {
                        "destination_cidr_block": r.destination_cidr_block,
                        "vpn_connection_id": Expr(f"{address}.id"),
                    },
                    owner=(vpn.owner_id, vpn.region),
                )
        att = _attachment_of(world, vpn.id)
        if att is not None:
            w.addresses[att.id] = f"{address}|transit_gateway_attachment_id"
    for dx in _sorted(w, world.all(DirectConnectGateway)):
        _dx_gateway(w, dx)
    for share in _sorted(w, world.all(ResourceShare)):
        if share.status == "ACTIVE":
            _share(w, share)


def _attachment_of(world: Any, resource_id: str) -> TransitGatewayAttachment | None:
    return next(
        (
            a
            for a in world.all(TransitGatewayAttachment)
            if a.resource_id == resource_id and a.state not in _LIVE
        ),
        None,
    )


def attachment_ref(w: TerraformWriter, att_id: str) -> Expr | None:
    address = w.addresses.get(att_id)
    if address is None:
        return None
    if "|" in address:
        base, attr = address.split("|")
        return Expr(f"{base}.{attr}")
    return Expr(f"{address}.id")


def _transit_gateway(w: TerraformWriter, tgw: TransitGateway) -> None:
    n, world, o = w.names, w.world, tgw.options
    name = n(tgw.id)
    address = w.add(
        "aws_ec2_transit_gateway",
        name,
        {
            "description": tgw.description or None,
            "amazon_side_asn": o.amazon_side_asn,
            "default_route_table_association": _enable(o.default_route_table_association),
            "default_route_table_propagation": _enable(o.default_route_table_propagation),
            "auto_accept_shared_attachments": _enable(o.auto_accept_shared_attachments),
            "dns_support": _enable(o.dns_support),
            "vpn_ecmp_support": _enable(o.vpn_ecmp_support),
        },
        res=tgw,
        tag_name=name,
    )
    for rt in _sorted(w, world.all(TransitGatewayRouteTable)):
        if rt.transit_gateway_id != tgw.id or rt.state != "available":
            continue
        if rt.default_association_route_table or rt.default_propagation_route_table:
            w.addresses[rt.id] = f"{address}|association_default_route_table_id"
        else:
            w.add(
                "aws_ec2_transit_gateway_route_table",
                n(rt.id),
                {"transit_gateway_id": Expr(f"{address}.id")},
                res=rt,
                tag_name=n(rt.id),
            )


def _attachments(w: TerraformWriter, tgw: TransitGateway) -> None:
    n, world, o = w.names, w.world, tgw.options
    address = w.addresses[tgw.id]
    default_rt = o.association_default_route_table_id
    for att in _sorted(w, world.all(TransitGatewayAttachment)):
        if att.transit_gateway_id != tgw.id or att.state in _LIVE:
            continue
        if att.resource_type == "vpc":
            vpc = world.get(att.resource_id, Vpc)
            rt = _propagated_to(world, att.id)
            w.add(
                "aws_ec2_transit_gateway_vpc_attachment",
                n(att.id),
                {
                    "transit_gateway_id": Expr(f"{address}.id"),
                    "vpc_id": w.ref(att.resource_id),
                    "subnet_ids": [w.ref(s) for s in att.subnet_ids],
                    "appliance_mode_support": "enable" if att.appliance_mode_support == "enable" else None,
                    "ipv6_support": "enable" if att.ipv6_support == "enable" else None,
                    "transit_gateway_default_route_table_association": False
                    if o.default_route_table_association == "enable"
                    and att.association_route_table_id != default_rt
                    else None,
                    "transit_gateway_default_route_table_propagation": False
                    if o.default_route_table_propagation == "enable"
                    and o.propagation_default_route_table_id not in rt
                    else None,
                },
                res=att,
                owner=(vpc.owner_id, vpc.region) if vpc is not None else None,
                tag_name=n(att.id),
            )
            if (
                vpc is not None
                and vpc.owner_id != tgw.owner_id
                and att.state == "available"
                and o.auto_accept_shared_attachments != "enable"
            ):
                # a VPC of another account on a shared gateway: the gateway's owner accepts it
                w.add(
                    "aws_ec2_transit_gateway_vpc_attachment_accepter",
                    n(att.id),
                    {"transit_gateway_attachment_id": Expr(f"{w.addresses[att.id]}.id")},
                    owner=(tgw.owner_id, tgw.region),
                )
        elif att.resource_type == "peering" and att.peer_transit_gateway_id:
            peer = world.get(att.peer_transit_gateway_id, TransitGateway)
            peering = w.add(
                "aws_ec2_transit_gateway_peering_attachment",
                n(att.id),
                {
                    "transit_gateway_id": Expr(f"{address}.id"),
                    "peer_transit_gateway_id": w.ref(att.peer_transit_gateway_id)
                    or att.peer_transit_gateway_id,
                    "peer_account_id": att.peer_account_id,
                    "peer_region": att.peer_region,
                },
                res=att,
                tag_name=n(att.id),
            )
            if att.state == "available" and peer is not None:
                w.add(
                    "aws_ec2_transit_gateway_peering_attachment_accepter",
                    n(att.id),
                    {"transit_gateway_attachment_id": Expr(f"{peering}.id")},
                    owner=(peer.owner_id, peer.region),
                )


def _propagated_to(world: Any, att_id: str) -> set[str]:
    return {rt.id for rt in world.all(TransitGatewayRouteTable) if att_id in rt.propagations}


def _dx_gateway(w: TerraformWriter, dx: DirectConnectGateway) -> None:
    n, world = w.names, w.world
    if dx.state != "available":
        return
    address = w.add(
        "aws_dx_gateway",
        n(dx.id),
        {"name": dx.direct_connect_gateway_name, "amazon_side_asn": str(dx.amazon_side_asn)},
        res=dx,
    )
    for assoc in world.all(DirectConnectGatewayAssociation):
        if assoc.direct_connect_gateway_id != dx.id or not assoc.live:
            continue
        gw = n(assoc.associated_gateway_id)
        w.add(
            "aws_dx_gateway_association",
            f"{n(dx.id)}-{gw}",
            {
                "dx_gateway_id": Expr(f"{address}.id"),
                "associated_gateway_id": w.ref(assoc.associated_gateway_id),
                "allowed_prefixes": list(assoc.allowed_prefixes),
            },
            owner=(dx.owner_id, dx.region),
        )
        if assoc.transit_gateway_attachment_id:
            label = w.label("aws_ec2_transit_gateway_dx_gateway_attachment", f"{n(dx.id)}-{gw}")
            from .export_hcl import Block

            w.blocks.append(
                Block(
                    "data",
                    ("aws_ec2_transit_gateway_dx_gateway_attachment", label),
                    {
                        "transit_gateway_id": w.ref(assoc.associated_gateway_id),
                        "dx_gateway_id": Expr(f"{address}.id"),
                    },
                )
            )
            w.addresses[assoc.transit_gateway_attachment_id] = (
                f"data.aws_ec2_transit_gateway_dx_gateway_attachment.{label}|id"
            )
    vifs = [v for v in world.all(VirtualInterface) if v.direct_connect_gateway_id == dx.id]
    if vifs:
        w.notes.append(
            f"Direct Connect gateway {n(dx.id)}: its {len(vifs)} virtual interface(s) are not written "
            "(each needs a physical connection ordered from AWS: aws_dx_*_virtual_interface)"
        )


def _share(w: TerraformWriter, share: ResourceShare) -> None:
    n = w.names
    address = w.add(
        "aws_ram_resource_share",
        n(share.id),
        {"name": share.share_name, "allow_external_principals": share.allow_external_principals},
        res=share,
        tag_name=n(share.id),
    )
    for rid in share.resource_ids:
        if rid in w.addresses:
            w.add(
                "aws_ram_resource_association",
                f"{n(share.id)}-{n(rid)}",
                {
                    "resource_share_arn": Expr(f"{address}.arn"),
                    "resource_arn": Expr(f"{w.addresses[rid]}.arn"),
                },
                owner=(share.owner_id, share.region),
            )
    for principal in share.principals:
        w.add(
            "aws_ram_principal_association",
            f"{n(share.id)}-{principal}",
            {"resource_share_arn": Expr(f"{address}.arn"), "principal": principal},
            owner=(share.owner_id, share.region),
        )


# -- written last: routes, propagations, associations ---------------------------------------------------
def write_late(w: TerraformWriter) -> None:
    n, world = w.names, w.world
    for rt in _sorted(w, world.all(RouteTable)):
        if rt.vpc_id not in w.addresses:
            continue
        group = n(rt.vpc_id)
        table = _rt_ref(w, rt.id)
        label = w.addresses[rt.id].split(".", 1)[1]
        for r in rt.routes:
            if (
                r.origin != "CreateRoute"
                or r.gateway_id == "local"
                or (r.gateway_id or "").startswith("vpce-")
            ):
                continue
            attrs = _route(w, r, rt)
            if attrs is not None:
                dest = (
                    r.destination_cidr_block
                    or r.destination_ipv6_cidr_block
                    or n(r.destination_prefix_list_id or "")
                )
                w.add(
                    "aws_route",
                    f"{label}-{dest}",
                    {"route_table_id": table, **attrs},
                    owner=(rt.owner_id, rt.region),
                    group=group,
                )
        for vgw in rt.propagating_vgws:
            w.add(
                "aws_vpn_gateway_route_propagation",
                f"{label}-{n(vgw)}",
                {"vpn_gateway_id": w.ref(vgw), "route_table_id": table},
                owner=(rt.owner_id, rt.region),
                group=group,
            )
        for a in rt.associations:
            if a.gateway_id and a.state == "associated":
                w.add(
                    "aws_route_table_association",
                    f"{label}-edge",
                    {"gateway_id": w.ref(a.gateway_id), "route_table_id": table},
                    owner=(rt.owner_id, rt.region),
                    group=group,
                )
    for tgw in _sorted(w, world.all(TransitGateway)):
        if tgw.id in w.addresses:
            _tgw_tables(w, tgw)


def _route(w: TerraformWriter, r: Route, rt: RouteTable) -> dict[str, Any] | None:
    attrs: dict[str, Any] = {}
    if r.destination_prefix_list_id:
        attrs["destination_prefix_list_id"] = (
            w.ref(r.destination_prefix_list_id) or r.destination_prefix_list_id
        )
    elif r.destination_ipv6_cidr_block:
        attrs["destination_ipv6_cidr_block"] = r.destination_ipv6_cidr_block
    else:
        attrs["destination_cidr_block"] = r.destination_cidr_block
    for t in ROUTE_TARGETS:
        rid = getattr(r, t.field)
        if not rid or t.field not in _ROUTE_ARGS:
            continue
        if t.field == "network_interface_id":
            eni = w.world.get(rid, NetworkInterface)
            if eni is not None and eni.instance_id and eni.instance_id in w.addresses:
                attrs["network_interface_id"] = Expr(
                    f"{w.addresses[eni.instance_id]}.primary_network_interface_id"
                )
                return attrs
        target = attachment_ref(w, rid) if rid.startswith("tgw-attach") else w.ref(rid)
        if target is None:
            w.notes.append(
                f"route table {w.names(rt.id)}: route {next(iter(attrs.values()))} → {rid} not "
                "written: its target is not in the export"
            )
            return None
        attrs[_ROUTE_ARGS[t.field]] = target
        return attrs
    return None


def _tgw_tables(w: TerraformWriter, tgw: TransitGateway) -> None:
    n, world, o = w.names, w.world, tgw.options
    live = [
        a
        for a in world.all(TransitGatewayAttachment)
        if a.state not in _LIVE and tgw.id in (a.transit_gateway_id, a.peer_transit_gateway_id)
    ]
    for rt in _sorted(w, world.all(TransitGatewayRouteTable)):
        if rt.transit_gateway_id != tgw.id or rt.id not in w.addresses:
            continue
        table = attachment_ref(w, rt.id)
        label = n(rt.id) if "|" not in w.addresses[rt.id] else f"{n(tgw.id)}-default"
        # what the gateway's default association and propagation do by themselves is not written
        auto_assoc = (
            rt.id == o.association_default_route_table_id and o.default_route_table_association == "enable"
        )
        auto_prop = (
            rt.id == o.propagation_default_route_table_id and o.default_route_table_propagation == "enable"
        )
        for att in live:
            on_peer_side = att.transit_gateway_id != tgw.id
            associated = (
                att.peer_association_route_table_id if on_peer_side else att.association_route_table_id
            )
            if associated == rt.id and not auto_assoc:
                w.add(
                    "aws_ec2_transit_gateway_route_table_association",
                    f"{label}-{n(att.id)}",
                    {
                        "transit_gateway_attachment_id": attachment_ref(w, att.id),
                        "transit_gateway_route_table_id": table,
                    },
                    owner=(tgw.owner_id, tgw.region),
                )
        for att_id in rt.propagations:
            if att_id not in w.addresses or auto_prop:
                continue
            w.add(
                "aws_ec2_transit_gateway_route_table_propagation",
                f"{label}-{n(att_id)}",
                {
                    "transit_gateway_attachment_id": attachment_ref(w, att_id),
                    "transit_gateway_route_table_id": table,
                },
                owner=(tgw.owner_id, tgw.region),
            )
        for route in rt.routes:
            if route.type != "static" or not route.destination_cidr_block:
                continue
            attrs: dict[str, Any] = {
                "destination_cidr_block": route.destination_cidr_block,
                "transit_gateway_route_table_id": table,
            }
            if route.transit_gateway_attachment_ids:
                attrs["transit_gateway_attachment_id"] = attachment_ref(
                    w, route.transit_gateway_attachment_ids[0]
                )
            else:
                attrs["blackhole"] = True
            w.add(
                "aws_ec2_transit_gateway_route",
                f"{label}-{route.destination_cidr_block}",
                attrs,
                owner=(tgw.owner_id, tgw.region),
            )
