"""Tags on every kind of resource. AWS docs: "Tag your Amazon EC2 resources"
(https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html)."""

from __future__ import annotations

from tests.conftest import raises_aws, unchanged
from vpclab.model.vpn import ON_PREMISES_CIDRS_TAG


def test_aws_prefix_is_reserved(cp, world):
    """AWS "Tag restrictions": "Do not use aws:, AWS:, or any upper or lowercase combination of such
    as a prefix for either keys or values as it is reserved for AWS use"
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_tags(resources=[vpc.id], tags={"aws:owner": "me"})


def test_create_tags_is_all_or_nothing(cp, world):
    """AWS CreateTags applies to every listed resource; a missing one fails the call
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTags.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    with unchanged(world), raises_aws("InvalidSubnetID.NotFound"):
        cp.create_tags(resources=[vpc.id, "subnet-0123456789abcdef0"], tags={"env": "prod"})


def test_unknown_id_prefix_is_invalid_id(cp):
    """AWS CreateTags with an id of no known kind answers InvalidID
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    with raises_aws("InvalidID", "The ID 'bogus-123' is not valid"):
        cp.create_tags(resources=["bogus-123"], tags={"a": "b"})


def test_on_premises_tag_is_validated_when_set_later(cp, world):
    """The vpclab lab knob ``vpclab:on-premises-cidrs`` on a customer gateway (DESIGN §2) must hold
    CIDRs; a bad value is refused like AWS refuses a bad parameter (AWS CreateTags:
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTags.html)."""
    cgw = cp.create_customer_gateway(bgp_asn=65010, ip_address="203.0.113.10")
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_tags(resources=[cgw.id], tags={ON_PREMISES_CIDRS_TAG: "10.50.0.0/16, not-a-cidr"})
    cp.create_tags(resources=[cgw.id], tags={ON_PREMISES_CIDRS_TAG: "10.50.0.0/16"})


def test_tags_per_resource_quota(cp, world):
    """AWS "Tag restrictions": "Maximum number of tags per resource – 50"
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    cp.create_tags(resources=[vpc.id], tags={f"k{i}": "v" for i in range(50)})
    cp.create_tags(resources=[vpc.id], tags={"k0": "replaced"})  # replacing a value adds no tag
    with unchanged(world), raises_aws("TagLimitExceeded",
                                      "The maximum number of Tags for a resource has been reached."):
        cp.create_tags(resources=[vpc.id], tags={"k50": "v"})
