"""DHCP options sets."""

from __future__ import annotations

from typing import Any

from ...model.dhcp_options import DhcpOptions
from ...model.world import World
from .. import shapes
from ..describe import Kind, describe_handler
from ..registry import mutating


def dhcp_options(world: World, dopt: DhcpOptions) -> dict[str, Any]:
    """boto3's DhcpOptions."""
    return shapes.with_tags(
        {
            "DhcpConfigurations": [
                {"Key": c.key, "Values": [{"Value": v} for v in c.values]} for c in dopt.dhcp_configurations
            ],
            "DhcpOptionsId": dopt.id,
            "OwnerId": dopt.owner_id,
        },
        dopt,
    )


#: DescribeDhcpOptions' documented filters (and the tag filters every Describe has)
DHCP_OPTIONS_FILTERS = {
    "dhcp-options-id": lambda w, d: d.id,
    "key": lambda w, d: [c.key for c in d.dhcp_configurations],
    "value": lambda w, d: [v for c in d.dhcp_configurations for v in c.values],
    "owner-id": lambda w, d: d.owner_id,
}

mutating("CreateDhcpOptions", returns=dhcp_options, key="DhcpOptions", tag_type=DhcpOptions.RESOURCE_TYPE)
mutating("DeleteDhcpOptions")
mutating("AssociateDhcpOptions")
describe_handler(
    "DescribeDhcpOptions",
    Kind(DhcpOptions, key="DhcpOptions", ids="DhcpOptionsIds", shape=dhcp_options,
         filters=DHCP_OPTIONS_FILTERS),
)
