"""VPC endpoints (gateway and interface), endpoint services and their connections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Resource


@dataclass(frozen=True, kw_only=True, slots=True)
class VpcEndpoint(Resource):
    KIND: ClassVar[str] = "vpc_endpoint"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidVpcEndpointId.NotFound", "The Vpc Endpoint Id '{id}' does not exist")

    vpc_id: str
    service_name: str
    #: Gateway | Interface | GatewayLoadBalancer
    vpc_endpoint_type: str
    #: PendingAcceptance | Pending | Available | Deleting | Deleted | Rejected | Failed | Expired
    state: str = "available"
    route_table_ids: tuple[str, ...] = ()
    subnet_ids: tuple[str, ...] = ()
    network_interface_ids: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    private_dns_enabled: bool = False
    policy_document: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class VpcEndpointService(Resource):
    """A PrivateLink endpoint service (provider side), fronted by network load balancers."""

    KIND: ClassVar[str] = "vpc_endpoint_service"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidVpcEndpointServiceId.NotFound", "The Vpc Endpoint Service Id '{id}' does not exist")

    service_name: str
    network_load_balancer_arns: tuple[str, ...] = ()
    acceptance_required: bool = True
    allowed_principals: tuple[str, ...] = ()
    availability_zones: tuple[str, ...] = ()
    private_dns_name: str | None = None
    service_state: str = "Available"
