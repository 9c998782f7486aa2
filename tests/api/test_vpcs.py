"""VPCs and subnets through boto3 against a live ``vpclab serve``: shapes, filters, paging, errors."""

from __future__ import annotations

from typing import Any

from .conftest import ACCOUNT_A, ACCOUNT_B, Server, client_error


def _tag(key: str, value: str, rtype: str = "vpc") -> list[dict[str, Any]]:
    return [{"ResourceType": rtype, "Tags": [{"Key": key, "Value": value}]}]


def test_create_and_describe_vpc(server: Server) -> None:
    """CreateVpc answers the VPC in boto3's shape; DescribeVpcs finds it by id and by filters.

    AWS: "CreateVpc" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpc.html) and
    "DescribeVpcs" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcs.html).
    """
    ec2 = server.client(account="100000000001")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=_tag("Name", "app"))["Vpc"]
    assert vpc["VpcId"].startswith("vpc-") and vpc["OwnerId"] == "100000000001"
    assert vpc["CidrBlock"] == "10.0.0.0/16" and vpc["State"] == "available" and vpc["IsDefault"] is False
    assert vpc["Tags"] == [{"Key": "Name", "Value": "app"}]
    assert vpc["CidrBlockAssociationSet"][0]["CidrBlockState"] == {"State": "associated"}
    by_id = ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"]
    assert by_id == [vpc]
    by_tag = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["ap*"]}])["Vpcs"]
    assert [v["VpcId"] for v in by_tag] == [vpc["VpcId"]]
    by_cidr = ec2.describe_vpcs(
        Filters=[
            {"Name": "cidr-block-association.cidr-block", "Values": ["10.0.0.0/16"]},
            {"Name": "is-default", "Values": ["false"]},
        ]
    )["Vpcs"]
    assert [v["VpcId"] for v in by_cidr] == [vpc["VpcId"]]
    assert ec2.describe_vpcs(Filters=[{"Name": "tag-key", "Values": ["Nope"]}])["Vpcs"] == []


def test_every_account_starts_with_a_default_vpc(server: Server) -> None:
    """A new account and Region has a default VPC 172.31.0.0/16 with a /20 default subnet per AZ,
    an attached internet gateway and 0.0.0.0/0 to it in the main route table.

    AWS: "Default VPCs" (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html).
    """
    ec2 = server.client(account="100000000002", region="eu-west-1")
    vpcs = ec2.describe_vpcs()["Vpcs"]
    assert [(v["CidrBlock"], v["IsDefault"]) for v in vpcs] == [("172.31.0.0/16", True)]
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
    assert (
        sorted(s["AvailabilityZone"] for s in subnets) == zones == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    )
    assert all(s["CidrBlock"].endswith("/20") and s["MapPublicIpOnLaunch"] for s in subnets)
    igw = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpcs[0]["VpcId"]]}]
    )["InternetGateways"]
    assert len(igw) == 1
    main = ec2.describe_route_tables(Filters=[{"Name": "association.main", "Values": ["true"]}])[
        "RouteTables"
    ][0]
    assert {
        "DestinationCidrBlock": "0.0.0.0/0",
        "GatewayId": igw[0]["InternetGatewayId"],
        "Origin": "CreateRoute",
        "State": "active",
    } in main["Routes"]


def test_no_default_vpc_flag(clean_server: Server) -> None:
    """``vpclab serve --no-default-vpc`` starts every account with no VPC (a clean-slate lab)."""
    assert clean_server.client().describe_vpcs()["Vpcs"] == []


def test_subnets_with_filters(server: Server) -> None:
    """CreateSubnet and DescribeSubnets by vpc-id, availability-zone and cidr-block.

    AWS: "DescribeSubnets" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSubnets.html).
    """
    ec2 = server.client(account="100000000003")
    vpc_id = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    a = ec2.create_subnet(
        VpcId=vpc_id,
        CidrBlock="10.1.1.0/24",
        AvailabilityZone="us-east-1a",
        TagSpecifications=_tag("tier", "web", "subnet"),
    )["Subnet"]
    b = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.1.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]
    # the account's own name → id mapping (AWS maps zone names to zone ids per account)
    ids = {z["ZoneName"]: z["ZoneId"] for z in ec2.describe_availability_zones()["AvailabilityZones"]}
    assert a["AvailableIpAddressCount"] == 251 and a["AvailabilityZoneId"] == ids["us-east-1a"]
    mine = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert [s["SubnetId"] for s in mine] == [a["SubnetId"], b["SubnetId"]]
    in_b = ec2.describe_subnets(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "availability-zone", "Values": ["us-east-1b"]},
        ]
    )["Subnets"]
    assert [s["SubnetId"] for s in in_b] == [b["SubnetId"]]
    web = ec2.describe_subnets(Filters=[{"Name": "tag:tier", "Values": ["web"]}])["Subnets"]
    assert [s["CidrBlock"] for s in web] == ["10.1.1.0/24"]
    ec2.modify_subnet_attribute(SubnetId=b["SubnetId"], MapPublicIpOnLaunch={"Value": True})
    assert ec2.describe_subnets(SubnetIds=[b["SubnetId"]])["Subnets"][0]["MapPublicIpOnLaunch"] is True
    ec2.delete_subnet(SubnetId=b["SubnetId"])
    with client_error("InvalidSubnetID.NotFound", f"The subnet ID '{b['SubnetId']}' does not exist"):
        ec2.describe_subnets(SubnetIds=[b["SubnetId"]])


def test_pagination(server: Server) -> None:
    """MaxResults/NextToken pages through every VPC exactly once; boto3's paginator follows it.

    AWS: "Pagination" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html#api-pagination).
    """
    ec2 = server.client(account="100000000004")
    made = [ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"] for i in range(12)]
    first = ec2.describe_vpcs(MaxResults=5)
    assert len(first["Vpcs"]) == 5 and "NextToken" in first
    pages = list(ec2.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": 5}))
    seen = [v["VpcId"] for p in pages for v in p["Vpcs"]]
    assert len(pages) == 3 and len(seen) == 13 and len(set(seen)) == 13  # + the default VPC
    assert set(made) <= set(seen)
    with client_error("InvalidNextToken"):
        ec2.describe_vpcs(MaxResults=5, NextToken="not-a-token")


def test_aws_errors_arrive_in_client_error(server: Server) -> None:
    """AWS's codes and messages reach botocore's ClientError with HTTP 400.

    AWS: "Error codes for the Amazon EC2 API" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
    """
    ec2 = server.client(account="100000000005")
    with client_error("InvalidVpc.Range", "The CIDR '10.0.0.0/8' is invalid."):
        ec2.create_vpc(CidrBlock="10.0.0.0/8")
    vpc_id = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.2.0.0/24")
    with client_error("InvalidSubnet.Conflict", "The CIDR '10.2.0.128/25' conflicts with another subnet"):
        ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.2.0.128/25")
    with client_error("InvalidVpcID.NotFound", "The vpc ID 'vpc-0123456789abcdef0' does not exist"):
        ec2.describe_vpcs(VpcIds=["vpc-0123456789abcdef0"])
    with client_error("InvalidParameterValue", "The filter 'nonsense' is invalid"):
        ec2.describe_vpcs(Filters=[{"Name": "nonsense", "Values": ["x"]}])
    with client_error("DependencyViolation", f"The vpc '{vpc_id}' has dependencies and cannot be deleted."):
        ec2.delete_vpc(VpcId=vpc_id)
    with client_error(
        "InvalidParameterValue", "'subnet' is not a valid taggable resource type for this operation."
    ):
        ec2.create_vpc(CidrBlock="10.3.0.0/16", TagSpecifications=_tag("a", "b", "subnet"))
    assert len(ec2.describe_vpcs()["Vpcs"]) == 2  # the default VPC and 10.2.0.0/16: nothing half-made


def test_vpc_cidr_blocks_and_attributes(server: Server) -> None:
    """AssociateVpcCidrBlock / DisassociateVpcCidrBlock, ModifyVpcAttribute / DescribeVpcAttribute.

    AWS: "AssociateVpcCidrBlock" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateVpcCidrBlock.html).
    """
    ec2 = server.client(account="100000000006")
    vpc_id = ec2.create_vpc(CidrBlock="10.4.0.0/16")["Vpc"]["VpcId"]
    out = ec2.associate_vpc_cidr_block(VpcId=vpc_id, CidrBlock="10.5.0.0/16")
    assert out["VpcId"] == vpc_id and out["CidrBlockAssociation"]["CidrBlock"] == "10.5.0.0/16"
    assoc_id = out["CidrBlockAssociation"]["AssociationId"]
    found = ec2.describe_vpcs(
        Filters=[{"Name": "cidr-block-association.cidr-block", "Values": ["10.5.0.0/16"]}]
    )
    assert [v["VpcId"] for v in found["Vpcs"]] == [vpc_id]
    gone = ec2.disassociate_vpc_cidr_block(AssociationId=assoc_id)
    assert (
        gone["VpcId"] == vpc_id and gone["CidrBlockAssociation"]["CidrBlockState"]["State"] == "disassociated"
    )
    assert ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")["EnableDnsHostnames"] == {
        "Value": False
    }
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    assert ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")["EnableDnsHostnames"] == {
        "Value": True
    }


def test_dry_run(server: Server) -> None:
    """DryRun answers DryRunOperation (HTTP 412) and creates nothing.

    AWS: "DryRun" in "Common parameters" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/CommonParameters.html).
    """
    ec2 = server.client(account="100000000007")
    with client_error("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", status=412):
        ec2.create_vpc(CidrBlock="10.9.0.0/16", DryRun=True)
    assert [v["IsDefault"] for v in ec2.describe_vpcs()["Vpcs"]] == [True]


def test_accounts_do_not_see_each_other(server: Server) -> None:
    """A second account sees nothing of the first's VPCs and cannot delete them.

    AWS: "Identity and access management for Amazon VPC" (https://docs.aws.amazon.com/vpc/latest/userguide/security-iam.html).
    """
    a, b = server.client(account=ACCOUNT_A), server.client(account=ACCOUNT_B)
    vpc_id = a.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    assert vpc_id not in [v["VpcId"] for v in b.describe_vpcs()["Vpcs"]]
    with client_error("InvalidVpcID.NotFound", f"The vpc ID '{vpc_id}' does not exist"):
        b.delete_vpc(VpcId=vpc_id)
    other_region = server.client(account=ACCOUNT_A, region="us-west-2")
    assert vpc_id not in [v["VpcId"] for v in other_region.describe_vpcs()["Vpcs"]]
    assert vpc_id in [v["VpcId"] for v in a.describe_vpcs()["Vpcs"]]


def test_sts_get_caller_identity(server: Server) -> None:
    """STS GetCallerIdentity names the account of the access key id (vpclab's convention)."""
    ident = server.client("sts", account="123412341234").get_caller_identity()
    assert ident["Account"] == "123412341234" and ident["Arn"] == "arn:aws:iam::123412341234:root"


def test_regions_and_zones(server: Server) -> None:
    """DescribeRegions and DescribeAvailabilityZones with AWS's zone names and zone ids."""
    ec2 = server.client(region="us-west-1")
    assert "eu-west-1" in [r["RegionName"] for r in ec2.describe_regions()["Regions"]]
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    # the Region's names, in order; which id each name is depends on the account (AWS maps per account)
    assert [z["ZoneName"] for z in zones] == ["us-west-1a", "us-west-1c"]
    assert sorted(z["ZoneId"] for z in zones) == ["usw1-az1", "usw1-az3"]
    with client_error("InvalidParameterValue", "The zone 'us-west-1b' does not exist."):
        ec2.describe_availability_zones(ZoneNames=["us-west-1b"])
