"""Route tables, routes, internet and NAT gateways, Elastic IPs and tags through boto3."""

from __future__ import annotations

from typing import Any

from .conftest import Server, client_error


def _vpc_with_subnet(ec2: Any, cidr: str = "10.0.0.0/16", subnet: str = "10.0.1.0/24") -> tuple[str, str]:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=subnet)["Subnet"]["SubnetId"]
    return vpc_id, subnet_id


def test_route_tables_and_routes(clean_server: Server) -> None:
    """CreateRouteTable / AssociateRouteTable / CreateRoute / ReplaceRoute / DeleteRoute; a route whose
    internet gateway is detached turns into a blackhole (State from the effective routes).

    AWS: "Route tables for your VPC" (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html).
    """
    ec2 = clean_server.client(account="200000000001")
    vpc_id, subnet_id = _vpc_with_subnet(ec2)
    rt = ec2.create_route_table(
        VpcId=vpc_id,
        TagSpecifications=[{"ResourceType": "route-table", "Tags": [{"Key": "Name", "Value": "pub"}]}],
    )["RouteTable"]
    assert rt["Routes"] == [
        {
            "DestinationCidrBlock": "10.0.0.0/16",
            "GatewayId": "local",
            "Origin": "CreateRouteTable",
            "State": "active",
        }
    ]
    assoc = ec2.associate_route_table(RouteTableId=rt["RouteTableId"], SubnetId=subnet_id)
    assert assoc["AssociationState"] == {"State": "associated"}
    igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    out = ec2.create_route(
        RouteTableId=rt["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id
    )
    assert out["Return"] is True
    found = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])
    [table] = found["RouteTables"]
    assert table["RouteTableId"] == rt["RouteTableId"] and table["Tags"] == [{"Key": "Name", "Value": "pub"}]
    default = [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0"]
    assert default == [
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw_id, "Origin": "CreateRoute", "State": "active"}
    ]
    with client_error("RouteAlreadyExists"):
        ec2.create_route(RouteTableId=rt["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)
    ec2.detach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    states = ec2.describe_route_tables(
        RouteTableIds=[rt["RouteTableId"]], Filters=[{"Name": "route.state", "Values": ["blackhole"]}]
    )["RouteTables"]
    assert len(states) == 1
    ec2.delete_route(RouteTableId=rt["RouteTableId"], DestinationCidrBlock="0.0.0.0/0")
    main = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"]
    assert len(main) == 1 and main[0]["Associations"][0]["Main"] is True
    new = ec2.replace_route_table_association(
        AssociationId=assoc["AssociationId"], RouteTableId=main[0]["RouteTableId"]
    )
    assert new["NewAssociationId"].startswith("rtbassoc-")
    ec2.delete_route_table(RouteTableId=rt["RouteTableId"])
    with client_error(
        "InvalidRouteTableID.NotFound", f"The routeTable ID '{rt['RouteTableId']}' does not exist"
    ):
        ec2.describe_route_tables(RouteTableIds=[rt["RouteTableId"]])


def test_nat_gateway_and_elastic_ips(clean_server: Server) -> None:
    """AllocateAddress, CreateNatGateway with it, DescribeNatGateways / DescribeAddresses, the EIP in use.

    AWS: "NAT gateways" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html) and
    "Elastic IP addresses" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-eips.html).
    """
    ec2 = clean_server.client(account="200000000002")
    vpc_id, subnet_id = _vpc_with_subnet(ec2)
    igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    eip = ec2.allocate_address(Domain="vpc")
    assert eip["AllocationId"].startswith("eipalloc-") and eip["Domain"] == "vpc"
    nat = ec2.create_nat_gateway(
        SubnetId=subnet_id,
        AllocationId=eip["AllocationId"],
        TagSpecifications=[{"ResourceType": "natgateway", "Tags": [{"Key": "Name", "Value": "nat-a"}]}],
    )["NatGateway"]
    assert nat["State"] == "available" and nat["VpcId"] == vpc_id
    assert nat["NatGatewayAddresses"][0]["PublicIp"] == eip["PublicIp"]
    listed = ec2.describe_nat_gateways(Filter=[{"Name": "vpc-id", "Values": [vpc_id]}])["NatGateways"]
    assert [n["NatGatewayId"] for n in listed] == [nat["NatGatewayId"]]
    [addr] = ec2.describe_addresses(PublicIps=[eip["PublicIp"]])["Addresses"]
    assert addr["AllocationId"] == eip["AllocationId"] and addr["NetworkInterfaceId"]
    with client_error("InvalidAddress.NotFound", "Address '198.51.100.1' not found."):
        ec2.describe_addresses(PublicIps=["198.51.100.1"])
    assert ec2.delete_nat_gateway(NatGatewayId=nat["NatGatewayId"])["NatGatewayId"] == nat["NatGatewayId"]
    ec2.release_address(AllocationId=eip["AllocationId"])
    with client_error(
        "InvalidAllocationID.NotFound", f"The allocation ID '{eip['AllocationId']}' does not exist"
    ):
        ec2.describe_addresses(AllocationIds=[eip["AllocationId"]])


def test_internet_gateway_rules(clean_server: Server) -> None:
    """One internet gateway per VPC: attaching a second is InvalidParameterValue.

    AWS: "Internet gateways" (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html).
    """
    ec2 = clean_server.client(account="200000000003")
    vpc_id, _ = _vpc_with_subnet(ec2)
    first = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    second = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=first, VpcId=vpc_id)
    with client_error("InvalidParameterValue", f"Network {vpc_id} already has an internet gateway attached"):
        ec2.attach_internet_gateway(InternetGatewayId=second, VpcId=vpc_id)
    [igw] = ec2.describe_internet_gateways(InternetGatewayIds=[first])["InternetGateways"]
    assert igw["Attachments"] == [{"State": "available", "VpcId": vpc_id}]
    free = ec2.describe_internet_gateways(Filters=[{"Name": "internet-gateway-id", "Values": [second]}])
    assert free["InternetGateways"][0]["Attachments"] == []


def test_egress_only_internet_gateways(clean_server: Server) -> None:
    """Create, describe (by id, by tag) and delete an egress-only internet gateway through boto3.

    AWS: CreateEgressOnlyInternetGateway, DescribeEgressOnlyInternetGateways (tag filters),
    DeleteEgressOnlyInternetGateway (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/
    API_DescribeEgressOnlyInternetGateways.html).
    """
    ec2 = clean_server.client(account="200000000006")
    vpc_id, _ = _vpc_with_subnet(ec2)
    made = ec2.create_egress_only_internet_gateway(VpcId=vpc_id, TagSpecifications=[
        {"ResourceType": "egress-only-internet-gateway", "Tags": [{"Key": "Name", "Value": "v6-out"}]}])
    eigw = made["EgressOnlyInternetGateway"]
    eigw_id = eigw["EgressOnlyInternetGatewayId"]
    assert eigw_id.startswith("eigw-")
    assert eigw["Attachments"] == [{"State": "attached", "VpcId": vpc_id}]
    by_tag = ec2.describe_egress_only_internet_gateways(Filters=[{"Name": "tag:Name", "Values": ["v6-out"]}])
    assert [g["EgressOnlyInternetGatewayId"] for g in by_tag["EgressOnlyInternetGateways"]] == [eigw_id]
    done = ec2.delete_egress_only_internet_gateway(EgressOnlyInternetGatewayId=eigw_id)
    assert done["ReturnCode"] is True
    assert ec2.describe_egress_only_internet_gateways()["EgressOnlyInternetGateways"] == []
    with client_error("InvalidGatewayID.NotFound"):
        ec2.delete_egress_only_internet_gateway(EgressOnlyInternetGatewayId=eigw_id)


def test_tags(clean_server: Server) -> None:
    """CreateTags / DeleteTags / DescribeTags, with DescribeTags' filters and paging.

    AWS: "Tag your Amazon EC2 resources" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html).
    """
    ec2 = clean_server.client(account="200000000004")
    vpc_id, subnet_id = _vpc_with_subnet(ec2)
    ec2.create_tags(
        Resources=[vpc_id, subnet_id], Tags=[{"Key": "env", "Value": "lab"}, {"Key": "team", "Value": "net"}]
    )
    rows = ec2.describe_tags(Filters=[{"Name": "key", "Values": ["env"]}])["Tags"]
    assert rows == [
        {"Key": "env", "ResourceId": vpc_id, "ResourceType": "vpc", "Value": "lab"},
        {"Key": "env", "ResourceId": subnet_id, "ResourceType": "subnet", "Value": "lab"},
    ]
    only_subnets = ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["subnet"]}])["Tags"]
    assert {r["Key"] for r in only_subnets} == {"env", "team"}
    pages = list(ec2.get_paginator("describe_tags").paginate(PaginationConfig={"PageSize": 5}))
    assert sum(len(p["Tags"]) for p in pages) == 4
    ec2.delete_tags(Resources=[vpc_id], Tags=[{"Key": "env"}])
    assert ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]["Tags"] == [{"Key": "team", "Value": "net"}]
    with client_error("InvalidID", "The ID 'bogus-123' is not valid"):
        ec2.create_tags(Resources=["bogus-123"], Tags=[{"Key": "a", "Value": "b"}])
    other = clean_server.client(account="200000000005")
    assert other.describe_tags()["Tags"] == []
