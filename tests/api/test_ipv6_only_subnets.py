"""IPv6-only subnets (CreateSubnet ``Ipv6Native``) through boto3 against a live ``vpclab serve``: create
one, launch an instance with an IPv6 address there, describe both; AWS's refusals come back as
EC2 errors.

AWS: CreateSubnet (Ipv6Native), Subnet (CidrBlock is the IPv4 block: an IPv6-only subnet has none),
RunInstances, DescribeSubnets filter ``ipv6-native``
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html,
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSubnets.html).
"""

from __future__ import annotations

from ipaddress import IPv6Address, IPv6Network
from typing import Any

from .conftest import Server, client_error


def _image(ec2: Any) -> str:
    [img] = ec2.describe_images(Owners=["amazon"], Filters=[
        {"Name": "name", "Values": ["al2023-ami-*"]},
        {"Name": "architecture", "Values": ["x86_64"]}])["Images"]
    return str(img["ImageId"])


def test_ipv6_only_subnet_and_instance(clean_server: Server) -> None:
    ec2 = clean_server.client(account="400000000009")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = IPv6Network(vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"])
    slash64 = str(list(block.subnets(new_prefix=64))[5])
    subnet = ec2.create_subnet(VpcId=vpc["VpcId"], Ipv6CidrBlock=slash64, Ipv6Native=True)["Subnet"]
    assert subnet["Ipv6Native"] is True and "CidrBlock" not in subnet
    assert subnet["PrivateDnsNameOptionsOnLaunch"]["HostnameType"] == "resource-name"
    assert subnet["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] == slash64

    [described] = ec2.describe_subnets(Filters=[{"Name": "ipv6-native", "Values": ["true"]}])["Subnets"]
    assert described["SubnetId"] == subnet["SubnetId"] and "CidrBlock" not in described

    with client_error("InvalidParameterCombination"):
        ec2.run_instances(ImageId=_image(ec2), InstanceType="t3.micro", MinCount=1, MaxCount=1,
                          SubnetId=subnet["SubnetId"])
    with client_error("InvalidParameterValue"):
        ec2.create_nat_gateway(SubnetId=subnet["SubnetId"], ConnectivityType="private")

    [inst] = ec2.run_instances(ImageId=_image(ec2), InstanceType="t3.micro", MinCount=1, MaxCount=1,
                               SubnetId=subnet["SubnetId"], Ipv6AddressCount=1)["Instances"]
    [r] = ec2.describe_instances(InstanceIds=[inst["InstanceId"]])["Reservations"]
    [shown] = r["Instances"]
    assert "PrivateIpAddress" not in shown
    assert shown["PrivateDnsName"].startswith(inst["InstanceId"])
    [eni] = shown["NetworkInterfaces"]
    assert "PrivateIpAddress" not in eni and eni["PrivateIpAddresses"] == []
    [addr] = eni["Ipv6Addresses"]
    assert IPv6Address(addr["Ipv6Address"]) in IPv6Network(slash64)
    found = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni["NetworkInterfaceId"]])
    [e] = found["NetworkInterfaces"]
    assert "PrivateIpAddress" not in e and e["Ipv6Address"] == addr["Ipv6Address"]
