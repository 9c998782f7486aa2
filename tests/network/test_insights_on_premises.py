"""On-premises networks come from AWS's own configuration (issue 11 point 1): the static routes of a
static VPN connection (CreateVpnConnectionRoute) and transit gateway static routes to a VPN
attachment name the networks behind a customer gateway; the lab tag ``vpclab:on-premises-cidrs``
is an optional extra (e.g. BGP-advertised networks)."""

from __future__ import annotations

import pytest

import vpclab
from vpclab.model.vpn import CustomerGateway, first_network, site_networks
from vpclab.reach.errors import UnknownEndpointError

VGW_STATIC = """\
region: us-east-1
vpcs:
  app:
    cidr: 10.0.0.0/16
    subnets: {app-a: {cidr: 10.0.1.0/24, az: us-east-1a}}
    route_tables:
      app-rt: {subnets: [app-a], propagate_vgw: true}
    security_groups:
      app-sg: {description: app, ingress: [{protocol: tcp, port: 22, cidr: 172.16.0.0/16}]}
    instances:
      app-1: {subnet: app-a, groups: [app-sg], private_ip: 10.0.1.20}
customer_gateways:
  branch: {ip: 198.51.100.20, asn: 65020}
vpn_gateways:
  app-vgw: {vpc: app}
vpn_connections:
  branch-vpn: {customer_gateway: branch, vpn_gateway: app-vgw, routing: static,
               static_routes: [172.16.0.0/16]}
"""

TGW_STATIC = """\
region: us-east-1
vpcs:
  web:
    cidr: 10.1.0.0/16
    subnets: {web-a: {cidr: 10.1.1.0/24, az: us-east-1a}}
    route_tables:
      web-rt: {subnets: [web-a], routes: {10.200.0.0/16: tgw:hub}}
    security_groups:
      web-sg: {description: web, ingress: [{protocol: tcp, port: 22, cidr: 10.200.0.0/16}]}
    instances:
      web-1: {subnet: web-a, groups: [web-sg], private_ip: 10.1.1.10}
customer_gateways:
  dc: {ip: 203.0.113.50, asn: 65100}
transit_gateways:
  hub:
    options: {default_route_table_association: false, default_route_table_propagation: false}
    attachments:
      hub-web: {vpc: web, subnets: [web-a]}
    route_tables:
      hub-rt:
        associations: [hub-web, dc-vpn]
        propagations: [hub-web]
        routes: {10.200.0.0/16: dc-vpn, 10.99.0.0/16: blackhole}
vpn_connections:
  dc-vpn: {customer_gateway: dc, transit_gateway: hub, routing: static}
"""


def _cgw(net: vpclab.Network, name: str) -> CustomerGateway:
    cgw = net.world.get(net.ids[name], CustomerGateway)
    assert cgw is not None
    return cgw


def _analyse(net: vpclab.Network, source: str, destination: str, port: int = 22, **kw: object) -> object:
    cp = vpclab.ControlPlane(net.world)
    path = cp.create_network_insights_path(
        source=net.ids.get(source, source),
        destination=net.ids.get(destination, destination),
        protocol="tcp",
        destination_port=port,
        **kw,
    )
    return cp.start_network_insights_analysis(network_insights_path_id=path.id)


def test_a_static_vpn_connections_routes_name_the_networks_behind_its_customer_gateway() -> None:
    """CreateVpnConnectionRoute's DestinationCidrBlock is "the CIDR block associated with the local
    subnet of the customer network" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpnConnectionRoute.html;
    https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-edit-static-routes.html): no lab tag needed."""
    net = vpclab.loads(VGW_STATIC)
    assert site_networks(net.world, _cgw(net, "branch")) == ("172.16.0.0/16",)
    trace = net.trace("app-1", "branch", port=22)
    assert trace.reachable, trace.explain()
    back = net.trace("branch", "app-1", port=22)
    assert back.reachable, back.explain()


def test_a_vpn_gateway_as_an_analysis_destination_uses_the_static_routes() -> None:
    """A VPN gateway is a destination AWS's analyser accepts ("How Reachability Analyzer works",
    https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html); the
    networks behind it come from the VPN's static routes
    (https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-edit-static-routes.html)."""
    net = vpclab.loads(VGW_STATIC)
    analysis = _analyse(net, "app-1", "app-vgw")
    assert analysis.status == "succeeded", analysis.status_message  # type: ignore[attr-defined]
    assert analysis.network_path_found is True  # type: ignore[attr-defined]
    first, last = analysis.forward_path_components[0], analysis.forward_path_components[-1]  # type: ignore[attr-defined]
    assert first.outbound_header.destination_addresses == ("172.16.0.1/32",)  # the address analysed
    assert last.inbound_header.destination_addresses == ("172.16.0.1/32",)


def test_transit_gateway_static_routes_to_a_vpn_attachment_name_its_networks() -> None:
    """ "For a VPN connection on a transit gateway, you add ... the static routes in the transit gateway
    route table" (https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-edit-static-routes.html); static
    routes that target a VPN attachment are not filtered
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpn-attachments.html). A blackhole route names
    nothing."""
    net = vpclab.loads(TGW_STATIC)
    assert site_networks(net.world, _cgw(net, "dc")) == ("10.200.0.0/16",)
    trace = net.trace("web-1", "dc", port=22)
    assert trace.reachable, trace.explain()
    analysis = _analyse(net, "web-1", "dc-vpn/attachment")
    assert analysis.status == "succeeded", analysis.status_message  # type: ignore[attr-defined]
    assert analysis.network_path_found is True  # type: ignore[attr-defined]


def test_a_deleted_transit_gateway_route_no_longer_names_a_network() -> None:
    """A static route removed from the transit gateway route table (DeleteTransitGatewayRoute) stops
    naming the network (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpn-attachments.html)."""
    net = vpclab.loads(TGW_STATIC)
    cp = vpclab.ControlPlane(net.world)
    cp.delete_transit_gateway_route(
        transit_gateway_route_table_id=net.ids["hub-rt"], destination_cidr_block="10.200.0.0/16"
    )
    assert site_networks(net.world, _cgw(net, "dc")) == ()
    with pytest.raises(UnknownEndpointError, match="nothing names the IPv4 networks behind customer gateway"):
        net.trace("web-1", "dc", port=22)


def test_the_lab_tag_adds_networks_the_configuration_does_not_name() -> None:
    """The tag stays an optional extra: what a customer gateway advertises over BGP is not in AWS's
    configuration (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNRoutingTypes.html)."""
    net = vpclab.loads(VGW_STATIC.replace("asn: 65020}", "asn: 65020, on_premises_cidrs: [192.168.0.0/16]}"))
    assert site_networks(net.world, _cgw(net, "branch")) == ("192.168.0.0/16", "172.16.0.0/16")


def test_a_default_route_is_not_where_a_trace_without_an_address_goes() -> None:
    """A default route to the VPN names every network; the first named network that is not 0.0.0.0/0
    is where an analysis without an address goes (vpclab's choice; AWS does not document one)."""
    assert first_network(("0.0.0.0/0", "10.200.0.0/16")) == "10.200.0.0/16"
    assert first_network(("0.0.0.0/0",)) == "0.0.0.0/0"
    assert first_network(("10.0.0.0/8",), 6) is None
