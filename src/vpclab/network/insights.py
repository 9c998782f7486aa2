"""The analyser behind StartNetworkInsightsAnalysis: vpclab's tracer, answered in AWS's structures.

:func:`analyse` is what the composition root hands the ControlPlane (``vpclab.ControlPlane``,
``vpclab serve``): it traces the path and turns the ``Trace`` into a NetworkInsightsAnalysis.

Each tracer hop becomes a ``PathComponent`` (the component, its VPC and subnet, the route, security
group rule or network ACL rule that let the packet through, the packet headers where it enters or
leaves the AWS network or is translated); each tracer explanation becomes an AWS ``Explanation``
(its code and the components it names) and a :class:`VpclabFinding` (vpclab's words and fix).

The route, rule and entry a hop names are looked up in the World as the trace saw it: the analysis
runs synchronously inside the action, so nothing changes in between.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ..control.insights import TraceRequest
from ..model.base import Resource, kind_of_id
from ..model.endpoints import VpcEndpoint
from ..model.insights import (
    AdditionalDetail,
    AnalysisPacketHeader,
    AnalysisSecurityGroupRule,
    Explanation,
    NetworkInsightsAnalysis,
    NetworkInsightsPath,
    PathComponent,
    PortRange,
    VpclabFinding,
    failed_analysis,
)
from ..model.interfaces import Instance, NetworkInterface
from ..model.peering import VpcPeeringConnection
from ..model.security_group import SecurityGroup
from ..model.transit_gateway import TransitGatewayAttachment, TransitGatewayRouteTable
from ..model.vpn import VpnConnection
from ..model.world import World
from ..reach import DEFAULT_SOURCE_PORT, Hop, PacketHeader, ReachError, Trace, forwarding_view
from ..reach import Explanation as TraceExplanation
from ..reach import trace as run_trace
from ..reach.checks import sg_allows
from ..reach.explanations import INFO_CODES
from .insights_ends import cut
from .insights_parts import acl_before_route as _acl_before_route
from .insights_parts import (
    acl_rule,
    component,
    header,
    protocol_name,
    route_table_route,
    sg_rule,
    tgw_route,
)
from .insights_parts import attr as _attr
from .insights_parts import behind_gwlb_endpoints as _behind_gwlb_endpoints
from .insights_parts import maybe as _maybe

#: explanation field for a component of each kind (AWS's Explanation members)
_EXPLANATION_FIELDS = {
    "network_acl": "acl",
    "security_group": "security_group",
    "route_table": "route_table",
    "subnet": "subnet",
    "vpc": "vpc",
    "network_interface": "network_interface",
    "vpc_peering_connection": "vpc_peering_connection",
    "internet_gateway": "internet_gateway",
    "nat_gateway": "nat_gateway",
    "transit_gateway": "transit_gateway",
    "transit_gateway_route_table": "transit_gateway_route_table",
    "transit_gateway_attachment": "transit_gateway_attachment",
    "vpn_gateway": "vpn_gateway",
    "vpn_connection": "vpn_connection",
    "customer_gateway": "customer_gateway",
    "vpc_endpoint": "vpc_endpoint",
    "managed_prefix_list": "prefix_list",
}
_ACL_DETAIL = re.compile(r"rule (\S+) (allows|denies) (outbound|inbound) \((subnet-[0-9a-f]+)\)")
_VPC_PAIR = re.compile(r"(vpc-[0-9a-f]+) → (vpc-[0-9a-f]+)")
_TRANSLATING = frozenset({"nat-gateway", "internet-gateway"})


class _Builder:
    """Turns one direction's hops into PathComponents (and remembers what each hop matched)."""

    def __init__(
        self, world: World, trace: Trace, path: NetworkInsightsPath, *, behind_gwlb: bool = False
    ) -> None:
        self.world = world
        #: list the Gateway Load Balancer and target group behind a GWLB endpoint (Network Access
        #: Analyzer findings); the Reachability Analyzer leaves them out
        self.behind_gwlb = behind_gwlb
        self.trace = trace
        self.path = path
        self.view = forwarding_view(world)
        named = any(
            f is not None and f.source_port_range is not None and f.source_port_range.from_port is not None
            for f in (path.filter_at_source, path.filter_at_destination)
        )
        #: the source port the tracer picked for a path that names none: every port to AWS
        self.any_port = None if named else DEFAULT_SOURCE_PORT

    def header(self, packet: PacketHeader) -> AnalysisPacketHeader:
        return header(packet, self.any_port, self.path.destination_port)

    def _interface(self, rid: str | None) -> NetworkInterface | None:
        if rid is None:
            return None
        if rid.startswith("i-"):
            inst = self.world.get(rid, Instance)
            return self.view.primary_interface(inst) if inst is not None else None
        return self.world.get(rid, NetworkInterface)

    def _sg_rule(self, hops: Sequence[Hop], i: int) -> AnalysisSecurityGroupRule | None:
        hop = hops[i]
        egress = hop.detail.startswith("egress")
        if "allows" not in hop.detail:
            return None
        near = hops[i - 1] if egress and i > 0 else (hops[i + 1] if i + 1 < len(hops) else None)
        eni = self._interface(near.id) if near is not None and near.component == "network-interface" else None
        if eni is None:
            return None
        other = self._interface(self.path.source if not egress else self.path.destination)
        hit = sg_allows(self.world, eni, hop.packet, egress=egress, other=other)
        return sg_rule(hit[1]) if hit is not None and hit[0].id == hop.id else None

    def components(self, hops: Sequence[Hop], *, forward: bool) -> list[PathComponent]:
        out: list[PathComponent] = []
        first_id = self.path.source if forward else self.path.destination
        last_id = self.path.destination if forward else self.path.source
        if hops and first_id and first_id.startswith("i-") and hops[0].component == "network-interface":
            out.append(
                PathComponent(
                    sequence_number=0,
                    component=component(self.world, first_id),
                    outbound_header=self.header(hops[0].packet),
                )
            )
        previous: PacketHeader | None = None
        behind = set() if self.behind_gwlb else _behind_gwlb_endpoints(hops)
        for i, hop in enumerate(hops):
            if i not in behind:
                out.append(self.component(hops, i, previous))
            previous = hop.packet
        if (
            hops
            and last_id
            and last_id.startswith("i-")
            and hops[-1].component == "network-interface"
            and "delivered" in hops[-1].detail
        ):
            out.append(
                PathComponent(
                    sequence_number=0,
                    component=component(self.world, last_id),
                    inbound_header=self.header(hops[-1].packet),
                )
            )
        out = self._with_endpoints(out)
        out = self._at_internet_gateway(out, hops)
        out = _acl_before_route(out)
        if not forward:
            out = self._stateful_groups(out)
        if out:
            if out[0].outbound_header is None:
                out[0] = replace(out[0], outbound_header=self.header(hops[0].packet))
            if out[-1].inbound_header is None:
                out[-1] = replace(out[-1], inbound_header=self.header(hops[-1].packet))
        return [replace(c, sequence_number=n) for n, c in enumerate(out, 1)]

    def _at_internet_gateway(self, out: list[PathComponent], hops: Sequence[Hop]) -> list[PathComponent]:
        """An internet gateway at an end of a path translates, as AWS's example output shows it
        (getting-started-cli, Example 2): first in a path from the internet, it has the header
        arriving for the public address (InboundHeader) and the one leaving for the private one
        (OutboundHeader); last in a path to the internet, the header with the private source
        (InboundHeader) and the one with the public source (OutboundHeader). vpclab's tracer may
        start or end such a path at the private address already; the public one is the interface's
        (none: nothing to translate, one header as before)."""
        if not out or not hops:
            return out
        out = list(out)
        for at, packet, first in ((0, hops[0].packet, True), (len(out) - 1, hops[-1].packet, False)):
            c = out[at]
            if not c.component.id.startswith("igw-") or (c.inbound_header and c.outbound_header):
                continue
            inside = packet.dst_ip if first else packet.src_ip
            public = next((e.public_ip for e in self.world.all(NetworkInterface)
                           if e.public_ip and e.private_ip_address == inside), None)
            if public is None:
                continue
            if first:
                out[at] = replace(c, inbound_header=self.header(packet.with_dst(public)),
                                  outbound_header=self.header(packet))
            else:
                out[at] = replace(c, inbound_header=self.header(packet),
                                  outbound_header=self.header(packet.with_src(public)))
        return out

    def _stateful_groups(self, out: list[PathComponent]) -> list[PathComponent]:
        """The return path lists the security groups a reply passes, without a rule (security groups
        are stateful: the reply is allowed because the request was), as AWS's example output does
        (getting-started-cli, Example 2: the return path's ``sg-…`` component has no
        SecurityGroupRule): the groups the forward path met beside the same network interface, after
        the interface the reply leaves and before the one it arrives at."""
        fwd = self.trace.forward_hops
        beside: dict[str, list[str]] = {}
        for i, h in enumerate(fwd):
            if h.component != "security-group":
                continue
            for j in (i - 1, i + 1):
                if 0 <= j < len(fwd) and fwd[j].component == "network-interface":
                    beside.setdefault(fwd[j].id, [])
                    if h.id not in beside[fwd[j].id]:
                        beside[fwd[j].id].append(h.id)
        enis = [i for i, c in enumerate(out) if c.component.id in beside]
        if not enis or any(c.component.id.startswith("sg-") for c in out):
            return out
        result: list[PathComponent] = []
        for i, c in enumerate(out):
            groups = [PathComponent(sequence_number=0, component=component(self.world, g), vpc=c.vpc)
                      for g in beside.get(c.component.id, [])]
            # the interface the reply leaves: the first of two, or a lone one in the path's first half
            leaving = i == enis[0] if len(enis) > 1 else 2 * i < len(out)
            if groups and not leaving:
                result.extend(groups)
            result.append(c)
            if groups and leaving:
                result.extend(groups)
        return result

    def _with_endpoints(self, out: list[PathComponent]) -> list[PathComponent]:
        """Each endpoint network interface followed by its VPC endpoint (``vpce-…``), as AWS's
        analyser lists the endpoint itself among the path's components."""
        owner = {eni: e for e in self.world.all(VpcEndpoint) for eni in e.network_interface_ids}
        if not owner:
            return out
        result: list[PathComponent] = []
        for i, c in enumerate(out):
            result.append(c)
            vpce = owner.get(c.component.id)
            beside = {n.component.id for n in out[max(i - 1, 0):i + 2]}
            if vpce is not None and vpce.id not in beside:  # the tracer's own endpoint hop, if any
                result.append(PathComponent(sequence_number=0, component=component(self.world, vpce.id),
                                            vpc=_maybe(self.world, vpce.vpc_id), subnet=c.subnet))
        return result

    def component(self, hops: Sequence[Hop], i: int, previous: PacketHeader | None) -> PathComponent:
        hop = hops[i]
        world = self.world
        kind = kind_of_id(hop.id)
        res = world.get(hop.id, kind) if kind is not None else None
        fields: dict[str, Any] = {}
        vpc_id = _attr(res, "vpc_id")
        subnet_id = _attr(res, "subnet_id")
        if hop.component == "network-acl":
            m = _ACL_DETAIL.search(hop.detail)
            if m is not None:
                fields["acl_rule"] = acl_rule(world, hop.id, m.group(1), m.group(3) == "outbound")
                subnet_id = m.group(4)
        elif hop.component == "security-group":
            fields["security_group_rule"] = self._sg_rule(hops, i)
        elif hop.component == "route-table":
            entry = self.view.route(hop.id, hop.packet.dst_ip)
            if entry is not None:
                fields["route_table_route"] = route_table_route(entry.route, entry.state, str(entry.network))
        elif hop.component == "transit-gateway-route-table":
            route = self.view.tgw_route(hop.id, hop.packet.dst_ip)
            if route is not None:
                fields["transit_gateway_route_table_route"] = tgw_route(world, route)
            fields["transit_gateway"] = _maybe(world, _attr(res, "transit_gateway_id"))
        elif hop.component == "vpc-peering-connection":
            m = _VPC_PAIR.search(hop.detail)
            if m is not None:
                fields["source_vpc"] = component(world, m.group(1))
                fields["destination_vpc"] = component(world, m.group(2))
        elif hop.component == "transit-gateway-attachment" and isinstance(res, TransitGatewayAttachment):
            fields["transit_gateway"] = component(world, res.transit_gateway_id)
            fields["attached_to"] = component(world, res.resource_id) if res.resource_id else None
            vpc_id = None
        elif hop.component == "internet-gateway":
            vpc_id = _attr(res, "vpc_id")
        elif hop.component == "network-interface" and isinstance(res, NetworkInterface) and res.instance_id:
            # the instance it is attached to (AttachedTo, as in AWS's getting-started example output)
            fields["attached_to"] = _maybe(world, res.instance_id)
        if hop.component in _TRANSLATING and previous is not None and previous != hop.packet:
            fields["inbound_header"] = self.header(previous)
            fields["outbound_header"] = self.header(hop.packet)
        if hop.component == "subnet":
            subnet_id = None
        return PathComponent(
            sequence_number=0,
            component=component(world, hop.id),
            subnet=_maybe(world, subnet_id),
            vpc=_maybe(world, vpc_id),
            **{k: v for k, v in fields.items() if v is not None},
        )


# -- explanations ------------------------------------------------------------------------------------
def _failing_hop(hops: Sequence[Hop], rid: str, used: set[int]) -> int | None:
    """The hop an explanation about ``rid`` was recorded at (the first not yet claimed)."""
    for i, hop in enumerate(hops):
        if i not in used and hop.id == rid and ("denies" in hop.detail or hop.detail.startswith("no ")):
            used.add(i)
            return i
    for i, hop in enumerate(hops):
        if i not in used and hop.id == rid:
            used.add(i)
            return i
    return None


def explanation(
    world: World, builder: _Builder, e: TraceExplanation, hops: Sequence[Hop], used: set[int]
) -> Explanation:
    i = _failing_hop(hops, e.component, used)
    hop = hops[i] if i is not None else None
    packet = hop.packet if hop is not None else builder.trace.flow
    kind = kind_of_id(e.component)
    res = world.get(e.component, kind) if kind is not None else None
    comp = component(world, e.component)
    fields: dict[str, Any] = {"component": comp}
    if kind is not None and kind.KIND in _EXPLANATION_FIELDS:
        fields[_EXPLANATION_FIELDS[kind.KIND]] = comp
    if _attr(res, "vpc_id"):
        fields.setdefault("vpc", component(world, _attr(res, "vpc_id") or ""))
    has_ports = packet.protocol in ("tcp", "udp") and packet.dst_port is not None
    if e.code in ("ENI_SG_RULES_MISMATCH", "SUBNET_ACL_RESTRICTION"):
        fields["protocols"] = (protocol_name(packet.protocol),)
        if has_ports:
            fields["port_ranges"] = (PortRange(from_=packet.dst_port or 0, to=packet.dst_port or 0),)
    if e.code == "ENI_SG_RULES_MISMATCH" and hop is not None and i is not None:
        egress = hop.detail.startswith("no egress")
        fields["direction"] = "egress" if egress else "ingress"
        near = hops[i - 1] if egress and i > 0 else (hops[i + 1] if i + 1 < len(hops) else None)
        eni = world.get(near.id, NetworkInterface) if near is not None else None
        if eni is not None:
            fields["network_interface"] = component(world, eni.id)
            fields["subnet"] = _maybe(world, eni.subnet_id)
            fields["security_groups"] = tuple(
                component(world, g) for g in eni.groups if world.get(g, SecurityGroup) is not None
            )
    if e.code == "SUBNET_ACL_RESTRICTION" and hop is not None:
        m = _ACL_DETAIL.search(hop.detail)
        if m is not None:
            egress = m.group(3) == "outbound"
            fields["direction"] = "egress" if egress else "ingress"
            fields["acl_rule"] = acl_rule(world, e.component, m.group(1), egress)
            fields["subnet"] = component(world, m.group(4))
    if hop is not None and hop.component == "route-table":
        entry = builder.view.route(hop.id, packet.dst_ip)
        if entry is not None:
            fields["route_table_route"] = route_table_route(entry.route, entry.state, str(entry.network))
    if e.code in ("NO_ROUTE_TO_DESTINATION", "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", "TGW_RTB_CANNOT_ROUTE"):
        fields["addresses"] = (packet.dst_ip,)
    fields.update(_related(world, builder, res, hop, packet))
    if "BAD_STATE" in e.code:
        # the state that is not functional: the route's for a route code, else the component's
        route = fields.get("transit_gateway_route_table_route") or fields.get("route_table_route")
        fields["state"] = (
            route.state if e.code.endswith("_ROUTE") and route is not None
            else _attr(res, "state") or _attr(res, "status_code")
        )
    return Explanation(explanation_code=e.code, **{k: v for k, v in fields.items() if v is not None})


def _related(
    world: World, builder: _Builder, res: Resource | None, hop: Hop | None, packet: PacketHeader
) -> dict[str, Any]:
    """The members of AWS's ``Explanation`` that name what a component belongs to or joins
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Explanation.html): a transit gateway
    route table's gateway and the route the packet met; an attachment's gateway and what it attaches
    (AttachedTo); a peering connection's two VPCs (SourceVpc, DestinationVpc); a VPN connection's
    customer gateway and its virtual private gateway or transit gateway."""
    out: dict[str, Any] = {}
    if isinstance(res, TransitGatewayRouteTable):
        out["transit_gateway"] = _maybe(world, res.transit_gateway_id)
        route = builder.view.tgw_route(res.id, packet.dst_ip) if hop is not None else None
        if route is not None:
            out["transit_gateway_route_table_route"] = tgw_route(world, route)
    elif isinstance(res, TransitGatewayAttachment):
        out["transit_gateway"] = _maybe(world, res.transit_gateway_id)
        out["attached_to"] = _maybe(world, res.resource_id)
    elif isinstance(res, VpcPeeringConnection):
        out["source_vpc"] = _maybe(world, res.requester_vpc_id)
        out["destination_vpc"] = _maybe(world, res.accepter_vpc_id)
    elif isinstance(res, VpnConnection):
        out["customer_gateway"] = _maybe(world, res.customer_gateway_id)
        out["vpn_gateway"] = _maybe(world, res.vpn_gateway_id)
        out["transit_gateway"] = _maybe(world, res.transit_gateway_id)
    return {k: v for k, v in out.items() if v is not None}


#: AWS's additional detail code for a path whose return was not analysed
UNIDIRECTIONAL = "UNIDIRECTIONAL_PATH_ANALYSIS_ONLY"


def unidirectional(path: NetworkInsightsPath, trace: Trace) -> bool:
    """Whether AWS's analyser covers the forward direction only: a TCP path through a transit
    gateway route table ("How Reachability Analyzer works", Considerations; the reference's
    summary: "for TCP through a TGW route table only the forward path is analysed"): "when a network
    path traverses a transit gateway route table", the return path's too (a path that ends at the
    transit gateway meets a route table only on its way back). vpclab's
    tracer checks the return path anyway; its verdict and findings stay in vpclab's own fields
    (``disposition``, ``findings``: ``GET /_vpclab/analyses/<id>``, the CLI, the Python API)."""
    return path.protocol == "tcp" and any(h.component == "transit-gateway-route-table"
                                          for h in (*trace.forward_hops, *trace.return_hops))


def build_analysis(
    world: World,
    base: NetworkInsightsAnalysis,
    path: NetworkInsightsPath,
    trace: Trace,
    must_traverse: Sequence[str],
) -> NetworkInsightsAnalysis:
    """The succeeded analysis of ``path`` from the tracer's answer; ``must_traverse`` (FilterInArns'
    ids) must all be on the forward path for the path to count as found."""
    builder = _Builder(world, trace, path)
    forward = builder.components(trace.forward_hops, forward=True)
    back = builder.components(trace.return_hops, forward=False)
    one_way = unidirectional(path, trace)
    explanations: list[Explanation] = []
    used = {"forward": set[int](), "return": set[int]()}
    for e in trace.explanations:
        if one_way and e.direction != "forward" and e.code not in INFO_CODES:
            continue  # AWS does not analyse this return path; vpclab's finding stays below
        hops = trace.forward_hops if e.direction == "forward" else trace.return_hops
        explanations.append(explanation(world, builder, e, hops, used[e.direction]))
    findings = [
        VpclabFinding(code=e.code, message=e.message, component=e.component, direction=e.direction, fix=e.fix)
        for e in trace.explanations
    ]
    found = trace.reachable
    if one_way:
        found = not any(e.direction == "forward" and e.code not in INFO_CODES for e in trace.explanations)
        back = []
        forward = [
            replace(c, additional_details=(*c.additional_details,
                                           AdditionalDetail(additional_detail_type=UNIDIRECTIONAL)))
            if c.component.id.startswith("tgw-rtb-") else c
            for c in forward
        ]
        if forward and not any(c.component.id.startswith("tgw-rtb-") for c in forward):
            # only the return path met a route table (a path that ends at the transit gateway): the
            # detail goes on the path's last component
            last = forward[-1]
            forward[-1] = replace(last, additional_details=(
                *last.additional_details, AdditionalDetail(additional_detail_type=UNIDIRECTIONAL)))
    on_path = {c.component.id for c in forward}
    missing = [rid for rid in must_traverse if rid not in on_path]
    if found and missing:
        # AWS does not document what it reports here; vpclab says which resource the path avoids
        found = False
        for rid in missing:
            explanations.append(
                Explanation(
                    explanation_code="NO_PATH", component=component(world, rid), missing_component=rid
                )
            )
            findings.append(
                VpclabFinding(
                    code="NO_PATH",
                    component=rid,
                    direction="forward",
                    message=f"the path from {path.source} does not traverse {rid} (FilterInArns)",
                    fix=f"route the traffic through {rid}, or analyse without it in FilterInArns",
                )
            )
    return replace(
        base,
        network_path_found=found,
        forward_path_components=() if missing else tuple(forward),
        return_path_components=() if missing else tuple(back),
        explanations=tuple(explanations),
        disposition=trace.disposition,
        findings=tuple(findings),
    )


def analyse(
    world: World,
    base: NetworkInsightsAnalysis,
    path: NetworkInsightsPath,
    request: TraceRequest,
    must_traverse: Sequence[str],
) -> NetworkInsightsAnalysis:
    """Trace ``request`` and answer as AWS's Reachability Analyzer (``control.insights.Analyser``)."""
    assert request.source is not None and request.destination is not None
    try:
        result = run_trace(world, request.source, request.destination, protocol=path.protocol,
                           port=request.port, source_port=request.source_port)
    except ReachError as exc:
        return failed_analysis(base, str(exc))
    aws = cut(result, request.start_at, request.stop_at)
    analysis = build_analysis(world, base, path, aws, must_traverse)
    if aws is not result:  # vpclab's own answer stays the whole trace's
        analysis = replace(analysis, disposition=result.disposition, findings=tuple(
            VpclabFinding(code=e.code, message=e.message, component=e.component, direction=e.direction,
                          fix=e.fix) for e in result.explanations))
    analysis = replace(analysis, source_address=result.flow.src_ip, destination_address=result.flow.dst_ip)
    return _with_ipv6(world, analysis, path, request)


def _with_ipv6(
    world: World, analysis: NetworkInsightsAnalysis, path: NetworkInsightsPath, request: TraceRequest
) -> NetworkInsightsAnalysis:
    """AWS Reachability Analyzer analyses IPv4 only (CreateNetworkInsightsPath's SourceIp and
    DestinationIp, and the filters' addresses, are IPv4 by their pattern; vpclab refuses an IPv6 one
    as AWS does). When both ends are resources of a dual-stack network, vpclab also traces the same
    flow over IPv6 and puts the verdict and its findings beside AWS's answer, in vpclab's own fields
    (``GET /_vpclab/analyses/<id>``: ``vpclab.ipv6``); AWS's members stay the IPv4 answer."""
    if path.source_ip or path.destination_ip or request.source is None or request.destination is None:
        return analysis  # an explicit (IPv4) address was asked about
    if ":" in request.source or ":" in request.destination:
        return analysis  # an id with an address (a vpclab extension): that address's family only
    try:
        six = run_trace(
            world,
            request.source,
            request.destination,
            protocol=path.protocol,
            port=request.port,
            source_port=request.source_port,
            ip_version=6,
        )
    except ReachError:
        return analysis  # an end without an IPv6 address: IPv4 only, as AWS
    findings = tuple(
        VpclabFinding(code=e.code, message=e.message, component=e.component, direction=e.direction, fix=e.fix)
        for e in six.explanations
    )
    return replace(analysis, ipv6_disposition=six.disposition, ipv6_findings=findings)
