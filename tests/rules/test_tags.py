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


_RESTRICTIONS = "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions"


def test_tag_key_is_at_most_128_characters(cp, world):
    """AWS "Tag restrictions": "Maximum key length – 128 Unicode characters in UTF-8"
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    cp.create_tags(resources=[vpc.id], tags={"k" * 128: "v"})
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Tag key exceeds the maximum length of 128 characters"):
        cp.create_tags(resources=[vpc.id], tags={"k" * 129: "v"})


def test_tag_value_is_at_most_256_characters(cp, world):
    """AWS "Tag restrictions": "Maximum value length – 256 Unicode characters in UTF-8"
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    cp.create_tags(resources=[vpc.id], tags={"k": "é" * 256})
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Tag value exceeds the maximum length of 256 characters"):
        cp.create_tags(resources=[vpc.id], tags={"k": "v" * 257})


def test_tag_key_may_not_be_empty(cp, world):
    """AWS "Tag restrictions" (keys 1–128 characters); EC2's answer to an empty key
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    with unchanged(world), raises_aws(
        "InvalidParameterValue",
        "Value ( '' ) for parameter Tag key is invalid. Tag key cannot be null or empty.",
    ):
        cp.create_tags(resources=[vpc.id], tags={"": "v"})


def test_aws_prefix_is_reserved_in_any_case(cp, world):
    """AWS "Tag restrictions": "Do not use aws:, AWS:, or any upper or lowercase combination of such
    as a prefix" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions)."""
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Tag keys starting with 'aws:' are reserved for internal use"):
        cp.create_vpc(cidr_block="10.0.0.0/16", tags={"AwS:owner": "me"})


def test_tags_may_not_hold_characters_xml_cannot_carry(cp, world):
    """AWS "Tag restrictions": "EC2 allows for any character in its tags", but EC2 answers in XML,
    which cannot carry a control character; AWS does not document that case: vpclab refuses it
    with InvalidParameterValue (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Tag value is invalid: character U+0001 is not allowed."):
        cp.create_tags(resources=[vpc.id], tags={"k": "a\x01b"})
    with unchanged(world), raises_aws("InvalidParameterValue",
                                      "Tag key is invalid: character U+D800 is not allowed."):
        cp.create_tags(resources=[vpc.id], tags={"k\ud800": "v"})
    cp.create_tags(resources=[vpc.id], tags={"k": "tab\tnewline\n ünïcödé +-=._:/@"})


def test_tag_specifications_on_create_are_checked_too(cp, world):
    """AWS "Tag restrictions" apply to tags given at creation (TagSpecifications) as to CreateTags
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", tags={"Name": "x" * 257})
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_resource_share(name="s", tags={"k" * 129: "v"})


def test_create_tags_needs_a_tag(cp, world):
    """AWS CreateTags with no tags: InvalidParameterValue "You must specify one or more tags to create"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTags.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    with unchanged(world), raises_aws("InvalidParameterValue", "You must specify one or more tags to create"):
        cp.create_tags(resources=[vpc.id], tags={})


def test_lab_knob_values_may_be_longer(cp, world):
    """A lab knob (docs/concepts.md) carries vpclab's data, not AWS's: its value may exceed AWS's 256
    characters, up to 65,536 (AWS's limit for tags: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions)."""
    cgw = cp.create_customer_gateway(bgp_asn=65010, ip_address="203.0.113.10")
    many = ",".join(f"10.{i // 256}.{i % 256}.0/24" for i in range(40))
    cp.create_tags(resources=[cgw.id], tags={ON_PREMISES_CIDRS_TAG: many})
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_tags(resources=[cgw.id], tags={"vpclab:other": "x" * 65_537})
