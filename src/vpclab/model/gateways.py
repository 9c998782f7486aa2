"""Internet gateways (and egress-only ones), NAT gateways and Elastic IP addresses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from .base import Resource


@dataclass(frozen=True, kw_only=True, slots=True)
class InternetGateway(Resource):
    KIND: ClassVar[str] = "internet_gateway"
    ID_PREFIX: ClassVar[str] = "igw"
    MALFORMED: ClassVar[str] = "InvalidInternetGatewayId.Malformed"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidInternetGatewayID.NotFound", "The internetGateway ID '{id}' does not exist")

    #: the VPC it is attached to (an internet gateway attaches to at most one VPC)
    vpc_id: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class EgressOnlyInternetGateway(Resource):
    """IPv6 traffic out of its VPC to the internet and the replies back, never a flow started outside
    (AWS "Enable outbound IPv6 traffic using an egress-only internet gateway"). Created for one VPC."""

    KIND: ClassVar[str] = "egress_only_internet_gateway"
    ID_PREFIX: ClassVar[str] = "eigw"
    MALFORMED: ClassVar[str] = "InvalidEgressOnlyInternetGatewayId.Malformed"
    LABEL: ClassVar[str] = "egress-only internet gateway"
    # AWS's code for an unknown gateway id; the message's wording for eigw ids is undocumented
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidGatewayID.NotFound", "The eigw ID '{id}' does not exist")

    vpc_id: str
    #: the attachment's state (AWS's Attachments[].State): attached for as long as the gateway exists
    state: str = "attached"


@dataclass(frozen=True, kw_only=True, slots=True)
class NatGateway(Resource):
    KIND: ClassVar[str] = "nat_gateway"
    ID_PREFIX: ClassVar[str] = "nat"
    MALFORMED: ClassVar[str] = "NatGatewayMalformed"
    #: AWS's ResourceType and ARN type (Service Authorization Reference: ``natgateway/nat-…``)
    RESOURCE_TYPE: ClassVar[str] = "natgateway"
    LABEL: ClassVar[str] = "NAT gateway"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("NatGatewayNotFound", "The Nat Gateway {id} was not found")

    vpc_id: str
    subnet_id: str
    #: public (egress to the internet through an IGW, needs an Elastic IP) | private
    connectivity_type: str = "public"
    #: pending | failed | available | deleting | deleted
    state: str = "available"
    allocation_id: str | None = None
    public_ip: str | None = None
    private_ip: str = ""
    network_interface_id: str = ""
    #: why a NAT gateway is ``failed`` (AWS's FailureCode / FailureMessage), e.g.
    #: ``Gateway.NotAttached`` / "Network vpc-… has no Internet gateway attached"
    failure_code: str | None = None
    failure_message: str | None = None
    #: the association of its Elastic IP (``eipassoc-…``), for a public NAT gateway
    association_id: str | None = None
    #: when it was created (AWS's CreateTime); None in worlds saved before vpclab kept it
    create_time: datetime | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Address(Resource):
    """An Elastic IP address; its id is the allocation id (``eipalloc-…``)."""

    KIND: ClassVar[str] = "address"
    ID_PREFIX: ClassVar[str] = "eipalloc"
    RESOURCE_TYPE: ClassVar[str] = "elastic-ip"
    LABEL: ClassVar[str] = "Elastic IP"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidAllocationID.NotFound", "The allocation ID '{id}' does not exist")

    public_ip: str
    domain: str = "vpc"
    association_id: str | None = None
    network_interface_id: str | None = None
    network_interface_owner_id: str | None = None
    private_ip_address: str | None = None
    instance_id: str | None = None

    @property
    def allocation_id(self) -> str:
        return self.id
