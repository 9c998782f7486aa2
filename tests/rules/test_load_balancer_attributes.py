"""Network load balancer and target group attributes, and ELB tags (elbv2).

AWS: "Edit attributes for your Network Load Balancer"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-load-balancer-attributes.html),
"Edit target group attributes for your Network Load Balancer"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html),
the API reference's LoadBalancerAttribute and TargetGroupAttribute
(https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html),
AddTags / DescribeTags (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AddTags.html)
and "Tag your Network Load Balancer"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-tags.html).
"""

from __future__ import annotations

import pytest

from tests.conftest import ACCOUNT_B, raises_aws, unchanged
from vpclab.control.load_balancer import load_balancer_attributes, target_group_attributes
from vpclab.model.load_balancer import LoadBalancer, TargetGroup


@pytest.fixture
def nlb(cp) -> tuple[LoadBalancer, TargetGroup, TargetGroup]:
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    a = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    b = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.2.0/24", availability_zone="us-east-1b")
    lb = cp.create_load_balancer(name="nlb", subnets=[a.id, b.id])
    tcp_ip = cp.create_target_group(name="tcp-ip", protocol="TCP", port=443, vpc_id=vpc.id, target_type="ip")
    udp = cp.create_target_group(name="udp", protocol="UDP", port=53, vpc_id=vpc.id, target_type="ip")
    return lb, tcp_ip, udp


def test_nlb_attribute_defaults(nlb):
    """Deletion protection is disabled by default; cross-zone load balancing is off by default for a
    Network Load Balancer (the NLB guide's "Edit attributes":
    https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-load-balancer-attributes.html)."""
    lb, _, _ = nlb
    attrs = load_balancer_attributes(lb)
    assert attrs["deletion_protection.enabled"] == "false"
    assert attrs["load_balancing.cross_zone.enabled"] == "false"
    assert attrs["access_logs.s3.enabled"] == "false"
    assert attrs["dns_record.client_routing_policy"] == "any_availability_zone"


def test_modify_keeps_the_others_and_fails_whole(cp, world, nlb):
    """ "If any of the specified attributes can't be modified as requested, the call fails. Any existing
    attributes that you do not modify retain their current values."
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyLoadBalancerAttributes.html)"""
    lb, _, _ = nlb
    lb = cp.modify_load_balancer_attributes(
        load_balancer_arn=lb.arn, attributes={"load_balancing.cross_zone.enabled": "true"}
    )
    with (
        unchanged(world),
        raises_aws(
            "ValidationError", "Load balancer attribute key 'idle_timeout.timeout_seconds' is not recognized"
        ),
    ):
        cp.modify_load_balancer_attributes(
            load_balancer_arn=lb.arn,
            attributes={"deletion_protection.enabled": "true", "idle_timeout.timeout_seconds": "30"},
        )
    with unchanged(world), raises_aws("ValidationError"):
        cp.modify_load_balancer_attributes(
            load_balancer_arn=lb.arn, attributes={"deletion_protection.enabled": "yes"}
        )
    with unchanged(world), raises_aws("ValidationError"):
        cp.modify_load_balancer_attributes(
            load_balancer_arn=lb.arn, attributes={"access_logs.s3.enabled": "true"}
        )
    attrs = load_balancer_attributes(world.get(lb.id, LoadBalancer))
    assert (attrs["load_balancing.cross_zone.enabled"], attrs["deletion_protection.enabled"]) == (
        "true",
        "false",
    )


def test_deletion_protection_blocks_delete(cp, world, nlb):
    """ "If you enable deletion protection … you must disable it before you can delete" the NLB
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-load-balancer-attributes.html)."""
    lb, _, _ = nlb
    cp.modify_load_balancer_attributes(
        load_balancer_arn=lb.arn, attributes={"deletion_protection.enabled": "true"}
    )
    with unchanged(world), raises_aws("OperationNotPermitted"):
        cp.delete_load_balancer(load_balancer_arn=lb.arn)
    cp.modify_load_balancer_attributes(
        load_balancer_arn=lb.arn, attributes={"deletion_protection.enabled": "false"}
    )
    cp.delete_load_balancer(load_balancer_arn=lb.arn)
    assert world.get(lb.id, LoadBalancer) is None


def test_only_the_owner_modifies(cp, nlb):
    """Another account does not see the load balancer: LoadBalancerNotFound, the documented error of
    ModifyLoadBalancerAttributes (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyLoadBalancerAttributes.html)."""
    lb, _, _ = nlb
    with raises_aws("LoadBalancerNotFound"):
        cp.as_(account_id=ACCOUNT_B).modify_load_balancer_attributes(
            load_balancer_arn=lb.arn, attributes={"deletion_protection.enabled": "true"}
        )


def test_target_group_attribute_defaults(nlb):
    """deregistration_delay.timeout_seconds defaults to 300; client IP preservation is disabled by
    default for TCP/TLS IP targets, enabled for UDP; cross-zone defaults to the load balancer's
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html, https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html)."""
    _, tcp_ip, udp = nlb
    attrs = target_group_attributes(tcp_ip)
    assert attrs["deregistration_delay.timeout_seconds"] == "300"
    assert attrs["preserve_client_ip.enabled"] == "false"
    assert attrs["load_balancing.cross_zone.enabled"] == "use_load_balancer_configuration"
    assert attrs["stickiness.type"] == "source_ip"
    assert target_group_attributes(udp)["preserve_client_ip.enabled"] == "true"


def test_target_group_attribute_rules(cp, world, nlb):
    """ "The range is 0-3600 seconds" (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html);
    client IP preservation can't be disabled for UDP target groups (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html)."""
    _, tcp_ip, udp = nlb
    tg = cp.modify_target_group_attributes(
        target_group_arn=tcp_ip.arn, attributes={"deregistration_delay.timeout_seconds": "0"}
    )
    assert target_group_attributes(tg)["deregistration_delay.timeout_seconds"] == "0"
    with unchanged(world), raises_aws("ValidationError"):
        cp.modify_target_group_attributes(
            target_group_arn=tcp_ip.arn, attributes={"deregistration_delay.timeout_seconds": "3601"}
        )
    with (
        unchanged(world),
        raises_aws(
            "ValidationError", "Target group attribute key 'slow_start.duration_seconds' is not recognized"
        ),
    ):
        cp.modify_target_group_attributes(
            target_group_arn=tcp_ip.arn, attributes={"slow_start.duration_seconds": "30"}
        )
    with unchanged(world), raises_aws("InvalidConfigurationRequest"):
        cp.modify_target_group_attributes(
            target_group_arn=udp.arn, attributes={"preserve_client_ip.enabled": "false"}
        )
    with raises_aws("TargetGroupNotFound"):
        cp.modify_target_group_attributes(
            target_group_arn=tcp_ip.arn.replace("tcp-ip", "nope"), attributes={"stickiness.enabled": "true"}
        )


def test_elb_tags(cp, world, nlb):
    """AddTags updates an existing key's value; RemoveTags removes keys; at most 50 tags per resource
    (TooManyTags, https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-tags.html),
    checked on every resource before any changes."""
    lb, tcp_ip, _ = nlb
    cp.add_elb_tags(resource_arns=[lb.arn, tcp_ip.arn], tags={"team": "a", "env": "dev"})
    cp.add_elb_tags(resource_arns=[lb.arn], tags={"team": "b"})
    assert dict(world.get(lb.id, LoadBalancer).tags) == {"team": "b", "env": "dev"}
    cp.remove_elb_tags(resource_arns=[tcp_ip.arn], tag_keys=["env", "absent"])
    assert dict(world.get(tcp_ip.id, TargetGroup).tags) == {"team": "a"}
    many = {f"k{i}": "v" for i in range(49)}
    with unchanged(world), raises_aws("TooManyTags"):
        cp.add_elb_tags(resource_arns=[tcp_ip.arn, lb.arn], tags=many)
    with unchanged(world), raises_aws("LoadBalancerNotFound"):
        cp.add_elb_tags(resource_arns=[tcp_ip.arn, lb.arn + "0"], tags={"x": "y"})
