"""Site-to-Site VPN rules: customer gateways, virtual private gateways, VPN connections, static
routes, VGW route propagation, and the routes a VGW propagates.

AWS docs: "AWS Site-to-Site VPN User Guide" (https://docs.aws.amazon.com/vpn/latest/s2svpn/),
Amazon VPC User Guide "Route propagation", and the EC2 API reference page of each action.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.conftest import raises_aws, unchanged
from vpclab import AwsError
from vpclab.model.route_table import Route, RouteTable
from vpclab.model.transit_gateway import TransitGatewayAttachment
from vpclab.model.vpn import (
    ON_PREMISES_CIDRS_TAG,
    VpnConnection,
    VpnGateway,
    advertised_cidrs,
    on_premises_cidrs,
    propagated_routes,
    validate_on_premises_tag,
    vpn_connection_for,
)

CGW_OPTIONS = "https://docs.aws.amazon.com/vpn/latest/s2svpn/cgw-options.html"
QUOTAS = "https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-limits.html"
ROUTING = "https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNRoutingTypes.html"
API = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_{}.html"



@contextmanager
def fails(world, code: str, message: str | None = None) -> Iterator[None]:
    """AWS's error (code and message), and a World left exactly as it was."""
    with unchanged(world), raises_aws(code, message):
        yield


def _vpc(cp, cidr="10.0.0.0/16"):
    return cp.create_vpc(cidr_block=cidr)


def _cgw(cp, ip="203.0.113.10", asn=65000, **kw):
    return cp.create_customer_gateway(type="ipsec.1", ip_address=ip, bgp_asn=asn, **kw)


def _attached_vgw(cp, vpc):
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    cp.attach_vpn_gateway(vpc_id=vpc.id, vpn_gateway_id=vgw.id)
    return cp.world.get(vgw.id)


def _main_table(cp, vpc) -> RouteTable:
    return next(rt for rt in cp.world.in_vpc(vpc.id, RouteTable) if rt.main)


# -- Customer gateways -----------------------------------------------------------------------
def test_customer_gateway_needs_an_ip_address(cp, world):
    """AWS CreateCustomerGateway: "You must provide the IP address of the customer gateway device's
    external interface"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateCustomerGateway.html)."""
    with fails(world, "MissingParameter", "The request must contain the parameter ipAddress"):
        cp.create_customer_gateway(type="ipsec.1", bgp_asn=65000)


def test_customer_gateway_ip_must_be_an_ipv4_address(cp, world):
    """AWS "Customer gateway options": the IP address of the device's external interface, static
    (https://docs.aws.amazon.com/vpn/latest/s2svpn/cgw-options.html). IPv6 customer gateways
    (transit gateway only) are not modelled."""
    with fails(world, "InvalidParameterValue",
               "Value (203.0.113.300) for parameter ipAddress is invalid. Invalid format."):
        _cgw(cp, ip="203.0.113.300")


def test_customer_gateway_accepts_a_private_ip_address(cp):
    """AWS CustomerGateway: "If OutsideIpAddressType ... is set to PrivateIpv4, you can use an RFC6598
    or RFC1918 private IPv4 address" — so CreateCustomerGateway accepts one
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CustomerGateway.html)."""
    assert _cgw(cp, ip="10.1.2.3").ip_address == "10.1.2.3"


def test_bgp_asn_ranges(cp, world):
    """AWS CreateCustomerGateway: BgpAsn "Valid values: 1 to 2,147,483,647"; larger ASNs go in
    BgpAsnExtended (2,147,483,648 to 4,294,967,295); default 65000
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateCustomerGateway.html)."""
    with fails(world, "InvalidParameterValue",
               "Value (0) for parameter bgpAsn is invalid. Valid values: 1 to 2,147,483,647."):
        _cgw(cp, asn=0)
    with fails(world, "InvalidParameterValue"):
        _cgw(cp, asn=4_200_000_000)
    with fails(world, "InvalidParameterValue", "Value (65000) for parameter bgpAsnExtended is "
               "invalid. Valid values: 2,147,483,648 to 4,294,967,295."):
        cp.create_customer_gateway(ip_address="203.0.113.10", bgp_asn_extended=65000)
    big = cp.create_customer_gateway(ip_address="203.0.113.10", bgp_asn_extended=4_200_000_000)
    assert big.bgp_asn == 4_200_000_000
    assert cp.create_customer_gateway(ip_address="203.0.113.11").bgp_asn == 65000


def test_reserved_customer_asns(cp, world):
    """AWS "Customer gateway options": 7224 is reserved in all Regions, 9059 in eu-west-1, 10124 in
    ap-northeast-1, 17943 in ap-southeast-1 (https://docs.aws.amazon.com/vpn/latest/s2svpn/cgw-options.html).
    The error wording is vpclab's (AWS documents none)."""
    with fails(world, "InvalidParameterValue",
               "Value (7224) for parameter bgpAsn is invalid. ASN 7224 is reserved in us-east-1."):
        _cgw(cp, asn=7224)
    assert _cgw(cp, asn=9059).bgp_asn == 9059  # reserved only in eu-west-1
    with raises_aws("InvalidParameterValue"):
        _cgw(cp.as_(region="eu-west-1"), asn=9059)


def test_identical_customer_gateway_request_returns_the_existing_one(cp, world):
    """AWS CreateCustomerGateway: "An identical request returns information about the existing customer
    gateway"; a unique device name makes another one
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateCustomerGateway.html)."""
    first = _cgw(cp)
    with unchanged(world):
        assert _cgw(cp).id == first.id
    assert _cgw(cp, device_name="edge-2").id != first.id


def test_customer_gateway_quota(cp, world):
    """AWS "Site-to-Site VPN quotas": customer gateways per Region, 50
    (https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-limits.html)."""
    world.settings.quotas = "aws-default"  # a new account's value; the lab's is higher
    for i in range(50):
        _cgw(cp, ip=f"198.51.100.{i + 1}")
    with fails(world, "CustomerGatewayLimitExceeded",
               "The maximum number of customer gateways has been reached."):
        _cgw(cp, ip="198.51.100.200")
    _cgw(cp.as_(region="us-west-2"), ip="198.51.100.200")  # per Region


def test_on_premises_tag_must_hold_cidrs(cp, world):
    """vpclab's lab knob (DESIGN §2) for the networks a customer gateway advertises over BGP
    ("Static and dynamic routing", https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNRoutingTypes.html):
    a bad CIDR is rejected, never ignored."""
    with fails(world, "InvalidParameterValue",
               f"Value (10.50.0.0/16, 10.60.0.1/16) for tag {ON_PREMISES_CIDRS_TAG} is invalid. "
               "'10.60.0.1/16' is not a valid IPv4 CIDR block (expected e.g. 10.50.0.0/16)."):
        _cgw(cp, tags={ON_PREMISES_CIDRS_TAG: "10.50.0.0/16, 10.60.0.1/16"})
    cgw = _cgw(cp, tags={ON_PREMISES_CIDRS_TAG: " 10.50.0.0/16,192.168.10.0/24, 10.50.0.0/16"})
    assert on_premises_cidrs(cgw) == ("10.50.0.0/16", "192.168.10.0/24")
    assert validate_on_premises_tag("") == ()
    with pytest.raises(AwsError):
        validate_on_premises_tag("10.0.0.0/16,")  # an empty item is a mistake, not "nothing"
    with pytest.raises(AwsError):
        validate_on_premises_tag("10.0.0.0")


def test_customer_gateway_in_use_cannot_be_deleted(cp, world):
    """AWS DeleteCustomerGateway: "You must delete the VPN connection before you can delete the customer
    gateway" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteCustomerGateway.html)."""
    cgw = _cgw(cp)
    vpn = cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1",
                                   vpn_gateway_id=cp.create_vpn_gateway(type="ipsec.1").id)
    with fails(world, "IncorrectState", "The customer gateway is in use."):
        cp.delete_customer_gateway(customer_gateway_id=cgw.id)
    cp.delete_vpn_connection(vpn_connection_id=vpn.id)
    cp.delete_customer_gateway(customer_gateway_id=cgw.id)
    with raises_aws("InvalidCustomerGatewayID.NotFound", f"The customerGateway ID '{cgw.id}' does not exist"):
        cp.delete_customer_gateway(customer_gateway_id=cgw.id)


# -- Virtual private gateways ----------------------------------------------------------------
def test_amazon_side_asn_must_be_private(cp, world):
    """AWS CreateVpnGateway AmazonSideAsn: "64512 to 65534 for 16-bit ASN or 4200000000 to 4294967294
    for 32-bit ASN"; default 64512
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpnGateway.html).
    The error wording is vpclab's (AWS documents none)."""
    with fails(world, "InvalidParameterValue", "Value (65535) for parameter amazonSideAsn is invalid. The "
               "range is 64512 to 65534 for 16-bit ASNs and 4200000000 to 4294967294 for 32-bit ASNs."):
        cp.create_vpn_gateway(type="ipsec.1", amazon_side_asn=65535)
    assert cp.create_vpn_gateway(type="ipsec.1").amazon_side_asn == 64512
    big = cp.create_vpn_gateway(type="ipsec.1", amazon_side_asn=4_200_000_001)
    assert big.amazon_side_asn == 4_200_000_001


def test_vpn_gateway_zone_must_be_in_the_region(cp, world):
    """AWS CreateVpnGateway: AvailabilityZone, a zone of the Region
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpnGateway.html)."""
    with fails(world, "InvalidParameterValue", "Invalid Availability Zone (eu-west-1a)"):
        cp.create_vpn_gateway(type="ipsec.1", availability_zone="eu-west-1a")


def test_vpn_gateway_quota(cp, world):
    """AWS "Site-to-Site VPN quotas": virtual private gateways per Region, 5
    (https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-limits.html)."""
    world.settings.quotas = "aws-default"  # a new account's value; the lab's is higher
    for _ in range(5):
        cp.create_vpn_gateway(type="ipsec.1")
    with fails(world, "VpnGatewayLimitExceeded",
               "The maximum number of virtual private gateways has been reached."):
        cp.create_vpn_gateway(type="ipsec.1")


def test_a_vpc_has_at_most_one_virtual_private_gateway(cp, world):
    """AWS "Site-to-Site VPN quotas": "You can attach only one virtual private gateway to a VPC at a time"
    (https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-limits.html)."""
    vpc = _vpc(cp)
    _attached_vgw(cp, vpc)
    other = cp.create_vpn_gateway(type="ipsec.1")
    with fails(world, "InvalidVpcState",
               f"VPC {vpc.id} is currently attached to the Virtual Private Gateway."):
        cp.attach_vpn_gateway(vpc_id=vpc.id, vpn_gateway_id=other.id)


def test_a_virtual_private_gateway_attaches_to_one_vpc(cp, world):
    """AWS error codes: VpnGatewayAttachmentLimitExceeded, "the limit on the number of VPCs that can be
    attached to the specified virtual private gateway" (one); attaching again to the same VPC changes
    nothing (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    vpc = _vpc(cp)
    vgw = _attached_vgw(cp, vpc)
    with unchanged(world):
        assert cp.attach_vpn_gateway(vpc_id=vpc.id, vpn_gateway_id=vgw.id).vpc_id == vpc.id
    other = _vpc(cp, "10.1.0.0/16")
    with fails(world, "VpnGatewayAttachmentLimitExceeded",
               "The maximum number of virtual private gateway attachments has been reached."):
        cp.attach_vpn_gateway(vpc_id=other.id, vpn_gateway_id=vgw.id)


def test_detach_needs_an_attachment(cp, world):
    """AWS DetachVpnGateway: detaches the gateway from the VPC it is attached to
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DetachVpnGateway.html)."""
    vpc = _vpc(cp)
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    with fails(world, "InvalidVpnGatewayAttachment.NotFound",
               f"The attachment with vpn gateway ID '{vgw.id}' and vpc ID '{vpc.id}' does not exist"):
        cp.detach_vpn_gateway(vpc_id=vpc.id, vpn_gateway_id=vgw.id)
    cp.attach_vpn_gateway(vpc_id=vpc.id, vpn_gateway_id=vgw.id)
    cp.detach_vpn_gateway(vpc_id=vpc.id, vpn_gateway_id=vgw.id)
    assert world.get(vgw.id).vpc_id is None and list(world.in_vpc(vpc.id, VpnGateway)) == []
    assert world.get(vgw.id).vpc_attachments[0].state == "detached"


def test_vpn_gateway_in_use_cannot_be_deleted(cp, world):
    """AWS DeleteVpnGateway: "We recommend that before you delete a virtual private gateway, you detach it
    from the VPC and delete the VPN connection"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpnGateway.html)."""
    vpc = _vpc(cp)
    vgw = _attached_vgw(cp, vpc)
    cp.enable_vgw_route_propagation(gateway_id=vgw.id, route_table_id=_main_table(cp, vpc).id)
    vpn = cp.create_vpn_connection(customer_gateway_id=_cgw(cp).id, type="ipsec.1", vpn_gateway_id=vgw.id)
    with fails(world, "IncorrectState", "The VPN gateway is in use."):
        cp.delete_vpn_gateway(vpn_gateway_id=vgw.id)
    cp.detach_vpn_gateway(vpc_id=vpc.id, vpn_gateway_id=vgw.id)
    with fails(world, "IncorrectState", "The VPN gateway is in use."):
        cp.delete_vpn_gateway(vpn_gateway_id=vgw.id)
    cp.delete_vpn_connection(vpn_connection_id=vpn.id)
    cp.delete_vpn_gateway(vpn_gateway_id=vgw.id)
    assert vgw.id not in world and _main_table(cp, vpc).propagating_vgws == ()


def test_vpc_with_an_attached_vpn_gateway_cannot_be_deleted(cp, world):
    """AWS DeleteVpc: "You must detach or delete all gateways and resources that are associated with the
    VPC before you can delete it"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpc.html)."""
    vpc = _vpc(cp)
    vgw = _attached_vgw(cp, vpc)
    with fails(world, "DependencyViolation"):
        cp.delete_vpc(vpc_id=vpc.id)
    cp.detach_vpn_gateway(vpc_id=vpc.id, vpn_gateway_id=vgw.id)
    cp.delete_vpc(vpc_id=vpc.id)


def test_another_account_cannot_attach_to_my_vpc(cp, world):
    """AWS: resources are private to their account (AttachVpnGateway needs both the VPC and the gateway
    to be the caller's) (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AttachVpnGateway.html)."""
    vpc = _vpc(cp)
    other = cp.as_(account_id="222222222222")
    vgw = other.create_vpn_gateway(type="ipsec.1")
    with fails(world, "InvalidVpcID.NotFound", f"The vpc ID '{vpc.id}' does not exist"):
        other.attach_vpn_gateway(vpc_id=vpc.id, vpn_gateway_id=vgw.id)


# -- VPN connections -------------------------------------------------------------------------
def test_vpn_connection_needs_exactly_one_gateway(cp, world):
    """AWS CreateVpnConnection: "Creates a VPN connection between an existing virtual private gateway or
    transit gateway and a customer gateway"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpnConnection.html).
    With neither, AWS makes a connection for a Cloud WAN core network, which vpclab does not model."""
    cgw = _cgw(cp)
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    tgw = cp.create_transit_gateway()
    with fails(world, "InvalidParameterValue",
               "The request must not contain both parameter vpnGatewayId and transitGatewayId"):
        cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", vpn_gateway_id=vgw.id,
                                 transit_gateway_id=tgw.id)
    with fails(world, "MissingParameter",
               "The request must contain the parameter vpnGatewayId or transitGatewayId"):
        cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1")
    with fails(world, "InvalidCustomerGatewayID.NotFound"):
        cp.create_vpn_connection(customer_gateway_id="cgw-0123456789abcdef0", type="ipsec.1",
                                 vpn_gateway_id=vgw.id)


def test_bgp_asns_must_differ(cp, world):
    """AWS: a dynamic connection peers the customer gateway's ASN with the VGW's Amazon-side ASN, which
    must differ ("Customer gateway options",
    https://docs.aws.amazon.com/vpn/latest/s2svpn/cgw-options.html); the code is AsnConflict ("Error
    codes for the Amazon EC2 API", https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    cgw = _cgw(cp, asn=64512)
    vgw = cp.create_vpn_gateway(type="ipsec.1")  # Amazon side 64512
    with fails(world, "AsnConflict",
               "The ASN of the specified customer gateway and virtual private gateway are the same."):
        cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", vpn_gateway_id=vgw.id)
    cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", vpn_gateway_id=vgw.id,
                             options={"static_routes_only": True})  # no BGP, no clash


def test_one_customer_gateway_ip_per_gateway(cp, world):
    """AWS error codes: InvalidCustomerGateway.DuplicateIpAddress, a customer gateway IP address already
    used by another VPN connection on the gateway
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    cp.create_vpn_connection(customer_gateway_id=_cgw(cp).id, type="ipsec.1", vpn_gateway_id=vgw.id)
    twin = _cgw(cp, asn=65001)  # same IP, another ASN
    with fails(world, "InvalidCustomerGateway.DuplicateIpAddress",
               "Conflict among chosen gateway IP addresses."):
        cp.create_vpn_connection(customer_gateway_id=twin.id, type="ipsec.1", vpn_gateway_id=vgw.id)


def test_vpn_connection_quotas(cp, world):
    """AWS "Site-to-Site VPN quotas": VPN connections per virtual private gateway, 10; per Region, 50
    (https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-limits.html)."""
    world.settings.quotas = "aws-default"  # a new account's value; the lab's is higher
    cgws = [_cgw(cp, ip=f"198.51.100.{i + 1}") for i in range(50)]
    vgws = [cp.create_vpn_gateway(type="ipsec.1") for _ in range(5)]
    for i, cgw in enumerate(cgws):
        cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", vpn_gateway_id=vgws[i // 10].id)
    vpn = cp.create_vpn_connection  # 11th on a full VGW, 51st in the Region
    tgw = cp.create_transit_gateway()
    with fails(world, "VpnConnectionLimitExceeded",
               "The maximum number of VPN connections has been reached."):
        vpn(customer_gateway_id=cgws[0].id, type="ipsec.1", transit_gateway_id=tgw.id)
    cp.delete_vpn_connection(vpn_connection_id=next(world.all(VpnConnection)).id)
    with fails(world, "VpnConnectionLimitExceeded",
               "The maximum number of VPN connections per virtual private gateway has been reached."):
        vpn(customer_gateway_id=cgws[0].id, type="ipsec.1", vpn_gateway_id=vgws[1].id)


def test_tunnel_options_need_a_transit_gateway(cp, world):
    """AWS: IPv6 inside tunnels and accelerated VPN are for VPN connections on a transit gateway
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnConnectionOptionsSpecification.html).
    The error wording is vpclab's (AWS documents none)."""
    cgw, vgw = _cgw(cp), cp.create_vpn_gateway(type="ipsec.1")
    with fails(world, "InvalidParameterCombination"):
        cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", vpn_gateway_id=vgw.id,
                                 options={"tunnel_inside_ip_version": "ipv6"})
    with fails(world, "InvalidParameterCombination"):
        cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", vpn_gateway_id=vgw.id,
                                 options={"enable_acceleration": True})
    with fails(world, "InvalidParameterValue"):
        cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", vpn_gateway_id=vgw.id,
                                 options={"static_route_only": True})  # a typo is not ignored


def test_vpn_connection_to_a_transit_gateway_is_an_attachment(cp, world):
    """AWS "Transit gateway VPN attachments": creating the VPN connection with a transit gateway creates
    its VPN attachment; deleting the connection removes it
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpn-attachments.html)."""
    tgw = cp.create_transit_gateway()
    vpn = cp.create_vpn_connection(customer_gateway_id=_cgw(cp).id, type="ipsec.1", transit_gateway_id=tgw.id,
                                   options={"tunnel_inside_ip_version": "ipv6"})
    (att,) = [a for a in world.all(TransitGatewayAttachment) if a.resource_type == "vpn"]
    assert (att.transit_gateway_id, att.resource_id, att.state) == (tgw.id, vpn.id, "available")
    cp.delete_vpn_connection(vpn_connection_id=vpn.id)
    assert world.get(vpn.id).state == "deleted"
    assert not any(a.resource_type == "vpn" and a.state == "available"
                   for a in world.all(TransitGatewayAttachment))


def test_deleted_vpn_connection_stays_deleted(cp, world):
    """AWS DeleteVpnConnection: the connection's state becomes deleted
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpnConnection.html)."""
    vpn = cp.create_vpn_connection(customer_gateway_id=_cgw(cp).id, type="ipsec.1",
                                   vpn_gateway_id=cp.create_vpn_gateway(type="ipsec.1").id)
    cp.delete_vpn_connection(vpn_connection_id=vpn.id)
    assert world.get(vpn.id).state == "deleted"
    with fails(world, "InvalidVpnConnectionID.NotFound", f"The vpnConnection ID '{vpn.id}' does not exist"):
        cp.delete_vpn_connection(vpn_connection_id=vpn.id)


# -- Static routes ---------------------------------------------------------------------------
def _static_vpn(cp, vgw=None):
    vgw = vgw or cp.create_vpn_gateway(type="ipsec.1")
    return cp.create_vpn_connection(customer_gateway_id=_cgw(cp).id, type="ipsec.1", vpn_gateway_id=vgw.id,
                                    options={"static_routes_only": True})


def test_static_routes_only_on_a_static_connection(cp, world):
    """AWS "Static and dynamic routing": static routes are for connections configured with static routing;
    a dynamic connection learns its routes over BGP
    (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNRoutingTypes.html). The code is
    InvalidVpnConnection.InvalidType ("Error codes for the Amazon EC2 API",
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html); the wording is
    vpclab's (AWS documents none)."""
    bgp = cp.create_vpn_connection(customer_gateway_id=_cgw(cp).id, type="ipsec.1",
                                   vpn_gateway_id=cp.create_vpn_gateway(type="ipsec.1").id)
    with fails(world, "InvalidVpnConnection.InvalidType",
               f"VPN connection {bgp.id} uses dynamic routing (BGP); static routes are "
               "allowed only when its StaticRoutesOnly option is true."):
        cp.create_vpn_connection_route(vpn_connection_id=bgp.id, destination_cidr_block="192.168.0.0/24")


def test_static_routes_not_on_a_transit_gateway_connection(cp, world):
    """AWS CreateVpnConnectionRoute: "a static route associated with a VPN connection between an existing
    virtual private gateway and a VPN customer gateway"; on a transit gateway, static routes live in its
    route tables (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpnConnectionRoute.html).
    The error wording is vpclab's."""
    tgw = cp.create_transit_gateway()
    vpn = cp.create_vpn_connection(customer_gateway_id=_cgw(cp).id, type="ipsec.1", transit_gateway_id=tgw.id,
                                   options={"static_routes_only": True})
    with fails(world, "InvalidParameterValue",
               f"VPN connection {vpn.id} is attached to transit gateway {tgw.id}; add static "
               "routes to its transit gateway route table (CreateTransitGatewayRoute)."):
        cp.create_vpn_connection_route(vpn_connection_id=vpn.id, destination_cidr_block="192.168.0.0/24")


def test_static_route_needs_a_cidr_and_is_added_once(cp, world):
    """AWS CreateVpnConnectionRoute: DestinationCidrBlock, "The CIDR block associated with the local subnet
    of the customer network"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpnConnectionRoute.html)."""
    vpn = _static_vpn(cp)
    with fails(world, "InvalidRoute.Malformed", "The route 192.168.0.0/33 is not a valid IPv4 CIDR block."):
        cp.create_vpn_connection_route(vpn_connection_id=vpn.id, destination_cidr_block="192.168.0.0/33")
    cp.create_vpn_connection_route(vpn_connection_id=vpn.id, destination_cidr_block="192.168.0.0/24")
    with unchanged(world):
        cp.create_vpn_connection_route(vpn_connection_id=vpn.id, destination_cidr_block="192.168.0.0/24")
    assert [(r.destination_cidr_block, r.source, r.state) for r in world.get(vpn.id).routes] == [
        ("192.168.0.0/24", "Static", "available")]


def test_deleting_a_missing_static_route(cp, world):
    """AWS DeleteVpnConnectionRoute: deletes "the specified static route"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpnConnectionRoute.html)."""
    vpn = _static_vpn(cp)
    with fails(world, "InvalidRoute.NotFound", "The specified route 192.168.0.0/24 does not exist"):
        cp.delete_vpn_connection_route(vpn_connection_id=vpn.id, destination_cidr_block="192.168.0.0/24")
    cp.create_vpn_connection_route(vpn_connection_id=vpn.id, destination_cidr_block="192.168.0.0/24")
    cp.delete_vpn_connection_route(vpn_connection_id=vpn.id, destination_cidr_block="192.168.0.0/24")
    assert world.get(vpn.id).routes == ()


# -- Route propagation -----------------------------------------------------------------------
def test_propagation_needs_the_vgw_attached_to_the_tables_vpc(cp, world):
    """AWS EnableVgwRoutePropagation: "The virtual private gateway must be attached to the same VPC that
    the routing tables are associated with"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnableVgwRoutePropagation.html)."""
    vpc = _vpc(cp)
    rtb = _main_table(cp, vpc)
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    with fails(world, "Gateway.NotAttached", f"resource {vgw.id} is not attached to network {vpc.id}"):
        cp.enable_vgw_route_propagation(gateway_id=vgw.id, route_table_id=rtb.id)
    cp.attach_vpn_gateway(vpc_id=_vpc(cp, "10.1.0.0/16").id, vpn_gateway_id=vgw.id)
    with fails(world, "Gateway.NotAttached"):
        cp.enable_vgw_route_propagation(gateway_id=vgw.id, route_table_id=rtb.id)
    with fails(world, "InvalidVpnGatewayID.NotFound"):
        cp.enable_vgw_route_propagation(gateway_id="vgw-0123456789abcdef0", route_table_id=rtb.id)


def test_enable_and_disable_propagation(cp, world):
    """AWS "Route propagation": enabling records the VGW in the table's propagating gateways; enabling
    twice or disabling what is not enabled changes nothing
    (https://docs.aws.amazon.com/vpc/latest/userguide/WorkWithRouteTables.html)."""
    vpc = _vpc(cp)
    vgw = _attached_vgw(cp, vpc)
    rtb = _main_table(cp, vpc)
    cp.enable_vgw_route_propagation(gateway_id=vgw.id, route_table_id=rtb.id)
    with unchanged(world):
        cp.enable_vgw_route_propagation(gateway_id=vgw.id, route_table_id=rtb.id)
    assert _main_table(cp, vpc).propagating_vgws == (vgw.id,)
    cp.disable_vgw_route_propagation(gateway_id=vgw.id, route_table_id=rtb.id)
    assert _main_table(cp, vpc).propagating_vgws == ()
    with unchanged(world):
        cp.disable_vgw_route_propagation(gateway_id=vgw.id, route_table_id=rtb.id)


# -- What a connection advertises, and what a VGW propagates ---------------------------------
def test_advertised_cidrs_static_bgp_and_deleted(cp, world):
    """AWS "Static and dynamic routing": a static connection routes to its static routes, a dynamic one to
    what the customer gateway advertises over BGP
    (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNRoutingTypes.html)."""
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    static = _static_vpn(cp, vgw)
    cp.create_vpn_connection_route(vpn_connection_id=static.id, destination_cidr_block="192.168.1.0/24")
    cgw = _cgw(cp, ip="203.0.113.20", tags={ON_PREMISES_CIDRS_TAG: "10.50.0.0/16,10.60.0.0/16"})
    bgp = cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", vpn_gateway_id=vgw.id)
    assert advertised_cidrs(world, world.get(static.id)) == ("192.168.1.0/24",)
    assert advertised_cidrs(world, world.get(bgp.id)) == ("10.50.0.0/16", "10.60.0.0/16")
    cp.delete_vpn_connection(vpn_connection_id=bgp.id)
    assert advertised_cidrs(world, world.get(bgp.id)) == ()


def test_propagated_routes(cp, world):
    """AWS "Route propagation": with propagation enabled, the VGW's VPN routes appear in the route table
    as propagated routes; none while the gateway is detached
    (https://docs.aws.amazon.com/vpc/latest/userguide/WorkWithRouteTables.html)."""
    vpc = _vpc(cp)
    vgw = _attached_vgw(cp, vpc)
    rtb = _main_table(cp, vpc)
    static = _static_vpn(cp, vgw)
    for cidr in ("192.168.1.0/24", "10.50.0.0/16"):
        cp.create_vpn_connection_route(vpn_connection_id=static.id, destination_cidr_block=cidr)
    cgw = _cgw(cp, ip="203.0.113.20", tags={ON_PREMISES_CIDRS_TAG: "10.50.0.0/16,10.60.0.0/16"})
    cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", vpn_gateway_id=vgw.id)
    assert propagated_routes(world, rtb) == ()  # not enabled
    cp.enable_vgw_route_propagation(gateway_id=vgw.id, route_table_id=rtb.id)
    rtb = _main_table(cp, vpc)
    assert propagated_routes(world, rtb) == tuple(
        Route(destination_cidr_block=c, gateway_id=vgw.id, origin="EnableVgwRoutePropagation")
        for c in ("192.168.1.0/24", "10.50.0.0/16", "10.60.0.0/16"))  # 10.50.0.0/16 once
    other_rtb = cp.create_route_table(vpc_id=vpc.id)
    assert propagated_routes(world, other_rtb) == ()  # only where enabled
    cp.detach_vpn_gateway(vpc_id=vpc.id, vpn_gateway_id=vgw.id)
    assert propagated_routes(world, _main_table(cp, vpc)) == ()


def test_propagated_routes_are_capped_at_100(cp, world):
    """AWS "Site-to-Site VPN quotas": BGP advertised routes per route table (propagated routes), 100, not
    adjustable (https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-limits.html)."""
    vpc = _vpc(cp)
    vgw = _attached_vgw(cp, vpc)
    many = ",".join(f"10.{100 + i // 256}.{i % 256}.0/24" for i in range(120))
    cgw = _cgw(cp, tags={ON_PREMISES_CIDRS_TAG: many})
    cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", vpn_gateway_id=vgw.id)
    cp.enable_vgw_route_propagation(gateway_id=vgw.id, route_table_id=_main_table(cp, vpc).id)
    routes = propagated_routes(world, _main_table(cp, vpc))
    assert len(routes) == 100 and routes[0].destination_cidr_block == "10.100.0.0/24"
    assert len(propagated_routes(world, _main_table(cp, vpc), limit=7)) == 7


def test_vgw_picks_the_connection_by_longest_prefix_then_static_over_bgp(cp, world):
    """AWS "Route tables and AWS Site-to-Site VPN route priority": only prefixes known to the virtual
    private gateway receive traffic; longest prefix first; on identical prefixes, static VPN routes
    before BGP-propagated routes (https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-route-priority.html)."""
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    cgw = _cgw(cp, ip="203.0.113.20", tags={ON_PREMISES_CIDRS_TAG: "10.50.0.0/16,10.60.1.0/24"})
    bgp = cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", vpn_gateway_id=vgw.id)
    static = _static_vpn(cp, vgw)
    for cidr in ("10.50.0.0/16", "10.60.0.0/16"):
        cp.create_vpn_connection_route(vpn_connection_id=static.id, destination_cidr_block=cidr)
    assert vpn_connection_for(world, vgw.id, "10.50.3.4").id == static.id  # same prefix: static wins
    assert vpn_connection_for(world, vgw.id, "10.60.1.9").id == bgp.id  # longer prefix wins
    assert vpn_connection_for(world, vgw.id, "10.60.2.9").id == static.id
    assert vpn_connection_for(world, vgw.id, "172.16.0.1") is None  # unknown prefix: no traffic
    cp.delete_vpn_connection(vpn_connection_id=static.id)
    assert vpn_connection_for(world, vgw.id, "10.50.3.4").id == bgp.id
