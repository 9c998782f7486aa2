"""Network load balancers: the elbv2 calls that put an NLB behind a PrivateLink endpoint service.

CreateLoadBalancer, DeleteLoadBalancer, CreateTargetGroup, RegisterTargets, DeregisterTargets,
CreateListener — as ControlPlane actions with Elastic Load Balancing's parameter names and errors.
AWS docs: "Network Load Balancers" and the Elastic Load Balancing API reference
(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html).
vpclab models network load balancers only (what PrivateLink needs).

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
from collections.abc import Mapping, Sequence
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
from .ipv6 import set_managed_ipv6
from .registry import action

#: protocols a network load balancer's listeners and target groups speak
NLB_PROTOCOLS = ("TCP", "UDP", "TCP_UDP", "TLS")
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


@action
def create_load_balancer(ctx: Ctx, *, name: str, subnets: Sequence[str], type: str = "network",
                         scheme: str = "internal", security_groups: Sequence[str] | None = None,
                         ip_address_type: str = "ipv4",
                         tags: Mapping[str, str] | None = None) -> LoadBalancer:
    """CreateLoadBalancer (elbv2): a network load balancer with one interface per subnet (one per AZ);
    a dualstack one's interfaces also get an IPv6 address each.

    The same name with the same settings returns the existing load balancer, as AWS does.
    """
    if type != "network":
        raise _validation(
            f"Load balancer type '{type}' is not modelled; vpclab models network load balancers")
    if scheme not in SCHEMES:
        raise _validation(f"Scheme '{scheme}' must be one of {', '.join(SCHEMES)}")
    _check_name(name, "Load balancer")
    found = _subnets(ctx, subnets)
    _check_ip_address_type(ip_address_type, found)
    vpc_id = found[0].vpc_id
    for lb in ctx.world.all(LoadBalancer):
        if lb.load_balancer_name == name and lb.owner_id == ctx.account_id and lb.region == ctx.region:
            same = (lb.subnet_ids, lb.scheme, lb.ip_address_type) == (tuple(subnets), scheme, ip_address_type)
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
                      availability_zones=tuple(s.availability_zone for s in found), type="network",
                      scheme=scheme, security_groups=tuple(security_groups or ()), create_time=ctx.now,
                      ip_address_type=ip_address_type)
    from .interfaces import create_managed_interface

    enis = [create_managed_interface(ctx, s, interface_type="network_load_balancer",
                                     description=f"ELB net/{name}/{lb.arn.rsplit('/', 1)[1]}",
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
    if any(lb.arn in svc.network_load_balancer_arns for svc in ctx.world.all(VpcEndpointService)):
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
                        target_type: str = "instance", tags: Mapping[str, str] | None = None) -> TargetGroup:
    """CreateTargetGroup (elbv2): a network load balancer target group (TCP, UDP, TCP_UDP or TLS)."""
    _check_name(name, "Target group")
    if protocol not in NLB_PROTOCOLS:
        raise _validation(f"Protocol '{protocol}' is not supported by network load balancer target groups")
    if target_type not in TARGET_TYPES:
        raise _validation(f"Target type '{target_type}' must be one of {', '.join(TARGET_TYPES)}")
    _check_port(port)
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
        target_group_name=name, vpc_id=vpc_id, protocol=protocol, port=port, target_type=target_type))


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
def create_listener(ctx: Ctx, *, load_balancer_arn: str, protocol: str, port: int,
                    default_actions: Sequence[Mapping[str, str]],
                    tags: Mapping[str, str] | None = None) -> Listener:
    """CreateListener (elbv2): a port on the load balancer forwarding to target groups of its VPC.

    A target group serves one load balancer; one listener per port. (TLS certificates are not modelled.)
    """
    lb = require_load_balancer(ctx, load_balancer_arn)
    ctx.require_owner(lb)
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
        for other in ctx.world.all(Listener):
            if other.load_balancer_id != lb.id and tg.arn in other.target_group_arns:
                raise AwsError("TargetGroupAssociationLimit",
                               "The following target groups cannot be associated with more than one "
                               f"load balancer: '{tg.arn}'")
        if tg.vpc_id != lb.vpc_id:
            raise _validation(f"The target group '{tg.arn}' is not in the load balancer's VPC '{lb.vpc_id}'")
        tg_arns.append(tg.arn)
    if any(ls.port == port for ls in listeners_of(ctx.world, lb.id)):
        raise AwsError("DuplicateListener", "A listener already exists on this port "
                                            f"for this load balancer '{lb.arn}'")
    return ctx.world.put(Listener(id=ctx.new_id("listener"), owner_id=ctx.account_id, region=ctx.region,
                                  tags=Tags(tags), load_balancer_id=lb.id, protocol=protocol, port=port,
                                  target_group_arns=tuple(tg_arns)))
