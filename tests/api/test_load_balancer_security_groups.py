"""Network Load Balancer security groups and the attributes reachability reads, through boto3 and the
aws CLI against a live ``vpclab serve``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from .conftest import Server, client_error

ACCOUNT = "100000000098"


def _network(ec2: Any) -> tuple[str, list[str], str]:
    vpc_id = ec2.create_vpc(CidrBlock="10.80.0.0/16")["Vpc"]["VpcId"]
    made = [ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.80.{i}.0/24", AvailabilityZoneId=z)["Subnet"]
            for i, z in ((1, "use1-az1"), (2, "use1-az2"))]
    subnets = [s["SubnetId"] for s in made]
    sg = ec2.create_security_group(GroupName="nlb", Description="nlb", VpcId=vpc_id)["GroupId"]
    return vpc_id, subnets, sg


def test_set_security_groups_and_the_privatelink_switch(server: Server) -> None:
    """CreateLoadBalancer with SecurityGroups, DescribeLoadBalancers' SecurityGroups and
    EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic, SetSecurityGroups (off), and
    InvalidConfigurationRequest for a load balancer created without groups.

    AWS SetSecurityGroups (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSecurityGroups.html),
    "Update the security groups for your Network Load Balancer"
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html).
    """
    ec2, elb = server.client(account=ACCOUNT), server.client("elbv2", account=ACCOUNT)
    _, subnets, sg = _network(ec2)
    (lb,) = elb.create_load_balancer(Name="guarded", Subnets=subnets, Type="network", Scheme="internal",
                                     SecurityGroups=[sg])["LoadBalancers"]
    assert lb["SecurityGroups"] == [sg] and lb["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "on"
    out = elb.set_security_groups(LoadBalancerArn=lb["LoadBalancerArn"], SecurityGroups=[sg],
                                  EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic="off")
    assert out["SecurityGroupIds"] == [sg]
    assert out["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "off"
    (again,) = elb.describe_load_balancers(LoadBalancerArns=[lb["LoadBalancerArn"]])["LoadBalancers"]
    assert again["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "off"
    (bare,) = elb.create_load_balancer(Name="bare", Subnets=subnets, Type="network",
                                       Scheme="internal")["LoadBalancers"]
    with client_error("InvalidConfigurationRequest"):
        elb.set_security_groups(LoadBalancerArn=bare["LoadBalancerArn"], SecurityGroups=[sg])
    with client_error("InvalidSecurityGroup"):
        elb.set_security_groups(LoadBalancerArn=lb["LoadBalancerArn"],
                                SecurityGroups=["sg-0000000000000000a"])


def test_aws_cli_set_security_groups_and_cross_zone(server: Server) -> None:
    """``aws elbv2 set-security-groups`` and ``modify-load-balancer-attributes`` for cross-zone load
    balancing, the two settings the reachability analysis reads (AWS CLI reference;
    https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-load-balancer-attributes.html)."""
    ec2, elb = server.client(account=ACCOUNT), server.client("elbv2", account=ACCOUNT)
    vpc_id = ec2.create_vpc(CidrBlock="10.81.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.81.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="nlb", Description="nlb", VpcId=vpc_id)["GroupId"]
    (lb,) = elb.create_load_balancer(Name="cli-nlb", Subnets=[subnet], Type="network", Scheme="internal",
                                     SecurityGroups=[sg])["LoadBalancers"]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_SECRET_ACCESS_KEY": "lab",
           "AWS_DEFAULT_REGION": "us-east-1"}
    base = [sys.executable, "-m", "awscli", "elbv2", "--endpoint-url", server.url, "--output", "json"]

    def aws(*args: str) -> Any:
        run = subprocess.run([*base, *args], capture_output=True, text=True, env=env, timeout=60, check=False)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    out = aws("set-security-groups", "--load-balancer-arn", lb["LoadBalancerArn"], "--security-groups", sg,
              "--enforce-security-group-inbound-rules-on-private-link-traffic", "off")
    assert out["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "off"
    attrs = aws("modify-load-balancer-attributes", "--load-balancer-arn", lb["LoadBalancerArn"],
                "--attributes", "Key=load_balancing.cross_zone.enabled,Value=true")["Attributes"]
    assert {"Key": "load_balancing.cross_zone.enabled", "Value": "true"} in attrs
