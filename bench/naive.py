"""Per-pair evaluation straight from the model's functions: the brute force the matrix is checked
against (tests) and the naive baseline it is timed against when the tracer is absent (bench).

It reads nothing compiled: every answer re-runs ``model.route_table.lookup`` (which expands the
table's routes), ``model.transit_gateway.tgw_lookup``, ``association_of``, ``vpc_attachment`` and
``model.network_acl.acl_decision``. The semantics are the matrix's (``vpclab.reach.matrix``): both
directions, NACLs outbound/inbound of both subnets (not within one subnet) and of the transit
gateway attachment subnets a packet leaves and enters through (AWS "Network ACLs for transit
gateways"), the reply to the ephemeral port; the interface level adds the security groups.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from vpclab.model.interfaces import Instance, NetworkInterface
from vpclab.model.network_acl import NetworkAcl, acl_decision
from vpclab.model.peering import VpcPeeringConnection
from vpclab.model.prefix_lists import prefix_list_cidrs
from vpclab.model.route_table import Route, lookup, route_table_for_subnet
from vpclab.model.security_group import SecurityGroup, sg_rule_matches
from vpclab.model.subnet import Subnet
from vpclab.model.transit_gateway import TransitGatewayAttachment, association_of, tgw_lookup, vpc_attachment
from vpclab.model.vpc import Vpc
from vpclab.model.world import World
from vpclab.reach.classes import return_port


def _in_vpc(world: World, vpc_id: str, ip: IPv4Address) -> bool:
    vpc = world.get(vpc_id, Vpc)
    return vpc is not None and any(ip in n for n in vpc.networks)


def _middlebox_subnet(world: World, route: Route, vpc_id: str) -> Subnet | None:
    """The subnet of the interface (or instance's primary interface) a route sends to, when it
    forwards traffic (source/destination check off) and sits in ``vpc_id``."""
    eni = None
    if route.network_interface_id:
        eni = world.get(route.network_interface_id, NetworkInterface)
    elif route.instance_id:
        inst = world.get(route.instance_id, Instance)
        if inst is not None and inst.network_interface_ids:
            eni = world.get(inst.network_interface_ids[0], NetworkInterface)
    if eni is None or eni.source_dest_check or eni.vpc_id != vpc_id:
        return None
    return world.get(eni.subnet_id, Subnet)


def _gwlb_endpoint_subnet(world: World, route: Route, vpc_id: str) -> Subnet | None:
    """The subnet of the Gateway Load Balancer endpoint a route sends to, when it is available in
    ``vpc_id`` and a healthy appliance answers behind it (the packet comes back out of it there)."""
    from vpclab.model.endpoints import VpcEndpoint
    from vpclab.reach.gwlb import endpoint_works

    vpce = world.get(route.vpc_endpoint_id or "", VpcEndpoint)
    if vpce is None or vpce.vpc_id != vpc_id or vpce.state != "available" or not vpce.subnet_ids:
        return None
    return world.get(vpce.subnet_ids[0], Subnet) if endpoint_works(world, vpce) else None


def arrive(
    world: World,
    subnet: Subnet,
    ip: IPv4Address,
    path: list[Subnet | None] | None = None,
    passed: set[str] | None = None,
    record: dict[str, str] | None = None,
    request: dict[str, str] | None = None,
) -> str | None:
    """The VPC a packet from ``subnet`` to ``ip`` is delivered into, or None. Middleboxes route
    on from their own subnet; a transit gateway delivers through the attachment subnet's table.
    ``path`` receives [the attachment subnet of the first transit gateway crossing out, that of
    the last crossing in] (None where no transit gateway is crossed). ``passed`` receives the
    Gateway Load Balancer endpoints passed; ``record`` attachment id → the AZ the packet entered by;
    ``request`` (a request's record) makes an appliance-mode attachment take the request's AZ."""
    if path is not None:
        path[:] = [None, None]
    table = route_table_for_subnet(world, subnet.id)
    vpc_id, az, entering = subnet.vpc_id, subnet.availability_zone, False
    for _ in range(8):
        found = lookup(world, table, ip)
        if found is None or found[1] != "active":
            return None
        route = found[0]
        if route.gateway_id == "local":
            return vpc_id if _in_vpc(world, vpc_id, ip) else None
        if route.network_interface_id or route.instance_id or route.vpc_endpoint_id:
            box = (
                _gwlb_endpoint_subnet(world, route, vpc_id)
                if route.vpc_endpoint_id
                else _middlebox_subnet(world, route, vpc_id)
            )
            if box is None:
                return None
            if route.vpc_endpoint_id and passed is not None:
                passed.add(route.vpc_endpoint_id)
            table, az, entering = route_table_for_subnet(world, box.id), box.availability_zone, False
            continue
        if entering:
            return None
        if route.vpc_peering_connection_id:
            pcx = world.get(route.vpc_peering_connection_id, VpcPeeringConnection)
            peer = pcx.peer_of(vpc_id) if pcx is not None and pcx.is_active else None
            return peer if peer is not None and _in_vpc(world, peer, ip) else None
        if not route.transit_gateway_id:
            return None
        entry = _through_tgw(world, route.transit_gateway_id, vpc_id, az, ip)
        if entry is None:
            return None
        if record is not None or request is not None:
            entry = _appliance_mode_entry(world, entry, record, request)
        if path is not None:
            if path[0] is None:
                att = vpc_attachment(world, route.transit_gateway_id, vpc_id)
                subs = [world.get(i, Subnet) for i in att.subnet_ids] if att is not None else []
                path[0] = next((x for x in subs if x is not None and x.availability_zone == az), None)
            path[1] = entry
        table, vpc_id, entering = route_table_for_subnet(world, entry.id), entry.vpc_id, True
    return None


def _appliance_mode_entry(
    world: World, entry: Subnet, record: dict[str, str] | None, request: dict[str, str] | None
) -> Subnet:
    """The attachment subnet a flow enters by: with appliance mode, the request's AZ for its reply."""
    att = next((a for a in world.all(TransitGatewayAttachment) if entry.id in a.subnet_ids), None)
    if att is None:
        return entry
    wanted = (request or {}).get(att.id)
    if att.appliance_mode_support == "enable" and wanted is not None:
        subs = [s for s in (world.get(i, Subnet) for i in att.subnet_ids) if s is not None]
        entry = next((s for s in subs if s.availability_zone == wanted), entry)
    if record is not None:
        record.setdefault(att.id, entry.availability_zone)
    return entry


def symmetric(world: World, src: Subnet, dst: Subnet, a: IPv4Address, b: IPv4Address) -> bool:
    """The reply from ``b`` passes no Gateway Load Balancer endpoint the request from ``a`` did not
    (True when either direction is dropped anyway)."""
    forward: set[str] = set()
    back: set[str] = set()
    record: dict[str, str] = {}
    if arrive(world, src, b, passed=forward, record=record) is None:
        return True
    if arrive(world, dst, a, passed=back, request=record) is None:
        return True
    return back <= forward


def _has_gwlb_routes(world: World) -> bool:
    from vpclab.model.endpoints import VpcEndpoint
    from vpclab.model.route_table import RouteTable

    return any(
        isinstance(world.get(r.vpc_endpoint_id), VpcEndpoint)
        for rt in world.all(RouteTable)
        for r in rt.routes
        if r.vpc_endpoint_id
    )


def _through_tgw(world: World, tgw_id: str, vpc_id: str, az: str, ip: IPv4Address) -> Subnet | None:
    """The attachment subnet through which the transit gateway delivers the packet, or None."""
    att = vpc_attachment(world, tgw_id, vpc_id)
    if att is None or att.state != "available":
        return None
    zones = [world.get(s, Subnet) for s in att.subnet_ids]
    if az not in {z.availability_zone for z in zones if z is not None}:
        return None
    table = association_of(world, att.id, tgw_id)
    origin: str | None = az  # a transit gateway peering carries no originating AZ
    for _ in range(4):
        if table is None:
            return None
        r = tgw_lookup(world, table, ip)
        if r is None or r.state != "active" or not r.transit_gateway_attachment_ids:
            return None
        nxt = world.get(r.transit_gateway_attachment_ids[0], TransitGatewayAttachment)
        if nxt is None or nxt.state != "available":
            return None
        if nxt.resource_type == "vpc":
            # the tracer's choice (reach.transit.tgw_into_vpc): the originating AZ, else the
            # destination's, else the first subnet; appliance mode: the destination's AZ first
            subs = [s for s in (world.get(i, Subnet) for i in nxt.subnet_ids) if s is not None]
            held = next((s for s in world.in_vpc(nxt.resource_id, Subnet)
                         if s.cidr_block and ip in IPv4Network(s.cidr_block)), None)
            d_az = held.availability_zone if held is not None else None
            wanted = (d_az, origin) if nxt.appliance_mode_support == "enable" else (origin, d_az)
            for want in wanted:
                found = next((s for s in subs if want and s.availability_zone == want), None)
                if found is not None:
                    return found
            return subs[0] if subs else None
        if nxt.resource_type == "peering":
            tgw_id = (
                nxt.peer_transit_gateway_id if tgw_id == nxt.transit_gateway_id else nxt.transit_gateway_id
            )
            table = association_of(world, nxt.id, tgw_id)
            origin = None
            continue
        return None
    return None


def acl_of(world: World, subnet: Subnet) -> NetworkAcl | None:
    default = None
    for acl in world.in_vpc(subnet.vpc_id, NetworkAcl):
        if any(a.subnet_id == subnet.id for a in acl.associations):
            return acl
        if acl.is_default:
            default = acl
    return default


def _acl_ok(
    world: World, subnet: Subnet, egress: bool, protocol: str, port: int | None, ip: IPv4Address
) -> bool:
    acl = acl_of(world, subnet)
    return acl is None or acl_decision(acl, egress, protocol, port, ip)[0] == "allow"


def address_pair(
    world: World,
    src: Subnet,
    dst: Subnet,
    a: IPv4Address,
    b: IPv4Address,
    protocol: str,
    port: int | None,
    attachment_nacls: bool = True,
) -> bool:
    """``a`` in ``src`` reaches ``b`` in ``dst`` and hears back: AWS's rule, with the transit
    gateway attachment subnets' NACLs (``_one_way``), the semantics of ``vpclab.reach.matrix``;
    ``attachment_nacls=False``: the NACLs of the two ends only (the matrix's earlier semantics)."""
    if src.id == dst.id:
        return True
    rport = return_port(protocol, port)
    if attachment_nacls:
        return _one_way(world, src, dst, a, b, protocol, port) and _one_way(
            world, dst, src, b, a, protocol, rport
        )
    if arrive(world, src, b) != dst.vpc_id or arrive(world, dst, a) != src.vpc_id:
        return False
    return (
        _acl_ok(world, src, True, protocol, port, b)
        and _acl_ok(world, dst, False, protocol, port, a)
        and _acl_ok(world, dst, True, protocol, rport, a)
        and _acl_ok(world, src, False, protocol, rport, b)
    )


def _one_way(
    world: World, src: Subnet, dst: Subnet, a: IPv4Address, b: IPv4Address, protocol: str, port: int | None
) -> bool:
    """AWS "Network ACLs for transit gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html):
    towards the transit gateway, the source subnet's outbound rules and the attachment subnet's
    inbound rules (one NACL's both when they are the same subnet); from the transit gateway, the
    attachment subnet's outbound rules and the destination subnet's inbound rules (neither when
    they are the same subnet)."""
    path: list[Subnet | None] = []
    if arrive(world, src, b, path) != dst.vpc_id:
        return False
    exit_, entry = path
    if not _acl_ok(world, src, True, protocol, port, b):
        return False
    if exit_ is not None and not _acl_ok(world, exit_, False, protocol, port, a):
        return False
    if entry is not None:
        if entry.id == dst.id:
            return True
        if not _acl_ok(world, entry, True, protocol, port, b):
            return False
    return _acl_ok(world, dst, False, protocol, port, a)


def subnet_pair(
    world: World,
    src_id: str,
    dst_id: str,
    protocol: str = "tcp",
    port: int | None = 443,
    atoms: list[int] | None = None,
    attachment_nacls: bool = True,
) -> bool:
    """Some address of the source subnet reaches some address of the destination subnet. With
    ``atoms`` (atom start addresses), every atom piece of both subnets is tried; else the first
    address of each. ``attachment_nacls``: as ``address_pair``."""
    src, dst = world.get(src_id, Subnet), world.get(dst_id, Subnet)
    assert src is not None and dst is not None
    found = any(
        address_pair(world, src, dst, a, b, protocol, port, attachment_nacls)
        for a in _pieces(src.network, atoms)
        for b in _pieces(dst.network, atoms)
    )
    if found and src.id != dst.id and _has_gwlb_routes(world):
        # judged between the subnets' first addresses, as vpclab.reach.matrix does
        return symmetric(world, src, dst, src.network.network_address, dst.network.network_address)
    return found


def _pieces(net: IPv4Network, atoms: list[int] | None) -> list[IPv4Address]:
    lo, hi = int(net.network_address), int(net.broadcast_address) + 1
    inner = [x for x in atoms or () if lo < x < hi]
    return [IPv4Address(x) for x in (lo, *inner)]


def _sg_allows(
    world: World,
    eni: NetworkInterface,
    other: NetworkInterface,
    egress: bool,
    protocol: str,
    port: int | None,
) -> bool:
    if not eni.groups:  # interfaces without security groups (NAT gateway, NLB) filter nothing
        return True
    ip = IPv4Address(other.private_ip_address)
    for gid in eni.groups:
        group = world.get(gid, SecurityGroup)
        for rule in group.rules(egress) if group is not None else ():
            if not sg_rule_matches(rule, protocol, port):
                continue
            if rule.cidr_ipv4 and ip in IPv4Network(rule.cidr_ipv4):
                return True
            if rule.prefix_list_id and any(
                ip in IPv4Network(c) for c in prefix_list_cidrs(world, rule.prefix_list_id)
            ):
                return True
            if rule.referenced_group_id and rule.referenced_group_id in other.groups:
                same = eni.vpc_id == other.vpc_id
                pcx = any(
                    p.is_active and p.connects(eni.vpc_id, other.vpc_id)
                    for p in world.all(VpcPeeringConnection)
                )
                if same or pcx:
                    return True
    return False


def interface_pair(
    world: World,
    src_id: str,
    dst_id: str,
    protocol: str = "tcp",
    port: int | None = 443,
    attachment_nacls: bool = True,
) -> bool:
    """Interface to interface: routing, NACLs (``attachment_nacls``: as ``address_pair``) and the
    security groups of both ends."""
    src, dst = world.get(src_id, NetworkInterface), world.get(dst_id, NetworkInterface)
    assert src is not None and dst is not None
    if src.id == dst.id:
        return False  # traffic from an interface to itself is no network flow
    s_sub, d_sub = world.get(src.subnet_id, Subnet), world.get(dst.subnet_id, Subnet)
    a, b = IPv4Address(src.private_ip_address), IPv4Address(dst.private_ip_address)
    routed = src.subnet_id == dst.subnet_id or (
        address_pair(world, s_sub, d_sub, a, b, protocol, port, attachment_nacls)
        and (not _has_gwlb_routes(world) or symmetric(world, s_sub, d_sub, a, b))
    )
    return (
        routed
        and _sg_allows(world, src, dst, True, protocol, port)
        and _sg_allows(world, dst, src, False, protocol, port)
        and _through_privatelink(world, src, dst, protocol, port, attachment_nacls)
    )


def _through_privatelink(
    world: World, src: NetworkInterface, dst: NetworkInterface, protocol: str, port: int | None,
    attachment_nacls: bool,
) -> bool:
    """A user-service endpoint's interface: on to the load balancer's node and its target, as the
    tracer goes (``privatelink.nlb_leg``), the node → target pair brute-forced like any other."""
    from vpclab.reach.privatelink import matrix_onward, nlb_admits
    from vpclab.reach.result import PacketHeader

    found = matrix_onward(world, dst, protocol, port)
    if found is None:
        return True
    leg, target = found
    if leg.blocked or leg.node is None:
        return False
    if target is not None and not interface_pair(
        world, leg.node.id, target.id, protocol, port, attachment_nacls
    ):
        return False
    packet = PacketHeader(src.private_ip_address, dst.private_ip_address, protocol, None, port)
    return nlb_admits(world, leg, packet, src)
