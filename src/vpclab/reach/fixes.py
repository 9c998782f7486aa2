"""Suggested fixes: one specific change per explanation, in plain words.

Each names the component to change, the addresses and ports involved and the exact change. The
famous mistakes get their own wording: non-transitive peering, edge-to-edge routing through a
peer's gateway, a missing return route, a missing ephemeral-port network ACL rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model.interfaces import NetworkInterface
from ..model.load_balancer import LoadBalancer
from ..model.peering import VpcPeeringConnection, active_peerings_of
from ..model.route_table import ForwardingEntry, Route, RouteTable
from ..model.subnet import Subnet
from ..model.transit_gateway import TransitGatewayAttachment, TransitGatewayRoute, vpc_attachment
from ..model.vpc import Vpc
from .checks import describe_traffic
from .forwarding import is_rfc1918
from .result import PacketHeader

if TYPE_CHECKING:
    from .tracer import Tracer

#: the ephemeral range AWS's network ACL guidance uses for return traffic
EPHEMERAL = "1024-65535"


def network_of(t: Tracer, ip: str) -> str:
    """The narrowest well-known block around ``ip``: its subnet's CIDR (of ``ip``'s family), else
    ``ip/32`` (``ip/128``)."""
    subnets = t.view.subnets_containing(ip)
    v6 = ":" in ip
    if len(subnets) == 1:
        block = subnets[0].ipv6_cidr_block if v6 else subnets[0].cidr_block
        if block:
            return block
    return f"{ip}/128" if v6 else f"{ip}/32"


def vpc_of(t: Tracer, ip: str) -> Vpc | None:
    vpcs = {s.vpc_id for s in t.view.subnets_containing(ip)}
    return t.world.get(vpcs.pop(), Vpc) if len(vpcs) == 1 else None


def _is_return(t: Tracer) -> bool:
    return not t.forward


def acl_fix(t: Tracer, acl_id: str, subnet: Subnet, packet: PacketHeader, *, egress: bool, rule: int) -> str:
    way = "outbound" if egress else "inbound"
    peer = network_of(t, packet.dst_ip if egress else packet.src_ip)
    preposition = "to" if egress else "from"
    below = f" numbered below {rule}" if rule < 32767 else ""
    if _is_return(t) and packet.protocol in ("tcp", "udp"):
        return (
            f"network ACLs are stateless: add an {way} rule to {acl_id}{below} allowing {packet.protocol} "
            f"{EPHEMERAL} {preposition} {peer}, for the replies to the ephemeral port {packet.dst_port} "
            f"({subnet.id})"
        )
    return (
        f"add an {way} rule to {acl_id}{below} allowing {describe_traffic(packet.protocol, packet.dst_port)} "
        f"{preposition} {peer} ({subnet.id})"
    )


def sg_fix(
    t: Tracer, eni: NetworkInterface, packet: PacketHeader, *, egress: bool, other: NetworkInterface | None
) -> str:
    traffic = describe_traffic(packet.protocol, packet.dst_port)
    peer = network_of(t, packet.dst_ip if egress else packet.src_ip)
    group = eni.groups[0]
    alt = ""
    if other is not None and other.groups and (other.vpc_id == eni.vpc_id or other.region == eni.region):
        alt = f" (or {other.groups[0]})"
    if not egress and other is not None and other.interface_type == "network_load_balancer":
        lb = next(
            (b for b in t.world.in_vpc(other.vpc_id, LoadBalancer) if other.id in b.network_interface_ids),
            None,
        )
        if lb is not None:
            cidrs = [b for s in (t.world.get(i, Subnet) for i in lb.subnet_ids) if s is not None
                     for b in (s.cidr_block or s.ipv6_cidr_block,) if b]
            return (
                f"PrivateLink does not preserve the client's address: the targets see {lb.id}'s private "
                f"addresses; allow {traffic} from {', '.join(cidrs)} (the subnets of {lb.id}) "
                f"inbound in {group}"
            )
    if egress:
        return f"allow {traffic} to {peer}{alt} outbound in {group}"
    return f"allow {traffic} from {peer}{alt} inbound in {group}"


def loop_fix(t: Tracer, rtb: RouteTable, packet: PacketHeader) -> str:
    return (
        f"the routes for {packet.dst_ip} send it back to {rtb.id}: change one of them so that it leads to "
        f"the destination"
    )


def no_route_fix(t: Tracer, rtb: RouteTable, packet: PacketHeader) -> str:
    """Name the connection the route should use: the one the forward path came in through (a missing
    return route), an active peering or a shared transit gateway, or an internet path."""
    vpc_id = rtb.vpc_id
    dst_vpc = vpc_of(t, packet.dst_ip)
    v6 = ":" in packet.dst_ip
    if dst_vpc is not None and v6 and dst_vpc.ipv6_cidr_blocks:
        dst_net = dst_vpc.ipv6_cidr_blocks[0]
    else:
        dst_net = dst_vpc.cidr_block if dst_vpc is not None else network_of(t, packet.dst_ip)
    if _is_return(t) and vpc_id in t.entered:
        via = t.entered[vpc_id]
        return (
            f"missing return route: add a route for {dst_net} to {via} in {rtb.id}, so replies go back the "
            f"way the request came"
        )
    if dst_vpc is not None:
        for pcx in active_peerings_of(t.world, vpc_id):
            if pcx.peer_of(vpc_id) == dst_vpc.id:
                return f"add a route for {dst_net} to {pcx.id} in {rtb.id}"
        for att in t.world.in_vpc(vpc_id, TransitGatewayAttachment):
            if att.live and vpc_attachment(t.world, att.transit_gateway_id, dst_vpc.id) is not None:
                return f"add a route for {dst_net} to {att.transit_gateway_id} in {rtb.id}"
        for pcx in active_peerings_of(t.world, vpc_id):
            middle = pcx.peer_of(vpc_id)
            if any(p.peer_of(middle) == dst_vpc.id for p in active_peerings_of(t.world, middle)):
                return (
                    f"peering is not transitive: {vpc_id} is peered with {middle}, which is peered with "
                    f"{dst_vpc.id}, but traffic cannot pass through {middle}; peer {vpc_id} with "
                    f"{dst_vpc.id} "
                    f"and add routes for {dst_net} on both sides, or attach both to a transit gateway"
                )
        return (
            f"{vpc_id} and {dst_vpc.id} are not connected: peer them (and add a route for {dst_net} to the "
            f"peering connection in {rtb.id}) or attach both to a transit gateway"
        )
    if v6:  # every IPv6 address outside the VPCs is on the internet
        igw = t.internet_gateway_of(vpc_id)
        eigw = t.egress_only_gateway_of(vpc_id)
        if igw is not None or eigw is not None:
            gateways = " or ".join(g.id for g in (igw, eigw) if g is not None)
            return (
                f"add a route for ::/0 to {gateways} in {rtb.id} (an internet gateway carries both ways, an "
                f"egress-only internet gateway outbound-initiated traffic only)"
            )
        return (
            f"create an egress-only internet gateway for {vpc_id} (outbound only) or attach an internet "
            f"gateway, and add a route for ::/0 to it in {rtb.id}"
        )
    if _looks_public(packet.dst_ip):
        igw = t.internet_gateway_of(vpc_id)
        if igw is not None:
            return (
                f"add a route for 0.0.0.0/0 to {igw.id} in {rtb.id} (public subnet), or to a NAT gateway "
                f"(private subnet)"
            )
        return f"attach an internet gateway to {vpc_id} and add a route for 0.0.0.0/0 to it in {rtb.id}"
    return (
        f"add a route for {dst_net} in {rtb.id} to a connection that reaches it (VPN, transit "
        f"gateway, peering)"
    )


def _looks_public(ip: str) -> bool:
    return not is_rfc1918(ip)


def blackhole_reason(t: Tracer, rtb: RouteTable, route: Route) -> str:
    target = route.target
    res = t.world.get(target)
    if res is None:
        return f"{target} no longer exists"
    if isinstance(res, VpcPeeringConnection):
        return f"{target} is {res.status_code}, not active"
    state = getattr(res, "state", None)
    if state is not None and state not in ("available", "running", "active"):
        return f"{target} is {state}"
    return f"{target} cannot carry traffic from {rtb.vpc_id}"


def blackhole_fix(t: Tracer, rtb: RouteTable, entry: ForwardingEntry) -> str:
    target = entry.route.target
    res = t.world.get(target)
    if isinstance(res, VpcPeeringConnection) and res.status_code == "pending-acceptance":
        return f"accept {target} in account {res.accepter_owner_id} (accept-vpc-peering-connection)"
    return f"replace the route {entry.network} in {rtb.id} with one to a working target (replace-route)"


def peering_fix(t: Tracer, pcx: VpcPeeringConnection, vpc_id: str, peer: str, packet: PacketHeader) -> str:
    dst_vpc = vpc_of(t, packet.dst_ip)
    if dst_vpc is not None:
        via = next((p for p in active_peerings_of(t.world, peer) if p.peer_of(peer) == dst_vpc.id), None)
        if via is not None:
            return (
                f"peering is not transitive: {vpc_id} cannot reach {dst_vpc.id} through {peer} ({via.id}); "
                f"peer {vpc_id} with {dst_vpc.id} and add routes on both sides, or attach both to a transit "
                f"gateway"
            )
        return (
            f"{packet.dst_ip} is in {dst_vpc.id}, not {peer}: connect {vpc_id} to {dst_vpc.id} (peering or "
            f"transit gateway) and route {dst_vpc.cidr_block} there"
        )
    edge = _edge_component(t, peer, packet.dst_ip)
    what = f" ({edge})" if edge else ""
    if t.destination.kind == "aws-service":
        return (
            f"peering does not carry edge-to-edge traffic: {vpc_id} cannot use {peer}'s gateway endpoint"
            f"{what}; create a gateway endpoint for {t.destination.component} in {vpc_id} and associate it "
            f"with the source's route table"
        )
    return (
        f"peering does not carry edge-to-edge traffic: {vpc_id} cannot use {peer}'s internet gateway, NAT "
        f"gateway, VPN or gateway endpoint{what}; give {vpc_id} its own, or use a transit gateway "
        f"(centralized "
        f"egress)"
    )


def _edge_component(t: Tracer, vpc_id: str, ip: str) -> str | None:
    """What the peer VPC itself would use for ``ip`` (its internet gateway, NAT gateway, …)."""
    for rtb in set(t.view.vpc(vpc_id).route_tables.values()):
        entry = t.view.route(rtb.id, ip)
        if entry is not None and entry.route.gateway_id != "local" and entry.state == "active":
            return entry.route.target
    return None


def tgw_association_fix(t: Tracer, tgw_id: str, att: TransitGatewayAttachment) -> str:
    from ..model.transit_gateway import TransitGatewayRouteTable

    tables = [r.id for r in t.world.all(TransitGatewayRouteTable) if r.transit_gateway_id == tgw_id]
    example = f" (e.g. {tables[0]})" if tables else ""
    return (
        f"associate {att.id} with a route table of {tgw_id}{example} (associate-transit-gateway-route-table)"
    )


def _attachment_toward(t: Tracer, tgw_id: str, ip: str) -> TransitGatewayAttachment | None:
    dst_vpc = vpc_of(t, ip)
    return vpc_attachment(t.world, tgw_id, dst_vpc.id) if dst_vpc is not None else None


def tgw_no_route_fix(t: Tracer, tgw_id: str, rtb_id: str, packet: PacketHeader) -> str:
    att = _attachment_toward(t, tgw_id, packet.dst_ip)
    dst_vpc = vpc_of(t, packet.dst_ip)
    if att is not None and dst_vpc is not None:
        return (
            f"propagate {att.id} into {rtb_id} (enable-transit-gateway-route-table-propagation), or add a "
            f"static route for {dst_vpc.cidr_block} to {att.id} in {rtb_id}"
        )
    if _is_return(t):
        return (
            f"missing return route: add a route for {network_of(t, packet.dst_ip)} in {rtb_id} to the "
            f"attachment the request came from"
        )
    return f"add a route for {network_of(t, packet.dst_ip)} in {rtb_id} to the attachment that leads to it"


def tgw_blackhole_fix(t: Tracer, rtb_id: str, route: TransitGatewayRoute, packet: PacketHeader) -> str:
    if not route.transit_gateway_attachment_ids:
        return (
            f"{route.destination_cidr_block} is blackholed on purpose in {rtb_id} (segmentation); if "
            f"{packet.dst_ip} should be reachable, add a more specific route to its attachment"
        )
    return (
        f"the attachment of the route {route.destination_cidr_block} in {rtb_id} is not available; recreate "
        f"it or point the route at another attachment"
    )


def vpn_route_fix(t: Tracer, vgw_id: str, packet: PacketHeader) -> str:
    return (
        f"advertise {packet.dst_ip}'s network over BGP from the customer gateway, or add a static "
        f"route for it "
        f"to a VPN connection of {vgw_id} (create-vpn-connection-route)"
    )


def private_via_igw_fix(t: Tracer, vpc_id: str, igw_id: str, packet: PacketHeader) -> str:
    """A private destination routed to an internet gateway: on the return path, the route back to
    where the request came from is missing (it fell through to a default route)."""
    rtb = t.last_route_table
    via = t.entered.get(vpc_id)
    if _is_return(t) and rtb is not None and via is not None and via != igw_id:
        return (
            f"missing return route: add a route for {network_of(t, packet.dst_ip)} to {via} in {rtb.id}, so "
            f"replies go back the way the request came"
        )
    return (
        f"route {network_of(t, packet.dst_ip)} through a peering connection, transit gateway or "
        f"VPN instead of "
        f"the internet gateway"
    )
