"""Security groups on a Network Load Balancer (elbv2 CreateLoadBalancer SecurityGroups, SetSecurityGroups).

AWS: "Update the security groups for your Network Load Balancer"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html) and
the API reference "SetSecurityGroups"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSecurityGroups.html).
"""

from __future__ import annotations

import pytest

from tests.conftest import raises_aws, unchanged


@pytest.fixture
def net(cp):
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    a = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    web = cp.create_security_group(group_name="nlb", description="nlb", vpc_id=vpc.id)
    other = cp.create_security_group(group_name="nlb2", description="nlb2", vpc_id=vpc.id)
    return vpc, a, web, other


def test_groups_at_creation_and_replaced_later(cp, net):
    """"Update the security groups": a load balancer created with security groups can change them at
    any time; its interfaces carry them; the PrivateLink enforcement is on by default and can be
    turned off (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html)."""
    _, a, web, other = net
    lb = cp.create_load_balancer(name="nlb", subnets=[a.id], security_groups=[web.id])
    assert lb.security_groups == (web.id,) and lb.enforce_private_link_inbound_rules == "on"
    lb = cp.set_security_groups(load_balancer_arn=lb.arn, security_groups=[other.id],
                                enforce_security_group_inbound_rules_on_private_link_traffic="off")
    assert lb.security_groups == (other.id,) and lb.enforce_private_link_inbound_rules == "off"
    assert all(cp.world.get(i).groups == (other.id,) for i in lb.network_interface_ids)


def test_no_groups_later_for_a_load_balancer_created_without(cp, world, net):
    """"If you create a Network Load Balancer without associating any security groups, you can't
    associate them with the load balancer later on"; InvalidConfigurationRequest
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html)."""
    _, a, web, _ = net
    lb = cp.create_load_balancer(name="bare", subnets=[a.id])
    with unchanged(world), raises_aws("InvalidConfigurationRequest"):
        cp.set_security_groups(load_balancer_arn=lb.arn, security_groups=[web.id])


@pytest.mark.parametrize("case", ["other-vpc", "unknown", "enforce"])
def test_bad_groups_change_nothing(cp, world, net, case):
    """SetSecurityGroups: each group of the load balancer's VPC (InvalidSecurityGroup), the
    enforcement on or off (ValidationError)
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSecurityGroups.html)."""
    _, a, web, _ = net
    lb = cp.create_load_balancer(name="nlb", subnets=[a.id], security_groups=[web.id])
    elsewhere = cp.create_security_group(group_name="x", description="x",
                                         vpc_id=cp.create_vpc(cidr_block="10.9.0.0/16").id)
    groups = {"other-vpc": [elsewhere.id], "unknown": ["sg-0000000000000000a"], "enforce": [web.id]}[case]
    code = "ValidationError" if case == "enforce" else "InvalidSecurityGroup"
    with unchanged(world), raises_aws(code):
        cp.set_security_groups(load_balancer_arn=lb.arn, security_groups=groups,
                               enforce_security_group_inbound_rules_on_private_link_traffic=(
                                   "maybe" if case == "enforce" else None))
    with raises_aws("InvalidSecurityGroup"):
        cp.create_load_balancer(name="nlb2", subnets=[a.id], security_groups=[elsewhere.id])
