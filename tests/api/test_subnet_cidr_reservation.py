"""Subnet CIDR reservations through boto3 and the aws CLI against a live ``vpclab serve``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from ipaddress import IPv6Network
from typing import Any

from .conftest import Server, client_error

ACCOUNT = "100000000093"


def _dual_stack_subnet(ec2: Any) -> tuple[str, IPv6Network]:
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    (vpc,) = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
    slash64 = next(IPv6Network(vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]).subnets(new_prefix=64))
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.9.1.0/24", Ipv6CidrBlock=str(slash64))["Subnet"]
    return subnet["SubnetId"], slash64


def test_reservations_lifecycle_and_address_assignment(server: Server) -> None:
    """Create (IPv4 and IPv6, both types, description and tags)/Get (two lists, filters)/Delete; an
    interface created in the subnet gets an address outside the reserved ranges.

    AWS CreateSubnetCidrReservation
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnetCidrReservation.html),
    GetSubnetCidrReservations
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetSubnetCidrReservations.html),
    "Subnet CIDR reservations" (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-cidr-reservation.html).
    """
    ec2 = server.client(account=ACCOUNT)
    subnet_id, slash64 = _dual_stack_subnet(ec2)
    tags = [{"ResourceType": "subnet-cidr-reservation", "Tags": [{"Key": "use", "Value": "pods"}]}]
    v4 = ec2.create_subnet_cidr_reservation(SubnetId=subnet_id, Cidr="10.9.1.0/26", ReservationType="prefix",
                                            Description="pods", TagSpecifications=tags)
    v4 = v4["SubnetCidrReservation"]
    assert v4["SubnetCidrReservationId"].startswith("scr-") and v4["OwnerId"] == ACCOUNT
    assert (v4["Cidr"], v4["ReservationType"], v4["Description"]) == ("10.9.1.0/26", "prefix", "pods")
    assert v4["Tags"] == [{"Key": "use", "Value": "pods"}]
    v6_block = str(next(slash64.subnets(new_prefix=80)))
    v6 = ec2.create_subnet_cidr_reservation(SubnetId=subnet_id, Cidr=v6_block,
                                            ReservationType="explicit")["SubnetCidrReservation"]
    got = ec2.get_subnet_cidr_reservations(SubnetId=subnet_id)
    assert got["SubnetIpv4CidrReservations"] == [v4] and got["SubnetIpv6CidrReservations"] == [v6]
    explicit = ec2.get_subnet_cidr_reservations(
        SubnetId=subnet_id, Filters=[{"Name": "reservationType", "Values": ["explicit"]}])
    assert explicit["SubnetIpv4CidrReservations"] == [] and explicit["SubnetIpv6CidrReservations"] == [v6]
    by_tag = ec2.get_subnet_cidr_reservations(SubnetId=subnet_id,
                                              Filters=[{"Name": "tag:use", "Values": ["pods"]}])
    assert by_tag["SubnetIpv4CidrReservations"] == [v4]
    eni = ec2.create_network_interface(SubnetId=subnet_id)["NetworkInterface"]
    assert eni["PrivateIpAddress"] == "10.9.1.64"

    with client_error("InvalidParameterValue"):
        ec2.create_subnet_cidr_reservation(SubnetId=subnet_id, Cidr="10.9.2.0/28", ReservationType="explicit")
    with client_error("InvalidSubnetID.NotFound"):
        ec2.get_subnet_cidr_reservations(SubnetId="subnet-0000000000000000a")
    deleted = ec2.delete_subnet_cidr_reservation(SubnetCidrReservationId=v4["SubnetCidrReservationId"])
    assert deleted["DeletedSubnetCidrReservation"] == v4
    with client_error("InvalidSubnetCidrReservationID.NotFound"):
        ec2.delete_subnet_cidr_reservation(SubnetCidrReservationId=v4["SubnetCidrReservationId"])
    assert ec2.get_subnet_cidr_reservations(SubnetId=subnet_id)["SubnetIpv4CidrReservations"] == []


def test_aws_cli_subnet_cidr_reservations(server: Server) -> None:
    """``aws ec2 create-subnet-cidr-reservation`` / ``get-subnet-cidr-reservations`` (AWS CLI reference;
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnetCidrReservation.html)."""
    ec2 = server.client(account=ACCOUNT)
    subnet_id, _ = _dual_stack_subnet(ec2)
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_SECRET_ACCESS_KEY": "lab",
           "AWS_DEFAULT_REGION": "us-east-1"}
    base = [sys.executable, "-m", "awscli", "ec2", "--endpoint-url", server.url, "--output", "json"]

    def aws(*args: str) -> Any:
        run = subprocess.run([*base, *args], capture_output=True, text=True, env=env, timeout=60, check=False)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    made = aws("create-subnet-cidr-reservation", "--subnet-id", subnet_id, "--cidr", "10.9.1.240/28",
               "--reservation-type", "explicit")["SubnetCidrReservation"]
    got = aws("get-subnet-cidr-reservations", "--subnet-id", subnet_id)
    assert got["SubnetIpv4CidrReservations"] == [made]
