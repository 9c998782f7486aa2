"""``vpclab.mock_aws()`` (issue 11 point 6): boto3 answered in-process, with the same rules, errors,
accounts and Regions as ``vpclab serve`` — shown by one suite of scenarios, written against plain
boto3 clients (no endpoint URL), run both ways and compared answer by answer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

import vpclab
from tests.api.conftest import Server, start_server, stop_server
from vpclab.model.vpc import Vpc

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"


def client(service: str, account: str = ACCOUNT_A, region: str = "us-east-1") -> Any:
    """What a user's test writes: no endpoint URL (the environment or the mock decides)."""
    return boto3.client(service, region_name=region, aws_access_key_id=account, aws_secret_access_key="x")


def error(call: Callable[[], Any]) -> tuple[str, str]:
    try:
        call()
    except ClientError as exc:
        return exc.response["Error"]["Code"], exc.response["Error"]["Message"]
    raise AssertionError("the call succeeded")


# -- the suite: each scenario returns what it saw ------------------------------------------------------
def peering_across_accounts() -> list[Any]:
    a, b = client("ec2"), client("ec2", ACCOUNT_B)
    va = a.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    vb = b.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    pcx = a.create_vpc_peering_connection(VpcId=va, PeerVpcId=vb, PeerOwnerId=ACCOUNT_B)[
        "VpcPeeringConnection"
    ]
    seen: list[Any] = [pcx["Status"]["Code"]]
    seen.append(
        error(lambda: a.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"]))
    )
    b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"])
    got = a.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx["VpcPeeringConnectionId"]])
    seen.append(got["VpcPeeringConnections"][0]["Status"]["Code"])
    overlapping = b.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    pcx2 = a.create_vpc_peering_connection(VpcId=va, PeerVpcId=overlapping, PeerOwnerId=ACCOUNT_B)
    seen.append(pcx2["VpcPeeringConnection"]["Status"]["Code"])
    return seen


def rules_and_errors() -> list[Any]:
    ec2 = client("ec2", region="eu-west-1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    seen: list[Any] = [
        error(lambda: ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.0.0/24")),
        error(lambda: ec2.create_vpc(CidrBlock="10.0.0.0/29")),
        error(lambda: ec2.describe_vpcs(VpcIds=["vpc-0123456789abcdef0"])),
    ]
    sg = ec2.create_security_group(VpcId=vpc, GroupName="web", Description="web")["GroupId"]
    rule = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=rule)
    seen.append(error(lambda: ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=rule)))
    seen.append(sorted(v["CidrBlock"] for v in ec2.describe_vpcs()["Vpcs"]))  # with the default VPC
    return seen


def transit_gateway_and_analysis() -> list[Any]:
    ec2 = client("ec2")
    vpcs, subnets = [], []
    for i in range(2):
        vpc = ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{i}.1.0/24", AvailabilityZone="us-east-1a")
        vpcs.append(vpc)
        subnets.append(subnet["Subnet"]["SubnetId"])
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    for vpc, subnet in zip(vpcs, subnets, strict=True):
        ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet])
    for i, vpc in enumerate(vpcs):
        main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]
        ec2.create_route(
            RouteTableId=main["RouteTableId"], DestinationCidrBlock=f"10.{1 - i}.0.0/16", TransitGatewayId=tgw
        )
    enis = [
        ec2.create_network_interface(SubnetId=s)["NetworkInterface"]["NetworkInterfaceId"] for s in subnets
    ]
    default_sg = ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpcs[1]]}, {"Name": "group-name", "Values": ["default"]}]
    )
    ec2.authorize_security_group_ingress(
        GroupId=default_sg["SecurityGroups"][0]["GroupId"],
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}
        ],
    )
    path = ec2.create_network_insights_path(
        Source=enis[0], Destination=enis[1], Protocol="tcp", DestinationPort=22
    )["NetworkInsightsPath"]["NetworkInsightsPathId"]
    analysis = ec2.start_network_insights_analysis(NetworkInsightsPathId=path)["NetworkInsightsAnalysis"]
    done = ec2.describe_network_insights_analyses(
        NetworkInsightsAnalysisIds=[analysis["NetworkInsightsAnalysisId"]]
    )["NetworkInsightsAnalyses"][0]
    hops = [c["Component"]["Id"].split("-")[0] for c in done.get("ForwardPathComponents", [])]
    codes = sorted({e["ExplanationCode"] for e in done.get("Explanations", [])})
    return [done["Status"], done["NetworkPathFound"], hops, codes]


def ram_share_and_sts() -> list[Any]:
    ram, ec2 = client("ram"), client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]
    share = ram.create_resource_share(
        name="subnets", resourceArns=[subnet["SubnetArn"]], principals=[ACCOUNT_B]
    )["resourceShare"]
    seen: list[Any] = [share["status"], share["allowExternalPrincipals"]]
    seen.append(client("sts", ACCOUNT_B).get_caller_identity()["Account"])
    seen.append(error(lambda: client("s3").list_buckets())[0])
    return seen


SCENARIOS = [peering_across_accounts, rules_and_errors, transit_gateway_and_analysis, ram_share_and_sts]

_ID = re.compile(r"\b([a-z]+(?:-[a-z]+)?)-[0-9a-f]{8,17}\b")


def normalised(value: Any) -> str:
    """``value``'s repr with every resource id replaced by its kind and order of appearance."""
    text, names = repr(value), {}

    def name(m: re.Match[str]) -> str:
        return names.setdefault(m.group(0), f"{m.group(1)}-#{len(names) + 1}")

    return _ID.sub(name, text)


@contextmanager
def pointed_at(server: Server) -> Iterator[None]:
    """boto3 clients created meanwhile talk to ``server`` (AWS_ENDPOINT_URL, botocore ≥ 1.31)."""
    saved = os.environ.get("AWS_ENDPOINT_URL")
    os.environ["AWS_ENDPOINT_URL"] = server.url
    try:
        yield
    finally:
        if saved is None:
            del os.environ["AWS_ENDPOINT_URL"]
        else:
            os.environ["AWS_ENDPOINT_URL"] = saved


@pytest.fixture(scope="module")
def served() -> Iterator[Server]:
    srv = start_server()
    yield srv
    stop_server(srv)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_the_same_answers_in_process_and_served(scenario: Callable[[], list[Any]], served: Server) -> None:
    with vpclab.mock_aws() as lab:
        in_process = scenario()
        assert lab.requests > 0
    served.admin("reset", "POST")
    with pointed_at(served):
        over_http = scenario()
    assert normalised(in_process) == normalised(over_http)


def test_the_scenarios_see_what_aws_answers() -> None:
    """The suite's own expectations (in-process): AWS's codes, and a peering that needs the
    accepter's account (https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html)."""
    with vpclab.mock_aws():
        peering = peering_across_accounts()
        rules = rules_and_errors()
        transit = transit_gateway_and_analysis()
        shared = ram_share_and_sts()
    assert peering[0] == "pending-acceptance" and peering[2] == "active"
    assert peering[1][0] == "OperationNotPermitted"
    assert peering[3] == "failed"  # overlapping CIDRs
    assert [code for code, _ in rules[:4]] == [
        "InvalidSubnet.Range",
        "InvalidVpc.Range",
        "InvalidVpcID.NotFound",
        "InvalidPermission.Duplicate",
    ]
    assert rules[4] == ["10.0.0.0/16", "172.31.0.0/16"]
    assert transit[:2] == ["succeeded", True] and "tgw" in transit[2]
    assert shared[:3] == ["ACTIVE", True, ACCOUNT_B] and shared[3] == "InvalidAction"


def test_a_fresh_world_per_mock_and_the_environment_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    with vpclab.mock_aws() as first:
        ec2 = boto3.client("ec2")  # the mock's credentials and Region
        ec2.create_vpc(CidrBlock="10.9.0.0/16")
        assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
        assert boto3.client("sts").get_caller_identity()["Account"] == "123456789012"
        assert len(list(first.world.all(Vpc))) == 2  # with the default VPC
    assert "AWS_DEFAULT_REGION" not in os.environ
    with vpclab.mock_aws(default_vpc=False):
        assert boto3.client("ec2").describe_vpcs()["Vpcs"] == []


def test_a_yaml_topology_and_the_python_api_meet_the_same_world() -> None:
    with vpclab.mock_aws(load="examples/two-peered-vpcs.yaml") as lab:
        names = {
            t["Value"]
            for v in client("ec2", "111111111111").describe_vpcs()["Vpcs"]
            for t in v.get("Tags", [])
            if t["Key"] == "Name"
        }
        assert names == {"app", "db"} == {v.tags.get("Name") for v in lab.world.all(Vpc)}
        assert lab.network.world is lab.world
        app = lab.network.id("app")
        assert {v["VpcId"] for v in client("ec2", "111111111111").describe_vpcs()["Vpcs"]} >= {app}
        before = lab.network.trace("web-1", "db-1", port=5432)
        client("ec2", "111111111111").delete_vpc_peering_connection(
            VpcPeeringConnectionId=lab.network.id("app-db")
        )
        after = lab.network.trace("web-1", "db-1", port=5432)  # the Python API sees boto3's change
        assert before.reachable and not after.reachable


@vpclab.mock_aws()
def decorated() -> int:
    return len(boto3.client("ec2", region_name="us-east-1").describe_vpcs()["Vpcs"])


def test_the_decorator_gives_each_call_a_fresh_world() -> None:
    assert decorated() == 1  # the default VPC
    assert decorated() == 1


def test_the_pytest_fixture(vpclab_aws: vpclab.MockAws) -> None:
    ec2 = client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert vpclab_aws.world.get(vpc) is not None


@pytest.mark.vpclab_aws(default_vpc=False)
def test_the_fixture_takes_options(vpclab_aws: vpclab.MockAws) -> None:
    assert client("ec2").describe_vpcs()["Vpcs"] == []
