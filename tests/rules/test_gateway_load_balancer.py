"""Gateway Load Balancer rules (elbv2 type ``gateway``): subnets only, GENEVE target groups on port
6081 with their health checks, a listener without protocol or port. AWS docs: Elastic Load
Balancing, "Gateway Load Balancers"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/gateway-load-balancers.html),
"Target groups for your Gateway Load Balancers"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/target-groups.html), "Health checks"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/health-checks.html)."""

from __future__ import annotations

import pytest

from tests.conftest import raises_aws, unchanged
from vpclab.model.images import image_named
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.load_balancer import HealthCheck, LoadBalancer, TargetGroup

AMI = image_named("us-east-1", "al2023").image_id


@pytest.fixture
def net(cp):
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    a = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    b = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.2.0/24", availability_zone="us-east-1b")
    return vpc, a, b


def _gwlb(cp, net, name="inspect"):
    _, a, b = net
    return cp.create_load_balancer(name=name, subnets=[a.id, b.id], type="gateway")


def _geneve(cp, net, name="appliances", **kw):
    return cp.create_target_group(name=name, protocol="GENEVE", port=6081, vpc_id=net[0].id, **kw)


def test_gateway_load_balancer_has_a_gwy_arn_and_an_interface_per_subnet(cp, world, net):
    """AWS "Gateway Load Balancers": a GWLB is created in subnets, one per Availability Zone; its ARN
    is loadbalancer/gwy/NAME/ID and it has no scheme and no security groups
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/gateway-load-balancers.html)."""
    lb = _gwlb(cp, net)
    assert lb.type == "gateway" and lb.is_gateway
    assert ":loadbalancer/gwy/inspect/" in lb.arn
    assert not lb.dns_name.startswith("internal-")
    enis = [world.get(i, NetworkInterface) for i in lb.network_interface_ids]
    assert [e.interface_type for e in enis] == ["gateway_load_balancer"] * 2
    assert all(e.groups == () for e in enis)
    assert lb.availability_zones == ("us-east-1a", "us-east-1b")


def test_gateway_load_balancer_takes_no_scheme(cp, world, net):
    """AWS CreateLoadBalancer: a Gateway Load Balancer takes subnets only; a scheme is refused
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html)."""
    with (
        unchanged(world),
        raises_aws("ValidationError", "Scheme is not supported for Gateway Load Balancers"),
    ):
        cp.create_load_balancer(name="gw", subnets=[net[1].id], type="gateway", scheme="internal")


def test_gateway_load_balancer_takes_no_security_groups(cp, world, net):
    """AWS SetSecurityGroups: "You can't associate a security group with a Gateway Load Balancer"
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_SetSecurityGroups.html)."""
    sg = cp.create_security_group(group_name="x", description="x", vpc_id=net[0].id)
    message = "Security groups are not supported for load balancers with type 'gateway'"
    with unchanged(world), raises_aws("ValidationError", message):
        cp.create_load_balancer(name="gw", subnets=[net[1].id], type="gateway", security_groups=[sg.id])


def test_application_load_balancers_are_not_modelled(cp, world, net):
    """AWS CreateLoadBalancer Type: application | network | gateway; vpclab models network and
    gateway load balancers (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html)."""
    with unchanged(world), raises_aws("ValidationError"):
        cp.create_load_balancer(name="alb", subnets=[net[1].id], type="application")


def test_gateway_load_balancer_one_subnet_per_zone(cp, world, net):
    """AWS "Gateway Load Balancers", Availability Zones: one subnet per enabled Availability Zone
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/gateway-load-balancers.html)."""
    vpc, a, _ = net
    a2 = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.3.0/24", availability_zone="us-east-1a")
    with unchanged(world), raises_aws("InvalidConfigurationRequest"):
        cp.create_load_balancer(name="gw", subnets=[a.id, a2.id], type="gateway")


def test_geneve_target_group_uses_port_6081(cp, world, net):
    """AWS "Target groups for your Gateway Load Balancers": "Target groups for Gateway Load Balancers
    support the following protocol and port: Protocol: GENEVE, Port: 6081"
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/target-groups.html)."""
    tg = _geneve(cp, net)
    assert (tg.protocol, tg.port) == ("GENEVE", 6081)
    with unchanged(world), raises_aws("ValidationError"):
        cp.create_target_group(name="bad", protocol="GENEVE", port=443, vpc_id=net[0].id)
    with unchanged(world), raises_aws("ValidationError"):
        cp.create_target_group(name="bad", protocol="HTTP", port=80, vpc_id=net[0].id)


def test_geneve_health_check_defaults(cp, net):
    """AWS "Health checks for Gateway Load Balancer target groups": TCP by default, port 80, timeout 5,
    interval 10 (https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/health-checks.html)."""
    tg = _geneve(cp, net)
    assert tg.health_check == HealthCheck(
        protocol="TCP",
        port="80",
        interval_seconds=10,
        timeout_seconds=5,
        healthy_threshold_count=5,
        unhealthy_threshold_count=2,
    )
    http = _geneve(cp, net, name="http", health_check_protocol="HTTP", health_check_port="8080")
    hc = http.health_check
    assert (hc.protocol, hc.port, hc.path) == ("HTTP", "8080", "/")


def test_health_check_settings_are_validated(cp, world, net):
    """AWS "Health checks for Gateway Load Balancer target groups": HTTP, HTTPS or TCP; timeout 2–120;
    interval 5–300 and at least the timeout; thresholds 2–10; GENEVE is not a health check protocol
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/health-checks.html)."""
    for bad in (
        {"health_check_protocol": "GENEVE"},
        {"health_check_protocol": "UDP"},
        {"health_check_timeout_seconds": 1},
        {"health_check_interval_seconds": 400},
        {"health_check_interval_seconds": 5, "health_check_timeout_seconds": 6},
        {"healthy_threshold_count": 11},
        {"unhealthy_threshold_count": 1},
        {"health_check_port": "0"},
        {"health_check_path": "/health"},
    ):
        with unchanged(world), raises_aws("ValidationError"):
            _geneve(cp, net, name="bad", **bad)


def test_gateway_listener_has_no_protocol_and_no_port(cp, world, net):
    """AWS CreateListener: "You cannot specify a protocol for a Gateway Load Balancer" and "You cannot
    specify a port for a Gateway Load Balancer"; a Network Load Balancer's listener needs both
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html)."""
    lb, tg = _gwlb(cp, net), _geneve(cp, net)
    fwd = [{"type": "forward", "target_group_arn": tg.arn}]
    with unchanged(world), raises_aws("ValidationError"):
        cp.create_listener(load_balancer_arn=lb.arn, protocol="TCP", port=443, default_actions=fwd)
    with unchanged(world), raises_aws("ValidationError"):
        cp.create_listener(load_balancer_arn=lb.arn, port=6081, default_actions=fwd)
    ls = cp.create_listener(load_balancer_arn=lb.arn, default_actions=fwd)
    assert ":listener/gwy/inspect/" in ls.arn_in(world)
    with unchanged(world), raises_aws("DuplicateListener"):
        cp.create_listener(load_balancer_arn=lb.arn, default_actions=fwd)
    nlb = cp.create_load_balancer(name="nlb", subnets=[net[1].id])
    with unchanged(world), raises_aws("ValidationError", "A listener protocol must be specified"):
        cp.create_listener(load_balancer_arn=nlb.arn, port=443, default_actions=fwd)


def test_listener_forwards_to_target_groups_of_its_kind(cp, world, net):
    """AWS CreateListener: a Gateway Load Balancer forwards to a GENEVE target group, a Network Load
    Balancer to TCP, UDP, TCP_UDP or TLS ones (IncompatibleProtocols)
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html)."""
    lb, geneve = _gwlb(cp, net), _geneve(cp, net)
    tcp = cp.create_target_group(name="tcp", protocol="TCP", port=443, vpc_id=net[0].id)
    nlb = cp.create_load_balancer(name="nlb", subnets=[net[1].id])
    with unchanged(world), raises_aws("IncompatibleProtocols"):
        cp.create_listener(
            load_balancer_arn=lb.arn, default_actions=[{"type": "forward", "target_group_arn": tcp.arn}]
        )
    with unchanged(world), raises_aws("IncompatibleProtocols"):
        cp.create_listener(
            load_balancer_arn=nlb.arn,
            protocol="TCP",
            port=443,
            default_actions=[{"type": "forward", "target_group_arn": geneve.arn}],
        )


def test_appliances_register_as_instance_or_ip_targets(cp, world, net):
    """AWS "Target groups for your Gateway Load Balancers", target type: instance or ip (IP addresses
    from the VPC's subnets or RFC 1918 / RFC 6598 ranges, never publicly routable)
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/target-groups.html)."""
    ip_tg = _geneve(cp, net, name="ips", target_type="ip")
    cp.register_targets(target_group_arn=ip_tg.arn, targets=[{"id": "10.0.1.10"}])
    with unchanged(world), raises_aws("InvalidTarget"):
        cp.register_targets(target_group_arn=ip_tg.arn, targets=[{"id": "8.8.8.8"}])
    (inst,) = cp.run_instances(image_id=AMI, instance_type="c5.large", subnet_id=net[1].id)
    tg = _geneve(cp, net)
    cp.register_targets(target_group_arn=tg.arn, targets=[{"id": inst.id}])
    assert [(t.id, t.port) for t in world.get(tg.id, TargetGroup).targets] == [(inst.id, 6081)]


def test_deleting_a_gateway_load_balancer_removes_its_interfaces(cp, world, net):
    """AWS "Delete a Gateway Load Balancer": its listener and network interfaces go with it
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/delete-load-balancer.html)."""
    lb = _gwlb(cp, net)
    enis = lb.network_interface_ids
    cp.delete_load_balancer(load_balancer_arn=lb.arn)
    assert world.get(lb.id, LoadBalancer) is None
    assert all(world.get(i) is None for i in enis)


def test_gateway_load_balancer_attributes(cp, world, net):
    """AWS LoadBalancerAttribute: a Gateway Load Balancer has deletion_protection.enabled and
    load_balancing.cross_zone.enabled (off by default); NLB-only keys are not recognized
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerAttribute.html)."""
    lb = _gwlb(cp, net)
    from vpclab.control.load_balancer import load_balancer_attributes

    assert load_balancer_attributes(lb) == {
        "deletion_protection.enabled": "false",
        "load_balancing.cross_zone.enabled": "false",
    }
    lb = cp.modify_load_balancer_attributes(
        load_balancer_arn=lb.arn, attributes={"load_balancing.cross_zone.enabled": "true"}
    )
    assert load_balancer_attributes(lb)["load_balancing.cross_zone.enabled"] == "true"
    with unchanged(world), raises_aws("ValidationError"):
        cp.modify_load_balancer_attributes(
            load_balancer_arn=lb.arn, attributes={"dns_record.client_routing_policy": "any_availability_zone"}
        )


def test_geneve_target_group_attributes(cp, world, net):
    """AWS TargetGroupAttribute and the GWLB guide's "Edit target group attributes": stickiness
    source_ip_dest_ip or source_ip_dest_ip_proto; target failover rebalance or no_rebalance, the same
    value on deregistration and when unhealthy; no client IP preservation or proxy protocol
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/gateway/edit-target-group-attributes.html)."""
    from vpclab.control.load_balancer import target_group_attributes

    tg = _geneve(cp, net)
    assert target_group_attributes(tg)["target_failover.on_unhealthy"] == "no_rebalance"
    tg = cp.modify_target_group_attributes(
        target_group_arn=tg.arn,
        attributes={"stickiness.enabled": "true", "stickiness.type": "source_ip_dest_ip"},
    )
    assert target_group_attributes(tg)["stickiness.type"] == "source_ip_dest_ip"
    tg = cp.modify_target_group_attributes(
        target_group_arn=tg.arn,
        attributes={
            "target_failover.on_deregistration": "rebalance",
            "target_failover.on_unhealthy": "rebalance",
        },
    )
    for bad in (
        {"target_failover.on_unhealthy": "no_rebalance"},
        {"stickiness.type": "source_ip"},
        {"preserve_client_ip.enabled": "true"},
    ):
        with unchanged(world), raises_aws("ValidationError"):
            cp.modify_target_group_attributes(target_group_arn=tg.arn, attributes=bad)
