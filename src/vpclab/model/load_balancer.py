"""Network load balancers, target groups and listeners: what stands behind a PrivateLink service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Resource


@dataclass(frozen=True, kw_only=True, slots=True)
class LoadBalancer(Resource):
    KIND: ClassVar[str] = "load_balancer"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("LoadBalancerNotFound", "One or more load balancers not found")

    load_balancer_name: str
    vpc_id: str
    subnet_ids: tuple[str, ...] = ()
    type: str = "network"
    scheme: str = "internal"
    state: str = "active"
    network_interface_ids: tuple[str, ...] = ()
    #: listeners as (protocol, port); targets as (ip or instance id, port)
    listeners: tuple[tuple[str, int], ...] = ()
    targets: tuple[tuple[str, int], ...] = ()

    @property
    def arn(self) -> str:
        return (f"arn:aws:elasticloadbalancing:{self.region}:{self.owner_id}:"
                f"loadbalancer/net/{self.load_balancer_name}/{self.id.split('-', 1)[1]}")
