"""Reachability Analyzer through boto3 (``vpclab.mock_aws()``, the same code ``vpclab serve`` runs):
transit gateways and their attachments as ends named without an address.

AWS: "How Reachability Analyzer works" (Source and destination resources; Considerations)
https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3

import vpclab

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _analyse(ec2: Any, src: str, dst: str, protocol: str, port: int) -> dict[str, Any]:
    path = ec2.create_network_insights_path(
        Source=src, Destination=dst, Protocol=protocol, DestinationPort=port
    )["NetworkInsightsPath"]
    assert path["Source"] == src and path["Destination"] == dst and "DestinationIp" not in path
    started = ec2.start_network_insights_analysis(NetworkInsightsPathId=path["NetworkInsightsPathId"])
    return dict(started["NetworkInsightsAnalysis"])


def _ids(components: list[dict[str, Any]]) -> list[str]:
    return [c["Component"]["Id"] for c in components]


def test_transit_gateway_ends_through_boto3() -> None:
    """A transit gateway as destination ends AWS's path at the gateway (TCP: forward only, the
    detail on the gateway since only the way back meets a route table); an isolated VPC's attachment
    is not reachable (TGW_RTB_CANNOT_ROUTE); a gateway as source starts the path at the gateway."""
    with vpclab.mock_aws(load=EXAMPLES / "tgw-isolated-vpcs.yaml") as lab:
        net = lab.network
        host = net.world.get(net.id("vpc-a-host"))
        assert host is not None
        ec2 = boto3.client(
            "ec2", region_name=host.region, aws_access_key_id=host.owner_id, aws_secret_access_key="lab"
        )
        to_tgw = _analyse(ec2, host.id, net.id("hub"), "tcp", 22)
        assert (to_tgw["Status"], to_tgw["NetworkPathFound"]) == ("succeeded", True)
        last = to_tgw["ForwardPathComponents"][-1]
        assert last["Component"]["Id"] == net.id("hub")
        assert [d["AdditionalDetailType"] for d in last["AdditionalDetails"]] == [
            "UNIDIRECTIONAL_PATH_ANALYSIS_ONLY"
        ]
        assert "ReturnPathComponents" not in to_tgw
        to_b = _analyse(ec2, host.id, net.id("hub-vpc-b"), "tcp", 22)
        assert (to_b["Status"], to_b["NetworkPathFound"]) == ("succeeded", False)
        assert [e["ExplanationCode"] for e in to_b["Explanations"]] == ["TGW_RTB_CANNOT_ROUTE"]
        from_tgw = _analyse(ec2, net.id("hub"), net.id("vpc-b-host"), "udp", 53)
        assert _ids(from_tgw["ForwardPathComponents"])[0] == net.id("hub")
        assert not from_tgw["NetworkPathFound"]


def test_peering_attachment_as_destination_through_boto3() -> None:
    """A transit gateway peering attachment as destination: the path crosses the near gateway's
    route table and ends at the attachment."""
    with vpclab.mock_aws(load=EXAMPLES / "tgw-inter-region-peering.yaml") as lab:
        net = lab.network
        host = net.world.get(net.id("east-host"))
        assert host is not None
        ec2 = boto3.client(
            "ec2", region_name=host.region, aws_access_key_id=host.owner_id, aws_secret_access_key="lab"
        )
        a = _analyse(ec2, host.id, net.id("east-west"), "tcp", 443)
        assert (a["Status"], a["NetworkPathFound"]) == ("succeeded", True)
        assert _ids(a["ForwardPathComponents"])[-3:] == [
            net.id("east"),
            net.id("east-rt"),
            net.id("east-west"),
        ]
