"""The Reachability Analyzer API fills the members of AWS's ``Explanation`` that name what a blocking
component belongs to or joins (API reference, Explanation:
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Explanation.html; the codes:
https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html)."""

from __future__ import annotations

from typing import Any

import boto3

import vpclab

from .test_insights_on_premises import TGW_STATIC

PEERED = """\
region: us-east-1
vpcs:
  app:
    cidr: 10.0.0.0/16
    subnets: {app-a: {cidr: 10.0.1.0/24, az: us-east-1a}}
    route_tables:
      app-rt: {subnets: [app-a], routes: {10.1.0.0/16: pcx:app-db}}
    instances:
      app-1: {subnet: app-a, private_ip: 10.0.1.10}
  db:
    cidr: 10.1.0.0/16
    subnets: {db-a: {cidr: 10.1.1.0/24, az: us-east-1a}}
    route_tables:
      db-rt: {subnets: [db-a], routes: {10.0.0.0/16: pcx:app-db}}
peerings:
  app-db: {requester: app, accepter: db}
"""


def _explanations(
    network: str, source: str, destination_ip: str
) -> tuple[vpclab.Network, list[dict[str, Any]]]:
    net = vpclab.loads(network)
    with vpclab.mock_aws(net.world):
        ec2 = boto3.client(
            "ec2", region_name="us-east-1", aws_access_key_id="123456789012", aws_secret_access_key="lab"
        )
        path = ec2.create_network_insights_path(
            Source=net.ids[source],
            Protocol="tcp",
            DestinationPort=22,
            FilterAtSource={"DestinationAddress": destination_ip},
        )["NetworkInsightsPath"]
        nia = ec2.start_network_insights_analysis(NetworkInsightsPathId=path["NetworkInsightsPathId"])
        answer = nia["NetworkInsightsAnalysis"]
    assert answer["NetworkPathFound"] is False
    return net, answer["Explanations"]


def test_a_blackhole_transit_gateway_route_names_the_gateway_and_the_route() -> None:
    """TGW_RTB_BAD_STATE_ROUTE ("This transit gateway route table has a route that is not in a
    functional state", https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html):
    the explanation carries the transit gateway, its route table, the route met
    (TransitGatewayRouteTableRoute) and its state (API_Explanation.html)."""
    network = TGW_STATIC.replace(
        "{10.200.0.0/16: tgw:hub}", "{10.200.0.0/16: tgw:hub, 10.99.0.0/16: tgw:hub}"
    )
    net, explanations = _explanations(network, "web-1", "10.99.0.10")
    [e] = [e for e in explanations if e["ExplanationCode"] == "TGW_RTB_BAD_STATE_ROUTE"]
    assert e["TransitGatewayRouteTable"]["Id"] == net.ids["hub-rt"]
    assert e["TransitGateway"]["Id"] == net.ids["hub"]
    assert e["TransitGatewayRouteTableRoute"]["DestinationCidr"] == "10.99.0.0/16"
    assert e["TransitGatewayRouteTableRoute"]["State"] == "blackhole"
    assert e["State"] == "blackhole"


def test_no_transit_gateway_route_names_the_gateway_and_the_address() -> None:
    """TGW_RTB_CANNOT_ROUTE (https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html):
    the route table, its transit gateway and the address no route covers (API_Explanation.html:
    TransitGateway, TransitGatewayRouteTable, Addresses)."""
    network = TGW_STATIC.replace(
        "{10.200.0.0/16: tgw:hub}", "{10.200.0.0/16: tgw:hub, 10.98.0.0/16: tgw:hub}"
    )
    net, explanations = _explanations(network, "web-1", "10.98.0.10")
    [e] = [e for e in explanations if e["ExplanationCode"] == "TGW_RTB_CANNOT_ROUTE"]
    assert e["TransitGateway"]["Id"] == net.ids["hub"]
    assert e["TransitGatewayRouteTable"]["Id"] == net.ids["hub-rt"]
    assert e["Addresses"] == ["10.98.0.10"]
    assert "TransitGatewayRouteTableRoute" not in e


def test_a_peering_connection_not_active_names_its_two_vpcs_and_its_state() -> None:
    """BAD_STATE ("This component is not in a functional state",
    https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html) on a peering
    connection given as the source (a resource type AWS's analyser accepts): its VPCs as SourceVpc
    and DestinationVpc and its state (API_Explanation.html)."""
    network = PEERED.replace("accepter: db}", "accepter: db, accept: false}")
    net, explanations = _explanations(network, "app-db", "10.1.1.10")
    [e] = [e for e in explanations if e.get("VpcPeeringConnection")]
    assert e["ExplanationCode"] == "BAD_STATE"
    assert e["SourceVpc"]["Id"] == net.ids["app"]
    assert e["DestinationVpc"]["Id"] == net.ids["db"]
    assert e["State"] == "pending-acceptance"


def test_a_route_to_a_peering_connection_not_active_is_a_blackhole_route() -> None:
    """BAD_STATE_ROUTE ("This route is not in a functional state",
    https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html): the route table,
    the route (RouteTableRoute) and the route's state (API_Explanation.html)."""
    network = PEERED.replace("accepter: db}", "accepter: db, accept: false}")
    net, explanations = _explanations(network, "app-1", "10.1.1.10")
    [e] = explanations
    assert e["ExplanationCode"] == "BAD_STATE_ROUTE"
    assert e["RouteTable"]["Id"] == net.ids["app-rt"]
    assert e["RouteTableRoute"]["VpcPeeringConnectionId"] == net.ids["app-db"]
    assert e["State"] == e["RouteTableRoute"]["State"] == "blackhole"
