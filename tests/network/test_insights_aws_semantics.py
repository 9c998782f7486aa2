"""The Reachability Analyzer API answers as AWS's analyser does (issue 11 point 1), while vpclab's
stricter verdict stays in its own fields.

AWS's analyser covers only the forward direction of a TCP path through a transit gateway route
table ("How Reachability Analyzer works", Considerations:
https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html; the
additional detail code UNIDIRECTIONAL_PATH_ANALYSIS_ONLY:
https://docs.aws.amazon.com/vpc/latest/reachability/additional-detail-codes.html).
"""

from __future__ import annotations

import boto3

import vpclab
from vpclab.model.insights import NetworkInsightsAnalysis

NETWORK = """\
account: 111111111111
region: us-east-1
vpcs:
  a:
    cidr: 10.0.0.0/16
    subnets: {a-app: {cidr: 10.0.1.0/24, az: us-east-1a}}
    route_tables:
      a-rt: {subnets: [a-app], routes: {10.1.0.0/16: "tgw:hub"}}
    security_groups:
      a-sg: {description: a, ingress: [{protocol: tcp, port: 22, cidr: 10.0.0.0/8}]}
    instances:
      a-1: {subnet: a-app, groups: [a-sg], private_ip: 10.0.1.10}
  b:
    cidr: 10.1.0.0/16
    subnets: {b-app: {cidr: 10.1.1.0/24, az: us-east-1a}}
    route_tables:
      b-rt: {subnets: [b-app], routes: {RETURN}}
    security_groups:
      b-sg: {description: b, ingress: [{protocol: tcp, port: 22, cidr: 10.0.0.0/8}]}
    instances:
      b-1: {subnet: b-app, groups: [b-sg], private_ip: 10.1.1.10}
transit_gateways:
  hub:
    attachments:
      hub-a: {vpc: a, subnets: [a-app]}
      hub-b: {vpc: b, subnets: [b-app]}
"""


def analyse(return_route: bool, protocol: str = "tcp") -> tuple[dict, NetworkInsightsAnalysis]:
    """(the API's answer, the stored analysis with vpclab's fields) for a-1 → b-1 port 22."""
    network = NETWORK.replace("{RETURN}", '{10.0.0.0/16: "tgw:hub"}' if return_route else "{}")
    world = vpclab.loads(network).world
    with vpclab.mock_aws(world) as lab:
        ec2 = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="111111111111",
                           aws_secret_access_key="lab")
        ids = {}
        for name in ("a-1", "b-1"):
            [res] = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": [name]}])["Reservations"]
            ids[name] = res["Instances"][0]["InstanceId"]
        path = ec2.create_network_insights_path(Source=ids["a-1"], Destination=ids["b-1"], Protocol=protocol,
                                                DestinationPort=22)["NetworkInsightsPath"]
        nia = ec2.start_network_insights_analysis(NetworkInsightsPathId=path["NetworkInsightsPathId"])
        answer = nia["NetworkInsightsAnalysis"]
        stored = lab.world.get(answer["NetworkInsightsAnalysisId"], NetworkInsightsAnalysis)
        assert stored is not None
        return answer, stored


def details(answer: dict) -> list[tuple[str, list[str]]]:
    return [
        (c["Component"]["Id"].rsplit("-", 1)[0], [d["AdditionalDetailType"] for d in c["AdditionalDetails"]])
        for c in answer.get("ForwardPathComponents", [])
        if c.get("AdditionalDetails")
    ]


def test_a_missing_return_route_across_a_transit_gateway_is_reachable_to_aws_but_not_to_vpclab() -> None:
    answer, stored = analyse(return_route=False)
    assert answer["NetworkPathFound"] is True  # AWS analyses the forward path only
    assert "ReturnPathComponents" not in answer and "Explanations" not in answer
    assert details(answer) == [("tgw-rtb", ["UNIDIRECTIONAL_PATH_ANALYSIS_ONLY"])]
    assert stored.disposition != "reachable"  # vpclab's own verdict: the reply has no route back
    assert [(f.code, f.direction) for f in stored.findings] == [("NO_ROUTE_TO_DESTINATION", "return")]


def test_with_the_return_route_both_agree() -> None:
    answer, stored = analyse(return_route=True)
    assert answer["NetworkPathFound"] is True and stored.disposition == "reachable"
    assert details(answer) == [("tgw-rtb", ["UNIDIRECTIONAL_PATH_ANALYSIS_ONLY"])]
    assert "ReturnPathComponents" not in answer


def test_other_protocols_keep_both_directions() -> None:
    """The consideration is about TCP; a UDP path's return is analysed, as before."""
    answer, stored = analyse(return_route=False, protocol="udp")
    assert answer["NetworkPathFound"] is False
    codes = [e["ExplanationCode"] for e in answer["Explanations"]]
    assert "NO_ROUTE_TO_DESTINATION" in codes  # the return route, besides the groups' TCP-only rules
    assert details(answer) == []
    assert stored.disposition != "reachable"


def test_a_path_to_an_interface_endpoint_lists_the_endpoint_itself() -> None:
    """AWS lists a VPC endpoint among a path's components ("How Reachability Analyzer works",
    Path components: https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html);
    vpclab lists it right after its network interface."""
    with vpclab.mock_aws(load="examples/privatelink-cross-account.yaml") as lab:
        ec2 = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="222222222222",
                           aws_secret_access_key="lab")
        shop_web = lab.network.id("shop-web")
        endpoint = lab.network.id("billing-endpoint")
        [vpce] = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint])["VpcEndpoints"]
        eni = sorted(vpce["NetworkInterfaceIds"])[0]
        path = ec2.create_network_insights_path(Source=shop_web, Destination=eni, Protocol="tcp",
                                                DestinationPort=443)["NetworkInsightsPath"]
        answer = ec2.start_network_insights_analysis(
            NetworkInsightsPathId=path["NetworkInsightsPathId"])["NetworkInsightsAnalysis"]
    ids = [c["Component"]["Id"] for c in answer["ForwardPathComponents"]]
    assert endpoint in ids and ids[ids.index(endpoint) - 1] == eni
    assert [c["SequenceNumber"] for c in answer["ForwardPathComponents"]] == list(range(1, len(ids) + 1))


def _analysis(example: str, source: str, destination: str, port: int) -> tuple:
    net = vpclab.load(f"examples/{example}.yaml")
    src = net.ids.get(source, source)
    res = next(r for r in net.world.resources() if r.id == src)
    cp = vpclab.ControlPlane(net.world, account_id=res.owner_id, region=res.region)
    path = cp.create_network_insights_path(source=src, destination=net.ids.get(destination, destination),
                                           protocol="tcp", destination_port=port)
    return net, cp.start_network_insights_analysis(network_insights_path_id=path.id)


def test_a_gateway_endpoint_as_the_destination_without_an_address() -> None:
    """A gateway endpoint is a destination AWS's analyser accepts ("How Reachability Analyzer
    works", Source and destination resources:
    https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html); vpclab
    analyses the addresses it serves (its service's prefix list) and the components say which."""
    net, analysis = _analysis("s3-gateway-endpoint", "worker-1", "s3-endpoint", 443)
    assert analysis.status == "succeeded" and analysis.network_path_found is True
    ids = [c.component.id for c in analysis.forward_path_components]
    assert net.ids["s3-endpoint"] in ids
    last = analysis.forward_path_components[-1]
    assert last.inbound_header is not None and last.inbound_header.destination_addresses


def test_a_vpn_attachment_as_the_destination_analyses_the_on_premises_networks() -> None:
    """A transit gateway attachment is a destination AWS's analyser accepts (same page); a VPN
    attachment carries the networks behind its customer gateway."""
    net = vpclab.load("examples/vpn-tgw.yaml")
    cp = vpclab.ControlPlane(net.world)
    eni = cp.create_network_interface(subnet_id=net.ids["web-a"])
    path = cp.create_network_insights_path(source=eni.id, destination=net.ids["dc-vpn/attachment"],
                                           protocol="tcp", destination_port=22)
    analysis = cp.start_network_insights_analysis(network_insights_path_id=path.id)
    assert analysis.status == "succeeded", analysis.status_message
    ids = [c.component.id for c in analysis.forward_path_components]
    assert net.ids["dc-vpn/attachment"] in ids
