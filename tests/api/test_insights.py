"""Reachability Analyzer through boto3 against a live server: paths, analyses, AWS's shapes and errors.

The network is loaded with ``--load`` (three VPCs app ↔ db ↔ ops peered in a line, PostgreSQL
allowed into db and ops); ids come from loading the same YAML here (ids are deterministic).
AWS: "How Reachability Analyzer works"
(https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vpclab.topology import load

from .conftest import ACCOUNT_A, ACCOUNT_B, Server, client_error, start_server, stop_server

NETWORK = """\
account: 111111111111
region: us-east-1
vpcs:
  app:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      app-web: {cidr: 10.0.1.0/24, az: us-east-1a, public: true}
    route_tables:
      app-public:
        subnets: [app-web]
        routes: {0.0.0.0/0: igw, 10.1.0.0/16: "pcx:app-db", 10.2.0.0/16: "pcx:app-db"}
    security_groups:
      web-sg:
        description: web servers
        ingress: [{protocol: tcp, port: 443, cidr: 0.0.0.0/0}]
    instances:
      web-1: {subnet: app-web, groups: [web-sg], private_ip: 10.0.1.10}
  db:
    cidr: 10.1.0.0/16
    subnets:
      db-data: {cidr: 10.1.1.0/24, az: us-east-1a}
    route_tables:
      db-rt:
        subnets: [db-data]
        routes: {10.0.0.0/16: "pcx:app-db", 10.2.0.0/16: "pcx:db-ops"}
    security_groups:
      db-sg:
        description: PostgreSQL from the app VPC
        ingress: [{protocol: tcp, port: 5432, cidr: 10.0.0.0/16}]
    instances:
      db-1: {subnet: db-data, groups: [db-sg], private_ip: 10.1.1.10}
  ops:
    cidr: 10.2.0.0/16
    subnets:
      ops-data: {cidr: 10.2.1.0/24, az: us-east-1a}
    route_tables:
      ops-rt:
        subnets: [ops-data]
        routes: {10.1.0.0/16: "pcx:db-ops", 10.0.0.0/16: "pcx:db-ops"}
    security_groups:
      ops-sg:
        description: PostgreSQL from the private ranges
        ingress: [{protocol: tcp, port: 5432, cidr: 10.0.0.0/8}]
    instances:
      ops-1: {subnet: ops-data, groups: [ops-sg], private_ip: 10.2.1.10}
peerings:
  app-db: {requester: app, accepter: db}
  db-ops: {requester: db, accepter: ops}
"""


@pytest.fixture(scope="module")
def network_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("insights") / "net.yaml"
    path.write_text(NETWORK)
    return path


@pytest.fixture(scope="module")
def ids(network_file: Path) -> dict[str, str]:
    net = load(network_file)
    return {name: net.id(name) for name in ("web-1", "db-1", "ops-1", "app-db", "db-ops", "db-sg", "app")}


@pytest.fixture(scope="module")
def lab(network_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    state = str(tmp_path_factory.mktemp("state") / "lab.sqlite3")
    srv = start_server("--state", state, "--load", str(network_file))
    srv.state = state  # type: ignore[attr-defined]
    yield srv
    stop_server(srv)


@pytest.fixture
def ec2(lab: Server) -> Any:
    return lab.client(account=ACCOUNT_A)


def _analyse(ec2: Any, src: str, dst: str, port: int, **start: Any) -> dict[str, Any]:
    path = ec2.create_network_insights_path(Source=src, Destination=dst, Protocol="tcp", DestinationPort=port)
    path_id = path["NetworkInsightsPath"]["NetworkInsightsPathId"]
    started = ec2.start_network_insights_analysis(NetworkInsightsPathId=path_id, **start)
    analysis_id = started["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
    [analysis] = ec2.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[analysis_id])[
        "NetworkInsightsAnalyses"
    ]
    return dict(analysis)


def test_create_and_describe_path(ec2: Any, ids: dict[str, str]) -> None:
    """CreateNetworkInsightsPath answers a NetworkInsightsPath with ARNs for path, source, destination."""
    path = ec2.create_network_insights_path(
        Source=ids["web-1"],
        Destination=ids["db-1"],
        Protocol="tcp",
        DestinationPort=5432,
        TagSpecifications=[
            {"ResourceType": "network-insights-path", "Tags": [{"Key": "Name", "Value": "db"}]}
        ],
    )["NetworkInsightsPath"]
    pid = path["NetworkInsightsPathId"]
    assert pid.startswith("nip-")
    assert path["NetworkInsightsPathArn"] == f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:network-insights-path/{pid}"
    assert path["SourceArn"] == f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:instance/{ids['web-1']}"
    assert path["DestinationArn"] == f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:instance/{ids['db-1']}"
    assert (path["Protocol"], path["DestinationPort"], path["Tags"]) == (
        "tcp",
        5432,
        [{"Key": "Name", "Value": "db"}],
    )
    assert "CreatedDate" in path
    [same] = ec2.describe_network_insights_paths(NetworkInsightsPathIds=[pid])["NetworkInsightsPaths"]
    assert same == path
    by_filter = ec2.describe_network_insights_paths(
        Filters=[
            {"Name": "destination", "Values": [ids["db-1"]]},
            {"Name": "protocol", "Values": ["tcp"]},
            {"Name": "destination-port", "Values": ["5432"]},
            {"Name": "tag:Name", "Values": ["db"]},
        ]
    )["NetworkInsightsPaths"]
    assert [p["NetworkInsightsPathId"] for p in by_filter] == [pid]
    assert (
        ec2.describe_network_insights_paths(Filters=[{"Name": "source", "Values": [ids["db-1"]]}])[
            "NetworkInsightsPaths"
        ]
        == []
    )


def test_reachable_path_has_ordered_components(ec2: Any, ids: dict[str, str]) -> None:
    """web-1 → db-1 tcp/5432 over the peering: found, with AWS's PathComponents in order."""
    a = _analyse(ec2, ids["web-1"], ids["db-1"], 5432)
    assert a["Status"] == "succeeded" and a["NetworkPathFound"] is True
    assert "Explanations" not in a and "WarningMessage" not in a
    fwd = a["ForwardPathComponents"]
    assert [c["SequenceNumber"] for c in fwd] == list(range(1, len(fwd) + 1))
    kinds = [c["Component"]["Arn"].split(":")[5].split("/")[0] for c in fwd]
    assert kinds == [
        "instance",
        "network-interface",
        "security-group",
        "network-acl",  # leaving the subnet: its outbound ACL rule, then the route (AWS's example order)
        "route-table",
        "vpc-peering-connection",
        "network-acl",
        "security-group",
        "network-interface",
        "instance",
    ]
    assert fwd[0]["Component"] == {"Id": ids["web-1"], "Arn": fwd[0]["Component"]["Arn"], "Name": "web-1"}
    # AWS's getting-started example output: addresses in CIDR notation, the protocol by number, every
    # source port when the path names none
    assert fwd[0]["OutboundHeader"] == {
        "DestinationAddresses": ["10.1.1.10/32"],
        "DestinationPortRanges": [{"From": 5432, "To": 5432}],
        "Protocol": "6",
        "SourceAddresses": ["10.0.1.10/32"],
        "SourcePortRanges": [{"From": 0, "To": 65535}],
    }
    assert fwd[-1]["Component"]["Id"] == ids["db-1"] and fwd[-1]["InboundHeader"]["DestinationAddresses"] == [
        "10.1.1.10/32"
    ]
    assert fwd[-2]["AttachedTo"]["Id"] == ids["db-1"]  # the network interface's instance
    assert fwd[4]["RouteTableRoute"] == {
        "DestinationCidr": "10.1.0.0/16",
        "VpcPeeringConnectionId": ids["app-db"],
        "Origin": "CreateRoute",
        "State": "active",
    }
    assert fwd[3]["AclRule"] == {
        "Cidr": "0.0.0.0/0",
        "Egress": True,
        "Protocol": "all",
        "RuleAction": "allow",
        "RuleNumber": 100,
    }
    assert fwd[7]["SecurityGroupRule"] == {
        "Cidr": "10.0.0.0/16",
        "Direction": "ingress",
        "SecurityGroupId": ids["db-sg"],
        "PortRange": {"From": 5432, "To": 5432},
        "Protocol": "tcp",
    }
    assert (fwd[5]["SourceVpc"]["Name"], fwd[5]["DestinationVpc"]["Name"]) == ("app", "db")
    assert a["ReturnPathComponents"][0]["Component"]["Id"] == ids["db-1"]


def test_security_group_blocks(ec2: Any, ids: dict[str, str]) -> None:
    """tcp/22 into db-1: db-sg allows only 5432 → ENI_SG_RULES_MISMATCH, ingress, naming the group
    (AWS: "Reachability Analyzer explanation codes",
    https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html)."""
    a = _analyse(ec2, ids["web-1"], ids["db-1"], 22)
    assert a["Status"] == "succeeded" and a["NetworkPathFound"] is False
    [e] = a["Explanations"]
    assert e["ExplanationCode"] == "ENI_SG_RULES_MISMATCH" and e["Direction"] == "ingress"
    assert [g["Id"] for g in e["SecurityGroups"]] == [ids["db-sg"]]
    assert e["PortRanges"] == [{"From": 22, "To": 22}] and e["Protocols"] == ["tcp"]
    assert e["NetworkInterface"]["Id"].startswith("eni-") and e["Vpc"]["Name"] == "db"
    # vpclab's fix rides in WarningMessage, one line per explanation
    assert a["WarningMessage"].startswith("vpclab suggested fixes")
    assert "1. ENI_SG_RULES_MISMATCH (forward, " in a["WarningMessage"] and "22" in a["WarningMessage"]


def test_peering_is_not_transitive(ec2: Any, ids: dict[str, str]) -> None:
    """web-1 → ops-1 through db (app↔db, db↔ops): dropped at the peering, PCX_REQUIRES_ADDRESS_IN_VPC_CIDR
    (AWS: "VPC peering limitations", https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html)."""
    a = _analyse(ec2, ids["web-1"], ids["ops-1"], 5432)
    assert a["NetworkPathFound"] is False
    [e] = a["Explanations"]
    assert e["ExplanationCode"] == "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"
    assert e["VpcPeeringConnection"]["Id"] == ids["app-db"] and e["Addresses"] == ["10.2.1.10"]
    assert "peering is not transitive" in a["WarningMessage"]


def test_filter_in_arns(ec2: Any, ids: dict[str, str]) -> None:
    """FilterInArns: "the resources that the path must traverse" (EC2 API reference,
    StartNetworkInsightsAnalysis): through app-db it is found, through db-ops it is not."""
    pcx = f"arn:aws:ec2:us-east-1:{ACCOUNT_A}:vpc-peering-connection/"
    through = _analyse(ec2, ids["web-1"], ids["db-1"], 5432, FilterInArns=[pcx + ids["app-db"]])
    assert through["NetworkPathFound"] is True and through["FilterInArns"] == [pcx + ids["app-db"]]
    avoided = _analyse(ec2, ids["web-1"], ids["db-1"], 5432, FilterInArns=[pcx + ids["db-ops"]])
    assert avoided["NetworkPathFound"] is False and "ForwardPathComponents" not in avoided
    assert [e["ExplanationCode"] for e in avoided["Explanations"]] == ["NO_PATH"]
    found = ec2.describe_network_insights_analyses(
        Filters=[{"Name": "path-found", "Values": ["true"]}, {"Name": "status", "Values": ["succeeded"]}]
    )["NetworkInsightsAnalyses"]
    assert through["NetworkInsightsAnalysisId"] in {x["NetworkInsightsAnalysisId"] for x in found}
    assert avoided["NetworkInsightsAnalysisId"] not in {x["NetworkInsightsAnalysisId"] for x in found}
    with client_error("InvalidParameterValue", "The ARN 'pcx-1' for parameter FilterInArns is not valid."):
        ec2.start_network_insights_analysis(
            NetworkInsightsPathId=through["NetworkInsightsPathId"], FilterInArns=["pcx-1"]
        )


def test_bad_input(ec2: Any, ids: dict[str, str]) -> None:
    """AWS's errors for a path: missing destination, unknown or unsupported resources, Region, ids."""
    with client_error(
        "MissingParameter",
        "The request must include either the Destination parameter or the "
        "FilterAtSource.DestinationAddress parameter. Add the required parameter and retry the request.",
    ):
        ec2.create_network_insights_path(Source=ids["web-1"], Protocol="tcp", DestinationIp="10.1.1.10")
    with client_error("InvalidInstanceID.NotFound", "The instance ID 'i-0123456789abcdef0' does not exist"):
        ec2.create_network_insights_path(
            Source="i-0123456789abcdef0", Destination=ids["db-1"], Protocol="tcp"
        )
    with client_error("InvalidParameterValue"):
        ec2.create_network_insights_path(Source=ids["app"], Destination=ids["db-1"], Protocol="tcp")
    other_region = f"arn:aws:ec2:eu-west-1:{ACCOUNT_A}:instance/{ids['web-1']}"
    with client_error(
        "InvalidParameterValue",
        f"The resource {other_region} for parameter Source is not in Region us-east-1.",
    ):
        ec2.create_network_insights_path(Source=other_region, Destination=ids["db-1"], Protocol="tcp")
    with client_error("InvalidParameterValue"):
        ec2.create_network_insights_path(Source=ids["web-1"], Destination=ids["db-1"], Protocol="icmp")
    with client_error(
        "InvalidNetworkInsightsPathId.NotFound",
        "The network insights path ID 'nip-0123456789abcdef0' does not exist",
    ):
        ec2.start_network_insights_analysis(NetworkInsightsPathId="nip-0123456789abcdef0")
    with client_error(
        "InvalidNetworkInsightsAnalysisId.NotFound",
        "The network insights analysis ID 'nia-0123456789abcdef0' does not exist",
    ):
        ec2.describe_network_insights_analyses(NetworkInsightsAnalysisIds=["nia-0123456789abcdef0"])
    with client_error("InvalidParameterValue", "The filter 'nope' is invalid"):
        ec2.describe_network_insights_paths(Filters=[{"Name": "nope", "Values": ["x"]}])


def test_other_accounts_see_nothing(lab: Server, ec2: Any, ids: dict[str, str]) -> None:
    """A path and its analyses belong to the account that made them."""
    a = _analyse(ec2, ids["web-1"], ids["db-1"], 5432)
    other = lab.client(account=ACCOUNT_B)
    with client_error("InvalidNetworkInsightsPathId.NotFound"):
        other.describe_network_insights_paths(NetworkInsightsPathIds=[a["NetworkInsightsPathId"]])
    with client_error("InvalidInstanceID.NotFound"):
        other.create_network_insights_path(Source=ids["web-1"], Destination=ids["db-1"], Protocol="tcp")


def test_delete_path_needs_its_analyses_gone(ec2: Any, ids: dict[str, str]) -> None:
    """DeleteNetworkInsightsPath refuses while analyses exist (AnalysisExistsForNetworkInsightsPath, the
    text real AWS responses carry); DeleteNetworkInsightsAnalysis first, then the path goes."""
    a = _analyse(ec2, ids["web-1"], ids["db-1"], 5432)
    pid, aid = a["NetworkInsightsPathId"], a["NetworkInsightsAnalysisId"]
    with client_error(
        "AnalysisExistsForNetworkInsightsPath",
        f"At least one analysis [{aid}] exists for path {pid}. "
        "Delete all the analyses before deleting this network path.",
    ):
        ec2.delete_network_insights_path(NetworkInsightsPathId=pid)
    listed = ec2.describe_network_insights_analyses(NetworkInsightsPathId=pid)["NetworkInsightsAnalyses"]
    assert [x["NetworkInsightsAnalysisId"] for x in listed] == [aid]
    assert (
        ec2.delete_network_insights_analysis(NetworkInsightsAnalysisId=aid)["NetworkInsightsAnalysisId"]
        == aid
    )
    assert ec2.delete_network_insights_path(NetworkInsightsPathId=pid)["NetworkInsightsPathId"] == pid
    with client_error("InvalidNetworkInsightsPathId.NotFound"):
        ec2.describe_network_insights_paths(NetworkInsightsPathIds=[pid])


def test_admin_route_has_the_whole_answer(lab: Server, ec2: Any, ids: dict[str, str]) -> None:
    """GET /_vpclab/analyses/<nia-id>: the AWS shape plus vpclab's findings with their fixes."""
    a = _analyse(ec2, ids["web-1"], ids["db-1"], 22)
    doc = lab.admin(f"analyses/{a['NetworkInsightsAnalysisId']}")
    assert doc["vpclab"]["disposition"] == "blocked"
    [finding] = doc["vpclab"]["findings"]
    assert finding["code"] == "ENI_SG_RULES_MISMATCH" and "tcp 22" in finding["fix"]
    assert doc["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"] == a["NetworkInsightsAnalysisId"]
    with pytest.raises(urllib.error.HTTPError) as info:
        lab.admin("analyses/nia-0123456789abcdef0")
    assert info.value.code == 404


def test_peering_connection_as_destination_without_an_address(
    lab: Server, ec2: Any, ids: dict[str, str]
) -> None:
    """A VPC peering connection as the destination, no DestinationIp ("How Reachability Analyzer
    works": peering connections are supported ends): the path ends at the connection, the return
    path starts there, and vpclab's admin route says which address of the peer VPC was analysed.
    A connection the source's traffic cannot use (no transitive peering) is not found."""
    a = _analyse(ec2, ids["web-1"], ids["app-db"], 5432)
    assert (a["Status"], a["NetworkPathFound"]) == ("succeeded", True)
    assert a["ForwardPathComponents"][-1]["Component"]["Id"] == ids["app-db"]
    assert a["ReturnPathComponents"][0]["Component"]["Id"] == ids["app-db"]
    doc = lab.admin(f"analyses/{a['NetworkInsightsAnalysisId']}")
    addresses = doc["vpclab"]["addresses"]
    assert addresses["source"] == "10.0.1.10" and addresses["destination"].startswith("10.1.1.")
    far = _analyse(ec2, ids["web-1"], ids["db-ops"], 5432)
    assert (far["Status"], far["NetworkPathFound"]) == ("succeeded", False)
    assert [e["ExplanationCode"] for e in far["Explanations"]] == ["PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]


def test_aws_cli_describe_analyses(lab: Server, ec2: Any, ids: dict[str, str]) -> None:
    """The aws CLI reads an analysis (AWS CLI reference: ec2 describe-network-insights-analyses)."""
    a = _analyse(ec2, ids["web-1"], ids["db-1"], 5432)
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": ACCOUNT_A,
        "AWS_SECRET_ACCESS_KEY": "lab",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "ec2",
            "--endpoint-url",
            lab.url,
            "--output",
            "json",
            "describe-network-insights-analyses",
            "--network-insights-analysis-ids",
            a["NetworkInsightsAnalysisId"],
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    [got] = json.loads(run.stdout)["NetworkInsightsAnalyses"]
    assert got["NetworkPathFound"] is True and len(got["ForwardPathComponents"]) == 10


def test_everything_survives_a_restart(lab: Server, network_file: Path, ids: dict[str, str]) -> None:
    """Paths and analyses are in the state file: a restarted server answers the same."""
    ec2 = lab.client(account=ACCOUNT_A)
    a = _analyse(ec2, ids["web-1"], ids["db-1"], 22)
    paths = ec2.describe_network_insights_paths()["NetworkInsightsPaths"]
    stop_server(lab)
    again = start_server("--state", lab.state, "--load", str(network_file))  # type: ignore[attr-defined]
    try:
        ec2 = again.client(account=ACCOUNT_A)
        assert ec2.describe_network_insights_paths()["NetworkInsightsPaths"] == paths
        [same] = ec2.describe_network_insights_analyses(
            NetworkInsightsAnalysisIds=[a["NetworkInsightsAnalysisId"]]
        )["NetworkInsightsAnalyses"]
        assert same == a
    finally:
        stop_server(again)
        lab.process = again.process  # the module fixture stops the live one (already stopped: harmless)
