"""Network and Gateway Load Balancers, target groups and listeners: what stands behind a
PrivateLink endpoint service (an NLB) or a Gateway Load Balancer endpoint service (a GWLB and its
GENEVE appliances).

Elastic Load Balancing identifies these by ARN; vpclab keeps an id (``net-…``, ``tg-…``,
``lsnr-…``) for the World's index and derives the ARN from it (``loadbalancer/net/…`` for a
Network Load Balancer, ``loadbalancer/gwy/…`` for a Gateway Load Balancer, as AWS spells them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from .base import Resource, Tags

if TYPE_CHECKING:
    from .world import World


def _suffix(resource_id: str) -> str:
    """The hex part of an id, as the last element of an ELB ARN (AWS uses 16 hex digits)."""
    return resource_id.rsplit("-", 1)[1][-16:]


@dataclass(frozen=True, kw_only=True, slots=True)
class LoadBalancer(Resource):
    KIND: ClassVar[str] = "load_balancer"
    ID_PREFIX: ClassVar[str] = "net"
    LABEL: ClassVar[str] = "network load balancer"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("LoadBalancerNotFound", "One or more load balancers not found")

    load_balancer_name: str
    vpc_id: str
    subnet_ids: tuple[str, ...] = ()
    #: the Availability Zones of its subnets, in subnet order
    availability_zones: tuple[str, ...] = ()
    #: network | gateway
    type: str = "network"
    #: internal | internet-facing
    scheme: str = "internal"
    #: provisioning | active | failed
    state: str = "active"
    #: one requester-managed interface per subnet
    network_interface_ids: tuple[str, ...] = ()
    security_groups: tuple[str, ...] = ()
    #: when it was created (AWS's elbv2 CreatedTime); None in worlds saved before vpclab kept it
    create_time: datetime | None = None
    #: IpAddressType: ipv4 | dualstack (dualstack: each interface also has an IPv6 address)
    ip_address_type: str = "ipv4"
    #: ModifyLoadBalancerAttributes: the attributes set away from AWS's defaults (key → value)
    attributes: Tags = Tags()  # noqa: RUF009 -- immutable and hashable
    #: EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic (SetSecurityGroups): on | off
    enforce_private_link_inbound_rules: str = "on"

    @property
    def is_gateway(self) -> bool:
        """A Gateway Load Balancer (type ``gateway``)."""
        return self.type == "gateway"

    @property
    def arn(self) -> str:
        kind = "gwy" if self.is_gateway else "net"
        return (f"arn:aws:elasticloadbalancing:{self.region}:{self.owner_id}:"
                f"loadbalancer/{kind}/{self.load_balancer_name}/{_suffix(self.id)}")

    @property
    def load_balancer_arn(self) -> str:
        return self.arn

    @property
    def dns_name(self) -> str:
        prefix = "internal-" if self.scheme == "internal" and not self.is_gateway else ""
        return f"{prefix}{self.load_balancer_name}-{_suffix(self.id)}.elb.{self.region}.amazonaws.com"


@dataclass(frozen=True, kw_only=True, slots=True)
class Target:
    """A registered target: an instance id or an IP address, and the port traffic is sent to."""

    id: str
    port: int
    availability_zone: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class HealthCheck:
    """A target group's health check settings (CreateTargetGroup's HealthCheck* parameters).

    vpclab runs no health checks: the settings are kept and shown, and a registered target that is
    running (an IP target: always) counts as healthy.
    """

    protocol: str = "TCP"
    port: str = "traffic-port"
    path: str | None = None
    enabled: bool = True
    interval_seconds: int = 30
    timeout_seconds: int = 10
    healthy_threshold_count: int = 5
    unhealthy_threshold_count: int = 2


@dataclass(frozen=True, kw_only=True, slots=True)
class TargetGroup(Resource):
    KIND: ClassVar[str] = "target_group"
    ID_PREFIX: ClassVar[str] = "tg"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("TargetGroupNotFound", "One or more target groups not found")

    target_group_name: str
    vpc_id: str
    #: TCP | UDP | TCP_UDP | TLS (network load balancer protocols) | GENEVE (gateway load balancer)
    protocol: str
    port: int
    #: instance | ip
    target_type: str = "instance"
    targets: tuple[Target, ...] = ()
    #: the health check settings (AWS's defaults for the target group's protocol when not given)
    health_check: HealthCheck | None = None
    #: ModifyTargetGroupAttributes: the attributes set away from AWS's defaults (key → value)
    attributes: Tags = Tags()  # noqa: RUF009 -- immutable and hashable

    @property
    def arn(self) -> str:
        return (f"arn:aws:elasticloadbalancing:{self.region}:{self.owner_id}:"
                f"targetgroup/{self.target_group_name}/{_suffix(self.id)}")

    @property
    def target_group_arn(self) -> str:
        return self.arn


@dataclass(frozen=True, kw_only=True, slots=True)
class Listener(Resource):
    KIND: ClassVar[str] = "listener"
    ID_PREFIX: ClassVar[str] = "lsnr"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("ListenerNotFound", "One or more listeners not found")

    load_balancer_id: str
    protocol: str
    port: int
    #: the target groups its forward action sends to (ARNs)
    target_group_arns: tuple[str, ...] = ()

    def arn_in(self, world: World) -> str:
        lb = world.get(self.load_balancer_id, LoadBalancer)
        base = lb.arn.replace(":loadbalancer/", ":listener/") if lb else f"listener/{self.load_balancer_id}"
        return f"{base}/{_suffix(self.id)}"


def load_balancer_by_arn(world: World, arn: str) -> LoadBalancer | None:
    return next((lb for lb in world.all(LoadBalancer) if lb.arn == arn), None)


def target_group_by_arn(world: World, arn: str) -> TargetGroup | None:
    return next((tg for tg in world.all(TargetGroup) if tg.arn == arn), None)


def listeners_of(world: World, load_balancer_id: str) -> list[Listener]:
    return [ls for ls in world.all(Listener) if ls.load_balancer_id == load_balancer_id]


def targets_behind(world: World, load_balancer: LoadBalancer) -> list[tuple[Listener, TargetGroup, Target]]:
    """Every (listener, target group, target) a load balancer forwards to: what a PrivateLink
    connection to its endpoint service reaches."""
    out: list[tuple[Listener, TargetGroup, Target]] = []
    for ls in listeners_of(world, load_balancer.id):
        for tg_arn in ls.target_group_arns:
            tg = target_group_by_arn(world, tg_arn)
            if tg is not None:
                out.extend((ls, tg, t) for t in tg.targets)
    return out
