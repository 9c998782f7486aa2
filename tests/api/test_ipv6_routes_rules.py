"""IPv6 routes, egress-only internet gateways, and IPv6 security group and network ACL rules through boto3."""

from __future__ import annotations

from .conftest import Server, client_error


def test_ipv6_routes_to_gateways(clean_server: Server) -> None:
    """CreateRoute / ReplaceRoute / DeleteRoute with DestinationIpv6CidrBlock; DescribeRouteTables shows
    DestinationIpv6CidrBlock and filters on route.destination-ipv6-cidr-block and
    route.egress-only-internet-gateway-id; an IPv4 route to an egress-only gateway is refused.

    AWS: CreateRoute (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html),
    "Enable outbound IPv6 traffic using an egress-only internet gateway"
    (https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html).
    """
    ec2 = clean_server.client(account="200000000061")
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    rtb = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    eigw = ec2.create_egress_only_internet_gateway(VpcId=vpc_id)["EgressOnlyInternetGateway"]
    eigw_id = eigw["EgressOnlyInternetGatewayId"]
    assert eigw["Attachments"] == [{"State": "attached", "VpcId": vpc_id}]
    ec2.create_route(RouteTableId=rtb, DestinationIpv6CidrBlock="::/0", GatewayId=igw)
    with client_error("RouteAlreadyExists"):
        ec2.create_route(RouteTableId=rtb, DestinationIpv6CidrBlock="::/0", GatewayId=igw)
    with client_error("InvalidParameterCombination"):
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0",
                         EgressOnlyInternetGatewayId=eigw_id)
    with client_error("InvalidParameterValue"):
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="::/0", GatewayId=igw)
    ec2.replace_route(RouteTableId=rtb, DestinationIpv6CidrBlock="::/0", EgressOnlyInternetGatewayId=eigw_id)
    [table] = ec2.describe_route_tables(
        Filters=[{"Name": "route.destination-ipv6-cidr-block", "Values": ["::/0"]},
                 {"Name": "route.egress-only-internet-gateway-id", "Values": [eigw_id]}])["RouteTables"]
    assert table["RouteTableId"] == rtb
    assert [r for r in table["Routes"] if "DestinationIpv6CidrBlock" in r] == [
        {"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": eigw_id, "Origin": "CreateRoute",
         "State": "active"}]
    ec2.delete_route(RouteTableId=rtb, DestinationIpv6CidrBlock="::/0")
    assert not ec2.describe_route_tables(
        Filters=[{"Name": "route.destination-ipv6-cidr-block", "Values": ["::/0"]}])["RouteTables"]
