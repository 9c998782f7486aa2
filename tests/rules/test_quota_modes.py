"""Quotas that fit a lab (issue 11 point 5): adjustable quotas at a generous lab value by default,
AWS's new-account defaults strictly with ``--quotas aws-default``, hard limits hard in both.

AWS: "Quotas for your transit gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html):
5 transit gateways per account and Region by default, adjustable; 5 unique transit gateways per
VPC, not adjustable.
"""

from __future__ import annotations

import pytest

import vpclab
from tests.api.conftest import start_server, stop_server
from vpclab import AwsError, ControlPlane, World
from vpclab.model import quotas
from vpclab.model.world import Settings


def test_every_quota_says_whether_aws_lets_it_be_raised() -> None:
    """AWS marks each quota adjustable or not ("Amazon VPC quotas":
    https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html); a hard one is the same in
    both modes."""
    for name, entry in quotas.table().items():
        assert isinstance(entry.get("adjustable"), bool), name
        if not entry["adjustable"]:
            assert entry["maximum"] == entry["default"], f"{name}: a hard limit is the same in both modes"
            assert not entry.get("lab"), name
        assert entry["maximum"] >= entry["default"], name


def test_mode_names() -> None:
    """The modes: the lab's values and AWS's new-account defaults ("Transit gateway quotas": https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html)."""
    assert quotas.mode_of("lab") == "maximum" and quotas.mode_of("aws-default") == "default"
    assert quotas.limit("lab", "transit_gateways_per_region") == 500
    assert quotas.limit("aws-default", "transit_gateways_per_region") == 5
    with pytest.raises(ValueError, match="lab, aws-default"):
        quotas.mode_of("unlimited")


def create_transit_gateways(cp: ControlPlane, n: int) -> None:
    for _ in range(n):
        cp.create_transit_gateway()


def test_a_sixth_transit_gateway_in_the_lab_and_not_under_aws_defaults() -> None:
    """5 transit gateways per account and Region by default, adjustable (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html)."""
    create_transit_gateways(ControlPlane(World()), 6)
    strict = ControlPlane(World(settings=Settings(quotas="aws-default")))
    create_transit_gateways(strict, 5)
    with pytest.raises(AwsError) as exc:
        strict.create_transit_gateway()
    assert (exc.value.code, exc.value.message) == (
        "TransitGatewayLimitExceeded", "The maximum number of transit gateways has been reached.")


def test_a_hard_limit_holds_in_the_lab_too() -> None:
    """Tags per resource: 50, not adjustable (https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html)."""
    cp = ControlPlane(World())
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    with pytest.raises(AwsError) as exc:
        cp.create_tags(resources=[vpc.id], tags={f"k{i}": "v" for i in range(51)})
    assert exc.value.code == "TagLimitExceeded"


def test_yaml_takes_the_mode_names() -> None:
    """``settings: {quotas: aws-default}`` applies AWS's defaults (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html)."""
    world = vpclab.loads("settings: {quotas: aws-default}\nvpcs: {a: {cidr: 10.0.0.0/16}}").world
    strict = ControlPlane(world)
    create_transit_gateways(strict, 5)
    with pytest.raises(AwsError, match="TransitGatewayLimitExceeded"):
        strict.create_transit_gateway()


@pytest.mark.parametrize(
    ("args", "sixth"), [((), "ok"), (("--quotas", "aws-default"), "TransitGatewayLimitExceeded")]
)
def test_serve_quotas_option(args: tuple[str, ...], sixth: str) -> None:
    """``vpclab serve --quotas aws-default`` refuses the sixth transit gateway; the lab does not (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html)."""
    server = start_server(*args)
    try:
        ec2 = server.client(account="300000000051")
        for _ in range(5):
            ec2.create_transit_gateway()
        try:
            ec2.create_transit_gateway()
            outcome = "ok"
        except ec2.exceptions.ClientError as exc:
            outcome = exc.response["Error"]["Code"]
        assert outcome == sixth
    finally:
        stop_server(server)


def test_mock_aws_quotas_option() -> None:
    """``mock_aws(quotas="aws-default")`` as the server's option (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-quotas.html)."""
    import boto3

    with vpclab.mock_aws(quotas="aws-default"):
        ec2 = boto3.client("ec2", region_name="us-east-1")
        for _ in range(5):
            ec2.create_transit_gateway()
        with pytest.raises(ec2.exceptions.ClientError, match="TransitGatewayLimitExceeded"):
            ec2.create_transit_gateway()
