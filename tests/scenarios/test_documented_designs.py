"""AWS's documented connectivity designs, flow by flow: verdict, codes, and the ORDERED hops.

Each test names the AWS page that documents the design and states the documented verdict and
explanation codes of every flow; the ordered hops are compared with tests/scenarios/golden/
(regenerate with ``.venv/bin/python tools/regen_scenarios.py`` and review the diff). Where the
tracer disagrees with the documentation, the test is written to the documentation and marked
``xfail(strict=True)`` with the reason.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

import vpclab
from vpclab.topology import TopologyError

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("regen_scenarios", ROOT / "tools" / "regen_scenarios.py")
assert _spec is not None and _spec.loader is not None
regen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regen)

OK: tuple[str, list[str]] = ("reachable", [])
PCX = ("blocked", ["PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"])
NO_ROUTE = ("blocked", ["NO_ROUTE_TO_DESTINATION"])
SG = ("blocked", ["ENI_SG_RULES_MISMATCH"])
TGW_NO_ROUTE = ("blocked", ["TGW_RTB_CANNOT_ROUTE"])


def flows(design: str) -> dict[str, dict[str, Any]]:
    data = json.loads(regen.golden(design))
    return {f["flow"]: f for f in data["flows"]}


def check(design: str, expected: dict[str, tuple[str, list[str]]]) -> dict[str, dict[str, Any]]:
    """The documented verdict and codes of every flow of ``design``, then the golden hops."""
    got = flows(design)
    assert {k: (f["disposition"], f["codes"]) for k, f in got.items()} == expected
    golden = json.loads(
        (ROOT / "tests" / "scenarios" / "golden" / f"{design}.json").read_text(encoding="utf-8")
    )
    assert json.loads(regen.golden(design)) == golden, (
        "hops changed: run tools/regen_scenarios.py and review"
    )
    return got


def edited(example: str, old: str, new: str) -> vpclab.Network:
    """``examples/<example>.yaml`` loaded with its first ``old`` text replaced by ``new``."""
    text = (ROOT / "examples" / f"{example}.yaml").read_text(encoding="utf-8")
    assert old in text
    return vpclab.loads(text.replace(old, new, 1))


def in_order(hops: list[str], *wanted: str) -> bool:
    """Whether ``wanted`` hops occur in ``hops`` in this order (others may lie between)."""
    it = iter(hops)
    return all(any(h == w for h in it) for w in wanted)


def test_every_example_has_a_design() -> None:
    """Every example in examples/ is exercised by a documented design here."""
    used = {example for example, _ in regen.DESIGNS.values()}
    assert used == {p.stem for p in (ROOT / "examples").glob("*.yaml")}


# -- VPC peering: the supported configurations --------------------------------------------------
def test_two_vpcs_peered() -> None:
    """ "Two VPCs peered together" — VPC peering configurations with routes to an entire VPC
    (https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-full-access.html).
    Security groups still decide: db only admits PostgreSQL from app."""
    got = check(
        "two-peered-vpcs",
        {
            "web-1 → db-1 tcp/5432": OK,
            "web-1 → db-1 tcp/22": SG,
            "internet → web-1 tcp/443": OK,
            "db-1 → internet tcp/443": NO_ROUTE,
        },
    )
    assert in_order(
        got["web-1 → db-1 tcp/5432"]["forward"],
        "network-interface web-1/eni",
        "route-table app-public",
        "vpc-peering-connection app-db",
        "security-group db-sg",
        "network-interface db-1/eni",
    )


def test_one_vpc_peered_with_two_and_no_transit() -> None:
    """ "One VPC peered with two VPCs": B reaches A and C, A and C do not reach each other
    (https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-full-access.html;
    transitive peering is unsupported: "VPC peering limitations",
    https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations)."""
    got = check(
        "peering-one-to-two",
        {
            "a-app → b-app icmp/8": OK,
            "c-app → b-app icmp/8": OK,
            "a-app → b-app tcp/22": OK,
            "b-app → c-app tcp/22": OK,
            "a-app → c-app tcp/22": NO_ROUTE,
            "c-app → a-app tcp/22": NO_ROUTE,
        },
    )
    assert got["a-app → c-app tcp/22"]["forward"] == ["subnet a-app", "route-table a-rt"]


def test_transitive_peering_with_a_route_is_still_dropped() -> None:
    """Transitive peering — "VPC peering limitations": even with a route from A to C's CIDR
    through the A–B peering, B does not forward it
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations)."""
    net = edited(
        "peering-triangle",
        "          10.1.0.0/16: pcx:a-b\n",
        "          10.1.0.0/16: pcx:a-b\n          10.2.0.0/16: pcx:a-b\n",
    )
    t = net.trace("a-app", "c-app", protocol="tcp", port=22)
    assert (t.disposition, t.codes) == PCX
    assert [f"{h.component} {h.name}" for h in t.forward_hops] == [
        "subnet a-app",
        "route-table a-rt",
        "network-acl a/default-acl",
        "vpc-peering-connection a-b",
    ]
    assert t.explanations[0].fix.startswith("peering is not transitive")


def test_three_vpcs_full_mesh_and_multiple_vpcs_peered_together() -> None:
    """ "Three VPCs peered together" and "Multiple VPCs peered together" (full mesh): every pair
    has its own peering and routes (mesh-0..3 of full-mesh-vs-tgw)
    (https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-full-access.html)."""
    got = check(
        "peering-full-mesh",
        {
            "mesh-0-app → mesh-1-app tcp/443": OK,
            "mesh-1-app → mesh-2-app tcp/443": OK,
            "mesh-2-app → mesh-0-app tcp/443": OK,
            "mesh-0-app → mesh-3-app tcp/443": OK,
            "mesh-3-app → mesh-1-app tcp/443": OK,
        },
    )
    assert "vpc-peering-connection mesh-0-3" in got["mesh-0-app → mesh-3-app tcp/443"]["forward"]


def test_specific_routes_to_subnets_with_matching_cidrs() -> None:
    """ "VPC peering configurations with specific routes": one VPC peered with two VPCs that have
    the SAME CIDR, each hub subnet routing to one of them, each spoke routing back to one subnet
    (https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html)."""
    got = check(
        "peering-specific-routes",
        {
            "hub-x-host → blue-host tcp/22": OK,
            "hub-y-host → green-host tcp/22": OK,
            "hub-x-host → green-host tcp/22": NO_ROUTE,  # the route sends green's address into blue
            "blue-host → hub-y-host tcp/22": NO_ROUTE,  # blue routes back only to hub-x
            "blue-host → green-host tcp/22": NO_ROUTE,  # green's address is blue's own (local)
        },
    )
    assert "vpc-peering-connection hub-blue" in got["hub-x-host → green-host tcp/22"]["forward"]


# -- VPC peering: the unsupported configurations ------------------------------------------------
def test_overlapping_cidrs_cannot_be_peered() -> None:
    """ "You cannot create a VPC peering connection between VPCs that have matching or overlapping
    IPv4 CIDR blocks" — "VPC peering limitations"
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations).
    AWS puts the request in state failed, so accepting it fails."""
    with pytest.raises(TopologyError) as info:
        vpclab.loads(
            "vpcs:\n  a: {cidr: 10.0.0.0/16}\n  b: {cidr: 10.0.0.0/16}\n"
            "peerings:\n  a-b: {requester: a, accepter: b}\n"
        )
    (problem,) = info.value.problems
    assert problem.code == "InvalidStateTransition"
    assert "attempted to transition from failed to provisioning" in problem.message


def test_edge_to_edge_through_igw_nat_vpn_and_gateway_endpoint() -> None:
    """ "Edge to edge routing through a gateway or private connection" is unsupported — "VPC peering
    limitations" (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations):
    app cannot use edge's internet gateway or NAT gateway, its VPN to the office, or its S3 gateway
    endpoint (also "Gateway endpoints": "Endpoint connections cannot be extended out of a VPC",
    https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html); edge's own hosts can."""
    got = check(
        "peering-edge-to-edge",
        {
            "app-host → edge-private-host tcp/22": OK,
            "app-host → internet tcp/443": PCX,
            "app-host → office tcp/22": PCX,
            "app-host → s3:us-east-1 tcp/443": PCX,
            "office → app-host tcp/22": NO_ROUTE,
            "edge-public-host → internet tcp/443": OK,
            "edge-private-host → internet tcp/443": OK,
            "edge-private-host → office tcp/22": OK,
            "edge-private-host → s3:us-east-1 tcp/443": OK,
        },
    )
    for flow in (
        "app-host → internet tcp/443",
        "app-host → office tcp/22",
        "app-host → s3:us-east-1 tcp/443",
    ):
        assert got[flow]["forward"][-1] == "vpc-peering-connection app-edge"
    assert in_order(
        got["edge-private-host → internet tcp/443"]["forward"],
        "route-table edge-private-rt",
        "nat-gateway edge-nat",
        "route-table edge-public-rt",
        "internet-gateway edge/igw",
    )
    assert got["office → app-host tcp/22"]["forward"] == [
        "customer-gateway office",
        "vpn-connection office-vpn",
        "vpn-gateway edge-vgw",
    ]


# -- Transit gateway designs --------------------------------------------------------------------
def test_tgw_centralized_router() -> None:
    """ "Centralized router": every VPC associated with and propagating to one route table reaches
    every other (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-centralized-router.html)."""
    got = check(
        "tgw-centralized-router",
        {
            "spoke-0-app → spoke-1-app tcp/443": OK,
            "spoke-2-app → spoke-3-app tcp/443": OK,
            "spoke-3-app → spoke-0-app tcp/443": OK,
        },
    )
    assert in_order(
        got["spoke-0-app → spoke-1-app tcp/443"]["forward"],
        "route-table spoke-0-rt",
        "transit-gateway-attachment hub-spoke-0",
        "transit-gateway hub",
        "transit-gateway-route-table hub/default",
        "transit-gateway-attachment hub-spoke-1",
        "route-table spoke-1-rt",
    )


def test_tgw_isolated_vpcs() -> None:
    """ "Isolated VPCs": the VPCs' route table learns only the VPN, the VPN's learns every VPC;
    VPCs reach on-premises but not each other
    (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-isolated.html)."""
    got = check(
        "tgw-isolated-vpcs",
        {
            "vpc-a-host → vpc-b-host tcp/22": TGW_NO_ROUTE,
            "vpc-a-host → dc tcp/22": OK,
            "dc → vpc-b-host tcp/22": OK,
        },
    )
    assert got["vpc-a-host → vpc-b-host tcp/22"]["forward"][-1] == "transit-gateway-route-table hub-vpcs-rt"
    assert in_order(
        got["dc → vpc-b-host tcp/22"]["forward"],
        "customer-gateway dc",
        "vpn-connection dc-vpn",
        "transit-gateway hub",
        "transit-gateway-route-table hub-vpn-rt",
        "transit-gateway-attachment hub-vpc-b",
    )


def test_tgw_isolated_vpcs_with_shared_services() -> None:
    """ "Isolated VPCs with shared services": application VPCs reach the shared-services VPC and
    back, never each other (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-isolated-shared.html)."""
    check(
        "tgw-isolated-vpcs-shared-services",
        {
            "dev-app → shared-svc udp/53": OK,
            "shared-svc → test-app udp/53": OK,
            "dev-app → prod-app udp/53": TGW_NO_ROUTE,
            "test-app → dev-app udp/53": TGW_NO_ROUTE,
            "prod-app → prod-app-b udp/53": OK,  # within one VPC: the local route
        },
    )


def test_tgw_shared_services_api() -> None:
    """A shared-services VPC on a transit gateway shared through AWS RAM with three application
    accounts ("Centralized router": every VPC attached and propagated to one route table): each
    team reaches the API over the hub; the teams' default security groups admit only their own
    members, so neither another team nor the API gets in
    (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-centralized-router.html)."""
    got = check(
        "tgw-shared-services-api",
        {
            "team1-host → api-2 tcp/443": OK,
            "team2-host → api-1 tcp/443": OK,
            "team1-host → team3-host tcp/443": SG,
            "api-1 → team1-host tcp/22": SG,
        },
    )
    assert in_order(
        got["team1-host → api-2 tcp/443"]["forward"],
        "transit-gateway-attachment hub-team1",
        "transit-gateway hub",
        "transit-gateway-attachment hub-platform",
    )


def test_tgw_inter_region_peering() -> None:
    """ "Transit gateway peering": static routes through the peering attachment on each side join
    two Regions (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-peering-scenario.html)."""
    got = check(
        "tgw-inter-region-peering",
        {
            "east-app-a:10.10.1.100 → west-app-a:10.20.1.100 tcp/443": OK,
            "west-app-a:10.20.1.100 → east-app-a:10.10.1.100 tcp/443": OK,
        },
    )
    assert in_order(
        got["east-app-a:10.10.1.100 → west-app-a:10.20.1.100 tcp/443"]["forward"],
        "transit-gateway east",
        "transit-gateway-route-table east-rt",
        "transit-gateway-attachment east-west",
        "transit-gateway west",
        "transit-gateway-route-table west-rt",
        "transit-gateway-attachment west-vpc",
    )


def test_tgw_centralized_egress_to_the_internet() -> None:
    """ "Centralized outbound routing to the internet": spokes reach the internet through the
    egress VPC's NAT gateway and internet gateway; the blackhole keeps spokes apart
    (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-nat-igw.html)."""
    got = check(
        "tgw-centralized-egress",
        {
            "spoke-a-host → internet tcp/443": OK,
            "spoke-b-host → internet tcp/443": OK,
            "spoke-a-host → spoke-b-host tcp/443": ("blocked", ["TGW_RTB_BAD_STATE_ROUTE"]),
            "internet → spoke-a-host tcp/443": (
                "blocked",
                ["IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS", "NO_ROUTE_TO_DESTINATION"],
            ),
        },
    )
    assert in_order(
        got["spoke-a-host → internet tcp/443"]["forward"],
        "transit-gateway-route-table core-spokes-rt",
        "transit-gateway-attachment core-egress",
        "route-table egress-tgw-rt",
        "nat-gateway egress-nat-a",
        "route-table egress-public-rt",
        "internet-gateway egress-igw",
    )
    assert in_order(
        got["spoke-a-host → internet tcp/443"]["return"],
        "internet-gateway egress-igw",
        "nat-gateway egress-nat-a",
        "transit-gateway-route-table core-egress-rt",
        "network-interface spoke-a-host/eni",
    )


def test_tgw_appliance_in_a_shared_services_vpc() -> None:
    """ "Appliance in a shared services VPC": spoke-to-spoke traffic goes to the inspection VPC's
    attachment, through the firewall, back to the transit gateway and on to the other spoke, both
    ways (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html)."""
    got = check(
        "tgw-appliance-vpc",
        {
            "spoke-a-host → spoke-b-host tcp/443": OK,
            "spoke-b-host → spoke-a-host tcp/443": OK,
            "spoke-a-host → spoke-c-host tcp/443": OK,
        },
    )
    for direction in ("forward", "return"):
        assert in_order(
            got["spoke-a-host → spoke-b-host tcp/443"][direction],
            "transit-gateway-route-table hub-spokes-rt",
            "transit-gateway-attachment hub-inspection",
            "route-table insp-tgw-rt-a",
            "network-interface fw-a/eni",
            "route-table insp-fw-rt",
            "transit-gateway-route-table hub-inspection-rt",
        )


def test_firewall_with_source_dest_check_drops_the_traffic() -> None:
    """An appliance must have source/destination checking off to forward traffic ("Appliance in a
    shared services VPC", https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html;
    "Source or destination checking", https://docs.aws.amazon.com/vpc/latest/userguide/VPC_NAT_Instance.html)."""
    net = edited(
        "tgw-appliance-vpc",
        "private_ip: 10.0.1.10, source_dest_check: false",
        "private_ip: 10.0.1.10, source_dest_check: true",
    )
    t = net.trace("spoke-a-host", "spoke-b-host", protocol="tcp", port=443)
    assert t.disposition == "blocked"
    assert set(t.codes) == {"ENI_SOURCE_DEST_CHECK_RESTRICTION"}


def test_appliance_mode_keeps_a_cross_az_flow_on_one_appliance() -> None:
    """ "Stateful appliances and appliance mode": with appliance mode on the appliance VPC's
    attachment, the transit gateway keeps using the same Availability Zone (so the same appliance)
    for both directions of a flow for its lifetime
    (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html)."""
    got = flows("tgw-appliance-vpc")["spoke-a-host → spoke-c-host tcp/443"]
    fw_forward = [h for h in got["forward"] if h.startswith("network-interface fw-")]
    fw_return = [h for h in got["return"] if h.startswith("network-interface fw-")]
    assert len(fw_forward) == 1 and fw_forward == fw_return


# -- Gateway Load Balancer: centralized inspection ---------------------------------------------
GWLB_OK = ("reachable", ["PATH_THROUGH_GWLB_NOT_CHECKED"])


def test_centralized_inspection_through_gateway_load_balancer_endpoints() -> None:
    """ "Centralized inspection" with Gateway Load Balancer and Transit Gateway: the inspection VPC's
    attachment subnets route to the Gateway Load Balancer endpoint of their AZ, the Gateway Load
    Balancer sends the packet to an appliance and back out of the same endpoint, whose subnet routes
    it back to the transit gateway; appliance mode keeps both directions on one endpoint
    (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html,
    https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/getting-started.html). AWS's
    analyser does not look inside the appliance: PATH_THROUGH_GWLB_NOT_CHECKED (informational)."""
    got = check(
        "gwlb-centralized-inspection",
        {
            "spoke-a-host → spoke-b-host tcp/443": GWLB_OK,
            "spoke-a-host → spoke-c-host tcp/443": GWLB_OK,
            "spoke-c-host → spoke-a-host tcp/443": GWLB_OK,
            "spoke-a-host → spoke-b-host tcp/22": ("blocked", ["PATH_THROUGH_GWLB_NOT_CHECKED",
                                                               "ENI_SG_RULES_MISMATCH"]),
        },
    )
    flow = got["spoke-a-host → spoke-c-host tcp/443"]
    for direction in ("forward", "return"):
        assert in_order(flow[direction], "transit-gateway-attachment hub-inspection", "vpc-endpoint gwlbe-a",
                        "load-balancer firewalls/gwlb", "target-group firewalls/appliances",
                        "vpc-endpoint gwlbe-a", "route-table insp-gwlbe-rt")
        assert not any(h.startswith("vpc-endpoint gwlbe-b") for h in flow[direction])


def test_gwlb_reply_through_another_endpoint_is_dropped_without_appliance_mode() -> None:
    """ "Stateful appliances and appliance mode": without appliance mode the reply of a cross-AZ flow
    enters the inspection VPC in the other AZ and meets the other endpoint, whose Gateway Load
    Balancer never saw the request (GWLB guide, "Asymmetric flows")
    (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html)."""
    net = edited("centralized-inspection", "appliance_mode: true", "appliance_mode: false")
    t = net.trace("spoke-a-host", "spoke-c-host", protocol="tcp", port=443)
    assert t.disposition == "blocked"
    assert set(t.codes) == {"PATH_THROUGH_GWLB_NOT_CHECKED", "TRANSIT_GATEWAY_APPLIANCE_MODE_RECOMMENDED",
                            "VPCLAB_GWLB_ASYMMETRIC_FLOW"}
    same_az = net.trace("spoke-a-host", "spoke-b-host", protocol="tcp", port=443)
    assert same_az.disposition == "reachable"


def test_gwlb_without_healthy_appliances_in_the_zone() -> None:
    """Gateway Load Balancer "Target groups": the load balancer routes to healthy registered targets in
    the endpoint's Availability Zone (cross-zone load balancing is off by default): none there,
    ELBV2_NO_TARGETS_IN_AZ; with cross-zone load balancing on, the other AZ's appliance answers
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/target-groups.html)."""
    net = edited("centralized-inspection", "targets: [fw-a, fw-b]", "targets: [fw-b]")
    t = net.trace("spoke-a-host", "spoke-b-host", protocol="tcp", port=443)
    assert t.disposition == "blocked" and "ELBV2_NO_TARGETS_IN_AZ" in t.codes
    net = edited("centralized-inspection", "targets: [fw-a, fw-b]", "targets: [fw-b]\n      cross_zone: true")
    assert net.trace("spoke-a-host", "spoke-b-host", protocol="tcp", port=443).disposition == "reachable"


def test_ingress_inspection_through_an_igw_edge_route_table() -> None:
    """Ingress routing: a route table edge-associated with the internet gateway sends the web subnet's
    CIDR to a Gateway Load Balancer endpoint; the web subnet's default route and the endpoint subnet's
    route to the internet gateway complete the symmetric path, both ways through the appliance
    (https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html,
    https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html)."""
    got = check(
        "gwlb-ingress-inspection",
        {
            "internet → web tcp/443": GWLB_OK,
            "web → internet tcp/443": GWLB_OK,
            "internet → web tcp/22": ("blocked", ["PATH_THROUGH_GWLB_NOT_CHECKED", "ENI_SG_RULES_MISMATCH"]),
        },
    )
    inbound = got["internet → web tcp/443"]
    assert in_order(inbound["forward"], "internet-gateway app/igw", "route-table app-edge-rt",
                    "vpc-endpoint app-gwlbe-1a", "target-group security-appliances/appliances",
                    "route-table app-gwlbe-rt", "network-interface web/eni")
    assert in_order(inbound["return"], "route-table app-web-rt", "vpc-endpoint app-gwlbe-1a",
                    "route-table app-gwlbe-rt", "internet-gateway app/igw")


# -- Endpoints ----------------------------------------------------------------------------------
def test_s3_gateway_endpoint_from_inside_its_vpc() -> None:
    """ "Gateway endpoints for Amazon S3": the endpoint's prefix-list route in the subnet's route table
    reaches S3 in the same Region only; other services and Regions need their own path
    (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html)."""
    got = check(
        "s3-gateway-endpoint",
        {
            "worker-1 → s3:us-west-2 tcp/443": OK,
            "worker-2 → s3:us-west-2 tcp/443": OK,
            "worker-1 → s3:us-east-1 tcp/443": NO_ROUTE,
            "worker-1 → dynamodb:us-west-2 tcp/443": NO_ROUTE,
            "worker-1 → internet tcp/443": NO_ROUTE,
        },
    )
    assert got["worker-1 → s3:us-west-2 tcp/443"]["forward"][-2:] == [
        "vpc-endpoint s3-endpoint",
        "aws-service com.amazonaws.us-west-2.s3",
    ]


def test_privatelink_across_accounts() -> None:
    """ "Share your services through AWS PrivateLink": the consumer reaches the provider's service
    through its interface endpoint, with overlapping CIDRs and no routing between the VPCs
    (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html)."""
    got = check(
        "privatelink-cross-account",
        {
            "shop-web → billing-endpoint tcp/443": OK,
            "shop-web → billing-api-1 tcp/443": NO_ROUTE,  # 10.0.1.4 is shop-web's own address space
        },
    )
    assert got["shop-web → billing-endpoint tcp/443"]["forward"][0] == "network-interface shop-web/eni"


# -- VPN and sharing ----------------------------------------------------------------------------
def test_vpn_via_virtual_private_gateway() -> None:
    """ "How AWS Site-to-Site VPN works" with a virtual private gateway: BGP routes propagate into the
    route table, static routes serve the branch (https://docs.aws.amazon.com/vpn/latest/s2svpn/how_it_works.html)."""
    got = check(
        "vpn-vgw",
        {
            "office → app-server tcp/22": OK,
            "branch → app-server tcp/443": OK,
            "office → app-server tcp/443": SG,  # app-sg admits 443 from the branch only
            "app-server → office tcp/22": OK,
        },
    )
    assert got["app-server → office tcp/22"]["forward"][-3:] == [
        "vpn-gateway app-vgw",
        "vpn-connection office-vpn",
        "customer-gateway office",
    ]


def test_vpn_via_transit_gateway() -> None:
    """ "Transit gateway VPN attachments": one VPN reaches every VPC whose routes the VPN's route table
    holds (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpn-attachments.html)."""
    got = check(
        "vpn-tgw",
        {
            "dc → web-a tcp/443": OK,
            "data-a → dc tcp/443": OK,
            "web-a → data-a tcp/443": NO_ROUTE,  # the VPCs route only the data centre to the gateway
        },
    )
    assert in_order(
        got["dc → web-a tcp/443"]["forward"],
        "customer-gateway dc",
        "vpn-connection dc-vpn",
        "transit-gateway hub",
        "transit-gateway-route-table hub-rt",
        "transit-gateway-attachment hub-web",
    )


def test_shared_vpc_participants() -> None:
    """ "Share your VPC with other accounts": participants' instances in shared subnets talk as in
    one VPC, under their own security groups (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html)."""
    check(
        "shared-vpc",
        {
            "app-1 → app-2 tcp/8080": OK,
            "app-2 → app-1 tcp/8080": OK,
            "app-1 → app-2 tcp/443": SG,
        },
    )


# -- IPv6 (issue 9) -------------------------------------------------------------------------------
def test_egress_only_internet_gateway_design() -> None:
    """ "Enable outbound IPv6 traffic using an egress-only internet gateway": a private subnet's IPv6
    leaves through the egress-only gateway and its replies come back; the public subnet is reached
    over both families through the internet gateway, IPv6 untranslated
    (https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html). Inbound
    IPv6 to the private instance meets its security group (the VPC's internet gateway delivers to
    every address of the /56; vpclab's reading, see docs/reachability.md)."""
    got = check(
        "egress-only-ipv6",
        {
            "internet → web-1 tcp/443 IPv6": OK,
            "internet → web-1 tcp/443": OK,
            "app-1 → internet tcp/443 IPv6": OK,
            "app-1 → internet tcp/443": OK,
            "internet → app-1 tcp/443 IPv6": SG,
            "web-1 → app-1 tcp/8080 IPv6": OK,
        },
    )
    assert got["app-1 → internet tcp/443 IPv6"]["forward"][-1] == "egress-only-internet-gateway app/eigw"
    assert "nat-gateway nat-a" not in got["app-1 → internet tcp/443 IPv6"]["forward"]
    assert in_order(got["app-1 → internet tcp/443"]["forward"],
                    "nat-gateway nat-a", "internet-gateway app/igw")
