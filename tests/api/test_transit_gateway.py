"""Transit gateways through boto3: hub and spoke, route tables, propagation, routes, peering, VPN."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from .conftest import Server, client_error

CIDRS = ("10.1.0.0/16", "10.2.0.0/16")


def _spoke(ec2: Any, cidr: str) -> tuple[str, str]:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = cidr.replace(".0.0/16", ".1.0/24")
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=subnet, AvailabilityZone="us-east-1a")["Subnet"][
        "SubnetId"
    ]
    return vpc_id, subnet_id


def _hub(ec2: Any) -> tuple[dict[str, Any], list[str], list[str]]:
    tgw = ec2.create_transit_gateway(
        Description="hub",
        TagSpecifications=[{"ResourceType": "transit-gateway", "Tags": [{"Key": "Name", "Value": "hub"}]}],
    )["TransitGateway"]
    vpcs, atts = [], []
    for cidr in CIDRS:
        vpc_id, subnet_id = _spoke(ec2, cidr)
        att = ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc_id, SubnetIds=[subnet_id]
        )["TransitGatewayVpcAttachment"]
        vpcs.append(vpc_id)
        atts.append(att["TransitGatewayAttachmentId"])
    return tgw, vpcs, atts


def test_hub_and_spoke_default_association_and_propagation(clean_server: Server) -> None:
    """Two VPCs attached to a transit gateway with default association and propagation: both are
    associated with the default route table and SearchTransitGatewayRoutes shows both CIDRs propagated.

    AWS: "Example: Centralized router" (https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-centralized-router.html)
    and "Transit gateway route tables" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html).
    """
    ec2 = clean_server.client(account="300000000001")
    tgw, vpcs, atts = _hub(ec2)
    opts = tgw["Options"]
    rtb_id = opts["AssociationDefaultRouteTableId"]
    assert opts["PropagationDefaultRouteTableId"] == rtb_id
    assert {k: opts[k] for k in ("AmazonSideAsn", "DefaultRouteTableAssociation", "VpnEcmpSupport")} == {
        "AmazonSideAsn": 64512,
        "DefaultRouteTableAssociation": "enable",
        "VpnEcmpSupport": "enable",
    }
    assert tgw["TransitGatewayArn"].endswith(f":transit-gateway/{tgw['TransitGatewayId']}")
    [found] = ec2.describe_transit_gateways(Filters=[{"Name": "tag:Name", "Values": ["hub"]}])[
        "TransitGateways"
    ]
    assert found["TransitGatewayId"] == tgw["TransitGatewayId"] and found["State"] == "available"

    out = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=rtb_id, Filters=[{"Name": "type", "Values": ["propagated"]}]
    )
    assert out["AdditionalRoutesAvailable"] is False
    assert out["Routes"] == [
        {
            "DestinationCidrBlock": cidr,
            "TransitGatewayAttachments": [
                {"ResourceId": vpc, "TransitGatewayAttachmentId": att, "ResourceType": "vpc"}
            ],
            "Type": "propagated",
            "State": "active",
        }
        for cidr, vpc, att in zip(CIDRS, vpcs, atts, strict=True)
    ]
    limited = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=rtb_id, Filters=[{"Name": "state", "Values": ["active"]}], MaxResults=5
    )
    assert len(limited["Routes"]) == 2 and limited["AdditionalRoutesAvailable"] is False

    all_atts = ec2.describe_transit_gateway_attachments(
        Filters=[{"Name": "transit-gateway-id", "Values": [tgw["TransitGatewayId"]]}]
    )["TransitGatewayAttachments"]
    assert {a["ResourceId"]: a["Association"] for a in all_atts} == {
        vpc: {"TransitGatewayRouteTableId": rtb_id, "State": "associated"} for vpc in vpcs
    }
    assoc = ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=rtb_id)[
        "Associations"
    ]
    assert sorted(a["TransitGatewayAttachmentId"] for a in assoc) == sorted(atts)
    props = ec2.get_transit_gateway_route_table_propagations(
        TransitGatewayRouteTableId=rtb_id, Filters=[{"Name": "resource-id", "Values": [vpcs[0]]}]
    )["TransitGatewayRouteTablePropagations"]
    assert props == [
        {
            "TransitGatewayAttachmentId": atts[0],
            "ResourceId": vpcs[0],
            "ResourceType": "vpc",
            "State": "enabled",
        }
    ]
    assert ec2.get_transit_gateway_attachment_propagations(TransitGatewayAttachmentId=atts[1])[
        "TransitGatewayAttachmentPropagations"
    ] == [{"TransitGatewayRouteTableId": rtb_id, "State": "enabled"}]
    [vpc_att] = ec2.describe_transit_gateway_vpc_attachments(
        Filters=[{"Name": "vpc-id", "Values": [vpcs[1]]}]
    )["TransitGatewayVpcAttachments"]
    assert vpc_att["TransitGatewayAttachmentId"] == atts[1] and vpc_att["State"] == "available"
    assert vpc_att["Options"]["DnsSupport"] == "enable"


def test_route_tables_routes_and_errors(clean_server: Server) -> None:
    """A second route table: associate after disassociating, static and blackhole routes, and AWS's
    errors for a second association, a duplicate attachment, a missing route and a busy gateway.

    AWS: "Transit gateway route tables" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html),
    "Transit gateway attachments to a VPC" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html).
    """
    ec2 = clean_server.client(account="300000000002")
    tgw, vpcs, atts = _hub(ec2)
    tgw_id = tgw["TransitGatewayId"]
    default_rtb = tgw["Options"]["AssociationDefaultRouteTableId"]
    rtb = ec2.create_transit_gateway_route_table(
        TransitGatewayId=tgw_id,
        TagSpecifications=[
            {"ResourceType": "transit-gateway-route-table", "Tags": [{"Key": "Name", "Value": "isolated"}]}
        ],
    )["TransitGatewayRouteTable"]
    rtb_id = rtb["TransitGatewayRouteTableId"]
    assert rtb["DefaultAssociationRouteTable"] is False and rtb["State"] == "available"
    with client_error(
        "Resource.AlreadyAssociated",
        f"Transit Gateway Attachment {atts[0]} is already associated to a route table.",
    ):
        ec2.associate_transit_gateway_route_table(
            TransitGatewayRouteTableId=rtb_id, TransitGatewayAttachmentId=atts[0]
        )
    with client_error(
        "InvalidparameterValue",
        f"Transit Gateway Attachment {atts[0]} is not associated with route table {rtb_id}.",
    ):
        ec2.disassociate_transit_gateway_route_table(
            TransitGatewayRouteTableId=rtb_id, TransitGatewayAttachmentId=atts[0]
        )
    out = ec2.disassociate_transit_gateway_route_table(
        TransitGatewayRouteTableId=default_rtb, TransitGatewayAttachmentId=atts[0]
    )["Association"]
    assert out["State"] == "disassociated"
    out = ec2.associate_transit_gateway_route_table(
        TransitGatewayRouteTableId=rtb_id, TransitGatewayAttachmentId=atts[0]
    )["Association"]
    assert out == {
        "TransitGatewayRouteTableId": rtb_id,
        "TransitGatewayAttachmentId": atts[0],
        "ResourceId": vpcs[0],
        "ResourceType": "vpc",
        "State": "associated",
    }
    prop = ec2.enable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=rtb_id, TransitGatewayAttachmentId=atts[1]
    )["Propagation"]
    assert prop["State"] == "enabled" and prop["TransitGatewayRouteTableId"] == rtb_id
    with client_error(
        "TransitGatewayRouteTablePropagation.Duplicate",
        f"Propagation {atts[1]} already exists in Transit Gateway Route Table {rtb_id}.",
    ):
        ec2.enable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=rtb_id, TransitGatewayAttachmentId=atts[1]
        )
    route = ec2.create_transit_gateway_route(
        TransitGatewayRouteTableId=rtb_id,
        DestinationCidrBlock="0.0.0.0/0",
        TransitGatewayAttachmentId=atts[1],
    )["Route"]
    assert route["Type"] == "static" and route["State"] == "active"
    hole = ec2.create_transit_gateway_route(
        TransitGatewayRouteTableId=rtb_id, DestinationCidrBlock="192.168.0.0/16", Blackhole=True
    )["Route"]
    assert hole == {"DestinationCidrBlock": "192.168.0.0/16", "Type": "static", "State": "blackhole"}
    with client_error(
        "RouteAlreadyExists", f"Route 0.0.0.0/0 already exists in Transit Gateway Route Table {rtb_id}."
    ):
        ec2.create_transit_gateway_route(
            TransitGatewayRouteTableId=rtb_id, DestinationCidrBlock="0.0.0.0/0", Blackhole=True
        )
    replaced = ec2.replace_transit_gateway_route(
        TransitGatewayRouteTableId=rtb_id, DestinationCidrBlock="0.0.0.0/0", Blackhole=True
    )["Route"]
    assert replaced["State"] == "blackhole"
    static = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=rtb_id, Filters=[{"Name": "type", "Values": ["static"]}]
    )["Routes"]
    assert [r["DestinationCidrBlock"] for r in static] == ["0.0.0.0/0", "192.168.0.0/16"]
    deleted = ec2.delete_transit_gateway_route(
        TransitGatewayRouteTableId=rtb_id, DestinationCidrBlock="0.0.0.0/0"
    )
    assert deleted["Route"]["State"] == "deleted"
    with client_error(
        "InvalidRoute.NotFound",
        f"The route 0.0.0.0/0 does not exist in Transit Gateway Route Table {rtb_id}.",
    ):
        ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=rtb_id, DestinationCidrBlock="0.0.0.0/0")
    subnet_id = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpcs[0]]}])["Subnets"][0][
        "SubnetId"
    ]
    with client_error(
        "DuplicateTransitGatewayAttachment",
        f"{tgw_id} has non-deleted Transit Gateway Attachments with same VPC ID.",
    ):
        ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw_id, VpcId=vpcs[0], SubnetIds=[subnet_id]
        )
    with client_error("IncorrectState", f"{rtb_id} has associated attachments"):
        ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=rtb_id)
    with client_error("IncorrectState", f"{tgw_id} has non-deleted VPC Attachments: {', '.join(atts)}."):
        ec2.delete_transit_gateway(TransitGatewayId=tgw_id)
    for att in atts:
        gone = ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att)
        assert gone["TransitGatewayVpcAttachment"]["State"] == "deleting"
    assert (
        ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=rtb_id)["TransitGatewayRouteTable"][
            "State"
        ]
        == "deleting"
    )
    assert ec2.delete_transit_gateway(TransitGatewayId=tgw_id)["TransitGateway"]["State"] == "deleting"
    with client_error(
        "InvalidTransitGatewayID.NotFound", f"Transit Gateway {tgw_id} was deleted or does not exist."
    ):
        ec2.describe_transit_gateways(TransitGatewayIds=[tgw_id])


def test_modify_transit_gateway_options(clean_server: Server) -> None:
    """ModifyTransitGateway moves the default association table; disabling it with a table id is refused.

    AWS: "ModifyTransitGateway" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyTransitGateway.html).
    """
    ec2 = clean_server.client(account="300000000003")
    tgw = ec2.create_transit_gateway(Options={"AmazonSideAsn": 64600, "VpnEcmpSupport": "disable"})[
        "TransitGateway"
    ]
    tgw_id = tgw["TransitGatewayId"]
    assert tgw["Options"]["AmazonSideAsn"] == 64600 and tgw["Options"]["VpnEcmpSupport"] == "disable"
    rtb_id = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw_id)["TransitGatewayRouteTable"][
        "TransitGatewayRouteTableId"
    ]
    with client_error(
        "InvalidParameterCombination",
        f"disable DefaultRouteTableAssociation conflicts with AssociationDefaultRouteTableId {rtb_id}",
    ):
        ec2.modify_transit_gateway(
            TransitGatewayId=tgw_id,
            Options={"DefaultRouteTableAssociation": "disable", "AssociationDefaultRouteTableId": rtb_id},
        )
    new = ec2.modify_transit_gateway(
        TransitGatewayId=tgw_id, Description="moved", Options={"AssociationDefaultRouteTableId": rtb_id}
    )["TransitGateway"]
    assert new["Options"]["AssociationDefaultRouteTableId"] == rtb_id and new["Description"] == "moved"
    tables = ec2.describe_transit_gateway_route_tables(
        Filters=[
            {"Name": "transit-gateway-id", "Values": [tgw_id]},
            {"Name": "default-association-route-table", "Values": ["true"]},
        ]
    )["TransitGatewayRouteTables"]
    assert [t["TransitGatewayRouteTableId"] for t in tables] == [rtb_id]


def test_peering_attachment_across_accounts_and_regions(clean_server: Server) -> None:
    """A peering attachment waits in pendingAcceptance for the peer's owner, in the peer Region; each
    side describes it from its own gateway.

    AWS: "Transit gateway peering attachments" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html).
    """
    east = clean_server.client(account="300000000004", region="us-east-1")
    west = clean_server.client(account="300000000005", region="us-west-2")
    tgw_a = east.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    tgw_b = west.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    peering = east.create_transit_gateway_peering_attachment(
        TransitGatewayId=tgw_a,
        PeerTransitGatewayId=tgw_b,
        PeerAccountId="300000000005",
        PeerRegion="us-west-2",
    )["TransitGatewayPeeringAttachment"]
    att_id = peering["TransitGatewayAttachmentId"]
    assert peering["State"] == "pendingAcceptance"
    assert peering["RequesterTgwInfo"] == {
        "TransitGatewayId": tgw_a,
        "OwnerId": "300000000004",
        "Region": "us-east-1",
    }
    assert peering["AccepterTgwInfo"] == {
        "TransitGatewayId": tgw_b,
        "OwnerId": "300000000005",
        "Region": "us-west-2",
    }
    with client_error(
        "InvalidParameterValue", f"Cannot accept {att_id} as the source of the peering request."
    ):
        east.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=att_id)
    [seen] = west.describe_transit_gateway_peering_attachments(
        Filters=[{"Name": "state", "Values": ["pendingAcceptance"]}]
    )["TransitGatewayPeeringAttachments"]
    assert seen["TransitGatewayAttachmentId"] == att_id
    accepted = west.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=att_id)[
        "TransitGatewayPeeringAttachment"
    ]
    assert accepted["State"] == "available" and accepted["Status"] == {
        "Code": "available",
        "Message": "Available",
    }
    [mine] = west.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[att_id])[
        "TransitGatewayAttachments"
    ]
    assert (mine["TransitGatewayId"], mine["ResourceId"], mine["ResourceType"]) == (tgw_b, tgw_a, "peering")
    assert mine["TransitGatewayOwnerId"] == "300000000005" and mine["ResourceOwnerId"] == "300000000004"
    [theirs] = east.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[att_id])[
        "TransitGatewayAttachments"
    ]
    assert (theirs["TransitGatewayId"], theirs["ResourceId"]) == (tgw_a, tgw_b)
    assert theirs["Association"]["State"] == "associated"
    other = clean_server.client(account="300000000006")
    with client_error(
        "InvalidTransitGatewayAttachmentID.NotFound",
        f"Transit Gateway Attachment {att_id} was deleted or does not exist.",
    ):
        other.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[att_id])
    gone = east.delete_transit_gateway_peering_attachment(TransitGatewayAttachmentId=att_id)
    assert gone["TransitGatewayPeeringAttachment"]["State"] == "deleting"


def test_vpn_to_transit_gateway_is_an_attachment(clean_server: Server) -> None:
    """CreateVpnConnection(TransitGatewayId=…) makes a VPN attachment, associated and propagating by
    default; with BGP it propagates the customer gateway's networks (the vpclab:on-premises-cidrs tag).

    AWS: "Transit gateway VPN attachments" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpn-attachments.html).
    """
    ec2 = clean_server.client(account="300000000007")
    tgw, _vpcs, _atts = _hub(ec2)
    cgw = ec2.create_customer_gateway(
        Type="ipsec.1",
        BgpAsn=65010,
        IpAddress="198.51.100.10",
        TagSpecifications=[
            {
                "ResourceType": "customer-gateway",
                "Tags": [{"Key": "vpclab:on-premises-cidrs", "Value": "192.168.0.0/20"}],
            }
        ],
    )["CustomerGateway"]
    vpn = ec2.create_vpn_connection(
        CustomerGatewayId=cgw["CustomerGatewayId"], Type="ipsec.1", TransitGatewayId=tgw["TransitGatewayId"]
    )["VpnConnection"]
    assert vpn["TransitGatewayId"] == tgw["TransitGatewayId"]
    [att] = ec2.describe_transit_gateway_attachments(Filters=[{"Name": "resource-type", "Values": ["vpn"]}])[
        "TransitGatewayAttachments"
    ]
    assert att["ResourceId"] == vpn["VpnConnectionId"] and att["State"] == "available"
    rtb_id = tgw["Options"]["AssociationDefaultRouteTableId"]
    assert att["Association"] == {"TransitGatewayRouteTableId": rtb_id, "State": "associated"}
    routes = ec2.search_transit_gateway_routes(
        TransitGatewayRouteTableId=rtb_id, Filters=[{"Name": "attachment.resource-type", "Values": ["vpn"]}]
    )["Routes"]
    assert [(r["DestinationCidrBlock"], r["Type"]) for r in routes] == [("192.168.0.0/20", "propagated")]


def test_aws_cli_describe_transit_gateways(clean_server: Server) -> None:
    """The aws CLI (v1) lists transit gateways in boto3's shape."""
    account = "300000000008"
    clean_server.client(account=account).create_transit_gateway(Description="cli")
    env = {
        "AWS_ACCESS_KEY_ID": account,
        "AWS_SECRET_ACCESS_KEY": "lab",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
    }
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "ec2",
            "describe-transit-gateways",
            "--endpoint-url",
            clean_server.url,
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    [tgw] = json.loads(out.stdout)["TransitGateways"]
    assert tgw["Description"] == "cli" and tgw["OwnerId"] == account
