"""CreateTags and DeleteTags, for every kind of resource."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..core.errors import AwsError, invalid_parameter_value
from ..core.text import describe_char, invalid_char
from ..model.base import Resource, kind_of_id
from ..model.vpn import ON_PREMISES_CIDRS_TAG, CustomerGateway, validate_on_premises_tag
from .context import Ctx
from .registry import action

#: AWS "Tag restrictions": "Maximum key length – 128 Unicode characters in UTF-8", "Maximum value
#: length – 256 Unicode characters in UTF-8"
#: (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Tags.html#tag-restrictions)
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 256
#: "Do not use aws:, AWS:, or any upper or lowercase combination of such as a prefix" (same page)
RESERVED_PREFIX = "aws:"
#: lab knobs (``vpclab:`` keys, docs/concepts.md) are vpclab's data, not AWS's: a CIDR list may
#: outgrow 256 characters, so their values are bounded more loosely
LAB_KNOB_PREFIX = "vpclab:"
MAX_LAB_KNOB_LENGTH = 65_536


def validate_tags(tags: Mapping[str, object]) -> None:
    """AWS's tag restrictions, for every action that stores tags (the ControlPlane runs it on any
    action's ``tags`` argument, so CreateTags, every TagSpecifications, RAM and YAML files get it).

    Keys 1–128 characters, values 0–256 (a lab knob's up to 65,536), the ``aws:`` prefix reserved
    (any case). "EC2 allows for
    any character in its tags" (same page), but its answers are XML: a character XML 1.0 cannot
    carry (a control character, a lone surrogate) is refused — AWS does not document that case;
    InvalidParameterValue is its error for a bad tag.
    """
    for key, value in tags.items():
        if not isinstance(key, str) or not key:
            raise invalid_parameter_value(
                "Value ( '' ) for parameter Tag key is invalid. Tag key cannot be null or empty.")
        if len(key) > MAX_KEY_LENGTH:
            raise invalid_parameter_value(
                f"Tag key exceeds the maximum length of {MAX_KEY_LENGTH} characters")
        if key[:4].lower() == RESERVED_PREFIX:
            raise invalid_parameter_value("Tag keys starting with 'aws:' are reserved for internal use")
        if value is None:
            raise invalid_parameter_value("Tag value cannot be null. Use empty string instead.")
        if not isinstance(value, str):
            raise invalid_parameter_value(f"Value for tag {key} is invalid: a tag value is a string.")
        if len(value) > MAX_VALUE_LENGTH and (
            len(value) > MAX_LAB_KNOB_LENGTH or not key.startswith(LAB_KNOB_PREFIX)
        ):
            raise invalid_parameter_value(
                f"Tag value exceeds the maximum length of {MAX_VALUE_LENGTH} characters")
        for what, text in (("key", key), ("value", value)):
            bad = invalid_char(text)
            if bad is not None:
                raise invalid_parameter_value(
                    f"Tag {what} is invalid: character {describe_char(bad)} is not allowed.")


def _require_any(ctx: Ctx, resource_id: str) -> Resource:
    kind = kind_of_id(resource_id)
    if kind is None:
        raise AwsError("InvalidID", f"The ID '{resource_id}' is not valid")
    return ctx.require(kind, resource_id)


@action
def create_tags(ctx: Ctx, *, resources: Sequence[str], tags: Mapping[str, str]) -> None:
    """CreateTags: add or overwrite tags on one or more resources (all or nothing); the tags
    themselves are checked by ``validate_tags`` before the action runs."""
    if not tags:
        raise invalid_parameter_value("You must specify one or more tags to create")
    for rid in resources:
        res = _require_any(ctx, rid)
        ctx.require_owner(res)
        new = res.tags.with_(tags)
        ctx.check_quota("tags_per_resource", sum(1 for k in new if not k.startswith("aws:")), adding=0)
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
