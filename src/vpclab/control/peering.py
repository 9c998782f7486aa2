"""VPC peering connections: CreateVpcPeeringConnection, AcceptVpcPeeringConnection, Reject…, Delete…,
ModifyVpcPeeringConnectionOptions.

AWS docs: VPC Peering guide — "VPC peering connection lifecycle", "VPC peering limitations",
"Create a VPC peering connection", "Accept or reject a VPC peering connection", "Delete a VPC
peering connection" (https://docs.aws.amazon.com/vpc/latest/peering/) and the EC2 API reference.

Where AWS documents a behaviour but not its error text, the text used here is the one real AWS
responses carry (as quoted in public bug reports); where neither is known, a comment says so.

Expiry: a pending request expires 7 days after it was made. Every action here first records the
expiry of overdue requests (:func:`record_expiries`) inside its own transaction, so the World's
journal shows the status change; readers that do not act use
:func:`vpclab.model.peering.effective_status`, which needs only the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import timedelta
from ipaddress import IPv4Network
from typing import Any

from ..core.errors import AwsError, invalid_parameter_value
from ..model.base import Tags
from ..model.peering import (
    ACTIVE,
    DELETED,
    DELETING,
    EXPIRED,
    FAILED,
    INITIATING_REQUEST,
    LIVE_STATES,
    PENDING_ACCEPTANCE,
    PROVISIONING,
    REJECTED,
    VpcPeeringConnection,
    VpcPeeringConnectionOptions,
    effective_status,
    peerings_of,
    status_message,
)
from ..model.vpc import Vpc
from .context import Ctx
from .registry import action

#: AWS "Amazon VPC quotas": "Expiry time for an unaccepted VPC peering connection request" (quotas.toml)
EXPIRY_QUOTA = "peering_request_expiry_hours"


# -- expiry ----------------------------------------------------------------------------------
def record_expiries(ctx: Ctx) -> None:
    """Put every overdue pending request in status ``expired`` (AWS: 7 days unaccepted)."""
    now = ctx.now
    # only a pending request expires (effective_status): the pending ones, not every connection
    for pcx in [p for status in (INITIATING_REQUEST, PENDING_ACCEPTANCE)
                for p in ctx.world.having(VpcPeeringConnection, "status_code", status)]:
        if effective_status(pcx, now) == EXPIRED:
            ctx.world.put(replace(pcx, status_code=EXPIRED, status_message=status_message(EXPIRED),
                                  status_time=pcx.expiration_time, status_actor_id=""))


def _require(ctx: Ctx, vpc_peering_connection_id: str) -> VpcPeeringConnection:
    record_expiries(ctx)
    return ctx.require(VpcPeeringConnection, vpc_peering_connection_id)


def _invalid_transition(pcx: VpcPeeringConnection, to: str) -> AwsError:
    # AWS's wording, as real DeleteVpcPeeringConnection responses carry it:
    # "Invalid state transition for pcx-…, attempted to transition from failed to deleting"
    return AwsError("InvalidStateTransition",
                    f"Invalid state transition for {pcx.id}, "
                    f"attempted to transition from {pcx.status_code} to {to}")


def _not_permitted(ctx: Ctx, verb: str, pcx: VpcPeeringConnection) -> AwsError:
    # AWS's wording for a requester who tries to accept: "User 264086180894 cannot accept peering pcx-…"
    return AwsError("OperationNotPermitted", f"User {ctx.account_id} cannot {verb} peering {pcx.id}")


def _check_accepter(ctx: Ctx, pcx: VpcPeeringConnection, verb: str) -> None:
    """Only the accepter's account accepts or rejects, and for an inter-Region connection only
    from the accepter's Region (AcceptVpcPeeringConnection / RejectVpcPeeringConnection API reference)."""
    if ctx.account_id != pcx.accepter_owner_id:
        raise _not_permitted(ctx, verb, pcx)
    if ctx.region != pcx.accepter_region:
        where = "accepted" if verb == "accept" else "accepted or rejected"
        raise AwsError("OperationNotPermitted",
                       f"Incorrect region ({ctx.region}) specified for this request. "
                       f"VPC peering connection {pcx.id} must be {where} in region {pcx.accepter_region}")


def _overlapping(a: Vpc, b: Vpc) -> bool:
    """AWS: "You cannot create a VPC peering connection between VPCs that have matching or
    overlapping IPv4 CIDR blocks" — any block, primary or secondary."""
    return any(x.overlaps(y) for x in a.networks for y in b.networks)


def _outstanding_requests(ctx: Ctx) -> int:
    now = ctx.now
    return sum(1 for status in (INITIATING_REQUEST, PENDING_ACCEPTANCE)
               for p in ctx.world.having(VpcPeeringConnection, "status_code", status)
               if p.requester_owner_id == ctx.account_id and p.requester_region == ctx.region
               and effective_status(p, now) in (INITIATING_REQUEST, PENDING_ACCEPTANCE))


# -- CreateVpcPeeringConnection ---------------------------------------------------------------
@action
def create_vpc_peering_connection(ctx: Ctx, *, vpc_id: str, peer_vpc_id: str,
                                  peer_owner_id: str | None = None,
                                  peer_region: str | None = None,
                                  tags: Mapping[str, str] | None = None) -> VpcPeeringConnection:
    """CreateVpcPeeringConnection: a request from a VPC you own to a peer VPC (any account, any Region).

    The request goes to ``pending-acceptance`` (expiring after 7 days), or to ``failed`` when the
    VPCs' IPv4 CIDR blocks overlap or the peer VPC is not found where the request says it is —
    that is a created connection, not an API error.
    """
    record_expiries(ctx)
    vpc = ctx.require(Vpc, vpc_id)
    ctx.require_owner(vpc)
    accepter_owner = peer_owner_id or ctx.account_id
    accepter_region = peer_region or ctx.region
    if peer_vpc_id == vpc_id:
        # AWS's text as EC2-compatible clouds reproduce it (not in AWS's docs).
        raise invalid_parameter_value(
                       f"Invalid value '{peer_vpc_id}' for peerVpcId. "
                       "Both vpcId and peerVpcId values must be different.")
    peer = ctx.world.get(peer_vpc_id, Vpc)
    found = peer is not None and (peer.owner_id, peer.region) == (accepter_owner, accepter_region)
    local = (accepter_owner, accepter_region) == (ctx.account_id, ctx.region)
    if not found and local:
        # Same account and Region: AWS looks the peer VPC up at once and returns its NotFound error.
        code, message = Vpc.NOT_FOUND
        raise AwsError(code, message.format(id=peer_vpc_id))

    # A second request between the same requester and accepter VPCs returns the existing one
    # (AWS returns the connection that already exists; documented by the Terraform AWS provider,
    # "aws_vpc_peering_connection": "will not produce an error ... AWS will return the connection id").
    now = ctx.now
    for existing in peerings_of(ctx.world, vpc_id):
        if (existing.requester_vpc_id, existing.accepter_vpc_id) == (vpc_id, peer_vpc_id) \
                and effective_status(existing, now) in LIVE_STATES:
            return existing

    request = VpcPeeringConnection(
        id=ctx.new_id("vpc_peering_connection"), owner_id=ctx.account_id, region=ctx.region, tags=Tags(tags),
        requester_vpc_id=vpc_id, requester_owner_id=ctx.account_id, requester_region=ctx.region,
        accepter_vpc_id=peer_vpc_id, accepter_owner_id=accepter_owner, accepter_region=accepter_region,
        status_code=PENDING_ACCEPTANCE,
        status_message=status_message(PENDING_ACCEPTANCE, accepter_owner_id=accepter_owner),
        expiration_time=now + timedelta(hours=ctx.quota(EXPIRY_QUOTA)),
        status_time=now, status_actor_id=ctx.account_id,
    )
    if peer is None or not found or _overlapping(vpc, peer):
        # Cross-account / cross-Region: AWS cannot check the peer at request time; the request is
        # created and fails (the documented lifecycle: initiating-request → failed). Overlap: "If
        # they overlap, the status of the VPC peering connection immediately goes to failed."
        return ctx.world.put(replace(request, status_code=FAILED, status_message=status_message(FAILED),
                                     expiration_time=None))
    ctx.check_quota("outstanding_peering_requests", _outstanding_requests(ctx))
    # initiating-request lasts as long as AWS takes to check the peer; a lab goes straight on.
    return ctx.world.put(request)


# -- AcceptVpcPeeringConnection ---------------------------------------------------------------
@action
def accept_vpc_peering_connection(ctx: Ctx, *, vpc_peering_connection_id: str) -> VpcPeeringConnection:
    """AcceptVpcPeeringConnection: by the accepter's account, in the accepter's Region, while pending."""
    pcx = _require(ctx, vpc_peering_connection_id)
    _check_accepter(ctx, pcx, "accept")
    if pcx.status_code != PENDING_ACCEPTANCE:
        # AWS's message names the target state; accepting moves a request to provisioning
        # (lifecycle: pending-acceptance → provisioning → active). Expired requests land here too.
        raise _invalid_transition(pcx, PROVISIONING)
    for other in peerings_of(ctx.world, pcx.requester_vpc_id):
        if (other.id != pcx.id and other.connects(*pcx.vpc_ids)
                and other.status_code in (PROVISIONING, ACTIVE)):
            # Real AWS text when the reverse-direction pair is already peered (its message names
            # the connection being accepted).
            raise AwsError("VpcPeeringConnectionAlreadyExists",
                           f"The vpc peering connection identified by {pcx.id} already exists.")
    requester = ctx.world.get(pcx.requester_vpc_id, Vpc)
    accepter = ctx.world.get(pcx.accepter_vpc_id, Vpc)
    if requester is None or accepter is None:
        # The requester deleted its VPC after asking (DeleteVpc does not check peerings here):
        # undocumented; the conservative reading is that the request can no longer be accepted.
        raise _invalid_transition(pcx, PROVISIONING)
    if _overlapping(requester, accepter):
        # "If a secondary CIDR block overlaps with a CIDR block of the requester VPC, the VPC peering
        # connection request fails and cannot be accepted" (fail_overlapping_requests records it).
        raise AwsError("InvalidStateTransition", f"Invalid state transition for {pcx.id}, "
                                                 f"attempted to transition from {FAILED} to {PROVISIONING}")
    for vpc in (requester, accepter):
        active = sum(1 for p in peerings_of(ctx.world, vpc.id) if p.is_active)
        ctx.check_quota("active_peerings_per_vpc", active)
    return ctx.world.put(replace(
        pcx, status_code=ACTIVE, status_message=status_message(ACTIVE), expiration_time=None,
        status_time=ctx.now, status_actor_id=ctx.account_id,
        requester_cidr_blocks=requester.cidr_blocks, accepter_cidr_blocks=accepter.cidr_blocks,
    ))


# -- RejectVpcPeeringConnection ---------------------------------------------------------------
@action
def reject_vpc_peering_connection(ctx: Ctx, *, vpc_peering_connection_id: str) -> VpcPeeringConnection:
    """RejectVpcPeeringConnection: by the accepter, while pending acceptance; the status becomes rejected."""
    pcx = _require(ctx, vpc_peering_connection_id)
    # AWS documents the accepter-only rule; its text for a requester who rejects is not documented
    # and follows the accept wording.
    _check_accepter(ctx, pcx, "reject")
    if pcx.status_code != PENDING_ACCEPTANCE:
        raise _invalid_transition(pcx, REJECTED)
    return ctx.world.put(replace(pcx, status_code=REJECTED, status_message=status_message(REJECTED),
                                 expiration_time=None, status_time=ctx.now, status_actor_id=ctx.account_id))


# -- DeleteVpcPeeringConnection ---------------------------------------------------------------
@action
def delete_vpc_peering_connection(ctx: Ctx, *, vpc_peering_connection_id: str) -> None:
    """DeleteVpcPeeringConnection: either owner deletes an active connection; the requester may
    delete a pending request. The connection stays, with status ``deleted``; routes that point at it
    stay too and become blackholes."""
    pcx = _require(ctx, vpc_peering_connection_id)
    if pcx.status_code == PENDING_ACCEPTANCE and ctx.account_id != pcx.requester_owner_id:
        # "a pending-acceptance VPC peering connection request that has been deleted by the owner of
        # the requester VPC" — the accepter rejects instead. AWS's text here is undocumented.
        raise _not_permitted(ctx, "delete", pcx)
    if pcx.status_code not in (PENDING_ACCEPTANCE, ACTIVE):
        raise _invalid_transition(pcx, DELETING)
    ctx.world.put(replace(pcx, status_code=DELETED,
                          status_message=status_message(DELETED, actor_id=ctx.account_id),
                          expiration_time=None, status_time=ctx.now, status_actor_id=ctx.account_id))


# -- ModifyVpcPeeringConnectionOptions --------------------------------------------------------
_OPTION_KEYS = frozenset({"allow_dns_resolution_from_remote_vpc"})


@action
def modify_vpc_peering_connection_options(
        ctx: Ctx, *, vpc_peering_connection_id: str,
        accepter_peering_connection_options: Mapping[str, Any] | None = None,
        requester_peering_connection_options: Mapping[str, Any] | None = None) -> VpcPeeringConnection:
    """ModifyVpcPeeringConnectionOptions: DNS resolution from the remote VPC, per side, on active
    connections only; each side's owner changes its own side (for an inter-Region connection, from
    that side's Region)."""
    pcx = _require(ctx, vpc_peering_connection_id)
    if pcx.status_code != ACTIVE:
        # Real AWS text: "Peering pcx-… is not active. Peering options can be added only to active peerings."
        raise AwsError("OperationNotPermitted",
                       f"Peering {pcx.id} is not active. Peering options can "
                       "be added only to active peerings.")
    changes: dict[str, Any] = {}  # {side}_peering_options → new options
    for side, given in (("requester", requester_peering_connection_options),
                        ("accepter", accepter_peering_connection_options)):
        if given is None:
            continue
        unknown = set(given) - _OPTION_KEYS
        if unknown:
            raise invalid_parameter_value(
                           f"Value ({sorted(unknown)[0]}) for parameter {side}PeeringConnectionOptions is "
                           "invalid.")
        owner, region = pcx.owner_of_side(side)
        if ctx.account_id != owner or (pcx.is_inter_region and ctx.region != region):
            # Real AWS text for the account rule; AWS documents the Region rule for inter-Region
            # connections but not its text, so it answers the same way.
            raise AwsError("OperationNotPermitted",
                           f"User {ctx.account_id} does not have permission to modify the {side} side "
                           "peering options")
        if given.get("allow_dns_resolution_from_remote_vpc"):
            _check_dns_attributes(ctx, pcx)
        current: VpcPeeringConnectionOptions = getattr(pcx, f"{side}_peering_options")
        changes[f"{side}_peering_options"] = replace(current, **{k: bool(v) for k, v in given.items()})
    return ctx.world.put(replace(pcx, **changes)) if changes else pcx


def _check_dns_attributes(ctx: Ctx, pcx: VpcPeeringConnection) -> None:
    """AWS "Enable DNS resolution for a VPC peering connection": "Both VPCs must be enabled for DNS
    hostnames and DNS resolution"; otherwise the page's InvalidVpcPeeringConnectionState.DnsHostnamesDisabled
    (for either attribute; the message is vpclab's)."""
    for vpc_id in pcx.vpc_ids:
        vpc = ctx.world.get(vpc_id, Vpc)
        if vpc is not None and not (vpc.enable_dns_hostnames and vpc.enable_dns_support):
            raise AwsError("InvalidVpcPeeringConnectionState.DnsHostnamesDisabled",
                           f"DNS resolution over {pcx.id} needs DNS hostnames and DNS resolution enabled in "
                           f"both VPCs; {vpc_id} does not have them enabled.")


# -- rules other families apply ----------------------------------------------------------------
# AWS "VPC CIDR blocks" → IPv4 CIDR block association restrictions
# (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html): "The following rules
# apply when you add IPv4 CIDR blocks to a VPC that's part of a VPC peering connection". The
# rules are documented; AWS's error texts for them are not, so the texts below are vpclab's.

def check_vpc_cidr_association(ctx: Ctx, vpc_id: str, cidr_block: str) -> None:
    """Raise if AWS refuses to add ``cidr_block`` to ``vpc_id`` because of its peerings.

    - "If the VPC peering connection is active, you can add CIDR blocks to a VPC provided they do
      not overlap with a CIDR block of the peer VPC."
    - "If the VPC peering connection is pending-acceptance, the owner of the requester VPC cannot
      add any CIDR block to the VPC, regardless of whether it overlaps with the CIDR block of the
      accepter VPC."

    AssociateVpcCidrBlock calls this before associating, then :func:`fail_overlapping_requests`.
    """
    net = IPv4Network(cidr_block)
    now = ctx.now
    for pcx in peerings_of(ctx.world, vpc_id):
        status = effective_status(pcx, now)
        if status == ACTIVE:
            peer_id = pcx.peer_of(vpc_id)
            peer = ctx.world.get(peer_id, Vpc)
            blocks = peer.cidr_blocks if peer is not None else pcx.cidr_blocks_of(peer_id)
            clash = next((b for b in blocks if net.overlaps(IPv4Network(b))), None)
            if clash is not None:
                raise AwsError("InvalidVpc.Range",
                               f"The CIDR '{net}' overlaps with CIDR {clash} of peer VPC {peer_id} "
                               f"(VPC peering connection {pcx.id}).")
        elif status == PENDING_ACCEPTANCE and pcx.requester_vpc_id == vpc_id:
            raise AwsError("OperationNotPermitted",
                           f"The vpc {vpc_id} has a pending-acceptance VPC peering connection {pcx.id}: "
                           "a CIDR block cannot be added until it is accepted or deleted.")


def fail_overlapping_requests(ctx: Ctx, vpc_id: str) -> None:
    """After a CIDR block was added to ``vpc_id``: "If the VPC peering connection is
    pending-acceptance, the owner of the accepter VPC can add CIDR blocks to the VPC. If a secondary
    CIDR block overlaps with a CIDR block of the requester VPC, the VPC peering connection request
    fails and cannot be accepted." Puts every such request in status ``failed``."""
    vpc = ctx.world.get(vpc_id, Vpc)
    now = ctx.now
    for pcx in list(peerings_of(ctx.world, vpc_id)):
        if pcx.accepter_vpc_id != vpc_id or effective_status(pcx, now) != PENDING_ACCEPTANCE:
            continue
        requester = ctx.world.get(pcx.requester_vpc_id, Vpc)
        if vpc is not None and requester is not None and _overlapping(vpc, requester):
            ctx.world.put(replace(pcx, status_code=FAILED, status_message=status_message(FAILED),
                                  expiration_time=None, status_time=now, status_actor_id=ctx.account_id))
