"""Site-to-Site VPN: customer gateways, virtual private gateways, VPN connections, their static
routes, and VGW route propagation.

AWS docs: "AWS Site-to-Site VPN User Guide" — "How AWS Site-to-Site VPN works", "Customer gateway
options", "Static and dynamic routing", "Site-to-Site VPN quotas"; Amazon VPC User Guide — "Route
propagation"; the EC2 API reference page of each action. Where AWS documents no error message
for a rule, the comment says so and the message is vpclab's, in EC2's usual form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..core.errors import AwsError, invalid_parameter_value, wire_name
from ..model.base import Tags
from ..model.regions import zone
from ..model.route_table import RouteTable
from ..model.transit_gateway import TransitGateway
from ..model.vpc import Vpc
from ..model.vpn import (
    GONE_STATES,
    ON_PREMISES_CIDRS_TAG,
    CustomerGateway,
    VpnConnection,
    VpnGateway,
    VpnGatewayAttachment,
    VpnStaticRoute,
    validate_on_premises_tag,
)
from .asn import check_amazon_side_asn
from .cidr import parse_cidr, parse_ip, parse_ipv6_cidr
from .context import Ctx
from .registry import action
from .text import check_text
from .vpn_tunnels import build_tunnels, modify_tunnel

#: The only VPN type AWS supports (EC2 API reference: GatewayType).
VPN_TYPE = "ipsec.1"
#: CreateCustomerGateway: BgpAsn is 1–2,147,483,647; larger ASNs go in BgpAsnExtended.
BGP_ASN_RANGE = range(1, 2_147_483_648)
BGP_ASN_EXTENDED_RANGE = range(2_147_483_648, 4_294_967_296)
#: "Customer gateway options": public ASNs AWS reserves (None = every Region).
RESERVED_CUSTOMER_ASNS: dict[int, str | None] = {
    7224: None, 9059: "eu-west-1", 10124: "ap-northeast-1", 17943: "ap-southeast-1"}
#: CreateVpnGateway AmazonSideAsn: a private ASN, 16-bit or 32-bit.
DEFAULT_AMAZON_SIDE_ASN = 64512
#: VpnConnectionOptionsSpecification members vpclab accepts (snake_case of boto3's shape).
VPN_OPTIONS = frozenset({
    "static_routes_only", "tunnel_inside_ip_version", "enable_acceleration", "tunnel_options",
    "local_ipv4_network_cidr", "remote_ipv4_network_cidr", "outside_ip_address_type",
    "local_ipv6_network_cidr", "remote_ipv6_network_cidr",
})


def _check_type(value: str) -> None:
    if value != VPN_TYPE:
        raise invalid_parameter_value(
                       f"Value ({value}) for parameter type is invalid. Expected: '{VPN_TYPE}'.")


def _in_region(ctx: Ctx, res: Any) -> bool:
    return res.owner_id == ctx.account_id and res.region == ctx.region


def _live_connections(ctx: Ctx) -> list[VpnConnection]:
    return [v for v in ctx.world.all(VpnConnection) if v.state not in GONE_STATES]


# -- Customer gateways -----------------------------------------------------------------------
@action
def create_customer_gateway(ctx: Ctx, *, type: str = VPN_TYPE, bgp_asn: int | None = None,
                            bgp_asn_extended: int | None = None, ip_address: str | None = None,
                            public_ip: str | None = None, device_name: str | None = None,
                            tags: Mapping[str, str] | None = None) -> CustomerGateway:
    """CreateCustomerGateway: a static IPv4 address and a BGP ASN; an identical request returns
    the existing customer gateway.

    AWS accepts private (RFC 1918 / RFC 6598) addresses too — they serve Private IP VPN over
    Direct Connect — so only the address's form is checked. The on-premises networks behind the
    gateway come from the ``vpclab:on-premises-cidrs`` tag (a lab knob), checked here.
    """
    _check_type(type)
    check_text("DeviceName", device_name)
    address = ip_address or public_ip
    if not address:
        raise AwsError("MissingParameter", "The request must contain the parameter ipAddress")
    ip = str(parse_ip(address, "ipAddress"))
    asn = _customer_asn(ctx, bgp_asn, bgp_asn_extended)
    if tags and ON_PREMISES_CIDRS_TAG in tags:
        validate_on_premises_tag(tags[ON_PREMISES_CIDRS_TAG])
    # AWS: "An identical request returns information about the existing customer gateway"
    wanted = (type, ip, asn, device_name)
    for cgw in ctx.world.owned(CustomerGateway, ctx.account_id, ctx.region):
        if (cgw.type, cgw.ip_address, cgw.bgp_asn, cgw.device_name) == wanted:
            return cgw
    ctx.check_quota("customer_gateways_per_region",
                    ctx.world.count_owned(CustomerGateway, ctx.account_id, ctx.region))
    return ctx.world.put(CustomerGateway(
        id=ctx.new_id("customer_gateway"), owner_id=ctx.account_id, region=ctx.region, tags=Tags(tags),
        ip_address=ip, bgp_asn=asn, type=type, device_name=device_name))


def _customer_asn(ctx: Ctx, bgp_asn: int | None, bgp_asn_extended: int | None) -> int:
    if bgp_asn is not None and bgp_asn_extended is not None:
        # AWS: "You must specify either BgpAsn or BgpAsnExtended"; the error wording is not documented
        raise AwsError("InvalidParameterCombination", "Specify either bgpAsn or bgpAsnExtended, not both.")
    if bgp_asn_extended is not None:
        if bgp_asn_extended not in BGP_ASN_EXTENDED_RANGE:
            raise invalid_parameter_value(
                           f"Value ({bgp_asn_extended}) for parameter bgpAsnExtended is invalid. "
                           "Valid values: 2,147,483,648 to 4,294,967,295.")
        return bgp_asn_extended
    asn = 65000 if bgp_asn is None else bgp_asn  # API reference: "Default: 65000"
    if asn not in BGP_ASN_RANGE:
        raise invalid_parameter_value(
                       f"Value ({asn}) for parameter bgpAsn is invalid. Valid values: 1 to 2,147,483,647.")
    if asn in RESERVED_CUSTOMER_ASNS and RESERVED_CUSTOMER_ASNS[asn] in (None, ctx.region):
        # "Customer gateway options" lists the reserved ASNs; the error wording is not documented
        raise AwsError("InvalidParameterValue", f"Value ({asn}) for parameter bgpAsn is invalid. "
                       f"ASN {asn} is reserved in {ctx.region}.")
    return asn


@action
def delete_customer_gateway(ctx: Ctx, *, customer_gateway_id: str) -> None:
    """DeleteCustomerGateway: not while a VPN connection that is not deleted uses it."""
    cgw = ctx.require(CustomerGateway, customer_gateway_id)
    ctx.require_owner(cgw)
    if any(v.customer_gateway_id == cgw.id for v in _live_connections(ctx)):
        raise AwsError("IncorrectState", "The customer gateway is in use.")
    ctx.world.remove(cgw.id)


# -- Virtual private gateways ----------------------------------------------------------------
@action
def create_vpn_gateway(ctx: Ctx, *, type: str = VPN_TYPE, amazon_side_asn: int | None = None,
                       availability_zone: str | None = None,
                       tags: Mapping[str, str] | None = None) -> VpnGateway:
    """CreateVpnGateway: a private Amazon-side ASN (default 64512); quota per Region."""
    _check_type(type)
    asn = DEFAULT_AMAZON_SIDE_ASN if amazon_side_asn is None else amazon_side_asn
    check_amazon_side_asn(asn)
    if availability_zone is not None:
        az = zone(availability_zone)
        if az is None or az.region_name != ctx.region:
            raise invalid_parameter_value(f"Invalid Availability Zone ({availability_zone})")
    ctx.check_quota("vpn_gateways_per_region",
                    ctx.world.count_owned(VpnGateway, ctx.account_id, ctx.region))
    return ctx.world.put(VpnGateway(
        id=ctx.new_id("vpn_gateway"), owner_id=ctx.account_id, region=ctx.region, tags=Tags(tags),
        type=type, amazon_side_asn=asn, availability_zone=availability_zone))


def _attached_vgw(ctx: Ctx, vpc_id: str) -> VpnGateway | None:
    return next(ctx.world.in_vpc(vpc_id, VpnGateway), None)


@action
def attach_vpn_gateway(ctx: Ctx, *, vpc_id: str, vpn_gateway_id: str) -> VpnGatewayAttachment:
    """AttachVpnGateway: a VGW attaches to one VPC, and a VPC has at most one VGW
    ("Site-to-Site VPN quotas")."""
    vgw = ctx.require(VpnGateway, vpn_gateway_id)
    vpc = ctx.require(Vpc, vpc_id)
    ctx.require_owner(vgw)
    ctx.require_owner(vpc)
    if vgw.vpc_id == vpc.id:
        return next(a for a in vgw.vpc_attachments if a.state == "attached")
    if vgw.vpc_id is not None:
        raise AwsError("VpnGatewayAttachmentLimitExceeded",
                       "The maximum number of virtual private gateway attachments has been reached.")
    if _attached_vgw(ctx, vpc.id) is not None:
        raise AwsError("InvalidVpcState",
                       f"VPC {vpc.id} is currently attached to the Virtual Private Gateway.")
    attachment = VpnGatewayAttachment(vpc_id=vpc.id, state="attached")
    ctx.world.put(replace(vgw, vpc_attachments=(attachment,)))
    return attachment


@action
def detach_vpn_gateway(ctx: Ctx, *, vpc_id: str, vpn_gateway_id: str) -> None:
    """DetachVpnGateway: only from the VPC it is attached to. Its VPN connections stay (and stop
    carrying routes)."""
    vgw = ctx.require(VpnGateway, vpn_gateway_id)
    ctx.require_owner(vgw)
    if vgw.vpc_id is None or vgw.vpc_id != vpc_id:
        raise AwsError("InvalidVpnGatewayAttachment.NotFound", f"The attachment with vpn gateway ID "
                       f"'{vpn_gateway_id}' and vpc ID '{vpc_id}' does not exist")
    ctx.world.put(replace(vgw, vpc_attachments=(VpnGatewayAttachment(vpc_id=vpc_id, state="detached"),)))


@action
def delete_vpn_gateway(ctx: Ctx, *, vpn_gateway_id: str) -> None:
    """DeleteVpnGateway: detach it and delete its VPN connections first (IncorrectState otherwise);
    likewise its Direct Connect gateway associations and private virtual interfaces (AWS does not
    document this case; vpclab refuses rather than leave them dangling)."""
    vgw = ctx.require(VpnGateway, vpn_gateway_id)
    ctx.require_owner(vgw)
    if vgw.vpc_id is not None or any(v.vpn_gateway_id == vgw.id for v in _live_connections(ctx)) \
            or _direct_connect_uses(ctx, vgw.id):
        raise AwsError("IncorrectState", "The VPN gateway is in use.")
    for rtb in list(ctx.world.all(RouteTable)):
        if vgw.id in rtb.propagating_vgws:
            _stop_propagation(ctx, rtb, vgw.id)
    ctx.world.remove(vgw.id)


def _direct_connect_uses(ctx: Ctx, vgw_id: str) -> bool:
    from ..model.direct_connect import DirectConnectGatewayAssociation, VirtualInterface

    return any(a.associated_gateway_id == vgw_id and a.live
               for a in ctx.world.all(DirectConnectGatewayAssociation)) or any(
        v.virtual_gateway_id == vgw_id for v in ctx.world.all(VirtualInterface))


# -- VPN connections -------------------------------------------------------------------------
@action
def create_vpn_connection(ctx: Ctx, *, customer_gateway_id: str, type: str = VPN_TYPE,
                          vpn_gateway_id: str | None = None, transit_gateway_id: str | None = None,
                          options: Mapping[str, Any] | None = None,
                          tags: Mapping[str, str] | None = None) -> VpnConnection:
    """CreateVpnConnection: between a customer gateway and exactly one VGW or transit gateway.

    On a transit gateway the connection gets a VPN attachment
    (``control.transit_gateway.create_vpn_attachment``).
    """
    _check_type(type)
    if vpn_gateway_id and transit_gateway_id:
        raise invalid_parameter_value(
                       "The request must not contain both parameter vpnGatewayId and transitGatewayId")
    if not vpn_gateway_id and not transit_gateway_id:
        # AWS accepts neither for a connection later attached to a Cloud WAN core network, which
        # vpclab does not model; it asks for one of the two instead (vpclab's wording).
        raise AwsError("MissingParameter",
                       "The request must contain the parameter vpnGatewayId or transitGatewayId")
    cgw = ctx.require(CustomerGateway, customer_gateway_id)
    opts = _vpn_options(options, on_tgw=bool(transit_gateway_id))
    gateway_id: str
    if vpn_gateway_id:
        vgw = ctx.require(VpnGateway, vpn_gateway_id)
        gateway_id = vgw.id
        if not opts["static_routes_only"] and cgw.bgp_asn == vgw.amazon_side_asn:
            # "Error codes for the Amazon EC2 API" lists AsnConflict for this case
            raise AwsError("AsnConflict", "The ASN of the specified customer gateway and "
                           "virtual private gateway are the same.")
    else:
        gateway_id = ctx.require(TransitGateway, transit_gateway_id).id
    for other in _live_connections(ctx):
        if gateway_id in (other.vpn_gateway_id, other.transit_gateway_id):
            other_cgw = ctx.world.get(other.customer_gateway_id, CustomerGateway)
            if other_cgw is not None and other_cgw.ip_address == cgw.ip_address:
                raise AwsError("InvalidCustomerGateway.DuplicateIpAddress",
                               "Conflict among chosen gateway IP addresses.")
    live = _live_connections(ctx)
    ctx.check_quota("vpn_connections_per_region", sum(1 for v in live if _in_region(ctx, v)))
    if vpn_gateway_id:
        ctx.check_quota("vpn_connections_per_vgw", sum(1 for v in live if v.vpn_gateway_id == gateway_id))
    tunnel_args = {"ipv6": opts["tunnel_inside_ip_version"] == "ipv6", "gateway_id": gateway_id,
                   "on_tgw": bool(transit_gateway_id)}
    build_tunnels(ctx, "vpn-check", opts.get("tunnel_options"), **tunnel_args)  # checks before an id is used
    vpn_id = ctx.new_id("vpn_connection")
    vpn = ctx.world.put(VpnConnection(
        id=vpn_id, owner_id=ctx.account_id, region=ctx.region, tags=Tags(tags), create_time=ctx.now,
        tunnel_options=build_tunnels(ctx, vpn_id, opts.get("tunnel_options"), **tunnel_args),
        customer_gateway_id=cgw.id, type=type, vpn_gateway_id=vpn_gateway_id or None,
        transit_gateway_id=transit_gateway_id or None, static_routes_only=opts["static_routes_only"],
        tunnel_inside_ip_version=opts["tunnel_inside_ip_version"],
        enable_acceleration=opts["enable_acceleration"], local_network_cidr=opts.get("local_network_cidr"),
        remote_network_cidr=opts.get("remote_network_cidr")))
    if transit_gateway_id:
        from .transit_gateway import create_vpn_attachment  # the transit gateway family owns its attachments

        create_vpn_attachment(ctx, transit_gateway_id, vpn.id)
    return vpn


def _vpn_options(options: Mapping[str, Any] | None, *, on_tgw: bool) -> dict[str, Any]:
    opts = dict(options or {})
    unknown = sorted(set(opts) - VPN_OPTIONS)
    if unknown:
        raise invalid_parameter_value(
                       f"Unknown VPN connection option(s): {', '.join(map(wire_name, unknown))}. "
                       f"Valid options: {', '.join(sorted(map(wire_name, VPN_OPTIONS)))}.")
    version = opts.get("tunnel_inside_ip_version", "ipv4")
    if version not in ("ipv4", "ipv6"):
        raise AwsError("InvalidParameterValue", f"Value ({version}) for parameter tunnelInsideIpVersion "
                       "is invalid. Expected: 'ipv4', 'ipv6'.")
    # "IPv6 traffic ... is supported for VPN connections on a transit gateway" and "Acceleration
    # is only supported for VPN connections attached to a transit gateway" (Site-to-Site VPN
    # User Guide); the error wording is not documented.
    if version == "ipv6" and not on_tgw:
        raise AwsError("InvalidParameterCombination", "An IPv6 tunnel inside IP version is supported only "
                       "for VPN connections on a transit gateway.")
    if opts.get("enable_acceleration") and not on_tgw:
        raise AwsError("InvalidParameterCombination",
                       "Acceleration is supported only for VPN connections attached to a transit gateway.")
    networks = _network_cidrs(opts, version)
    return {"static_routes_only": bool(opts.get("static_routes_only", False)),
            "tunnel_inside_ip_version": version, "tunnel_options": opts.get("tunnel_options"),
            "enable_acceleration": bool(opts.get("enable_acceleration", False)), **networks}


def _network_cidrs(opts: Mapping[str, Any], version: str) -> dict[str, str | None]:
    """Local/RemoteIpv4NetworkCidr and Local/RemoteIpv6NetworkCidr (VpnConnectionOptionsSpecification,
    EC2 API reference: the customer gateway side and the AWS side, default 0.0.0.0/0 and ::/0): valid
    CIDR blocks of the tunnels' inside family. AWS does not document the error for the other
    family's CIDRs; vpclab refuses them (conservative), as it does an IPv6 tunnel off a transit gateway."""
    out: dict[str, str | None] = {}
    for side in ("local", "remote"):
        for family in ("ipv4", "ipv6"):
            key = f"{side}_{family}_network_cidr"
            value = opts.get(key)
            if value is None:
                continue
            if family != version:
                raise AwsError("InvalidParameterCombination",
                               f"{wire_name(key)} cannot be set for a VPN connection whose tunnel inside IP "
                               f"version is {version}.")
            param = wire_name(key)
            net = parse_cidr(value, param) if family == "ipv4" else parse_ipv6_cidr(value, param)
            out[f"{side}_network_cidr"] = str(net)
    return out


def _require_live_connection(ctx: Ctx, vpn_connection_id: str, *, deleting: bool = False) -> VpnConnection:
    """A connection that is not deleted. AWS still describes a deleted connection for a while; a
    change to it is the page's InvalidVpnConnection.InvalidState ("The VPN connection must be in the
    available state to complete the request"; message vpclab's); deleting it again answers as for a
    connection that does not exist (undocumented: vpclab's choice)."""
    vpn = ctx.require(VpnConnection, vpn_connection_id)
    ctx.require_owner(vpn)
    if vpn.state in GONE_STATES:
        if not deleting:
            raise AwsError("InvalidVpnConnection.InvalidState",
                           f"The VPN connection {vpn.id} is {vpn.state}; it must be available.")
        code, message = VpnConnection.NOT_FOUND
        raise AwsError(code, message.format(id=vpn_connection_id))
    return vpn


@action
def delete_vpn_connection(ctx: Ctx, *, vpn_connection_id: str) -> None:
    """DeleteVpnConnection: the connection goes to state ``deleted``; a transit gateway
    connection's VPN attachment goes too."""
    vpn = _require_live_connection(ctx, vpn_connection_id, deleting=True)
    ctx.world.put(replace(vpn, state="deleted"))
    if vpn.transit_gateway_id:
        from .transit_gateway import delete_vpn_attachment

        delete_vpn_attachment(ctx, vpn.id)


@action
def modify_vpn_tunnel_options(ctx: Ctx, *, vpn_connection_id: str, vpn_tunnel_outside_ip_address: str,
                              tunnel_options: Mapping[str, Any],
                              skip_tunnel_replacement: bool = False) -> VpnConnection:
    """ModifyVpnTunnelOptions: the options of one tunnel, named by its outside address ("you can only
    modify one tunnel at a time"). vpclab has no tunnel endpoints to replace, so
    ``skip_tunnel_replacement`` changes nothing."""
    vpn = _require_live_connection(ctx, vpn_connection_id)
    return ctx.world.put(modify_tunnel(ctx, vpn, vpn_tunnel_outside_ip_address, tunnel_options))


def _route_cidr(destination_cidr_block: str) -> str:
    """A VPN connection route's destination: "Error codes for the Amazon EC2 API",
    InvalidRoute.Malformed ("The specified route is not valid. For example, the CIDR block that you
    specified for a VPN connection route is not valid"; the message is vpclab's)."""
    try:
        return str(parse_cidr(destination_cidr_block, "destinationCidrBlock"))
    except AwsError:
        raise AwsError("InvalidRoute.Malformed",
                       f"The route {destination_cidr_block} is not a valid IPv4 CIDR block.") from None


@action
def create_vpn_connection_route(ctx: Ctx, *, vpn_connection_id: str, destination_cidr_block: str) -> None:
    """CreateVpnConnectionRoute: a static route, only on a static-routes-only connection to a VGW."""
    vpn = _require_live_connection(ctx, vpn_connection_id)
    # The API reference scopes the action to "a VPN connection between an existing virtual
    # private gateway and a VPN customer gateway", and "Static and dynamic routing" reserves
    # static routes for static-routes-only connections. AWS documents no error wording for either.
    if vpn.transit_gateway_id:
        raise invalid_parameter_value(
                       f"VPN connection {vpn.id} is attached to transit gateway {vpn.transit_gateway_id}; "
                       "add static routes to its transit gateway route table (CreateTransitGatewayRoute).")
    if not vpn.static_routes_only:
        # "Error codes for the Amazon EC2 API": InvalidVpnConnection.InvalidType (wording undocumented)
        raise AwsError("InvalidVpnConnection.InvalidType",
                       f"VPN connection {vpn.id} uses dynamic routing (BGP); static routes are allowed only "
                       "when its StaticRoutesOnly option is true.")
    cidr = _route_cidr(destination_cidr_block)
    if any(r.destination_cidr_block == cidr for r in vpn.routes):
        return None  # an existing route: AWS treats the request as already done
    ctx.world.put(replace(vpn, routes=(*vpn.routes, VpnStaticRoute(destination_cidr_block=cidr))))
    return None


@action
def delete_vpn_connection_route(ctx: Ctx, *, vpn_connection_id: str, destination_cidr_block: str) -> None:
    """DeleteVpnConnectionRoute: the static route must exist."""
    vpn = _require_live_connection(ctx, vpn_connection_id)
    cidr = _route_cidr(destination_cidr_block)
    if not any(r.destination_cidr_block == cidr for r in vpn.routes):
        raise AwsError("InvalidRoute.NotFound", f"The specified route {cidr} does not exist")
    ctx.world.put(replace(vpn, routes=tuple(r for r in vpn.routes if r.destination_cidr_block != cidr)))


# -- Route propagation -----------------------------------------------------------------------
@action
def enable_vgw_route_propagation(ctx: Ctx, *, gateway_id: str, route_table_id: str) -> None:
    """EnableVgwRoutePropagation: the VGW must be attached to the route table's VPC ("Route propagation")."""
    rtb = ctx.require(RouteTable, route_table_id)
    ctx.require_owner(rtb)
    vgw = ctx.require(VpnGateway, gateway_id)
    if vgw.vpc_id != rtb.vpc_id:
        raise AwsError("Gateway.NotAttached", f"resource {vgw.id} is not attached to network {rtb.vpc_id}")
    if vgw.id not in rtb.propagating_vgws:
        ctx.world.put(replace(rtb, propagating_vgws=(*rtb.propagating_vgws, vgw.id)))


@action
def disable_vgw_route_propagation(ctx: Ctx, *, gateway_id: str, route_table_id: str) -> None:
    """DisableVgwRoutePropagation: stop the VGW's routes propagating into the table (a no-op if
    they do not)."""
    rtb = ctx.require(RouteTable, route_table_id)
    ctx.require_owner(rtb)
    if gateway_id in rtb.propagating_vgws:
        _stop_propagation(ctx, rtb, gateway_id)


def _stop_propagation(ctx: Ctx, rtb: RouteTable, vgw_id: str) -> None:
    ctx.world.put(replace(rtb, propagating_vgws=tuple(g for g in rtb.propagating_vgws if g != vgw_id)))
