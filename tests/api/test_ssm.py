"""SSM public parameters for the image catalogue's AMIs, over the AWS JSON 1.1 protocol
(boto3's and the aws CLI's "ssm" client against a live ``vpclab serve``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from typing import Any

import pytest

from .conftest import Server, client_error

AL2023 = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
UBUNTU = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"
WINDOWS = "/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base"


def _image_id(ec2: Any, name: str, arch: str = "x86_64") -> str:
    [img] = ec2.describe_images(
        Filters=[{"Name": "name", "Values": [name]}, {"Name": "architecture", "Values": [arch]}]
    )["Images"]
    return str(img["ImageId"])


def raw_json(
    server: Server, target: str, body: bytes | str, *, service: str = "ssm", region: str = "us-east-1"
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """A JSON 1.1 request as botocore sends it, without client-side validation."""
    auth = (
        f"AWS4-HMAC-SHA256 Credential=111111111111/20261124/{region}/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date;x-amz-target, Signature=0"
    )
    req = urllib.request.Request(
        server.url + "/",
        data=body.encode() if isinstance(body, str) else body,
        method="POST",
        headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target, "Authorization": auth},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read()), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read()), dict(exc.headers)


def test_get_parameter_answers_the_catalogue_ami_of_each_region(server: Server) -> None:
    """GetParameter on an Amazon Linux, Ubuntu and Windows public parameter answers the id of the
    catalogue image DescribeImages lists in that Region (AMI ids are Regional); the ARN has no account.

    AWS: "Discovering public parameters in Parameter Store"
    (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-public-parameters.html),
    "Amazon Linux 2023 on Amazon EC2" (https://docs.aws.amazon.com/linux/al2023/ug/ec2.html) and
    GetParameter (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html).
    """
    for region in ("us-east-1", "eu-west-1"):
        ssm, ec2 = server.client("ssm", region=region), server.client(region=region)
        p = ssm.get_parameter(Name=AL2023)["Parameter"]
        assert p["Value"] == _image_id(ec2, "al2023-ami-*")
        assert (p["Type"], p["DataType"], p["Version"]) == ("String", "text", 1)
        assert p["ARN"] == f"arn:aws:ssm:{region}::parameter{AL2023}"
        assert ssm.get_parameter(Name=UBUNTU)["Parameter"]["Value"] == _image_id(ec2, "ubuntu/*")
        assert ssm.get_parameter(Name=WINDOWS, WithDecryption=True)["Parameter"]["Value"] == _image_id(
            ec2, "Windows_Server-*"
        )
        arm = ssm.get_parameter(Name=AL2023.replace("x86_64", "arm64"))["Parameter"]["Value"]
        assert arm == _image_id(ec2, "al2023-ami-*", "arm64")
    east = server.client("ssm").get_parameter(Name=AL2023)["Parameter"]["Value"]
    west = server.client("ssm", region="eu-west-1").get_parameter(Name=AL2023)["Parameter"]["Value"]
    assert east != west


def test_the_parameter_launches_an_instance(server: Server) -> None:
    """The AMI id a public parameter names is one RunInstances accepts (AWS: "Use public parameters
    to launch an instance",
    https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-public-parameters.html)."""
    ec2 = server.client(account="700000000001")
    image = server.client("ssm", account="700000000001").get_parameter(Name=AL2023)["Parameter"]["Value"]
    [inst] = ec2.run_instances(ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"]
    assert inst["ImageId"] == image


def test_unknown_names_version_selectors_and_get_parameters(server: Server) -> None:
    """An unknown name is ParameterNotFound (empty message, as AWS answers); ``name:1`` selects the
    version and is echoed as Selector, another version is ParameterVersionNotFound; an ARN is a name.
    GetParameters answers found names and lists the others in InvalidParameters.

    AWS GetParameter (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html),
    GetParameters (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html).
    """
    ssm = server.client("ssm")
    with client_error("ParameterNotFound", ""):
        ssm.get_parameter(Name="/aws/service/ami-amazon-linux-latest/no-such-image")
    assert ssm.get_parameter(Name=AL2023 + ":1")["Parameter"]["Selector"] == ":1"
    message = f"Systems Manager could not find version 7 of {AL2023}. Verify the version and try again."
    with client_error("ParameterVersionNotFound", message):
        ssm.get_parameter(Name=AL2023 + ":7")
    arn = f"arn:aws:ssm:us-east-1::parameter{AL2023}"
    assert ssm.get_parameter(Name=arn)["Parameter"]["Name"] == AL2023
    out = ssm.get_parameters(Names=[AL2023, "/nope", WINDOWS, AL2023])
    assert [p["Name"] for p in out["Parameters"]] == [AL2023, WINDOWS]
    assert out["InvalidParameters"] == ["/nope"]


def test_get_parameters_by_path_levels_and_pages(server: Server) -> None:
    """GetParametersByPath lists the parameters one level under the path (every level with
    Recursive), MaxResults at a time with a NextToken; a bad token is InvalidNextToken, an
    unknown filter key InvalidFilterKey.

    AWS GetParametersByPath
    (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParametersByPath.html).
    """
    ssm = server.client("ssm")
    listed = ssm.get_parameters_by_path(Path="/aws/service/ami-amazon-linux-latest/")["Parameters"]
    names = [p["Name"] for p in listed]
    assert AL2023 in names and len(names) == 4
    assert ssm.get_parameters_by_path(Path="/aws/service")["Parameters"] == []
    first = ssm.get_parameters_by_path(Path="/aws/service", Recursive=True, MaxResults=3)
    assert len(first["Parameters"]) == 3 and "NextToken" in first
    seen = [p["Name"] for p in first["Parameters"]]
    token = first["NextToken"]
    while token:
        page = ssm.get_parameters_by_path(Path="/aws/service", Recursive=True, MaxResults=3, NextToken=token)
        seen += [p["Name"] for p in page["Parameters"]]
        token = page.get("NextToken")
    assert len(seen) == len(set(seen)) == 9 and UBUNTU in seen and WINDOWS in seen
    paginated = [
        p["Name"]
        for pg in ssm.get_paginator("get_parameters_by_path").paginate(Path="/aws/service", Recursive=True)
        for p in pg["Parameters"]
    ]
    assert paginated == seen
    with client_error("InvalidNextToken", "The specified token is not valid."):
        ssm.get_parameters_by_path(Path="/aws/service", NextToken="bogus")
    typed = ssm.get_parameters_by_path(
        Path="/aws/service/ami-windows-latest",
        ParameterFilters=[{"Key": "Type", "Option": "Equals", "Values": ["String"]}],
    )["Parameters"]
    assert [p["Name"] for p in typed] == [WINDOWS]
    with client_error("InvalidFilterKey"):
        ssm.get_parameters_by_path(Path="/aws/service", ParameterFilters=[{"Key": "Name", "Values": ["x"]}])


def test_json_protocol_validation_never_stores_never_500(server: Server) -> None:
    """Input is checked against botocore's SSM model: a wrong JSON type or a body that is not JSON is
    SerializationException, a broken constraint ValidationException with AWS's wording (every
    violation listed); an unknown target UnknownOperationException. Always 4xx with a request id.

    AWS: GetParameters' Names hold at most 10 names
    (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html) and the
    common errors of the JSON APIs
    (https://docs.aws.amazon.com/systems-manager/latest/APIReference/CommonErrors.html).
    """
    eleven = json.dumps({"Names": [str(i) for i in range(11)]})
    status, body, headers = raw_json(server, "AmazonSSM.GetParameters", eleven)
    assert status == 400 and body["__type"] == "ValidationException"
    assert body["message"] == (
        "1 validation error detected: Value '[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]' at 'names' failed to "
        "satisfy constraint: Member must have length less than or equal to 10"
    )
    assert headers.get("x-amzn-RequestId") or headers.get("x-amzn-requestid")
    status, body, _ = raw_json(
        server, "AmazonSSM.GetParametersByPath", json.dumps({"Path": "", "MaxResults": 11})
    )
    assert status == 400 and body["message"].startswith("2 validation errors detected: ")
    for bad in (
        '{"Name": 5}',
        '{"Name": ["a"]}',
        "not json",
        '["a"]',
        '{"Name": "/x", "Bogus": 1}',
        '{"Names": "x"}',
        '{"Path": "/a", "MaxResults": true}',
    ):
        target = "AmazonSSM.GetParameters" if "Names" in bad else "AmazonSSM.GetParameter"
        if "Path" in bad:
            target = "AmazonSSM.GetParametersByPath"
        status, body, _ = raw_json(server, target, bad)
        assert (status, body["__type"]) == (400, "SerializationException"), (bad, body)
    status, body, _ = raw_json(server, "AmazonSSM.GetParameter", "{}")
    assert (status, body["__type"]) == (400, "ValidationException")
    assert body["message"] == (
        "1 validation error detected: Value null at 'name' failed to satisfy "
        "constraint: Member must not be null"
    )
    status, body, _ = raw_json(server, "AmazonSSM.PutParameter", '{"Name": "/a", "Value": "b"}')
    assert (status, body["__type"]) == (400, "UnknownOperationException")
    status, body, _ = raw_json(server, "OvertureService.GetParameter", '{"Name": "/a"}')
    assert (status, body["__type"]) == (400, "UnknownOperationException")


@pytest.mark.parametrize(
    "command",
    [
        ["get-parameter", "--name", AL2023],
        ["get-parameters-by-path", "--path", "/aws/service/ami-amazon-linux-latest"],
    ],
)
def test_aws_cli_reads_public_parameters(server: Server, command: list[str]) -> None:
    """The aws CLI reads public parameters from vpclab (AWS CLI reference: ssm get-parameter,
    get-parameters-by-path)."""
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "111111111111",
        "AWS_SECRET_ACCESS_KEY": "lab",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    run = subprocess.run(
        [sys.executable, "-m", "awscli", "ssm", "--endpoint-url", server.url, "--output", "json", *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    values = [out["Parameter"]["Value"]] if "Parameter" in out else [p["Value"] for p in out["Parameters"]]
    assert values and all(v.startswith("ami-") for v in values)
