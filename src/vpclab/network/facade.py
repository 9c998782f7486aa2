"""A loaded network: the World, and the names its source (a YAML file, a snapshot) gave its resources."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model.base import Resource
from ..model.world import World
from . import api

if TYPE_CHECKING:
    from ..reach.result import Trace
    from .api import Matrix
    from .diff import NetworkDiff
    from .intents import CheckReport


@dataclass
class Network:
    """A World and the names its resources go by: what ``vpclab.load`` returns.

    ``ids`` maps each name to its resource id and ``names`` the other way. Resources the file
    did not name but AWS made (a VPC's main route table, a NAT gateway's Elastic IP, a transit
    gateway's default route table, …) get names with a slash: ``app/main``, ``nat-a/eip``.
    """

    world: World
    file: str
    ids: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    #: friendly account name → 12-digit account id (from ``accounts:``)
    accounts: dict[str, str] = field(default_factory=dict)

    def id(self, name: str) -> str:
        """The id of the resource with this name (KeyError if there is none)."""
        return self.ids[name]

    def name(self, resource_id: str) -> str | None:
        return self.names.get(resource_id)

    def resource(self, name: str) -> Resource:
        res = self.world.get(self.ids[name])
        if res is None:
            raise KeyError(name)
        return res

    def add(self, name: str, resource_id: str) -> None:
        self.ids[name] = resource_id
        self.names[resource_id] = name

    def account_name(self, account_id: str) -> str:
        """The friendly name of an account (its id when the file gave it none)."""
        for friendly, acct in self.accounts.items():
            if acct == account_id:
                return friendly
        return account_id

    def counts(self) -> Counter[str]:
        """How many resources of each kind the World holds, by the model class name."""
        return Counter(type(r).__name__ for r in self.world.resources())

    # -- questions: names or ids in, names out (the work is in vpclab.network.api) --------------
    def trace(self, source: str, destination: str, protocol: str | int = "tcp", port: int | None = None,
              **options: Any) -> Trace:
        """Can ``source`` reach ``destination``: both directions, hop by hop, every cause and fix."""
        return api.trace(self, source, destination, protocol=protocol, port=port, **options)

    def matrix(self, protocol: str = "tcp", port: int | None = 443, level: str = "subnet",
               **options: Any) -> Matrix:
        """All pairs of subnets (``level="interface"``: interfaces) for one protocol and port."""
        return api.matrix(self, protocol=protocol, port=port, level=level, **options)

    def check(self, intents: str | Path | Sequence[dict[str, Any]]) -> CheckReport:
        """Check intents (an intents YAML file, or a list of intent dicts); see docs/reachability.md."""
        return api.check(self, intents)


def diff(old: Network, new: Network, **options: Any) -> NetworkDiff:
    """The flows ``new`` opens and closes compared with ``old`` (matched by name)."""
    return api.diff(old, new, **options)
