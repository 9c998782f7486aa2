"""Reachability Analyzer (the EC2 network insights API) on the hybrid design of
examples/hybrid-dx-vpn.yaml, loaded into a live ``vpclab serve``: a path to on premises through the
Direct Connect gateway's transit gateway attachment, and vpclab's extension past it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vpclab.topology import load

from .conftest import Server, start_server, stop_server

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hybrid-dx-vpn.yaml"
ACCOUNT = "111111111111"


@pytest.fixture(scope="module")
def ids() -> dict[str, str]:
    net = load(EXAMPLE)
    return {n: net.id(n) for n in ("app-1", "corp-dx/attachment/hub", "dc-transit", "corp-dx", "branch-vpn")}


@pytest.fixture(scope="module")
def lab() -> Iterator[Server]:
    srv = start_server("--load", str(EXAMPLE))
    yield srv
    stop_server(srv)


def _analyse(ec2: Any, **path: Any) -> dict[str, Any]:
    nip = ec2.create_network_insights_path(Protocol="tcp", **path)["NetworkInsightsPath"]
    nia = ec2.start_network_insights_analysis(NetworkInsightsPathId=nip["NetworkInsightsPathId"])[
        "NetworkInsightsAnalysis"
    ]
    for _ in range(50):
        [got] = ec2.describe_network_insights_analyses(
            NetworkInsightsAnalysisIds=[nia["NetworkInsightsAnalysisId"]]
        )["NetworkInsightsAnalyses"]
        if got["Status"] != "running":
            return dict(got)
        time.sleep(0.1)
    raise AssertionError("the analysis did not finish")


def test_path_to_the_direct_connect_attachment(lab: Server, ids: dict[str, str]) -> None:
    """A path from an instance to the transit gateway attachment of the Direct Connect gateway, with
    an on-premises destination address (Reachability Analyzer's sources and destinations include
    transit gateway attachments; it analyses no further, "How Reachability Analyzer works",
    https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html): found,
    through the attachment; vpclab's components go on to the Direct Connect gateway and the virtual
    interface, each with its Direct Connect ARN."""
    ec2 = lab.client(account=ACCOUNT)
    got = _analyse(
        ec2,
        Source=ids["app-1"],
        Destination=ids["corp-dx/attachment/hub"],
        DestinationIp="172.16.0.10",
        DestinationPort=443,
    )
    assert got["Status"] == "succeeded" and got["NetworkPathFound"] is True
    components = [c["Component"] for c in got["ForwardPathComponents"]]
    seen = [c["Id"] for c in components]
    assert ids["corp-dx/attachment/hub"] in seen
    assert seen[-2:] == [ids["corp-dx"], ids["dc-transit"]]
    assert components[-1]["Arn"] == f"arn:aws:directconnect:us-east-1:{ACCOUNT}:dxvif/{ids['dc-transit']}"
    assert components[-2]["Arn"] == f"arn:aws:directconnect::{ACCOUNT}:dx-gateway/{ids['corp-dx']}"


def test_on_premises_source_behind_a_virtual_interface(lab: Server, ids: dict[str, str]) -> None:
    """vpclab's extension: a virtual interface as the source stands for the on-premises network it
    advertises (lab tag vpclab:on-premises-cidrs); the path enters over Direct Connect. AWS's
    analyser takes no Direct Connect resource as a source ("How Reachability Analyzer works",
    https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html)."""
    ec2 = lab.client(account=ACCOUNT)
    got = _analyse(ec2, Source=ids["dc-transit"], Destination=ids["app-1"], DestinationPort=443)
    assert got["NetworkPathFound"] is True
    first = got["ForwardPathComponents"][0]["Component"]
    assert first["Id"] == ids["dc-transit"]
    blocked = _analyse(ec2, Source=ids["dc-transit"], Destination=ids["app-1"], DestinationPort=22)
    assert blocked["NetworkPathFound"] is False
    assert [e["ExplanationCode"] for e in blocked["Explanations"]] == ["ENI_SG_RULES_MISMATCH"]


def test_path_to_the_attachment_without_an_address(lab: Server, ids: dict[str, str]) -> None:
    """A path that ends at the Direct Connect gateway's attachment without a DestinationIp: the
    networks its transit virtual interfaces advertise (as a VPN attachment stands for the networks
    behind its customer gateway; "How Reachability Analyzer works",
    https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html)."""
    ec2 = lab.client(account=ACCOUNT)
    got = _analyse(ec2, Source=ids["app-1"], Destination=ids["corp-dx/attachment/hub"], DestinationPort=443)
    assert got["Status"] == "succeeded" and got["NetworkPathFound"] is True
    assert got["ForwardPathComponents"][-1]["Component"]["Id"] == ids["dc-transit"]
