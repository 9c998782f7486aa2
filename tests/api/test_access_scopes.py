"""Network Access Analyzer through boto3 and the aws CLI against a live server: scopes, analyses,
findings in AWS's shapes, client tokens and errors.

The network is examples/two-peered-vpcs.yaml, loaded with ``--load`` (ids are deterministic, so
loading the same file here gives the server's ids). AWS: Network Access Analyzer guide
(https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/) and the EC2 API reference.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vpclab.topology import load

from .conftest import ACCOUNT_A, ACCOUNT_B, Server, client_error, start_server, stop_server

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "two-peered-vpcs.yaml"
IGW = {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::InternetGateway"]}}
ENI = {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::NetworkInterface"]}}


@pytest.fixture(scope="module")
def ids() -> dict[str, str]:
    net = load(EXAMPLE)
    return {name: net.id(name) for name in ("web-1", "app", "db", "app-db", "app/igw", "web-sg")}


@pytest.fixture(scope="module")
def lab() -> Iterator[Server]:
    srv = start_server("--state", ":memory:", "--load", str(EXAMPLE))
    yield srv
    stop_server(srv)


@pytest.fixture
def ec2(lab: Server) -> Any:
    return lab.client(account=ACCOUNT_A)


def _scope(ec2: Any, match: list[Any], **more: Any) -> dict[str, Any]:
    answer: dict[str, Any] = ec2.create_network_insights_access_scope(MatchPaths=match, **more)
    return answer


def test_ingress_scope_findings(ec2: Any, ids: dict[str, str]) -> None:
    """AWS's "ingress from internet gateways to network interfaces" scope: one finding, web-1, its
    components numbered from 1 with the security group rule that admits it
    (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/how-network-access-analyzer-works.html)."""
    created = _scope(
        ec2,
        [{"Source": IGW, "Destination": ENI}],
        TagSpecifications=[
            {"ResourceType": "network-insights-access-scope", "Tags": [{"Key": "Name", "Value": "in"}]}
        ],
    )
    scope = created["NetworkInsightsAccessScope"]
    sid = scope["NetworkInsightsAccessScopeId"]
    assert sid.startswith("nis-")
    assert (
        scope["NetworkInsightsAccessScopeArn"]
        == f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:network-insights-access-scope/{sid}"
    )
    assert scope["Tags"] == [{"Key": "Name", "Value": "in"}]
    assert created["NetworkInsightsAccessScopeContent"] == {
        "NetworkInsightsAccessScopeId": sid,
        "MatchPaths": [{"Source": IGW, "Destination": ENI}],
    }
    content = ec2.get_network_insights_access_scope_content(NetworkInsightsAccessScopeId=sid)
    assert content["NetworkInsightsAccessScopeContent"] == created["NetworkInsightsAccessScopeContent"]
    started = ec2.start_network_insights_access_scope_analysis(NetworkInsightsAccessScopeId=sid)
    analysis = started["NetworkInsightsAccessScopeAnalysis"]
    aid = analysis["NetworkInsightsAccessScopeAnalysisId"]
    assert aid.startswith("nisa-") and analysis["NetworkInsightsAccessScopeId"] == sid
    assert (analysis["Status"], analysis["FindingsFound"], analysis["AnalyzedEniCount"]) == (
        "succeeded",
        "true",
        2,
    )
    findings = ec2.get_network_insights_access_scope_analysis_findings(
        NetworkInsightsAccessScopeAnalysisId=aid
    )
    assert findings["AnalysisStatus"] == "succeeded"
    [finding] = findings["AnalysisFindings"]
    assert (finding["NetworkInsightsAccessScopeAnalysisId"], finding["NetworkInsightsAccessScopeId"]) == (
        aid,
        sid,
    )
    components = finding["FindingComponents"]
    assert [c["SequenceNumber"] for c in components] == list(range(1, len(components) + 1))
    assert components[0]["Component"]["Id"] == ids["app/igw"]
    assert components[-1]["Component"]["Id"].startswith("eni-")
    [sg] = [c for c in components if "SecurityGroupRule" in c]
    assert sg["SecurityGroupRule"] == {
        "Cidr": "0.0.0.0/0",
        "Direction": "ingress",
        "SecurityGroupId": ids["web-sg"],
        "PortRange": {"From": 443, "To": 443},
        "Protocol": "tcp",
    }
    [described] = ec2.describe_network_insights_access_scope_analyses(NetworkInsightsAccessScopeId=sid)[
        "NetworkInsightsAccessScopeAnalyses"
    ]
    assert described == analysis
    [listed] = ec2.describe_network_insights_access_scopes(NetworkInsightsAccessScopeIds=[sid])[
        "NetworkInsightsAccessScopes"
    ]
    assert listed == scope


def test_findings_page_and_no_findings(ec2: Any, ids: dict[str, str]) -> None:
    """MaxResults/NextToken page the findings; a scope nothing matches answers FindingsFound "false"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetNetworkInsightsAccessScopeAnalysisFindings.html)."""
    everything = _scope(ec2, [{"Source": ENI}])["NetworkInsightsAccessScope"]["NetworkInsightsAccessScopeId"]
    aid = ec2.start_network_insights_access_scope_analysis(NetworkInsightsAccessScopeId=everything)[
        "NetworkInsightsAccessScopeAnalysis"
    ]["NetworkInsightsAccessScopeAnalysisId"]
    first = ec2.get_network_insights_access_scope_analysis_findings(
        NetworkInsightsAccessScopeAnalysisId=aid, MaxResults=1
    )
    assert len(first["AnalysisFindings"]) == 1 and "NextToken" in first
    rest = ec2.get_network_insights_access_scope_analysis_findings(
        NetworkInsightsAccessScopeAnalysisId=aid, NextToken=first["NextToken"]
    )
    seen = [f["FindingId"] for f in first["AnalysisFindings"] + rest["AnalysisFindings"]]
    assert len(seen) == len(set(seen)) > 1
    ssh = {**ENI, "PacketHeaderStatement": {"DestinationPorts": ["22"]}}
    quiet = _scope(ec2, [{"Source": IGW, "Destination": ssh}])["NetworkInsightsAccessScope"]
    analysis = ec2.start_network_insights_access_scope_analysis(
        NetworkInsightsAccessScopeId=quiet["NetworkInsightsAccessScopeId"]
    )["NetworkInsightsAccessScopeAnalysis"]
    assert analysis["FindingsFound"] == "false"
    none = ec2.get_network_insights_access_scope_analysis_findings(
        NetworkInsightsAccessScopeAnalysisId=analysis["NetworkInsightsAccessScopeAnalysisId"]
    )
    assert none.get("AnalysisFindings", []) == []


def test_client_token_and_errors(lab: Server, ec2: Any, ids: dict[str, str]) -> None:
    """ClientToken makes CreateNetworkInsightsAccessScope idempotent (IdempotentParameterMismatch for
    other parameters); bad statements answer AWS's 4xx codes; other accounts see nothing
    (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html)."""
    one = _scope(ec2, [{"Source": IGW}], ClientToken="naa-token-1")
    again = _scope(ec2, [{"Source": IGW}], ClientToken="naa-token-1")
    assert again["NetworkInsightsAccessScope"] == one["NetworkInsightsAccessScope"]
    with client_error("IdempotentParameterMismatch"):
        _scope(ec2, [{"Source": ENI}], ClientToken="naa-token-1")
    both = {
        "ResourceStatement": {"Resources": [ids["web-1"]], "ResourceTypes": ["AWS::EC2::NetworkInterface"]}
    }
    with client_error("InvalidParameterCombination"):
        _scope(ec2, [{"Source": both}])
    with client_error("InvalidParameterValue"):
        _scope(ec2, [{"Source": {"ResourceStatement": {"ResourceTypes": ["AWS::EC2::Nope"]}}}])
    with client_error("InvalidInternetGatewayID.NotFound"):
        _scope(ec2, [{"Source": {"ResourceStatement": {"Resources": ["igw-0123456789abcdef0"]}}}])
    sid = one["NetworkInsightsAccessScope"]["NetworkInsightsAccessScopeId"]
    other = lab.client(account=ACCOUNT_B)
    with client_error("InvalidNetworkInsightsAccessScopeId.NotFound"):
        other.get_network_insights_access_scope_content(NetworkInsightsAccessScopeId=sid)
    assert other.describe_network_insights_access_scopes()["NetworkInsightsAccessScopes"] == []
    aid = ec2.start_network_insights_access_scope_analysis(NetworkInsightsAccessScopeId=sid)[
        "NetworkInsightsAccessScopeAnalysis"
    ]["NetworkInsightsAccessScopeAnalysisId"]
    with client_error("DependencyViolation"):
        ec2.delete_network_insights_access_scope(NetworkInsightsAccessScopeId=sid)
    assert (
        ec2.delete_network_insights_access_scope_analysis(NetworkInsightsAccessScopeAnalysisId=aid)[
            "NetworkInsightsAccessScopeAnalysisId"
        ]
        == aid
    )
    assert (
        ec2.delete_network_insights_access_scope(NetworkInsightsAccessScopeId=sid)[
            "NetworkInsightsAccessScopeId"
        ]
        == sid
    )
    with client_error("InvalidNetworkInsightsAccessScopeAnalysisId.NotFound"):
        ec2.get_network_insights_access_scope_analysis_findings(NetworkInsightsAccessScopeAnalysisId=aid)


def _aws(server: Server, *args: str) -> dict[str, Any]:
    """One aws CLI command against ``server`` as account A, its JSON answer."""
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": ACCOUNT_A,
        "AWS_SECRET_ACCESS_KEY": "lab",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "awscli", "ec2", *args, "--endpoint-url", server.url, "--output", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    answer: dict[str, Any] = json.loads(proc.stdout) if proc.stdout.strip() else {}
    return answer


def test_aws_cli_egress_scope(lab: Server, ids: dict[str, str]) -> None:
    """AWS's CLI walk-through (create-network-insights-access-scope with --match-paths JSON,
    start-network-insights-access-scope-analysis, get-network-insights-access-scope-analysis-findings)
    over an egress scope: web-1 reaches its internet gateway over tcp
    (https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/getting-started-cli.html)."""
    match = [{"Source": {**ENI, "PacketHeaderStatement": {"Protocols": ["tcp"]}}, "Destination": IGW}]
    scope = _aws(lab, "create-network-insights-access-scope", "--match-paths", json.dumps(match))
    sid = scope["NetworkInsightsAccessScope"]["NetworkInsightsAccessScopeId"]
    analysis = _aws(
        lab, "start-network-insights-access-scope-analysis", "--network-insights-access-scope-id", sid
    )
    aid = analysis["NetworkInsightsAccessScopeAnalysis"]["NetworkInsightsAccessScopeAnalysisId"]
    assert analysis["NetworkInsightsAccessScopeAnalysis"]["FindingsFound"] == "true"
    found = _aws(
        lab,
        "get-network-insights-access-scope-analysis-findings",
        "--network-insights-access-scope-analysis-id",
        aid,
    )
    [finding] = found["AnalysisFindings"]
    assert finding["FindingComponents"][-1]["Component"]["Id"] == ids["app/igw"]
    # the protocol by number, as AWS writes packet headers
    assert finding["FindingComponents"][0]["OutboundHeader"]["Protocol"] == "6"
