"""VPC peering (same account, cross-account, cross-Region) and managed prefix lists through boto3."""

from __future__ import annotations

from typing import Any

from .conftest import Server, client_error


def _vpc(ec2: Any, cidr: str) -> str:
    return str(ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"])


def test_cross_account_peering_accepted_by_the_accepter(clean_server: Server) -> None:
    """The accepter account sees the pending request and accepts it with its own client; both sides
    then see it active with the accepter's CIDR; the requester cannot accept.

    AWS: "VPC peering connection lifecycle" (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html).
    """
    a = clean_server.client(account="500000000001")
    b = clean_server.client(account="500000000002")
    vpc_a, vpc_b = _vpc(a, "10.1.0.0/16"), _vpc(b, "10.2.0.0/16")
    pcx = a.create_vpc_peering_connection(
        VpcId=vpc_a,
        PeerVpcId=vpc_b,
        PeerOwnerId="500000000002",
        TagSpecifications=[{"ResourceType": "vpc-peering-connection", "Tags": [{"Key": "n", "Value": "ab"}]}],
    )["VpcPeeringConnection"]
    pcx_id = pcx["VpcPeeringConnectionId"]
    assert pcx["Status"] == {"Code": "pending-acceptance", "Message": "Pending Acceptance by 500000000002"}
    assert pcx["RequesterVpcInfo"]["CidrBlock"] == "10.1.0.0/16"
    assert pcx["AccepterVpcInfo"] == {"OwnerId": "500000000002", "VpcId": vpc_b, "Region": "us-east-1"}
    assert "ExpirationTime" in pcx and pcx["Tags"] == [{"Key": "n", "Value": "ab"}]
    [seen] = b.describe_vpc_peering_connections(
        Filters=[
            {"Name": "status-code", "Values": ["pending-acceptance"]},
            {"Name": "accepter-vpc-info.owner-id", "Values": ["500000000002"]},
            {"Name": "requester-vpc-info.cidr-block", "Values": ["10.1.0.0/16"]},
        ]
    )["VpcPeeringConnections"]
    assert seen["VpcPeeringConnectionId"] == pcx_id
    with client_error("OperationNotPermitted"):
        a.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
    accepted = b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)["VpcPeeringConnection"]
    assert accepted["Status"] == {"Code": "active", "Message": "Active"}
    # "Both VPCs must be enabled for DNS hostnames and DNS resolution" before DNS over the peering
    with client_error("InvalidVpcPeeringConnectionState.DnsHostnamesDisabled"):
        b.modify_vpc_peering_connection_options(
            VpcPeeringConnectionId=pcx_id,
            AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True},
        )
    a.modify_vpc_attribute(VpcId=vpc_a, EnableDnsHostnames={"Value": True})
    b.modify_vpc_attribute(VpcId=vpc_b, EnableDnsHostnames={"Value": True})
    assert accepted["AccepterVpcInfo"]["CidrBlockSet"] == [{"CidrBlock": "10.2.0.0/16"}]
    assert accepted["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is False
    opts = b.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pcx_id,
        AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True},
    )
    assert opts["AccepterPeeringConnectionOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
    assert "RequesterPeeringConnectionOptions" not in opts
    [mine] = a.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx_id])["VpcPeeringConnections"]
    assert mine["Status"]["Code"] == "active"
    assert mine["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
    # a third account sees nothing
    c = clean_server.client(account="500000000003")
    with client_error(
        "InvalidVpcPeeringConnectionID.NotFound", f"The vpcPeeringConnection ID '{pcx_id}' does not exist"
    ):
        c.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx_id])
    assert b.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)["Return"] is True
    [gone] = a.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx_id])["VpcPeeringConnections"]
    assert gone["Status"] == {"Code": "deleted", "Message": "Deleted by 500000000002"}


def test_cross_region_peering_accepted_in_the_accepter_region(clean_server: Server) -> None:
    """An inter-Region request is accepted with a client in the accepter's Region; from the
    requester's Region the accepter cannot see it.

    AWS: "Accept a VPC peering connection" (https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html).
    """
    east = clean_server.client(account="500000000004", region="us-east-1")
    west = clean_server.client(account="500000000004", region="eu-west-1")
    vpc_e, vpc_w = _vpc(east, "10.3.0.0/16"), _vpc(west, "10.4.0.0/16")
    pcx_id = east.create_vpc_peering_connection(VpcId=vpc_e, PeerVpcId=vpc_w, PeerRegion="eu-west-1")[
        "VpcPeeringConnection"
    ]["VpcPeeringConnectionId"]
    [pending] = west.describe_vpc_peering_connections(
        Filters=[{"Name": "accepter-vpc-info.vpc-id", "Values": [vpc_w]}]
    )["VpcPeeringConnections"]
    assert pending["RequesterVpcInfo"]["Region"] == "us-east-1"
    accepted = west.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)["VpcPeeringConnection"]
    assert accepted["Status"]["Code"] == "active"
    assert accepted["AccepterVpcInfo"]["Region"] == "eu-west-1"


def test_overlapping_request_fails_and_reject(clean_server: Server) -> None:
    """Overlapping CIDRs: the connection is created in status failed (not an API error); a
    rejected request shows status rejected to the requester.

    AWS: "VPC peering limitations" (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations).
    """
    ec2 = clean_server.client(account="500000000005")
    a, b, c = _vpc(ec2, "10.5.0.0/16"), _vpc(ec2, "10.5.0.0/20"), _vpc(ec2, "10.6.0.0/16")
    failed = ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId=b)["VpcPeeringConnection"]
    assert failed["Status"] == {
        "Code": "failed",
        "Message": "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range",
    }
    pcx_id = ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId=c)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"
    ]
    assert ec2.reject_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)["Return"] is True
    [rejected] = ec2.describe_vpc_peering_connections(
        Filters=[
            {"Name": "status-code", "Values": ["rejected"]},
            {"Name": "requester-vpc-info.vpc-id", "Values": [a]},
        ]
    )["VpcPeeringConnections"]
    assert rejected["VpcPeeringConnectionId"] == pcx_id
    with client_error("InvalidVpcID.NotFound", "The vpc ID 'vpc-0123456789abcdef0' does not exist"):
        ec2.create_vpc_peering_connection(VpcId=a, PeerVpcId="vpc-0123456789abcdef0")


def test_managed_prefix_lists(clean_server: Server) -> None:
    """Create/Modify/Get entries/Describe/Delete a customer-managed list; AWS-managed lists are
    listed with owner AWS and by DescribePrefixLists with their CIDRs.

    AWS: "Managed prefix lists" (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html).
    """
    ec2 = clean_server.client(account="500000000006")
    pl = ec2.create_managed_prefix_list(
        PrefixListName="corp",
        MaxEntries=5,
        AddressFamily="IPv4",
        Entries=[{"Cidr": "192.168.0.0/24", "Description": "office"}],
        TagSpecifications=[{"ResourceType": "prefix-list", "Tags": [{"Key": "k", "Value": "v"}]}],
    )["PrefixList"]
    pl_id = pl["PrefixListId"]
    assert (pl["Version"], pl["MaxEntries"], pl["OwnerId"]) == (1, 5, "500000000006")
    modified = ec2.modify_managed_prefix_list(
        PrefixListId=pl_id, CurrentVersion=1, AddEntries=[{"Cidr": "192.168.1.0/24"}]
    )["PrefixList"]
    assert modified["Version"] == 2
    entries = ec2.get_managed_prefix_list_entries(PrefixListId=pl_id)["Entries"]
    assert sorted(e["Cidr"] for e in entries) == ["192.168.0.0/24", "192.168.1.0/24"]
    old = ec2.get_managed_prefix_list_entries(PrefixListId=pl_id, TargetVersion=1)["Entries"]
    assert old == [{"Cidr": "192.168.0.0/24", "Description": "office"}]
    [found] = ec2.describe_managed_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": ["corp"]}])[
        "PrefixLists"
    ]
    assert found["PrefixListId"] == pl_id and found["Tags"] == [{"Key": "k", "Value": "v"}]
    aws = ec2.describe_managed_prefix_lists(Filters=[{"Name": "owner-id", "Values": ["AWS"]}])["PrefixLists"]
    assert sorted(p["PrefixListName"] for p in aws) == [
        "com.amazonaws.us-east-1.dynamodb",
        "com.amazonaws.us-east-1.s3",
    ]
    [s3] = ec2.describe_prefix_lists(Filters=[{"Name": "prefix-list-name", "Values": ["*.s3"]}])[
        "PrefixLists"
    ]
    assert s3["PrefixListName"] == "com.amazonaws.us-east-1.s3" and s3["Cidrs"]
    other = clean_server.client(account="500000000007")
    with client_error("InvalidPrefixListID.NotFound", f"The prefix list ID '{pl_id}' does not exist"):
        other.describe_managed_prefix_lists(PrefixListIds=[pl_id])
    deleted = ec2.delete_managed_prefix_list(PrefixListId=pl_id)["PrefixList"]
    assert deleted["PrefixListId"] == pl_id
