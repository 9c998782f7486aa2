"""Where a Gateway Load Balancer endpoint sends a packet: the Gateway Load Balancer of its service in
the endpoint's Availability Zone, its listener's GENEVE target group, a healthy appliance there.

Shared by the tracer (``reach.gateways.gwlb_endpoint``) and the compiled view (a working endpoint
is a middlebox at its subnet, ``reach.compiled.middleboxes``), so that both decide the same way.

AWS: PrivateLink guide, "Access an inspection system using a Gateway Load Balancer endpoint" ("When
an endpoint service is associated with multiple Gateway Load Balancers, a Gateway Load Balancer
endpoint establishes a connection with only one load balancer per Availability Zone"); Gateway Load
Balancers guide, "Target groups" ("Each target group must have at least one registered target in
each Availability Zone that is enabled for the Gateway Load Balancer"; the load balancer routes to
healthy registered targets) and "Gateway Load Balancers", cross-zone load balancing (off by default:
a load balancer node sends traffic only to targets in its own Availability Zone). vpclab runs no
health checks: a registered running instance, or a registered IP address, is a healthy target. The
appliance's own inspection rules (its firewall policy) are not analysed.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

from ..model.endpoints import VpcEndpoint, service_behind
from ..model.interfaces import Instance, NetworkInterface
from ..model.load_balancer import (
    LoadBalancer,
    Target,
    TargetGroup,
    listeners_of,
    load_balancer_by_arn,
    target_group_by_arn,
)
from ..model.subnet import Subnet
from ..model.world import World


@dataclass(frozen=True, slots=True)
class GwlbPath:
    """What an endpoint reaches: the load balancer and the appliance, or why not (an explanation
    code, a message, the component at fault, a fix)."""

    load_balancer: LoadBalancer | None = None
    target_group: TargetGroup | None = None
    target: Target | None = None
    #: the appliance's interface (an instance target's primary interface; None for an IP target)
    interface: NetworkInterface | None = None
    problem: tuple[str, str, str, str] | None = None


def _zone_of(world: World, tg: TargetGroup, target: Target) -> str:
    """A target's Availability Zone: the instance's, the subnet holding an IP target, else its
    registered zone (``all`` for an address outside the VPC)."""
    if tg.target_type == "instance":
        inst = world.get(target.id, Instance)
        return inst.availability_zone if inst is not None else ""
    try:
        addr = IPv4Address(target.id)
    except ValueError:
        return ""
    for sub in world.in_vpc(tg.vpc_id, Subnet):
        if sub.network is not None and addr in sub.network:
            return sub.availability_zone
    return target.availability_zone or "all"


def _healthy(world: World, tg: TargetGroup, target: Target) -> bool:
    if tg.target_type != "instance":
        return True
    inst = world.get(target.id, Instance)
    return inst is not None and inst.state == "running"


def _interface(world: World, tg: TargetGroup, target: Target) -> NetworkInterface | None:
    if tg.target_type == "instance":
        inst = world.get(target.id, Instance)
        if inst is None or not inst.network_interface_ids:
            return None
        return world.get(inst.network_interface_ids[0], NetworkInterface)
    return next(
        (e for e in world.in_vpc(tg.vpc_id, NetworkInterface) if e.private_ip_address == target.id), None
    )


def gwlb_path(world: World, vpce: VpcEndpoint) -> GwlbPath:
    """The load balancer and appliance a Gateway Load Balancer endpoint sends traffic to (the first
    healthy target by id: a Gateway Load Balancer keeps both directions of a flow on one appliance,
    so which one is immaterial to reachability), or the reason it cannot."""
    svc = service_behind(world, vpce)
    if svc is None or not svc.gateway_load_balancer_arns:
        return GwlbPath(
            problem=(
                "BAD_STATE",
                f"the endpoint service of {vpce.id} no longer exists",
                vpce.id,
                "recreate the Gateway Load Balancer endpoint service",
            )
        )
    subnet = world.get(vpce.subnet_ids[0], Subnet) if vpce.subnet_ids else None
    az = subnet.availability_zone if subnet is not None else ""
    lb = next(
        (
            lb
            for arn in svc.gateway_load_balancer_arns
            if (lb := load_balancer_by_arn(world, arn)) is not None and az in lb.availability_zones
        ),
        None,
    )
    if lb is None:
        return GwlbPath(
            problem=(
                "VPCE_SERVICE_NOT_INSTALLED_IN_AZ",
                f"no Gateway Load Balancer of {svc.id} is in {az}, the Availability Zone of {vpce.id}",
                svc.id,
                f"enable {az} on a Gateway Load Balancer of {svc.id} (add a subnet there)",
            )
        )
    groups = [
        tg
        for ls in listeners_of(world, lb.id)
        for arn in ls.target_group_arns
        if (tg := target_group_by_arn(world, arn)) is not None
    ]
    if not groups:
        return GwlbPath(
            lb,
            problem=(
                "ELBV2_LISTENER_HAS_NO_TG",
                f"{lb.load_balancer_name} has no listener forwarding to a target group",
                lb.id,
                "create a listener that forwards to a GENEVE target group",
            ),
        )
    cross_zone = dict(lb.attributes).get("load_balancing.cross_zone.enabled") == "true"
    healthy = sorted(
        ((tg, t) for tg in groups for t in tg.targets if _healthy(world, tg, t)),
        key=lambda p: (p[1].id, p[1].port),
    )
    usable = [(tg, t) for tg, t in healthy if cross_zone or _zone_of(world, tg, t) in (az, "all")]
    if not usable:
        where = "registered" if not healthy else f"in {az} (cross-zone load balancing is off)"
        return GwlbPath(
            lb,
            groups[0],
            problem=(
                "ELBV2_NO_TARGETS_IN_AZ",
                f"{lb.load_balancer_name} has no healthy appliance {where}",
                groups[0].id,
                f"register a running appliance in {az} with {groups[0].target_group_name}"
                + (" or enable cross-zone load balancing" if healthy else ""),
            ),
        )
    tg, target = usable[0]
    return GwlbPath(lb, tg, target, _interface(world, tg, target))


def endpoint_works(world: World, vpce: VpcEndpoint) -> bool:
    """Whether a Gateway Load Balancer endpoint passes traffic through an appliance and back."""
    return gwlb_path(world, vpce).problem is None
