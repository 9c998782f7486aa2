"""Site-to-Site VPN: customer gateways, virtual private gateways and VPN connections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Resource

#: Lab knob (DESIGN §2): comma-separated CIDRs the on-premises network behind a customer
#: gateway advertises over BGP (or that static routes lead to).
ON_PREMISES_CIDRS_TAG = "vpclab:on-premises-cidrs"


@dataclass(frozen=True, kw_only=True, slots=True)
class CustomerGateway(Resource):
    KIND: ClassVar[str] = "customer_gateway"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidCustomerGatewayID.NotFound", "The customerGateway ID '{id}' does not exist")

    ip_address: str
    bgp_asn: int = 65000
    type: str = "ipsec.1"
    state: str = "available"
    device_name: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class VpnGatewayAttachment:
    vpc_id: str
    state: str = "attached"  # attaching | attached | detaching | detached


@dataclass(frozen=True, kw_only=True, slots=True)
class VpnGateway(Resource):
    KIND: ClassVar[str] = "vpn_gateway"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidVpnGatewayID.NotFound", "The vpnGateway ID '{id}' does not exist")

    type: str = "ipsec.1"
    state: str = "available"
    amazon_side_asn: int = 64512
    availability_zone: str | None = None
    vpc_attachments: tuple[VpnGatewayAttachment, ...] = ()

    @property
    def vpc_id(self) -> str | None:
        """The attached VPC (a virtual private gateway attaches to one VPC at a time)."""
        for a in self.vpc_attachments:
            if a.state == "attached":
                return a.vpc_id
        return None


@dataclass(frozen=True, kw_only=True, slots=True)
class VpnStaticRoute:
    destination_cidr_block: str
    source: str = "Static"
    state: str = "available"


@dataclass(frozen=True, kw_only=True, slots=True)
class VpnConnection(Resource):
    KIND: ClassVar[str] = "vpn_connection"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidVpnConnectionID.NotFound", "The vpnConnection ID '{id}' does not exist")

    customer_gateway_id: str
    type: str = "ipsec.1"
    vpn_gateway_id: str | None = None
    transit_gateway_id: str | None = None
    static_routes_only: bool = False
    routes: tuple[VpnStaticRoute, ...] = ()
    state: str = "available"
