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
#: id kind → AWS id prefix: every resource class's ``ID_PREFIX`` (added as each class is defined),
#: and the ids of things that are not resources of their own
ID_PREFIXES: dict[str, str] = {
    "vpc_cidr_block_association": "vpc-cidr-assoc",
    "subnet_cidr_block_association": "subnet-cidr-assoc",
    "route_table_association": "rtbassoc",
    "address_association": "eipassoc",
    "network_interface_attachment": "eni-attach",
    "image": "ami",
    "reservation": "r",
    "security_group_rule": "sgr",
    "network_acl_association": "aclassoc",
    "request": "req",
}


def kind_of_id(resource_id: str) -> type[Resource] | None:
    """The resource class an AWS-style id belongs to, by its prefix (``vpc-…`` → Vpc)."""
    prefix = resource_id.rsplit("-", 1)[0]
    for cls in KINDS.values():
        if prefix == cls.ID_PREFIX:
            return cls
    return None


@dataclass(frozen=True, kw_only=True, slots=True)
class Resource:
    """An AWS resource: its id, the account that owns it, its Region and its tags."""

    # -- what each kind is called, in one place (a kind sets KIND and ID_PREFIX, the rest where
    # AWS's spelling differs from the derived one) ---------------------------------------------
    #: the kind's snake_case name (``route_table``): ``world.new_id(KIND)``, ``KINDS[KIND]``
    KIND: ClassVar[str] = ""
    #: AWS's id prefix (``rtb`` in ``rtb-0a1b…``)
    ID_PREFIX: ClassVar[str] = ""
    #: AWS's ``ResourceType`` in TagSpecifications and DescribeTags; default: KIND with dashes
    RESOURCE_TYPE: ClassVar[str] = ""
    #: the resource type in its ARN (``arn:aws:ec2:…:route-table/rtb-…``); default: RESOURCE_TYPE
    ARN_TYPE: ClassVar[str] = ""
    #: what people call one (``route table``); default: KIND with spaces
    LABEL: ClassVar[str] = ""
    #: AWS's error for an id of this kind that does not exist (code, message with ``{id}``)
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidID", "The ID '{id}' is not valid")
    #: AWS's code for an id that is not of this kind's form (AWS's "Error codes for the Amazon EC2
    #: API" page: ``InvalidVpcID.Malformed``, ``InvalidGroupId.Malformed``, …); empty where the page
    #: documents none (then a wrong-shaped id is simply not found)
    MALFORMED: ClassVar[str] = ""

    id: str
    owner_id: str
    region: str
    tags: Tags = Tags()  # noqa: RUF009 -- Tags is immutable and hashable: one shared empty value is safe

    def __init_subclass__(cls) -> None:
        # (no zero-argument super() here: it breaks under dataclass(slots=True))
        kind = cls.__dict__.get("KIND")
        if kind:
            if not cls.__dict__.get("ID_PREFIX"):
                raise TypeError(f"{cls.__name__} sets KIND but no ID_PREFIX")
            cls.RESOURCE_TYPE = cls.__dict__.get("RESOURCE_TYPE") or kind.replace("_", "-")
            cls.ARN_TYPE = cls.__dict__.get("ARN_TYPE") or cls.RESOURCE_TYPE
            cls.LABEL = cls.__dict__.get("LABEL") or kind.replace("_", " ")
            # dataclass(slots=True) re-creates the class: the last registration is the real one
            KINDS[kind] = cls
            ID_PREFIXES[kind] = cls.ID_PREFIX

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
