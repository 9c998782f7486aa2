"""Snapshot steps for the kinds around the VPC core: IPv6 blocks, egress-only internet gateways,
customer-managed prefix lists, RAM shares, VPN (customer gateways, virtual private gateways and
their attachments, VPN connections and their static routes, route propagation) and transit
gateway peering attachments; each made through the ControlPlane with AWS's ids pinned.
"""

from __future__ import annotations

from ipaddress import IPv6Network
from typing import Any

from ..control.ipv6 import REGION_POOLS, VPC_IPV6_PREFIX
from ..model.transit_gateway import TransitGatewayAttachment
from .snapshot_load import Loader, _tags
from .snapshot_read import Region

GONE = ("deleted", "deleting", "failed", "rejected", "expired", "disassociated", "disassociating")


def _block_draw(region: str, block: str) -> str | None:
    """The hex draw ``allocate_vpc_block`` turns into ``block``, or None (outside vpclab's pool)."""
    pool = REGION_POOLS.get(region)
    net = IPv6Network(block, strict=False)
    if pool is None or net.prefixlen != VPC_IPV6_PREFIX or not net.subnet_of(pool):
        return None
    bits = VPC_IPV6_PREFIX - pool.prefixlen
    n = (int(net.network_address) - int(pool.network_address)) >> (128 - VPC_IPV6_PREFIX)
    return f"{n:0{(bits + 3) // 4}x}"


def ipv6_blocks(ld: Loader, regs: list[Region]) -> None:
    """Each VPC's Amazon-provided IPv6 /56 (the same block: its draw pinned), then its subnets' /64s.

    A block outside vpclab's pool for the Region (BYOIP, or a pool vpclab does not know) cannot be
    made the same: it is reported, and the VPC stays IPv4-only."""
    for r, i, v in ld.each(regs, "Vpcs", "VpcId"):
        if v["VpcId"] not in ld.world:
            continue
        for j, assoc in enumerate(v.get("Ipv6CidrBlockAssociationSet", [])):
            block = assoc.get("Ipv6CidrBlock", "")
            if assoc.get("Ipv6CidrBlockState", {}).get("State", "associated") != "associated" or not block:
                continue
            draw = _block_draw(r.region, block)
            where = f"Vpcs[{i}].Ipv6CidrBlockAssociationSet[{j}]"
            if draw is None:
                ld.report.problems.append(
                    f"{r.file_of('Vpcs')}: $.{where}: {block} is outside vpclab's Amazon IPv6 pool for "
                    f"{r.region} ({REGION_POOLS.get(r.region)}): not loaded"
                )
                continue
            ld.pinned.hexes.append(draw)
            ld.call(
                r,
                where,
                "associate_vpc_cidr_block",
                assoc.get("AssociationId"),
                account=v.get("OwnerId") or r.account,
                vpc_id=v["VpcId"],
                amazon_provided_ipv6_cidr_block=True,
            )
    for r, i, s in ld.each(regs, "Subnets", "SubnetId"):
        if s["SubnetId"] not in ld.world:
            continue
        for j, assoc in enumerate(s.get("Ipv6CidrBlockAssociationSet", [])):
            if assoc.get("Ipv6CidrBlockState", {}).get("State", "associated") != "associated":
                continue
            ld.call(
                r,
                f"Subnets[{i}].Ipv6CidrBlockAssociationSet[{j}]",
                "associate_subnet_cidr_block",
                assoc.get("AssociationId"),
                account=s.get("OwnerId") or r.account,
                subnet_id=s["SubnetId"],
                ipv6_cidr_block=assoc["Ipv6CidrBlock"],
            )
        if s.get("AssignIpv6AddressOnCreation"):
            ld.call(
                r,
                f"Subnets[{i}].AssignIpv6AddressOnCreation",
                "modify_subnet_attribute",
                account=s.get("OwnerId") or r.account,
                subnet_id=s["SubnetId"],
                assign_ipv6_address_on_creation=True,
            )


def egress_only_internet_gateways(ld: Loader, regs: list[Region]) -> None:
    for r, i, g in ld.each(regs, "EgressOnlyInternetGateways", "EgressOnlyInternetGatewayId"):
        gid = g["EgressOnlyInternetGatewayId"]
        for att in g.get("Attachments", []):
            if att.get("State", "attached") not in ("attached", "attaching"):
                continue
            if (
                ld.call(
                    r,
                    f"EgressOnlyInternetGateways[{i}]",
                    "create_egress_only_internet_gateway",
                    gid,
                    vpc_id=att["VpcId"],
                    tags=_tags(g),
                )
                is not None
            ):
                ld.name(g, gid)
            break


def prefix_lists(ld: Loader, regs: list[Region]) -> None:
    """Customer-managed prefix lists with their entries (AWS's own lists come with every Region)."""
    for r, i, p in ld.each(regs, "PrefixLists", "PrefixListId"):
        pid = p["PrefixListId"]
        if p.get("OwnerId") == "AWS" or pid in ld.world or p.get("State", "").endswith("failed"):
            continue
        entries = r.per_item.get("Entries", {}).get(pid, {}).get("Entries", [])
        made = ld.call(
            r,
            f"PrefixLists[{i}]",
            "create_managed_prefix_list",
            pid,
            account=p.get("OwnerId") or r.account,
            prefix_list_name=p["PrefixListName"],
            max_entries=p.get("MaxEntries") or max(len(entries), 1),
            address_family=p.get("AddressFamily", "IPv4"),
            entries=[{"cidr": e["Cidr"], "description": e.get("Description")} for e in entries],
            tags=_tags(p),
        )
        if made is not None:
            ld.name(p, pid)


def resource_shares(ld: Loader, regs: list[Region]) -> None:
    """RAM shares the snapshot's accounts own, with their resources and principals (a shared VPC's
    subnets: participants then launch into them, as the participant's own files show)."""
    for r, i, s in ld.each(regs, "resourceShares", "resourceShareArn"):
        arn = s["resourceShareArn"]
        if s.get("status", "ACTIVE") != "ACTIVE":
            continue
        resources = [x["arn"] for x in r.items.get("resources", []) if x.get("resourceShareArn") == arn]
        principals = [
            x["associatedEntity"]
            for x in r.items.get("resourceShareAssociations", [])
            if x.get("resourceShareArn") == arn
            and x.get("associationType", "PRINCIPAL") == "PRINCIPAL"
            and x.get("status", "ASSOCIATED") == "ASSOCIATED"
        ]
        made = ld.call(
            r,
            f"resourceShares[{i}]",
            "create_resource_share",
            arn.rsplit("/", 1)[-1],
            account=s.get("owningAccountId") or r.account,
            name=s["name"],
            resource_arns=resources,
            principals=principals,
            allow_external_principals=s.get("allowExternalPrincipals", True),
            tags={t["key"]: t.get("value", "") for t in s.get("tags", [])},
        )
        if made is not None and s.get("name"):
            ld.name({"Tags": [{"Key": "Name", "Value": s["name"]}]}, made.id)


def customer_gateways(ld: Loader, regs: list[Region]) -> None:
    for r, i, c in ld.each(regs, "CustomerGateways", "CustomerGatewayId"):
        if c.get("State") in GONE:
            continue
        params: dict[str, Any] = {"type": c.get("Type", "ipsec.1"), "tags": _tags(c)}
        if c.get("BgpAsnExtended"):
            params["bgp_asn_extended"] = int(c["BgpAsnExtended"])
        elif c.get("BgpAsn"):
            params["bgp_asn"] = int(c["BgpAsn"])
        if c.get("IpAddress"):
            params["ip_address"] = c["IpAddress"]
        if c.get("DeviceName"):
            params["device_name"] = c["DeviceName"]
        if ld.call(r, f"CustomerGateways[{i}]", "create_customer_gateway", c["CustomerGatewayId"], **params):
            ld.name(c, c["CustomerGatewayId"])


def vpn_gateways(ld: Loader, regs: list[Region]) -> None:
    for r, i, g in ld.each(regs, "VpnGateways", "VpnGatewayId"):
        gid = g["VpnGatewayId"]
        if g.get("State") in GONE:
            continue
        params: dict[str, Any] = {"type": g.get("Type", "ipsec.1"), "tags": _tags(g)}
        if g.get("AmazonSideAsn") is not None:
            params["amazon_side_asn"] = int(g["AmazonSideAsn"])
        if ld.call(r, f"VpnGateways[{i}]", "create_vpn_gateway", gid, **params) is None:
            continue
        ld.name(g, gid)
        for j, att in enumerate(g.get("VpcAttachments", [])):
            if att.get("State") in ("attached", "attaching"):
                ld.call(
                    r,
                    f"VpnGateways[{i}].VpcAttachments[{j}]",
                    "attach_vpn_gateway",
                    vpc_id=att["VpcId"],
                    vpn_gateway_id=gid,
                )


def vpn_connections(ld: Loader, regs: list[Region]) -> None:
    """VPN connections (on a virtual private gateway or a transit gateway: the TGW's VPN attachment
    keeps its id too) and their static routes."""
    for r, i, v in ld.each(regs, "VpnConnections", "VpnConnectionId"):
        vid = v["VpnConnectionId"]
        if v.get("State") in GONE:
            continue
        attachment = next(
            (
                a["TransitGatewayAttachmentId"]
                for a in r.items.get("TransitGatewayAttachments", [])
                if a.get("ResourceType") == "vpn" and a.get("ResourceId") == vid
            ),
            None,
        )
        gateway = (
            {"transit_gateway_id": v["TransitGatewayId"]}
            if v.get("TransitGatewayId")
            else {"vpn_gateway_id": v.get("VpnGatewayId")}
        )
        static = bool(v.get("Options", {}).get("StaticRoutesOnly", False))
        made = ld.call(
            r,
            f"VpnConnections[{i}]",
            "create_vpn_connection",
            vid,
            attachment,
            customer_gateway_id=v["CustomerGatewayId"],
            type=v.get("Type", "ipsec.1"),
            options={"static_routes_only": static},
            tags=_tags(v),
            **gateway,
        )
        if made is None:
            continue
        ld.name(v, vid)
        if attachment is not None:
            att = next(
                (
                    x
                    for x in r.items.get("TransitGatewayAttachments", [])
                    if x.get("TransitGatewayAttachmentId") == attachment
                ),
                {},
            )
            ld.name(att, attachment)
        for j, route in enumerate(v.get("Routes", [])):
            if (
                str(route.get("Source", "Static")).lower() == "static"
                and route.get("State") not in GONE
                and "TransitGatewayId" not in gateway
            ):
                ld.call(
                    r,
                    f"VpnConnections[{i}].Routes[{j}]",
                    "create_vpn_connection_route",
                    vpn_connection_id=vid,
                    destination_cidr_block=route["DestinationCidrBlock"],
                )


def route_propagation(ld: Loader, regs: list[Region]) -> None:
    """``PropagatingVgws`` of each route table: the virtual private gateway's routes propagate."""
    for r, i, t in ld.each(regs, "RouteTables", "RouteTableId"):
        if t["RouteTableId"] not in ld.world:
            continue
        for j, p in enumerate(t.get("PropagatingVgws", [])):
            ld.call(
                r,
                f"RouteTables[{i}].PropagatingVgws[{j}]",
                "enable_vgw_route_propagation",
                account=t.get("OwnerId") or r.account,
                gateway_id=p["GatewayId"],
                route_table_id=t["RouteTableId"],
            )


def tgw_peerings(ld: Loader, regs: list[Region]) -> None:
    """Transit gateway peering attachments, made by the requester and accepted by the accepter (the
    accepter's side keeps the same id, as AWS shows it)."""
    for r, i, p in ld.each(regs, "TransitGatewayPeeringAttachments", "TransitGatewayAttachmentId"):
        aid = p["TransitGatewayAttachmentId"]
        state = p.get("State") or p.get("Status", {}).get("Code")
        if state in GONE:
            continue
        req, acc = p["RequesterTgwInfo"], p["AccepterTgwInfo"]
        made = ld.call(
            r,
            f"TransitGatewayPeeringAttachments[{i}]",
            "create_transit_gateway_peering_attachment",
            aid,
            account=req.get("OwnerId") or r.account,
            region=req.get("Region") or r.region,
            transit_gateway_id=req["TransitGatewayId"],
            peer_transit_gateway_id=acc["TransitGatewayId"],
            peer_account_id=acc.get("OwnerId"),
            peer_region=acc.get("Region"),
            tags=_tags(p),
        )
        if made is None:
            continue
        ld.name(p, aid)
        att = ld.world.get(aid, TransitGatewayAttachment)
        if att is not None and att.state == "pendingAcceptance" and state == "available":
            ld.call(
                r,
                f"TransitGatewayPeeringAttachments[{i}].State",
                "accept_transit_gateway_peering_attachment",
                account=acc.get("OwnerId") or r.account,
                region=acc.get("Region") or r.region,
                transit_gateway_attachment_id=aid,
            )
