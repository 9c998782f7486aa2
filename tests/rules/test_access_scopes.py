"""Network Access Analyzer rules: Network Access Scopes, their statements, analyses and findings.

AWS docs: Network Access Analyzer guide — "Resource statements", "Packet header statements", "How
Network Access Analyzer works" (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/) —
and the EC2 API reference for CreateNetworkInsightsAccessScope and its siblings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import raises_aws, unchanged
from vpclab import ControlPlane
from vpclab.model.access_scopes import NetworkInsightsAccessScopeAnalysis
from vpclab.network import access_scopes as engine
from vpclab.topology import load

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "two-peered-vpcs.yaml"
GUIDE = "https://docs.aws.amazon.com/vpc/latest/network-access-analyzer"
RESOURCE = f"{GUIDE}/resource-statement.html"
HEADER = f"{GUIDE}/packet-header-statement.html"
HOW = f"{GUIDE}/how-network-access-analyzer-works.html"
API = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkInsightsAccessScope.html"

IGW = {"resource_statement": {"resource_types": ["AWS::EC2::InternetGateway"]}}
ENI = {"resource_statement": {"resource_types": ["AWS::EC2::NetworkInterface"]}}


@pytest.fixture
def net():  # type: ignore[no-untyped-def]
    return load(EXAMPLE)


@pytest.fixture
def lab(net) -> ControlPlane:  # type: ignore[no-untyped-def]
    return ControlPlane(net.world, account_id="111111111111", region="us-east-1")


def analyse(
    lab: ControlPlane, match: list[Any], exclude: list[Any] | None = None
) -> NetworkInsightsAccessScopeAnalysis:
    scope = lab.create_network_insights_access_scope(match_paths=match, exclude_paths=exclude)
    result: NetworkInsightsAccessScopeAnalysis = lab.start_network_insights_access_scope_analysis(
        network_insights_access_scope_id=scope.id
    )
    return result


def ends(net, analysis: NetworkInsightsAccessScopeAnalysis) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(first component, last component) of each finding, by name."""
    out = []
    for f in analysis.findings:
        first, last = f.finding_components[0].component.id, f.finding_components[-1].component.id
        out.append((net.names.get(first, first), net.names.get(last, last)))
    return out


# -- the scope's statements ----------------------------------------------------------------------------
def test_resource_statement_takes_ids_or_types_not_both(lab, net):
    """AWS: "A single resource statement can include either resource IDs or resource types, but not
    both." (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/resource-statement.html)"""
    both = {
        "resource_statement": {
            "resources": [net.id("web-1")],
            "resource_types": ["AWS::EC2::NetworkInterface"],
        }
    }
    with unchanged(lab.world), raises_aws("InvalidParameterCombination"):
        lab.create_network_insights_access_scope(match_paths=[{"source": both}])


def test_resource_types_are_aws_list(lab):
    """Only the resource types AWS's guide lists are accepted
    (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/resource-statement.html)."""
    bad = {"resource_statement": {"resource_types": ["AWS::S3::Bucket"]}}
    with (
        unchanged(lab.world),
        raises_aws(
            "InvalidParameterValue",
            "Value (AWS::S3::Bucket) for parameter "
            "MatchPaths.1.Source.ResourceStatement.ResourceTypes.1 is invalid.",
        ),
    ):
        lab.create_network_insights_access_scope(match_paths=[{"source": bad}])
    for unlisted in ("AWS::EC2::TransitGateway", "AWS::EC2::Subnet", "AWS::EC2::Instance", "AWS::EC2::VPC"):
        stmt = {"resource_statement": {"resource_types": [unlisted]}}
        with unchanged(lab.world), raises_aws("InvalidParameterValue") as info:
            lab.create_network_insights_access_scope(
                match_paths=[{"source": ENI, "through_resources": [stmt]}]
            )
        assert f"Value ({unlisted}) for parameter" in info.value.message


def test_load_balancer_and_firewall_types_are_through_only(lab):
    """AWS: "AWS::ElasticLoadBalancing::LoadBalancer (through only)",
    "AWS::ElasticLoadBalancingV2::LoadBalancer (through only)", "AWS::NetworkFirewall::NetworkFirewall
    (through only)" (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/resource-statement.html).
    vpclab models no Network Firewall: such a statement is accepted and matches no path."""
    for rtype in (
        "AWS::ElasticLoadBalancing::LoadBalancer",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::NetworkFirewall::NetworkFirewall",
    ):
        stmt = {"resource_statement": {"resource_types": [rtype]}}
        with unchanged(lab.world), raises_aws("InvalidParameterValue") as info:
            lab.create_network_insights_access_scope(match_paths=[{"source": stmt}])
        assert "cannot be used as a source resource" in info.value.message
        lab.create_network_insights_access_scope(match_paths=[{"source": IGW, "through_resources": [stmt]}])
    firewall = {"resource_statement": {"resource_types": ["AWS::NetworkFirewall::NetworkFirewall"]}}
    assert (
        analyse(lab, [{"source": IGW, "destination": ENI, "through_resources": [firewall]}]).findings_found
        == "false"
    )


def test_where_each_resource_may_stand(lab, net):
    """AWS: internet gateways are "source and destination only", NAT gateways "through only",
    AWS::EC2::VPCEndpoint "destination and through only"
    (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/resource-statement.html)."""
    with unchanged(lab.world), raises_aws("InvalidParameterValue"):
        lab.create_network_insights_access_scope(match_paths=[{"through_resources": [IGW]}])
    nat = {"resource_statement": {"resource_types": ["AWS::EC2::NatGateway"]}}
    with unchanged(lab.world), raises_aws("InvalidParameterValue"):
        lab.create_network_insights_access_scope(match_paths=[{"source": nat}])
    vpce = {"resource_statement": {"resource_types": ["AWS::EC2::VPCEndpoint"]}}
    with unchanged(lab.world), raises_aws("InvalidParameterValue"):
        lab.create_network_insights_access_scope(match_paths=[{"source": vpce}])
    subnet_through = {"resource_statement": {"resources": [net.id("app-web")]}}
    with unchanged(lab.world), raises_aws("InvalidParameterValue"):
        lab.create_network_insights_access_scope(match_paths=[{"through_resources": [subnet_through]}])
    lab.create_network_insights_access_scope(match_paths=[{"source": ENI, "through_resources": [nat]}])


def test_named_resources_must_exist(lab, net):
    """Resources named by id or ARN are looked up as the EC2 API looks them up (the kind's NotFound
    code) (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/resource-statement.html)."""
    missing = {"resource_statement": {"resources": ["igw-0123456789abcdef0"]}}
    with unchanged(lab.world), raises_aws("InvalidInternetGatewayID.NotFound"):
        lab.create_network_insights_access_scope(match_paths=[{"source": missing}])
    vpc = net.id("app")
    by_arn = {"resource_statement": {"resources": [f"arn:aws:ec2:us-east-1:111111111111:vpc/{vpc}"]}}
    scope = lab.create_network_insights_access_scope(match_paths=[{"source": by_arn, "destination": IGW}])
    assert scope.match_paths[0].source.resource_statement.resources == (vpc,)


def test_addresses_and_prefix_lists_are_exclusive(lab):
    """AWS: SourceAddresses "You can't specify this option with SourcePrefixLists" (and likewise for
    destinations) (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/packet-header-statement.html)."""
    pl = lab.create_managed_prefix_list(prefix_list_name="office", max_entries=5, address_family="IPv4")
    header = {"packet_header_statement": {"source_addresses": ["10.0.0.0/8"], "source_prefix_lists": [pl.id]}}
    with unchanged(lab.world), raises_aws("InvalidParameterCombination"):
        lab.create_network_insights_access_scope(match_paths=[{"source": header}])


def test_packet_header_fields(lab):
    """AWS: protocols are tcp and udp; a packet header statement must use at least one field
    (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/packet-header-statement.html);
    ports are a port or a range and addresses an IP address or CIDR."""
    for header, code in [
        ({"protocols": ["icmp"]}, "InvalidParameterValue"),
        ({"destination_ports": ["70000"]}, "InvalidParameterValue"),
        ({"destination_ports": ["443-80"]}, "InvalidParameterValue"),
        ({"source_addresses": ["10.0.0.0/33"]}, "InvalidParameterValue"),
        ({}, "MissingParameter"),
    ]:
        with unchanged(lab.world), raises_aws(code):
            lab.create_network_insights_access_scope(
                match_paths=[{"source": {"packet_header_statement": header}}]
            )


def test_a_scope_needs_match_paths(lab):
    """A scope without MatchPaths matches nothing; AWS's answer is undocumented and vpclab refuses it
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkInsightsAccessScope.html)."""
    with unchanged(lab.world), raises_aws("MissingParameter"):
        lab.create_network_insights_access_scope(exclude_paths=[{"destination": IGW}])


def test_delete_scope_refused_while_analyses_exist(lab):
    """Deleting a scope with analyses is refused until they are deleted (undocumented by AWS; as
    DeleteNetworkInsightsPath does for a path with analyses)
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteNetworkInsightsAccessScope.html)."""
    scope = lab.create_network_insights_access_scope(match_paths=[{"source": IGW}])
    analysis = lab.start_network_insights_access_scope_analysis(network_insights_access_scope_id=scope.id)
    with unchanged(lab.world), raises_aws("DependencyViolation"):
        lab.delete_network_insights_access_scope(network_insights_access_scope_id=scope.id)
    lab.delete_network_insights_access_scope_analysis(network_insights_access_scope_analysis_id=analysis.id)
    lab.delete_network_insights_access_scope(network_insights_access_scope_id=scope.id)
    with raises_aws("InvalidNetworkInsightsAccessScopeId.NotFound"):
        lab.start_network_insights_access_scope_analysis(network_insights_access_scope_id=scope.id)
    with raises_aws("InvalidNetworkInsightsAccessScopeAnalysisId.NotFound"):
        lab.delete_network_insights_access_scope_analysis(
            network_insights_access_scope_analysis_id=analysis.id
        )


def test_scopes_are_per_account(lab):
    """Another account neither sees nor analyses a scope (resources are their owner's)
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StartNetworkInsightsAccessScopeAnalysis.html)."""
    scope = lab.create_network_insights_access_scope(match_paths=[{"source": IGW}])
    with raises_aws("InvalidNetworkInsightsAccessScopeId.NotFound"):
        lab.as_(account_id="222222222222").start_network_insights_access_scope_analysis(
            network_insights_access_scope_id=scope.id
        )


# -- the analysis ----------------------------------------------------------------------------------
def test_ingress_from_internet_gateways(lab, net):
    """A finding is a path a packet can take from a supported source (internet gateway) to a
    supported destination (network interface); the private database has none
    (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/how-network-access-analyzer-works.html)."""
    analysis = analyse(lab, [{"source": IGW, "destination": ENI}])
    assert analysis.status == "succeeded" and analysis.findings_found == "true"
    assert ends(net, analysis) == [("app/igw", "web-1/eni")]
    components = analysis.findings[0].finding_components
    assert [c.sequence_number for c in components] == list(range(1, len(components) + 1))
    sg = next(c for c in components if c.security_group_rule is not None)
    assert sg.security_group_rule.port_range is not None and sg.security_group_rule.port_range.from_ == 443
    assert analysis.analyzed_eni_count == 2


def test_packet_header_narrows_the_traffic(lab, net):
    """AWS: with DestinationPorts only matching packets are admitted; web-sg admits 443 only, so
    SSH from the internet finds nothing
    (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/packet-header-statement.html)."""
    ssh = {**ENI, "packet_header_statement": {"destination_ports": ["22"], "protocols": ["tcp"]}}
    assert analyse(lab, [{"source": IGW, "destination": ssh}]).findings_found == "false"
    https = {**ENI, "packet_header_statement": {"destination_ports": ["400-500"]}}
    assert ends(net, analyse(lab, [{"source": IGW, "destination": https}])) == [("app/igw", "web-1/eni")]
    web = {
        **ENI,
        "packet_header_statement": {"destination_ports": ["443"], "destination_addresses": ["10.1.0.0/16"]},
    }
    assert analyse(lab, [{"source": IGW, "destination": web}]).findings_found == "false"
    udp = {**ENI, "packet_header_statement": {"protocols": ["udp"]}}
    assert analyse(lab, [{"source": IGW, "destination": udp}]).findings_found == "false"


def test_through_resources_and_exclude_paths(lab, net):
    """AWS: a finding must pass the ThroughResources; ExcludePaths remove matching findings
    (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/how-network-access-analyzer-works.html)."""
    pcx = {"resource_statement": {"resource_types": ["AWS::EC2::VPCPeeringConnection"]}}
    app = {"resource_statement": {"resources": [net.id("app")]}}
    db = {"resource_statement": {"resources": [net.id("db")]}}
    cross = analyse(lab, [{"source": app, "destination": db, "through_resources": [pcx]}])
    assert ends(net, cross) == [("web-1/eni", "db-1/eni")]
    hops = [c.component.id for c in cross.findings[0].finding_components]
    assert net.id("app-db") in hops
    tgw = {"resource_statement": {"resource_types": ["AWS::EC2::TransitGatewayAttachment"]}}
    assert (
        analyse(lab, [{"source": app, "destination": db, "through_resources": [tgw]}]).findings_found
        == "false"
    )
    excluded = analyse(lab, [{"source": app, "destination": db}], [{"through_resources": [pcx]}])
    assert excluded.findings_found == "false"


def test_egress_to_internet_gateways(lab, net):
    """Paths that end at an internet gateway: an interface with a route to it and an outbound rule
    (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/how-network-access-analyzer-works.html)."""
    tcp = {**ENI, "packet_header_statement": {"protocols": ["tcp"]}}
    assert ends(net, analyse(lab, [{"source": tcp, "destination": IGW}])) == [("web-1/eni", "app/igw")]


def test_analysis_is_a_snapshot(lab, net):
    """An analysis keeps the findings of the network it analysed (as AWS's analyses do)
    (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/how-network-access-analyzer-works.html)."""
    scope = lab.create_network_insights_access_scope(match_paths=[{"source": IGW, "destination": ENI}])
    first = lab.start_network_insights_access_scope_analysis(network_insights_access_scope_id=scope.id)
    rtb = net.id("app-public")
    lab.delete_route(route_table_id=rtb, destination_cidr_block="0.0.0.0/0")
    assert lab.world.get(first.id, NetworkInsightsAccessScopeAnalysis).findings_found == "true"
    again = lab.start_network_insights_access_scope_analysis(network_insights_access_scope_id=scope.id)
    assert again.findings_found == "true"  # ingress needs no route back out: the forward path only


def test_work_is_bounded(lab, net, monkeypatch):
    """vpclab stops after MAX_TRACES traces and says so (FindingsFound "unknown" when nothing was
    found by then: AWS's enum) (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkInsightsAccessScopeAnalysis.html)."""
    monkeypatch.setattr(engine, "MAX_TRACES", 0)
    analysis = analyse(lab, [{"source": IGW, "destination": ENI}])
    assert analysis.findings_found == "unknown" and "first 0 traces" in (analysis.warning_message or "")


def test_exclude_paths_leave_other_ports(lab, net):
    """ExcludePaths remove the paths they match, not the pair: with SSH also open, excluding the web
    port still finds the SSH path, on port 22
    (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/packet-header-statement.html)."""
    lab.authorize_security_group_ingress(
        group_id=net.id("web-sg"),
        ip_permissions=[
            {"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "ip_ranges": [{"cidr_ip": "0.0.0.0/0"}]}
        ],
    )
    web_ports = {"destination": {"packet_header_statement": {"destination_ports": ["443"]}}}
    analysis = analyse(lab, [{"source": IGW, "destination": ENI}], [web_ports])
    assert ends(net, analysis) == [("app/igw", "web-1/eni")]
    [last] = [c for c in analysis.findings[0].finding_components if c.inbound_header is not None][-1:]
    assert last.inbound_header.destination_port_ranges[0].from_ == 22


def test_findings_are_bounded(lab, net, monkeypatch):
    """vpclab keeps at most MAX_FINDINGS findings and says so in WarningMessage (AWS returns "a
    diverse, representative set of findings")
    (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/how-network-access-analyzer-works.html)."""
    monkeypatch.setattr(engine, "MAX_FINDINGS", 1)
    analysis = analyse(lab, [{"source": ENI}])
    assert len(analysis.findings) == 1 and analysis.findings_found == "true"
    assert "first 1 findings" in (analysis.warning_message or "")


def test_source_addresses_pick_the_internet_host(lab, net):
    """AWS: with SourceAddresses "only packets with matching source addresses are admitted": a path
    from the internet gateway starts at an address of the range given
    (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/packet-header-statement.html)."""
    office = {**IGW, "packet_header_statement": {"source_addresses": ["203.0.113.0/24"]}}
    analysis = analyse(lab, [{"source": office, "destination": ENI}])
    first = analysis.findings[0].finding_components[0]
    assert first.outbound_header is not None and first.outbound_header.source_addresses == ("203.0.113.1/32",)
    private = {**ENI, "packet_header_statement": {"source_addresses": ["10.1.0.0/16"]}}
    assert (
        analyse(lab, [{"source": private, "destination": IGW}]).findings_found == "false"
    )  # web-1 is 10.0.1.10


def test_findings_name_load_balancers_and_gwlb_endpoints():
    """A finding through a Gateway Load Balancer endpoint lists the endpoint, the Gateway Load
    Balancer and its target group by their Elastic Load Balancing ARNs; a ThroughResources statement
    names a load balancer by ARN ("You must specify the following components by ARN: Classic,
    Application, Network, and Gateway Load Balancers (through only)") or by the
    AWS::ElasticLoadBalancingV2::LoadBalancer type
    (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/resource-statement.html). An
    unknown load balancer ARN is Elastic Load Balancing's LoadBalancerNotFound; a target group ARN is
    not a resource a statement can name."""
    from vpclab.model.load_balancer import LoadBalancer, TargetGroup

    inspected = load(EXAMPLE.parent / "ingress-inspection.yaml")
    [gwlb] = inspected.world.all(LoadBalancer)
    [tg] = inspected.world.all(TargetGroup)
    cp = ControlPlane(inspected.world, account_id=gwlb.owner_id, region=gwlb.region)
    by_arn = {"resource_statement": {"resources": [gwlb.arn]}}
    by_type = {"resource_statement": {"resource_types": ["AWS::ElasticLoadBalancingV2::LoadBalancer"]}}
    endpoint = {"resource_statement": {"resource_types": ["AWS::EC2::VPCEndpoint"]}}
    for through in (by_arn, by_type, endpoint):
        found = analyse(cp, [{"source": IGW, "destination": ENI, "through_resources": [through]}])
        assert found.findings_found == "true"
        parts = [
            (c.component.id, c.component.arn, c.component.name) for c in found.findings[0].finding_components
        ]
        ids = [p[0] for p in parts]
        assert ids[ids.index(gwlb.id) - 1].startswith("vpce-")
        assert (gwlb.id, gwlb.arn, gwlb.load_balancer_name) in parts
        assert (tg.id, tg.arn, tg.target_group_name) in parts
    missing = {"resource_statement": {"resources": [gwlb.arn.replace(gwlb.arn[-6:], "000000")]}}
    with unchanged(cp.world), raises_aws("LoadBalancerNotFound"):
        cp.create_network_insights_access_scope(match_paths=[{"source": IGW, "through_resources": [missing]}])
    group = {"resource_statement": {"resources": [tg.arn]}}
    with unchanged(cp.world), raises_aws("InvalidParameterValue") as info:
        cp.create_network_insights_access_scope(match_paths=[{"source": IGW, "through_resources": [group]}])
    assert "is not a supported resource type" in info.value.message
    with unchanged(cp.world), raises_aws("InvalidParameterValue") as info:
        cp.create_network_insights_access_scope(match_paths=[{"source": by_arn}])
    assert "cannot be used as a source resource" in info.value.message
