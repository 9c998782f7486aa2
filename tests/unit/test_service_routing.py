"""Which service answers a request: the one it was signed for, else the one whose API ``Version`` it
names; an ELBv2 action that EC2 also has (``DescribeTags``) never reaches EC2's handler."""

from __future__ import annotations

from vpclab.aws.endpoint import Caller, _service_for


def test_signed_service_wins_even_when_ec2_has_the_action() -> None:
    assert _service_for(Caller("111111111111", "us-east-1", "elbv2"), "DescribeTags") == "elbv2"
    assert _service_for(Caller("111111111111", "us-east-1", "elbv2"), "DescribeVpcs") == "elbv2"


def test_unsigned_request_goes_by_version() -> None:
    unsigned = Caller("111111111111", "us-east-1", None)
    assert _service_for(unsigned, "DescribeTags", "2015-12-01") == "elbv2"
    assert _service_for(unsigned, "DescribeTags", "2016-11-15") == "ec2"
    assert _service_for(unsigned, "DescribeTags") == "ec2"
    assert _service_for(unsigned, "DescribeLoadBalancerAttributes") == "elbv2"
