"""On premises ↔ AWS over Direct Connect: a transit virtual interface, its Direct Connect gateway
and the gateway's transit gateway association (the attachment of resource type
``direct-connect-gateway``).

AWS → on premises: a transit gateway route table sends the packet to the Direct Connect gateway's
attachment (its propagated routes rank above a VPN's for the same prefix: "Route evaluation order",
https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html); the gateway sends it over
the transit virtual interface whose BGP session advertises the destination (longest prefix).

On premises → AWS: the customer router knows what the Direct Connect gateway advertises to it — only
the association's allowed prefixes ("For transit gateway associations, only the allowed prefixes
entered will be advertised to on-premises", Allowed prefixes interactions,
https://docs.aws.amazon.com/directconnect/latest/UserGuide/allowed-to-prefixes.html). Between that
and what its VPN's BGP session advertises, the customer gateway takes the most specific route, and
Direct Connect on equal ones (re:Post "Why is Transit Gateway prioritizing my backup VPN connection
over my primary Direct Connect gateway?"); when no interface of the site can carry the destination
(BGP session down, no allowed prefix) the site's VPN is used.

An on-premises site is named by a customer gateway or a virtual interface; its networks are the
``vpclab:on-premises-cidrs`` tag of either. Another component of the same site is one whose networks
hold the packet's on-premises address.

Reachability Analyzer stops at the transit gateway attachment (its supported sources and
destinations end there); the hops after it (Direct Connect gateway, virtual interface) and the
on-premises side are vpclab's extension (explanation code VPCLAB_ON_PREMISES_NO_ROUTE).
"""

from __future__ import annotations

from ipaddress import ip_network

from ..model.direct_connect import DirectConnectGatewayAssociation, VirtualInterface
from ..model.transit_gateway import TransitGatewayAttachment
from ..model.vpc import Vpc
from ..model.vpn import CustomerGateway, VpnConnection, VpnGateway, site_networks
from .forwarding import in_cidr
from .result import PacketHeader
from .tracer import Arrival, Tracer


def _prefix_len(cidr: str) -> int:
    return ip_network(cidr).prefixlen


def _best_match(cidrs: tuple[str, ...], ip: str) -> str | None:
    found = [c for c in cidrs if in_cidr(ip, c)]
    return max(found, key=_prefix_len) if found else None


def to_on_premises(t: Tracer, att: TransitGatewayAttachment, packet: PacketHeader) -> Arrival:
    """Out of a transit gateway through its Direct Connect gateway attachment, over the transit
    virtual interface that advertises the destination."""
    dxgw_id = att.resource_id
    t.hop("transit-gateway-attachment", att.id, f"{att.transit_gateway_id} → {dxgw_id}", packet)
    best: tuple[int, VirtualInterface, str] | None = None
    for vif in t.world.all(VirtualInterface):
        if vif.direct_connect_gateway_id != dxgw_id or vif.virtual_interface_type != "transit":
            continue
        if vif.bgp_status != "up":
            continue
        cidr = _best_match(vif.advertised_cidrs, packet.dst_ip)
        if cidr is not None and (best is None or _prefix_len(cidr) > best[0]):
            best = (_prefix_len(cidr), vif, cidr)
    if best is None:
        t.hop("direct-connect-gateway", dxgw_id, f"no virtual interface advertises {packet.dst_ip}", packet)
        return t.fail(
            "VPCLAB_ON_PREMISES_NO_ROUTE",
            f"no transit virtual interface of {t.label(dxgw_id)} with its BGP session up advertises "
            f"{packet.dst_ip}",
            dxgw_id,
            f"advertise {packet.dst_ip}'s network over a transit virtual interface of {dxgw_id} "
            "(tag vpclab:on-premises-cidrs), or bring its BGP session up",
        )
    _, vif, cidr = best
    t.hop("direct-connect-gateway", dxgw_id, f"{cidr} → {vif.id} (BGP)", packet)
    t.hop(
        "virtual-interface",
        vif.id,
        f"to on premises over {vif.connection_id} (VLAN {vif.vlan}, {cidr})",
        packet,
    )
    return Arrival("on-premises", packet.dst_ip, via=("tgw-dx", att.id, vif.id))


def site_interfaces(t: Tracer, site_id: str, ip: str) -> list[VirtualInterface]:
    """The transit virtual interfaces of the on-premises site of ``ip``: the named one first, then
    every other whose networks hold ``ip``."""
    out = []
    named = t.world.get(site_id, VirtualInterface)
    if named is not None and named.virtual_interface_type == "transit":
        out.append(named)
    for vif in t.world.all(VirtualInterface):
        if (
            vif is not named
            and vif.virtual_interface_type == "transit"
            and _best_match(vif.advertised_cidrs, ip)
        ):
            out.append(vif)
    return out


def _route(
    t: Tracer, vifs: list[VirtualInterface], dst: str
) -> tuple[VirtualInterface, DirectConnectGatewayAssociation, str] | None:
    """The interface and transit gateway association the customer router uses for ``dst``: the
    longest allowed prefix holding it, over an interface whose BGP session is up."""
    best: tuple[int, VirtualInterface, DirectConnectGatewayAssociation, str] | None = None
    for vif in vifs:
        if vif.bgp_status != "up":
            continue
        for assoc in t.world.all(DirectConnectGatewayAssociation):
            if (
                assoc.direct_connect_gateway_id != vif.direct_connect_gateway_id
                or not assoc.live
                or not assoc.transit_gateway_attachment_id
            ):
                continue
            prefix = _best_match(assoc.allowed_prefixes, dst)
            if prefix is not None and (best is None or _prefix_len(prefix) > best[0]):
                best = (_prefix_len(prefix), vif, assoc, prefix)
    return None if best is None else best[1:]


def vpn_advertised_len(t: Tracer, site_id: str, src: str, dst: str) -> int | None:
    """The prefix length of the most specific route to ``dst`` the site's customer gateway learns over
    its VPN connections' BGP sessions, or None: a transit gateway advertises the routes of the VPN
    attachment's associated route table, a virtual private gateway its VPC's CIDR blocks. (A static
    VPN's routes are the customer's own configuration, unknown to vpclab: not counted.)"""
    gateways = {
        c.id
        for c in t.world.all(CustomerGateway)
        if c.id == site_id or any(in_cidr(src, x) for x in site_networks(t.world, c))
    }
    best: int | None = None
    for vpn in t.world.all(VpnConnection):
        if vpn.customer_gateway_id not in gateways or vpn.state != "available" or vpn.static_routes_only:
            continue
        cidr: str | None = None
        if vpn.transit_gateway_id:
            att = next(
                (
                    a
                    for a in t.world.all(TransitGatewayAttachment)
                    if a.resource_type == "vpn" and a.resource_id == vpn.id and a.live
                ),
                None,
            )
            rtb_id = att.association_route_table_id if att is not None else None
            route = t.view.tgw_route(rtb_id, dst) if rtb_id else None
            cidr = route.destination_cidr_block if route is not None and route.state == "active" else None
        elif vpn.vpn_gateway_id:
            vgw = t.world.get(vpn.vpn_gateway_id, VpnGateway)
            vpc = t.world.get(vgw.vpc_id, Vpc) if vgw is not None and vgw.vpc_id else None
            cidr = _best_match(vpc.cidr_blocks, dst) if vpc is not None else None
        if cidr is not None and (best is None or _prefix_len(cidr) > best):
            best = _prefix_len(cidr)
    return best


def from_on_premises(t: Tracer, site_id: str, packet: PacketHeader) -> Arrival | None:
    """Into AWS over Direct Connect, or None (nothing recorded) when no interface of the site can
    carry the packet, or when the site's VPN advertises a more specific route to the destination
    (the customer gateway "prefers the path with the most specific route"; on equal routes "it
    always prefers Direct Connect", https://repost.aws/knowledge-center/direct-connect-gateway-primary-connection)
    — the caller then uses the site's VPN."""
    vifs = site_interfaces(t, site_id, packet.src_ip)
    chosen = _route(t, vifs, packet.dst_ip) if vifs else None
    if chosen is None:
        return None
    vif, assoc, prefix = chosen
    over_vpn = vpn_advertised_len(t, site_id, packet.src_ip, packet.dst_ip)
    if over_vpn is not None and over_vpn > _prefix_len(prefix):
        return None
    att = t.world.get(assoc.transit_gateway_attachment_id or "", TransitGatewayAttachment)
    if att is None or not att.live:
        return None
    from .transit import tgw_forward

    t.hop(
        "virtual-interface",
        vif.id,
        f"on premises {packet.src_ip} over {vif.connection_id} (VLAN {vif.vlan})",
        packet,
    )
    t.hop(
        "direct-connect-gateway",
        assoc.direct_connect_gateway_id,
        f"allowed prefix {prefix} → {assoc.associated_gateway_id}",
        packet,
    )
    t.hop(
        "transit-gateway-attachment",
        att.id,
        f"{assoc.direct_connect_gateway_id} → {att.transit_gateway_id}",
        packet,
    )
    return tgw_forward(t, att.transit_gateway_id, att, packet, None)


def no_route(t: Tracer, site_id: str, packet: PacketHeader) -> Arrival:
    """A site named by a virtual interface, with neither a Direct Connect path nor a VPN for it."""
    vifs = site_interfaces(t, site_id, packet.src_ip)
    t.hop("virtual-interface", site_id, f"on premises {packet.src_ip}", packet)
    down = [v.id for v in vifs if v.bgp_status != "up"]
    reason = (
        f"the BGP session of {', '.join(down)} is down"
        if down and len(down) == len(vifs)
        else "no allowed prefix of its Direct Connect gateway's transit gateway associations holds "
        f"{packet.dst_ip}"
    )
    return t.fail(
        "VPCLAB_ON_PREMISES_NO_ROUTE",
        f"on premises cannot reach {packet.dst_ip} over {t.label(site_id)}: {reason}, and no VPN of the site "
        "carries it",
        site_id,
        f"add {packet.dst_ip}'s VPC CIDR to the allowed prefixes of the transit gateway association "
        "(update-direct-connect-gateway-association), or add a VPN connection as a backup",
    )


def backup_customer_gateway(t: Tracer, ip: str) -> CustomerGateway | None:
    """The customer gateway of the same site (its networks hold ``ip``) with an available VPN
    connection: the site's VPN backup."""
    with_vpn = {v.customer_gateway_id for v in t.world.all(VpnConnection) if v.state == "available"}
    for cgw in t.world.all(CustomerGateway):
        if cgw.id in with_vpn and any(in_cidr(ip, c) for c in site_networks(t.world, cgw)):
            return cgw
    return None


# -- private virtual interfaces and virtual private gateways ---------------------------------------
def _private_vifs_of(t: Tracer, vgw_id: str) -> list[VirtualInterface]:
    """The private interfaces that reach a virtual private gateway: attached to it, or to a Direct
    Connect gateway associated with it."""
    gateways = {
        a.direct_connect_gateway_id
        for a in t.world.all(DirectConnectGatewayAssociation)
        if a.associated_gateway_id == vgw_id and a.live
    }
    return [
        v
        for v in t.world.all(VirtualInterface)
        if v.virtual_interface_type == "private"
        and (v.virtual_gateway_id == vgw_id or v.direct_connect_gateway_id in gateways)
    ]


def vgw_route(t: Tracer, vgw_id: str, dst: str) -> tuple[int, VirtualInterface, str] | None:
    """The private interface a virtual private gateway sends ``dst`` over: the longest prefix its
    BGP session (up) advertises, as (prefix length, interface, prefix)."""
    best: tuple[int, VirtualInterface, str] | None = None
    for vif in _private_vifs_of(t, vgw_id):
        if vif.bgp_status != "up":
            continue
        cidr = _best_match(vif.advertised_cidrs, dst)
        if cidr is not None and (best is None or _prefix_len(cidr) > best[0]):
            best = (_prefix_len(cidr), vif, cidr)
    return best


def vgw_to_on_premises(
    t: Tracer, vgw_id: str, vpc_id: str, vif: VirtualInterface, cidr: str, packet: PacketHeader
) -> Arrival:
    """Out of a virtual private gateway over a private virtual interface (the gateway already hopped)."""
    if vif.direct_connect_gateway_id:
        t.hop("direct-connect-gateway", vif.direct_connect_gateway_id, f"{cidr} → {vif.id} (BGP)", packet)
    t.hop(
        "virtual-interface",
        vif.id,
        f"to on premises over {vif.connection_id} (VLAN {vif.vlan}, {cidr})",
        packet,
    )
    return Arrival("on-premises", packet.dst_ip, via=("vgw-dx", vgw_id, vpc_id, vif.id))


def _private_route(
    t: Tracer, vifs: list[VirtualInterface], dst: str
) -> tuple[VirtualInterface, VpnGateway] | None:
    """A private interface of the site and the virtual private gateway whose VPC holds ``dst``, when
    the customer router learns that VPC's CIDR over it: straight from a gateway the interface is
    attached to, or through a Direct Connect gateway association whose allowed prefixes are the same
    as or wider than the VPC CIDR ("Allowed prefixes interactions")."""
    for vif in vifs:
        if vif.virtual_interface_type != "private" or vif.bgp_status != "up":
            continue
        candidates: list[tuple[str, tuple[str, ...] | None]] = []
        if vif.virtual_gateway_id:
            candidates.append((vif.virtual_gateway_id, None))
        for a in t.world.all(DirectConnectGatewayAssociation):
            if (
                a.direct_connect_gateway_id == vif.direct_connect_gateway_id
                and a.live
                and a.associated_gateway_type == "virtualPrivateGateway"
            ):
                candidates.append((a.associated_gateway_id, a.allowed_prefixes))
        for vgw_id, allowed in candidates:
            vgw = t.world.get(vgw_id, VpnGateway)
            vpc = t.world.get(vgw.vpc_id, Vpc) if vgw is not None and vgw.vpc_id else None
            block = _best_match(vpc.cidr_blocks, dst) if vpc is not None else None
            if vgw is None or block is None:
                continue
            net = ip_network(block)
            if allowed is None or any(net.subnet_of(ip_network(p)) for p in allowed if ":" not in p):  # type: ignore[arg-type]
                return vif, vgw
    return None


def private_from_on_premises(t: Tracer, site_id: str, packet: PacketHeader) -> Arrival | None:
    """Into a VPC over a private virtual interface and its virtual private gateway, or None."""
    vifs = [t.world.get(site_id, VirtualInterface)] + [
        v
        for v in t.world.all(VirtualInterface)
        if v.id != site_id and _best_match(v.advertised_cidrs, packet.src_ip)
    ]
    chosen = _private_route(t, [v for v in vifs if v is not None], packet.dst_ip)
    if chosen is None:
        return None
    vif, vgw = chosen
    assert vgw.vpc_id is not None
    t.hop(
        "virtual-interface",
        vif.id,
        f"on premises {packet.src_ip} over {vif.connection_id} (VLAN {vif.vlan})",
        packet,
    )
    if vif.direct_connect_gateway_id:
        t.hop("direct-connect-gateway", vif.direct_connect_gateway_id, f"→ {vgw.id}", packet)
    t.hop("vpn-gateway", vgw.id, f"on premises → {vgw.vpc_id}", packet)
    t.entered.setdefault(vgw.vpc_id, vgw.id)
    return t.enter_vpc(vgw.vpc_id, vgw.id, packet, "vpn")
