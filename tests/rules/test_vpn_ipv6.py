"""Site-to-Site VPN network CIDRs per tunnel inside IP version: Local/RemoteIpv4NetworkCidr and
Local/RemoteIpv6NetworkCidr (VpnConnectionOptionsSpecification, EC2 API reference,
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnConnectionOptionsSpecification.html:
the customer gateway side and the AWS side, default 0.0.0.0/0 and ::/0). AWS does not document the
error for the other family's CIDRs; vpclab refuses them (InvalidParameterCombination)."""

from __future__ import annotations

from tests.conftest import raises_aws, unchanged


def _cgw(cp):
    return cp.create_customer_gateway(type="ipsec.1", ip_address="203.0.113.10", bgp_asn=65000)


def test_ipv6_tunnels_take_ipv6_network_cidrs(cp):
    """An IPv6 tunnel's LocalIpv6NetworkCidr and RemoteIpv6NetworkCidr are kept (None = ::/0)
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnConnectionOptionsSpecification.html)."""
    tgw = cp.create_transit_gateway()
    vpn = cp.create_vpn_connection(customer_gateway_id=_cgw(cp).id, type="ipsec.1", transit_gateway_id=tgw.id,
                                   options={"tunnel_inside_ip_version": "ipv6",
                                            "local_ipv6_network_cidr": "2001:db8:1::/48"})
    assert (vpn.local_network_cidr, vpn.remote_network_cidr) == ("2001:db8:1::/48", None)


def test_ipv4_network_cidr_on_an_ipv6_tunnel_is_refused(cp, world):
    """Network CIDRs of the other family than the tunnels' inside IP version: undocumented, refused
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnConnectionOptionsSpecification.html)."""
    tgw = cp.create_transit_gateway()
    cgw = _cgw(cp)
    with unchanged(world), raises_aws("InvalidParameterCombination",
                                      "LocalIpv4NetworkCidr cannot be set for a VPN connection whose tunnel "
                                      "inside IP version is ipv6."):
        cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", transit_gateway_id=tgw.id,
                                 options={"tunnel_inside_ip_version": "ipv6",
                                          "local_ipv4_network_cidr": "10.0.0.0/16"})
    with unchanged(world), raises_aws("InvalidParameterCombination"):
        cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", transit_gateway_id=tgw.id,
                                 options={"remote_ipv6_network_cidr": "2001:db8::/32"})


def test_network_cidr_must_be_a_cidr_block(cp, world):
    """A network CIDR must be a valid CIDR block of its family (EC2's InvalidParameterValue)
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpnConnectionOptionsSpecification.html)."""
    tgw = cp.create_transit_gateway()
    cgw = _cgw(cp)
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Value (10.0.0.0/16) for parameter RemoteIpv6NetworkCidr is invalid. "
                                      "This is not a valid CIDR block."):
        cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", transit_gateway_id=tgw.id,
                                 options={"tunnel_inside_ip_version": "ipv6",
                                          "remote_ipv6_network_cidr": "10.0.0.0/16"})
    vpn = cp.create_vpn_connection(customer_gateway_id=cgw.id, type="ipsec.1", transit_gateway_id=tgw.id,
                                   options={"remote_ipv4_network_cidr": "10.0.0.0/16"})
    assert vpn.remote_network_cidr == "10.0.0.0/16"
