"""Direct Connect through boto3's and the aws CLI's "directconnect" client (AWS JSON 1.1) against a
live ``vpclab serve``, and the transit gateway side through EC2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from .conftest import Server, client_error
from .test_ssm import raw_json

OWNER, OTHER = "810000000001", "810000000002"
TAG = "vpclab:on-premises-cidrs"


def _setup(server: Server, account: str) -> tuple[Any, Any, str, str]:
    dx, ec2 = server.client("directconnect", account=account), server.client(account=account)
    dxgw = dx.create_direct_connect_gateway(
        directConnectGatewayName="corp", amazonSideAsn=65000, tags=[{"key": "team", "value": "net"}]
    )["directConnectGateway"]
    tgw = ec2.create_transit_gateway(Options={"AmazonSideAsn": 64512})["TransitGateway"]["TransitGatewayId"]
    return dx, ec2, dxgw["directConnectGatewayId"], tgw


def test_tgw_association_attachment_routes_and_failover(clean_server: Server) -> None:
    """A Direct Connect gateway associated with a transit gateway appears as an attachment of type
    direct-connect-gateway in DescribeTransitGatewayAttachments; it can be associated with and
    propagate into a route table of the operator's choosing; the on-premises prefixes of a transit
    virtual interface (lab tag) propagate; StartBgpFailoverTest withdraws them and
    StopBgpFailoverTest brings them back.

    AWS: "Transit gateway associations"
    (https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-transit-gateways.html),
    "Transit gateway attachments to a Direct Connect gateway"
    (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-dcg-attachments.html), StartBgpFailoverTest
    (https://docs.aws.amazon.com/directconnect/latest/APIReference/API_StartBgpFailoverTest.html).
    """
    dx, ec2, dxgw_id, tgw = _setup(clean_server, OWNER)
    [gw] = dx.describe_direct_connect_gateways(directConnectGatewayId=dxgw_id)["directConnectGateways"]
    assert (gw["directConnectGatewayName"], gw["amazonSideAsn"], gw["ownerAccount"]) == ("corp", 65000, OWNER)
    assert gw["directConnectGatewayState"] == "available" and gw["tags"] == [{"key": "team", "value": "net"}]
    # global: the owner sees it from another Region too
    west = clean_server.client("directconnect", account=OWNER, region="eu-west-1")
    assert [
        g["directConnectGatewayId"] for g in west.describe_direct_connect_gateways()["directConnectGateways"]
    ] == [dxgw_id]
    assoc = dx.create_direct_connect_gateway_association(
        directConnectGatewayId=dxgw_id,
        gatewayId=tgw,
        addAllowedPrefixesToDirectConnectGateway=[{"cidr": "10.0.0.0/8"}],
    )["directConnectGatewayAssociation"]
    assert assoc["associationState"] == "associated"
    assert assoc["associatedGateway"] == {
        "id": tgw,
        "type": "transitGateway",
        "ownerAccount": OWNER,
        "region": "us-east-1",
    }
    [att] = ec2.describe_transit_gateway_attachments(
        Filters=[{"Name": "resource-type", "Values": ["direct-connect-gateway"]}]
    )["TransitGatewayAttachments"]
    assert (att["ResourceId"], att["TransitGatewayId"], att["State"]) == (dxgw_id, tgw, "available")
    att_id, default_rtb = att["TransitGatewayAttachmentId"], att["Association"]["TransitGatewayRouteTableId"]
    # move it to a route table of its own, propagating there
    rtb = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)["TransitGatewayRouteTable"][
        "TransitGatewayRouteTableId"
    ]
    ec2.disassociate_transit_gateway_route_table(
        TransitGatewayRouteTableId=default_rtb, TransitGatewayAttachmentId=att_id
    )
    ec2.associate_transit_gateway_route_table(
        TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=att_id
    )
    ec2.enable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=att_id
    )
    con = dx.create_connection(location="EqDC2", bandwidth="10Gbps", connectionName="primary")
    assert con["connectionState"] == "available" and con["connectionId"].startswith("dxcon-")
    vif = dx.create_transit_virtual_interface(
        connectionId=con["connectionId"],
        newTransitVirtualInterface={
            "virtualInterfaceName": "transit-1",
            "vlan": 101,
            "asn": 65100,
            "directConnectGatewayId": dxgw_id,
            "tags": [{"key": TAG, "value": "192.168.0.0/16"}],
        },
    )["virtualInterface"]
    assert vif["virtualInterfaceType"] == "transit" and vif["bgpPeers"][0]["bgpStatus"] == "up"
    assert vif["amazonSideAsn"] == 65000

    def propagated(table: str) -> list[str]:
        routes = ec2.search_transit_gateway_routes(
            TransitGatewayRouteTableId=table, Filters=[{"Name": "type", "Values": ["propagated"]}]
        )["Routes"]
        return [
            r["DestinationCidrBlock"]
            for r in routes
            if r["TransitGatewayAttachments"][0]["ResourceType"] == "direct-connect-gateway"
        ]

    assert propagated(rtb) == ["192.168.0.0/16"] and "192.168.0.0/16" in propagated(default_rtb)
    test = dx.start_bgp_failover_test(virtualInterfaceId=vif["virtualInterfaceId"])["virtualInterfaceTest"]
    assert test["status"] == "in_progress"
    assert propagated(rtb) == []
    dx.stop_bgp_failover_test(virtualInterfaceId=vif["virtualInterfaceId"])
    assert propagated(rtb) == ["192.168.0.0/16"]
    dx.tag_resource(
        resourceArn=f"arn:aws:directconnect:us-east-1:{OWNER}:dxvif/{vif['virtualInterfaceId']}",
        tags=[{"key": TAG, "value": "192.168.0.0/16, 172.16.0.0/12"}],
    )
    assert sorted(propagated(rtb)) == ["172.16.0.0/12", "192.168.0.0/16"]
    updated = dx.update_direct_connect_gateway_association(
        associationId=assoc["associationId"],
        addAllowedPrefixesToDirectConnectGateway=[{"cidr": "10.1.0.0/16"}],
        removeAllowedPrefixesToDirectConnectGateway=[{"cidr": "10.0.0.0/8"}],
    )["directConnectGatewayAssociation"]
    assert updated["allowedPrefixesToDirectConnectGateway"] == [{"cidr": "10.1.0.0/16"}]
    with client_error(
        "DirectConnectClientException",
        f"Direct Connect gateway {dxgw_id} has associated gateways: disassociate them first.",
    ):
        dx.delete_direct_connect_gateway(directConnectGatewayId=dxgw_id)
    gone = dx.delete_direct_connect_gateway_association(associationId=assoc["associationId"])
    assert gone["directConnectGatewayAssociation"]["associationState"] == "disassociated"
    assert (
        ec2.describe_transit_gateway_attachments(
            Filters=[{"Name": "resource-type", "Values": ["direct-connect-gateway"]}]
        )["TransitGatewayAttachments"]
        == []
    )
    assert (
        dx.describe_virtual_interfaces(connectionId=con["connectionId"])["virtualInterfaces"][0][
            "virtualInterfaceId"
        ]
        == vif["virtualInterfaceId"]
    )
    assert (
        dx.delete_virtual_interface(virtualInterfaceId=vif["virtualInterfaceId"])["virtualInterfaceState"]
        == "deleted"
    )
    dx.delete_connection(connectionId=con["connectionId"])
    assert (
        dx.delete_direct_connect_gateway(directConnectGatewayId=dxgw_id)["directConnectGateway"][
            "directConnectGatewayState"
        ]
        == "deleted"
    )


def test_cross_account_proposal(clean_server: Server) -> None:
    """The transit gateway's owner proposes, the Direct Connect gateway's owner sees and accepts the
    proposal; each side describes the association
    ("Associating a transit gateway across accounts",
    https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-transit-gateways.html)."""
    dx_a = clean_server.client("directconnect", account="820000000001")
    dxgw_id = dx_a.create_direct_connect_gateway(directConnectGatewayName="shared", amazonSideAsn=65010)[
        "directConnectGateway"
    ]["directConnectGatewayId"]
    ec2_b = clean_server.client(account="820000000002")
    dx_b = clean_server.client("directconnect", account="820000000002")
    tgw = ec2_b.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    prop = dx_b.create_direct_connect_gateway_association_proposal(
        directConnectGatewayId=dxgw_id,
        directConnectGatewayOwnerAccount="820000000001",
        gatewayId=tgw,
        addAllowedPrefixesToDirectConnectGateway=[{"cidr": "10.20.0.0/16"}],
    )["directConnectGatewayAssociationProposal"]
    assert prop["proposalState"] == "requested"
    [seen] = dx_a.describe_direct_connect_gateway_association_proposals(directConnectGatewayId=dxgw_id)[
        "directConnectGatewayAssociationProposals"
    ]
    assert seen["proposalId"] == prop["proposalId"]
    assert seen["requestedAllowedPrefixesToDirectConnectGateway"] == [{"cidr": "10.20.0.0/16"}]
    assoc = dx_a.accept_direct_connect_gateway_association_proposal(
        directConnectGatewayId=dxgw_id,
        proposalId=prop["proposalId"],
        associatedGatewayOwnerAccount="820000000002",
    )["directConnectGatewayAssociation"]
    assert assoc["associatedGateway"]["ownerAccount"] == "820000000002"
    [b_view] = dx_b.describe_direct_connect_gateway_associations(associatedGatewayId=tgw)[
        "directConnectGatewayAssociations"
    ]
    assert b_view["associationId"] == assoc["associationId"]
    [att] = ec2_b.describe_transit_gateway_attachments(
        Filters=[{"Name": "resource-type", "Values": ["direct-connect-gateway"]}]
    )["TransitGatewayAttachments"]
    assert att["ResourceOwnerId"] == "820000000001"


def test_json_errors_and_validation(clean_server: Server) -> None:
    """Direct Connect's client error and the JSON protocol's validation against botocore's model: a
    missing required member is ValidationException, a wrong type SerializationException; an
    unknown gateway DirectConnectClientException. Never stored, never a 5xx.

    AWS: CreateDirectConnectGateway
    (https://docs.aws.amazon.com/directconnect/latest/APIReference/API_CreateDirectConnectGateway.html)
    and the common errors (https://docs.aws.amazon.com/directconnect/latest/APIReference/CommonErrors.html).
    """
    dx = clean_server.client("directconnect", account="830000000001")
    with client_error("DirectConnectClientException", "Direct Connect gateway nope does not exist."):
        dx.describe_direct_connect_gateways(directConnectGatewayId="nope")
    with client_error(
        "DirectConnectClientException",
        "Specify directConnectGatewayId, associatedGatewayId, virtualGatewayId or associationId.",
    ):
        dx.describe_direct_connect_gateway_associations()
    status, body, _ = raw_json(
        clean_server,
        "OvertureService.CreateDirectConnectGateway",
        '{"amazonSideAsn": 65000}',
        service="directconnect",
    )
    assert (status, body["__type"]) == (400, "ValidationException")
    status, body, _ = raw_json(
        clean_server,
        "OvertureService.CreateDirectConnectGateway",
        '{"directConnectGatewayName": "x", "amazonSideAsn": "big"}',
        service="directconnect",
    )
    assert (status, body["__type"]) == (400, "SerializationException")
    status, body, _ = raw_json(
        clean_server,
        "OvertureService.CreateDirectConnectGateway",
        '{"directConnectGatewayName": "x", "tags": [{"key": "aws:x", "value": "v"}]}',
        service="directconnect",
    )
    assert (status, body["__type"]) == (400, "DirectConnectClientException")
    assert dx.describe_direct_connect_gateways()["directConnectGateways"] == []


def test_aws_cli_direct_connect(clean_server: Server) -> None:
    """The aws CLI creates and lists Direct Connect gateways (AWS CLI reference: directconnect
    create-direct-connect-gateway, describe-direct-connect-gateways)."""
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "840000000001",
        "AWS_SECRET_ACCESS_KEY": "lab",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    base = [
        sys.executable,
        "-m",
        "awscli",
        "directconnect",
        "--endpoint-url",
        clean_server.url,
        "--output",
        "json",
    ]
    made = subprocess.run(
        [
            *base,
            "create-direct-connect-gateway",
            "--direct-connect-gateway-name",
            "cli-gw",
            "--amazon-side-asn",
            "65020",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    gw_id = json.loads(made.stdout)["directConnectGateway"]["directConnectGatewayId"]
    listed = subprocess.run(
        [*base, "describe-direct-connect-gateways"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    assert [g["directConnectGatewayId"] for g in json.loads(listed.stdout)["directConnectGateways"]] == [
        gw_id
    ]


def test_vgw_association_private_interface_and_attachments(clean_server: Server) -> None:
    """A virtual private gateway association (allowed prefixes default to the VPC CIDR), a private
    virtual interface to the Direct Connect gateway (CreatePrivateVirtualInterface answers the
    interface itself), DescribeDirectConnectGatewayAttachments, and the association deleted by
    Direct Connect gateway and virtual gateway ids.

    AWS: "Virtual private gateway associations"
    (https://docs.aws.amazon.com/directconnect/latest/UserGuide/virtualgateways.html),
    CreatePrivateVirtualInterface
    (https://docs.aws.amazon.com/directconnect/latest/APIReference/API_CreatePrivateVirtualInterface.html),
    DeleteDirectConnectGatewayAssociation
    (https://docs.aws.amazon.com/directconnect/latest/APIReference/API_DeleteDirectConnectGatewayAssociation.html).
    """
    account = "850000000001"
    dx, ec2 = clean_server.client("directconnect", account=account), clean_server.client(account=account)
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    dxgw = dx.create_direct_connect_gateway(directConnectGatewayName="vgw-gw", amazonSideAsn=65000)[
        "directConnectGateway"
    ]["directConnectGatewayId"]
    assoc = dx.create_direct_connect_gateway_association(directConnectGatewayId=dxgw, virtualGatewayId=vgw)[
        "directConnectGatewayAssociation"
    ]
    assert assoc["allowedPrefixesToDirectConnectGateway"] == [{"cidr": "10.30.0.0/16"}]
    assert (assoc["virtualGatewayId"], assoc["associatedGateway"]["type"]) == (vgw, "virtualPrivateGateway")
    con = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="c")["connectionId"]
    vif = dx.create_private_virtual_interface(
        connectionId=con,
        newPrivateVirtualInterface={
            "virtualInterfaceName": "p",
            "vlan": 300,
            "asn": 65300,
            "directConnectGatewayId": dxgw,
            "tags": [{"key": TAG, "value": "172.20.0.0/16"}],
        },
    )
    assert vif["virtualInterfaceType"] == "private" and vif["directConnectGatewayId"] == dxgw
    [attached] = dx.describe_direct_connect_gateway_attachments(directConnectGatewayId=dxgw)[
        "directConnectGatewayAttachments"
    ]
    assert (attached["virtualInterfaceId"], attached["attachmentType"]) == (
        vif["virtualInterfaceId"],
        "PrivateVirtualInterface",
    )
    with client_error("DirectConnectClientException"):
        dx.create_transit_virtual_interface(
            connectionId=con,
            newTransitVirtualInterface={
                "virtualInterfaceName": "t",
                "vlan": 301,
                "asn": 65300,
                "directConnectGatewayId": dxgw,
            },
        )
    gone = dx.delete_direct_connect_gateway_association(directConnectGatewayId=dxgw, virtualGatewayId=vgw)
    assert gone["directConnectGatewayAssociation"]["associationState"] == "disassociated"
    assert (
        dx.describe_direct_connect_gateway_associations(directConnectGatewayId=dxgw)[
            "directConnectGatewayAssociations"
        ]
        == []
    )


def test_unsigned_json_request_goes_by_its_target(clean_server: Server) -> None:
    """Without a SigV4 credential scope, the X-Amz-Target's prefix names the service (AmazonSSM,
    OvertureService: the targetPrefix of each service's API model, e.g.
    https://docs.aws.amazon.com/directconnect/latest/APIReference/Welcome.html)."""
    import urllib.request

    req = urllib.request.Request(
        clean_server.url + "/",
        data=b"{}",
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "OvertureService.DescribeDirectConnectGateways",
        },
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200 and resp.headers["Content-Type"] == "application/x-amz-json-1.1"
        assert json.loads(resp.read()) == {"directConnectGateways": []}
