"""Site-to-Site VPN: customer gateways, virtual private gateways, VPN connections and their static
routes, VGW route propagation.

AWS: "AWS Site-to-Site VPN User Guide" (https://docs.aws.amazon.com/vpn/latest/s2svpn/) and the EC2
API reference of each action. The on-premises networks behind a customer gateway are the lab tag
``vpclab:on-premises-cidrs`` (set with TagSpecifications or CreateTags; see docs/concepts.md).
"""

from __future__ import annotations

from typing import Any

from ...model.vpn import CustomerGateway, VpnConnection, VpnGateway, VpnGatewayAttachment, advertised_cidrs
from ...model.vpn_tunnels import VpnTunnelOption
from ...model.world import World
from .. import shapes
from ..describe import Kind, describe_handler
from ..registry import Call, mutating
from .vpn_config import customer_gateway_configuration

Shape = dict[str, Any]

#: BgpAsn holds 16- and 32-bit ASNs up to 2,147,483,647; larger ones are BgpAsnExtended
_BGP_ASN_MAX = 2_147_483_647


# -- shapes --------------------------------------------------------------------------------------
def customer_gateway(world: World, cgw: CustomerGateway) -> Shape:
    out: Shape = {
        "CustomerGatewayId": cgw.id,
        "State": cgw.state,
        "Type": cgw.type,
        "IpAddress": cgw.ip_address,
    }
    # the API answers the ASN as a string; an ASN above BgpAsn's range is BgpAsnExtended
    if cgw.bgp_asn > _BGP_ASN_MAX:
        out["BgpAsnExtended"] = str(cgw.bgp_asn)
    else:
        out["BgpAsn"] = str(cgw.bgp_asn)
    if cgw.device_name:
        out["DeviceName"] = cgw.device_name
    return shapes.with_tags(out, cgw)


def vpn_gateway_attachment(a: VpnGatewayAttachment) -> Shape:
    return {"VpcId": a.vpc_id, "State": a.state}


def vpn_gateway(world: World, vgw: VpnGateway) -> Shape:
    out: Shape = {
        "VpnGatewayId": vgw.id,
        "State": vgw.state,
        "Type": vgw.type,
        "AmazonSideAsn": vgw.amazon_side_asn,
        "VpcAttachments": [vpn_gateway_attachment(a) for a in vgw.vpc_attachments],
    }
    if vgw.availability_zone:
        out["AvailabilityZone"] = vgw.availability_zone
    return shapes.with_tags(out, vgw)


def tunnel_option(tunnel: VpnTunnelOption) -> Shape:
    """One tunnel of ``Options.TunnelOptions`` (EC2 API reference: TunnelOption).

    AWS's documented answers differ in which defaulted members they show (the aws CLI's 2019-2020
    examples show only what the caller set; the Site-to-Site VPN guide's shows the addresses, the key
    and the lifetimes). vpclab answers the addresses, the pre-shared key and every numeric or enum
    option with its effective value (AWS's default where not set), and a list option only when the
    caller restricted it (unset, AWS permits every valid value)."""
    out: Shape = {"OutsideIpAddress": tunnel.outside_ip_address}
    if tunnel.tunnel_inside_cidr:
        out["TunnelInsideCidr"] = tunnel.tunnel_inside_cidr
    if tunnel.tunnel_inside_ipv6_cidr:
        out["TunnelInsideIpv6Cidr"] = tunnel.tunnel_inside_ipv6_cidr
    out |= {
        "PreSharedKey": tunnel.pre_shared_key,
        "Phase1LifetimeSeconds": tunnel.phase1_lifetime_seconds,
        "Phase2LifetimeSeconds": tunnel.phase2_lifetime_seconds,
        "RekeyMarginTimeSeconds": tunnel.rekey_margin_time_seconds,
        "RekeyFuzzPercentage": tunnel.rekey_fuzz_percentage,
        "ReplayWindowSize": tunnel.replay_window_size,
        "DpdTimeoutSeconds": tunnel.dpd_timeout_seconds,
        "DpdTimeoutAction": tunnel.dpd_timeout_action,
    }
    lists = (("Phase1EncryptionAlgorithms", tunnel.phase1_encryption_algorithms),
             ("Phase2EncryptionAlgorithms", tunnel.phase2_encryption_algorithms),
             ("Phase1IntegrityAlgorithms", tunnel.phase1_integrity_algorithms),
             ("Phase2IntegrityAlgorithms", tunnel.phase2_integrity_algorithms),
             ("Phase1DHGroupNumbers", tunnel.phase1_dh_group_numbers),
             ("Phase2DHGroupNumbers", tunnel.phase2_dh_group_numbers),
             ("IkeVersions", tunnel.ike_versions))
    out |= {name: [{"Value": v} for v in values] for name, values in lists if values}
    out["StartupAction"] = tunnel.startup_action
    out["LogOptions"] = {"CloudWatchLogOptions": {"LogEnabled": False}}
    out["EnableTunnelLifecycleControl"] = tunnel.enable_tunnel_lifecycle_control
    return out


def tunnel_outside_ips(vpn: VpnConnection) -> tuple[str, ...]:
    """The outside (AWS side) addresses of a connection's tunnels."""
    return tuple(t.outside_ip_address for t in vpn.tunnels)


def _network_cidrs(vpn: VpnConnection) -> Shape:
    """Options' network CIDRs in the tunnels' inside family (AWS's defaults 0.0.0.0/0 and ::/0)."""
    family, default = ("Ipv6", "::/0") if vpn.tunnel_inside_ip_version == "ipv6" else ("Ipv4", "0.0.0.0/0")
    return {f"Local{family}NetworkCidr": vpn.local_network_cidr or default,
            f"Remote{family}NetworkCidr": vpn.remote_network_cidr or default}


def vpn_connection(world: World, vpn: VpnConnection) -> Shape:
    out: Shape = {
        "VpnConnectionId": vpn.id,
        "CustomerGatewayId": vpn.customer_gateway_id,
        "Category": "VPN",
        "State": vpn.state,
        "Type": vpn.type,
        "Options": {
            "EnableAcceleration": vpn.enable_acceleration,
            "StaticRoutesOnly": vpn.static_routes_only,
            **_network_cidrs(vpn),
            "OutsideIpAddressType": "PublicIpv4",
            "TunnelInsideIpVersion": vpn.tunnel_inside_ip_version,
            "TunnelOptions": [tunnel_option(t) for t in vpn.tunnels],
        },
        "Routes": [
            {"DestinationCidrBlock": r.destination_cidr_block, "Source": r.source, "State": r.state}
            for r in vpn.routes
        ],
    }
    if vpn.vpn_gateway_id:
        out["VpnGatewayId"] = vpn.vpn_gateway_id
    if vpn.transit_gateway_id:
        out["TransitGatewayId"] = vpn.transit_gateway_id
        out["GatewayAssociationState"] = "associated" if vpn.state == "available" else "disassociated"
    if vpn.state in ("pending", "available"):
        # "always present in the CreateVpnConnection response; … in the DescribeVpnConnections
        # response only if the VPN connection is in the pending or available state" (VpnConnection)
        out["CustomerGatewayConfiguration"] = customer_gateway_configuration(world, vpn)
    if vpn.state == "available":
        # vpclab has no tunnels to go down: both of a live connection's tunnels are UP since the
        # connection was created, and each has accepted the routes the connection carries (AWS's
        # status message counts them for a BGP connection: "3 BGP ROUTES")
        accepted = len(advertised_cidrs(world, vpn))
        message = "" if vpn.static_routes_only else f"{accepted} BGP ROUTES"
        out["VgwTelemetry"] = [
            {"OutsideIpAddress": ip, "Status": "UP", "StatusMessage": message, "AcceptedRouteCount": accepted}
            | ({"LastStatusChange": vpn.create_time} if vpn.create_time is not None else {})
            for ip in tunnel_outside_ips(vpn)
        ]
    return shapes.with_tags(out, vpn)


shapes.register(CustomerGateway, customer_gateway)
shapes.register(VpnGateway, vpn_gateway)
shapes.register(VpnConnection, vpn_connection)

# -- customer gateways ---------------------------------------------------------------------------
CGW_FILTERS = {
    "customer-gateway-id": lambda w, c: c.id,
    "bgp-asn": lambda w, c: c.bgp_asn,
    "ip-address": lambda w, c: c.ip_address,
    "state": lambda w, c: c.state,
    "type": lambda w, c: c.type,
}

mutating("CreateCustomerGateway", returns=customer_gateway, tag_type=CustomerGateway.RESOURCE_TYPE)
mutating("DeleteCustomerGateway")
describe_handler(
    "DescribeCustomerGateways",
    Kind(
        CustomerGateway,
        key="CustomerGateways",
        ids="CustomerGatewayIds",
        shape=customer_gateway,
        filters=CGW_FILTERS,
    ),
)

# -- virtual private gateways --------------------------------------------------------------------
VGW_FILTERS = {
    "vpn-gateway-id": lambda w, g: g.id,
    "amazon-side-asn": lambda w, g: g.amazon_side_asn,
    "attachment.state": lambda w, g: [a.state for a in g.vpc_attachments],
    "attachment.vpc-id": lambda w, g: [a.vpc_id for a in g.vpc_attachments],
    "availability-zone": lambda w, g: g.availability_zone,
    "state": lambda w, g: g.state,
    "type": lambda w, g: g.type,
}


def _attached(call: Call, a: VpnGatewayAttachment) -> Shape:
    return {"VpcAttachment": vpn_gateway_attachment(a)}


mutating("CreateVpnGateway", returns=vpn_gateway, tag_type=VpnGateway.RESOURCE_TYPE)
mutating("DeleteVpnGateway")
mutating("AttachVpnGateway", result=_attached)
mutating("DetachVpnGateway")
describe_handler(
    "DescribeVpnGateways",
    Kind(VpnGateway, key="VpnGateways", ids="VpnGatewayIds", shape=vpn_gateway, filters=VGW_FILTERS),
)

# -- VPN connections -----------------------------------------------------------------------------
VPN_FILTERS = {
    "vpn-connection-id": lambda w, v: v.id,
    "customer-gateway-id": lambda w, v: v.customer_gateway_id,
    "vpn-gateway-id": lambda w, v: v.vpn_gateway_id,
    "transit-gateway-id": lambda w, v: v.transit_gateway_id,
    "state": lambda w, v: v.state,
    "type": lambda w, v: v.type,
    "category": lambda w, v: "VPN",
    "option.static-routes-only": lambda w, v: v.static_routes_only,
    "route.destination-cidr-block": lambda w, v: [r.destination_cidr_block for r in v.routes],
    "bgp-asn": lambda w, v: getattr(w.get(v.customer_gateway_id, CustomerGateway), "bgp_asn", None),
}

mutating("CreateVpnConnection", returns=vpn_connection, tag_type=VpnConnection.RESOURCE_TYPE)
mutating("DeleteVpnConnection")
mutating("ModifyVpnTunnelOptions", returns=vpn_connection)
mutating("CreateVpnConnectionRoute")
mutating("DeleteVpnConnectionRoute")
describe_handler(
    "DescribeVpnConnections",
    Kind(
        VpnConnection, key="VpnConnections", ids="VpnConnectionIds", shape=vpn_connection, filters=VPN_FILTERS
    ),
)

# -- route propagation ---------------------------------------------------------------------------
mutating("EnableVgwRoutePropagation")
mutating("DisableVgwRoutePropagation")
