"""Route tables and their associations: CreateRouteTable, AssociateRouteTable, ReplaceRouteTableAssociation, …

AWS docs: "Configure route tables" (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html),
"Subnet route tables", "Gateway route tables", "Replace the main route table", "Example routing options" and
the CreateRoute/ReplaceRoute/DeleteRoute
API references. Route state and lookup (derived, pure) live in ``model.route_table``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from ipaddress import ip_network

from ..core.errors import AwsError, invalid_parameter_combination, invalid_parameter_value, missing_parameter
from ..model.base import Tags
from ..model.gateways import InternetGateway
from ..model.route_table import RouteTable, RouteTableAssociation, is_local
from ..model.subnet import Subnet
from ..model.vpc import Vpc
from ..model.vpn import VpnGateway
from .context import Ctx
from .registry import action


def dependency_violation(route_table_id: str) -> AwsError:
    return AwsError("DependencyViolation",
                    f"The routeTable '{route_table_id}' has dependencies and cannot be deleted.")


def different_networks(route_table_id: str, noun: str, other_id: str) -> AwsError:
    """AWS's wording when a table and a gateway/subnet/target live in different VPCs, e.g.
    "route table rtb-… and network gateway igw-… belong to different networks"."""
    return invalid_parameter_value(
                    f"route table {route_table_id} and {noun} {other_id} belong to different networks")


def require_same_vpc(rt: RouteTable, vpc_id: str | None, noun: str, other_id: str) -> None:
    """A table and the subnet/gateway/target it is given must be in one VPC (AWS's "different
    networks" error otherwise)."""
    if vpc_id != rt.vpc_id:
        raise different_networks(rt.id, noun, other_id)


def _associated_in_vpc(ctx: Ctx, vpc_id: str, *, subnet_id: str | None = None,
                       gateway_id: str | None = None) -> bool:
    """Whether a table of the VPC already has an association for this subnet (or gateway)."""
    return any((subnet_id and a.subnet_id == subnet_id) or (gateway_id and a.gateway_id == gateway_id)
               for t in ctx.world.in_vpc(vpc_id, RouteTable) for a in t.associations)


def already_associated(route_table_id: str) -> AwsError:
    return AwsError("Resource.AlreadyAssociated",
                    f"the specified association for route table {route_table_id} "
                    "conflicts with an existing association")


# -- route tables ----------------------------------------------------------------------------
@action
def create_route_table(ctx: Ctx, *, vpc_id: str, tags: Mapping[str, str] | None = None) -> RouteTable:
    """CreateRouteTable: a custom table with a local route for each of the VPC's CIDR blocks.

    Quota "Route tables per VPC" (the main route table included).
    """
    from .vpc import local_routes

    vpc = ctx.require(Vpc, vpc_id)
    ctx.require_owner(vpc)
    ctx.check_quota("route_tables_per_vpc", ctx.world.count_in_vpc(vpc_id, RouteTable))
    return ctx.world.put(RouteTable(
        id=ctx.new_id("route_table"), owner_id=vpc.owner_id, region=vpc.region, tags=Tags(tags),
        vpc_id=vpc_id, routes=local_routes(vpc),
    ))


@action
def delete_route_table(ctx: Ctx, *, route_table_id: str) -> None:
    """DeleteRouteTable: not the main table, not while subnets or gateways are associated with it.

    AWS: "You can't delete the main route table" and "you must disassociate the route table from
    any subnets before you can delete it" (VPC User Guide, "Delete a route table"). Both answer
    DependencyViolation.
    """
    rt = ctx.require(RouteTable, route_table_id)
    ctx.require_owner(rt)
    if rt.associations:
        raise dependency_violation(route_table_id)
    ctx.world.remove(route_table_id)


# -- associations ----------------------------------------------------------------------------
def _find_association(ctx: Ctx, association_id: str) -> tuple[RouteTable, RouteTableAssociation]:
    for rt in ctx.world.all(RouteTable):
        for assoc in rt.associations:
            if assoc.route_table_association_id == association_id and rt.visible_to(
                    ctx.world, ctx.account_id, ctx.region):
                return rt, assoc
    raise AwsError("InvalidAssociationID.NotFound", f"The association ID '{association_id}' does not exist")


def _edge_gateway(ctx: Ctx, gateway_id: str) -> InternetGateway | VpnGateway:
    """The internet gateway or virtual private gateway named by an edge association."""
    if gateway_id.startswith("vgw-"):
        return ctx.require(VpnGateway, gateway_id)
    if gateway_id.startswith("igw-"):
        return ctx.require(InternetGateway, gateway_id)
    # AWS: "You can associate a route table with an internet gateway or a virtual private gateway"
    raise AwsError("InvalidGatewayID.NotFound", f"The gateway ID '{gateway_id}' does not exist")


#: Targets a gateway route table may hold (AWS "Gateway route tables": the local route, a Gateway
#: Load Balancer endpoint, or a middlebox's network interface).
GATEWAY_TABLE_TARGETS = ("network_interface_id", "vpc_endpoint_id")


def gateway_table_violation(ctx: Ctx, rt: RouteTable) -> str | None:
    """Why a table cannot be a gateway route table, or None.

    AWS "Gateway route tables", Rules and considerations: a table cannot be associated with a
    gateway if it has a route whose target is not local, a GWLB endpoint or a network interface,
    a route to a CIDR outside the VPC's range, or route propagation enabled.
    """
    vpc = ctx.world.get(rt.vpc_id, Vpc)
    for route in rt.routes:
        if is_local(route) and route.gateway_id == "local":
            continue
        if route.target_field not in GATEWAY_TABLE_TARGETS:
            return f"target {route.target} of route {route.destination}"
        cidr = route.destination_cidr_block or route.destination_ipv6_cidr_block
        if cidr is None or vpc is None or not vpc.contains(ip_network(cidr)):
            return f"destination {route.destination} outside the VPC"
    if rt.propagating_vgws:
        return "route propagation"
    return None


def check_gateway_table(ctx: Ctx, rt: RouteTable, gateway_id: str) -> None:
    reason = gateway_table_violation(ctx, rt)
    if reason is not None:
        # AWS documents the rule but not the error's wording; this message is vpclab's.
        raise invalid_parameter_value(
                       f"Route table {rt.id} cannot be associated with gateway {gateway_id}: it has "
                       f"{reason}. A gateway route table supports only the local route and routes to a "
                       "network interface or Gateway Load Balancer endpoint within the VPC.")


@action
def associate_route_table(ctx: Ctx, *, route_table_id: str, subnet_id: str | None = None,
                          gateway_id: str | None = None) -> RouteTableAssociation:
    """AssociateRouteTable: a subnet (one explicit association per subnet) or, as an edge
    association, an internet gateway or virtual private gateway attached to the table's VPC."""
    if subnet_id and gateway_id:
        # AWS's wording for both at once is undocumented.
        raise invalid_parameter_combination("Specify either a subnet ID or a gateway ID, not both.")
    if not subnet_id and not gateway_id:
        raise missing_parameter("subnetId or gatewayId")
    rt = ctx.require(RouteTable, route_table_id)
    ctx.require_owner(rt)
    if subnet_id:
        require_same_vpc(rt, ctx.require(Subnet, subnet_id).vpc_id, "subnet", subnet_id)
        if _associated_in_vpc(ctx, rt.vpc_id, subnet_id=subnet_id):
            raise already_associated(route_table_id)
    else:
        assert gateway_id is not None
        require_same_vpc(rt, _edge_gateway(ctx, gateway_id).vpc_id, "network gateway", gateway_id)
        if _associated_in_vpc(ctx, rt.vpc_id, gateway_id=gateway_id):
            raise already_associated(route_table_id)
        check_gateway_table(ctx, rt, gateway_id)
    assoc = RouteTableAssociation(route_table_association_id=ctx.new_id("route_table_association"),
                                  route_table_id=route_table_id, subnet_id=subnet_id, gateway_id=gateway_id)
    ctx.world.put(replace(rt, associations=(*rt.associations, assoc)))
    return assoc


@action
def disassociate_route_table(ctx: Ctx, *, association_id: str) -> None:
    """DisassociateRouteTable: the subnet falls back to the main route table; the main association
    itself cannot be disassociated (move it with ReplaceRouteTableAssociation instead)."""
    rt, assoc = _find_association(ctx, association_id)
    ctx.require_owner(rt)
    if assoc.main:
        raise invalid_parameter_value(
                       f"cannot disassociate the main route table association {association_id}")
    ctx.world.put(replace(rt, associations=tuple(
        a for a in rt.associations if a.route_table_association_id != association_id)))


@action
def replace_route_table_association(ctx: Ctx, *, association_id: str,
                                    route_table_id: str) -> RouteTableAssociation:
    """ReplaceRouteTableAssociation: point a subnet's, a gateway's or the main association at
    another table of the same VPC. The association gets a new id.

    AWS "Replace the main route table": replacing the main association makes the new table main.
    """
    old_rt, assoc = _find_association(ctx, association_id)
    new_rt = ctx.require(RouteTable, route_table_id)
    ctx.require_owner(old_rt)
    ctx.require_owner(new_rt)
    if new_rt.vpc_id != old_rt.vpc_id:
        if assoc.subnet_id:
            raise different_networks(route_table_id, "subnet", assoc.subnet_id)
        if assoc.gateway_id:
            raise different_networks(route_table_id, "network gateway", assoc.gateway_id)
        # AWS's wording for the main association is undocumented; the rule (same VPC) is not.
        raise different_networks(route_table_id, "route table", old_rt.id)
    if assoc.gateway_id:
        check_gateway_table(ctx, new_rt, assoc.gateway_id)
    new_assoc = replace(assoc, route_table_association_id=ctx.new_id("route_table_association"),
                        route_table_id=route_table_id)
    old_rt = replace(old_rt, associations=tuple(
        a for a in old_rt.associations if a.route_table_association_id != association_id))
    ctx.world.put(old_rt)
    new_rt = old_rt if new_rt.id == old_rt.id else ctx.world.get(route_table_id, RouteTable) or new_rt
    # a subnet explicitly associated with the table that becomes main keeps its explicit association
    ctx.world.put(replace(new_rt, associations=(*new_rt.associations, new_assoc)))
    return new_assoc
