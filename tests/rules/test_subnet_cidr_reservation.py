"""Subnet CIDR reservations. AWS docs: Amazon VPC User Guide "Subnet CIDR reservations"
(https://docs.aws.amazon.com/vpc/latest/userguide/subnet-cidr-reservation.html) and the API reference
"CreateSubnetCidrReservation"
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnetCidrReservation.html)."""

from __future__ import annotations

from ipaddress import IPv6Address, IPv6Network

import pytest

from tests.conftest import raises_aws, unchanged
from tests.rules.ipv6_setup import dual_stack_vpc
from vpclab.model.images import image_named
from vpclab.model.subnet import SubnetCidrReservation


@pytest.fixture
def subnet(cp):
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    return cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")


def test_create_keeps_type_description_and_tags(cp, subnet):
    """CreateSubnetCidrReservation: the subnet, the CIDR, the type (prefix | explicit), a description
    and tags (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnetCidrReservation.html)."""
    res = cp.create_subnet_cidr_reservation(subnet_id=subnet.id, cidr="10.0.1.16/28",
                                            reservation_type="prefix",
                                            description="pods", tags={"team": "k8s"})
    assert res.id.startswith("scr-") and res.cidr == "10.0.1.16/28" and res.reservation_type == "prefix"
    assert (res.description, res.tags, res.owner_id) == ("pods", {"team": "k8s"}, cp.account_id)


def test_automatic_assignment_skips_reserved_ranges_of_both_types(cp, subnet):
    """"Subnet CIDR reservations": AWS does not assign a reserved address to a network interface
    automatically, whatever the reservation's type; an explicit reservation's addresses can be
    assigned by hand; deleting the reservation frees its range (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-cidr-reservation.html)."""
    cp.create_subnet_cidr_reservation(subnet_id=subnet.id, cidr="10.0.1.0/28", reservation_type="explicit")
    prefix = cp.create_subnet_cidr_reservation(subnet_id=subnet.id, cidr="10.0.1.16/28",
                                               reservation_type="prefix")
    assert cp.create_network_interface(subnet_id=subnet.id).private_ip_address == "10.0.1.32"
    (inst,) = cp.run_instances(image_id=image_named("us-east-1", "al2023").image_id, instance_type="t3.micro",
                               subnet_id=subnet.id)
    assert inst.private_ip_address == "10.0.1.33"
    manual = cp.create_network_interface(subnet_id=subnet.id, private_ip_address="10.0.1.5")
    assert manual.private_ip_address == "10.0.1.5"
    cp.delete_subnet_cidr_reservation(subnet_cidr_reservation_id=prefix.id)
    assert cp.create_network_interface(subnet_id=subnet.id).private_ip_address == "10.0.1.16"


def test_a_subnet_reserved_whole_has_no_free_address(cp):
    """With every usable address reserved, automatic assignment finds none: AWS's
    InsufficientFreeAddressesInSubnet (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-cidr-reservation.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    small = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.9.0/28", availability_zone="us-east-1a")
    cp.create_subnet_cidr_reservation(subnet_id=small.id, cidr="10.0.9.0/28", reservation_type="explicit")
    with raises_aws("InsufficientFreeAddressesInSubnet"):
        cp.create_network_interface(subnet_id=small.id)
    with raises_aws("InsufficientFreeAddressesInSubnet"):
        cp.run_instances(image_id=image_named("us-east-1", "al2023").image_id, instance_type="t3.micro",
                         subnet_id=small.id)


def test_ipv6_reservations_inside_the_subnets_64(cp):
    """An IPv6 reservation lies inside the subnet's /64; automatically assigned IPv6 addresses avoid
    it (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-cidr-reservation.html)."""
    vpc = dual_stack_vpc(cp)
    block = IPv6Network(vpc.ipv6_cidr_block_associations[0].ipv6_cidr_block)
    slash64 = next(block.subnets(new_prefix=64))
    sub = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", ipv6_cidr_block=str(slash64),
                           availability_zone="us-east-1a")
    half = next(slash64.subnets(new_prefix=65))
    cp.create_subnet_cidr_reservation(subnet_id=sub.id, cidr=str(half), reservation_type="explicit")
    for _ in range(8):
        eni = cp.create_network_interface(subnet_id=sub.id, ipv6_address_count=1)
        assert IPv6Address(eni.ipv6_addresses[0]) not in half
    with raises_aws("InvalidParameterValue"):
        cp.create_subnet_cidr_reservation(subnet_id=sub.id, cidr="2600:1f18:ffff::/80",
                                          reservation_type="prefix")


@pytest.mark.parametrize(("cidr", "rtype", "code", "message"), [
    ("10.0.2.0/28", "explicit", "InvalidParameterValue",
     "The CIDR '10.0.2.0/28' is not within the subnet's CIDR block 10.0.1.0/24."),
    ("10.0.1.8/29", "explicit", "InvalidParameterValue",
     "The CIDR '10.0.1.8/29' overlaps the subnet CIDR reservation {other} (10.0.1.0/28)."),
    ("10.0.1.1/28", "explicit", "InvalidParameterValue",
     "Value (10.0.1.1/28) for parameter cidr is invalid. This is not a valid CIDR block."),
    ("10.0.1.64/28", "static", "InvalidParameterValue", None),
    ("2600:1f18::/80", "prefix", "InvalidParameterValue", None),
])
def test_bad_reservations_change_nothing(cp, subnet, cidr, rtype, code, message):
    """A reservation lies inside the subnet's block of its family and overlaps none of the subnet's
    other reservations (undocumented by AWS: vpclab refuses, conservatively); the type is prefix or
    explicit; the CIDR has no host bits (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-cidr-reservation.html)."""
    other = cp.create_subnet_cidr_reservation(subnet_id=subnet.id, cidr="10.0.1.0/28",
                                            reservation_type="prefix")
    with unchanged(cp.world), raises_aws(code, message.format(other=other.id) if message else None):
        cp.create_subnet_cidr_reservation(subnet_id=subnet.id, cidr=cidr, reservation_type=rtype)


def test_unknown_ids_and_other_accounts(cp, subnet):
    """AWS's NotFound codes: InvalidSubnetID.NotFound for the subnet,
    InvalidSubnetCidrReservationID.NotFound for a reservation; another account cannot delete it
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteSubnetCidrReservation.html)."""
    with raises_aws("InvalidSubnetID.NotFound"):
        cp.create_subnet_cidr_reservation(subnet_id="subnet-0000000000000000a", cidr="10.0.1.0/28",
                                          reservation_type="prefix")
    with raises_aws("InvalidSubnetCidrReservationID.NotFound",
                    "The subnet CIDR reservation ID 'scr-0000000000000000a' does not exist"):
        cp.delete_subnet_cidr_reservation(subnet_cidr_reservation_id="scr-0000000000000000a")
    res = cp.create_subnet_cidr_reservation(subnet_id=subnet.id, cidr="10.0.1.0/28",
                                            reservation_type="prefix")
    with raises_aws("InvalidSubnetCidrReservationID.NotFound"):
        cp.as_(account_id="999988887777").delete_subnet_cidr_reservation(subnet_cidr_reservation_id=res.id)


def test_deleting_the_subnet_deletes_its_reservations(cp, subnet):
    """A reservation belongs to its subnet and goes with it (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-cidr-reservation.html)."""
    res = cp.create_subnet_cidr_reservation(subnet_id=subnet.id, cidr="10.0.1.0/28",
                                            reservation_type="prefix")
    cp.delete_subnet(subnet_id=subnet.id)
    assert cp.world.get(res.id, SubnetCidrReservation) is None
