"""Managed prefix lists: AWS-managed (S3, DynamoDB) and customer-managed.

AWS docs: Amazon VPC User Guide, "Managed prefix lists" and "AWS-managed prefix lists"
(https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html,
https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html).

The AWS-managed lists here are REPRESENTATIVE, NOT LIVE: AWS changes the address ranges behind
``com.amazonaws.<region>.s3`` and ``com.amazonaws.<region>.dynamodb`` over time. Where the
published ranges are known they are used (a subset of them); for other Regions a deterministic
placeholder block stands in, so analysis still has concrete public addresses to reason about.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from ipaddress import IPv4Network
from typing import TYPE_CHECKING, ClassVar

from .base import Resource

if TYPE_CHECKING:
    from .world import World

#: the owner AWS reports for its own prefix lists
AWS_OWNER = "AWS"
#: the services with an AWS-managed prefix list (the gateway endpoint services)
AWS_MANAGED_SERVICES = ("s3", "dynamodb")

#: (region, service) → representative published CIDRs (a subset; not live).
AWS_MANAGED_CIDRS: dict[tuple[str, str], tuple[str, ...]] = {
    ("us-east-1", "s3"): ("3.5.0.0/19", "16.182.0.0/16", "18.34.0.0/19", "18.34.232.0/21",
                          "52.216.0.0/15", "54.231.0.0/16"),
    ("us-east-1", "dynamodb"): ("3.218.180.0/22", "3.218.184.0/22", "52.94.0.0/22", "52.119.224.0/20"),
    ("us-east-2", "s3"): ("3.5.128.0/22", "3.5.132.0/23", "18.34.72.0/21", "52.219.80.0/20",
                          "52.219.96.0/20"),
    ("us-east-2", "dynamodb"): ("52.94.4.0/24",),
    ("us-west-2", "s3"): ("3.5.76.0/22", "3.5.80.0/21", "18.34.48.0/20", "18.34.244.0/22",
                          "52.92.128.0/17", "52.218.128.0/17"),
    ("us-west-2", "dynamodb"): ("52.94.10.0/24", "52.119.232.0/21"),
    ("eu-west-1", "s3"): ("3.5.64.0/21", "3.5.72.0/23", "18.34.32.0/20", "18.34.240.0/22",
                          "52.92.0.0/17", "52.218.0.0/17"),
    ("eu-west-1", "dynamodb"): ("52.94.24.0/23", "52.94.26.0/23", "52.119.240.0/21"),
}

#: where the placeholder ranges of Regions without a table row are carved from (public space)
_PLACEHOLDER_SUPERNET = IPv4Network("52.0.0.0/10")


@dataclass(frozen=True, kw_only=True, slots=True)
class PrefixListEntry:
    cidr: str
    description: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ManagedPrefixList(Resource):
    KIND: ClassVar[str] = "managed_prefix_list"
    ID_PREFIX: ClassVar[str] = "pl"
    MALFORMED: ClassVar[str] = "InvalidPrefixListId.Malformed"
    RESOURCE_TYPE: ClassVar[str] = "prefix-list"
    LABEL: ClassVar[str] = "prefix list"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidPrefixListID.NotFound",
                                            "The prefix list ID '{id}' does not exist")

    prefix_list_name: str
    address_family: str = "IPv4"
    max_entries: int | None = None
    entries: tuple[PrefixListEntry, ...] = ()
    version: int = 1
    #: create-complete | modify-complete | delete-complete | … (changes are synchronous here)
    state: str = "create-complete"
    #: AWS-managed lists are owned by "AWS" and visible to every account in the Region
    aws_managed: bool = False
    #: earlier versions' entries, oldest first (GetManagedPrefixListEntries ``TargetVersion``)
    previous_versions: tuple[tuple[int, tuple[PrefixListEntry, ...]], ...] = ()

    @property
    def prefix_list_id(self) -> str:
        return self.id

    @property
    def cidrs(self) -> tuple[str, ...]:
        return tuple(e.cidr for e in self.entries)

    def entries_at(self, version: int) -> tuple[PrefixListEntry, ...] | None:
        """The entries as they were at ``version`` (None for a version the list never had)."""
        if version == self.version:
            return self.entries
        return dict(self.previous_versions).get(version)

    @property
    def prefix_list_arn(self) -> str:
        account = "aws" if self.aws_managed else self.owner_id
        return f"arn:aws:ec2:{self.region}:{account}:prefix-list/{self.id}"

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        # AWS "Shared prefix list permissions": consumers of a RAM share can view its entries and
        # reference it (https://docs.aws.amazon.com/vpc/latest/userguide/sharing-perms.html)
        from .sharing import owner_or_shared

        if self.aws_managed:
            return self.region == region
        return owner_or_shared(self, world, account_id, region)


def aws_service_name(region: str, service: str) -> str:
    """``com.amazonaws.<region>.<service>``: the name of the list and of the gateway service."""
    return f"com.amazonaws.{region}.{service}"


def aws_managed_prefix_list_id(region: str, service: str) -> str:
    """The AWS-managed list's id: derived from region and service, the same every time.

    AWS's own ids for these lists are 8 hex digits (``pl-63a5400a``); so are these.
    """
    digest = hashlib.sha256(f"{region}/{service}".encode()).hexdigest()
    return f"pl-{digest[:8]}"


def _placeholder_cidrs(region: str, service: str) -> tuple[str, ...]:
    """A deterministic /20 inside 52.0.0.0/10 for a Region without published ranges in the table."""
    n = int(hashlib.sha256(f"placeholder/{region}/{service}".encode()).hexdigest(), 16)
    blocks = list(_PLACEHOLDER_SUPERNET.subnets(new_prefix=20))
    return (str(blocks[n % len(blocks)]),)


def build_aws_managed_prefix_list(region: str, service: str) -> ManagedPrefixList:
    """The AWS-managed list for ``service`` (s3 or dynamodb) in ``region`` (not yet in any World)."""
    if service not in AWS_MANAGED_SERVICES:
        raise ValueError(f"AWS manages prefix lists for {AWS_MANAGED_SERVICES}, not {service!r}")
    cidrs = AWS_MANAGED_CIDRS.get((region, service)) or _placeholder_cidrs(region, service)
    return ManagedPrefixList(
        id=aws_managed_prefix_list_id(region, service), owner_id=AWS_OWNER, region=region,
        prefix_list_name=aws_service_name(region, service), address_family="IPv4", max_entries=None,
        entries=tuple(PrefixListEntry(cidr=c) for c in cidrs), aws_managed=True,
    )


def _aws_managed_by_id(pl_id: str) -> ManagedPrefixList | None:
    from .regions import REGIONS

    for region in REGIONS:
        for service in AWS_MANAGED_SERVICES:
            if aws_managed_prefix_list_id(region, service) == pl_id:
                return build_aws_managed_prefix_list(region, service)
    return None


def prefix_list_cidrs(world: World, pl_id: str) -> tuple[str, ...]:
    """The CIDRs behind a prefix list id (customer- or AWS-managed); () for an unknown id.

    Pure: an AWS-managed list that no operation has materialised yet is computed, not stored.
    """
    pl = world.get(pl_id, ManagedPrefixList)
    if pl is None:
        pl = _aws_managed_by_id(pl_id)
    return pl.cidrs if pl is not None else ()
