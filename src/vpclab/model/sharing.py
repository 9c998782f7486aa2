"""VPC sharing through AWS RAM: resource shares that share subnets with other accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from .base import Resource

if TYPE_CHECKING:
    from .world import World


@dataclass(frozen=True, kw_only=True, slots=True)
class ShareAssociation:
    """When a resource or principal was associated with a share (RAM's ResourceShareAssociation
    ``creationTime`` / ``lastUpdatedTime``). ``entity`` is a resource id or an account id."""

    entity: str
    creation_time: datetime
    last_updated_time: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class ResourceShare(Resource):
    """A RAM resource share. ``resource_ids`` are the ids of the shared resources (subnets,
    transit gateways, customer-managed prefix lists, security groups); ``principals`` the account
    ids they are shared with. A deleted share stays, with status DELETED, and shares nothing."""

    KIND: ClassVar[str] = "resource_share"
    ID_PREFIX: ClassVar[str] = "rs"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("UnknownResourceException",
                                            "ResourceShare {id} could not be found.")

    share_name: str
    resource_ids: tuple[str, ...] = ()
    principals: tuple[str, ...] = ()
    allow_external_principals: bool = True
    status: str = "ACTIVE"
    #: RAM's creationTime / lastUpdatedTime (the World's clock); None for a share stored before
    #: vpclab kept them
    creation_time: datetime | None = None
    last_updated_time: datetime | None = None
    #: the association time of each current resource and principal
    associations: tuple[ShareAssociation, ...] = ()

    def association(self, entity: str) -> ShareAssociation | None:
        return next((a for a in self.associations if a.entity == entity), None)

    @property
    def arn(self) -> str:
        return f"arn:aws:ram:{self.region}:{self.owner_id}:resource-share/{self.id}"


def shared_with(world: World, resource_id: str) -> frozenset[str]:
    """The accounts a resource is shared with through active resource shares."""
    accounts: set[str] = set()
    for share in world.all(ResourceShare):
        if share.status == "ACTIVE" and resource_id in share.resource_ids:
            accounts.update(share.principals)
    return frozenset(accounts)


def owner_or_shared(resource: Resource, world: World, account_id: str, region: str) -> bool:
    """``visible_to`` for a kind AWS RAM shares: its owner and the accounts it is shared with see
    it, in its own Region."""
    return resource.region == region and (resource.owner_id == account_id
                                           or account_id in shared_with(world, resource.id))


def is_participant(world: World, vpc_id: str, account_id: str) -> bool:
    """Whether ``account_id`` is a participant of a shared VPC: a subnet of it is shared with them."""
    from .subnet import Subnet

    # the shares naming the account, and their subnets (not every subnet of the VPC against every share)
    for share in world.all(ResourceShare):
        if share.status == "ACTIVE" and account_id in share.principals:
            for rid in share.resource_ids:
                subnet = world.get(rid, Subnet)
                if subnet is not None and subnet.vpc_id == vpc_id:
                    return True
    return False


def owner_or_participant(resource: Resource, vpc_id: str, world: World, account_id: str, region: str) -> bool:
    """``visible_to`` for a VPC-wide resource (the VPC, its network ACLs) that the participants of a
    shared VPC see as well as its owner."""
    if resource.region != region:
        return False
    return resource.owner_id == account_id or is_participant(world, vpc_id, account_id)
