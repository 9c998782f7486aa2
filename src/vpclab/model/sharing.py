"""VPC sharing through AWS RAM: resource shares that share subnets with other accounts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from .base import Resource

if TYPE_CHECKING:
    from .world import World


@dataclass(frozen=True, kw_only=True, slots=True)
class ResourceShare(Resource):
    """A RAM resource share. ``resource_ids`` are the ids of the shared resources (subnets,
    transit gateways, customer-managed prefix lists, security groups); ``principals`` the account
    ids they are shared with. A deleted share stays, with status DELETED, and shares nothing."""

    KIND: ClassVar[str] = "resource_share"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("UnknownResourceException",
                                            "ResourceShare {id} could not be found.")

    share_name: str
    resource_ids: tuple[str, ...] = ()
    principals: tuple[str, ...] = ()
    allow_external_principals: bool = True
    status: str = "ACTIVE"

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
