"""Managed prefix lists (customer-managed and AWS-managed) and the older DescribePrefixLists.

AWS: "Managed prefix lists" (https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html)
and the EC2 API reference for each action. The AWS-managed lists (S3, DynamoDB) of the caller's
Region are always listed, owned by ``AWS``; their ranges are representative, not live.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...model.prefix_lists import (
    AWS_MANAGED_SERVICES,
    ManagedPrefixList,
    PrefixListEntry,
    build_aws_managed_prefix_list,
)
from ...model.world import World
from .. import shapes
from ..describe import Kind, describe_handler, page
from ..registry import Call, control_kwargs, handler, mutating

Shape = dict[str, Any]


def managed_prefix_list(world: World, pl: ManagedPrefixList) -> Shape:
    out: Shape = {
        "PrefixListId": pl.id,
        "AddressFamily": pl.address_family,
        "State": pl.state,
        "PrefixListArn": pl.prefix_list_arn,
        "PrefixListName": pl.prefix_list_name,
        "Version": pl.version,
        "OwnerId": pl.owner_id,
    }
    if pl.max_entries is not None:
        out["MaxEntries"] = pl.max_entries
    return shapes.with_tags(out, pl)


def _visible(call: Call) -> list[ManagedPrefixList]:
    """The caller's (and shared) lists, then the Region's AWS-managed lists (stored or not yet)."""
    lists = [
        pl
        for pl in call.world.all(ManagedPrefixList)
        if not pl.aws_managed and pl.visible_to(call.world, call.account_id, call.region)
    ]
    for service in AWS_MANAGED_SERVICES:
        built = build_aws_managed_prefix_list(call.region, service)
        lists.append(call.world.get(built.id, ManagedPrefixList) or built)
    return lists


PL_FILTERS = {
    "prefix-list-id": lambda w, p: p.id,
    "prefix-list-name": lambda w, p: p.prefix_list_name,
}

mutating("CreateManagedPrefixList", returns=managed_prefix_list, tag_type=ManagedPrefixList.RESOURCE_TYPE)
mutating("ModifyManagedPrefixList", returns=managed_prefix_list)
mutating("DeleteManagedPrefixList", returns=managed_prefix_list)
describe_handler(
    "DescribeManagedPrefixLists",
    Kind(
        ManagedPrefixList,
        key="PrefixLists",
        ids="PrefixListIds",
        shape=managed_prefix_list,
        filters=PL_FILTERS,
        source=_visible,
    ),
)


@handler("GetManagedPrefixListEntries")
def get_managed_prefix_list_entries(call: Call) -> dict[str, Any]:
    params = {k: v for k, v in call.params.items() if k not in ("MaxResults", "NextToken")}
    kwargs = control_kwargs(
        replace(call, params=params),
        "get_managed_prefix_list_entries",
    )
    entries: tuple[PrefixListEntry, ...] = call.cp.get_managed_prefix_list_entries(**kwargs)
    chunk, token = page(call, list(entries), lambda e: e.cidr)
    out: dict[str, Any] = {
        "Entries": [
            {"Cidr": e.cidr, **({"Description": e.description} if e.description else {})} for e in chunk
        ]
    }
    if token:
        out["NextToken"] = token
    return out


get_managed_prefix_list_entries.via = "ControlPlane.get_managed_prefix_list_entries"  # type: ignore[attr-defined]


def _aws_lists(call: Call) -> list[ManagedPrefixList]:
    return [build_aws_managed_prefix_list(call.region, s) for s in AWS_MANAGED_SERVICES]


describe_handler(
    "DescribePrefixLists",
    Kind(
        ManagedPrefixList,
        key="PrefixLists",
        ids="PrefixListIds",
        shape=lambda w, p: {
            "Cidrs": list(p.cidrs),
            "PrefixListId": p.id,
            "PrefixListName": p.prefix_list_name,
        },
        filters=PL_FILTERS,
        source=_aws_lists,
    ),
)
