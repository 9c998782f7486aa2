"""Site-to-Site VPN through boto3: customer gateways, VGWs, VPN connections, routes, propagation."""

from __future__ import annotations

from typing import Any

from .conftest import Server, client_error

ON_PREM = "vpclab:on-premises-cidrs"


def _vpc(ec2: Any, cidr: str = "10.0.0.0/16") -> tuple[str, str]:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    main = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"][0]["RouteTableId"]
    return vpc_id, main


def test_vpn_via_vgw_with_route_propagation(clean_server: Server) -> None:
    """A VGW attached to a VPC, a BGP VPN to a customer gateway whose networks come from the lab tag,
    and VGW route propagation: DescribeRouteTables shows the networks with Origin
    EnableVgwRoutePropagation; disabling propagation removes them.

    AWS: "Route propagation" (https://docs.aws.amazon.com/vpc/latest/userguide/WorkWithRouteTables.html#EnableDisableRouteProp)
    and "How AWS Site-to-Site VPN works" (https://docs.aws.amazon.com/vpn/latest/s2svpn/how_it_works.html).
    """
    ec2 = clean_server.client(account="400000000001")
    vpc_id, rtb_id = _vpc(ec2)
    cgw = ec2.create_customer_gateway(Type="ipsec.1", BgpAsn=65001, IpAddress="203.0.113.5")[
        "CustomerGateway"
    ]
    cgw_id = cgw["CustomerGatewayId"]
    assert cgw == {
        "CustomerGatewayId": cgw_id,
        "State": "available",
        "Type": "ipsec.1",
        "IpAddress": "203.0.113.5",
        "BgpAsn": "65001",
        "Tags": [],
    }
    # the lab knob, set after creation with CreateTags
    ec2.create_tags(Resources=[cgw_id], Tags=[{"Key": ON_PREM, "Value": "192.168.0.0/16, 172.20.0.0/16"}])
    with client_error("InvalidParameterValue"):
        ec2.create_tags(Resources=[cgw_id], Tags=[{"Key": ON_PREM, "Value": "not-a-cidr"}])
    vgw = ec2.create_vpn_gateway(
        Type="ipsec.1",
        AmazonSideAsn=64600,
        TagSpecifications=[{"ResourceType": "vpn-gateway", "Tags": [{"Key": "Name", "Value": "vgw"}]}],
    )["VpnGateway"]
    vgw_id = vgw["VpnGatewayId"]
    assert vgw["AmazonSideAsn"] == 64600 and vgw["VpcAttachments"] == []
    assert ec2.attach_vpn_gateway(VpcId=vpc_id, VpnGatewayId=vgw_id)["VpcAttachment"] == {
        "VpcId": vpc_id,
        "State": "attached",
    }
    [seen] = ec2.describe_vpn_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])[
        "VpnGateways"
    ]
    assert seen["VpnGatewayId"] == vgw_id and seen["Tags"] == [{"Key": "Name", "Value": "vgw"}]
    vpn = ec2.create_vpn_connection(CustomerGatewayId=cgw_id, Type="ipsec.1", VpnGatewayId=vgw_id)[
        "VpnConnection"
    ]
    assert vpn["State"] == "available" and vpn["Options"]["StaticRoutesOnly"] is False
    assert [t["Status"] for t in vpn["VgwTelemetry"]] == ["UP", "UP"]
    assert all(t["AcceptedRouteCount"] == 2 for t in vpn["VgwTelemetry"])

    ec2.enable_vgw_route_propagation(GatewayId=vgw_id, RouteTableId=rtb_id)
    [table] = ec2.describe_route_tables(RouteTableIds=[rtb_id])["RouteTables"]
    assert table["PropagatingVgws"] == [{"GatewayId": vgw_id}]
    propagated = [r for r in table["Routes"] if r["Origin"] == "EnableVgwRoutePropagation"]
    assert propagated == [
        {
            "DestinationCidrBlock": cidr,
            "GatewayId": vgw_id,
            "Origin": "EnableVgwRoutePropagation",
            "State": "active",
        }
        for cidr in ("192.168.0.0/16", "172.20.0.0/16")
    ]
    by_origin = ec2.describe_route_tables(
        Filters=[{"Name": "route.origin", "Values": ["EnableVgwRoutePropagation"]}]
    )["RouteTables"]
    assert [t["RouteTableId"] for t in by_origin] == [rtb_id]
    ec2.disable_vgw_route_propagation(GatewayId=vgw_id, RouteTableId=rtb_id)
    [table] = ec2.describe_route_tables(RouteTableIds=[rtb_id])["RouteTables"]
    assert not [r for r in table["Routes"] if r["Origin"] == "EnableVgwRoutePropagation"]

    with client_error("IncorrectState", "The customer gateway is in use."):
        ec2.delete_customer_gateway(CustomerGatewayId=cgw_id)
    with client_error("IncorrectState", "The VPN gateway is in use."):
        ec2.delete_vpn_gateway(VpnGatewayId=vgw_id)
    ec2.delete_vpn_connection(VpnConnectionId=vpn["VpnConnectionId"])
    [deleted] = ec2.describe_vpn_connections(VpnConnectionIds=[vpn["VpnConnectionId"]])["VpnConnections"]
    assert deleted["State"] == "deleted" and "VgwTelemetry" not in deleted
    ec2.detach_vpn_gateway(VpcId=vpc_id, VpnGatewayId=vgw_id)
    [detached] = ec2.describe_vpn_gateways(VpnGatewayIds=[vgw_id])["VpnGateways"]
    assert detached["VpcAttachments"] == [{"VpcId": vpc_id, "State": "detached"}]
    ec2.delete_vpn_gateway(VpnGatewayId=vgw_id)
    ec2.delete_customer_gateway(CustomerGatewayId=cgw_id)
    with client_error(
        "InvalidCustomerGatewayID.NotFound", f"The customerGateway ID '{cgw_id}' does not exist"
    ):
        ec2.describe_customer_gateways(CustomerGatewayIds=[cgw_id])


def test_static_vpn_routes(clean_server: Server) -> None:
    """A static-routes-only connection carries the routes of CreateVpnConnectionRoute; a BGP connection
    refuses them; deleting a route that does not exist is InvalidRoute.NotFound.

    AWS: "Static and dynamic routing" (https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNRoutingTypes.html),
    "CreateVpnConnectionRoute" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpnConnectionRoute.html).
    """
    ec2 = clean_server.client(account="400000000002")
    vpc_id, rtb_id = _vpc(ec2)
    cgw_id = ec2.create_customer_gateway(Type="ipsec.1", BgpAsn=65002, IpAddress="203.0.113.6")[
        "CustomerGateway"
    ]["CustomerGatewayId"]
    vgw_id = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    with client_error("Gateway.NotAttached", f"resource {vgw_id} is not attached to network {vpc_id}"):
        ec2.enable_vgw_route_propagation(GatewayId=vgw_id, RouteTableId=rtb_id)
    ec2.attach_vpn_gateway(VpcId=vpc_id, VpnGatewayId=vgw_id)
    vpn = ec2.create_vpn_connection(
        CustomerGatewayId=cgw_id,
        Type="ipsec.1",
        VpnGatewayId=vgw_id,
        Options={"StaticRoutesOnly": True},
        TagSpecifications=[{"ResourceType": "vpn-connection", "Tags": [{"Key": "site", "Value": "dc1"}]}],
    )["VpnConnection"]
    vpn_id = vpn["VpnConnectionId"]
    assert vpn["Options"]["StaticRoutesOnly"] is True
    ec2.create_vpn_connection_route(VpnConnectionId=vpn_id, DestinationCidrBlock="10.50.0.0/16")
    [found] = ec2.describe_vpn_connections(
        Filters=[
            {"Name": "tag:site", "Values": ["dc1"]},
            {"Name": "route.destination-cidr-block", "Values": ["10.50.0.0/16"]},
        ]
    )["VpnConnections"]
    assert found["Routes"] == [
        {"DestinationCidrBlock": "10.50.0.0/16", "Source": "Static", "State": "available"}
    ]
    ec2.enable_vgw_route_propagation(GatewayId=vgw_id, RouteTableId=rtb_id)
    [table] = ec2.describe_route_tables(RouteTableIds=[rtb_id])["RouteTables"]
    assert [
        r["DestinationCidrBlock"] for r in table["Routes"] if r["Origin"] == "EnableVgwRoutePropagation"
    ] == ["10.50.0.0/16"]
    with client_error("InvalidRoute.NotFound", "The specified route 10.60.0.0/16 does not exist"):
        ec2.delete_vpn_connection_route(VpnConnectionId=vpn_id, DestinationCidrBlock="10.60.0.0/16")
    ec2.delete_vpn_connection_route(VpnConnectionId=vpn_id, DestinationCidrBlock="10.50.0.0/16")
    cgw2 = ec2.create_customer_gateway(Type="ipsec.1", BgpAsn=65003, IpAddress="203.0.113.7")[
        "CustomerGateway"
    ]
    bgp = ec2.create_vpn_connection(
        CustomerGatewayId=cgw2["CustomerGatewayId"], Type="ipsec.1", VpnGatewayId=vgw_id
    )
    bgp_id = bgp["VpnConnection"]["VpnConnectionId"]
    with client_error(
        "InvalidVpnConnection.InvalidType",
        f"VPN connection {bgp_id} uses dynamic routing (BGP); static routes are allowed only "
        "when its StaticRoutesOnly option is true.",
    ):
        ec2.create_vpn_connection_route(VpnConnectionId=bgp_id, DestinationCidrBlock="10.70.0.0/16")
    with client_error(
        "InvalidCustomerGateway.DuplicateIpAddress", "Conflict among chosen gateway IP addresses."
    ):
        ec2.create_vpn_connection(CustomerGatewayId=cgw_id, Type="ipsec.1", VpnGatewayId=vgw_id)


def test_vpn_gateway_rules_and_visibility(clean_server: Server) -> None:
    """One VGW per VPC; another account sees none of this account's VPN resources.

    AWS: "Site-to-Site VPN quotas" (https://docs.aws.amazon.com/vpn/latest/s2svpn/vpn-limits.html).
    """
    ec2 = clean_server.client(account="400000000003")
    vpc_id, _ = _vpc(ec2)
    first = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    second = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpcId=vpc_id, VpnGatewayId=first)
    with client_error(
        "InvalidVpcState", f"VPC {vpc_id} is currently attached to the Virtual Private Gateway."
    ):
        ec2.attach_vpn_gateway(VpcId=vpc_id, VpnGatewayId=second)
    with client_error(
        "InvalidVpnGatewayAttachment.NotFound",
        f"The attachment with vpn gateway ID '{second}' and vpc ID '{vpc_id}' does not exist",
    ):
        ec2.detach_vpn_gateway(VpcId=vpc_id, VpnGatewayId=second)
    with client_error(
        "InvalidParameterValue",
        "Value (7224) for parameter bgpAsn is invalid. ASN 7224 is reserved in us-east-1.",
    ):
        ec2.create_customer_gateway(Type="ipsec.1", BgpAsn=7224, IpAddress="203.0.113.8")
    other = clean_server.client(account="400000000004")
    assert other.describe_vpn_gateways()["VpnGateways"] == []
    with client_error("InvalidVpnGatewayID.NotFound", f"The vpnGateway ID '{first}' does not exist"):
        other.describe_vpn_gateways(VpnGatewayIds=[first])
