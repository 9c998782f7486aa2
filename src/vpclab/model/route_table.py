"""Route tables, their routes and subnet/gateway associations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Resource

#: Route target fields, in the order AWS's Route shape lists them.
TARGET_FIELDS: tuple[str, ...] = (
    "gateway_id",  # "local", igw-…, vgw-…, or a gateway endpoint vpce-…
    "nat_gateway_id",
    "vpc_peering_connection_id",
    "transit_gateway_id",
    "network_interface_id",
    "instance_id",
    "egress_only_internet_gateway_id",
    "vpc_endpoint_id",  # Gateway Load Balancer endpoint
    "local_gateway_id",
    "carrier_gateway_id",
    "core_network_arn",
)


@dataclass(frozen=True, kw_only=True, slots=True)
class Route:
    destination_cidr_block: str | None = None
    destination_prefix_list_id: str | None = None
    gateway_id: str | None = None
    nat_gateway_id: str | None = None
    vpc_peering_connection_id: str | None = None
    transit_gateway_id: str | None = None
    network_interface_id: str | None = None
    instance_id: str | None = None
    egress_only_internet_gateway_id: str | None = None
    vpc_endpoint_id: str | None = None
    local_gateway_id: str | None = None
    carrier_gateway_id: str | None = None
    core_network_arn: str | None = None
    #: CreateRouteTable (the local route) | CreateRoute | EnableVgwRoutePropagation
    origin: str = "CreateRoute"

    @property
    def destination(self) -> str:
        return self.destination_cidr_block or self.destination_prefix_list_id or ""

    @property
    def target(self) -> str:
        """The target's id (``local`` for the local route)."""
        for name in TARGET_FIELDS:
            value = getattr(self, name)
            if value:
                return value
        return ""

    @property
    def target_field(self) -> str:
        for name in TARGET_FIELDS:
            if getattr(self, name):
                return name
        return ""


@dataclass(frozen=True, kw_only=True, slots=True)
class RouteTableAssociation:
    route_table_association_id: str
    route_table_id: str
    subnet_id: str | None = None
    gateway_id: str | None = None  # edge association (ingress routing)
    main: bool = False
    state: str = "associated"


@dataclass(frozen=True, kw_only=True, slots=True)
class RouteTable(Resource):
    KIND: ClassVar[str] = "route_table"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidRouteTableID.NotFound", "The routeTable ID '{id}' does not exist")

    vpc_id: str
    routes: tuple[Route, ...] = ()
    associations: tuple[RouteTableAssociation, ...] = ()
    #: virtual private gateways whose routes propagate into this table
    propagating_vgws: tuple[str, ...] = ()

    @property
    def main(self) -> bool:
        return any(a.main for a in self.associations)

    def route_to(self, destination: str) -> Route | None:
        """The static or local route with exactly this destination (CIDR or prefix list id)."""
        for r in self.routes:
            if r.destination == destination:
                return r
        return None
