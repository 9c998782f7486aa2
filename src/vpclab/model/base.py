"""The shape every modelled AWS resource shares.

Resources are frozen dataclasses: a change is a new value put into the World
(``world.put(dataclasses.replace(vpc, state="available"))``), so the World can journal every
change, roll a failed operation back exactly, and tell persistence and analysis what changed.
Field names are the snake_case of AWS's (``cidr_block``, ``vpc_id``); AWS casing appears only at
the boundaries.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from .world import World


class Tags(Mapping[str, str]):
    """An immutable, hashable tag map (AWS tags: key → value)."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str] | None = None, /, **kwargs: str) -> None:
        merged = dict(items or {}, **kwargs)
        self._items = tuple(sorted(merged.items()))

    def __getitem__(self, key: str) -> str:
        for k, v in self._items:
            if k == key:
                return v
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Tags):
            return self._items == other._items
        return isinstance(other, Mapping) and dict(self._items) == dict(other)

    def __repr__(self) -> str:
        return f"Tags({dict(self._items)!r})"

    def with_(self, items: Mapping[str, str]) -> Tags:
        return Tags({**dict(self._items), **items})

    def without(self, keys: Mapping[str, str | None] | Sequence[str]) -> Tags:
        """Drop keys; with a mapping, drop a key only where its value matches (or is None), as
        DeleteTags does."""
        if isinstance(keys, Mapping):
            return Tags({k: v for k, v in self._items if not (k in keys and keys[k] in (None, v))})
        return Tags({k: v for k, v in self._items if k not in keys})


#: KIND → resource class, for every modelled kind
KINDS: dict[str, type[Resource]] = {}


def kind_of_id(resource_id: str) -> type[Resource] | None:
    """The resource class an AWS-style id belongs to, by its prefix (``vpc-…`` → Vpc)."""
    from ..core.ids import PREFIXES

    prefix = resource_id.rsplit("-", 1)[0]
    for kind, p in PREFIXES.items():
        if p == prefix and kind in KINDS:
            return KINDS[kind]
    return None


@dataclass(frozen=True, kw_only=True, slots=True)
class Resource:
    """An AWS resource: its id, the account that owns it, its Region and its tags."""

    #: row of ``vpclab.core.ids.PREFIXES`` that makes this kind's ids
    KIND: ClassVar[str] = ""
    #: AWS's error for an id of this kind that does not exist (code, message with ``{id}``)
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidID", "The ID '{id}' is not valid")

    id: str
    owner_id: str
    region: str
    tags: Tags = Tags()  # noqa: RUF009 -- Tags is immutable and hashable: one shared empty value is safe

    def __init_subclass__(cls) -> None:
        # (no zero-argument super() here: it breaks under dataclass(slots=True))
        if cls.__dict__.get("KIND"):
            # dataclass(slots=True) re-creates the class: the last registration is the real one
            KINDS[cls.__dict__["KIND"]] = cls

    @property
    def name(self) -> str | None:
        """The ``Name`` tag, as the AWS console shows it."""
        return self.tags.get("Name")

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        """Whether AWS would show this resource to ``account_id`` calling in ``region``.

        The default is AWS's: a resource is seen by its owner in its own Region. Kinds that AWS
        shows to others too (peering connections, shared subnets, …) widen this.
        """
        return self.owner_id == account_id and self.region == region
