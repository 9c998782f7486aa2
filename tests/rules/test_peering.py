"""VPC peering rules. AWS docs: VPC Peering guide — "VPC peering connection lifecycle", "VPC peering
limitations", "Create a VPC peering connection", "Accept or reject a VPC peering connection", "Delete a
VPC peering connection" (https://docs.aws.amazon.com/vpc/latest/peering/) and the EC2 API reference."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest

from tests.conftest import ACCOUNT_A, ACCOUNT_B, raises_aws, unchanged
from vpclab.model.peering import (
    VpcPeeringConnection,
    active_peering_between,
    effective_status,
)
from vpclab.model.route_table import RouteTable, route_state
from vpclab.model.vpc import Vpc

FAILED = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"


def _peered(cp, peer_cp=None, requester_cidr="10.0.0.0/16", accepter_cidr="10.1.0.0/16", accept=True):
    """A requester VPC (cp), an accepter VPC (peer_cp, default cp) and a connection between them."""
    peer_cp = peer_cp or cp
    a = cp.create_vpc(cidr_block=requester_cidr)
    b = peer_cp.create_vpc(cidr_block=accepter_cidr)
    for owner, vpc in ((cp, a), (peer_cp, b)):  # DNS over the peering needs DNS hostnames on both sides
        owner.modify_vpc_attribute(vpc_id=vpc.id, enable_dns_hostnames=True)
    a, b = cp.world.get(a.id), cp.world.get(b.id)
    pcx = cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=b.id, peer_owner_id=peer_cp.account_id,
                                           peer_region=peer_cp.region)
    if accept:
        pcx = peer_cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    return a, b, pcx


@contextmanager
def _refused_transition(world, pcx, from_status: str, to_status: str) -> Iterator[None]:
    """The block fails with AWS's InvalidStateTransition for ``pcx`` and leaves the World unchanged."""
    message = (f"Invalid state transition for {pcx.id}, "
               f"attempted to transition from {from_status} to {to_status}")
    with unchanged(world), raises_aws("InvalidStateTransition", message):
        yield


def _allow_remote_dns(cp, pcx, side: str):
    """ModifyVpcPeeringConnectionOptions: allow DNS resolution from the remote VPC on ``side``."""
    options = {"allow_dns_resolution_from_remote_vpc": True}
    return cp.modify_vpc_peering_connection_options(vpc_peering_connection_id=pcx.id,
                                                    **{f"{side}_peering_connection_options": options})


def _hub_and_spokes(world, spokes: int):
    """Account A's control plane under the default quotas, a hub VPC and ``spokes`` other VPCs."""
    from vpclab import ControlPlane

    cp = ControlPlane(world, account_id=ACCOUNT_A)
    hub = cp.create_vpc(cidr_block="10.0.0.0/16")
    others = [cp.create_vpc(cidr_block=f"10.{i}.0.0/16") for i in range(1, spokes + 1)]
    world.settings.quotas = "default"
    return cp, hub, others


# -- CreateVpcPeeringConnection ---------------------------------------------------------------
def test_request_is_pending_acceptance_and_expires_in_seven_days(cp, world):
    """AWS CreateVpcPeeringConnection: "The owner of the accepter VPC must accept the peering request to
    activate the peering connection. The VPC peering connection request expires after 7 days"; the status
    message reads "Pending Acceptance by <account>"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcPeeringConnection.html)."""
    a, b, pcx = _peered(cp, accept=False)
    assert (pcx.status_code, pcx.status_message) == ("pending-acceptance",
                                                     f"Pending Acceptance by {ACCOUNT_A}")
    assert pcx.expiration_time == world.clock.now() + timedelta(days=7)
    assert (pcx.requester_vpc_id, pcx.accepter_vpc_id, pcx.accepter_owner_id, pcx.accepter_region) == (
        a.id, b.id, ACCOUNT_A, "us-east-1")
    assert not pcx.is_active and active_peering_between(world, a.id, b.id) is None


def test_overlapping_primary_cidrs_create_a_failed_connection(cp, world):
    """AWS "Create a VPC peering connection": "Ensure that the VPCs do not have overlapping IPv4 CIDR
    blocks. If they overlap, the status of the VPC peering connection immediately goes to failed" — the
    request is created, not refused
    (https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html)."""
    _a, _b, pcx = _peered(cp, requester_cidr="10.0.0.0/16", accepter_cidr="10.0.128.0/17", accept=False)
    assert (pcx.status_code, pcx.status_message) == ("failed", FAILED)
    assert world.get(pcx.id) == pcx and pcx.expiration_time is None


def test_overlapping_secondary_cidr_also_fails_the_request(cp):
    """AWS "VPC peering limitations": "You cannot create a VPC peering connection between VPCs that have
    matching or overlapping IPv4 CIDR blocks" — any block, primary or secondary
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations)."""
    a = cp.create_vpc(cidr_block="10.0.0.0/16")
    cp.associate_vpc_cidr_block(vpc_id=a.id, cidr_block="10.5.0.0/16")
    b = cp.create_vpc(cidr_block="10.5.0.0/24")
    pcx = cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=b.id)
    assert pcx.status_code == "failed"


def test_failed_connection_cannot_be_accepted_or_deleted(cp, world):
    """AWS "VPC peering connection lifecycle": "Failed: ... While in this state, it cannot be accepted,
    rejected, or deleted"; DeleteVpcPeeringConnection answers "Invalid state transition for pcx-…,
    attempted to transition from failed to deleting"
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle)."""
    _, _, pcx = _peered(cp, requester_cidr="10.0.0.0/16", accepter_cidr="10.0.0.0/16", accept=False)
    with _refused_transition(world, pcx, "failed", "provisioning"):
        cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    with _refused_transition(world, pcx, "failed", "rejected"):
        cp.reject_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    with _refused_transition(world, pcx, "failed", "deleting"):
        cp.delete_vpc_peering_connection(vpc_peering_connection_id=pcx.id)


def test_a_vpc_cannot_peer_with_itself(cp, world):
    """AWS "Unsupported VPC peering configurations": a peering connects two different VPCs
    (https://docs.aws.amazon.com/vpc/latest/peering/invalid-peering-configurations.html)."""
    a = cp.create_vpc(cidr_block="10.0.0.0/16")
    with unchanged(world), raises_aws(
            "InvalidParameterValue",
            f"Invalid value '{a.id}' for peerVpcId. Both vpcId and peerVpcId values must be different."):
        cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=a.id)


def test_requester_must_own_the_requester_vpc(cp, world):
    """AWS CreateVpcPeeringConnection: "a requester VPC that you own"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcPeeringConnection.html)."""
    a = cp.create_vpc(cidr_block="10.0.0.0/16")
    other = cp.as_(account_id=ACCOUNT_B)
    b = other.create_vpc(cidr_block="10.1.0.0/16")
    with unchanged(world), raises_aws("InvalidVpcID.NotFound", f"The vpc ID '{a.id}' does not exist"):
        other.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=b.id)


def test_unknown_peer_vpc_in_own_account_and_region_is_not_found(cp, world):
    """AWS CreateVpcPeeringConnection: PeerOwnerId defaults to your account and PeerRegion to the
    Region of the request, where AWS looks the peer VPC up and answers InvalidVpcID.NotFound — also
    for another account's VPC named without PeerOwnerId
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcPeeringConnection.html)."""
    a = cp.create_vpc(cidr_block="10.0.0.0/16")
    theirs = cp.as_(account_id=ACCOUNT_B).create_vpc(cidr_block="10.1.0.0/16")
    for missing in ("vpc-0123456789abcdef0", theirs.id):
        with unchanged(world), raises_aws("InvalidVpcID.NotFound", f"The vpc ID '{missing}' does not exist"):
            cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=missing)


def test_unknown_peer_vpc_elsewhere_creates_a_failed_request(cp):
    """AWS "VPC peering connection lifecycle": "Initiating-request ... the VPC peering connection can
    fail"; a peer VPC that is not in the named account or Region cannot be checked at request time,
    and the request fails with "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle)."""
    a = cp.create_vpc(cidr_block="10.0.0.0/16")
    theirs = cp.as_(account_id=ACCOUNT_B).create_vpc(cidr_block="10.1.0.0/16")
    cross_account = cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id="vpc-0123456789abcdef0",
                                                     peer_owner_id=ACCOUNT_B)
    wrong_region = cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=theirs.id,
                                                    peer_owner_id=ACCOUNT_B,
                                                    peer_region="eu-west-1")
    assert [(p.status_code, p.status_message)
            for p in (cross_account, wrong_region)] == [("failed", FAILED)] * 2
    # the accepter never sees a failed request ("visible to the requester for 2 hours")
    with raises_aws("InvalidVpcPeeringConnectionID.NotFound"):
        cp.as_(account_id=ACCOUNT_B).accept_vpc_peering_connection(vpc_peering_connection_id=cross_account.id)


def test_a_second_request_for_the_same_pair_returns_the_first(cp, world):
    """AWS returns the existing connection for a repeated request between the same requester and
    accepter VPCs (one peering per VPC pair; "You cannot have more than one VPC peering connection
    between the same two VPCs at the same time")
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations)."""
    a, b, pending = _peered(cp, accept=False)
    assert cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=b.id) == pending
    active = cp.accept_vpc_peering_connection(vpc_peering_connection_id=pending.id)
    with unchanged(world):
        assert cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=b.id) == active


def test_reverse_request_cannot_be_accepted_while_the_pair_is_peered(cp, world):
    """AWS "VPC peering limitations": one VPC peering connection between the same two VPCs; a request in
    the other direction is created but accepting it fails with VpcPeeringConnectionAlreadyExists
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations)."""
    a, b, _ = _peered(cp)
    reverse = cp.create_vpc_peering_connection(vpc_id=b.id, peer_vpc_id=a.id)
    assert reverse.status_code == "pending-acceptance"
    with unchanged(world), raises_aws(
            "VpcPeeringConnectionAlreadyExists",
            f"The vpc peering connection identified by {reverse.id} already exists."):
        cp.accept_vpc_peering_connection(vpc_peering_connection_id=reverse.id)


def test_outstanding_request_quota(world):
    """AWS "Amazon VPC quotas": outstanding VPC peering connection requests, 25
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-peering)."""
    cp, hub, spokes = _hub_and_spokes(world, 26)
    for spoke in spokes[:25]:
        cp.create_vpc_peering_connection(vpc_id=hub.id, peer_vpc_id=spoke.id)
    with unchanged(world), raises_aws("OutstandingVpcPeeringConnectionLimitExceeded",
                                      "The maximum number of outstanding VPC peering "
                                      "connection requests has been reached."):
        cp.create_vpc_peering_connection(vpc_id=hub.id, peer_vpc_id=spokes[25].id)
    # an accepted request is no longer outstanding
    first = next(world.all(VpcPeeringConnection))
    cp.accept_vpc_peering_connection(vpc_peering_connection_id=first.id)
    cp.create_vpc_peering_connection(vpc_id=hub.id, peer_vpc_id=spokes[25].id)


def test_active_peerings_per_vpc_quota_is_checked_on_accept(world):
    """AWS "Amazon VPC quotas": active VPC peering connections per VPC, default 50
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-peering)."""
    cp, hub, spokes = _hub_and_spokes(world, 51)
    for spoke in spokes[:50]:
        pcx = cp.create_vpc_peering_connection(vpc_id=spoke.id, peer_vpc_id=hub.id)
        cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    last = cp.create_vpc_peering_connection(vpc_id=hub.id, peer_vpc_id=spokes[50].id)
    with unchanged(world), raises_aws("ActiveVpcPeeringConnectionPerVpcLimitExceeded",
                                      "The maximum number of active VPC peering "
                                      "connections per VPC has been reached."):
        cp.accept_vpc_peering_connection(vpc_peering_connection_id=last.id)


# -- AcceptVpcPeeringConnection ---------------------------------------------------------------
def test_only_the_accepter_account_accepts(cp, world):
    """AWS AcceptVpcPeeringConnection: "you must be the owner of the peer VPC"; the requester gets
    OperationNotPermitted "User <account> cannot accept peering pcx-…"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AcceptVpcPeeringConnection.html)."""
    b_cp = cp.as_(account_id=ACCOUNT_B)
    a, b, pcx = _peered(cp, b_cp, accept=False)
    assert pcx.status_message == f"Pending Acceptance by {ACCOUNT_B}"
    with unchanged(world), raises_aws("OperationNotPermitted",
                                      f"User {ACCOUNT_A} cannot accept peering {pcx.id}"):
        cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    active = b_cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    assert (active.status_code, active.status_message) == ("active", "Active")
    assert (active.requester_cidr_blocks, active.accepter_cidr_blocks) == (("10.0.0.0/16",), ("10.1.0.0/16",))
    assert active.expiration_time is None
    assert active_peering_between(world, b.id, a.id) == active
    assert (active.peer_of(a.id) == b.id and active.side_of(b.id) == "accepter"
            and active.side_of("vpc-x") is None)


def test_active_connection_records_every_cidr_block(cp):
    """AWS VpcPeeringConnectionVpcInfo: CidrBlockSet — "Information about the IPv4 CIDR blocks for the
    VPC" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcPeeringConnectionVpcInfo.html)."""
    _a, b, pcx = _peered(cp, accept=False)
    cp.associate_vpc_cidr_block(vpc_id=b.id, cidr_block="10.2.0.0/16")
    active = cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    assert active.accepter_cidr_blocks == ("10.1.0.0/16", "10.2.0.0/16")


def test_inter_region_connection_is_accepted_in_the_accepter_region(cp, world):
    """AWS AcceptVpcPeeringConnection: "For an inter-Region VPC peering connection request, you must
    accept the VPC peering connection in the Region of the accepter VPC"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AcceptVpcPeeringConnection.html)."""
    eu = cp.as_(region="eu-west-1")
    _, _, pcx = _peered(cp, eu, accept=False)
    msg = (f"Incorrect region (us-east-1) specified for this request. "
           f"VPC peering connection {pcx.id} must be accepted in region eu-west-1")
    with unchanged(world), raises_aws("OperationNotPermitted", msg):
        cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    with unchanged(world), raises_aws("OperationNotPermitted",
                                      msg.replace("accepted in", "accepted or rejected in")):
        cp.reject_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    assert eu.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id).is_active


def test_cross_account_inter_region_request_is_not_visible_in_the_requester_region(cp, world):
    """AWS "Accept or reject a VPC peering connection": "For an inter-Region VPC peering connection, the
    request must be accepted from the Region of the accepter VPC"; the accepter account does not see the
    request in the requester's Region
    (https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html)."""
    b_eu = cp.as_(account_id=ACCOUNT_B, region="eu-west-1")
    _, _, pcx = _peered(cp, b_eu, accept=False)
    with unchanged(world), raises_aws("InvalidVpcPeeringConnectionID.NotFound",
                                      f"The vpcPeeringConnection ID '{pcx.id}' does not exist"):
        cp.as_(account_id=ACCOUNT_B).accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    assert b_eu.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id).is_active


def test_only_a_pending_request_can_be_accepted(cp, world):
    """AWS AcceptVpcPeeringConnection: "To accept a request, the VPC peering connection must be in the
    pending-acceptance state"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AcceptVpcPeeringConnection.html)."""
    _, _, pcx = _peered(cp)
    with _refused_transition(world, pcx, "active", "provisioning"):
        cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)


def test_unknown_connection_is_not_found(cp, world):
    """AWS EC2 error codes: InvalidVpcPeeringConnectionID.NotFound — "The specified VPC peering connection
    ID does not exist" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    with unchanged(world), raises_aws("InvalidVpcPeeringConnectionID.NotFound",
                                      "The vpcPeeringConnection ID 'pcx-0123456789abcdef0' does not exist"):
        cp.accept_vpc_peering_connection(vpc_peering_connection_id="pcx-0123456789abcdef0")


# -- expiry -----------------------------------------------------------------------------------
def test_unaccepted_request_expires_after_seven_days(cp, world):
    """AWS "VPC peering connection lifecycle": "Expired: The VPC peering connection request has expired,
    and no action can be taken on it by either VPC owner" (a request expires after 7 days)
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle)."""
    a, b, pcx = _peered(cp, accept=False)
    world.clock.advance(timedelta(days=6, hours=23))
    assert effective_status(pcx, world.clock.now()) == "pending-acceptance"
    world.clock.advance(timedelta(hours=2))
    assert effective_status(pcx, world.clock.now()) == "expired"
    with _refused_transition(world, pcx, "expired", "provisioning"):
        cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    with _refused_transition(world, pcx, "expired", "rejected"):
        cp.reject_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    # the next peering action records the expiry in the World's journal
    seen = []
    world.subscribe(seen.append)
    renewed = cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=b.id)
    assert renewed.id != pcx.id and renewed.status_code == "pending-acceptance"
    expired = world.get(pcx.id)
    assert (expired.status_code, expired.status_message) == ("expired", "Expired")
    assert seen[-1][pcx.id] == (pcx, expired)


# -- RejectVpcPeeringConnection ---------------------------------------------------------------
def test_only_the_accepter_rejects_a_pending_request(cp, world):
    """AWS RejectVpcPeeringConnection: "Rejects a VPC peering connection request. The VPC peering
    connection must be in the pending-acceptance state"; it is the accepter's to reject
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RejectVpcPeeringConnection.html)."""
    b_cp = cp.as_(account_id=ACCOUNT_B)
    _, _, pcx = _peered(cp, b_cp, accept=False)
    with unchanged(world), raises_aws("OperationNotPermitted",
                                      f"User {ACCOUNT_A} cannot reject peering {pcx.id}"):
        cp.reject_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    rejected = b_cp.reject_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    assert rejected.status_code == "rejected" and world.get(pcx.id).status_code == "rejected"
    with _refused_transition(world, pcx, "rejected", "provisioning"):
        b_cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)


# -- DeleteVpcPeeringConnection ---------------------------------------------------------------
def test_either_owner_deletes_an_active_connection_and_it_stays_visible(cp, world):
    """AWS "VPC peering connection lifecycle": "Deleted: An active VPC peering connection that has been
    deleted by either of the VPC owners ... remains visible to the party that deleted it for 2 hours,
    and visible to the other party for 2 days"
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle)."""
    b_cp = cp.as_(account_id=ACCOUNT_B)
    _, _, pcx = _peered(cp, b_cp)
    assert b_cp.delete_vpc_peering_connection(vpc_peering_connection_id=pcx.id) is None
    deleted = world.get(pcx.id)
    assert (deleted.status_code, deleted.status_message) == ("deleted", f"Deleted by {ACCOUNT_B}")
    assert not deleted.is_active
    world.clock.advance(timedelta(hours=3))
    assert deleted.visible_to(world, ACCOUNT_A, "us-east-1")
    assert not deleted.visible_to(world, ACCOUNT_B, "us-east-1")
    world.clock.advance(timedelta(days=2))
    assert not deleted.visible_to(world, ACCOUNT_A, "us-east-1") and pcx.id in world


def test_routes_to_a_deleted_connection_stay_as_blackholes(cp, world):
    """AWS "Delete a VPC peering connection": routes that point to the deleted connection remain in the
    route tables with status blackhole
    (https://docs.aws.amazon.com/vpc/latest/peering/delete-vpc-peering-connection.html)."""
    a, b, pcx = _peered(cp)
    (rtb,) = world.in_vpc(a.id, RouteTable)
    cp.create_route(route_table_id=rtb.id, destination_cidr_block=b.cidr_block,
                    vpc_peering_connection_id=pcx.id)
    route = world.get(rtb.id, RouteTable).route_to(b.cidr_block)
    assert route_state(world, world.get(rtb.id, RouteTable), route) == "active"
    cp.delete_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    rtb = world.get(rtb.id, RouteTable)
    assert rtb.route_to(b.cidr_block) == route and route_state(world, rtb, route) == "blackhole"


def test_requester_deletes_a_pending_request_the_accepter_rejects_it(cp, world):
    """AWS "VPC peering connection lifecycle": "Deleted: ... a pending-acceptance VPC peering connection
    request that has been deleted by the owner of the requester VPC"
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle)."""
    b_cp = cp.as_(account_id=ACCOUNT_B)
    _, _, pcx = _peered(cp, b_cp, accept=False)
    with unchanged(world), raises_aws("OperationNotPermitted",
                                      f"User {ACCOUNT_B} cannot delete peering {pcx.id}"):
        b_cp.delete_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    cp.delete_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    assert world.get(pcx.id).status_code == "deleted"
    with _refused_transition(world, pcx, "deleted", "deleting"):
        cp.delete_vpc_peering_connection(vpc_peering_connection_id=pcx.id)


def test_after_deletion_the_pair_can_peer_again(cp):
    """AWS "VPC peering limitations": one peering per VPC pair at a time — a deleted connection no
    longer holds the pair
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations)."""
    a, b, pcx = _peered(cp)
    cp.delete_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    again = cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=b.id)
    assert again.id != pcx.id
    assert cp.accept_vpc_peering_connection(vpc_peering_connection_id=again.id).is_active


# -- ModifyVpcPeeringConnectionOptions --------------------------------------------------------
def test_peering_options_only_on_active_connections_and_own_side(cp, world):
    """AWS ModifyVpcPeeringConnectionOptions: "If the peered VPCs are in the same Amazon Web Services
    account, you can enable DNS resolution for queries from the local VPC ... If the peered VPCs are in
    different accounts, each account owner must initiate a separate request to modify the peering
    connection options"; options can be added only to active peerings
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcPeeringConnectionOptions.html)."""
    b_cp = cp.as_(account_id=ACCOUNT_B)
    _, _, pcx = _peered(cp, b_cp, accept=False)
    with unchanged(world), raises_aws(
            "OperationNotPermitted",
            f"Peering {pcx.id} is not active. Peering options can be added only to active peerings."):
        _allow_remote_dns(cp, pcx, "requester")
    b_cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    with unchanged(world), raises_aws(
            "OperationNotPermitted",
            f"User {ACCOUNT_A} does not have permission to modify the accepter side peering options"):
        _allow_remote_dns(cp, pcx, "accepter")
    _allow_remote_dns(cp, pcx, "requester")
    after = world.get(pcx.id)
    assert after.requester_peering_options.allow_dns_resolution_from_remote_vpc
    assert not after.accepter_peering_options.allow_dns_resolution_from_remote_vpc


def test_vpc_still_exists_after_peering_is_deleted(cp, world):
    """AWS "Delete a VPC peering connection": deleting the connection leaves both VPCs as they were
    (https://docs.aws.amazon.com/vpc/latest/peering/delete-vpc-peering-connection.html)."""
    a, b, pcx = _peered(cp)
    cp.delete_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    assert world.get(a.id, Vpc) == a and world.get(b.id, Vpc) == b
    assert active_peering_between(world, a.id, b.id) is None


# -- CIDR blocks added to peered VPCs (rules AssociateVpcCidrBlock applies) ---------------------


def test_active_peering_refuses_a_cidr_block_overlapping_the_peer(cp, world):
    """AWS "VPC CIDR blocks": "If the VPC peering connection is active, you can add CIDR blocks to a VPC
    provided they do not overlap with a CIDR block of the peer VPC" (error text undocumented)
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html)."""
    from vpclab.control.peering import check_vpc_cidr_association

    a, b, pcx = _peered(cp)
    with unchanged(world), raises_aws(
            "InvalidVpc.Range",
            f"The CIDR '10.1.128.0/17' overlaps with CIDR 10.1.0.0/16 of peer VPC {b.id} (VPC peering "
            f"connection {pcx.id})."), world.transaction():
        check_vpc_cidr_association(cp.ctx, a.id, "10.1.128.0/17")
    with unchanged(world):
        check_vpc_cidr_association(cp.ctx, a.id, "10.2.0.0/16")
        check_vpc_cidr_association(cp.ctx, b.id, "10.3.0.0/16")


def test_requester_cannot_add_a_cidr_block_while_its_request_is_pending(cp, world):
    """AWS "VPC CIDR blocks": "If the VPC peering connection is pending-acceptance, the owner of the
    requester VPC cannot add any CIDR block to the VPC, regardless of whether it overlaps with the CIDR
    block of the accepter VPC" (error text undocumented)
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html)."""
    from vpclab.control.peering import check_vpc_cidr_association

    a, b, pcx = _peered(cp, accept=False)
    with unchanged(world), raises_aws(
            "OperationNotPermitted",
            f"The vpc {a.id} has a pending-acceptance VPC peering connection {pcx.id}: "
            "a CIDR block cannot be added until it is accepted or deleted."):
        check_vpc_cidr_association(cp.ctx, a.id, "10.9.0.0/16")
    check_vpc_cidr_association(cp.ctx, b.id, "10.9.0.0/16")  # the accepter may


def test_accepter_cidr_overlapping_the_requester_fails_the_request(cp, world):
    """AWS "VPC CIDR blocks": "If the VPC peering connection is pending-acceptance, the owner of the
    accepter VPC can add CIDR blocks to the VPC. If a secondary CIDR block overlaps with a CIDR block of
    the requester VPC, the VPC peering connection request fails and cannot be accepted"
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html)."""
    from vpclab.control.peering import fail_overlapping_requests

    _a, b, pcx = _peered(cp, accept=False)
    cp.associate_vpc_cidr_block(vpc_id=b.id, cidr_block="10.0.128.0/17")
    with _refused_transition(world, pcx, "failed", "provisioning"):
        cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    with world.transaction():
        fail_overlapping_requests(cp.ctx, b.id)
    assert (world.get(pcx.id).status_code, world.get(pcx.id).status_message) == ("failed", FAILED)


def test_associate_vpc_cidr_block_applies_the_peering_rules(cp, world):
    """AWS "VPC CIDR blocks": the peering rules for adding IPv4 CIDR blocks, through AssociateVpcCidrBlock
    (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html)."""
    a, _b, _pcx = _peered(cp)
    with unchanged(world), raises_aws("InvalidVpc.Range"):
        cp.associate_vpc_cidr_block(vpc_id=a.id, cidr_block="10.1.128.0/17")
    c = cp.create_vpc(cidr_block="10.5.0.0/16")
    pending = cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=c.id)
    with unchanged(world), raises_aws("OperationNotPermitted"):
        cp.associate_vpc_cidr_block(vpc_id=a.id, cidr_block="10.7.0.0/16")
    cp.associate_vpc_cidr_block(vpc_id=c.id, cidr_block="10.0.128.0/17")
    assert world.get(pending.id).status_code == "failed"


def test_rejected_and_expired_requests_stay_visible_for_a_while(cp, world):
    """AWS "VPC peering connection lifecycle": "Rejected: ... remains visible to the owner of the requester
    VPC for 2 days, and visible to the owner of the accepter VPC for 2 hours"; "Expired: ... remains
    visible to both VPC owners for 2 days"
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-lifecycle)."""
    b_cp = cp.as_(account_id=ACCOUNT_B)
    _, _, rejected = _peered(cp, b_cp, accept=False)
    b_cp.reject_vpc_peering_connection(vpc_peering_connection_id=rejected.id)
    a2 = cp.create_vpc(cidr_block="10.2.0.0/16")
    c = b_cp.create_vpc(cidr_block="10.3.0.0/16")
    expiring = cp.create_vpc_peering_connection(vpc_id=a2.id, peer_vpc_id=c.id, peer_owner_id=ACCOUNT_B)
    world.clock.advance(timedelta(hours=3))
    rejected = world.get(rejected.id)
    assert rejected.visible_to(world, ACCOUNT_A, "us-east-1")
    assert not rejected.visible_to(world, ACCOUNT_B, "us-east-1")
    with raises_aws("InvalidVpcPeeringConnectionID.NotFound"):
        b_cp.reject_vpc_peering_connection(vpc_peering_connection_id=rejected.id)
    world.clock.advance(timedelta(days=8))  # expired 7 days after the request, seen for 2 more days
    assert expiring.visible_to(world, ACCOUNT_A, "us-east-1")
    assert expiring.visible_to(world, ACCOUNT_B, "us-east-1")
    world.clock.advance(timedelta(days=1))
    assert not expiring.visible_to(world, ACCOUNT_B, "us-east-1")
    assert not rejected.visible_to(world, ACCOUNT_A, "us-east-1")


def test_inter_region_peering_options_are_changed_from_each_side_region(cp, world):
    """AWS ModifyVpcPeeringConnectionOptions: "If the peered VPCs are in different Regions ... you must
    use the Region for the requester VPC to modify the requester VPC peering options and the Region for
    the accepter VPC to modify the accepter VPC peering options" (error text undocumented)
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcPeeringConnectionOptions.html)."""
    eu = cp.as_(region="eu-west-1")
    _, _, pcx = _peered(cp, eu)
    with unchanged(world), raises_aws(
            "OperationNotPermitted",
            f"User {ACCOUNT_A} does not have permission to modify the requester side peering options"):
        _allow_remote_dns(eu, pcx, "requester")
    _allow_remote_dns(eu, pcx, "accepter")
    assert world.get(pcx.id).accepter_peering_options.allow_dns_resolution_from_remote_vpc


def test_model_queries_for_the_analysis(cp, world):
    """AWS "VPC peering basics": a peering connection joins exactly two VPCs, one requester and one
    accepter, and carries traffic only while active
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html)."""
    from vpclab.model.peering import active_peerings_of, peerings_of

    a, b, pcx = _peered(cp)
    c = cp.create_vpc(cidr_block="10.2.0.0/16")
    pending = cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=c.id)
    assert [p.id for p in peerings_of(world, a.id)] == [pcx.id, pending.id]
    assert [p.id for p in active_peerings_of(world, a.id)] == [pcx.id]
    assert active_peering_between(world, a.id, c.id) is None
    assert (pcx.side_of(a.id), pcx.peer_of(b.id), pcx.cidr_blocks_of(b.id)) == ("requester", a.id,
                                                                                ("10.1.0.0/16",))
    with pytest.raises(ValueError):
        pcx.peer_of(c.id)
