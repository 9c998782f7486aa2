"""Internet gateways (and egress-only ones) and NAT gateways."""

from __future__ import annotations

from typing import Any

from ...model.gateways import EgressOnlyInternetGateway, InternetGateway, NatGateway
from ...model.world import World
from .. import shapes
from ..describe import Kind, describe_handler
from ..registry import Call, mutating

IGW_FILTERS = {
    "internet-gateway-id": lambda w, g: g.id,
    "attachment.vpc-id": lambda w, g: g.vpc_id,
    "attachment.state": lambda w, g: "available" if g.vpc_id else None,
}

mutating("CreateInternetGateway", returns=shapes.internet_gateway, tag_type=InternetGateway.RESOURCE_TYPE)
mutating("DeleteInternetGateway")
mutating("AttachInternetGateway")
mutating("DetachInternetGateway")
describe_handler(
    "DescribeInternetGateways",
    Kind(
        InternetGateway,
        key="InternetGateways",
        ids="InternetGatewayIds",
        shape=shapes.internet_gateway,
        filters=IGW_FILTERS,
    ),
)

def egress_only_internet_gateway(world: World, gateway: EgressOnlyInternetGateway) -> dict[str, Any]:
    """boto3's EgressOnlyInternetGateway (AWS shows no OwnerId for it)."""
    return shapes.with_tags(
        {
            "Attachments": [{"State": gateway.state, "VpcId": gateway.vpc_id}],
            "EgressOnlyInternetGatewayId": gateway.id,
        },
        gateway,
    )


mutating("CreateEgressOnlyInternetGateway", returns=egress_only_internet_gateway,
         key="EgressOnlyInternetGateway", tag_type=EgressOnlyInternetGateway.RESOURCE_TYPE)
mutating("DeleteEgressOnlyInternetGateway", result=lambda call, done: {"ReturnCode": done})
describe_handler(
    "DescribeEgressOnlyInternetGateways",
    # AWS documents only the tag filters (tag:<key>, tag-key) for this call
    Kind(EgressOnlyInternetGateway, key="EgressOnlyInternetGateways", ids="EgressOnlyInternetGatewayIds",
         shape=egress_only_internet_gateway, filters={}),
)

NAT_FILTERS = {
    "nat-gateway-id": lambda w, n: n.id,
    "state": lambda w, n: n.state,
    "subnet-id": lambda w, n: n.subnet_id,
    "vpc-id": lambda w, n: n.vpc_id,
}


def _nat_deleted(call: Call, _: Any) -> dict[str, Any]:
    return {"NatGatewayId": call.params["NatGatewayId"]}


mutating("CreateNatGateway", returns=shapes.nat_gateway, key="NatGateway", tag_type=NatGateway.RESOURCE_TYPE)
mutating("DeleteNatGateway", result=_nat_deleted)
describe_handler(
    "DescribeNatGateways",
    Kind(NatGateway, key="NatGateways", ids="NatGatewayIds", shape=shapes.nat_gateway, filters=NAT_FILTERS),
)
