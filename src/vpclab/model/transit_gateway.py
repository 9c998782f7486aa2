"""Transit gateways, their attachments, route tables, associations, propagations and routes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Resource


@dataclass(frozen=True, kw_only=True, slots=True)
class TransitGatewayOptions:
    amazon_side_asn: int = 64512
    auto_accept_shared_attachments: str = "disable"
    default_route_table_association: str = "enable"
    default_route_table_propagation: str = "enable"
    association_default_route_table_id: str | None = None
    propagation_default_route_table_id: str | None = None
    dns_support: str = "enable"
    vpn_ecmp_support: str = "enable"
    multicast_support: str = "disable"


@dataclass(frozen=True, kw_only=True, slots=True)
class TransitGateway(Resource):
    KIND: ClassVar[str] = "transit_gateway"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidTransitGatewayID.NotFound", "Transit Gateway {id} was deleted or does not exist.")

    description: str = ""
    #: pending | available | modifying | deleting | deleted
    state: str = "available"
    options: TransitGatewayOptions = TransitGatewayOptions()

    @property
    def arn(self) -> str:
        return f"arn:aws:ec2:{self.region}:{self.owner_id}:transit-gateway/{self.id}"


@dataclass(frozen=True, kw_only=True, slots=True)
class TransitGatewayAttachment(Resource):
    """Any TGW attachment. ``resource_type``: vpc | vpn | peering | direct-connect-gateway | connect.

    For a VPC attachment ``resource_id`` is the VPC and ``subnet_ids`` one subnet per AZ; for a
    VPN attachment the VPN connection; for a peering attachment the peer transit gateway.
    ``owner_id`` is the transit gateway owner's; ``resource_owner_id`` the resource's.
    """

    KIND: ClassVar[str] = "transit_gateway_attachment"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidTransitGatewayAttachmentID.NotFound", "Transit Gateway Attachment {id} was deleted or does not exist.")

    transit_gateway_id: str
    resource_type: str
    resource_id: str
    resource_owner_id: str
    #: initiating | pendingAcceptance | pending | available | modifying | deleting | deleted | rejected | failed
    state: str = "available"
    subnet_ids: tuple[str, ...] = ()
    #: VPC attachment options
    appliance_mode_support: str = "disable"
    dns_support: str = "enable"
    #: peering attachments: the peer side
    peer_transit_gateway_id: str | None = None
    peer_account_id: str | None = None
    peer_region: str | None = None
    #: the TGW route table it is associated with (exactly one, or none)
    association_route_table_id: str | None = None

    @property
    def vpc_id(self) -> str | None:
        return self.resource_id if self.resource_type == "vpc" else None


@dataclass(frozen=True, kw_only=True, slots=True)
class TransitGatewayRoute:
    destination_cidr_block: str | None = None
    prefix_list_id: str | None = None
    #: the attachments it sends to (several for ECMP over VPN); empty for blackhole routes
    transit_gateway_attachment_ids: tuple[str, ...] = ()
    #: static | propagated
    type: str = "static"
    #: active | blackhole | deleting | deleted | pending
    state: str = "active"


@dataclass(frozen=True, kw_only=True, slots=True)
class TransitGatewayRouteTable(Resource):
    KIND: ClassVar[str] = "transit_gateway_route_table"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidRouteTableID.NotFound", "Transit Gateway Route Table {id} was deleted or does not exist.")

    transit_gateway_id: str
    state: str = "available"
    default_association_route_table: bool = False
    default_propagation_route_table: bool = False
    #: static and blackhole routes (propagated routes are derived from ``propagations``)
    routes: tuple[TransitGatewayRoute, ...] = ()
    #: attachments whose routes propagate into this table
    propagations: tuple[str, ...] = ()
