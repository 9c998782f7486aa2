"""Routes: CreateRoute, ReplaceRoute and DeleteRoute — one destination of one family, one target
AWS allows for it, the checks AWS makes on each (route tables and associations: ``control.route_table``).

AWS docs: "Route tables" and "Route table concepts" in the Amazon VPC User Guide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network

from ..core.errors import AwsError, invalid_parameter_combination, invalid_parameter_value, missing_parameter
from ..model.endpoints import VpcEndpoint
from ..model.gateways import EgressOnlyInternetGateway, InternetGateway, NatGateway
from ..model.interfaces import Instance, NetworkInterface
from ..model.peering import VpcPeeringConnection
from ..model.route_table import TARGET_FIELDS, Route, RouteTable, is_local
from ..model.subnet import Subnet
from ..model.transit_gateway import TransitGateway
from ..model.vpc import Vpc
from ..model.vpn import VpnGateway
from ..model.world import World
from .context import Ctx
from .registry import action
from .route_table import check_gateway_table, different_networks, require_same_vpc

# -- routes ----------------------------------------------------------------------------------
#: CreateRoute's target parameters, in the order of AWS's Route shape.
TARGET_PARAMS = TARGET_FIELDS
#: Targets a route equal to or more specific than a VPC CIDR may have (AWS "Example routing
#: options": middlebox routing through a NAT gateway, network interface or Gateway Load Balancer endpoint).
MIDDLEBOX_TARGETS = ("nat_gateway_id", "network_interface_id", "instance_id", "vpc_endpoint_id")
#: Targets that may replace the target of a local route (AWS "Replace or restore the target for a
#: local route": a network interface or a Gateway Load Balancer endpoint).
LOCAL_REPLACEMENT_TARGETS = ("network_interface_id", "vpc_endpoint_id")


@lru_cache(maxsize=1 << 16)  # networks are immutable; a refusal raises and is not cached
def _parse_destination(value: str, *, ipv6: bool = False) -> IPv4Network | IPv6Network:
    """AWS CreateRoute: "We modify the specified CIDR block to its canonical form; for example, if you
    specify 100.68.0.18/18, we modify it to 100.68.0.0/18". Each family has its own parameter: an IPv6
    CIDR in DestinationCidrBlock is "Value (::/0) for parameter destinationCidrBlock is invalid. This is
    not a valid CIDR block." (AWS's answer, quoted in ansible-collections/amazon.aws#477); the same
    words for an IPv4 CIDR in DestinationIpv6CidrBlock are vpclab's (undocumented)."""
    try:
        if "/" not in value:
            raise ValueError(value)
        return IPv6Network(value, strict=False) if ipv6 else IPv4Network(value, strict=False)
    except ValueError:
        param = "destinationIpv6CidrBlock" if ipv6 else "destinationCidrBlock"
        raise invalid_parameter_value(
                       f"Value ({value}) for parameter {param} is invalid. "
                                                "This is not a valid CIDR block.") from None


#: A route's destination: (DestinationCidrBlock, DestinationIpv6CidrBlock, DestinationPrefixListId),
#: exactly one of them set, CIDRs canonical.
Destination = tuple[str | None, str | None, str | None]


def _destination(ctx: Ctx, cidr: str | None, ipv6_cidr: str | None, prefix_list_id: str | None,
                 *, must_exist: bool = True) -> Destination:
    from ..model.prefix_lists import AWS_MANAGED_SERVICES, ManagedPrefixList, aws_managed_prefix_list_id

    given = [name for name, value in (("destinationCidrBlock", cidr), ("destinationIpv6CidrBlock", ipv6_cidr),
                                      ("destinationPrefixListId", prefix_list_id)) if value]
    if len(given) > 1:
        # the rule is documented (CreateRoute: "You must specify exactly one of the following
        # parameters: DestinationCidrBlock, DestinationIpv6CidrBlock, DestinationPrefixListId"); AWS's
        # wording is not
        raise invalid_parameter_combination(
            f"The parameter {given[0]} cannot be used with the parameter {given[1]}")
    if cidr:
        return str(_parse_destination(cidr)), None, None
    if ipv6_cidr:
        return None, str(_parse_destination(ipv6_cidr, ipv6=True)), None
    if prefix_list_id:
        aws_lists = {aws_managed_prefix_list_id(ctx.region, s) for s in AWS_MANAGED_SERVICES}
        if must_exist and prefix_list_id not in aws_lists:
            ctx.require(ManagedPrefixList, prefix_list_id)
        return None, None, prefix_list_id
    raise missing_parameter("destinationCidrBlock or destinationIpv6CidrBlock or destinationPrefixListId")


def _is_ipv6(ctx: Ctx, destination: Destination) -> bool:
    """Whether a route's destination is IPv6: an IPv6 CIDR, or a prefix list of the IPv6 family."""
    from ..model.prefix_lists import ManagedPrefixList

    if destination[1]:
        return True
    if destination[2]:
        pl = ctx.world.get(destination[2], ManagedPrefixList)
        return pl is not None and pl.address_family == "IPv6"
    return False


def _one_target(params: Mapping[str, str | None]) -> tuple[str, str]:
    given = [(k, v) for k, v in params.items() if v]
    if len(given) == 1:
        return given[0]
    if not given:
        # AWS: "You must also specify exactly one of the resources from the parameter list"
        # (CreateRoute API reference); the error's wording is undocumented.
        raise missing_parameter(
            "gatewayId, natGatewayId, vpcPeeringConnectionId, transitGatewayId, "
            "networkInterfaceId, instanceId, egressOnlyInternetGatewayId or vpcEndpointId")
    names = ", ".join(_camel(k) for k, _ in given)
    raise invalid_parameter_combination(f"Only one target may be specified for a route; got {names}.")


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest)


def _route_fields(ctx: Ctx, rt: RouteTable, field: str, value: str,
                  destination: Destination) -> dict[str, str]:
    """Check a route target (exists, is visible, belongs to / attaches to the table's VPC, takes the
    destination's address family) and return the Route fields to store. Errors are AWS's for each
    kind of target."""
    nat_as_gateway = ctx.world.get(value, NatGateway)
    if (field == "gateway_id" and nat_as_gateway
            and nat_as_gateway.visible_to(ctx.world, ctx.account_id, ctx.region)):
        # AWS accepts a NAT gateway's id as GatewayId and stores it as NatGatewayId (an unknown one is
        # "InvalidGatewayID.NotFound: The gateway ID 'nat-…' does not exist", as below)
        field = "nat_gateway_id"
    check = _TARGETS.get(field)
    if check is None:
        # local gateways (Outposts), carrier gateways (Wavelength) and Cloud WAN core networks
        raise AwsError("UnsupportedOperation",
                       f"vpclab does not model the target of parameter {_camel(field)} ({value}).")
    fields = check(ctx, rt, value)
    _check_family(ctx, fields, destination)
    return fields


#: The NAT64 well-known prefix: the only IPv6 destination a NAT gateway translates (AWS "DNS64 and
#: NAT64", https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html: "add a
#: route ... 64:ff9b::/96 to the NAT gateway").
NAT64_PREFIX = IPv6Network("64:ff9b::/96")


def _check_family(ctx: Ctx, fields: Mapping[str, str], destination: Destination) -> None:
    """The targets that take only one address family.

    An egress-only internet gateway carries IPv6 only (AWS "Enable outbound IPv6 traffic using an
    egress-only internet gateway": "An egress-only internet gateway is for use with IPv6 traffic
    only. To enable outbound-only internet communication over IPv4, use a NAT gateway"); a NAT
    gateway translates IPv6 only to the NAT64 prefix (AWS "DNS64 and NAT64"). Every other target —
    internet gateway, virtual private gateway (Direct Connect carries IPv6 through it), peering
    connection, transit gateway, interface, instance, Gateway Load Balancer endpoint — takes routes
    of both families. The codes and wording of AWS's errors for these are undocumented: vpclab's.
    """
    ipv6 = _is_ipv6(ctx, destination)
    eigw = fields.get("egress_only_internet_gateway_id")
    if eigw and not ipv6:
        raise invalid_parameter_combination(
            f"The egress-only internet gateway {eigw} takes IPv6 routes only (DestinationIpv6CidrBlock).")
    nat = fields.get("nat_gateway_id")
    if nat and ipv6:
        cidr = destination[1]
        if cidr is None or not IPv6Network(cidr).subnet_of(NAT64_PREFIX):
            raise invalid_parameter_value(
                f"The NAT gateway {nat} routes IPv6 traffic only to the NAT64 prefix {NAT64_PREFIX} "
                f"(DNS64 and NAT64); {destination[1] or destination[2]} is not within it.")


def _gateway_target(ctx: Ctx, rt: RouteTable, value: str) -> dict[str, str]:
    gw = ctx.world.get(value)
    if isinstance(gw, InternetGateway | VpnGateway) and gw.visible_to(ctx.world, ctx.account_id, ctx.region):
        require_same_vpc(rt, gw.vpc_id, "network gateway", value)
        return {"gateway_id": value}
    if isinstance(gw, VpcEndpoint) and gw.visible_to(ctx.world, ctx.account_id, ctx.region):
        raise _unsupported_endpoint(value)
    raise AwsError("InvalidGatewayID.NotFound", f"The gateway ID '{value}' does not exist")


def _nat_gateway_target(ctx: Ctx, rt: RouteTable, value: str) -> dict[str, str]:
    require_same_vpc(rt, ctx.require(NatGateway, value).vpc_id, "network gateway", value)
    return {"nat_gateway_id": value}


def _peering_target(ctx: Ctx, rt: RouteTable, value: str) -> dict[str, str]:
    pcx = ctx.require(VpcPeeringConnection, value)
    if pcx.side_of(rt.vpc_id) is None:
        # the peering must involve this VPC; AWS's wording is undocumented
        raise different_networks(rt.id, "VPC peering connection", value)
    return {"vpc_peering_connection_id": value}


def _transit_gateway_target(ctx: Ctx, rt: RouteTable, value: str) -> dict[str, str]:
    ctx.require(TransitGateway, value)
    return {"transit_gateway_id": value}


def _network_interface_target(ctx: Ctx, rt: RouteTable, value: str) -> dict[str, str]:
    require_same_vpc(rt, ctx.require(NetworkInterface, value).vpc_id, "network interface", value)
    return {"network_interface_id": value}


def _instance_target(ctx: Ctx, rt: RouteTable, value: str) -> dict[str, str]:
    inst = ctx.require(Instance, value)
    require_same_vpc(rt, inst.vpc_id, "instance", value)
    if len(inst.network_interface_ids) > 1:
        raise AwsError("InvalidInstanceID",
                       f"There are multiple interfaces attached to instance '{value}'. "
                       "Please specify an interface ID for the operation instead.")
    fields = {"instance_id": value}
    if inst.network_interface_ids:
        fields["network_interface_id"] = inst.network_interface_ids[0]
    return fields


def _vpc_endpoint_target(ctx: Ctx, rt: RouteTable, value: str) -> dict[str, str]:
    vpce = ctx.require(VpcEndpoint, value)
    if vpce.vpc_endpoint_type != "GatewayLoadBalancer":
        # AWS: VpcEndpointId is "Supported for Gateway Load Balancer endpoints only"
        raise _unsupported_endpoint(value)
    require_same_vpc(rt, vpce.vpc_id, "VPC endpoint", value)
    return {"vpc_endpoint_id": value}


def _egress_only_gateway_target(ctx: Ctx, rt: RouteTable, value: str) -> dict[str, str]:
    gateway = ctx.require(EgressOnlyInternetGateway, value)
    require_same_vpc(rt, gateway.vpc_id, "network gateway", value)
    return {"egress_only_internet_gateway_id": value}  # IPv6 destinations only: _check_family


#: CreateRoute/ReplaceRoute target parameter → its check (returns the Route fields to store)
_TARGETS: dict[str, Callable[[Ctx, RouteTable, str], dict[str, str]]] = {
    "gateway_id": _gateway_target,
    "nat_gateway_id": _nat_gateway_target,
    "vpc_peering_connection_id": _peering_target,
    "transit_gateway_id": _transit_gateway_target,
    "network_interface_id": _network_interface_target,
    "instance_id": _instance_target,
    "vpc_endpoint_id": _vpc_endpoint_target,
    "egress_only_internet_gateway_id": _egress_only_gateway_target,
}


def _unsupported_endpoint(vpce_id: str) -> AwsError:
    return AwsError("RouteNotSupported", f"Route table contains unsupported route target: {vpce_id}. "
                                         "VPC Endpoints of this type cannot be used as route targets.")


def _vpc_of(ctx: Ctx, rt: RouteTable) -> Vpc:
    vpc = ctx.world.get(rt.vpc_id, Vpc)
    assert vpc is not None, f"route table {rt.id} outlived its VPC"
    return vpc


def _check_within_vpc(ctx: Ctx, rt: RouteTable, cidr: str | None, target_field: str) -> None:
    """AWS: a route equal to or more specific than a VPC CIDR (IPv4 or IPv6) may only target a
    middlebox (an interface, instance, NAT gateway or Gateway Load Balancer endpoint), and a more
    specific one must match the entire CIDR of a subnet in the VPC ("Example routing options",
    middlebox routing; the VPC's IPv6 /56 and its subnets' /64s the same way).
    """
    if cidr is None:
        return
    vpc = _vpc_of(ctx, rt)
    if not vpc.contains(_parse_destination(cidr, ipv6=":" in cidr)):  # canonical already: parsed once
        return
    if target_field not in MIDDLEBOX_TARGETS:
        raise invalid_parameter_value(
                       f"The destination CIDR block {cidr} is equal to or more specific than one of this "
                       "VPC's CIDR blocks. This route can target only an interface or an instance.")
    if cidr in vpc.cidr_blocks or cidr in vpc.ipv6_cidr_blocks:
        return  # the local route's destination: RouteAlreadyExists (CreateRoute) or a local replacement
    if not any(cidr in (s.cidr_block, s.ipv6_cidr_block) for s in ctx.world.in_vpc(rt.vpc_id, Subnet)):
        # the rule is documented; AWS's wording for it is not
        raise invalid_parameter_value(
                       f"The destination CIDR block {cidr} is more specific than one of this VPC's CIDR "
                       "blocks but does not match the CIDR block of a subnet in the VPC.")


def _check_gateway_route(ctx: Ctx, rt: RouteTable, route: Route) -> None:
    """A table edge-associated with a gateway keeps to the gateway route table rules."""
    edge = next((a.gateway_id for a in rt.associations if a.gateway_id), None)
    if edge is not None:
        check_gateway_table(ctx, replace(rt, routes=(*rt.routes, route)), edge)


def route_weight(world: World, route: Route) -> int:
    """How much a route counts against "Routes per route table": a route to a customer-managed prefix
    list counts as the list's maximum number of entries (AWS "Managed prefix lists", quotas)."""
    from ..model.prefix_lists import ManagedPrefixList

    if route.destination_prefix_list_id:
        pl = world.get(route.destination_prefix_list_id, ManagedPrefixList)
        if pl is not None and not pl.aws_managed and pl.max_entries:
            return pl.max_entries
    return 1


def check_route_quota(ctx: Ctx, rt: RouteTable, new: Route, replacing: Route | None = None) -> None:
    """Quota "Routes per route table" (non-propagated routes; local routes not counted), for every
    family that writes routes into a table (CreateRoute here, gateway endpoints). Whether AWS counts
    the local routes is undocumented; vpclab counts only the routes a user or an endpoint added."""
    used = sum(route_weight(ctx.world, r) for r in rt.routes if not is_local(r) and r is not replacing)
    ctx.check_quota("routes_per_route_table", used, adding=route_weight(ctx.world, new))


def is_endpoint_route(route: Route) -> bool:
    """A gateway endpoint's route (prefix list → vpce-…), managed only through the endpoint."""
    return bool(route.gateway_id and route.gateway_id.startswith("vpce-"))


def _find_route(ctx: Ctx, rt: RouteTable, destination: str) -> Route | None:
    if ctx.world.get(rt.id) is rt:  # the stored table: the World's index of its routes by destination
        found: Route | None = ctx.world.find_route(rt.id, destination)
        return found
    return next((r for r in rt.routes if r.destination == destination), None)


@action
def create_route(ctx: Ctx, *, route_table_id: str, destination_cidr_block: str | None = None,
                 destination_ipv6_cidr_block: str | None = None,
                 destination_prefix_list_id: str | None = None,
                 gateway_id: str | None = None,
                 nat_gateway_id: str | None = None, vpc_peering_connection_id: str | None = None,
                 transit_gateway_id: str | None = None, network_interface_id: str | None = None,
                 instance_id: str | None = None, egress_only_internet_gateway_id: str | None = None,
                 vpc_endpoint_id: str | None = None, local_gateway_id: str | None = None,
                 carrier_gateway_id: str | None = None, core_network_arn: str | None = None) -> Route:
    """CreateRoute: one destination (IPv4 CIDR, IPv6 CIDR or prefix list), exactly one target in the
    table's VPC that takes the destination's family.

    AWS does not document refusing an IPv6 route in a VPC without an IPv6 CIDR block (a virtual
    private gateway or peering may carry IPv6 the VPC does not own); vpclab accepts it.
    """
    rt = ctx.require(RouteTable, route_table_id)
    ctx.require_owner(rt)
    dest = _destination(ctx, destination_cidr_block, destination_ipv6_cidr_block, destination_prefix_list_id)
    cidr, cidr6, pl_id = dest
    # the target parameters, by the route-target table's field names (one per ROUTE_TARGETS row)
    given = locals()
    field, value = _one_target({name: given[name] for name in TARGET_FIELDS})
    if field == "gateway_id" and value == "local":
        raise AwsError("InvalidParameterValue",  # "local" restores a local route: ReplaceRoute only
                       "Value (local) for parameter gatewayId is invalid. Use "
                       "ReplaceRoute to restore a local route.")
    fields = _route_fields(ctx, rt, field, value, dest)
    _check_within_vpc(ctx, rt, cidr or cidr6, next(iter(fields)) if len(fields) == 1 else "instance_id")
    destination = cidr or cidr6 or pl_id or ""
    if _find_route(ctx, rt, destination) is not None:
        raise AwsError("RouteAlreadyExists", f"The route identified by {destination} already exists.")
    route = Route(destination_cidr_block=cidr, destination_ipv6_cidr_block=cidr6,
                  destination_prefix_list_id=pl_id, **fields)
    _check_gateway_route(ctx, rt, route)
    check_route_quota(ctx, rt, route)
    ctx.world.put(replace(rt, routes=(*rt.routes, route)))
    return route


def _existing_route(ctx: Ctx, rt: RouteTable, dest: Destination, verb: str) -> Route:
    cidr, cidr6, pl_id = dest
    destination = cidr or cidr6 or pl_id or ""
    route = _find_route(ctx, rt, destination)
    if route is not None:
        return route
    if verb == "replace":
        raise invalid_parameter_value(
                       f"There is no route defined for '{destination}' in the route "
                       "table. Use CreateRoute instead.")
    kind = ("destination-cidr-block" if cidr else "destination-ipv6-cidr-block" if cidr6
            else "destination-prefix-list-id")
    raise AwsError("InvalidRoute.NotFound", f"no route with {kind} {destination} in route table {rt.id}")


@action
def replace_route(ctx: Ctx, *, route_table_id: str, destination_cidr_block: str | None = None,
                  destination_ipv6_cidr_block: str | None = None,
                  destination_prefix_list_id: str | None = None,
                 gateway_id: str | None = None,
                  nat_gateway_id: str | None = None, vpc_peering_connection_id: str | None = None,
                  transit_gateway_id: str | None = None, network_interface_id: str | None = None,
                  instance_id: str | None = None, egress_only_internet_gateway_id: str | None = None,
                  vpc_endpoint_id: str | None = None, local_gateway_id: str | None = None,
                  carrier_gateway_id: str | None = None, core_network_arn: str | None = None,
                  local_target: bool | None = None) -> Route:
    """ReplaceRoute: a new target for an existing route.

    A local route's target may be replaced only by a network interface or a Gateway Load Balancer
    endpoint, and restored with ``gateway_id="local"`` or ``local_target=True`` (AWS "Replace or
    restore the target for a local route"). A gateway endpoint's route is managed by the endpoint.
    """
    rt = ctx.require(RouteTable, route_table_id)
    ctx.require_owner(rt)
    dest = _destination(ctx, destination_cidr_block, destination_ipv6_cidr_block, destination_prefix_list_id)
    cidr, cidr6, pl_id = dest
    if local_target:
        gateway_id = gateway_id or "local"
    # the target parameters, by the route-target table's field names (one per ROUTE_TARGETS row)
    given = locals()
    field, value = _one_target({name: given[name] for name in TARGET_FIELDS})
    old = _existing_route(ctx, rt, dest, "replace")
    if is_endpoint_route(old):
        # managed through ModifyVpcEndpoint; AWS's wording mirrors DeleteRoute's (unverified)
        raise AwsError("InvalidParameterValue", f"cannot replace VPC endpoint route {old.destination} "
                                                f"in route table {rt.id}")
    if field == "gateway_id" and value == "local":
        if not is_local(old):
            raise invalid_parameter_value(
                           f"The route identified by {old.destination} is not a "
                           "local route and cannot target local.")
        new = Route(destination_cidr_block=cidr, destination_ipv6_cidr_block=cidr6, gateway_id="local",
                    origin=old.origin)
    else:
        fields = _route_fields(ctx, rt, field, value, dest)
        if is_local(old) and not set(fields) & set(LOCAL_REPLACEMENT_TARGETS):
            raise invalid_parameter_value(
                           f"The destination CIDR block {cidr or cidr6} is equal to or more specific than "
                           "one of this VPC's CIDR blocks. This route can target only an interface or an "
                           "instance.")
        _check_within_vpc(ctx, rt, cidr or cidr6, next(iter(fields)) if len(fields) == 1 else "instance_id")
        new = Route(destination_cidr_block=cidr, destination_ipv6_cidr_block=cidr6,
                    destination_prefix_list_id=pl_id, origin=old.origin, **fields)
    _check_gateway_route(ctx, replace(rt, routes=tuple(r for r in rt.routes if r is not old)), new)
    check_route_quota(ctx, rt, new, replacing=old)
    ctx.world.put(replace(rt, routes=tuple(new if r is old else r for r in rt.routes)))
    return new


@action
def delete_route(ctx: Ctx, *, route_table_id: str, destination_cidr_block: str | None = None,
                 destination_ipv6_cidr_block: str | None = None,
                 destination_prefix_list_id: str | None = None) -> None:
    """DeleteRoute: not a local route, not a gateway endpoint's route (delete or modify the endpoint)."""
    rt = ctx.require(RouteTable, route_table_id)
    ctx.require_owner(rt)
    dest = _destination(ctx, destination_cidr_block, destination_ipv6_cidr_block, destination_prefix_list_id,
                        must_exist=False)
    route = _existing_route(ctx, rt, dest, "delete")
    if is_local(route):
        raise invalid_parameter_value(
                       f"cannot remove local route {route.destination} in route table {rt.id}")
    if is_endpoint_route(route):
        raise invalid_parameter_value(
                       f"cannot remove VPC endpoint route {route.destination} in route table {rt.id}")
    ctx.world.put(replace(rt, routes=tuple(r for r in rt.routes if r is not route)))
