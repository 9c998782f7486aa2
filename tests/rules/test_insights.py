"""Reachability Analyzer rules: network insights paths and analyses.

AWS docs: "How Reachability Analyzer works"
(https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html) and the
EC2 API reference, CreateNetworkInsightsPath / StartNetworkInsightsAnalysis /
DeleteNetworkInsightsPath (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import raises_aws, unchanged
from vpclab import ControlPlane
from vpclab.model.insights import NetworkInsightsAnalysis
from vpclab.topology import load

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "two-peered-vpcs.yaml"
HOW = "https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html"


@pytest.fixture
def net():  # type: ignore[no-untyped-def]
    return load(EXAMPLE)


@pytest.fixture
def lab(net) -> ControlPlane:  # type: ignore[no-untyped-def]
    return ControlPlane(net.world, account_id="111111111111", region="us-east-1")


def test_destination_or_filter_at_source_address_is_required(lab, net):
    """AWS (as real CreateNetworkInsightsPath responses say): Destination or
    FilterAtSource.DestinationAddress must be given; a DestinationIp alone is not enough.
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkInsightsPath.html)"""
    with (
        unchanged(lab.world),
        raises_aws(
            "MissingParameter",
            "The request must include either the Destination parameter or the "
            "FilterAtSource.DestinationAddress parameter. Add the required parameter and retry the request.",
        ),
    ):
        lab.create_network_insights_path(source=net.id("web-1"), protocol="tcp", destination_ip="10.1.1.10")
    path = lab.create_network_insights_path(
        source=net.id("web-1"),
        protocol="tcp",
        filter_at_source={"destination_address": "10.1.1.10"},
        destination_port=5432,
    )
    analysis = lab.start_network_insights_analysis(network_insights_path_id=path.id)
    assert analysis.network_path_found and analysis.forward_path_components[-1].component.id.startswith(
        "eni-"
    )


def test_source_must_exist(lab, net):
    """The source is looked up like any resource: a missing instance is InvalidInstanceID.NotFound.
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkInsightsPath.html)"""
    with (
        unchanged(lab.world),
        raises_aws("InvalidInstanceID.NotFound", "The instance ID 'i-0123456789abcdef0' does not exist"),
    ):
        lab.create_network_insights_path(
            source="i-0123456789abcdef0", destination=net.id("db-1"), protocol="tcp"
        )


def test_source_must_be_a_supported_type(lab, net):
    """AWS: sources and destinations are instances, internet gateways, network interfaces, transit
    gateways and attachments, VPC endpoints and endpoint services, peering connections, VPN gateways
    ("How Reachability Analyzer works", "Source and destination resources",
    https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html); a subnet
    is not."""
    subnet = net.id("app-web")
    with (
        unchanged(lab.world),
        raises_aws(
            "InvalidParameterValue",
            f"The resource {subnet} for parameter Source is not a supported resource type. Supported: "
            "instance, internet gateway, network interface, transit gateway, transit gateway attachment, "
            "VPC endpoint, VPC endpoint service, VPC peering connection, VPN gateway.",
        ),
    ):
        lab.create_network_insights_path(source=subnet, destination=net.id("db-1"), protocol="tcp")


def test_source_and_destination_in_the_region_of_the_call(lab, net):
    """AWS: "The source and destination resources must be in the same Region" (https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html)."""
    arn = f"arn:aws:ec2:eu-west-1:111111111111:instance/{net.id('db-1')}"
    with (
        unchanged(lab.world),
        raises_aws(
            "InvalidParameterValue",
            f"The resource {arn} for parameter Destination is not in Region us-east-1.",
        ),
    ):
        lab.create_network_insights_path(source=net.id("web-1"), destination=arn, protocol="tcp")
    same = lab.create_network_insights_path(
        source=net.id("web-1"), destination=arn.replace("eu-west-1", "us-east-1"), protocol="tcp"
    )
    assert same.destination == net.id("db-1") and same.destination_arn == arn.replace(
        "eu-west-1", "us-east-1"
    )


def test_addresses_must_be_ipv4(lab, net):
    """SourceIp/DestinationIp are IP addresses (EC2 API reference, CreateNetworkInsightsPath).
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkInsightsPath.html)"""
    with (
        unchanged(lab.world),
        raises_aws(
            "InvalidParameterValue",
            "Value (10.1.1) for parameter DestinationIp is invalid. Expected an IPv4 address.",
        ),
    ):
        lab.create_network_insights_path(
            source=net.id("web-1"), destination=net.id("db-1"), protocol="tcp", destination_ip="10.1.1"
        )


def test_one_source_address(lab, net):
    """SourceIp and FilterAtSource.SourceAddress name the same thing: not both (text is vpclab's).
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkInsightsPath.html)"""
    with (
        unchanged(lab.world),
        raises_aws(
            "InvalidParameterCombination", "SourceIp and FilterAtSource.SourceAddress cannot both be given."
        ),
    ):
        lab.create_network_insights_path(
            source=net.id("web-1"),
            destination=net.id("db-1"),
            protocol="tcp",
            source_ip="10.0.1.10",
            filter_at_source={"source_address": "10.0.1.10"},
        )


def test_path_cannot_be_deleted_while_analyses_exist(lab, net):
    """AWS (as real DeleteNetworkInsightsPath responses say): AnalysisExistsForNetworkInsightsPath.
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteNetworkInsightsPath.html)"""
    path = lab.create_network_insights_path(
        source=net.id("web-1"), destination=net.id("db-1"), protocol="tcp", destination_port=5432
    )
    analysis = lab.start_network_insights_analysis(network_insights_path_id=path.id)
    with (
        unchanged(lab.world),
        raises_aws(
            "AnalysisExistsForNetworkInsightsPath",
            f"At least one analysis [{analysis.id}] exists for path {path.id}. "
            "Delete all the analyses before deleting this network path.",
        ),
    ):
        lab.delete_network_insights_path(network_insights_path_id=path.id)
    lab.delete_network_insights_analysis(network_insights_analysis_id=analysis.id)
    lab.delete_network_insights_path(network_insights_path_id=path.id)
    assert lab.world.get(path.id) is None


def test_analysis_needs_a_path_of_the_caller(lab, net):
    """Another account does not see the path: InvalidNetworkInsightsPathId.NotFound.
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StartNetworkInsightsAnalysis.html)"""
    path = lab.create_network_insights_path(
        source=net.id("web-1"), destination=net.id("db-1"), protocol="tcp"
    )
    other = lab.as_(account_id="222222222222")
    with (
        unchanged(lab.world),
        raises_aws(
            "InvalidNetworkInsightsPathId.NotFound",
            f"The network insights path ID '{path.id}' does not exist",
        ),
    ):
        other.start_network_insights_analysis(network_insights_path_id=path.id)
    with unchanged(lab.world), raises_aws("InvalidNetworkInsightsPathId.NotFound"):
        other.delete_network_insights_path(network_insights_path_id=path.id)


def test_filter_in_arns_must_be_arns(lab, net):
    """FilterInArns are ARNs (EC2 API reference, StartNetworkInsightsAnalysis); the text is vpclab's.
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StartNetworkInsightsAnalysis.html)"""
    path = lab.create_network_insights_path(
        source=net.id("web-1"), destination=net.id("db-1"), protocol="tcp"
    )
    with (
        unchanged(lab.world),
        raises_aws("InvalidParameterValue", "The ARN 'pcx-1' for parameter FilterInArns is not valid."),
    ):
        lab.start_network_insights_analysis(network_insights_path_id=path.id, filter_in_arns=["pcx-1"])


def test_internet_gateway_as_source(lab, net):
    """AWS's own example: an internet gateway as the source, an instance as the destination (https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html).
    web-1 is public and allows 443; db-1 has no public address (IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS)."""
    igw = next(r.id for r in lab.world.resources() if r.id.startswith("igw-"))
    web = lab.create_network_insights_path(
        source=igw, destination=net.id("web-1"), protocol="tcp", destination_port=443
    )
    assert lab.start_network_insights_analysis(network_insights_path_id=web.id).network_path_found
    path = lab.create_network_insights_path(
        source=igw, destination=net.id("db-1"), protocol="tcp", destination_port=5432
    )
    analysis = lab.start_network_insights_analysis(network_insights_path_id=path.id)
    assert not analysis.network_path_found
    assert [e.explanation_code for e in analysis.explanations] == [
        "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
        "NO_ROUTE_TO_DESTINATION",
    ]


def test_every_cause_and_its_fix_is_kept(lab, net):
    """vpclab goes further than AWS: every blocking cause, each with a fix, in the same order.
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StartNetworkInsightsAnalysis.html)"""
    path = lab.create_network_insights_path(
        source=net.id("web-1"), destination=net.id("db-1"), protocol="udp", destination_port=53
    )
    a = lab.start_network_insights_analysis(network_insights_path_id=path.id)
    assert isinstance(a, NetworkInsightsAnalysis) and a.status == "succeeded" and not a.network_path_found
    assert [e.explanation_code for e in a.explanations] == [f.code for f in a.findings]
    assert all(f.fix for f in a.findings) and a.disposition == "blocked"


def test_untraceable_path_is_a_failed_analysis(lab, net):
    """A path vpclab cannot trace (an interface endpoint as a source: endpoints never initiate) is an
    analysis in status failed with a StatusMessage, as AWS reports analyses that could not run.
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeNetworkInsightsAnalyses.html)"""
    vpce = lab.create_vpc_endpoint(
        vpc_id=net.id("app"),
        service_name="com.amazonaws.us-east-1.ssm",
        vpc_endpoint_type="Interface",
        subnet_ids=[net.id("app-web")],
        private_dns_enabled=False,
    )
    path = lab.create_network_insights_path(source=vpce.id, destination=net.id("db-1"), protocol="tcp")
    a = lab.start_network_insights_analysis(network_insights_path_id=path.id)
    assert (a.status, a.network_path_found) == ("failed", False)
    assert "an interface endpoint does not initiate connections" in (a.status_message or "")


def test_ipv6_addresses_are_refused_and_the_ipv6_answer_rides_in_vpclab_fields():
    """AWS Reachability Analyzer analyses IPv4 only: CreateNetworkInsightsPath's SourceIp and
    DestinationIp (and the filters' addresses) match ``^([0-9]{1,3}.){3}[0-9]{1,3}$``, at most 15
    characters (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkInsightsPath.html),
    so an IPv6 address is refused and an analysis between two instances is the IPv4 one. vpclab traces
    the same two resources over IPv6 too and keeps that answer in its own fields (issue 9)."""
    from dataclasses import replace

    from tests.reach.ipv6_worlds import two_peered_dual_stack
    from vpclab.model.security_group import SecurityGroup

    net = two_peered_dual_stack()
    lab = ControlPlane(net.world, account_id="111111111111", region="us-east-1")
    bad = "Value (2600:1f18:b:101::10) for parameter {} is invalid. Expected an IPv4 address."
    with unchanged(lab.world), raises_aws("InvalidParameterValue", bad.format("DestinationIp")):
        lab.create_network_insights_path(
            source=net.id("web-1"),
            destination=net.id("db-1"),
            protocol="tcp",
            destination_ip="2600:1f18:b:101::10",
        )
    with raises_aws("InvalidParameterValue", bad.format("FilterAtSource.DestinationAddress")):
        lab.create_network_insights_path(
            source=net.id("web-1"),
            protocol="tcp",
            filter_at_source={"destination_address": "2600:1f18:b:101::10"},
        )
    # IPv6 blocked by db-sg (no IPv6 rule), IPv4 open: AWS's members say reachable (IPv4)
    sg = net.world.get(net.id("db-sg"), SecurityGroup)
    net.world.put(replace(sg, ingress=tuple(r for r in sg.ingress if r.cidr_ipv6 is None)))
    path = lab.create_network_insights_path(
        source=net.id("web-1"), destination=net.id("db-1"), protocol="tcp", destination_port=5432
    )
    a = lab.start_network_insights_analysis(network_insights_path_id=path.id)
    assert a.network_path_found and a.disposition == "reachable" and not a.explanations
    assert a.ipv6_disposition == "blocked"
    assert [f.code for f in a.ipv6_findings] == ["ENI_SG_RULES_MISMATCH"]
    assert "2600:1f18:a:101::/64" in a.ipv6_findings[0].fix
