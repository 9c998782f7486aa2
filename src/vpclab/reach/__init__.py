"""Reachability: can A reach B, by which hops, and if not, why and what would fix it.

    >>> import vpclab
    >>> from vpclab.reach import trace
    >>> net = vpclab.load("examples/two-peered-vpcs.yaml")    # a World with names (any front end)
    >>> t = trace(net.world, net.id("web-1"), net.id("db-1"), protocol="tcp", port=5432, names=net.names)
    >>> t.disposition
    'reachable'

:func:`trace` answers one flow in both directions (the reply path too), lists every blocking cause
with AWS Reachability Analyzer's explanation code and a suggested fix. docs/reachability.md
explains how to read a trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress

from ..model.peering import VpcPeeringConnection
from ..model.subnet import Subnet
from ..model.transit_gateway import TransitGatewayAttachment
from ..model.world import World
from . import gateways, transit
from .endpoints import Endpoint, first_usable, ipv6_only, resolve, spec_family
from .errors import AmbiguousAddressError, ReachError, UnknownEndpointError, UnsupportedEndpointError
from .explanations import ALL_CODES, BLOCKING_CODES, INFO_CODES, NO_PATH_CODES, VPCLAB_CODES, Disposition
from .forwarding import ForwardingView, forwarding_view
from .result import (
    DEFAULT_SOURCE_PORT,
    Explanation,
    Fix,
    FixStep,
    Hop,
    PacketHeader,
    Trace,
    flow_protocol,
    reply_port,
    traced_protocol,
)
from .tracer import Arrival, Halt, Tracer

__all__ = [
    "ALL_CODES",
    "BLOCKING_CODES",
    "DEFAULT_SOURCE_PORT",
    "INFO_CODES",
    "NO_PATH_CODES",
    "VPCLAB_CODES",
    "AmbiguousAddressError",
    "Disposition",
    "Explanation",
    "Fix",
    "FixStep",
    "ForwardingView",
    "Hop",
    "PacketHeader",
    "ReachError",
    "Trace",
    "UnknownEndpointError",
    "UnsupportedEndpointError",
    "flow_family",
    "forwarding_view",
    "trace",
]


def trace(
    world: World,
    source: str,
    destination: str,
    *,
    protocol: str | int = "tcp",
    port: int | None = None,
    source_port: int | None = None,
    names: Mapping[str, str] | None = None,
    ip_version: int | None = None,
) -> Trace:
    """Trace one flow from ``source`` to ``destination`` and its reply.

    ``source``/``destination``: an interface, instance, subnet or VPC id, an IPv4 or IPv6 address (or
    ``vpc-…:10.0.1.5``), ``"internet"``, a customer gateway id (on premises), a transit gateway
    attachment or peering connection id (sources: traffic arriving through it), or an AWS service
    (``"s3:us-east-1"``, destinations); see :mod:`vpclab.reach.endpoints`. ``protocol``: tcp, udp,
    icmp, icmpv6 or "-1"; over IPv6, icmp is ICMPv6 (protocol 58: it meets rules of protocol 58,
    never of protocol 1), and icmpv6 makes the flow IPv6 unless ``ip_version=4`` or an IPv4 address
    says otherwise (then a ReachError: IPv4 has no ICMPv6). ``port``: the destination port (the
    ICMP type for icmp and icmpv6, e.g. 8 and 128 for echo; None: any port, which only rules
    allowing every port admit); ``source_port`` defaults to 49152 for tcp and udp.
    ``names`` maps ids to the names shown in hops (a loaded topology's ``net.names``).
    ``ip_version``: 4 or 6, the family of the flow; None (the default) takes the family of an address
    either end names, else IPv4, as AWS Reachability Analyzer does for a resource named without an
    address (it analyses IPv4 only) — except that a flow with an end in an IPv6-only subnet (which
    has no IPv4 address) is IPv6. With 6, a resource stands at its IPv6 address.

    Raises a :class:`ReachError` (a ValueError) for an endpoint that does not exist or is ambiguous.
    """
    asked = traced_protocol(protocol)
    if asked is None:
        flow_protocol(protocol, 4)  # raises: not a protocol the engine traces
    named = {f for f in (spec_family(source), spec_family(destination)) if f is not None}
    if asked == "icmpv6" and ip_version is None and not named:
        ip_version = 6  # icmpv6 is IPv6's: a resource stands at its IPv6 address
    family = flow_family(source, destination, ip_version)
    view = forwarding_view(world)
    if (ip_version is None and family == 4 and not named
            and (ipv6_only(view, source) or ipv6_only(view, destination))):
        family = 6  # an end in an IPv6-only subnet has no IPv4 address: the flow is IPv6
    proto = flow_protocol(protocol, family)
    dst = resolve(view, destination, role="destination", family=family)
    src = resolve(view, source, role="source", family=family)
    if dst.component is not None and dst.component.startswith("vpce-"):
        # the endpoint's interface in src's AZ
        dst = resolve(view, destination, role="destination", near=src, family=family)
    has_ports = proto in ("tcp", "udp")
    sport = (source_port if source_port is not None else DEFAULT_SOURCE_PORT) if has_ports else None
    dport = port if has_ports or proto in ("icmp", "icmpv6") else None
    src_ip = src.ip or _peering_source_ip(view, src, dst, family)
    dst_ip = dst.ip
    if src.kind == "internet" and dst.interface is not None and dst.interface.public_ip and family == 4:
        dst_ip = dst.interface.public_ip
    if (":" in src_ip) != (":" in dst_ip):
        raise ReachError(f"{source} → {destination}: {src_ip} and {dst_ip} are of different address families")
    flow = PacketHeader(src_ip, dst_ip, proto, sport, dport)

    t = Tracer(world, view, src, dst, names)
    t.start("forward")
    arrival: Arrival | None = None
    with suppress(Halt):  # a routing failure ended the walk; its explanation is recorded
        arrival = _send(t, src, flow)
    forward_hops = t.hops
    through_privatelink = arrival is not None and arrival.via[:1] == ("privatelink",)
    if (
        arrival is not None
        and not through_privatelink
        and dst.vpc_id
        and arrival.vpc_id
        and arrival.vpc_id != dst.vpc_id
    ):
        t.explain(
            "NO_ROUTE_TO_DESTINATION",
            f"the packet for {dst.ip} was delivered in {t.label(arrival.vpc_id)}, "
            f"not in {t.label(dst.vpc_id)} (overlapping CIDRs)",
            arrival.vpc_id,
            Fix(
                f"renumber one of the overlapping VPCs, or route {dst.ip} to {dst.vpc_id} more specifically",
                reason="which VPC to renumber, and to which CIDR, is a choice only you can make",
            ),
        )
    return_hops: list[Hop] = []
    back: Arrival | None = None
    if arrival is not None:
        t.start("return")
        seen_src = forward_hops[-1].packet.src_ip if forward_hops else flow.src_ip
        reply = PacketHeader(arrival.ip, seen_src, proto, dport if has_ports else None, sport)
        if proto in ("icmp", "icmpv6"):
            # echo reply (0; ICMPv6 129) to an echo request (8; 128), else the request's type: the
            # type where rules read it (the matrices' ``return_port``)
            reply = PacketHeader(arrival.ip, seen_src, proto, None, reply_port(proto, dport))
        with suppress(Halt):
            back = _reply(t, arrival, reply)
        return_hops = t.hops
    blocked = arrival is None or back is None or any(e.blocking for e in t.explanations)
    return Trace(flow, "blocked" if blocked else "reachable", forward_hops, return_hops, t.explanations)


def flow_family(source: str, destination: str, ip_version: int | None = None) -> int:
    """The address family of a flow: ``ip_version`` when given, else the family of an address either
    end names, else 4. Raises ReachError for an address of the other family than asked, or for two
    ends of different families."""
    if ip_version not in (None, 4, 6):
        raise ReachError(f"ip_version {ip_version!r}: use 4 or 6")
    named = {f for f in (spec_family(source), spec_family(destination)) if f is not None}
    if len(named) > 1:
        raise ReachError(
            f"{source} → {destination}: the two ends are of different address families (a flow is IPv4 "
            f"or IPv6; NAT64 is traced by sending to 64:ff9b::<IPv4 address>)"
        )
    if ip_version is not None and named and named != {ip_version}:
        raise ReachError(f"{source} → {destination}: the addresses named are not IPv{ip_version}")
    return ip_version or (named.pop() if named else 4)


def _peering_source_ip(view: ForwardingView, src: Endpoint, dst: Endpoint, family: int = 4) -> str:
    pcx = view.world.get(src.component or "", VpcPeeringConnection)
    assert pcx is not None
    for vpc_id in pcx.vpc_ids:
        if not view.vpc_holds(vpc_id, dst.ip):
            subnet = next(view.world.in_vpc(vpc_id, Subnet), None)
            block = (
                (subnet.ipv6_cidr_block if family == 6 else subnet.cidr_block) if subnet is not None else None
            )
            if block:
                return first_usable(block)
    raise UnknownEndpointError(
        f"{src.label}: say which address the traffic comes from, e.g. {pcx.id}:10.9.0.10"
    )


def _send(t: Tracer, src: Endpoint, packet: PacketHeader) -> Arrival:
    if src.kind == "interface" and src.interface is not None and src.subnet is not None:
        return t.send_from_interface(src.interface, src.subnet, packet)
    if src.kind == "host" and src.subnet is not None:
        t.hop("subnet", src.subnet.id, f"source {packet.src_ip}{t.stands_for(src)}", packet)
        return t.route_from_subnet(src.subnet, packet, "local")
    if src.kind == "internet":
        return gateways.from_internet(t, packet)
    if src.kind == "on-premises":
        return transit.from_on_premises(t, src.component or "", packet)
    if src.kind == "tgw-attachment":
        att = t.world.get(src.component or "", TransitGatewayAttachment)
        assert att is not None
        return transit.from_attachment(t, att, packet)
    if src.kind == "peering":
        pcx = t.world.get(src.component or "", VpcPeeringConnection)
        assert pcx is not None
        return transit.from_peering(t, pcx, packet)
    raise UnsupportedEndpointError(f"{src.label}: cannot be a source")


def _reply(t: Tracer, arrival: Arrival, packet: PacketHeader) -> Arrival:
    """The destination answers: routed back statefully (no security group re-check)."""
    if arrival.kind == "interface" and arrival.interface is not None and arrival.subnet is not None:
        return t.send_from_interface(arrival.interface, arrival.subnet, packet)
    if arrival.kind == "host" and arrival.subnet is not None:
        t.hop("subnet", arrival.subnet.id, f"reply from {packet.src_ip}{t.stands_for(t.destination)}", packet)
        return t.route_from_subnet(arrival.subnet, packet, "local")
    if arrival.kind == "on-premises":
        return transit.from_on_premises(t, arrival.via[-1], packet, arrival.via)
    if arrival.kind == "aws-service" and arrival.via and arrival.via[0] == "vpce":
        _, vpce_id, vpc_id = arrival.via
        t.hop("vpc-endpoint", vpce_id, "reply from the service", packet)
        return t.deliver(vpc_id, None, packet, "vpce")
    return gateways.leave_to_internet(t, packet)
