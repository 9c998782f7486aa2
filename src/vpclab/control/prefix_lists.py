"""Managed prefix lists: CreateManagedPrefixList, ModifyManagedPrefixList, DeleteManagedPrefixList,
GetManagedPrefixListEntries, and the AWS-managed lists other families need.

AWS docs: Amazon VPC User Guide, "Managed prefix lists"
(https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html) and "AWS-managed
prefix lists" (https://docs.aws.amazon.com/vpc/latest/userguide/working-with-aws-managed-prefix-lists.html).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from ipaddress import IPv4Network, IPv6Network, ip_network

from ..core.errors import AwsError, invalid_parameter_value
from ..model.base import Tags
from ..model.prefix_lists import (
    AWS_MANAGED_SERVICES,
    ManagedPrefixList,
    PrefixListEntry,
    aws_managed_prefix_list_id,
    build_aws_managed_prefix_list,
)
from ..model.route_table import RouteTable
from ..model.security_group import SecurityGroup
from ..model.world import World
from .context import Ctx
from .registry import action
from .text import check_text

#: AWS: "Must specify a max size between 1 and 1000" (CreateManagedPrefixList MaxEntries)
MAX_ENTRIES_RANGE = range(1, 1001)
ADDRESS_FAMILIES = ("IPv4", "IPv6")
#: AWS: a prefix list name cannot start with com.amazonaws (reserved for AWS-managed lists)
RESERVED_NAME_PREFIX = "com.amazonaws"


def aws_managed_prefix_list(ctx_or_world: Ctx | World, region: str, service: str) -> ManagedPrefixList:
    """The AWS-managed list ``com.amazonaws.<region>.<service>`` (s3 or dynamodb), put into the World
    the first time a Region needs it. Its id is derived from region and service, so it is the same
    id every time, in every World."""
    world = ctx_or_world.world if isinstance(ctx_or_world, Ctx) else ctx_or_world
    built = build_aws_managed_prefix_list(region, service)
    existing = world.get(built.id, ManagedPrefixList)
    if existing is not None:
        return existing
    return world.put(built)


def require_prefix_list(ctx: Ctx, prefix_list_id: str) -> ManagedPrefixList:
    """The list with this id visible to the caller; an AWS-managed list of the caller's Region is
    materialised on first use. AWS's NotFound error otherwise."""
    for service in AWS_MANAGED_SERVICES:
        if prefix_list_id == aws_managed_prefix_list_id(ctx.region, service):
            return aws_managed_prefix_list(ctx, ctx.region, service)
    return ctx.require(ManagedPrefixList, prefix_list_id)


def _max_entries_error() -> AwsError:
    return AwsError("PrefixListMaxEntriesExceeded",
                    "The prefix list has exceeded its maximum number of entries.")


def _parse_entry_cidr(cidr: str | None, family: str) -> str:
    try:
        net = ip_network(cidr or "", strict=True)
    except ValueError:
        raise invalid_parameter_value(
            f"Value ({cidr}) for parameter cidr is invalid. This is not a valid CIDR block.") from None
    wanted = IPv4Network if family == "IPv4" else IPv6Network
    if not isinstance(net, wanted):
        # AWS: entries must match the list's address family (message wording undocumented)
        raise invalid_parameter_value(
                       f"The CIDR ({cidr}) does not match the address family ({family}) of the prefix list.")
    return str(net)


def _entries(raw: Sequence[Mapping[str, str | None]] | None, family: str) -> tuple[PrefixListEntry, ...]:
    out: list[PrefixListEntry] = []
    seen: set[str] = set()
    for e in raw or ():
        cidr = _parse_entry_cidr(e.get("cidr"), family)
        check_text("Description", e.get("description"))
        if cidr in seen:
            raise AwsError("InvalidPrefixListModification",
                           f"An entry with the CIDR ({cidr}) and description ({e.get('description') or ''}) "
                           "already exists.")
        seen.add(cidr)
        out.append(PrefixListEntry(cidr=cidr, description=e.get("description")))
    return tuple(out)


def _check_max_entries(max_entries: int) -> None:
    if max_entries not in MAX_ENTRIES_RANGE:
        raise invalid_parameter_value("Must specify a max size between 1 and 1000")


@action
def create_managed_prefix_list(ctx: Ctx, *, prefix_list_name: str, max_entries: int, address_family: str,
                               entries: Sequence[Mapping[str, str | None]] | None = None,
                               tags: Mapping[str, str] | None = None) -> ManagedPrefixList:
    """CreateManagedPrefixList: a customer-managed list (IPv4 or IPv6, 1–1000 max entries)."""
    check_text("PrefixListName", prefix_list_name)
    if prefix_list_name.lower().startswith(RESERVED_NAME_PREFIX):
        # AWS docs: "The name cannot start with com.amazonaws." (error wording undocumented)
        raise invalid_parameter_value("Prefix list name cannot start with com.amazonaws.")
    if address_family not in ADDRESS_FAMILIES:
        raise invalid_parameter_value(
                       f"Value ({address_family}) for parameter addressFamily is invalid. "
                       "Valid values are IPv4 and IPv6.")
    _check_max_entries(max_entries)
    parsed = _entries(entries, address_family)
    if len(parsed) > max_entries:
        raise _max_entries_error()
    ctx.check_quota("customer_managed_prefix_lists_per_region", sum(
        1 for pl in ctx.world.all(ManagedPrefixList)
        if not pl.aws_managed and pl.owner_id == ctx.account_id and pl.region == ctx.region))
    return ctx.world.put(ManagedPrefixList(
        id=ctx.new_id("managed_prefix_list"), owner_id=ctx.account_id, region=ctx.region, tags=Tags(tags),
        prefix_list_name=prefix_list_name, address_family=address_family, max_entries=max_entries,
        entries=parsed, version=1, state="create-complete",
    ))


def _require_customer_managed(ctx: Ctx, prefix_list_id: str) -> ManagedPrefixList:
    pl = require_prefix_list(ctx, prefix_list_id)
    if pl.aws_managed:
        # AWS-managed lists "cannot be modified, shared or deleted" (AWS-managed prefix lists page).
        # The error wording is undocumented; vpclab reports UnsupportedOperation.
        raise AwsError("UnsupportedOperation",
                       f"The prefix list {prefix_list_id} is an AWS-managed prefix list and cannot be "
                       "modified or deleted.")
    ctx.require_owner(pl)
    return pl


@action
def modify_managed_prefix_list(ctx: Ctx, *, prefix_list_id: str, current_version: int | None = None,
                               prefix_list_name: str | None = None,
                               add_entries: Sequence[Mapping[str, str | None]] | None = None,
                               remove_entries: Sequence[Mapping[str, str | None]] | None = None,
                               max_entries: int | None = None) -> ManagedPrefixList:
    """ModifyManagedPrefixList: removals, then additions, as one new version; or a resize.

    AWS: entries and MaxEntries cannot change in one request; CurrentVersion must be the list's.
    """
    pl = _require_customer_managed(ctx, prefix_list_id)
    if (add_entries or remove_entries) and max_entries is not None:
        raise AwsError("InvalidParameterCombination",
                       "You cannot modify the entries and the maximum entries for the "
                       "prefix list in the same request.")
    if current_version is not None and current_version != pl.version:
        raise AwsError("PrefixListVersionMismatch", "The prefix list has the incorrect version number.")
    changes: dict[str, object] = {}
    if prefix_list_name is not None:
        check_text("PrefixListName", prefix_list_name)
        if prefix_list_name.lower().startswith(RESERVED_NAME_PREFIX):
            raise invalid_parameter_value("Prefix list name cannot start with com.amazonaws.")
        changes["prefix_list_name"] = prefix_list_name
    if max_entries is not None:
        _check_max_entries(max_entries)
        if max_entries < len(pl.entries):
            raise _max_entries_error()
        changes["max_entries"] = max_entries
    if add_entries or remove_entries:
        entries = list(pl.entries)
        for e in remove_entries or ():
            cidr = _parse_entry_cidr(e.get("cidr"), pl.address_family)
            if not any(x.cidr == cidr for x in entries):
                # wording undocumented beyond "... does not exist."
                raise AwsError("InvalidPrefixListModification", f"The CIDR ({cidr}) does not exist.")
            entries = [x for x in entries if x.cidr != cidr]
        for added in _entries(add_entries, pl.address_family):
            if any(x.cidr == added.cidr for x in entries):
                raise AwsError("InvalidPrefixListModification",
                               f"An entry with the CIDR ({added.cidr}) and description "
                               f"({added.description or ''}) already exists.")
            entries.append(added)
        if len(entries) > (pl.max_entries or 0):
            raise _max_entries_error()
        changes.update(entries=tuple(entries), version=pl.version + 1,
                       previous_versions=(*pl.previous_versions, (pl.version, pl.entries)))
    changes["state"] = "modify-complete"
    return ctx.world.put(replace(pl, **changes))  # type: ignore[arg-type]


def prefix_list_references(world: World, prefix_list_id: str) -> list[str]:
    """The route tables and security groups (ids) that reference a prefix list."""
    refs = [rt.id for rt in world.all(RouteTable)
            if any(r.destination_prefix_list_id == prefix_list_id for r in rt.routes)]
    refs += [sg.id for sg in world.all(SecurityGroup)
             if any(rule.prefix_list_id == prefix_list_id for rule in (*sg.ingress, *sg.egress))]
    return refs


@action
def delete_managed_prefix_list(ctx: Ctx, *, prefix_list_id: str) -> ManagedPrefixList:
    """DeleteManagedPrefixList: not while a route or a security group rule references it.

    AWS ("Delete a prefix list"): remove the references first. The error AWS returns while
    references remain is undocumented; vpclab refuses with DependencyViolation.
    """
    pl = _require_customer_managed(ctx, prefix_list_id)
    if prefix_list_references(ctx.world, prefix_list_id):
        raise AwsError("DependencyViolation",
                       f"The prefix list '{prefix_list_id}' is referenced by one or more resources "
                       "and cannot be deleted.")
    ctx.world.remove(prefix_list_id)
    return replace(pl, state="delete-complete")


@action
def get_managed_prefix_list_entries(ctx: Ctx, *, prefix_list_id: str,
                                    target_version: int | None = None) -> tuple[PrefixListEntry, ...]:
    """GetManagedPrefixListEntries: the entries now, or at an earlier version."""
    pl = require_prefix_list(ctx, prefix_list_id)
    if target_version is None:
        return pl.entries
    entries = pl.entries_at(target_version)
    if entries is None:
        # wording undocumented
        raise invalid_parameter_value(
                       f"The specified version ({target_version}) does not exist for prefix list "
                       f"{prefix_list_id}.")
    return entries
