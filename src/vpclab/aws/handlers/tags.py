"""CreateTags, DeleteTags and DescribeTags (over every kind the caller can see)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...model.base import Resource
from .. import shapes
from ..describe import Kind, describe_handler
from ..registry import Call, handler, tag_map


@handler("CreateTags")
def create_tags(call: Call) -> dict[str, Any]:
    tags = tag_map(call.params["Tags"], "Tag")
    call.cp.create_tags(resources=call.params["Resources"], tags=tags)
    return {}


@handler("DeleteTags")
def delete_tags(call: Call) -> dict[str, Any]:
    given = call.params.get("Tags")
    tags = tag_map(given, "Tag", keep_missing_values=True) if given else None
    call.cp.delete_tags(resources=call.params["Resources"], tags=tags)
    return {}


@dataclass(frozen=True)
class TagRow:
    """One row of DescribeTags: a tag of a resource (``tag:K`` and ``owner-id`` filters read the resource)."""

    resource: Resource
    key: str
    value: str

    @property
    def tags(self) -> Any:
        return self.resource.tags

    @property
    def owner_id(self) -> str:
        return self.resource.owner_id

    def shape(self) -> dict[str, Any]:
        return {
            "Key": self.key,
            "ResourceId": self.resource.id,
            "ResourceType": shapes.resource_type(self.resource),
            "Value": self.value,
        }


def _rows(call: Call) -> list[TagRow]:
    return [
        TagRow(res, k, v)
        for res in call.world.resources()
        if res.tags and res.visible_to(call.world, call.account_id, call.region)
        for k, v in res.tags.items()
    ]


describe_handler(
    "DescribeTags",
    Kind(
        Resource,
        key="Tags",
        shape=lambda world, row: row.shape(),
        source=_rows,
        item_id=lambda row: f"{row.resource.id}|{row.key}",
        filters={
            "key": lambda w, row: row.key,
            "value": lambda w, row: row.value,
            "resource-id": lambda w, row: row.resource.id,
            "resource-type": lambda w, row: shapes.resource_type(row.resource),
        },
    ),
)
