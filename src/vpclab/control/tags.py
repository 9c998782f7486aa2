"""CreateTags and DeleteTags, for every kind of resource."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..core.errors import AwsError, invalid_parameter_value
from ..model.base import Resource, kind_of_id
from ..model.vpn import ON_PREMISES_CIDRS_TAG, CustomerGateway, validate_on_premises_tag
from .context import Ctx
from .registry import action


def _require_any(ctx: Ctx, resource_id: str) -> Resource:
    kind = kind_of_id(resource_id)
    if kind is None:
        raise AwsError("InvalidID", f"The ID '{resource_id}' is not valid")
    return ctx.require(kind, resource_id)


@action
def create_tags(ctx: Ctx, *, resources: Sequence[str], tags: Mapping[str, str]) -> None:
    """CreateTags: add or overwrite tags on one or more resources (all or nothing)."""
    for rid in resources:
        res = _require_any(ctx, rid)
        ctx.require_owner(res)
        new = res.tags.with_(tags)
        ctx.check_quota("tags_per_resource", sum(1 for k in new if not k.startswith("aws:")), adding=0)
        if any(k.startswith("aws:") for k in tags):
            raise invalid_parameter_value(
                           "Tag keys starting with 'aws:' are reserved for internal use")
        if isinstance(res, CustomerGateway) and ON_PREMISES_CIDRS_TAG in tags:
            validate_on_premises_tag(tags[ON_PREMISES_CIDRS_TAG])  # a lab knob: refuse a bad value now
        ctx.world.put(replace(res, tags=new))


@action
def delete_tags(ctx: Ctx, *, resources: Sequence[str],
                tags: Mapping[str, str | None] | Sequence[str] | None = None) -> None:
    """DeleteTags: remove the given keys (a value given must match), or every tag when none are given."""
    for rid in resources:
        res = _require_any(ctx, rid)
        ctx.require_owner(res)
        new = res.tags.without(tags) if tags else res.tags.without(list(res.tags))
        ctx.world.put(replace(res, tags=new))
