"""Site-to-Site VPN: customer gateways, virtual private gateways and VPN connections.

Also the pure functions the routes engineer and the reachability engine read: which networks a
VPN connection carries (:func:`advertised_cidrs`) and the routes a virtual private gateway
propagates into a route table (:func:`propagated_routes`).

AWS docs: "AWS Site-to-Site VPN User Guide" — "How AWS Site-to-Site VPN works",
"Customer gateway options", "Static and dynamic routing", "Route tables and VPN route priority",
"Site-to-Site VPN quotas"; Amazon VPC User Guide — "Route propagation".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from ipaddress import IPv4Network
from typing import TYPE_CHECKING, ClassVar

from ..core.errors import invalid_parameter_value
from .base import Resource
from .quotas import limit as quota_limit
from .route_table import Route, RouteTable
from .vpn_tunnels import VpnTunnelOption, default_tunnels

if TYPE_CHECKING:
    from .world import World

#: Lab knob (DESIGN §2): comma-separated IPv4 CIDRs of the on-premises networks behind a
#: customer gateway. Over BGP the customer gateway advertises exactly these; for a static
#: connection they say which networks exist on premises (the connection's static routes say
#: which of them AWS routes to). Example: ``10.50.0.0/16, 192.168.10.0/24``.
ON_PREMISES_CIDRS_TAG = "vpclab:on-premises-cidrs"

#: VPN connection states in which it no longer carries traffic or routes.
GONE_STATES = ("deleting", "deleted")


def validate_on_premises_tag(value: str) -> tuple[str, ...]:
    """The CIDRs of an ``vpclab:on-premises-cidrs`` tag value, or AWS-style InvalidParameterValue.

    Items are comma-separated IPv4 networks in CIDR notation with zero host bits; blanks around
    items are allowed, an empty value means "no networks". Duplicates are dropped, order kept.
    Nothing is ignored silently: one bad item rejects the whole value.

    >>> validate_on_premises_tag("10.50.0.0/16, 192.168.10.0/24")
    ('10.50.0.0/16', '192.168.10.0/24')
    """
    if not value.strip():
        return ()
    cidrs: list[str] = []
    for item in value.split(","):
        text = item.strip()
        try:
            if "/" not in text:
                raise ValueError(text)
            net = str(IPv4Network(text, strict=True))
        except ValueError:
            # a lab tag: the wording is vpclab's, in EC2's "Value (…) for parameter … is invalid." form
            raise invalid_parameter_value(
                f"Value ({value}) for tag {ON_PREMISES_CIDRS_TAG} is invalid. "
                f"'{text}' is not a valid IPv4 CIDR block (expected e.g. 10.50.0.0/16).",
            ) from None
        if net not in cidrs:
            cidrs.append(net)
    return tuple(cidrs)


@dataclass(frozen=True, kw_only=True, slots=True)
class CustomerGateway(Resource):
    KIND: ClassVar[str] = "customer_gateway"
    ID_PREFIX: ClassVar[str] = "cgw"
    MALFORMED: ClassVar[str] = "InvalidCustomerGatewayId.Malformed"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidCustomerGatewayID.NotFound", "The customerGateway ID '{id}' does not exist")

    ip_address: str
    #: BgpAsn (1–2,147,483,647) or BgpAsnExtended (2,147,483,648–4,294,967,295)
    bgp_asn: int = 65000
    type: str = "ipsec.1"
    state: str = "available"
    device_name: str | None = None


def on_premises_cidrs(cgw: CustomerGateway) -> tuple[str, ...]:
    """The on-premises networks behind a customer gateway, from its ``vpclab:on-premises-cidrs`` tag.

    Raises AWS-style InvalidParameterValue if the tag holds something that is not a CIDR list
    (the ControlPlane rejects such values when they are set, so this means a bypassed check).
    """
    return validate_on_premises_tag(cgw.tags.get(ON_PREMISES_CIDRS_TAG, ""))


@dataclass(frozen=True, kw_only=True, slots=True)
class VpnGatewayAttachment:
    vpc_id: str
    state: str = "attached"  # attaching | attached | detaching | detached


@dataclass(frozen=True, kw_only=True, slots=True)
class VpnGateway(Resource):
    KIND: ClassVar[str] = "vpn_gateway"
    ID_PREFIX: ClassVar[str] = "vgw"
    LABEL: ClassVar[str] = "virtual private gateway"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidVpnGatewayID.NotFound", "The vpnGateway ID '{id}' does not exist")

    type: str = "ipsec.1"
    state: str = "available"
    amazon_side_asn: int = 64512
    availability_zone: str | None = None
    vpc_attachments: tuple[VpnGatewayAttachment, ...] = ()

    @property
    def vpc_id(self) -> str | None:
        """The attached VPC (a virtual private gateway attaches to one VPC at a time)."""
        for a in self.vpc_attachments:
            if a.state == "attached":
                return a.vpc_id
        return None


@dataclass(frozen=True, kw_only=True, slots=True)
class VpnStaticRoute:
    destination_cidr_block: str
    source: str = "Static"
    state: str = "available"


@dataclass(frozen=True, kw_only=True, slots=True)
class VpnConnection(Resource):
    KIND: ClassVar[str] = "vpn_connection"
    ID_PREFIX: ClassVar[str] = "vpn"
    LABEL: ClassVar[str] = "VPN connection"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidVpnConnectionID.NotFound", "The vpnConnection ID '{id}' does not exist")

    customer_gateway_id: str
    type: str = "ipsec.1"
    vpn_gateway_id: str | None = None
    transit_gateway_id: str | None = None
    #: Options.StaticRoutesOnly: static routes (CreateVpnConnectionRoute) instead of BGP
    static_routes_only: bool = False
    #: Options.TunnelInsideIpVersion: ipv4 | ipv6 (ipv6 only on a transit gateway)
    tunnel_inside_ip_version: str = "ipv4"
    #: Options.EnableAcceleration (transit gateway only)
    enable_acceleration: bool = False
    #: Options.Local/RemoteIpv4NetworkCidr (IPv4 tunnels) or Local/RemoteIpv6NetworkCidr (IPv6
    #: tunnels): the customer gateway side and the AWS side of the connection; None is AWS's default
    #: (0.0.0.0/0 or ::/0)
    local_network_cidr: str | None = None
    remote_network_cidr: str | None = None
    routes: tuple[VpnStaticRoute, ...] = ()
    #: pending | available | deleting | deleted
    state: str = "available"
    #: the two tunnels (Options.TunnelOptions), AWS's choices filled in; () for a connection stored
    #: before vpclab kept them (see :func:`tunnels`)
    tunnel_options: tuple[VpnTunnelOption, ...] = ()
    #: when the connection was created (the World's clock); None for one stored before vpclab kept it
    create_time: datetime | None = None

    @property
    def tunnels(self) -> tuple[VpnTunnelOption, ...]:
        """The connection's two tunnels: the stored ones, or AWS's defaults derived from its id."""
        return self.tunnel_options or default_tunnels(self.id, ipv6=self.tunnel_inside_ip_version == "ipv6")


def advertised_cidrs(world: World, vpn_connection: VpnConnection) -> tuple[str, ...]:
    """The on-premises networks this VPN connection carries towards AWS.

    A static-routes-only connection carries its static routes (CreateVpnConnectionRoute); a
    dynamic (BGP) connection carries what the customer gateway advertises — in vpclab, the
    networks of its ``vpclab:on-premises-cidrs`` tag. A deleted connection carries nothing.
    (AWS: "Static and dynamic routing" in the Site-to-Site VPN User Guide.)
    """
    if vpn_connection.state in GONE_STATES:
        return ()
    if vpn_connection.static_routes_only:
        return tuple(dict.fromkeys(r.destination_cidr_block for r in vpn_connection.routes
                                   if r.state == "available"))
    cgw = world.get(vpn_connection.customer_gateway_id, CustomerGateway)
    return on_premises_cidrs(cgw) if cgw is not None else ()


def propagated_routes(world: World, route_table: RouteTable, *,
                      limit: int | None = None) -> tuple[Route, ...]:
    """The routes virtual private gateways propagate into ``route_table`` (AWS "Route propagation").

    For each gateway in ``route_table.propagating_vgws`` that is attached to the table's VPC, one
    route per CIDR advertised by its available VPN connections (then per CIDR it learns over Direct
    Connect private virtual interfaces), targeting the gateway, with origin
    ``EnableVgwRoutePropagation``; duplicates (the same CIDR over two connections) appear once.
    At most ``limit`` routes — by default the quota "BGP advertised routes per route table
    (propagated routes)", 100, which AWS does not raise — in connection creation order.
    """
    if limit is None:
        limit = quota_limit(world.settings.quotas, "propagated_routes_per_route_table")
    routes: dict[tuple[str, str], Route] = {}
    for vgw_id in route_table.propagating_vgws:
        vgw = world.get(vgw_id, VpnGateway)
        if vgw is None or vgw.vpc_id != route_table.vpc_id:
            continue
        for vpn in world.all(VpnConnection):
            if vpn.vpn_gateway_id != vgw.id or vpn.state != "available":
                continue
            for cidr in advertised_cidrs(world, vpn):
                if (cidr, vgw.id) not in routes:
                    routes[cidr, vgw.id] = Route(destination_cidr_block=cidr, gateway_id=vgw.id,
                                         origin="EnableVgwRoutePropagation")
        # and what it learns over Direct Connect private virtual interfaces (model.direct_connect)
        from .direct_connect import private_learned_cidrs

        for cidr in private_learned_cidrs(world, vgw.id):
            if (cidr, vgw.id) not in routes:
                routes[cidr, vgw.id] = Route(destination_cidr_block=cidr, gateway_id=vgw.id,
                                             origin="EnableVgwRoutePropagation")
    return tuple(routes.values())[:limit]


def vpn_connection_for(world: World, vpn_gateway_id: str, destination: str) -> VpnConnection | None:
    """The VPN connection a virtual private gateway sends traffic for ``destination`` over, or None.

    AWS "Route tables and AWS Site-to-Site VPN route priority": only prefixes known to the gateway
    (BGP advertisements or static routes) receive traffic; the longest prefix wins; on identical
    prefixes static VPN routes beat BGP-propagated ones, then the shortest AS PATH. vpclab does
    not model AS PATHs (every BGP path is equal), so the earliest created connection wins a tie.
    ``destination`` is an IPv4 address or CIDR block.
    """
    target = IPv4Network(destination, strict=False)
    best: tuple[int, int] | None = None
    chosen: VpnConnection | None = None
    for vpn in world.all(VpnConnection):
        if vpn.vpn_gateway_id != vpn_gateway_id or vpn.state != "available":
            continue
        for cidr in advertised_cidrs(world, vpn):
            net = IPv4Network(cidr)
            if target.subnet_of(net):
                rank = (net.prefixlen, 1 if vpn.static_routes_only else 0)
                if best is None or rank > best:
                    best, chosen = rank, vpn
    return chosen


def site_networks(world: World, cgw: CustomerGateway) -> tuple[str, ...]:
    """The on-premises networks behind a customer gateway, as AWS's own configuration names them.

    In order, without duplicates:

    1. the ``vpclab:on-premises-cidrs`` tag (an optional lab knob: networks the configuration does
       not name, e.g. what the customer gateway advertises over BGP);
    2. the static routes of its static VPN connections on a virtual private gateway
       (CreateVpnConnectionRoute: "the CIDR block associated with the local subnet of the customer
       network", https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-edit-static-routes.html);
    3. transit gateway static routes whose target is one of its VPN connections' attachments ("For a
       VPN connection on a transit gateway, you add ... the static routes in the transit gateway route
       table"; AWS does not filter them, https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpn-attachments.html),
       prefix-list references expanded.

    Routes in a VPC route table that target a virtual private gateway are not on-premises networks:
    the gateway forwards only prefixes its VPN connections know (static routes or BGP), AWS "Route
    tables and VPN route priority". Blackhole routes and deleted connections count for nothing.
    """
    from .transit_gateway import TransitGatewayAttachment, TransitGatewayRouteTable, static_candidates

    out: dict[str, None] = dict.fromkeys(on_premises_cidrs(cgw))
    vpns = [v for v in world.all(VpnConnection)
            if v.customer_gateway_id == cgw.id and v.state not in GONE_STATES]
    for vpn in vpns:
        if vpn.static_routes_only and vpn.vpn_gateway_id:
            out.update(dict.fromkeys(r.destination_cidr_block for r in vpn.routes if r.state == "available"))
    vpn_ids = {v.id for v in vpns if v.transit_gateway_id}
    attachments = {a.id for a in world.all(TransitGatewayAttachment)
                   if a.resource_type == "vpn" and a.resource_id in vpn_ids and a.live}
    if attachments:
        for rtb in world.all(TransitGatewayRouteTable):
            for route in rtb.routes:
                if route.type != "static" or not attachments & set(route.transit_gateway_attachment_ids):
                    continue
                for r in static_candidates(world, route):
                    if r.state == "active" and r.destination_cidr_block:
                        out[r.destination_cidr_block] = None
    return tuple(out)


def first_network(cidrs: tuple[str, ...], family: int = 4) -> str | None:
    """The network a trace without an address stands for: the first of ``cidrs`` of the family
    that is not a default route (0.0.0.0/0 names no network to pick a host in), else the first."""
    same = [c for c in cidrs if (":" in c) == (family == 6)]
    return next((c for c in same if not c.endswith("/0")), same[0] if same else None)
