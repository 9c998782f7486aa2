"""Availability Zone names per account and zone ids through boto3 and the aws CLI against a live
``vpclab serve``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from .conftest import Server, client_error

X, Y = "100000000094", "100000000095"


def _ids(ec2: Any) -> dict[str, str]:
    return {z["ZoneName"]: z["ZoneId"] for z in ec2.describe_availability_zones()["AvailabilityZones"]}


def test_zone_names_are_per_account_and_zone_ids_are_physical(server: Server) -> None:
    """Two accounts see the Region's six zone ids under differently shuffled names; a subnet made by
    zone id answers the caller's own name for it; filters and Placement speak the caller's names;
    subnets, instances, interfaces and volumes answer AvailabilityZoneId.

    AWS "AZ IDs for your AWS resources" (https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html),
    CreateSubnet AvailabilityZoneId (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html).
    """
    x, y = server.client(account=X), server.client(account=Y)
    x_ids, y_ids = _ids(x), _ids(y)
    assert sorted(x_ids.values()) == sorted(y_ids.values()) == [f"use1-az{n}" for n in range(1, 7)]
    assert x_ids != y_ids  # the same names, other zones
    x_name = {v: k for k, v in x_ids.items()}

    vpc_id = x.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    sub = x.create_subnet(VpcId=vpc_id, CidrBlock="10.60.1.0/24", AvailabilityZoneId="use1-az6")["Subnet"]
    assert (sub["AvailabilityZone"], sub["AvailabilityZoneId"]) == (x_name["use1-az6"], "use1-az6")
    by_name = x.create_subnet(VpcId=vpc_id, CidrBlock="10.60.2.0/24", AvailabilityZone="us-east-1c")["Subnet"]
    assert by_name["AvailabilityZone"] == "us-east-1c"
    assert by_name["AvailabilityZoneId"] == x_ids["us-east-1c"]
    found = x.describe_subnets(Filters=[{"Name": "availability-zone", "Values": [x_name["use1-az6"]]},
                                        {"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert [s["SubnetId"] for s in found] == [sub["SubnetId"]]

    ami = x.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["al2023-ami-*-x86_64"]}])
    (inst,) = x.run_instances(ImageId=ami["Images"][0]["ImageId"], InstanceType="t3.micro", MinCount=1,
                              MaxCount=1, SubnetId=sub["SubnetId"],
                              Placement={"AvailabilityZone": x_name["use1-az6"]})["Instances"]
    assert inst["Placement"]["AvailabilityZone"] == x_name["use1-az6"]
    assert inst["Placement"]["AvailabilityZoneId"] == "use1-az6"
    (eni,) = x.describe_network_interfaces(
        NetworkInterfaceIds=[inst["NetworkInterfaces"][0]["NetworkInterfaceId"]])["NetworkInterfaces"]
    assert (eni["AvailabilityZone"], eni["AvailabilityZoneId"]) == (x_name["use1-az6"], "use1-az6")
    in_zone = [{"Name": "availability-zone", "Values": [x_name["use1-az6"]]}]
    (vol,) = x.describe_volumes(Filters=in_zone)["Volumes"]
    assert vol["AvailabilityZoneId"] == "use1-az6"
    other = next(n for n, i in x_ids.items() if i != "use1-az6")
    with client_error("InvalidParameterValue"):
        x.run_instances(ImageId=ami["Images"][0]["ImageId"], InstanceType="t3.micro", MinCount=1, MaxCount=1,
                        SubnetId=sub["SubnetId"], Placement={"AvailabilityZone": other})
    (y_zone,) = y.describe_availability_zones(ZoneIds=["use1-az6"])["AvailabilityZones"]
    assert y_zone["ZoneName"] == {v: k for k, v in y_ids.items()}["use1-az6"]


def test_aws_cli_create_subnet_by_zone_id(server: Server) -> None:
    """``aws ec2 create-subnet --availability-zone-id use1-az6`` (an established emulator's test
    refused it; AWS accepts it: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html)."""
    ec2 = server.client(account=Y)
    vpc_id = ec2.create_vpc(CidrBlock="10.61.0.0/16")["Vpc"]["VpcId"]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": Y, "AWS_SECRET_ACCESS_KEY": "lab",
           "AWS_DEFAULT_REGION": "us-east-1"}
    run = subprocess.run([sys.executable, "-m", "awscli", "ec2", "--endpoint-url", server.url,
                          "--output", "json", "create-subnet", "--vpc-id", vpc_id,
                          "--cidr-block", "10.61.1.0/24", "--availability-zone-id", "use1-az6"],
                         capture_output=True, text=True, env=env, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    subnet: dict[str, Any] = json.loads(run.stdout)["Subnet"]
    assert subnet["AvailabilityZoneId"] == "use1-az6" and subnet["AvailabilityZone"] == {
        v: k for k, v in _ids(ec2).items()}["use1-az6"]
