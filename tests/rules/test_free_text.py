"""Names and descriptions other than security groups' and tags': at most 255 characters an answer
can carry (vpclab.control.text).

AWS documents "Up to 255 characters in length" for a prefix list's name
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateManagedPrefixList.html), a prefix
list entry's description
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AddPrefixListEntry.html) and a customer
gateway's device name (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateCustomerGateway.html);
it documents no bound for a network interface's or a transit gateway's description
(API_CreateNetworkInterface, API_CreateTransitGateway), where vpclab applies the same one.
"""

from __future__ import annotations

import pytest

from tests.conftest import raises_aws, unchanged

LONG = "x" * 256
AT_LIMIT = "y" * 255


def _subnet(cp):
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    return cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.0.0/24", availability_zone="us-east-1a")


def test_prefix_list_name_is_at_most_255_characters(cp, world):
    """https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateManagedPrefixList.html:
    PrefixListName: "Up to 255 characters in length"."""
    cp.create_managed_prefix_list(prefix_list_name=AT_LIMIT, max_entries=1, address_family="IPv4")
    with unchanged(world), raises_aws(
        "InvalidParameterValue",
        "Value for parameter PrefixListName is invalid. Length exceeds maximum of 255 characters.",
    ):
        cp.create_managed_prefix_list(prefix_list_name=LONG, max_entries=1, address_family="IPv4")


def test_prefix_list_rename_is_checked_too(cp, world):
    """https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyManagedPrefixList.html:
    PrefixListName: "Up to 255 characters in length"."""
    pl = cp.create_managed_prefix_list(prefix_list_name="corp", max_entries=1, address_family="IPv4")
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.modify_managed_prefix_list(prefix_list_id=pl.id, prefix_list_name=LONG)


def test_prefix_list_entry_description_is_at_most_255_characters(cp, world):
    """https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AddPrefixListEntry.html:
    Description: "Up to 255 characters in length"."""
    with unchanged(world), raises_aws(
        "InvalidParameterValue",
        "Value for parameter Description is invalid. Length exceeds maximum of 255 characters.",
    ):
        cp.create_managed_prefix_list(prefix_list_name="corp", max_entries=1, address_family="IPv4",
                                      entries=[{"cidr": "10.0.0.0/8", "description": LONG}])


def test_customer_gateway_device_name_is_at_most_255_characters(cp, world):
    """https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateCustomerGateway.html:
    DeviceName: "Length Constraints: Up to 255 characters"."""
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_customer_gateway(bgp_asn=65000, ip_address="203.0.113.1", device_name=LONG)


@pytest.mark.parametrize("bad", ["a\x00b", "a\x1bb", "\ud800"])
def test_descriptions_may_not_hold_characters_xml_cannot_carry(cp, world, bad):
    """EC2 answers in XML, which cannot carry control characters or lone surrogates; AWS does not
    document the case
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkInterface.html):
    vpclab refuses them, InvalidParameterValue."""
    subnet = _subnet(cp)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_network_interface(subnet_id=subnet.id, description=bad)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_transit_gateway(description=bad)


def test_interface_and_transit_gateway_descriptions_are_bounded(cp, world):
    """AWS documents no bound for these descriptions (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkInterface.html,
    API_ModifyNetworkInterfaceAttribute, API_CreateTransitGateway, API_ModifyTransitGateway): vpclab
    applies EC2's usual 255 characters, so a request's work and the stored row stay small."""
    subnet = _subnet(cp)
    eni = cp.create_network_interface(subnet_id=subnet.id, description=AT_LIMIT)
    tgw = cp.create_transit_gateway(description=AT_LIMIT)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_network_interface(subnet_id=subnet.id, description=LONG)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.modify_network_interface_attribute(network_interface_id=eni.id, description=LONG)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_transit_gateway(description=LONG)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.modify_transit_gateway(transit_gateway_id=tgw.id, description=LONG)
