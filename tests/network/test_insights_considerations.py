"""The Reachability Analyzer's documented considerations ("How Reachability Analyzer works",
Considerations: https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html),
one test each for those that apply to what vpclab models. Also covered elsewhere: TCP through a
transit gateway route table is analysed forward only (test_insights_aws_semantics.py); paths
through a Gateway Load Balancer endpoint leave out the load balancer and its targets
(tests/reach/test_gwlb.py); packet headers differ where a component translates
(test_insights_components.py, internet gateway)."""

from __future__ import annotations

from datetime import timedelta

import pytest

import vpclab
from vpclab.core.errors import AwsError
from vpclab.model.insights import NetworkInsightsAnalysis, NetworkInsightsPath

PAGE = "https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html"


def _analysis(
    example: str, source: str, destination: str, port: int
) -> tuple[vpclab.Network, vpclab.ControlPlane, NetworkInsightsAnalysis]:
    net = vpclab.load(f"examples/{example}.yaml")
    cp = vpclab.ControlPlane(net.world)
    path = cp.create_network_insights_path(
        source=net.ids[source], destination=net.ids[destination], protocol="tcp", destination_port=port
    )
    return net, cp, cp.start_network_insights_analysis(network_insights_path_id=path.id)


def test_only_ipv4_addresses_are_analysed_for_a_dual_stack_resource() -> None:
    """ "Reachability Analyzer supports only resources with an IPv4 address. If a resource has both
    IPv4 and IPv6 addresses, Reachability Analyzer includes only the IPv4 addresses in its analysis"
    (https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html). vpclab's
    IPv6 verdict rides in its own fields."""
    _, _, analysis = _analysis("dual-stack", "web-1", "app-1", 8080)
    headers = [
        h
        for c in (*analysis.forward_path_components, *analysis.return_path_components)
        for h in (c.inbound_header, c.outbound_header)
        if h is not None
    ]
    assert headers
    assert all(":" not in a for h in headers for a in (*h.source_addresses, *h.destination_addresses))
    assert analysis.ipv6_disposition is not None  # vpclab's extra channel


def test_paths_are_not_a_shareable_resource() -> None:
    """ "Paths are not a shareable resource"
    (https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html): AWS RAM
    refuses a network insights path in a resource share, and nothing is created."""
    net, cp, _ = _analysis("dual-stack", "web-1", "app-1", 8080)
    path_arn = next(p.arn for p in net.world.all(NetworkInsightsPath))
    before = len(list(net.world.resources()))
    with pytest.raises(AwsError) as err:
        cp.create_resource_share(name="paths", resource_arns=[path_arn], principals=["222222222222"])
    assert err.value.code in (
        "UnknownResourceException",
        "InvalidParameterException",
        "MalformedArnException",
    )
    assert len(list(net.world.resources())) == before


def test_an_analysis_is_deleted_120_days_after_its_creation() -> None:
    """ "Reachability Analyzer automatically deletes an analysis 120 days after its creation date"
    (https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html): after
    that it is not found, and its path can be deleted."""
    net, cp, analysis = _analysis("dual-stack", "web-1", "app-1", 8080)
    net.world.clock.advance(timedelta(days=119))
    assert analysis.visible_to(net.world, analysis.owner_id, analysis.region)
    net.world.clock.advance(timedelta(days=1))
    assert not analysis.visible_to(net.world, analysis.owner_id, analysis.region)
    with pytest.raises(AwsError) as err:
        cp.delete_network_insights_analysis(network_insights_analysis_id=analysis.id)
    assert err.value.code == "InvalidNetworkInsightsAnalysisId.NotFound"
    cp.delete_network_insights_path(network_insights_path_id=analysis.network_insights_path_id)
    assert net.world.get(analysis.id) is None
