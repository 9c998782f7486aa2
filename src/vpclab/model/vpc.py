"""VPCs and their CIDR block associations: IPv4 blocks, and IPv6 /56 blocks (Amazon-provided)."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network
from typing import TYPE_CHECKING, ClassVar

from ..core.addresses import V6_BASE, ipv4_network, ipv6_network, network_span
from .base import Resource

if TYPE_CHECKING:
    from .world import World


@dataclass(frozen=True, kw_only=True, slots=True)
class VpcCidrBlockAssociation:
    association_id: str
    cidr_block: str
    #: associating | associated | disassociating | disassociated | failing | failed
    state: str = "associated"


@dataclass(frozen=True, kw_only=True, slots=True)
class VpcIpv6CidrBlockAssociation:
    """An IPv6 block of a VPC (AWS's ``VpcIpv6CidrBlockAssociation``): a /56 from Amazon's pool."""

    association_id: str
    ipv6_cidr_block: str
    #: associating | associated | disassociating | disassociated | failing | failed
    state: str = "associated"
    #: "Amazon" for an Amazon-provided block (BYOIP and IPAM pools are not modelled)
    ipv6_pool: str = "Amazon"
    #: the Region (or Local Zone group) AWS advertises the block from
    network_border_group: str = ""


@dataclass(frozen=True, kw_only=True, slots=True)
class Vpc(Resource):
    KIND: ClassVar[str] = "vpc"
    ID_PREFIX: ClassVar[str] = "vpc"
    MALFORMED: ClassVar[str] = "InvalidVpcID.Malformed"
    LABEL: ClassVar[str] = "VPC"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidVpcID.NotFound", "The vpc ID '{id}' does not exist")
    #: the World indexes every VPC's IPv6 blocks world-wide (``World.holds_block``)
    INDEX_BLOCKS: ClassVar[str] = "ipv6_cidr_blocks"

    cidr_block: str
    cidr_block_associations: tuple[VpcCidrBlockAssociation, ...] = ()
    ipv6_cidr_block_associations: tuple[VpcIpv6CidrBlockAssociation, ...] = ()
    state: str = "available"
    is_default: bool = False
    instance_tenancy: str = "default"
    enable_dns_support: bool = True
    enable_dns_hostnames: bool = False
    #: ModifyVpcAttribute EnableNetworkAddressUsageMetrics (off by default, AWS "Network Address
    #: Usage")
    enable_network_address_usage_metrics: bool = False
    #: the DHCP options set the VPC uses, or "default" for none (AssociateDhcpOptions ``default``)
    dhcp_options_id: str = "default"

    @property
    def vpc_id(self) -> str:
        # lets World.in_vpc(vpc.id, Vpc) find the VPC itself, and rules treat "vpc_id" uniformly
        return self.id

    @property
    def cidr_blocks(self) -> tuple[str, ...]:
        """The associated IPv4 CIDR blocks, primary first."""
        return tuple(a.cidr_block for a in self.cidr_block_associations if a.state == "associated")

    @property
    def networks(self) -> tuple[IPv4Network, ...]:
        return tuple(ipv4_network(c) for c in self.cidr_blocks)

    @property
    def ipv6_cidr_blocks(self) -> tuple[str, ...]:
        """The associated IPv6 CIDR blocks (/56), in association order."""
        return tuple(a.ipv6_cidr_block for a in self.ipv6_cidr_block_associations if a.state == "associated")

    @property
    def ipv6_networks(self) -> tuple[IPv6Network, ...]:
        return tuple(ipv6_network(c) for c in self.ipv6_cidr_blocks)

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        # a participant in a shared VPC sees the VPC its shared subnets belong to
        from .sharing import owner_or_participant

        return owner_or_participant(self, self.id, world, account_id, region)

    def contains(self, network: IPv4Network | IPv6Network) -> bool:
        """Whether ``network`` lies inside one of this VPC's CIDR blocks of its family."""
        v6 = isinstance(network, IPv6Network)
        start = int(network.network_address) + (V6_BASE if v6 else 0)  # the dual-stack space
        end = start + network.num_addresses
        return any(s <= start and end <= e
                   for s, e, _ in map(network_span, self.ipv6_cidr_blocks if v6 else self.cidr_blocks))

    def overlaps(self, network: IPv4Network | IPv6Network) -> bool:
        if isinstance(network, IPv6Network):
            return any(network.overlaps(n) for n in self.ipv6_networks)
        return any(network.overlaps(n) for n in self.networks)
