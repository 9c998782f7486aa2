"""The wire protocol itself: raw Query requests, the error envelope, garbage in, never a 500."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from .conftest import Server


def _code(body: str) -> str:
    m = re.search(r"<Code>([^<]*)</Code>", body)
    assert m, body
    return m.group(1)


def _message(body: str) -> str:
    m = re.search(r"<Message>([^<]*)</Message>", body)
    assert m, body
    return m.group(1)


def test_invalid_action(server: Server) -> None:
    """An unknown Action is InvalidAction in EC2's error envelope, HTTP 400.

    AWS: "Common client error codes" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
    """
    status, body = server.post({"Action": "LaunchRocket", "Version": "2016-11-15"})
    assert status == 400
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>')
    assert _code(body) == "InvalidAction"
    assert _message(body) == "The action LaunchRocket is not valid for this web service."
    assert "<RequestID>" in body


def test_invalid_action_through_boto3(server: Server) -> None:
    """An EC2 action vpclab does not implement reaches boto3 as InvalidAction."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as info:
        server.client().describe_fleets()
    assert info.value.response["Error"]["Code"] == "InvalidAction"


def test_missing_parameter(server: Server) -> None:
    """A required member the request lacks is MissingParameter.

    AWS: "Error codes" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html):
    "MissingParameter: The request must contain the parameter X".
    """
    status, body = server.post(
        {"Action": "CreateSubnet", "Version": "2016-11-15", "CidrBlock": "10.0.0.0/24"}
    )
    assert (status, _code(body), _message(body)) == (
        400,
        "MissingParameter",
        "The request must contain the parameter VpcId",
    )
    # CidrBlock is optional in the model (IPAM pools) but vpclab's CreateVpc needs it
    status, body = server.post({"Action": "CreateVpc", "Version": "2016-11-15"})
    assert (status, _code(body), _message(body)) == (
        400,
        "MissingParameter",
        "The request must contain the parameter CidrBlock",
    )


def test_type_and_enum_validation(server: Server) -> None:
    """Values of the wrong type or outside the model's enum are InvalidParameterValue."""
    status, body = server.post({"Action": "DescribeVpcs", "MaxResults": "many"})
    assert (status, _code(body)) == (400, "InvalidParameterValue")
    assert _message(body).startswith("Value (many) for parameter MaxResults is invalid.")
    status, body = server.post(
        {"Action": "CreateVpc", "CidrBlock": "10.0.0.0/16", "InstanceTenancy": "shared"}
    )
    assert (status, _code(body)) == (400, "InvalidParameterValue")
    assert _message(body).startswith("Value (shared) for parameter InstanceTenancy is invalid.")
    status, body = server.post({"Action": "DescribeVpcs", "MaxResults": "2"})
    assert (status, _code(body), _message(body)) == (
        400,
        "InvalidParameterValue",
        "Value ( 2 ) for parameter maxResults is invalid. Parameter must be between 5 and 1000.",
    )
    status, body = server.post({"Action": "DescribeVpcs", "Bogus": "1"})
    assert (status, _code(body), _message(body)) == (
        400,
        "UnknownParameter",
        "The parameter Bogus is not recognized",
    )


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"\xff\xfe\x00garbage",
        b"Action",
        b"Action=CreateVpc&CidrBlock=banana",
        b"Action=CreateVpc&CidrBlock=10.0.0.0/16&TagSpecification.x.Tag.1.Key=a",
        b"Action=CreateVpc&CidrBlock=10.0.0.0/16&TagSpecification.1.Tag.1.Value=novalue",
        b"Action=DescribeVpcs&Filter.1.Value.1=x",
        b"Action=DescribeVpcs&NextToken=%%%",
        b"Action=CreateRoute&RouteTableId=rtb-1&DestinationCidrBlock=999.0.0.0/8&GatewayId=igw-1",
        b"Action=DescribeVpcs&Filter.1.Name=tag:&Filter.1.Value.1=x",
        b"Action=DescribeTags&MaxResults=-1",
        b"Action=CreateTags&ResourceId.1=vpc-1&Tag.1.Value=x",
        b'{"Action": "DescribeVpcs"}',
        b"Action=AssociateAddress&AllocationId=eipalloc-1&AllowReassociation=maybe",
    ],
)
def test_garbage_never_answers_500(server: Server, garbage: bytes) -> None:
    """Whatever arrives, the answer is a well-formed EC2 answer or error, never a 5xx."""
    import xml.etree.ElementTree as ET

    status, body = server.post(garbage)
    assert status < 500, (status, body)
    ET.fromstring(body.encode())  # well-formed
    assert status == 200 or "<Errors><Error><Code>" in body


def test_unsigned_request_uses_default_account(server: Server) -> None:
    """An unsigned request acts as the documented default account 123456789012 in us-east-1."""
    import urllib.request

    with urllib.request.urlopen(server.url + "/?Action=DescribeVpcs&Version=2016-11-15", timeout=5) as resp:
        body = resp.read().decode()
    assert "<ownerId>123456789012</ownerId>" in body


def test_aws_cli(server: Server) -> None:
    """The aws CLI (v1) works against the endpoint: describe-vpcs prints boto3's shape as JSON."""
    env = {
        "AWS_ACCESS_KEY_ID": "100000000009",
        "AWS_SECRET_ACCESS_KEY": "lab",
        "AWS_DEFAULT_REGION": "us-east-2",
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
    }
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "ec2",
            "describe-vpcs",
            "--endpoint-url",
            server.url,
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    vpcs = json.loads(out.stdout)["Vpcs"]
    assert [(v["CidrBlock"], v["OwnerId"], v["IsDefault"]) for v in vpcs] == [
        ("172.31.0.0/16", "100000000009", True)
    ]
    err = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "ec2",
            "create-vpc",
            "--cidr-block",
            "10.0.0.0/8",
            "--endpoint-url",
            server.url,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert err.returncode != 0
    assert (
        "(InvalidVpc.Range) when calling the CreateVpc operation: The CIDR '10.0.0.0/8' is invalid."
        in err.stderr
    )


def test_unmodelled_parameter_is_refused(server: Server) -> None:
    """A parameter AWS has but vpclab does not model is refused, not silently ignored."""
    from .conftest import client_error

    with client_error(
        "UnsupportedOperation",
        "The parameter Ipv6Pool is not supported by vpclab for CreateVpc.",
    ):
        server.client(account="100000000010").create_vpc(
            CidrBlock="10.0.0.0/16", Ipv6Pool="ipv6pool-ec2-0123456789abcdef0"
        )


def test_serve_freezes_the_start_up_heap() -> None:
    """``vpclab serve`` moves the objects that exist before the first request (modules, service
    models, a loaded World) into the collector's permanent generation, so that full collections
    triggered by created resources walk only what the requests made (docs/benchmarks.md)."""
    import gc

    from vpclab.cli.serve import _settle_heap

    before = gc.get_freeze_count()
    try:
        _settle_heap()
        assert gc.get_freeze_count() > max(before, 10_000)
    finally:
        gc.unfreeze()
