"""Path components as the Reachability Analyzer lists them: the documented example output of
describe-network-insights-analyses ("Getting started with Reachability Analyzer using the AWS CLI",
Example 2: Reachable, https://docs.aws.amazon.com/vpc/latest/reachability/getting-started-cli.html)."""

from __future__ import annotations

from typing import Any

import boto3

import vpclab
from vpclab.model.interfaces import NetworkInterface

from .test_insights_aws_semantics import NETWORK


def _analysis(**path: Any) -> tuple[vpclab.Network, dict[str, Any]]:
    net = vpclab.loads(
        NETWORK.replace("{RETURN}", '{10.0.0.0/16: "tgw:hub"}').replace("protocol: tcp", "protocol: udp")
    )
    with vpclab.mock_aws(net.world):
        ec2 = boto3.client(
            "ec2", region_name="us-east-1", aws_access_key_id="111111111111", aws_secret_access_key="lab"
        )
        nip = ec2.create_network_insights_path(
            Source=net.ids["a-1"], Destination=net.ids["b-1"], Protocol="udp", DestinationPort=22, **path
        )["NetworkInsightsPath"]
        answer = ec2.start_network_insights_analysis(NetworkInsightsPathId=nip["NetworkInsightsPathId"])
    return net, answer["NetworkInsightsAnalysis"]


def test_headers_write_addresses_as_cidrs_the_protocol_by_number_and_every_open_port() -> None:
    """The example's headers: "DestinationAddresses": ["10.0.4.120/32"], "Protocol": "6",
    "SourcePortRanges": [{"From": 0, "To": 65535}] for a path that names no source port ("By
    default, the analysis considers all combinations of IP addresses and ports",
    https://docs.aws.amazon.com/vpc/latest/reachability/getting-started.html)."""
    net, a = _analysis()
    assert a["NetworkPathFound"] is True
    first, last = a["ForwardPathComponents"][0], a["ForwardPathComponents"][-1]
    assert first["OutboundHeader"] == {
        "DestinationAddresses": ["10.1.1.10/32"],
        "DestinationPortRanges": [{"From": 22, "To": 22}],
        "Protocol": "17",
        "SourceAddresses": ["10.0.1.10/32"],
        "SourcePortRanges": [{"From": 0, "To": 65535}],
    }
    assert last["Component"]["Id"] == net.ids["b-1"] and last["InboundHeader"] == first["OutboundHeader"]
    # the return path starts at the destination with the ports swapped: every port back to the source
    back = a["ReturnPathComponents"][0]["OutboundHeader"]
    assert back["DestinationPortRanges"] == [{"From": 0, "To": 65535}]
    assert back["SourcePortRanges"] == [{"From": 22, "To": 22}]


def test_a_source_port_the_path_names_stays_one_port() -> None:
    """A source port range in FilterAtSource narrows the analysis to it
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_PathRequestFilter.html)."""
    _, a = _analysis(FilterAtSource={"SourcePortRange": {"FromPort": 5000, "ToPort": 5000}})
    assert a["ForwardPathComponents"][0]["OutboundHeader"]["SourcePortRanges"] == [{"From": 5000, "To": 5000}]


def test_a_network_interface_names_the_instance_it_is_attached_to() -> None:
    """The example lists the network interface with "AttachedTo": the instance, beside its Subnet and
    Vpc (https://docs.aws.amazon.com/vpc/latest/reachability/getting-started-cli.html)."""
    net, a = _analysis()
    enis = [c for c in a["ForwardPathComponents"] if c["Component"]["Id"].startswith("eni-")]
    assert [c["AttachedTo"]["Id"] for c in enis] == [net.ids["a-1"], net.ids["b-1"]]
    assert all("Subnet" in c and "Vpc" in c for c in enis)


def _kinds(components: list[dict[str, Any]]) -> list[str]:
    return [
        c["Component"]["Id"].rsplit("-", 1)[0] + ("*" if "SecurityGroupRule" in c else "") for c in components
    ]


def test_leaving_a_subnet_the_network_acl_comes_before_the_route_table() -> None:
    """AWS's example lists, leaving the instance's subnet, the security group, then the network ACL
    with its outbound rule, then the route table (getting-started-cli, Example 2:
    https://docs.aws.amazon.com/vpc/latest/reachability/getting-started-cli.html)."""
    _, a = _analysis()
    assert _kinds(a["ForwardPathComponents"])[:5] == ["i", "eni", "sg*", "acl", "rtb"]
    assert a["ForwardPathComponents"][3]["AclRule"]["Egress"] is True


def test_the_return_path_lists_the_security_groups_without_a_rule() -> None:
    """Security groups are stateful; AWS's example return path lists the instance's group with no
    SecurityGroupRule after its network interface
    (https://docs.aws.amazon.com/vpc/latest/reachability/getting-started-cli.html)."""
    net, a = _analysis()
    back = _kinds(a["ReturnPathComponents"])
    assert back[:4] == ["i", "eni", "sg", "acl"] and back[-3:] == ["sg", "eni", "i"]
    groups = [
        c["Component"]["Id"] for c in a["ReturnPathComponents"] if c["Component"]["Id"].startswith("sg-")
    ]
    assert groups == [net.ids["b-sg"], net.ids["a-sg"]]


INTERNET = """\
region: us-east-1
vpcs:
  app:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets: {web: {cidr: 10.0.1.0/24, public: true}}
    route_tables:
      rt: {subnets: [web], routes: {0.0.0.0/0: igw}}
    security_groups:
      sg: {description: ssh, ingress: [{protocol: tcp, port: 22, cidr: 0.0.0.0/0}]}
    instances:
      web-1: {subnet: web, groups: [sg], private_ip: 10.0.1.20}
"""


def test_an_internet_gateway_shows_the_translation_at_either_end() -> None:
    """AWS's example (internet gateway → instance, tcp 22): the gateway first, its InboundHeader to
    the instance's public address and its OutboundHeader to the private one; on the return path
    last, its InboundHeader from the private address and its OutboundHeader from the public one
    (https://docs.aws.amazon.com/vpc/latest/reachability/getting-started-cli.html)."""
    net = vpclab.loads(INTERNET)
    cp = vpclab.ControlPlane(net.world)
    eni = next(e for e in net.world.all(NetworkInterface) if e.private_ip_address == "10.0.1.20")
    assert eni.public_ip
    path = cp.create_network_insights_path(
        source=net.ids["app/igw"], destination=net.ids["web-1"], protocol="tcp", destination_port=22
    )
    analysis = cp.start_network_insights_analysis(network_insights_path_id=path.id)
    assert analysis.network_path_found is True
    first, last = analysis.forward_path_components[0], analysis.return_path_components[-1]
    assert first.component.id == last.component.id == net.ids["app/igw"]
    assert first.inbound_header and first.inbound_header.destination_addresses == (f"{eni.public_ip}/32",)
    assert first.outbound_header and first.outbound_header.destination_addresses == ("10.0.1.20/32",)
    assert last.inbound_header and last.inbound_header.source_addresses == ("10.0.1.20/32",)
    assert last.outbound_header and last.outbound_header.source_addresses == (f"{eni.public_ip}/32",)
