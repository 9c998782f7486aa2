"""The World: every modelled resource of every account and Region, indexed by id.

It is pure data with a journal: ``with world.transaction():`` records the previous value of
every resource the block puts or removes, and rolls all of it back if the block raises, so a
failed operation leaves the World exactly as it was. Committed changes are handed to the
World's listeners (persistence, incremental analysis) as ``{id: (old, new)}``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Network
from types import TracebackType
from typing import Any, TypeVar

from ..core.ids import IdGenerator
from .base import ID_PREFIXES, Resource
from .indexes import NetworkIndex, RouteIndex

R = TypeVar("R", bound=Resource)

#: A committed change set: resource id → (value before, value after); None means absent.
Changes = dict[str, tuple[Resource | None, Resource | None]]


def _values(value: object) -> tuple[str, ...]:
    """An INDEX_BY attribute's value as the strings it is indexed under (None: none)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(v for v in value if v is not None)  # type: ignore[attr-defined]


class _Transaction:
    """``World.transaction()``'s context (a class, not a generator: every ControlPlane call opens
    one, hundreds of thousands when a snapshot loads)."""

    __slots__ = ("_outer", "_world")

    def __init__(self, world: World) -> None:
        self._world = world
        self._outer = False

    def __enter__(self) -> Changes:
        world = self._world
        if world._journal is not None:  # nested: joins the outer transaction
            return world._journal
        self._outer = True
        world._journal = {}
        return world._journal

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if not self._outer:
            return
        world = self._world
        try:
            if exc_type is None:
                try:
                    world._commit()
                except BaseException:
                    world._roll_back()
                    raise
            else:
                world._roll_back()
        finally:
            world._journal = None


class Clock:
    """The World's notion of now. Labs and tests move it with ``advance`` (e.g. peering expiry)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._offset = timedelta()
        self._fixed = start

    def now(self) -> datetime:
        base = self._fixed if self._fixed is not None else datetime.now(UTC)
        return (base + self._offset).replace(microsecond=0)

    def advance(self, delta: timedelta) -> None:
        self._offset += delta

    @property
    def offset(self) -> timedelta:
        """How far a lab has moved the clock (saved by the durable store)."""
        return self._offset


@dataclass
class Settings:
    """World-wide lab settings."""

    #: "maximum" (alias "lab") applies each adjustable quota at the lab's value (its documented
    #: maximum, or a generous lab choice: model/quotas.toml); "default" (alias "aws-default")
    #: applies AWS's defaults for a new account. Hard limits hold in both.
    quotas: str = "maximum"


class World:
    """Every resource, by id; secondary indexes by kind, by VPC (and kind), by owner and Region,
    and the derived indexes of ``model.indexes``: a kind with ``INDEX_NETWORKS`` has its
    ``cidr_block`` indexed per VPC (``overlaps_in_vpc``); a kind with ``INDEX_ROUTES_BY`` (a route
    attribute) has its ``routes`` indexed by that attribute (``find_route``); a kind with ``INDEX_BY``
    (attribute names) is indexed by each value of those attributes (``having``)."""

    def __init__(self, *, seed: int | None = None, clock: Clock | None = None,
                 settings: Settings | None = None):
        self.ids = IdGenerator(seed, ID_PREFIXES)
        self.clock = clock or Clock()
        self.settings = settings or Settings()
        self._resources: dict[str, Resource] = {}
        self._by_kind: dict[type[Resource], dict[str, Resource]] = {}
        self._by_vpc: dict[str, dict[str, Resource]] = {}
        self._by_vpc_kind: dict[str, dict[type[Resource], dict[str, Resource]]] = {}
        self._by_owner: dict[tuple[type[Resource], str, str], dict[str, Resource]] = {}
        self._networks: dict[tuple[str, type[Resource]], NetworkIndex] = {}
        #: the INDEX_NETWORKS kinds seen (``overlaps_in_vpc`` looks up (VPC, kind) for these, not
        #: every VPC's index: on AWS-MAX's 5,000 VPCs each subnet creation walked 10,000 keys)
        self._network_kinds: set[type[Resource]] = set()
        self._routes: dict[str, RouteIndex] = {}
        #: (kind, attribute, value) → resources, for the kinds' INDEX_BY attributes: what a rule
        #: looks up by a related id or a state ("the gateway's attachments", "pending peerings")
        #: without walking every resource of the kind (AWS-MAX: 5,000 attachments per gateway)
        self._having: dict[tuple[type[Resource], str, str], dict[str, Resource]] = {}
        #: kind → its INDEX_BLOCKS values (e.g. every VPC's IPv6 blocks), world-wide
        self._blocks: dict[type[Resource], Counter[str]] = {}
        self._journal: Changes | None = None
        self._listeners: list[Callable[[Changes], None]] = []
        #: increases by one with every committed change set; analysis caches key on it
        self.version = 0

    # -- reading -----------------------------------------------------------------------------
    def __contains__(self, resource_id: object) -> bool:
        return resource_id in self._resources

    def __len__(self) -> int:
        return len(self._resources)

    def get(self, resource_id: str, kind: type[R] | None = None) -> R | None:
        """The resource with this id (of this kind, when given), or None."""
        res = self._resources.get(resource_id)
        if res is None or (kind is not None and not isinstance(res, kind)):
            return None
        return res  # type: ignore[return-value]

    def all(self, kind: type[R]) -> Iterator[R]:
        """Every resource of this kind (subclasses included), in creation order."""
        for k, bucket in list(self._by_kind.items()):
            if issubclass(k, kind):
                yield from bucket.values()  # type: ignore[misc]

    def in_vpc(self, vpc_id: str, kind: type[R]) -> Iterator[R]:
        """Resources of this kind whose ``vpc_id`` is ``vpc_id`` (in creation order)."""
        buckets = [b for k, b in self._by_vpc_kind.get(vpc_id, {}).items() if issubclass(k, kind)]
        if len(buckets) == 1:
            yield from list(buckets[0].values())  # type: ignore[misc]
        elif buckets:  # several kinds: their common creation order
            for res in list(self._by_vpc.get(vpc_id, {}).values()):
                if isinstance(res, kind):
                    yield res

    def count_in_vpc(self, vpc_id: str, kind: type[Resource]) -> int:
        """How many resources of this kind have ``vpc_id`` (``len(list(in_vpc(…)))`` without the walk)."""
        return sum(len(b) for k, b in self._by_vpc_kind.get(vpc_id, {}).items() if issubclass(k, kind))

    def count_owned(self, kind: type[Resource], owner_id: str, region: str) -> int:
        """How many resources of this kind ``owner_id`` has in ``region``."""
        return sum(len(self._by_owner.get((k, owner_id, region), ())) for k in list(self._by_kind)
                   if issubclass(k, kind))

    def overlaps_in_vpc(self, vpc_id: str, kind: type[Resource], net: IPv4Network) -> bool:
        """Whether the ``cidr_block`` of any resource of this kind (an ``INDEX_NETWORKS`` kind) in
        the VPC overlaps ``net``."""
        for k in self._network_kinds:
            index = self._networks.get((vpc_id, k))
            if index is not None and issubclass(k, kind) and index.overlaps(net):
                return True
        return False

    def holds_block(self, kind: type[Resource], block: str) -> bool:
        """Whether any resource of this kind (an ``INDEX_BLOCKS`` kind), in any account or Region,
        holds ``block`` (e.g. an IPv6 /56 of a VPC: Amazon's pool is global)."""
        return any(counter[block] > 0 for k, counter in self._blocks.items() if issubclass(k, kind))

    def route_index(self, table_id: str) -> RouteIndex | None:
        """The route index of a table of an ``INDEX_ROUTES_BY`` kind (its ``routes`` are the
        stored table's ``routes`` tuple itself)."""
        return self._routes.get(table_id)

    def find_route(self, table_id: str, value: object) -> Any | None:
        """The first route of the table (of an ``INDEX_ROUTES_BY`` kind) whose indexed attribute
        is ``value``, or None."""
        index = self._routes.get(table_id)
        return index.find(value) if index is not None else None

    def owned(self, kind: type[R], owner_id: str, region: str) -> Iterator[R]:
        """Resources of this kind (subclasses included) owned by ``owner_id`` in ``region``: what
        a per-account, per-Region quota counts, without scanning the other accounts' resources."""
        for k in list(self._by_kind):
            if issubclass(k, kind):
                yield from self._by_owner.get((k, owner_id, region), {}).values()  # type: ignore[misc]

    def having(self, kind: type[R], attribute: str, value: str) -> Iterator[R]:
        """Resources of this kind (subclasses included) whose ``attribute`` — one of the kind's
        ``INDEX_BY`` names, a string or a tuple of strings — is (holds) ``value``, in the order they
        took that value (creation order for a value that never changes, such as a related id)."""
        if attribute not in getattr(kind, "INDEX_BY", ()):
            raise KeyError(f"{kind.__name__}.{attribute} is not indexed (INDEX_BY)")
        for k in list(self._by_kind):
            if issubclass(k, kind):
                yield from list(self._having.get((k, attribute, value), {}).values())  # type: ignore[misc]

    def count_having(self, kind: type[Resource], attribute: str, value: str) -> int:
        """How many resources ``having(kind, attribute, value)`` yields, without the walk."""
        return sum(len(self._having.get((k, attribute, value), ())) for k in list(self._by_kind)
                   if issubclass(k, kind) and attribute in getattr(k, "INDEX_BY", ()))

    def resources(self) -> Iterator[Resource]:
        return iter(list(self._resources.values()))

    # -- writing -----------------------------------------------------------------------------
    def put(self, resource: R) -> R:
        """Add or replace a resource (by id)."""
        if self._journal is None:
            with self.transaction():
                return self.put(resource)
        old = self._resources.get(resource.id)
        self._note(resource.id, old)
        if old is not None:
            if (type(old) is not type(resource) or old.owner_id != resource.owner_id
                    or old.region != resource.region
                    or getattr(old, "vpc_id", None) != getattr(resource, "vpc_id", None)):
                self._unindex(old)
            else:
                self._underive(old, keep=resource)
        self._index(resource)  # a replaced resource keeps its place in creation order
        return resource

    def remove(self, resource_id: str) -> Resource:
        if self._journal is None:
            with self.transaction():
                return self.remove(resource_id)
        old = self._resources[resource_id]
        self._note(resource_id, old)
        self._unindex(self._resources.pop(resource_id))
        return old

    def _index(self, res: Resource) -> None:
        kind = type(res)
        self._resources[res.id] = res
        self._by_kind.setdefault(kind, {})[res.id] = res
        self._by_owner.setdefault((kind, res.owner_id, res.region), {})[res.id] = res
        vpc_id = getattr(res, "vpc_id", None)
        if vpc_id:
            self._by_vpc.setdefault(vpc_id, {})[res.id] = res
            self._by_vpc_kind.setdefault(vpc_id, {}).setdefault(kind, {})[res.id] = res
        self._derive(res)

    def _unindex(self, res: Resource) -> None:
        kind = type(res)
        self._by_kind[kind].pop(res.id, None)
        owned = self._by_owner.get((kind, res.owner_id, res.region))
        if owned is not None:
            owned.pop(res.id, None)
            if not owned:
                del self._by_owner[(kind, res.owner_id, res.region)]
        vpc_id = getattr(res, "vpc_id", None)
        if vpc_id:
            self._by_vpc.get(vpc_id, {}).pop(res.id, None)
            bucket = self._by_vpc_kind.get(vpc_id, {}).get(kind)
            if bucket is not None:
                bucket.pop(res.id, None)
                if not bucket:
                    del self._by_vpc_kind[vpc_id][kind]
        self._underive(res)

    def _derive(self, res: Resource) -> None:
        """Add ``res`` to the derived indexes of its kind."""
        kind = type(res)
        if getattr(kind, "INDEX_NETWORKS", False):
            vpc_id = getattr(res, "vpc_id", None)
            block = getattr(res, "cidr_block", None)  # None: an IPv6-only subnet has no IPv4 block
            if vpc_id and block is not None:
                self._networks.setdefault((vpc_id, kind), NetworkIndex()).add(block)
                self._network_kinds.add(kind)
        blocks = getattr(kind, "INDEX_BLOCKS", None)
        if blocks:
            self._blocks.setdefault(kind, Counter()).update(getattr(res, blocks))
        for attribute in getattr(kind, "INDEX_BY", ()):
            for value in _values(getattr(res, attribute)):
                self._having.setdefault((kind, attribute, value), {})[res.id] = res
        by = getattr(kind, "INDEX_ROUTES_BY", None)
        if by:
            routes = res.routes  # type: ignore[attr-defined]
            old = self._routes.get(res.id)
            self._routes[res.id] = (old.updated(routes) if old is not None and old.key == by
                                    else RouteIndex(routes, by))

    def _underive(self, res: Resource, keep: Resource | None = None) -> None:
        """Take ``res`` out of the derived indexes of its kind (a route index stays, to be updated
        by the resource's next value, and is dropped when the resource is gone). With ``keep``
        (its next value), an INDEX_BY value both have stays where it is: the order of ``having``."""
        kind = type(res)
        if getattr(kind, "INDEX_NETWORKS", False):
            key = (str(getattr(res, "vpc_id", None) or ""), kind)
            index = self._networks.get(key)
            block = getattr(res, "cidr_block", None)
            if index is not None and block is not None:
                index.discard(block)
                if not len(index):
                    del self._networks[key]
        blocks = getattr(kind, "INDEX_BLOCKS", None)
        if blocks and kind in self._blocks:
            counter = self._blocks[kind]
            counter.subtract(getattr(res, blocks))
            for block in getattr(res, blocks):
                if counter[block] <= 0:
                    del counter[block]
        for attribute in getattr(kind, "INDEX_BY", ()):
            kept = _values(getattr(keep, attribute)) if keep is not None else ()
            for value in _values(getattr(res, attribute)):
                if value in kept:
                    continue
                having = (kind, attribute, value)
                bucket = self._having.get(having)
                if bucket is not None:
                    bucket.pop(res.id, None)
                    if not bucket:
                        del self._having[having]
        if getattr(kind, "INDEX_ROUTES_BY", None) and res.id not in self._resources:
            self._routes.pop(res.id, None)

    def _note(self, resource_id: str, old: Resource | None) -> None:
        if self._journal is not None and resource_id not in self._journal:
            self._journal[resource_id] = (old, None)

    def transaction(self) -> _Transaction:
        """All-or-nothing: ``with world.transaction():`` rolls back every put/remove of the block
        if it raises.

        On success the change set is handed to the listeners before the transaction ends; if a
        listener raises (the durable store could not write, say), the change is rolled back too,
        so nothing is applied that was not also recorded. Nested transactions join the outer one.
        """
        return _Transaction(self)

    def _commit(self) -> None:
        assert self._journal is not None
        changes: Changes = {}
        for rid, (old, _) in self._journal.items():
            new = self._resources.get(rid)
            if old is not new:
                changes[rid] = (old, new)
        if changes:
            for listener in self._listeners:
                listener(changes)
            self.version += 1

    def _roll_back(self) -> None:
        assert self._journal is not None
        for rid, (old, _) in self._journal.items():
            if rid in self._resources:
                self._unindex(self._resources.pop(rid))
            if old is not None:
                self._index(old)

    def subscribe(self, listener: Callable[[Changes], None]) -> None:
        """Call ``listener(changes)`` with every change set as it commits. A listener that raises
        rolls the change back: subscribe the durable store first, and caches after it."""
        self._listeners.append(listener)

    def new_id(self, kind: str) -> str:
        """A fresh id of this kind that no resource in the World has (also after a restore)."""
        while True:
            candidate = self.ids.new(kind)
            if candidate not in self._resources:
                return candidate
