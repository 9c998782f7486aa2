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


def test_ipv6_security_group_and_network_acl_rules(clean_server: Server) -> None:
    """AuthorizeSecurityGroupIngress with Ipv6Ranges; DescribeSecurityGroups shows Ipv6Ranges and filters on
    ip-permission.ipv6-cidr; DescribeSecurityGroupRules shows CidrIpv6; CreateNetworkAclEntry with
    Ipv6CidrBlock, DescribeNetworkAcls shows it and filters on entry.ipv6-cidr.

    AWS: IpPermission (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html),
    CreateNetworkAclEntry (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html).
    """
    ec2 = clean_server.client(account="200000000062")
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc_id)["GroupId"]
    out = ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
        "Ipv6Ranges": [{"CidrIpv6": "::/0", "Description": "web v6"}]}])
    assert out["SecurityGroupRules"][0]["CidrIpv6"] == "::/0"
    with client_error("InvalidParameterValue"):
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "Ipv6Ranges": [{"CidrIpv6": "10.0.0.0/8"}]}])
    [group] = ec2.describe_security_groups(
        Filters=[{"Name": "ip-permission.ipv6-cidr", "Values": ["::/0"]}])["SecurityGroups"]
    assert group["GroupId"] == sg
    assert group["IpPermissions"][0]["Ipv6Ranges"] == [{"CidrIpv6": "::/0", "Description": "web v6"}]
    rules = ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [sg]}])["SecurityGroupRules"]
    assert [r["CidrIpv6"] for r in rules if "CidrIpv6" in r] == ["::/0"]
    ec2.revoke_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])

    acl = ec2.create_network_acl(VpcId=vpc_id)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow",
                                 Egress=False, Ipv6CidrBlock="::/0", PortRange={"From": 443, "To": 443})
    with client_error("NetworkAclEntryAlreadyExists"):
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="-1", RuleAction="deny",
                                     Egress=False, CidrBlock="0.0.0.0/0")
    with client_error("MissingParameter"):
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=110, Protocol="-1", RuleAction="deny",
                                     Egress=False)
    [found] = ec2.describe_network_acls(
        Filters=[{"Name": "entry.ipv6-cidr", "Values": ["::/0"]}])["NetworkAcls"]
    assert found["NetworkAclId"] == acl
    [entry] = [e for e in found["Entries"] if e["RuleNumber"] == 100]
    assert entry == {"Egress": False, "Protocol": "6", "RuleAction": "allow", "RuleNumber": 100,
                     "Ipv6CidrBlock": "::/0", "PortRange": {"From": 443, "To": 443}}
