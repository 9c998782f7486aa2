"""VPC peering connections, their lifecycle states and the queries the analysis needs.

AWS docs: VPC Peering guide, "VPC peering connection lifecycle"
(https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle).

The stored ``status_code`` changes only inside ControlPlane actions (so the World's journal stays
honest); a pending request that has passed its ``expiration_time`` is *effectively* expired even
before an action records it, which :func:`effective_status` reports from the clock alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from .base import Resource

if TYPE_CHECKING:
    from .world import World

# -- status codes (AWS's VpcPeeringConnectionStateReasonCode enum) --------------------------
INITIATING_REQUEST = "initiating-request"
PENDING_ACCEPTANCE = "pending-acceptance"
PROVISIONING = "provisioning"
ACTIVE = "active"
DELETING = "deleting"
DELETED = "deleted"
REJECTED = "rejected"
FAILED = "failed"
EXPIRED = "expired"

#: states in which a connection still binds its VPC pair (a new request for the pair is not new)
LIVE_STATES = frozenset({INITIATING_REQUEST, PENDING_ACCEPTANCE, PROVISIONING, ACTIVE})
#: states in which traffic flows
ACTIVE_STATES = frozenset({ACTIVE})
#: final states: AWS keeps the connection visible for a while, then forgets it
FINAL_STATES = frozenset({DELETED, REJECTED, FAILED, EXPIRED})

#: AWS's status message for an overlapping, unknown or mis-owned peer VPC (observed verbatim in
#: real CreateVpcPeeringConnection responses; AWS's docs say only that the status is ``failed``).
FAILED_MESSAGE = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"

#: "VPC peering connection lifecycle": how long a final connection stays visible, per viewer.
#: (state, viewer) → duration; viewer is "requester", "accepter", "deleter" or "other".
VISIBLE_FOR: dict[tuple[str, str], timedelta] = {
    # "Failed ... remains visible to the requester for 2 hours."
    (FAILED, "requester"): timedelta(hours=2),
    # "Expired ... remains visible to both VPC owners for 2 days."
    (EXPIRED, "requester"): timedelta(days=2),
    (EXPIRED, "accepter"): timedelta(days=2),
    # "Rejected ... remains visible to the owner of the requester VPC for 2 days, and visible to
    # the owner of the accepter VPC for 2 hours."
    (REJECTED, "requester"): timedelta(days=2),
    (REJECTED, "accepter"): timedelta(hours=2),
    # "Deleted ... remains visible to the party that deleted it for 2 hours, and visible to the
    # other party for 2 days. If the VPC peering connection was created within the same AWS
    # account, the deleted request remains visible for 2 hours."
    (DELETED, "deleter"): timedelta(hours=2),
    (DELETED, "other"): timedelta(days=2),
}


def status_message(code: str, *, accepter_owner_id: str = "", actor_id: str = "") -> str:
    """The human-readable ``Status.Message`` AWS pairs with a status code.

    "Pending Acceptance by <accepter account>" and "Active" are AWS's (the EC2 CLI reference's
    describe-vpc-peering-connections example); the others are as AWS responses report them where
    known ("Deleted by <account>", "Inactive" for rejected, "Initiating Request to <account>")
    and otherwise the state's name ("Provisioning", "Expired").
    """
    return {
        INITIATING_REQUEST: f"Initiating Request to {accepter_owner_id}",
        PENDING_ACCEPTANCE: f"Pending Acceptance by {accepter_owner_id}",
        PROVISIONING: "Provisioning",
        ACTIVE: "Active",
        DELETING: "Deleting",
        DELETED: f"Deleted by {actor_id}",
        REJECTED: "Inactive",
        FAILED: FAILED_MESSAGE,
        EXPIRED: "Expired",
    }[code]


@dataclass(frozen=True, kw_only=True, slots=True)
class VpcPeeringConnectionOptions:
    """One side's peering options (AWS: ``VpcPeeringConnectionOptionsDescription``)."""

    #: instances in the *other* VPC resolve this side's public DNS hostnames to private IPs
    allow_dns_resolution_from_remote_vpc: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class VpcPeeringConnection(Resource):
    """A peering between a requester VPC and an accepter VPC.

    ``owner_id``/``region`` are the requester's. Status codes: initiating-request,
    pending-acceptance, active, deleted, rejected, failed, expired, provisioning, deleting.
    """

    KIND: ClassVar[str] = "vpc_peering_connection"
    INDEX_BY: ClassVar[tuple[str, ...]] = ("vpc_ids", "status_code")
    ID_PREFIX: ClassVar[str] = "pcx"
    MALFORMED: ClassVar[str] = "InvalidVpcPeeringConnectionId.Malformed"
    LABEL: ClassVar[str] = "VPC peering connection"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidVpcPeeringConnectionID.NotFound", "The vpcPeeringConnection ID '{id}' does not exist")

    requester_vpc_id: str
    requester_owner_id: str
    requester_region: str
    accepter_vpc_id: str
    accepter_owner_id: str
    accepter_region: str
    status_code: str = INITIATING_REQUEST
    status_message: str = ""
    #: when an unaccepted request expires (set while it is pending acceptance)
    expiration_time: datetime | None = None
    #: when the connection entered its current status (drives AWS's visibility windows)
    status_time: datetime | None = None
    #: the account whose call put the connection in its current status (e.g. who deleted it)
    status_actor_id: str = ""
    #: the CIDR blocks of each side, as AWS reports them once the peering is active
    requester_cidr_blocks: tuple[str, ...] = ()
    accepter_cidr_blocks: tuple[str, ...] = ()
    requester_peering_options: VpcPeeringConnectionOptions = VpcPeeringConnectionOptions()
    accepter_peering_options: VpcPeeringConnectionOptions = VpcPeeringConnectionOptions()

    @property
    def is_active(self) -> bool:
        """Whether traffic can flow over this connection (AWS: status ``active``)."""
        return self.status_code in ACTIVE_STATES

    @property
    def vpc_ids(self) -> tuple[str, str]:
        return (self.requester_vpc_id, self.accepter_vpc_id)

    @property
    def is_inter_region(self) -> bool:
        return self.requester_region != self.accepter_region

    @property
    def is_cross_account(self) -> bool:
        return self.requester_owner_id != self.accepter_owner_id

    def connects(self, vpc_a: str, vpc_b: str) -> bool:
        """Whether this connection joins these two VPCs (in either direction)."""
        return {vpc_a, vpc_b} == {self.requester_vpc_id, self.accepter_vpc_id}

    def side_of(self, vpc_id: str) -> str | None:
        """"requester", "accepter" or None."""
        if vpc_id == self.requester_vpc_id:
            return "requester"
        if vpc_id == self.accepter_vpc_id:
            return "accepter"
        return None

    def peer_of(self, vpc_id: str) -> str:
        """The VPC on the other side of ``vpc_id``; ValueError if ``vpc_id`` is not a side."""
        if vpc_id == self.requester_vpc_id:
            return self.accepter_vpc_id
        if vpc_id == self.accepter_vpc_id:
            return self.requester_vpc_id
        raise ValueError(f"{vpc_id} is not a side of {self.id}")

    def owner_of_side(self, side: str) -> tuple[str, str]:
        """(account, Region) of the "requester" or "accepter" side."""
        if side == "requester":
            return self.requester_owner_id, self.requester_region
        return self.accepter_owner_id, self.accepter_region

    def cidr_blocks_of(self, vpc_id: str) -> tuple[str, ...]:
        """The CIDR blocks AWS recorded for ``vpc_id``'s side when the connection became active."""
        return (self.requester_cidr_blocks if self.side_of(vpc_id) == "requester"
                else self.accepter_cidr_blocks)

    def options_of(self, vpc_id: str) -> VpcPeeringConnectionOptions:
        return (self.requester_peering_options if self.side_of(vpc_id) == "requester"
                else self.accepter_peering_options)

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        # both sides see the connection, each in its own Region …
        sides = [side for side in ("requester", "accepter")
                 if self.owner_of_side(side) == (account_id, region)]
        if not sides:
            return False
        # … for a while after it reaches a final state ("VPC peering connection lifecycle")
        status = effective_status(self, world.clock.now())
        if status not in FINAL_STATES:
            return True
        since = self.status_time if status == self.status_code else self.expiration_time
        if since is None:
            return True
        now = world.clock.now()
        windows = (_window(self, status, side, account_id) for side in sides)
        return any(now < since + window for window in windows if window is not None)


def _window(pcx: VpcPeeringConnection, status: str, side: str, account_id: str) -> timedelta | None:
    if status == DELETED:
        if not pcx.is_cross_account or account_id == pcx.status_actor_id:
            return VISIBLE_FOR[(DELETED, "deleter")]
        return VISIBLE_FOR[(DELETED, "other")]
    return VISIBLE_FOR.get((status, side))


# -- queries ---------------------------------------------------------------------------------
def effective_status(pcx: VpcPeeringConnection, now: datetime) -> str:
    """The status AWS would report at ``now``: a pending request past its expiration time is expired.

    AWS: "The VPC peering connection request expires after 7 days, after which it cannot be
    accepted or rejected" (CreateVpcPeeringConnection API reference).
    """
    if (pcx.status_code in (INITIATING_REQUEST, PENDING_ACCEPTANCE) and pcx.expiration_time is not None
            and now >= pcx.expiration_time):
        return EXPIRED
    return pcx.status_code


def is_active(pcx: VpcPeeringConnection) -> bool:
    return pcx.is_active


def peer_of(pcx: VpcPeeringConnection, vpc_id: str) -> str:
    return pcx.peer_of(vpc_id)


def side_of(pcx: VpcPeeringConnection, vpc_id: str) -> str | None:
    return pcx.side_of(vpc_id)


def peerings_of(world: World, vpc_id: str) -> Iterator[VpcPeeringConnection]:
    """Every peering connection (any status) that has ``vpc_id`` as one of its sides."""
    yield from world.having(VpcPeeringConnection, "vpc_ids", vpc_id)


def active_peerings_of(world: World, vpc_id: str) -> Iterator[VpcPeeringConnection]:
    """The active peering connections of ``vpc_id``."""
    return (pcx for pcx in peerings_of(world, vpc_id) if pcx.is_active)


def active_peering_between(world: World, vpc_a: str, vpc_b: str) -> VpcPeeringConnection | None:
    """The active peering connection joining two VPCs, or None (AWS allows at most one per pair)."""
    for pcx in peerings_of(world, vpc_a):
        if pcx.is_active and pcx.connects(vpc_a, vpc_b):
            return pcx
    return None
