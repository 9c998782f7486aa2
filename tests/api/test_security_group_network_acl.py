"""Security groups, their rules, and network ACLs through boto3 (and one aws CLI call)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from .conftest import Server, client_error


def _vpc_with_subnet(ec2: Any, cidr: str = "10.0.0.0/16", subnet: str = "10.0.1.0/24") -> tuple[str, str]:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=subnet)["Subnet"]["SubnetId"]
    return vpc_id, subnet_id


def test_security_group_lifecycle_and_filters(clean_server: Server) -> None:
    """CreateSecurityGroup (one all-outbound egress rule), AuthorizeSecurityGroupIngress returning the
    new rules, DescribeSecurityGroups with ip-permission filters, InvalidGroup.Duplicate.

    AWS: "Security group rules" (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)
    and "AuthorizeSecurityGroupIngress" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AuthorizeSecurityGroupIngress.html).
    """
    ec2 = clean_server.client(account="300000000001")
    vpc_id, _ = _vpc_with_subnet(ec2)
    created = ec2.create_security_group(
        GroupName="web",
        Description="web tier",
        VpcId=vpc_id,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "Name", "Value": "web"}]}],
    )
    sg_id = created["GroupId"]
    assert created["SecurityGroupArn"] == f"arn:aws:ec2:us-east-1:300000000001:security-group/{sg_id}"
    assert created["Tags"] == [{"Key": "Name", "Value": "web"}]
    out = ec2.authorize_security_group_ingress(
        GroupId=sg_id,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "https"}, {"CidrIp": "10.0.0.0/8"}],
            }
        ],
    )
    assert out["Return"] is True
    assert [r["CidrIpv4"] for r in out["SecurityGroupRules"]] == ["0.0.0.0/0", "10.0.0.0/8"]
    rule = out["SecurityGroupRules"][0]
    assert rule["SecurityGroupRuleId"].startswith("sgr-") and rule["GroupOwnerId"] == "300000000001"
    assert (rule["IsEgress"], rule["IpProtocol"], rule["FromPort"], rule["ToPort"]) == (
        False,
        "tcp",
        443,
        443,
    )
    [sg] = ec2.describe_security_groups(
        Filters=[
            {"Name": "ip-permission.from-port", "Values": ["443"]},
            {"Name": "ip-permission.cidr", "Values": ["10.*"]},
            {"Name": "vpc-id", "Values": [vpc_id]},
        ]
    )["SecurityGroups"]
    assert sg["GroupId"] == sg_id and sg["GroupName"] == "web" and sg["Description"] == "web tier"
    assert sg["IpPermissions"] == [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "https"}, {"CidrIp": "10.0.0.0/8"}],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [],
        }
    ]
    assert sg["IpPermissionsEgress"] == [
        {
            "IpProtocol": "-1",
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [],
        }
    ]
    assert (
        ec2.describe_security_groups(
            Filters=[
                {"Name": "egress.ip-permission.protocol", "Values": ["tcp"]},
                {"Name": "group-id", "Values": [sg_id]},
            ]
        )["SecurityGroups"]
        == []
    )
    with client_error(
        "InvalidGroup.Duplicate", f"The security group 'web' already exists for VPC '{vpc_id}'"
    ):
        ec2.create_security_group(GroupName="web", Description="again", VpcId=vpc_id)
    with client_error(
        "InvalidPermission.Duplicate",
        'the specified rule "peer: 10.0.0.0/8, TCP, from port: 443, to port: 443, ALLOW" already exists',
    ):
        ec2.authorize_security_group_ingress(
            GroupId=sg_id, IpProtocol="tcp", FromPort=443, ToPort=443, CidrIp="10.0.0.0/8"
        )
    with client_error("InvalidGroup.NotFound", "The security group 'sg-0000000000000000f' does not exist"):
        ec2.describe_security_groups(GroupIds=["sg-0000000000000000f"])
    with client_error("InvalidParameterValue", "The filter 'ip-permission.colour' is invalid"):
        ec2.describe_security_groups(Filters=[{"Name": "ip-permission.colour", "Values": ["x"]}])


def test_rules_referencing_groups_revoke_and_modify(clean_server: Server) -> None:
    """A rule referencing another group (UserIdGroupPairs), DescribeSecurityGroupRules by group,
    ModifySecurityGroupRules, Revoke by rule id and by properties (InvalidPermission.NotFound in a
    non-default VPC), DeleteSecurityGroup refused while referenced.

    AWS: "RevokeSecurityGroupIngress" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html),
    "ModifySecurityGroupRules" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifySecurityGroupRules.html).
    """
    ec2 = clean_server.client(account="300000000002")
    vpc_id, _ = _vpc_with_subnet(ec2)
    app = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc_id)["GroupId"]
    lb = ec2.create_security_group(GroupName="lb", Description="lb", VpcId=vpc_id)["GroupId"]
    [rule] = ec2.authorize_security_group_ingress(
        GroupId=app,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 8080,
                "ToPort": 8080,
                "UserIdGroupPairs": [{"GroupId": lb, "Description": "from lb"}],
            }
        ],
    )["SecurityGroupRules"]
    assert rule["ReferencedGroupInfo"] == {"GroupId": lb, "UserId": "300000000002"}
    [sg] = ec2.describe_security_groups(Filters=[{"Name": "ip-permission.group-id", "Values": [lb]}])[
        "SecurityGroups"
    ]
    assert sg["GroupId"] == app
    assert sg["IpPermissions"][0]["UserIdGroupPairs"] == [
        {"GroupId": lb, "UserId": "300000000002", "Description": "from lb"}
    ]
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [app]}])[
        "SecurityGroupRules"
    ]
    assert sorted((r["IsEgress"], r["IpProtocol"]) for r in rules) == [(False, "tcp"), (True, "-1")]
    with client_error("DependencyViolation", f"resource {lb} has a dependent object"):
        ec2.delete_security_group(GroupId=lb)
    assert (
        ec2.modify_security_group_rules(
            GroupId=app,
            SecurityGroupRules=[
                {
                    "SecurityGroupRuleId": rule["SecurityGroupRuleId"],
                    "SecurityGroupRule": {
                        "IpProtocol": "tcp",
                        "FromPort": 9090,
                        "ToPort": 9090,
                        "CidrIpv4": "10.0.0.0/16",
                    },
                }
            ],
        )["Return"]
        is True
    )
    [modified] = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]])[
        "SecurityGroupRules"
    ]
    assert (modified["FromPort"], modified["CidrIpv4"]) == (9090, "10.0.0.0/16")
    with client_error(
        "InvalidPermission.NotFound", "The specified rule does not exist in this security group."
    ):
        ec2.revoke_security_group_ingress(
            GroupId=app, IpProtocol="tcp", FromPort=1, ToPort=1, CidrIp="1.1.1.1/32"
        )
    out = ec2.revoke_security_group_ingress(GroupId=app, SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]])
    assert out["Return"] is True and out["RevokedSecurityGroupRules"][0]["CidrIpv4"] == "10.0.0.0/16"
    eg = ec2.revoke_security_group_egress(
        GroupId=app, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    )
    assert eg["Return"] is True and "UnknownIpPermissions" not in eg
    with client_error(
        "InvalidSecurityGroupRuleId.NotFound",
        f"The security group rule ID '{rule['SecurityGroupRuleId']}' does not exist",
    ):
        ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule["SecurityGroupRuleId"]])
    ec2.delete_security_group(GroupId=lb)
    with client_error("InvalidGroup.NotFound", f"The security group '{lb}' does not exist"):
        ec2.describe_security_groups(GroupIds=[lb])


def test_default_vpc_group_names_and_unknown_permissions(server: Server) -> None:
    """In a default VPC, groups are named by GroupName and a revoke that matches nothing answers
    UnknownIpPermissions instead of an error; the default group cannot be deleted.

    AWS: "RevokeSecurityGroupIngress" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RevokeSecurityGroupIngress.html)
    and "Default security groups for your VPCs" (https://docs.aws.amazon.com/vpc/latest/userguide/default-security-group.html).
    """
    ec2 = server.client(account="300000000003")
    [default] = ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"]
    assert default["GroupName"] == "default"
    ec2.create_security_group(GroupName="ssh", Description="ssh")
    ec2.authorize_security_group_ingress(
        GroupName="ssh", IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="203.0.113.0/24"
    )
    out = ec2.revoke_security_group_ingress(
        GroupName="ssh", IpProtocol="tcp", FromPort=23, ToPort=23, CidrIp="203.0.113.0/24"
    )
    assert out["Return"] is True
    assert out["UnknownIpPermissions"] == [
        {"IpProtocol": "tcp", "FromPort": 23, "ToPort": 23, "IpRanges": [{"CidrIp": "203.0.113.0/24"}]}
    ]
    with client_error(
        "CannotDelete",
        f'the specified group: "{default["GroupId"]}" name: "default" cannot be deleted by a user',
    ):
        ec2.delete_security_group(GroupId=default["GroupId"])
    with client_error(
        "InvalidGroup.NotFound",
        f"The security group 'nope' does not exist in default VPC '{default['VpcId']}'",
    ):
        ec2.describe_security_groups(GroupNames=["nope"])
    # another account sees none of it
    other = server.client(account="300000000004")
    with client_error("InvalidGroup.NotFound", f"The security group '{default['GroupId']}' does not exist"):
        other.describe_security_groups(GroupIds=[default["GroupId"]])


def test_network_acls_and_entries(clean_server: Server) -> None:
    """CreateNetworkAcl (deny-all both ways), entries created/replaced/deleted, DescribeNetworkAcls
    filters, ReplaceNetworkAclAssociation's NewAssociationId, the default ACL cannot be deleted.

    AWS: "Control subnet traffic with network access control lists"
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html).
    """
    ec2 = clean_server.client(account="300000000005")
    vpc_id, subnet_id = _vpc_with_subnet(ec2)
    acl = ec2.create_network_acl(
        VpcId=vpc_id,
        TagSpecifications=[{"ResourceType": "network-acl", "Tags": [{"Key": "tier", "Value": "db"}]}],
    )["NetworkAcl"]
    acl_id = acl["NetworkAclId"]
    assert acl["IsDefault"] is False and acl["Associations"] == []
    assert acl["Entries"] == [
        {
            "CidrBlock": "0.0.0.0/0",
            "Egress": True,
            "Protocol": "-1",
            "RuleAction": "deny",
            "RuleNumber": 32767,
        },
        {
            "CidrBlock": "0.0.0.0/0",
            "Egress": False,
            "Protocol": "-1",
            "RuleAction": "deny",
            "RuleNumber": 32767,
        },
    ]
    ec2.create_network_acl_entry(
        NetworkAclId=acl_id,
        RuleNumber=100,
        Protocol="6",
        RuleAction="allow",
        Egress=False,
        CidrBlock="10.0.0.0/16",
        PortRange={"From": 5432, "To": 5432},
    )
    with client_error(
        "NetworkAclEntryAlreadyExists", "The network acl entry identified by 100 already exists."
    ):
        ec2.create_network_acl_entry(
            NetworkAclId=acl_id,
            RuleNumber=100,
            Protocol="-1",
            RuleAction="deny",
            Egress=False,
            CidrBlock="0.0.0.0/0",
        )
    ec2.replace_network_acl_entry(
        NetworkAclId=acl_id,
        RuleNumber=100,
        Protocol="6",
        RuleAction="allow",
        Egress=False,
        CidrBlock="10.0.0.0/16",
        PortRange={"From": 5432, "To": 5433},
    )
    [found] = ec2.describe_network_acls(
        Filters=[{"Name": "entry.rule-number", "Values": ["100"]}, {"Name": "tag:tier", "Values": ["db"]}]
    )["NetworkAcls"]
    assert found["NetworkAclId"] == acl_id
    assert {
        "CidrBlock": "10.0.0.0/16",
        "Egress": False,
        "Protocol": "6",
        "RuleAction": "allow",
        "RuleNumber": 100,
        "PortRange": {"From": 5432, "To": 5433},
    } in found["Entries"]
    [default] = ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default", "Values": ["true"]}]
    )["NetworkAcls"]
    [assoc] = [a for a in default["Associations"] if a["SubnetId"] == subnet_id]
    new_id = ec2.replace_network_acl_association(
        AssociationId=assoc["NetworkAclAssociationId"], NetworkAclId=acl_id
    )["NewAssociationId"]
    assert new_id.startswith("aclassoc-")
    [moved] = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])[
        "NetworkAcls"
    ]
    assert moved["NetworkAclId"] == acl_id
    with client_error(
        "DependencyViolation", f"The networkAcl '{acl_id}' has dependencies and cannot be deleted."
    ):
        ec2.delete_network_acl(NetworkAclId=acl_id)
    with client_error(
        "InvalidParameterValue", f"cannot delete default network ACL {default['NetworkAclId']}"
    ):
        ec2.delete_network_acl(NetworkAclId=default["NetworkAclId"])
    ec2.delete_network_acl_entry(NetworkAclId=acl_id, RuleNumber=100, Egress=False)
    ec2.replace_network_acl_association(AssociationId=new_id, NetworkAclId=default["NetworkAclId"])
    ec2.delete_network_acl(NetworkAclId=acl_id)
    with client_error("InvalidNetworkAclID.NotFound", f"The network ACL '{acl_id}' does not exist"):
        ec2.describe_network_acls(NetworkAclIds=[acl_id])


def test_aws_cli_describe_security_groups(clean_server: Server) -> None:
    """The aws CLI reads the same response (AWS CLI reference: ec2 describe-security-groups)."""
    ec2 = clean_server.client(account="300000000006")
    vpc_id, _ = _vpc_with_subnet(ec2)
    sg_id = ec2.create_security_group(GroupName="cli", Description="cli", VpcId=vpc_id)["GroupId"]
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "300000000006",
        "AWS_SECRET_ACCESS_KEY": "lab",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "ec2",
            "describe-security-groups",
            "--endpoint-url",
            clean_server.url,
            "--group-ids",
            sg_id,
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    [sg] = json.loads(proc.stdout)["SecurityGroups"]
    assert (sg["GroupId"], sg["GroupName"], sg["VpcId"]) == (sg_id, "cli", vpc_id)
