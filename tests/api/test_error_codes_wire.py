"""Codes of AWS's "Error codes for the Amazon EC2 API" page through boto3 against ``vpclab serve``
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html): the new actions
(CreateDefaultSubnet, ModifyVpcTenancy) and the parameter-layer codes answer as AWS does."""

from __future__ import annotations

from .conftest import Server, client_error


def test_create_default_subnet(server: Server) -> None:
    """CreateDefaultSubnet: a /20 default subnet in a zone of the default VPC, one per zone
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateDefaultSubnet.html)."""
    ec2 = server.client(account="600000000001")
    [default] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [default["VpcId"]]}])["Subnets"]
    first = next(s for s in subnets if s["AvailabilityZone"] == "us-east-1a")
    with client_error(
        "DefaultSubnetAlreadyExistsInAvailabilityZone",
        f"'{first['SubnetId']}' is already the default subnet in {first['AvailabilityZoneId']}.",
    ):
        ec2.create_default_subnet(AvailabilityZone="us-east-1a")
    ec2.delete_subnet(SubnetId=first["SubnetId"])
    made = ec2.create_default_subnet(AvailabilityZone="us-east-1a")["Subnet"]
    assert (made["CidrBlock"], made["DefaultForAz"], made["MapPublicIpOnLaunch"]) == (
        first["CidrBlock"],
        True,
        True,
    )


def test_create_default_subnet_without_a_default_vpc(clean_server: Server) -> None:
    """No default VPC: DefaultVpcDoesNotExist
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateDefaultSubnet.html)."""
    ec2 = clean_server.client(account="600000000002")
    with client_error("DefaultVpcDoesNotExist", "No default VPC exists for this account in this region."):
        ec2.create_default_subnet(AvailabilityZone="us-east-1a")


def test_modify_vpc_tenancy_to_default(server: Server) -> None:
    """ModifyVpcTenancy: a dedicated VPC's tenancy changes to default
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcTenancy.html)."""
    ec2 = server.client(account="600000000003")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", InstanceTenancy="dedicated")["Vpc"]["VpcId"]
    assert ec2.modify_vpc_tenancy(VpcId=vpc, InstanceTenancy="default")["ReturnValue"] is True
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["InstanceTenancy"] == "default"


def test_malformed_ids_and_addresses_on_the_wire(server: Server) -> None:
    """…Malformed codes through the wire: a security group rule id, an attachment id, a public IP
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    ec2 = server.client(account="600000000004")
    with client_error("InvalidSecurityGroupRuleId.Malformed", 'Invalid id: "rule-1" (expecting "sgr-...")'):
        ec2.describe_security_group_rules(SecurityGroupRuleIds=["rule-1"])
    with client_error("InvalidNetworkInterfaceAttachmentId.Malformed"):
        ec2.detach_network_interface(AttachmentId="attach-1")
    with client_error("InvalidAddress.Malformed"):
        ec2.describe_addresses(PublicIps=["203.0.113"])
