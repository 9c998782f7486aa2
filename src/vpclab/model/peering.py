"""VPC peering connections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from .base import Resource

if TYPE_CHECKING:
    from .world import World


@dataclass(frozen=True, kw_only=True, slots=True)
class VpcPeeringConnection(Resource):
    """A peering between a requester VPC and an accepter VPC.

    ``owner_id``/``region`` are the requester's. Status codes: initiating-request,
    pending-acceptance, active, deleted, rejected, failed, expired, provisioning, deleting.
    """

    KIND: ClassVar[str] = "vpc_peering_connection"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidVpcPeeringConnectionID.NotFound", "The vpcPeeringConnection ID '{id}' does not exist")

    requester_vpc_id: str
    requester_owner_id: str
    requester_region: str
    accepter_vpc_id: str
    accepter_owner_id: str
    accepter_region: str
    status_code: str = "initiating-request"
    status_message: str = ""
    expiration_time: datetime | None = None
    #: the CIDR blocks of each side, as AWS reports them once the peering is active
    requester_cidr_blocks: tuple[str, ...] = ()
    accepter_cidr_blocks: tuple[str, ...] = ()

    def side_of(self, vpc_id: str) -> str | None:
        """"requester", "accepter" or None."""
        if vpc_id == self.requester_vpc_id:
            return "requester"
        if vpc_id == self.accepter_vpc_id:
            return "accepter"
        return None

    def peer_of(self, vpc_id: str) -> str:
        return self.accepter_vpc_id if vpc_id == self.requester_vpc_id else self.requester_vpc_id

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        # both sides see the connection, each in its own Region
        return (account_id, region) in (
            (self.requester_owner_id, self.requester_region),
            (self.accepter_owner_id, self.accepter_region),
        )
