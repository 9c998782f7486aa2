"""Reachability Analyzer ends named without an address: transit gateways, transit gateway VPC and
peering attachments, VPC peering connections and VPC endpoint services.

AWS docs: "How Reachability Analyzer works" (Source and destination resources; Considerations: "analyzes
connectivity only up to these attachments")
https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html
"""

from __future__ import annotations

from ipaddress import ip_address, ip_network
from pathlib import Path

from vpclab import ControlPlane
from vpclab.model.insights import NetworkInsightsAnalysis
from vpclab.model.vpc import Vpc
from vpclab.network.facade import Network
from vpclab.topology import load

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HOW = "https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html"


def _analyse(
    net: Network, src: str, dst: str, protocol: str = "tcp", port: int = 443
) -> NetworkInsightsAnalysis:
    src_id = net.id(src) if src in net.names.values() else src
    dst_id = net.id(dst) if dst in net.names.values() else dst
    res = net.world.get(src_id)
    assert res is not None
    lab = ControlPlane(net.world, account_id=res.owner_id, region=res.region)
    path = lab.create_network_insights_path(
        source=src_id, destination=dst_id, protocol=protocol, destination_port=port
    )
    return lab.start_network_insights_analysis(network_insights_path_id=path.id)


def _ids(components) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.component.id for c in components]


def test_peering_connection_as_destination_ends_at_the_connection():
    """A VPC peering connection is a supported destination
    (https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html): without a
    DestinationIp vpclab analyses a host of the peer VPC's CIDR, and AWS's path ends at the connection;
    the return path starts there. The address used is in vpclab's own fields."""
    net = load(EXAMPLES / "two-peered-vpcs.yaml")
    for protocol in ("tcp", "udp"):
        a = _analyse(net, "web-1", "app-db", protocol)
        assert (a.status, a.network_path_found) == ("succeeded", True)
        assert _ids(a.forward_path_components)[-1] == net.id("app-db")
        assert _ids(a.return_path_components)[0] == net.id("app-db")
        db = net.world.get(net.id("db"), Vpc)
        assert db is not None and a.destination_address is not None
        assert ip_address(a.destination_address) in ip_network(db.cidr_blocks[0])
        assert a.source_address == net.world.get(net.id("web-1/eni")).private_ip_address  # type: ignore[union-attr]


def test_transit_gateway_as_destination_ends_at_the_gateway():
    """A transit gateway is a supported destination
    (https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html): vpclab
    analyses an address the route table of the source's attachment carries away from it (here the VPN's
    on-premises network) and AWS's path ends at the gateway, before its route table."""
    net = load(EXAMPLES / "tgw-isolated-vpcs.yaml")
    a = _analyse(net, "vpc-a-host", "hub")
    assert (a.status, a.network_path_found) == ("succeeded", True)
    fwd = _ids(a.forward_path_components)
    assert fwd[-2:] == [net.id("hub-vpc-a"), net.id("hub")]
    assert a.destination_address == "172.20.0.1"


def test_vpc_attachment_as_destination_follows_the_route_tables():
    """A transit gateway attachment is a supported destination
    (https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html): the
    attached VPC's networks as the gateway sees them. Isolated VPCs: the route table of the source's
    attachment has no route to the other VPC (TGW_RTB_CANNOT_ROUTE); the source VPC's own attachment
    is not on a path from inside that VPC (NO_PATH, vpclab's reading: AWS is silent)."""
    net = load(EXAMPLES / "tgw-isolated-vpcs.yaml")
    a = _analyse(net, "vpc-a-host", "hub-vpc-b")
    assert (a.status, a.network_path_found) == ("succeeded", False)
    assert [e.explanation_code for e in a.explanations] == ["TGW_RTB_CANNOT_ROUTE"]
    own = _analyse(net, "vpc-a-host", "hub-vpc-a")
    assert (own.status, own.network_path_found) == ("succeeded", False)
    assert [e.explanation_code for e in own.explanations] == ["NO_PATH"]


def test_peering_attachment_as_destination_and_source():
    """Transit gateway peering attachments are supported ends
    (https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html): as a
    destination the path ends at the attachment (TCP across a transit gateway route table: forward
    only, AWS's Considerations); as a source traffic arrives through it from the far gateway's VPC, and
    the return path ends at it."""
    net = load(EXAMPLES / "tgw-inter-region-peering.yaml")
    a = _analyse(net, "east-host", "east-west")
    assert (a.status, a.network_path_found) == ("succeeded", True)
    assert _ids(a.forward_path_components)[-1] == net.id("east-west")
    assert a.return_path_components == ()
    back = _analyse(net, "east-west", "east-host", "tcp", 22)
    assert back.status == "succeeded"
    assert _ids(back.forward_path_components)[0] == net.id("east-west")
    assert _ids(back.return_path_components)[-1:] in ([], [net.id("east-west")])


def test_transit_gateway_as_source_starts_at_the_gateway():
    """A transit gateway is a supported source
    (https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html): traffic
    arriving at it through a VPC attachment other than the destination's; AWS's path starts at the
    gateway. Isolated VPCs: no route to the other VPC."""
    net = load(EXAMPLES / "tgw-isolated-vpcs.yaml")
    a = _analyse(net, "hub", "vpc-b-host", "udp", 53)
    assert a.status == "succeeded" and not a.network_path_found
    assert _ids(a.forward_path_components)[0] == net.id("hub")
    assert [e.explanation_code for e in a.explanations] == ["TGW_RTB_CANNOT_ROUTE"]


def test_endpoint_service_as_destination_and_as_source():
    """VPC endpoint services are supported ends
    (https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html): as a
    destination, through the source VPC's interface endpoint of the service to its load balancer and a
    target (AWS is silent on where it ends: vpclab requires the whole PrivateLink leg); as a source
    vpclab has no path (a PrivateLink connection starts at the consumer's endpoint): a failed
    analysis that says so."""
    net = load(EXAMPLES / "privatelink-cross-account.yaml")
    svc = net.world.get(net.id("billing-service"))
    assert svc is not None
    arn = f"arn:aws:ec2:{svc.region}:{svc.owner_id}:vpc-endpoint-service/{svc.id}"
    a = _analyse(net, "shop-web", arn)
    assert (a.status, a.network_path_found) == ("succeeded", True)
    assert net.id("billing-endpoint") in _ids(a.forward_path_components)
    lab = ControlPlane(net.world, account_id=svc.owner_id, region=svc.region)
    web = net.world.get(net.id("shop-web"))
    assert web is not None
    path = lab.create_network_insights_path(
        source=svc.id,
        destination=f"arn:aws:ec2:{web.region}:{web.owner_id}:instance/{web.id}",
        protocol="tcp",
    )
    failed = lab.start_network_insights_analysis(network_insights_path_id=path.id)
    assert failed.status == "failed"
    assert failed.status_message == (
        f"vpclab traces {svc.id} as a destination only: PrivateLink "
        "connections start at the consumer's endpoint"
    )


def test_load_balancer_interfaces_are_ends_and_nat_gateways_are_not():
    """Network interfaces are supported ends, a load balancer's too; a NAT gateway is an intermediate
    component only ("Intermediate components": load balancers, NAT gateways, …), so as an end it is
    InvalidParameterValue
    (https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html)."""
    import pytest

    from vpclab.core.errors import AwsError
    from vpclab.model.gateways import NatGateway
    from vpclab.model.load_balancer import LoadBalancer

    net = load(EXAMPLES / "privatelink-cross-account.yaml")
    [lb] = net.world.all(LoadBalancer)
    node = lb.network_interface_ids[0]
    to_node = _analyse(net, "billing-api-1", node)
    assert (to_node.status, to_node.network_path_found) == ("succeeded", True)
    assert _ids(to_node.forward_path_components)[-1] == node
    from_node = _analyse(net, node, "billing-api-1")
    assert (from_node.status, from_node.network_path_found) == ("succeeded", True)
    egress = load(EXAMPLES / "centralized-egress.yaml")
    nat = next(iter(egress.world.all(NatGateway)))
    lab = ControlPlane(egress.world, account_id=nat.owner_id, region=nat.region)
    with pytest.raises(AwsError) as info:
        lab.create_network_insights_path(source=nat.id, destination="igw-0123456789abcdef0", protocol="tcp")
    assert (
        info.value.code == "InvalidParameterValue" and "not a supported resource type" in info.value.message
    )
