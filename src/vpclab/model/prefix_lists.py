"""Managed prefix lists: AWS-managed (S3, DynamoDB, …) and customer-managed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Resource


@dataclass(frozen=True, kw_only=True, slots=True)
class PrefixListEntry:
    cidr: str
    description: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ManagedPrefixList(Resource):
    KIND: ClassVar[str] = "managed_prefix_list"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidPrefixListID.NotFound", "The prefix list ID '{id}' does not exist")

    prefix_list_name: str
    address_family: str = "IPv4"
    max_entries: int | None = None
    entries: tuple[PrefixListEntry, ...] = ()
    version: int = 1
    state: str = "create-complete"
    #: AWS-managed lists are owned by "AWS" and visible to every account in the Region
    aws_managed: bool = False

    @property
    def cidrs(self) -> tuple[str, ...]:
        return tuple(e.cidr for e in self.entries)
