"""Wire details real clients rely on (issue 11 point 4): the request id in a header on every
answer, and client-token idempotency.

AWS's SDKs read the request id from the ``x-amzn-RequestId`` header (the AWS SDK for JavaScript
v3's ``$metadata.requestId``); EC2 and the Query services also carry it in the body
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html, "Response": the
``requestId`` element). Idempotency: "Ensuring idempotency in Amazon EC2 API requests"
(https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html).
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import uuid
from urllib.parse import urlsplit

import pytest

from tests.api.conftest import ACCOUNT_A, ACCOUNT_B, Server, client_error
from tests.api.test_instances import _amazon_linux


def raw(
    server: Server, method: str, path: str, body: bytes, headers: dict[str, str]
) -> tuple[int, dict[str, str], str]:
    url = urlsplit(server.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode()
    finally:
        conn.close()


def signed(service: str, account: str = ACCOUNT_A) -> dict[str, str]:
    return {
        "Authorization": f"AWS4-HMAC-SHA256 Credential={account}/20261207/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host, Signature=0",
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
    }


def body_request_id(body: str) -> str:
    """The request id an answer's body carries (EC2 ``requestId``/``RequestID``, Query
    ``RequestId``), or the empty string for a JSON body."""
    m = re.search(r"<Request[Ii][Dd]>([^<]+)</Request[Ii][Dd]>|<requestId>([^<]+)</requestId>", body)
    return (m.group(1) or m.group(2)) if m else ""


CASES = [
    ("ec2 ok", "POST", "/", b"Action=DescribeVpcs&Version=2016-11-15", "ec2"),
    ("ec2 error", "POST", "/", b"Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-1", "ec2"),
    ("ec2 unknown action", "POST", "/", b"Action=Nope&Version=2016-11-15", "ec2"),
    ("sts", "POST", "/", b"Action=GetCallerIdentity&Version=2011-06-15", "sts"),
    ("elbv2", "POST", "/", b"Action=DescribeLoadBalancers&Version=2015-12-01", "elasticloadbalancing"),
    ("no such path", "POST", "/no/such/path", b"", "ec2"),
    ("wrong method", "DELETE", "/", b"", "ec2"),
]


@pytest.mark.parametrize(("name", "method", "path", "body", "service"), CASES, ids=[c[0] for c in CASES])
def test_every_answer_carries_its_request_id_in_a_header(
    server: Server, name: str, method: str, path: str, body: bytes, service: str
) -> None:
    status, headers, text = raw(server, method, path, body, signed(service))
    assert "x-amzn-requestid" in headers, (status, headers)
    assert uuid.UUID(headers["x-amzn-requestid"])
    assert body_request_id(text) == headers["x-amzn-requestid"], text


def test_rest_json_and_oversized_and_malformed_requests_carry_one_too(server: Server) -> None:
    status, headers, _ = raw(
        server,
        "POST",
        "/getresourceshares",
        json.dumps({"resourceOwner": "SELF"}).encode(),
        {**signed("ram"), "Content-Type": "application/json"},
    )
    assert status == 200 and uuid.UUID(headers["x-amzn-requestid"])
    for request, status_line in [
        # a body over the limit (announced, not sent: the answer comes before it is read)
        (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5242880\r\n\r\n", "HTTP/1.1 413"),
        # a request uvicorn cannot parse
        (b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n", "HTTP/1.1 400"),
    ]:
        head, rest = exchange(server, request)
        assert head.startswith(status_line), head
        [line] = [h for h in head.split("\r\n") if h.lower().startswith("x-amzn-requestid:")]
        assert body_request_id(rest) == line.split(":", 1)[1].strip()


def exchange(server: Server, request: bytes) -> tuple[str, str]:
    """(head, body) of the answer to raw bytes."""
    url = urlsplit(server.url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while b"</" not in answer.partition(b"\r\n\r\n")[2] or not answer.rstrip().endswith(b">"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, rest = answer.decode().partition("\r\n\r\n")
    return head, rest


def test_boto3_sees_the_header(server: Server) -> None:
    meta = server.client().describe_vpcs()["ResponseMetadata"]
    assert meta["HTTPHeaders"]["x-amzn-requestid"] == meta["RequestId"]


def test_run_instances_with_a_client_token_launches_once(server: Server) -> None:
    """The same token and parameters: the first answer again, no second instance; other
    parameters: IdempotentParameterMismatch; another Availability Zone alone is no mismatch (AWS:
    "other than the Region or Availability Zone"); tokens are per account and Region."""
    ec2 = server.client(account="300000000041")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"][
        "SubnetId"
    ]
    image = _amazon_linux(ec2)
    launch = {
        "ImageId": image,
        "InstanceType": "t3.micro",
        "MinCount": 1,
        "MaxCount": 1,
        "SubnetId": subnet,
        "ClientToken": "launch-web-1",
    }
    first = ec2.run_instances(**launch)
    again = ec2.run_instances(**launch)
    assert [i["InstanceId"] for i in first["Instances"]] == [i["InstanceId"] for i in again["Instances"]]
    assert again["ResponseMetadata"]["RequestId"] != first["ResponseMetadata"]["RequestId"]
    running = ec2.describe_instances(Filters=[{"Name": "subnet-id", "Values": [subnet]}])["Reservations"]
    assert sum(len(r["Instances"]) for r in running) == 1
    moved = ec2.run_instances(**launch, Placement={"AvailabilityZone": "us-east-1b"})
    assert moved["Instances"][0]["InstanceId"] == first["Instances"][0]["InstanceId"]
    with client_error("IdempotentParameterMismatch"):
        ec2.run_instances(**{**launch, "InstanceType": "t3.small"})
    with client_error("InvalidClientToken"):  # "The specified client token is not valid" (EC2 error codes)
        ec2.run_instances(**{**launch, "ClientToken": "x" * 65})
    other = server.client(account="300000000042")
    vpc_b = other.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet_b = other.create_subnet(VpcId=vpc_b, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    theirs = other.run_instances(**{**launch, "SubnetId": subnet_b})  # the same token, another account
    assert theirs["Instances"][0]["InstanceId"] != first["Instances"][0]["InstanceId"]


def test_a_failed_request_is_not_remembered(server: Server) -> None:
    ec2 = server.client(account="300000000043")
    with client_error("InvalidVpcID.NotFound"):
        ec2.create_route_table(VpcId="vpc-0123456789abcdef0", ClientToken="rt-1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.create_route_table(VpcId=vpc, ClientToken="rt-2")
    with client_error("IdempotentParameterMismatch"):  # the token names that success now
        ec2.create_route_table(VpcId=other, ClientToken="rt-2")
    table = ec2.create_route_table(VpcId=vpc, ClientToken="rt-1")["RouteTable"]["RouteTableId"]
    assert ec2.create_route_table(VpcId=vpc, ClientToken="rt-1")["RouteTable"]["RouteTableId"] == table


def test_ram_client_token(clean_server: Server) -> None:
    """RAM: the same clientToken returns the same share; other parameters:
    IdempotentParameterMismatchException (RAM API Reference, CreateResourceShare:
    https://docs.aws.amazon.com/ram/latest/APIReference/API_CreateResourceShare.html)."""
    ram = clean_server.client("ram", account="300000000044")
    first = ram.create_resource_share(name="a", principals=[ACCOUNT_B], clientToken="share-a")
    again = ram.create_resource_share(name="a", principals=[ACCOUNT_B], clientToken="share-a")
    assert first["resourceShare"]["resourceShareArn"] == again["resourceShare"]["resourceShareArn"]
    assert len(ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]) == 1
    with client_error("IdempotentParameterMismatchException"):
        ram.create_resource_share(name="b", principals=[ACCOUNT_B], clientToken="share-a")


def test_empty_tag_sets_where_aws_sends_them(clean_server: Server) -> None:
    """An untagged network ACL answers ``"Tags": []`` (AWS's CLI example for DescribeNetworkAcls:
    https://docs.aws.amazon.com/ec2/latest/devguide/example_ec2_DescribeNetworkAcls_section.html), as
    do route tables, internet gateways, transit gateways, VPN and customer gateways and DHCP option
    sets (which Ansible's amazon.aws modules index unguarded); an untagged VPC has no ``Tags``."""
    ec2 = clean_server.client(account="300000000045")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.create_internet_gateway()
    ec2.create_transit_gateway()
    ec2.create_vpn_gateway(Type="ipsec.1")
    ec2.create_customer_gateway(Type="ipsec.1", BgpAsn=65000, PublicIp="203.0.113.9")
    ec2.create_dhcp_options(DhcpConfigurations=[{"Key": "domain-name", "Values": ["lab.internal"]}])
    listed = {
        "NetworkAcls": ec2.describe_network_acls()["NetworkAcls"],
        "RouteTables": ec2.describe_route_tables()["RouteTables"],
        "InternetGateways": ec2.describe_internet_gateways()["InternetGateways"],
        "TransitGateways": ec2.describe_transit_gateways()["TransitGateways"],
        "VpnGateways": ec2.describe_vpn_gateways()["VpnGateways"],
        "CustomerGateways": ec2.describe_customer_gateways()["CustomerGateways"],
        "DhcpOptions": ec2.describe_dhcp_options()["DhcpOptions"],
    }
    for kind, items in listed.items():
        assert items and all(item["Tags"] == [] for item in items), kind
    [described] = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"]
    assert "Tags" not in described
