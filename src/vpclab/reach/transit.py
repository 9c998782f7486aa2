"""Route targets that join networks: VPC peering, transit gateways, virtual private gateways, VPN.

AWS docs: VPC Peering guide ("VPC peering limitations", "Unsupported VPC peering configurations");
Amazon VPC Transit Gateways guide ("How transit gateways work", "Amazon VPC attachments",
"Transit gateway route tables", "Transit gateway peering attachments"); Site-to-Site VPN guide
("How AWS Site-to-Site VPN works", "Route tables and VPN route priority").
"""

from __future__ import annotations

from ..model.peering import VpcPeeringConnection
from ..model.subnet import Subnet
from ..model.transit_gateway import TransitGatewayAttachment, vpc_attachment
from ..model.vpn import (
    CustomerGateway,
    VpnConnection,
    VpnGateway,
    advertised_cidrs,
    site_networks,
    vpn_connection_for,
)
from . import direct_connect, fixes
from .forwarding import in_cidr
from .result import PacketHeader
from .tracer import Arrival, Tracer


# -- VPC peering ---------------------------------------------------------------------------
def peering(
    t: Tracer, pcx_id: str, vpc_id: str, subnet: Subnet | None, packet: PacketHeader, origin: str
) -> Arrival:
    """Over an active peering connection, only to an address inside the peer VPC's CIDRs: no
    transitive routing, no edge-to-edge routing through the peer's gateways."""
    pcx = t.world.get(pcx_id, VpcPeeringConnection)
    if pcx is None or pcx.side_of(vpc_id) is None:
        return t.fail(
            "UNKNOWN_RESOURCE",
            f"peering connection {pcx_id} does not exist",
            pcx_id,
            "recreate the peering connection",
        )
    peer = pcx.peer_of(vpc_id)
    if subnet is not None:
        t.acl(subnet, packet, egress=True)
    t.hop("vpc-peering-connection", pcx.id, f"{vpc_id} → {peer}", packet)
    if not t.view.vpc_holds(peer, packet.dst_ip):
        t.fail(
            "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
            f"{t.label(pcx.id)} carries only traffic for {t.label(peer)}'s CIDRs, and {packet.dst_ip} is "
            f"not in them",
            pcx.id,
            fixes.peering_fix(t, pcx, vpc_id, peer, packet),
        )
    return arrive_over_peering(t, pcx, peer, packet)


def arrive_over_peering(t: Tracer, pcx: VpcPeeringConnection, vpc_id: str, packet: PacketHeader) -> Arrival:
    t.entered.setdefault(vpc_id, pcx.id)
    return t.deliver(vpc_id, None, packet, "peering")


def from_peering(t: Tracer, pcx: VpcPeeringConnection, packet: PacketHeader) -> Arrival:
    """Traffic arriving through a peering connection (as a source): into the side holding the
    destination."""
    for vpc_id in pcx.vpc_ids:
        if t.view.vpc_holds(vpc_id, packet.dst_ip):
            t.hop("vpc-peering-connection", pcx.id, f"{pcx.peer_of(vpc_id)} → {vpc_id}", packet)
            if not pcx.is_active:
                t.fail(
                    "BAD_STATE",
                    f"{t.label(pcx.id)} is {pcx.status_code}, not active",
                    pcx.id,
                    fixes.accept_fix(
                        pcx, f"accept {pcx.id} (accept-vpc-peering-connection) in {pcx.accepter_owner_id}"
                    ),
                )
            return arrive_over_peering(t, pcx, vpc_id, packet)
    t.hop("vpc-peering-connection", pcx.id, f"arriving for {packet.dst_ip}", packet)
    return t.fail(
        "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
        f"{packet.dst_ip} is in neither VPC of {t.label(pcx.id)}",
        pcx.id,
        f"a peering connection carries traffic only between {' and '.join(pcx.vpc_ids)}",
    )


# -- transit gateway -----------------------------------------------------------------------
def tgw_from_vpc(t: Tracer, tgw_id: str, vpc_id: str, subnet: Subnet | None, packet: PacketHeader) -> Arrival:
    """Into a transit gateway through the VPC's attachment, in the sender's Availability Zone."""
    att = vpc_attachment(t.world, tgw_id, vpc_id)
    if att is None:
        return t.fail(
            "UNKNOWN_RESOURCE",
            f"{vpc_id} has no attachment to {tgw_id}",
            tgw_id,
            f"attach {vpc_id} to {tgw_id}",
        )
    att_subnets = [s for s in (t.world.get(i, Subnet) for i in att.subnet_ids) if s is not None]
    here = subnet
    if here is not None:
        same_az = next((s for s in att_subnets if s.availability_zone == here.availability_zone), None)
        if same_az is None:
            # AWS "Amazon VPC attachments": traffic is forwarded to the transit gateway only when the
            # attachment has a subnet in the same Availability Zone. AWS documents the code's name
            # only; vpclab reports TGW_ROUTE_AZ_RESTRICTION for it.
            t.fail(
                "TGW_ROUTE_AZ_RESTRICTION",
                f"{t.label(att.id)} has no subnet in {here.availability_zone}, so {here.id} cannot send to "
                f"{t.label(tgw_id)}",
                att.id,
                f"add a subnet in {here.availability_zone} to {att.id} "
                f"(modify-transit-gateway-vpc-attachment "
                f"--add-subnet-ids)",
            )
        towards_tgw_acls(t, here, same_az, packet)
        where = f"{same_az.id} ({same_az.availability_zone})"
    else:
        where = att_subnets[0].id if att_subnets else vpc_id
    t.hop("transit-gateway-attachment", att.id, f"{vpc_id} → {tgw_id} through {where}", packet)
    return tgw_forward(t, tgw_id, att, packet, here.availability_zone if here is not None else None)


def towards_tgw_acls(t: Tracer, here: Subnet, att_subnet: Subnet, packet: PacketHeader) -> None:
    """Network ACLs for traffic from a subnet towards the transit gateway, per AWS "Network ACLs for
    transit gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html). The sender and the
    attachment in the same subnet: that subnet's outbound rules (by destination IP) AND its inbound
    rules (by source IP). Different subnets: the sender subnet's outbound rules and the attachment
    subnet's inbound rules. (From the transit gateway into a subnet, :meth:`Tracer.cross` already does
    what AWS documents: nothing for the attachment's own subnet, else the attachment subnet's
    outbound and the destination subnet's inbound rules.)"""
    if here.id == att_subnet.id:
        t.acl(here, packet, egress=True)
        t.acl(here, packet, egress=False)
        return
    t.cross(here, att_subnet, packet)


def tgw_forward(
    t: Tracer, tgw_id: str, att: TransitGatewayAttachment, packet: PacketHeader, az: str | None
) -> Arrival:
    """The transit gateway routes by the route table the incoming attachment is associated with."""
    rtb_id = att.association_for(tgw_id)
    t.hop("transit-gateway", tgw_id, f"from {att.id}", packet)
    if not rtb_id:
        t.fail(
            "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
            f"{t.label(att.id)} is not associated with a route table of {t.label(tgw_id)}",
            att.id,
            fixes.tgw_association_fix(t, tgw_id, att),
        )
    key = (rtb_id, packet.dst_ip)
    if key in t.visited:
        t.fail(
            "VPCLAB_ROUTING_LOOP",
            f"the packet for {packet.dst_ip} came back to {t.label(rtb_id)}: the routes form a loop",
            rtb_id,
            f"remove one of the routes that send {packet.dst_ip} in a circle",
        )
    t.visited.add(key)
    route = t.view.tgw_route(rtb_id, packet.dst_ip)
    if route is None:
        t.hop("transit-gateway-route-table", rtb_id, f"no route for {packet.dst_ip}", packet)
        t.fail(
            "TGW_RTB_CANNOT_ROUTE",
            f"no route for {packet.dst_ip} in {t.label(rtb_id)}",
            rtb_id,
            fixes.tgw_no_route_fix(t, tgw_id, rtb_id, packet),
        )
    targets = route.transit_gateway_attachment_ids
    shown = ", ".join(targets) if targets else "blackhole"
    t.hop(
        "transit-gateway-route-table",
        rtb_id,
        f"{route.destination_cidr_block} → {shown} ({route.type})",
        packet,
    )
    if route.state != "active" or not targets:
        t.fail(
            "TGW_RTB_BAD_STATE_ROUTE",
            f"the route {route.destination_cidr_block} in {t.label(rtb_id)} is a blackhole",
            rtb_id,
            fixes.tgw_blackhole_fix(t, rtb_id, route, packet),
        )
    out = t.world.get(targets[0], TransitGatewayAttachment)
    if out is None:
        return t.fail(
            "UNKNOWN_RESOURCE", f"attachment {targets[0]} does not exist", targets[0], "recreate it"
        )
    if out.resource_type == "vpc":
        return tgw_into_vpc(t, tgw_id, out, packet, az)
    if out.resource_type == "vpn":
        t.hop("transit-gateway-attachment", out.id, f"{tgw_id} → {out.resource_id}", packet)
        vpn = t.world.get(out.resource_id, VpnConnection)
        return to_on_premises(t, vpn, packet, ("tgw-vpn", out.id))
    if out.resource_type == "direct-connect-gateway":
        return direct_connect.to_on_premises(t, out, packet)
    if out.resource_type == "peering":
        far = out.peer_transit_gateway_id if tgw_id == out.transit_gateway_id else out.transit_gateway_id
        t.hop("transit-gateway-attachment", out.id, f"{tgw_id} → {far}", packet)
        return tgw_forward(t, far or "", out, packet, None)
    return t.fail(
        "UNSUPPORTED_COMPONENT",
        f"vpclab does not trace through {out.resource_type} attachments",
        out.id,
        "trace to the attachment instead",
    )


def tgw_into_vpc(
    t: Tracer, tgw_id: str, att: TransitGatewayAttachment, packet: PacketHeader, az: str | None
) -> Arrival:
    """Out of the transit gateway into a VPC: through the attachment's interface in the Availability
    Zone the packet entered the transit gateway in (else the destination's, else the first); the
    ATTACHMENT SUBNET's route table then forwards the packet (AWS "Amazon VPC attachments").

    Appliance mode (AWS "Example: Appliance in a shared services VPC",
    https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html): the
    transit gateway keeps one interface of the attachment for both directions of a flow. AWS picks
    it by a flow hash; vpclab picks the forward path's choice and reuses it for the reply. Without
    appliance mode each direction stays in the AZ it came from, and a reply entering through
    another AZ is remembered so that meeting another appliance there is reported."""
    vpc_id = att.resource_id
    att_subnets = [s for s in (t.world.get(i, Subnet) for i in att.subnet_ids) if s is not None]
    if not att_subnets:
        return t.fail(
            "TGW_ATTACH_VPC_AZ_RESTRICTION",
            f"{t.label(att.id)} has no subnets",
            att.id,
            f"add a subnet to {att.id}",
        )
    appliance_mode = att.appliance_mode_support == "enable"
    forward_az = t.attachment_azs.get(att.id)
    chosen = None
    note = ""
    if appliance_mode and not t.forward and forward_az is not None:
        # appliance mode: the reply uses the attachment interface the request used
        chosen = next((s for s in att_subnets if s.availability_zone == forward_az), None)
        note = ", appliance mode: the request's Availability Zone" if chosen is not None else ""
    if chosen is None:
        dst_subnet = t.view.subnet_at(vpc_id, packet.dst_ip)
        dst_az = dst_subnet.availability_zone if dst_subnet is not None else None
        # Without appliance mode AWS keeps the flow in the originating Availability Zone: it enters
        # through the attachment subnet in the sender's AZ ("When appliance mode is not enabled,
        # traffic is kept to the originating Availability Zone", "Example: Appliance in a shared
        # services VPC"). AWS does not document where it goes when the attachment has no subnet in
        # that AZ; vpclab keeps its earlier choice there: the destination's AZ, else the first
        # subnet. With appliance mode the request keeps vpclab's earlier choice (destination's AZ,
        # else the sender's, else the first; AWS picks by a flow hash) and the reply reuses it.
        wanted = (dst_az, az) if appliance_mode else (az, dst_az)
        for want in wanted:
            chosen = chosen or next((s for s in att_subnets if want and s.availability_zone == want), None)
        chosen = chosen or att_subnets[0]
    if t.forward:
        t.attachment_azs.setdefault(att.id, chosen.availability_zone)
    elif not appliance_mode and forward_az is not None and forward_az != chosen.availability_zone:
        t.az_switches[vpc_id] = (att.id, forward_az, chosen.availability_zone)
    t.entered.setdefault(vpc_id, tgw_id)
    t.hop(
        "transit-gateway-attachment",
        att.id,
        f"{tgw_id} → {vpc_id} through {chosen.id} ({chosen.availability_zone}{note})",
        packet,
    )
    return t.route_from_subnet(chosen, packet, "tgw")


def from_attachment(t: Tracer, att: TransitGatewayAttachment, packet: PacketHeader) -> Arrival:
    """Traffic arriving at a transit gateway through an attachment (as a source)."""
    tgw_id = att.transit_gateway_id
    if att.resource_type == "peering" and att.peer_transit_gateway_id:
        # the side whose gateway reaches the destination's VPC directly, else the requester's
        for side in (att.peer_transit_gateway_id, att.transit_gateway_id):
            for sub in t.view.subnets_containing(packet.dst_ip):
                if vpc_attachment(t.world, side, sub.vpc_id) is not None:
                    tgw_id = side
    t.hop("transit-gateway-attachment", att.id, f"arriving at {tgw_id}", packet)
    return tgw_forward(t, tgw_id, att, packet, None)


# -- VPN -----------------------------------------------------------------------------------
def vgw_egress(
    t: Tracer, vgw_id: str, vpc_id: str, subnet: Subnet | None, packet: PacketHeader, origin: str
) -> Arrival:
    """Out through the virtual private gateway, over the VPN connection that carries the destination."""
    if subnet is not None:
        t.acl(subnet, packet, egress=True)
    t.entered.setdefault(vpc_id, vgw_id)
    t.hop("vpn-gateway", vgw_id, f"{vpc_id} → on premises", packet)
    vpn = vpn_connection_for(t.world, vgw_id, packet.dst_ip)
    over_dx = direct_connect.vgw_route(t, vgw_id, packet.dst_ip)
    if over_dx is not None:
        # AWS "Route tables and VPN route priority": the longest prefix, then on identical prefixes
        # BGP routes from Direct Connect before the VPN's static and BGP routes
        vpn_len = max((int(c.split("/")[1]) for c in advertised_cidrs(t.world, vpn)
                       if in_cidr(packet.dst_ip, c)), default=-1) if vpn is not None else -1
        if over_dx[0] >= vpn_len:
            return direct_connect.vgw_to_on_premises(t, vgw_id, vpc_id, over_dx[1], over_dx[2], packet)
    if vpn is None:
        t.fail(
            "VPCLAB_ON_PREMISES_NO_ROUTE",
            f"no VPN connection of {t.label(vgw_id)} carries {packet.dst_ip}",
            vgw_id,
            fixes.vpn_route_fix(t, vgw_id, packet),
        )
    return to_on_premises(t, vpn, packet, ("vgw", vgw_id, vpc_id))


def to_on_premises(
    t: Tracer, vpn: VpnConnection | None, packet: PacketHeader, via: tuple[str, ...]
) -> Arrival:
    if vpn is None or vpn.state != "available":
        return t.fail(
            "BAD_STATE_VPN",
            f"VPN connection {vpn.id if vpn else '?'} is not available",
            vpn.id if vpn else "",
            "wait for the VPN connection to become available, or recreate it",
        )
    t.hop("vpn-connection", vpn.id, f"tunnel to {vpn.customer_gateway_id}", packet)
    cgw = t.world.get(vpn.customer_gateway_id, CustomerGateway)
    cidrs = site_networks(t.world, cgw) if cgw is not None else ()
    t.hop(
        "customer-gateway",
        vpn.customer_gateway_id,
        f"on-premises networks {', '.join(cidrs) or 'none'}",
        packet,
    )
    if not any(in_cidr(packet.dst_ip, c) for c in cidrs):
        t.fail(
            "VPCLAB_ON_PREMISES_NO_ROUTE",
            f"{packet.dst_ip} is not in the on-premises networks behind "
            f"{t.label(vpn.customer_gateway_id)} ({', '.join(cidrs) or 'none'})",
            vpn.customer_gateway_id,
            f"name {packet.dst_ip}'s network behind {vpn.customer_gateway_id}: a static route of "
            f"{vpn.id} (create-vpn-connection-route, or a transit gateway static route to its "
            f"attachment), or the tag vpclab:on-premises-cidrs for a BGP-advertised network",
        )
    return Arrival("on-premises", packet.dst_ip, via=(*via, vpn.customer_gateway_id))


def from_on_premises(t: Tracer, cgw_id: str, packet: PacketHeader, via: tuple[str, ...] = ()) -> Arrival:
    """From on premises into AWS: over Direct Connect when an interface of the site carries the
    destination (``reach.direct_connect``), else over a VPN connection of the site's customer
    gateway: through a virtual private gateway into its VPC, or a transit gateway's VPN attachment.
    ``cgw_id`` names the site: a customer gateway or a virtual interface."""
    world = t.world
    over_dx = direct_connect.from_on_premises(t, cgw_id, packet) or direct_connect.private_from_on_premises(
        t, cgw_id, packet)
    if over_dx is not None:
        return over_dx
    if world.get(cgw_id, CustomerGateway) is None:
        # a site named by its virtual interface: its VPN backup, if it has one
        backup = direct_connect.backup_customer_gateway(t, packet.src_ip)
        if backup is None:
            return direct_connect.no_route(t, cgw_id, packet)
        cgw_id, via = backup.id, ()
    vpns = [v for v in world.all(VpnConnection) if v.customer_gateway_id == cgw_id and v.state == "available"]
    chosen: tuple[VpnConnection, str] | None = None
    if via and via[0] == "tgw-vpn":
        att = world.get(via[1], TransitGatewayAttachment)
        vpn = world.get(att.resource_id, VpnConnection) if att is not None else None
        chosen = (vpn, "tgw") if vpn is not None else None
    elif via and via[0] == "vgw":
        vpn = next((v for v in vpns if v.vpn_gateway_id == via[1]), None)
        chosen = (vpn, "vgw") if vpn is not None else None
    else:
        for v in vpns:  # a VGW whose VPC holds the destination first, then a transit gateway
            vgw = world.get(v.vpn_gateway_id or "", VpnGateway)
            if vgw is not None and vgw.vpc_id and t.view.vpc_holds(vgw.vpc_id, packet.dst_ip):
                chosen = (v, "vgw")
                break
        if chosen is None:
            tv = next((v for v in vpns if v.transit_gateway_id), None)
            chosen = (tv, "tgw") if tv is not None else ((vpns[0], "vgw") if vpns else None)
    t.hop("customer-gateway", cgw_id, f"on premises {packet.src_ip}", packet)
    if chosen is None:
        return t.fail(
            "VPCLAB_ON_PREMISES_NO_ROUTE",
            f"{t.label(cgw_id)} has no available VPN connection",
            cgw_id,
            f"create a VPN connection from {cgw_id} to a virtual private gateway or transit gateway",
        )
    vpn, kind = chosen
    t.hop("vpn-connection", vpn.id, f"tunnel from {cgw_id}", packet)
    if kind == "tgw":
        att = next(
            (
                a
                for a in world.all(TransitGatewayAttachment)
                if a.resource_type == "vpn" and a.resource_id == vpn.id and a.live
            ),
            None,
        )
        if att is None:
            return t.fail(
                "BAD_STATE_ATTACHMENT",
                f"{vpn.id} has no transit gateway attachment",
                vpn.id,
                f"recreate the VPN connection to {vpn.transit_gateway_id}",
            )
        t.hop("transit-gateway-attachment", att.id, f"{vpn.id} → {att.transit_gateway_id}", packet)
        return tgw_forward(t, att.transit_gateway_id, att, packet, None)
    vgw = world.get(vpn.vpn_gateway_id or "", VpnGateway)
    if vgw is None or not vgw.vpc_id:
        return t.fail(
            "BAD_STATE_ATTACHMENT",
            f"{vpn.vpn_gateway_id} is not attached to a VPC",
            vpn.vpn_gateway_id or vpn.id,
            f"attach {vpn.vpn_gateway_id} to a VPC",
        )
    t.hop("vpn-gateway", vgw.id, f"on premises → {vgw.vpc_id}", packet)
    if not t.view.vpc_holds(vgw.vpc_id, packet.dst_ip):
        t.fail(
            "NO_ROUTE_TO_DESTINATION",
            f"{packet.dst_ip} is not in {t.label(vgw.vpc_id)}, the VPC behind {t.label(vgw.id)}",
            vgw.id,
            "a virtual private gateway carries traffic only into its own VPC; "
            "use a transit gateway to reach other VPCs from on premises",
        )
    t.entered.setdefault(vgw.vpc_id, vgw.id)
    return t.enter_vpc(vgw.vpc_id, vgw.id, packet, "vpn")
