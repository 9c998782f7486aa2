"""Transit gateway route tables: associations, propagations, static routes and route search.

AWS docs: Amazon VPC Transit Gateways guide — "Transit gateway route tables", "Route evaluation
order", "Transit gateway quotas" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html),
and the EC2 API reference of each action. Error texts AWS does not document are marked so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from ipaddress import IPv4Network, IPv6Network

from ..core.errors import AwsError, invalid_parameter_combination, invalid_parameter_value, missing_parameter
from ..model.base import Tags
from ..model.transit_gateway import (
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRoute,
    TransitGatewayRouteTable,
    TransitGatewayRouteTableAssociation,
    TransitGatewayRouteTablePropagation,
    candidate_count,
    candidate_routes,
    static_candidates,
    tgw_routes,
)
from .cidr import parse_cidr, parse_ipv6_cidr
from .context import Ctx
from .registry import action

#: SearchTransitGatewayRoutes: MaxResults 5–1000, default 1000
MAX_RESULTS = range(5, 1001)


def _tables_of(ctx: Ctx, tgw_id: str) -> list[TransitGatewayRouteTable]:
    return [r for r in ctx.world.all(TransitGatewayRouteTable) if r.transit_gateway_id == tgw_id]


def _own_table(ctx: Ctx, route_table_id: str) -> TransitGatewayRouteTable:
    rtb = ctx.require(TransitGatewayRouteTable, route_table_id)
    ctx.require_owner(rtb)
    return rtb


def _attachment_on(ctx: Ctx, rtb: TransitGatewayRouteTable,
                   attachment_id: str | None) -> TransitGatewayAttachment:
    """The attachment, which must belong to the table's gateway: AWS reports an attachment of
    another gateway as not found (InvalidTransitGatewayAttachmentID.NotFound)."""
    att = ctx.world.get(attachment_id, TransitGatewayAttachment) if attachment_id else None
    if att is None or not att.live or rtb.transit_gateway_id not in att.transit_gateway_ids:
        code, message = TransitGatewayAttachment.NOT_FOUND
        raise AwsError(code, message.format(id=attachment_id))
    return att


def _require_available(att: TransitGatewayAttachment) -> None:
    if att.state != "available":
        # AWS's exact text is not documented
        raise AwsError("IncorrectState", f"{att.id} is in invalid state")


# -- route tables ----------------------------------------------------------------------------
@action
def create_transit_gateway_route_table(ctx: Ctx, *, transit_gateway_id: str,
                                       tags: Mapping[str, str] | None = None) -> TransitGatewayRouteTable:
    """CreateTransitGatewayRouteTable: by the gateway owner; route tables per gateway quota."""
    tgw = ctx.require(TransitGateway, transit_gateway_id)
    ctx.require_owner(tgw)
    ctx.check_quota("route_tables_per_transit_gateway", len(_tables_of(ctx, tgw.id)))
    return ctx.world.put(TransitGatewayRouteTable(id=ctx.new_id("transit_gateway_route_table"),
                                                  owner_id=tgw.owner_id,
                                                  region=tgw.region, tags=Tags(tags),
                                                  transit_gateway_id=tgw.id, create_time=ctx.now))


@action
def delete_transit_gateway_route_table(ctx: Ctx, *, transit_gateway_route_table_id: str) -> None:
    """DeleteTransitGatewayRouteTable: not while it is a default route table, not while
    attachments are associated with it (IncorrectState); its propagations and routes go with it."""
    rtb = _own_table(ctx, transit_gateway_route_table_id)
    tgw = ctx.world.get(rtb.transit_gateway_id, TransitGateway)
    if tgw is not None and rtb.id == tgw.options.association_default_route_table_id:
        raise AwsError("IncorrectState", f"{rtb.id} is set as default association route table for {tgw.id}")
    if tgw is not None and rtb.id == tgw.options.propagation_default_route_table_id:
        # AWS's wording for the propagation default is undocumented; it mirrors the association one
        raise AwsError("IncorrectState", f"{rtb.id} is set as default propagation route table for {tgw.id}")
    if _associated(ctx, rtb):
        raise AwsError("IncorrectState", f"{rtb.id} has associated attachments")
    ctx.world.remove(rtb.id)


def _associated(ctx: Ctx, rtb: TransitGatewayRouteTable) -> list[TransitGatewayAttachment]:
    tgw_id = rtb.transit_gateway_id
    return [a for a in ctx.world.having(TransitGatewayAttachment, "transit_gateway_ids", tgw_id)
            if a.live and a.association_for(rtb.transit_gateway_id) == rtb.id]


# -- associations ----------------------------------------------------------------------------
def _association(rtb: TransitGatewayRouteTable, att: TransitGatewayAttachment,
                 state: str = "associated") -> TransitGatewayRouteTableAssociation:
    return TransitGatewayRouteTableAssociation(
        transit_gateway_route_table_id=rtb.id, transit_gateway_attachment_id=att.id,
        resource_id=att.resource_id, resource_type=att.resource_type, state=state)


@action
def associate_transit_gateway_route_table(
        ctx: Ctx, *, transit_gateway_route_table_id: str, transit_gateway_attachment_id: str,
) -> TransitGatewayRouteTableAssociation:
    """AssociateTransitGatewayRouteTable: an attachment is associated with exactly one route table."""
    rtb = _own_table(ctx, transit_gateway_route_table_id)
    att = _attachment_on(ctx, rtb, transit_gateway_attachment_id)
    _require_available(att)
    if att.association_for(rtb.transit_gateway_id) is not None:
        raise AwsError("Resource.AlreadyAssociated",
                       f"Transit Gateway Attachment {att.id} is already associated to a route table.")
    ctx.world.put(att.with_association(rtb.transit_gateway_id, rtb.id))
    return _association(rtb, att)


@action
def disassociate_transit_gateway_route_table(
        ctx: Ctx, *, transit_gateway_route_table_id: str, transit_gateway_attachment_id: str,
) -> TransitGatewayRouteTableAssociation:
    """DisassociateTransitGatewayRouteTable: the attachment must be associated with that table."""
    rtb = _own_table(ctx, transit_gateway_route_table_id)
    att = _attachment_on(ctx, rtb, transit_gateway_attachment_id)
    if att.association_for(rtb.transit_gateway_id) != rtb.id:
        # AWS returns this code with a lower-case "p" (as observed on the live API)
        raise AwsError("InvalidparameterValue",
                       f"Transit Gateway Attachment {att.id} is not associated with route table {rtb.id}.")
    ctx.world.put(att.with_association(rtb.transit_gateway_id, None))
    return _association(rtb, att, "disassociated")


@action
def replace_transit_gateway_route_table_association(
        ctx: Ctx, *, transit_gateway_attachment_id: str,
        transit_gateway_route_table_id: str) -> TransitGatewayRouteTableAssociation:
    """Move an attachment's association to another table of its gateway in one all-or-nothing step.

    EC2 has no such action (its API needs Disassociate then Associate); vpclab offers it for labs
    and YAML, with the same rules as the two AWS actions."""
    rtb = _own_table(ctx, transit_gateway_route_table_id)
    att = _attachment_on(ctx, rtb, transit_gateway_attachment_id)
    _require_available(att)
    ctx.world.put(att.with_association(rtb.transit_gateway_id, rtb.id))
    return _association(rtb, att)


@action
def get_transit_gateway_route_table_associations(
        ctx: Ctx, *, transit_gateway_route_table_id: str) -> list[TransitGatewayRouteTableAssociation]:
    """GetTransitGatewayRouteTableAssociations."""
    rtb = ctx.require(TransitGatewayRouteTable, transit_gateway_route_table_id)
    return [_association(rtb, a) for a in _associated(ctx, rtb)]


# -- propagations ----------------------------------------------------------------------------
def _propagation(rtb: TransitGatewayRouteTable, att: TransitGatewayAttachment,
                 state: str = "enabled") -> TransitGatewayRouteTablePropagation:
    return TransitGatewayRouteTablePropagation(
        transit_gateway_route_table_id=rtb.id, transit_gateway_attachment_id=att.id,
        resource_id=att.resource_id, resource_type=att.resource_type, state=state)


@action
def enable_transit_gateway_route_table_propagation(
        ctx: Ctx, *, transit_gateway_route_table_id: str,
        transit_gateway_attachment_id: str) -> TransitGatewayRouteTablePropagation:
    """EnableTransitGatewayRouteTablePropagation: an attachment may propagate to many tables,
    once each; peering attachments do not propagate ("Transit gateway peering attachments":
    add a static route instead)."""
    rtb = _own_table(ctx, transit_gateway_route_table_id)
    att = _attachment_on(ctx, rtb, transit_gateway_attachment_id)
    if att.resource_type == "peering":
        # AWS documents the rule (static routes only), not this error's text
        raise invalid_parameter_value(
                       f"Route propagation is not supported for Transit Gateway Peering Attachment {att.id}.")
    _require_available(att)
    if att.id in rtb.propagations:
        raise AwsError("TransitGatewayRouteTablePropagation.Duplicate",
                       f"Propagation {att.id} already exists in Transit Gateway Route Table {rtb.id}.")
    ctx.world.put(replace(rtb, propagations=(*rtb.propagations, att.id)))
    return _propagation(rtb, att)


@action
def disable_transit_gateway_route_table_propagation(
        ctx: Ctx, *, transit_gateway_route_table_id: str,
        transit_gateway_attachment_id: str) -> TransitGatewayRouteTablePropagation:
    """DisableTransitGatewayRouteTablePropagation: the propagation must exist."""
    rtb = _own_table(ctx, transit_gateway_route_table_id)
    att = _attachment_on(ctx, rtb, transit_gateway_attachment_id)
    if att.id not in rtb.propagations:
        # AWS returns this code with a lower-case "p" (as observed on the live API)
        raise AwsError("InvalidparameterValue",
                       f"Propagation {att.id} does not exist in Transit Gateway Route Table {rtb.id}.")
    ctx.world.put(replace(rtb, propagations=tuple(p for p in rtb.propagations if p != att.id)))
    return _propagation(rtb, att, "disabled")


@action
def get_transit_gateway_route_table_propagations(
        ctx: Ctx, *, transit_gateway_route_table_id: str) -> list[TransitGatewayRouteTablePropagation]:
    """GetTransitGatewayRouteTablePropagations."""
    rtb = ctx.require(TransitGatewayRouteTable, transit_gateway_route_table_id)
    out = []
    for att_id in rtb.propagations:
        att = ctx.world.get(att_id, TransitGatewayAttachment)
        if att is not None:
            out.append(_propagation(rtb, att))
    return out


# -- static routes ---------------------------------------------------------------------------
def _static_target(ctx: Ctx, rtb: TransitGatewayRouteTable, attachment_id: str | None,
                   blackhole: bool) -> tuple[str, ...]:
    if blackhole and attachment_id:
        # AWS's wording is undocumented: a route is either a blackhole or has a target
        raise invalid_parameter_combination("Blackhole routes cannot have a TransitGatewayAttachmentId.")
    if blackhole:
        return ()
    if not attachment_id:
        raise missing_parameter("TransitGatewayAttachmentId")
    return (_attachment_on(ctx, rtb, attachment_id).id,)


def parse_route_cidr(value: str | None, parameter: str = "destinationCidrBlock") -> IPv4Network | IPv6Network:
    """A transit gateway route's destination: AWS's DestinationCidrBlock takes "The CIDR range used
    for destination matches" of either family (IPv6 with IPv6 support on the VPC attachments;
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTransitGatewayRoute.html)."""
    if value and ":" in value:
        return parse_ipv6_cidr(value, parameter)
    return parse_cidr(value, parameter)


def _count_routes(ctx: Ctx, tgw_id: str) -> int:
    return sum(candidate_count(ctx.world, t) for t in _tables_of(ctx, tgw_id))


@action
def create_transit_gateway_route(ctx: Ctx, *, destination_cidr_block: str,
                                 transit_gateway_route_table_id: str,
                                 transit_gateway_attachment_id: str | None = None,
                                 blackhole: bool = False) -> TransitGatewayRoute:
    """CreateTransitGatewayRoute: a static route to an attachment of the same gateway, or a
    blackhole; one static route per destination; routes per gateway quota."""
    rtb = _own_table(ctx, transit_gateway_route_table_id)
    dest = str(parse_route_cidr(destination_cidr_block))
    targets = _static_target(ctx, rtb, transit_gateway_attachment_id, blackhole)
    if ctx.world.find_route(rtb.id, dest) is not None:  # the World's index of the table's routes
        raise AwsError("RouteAlreadyExists",
                       f"Route {dest} already exists in Transit Gateway Route Table {rtb.id}.")
    ctx.check_quota("routes_per_transit_gateway", _count_routes(ctx, rtb.transit_gateway_id))
    route = TransitGatewayRoute(destination_cidr_block=dest, transit_gateway_attachment_ids=targets,
                                type="static", state="blackhole" if blackhole else "active")
    ctx.world.put(replace(rtb, routes=(*rtb.routes, route)))
    index = ctx.world.route_index(rtb.id)
    if index is None or index.without_key:  # a prefix-list route may list the same CIDR first
        return _effective(ctx, rtb.id, dest)
    # the new route as candidate_routes lists it: the table had no static route with this CIDR
    return static_candidates(ctx.world, route)[0]


def _effective(ctx: Ctx, rtb_id: str, dest: str) -> TransitGatewayRoute:
    rtb = ctx.world.get(rtb_id, TransitGatewayRouteTable)
    assert rtb is not None
    return next(r for r in candidate_routes(ctx.world, rtb, family=None)
                if r.type == "static" and r.destination_cidr_block == dest)


@action
def delete_transit_gateway_route(ctx: Ctx, *, transit_gateway_route_table_id: str,
                                 destination_cidr_block: str) -> TransitGatewayRoute:
    """DeleteTransitGatewayRoute: a static route of the table (propagated routes are not deleted)."""
    rtb = _own_table(ctx, transit_gateway_route_table_id)
    dest = str(parse_route_cidr(destination_cidr_block))
    old = next((r for r in rtb.routes if r.destination_cidr_block == dest), None)
    if old is None:
        raise AwsError("InvalidRoute.NotFound",
                       f"The route {dest} does not exist in Transit Gateway Route Table {rtb.id}.")
    ctx.world.put(replace(rtb, routes=tuple(r for r in rtb.routes if r is not old)))
    return replace(old, state="deleted")


@action
def replace_transit_gateway_route(ctx: Ctx, *, destination_cidr_block: str,
                                  transit_gateway_route_table_id: str,
                                  transit_gateway_attachment_id: str | None = None,
                                  blackhole: bool = False) -> TransitGatewayRoute:
    """ReplaceTransitGatewayRoute: a new target for the destination's static route; AWS writes
    the route when the table has none for that destination (observed on the live API)."""
    rtb = _own_table(ctx, transit_gateway_route_table_id)
    dest = str(parse_route_cidr(destination_cidr_block))
    targets = _static_target(ctx, rtb, transit_gateway_attachment_id, blackhole)
    route = TransitGatewayRoute(destination_cidr_block=dest, transit_gateway_attachment_ids=targets,
                                type="static", state="blackhole" if blackhole else "active")
    if any(r.destination_cidr_block == dest for r in rtb.routes):
        routes = tuple(route if r.destination_cidr_block == dest else r for r in rtb.routes)
    else:
        ctx.check_quota("routes_per_transit_gateway", _count_routes(ctx, rtb.transit_gateway_id))
        routes = (*rtb.routes, route)
    ctx.world.put(replace(rtb, routes=routes))
    return _effective(ctx, rtb.id, dest)


# -- search ----------------------------------------------------------------------------------
def _route_filter(ctx: Ctx, name: str, values: Sequence[str]) -> Callable[[TransitGatewayRoute], bool]:
    """The predicate of one SearchTransitGatewayRoutes filter (AWS's filter names)."""
    def att_field(r: TransitGatewayRoute, field: str) -> set[str]:
        out = set()
        for a in r.transit_gateway_attachment_ids:
            att = ctx.world.get(a, TransitGatewayAttachment)
            out.add(a if field == "id" else getattr(att, field, None) or "")
        return out

    def nets() -> list[IPv4Network | IPv6Network]:
        return [parse_route_cidr(v, name) for v in values]

    if name == "type":
        return lambda r: r.type in values
    if name == "state":
        return lambda r: r.state in values
    if name == "prefix-list-id":
        return lambda r: r.prefix_list_id in values
    if name == "attachment.transit-gateway-attachment-id":
        return lambda r: bool(att_field(r, "id") & set(values))
    if name == "attachment.resource-id":
        return lambda r: bool(att_field(r, "resource_id") & set(values))
    if name == "attachment.resource-type":
        return lambda r: r.resource_type in values
    if name == "route-search.exact-match":
        wanted = nets()
        return lambda r: r.network in wanted
    if name == "route-search.subnet-of-match":
        wanted = nets()
        return lambda r: any(r.network.version == w.version
                             and r.network.subnet_of(w) for w in wanted)  # type: ignore[arg-type]
    if name == "route-search.supernet-of-match":
        wanted = nets()
        return lambda r: any(r.network.version == w.version
                             and r.network.supernet_of(w) for w in wanted)  # type: ignore[arg-type]
    raise AwsError("InvalidFilter", f"The filter '{name}' is invalid")


@action
def search_transit_gateway_routes(ctx: Ctx, *, transit_gateway_route_table_id: str,
                                  filters: Sequence[Mapping[str, object]],
                                  max_results: int | None = None) -> list[TransitGatewayRoute]:
    """SearchTransitGatewayRoutes: the table's effective routes matching every filter (values of
    one filter are ORed), at most ``max_results`` (5–1000, default 1000)."""
    rtb = ctx.require(TransitGatewayRouteTable, transit_gateway_route_table_id)
    limit = 1000 if max_results is None else max_results
    if limit not in MAX_RESULTS:
        raise invalid_parameter_value(
                       f"Value ({max_results}) for parameter maxResults is invalid. Expecting a value "
                       "between 5 and 1000.")
    routes = tgw_routes(ctx.world, rtb, family=None)
    longest: list[IPv4Network | IPv6Network] = []
    for f in filters:
        name, values = str(f["name"]), [str(v) for v in f.get("values", ())]  # type: ignore[attr-defined]
        if name == "route-search.longest-prefix-match":
            longest = [parse_route_cidr(v, name) for v in values]
            continue
        pred = _route_filter(ctx, name, values)
        routes = [r for r in routes if pred(r)]
    if longest:
        picked = []
        for want in longest:
            covering = [r for r in routes if r.network.version == want.version
                        and r.network.supernet_of(want)]  # type: ignore[arg-type]
            if covering:
                picked.append(max(covering, key=lambda r: r.network.prefixlen))
        routes = [r for r in routes if r in picked]
    return routes[:limit]
