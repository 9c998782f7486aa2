"""DescribeStaleSecurityGroups and DescribeSecurityGroupReferences through boto3 and the aws CLI against a
live ``vpclab serve``: the peering guide's walk-through across two accounts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from .conftest import Server, client_error

A, B = "100000000096", "100000000097"


def _peered(a: Any, b: Any) -> tuple[str, str, str]:
    vpc_a = a.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
    vpc_b = b.create_vpc(CidrBlock="10.71.0.0/16")["Vpc"]["VpcId"]
    pcx = a.create_vpc_peering_connection(VpcId=vpc_a, PeerVpcId=vpc_b, PeerOwnerId=B)["VpcPeeringConnection"]
    b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx["VpcPeeringConnectionId"])
    return vpc_a, vpc_b, pcx["VpcPeeringConnectionId"]


def test_peer_references_and_stale_rules(server: Server) -> None:
    """A's group references B's group over the peering connection: DescribeSecurityGroupReferences (by B)
    names A's VPC; nothing is stale. B deletes its group (a peer's reference does not stop it): A's
    rule is stale with the peering still active; after the peering is deleted too, the other rule
    referencing a live group is stale with PeeringStatus deleted. Stale rules stay in their group.

    AWS: "Update your security groups to reference peer security groups"
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html),
    DescribeStaleSecurityGroups
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeStaleSecurityGroups.html),
    DescribeSecurityGroupReferences
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroupReferences.html).
    """
    a, b = server.client(account=A), server.client(account=B)
    vpc_a, vpc_b, pcx_id = _peered(a, b)
    web_a = a.create_security_group(GroupName="web", Description="web tier", VpcId=vpc_a)["GroupId"]
    db_b = b.create_security_group(GroupName="db", Description="db", VpcId=vpc_b)["GroupId"]
    app_b = b.create_security_group(GroupName="app", Description="app", VpcId=vpc_b)["GroupId"]
    a.authorize_security_group_ingress(GroupId=web_a, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "UserIdGroupPairs": [{"GroupId": app_b, "UserId": B, "VpcPeeringConnectionId": pcx_id}]}])
    a.authorize_security_group_egress(GroupId=web_a, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
         "UserIdGroupPairs": [{"GroupId": db_b, "UserId": B, "VpcPeeringConnectionId": pcx_id}]}])

    refs = b.describe_security_group_references(GroupId=[db_b, app_b])["SecurityGroupReferenceSet"]
    assert sorted((r["GroupId"], r["ReferencingVpcId"], r["VpcPeeringConnectionId"]) for r in refs) == sorted(
        [(db_b, vpc_a, pcx_id), (app_b, vpc_a, pcx_id)])
    assert a.describe_stale_security_groups(VpcId=vpc_a)["StaleSecurityGroupSet"] == []

    b.delete_security_group(GroupId=db_b)
    (stale,) = a.describe_stale_security_groups(VpcId=vpc_a)["StaleSecurityGroupSet"]
    assert (stale["GroupId"], stale["GroupName"], stale["VpcId"]) == (web_a, "web", vpc_a)
    assert stale["StaleIpPermissions"] == []
    (egress,) = stale["StaleIpPermissionsEgress"]
    assert (egress["IpProtocol"], egress["FromPort"], egress["ToPort"]) == ("tcp", 5432, 5432)
    assert egress["UserIdGroupPairs"] == [{"GroupId": db_b, "UserId": B, "VpcId": vpc_b,
                                           "VpcPeeringConnectionId": pcx_id, "PeeringStatus": "active"}]

    a.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
    (stale,) = a.describe_stale_security_groups(VpcId=vpc_a)["StaleSecurityGroupSet"]
    (ingress,) = stale["StaleIpPermissions"]
    assert ingress["UserIdGroupPairs"][0]["GroupId"] == app_b
    assert ingress["UserIdGroupPairs"][0]["PeeringStatus"] == "deleted"
    (group,) = a.describe_security_groups(GroupIds=[web_a])["SecurityGroups"]
    assert group["IpPermissions"][0]["UserIdGroupPairs"][0]["PeeringStatus"] == "deleted"
    assert b.describe_security_group_references(GroupId=[app_b])["SecurityGroupReferenceSet"] == []

    with client_error("InvalidVpcID.NotFound"):
        a.describe_stale_security_groups(VpcId="vpc-0000000000000000a")
    with client_error("InvalidGroup.NotFound"):
        b.describe_security_group_references(GroupId=[web_a])


def test_aws_cli_describe_stale_security_groups(server: Server) -> None:
    """``aws ec2 describe-stale-security-groups --vpc-id`` and ``describe-security-group-references``
    (AWS CLI reference; https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html)."""
    a = server.client(account=A)
    vpc_id = a.create_vpc(CidrBlock="10.72.0.0/16")["Vpc"]["VpcId"]
    sg = a.create_security_group(GroupName="lone", Description="lone", VpcId=vpc_id)["GroupId"]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": A, "AWS_SECRET_ACCESS_KEY": "lab",
           "AWS_DEFAULT_REGION": "us-east-1"}
    base = [sys.executable, "-m", "awscli", "ec2", "--endpoint-url", server.url, "--output", "json"]

    def aws(*args: str) -> Any:
        run = subprocess.run([*base, *args], capture_output=True, text=True, env=env, timeout=60, check=False)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    assert aws("describe-stale-security-groups", "--vpc-id", vpc_id)["StaleSecurityGroupSet"] == []
    assert aws("describe-security-group-references", "--group-id", sg)["SecurityGroupReferenceSet"] == []
