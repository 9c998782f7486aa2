"""VPC sharing through AWS RAM (boto3's "ram" client, REST-JSON) and what participants may do."""

from __future__ import annotations

from typing import Any

from .conftest import Server, client_error

OWNER, PARTICIPANT, OUTSIDER = "600000000001", "600000000002", "600000000003"


def _amazon_linux(ec2: Any) -> str:
    [img] = ec2.describe_images(
        Owners=["amazon"],
        Filters=[
            {"Name": "name", "Values": ["al2023-ami-*"]},
            {"Name": "architecture", "Values": ["x86_64"]},
        ],
    )["Images"]
    return str(img["ImageId"])


def test_shared_subnet_participant_launches_but_cannot_change_owner_routes(clean_server: Server) -> None:
    """The owner shares a subnet with RAM; the participant sees it in DescribeSubnets and launches
    an instance in it, but cannot change the owner's route table; an outsider sees nothing.
    GetResourceShares (SELF / OTHER-ACCOUNTS), GetResourceShareAssociations, ListResources,
    DisassociateResourceShare and DeleteResourceShare.

    AWS: "Share your VPC with other accounts" (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html)
    and "Responsibilities and permissions for owners and participants"
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing-service-behavior.html).
    """
    owner = clean_server.client(account=OWNER)
    ram = clean_server.client("ram", account=OWNER)
    vpc_id = owner.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnet = owner.create_subnet(VpcId=vpc_id, CidrBlock="10.8.1.0/24")["Subnet"]
    subnet_arn = subnet["SubnetArn"]
    share = ram.create_resource_share(
        name="shared-net",
        resourceArns=[subnet_arn],
        principals=[PARTICIPANT],
        tags=[{"key": "k", "value": "v"}],
    )["resourceShare"]
    assert share["status"] == "ACTIVE" and share["owningAccountId"] == OWNER and share["name"] == "shared-net"
    assert share["tags"] == [{"key": "k", "value": "v"}]
    share_arn = share["resourceShareArn"]
    [mine] = ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]
    assert mine["resourceShareArn"] == share_arn
    principals = ram.get_resource_share_associations(associationType="PRINCIPAL")["resourceShareAssociations"]
    assert [(a["associatedEntity"], a["status"]) for a in principals] == [(PARTICIPANT, "ASSOCIATED")]
    resources = ram.get_resource_share_associations(associationType="RESOURCE")["resourceShareAssociations"]
    assert [a["associatedEntity"] for a in resources] == [subnet_arn]

    participant = clean_server.client(account=PARTICIPANT)
    p_ram = clean_server.client("ram", account=PARTICIPANT)
    [theirs] = p_ram.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"]
    assert theirs["resourceShareArn"] == share_arn
    [listed] = p_ram.list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"]
    assert (listed["arn"], listed["type"]) == (subnet_arn, "ec2:Subnet")
    [seen] = participant.describe_subnets(SubnetIds=[subnet["SubnetId"]])["Subnets"]
    assert seen["OwnerId"] == OWNER and seen["VpcId"] == vpc_id
    # AWS: participants cannot use the owner's default group; they create their own in the VPC
    sg_id = participant.create_security_group(GroupName="mine", Description="mine", VpcId=vpc_id)["GroupId"]
    [inst] = participant.run_instances(
        ImageId=_amazon_linux(participant),
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        SubnetId=subnet["SubnetId"],
        SecurityGroupIds=[sg_id],
    )["Instances"]
    assert inst["SubnetId"] == subnet["SubnetId"] and inst["VpcId"] == vpc_id
    [launched] = participant.describe_instances(InstanceIds=[inst["InstanceId"]])["Reservations"]
    assert launched["OwnerId"] == PARTICIPANT
    [main] = owner.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    # the owner's route table is the owner's alone (vpclab shows it only to its owner)
    with client_error(
        "InvalidRouteTableID.NotFound", f"The routeTable ID '{main['RouteTableId']}' does not exist"
    ):
        participant.create_route(
            RouteTableId=main["RouteTableId"],
            DestinationCidrBlock="0.0.0.0/0",
            GatewayId="igw-0123456789abcdef0",
        )
    [unchanged] = owner.describe_route_tables(RouteTableIds=[main["RouteTableId"]])["RouteTables"]
    assert unchanged["Routes"] == main["Routes"]

    outsider = clean_server.client(account=OUTSIDER)
    with client_error("InvalidSubnetID.NotFound", f"The subnet ID '{subnet['SubnetId']}' does not exist"):
        outsider.describe_subnets(SubnetIds=[subnet["SubnetId"]])

    out = ram.disassociate_resource_share(resourceShareArn=share_arn, principals=[PARTICIPANT])
    assert out["resourceShareAssociations"][0]["status"] == "DISASSOCIATED"
    with client_error("InvalidSubnetID.NotFound", f"The subnet ID '{subnet['SubnetId']}' does not exist"):
        participant.describe_subnets(SubnetIds=[subnet["SubnetId"]])
    assert ram.delete_resource_share(resourceShareArn=share_arn)["returnValue"] is True
    [deleted] = ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]
    assert deleted["status"] == "DELETED"


def test_ram_errors(clean_server: Server) -> None:
    """RAM's own errors arrive as botocore ClientErrors: a malformed ARN, a resource the caller
    does not own, an unknown share, a default subnet.

    AWS: AWS RAM API reference, "CreateResourceShare" errors
    (https://docs.aws.amazon.com/ram/latest/APIReference/API_CreateResourceShare.html).
    """
    owner = clean_server.client(account="600000000004")
    ram = clean_server.client("ram", account="600000000004")
    vpc_id = owner.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    with client_error(
        "MalformedArnException",
        "The specified resource ARN not-an-arn is not valid. Verify the ARN and try again.",
    ):
        ram.create_resource_share(name="x", resourceArns=["not-an-arn"])
    arn = "arn:aws:ec2:us-east-1:600000000009:subnet/subnet-0123456789abcdef0"
    with client_error("UnknownResourceException", f"The resource {arn} could not be found."):
        ram.create_resource_share(name="x", resourceArns=[arn])
    bogus = "arn:aws:ram:us-east-1:600000000004:resource-share/00000000-0000-0000-0000-000000000000"
    with client_error("UnknownResourceException", f"ResourceShare {bogus} could not be found."):
        ram.associate_resource_share(resourceShareArn=bogus, principals=["600000000005"])
    assert vpc_id
