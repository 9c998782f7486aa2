"""VPCs and their IPv4 CIDR block associations."""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Network
from typing import TYPE_CHECKING, ClassVar

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
class Vpc(Resource):
    KIND: ClassVar[str] = "vpc"
    ID_PREFIX: ClassVar[str] = "vpc"
    LABEL: ClassVar[str] = "VPC"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidVpcID.NotFound", "The vpc ID '{id}' does not exist")

    cidr_block: str
    cidr_block_associations: tuple[VpcCidrBlockAssociation, ...] = ()
    state: str = "available"
    is_default: bool = False
    instance_tenancy: str = "default"
    enable_dns_support: bool = True
    enable_dns_hostnames: bool = False

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
        return tuple(IPv4Network(c) for c in self.cidr_blocks)

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        # a participant in a shared VPC sees the VPC its shared subnets belong to
        from .sharing import owner_or_participant

        return owner_or_participant(self, self.id, world, account_id, region)

    def contains(self, network: IPv4Network) -> bool:
        """Whether ``network`` lies inside one of this VPC's CIDR blocks."""
        return any(network.subnet_of(n) for n in self.networks)

    def overlaps(self, network: IPv4Network) -> bool:
        return any(network.overlaps(n) for n in self.networks)
