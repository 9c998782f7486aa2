"""Route tables, their associations and routes (State and Origin from the effective routes)."""

from __future__ import annotations

from typing import Any

from ...model.route_table import ROUTE_TARGETS, RouteTable, effective_routes
from .. import shapes
from ..describe import Kind, describe_handler
from ..registry import Call, mutating


def _routes(attr: str) -> Any:
    def get(world: Any, rt: RouteTable) -> list[str]:
        if attr == "state":
            return [state for _, state in effective_routes(world, rt)]
        return [getattr(r, attr) for r, _ in effective_routes(world, rt) if getattr(r, attr)]

    return get


def _assoc(attr: str) -> Any:
    return lambda world, rt: [getattr(a, attr) for a in rt.associations if getattr(a, attr) is not None]


ROUTE_TABLE_FILTERS = {
    "route-table-id": lambda w, rt: rt.id,
    "vpc-id": lambda w, rt: rt.vpc_id,
    "association.route-table-association-id": _assoc("route_table_association_id"),
    "association.route-table-id": _assoc("route_table_id"),
    "association.subnet-id": _assoc("subnet_id"),
    "association.gateway-id": _assoc("gateway_id"),
    "association.main": lambda w, rt: [a.main for a in rt.associations] or [False],
    "route.destination-cidr-block": _routes("destination_cidr_block"),
    "route.destination-ipv6-cidr-block": _routes("destination_ipv6_cidr_block"),
    "route.destination-prefix-list-id": _routes("destination_prefix_list_id"),
    **{t.filter: _routes(t.field) for t in ROUTE_TARGETS if t.filter},
    "route.origin": _routes("origin"),
    "route.state": _routes("state"),
}

mutating("CreateRouteTable", returns=shapes.route_table, key="RouteTable", tag_type=RouteTable.RESOURCE_TYPE)
mutating("DeleteRouteTable")
describe_handler(
    "DescribeRouteTables",
    Kind(
        RouteTable,
        key="RouteTables",
        ids="RouteTableIds",
        shape=shapes.route_table,
        filters=ROUTE_TABLE_FILTERS,
    ),
)


def _associated(call: Call, assoc: Any) -> dict[str, Any]:
    return {"AssociationId": assoc.route_table_association_id, "AssociationState": {"State": assoc.state}}


def _replaced(call: Call, assoc: Any) -> dict[str, Any]:
    return {"NewAssociationId": assoc.route_table_association_id, "AssociationState": {"State": assoc.state}}


mutating("AssociateRouteTable", result=_associated)
mutating("DisassociateRouteTable")
mutating("ReplaceRouteTableAssociation", result=_replaced)
mutating("CreateRoute")
mutating("ReplaceRoute")
mutating("DeleteRoute")
