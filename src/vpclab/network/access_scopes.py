"""The analyser behind StartNetworkInsightsAccessScopeAnalysis: a Network Access Scope answered by
vpclab's tracer, the findings in AWS's ``AccessScopeAnalysisFinding`` shape.

:func:`analyse_scope` is what the composition root hands the ControlPlane. For each MatchPaths
entry it

1. lists the candidate ends AWS's findings start and end at ("How Network Access Analyzer works":
   internet gateways, network interfaces, transit gateway attachments, VPC endpoints, peering
   connections, virtual private gateways) that the Source and Destination resource statements
   admit — a subnet, VPC, instance or security group stands for its network interfaces;
2. traces each (source, destination) pair with the protocols the packet header statements admit,
   at the destination ports the ends' security groups and network ACLs name (and "any port"),
   within the port ranges the statements name (and at each range's first port);
3. keeps a pair when the packet reaches the destination (the forward path, as AWS's analyser
   reports paths a packet can take), the path passes every ThroughResources statement, the packet
   headers where it leaves the source and arrives at the destination meet the statements, and no
   ExcludePaths entry matches it.

The work is bounded: at most :data:`MAX_TRACES` traces and :data:`MAX_FINDINGS` findings per
analysis (the analysis says so in its WarningMessage when it stops there, and FindingsFound is
``unknown`` if it found nothing by then).

AWS docs: "How Network Access Analyzer works"
(https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/how-network-access-analyzer-works.html).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from ipaddress import ip_address, ip_network
from typing import TypeVar

from ..control.access_scopes import BY_TYPE, PROTOCOLS
from ..model.access_scopes import (
    FINDINGS_FALSE,
    FINDINGS_TRUE,
    FINDINGS_UNKNOWN,
    AccessScopeAnalysisFinding,
    AccessScopePath,
    NetworkInsightsAccessScope,
    NetworkInsightsAccessScopeAnalysis,
    PacketHeaderStatement,
    PathStatement,
    ResourceStatement,
)
from ..model.base import Resource, kind_of_id
from ..model.endpoints import VpcEndpoint
from ..model.gateways import InternetGateway
from ..model.insights import NetworkInsightsPath
from ..model.interfaces import NetworkInterface
from ..model.load_balancer import LoadBalancer
from ..model.network_acl import NetworkAcl
from ..model.peering import VpcPeeringConnection
from ..model.prefix_lists import prefix_list_cidrs
from ..model.security_group import SecurityGroup
from ..model.transit_gateway import TransitGatewayAttachment
from ..model.vpn import VpnConnection
from ..model.world import World
from ..reach import Hop, PacketHeader, ReachError, Trace
from ..reach import trace as run_trace
from ..reach.endpoints import INTERNET_HOST
from .insights import _Builder

R = TypeVar("R", bound=Resource)

#: the most traces one analysis runs (each a few dictionary and LPM lookups per hop)
MAX_TRACES = 4000
#: the most findings one analysis keeps (GetNetworkInsightsAccessScopeAnalysisFindings pages them)
MAX_FINDINGS = 1000
#: the most destination ports tried per pair when no packet header statement names one
MAX_DERIVED_PORTS = 6
#: network interfaces that start paths (an endpoint, NAT gateway or load balancer does not
#: initiate connections) and that end them (interface endpoints are destinations too)
_SOURCE_ENIS = frozenset({"interface"})
_DESTINATION_ENIS = frozenset({"interface"})


@dataclass(frozen=True, slots=True)
class End:
    """A candidate end of a finding: the resource it names, what the tracer is given, and the
    network interface behind it (for interfaces)."""

    id: str
    kind: str
    spec: str
    eni: NetworkInterface | None = None
    #: the VPC an internet gateway serves (its paths stay in that VPC)
    vpc_id: str | None = None
    #: the ids that stand for this end on a path (an endpoint: its network interfaces)
    marks: frozenset[str] = frozenset()
    #: the interface whose security groups and network ACL name the ports worth trying
    rules_eni: NetworkInterface | None = None

    def on(self, hop_id: str) -> bool:
        return hop_id == self.id or hop_id in self.marks


# -- candidate ends ------------------------------------------------------------------------------
def _mine(world: World, base: NetworkInsightsAccessScopeAnalysis, cls: type[R]) -> list[R]:
    """The analysing account's resources of a kind in the Region, in id order."""
    mine = [r for r in world.all(cls) if r.owner_id == base.owner_id and r.region == base.region]
    return sorted(mine, key=lambda r: r.id)


def _address_in(stmt: PacketHeaderStatement | None, side: str, default: str) -> str:
    """The address the tracer uses for an internet end: TEST-NET-2's host when the statement
    admits it (or names no address), else the first host of the first network it names."""
    nets = stmt and getattr(stmt, f"{side}_addresses")
    if not nets:
        return default
    for net in nets:
        if ip_address(INTERNET_HOST) in ip_network(net):
            return default
    first = ip_network(nets[0])
    return str(first.network_address if first.prefixlen == first.max_prefixlen else first.network_address + 1)


def source_ends(
    world: World, base: NetworkInsightsAccessScopeAnalysis, stmt: PathStatement | None
) -> list[End]:
    headers = stmt.packet_header_statement if stmt else None
    ends: list[End] = []
    for eni in _mine(world, base, NetworkInterface):
        if eni.interface_type in _SOURCE_ENIS and eni.private_ip_address:
            ends.append(End(eni.id, "network_interface", eni.id, eni))
    for igw in _mine(world, base, InternetGateway):
        if igw.vpc_id:
            spec = _address_in(headers, "source", "internet")
            ends.append(End(igw.id, "internet_gateway", spec, vpc_id=igw.vpc_id))
    for att in _mine(world, base, TransitGatewayAttachment):
        ends.append(End(att.id, "transit_gateway_attachment", att.id))
    for pcx in _mine(world, base, VpcPeeringConnection):
        if pcx.is_active:
            ends.append(End(pcx.id, "vpc_peering_connection", pcx.id))
    for vpn in _mine(world, base, VpnConnection):
        if vpn.vpn_gateway_id:
            ends.append(End(vpn.vpn_gateway_id, "vpn_gateway", vpn.customer_gateway_id))
    return [e for e in ends if end_matches(world, e, stmt.resource_statement if stmt else None)]


def destination_ends(
    world: World, base: NetworkInsightsAccessScopeAnalysis, stmt: PathStatement | None
) -> list[End]:
    headers = stmt.packet_header_statement if stmt else None
    ends: list[End] = []
    for eni in _mine(world, base, NetworkInterface):
        if eni.interface_type in _DESTINATION_ENIS and eni.private_ip_address:
            ends.append(End(eni.id, "network_interface", eni.id, eni))
    for igw in _mine(world, base, InternetGateway):
        if igw.vpc_id:
            spec = _address_in(headers, "destination", INTERNET_HOST)
            ends.append(End(igw.id, "internet_gateway", spec, vpc_id=igw.vpc_id))
    for vpce in _mine(world, base, VpcEndpoint):
        if vpce.network_interface_ids:  # interface (and Gateway Load Balancer) endpoints
            first = world.get(vpce.network_interface_ids[0], NetworkInterface)
            marks = frozenset(vpce.network_interface_ids)
            ends.append(End(vpce.id, "vpc_endpoint", vpce.id, marks=marks, rules_eni=first))
        elif vpce.vpc_endpoint_type == "Gateway":  # the path to the service through the endpoint
            service = vpce.service_name.rsplit(".", 1)[-1]
            ends.append(End(vpce.id, "vpc_endpoint", f"{service}:{vpce.region}"))
    for vpn in _mine(world, base, VpnConnection):
        if vpn.vpn_gateway_id:
            ends.append(End(vpn.vpn_gateway_id, "vpn_gateway", vpn.customer_gateway_id))
    addresses = headers.destination_addresses if headers else ()
    if addresses:  # an attachment or peering connection is a destination only towards an address
        spec = str(ip_network(addresses[0]).network_address)
        for att in _mine(world, base, TransitGatewayAttachment):
            ends.append(End(att.id, "transit_gateway_attachment", spec))
        for pcx in _mine(world, base, VpcPeeringConnection):
            ends.append(End(pcx.id, "vpc_peering_connection", spec))
    return [e for e in ends if end_matches(world, e, stmt.resource_statement if stmt else None)]


def _containers(end: End) -> set[str]:
    """The ids a resource statement may name to mean this end."""
    ids = {end.id}
    if end.eni is not None:
        ids |= {end.eni.subnet_id, end.eni.vpc_id, *end.eni.groups}
        if end.eni.instance_id:
            ids.add(end.eni.instance_id)
    return ids


_ENI_TYPES = frozenset({"network_interface", "instance", "subnet", "vpc"})


def end_matches(world: World, end: End, stmt: ResourceStatement | None) -> bool:
    if stmt is None:
        return True
    if stmt.resources:
        return bool(_containers(end) & set(stmt.resources))
    kinds = {BY_TYPE[t][0] for t in stmt.resource_types}
    if end.eni is not None:
        if "instance" in kinds and not end.eni.instance_id:
            kinds -= {"instance"}
        return bool(kinds & _ENI_TYPES)
    return end.kind in kinds


def _hop_matches(hop_id: str, stmt: ResourceStatement | None) -> bool:
    if stmt is None:
        return True
    if stmt.resources:
        return hop_id in stmt.resources
    kind = kind_of_id(hop_id)
    return kind is not None and kind.KIND in {BY_TYPE[t][0] for t in stmt.resource_types}


# -- packet headers ------------------------------------------------------------------------------
def _in(world: World, addr: str, nets: Sequence[str], lists: Sequence[str]) -> bool:
    cidrs = list(nets) + [c for pl in lists for c in prefix_list_cidrs(world, pl)]
    if not cidrs:
        return True
    a = ip_address(addr)
    return any(a.version == ip_network(c).version and a in ip_network(c) for c in cidrs)


def _port_in(port: int | None, specs: Sequence[str]) -> bool:
    if not specs:
        return True
    if port is None:
        return False
    for spec in specs:
        lo, _, hi = spec.partition("-")
        if int(lo) <= port <= int(hi or lo):
            return True
    return False


def header_matches(world: World, packet: PacketHeader, stmt: PacketHeaderStatement | None) -> bool:
    """Whether the packet (as it leaves the source or reaches the destination) meets the statement."""
    if stmt is None:
        return True
    return (
        (not stmt.protocols or packet.protocol in stmt.protocols)
        and _in(world, packet.src_ip, stmt.source_addresses, stmt.source_prefix_lists)
        and _in(world, packet.dst_ip, stmt.destination_addresses, stmt.destination_prefix_lists)
        and _port_in(packet.src_port, stmt.source_ports)
        and _port_in(packet.dst_port, stmt.destination_ports)
    )


def _statements(path: AccessScopePath) -> list[PacketHeaderStatement]:
    return [
        s.packet_header_statement
        for s in (path.source, path.destination)
        if s is not None and s.packet_header_statement is not None
    ]


def protocols_of(path: AccessScopePath) -> list[str]:
    allowed = set(PROTOCOLS)
    for stmt in _statements(path):
        if stmt.protocols:
            allowed &= set(stmt.protocols)
    return [p for p in PROTOCOLS if p in allowed]


def _first_port(specs: Sequence[str]) -> list[int]:
    return [int(spec.partition("-")[0]) for spec in specs]


def _rule_ports(world: World, eni: NetworkInterface | None, protocol: str, *, egress: bool) -> list[int]:
    """Ports the interface's security groups and its subnet's network ACL name for ``protocol``."""
    if eni is None:
        return []
    ports: list[int] = []
    for gid in eni.groups:
        sg = world.get(gid, SecurityGroup)
        for rule in (sg.egress if egress else sg.ingress) if sg is not None else ():
            if rule.ip_protocol == protocol and rule.from_port >= 0:
                ports.append(rule.from_port)
    for acl in world.all(NetworkAcl):
        if any(a.subnet_id == eni.subnet_id for a in acl.associations):
            number = "6" if protocol == "tcp" else "17"
            ports += [
                e.port_from
                for e in acl.entries
                if e.egress == egress
                and e.protocol in (protocol, number)
                and e.port_from is not None
                and e.rule_action == "allow"
            ]
    return ports


def destination_ports(
    world: World, path: AccessScopePath, src: End, dst: End, protocol: str
) -> list[int | None]:
    """The destination ports to try: the ports the ends' security groups and network ACLs name (and
    "any port"), within the ranges the statements name (and each range's first port)."""
    derived = _rule_ports(world, dst.eni or dst.rules_eni, protocol, egress=False)
    derived += _rule_ports(world, src.eni, protocol, egress=True)
    specs = [spec for stmt in _statements(path) for spec in stmt.destination_ports]
    if not specs:
        return [None, *list(dict.fromkeys(derived))[:MAX_DERIVED_PORTS]]
    named: list[int | None] = [*_first_port(specs), *(p for p in derived if _port_in(p, specs))]
    return list(dict.fromkeys(named))[: MAX_DERIVED_PORTS + len(specs)]


def source_port(path: AccessScopePath) -> int | None:
    for stmt in _statements(path):
        if stmt.source_ports:
            return _first_port(stmt.source_ports)[0]
    return None


# -- matching a traced path ----------------------------------------------------------------------
def finding_hops(src: End, dst: End, trace: Trace) -> list[Hop] | None:
    """The forward hops from the source end to the destination end, or None when the packet does
    not get there (the return path is vpclab's stricter question, not AWS's finding). An interface
    destination must be delivered to; a gateway or endpoint end is where the path meets it (the
    tracer is given "the internet", an on-premises host or an address beyond it)."""
    hops = trace.forward_hops
    if src.kind != "network_interface":
        starts = [i for i, h in enumerate(hops) if src.on(h.id)]
        if not starts:
            return None
        hops = hops[starts[0] :]
    if dst.kind == "network_interface":
        # an informational note (a GWLB appliance's rules not analysed) does not block the path
        blocked = any(e.direction == "forward" and e.blocking for e in trace.explanations)
        return None if blocked or not hops else hops
    ends = [i for i, h in enumerate(hops) if dst.on(h.id)]
    return hops[: ends[-1] + 1] if ends else None


def _names(world: World, hops: list[Hop]) -> list[str]:
    """What a ThroughResources statement may name a hop by: its id, and a load balancer's ARN (AWS:
    load balancers are named by ARN only)."""
    out = [h.id for h in hops]
    for h in hops:
        if h.component == "load-balancer":
            lb = world.get(h.id, LoadBalancer)
            if lb is not None:
                out.append(lb.arn)
    return out


def path_matches(world: World, path: AccessScopePath, src: End, dst: End, hops: list[Hop]) -> bool:
    ids = _names(world, hops)
    src_stmt = path.source.resource_statement if path.source else None
    dst_stmt = path.destination.resource_statement if path.destination else None
    if not (end_matches(world, src, src_stmt) and end_matches(world, dst, dst_stmt)):
        return False
    for through in path.through_resources:
        if not any(_hop_matches(rid, through.resource_statement) for rid in ids):
            return False
    src_hdr = path.source.packet_header_statement if path.source else None
    dst_hdr = path.destination.packet_header_statement if path.destination else None
    return header_matches(world, hops[0].packet, src_hdr) and header_matches(world, hops[-1].packet, dst_hdr)


def _pairs(sources: list[End], destinations: list[End]) -> Iterator[tuple[End, End]]:
    for src in sources:
        for dst in destinations:
            if src.id == dst.id or (src.spec == dst.spec):
                continue
            if src.kind == "internet_gateway" and (dst.eni is None or dst.eni.vpc_id != src.vpc_id):
                continue  # ingress from an internet gateway reaches its own VPC only
            yield src, dst


# -- the analysis ----------------------------------------------------------------------------------
@dataclass(slots=True)
class _Budget:
    """The traces left, and whether the analysis stopped for want of them."""

    traces: int
    capped: bool = False

    def take(self) -> bool:
        if self.traces <= 0:
            self.capped = True
            return False
        self.traces -= 1
        return True


def _pair_path(
    world: World,
    scope: NetworkInsightsAccessScope,
    path: AccessScopePath,
    src: End,
    dst: End,
    protocol: str,
    budget: _Budget,
) -> tuple[Trace, list[Hop]] | None:
    """The first path from ``src`` to ``dst`` over ``protocol`` that the MatchPaths entry matches and
    no ExcludePaths entry does (trying the destination ports in turn), or None."""
    for port in destination_ports(world, path, src, dst, protocol):
        if not budget.take():
            return None
        try:
            result = run_trace(
                world,
                src.spec,
                dst.spec,
                protocol=protocol,
                port=port,
                source_port=source_port(path),
                ip_version=4,
            )
        except ReachError:
            return None  # an end the tracer cannot stand at (e.g. no address of the family)
        hops = finding_hops(src, dst, result)
        if hops is None or not path_matches(world, path, src, dst, hops):
            continue
        if any(path_matches(world, x, src, dst, hops) for x in scope.exclude_paths):
            continue  # another port may still take a path the exclusions leave
        return result, hops
    return None


def analyse_scope(
    world: World, base: NetworkInsightsAccessScopeAnalysis, scope: NetworkInsightsAccessScope
) -> NetworkInsightsAccessScopeAnalysis:
    """The succeeded analysis of ``scope`` over ``world`` (``control.access_scopes.AccessScopeAnalyser``)."""
    findings: list[AccessScopeAnalysisFinding] = []
    seen: set[tuple[str, str, str]] = set()
    enis: set[str] = set()
    budget = _Budget(MAX_TRACES)
    for path in scope.match_paths:
        sources = source_ends(world, base, path.source)
        destinations = destination_ends(world, base, path.destination)
        enis |= {e.id for e in sources + destinations if e.eni is not None}
        for src, dst in _pairs(sources, destinations):
            for protocol in protocols_of(path):
                key = (src.id, dst.id, protocol)
                if key in seen or budget.capped or len(findings) >= MAX_FINDINGS:
                    continue
                found = _pair_path(world, scope, path, src, dst, protocol, budget)
                if found is not None:
                    seen.add(key)
                    findings.append(_finding(world, base, src, dst, found[0], found[1], len(findings) + 1))
    warnings = []
    if budget.capped:
        warnings.append(f"vpclab analysed the first {MAX_TRACES} traces of this scope and stopped there")
    if len(findings) >= MAX_FINDINGS:
        warnings.append(f"vpclab keeps the first {MAX_FINDINGS} findings of an analysis")
    found_flag = FINDINGS_TRUE if findings else (FINDINGS_UNKNOWN if budget.capped else FINDINGS_FALSE)
    return replace(
        base,
        end_date=base.start_date,
        findings=tuple(findings),
        findings_found=found_flag,
        analyzed_eni_count=len(enis),
        warning_message="; ".join(warnings) + ": narrow the scope's statements to see the rest."
        if warnings
        else None,
    )


def _finding(
    world: World,
    base: NetworkInsightsAccessScopeAnalysis,
    src: End,
    dst: End,
    result: Trace,
    hops: list[Hop],
    n: int,
) -> AccessScopeAnalysisFinding:
    """One finding: the forward path as AWS's PathComponents (sequence numbers from 1)."""
    path = NetworkInsightsPath(
        id="nip-access-scope",
        owner_id=base.owner_id,
        region=base.region,
        created_date=base.start_date,
        source=src.id,
        source_arn="",
        destination=dst.id,
        protocol=result.flow.protocol,
    )
    # a finding lists every component the packet crosses, the Gateway Load Balancer and its target
    # group behind a GWLB endpoint included (the Reachability Analyzer's consideration that leaves
    # them out is its own: "How Reachability Analyzer works")
    components = _Builder(world, result, path, behind_gwlb=True).components(hops, forward=True)
    # AWS does not document the FindingId format: vpclab numbers findings within the analysis
    return AccessScopeAnalysisFinding(
        finding_id=f"{base.id}-finding-{n}", finding_components=tuple(components)
    )
