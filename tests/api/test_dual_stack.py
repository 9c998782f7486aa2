"""Dual-stack VPCs, subnets, interfaces and instances through boto3 (and the aws CLI) against a live
``vpclab serve``.

AWS: "IPv6 VPC CIDR blocks" and "Subnet CIDR blocks" (Amazon VPC User Guide); EC2 API reference
pages CreateVpc, AssociateVpcCidrBlock, CreateSubnet, AssociateSubnetCidrBlock, AssignIpv6Addresses,
RunInstances, DescribeVpcs, DescribeSubnets, DescribeNetworkInterfaces, DescribeInstances.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from ipaddress import IPv6Address, IPv6Network
from typing import Any

from .conftest import Server, client_error


def _image(ec2: Any) -> str:
    [img] = ec2.describe_images(Owners=["amazon"], Filters=[
        {"Name": "name", "Values": ["al2023-ami-*"]},
        {"Name": "architecture", "Values": ["x86_64"]}])["Images"]
    return str(img["ImageId"])


def _dual_vpc(ec2: Any) -> tuple[dict[str, Any], IPv6Network]:
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    (assoc,) = vpc["Ipv6CidrBlockAssociationSet"]
    return vpc, IPv6Network(assoc["Ipv6CidrBlock"])


def test_dual_stack_vpc_and_subnet(clean_server: Server) -> None:
    """CreateVpc with AmazonProvidedIpv6CidrBlock, a subnet with a /64, their association sets and
    filters, and the IPv6 local route, ACL entries and security group rule AWS adds
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html)."""
    ec2 = clean_server.client(account="400000000001")
    vpc, block = _dual_vpc(ec2)
    assoc = vpc["Ipv6CidrBlockAssociationSet"][0]
    assert block.prefixlen == 56 and assoc["AssociationId"].startswith("vpc-cidr-assoc-")
    assert assoc["Ipv6CidrBlockState"] == {"State": "associated"}
    assert (assoc["Ipv6Pool"], assoc["NetworkBorderGroup"]) == ("Amazon", "us-east-1")
    found = ec2.describe_vpcs(Filters=[{"Name": "ipv6-cidr-block-association.ipv6-cidr-block",
                                        "Values": [str(block)]}])["Vpcs"]
    assert [v["VpcId"] for v in found] == [vpc["VpcId"]]
    by_state = [{"Name": "ipv6-cidr-block-association.state", "Values": ["associated"]}]
    assert ec2.describe_vpcs(Filters=by_state)["Vpcs"][0]["VpcId"] == vpc["VpcId"]

    slash64 = str(next(block.subnets(new_prefix=64)))
    subnet = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24", Ipv6CidrBlock=slash64)["Subnet"]
    (sassoc,) = subnet["Ipv6CidrBlockAssociationSet"]
    assert sassoc["Ipv6CidrBlock"] == slash64 and sassoc["AssociationId"].startswith("subnet-cidr-assoc-")
    ec2.modify_subnet_attribute(SubnetId=subnet["SubnetId"], AssignIpv6AddressOnCreation={"Value": True})
    ec2.modify_subnet_attribute(SubnetId=subnet["SubnetId"], EnableDns64={"Value": True})
    ec2.modify_subnet_attribute(SubnetId=subnet["SubnetId"], PrivateDnsHostnameTypeOnLaunch="resource-name")
    [described] = ec2.describe_subnets(Filters=[
        {"Name": "ipv6-cidr-block-association.ipv6-cidr-block", "Values": [slash64]},
        {"Name": "assign-ipv6-address-on-creation", "Values": ["true"]},
    ])["Subnets"]
    assert described["AssignIpv6AddressOnCreation"] is True and described["EnableDns64"] is True
    assert described["Ipv6Native"] is False
    assert described["PrivateDnsNameOptionsOnLaunch"]["HostnameType"] == "resource-name"

    [rt] = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["RouteTables"]
    assert {"DestinationIpv6CidrBlock": str(block), "GatewayId": "local", "Origin": "CreateRouteTable",
            "State": "active"} in rt["Routes"]
    [acl] = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["NetworkAcls"]
    v6 = sorted((e["RuleNumber"], e["Egress"], e["RuleAction"])
                for e in acl["Entries"] if "Ipv6CidrBlock" in e)
    assert v6 == [(101, False, "allow"), (101, True, "allow"), (32768, False, "deny"), (32768, True, "deny")]
    in_vpc = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    [sg] = ec2.describe_security_groups(Filters=in_vpc)["SecurityGroups"]
    assert any(p["Ipv6Ranges"] == [{"CidrIpv6": "::/0"}] for p in sg["IpPermissionsEgress"])

    with client_error("InvalidSubnet.Conflict", f"The CIDR '{slash64}' conflicts with another subnet"):
        ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.2.0/24", Ipv6CidrBlock=slash64)
    with client_error("InvalidCidrBlock.InUse"):
        ec2.disassociate_vpc_cidr_block(AssociationId=assoc["AssociationId"])


def test_associate_and_disassociate_blocks(clean_server: Server) -> None:
    """AssociateVpcCidrBlock / AssociateSubnetCidrBlock and their disassociation
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssociateVpcCidrBlock.html)."""
    ec2 = clean_server.client(account="400000000002")
    vpc_id = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    out = ec2.associate_vpc_cidr_block(VpcId=vpc_id, AmazonProvidedIpv6CidrBlock=True)
    block = IPv6Network(out["Ipv6CidrBlockAssociation"]["Ipv6CidrBlock"])
    assert out["VpcId"] == vpc_id and block.prefixlen == 56
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    slash64 = str(list(block.subnets(new_prefix=64))[5])
    sub = ec2.associate_subnet_cidr_block(SubnetId=subnet_id, Ipv6CidrBlock=slash64)
    assert sub["SubnetId"] == subnet_id and sub["Ipv6CidrBlockAssociation"]["Ipv6CidrBlock"] == slash64
    gone = ec2.disassociate_subnet_cidr_block(AssociationId=sub["Ipv6CidrBlockAssociation"]["AssociationId"])
    assert gone["SubnetId"] == subnet_id
    vgone = ec2.disassociate_vpc_cidr_block(AssociationId=out["Ipv6CidrBlockAssociation"]["AssociationId"])
    assert vgone["VpcId"] == vpc_id and vgone["Ipv6CidrBlockAssociation"]["Ipv6CidrBlock"] == str(block)
    assert "Ipv6CidrBlockAssociationSet" not in ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]


def test_interface_and_instance_ipv6_addresses(clean_server: Server) -> None:
    """CreateNetworkInterface Ipv6AddressCount, AssignIpv6Addresses / UnassignIpv6Addresses, and
    RunInstances in a subnet with AssignIpv6AddressOnCreation
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssignIpv6Addresses.html)."""
    ec2 = clean_server.client(account="400000000003")
    vpc, block = _dual_vpc(ec2)
    net = next(block.subnets(new_prefix=64))
    subnet_id = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24",
                                  Ipv6CidrBlock=str(net))["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=subnet_id, Ipv6AddressCount=2, EnablePrimaryIpv6=True)[
        "NetworkInterface"]
    addrs = [a["Ipv6Address"] for a in eni["Ipv6Addresses"]]
    assert len(set(addrs)) == 2 and all(IPv6Address(a) in net for a in addrs)
    assert [a["IsPrimaryIpv6"] for a in eni["Ipv6Addresses"]] == [True, False]
    wanted = str(net.network_address + 0x1234)
    out = ec2.assign_ipv6_addresses(NetworkInterfaceId=eni["NetworkInterfaceId"], Ipv6Addresses=[wanted])
    assert out["AssignedIpv6Addresses"] == [wanted]
    with client_error("InvalidIPAddress.InUse"):
        ec2.create_network_interface(SubnetId=subnet_id, Ipv6Addresses=[{"Ipv6Address": wanted}])
    found = ec2.describe_network_interfaces(
        Filters=[{"Name": "ipv6-addresses.ipv6-address", "Values": [wanted]}])["NetworkInterfaces"]
    assert [e["NetworkInterfaceId"] for e in found] == [eni["NetworkInterfaceId"]]
    out = ec2.unassign_ipv6_addresses(NetworkInterfaceId=eni["NetworkInterfaceId"], Ipv6Addresses=[wanted])
    assert out["UnassignedIpv6Addresses"] == [wanted]

    ec2.modify_subnet_attribute(SubnetId=subnet_id, AssignIpv6AddressOnCreation={"Value": True})
    inst = ec2.run_instances(ImageId=_image(ec2), InstanceType="t3.micro", MinCount=1, MaxCount=1,
                             SubnetId=subnet_id)["Instances"][0]
    [described] = ec2.describe_instances(
        Filters=[{"Name": "network-interface.ipv6-addresses.ipv6-address",
                  "Values": [inst["NetworkInterfaces"][0]["Ipv6Addresses"][0]["Ipv6Address"]]}]
    )["Reservations"][0]["Instances"]
    assert described["InstanceId"] == inst["InstanceId"]
    assert IPv6Address(described["Ipv6Address"]) in net
    two = ec2.run_instances(ImageId=_image(ec2), InstanceType="t3.micro", MinCount=2, MaxCount=2,
                            SubnetId=subnet_id, Ipv6AddressCount=2)["Instances"]
    held = [a["Ipv6Address"] for i in two for a in i["NetworkInterfaces"][0]["Ipv6Addresses"]]
    assert len(held) == 4 and len(set(held) | set(addrs)) == 6
    # t3.micro: 2 IPv6 addresses per interface (DescribeInstanceTypes Ipv6AddressesPerInterface)
    with client_error("InvalidParameterValue"):
        ec2.run_instances(ImageId=_image(ec2), InstanceType="t3.micro", MinCount=1, MaxCount=1,
                          SubnetId=subnet_id, Ipv6AddressCount=3)


def _aws(server: Server, *args: str) -> dict:
    """One aws CLI (v1, from the lock file) command against ``server``, its JSON answer."""
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "400000000004", "AWS_SECRET_ACCESS_KEY": "lab",
           "AWS_DEFAULT_REGION": "us-east-1"}
    proc = subprocess.run(
        [sys.executable, "-m", "awscli", "ec2", *args, "--endpoint-url", server.url, "--output", "json"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout) if proc.stdout.strip() else {}


def test_aws_cli_dual_stack_egress_only_design(clean_server: Server) -> None:
    """The egress-only design through the aws CLI, as AWS's guide walks it: a VPC with an Amazon /56,
    a dual-stack subnet, an egress-only gateway with the subnet's ``::/0`` route to it, an IPv6
    ingress rule, an instance with an IPv6 address (AWS CLI reference: ec2 create-vpc,
    create-subnet, create-egress-only-internet-gateway, create-route, authorize-security-group-ingress;
    https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html)."""
    vpc = _aws(clean_server, "create-vpc", "--cidr-block", "10.2.0.0/16",
               "--amazon-provided-ipv6-cidr-block")["Vpc"]
    block = IPv6Network(vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"])
    assert block.prefixlen == 56
    sixty_four = str(next(block.subnets(new_prefix=64)))
    subnet = _aws(clean_server, "create-subnet", "--vpc-id", vpc["VpcId"], "--cidr-block", "10.2.1.0/24",
                  "--ipv6-cidr-block", sixty_four)["Subnet"]
    assert subnet["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] == sixty_four
    _aws(clean_server, "modify-subnet-attribute", "--subnet-id", subnet["SubnetId"],
         "--assign-ipv6-address-on-creation")
    eigw = _aws(clean_server, "create-egress-only-internet-gateway",
                "--vpc-id", vpc["VpcId"])["EgressOnlyInternetGateway"]
    rtb = _aws(clean_server, "create-route-table", "--vpc-id", vpc["VpcId"])["RouteTable"]
    _aws(clean_server, "associate-route-table", "--route-table-id", rtb["RouteTableId"],
         "--subnet-id", subnet["SubnetId"])
    _aws(clean_server, "create-route", "--route-table-id", rtb["RouteTableId"],
         "--destination-ipv6-cidr-block", "::/0",
         "--egress-only-internet-gateway-id", eigw["EgressOnlyInternetGatewayId"])
    routes = _aws(clean_server, "describe-route-tables", "--route-table-ids",
                  rtb["RouteTableId"])["RouteTables"][0]["Routes"]
    v6 = {r["DestinationIpv6CidrBlock"]: r for r in routes if "DestinationIpv6CidrBlock" in r}
    assert v6[str(block)]["GatewayId"] == "local"
    assert v6["::/0"]["EgressOnlyInternetGatewayId"] == eigw["EgressOnlyInternetGatewayId"]
    group = _aws(clean_server, "create-security-group", "--group-name", "web", "--description", "web",
                 "--vpc-id", vpc["VpcId"])["GroupId"]
    _aws(clean_server, "authorize-security-group-ingress", "--group-id", group, "--ip-permissions",
         "IpProtocol=tcp,FromPort=443,ToPort=443,Ipv6Ranges=[{CidrIpv6=::/0}]")
    described = _aws(clean_server, "describe-security-groups", "--group-ids", group)["SecurityGroups"][0]
    assert described["IpPermissions"][0]["Ipv6Ranges"] == [{"CidrIpv6": "::/0"}]
    assert {"CidrIpv6": "::/0"} in described["IpPermissionsEgress"][0]["Ipv6Ranges"]
    image = _aws(clean_server, "describe-images")["Images"][0]["ImageId"]
    instance = _aws(clean_server, "run-instances", "--image-id", image, "--instance-type", "t3.micro",
                    "--subnet-id", subnet["SubnetId"], "--security-group-ids", group)["Instances"][0]
    assert IPv6Network(sixty_four).supernet_of(IPv6Network(instance["Ipv6Address"] + "/128"))
