"""Availability Zone names and ids. AWS docs: AWS RAM User Guide "AZ IDs for your AWS resources"
(https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html): zone names map to zone
ids independently for each account, a zone id is the same physical zone for every account; Amazon
EC2 "Regions and Zones" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-regions-availability-zones.html)."""

from __future__ import annotations

import pytest

from tests.conftest import raises_aws
from vpclab.model.images import image_named
from vpclab.model.regions import (
    DEFAULT_ACCOUNT,
    REGIONS,
    account_zone_name,
    account_zone_names,
    lab_zone_name,
    zones,
)


def test_the_regions_real_zone_ids():
    """us-east-1 has six zones, use1-az1 … use1-az6; us-west-1 offers usw1-az1 and usw1-az3 only
    (https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html)."""
    assert [z.zone_id for z in zones("us-east-1")] == [f"use1-az{n}" for n in range(1, 7)]
    assert [z.zone_id for z in zones("us-west-1")] == ["usw1-az1", "usw1-az3"]
    assert [z.zone_id for z in zones("ap-northeast-1")] == ["apne1-az4", "apne1-az1", "apne1-az2"]


@pytest.mark.parametrize("region", sorted(REGIONS))
def test_each_account_maps_names_to_zones_its_own_way(region):
    """"AZ IDs": the mapping of zone names to zones is per account — a permutation of the Region's
    names, the same every time for one account, different between accounts
    (https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html)."""
    names = [z.zone_name for z in zones(region)]
    mappings = [account_zone_names(f"{n:012d}", region) for n in range(1, 40)]
    for mapping in mappings:
        assert sorted(mapping) == sorted(mapping.values()) == sorted(names)
        assert all(lab_zone_name(acct, account_zone_name(acct, n)) == n
                   for acct in ("000000000001",) for n in names)
    assert mappings[0] == account_zone_names("000000000001", region)
    assert len({tuple(m.values()) for m in mappings}) > 1
    assert account_zone_names(DEFAULT_ACCOUNT, region) == {n: n for n in names}


def test_create_subnet_by_zone_id(cp):
    """CreateSubnet takes AvailabilityZoneId as well as AvailabilityZone; a zone id of another Region
    is InvalidParameterValue (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    sub = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone_id="use1-az6")
    assert (sub.availability_zone, sub.availability_zone_id) == ("us-east-1f", "use1-az6")
    with raises_aws("InvalidParameterValue"):
        cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.2.0/24", availability_zone_id="usw2-az1")


def test_run_instances_placement_by_zone_id(cp):
    """RunInstances Placement.AvailabilityZoneId must be the subnet's zone, as Placement.AvailabilityZone
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Placement.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    sub = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone_id="use1-az2")
    ami = image_named("us-east-1", "al2023").image_id
    (inst,) = cp.run_instances(image_id=ami, instance_type="t3.micro", subnet_id=sub.id,
                               placement={"availability_zone_id": "use1-az2"})
    assert inst.availability_zone == "us-east-1b"
    with raises_aws("InvalidParameterValue"):
        cp.run_instances(image_id=ami, instance_type="t3.micro", subnet_id=sub.id,
                         placement={"availability_zone_id": "use1-az3"})
