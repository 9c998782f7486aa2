"""Subnets: one Availability Zone, a CIDR inside the VPC, five addresses AWS reserves."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING, ClassVar

from .base import Resource

if TYPE_CHECKING:
    from .world import World

#: AWS reserves the first four addresses and the last one of every subnet.
RESERVED_ADDRESSES = 5


@dataclass(frozen=True, kw_only=True, slots=True)
class Subnet(Resource):
    KIND: ClassVar[str] = "subnet"
    ID_PREFIX: ClassVar[str] = "subnet"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidSubnetID.NotFound", "The subnet ID '{id}' does not exist")
    #: the World indexes subnets' CIDR blocks per VPC (``World.overlaps_in_vpc``)
    INDEX_NETWORKS: ClassVar[bool] = True

    vpc_id: str
    cidr_block: str
    availability_zone: str
    availability_zone_id: str
    state: str = "available"
    map_public_ip_on_launch: bool = False
    default_for_az: bool = False

    @property
    def network(self) -> IPv4Network:
        return IPv4Network(self.cidr_block)

    def reserved(self) -> frozenset[IPv4Address]:
        """The five addresses AWS keeps: network, VPC router, DNS, future use, broadcast."""
        net = self.network
        first = net.network_address
        return frozenset([first, first + 1, first + 2, first + 3, net.broadcast_address])

    def usable(self) -> int:
        return self.network.num_addresses - RESERVED_ADDRESSES

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        # shared subnets (VPC sharing) are seen by the participants they are shared with
        from .sharing import owner_or_shared

        return owner_or_shared(self, world, account_id, region)
