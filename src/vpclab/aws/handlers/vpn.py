"""Site-to-Site VPN: customer gateways, virtual private gateways, VPN connections and their static
routes, VGW route propagation.

AWS: "AWS Site-to-Site VPN User Guide" (https://docs.aws.amazon.com/vpn/latest/s2svpn/) and the EC2
API reference of each action. The on-premises networks behind a customer gateway are the lab tag
``vpclab:on-premises-cidrs`` (set with TagSpecifications or CreateTags; see docs/concepts.md).
"""

from __future__ import annotations

import hashlib
from typing import Any

from ...model.vpn import CustomerGateway, VpnConnection, VpnGateway, VpnGatewayAttachment, advertised_cidrs
from ...model.world import World
from .. import shapes
from ..describe import Kind, describe_handler
from ..registry import Call, mutating

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


def tunnel_outside_ips(vpn_id: str) -> tuple[str, str]:
    """Two stable outside addresses for a connection's tunnels (vpclab's own, from the id; AWS
    allocates them from its public ranges)."""
    digest = hashlib.sha256(vpn_id.encode()).digest()
    return (
        f"3.{digest[0]}.{digest[1]}.{digest[2] & 0xFE or 2}",
        f"52.{digest[3]}.{digest[4]}.{digest[5] | 1}",
    )


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
    if vpn.state == "available":
        # vpclab has no tunnels to go down: both of a live connection's tunnels are UP, and each
        # has accepted the routes the connection carries
        accepted = len(advertised_cidrs(world, vpn))
        out["VgwTelemetry"] = [
            {"OutsideIpAddress": ip, "Status": "UP", "StatusMessage": "", "AcceptedRouteCount": accepted}
            for ip in tunnel_outside_ips(vpn.id)
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
