"""Tracer scenarios through transit gateways and Site-to-Site VPN.

AWS docs: Amazon VPC Transit Gateways, "How transit gateways work" and "Amazon VPC attachments"
(https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html: traffic is forwarded to the
transit gateway only when the attachment has a subnet in the same Availability Zone); "Example use
cases" (centralized router, isolated VPCs with shared services, centralized egress, peering)
(https://docs.aws.amazon.com/vpc/latest/tgw/TGW_Scenarios.html); Site-to-Site VPN User Guide,
"How AWS Site-to-Site VPN works" (https://docs.aws.amazon.com/vpn/latest/s2svpn/how_it_works.html).
"""

from __future__ import annotations

from pathlib import Path

from vpclab.network import Network
from vpclab.reach import Trace, trace

from .helpers import codes, design, example, path, plane, run

ROOT = Path(__file__).resolve().parents[2]

HUB = """
region: us-east-1
vpcs:
  a:
    cidr: 10.1.0.0/16
    subnets:
      a1: {cidr: 10.1.1.0/24, az: us-east-1a}
      a2: {cidr: 10.1.2.0/24, az: us-east-1b}
    route_tables: {a-rt: {subnets: [a1, a2], routes: {10.0.0.0/8: tgw:hub}}}
    instances:
      a-host: {subnet: a1, private_ip: 10.1.1.10}
      a-host-b: {subnet: a2, private_ip: 10.1.2.10}
  b:
    cidr: 10.2.0.0/16
    subnets: {b1: {cidr: 10.2.1.0/24, az: us-east-1a}}
    route_tables: {b-rt: {subnets: [b1], routes: {10.0.0.0/8: tgw:hub}}}
    security_groups: {b-sg: {ingress: [{protocol: tcp, port: 22, cidr: 10.0.0.0/8}]}}
    instances: {b-host: {subnet: b1, groups: [b-sg], private_ip: 10.2.1.10}}
transit_gateways:
  hub:
    attachments:
      hub-a: {vpc: a, subnets: [a1]}
      hub-b: {vpc: b, subnets: [b1]}
"""


def test_hub_and_spoke() -> None:
    """Centralized router: default association and propagation; each VPC's CIDR is propagated."""
    net = design(HUB)
    t = run(net, "a-host", "b-host", port=22)
    assert t.disposition == "reachable", t.explanations
    assert path(t) == [
        "network-interface:a-host/eni",
        "security-group:a/default-sg",
        "route-table:a-rt",
        # a-host shares a1 with hub-a's interface: a1's outbound (by destination) and inbound (by
        # source) rules both apply towards the transit gateway ("Network ACLs for transit gateways")
        "network-acl:a/default-acl",
        "network-acl:a/default-acl",
        "transit-gateway-attachment:hub-a",
        "transit-gateway:hub",
        "transit-gateway-route-table:hub/default",
        "transit-gateway-attachment:hub-b",
        "route-table:b-rt",
        "security-group:b-sg",
        "network-interface:b-host/eni",
    ]
    assert "(propagated)" in t.forward_hops[7].detail
    assert path(t, "return")[4:7] == [
        "transit-gateway-attachment:hub-b",
        "transit-gateway:hub",
        "transit-gateway-route-table:hub/default",
    ]


def test_tgw_az_restriction() -> None:
    """A subnet in an AZ where the attachment has no subnet cannot send to the transit gateway."""
    net = design(HUB)
    t = run(net, "a-host-b", "b-host", port=22)
    assert t.disposition == "blocked" and codes(t) == ["TGW_ROUTE_AZ_RESTRICTION"]
    e = t.explanations[0]
    assert e.component == net.id("hub-a")
    assert e.fix == (
        "add a subnet in us-east-1b to hub-a (modify-transit-gateway-vpc-attachment --add-subnet-ids)"
    )


def test_tgw_segmentation_isolated_vpcs_and_shared_services() -> None:
    """Isolated VPCs with shared services: spokes reach the shared VPC, not each other."""
    net = example("tgw-segmentation")
    ok = run(net, "dev-app", "resolver", protocol="udp", port=53)
    assert ok.disposition == "reachable", ok.explanations
    assert "transit-gateway-route-table:seg-shared-rt" in path(ok, "return")
    for src, dst in (("dev-app", "test-app"), ("test-app", "prod-app"), ("prod-app", "dev-app")):
        t = run(net, src, dst, protocol="udp", port=53)
        assert t.disposition == "blocked" and codes(t) == ["TGW_RTB_CANNOT_ROUTE"], (src, dst)
        assert path(t)[-1] == "transit-gateway-route-table:seg-spokes"


def test_missing_tgw_association() -> None:
    """An attachment that is not associated with a route table cannot route."""
    net = design(HUB.replace("  hub:\n", "  hub:\n    options: {default_route_table_association: false}\n"))
    t = run(net, "a-host", "b-host", port=22)
    assert codes(t) == ["TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION"]
    assert t.explanations[0].component == net.id("hub-a")


def test_inter_region_tgw_peering() -> None:
    """Transit gateway peering across Regions: static routes to the peering attachment on both sides."""
    net = example("tgw-inter-region-peering")
    t = run(net, "east-host", "west-host", protocol="icmp", port=8)
    assert t.disposition == "blocked" and codes(t) == ["ENI_SG_RULES_MISMATCH"]  # default SG: members only
    t = run(net, "east-host", "west-host", protocol="-1")
    assert path(t)[3:11] == [
        "network-acl:east-app/default-acl",
        "network-acl:east-app/default-acl",
        "transit-gateway-attachment:east-vpc",
        "transit-gateway:east",
        "transit-gateway-route-table:east-rt",
        "transit-gateway-attachment:east-west",
        "transit-gateway:west",
        "transit-gateway-route-table:west-rt",
    ]


def test_centralized_egress_through_a_nat_vpc() -> None:
    """Spokes reach the internet through the egress VPC's NAT gateway; the ATTACHMENT SUBNET's route
    table sends it to the NAT gateway, and the reply returns through the transit gateway."""
    net = example("centralized-egress")
    t = run(net, "spoke-a-host", "internet", port=443)
    assert t.disposition == "reachable", t.explanations
    assert path(t)[8:] == [
        "transit-gateway-attachment:core-egress",
        "route-table:egress-tgw-rt",
        "network-acl:egress/default-acl",
        "network-acl:egress/default-acl",
        "nat-gateway:egress-nat-a",
        "route-table:egress-public-rt",
        "network-acl:egress/default-acl",
        "internet-gateway:egress-igw",
    ]
    assert t.forward_hops[-1].packet.src_ip == net.resource("egress-nat-a").public_ip
    assert path(t, "return")[-3:] == [
        "transit-gateway-attachment:core-spoke-a",
        "route-table:spoke-a-rt",
        "network-interface:spoke-a-host/eni",
    ]
    blocked = run(net, "spoke-a-host", "spoke-b-host", port=443)
    assert codes(blocked) == ["TGW_RTB_BAD_STATE_ROUTE"]
    plane(net, "egress-public-rt").delete_route(
        route_table_id=net.id("egress-public-rt"), destination_cidr_block="10.0.0.0/8"
    )
    t = run(net, "spoke-a-host", "internet", port=443)
    # the reply now matches 0.0.0.0/0 → igw, which does not carry private destinations
    assert (
        codes(t) == ["IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"]
        and t.explanations[0].direction == "return"
    )
    assert t.explanations[0].fix == (
        "missing return route: add a route for 10.1.1.0/24 to core in "
        "egress-public-rt, so replies go back the way the request came"
    )


def test_vpn_via_vgw() -> None:
    """On premises ↔ VPC through a virtual private gateway with route propagation."""
    net = example("vpn-vgw")
    t = run(net, "office", "app-server", port=22)
    assert t.disposition == "reachable", t.explanations
    assert path(t)[:3] == ["customer-gateway:office", "vpn-connection:office-vpn", "vpn-gateway:app-vgw"]
    assert path(t, "return")[-3:] == [
        "vpn-gateway:app-vgw",
        "vpn-connection:office-vpn",
        "customer-gateway:office",
    ]
    t = run(net, "app-server", "branch", port=443)
    assert t.disposition == "reachable" and path(t)[-2:] == [
        "vpn-connection:branch-vpn",
        "customer-gateway:branch",
    ]
    t = run(net, "branch", "app-server", port=22)
    assert codes(t) == ["ENI_SG_RULES_MISMATCH"]


def test_vpn_via_tgw() -> None:
    """On premises ↔ VPCs through a transit gateway VPN attachment that propagates its routes."""
    net = example("vpn-tgw")
    t = trace(net.world, net.id("dc"), f"{net.id('data')}:10.2.1.20", protocol="-1", names=net.names)
    assert t.disposition == "reachable", t.explanations
    assert path(t)[:4] == [
        "customer-gateway:dc",
        "vpn-connection:dc-vpn",
        "transit-gateway-attachment:dc-vpn/attachment",
        "transit-gateway:hub",
    ]
    t = run(net, "web-a", "10.200.5.5", port=443)
    assert t.disposition == "reachable"
    assert path(t)[-2:] == ["vpn-connection:dc-vpn", "customer-gateway:dc"]
    t = run(net, "web-a", "10.201.0.1", port=443)
    assert codes(t) == ["NO_ROUTE_TO_DESTINATION"]


def _appliance_vpc(appliance_mode: bool) -> Network:
    text = (ROOT / "examples" / "tgw-appliance-vpc.yaml").read_text(encoding="utf-8")
    if not appliance_mode:
        text = text.replace(", appliance_mode: true}", "}")
        assert "appliance_mode" not in text.split("attachments:")[1]
    return design(text)


def _firewalls(t: Trace, direction: str) -> list[str]:
    return [h for h in path(t, direction) if h.startswith("network-interface:fw-")]


def test_appliance_mode_keeps_both_directions_on_one_appliance() -> None:
    """Appliance mode on the inspection VPC's attachment: the transit gateway uses the same attachment
    interface (AZ) for both directions of a flow, so a cross-AZ flow meets one firewall both ways
    ("Example: Appliance in a shared services VPC",
    https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html; "Amazon VPC
    attachments" → appliance mode, https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html)."""
    net = _appliance_vpc(appliance_mode=True)
    t = run(net, "spoke-a-host", "spoke-c-host", port=443)  # us-east-1a → us-east-1b
    assert t.disposition == "reachable" and codes(t) == []
    assert _firewalls(t, "forward") == _firewalls(t, "return") == ["network-interface:fw-a/eni"]
    assert "route-table:insp-tgw-rt-a" in path(t, "return")
    entering = [h for h in t.return_hops if h.component == "transit-gateway-attachment" and "→" in h.detail]
    assert any("appliance mode" in h.detail and "us-east-1a" in h.detail for h in entering)


def test_without_appliance_mode_a_cross_az_flow_splits_between_appliances() -> None:
    """Without appliance mode the transit gateway keeps each direction in the AZ it came from: the
    request meets fw-a (us-east-1a), the reply fw-b (us-east-1b). vpclab keeps the flow reachable
    (routes allow it) and says so with the informational TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED
    and the fix (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html;
    Reachability Analyzer explanation codes,
    https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html)."""
    net = _appliance_vpc(appliance_mode=False)
    t = run(net, "spoke-a-host", "spoke-c-host", port=443)
    assert _firewalls(t, "forward") == ["network-interface:fw-a/eni"]
    assert _firewalls(t, "return") == ["network-interface:fw-b/eni"]
    assert t.disposition == "reachable"
    assert codes(t) == ["TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED"]
    (e,) = t.explanations
    att = net.id("hub-inspection")
    assert e.direction == "return" and e.component == att and not e.blocking
    assert e.fix.startswith("enable appliance mode on the attachment hub-inspection ")
    assert e.message == (
        "the reply to 10.1.1.10 enters inspection through hub-inspection in us-east-1b, not us-east-1a "
        "as the request did, so it passes fw-b/eni instead of fw-a/eni; a stateful appliance drops a flow "
        "it sees one way only"
    )
    bare = trace(net.world, net.id("spoke-a-host"), net.id("spoke-c-host"), port=443)  # no names=
    assert bare.explanations[0].fix.startswith(f"enable appliance mode on the attachment {att} (modify-")
    # a flow that stays in one AZ meets one firewall both ways: nothing to recommend
    t = run(net, "spoke-a-host", "spoke-b-host", port=443)
    assert t.disposition == "reachable" and codes(t) == []
