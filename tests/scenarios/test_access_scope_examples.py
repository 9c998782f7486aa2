"""Network Access Analyzer scopes of the kinds AWS's guide describes, over the bundled designs, with
the findings each design should give (first and last component of each finding, by name).

AWS: "How Network Access Analyzer works"
(https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/how-network-access-analyzer-works.html)
— findings are paths from internet gateways, network interfaces, transit gateway attachments, VPC
endpoints, peering connections and virtual private gateways — and the console's Amazon-created
scopes (ingress from internet gateways, egress to internet gateways, paths between VPCs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vpclab import ControlPlane
from vpclab.topology import load

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _types(*types: str, **header: Any) -> dict[str, Any]:
    statement: dict[str, Any] = {"resource_statement": {"resource_types": [f"AWS::EC2::{t}" for t in types]}}
    if header:
        statement["packet_header_statement"] = header
    return statement


IGW, ENI = _types("InternetGateway"), _types("NetworkInterface")
TCP_ENI = _types("NetworkInterface", protocols=["tcp"])
THROUGH_NAT = {"through_resources": [_types("NatGateway")]}

#: (example, the resource whose account analyses, MatchPaths, ExcludePaths, expected findings)
CASES: list[tuple[str, str, list[Any], list[Any], list[tuple[str, str]]]] = [
    # ingress from internet gateways to network interfaces: only the public web server
    ("two-peered-vpcs", "app", [{"source": IGW, "destination": ENI}], [], [("app/igw", "web-1/eni")]),
    ("dual-stack", "app", [{"source": IGW, "destination": ENI}], [], [("app/igw", "web-1/eni")]),
    # ... other than to the web ports: nothing else is open to the internet
    (
        "two-peered-vpcs",
        "app",
        [{"source": IGW, "destination": ENI}],
        [{"destination": {"packet_header_statement": {"destination_ports": ["80", "443"]}}}],
        [],
    ),
    # egress to internet gateways: the spokes leave through the egress VPC's NAT gateway ...
    (
        "centralized-egress",
        "egress",
        [{"source": TCP_ENI, "destination": IGW}],
        [],
        [("spoke-a-host/eni", "egress-igw"), ("spoke-b-host/eni", "egress-igw")],
    ),
    # ... and none bypasses it
    ("centralized-egress", "egress", [{"source": TCP_ENI, "destination": IGW}], [THROUGH_NAT], []),
    # paths between VPCs: isolated VPCs reach no other VPC, the data centre's attachment reaches both
    ("tgw-isolated-vpcs", "vpc-a", [{"source": TCP_ENI, "destination": ENI}], [], []),
    (
        "tgw-isolated-vpcs",
        "vpc-a",
        [{"source": _types("TransitGatewayAttachment", protocols=["tcp"]), "destination": ENI}],
        [],
        [("dc-vpn/attachment", "vpc-a-host/eni"), ("dc-vpn/attachment", "vpc-b-host/eni")],
    ),
    # the default security groups of the triangle admit nothing from another VPC
    ("peering-triangle", "a", [{"source": TCP_ENI, "destination": ENI}], [], []),
    # on premises through the virtual private gateway
    (
        "vpn-vgw",
        "app",
        [{"source": _types("VPNGateway"), "destination": TCP_ENI}],
        [],
        [("app-vgw", "app-server/eni")],
    ),
    # the consumer's paths to its interface endpoint (PrivateLink)
    (
        "privatelink-cross-account",
        "shop",
        [{"source": TCP_ENI, "destination": _types("VPCEndpoint")}],
        [],
        [("shop-web/eni", "billing-endpoint")],
    ),
]


@pytest.mark.parametrize(
    ("example", "owner", "match", "exclude", "expected"),
    CASES,
    ids=[f"{c[0]}-{n}" for n, c in enumerate(CASES)],
)
def test_scope_findings(
    example: str, owner: str, match: list[Any], exclude: list[Any], expected: list[tuple[str, str]]
) -> None:
    net = load(EXAMPLES / f"{example}.yaml")
    res = net.resource(owner)
    lab = ControlPlane(net.world, account_id=res.owner_id, region=res.region)
    scope = lab.create_network_insights_access_scope(match_paths=match, exclude_paths=exclude or None)
    analysis = lab.start_network_insights_access_scope_analysis(network_insights_access_scope_id=scope.id)
    assert analysis.status == "succeeded"
    assert analysis.findings_found == ("true" if expected else "false")
    got = []
    for f in analysis.findings:
        first, last = f.finding_components[0].component.id, f.finding_components[-1].component.id
        assert [c.sequence_number for c in f.finding_components] == list(
            range(1, len(f.finding_components) + 1)
        )
        got.append((net.names.get(first, first), net.names.get(last, last)))
    assert sorted(got) == sorted(expected)


def test_gateway_endpoint_destination() -> None:
    """A gateway endpoint as a destination: the workers' paths to S3 end at the endpoint
    (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/how-network-access-analyzer-works.html:
    "VPC gateway endpoints" are supported ends)."""
    net = load(EXAMPLES / "s3-gateway-endpoint.yaml")
    res = net.resource("analytics")
    lab = ControlPlane(net.world, account_id=res.owner_id, region=res.region)
    scope = lab.create_network_insights_access_scope(
        match_paths=[{"source": TCP_ENI, "destination": _types("VPCEndpoint")}]
    )
    analysis = lab.start_network_insights_access_scope_analysis(network_insights_access_scope_id=scope.id)
    got = sorted(
        (net.names[f.finding_components[0].component.id], net.names[f.finding_components[-1].component.id])
        for f in analysis.findings
    )
    assert got == [("worker-1/eni", "s3-endpoint"), ("worker-2/eni", "s3-endpoint")]
    route = next(c for c in analysis.findings[0].finding_components if c.route_table_route is not None)
    assert route.route_table_route.destination_prefix_list_id is not None
