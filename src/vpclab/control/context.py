"""What every action receives: the World, and who is calling from where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from ..core.errors import AwsError
from ..model.base import Resource
from ..model.world import World
from . import quotas

if TYPE_CHECKING:
    from .access_scopes import AccessScopeAnalyser
    from .insights import Analyser

R = TypeVar("R", bound=Resource)


def malformed_id(kind: type[Resource], resource_id: str) -> AwsError | None:
    """AWS's ``…Malformed`` error for an id that is not of the kind's form, or None.

    AWS's wording on the wire is ``Invalid id: "sg-x:y" (expecting "sg-...")`` (as clients report
    it). vpclab checks the prefix only: AWS also refuses a wrong number of hex digits, but the page
    does not say which lengths it accepts, so an id with the right prefix is looked up (and not found).
    """
    if kind.MALFORMED and not resource_id.startswith(f"{kind.ID_PREFIX}-"):
        return AwsError(kind.MALFORMED, f'Invalid id: "{resource_id}" (expecting "{kind.ID_PREFIX}-...")')
    return None


@dataclass(frozen=True, slots=True)
class Ctx:
    """The caller: the World acted on, the calling account and the Region of the call (and the
    reachability analyser the application was composed with, if any)."""

    world: World
    account_id: str
    region: str
    analyser: Analyser | None = None
    #: the Network Access Analyzer's (StartNetworkInsightsAccessScopeAnalysis), if any
    access_analyser: AccessScopeAnalyser | None = None

    def require(self, kind: type[R], resource_id: str | None) -> R:
        """The resource of this kind with this id, visible to the caller, or AWS's NotFound error."""
        if resource_id and (malformed := malformed_id(kind, resource_id)) is not None:
            raise malformed
        res = self.world.get(resource_id, kind) if resource_id else None
        if res is None or not res.visible_to(self.world, self.account_id, self.region):
            code, message = kind.NOT_FOUND
            raise AwsError(code, message.format(id=resource_id))
        return res

    def require_owner(self, res: Resource, message: str | None = None) -> None:
        """Only the owner may change a resource (e.g. a shared VPC's participants may not)."""
        if res.owner_id != self.account_id:
            raise AwsError(
                "UnauthorizedOperation",
                message or "You are not authorized to perform this operation.",
            )

    def new_id(self, kind: str) -> str:
        return self.world.new_id(kind)

    @property
    def now(self) -> datetime:
        return self.world.clock.now()

    def check_quota(self, name: str, current: int, *, adding: int = 1, **fields: str) -> None:
        """Raise the quota's AWS error if ``current + adding`` would exceed the quota in force.

        ``fields`` fill the quota message's placeholders (e.g. ``vpc_id``)."""
        quotas.check(self.world.settings.quotas, name, current + adding, **fields)

    def quota(self, name: str) -> int:
        return quotas.limit(self.world.settings.quotas, name)
