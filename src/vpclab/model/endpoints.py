"""VPC endpoints (gateway and interface), endpoint services and their connections.

AWS docs: "AWS PrivateLink" guide — "Gateway endpoints", "Access an AWS service using an interface
VPC endpoint", "Share your services through AWS PrivateLink"
(https://docs.aws.amazon.com/vpc/latest/privatelink/).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from .base import Resource

if TYPE_CHECKING:
    from .world import World

#: AWS services reachable through a gateway endpoint (same Region only)
GATEWAY_SERVICES = ("s3", "dynamodb")
#: AWS services offered through interface endpoints in every modelled Region, in all of its AZs.
#: A small representative catalogue, not AWS's full list.
INTERFACE_SERVICES = ("sqs", "sns", "ssm", "ec2", "sts", "kms", "secretsmanager", "logs", "execute-api", "s3")
#: The AWS services of the catalogue that AWS documents as reachable over IPv6 through PrivateLink
#: (SupportedIpAddressTypes ipv4 and ipv6): AWS KMS ("Dual-stack endpoint support",
#: https://docs.aws.amazon.com/kms/latest/developerguide/ipv6-kms.html) and AWS STS ("Dual-stack
#: endpoint support", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_dual-stack_endpoint_support.html).
#: AWS lists IPv6 support per service in "AWS services that integrate with AWS PrivateLink"; for the
#: others of this catalogue vpclab found no page it could cite and, conservatively, offers IPv4 only.
IPV6_INTERFACE_SERVICES = ("kms", "sts")
#: gateway endpoints for S3 and DynamoDB take IpAddressType dualstack (the CDK reference shows an S3
#: gateway endpoint with ``ipAddressType: DUALSTACK``, aws-cdk-lib.aws_ec2.VpcEndpointIpAddressType)
IPV6_GATEWAY_SERVICES = ("s3", "dynamodb")
#: CreateVpcEndpoint IpAddressType and DnsOptions.DnsRecordIpType values (EC2 API reference)
ENDPOINT_IP_ADDRESS_TYPES = ("ipv4", "dualstack", "ipv6")
DNS_RECORD_IP_TYPES = ("ipv4", "dualstack", "ipv6", "service-defined")
#: SupportedIpAddressTypes of an endpoint service
SERVICE_IP_ADDRESS_TYPES = ("ipv4", "ipv6")
#: services whose private DNS name is a wildcard (``*.s3.<region>.amazonaws.com``)
WILDCARD_DNS_SERVICES = ("s3", "execute-api")

#: consumer-side endpoint states, as DescribeVpcEndpoints reports them
AVAILABLE, PENDING_ACCEPTANCE, REJECTED = "available", "pendingAcceptance", "rejected"


@dataclass(frozen=True, kw_only=True, slots=True)
class DnsEntry:
    dns_name: str
    hosted_zone_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class VpcEndpoint(Resource):
    KIND: ClassVar[str] = "vpc_endpoint"
    ID_PREFIX: ClassVar[str] = "vpce"
    MALFORMED: ClassVar[str] = "InvalidVpcEndpointId.Malformed"
    LABEL: ClassVar[str] = "VPC endpoint"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidVpcEndpointId.NotFound",
                                            "The Vpc Endpoint Id '{id}' does not exist")

    vpc_id: str
    service_name: str
    #: Gateway | Interface | GatewayLoadBalancer
    vpc_endpoint_type: str
    #: available | pendingAcceptance | rejected | deleting | deleted | failed | expired
    state: str = AVAILABLE
    route_table_ids: tuple[str, ...] = ()
    subnet_ids: tuple[str, ...] = ()
    network_interface_ids: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    private_dns_enabled: bool = False
    policy_document: str | None = None
    dns_entries: tuple[DnsEntry, ...] = ()
    #: the endpoint service (vpce-svc-…) for an endpoint to a user's service; None for AWS services
    service_id: str | None = None
    #: the private DNS name that resolves to the endpoint's interfaces when private DNS is on
    private_dns_name: str | None = None
    #: when it was created (AWS's CreationTimestamp); None in worlds saved before vpclab kept it
    create_time: datetime | None = None
    #: IpAddressType: ipv4 | dualstack | ipv6 (the addresses its interfaces get)
    ip_address_type: str = "ipv4"
    #: DnsOptions.DnsRecordIpType: ipv4 | dualstack | ipv6 | service-defined (A and/or AAAA records)
    dns_record_ip_type: str = "ipv4"

    @property
    def vpc_endpoint_id(self) -> str:
        return self.id


@dataclass(frozen=True, kw_only=True, slots=True)
class VpcEndpointService(Resource):
    """A PrivateLink endpoint service (provider side), fronted by network load balancers (ServiceType
    Interface) or by Gateway Load Balancers (ServiceType GatewayLoadBalancer)."""

    KIND: ClassVar[str] = "vpc_endpoint_service"
    ID_PREFIX: ClassVar[str] = "vpce-svc"
    LABEL: ClassVar[str] = "VPC endpoint service"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidVpcEndpointServiceId.NotFound", "The Vpc Endpoint Service Id '{id}' does not exist")

    service_name: str
    network_load_balancer_arns: tuple[str, ...] = ()
    #: GatewayLoadBalancerArns: a Gateway Load Balancer endpoint service's load balancers
    gateway_load_balancer_arns: tuple[str, ...] = ()
    acceptance_required: bool = True
    allowed_principals: tuple[str, ...] = ()
    availability_zones: tuple[str, ...] = ()
    private_dns_name: str | None = None
    service_state: str = "Available"
    service_type: str = "Interface"
    #: SupportedIpAddressTypes: ipv4 and/or ipv6 (ipv6 needs dualstack load balancers)
    supported_ip_address_types: tuple[str, ...] = ("ipv4",)

    @property
    def service_id(self) -> str:
        return self.id

    @property
    def load_balancer_arns(self) -> tuple[str, ...]:
        """The load balancers behind the service, network or gateway."""
        return self.network_load_balancer_arns + self.gateway_load_balancer_arns

    @property
    def base_endpoint_dns_names(self) -> tuple[str, ...]:
        return (f"{self.id}.{self.region}.vpce.amazonaws.com",)

    def allows(self, account_id: str) -> bool:
        """Whether ``account_id`` may connect: the owner, ``*``, or ``arn:aws:iam::<account>:root``."""
        return (account_id == self.owner_id or "*" in self.allowed_principals
                or principal_arn(account_id) in self.allowed_principals)


@dataclass(frozen=True, kw_only=True, slots=True)
class UnsuccessfulItemError:
    code: str
    message: str


@dataclass(frozen=True, kw_only=True, slots=True)
class UnsuccessfulItem:
    """One id a batch call (DeleteVpcEndpoints, AcceptVpcEndpointConnections, …) did not process."""

    resource_id: str
    error: UnsuccessfulItemError


def principal_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:root"


def aws_service_short_name(service_name: str, region: str) -> str | None:
    """``sqs`` for ``com.amazonaws.<region>.sqs`` (None for another Region's or a user service)."""
    prefix = f"com.amazonaws.{region}."
    return service_name[len(prefix):] if service_name.startswith(prefix) else None


def aws_service_ip_address_types(short_name: str, endpoint_type: str) -> tuple[str, ...]:
    """SupportedIpAddressTypes of an AWS service of the catalogue for one endpoint type."""
    ipv6 = IPV6_INTERFACE_SERVICES if endpoint_type == "Interface" else IPV6_GATEWAY_SERVICES
    return ("ipv4", "ipv6") if short_name in ipv6 else ("ipv4",)


def endpoint_service_by_name(world: World, service_name: str) -> VpcEndpointService | None:
    return next((s for s in world.all(VpcEndpointService) if s.service_name == service_name), None)


def endpoints_for_service(world: World, vpc_id: str, service_name: str) -> list[VpcEndpoint]:
    """The endpoints a VPC has to a service (by service name), any type and state."""
    return [e for e in world.in_vpc(vpc_id, VpcEndpoint) if e.service_name == service_name]


def gateway_endpoint_for(world: World, vpc_id: str, route_table_id: str,
                         service_name: str) -> VpcEndpoint | None:
    """The gateway endpoint that serves ``service_name`` for a route table of ``vpc_id``, if any."""
    return next((e for e in endpoints_for_service(world, vpc_id, service_name)
                 if e.vpc_endpoint_type == "Gateway" and route_table_id in e.route_table_ids), None)


def endpoint_connections(world: World, service: VpcEndpointService) -> list[VpcEndpoint]:
    """The consumer endpoints connected (in any state) to an endpoint service."""
    return [e for e in world.all(VpcEndpoint) if e.service_id == service.id]


def endpoint_private_ips(world: World, vpce: VpcEndpoint) -> tuple[str, ...]:
    """The private addresses of an interface endpoint's network interfaces (one per subnet)."""
    from .interfaces import NetworkInterface

    enis = (world.get(i, NetworkInterface) for i in vpce.network_interface_ids)
    return tuple(e.private_ip_address for e in enis if e is not None)


def service_behind(world: World, vpce: VpcEndpoint) -> VpcEndpointService | None:
    """The user endpoint service an interface endpoint connects to (None for an AWS service)."""
    return world.get(vpce.service_id, VpcEndpointService) if vpce.service_id else None


def endpoint_carries_traffic(vpce: VpcEndpoint) -> bool:
    """Whether the endpoint forwards traffic: only an available one (not pending, rejected, …)."""
    return vpce.state.lower() == AVAILABLE


def service_names_for(world: World, account_id: str, region: str) -> list[str]:
    """The service names DescribeVpcEndpointServices shows a caller: the AWS catalogue of the Region
    and the user endpoint services in that Region whose owner or allowed principals include it."""
    aws = sorted({f"com.amazonaws.{region}.{s}" for s in (*GATEWAY_SERVICES, *INTERFACE_SERVICES)})
    mine = sorted(s.service_name for s in world.all(VpcEndpointService)
                  if s.region == region and s.service_state == "Available" and s.allows(account_id))
    return aws + mine
