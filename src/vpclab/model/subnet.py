"""Subnets: one Availability Zone, an IPv4 CIDR inside the VPC (five addresses AWS reserves), and
optionally an IPv6 /64 inside one of the VPC's /56 blocks; or, for an IPv6-only subnet
(CreateSubnet ``Ipv6Native``), the /64 and no IPv4 CIDR at all.

An IPv6-only subnet's ``cidr_block`` is ``None`` (and ``network`` is ``None``), as AWS's
DescribeSubnets has no ``CidrBlock`` for it. ``None`` rather than a sentinel string keeps every
consumer honest: mypy lists each place that reads a subnet's IPv4 block, and each one decides what
a subnet without IPv4 means there (no IPv4 addresses to allocate, absent from the IPv4 matrix,
IPv6 traces). State files written before IPv6-only subnets existed always carry a string, so they
load unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Network, ip_network
from typing import TYPE_CHECKING, ClassVar

from ..core.addresses import ipv4_network, ipv6_network
from .base import Resource

if TYPE_CHECKING:
    from .world import World

#: AWS reserves the first four addresses and the last one of every subnet.
RESERVED_ADDRESSES = 5


@dataclass(frozen=True, kw_only=True, slots=True)
class SubnetIpv6CidrBlockAssociation:
    """A subnet's IPv6 block (AWS's ``SubnetIpv6CidrBlockAssociation``): a /64 of its VPC's /56."""

    association_id: str
    ipv6_cidr_block: str
    #: associating | associated | disassociating | disassociated | failing | failed
    state: str = "associated"


@dataclass(frozen=True, kw_only=True, slots=True)
class Subnet(Resource):
    KIND: ClassVar[str] = "subnet"
    ID_PREFIX: ClassVar[str] = "subnet"
    MALFORMED: ClassVar[str] = "InvalidSubnetID.Malformed"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidSubnetID.NotFound", "The subnet ID '{id}' does not exist")
    #: the World indexes subnets' CIDR blocks per VPC (``World.overlaps_in_vpc``)
    INDEX_NETWORKS: ClassVar[bool] = True

    vpc_id: str
    #: the IPv4 block; ``None`` for an IPv6-only subnet (``ipv6_native``)
    cidr_block: str | None
    availability_zone: str
    availability_zone_id: str
    state: str = "available"
    map_public_ip_on_launch: bool = False
    default_for_az: bool = False
    ipv6_cidr_block_associations: tuple[SubnetIpv6CidrBlockAssociation, ...] = ()
    #: an IPv6-only subnet (CreateSubnet ``Ipv6Native``)
    ipv6_native: bool = False
    assign_ipv6_address_on_creation: bool = False
    enable_dns64: bool = False
    #: PrivateDnsNameOptionsOnLaunch: ip-name | resource-name, and its two DNS record switches
    hostname_type: str = "ip-name"
    enable_resource_name_dns_a_record_on_launch: bool = False
    enable_resource_name_dns_aaaa_record_on_launch: bool = False

    @property
    def ipv6_cidr_block(self) -> str | None:
        """The associated IPv6 /64, if any (AWS allows one per subnet)."""
        return next((a.ipv6_cidr_block for a in self.ipv6_cidr_block_associations if a.state == "associated"),
                    None)

    @property
    def ipv6_network(self) -> IPv6Network | None:
        block = self.ipv6_cidr_block
        return ipv6_network(block) if block else None

    @property
    def network(self) -> IPv4Network | None:
        """The IPv4 block; ``None`` for an IPv6-only subnet."""
        return ipv4_network(self.cidr_block) if self.cidr_block is not None else None

    @property
    def has_ipv4(self) -> bool:
        return self.cidr_block is not None

    def reserved(self) -> frozenset[IPv4Address]:
        """The five addresses AWS keeps: network, VPC router, DNS, future use, broadcast (none
        for an IPv6-only subnet, which has no IPv4 addresses)."""
        return _reserved(self.cidr_block) if self.cidr_block is not None else frozenset()

    def usable(self) -> int:
        """Usable IPv4 addresses (0 in an IPv6-only subnet)."""
        net = self.network
        return net.num_addresses - RESERVED_ADDRESSES if net is not None else 0

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        # shared subnets (VPC sharing) are seen by the participants they are shared with
        from .sharing import owner_or_shared

        return owner_or_shared(self, world, account_id, region)


@dataclass(frozen=True, kw_only=True, slots=True)
class SubnetCidrReservation(Resource):
    """A range of a subnet's IPv4 or IPv6 addresses set aside (AWS "Subnet CIDR reservations"): AWS
    assigns none of them to a network interface automatically; with ``explicit`` you assign them
    yourself, with ``prefix`` AWS assigns them as prefixes (prefix delegation)."""

    KIND: ClassVar[str] = "subnet_cidr_reservation"
    ID_PREFIX: ClassVar[str] = "scr"
    LABEL: ClassVar[str] = "subnet CIDR reservation"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidSubnetCidrReservationID.NotFound", "The subnet CIDR reservation ID '{id}' does not exist")

    vpc_id: str
    subnet_id: str
    #: the reserved block (IPv4 or IPv6), as AWS answers it (``Cidr``)
    cidr: str
    #: prefix | explicit
    reservation_type: str
    description: str = ""

    @property
    def network(self) -> IPv4Network | IPv6Network:
        return ip_network(self.cidr)

    @property
    def subnet_cidr_reservation_id(self) -> str:
        return self.id


@lru_cache(maxsize=1 << 16)
def _reserved(cidr_block: str) -> frozenset[IPv4Address]:
    """A block's five reserved addresses (each new interface's address choice reads them)."""
    net = ipv4_network(cidr_block)
    first = net.network_address
    return frozenset([first, first + 1, first + 2, first + 3, net.broadcast_address])
