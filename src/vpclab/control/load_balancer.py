"""Network and Gateway Load Balancers: the elbv2 calls that put an NLB behind a PrivateLink endpoint
service, or a GWLB and its GENEVE appliances behind a Gateway Load Balancer endpoint service.

CreateLoadBalancer, DeleteLoadBalancer, CreateTargetGroup, RegisterTargets, DeregisterTargets,
CreateListener — as ControlPlane actions with Elastic Load Balancing's parameter names and errors.
AWS docs: "Network Load Balancers" and the Elastic Load Balancing API reference
(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html).
vpclab models network and gateway load balancers (what PrivateLink needs); the gateway type's own
rules are in ``control.gateway_load_balancer``.

Error wording. Seen verbatim in real responses: ResourceInUse ("… cannot be deleted because it is
currently associated with another service"). Recalled from real responses, not re-verified:
DuplicateLoadBalancerName / DuplicateTargetGroupName ("… exists, but with different settings"),
"A load balancer cannot be attached to multiple subnets in the same Availability Zone",
SubnetNotFound, InvalidSubnet ("VPC … has no internet gateway"), TargetGroupAssociationLimit,
DuplicateListener, InvalidTarget (not running). The ValidationError texts and the other InvalidTarget
texts are vpclab's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from ipaddress import IPv4Address, IPv4Network

from ..core.errors import AwsError
from ..model.base import Tags
from ..model.endpoints import VpcEndpointService
from ..model.interfaces import Instance, NetworkInterface
from ..model.load_balancer import (
    Listener,
    LoadBalancer,
    Target,
    TargetGroup,
    listeners_of,
    load_balancer_by_arn,
    target_group_by_arn,
)
from ..model.subnet import Subnet
from ..model.vpc import Vpc
from .context import Ctx
from .gateway_load_balancer import (
    GENEVE,
    GWLB_ATTRIBUTES,
    GWLB_VALUES,
    check_forward,
    check_gateway_load_balancer,
    check_geneve_target_group,
    check_listener,
    check_target_failover,
    geneve_target_group_defaults,
    geneve_value_ok,
    health_check,
)
from .ipv6 import set_managed_ipv6
from .registry import action

#: protocols a network load balancer's listeners and target groups speak
NLB_PROTOCOLS = ("TCP", "UDP", "TCP_UDP", "TLS")
#: the load balancer types vpclab models (ALBs are not: they are not PrivateLink or route targets)
LOAD_BALANCER_TYPES = ("network", "gateway")
TARGET_TYPES = ("instance", "ip")
SCHEMES = ("internal", "internet-facing")
#: a network load balancer's IpAddressType (ALBs also have dualstack-without-public-ipv4)
IP_ADDRESS_TYPES = ("ipv4", "dualstack")
#: listener protocols a dualstack network load balancer cannot have (SetIpAddressType: "You can't
#: specify dualstack for a load balancer with a UDP or TCP_UDP listener")
_NOT_DUALSTACK = ("UDP", "TCP_UDP")
#: ELB names: up to 32 alphanumerics and hyphens, not beginning or ending with a hyphen
_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
#: IP targets outside the VPC must come from these ranges (AWS "Target groups for your NLBs")
_IP_TARGET_RANGES = tuple(IPv4Network(n)
                          for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"))


def _validation(message: str) -> AwsError:
    return AwsError("ValidationError", message)


def _check_name(name: str, what: str) -> None:
    if not _NAME.match(name) or name.lower().startswith("internal-"):
        # AWS documents the naming rule; the exact ValidationError wording varies by violation
        raise _validation(f"{what} name '{name}' can contain only alphanumeric characters and hyphens, "
                          "must not begin or end with a hyphen or begin with 'internal-', "
                          "and can be at most 32 characters long")


def _check_port(port: int) -> None:
    if not 1 <= port <= 65535:
        raise _validation(f"Port '{port}' must be between 1 and 65535")


def require_load_balancer(ctx: Ctx, arn: str) -> LoadBalancer:
    lb = load_balancer_by_arn(ctx.world, arn)
    if lb is None or not lb.visible_to(ctx.world, ctx.account_id, ctx.region):
        raise AwsError(*LoadBalancer.NOT_FOUND)
    return lb


def require_target_group(ctx: Ctx, arn: str) -> TargetGroup:
    tg = target_group_by_arn(ctx.world, arn)
    if tg is None or not tg.visible_to(ctx.world, ctx.account_id, ctx.region):
        raise AwsError(*TargetGroup.NOT_FOUND)
    return tg


def _subnets(ctx: Ctx, subnet_ids: Sequence[str]) -> list[Subnet]:
    if not subnet_ids:
        raise _validation("At least one subnet must be specified")
    found: list[Subnet] = []
    for sid in subnet_ids:
        subnet = ctx.world.get(sid, Subnet)
        if subnet is None or not subnet.visible_to(ctx.world, ctx.account_id, ctx.region):
            raise AwsError("SubnetNotFound", f"The subnet ID '{sid}' is not valid")
        found.append(subnet)
    if len({s.vpc_id for s in found}) > 1:
        # AWS: a load balancer's subnets are all in one VPC (error wording undocumented)
        raise AwsError("InvalidConfigurationRequest", "The subnets must all belong to the same VPC")
    zones = [s.availability_zone for s in found]
    if len(set(zones)) != len(zones):
        raise AwsError("InvalidConfigurationRequest",
                       "A load balancer cannot be attached to multiple subnets in the same Availability Zone")
    return found


def _check_ip_address_type(ip_address_type: str, subnets: Sequence[Subnet]) -> None:
    """A network load balancer's IpAddressType: ipv4 or dualstack; dualstack needs subnets with IPv6 blocks.

    AWS "Update the IP address types for your Network Load Balancer"
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-ip-address-type.html):
    the VPC and subnets of a dualstack load balancer must have associated IPv6 CIDR blocks. The code
    is SetIpAddressType's documented InvalidConfigurationRequest; the wording is recalled from real
    responses, not re-verified. (The API reference's note that internal load balancers must use ipv4
    concerns Application Load Balancers: the NLB guide shows an internal dualstack NLB.)
    """
    if ip_address_type not in IP_ADDRESS_TYPES:
        raise _validation(f"IP address type '{ip_address_type}' must be one of {', '.join(IP_ADDRESS_TYPES)} "
                          "for a network load balancer")
    if ip_address_type == "dualstack" and any(s.ipv6_cidr_block is None for s in subnets):
        raise AwsError("InvalidConfigurationRequest",
                       "You must specify subnets with an associated IPv6 CIDR block.")


def _groups(ctx: Ctx, vpc_id: str, security_groups: Sequence[str] | None) -> tuple[str, ...]:
    from .load_balancer_security import check_groups

    return check_groups(ctx, vpc_id, security_groups) if security_groups else ()


@action
def create_load_balancer(ctx: Ctx, *, name: str, subnets: Sequence[str], type: str = "network",
                         scheme: str | None = None, security_groups: Sequence[str] | None = None,
                         ip_address_type: str = "ipv4",
                         tags: Mapping[str, str] | None = None) -> LoadBalancer:
    """CreateLoadBalancer (elbv2): a network or gateway load balancer with one interface per subnet
    (one per AZ); a dualstack one's interfaces also get an IPv6 address each.

    A network load balancer is ``internal`` unless asked for (vpclab's lab default). A gateway load
    balancer takes subnets only: no scheme, no security groups (``check_gateway_load_balancer``).
    The same name with the same settings returns the existing load balancer, as AWS does.
    """
    if type not in LOAD_BALANCER_TYPES:
        raise _validation(f"Load balancer type '{type}' is not modelled; vpclab models "
                          f"{' and '.join(LOAD_BALANCER_TYPES)} load balancers")
    if type == "gateway":
        check_gateway_load_balancer(scheme, security_groups)
    scheme = scheme or "internal"
    if scheme not in SCHEMES:
        raise _validation(f"Scheme '{scheme}' must be one of {', '.join(SCHEMES)}")
    _check_name(name, "Load balancer")
    found = _subnets(ctx, subnets)
    _check_ip_address_type(ip_address_type, found)
    vpc_id = found[0].vpc_id
    for lb in ctx.world.all(LoadBalancer):
        if lb.load_balancer_name == name and lb.owner_id == ctx.account_id and lb.region == ctx.region:
            same = ((lb.type, lb.subnet_ids, lb.scheme, lb.ip_address_type)
                    == (type, tuple(subnets), scheme, ip_address_type))
            if same:
                return lb
            raise AwsError("DuplicateLoadBalancerName",
                           f"A load balancer with the same name '{name}' exists, but with different settings")
    if scheme == "internet-facing":
        from ..model.gateways import InternetGateway

        if not any(igw.vpc_id == vpc_id for igw in ctx.world.all(InternetGateway)):
            raise AwsError("InvalidSubnet", f"VPC {vpc_id} has no internet gateway")
    lb_id = ctx.new_id("load_balancer")
    lb = LoadBalancer(id=lb_id, owner_id=ctx.account_id, region=ctx.region, tags=Tags(tags),
                      load_balancer_name=name, vpc_id=vpc_id, subnet_ids=tuple(subnets),
                      availability_zones=tuple(s.availability_zone for s in found), type=type,
                      scheme=scheme, security_groups=_groups(ctx, vpc_id, security_groups),
                      create_time=ctx.now,
                      ip_address_type=ip_address_type)
    from .interfaces import create_managed_interface

    kind = "gwy" if lb.is_gateway else "net"
    enis = [create_managed_interface(ctx, s, interface_type=f"{type}_load_balancer",
                                     description=f"ELB {kind}/{name}/{lb.arn.rsplit('/', 1)[1]}",
                                     groups=lb.security_groups, requester_id="amazon-elb")
            for s in found]
    for eni in enis:
        set_managed_ipv6(ctx, eni.id, ip_address_type == "dualstack")
    return ctx.world.put(replace(lb, network_interface_ids=tuple(e.id for e in enis)))


@action
def set_ip_address_type(ctx: Ctx, *, load_balancer_arn: str, ip_address_type: str) -> LoadBalancer:
    """SetIpAddressType (elbv2): ipv4 or dualstack; its interfaces gain or lose their IPv6 addresses.

    AWS (SetIpAddressType, Elastic Load Balancing API reference): not dualstack with a UDP or TCP_UDP
    listener. An NLB behind an endpoint service that supports IPv6 stays dualstack (undocumented:
    vpclab's conservative reading of "all Network Load Balancers must use the dualstack IP address
    type" in the PrivateLink guide).
    """
    lb = require_load_balancer(ctx, load_balancer_arn)
    ctx.require_owner(lb)
    subnets = [s for s in (ctx.world.get(i, Subnet) for i in lb.subnet_ids) if s is not None]
    _check_ip_address_type(ip_address_type, subnets)
    if ip_address_type == "dualstack":
        for ls in listeners_of(ctx.world, lb.id):
            if ls.protocol in _NOT_DUALSTACK:
                raise AwsError("InvalidConfigurationRequest",
                               "You can't specify dualstack for a load balancer with a "
                               f"{ls.protocol} listener")
    elif any(lb.arn in svc.network_load_balancer_arns and "ipv6" in svc.supported_ip_address_types
             for svc in ctx.world.all(VpcEndpointService)):
        raise AwsError("InvalidConfigurationRequest",
                       f"Load balancer '{lb.arn}' is associated with an endpoint service that supports IPv6: "
                       "its IP address type must stay dualstack")
    for eni_id in lb.network_interface_ids:
        set_managed_ipv6(ctx, eni_id, ip_address_type == "dualstack")
    return ctx.world.put(replace(lb, ip_address_type=ip_address_type))


@action
def delete_load_balancer(ctx: Ctx, *, load_balancer_arn: str) -> None:
    """DeleteLoadBalancer: its listeners and interfaces go with it; not while an endpoint service uses it.

    AWS: deleting a load balancer that does not exist succeeds (the call is idempotent).
    """
    lb = load_balancer_by_arn(ctx.world, load_balancer_arn)
    if lb is None or not lb.visible_to(ctx.world, ctx.account_id, ctx.region):
        return None
    if load_balancer_attributes(lb)["deletion_protection.enabled"] == "true":
        # AWS "Edit attributes for your Network Load Balancer": "If you enable deletion protection …
        # you must disable it before you can delete" (code OperationNotPermitted, DeleteLoadBalancer's
        # documented error; wording recalled, not re-verified)
        raise AwsError("OperationNotPermitted", f"Load balancer '{lb.arn}' cannot be deleted because "
                                                "deletion protection is enabled")
    if any(lb.arn in svc.load_balancer_arns for svc in ctx.world.all(VpcEndpointService)):
        raise AwsError("ResourceInUse", f"Load balancer '{lb.arn}' cannot be deleted because it is currently "
                                        "associated with another service")
    for ls in listeners_of(ctx.world, lb.id):
        ctx.world.remove(ls.id)
    for eni_id in lb.network_interface_ids:
        if ctx.world.get(eni_id, NetworkInterface) is not None:
            ctx.world.remove(eni_id)
    ctx.world.remove(lb.id)
    return None


@action
def create_target_group(ctx: Ctx, *, name: str, protocol: str, port: int, vpc_id: str,
                        target_type: str = "instance", health_check_protocol: str | None = None,
                        health_check_port: str | None = None, health_check_path: str | None = None,
                        health_check_enabled: bool | None = None,
                        health_check_interval_seconds: int | None = None,
                        health_check_timeout_seconds: int | None = None,
                        healthy_threshold_count: int | None = None,
                        unhealthy_threshold_count: int | None = None,
                        tags: Mapping[str, str] | None = None) -> TargetGroup:
    """CreateTargetGroup (elbv2): a network load balancer target group (TCP, UDP, TCP_UDP or TLS) or a
    gateway load balancer one (GENEVE, port 6081), with its health check settings (AWS's defaults
    for the protocol unless given: ``gateway_load_balancer.health_check``)."""
    _check_name(name, "Target group")
    if protocol not in (*NLB_PROTOCOLS, GENEVE):
        raise _validation(f"Protocol '{protocol}' is not supported by network or gateway load balancer "
                          "target groups")
    if target_type not in TARGET_TYPES:
        raise _validation(f"Target type '{target_type}' must be one of {', '.join(TARGET_TYPES)}")
    _check_port(port)
    check_geneve_target_group(protocol, port)
    checks = health_check(
        protocol, health_check_protocol=health_check_protocol, health_check_port=health_check_port,
        health_check_path=health_check_path, health_check_enabled=health_check_enabled,
        health_check_interval_seconds=health_check_interval_seconds,
        health_check_timeout_seconds=health_check_timeout_seconds,
        healthy_threshold_count=healthy_threshold_count, unhealthy_threshold_count=unhealthy_threshold_count)
    vpc = ctx.world.get(vpc_id, Vpc)
    if vpc is None or not vpc.visible_to(ctx.world, ctx.account_id, ctx.region):
        raise _validation(f"The VPC ID '{vpc_id}' is not found")
    for tg in ctx.world.all(TargetGroup):
        if tg.target_group_name == name and tg.owner_id == ctx.account_id and tg.region == ctx.region:
            if (tg.protocol, tg.port, tg.vpc_id, tg.target_type) == (protocol, port, vpc_id, target_type):
                return tg
            raise AwsError("DuplicateTargetGroupName",
                           f"A target group with the same name '{name}' exists, but with different settings")
    return ctx.world.put(TargetGroup(
        id=ctx.new_id("target_group"), owner_id=ctx.account_id, region=ctx.region, tags=Tags(tags),
        target_group_name=name, vpc_id=vpc_id, protocol=protocol, port=port, target_type=target_type,
        health_check=checks))


def _check_target(ctx: Ctx, tg: TargetGroup, target_id: str) -> None:
    if tg.target_type == "instance":
        inst = ctx.world.get(target_id, Instance)
        if inst is None or not inst.visible_to(ctx.world, ctx.account_id, ctx.region):
            raise AwsError("InvalidTarget", f"The following targets are not valid instances: '{target_id}'")
        if inst.vpc_id != tg.vpc_id:
            raise AwsError("InvalidTarget",
                           f"The following targets are not in the target group VPC '{tg.vpc_id}': "
                           f"'{target_id}'")
        if inst.state != "running":
            raise AwsError("InvalidTarget",
                           "The following targets are not in a running state and "
                           f"cannot be registered: '{target_id}'")
        return
    try:
        addr = IPv4Address(target_id)
    except ValueError:
        raise AwsError("InvalidTarget", f"The IP address '{target_id}' is not a valid IPv4 address") from None
    vpc = ctx.world.get(tg.vpc_id, Vpc)
    in_vpc = vpc is not None and any(addr in n for n in vpc.networks)
    if not in_vpc and not any(addr in n for n in _IP_TARGET_RANGES):
        # AWS "Target groups for your Network Load Balancers": IP targets are in the VPC's CIDRs or in
        # RFC 1918 / RFC 6598 ranges (wording of the error undocumented)
        raise AwsError("InvalidTarget", f"The IP address '{target_id}' is outside the target group VPC "
                                        "and the allowed private ranges")


@action
def register_targets(ctx: Ctx, *, target_group_arn: str,
                     targets: Sequence[Mapping[str, object]]) -> TargetGroup:
    """RegisterTargets (elbv2): instances in the target group's VPC, or IP addresses."""
    tg = require_target_group(ctx, target_group_arn)
    ctx.require_owner(tg)
    current = list(tg.targets)
    for raw in targets:
        target_id = str(raw["id"])
        port = int(raw.get("port") or tg.port)  # type: ignore[call-overload]
        _check_port(port)
        _check_target(ctx, tg, target_id)
        # boto3's TargetDescription.AvailabilityZone is a string when given
        new = Target(id=target_id, port=port,
                     availability_zone=raw.get("availability_zone"))  # type: ignore[arg-type]
        if not any(t.id == new.id and t.port == new.port for t in current):
            current.append(new)
    return ctx.world.put(replace(tg, targets=tuple(current)))


@action
def deregister_targets(ctx: Ctx, *, target_group_arn: str,
                       targets: Sequence[Mapping[str, object]]) -> TargetGroup:
    """DeregisterTargets (elbv2): remove targets (by id, and port when given)."""
    tg = require_target_group(ctx, target_group_arn)
    ctx.require_owner(tg)
    current = list(tg.targets)
    for raw in targets:
        gone = [t for t in current if t.id == raw["id"] and (raw.get("port") in (None, t.port))]
        if not gone:
            raise AwsError("InvalidTarget", f"The following targets are not registered in target group "
                                            f"'{tg.arn}': '{raw['id']}'")
        current = [t for t in current if t not in gone]
    return ctx.world.put(replace(tg, targets=tuple(current)))


@action
def create_listener(ctx: Ctx, *, load_balancer_arn: str, default_actions: Sequence[Mapping[str, str]],
                    protocol: str | None = None, port: int | None = None,
                    tags: Mapping[str, str] | None = None) -> Listener:
    """CreateListener (elbv2): a port on a network load balancer forwarding to target groups of its
    VPC, or a gateway load balancer's listener (no protocol, no port: all IP packets) forwarding to a
    GENEVE target group.

    A target group serves one load balancer; one listener per port (a gateway load balancer: one
    listener). (TLS certificates are not modelled.)
    """
    lb = require_load_balancer(ctx, load_balancer_arn)
    ctx.require_owner(lb)
    check_listener(lb, protocol, port)
    if protocol is None or port is None:  # a gateway load balancer's listener
        protocol, port = "", 0
    else:
        if protocol not in NLB_PROTOCOLS:
            raise _validation(f"Protocol '{protocol}' is not supported by network load balancer listeners")
        _check_port(port)
    if not default_actions:
        raise _validation("A listener must have at least one default action")
    if lb.ip_address_type == "dualstack" and protocol in _NOT_DUALSTACK:
        # the SetIpAddressType rule seen from the other side (wording vpclab's)
        raise AwsError("InvalidConfigurationRequest",
                       f"A dualstack network load balancer cannot have a {protocol} listener")
    tg_arns: list[str] = []
    for act in default_actions:
        if act.get("type") != "forward":
            raise _validation(f"Action type '{act.get('type')}' is not supported by network load balancers")
        tg = require_target_group(ctx, act.get("target_group_arn", ""))
        check_forward(lb, tg)
        for other in ctx.world.all(Listener):
            if other.load_balancer_id != lb.id and tg.arn in other.target_group_arns:
                raise AwsError("TargetGroupAssociationLimit",
                               "The following target groups cannot be associated with more than one "
                               f"load balancer: '{tg.arn}'")
        if tg.vpc_id != lb.vpc_id:
            raise _validation(f"The target group '{tg.arn}' is not in the load balancer's VPC '{lb.vpc_id}'")
        tg_arns.append(tg.arn)
    if any(ls.port == port for ls in listeners_of(ctx.world, lb.id)):
        where = "" if lb.is_gateway else "on this port "  # a gateway load balancer has one listener
        raise AwsError("DuplicateListener", f"A listener already exists {where}"
                                            f"for this load balancer '{lb.arn}'")
    return ctx.world.put(Listener(id=ctx.new_id("listener"), owner_id=ctx.account_id, region=ctx.region,
                                  tags=Tags(tags), load_balancer_id=lb.id, protocol=protocol, port=port,
                                  target_group_arns=tuple(tg_arns)))


# -- attributes ----------------------------------------------------------------------------------
_BOOL = ("true", "false")
#: a network load balancer's attributes and their defaults (AWS API reference, LoadBalancerAttribute:
#: https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerAttribute.html;
#: "Edit attributes for your Network Load Balancer":
#: https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-load-balancer-attributes.html).
#: Cross-zone load balancing is off by default for a Network Load Balancer.
NLB_ATTRIBUTES: dict[str, str] = {
    "access_logs.s3.enabled": "false",
    "access_logs.s3.bucket": "",
    "access_logs.s3.prefix": "",
    "deletion_protection.enabled": "false",
    "ipv6.deny_all_igw_traffic": "false",
    "load_balancing.cross_zone.enabled": "false",
    "dns_record.client_routing_policy": "any_availability_zone",
    "zonal_shift.config.enabled": "false",
}
_LB_VALUES: dict[str, tuple[str, ...] | None] = {
    "access_logs.s3.enabled": _BOOL, "access_logs.s3.bucket": None, "access_logs.s3.prefix": None,
    "deletion_protection.enabled": _BOOL, "ipv6.deny_all_igw_traffic": _BOOL,
    "load_balancing.cross_zone.enabled": _BOOL, "zonal_shift.config.enabled": _BOOL,
    "dns_record.client_routing_policy": ("availability_zone_affinity", "partial_availability_zone_affinity",
                                         "any_availability_zone"),
}


def load_balancer_attributes(lb: LoadBalancer) -> dict[str, str]:
    """Every attribute of a network (or gateway) load balancer: AWS's defaults, overridden by what was
    modified."""
    return {**(GWLB_ATTRIBUTES if lb.is_gateway else NLB_ATTRIBUTES), **dict(lb.attributes)}


def target_group_defaults(tg: TargetGroup) -> dict[str, str]:
    """A network load balancer target group's attributes and their defaults (AWS API reference,
    TargetGroupAttribute:
    https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html;
    "Edit target group attributes for your Network Load Balancer":
    https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html).

    Client IP preservation is on by default for instance targets and for UDP / TCP_UDP IP targets,
    off for TCP / TLS IP targets. A GENEVE target group's: ``geneve_target_group_defaults``.
    """
    if tg.protocol == GENEVE:
        return geneve_target_group_defaults()
    preserve = tg.target_type == "instance" or tg.protocol in ("UDP", "TCP_UDP")
    return {
        "deregistration_delay.timeout_seconds": "300",
        "deregistration_delay.connection_termination.enabled": "false",
        "stickiness.enabled": "false",
        "stickiness.type": "source_ip",
        "proxy_protocol_v2.enabled": "false",
        "preserve_client_ip.enabled": "true" if preserve else "false",
        "load_balancing.cross_zone.enabled": "use_load_balancer_configuration",
        "target_health_state.unhealthy.connection_termination.enabled": "true",
        "target_health_state.unhealthy.draining_interval_seconds": "0",
        "target_group_health.dns_failover.minimum_healthy_targets.count": "1",
        "target_group_health.dns_failover.minimum_healthy_targets.percentage": "off",
        "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count": "1",
        "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage": "off",
    }


def target_group_attributes(tg: TargetGroup) -> dict[str, str]:
    return {**target_group_defaults(tg), **dict(tg.attributes)}


def _int_in(value: str, low: int, high: int) -> bool:
    return value.isdigit() and low <= int(value) <= high


def _tg_value_ok(key: str, value: str) -> bool:
    if key == "deregistration_delay.timeout_seconds":
        return _int_in(value, 0, 3600)  # "The range is 0-3600 seconds"
    if key == "target_health_state.unhealthy.draining_interval_seconds":
        return _int_in(value, 0, 360000)  # "The range is 0-360000 seconds"
    if key == "stickiness.type":
        return value == "source_ip"  # "source_ip for Network Load Balancers"
    if key == "load_balancing.cross_zone.enabled":
        return value in (*_BOOL, "use_load_balancer_configuration")
    if key.endswith("minimum_healthy_targets.count"):
        return value.isdigit() and int(value) >= 1  # "1 to the maximum number of targets"
    if key.endswith("minimum_healthy_targets.percentage"):
        return value == "off" or _int_in(value, 1, 100)  # "off or an integer from 1 to 100"
    return value in _BOOL


def _checked(attributes: Mapping[str, str], known: Mapping[str, object], noun: str,
             ok: Callable[[str, str], bool]) -> None:
    if not attributes:
        raise _validation("At least one attribute must be specified")
    for key, value in attributes.items():
        if key not in known:
            # AWS: "Load balancer attribute key 'x' is not recognized" (recalled from real responses)
            raise _validation(f"{noun} attribute key '{key}' is not recognized")
        if not ok(key, value):
            # the wording is vpclab's; the code is ELB's ValidationError
            raise _validation(f"{noun} attribute '{key}' cannot have the value '{value}'")


@action
def modify_load_balancer_attributes(ctx: Ctx, *, load_balancer_arn: str,
                                    attributes: Mapping[str, str]) -> LoadBalancer:
    """ModifyLoadBalancerAttributes (elbv2): "If any of the specified attributes can't be modified as
    requested, the call fails. Any existing attributes that you do not modify retain their current
    values." (API reference, ModifyLoadBalancerAttributes)."""
    lb = require_load_balancer(ctx, load_balancer_arn)
    ctx.require_owner(lb)
    values, defaults = (GWLB_VALUES, GWLB_ATTRIBUTES) if lb.is_gateway else (_LB_VALUES, NLB_ATTRIBUTES)
    _checked(attributes, values, "Load balancer", lambda k, v: values[k] is None or v in (values[k] or ()))
    merged = {**load_balancer_attributes(lb), **attributes}
    if merged.get("access_logs.s3.enabled") == "true" and not merged["access_logs.s3.bucket"]:
        # access logs need a bucket (wording vpclab's; S3 bucket policies are not modelled)
        raise _validation("The value of 'access_logs.s3.bucket' cannot be empty when access logs are enabled")
    changed = {k: v for k, v in merged.items() if defaults[k] != v}
    return ctx.world.put(replace(lb, attributes=Tags(changed)))


@action
def modify_target_group_attributes(ctx: Ctx, *, target_group_arn: str,
                                   attributes: Mapping[str, str]) -> TargetGroup:
    """ModifyTargetGroupAttributes (elbv2), for a network load balancer target group. Client IP
    preservation "can't be disabled" for UDP and TCP_UDP target groups (the NLB guide's "Client IP
    preservation"; wording of the error vpclab's)."""
    tg = require_target_group(ctx, target_group_arn)
    ctx.require_owner(tg)
    defaults = target_group_defaults(tg)
    _checked(attributes, defaults, "Target group", geneve_value_ok if tg.protocol == GENEVE else _tg_value_ok)
    if tg.protocol in ("UDP", "TCP_UDP") and attributes.get("preserve_client_ip.enabled") == "false":
        raise AwsError("InvalidConfigurationRequest",
                       f"Client IP preservation cannot be disabled for {tg.protocol} target groups")
    merged = {**target_group_attributes(tg), **attributes}
    if tg.protocol == GENEVE:
        check_target_failover(merged)
    changed = {k: v for k, v in merged.items() if defaults[k] != v}
    return ctx.world.put(replace(tg, attributes=Tags(changed)))


# -- tags ----------------------------------------------------------------------------------------
#: "Tag your Network Load Balancer": a load balancer or target group has at most 50 tags
#: (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-tags.html)
MAX_ELB_TAGS = 50


def elb_resource(ctx: Ctx, arn: str) -> LoadBalancer | TargetGroup | Listener:
    """The load balancer, target group or listener an ELB ARN names, with ELB's not-found error."""
    if ":targetgroup/" in arn:
        return require_target_group(ctx, arn)
    if ":listener/" in arn:
        for ls in ctx.world.all(Listener):
            if ls.arn_in(ctx.world) == arn and ls.visible_to(ctx.world, ctx.account_id, ctx.region):
                return ls
        raise AwsError(*Listener.NOT_FOUND)
    return require_load_balancer(ctx, arn)


@action
def add_elb_tags(ctx: Ctx, *, resource_arns: Sequence[str], tags: Mapping[str, str]) -> None:
    """AddTags (elbv2): "If a resource already has a tag with the same key, AddTags updates its
    value." At most 50 tags per resource (TooManyTags); all resources are checked before any changes."""
    found = [elb_resource(ctx, arn) for arn in resource_arns]
    for res in found:
        ctx.require_owner(res)
        if len({**dict(res.tags), **tags}) > MAX_ELB_TAGS:
            raise AwsError("TooManyTags", f"The quota for the number of tags that can be assigned to "
                                          f"'{resource_arns[found.index(res)]}' has been reached")
    for res in found:
        ctx.world.put(replace(res, tags=Tags({**dict(res.tags), **tags})))


@action
def remove_elb_tags(ctx: Ctx, *, resource_arns: Sequence[str], tag_keys: Sequence[str]) -> None:
    """RemoveTags (elbv2): keys a resource does not have are ignored."""
    found = [elb_resource(ctx, arn) for arn in resource_arns]
    for res in found:
        ctx.require_owner(res)
    for res in found:
        ctx.world.put(replace(res, tags=Tags({k: v for k, v in res.tags.items() if k not in set(tag_keys)})))
