"""``vpclab export mermaid|dot|svg|png``: the network as a diagram (docs/interop.md).

One graph model, two writers. Regions, accounts and VPCs are nested clusters; inside a VPC one node
per subnet (its CIDR), one per gateway and endpoint; a transit gateway is a cluster of its own with
one node per route table (what it associates and propagates is counted in the label, not drawn as
edges, so a 50-VPC hub stays readable); peering connections, TGW attachments, VPN connections and
Direct Connect gateways are edges (deduplicated: one per pair of ends); on-premises networks
(customer gateways, Direct Connect virtual interfaces) sit in their own cluster.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..model.direct_connect import DirectConnectGateway, DirectConnectGatewayAssociation, VirtualInterface
from ..model.endpoints import VpcEndpoint, VpcEndpointService
from ..model.gateways import EgressOnlyInternetGateway, InternetGateway, NatGateway
from ..model.load_balancer import LoadBalancer
from ..model.peering import VpcPeeringConnection
from ..model.subnet import Subnet
from ..model.transit_gateway import TransitGateway, TransitGatewayAttachment, TransitGatewayRouteTable
from ..model.vpc import Vpc
from ..model.vpn import CustomerGateway, VpnConnection, VpnGateway
from ..network import Network
from .export_names import Names

_COUNT = re.compile(r" \((\d+)\)$")
_GONE = ("deleted", "deleting", "rejected", "failed", "terminated")


@dataclass
class Node:
    key: str
    label: str
    shape: str = "box"  # box | gateway | hub | site | vpc | table


@dataclass
class Cluster:
    key: str
    label: str
    kind: str  # region | account | vpc | tgw | onprem
    nodes: list[Node] = field(default_factory=list)
    children: list[Cluster] = field(default_factory=list)


@dataclass
class Diagram:
    clusters: list[Cluster] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)  # outside every cluster
    edges: dict[tuple[str, str], str] = field(default_factory=dict)  # (a, b) → label

    def edge(self, a: str | None, b: str | None, label: str) -> None:
        if a is None or b is None or a == b:
            return
        key = (a, b) if a <= b else (b, a)
        if key in self.edges:  # one edge per pair of ends: more connections are counted on it
            old = self.edges[key]
            m = _COUNT.search(old)
            count = int(m[1]) + 1 if m else 2
            self.edges[key] = f"{_COUNT.sub('', old)} ({count})"
        else:
            self.edges[key] = label

    def counts(self) -> tuple[int, int]:
        def walk(c: Cluster) -> int:
            return len(c.nodes) + sum(walk(x) for x in c.children)

        return len(self.nodes) + sum(walk(c) for c in self.clusters), len(self.edges)


class DiagramBuilder:
    def __init__(self, net: Network) -> None:
        self.net, self.world, self.names = net, net.world, Names(net)
        self.d = Diagram()
        self.node_of: dict[str, str] = {}  # resource id → node key

    def node(self, into: Cluster | None, rid: str, label: str, shape: str = "box") -> str:
        key = f"n{len(self.node_of) + 1}"
        self.node_of[rid] = key
        (into.nodes if into is not None else self.d.nodes).append(Node(key, label, shape))
        return key

    def build(self) -> Diagram:
        n, w = self.names, self.world
        regions: dict[str, Cluster] = {}
        accounts: dict[tuple[str, str], Cluster] = {}

        def account(owner: str, region: str) -> Cluster:
            if region not in regions:
                regions[region] = Cluster(_key(f"region_{region}"), region, "region")
            if (owner, region) not in accounts:
                label = self.net.account_name(owner)
                label = f"account {label}" if label == owner else f"account {label} ({owner})"
                accounts[owner, region] = Cluster(_key(f"acct_{owner}_{region}"), label, "account")
                regions[region].children.append(accounts[owner, region])
            return accounts[owner, region]

        for vpc in sorted(w.all(Vpc), key=lambda v: (v.region, v.owner_id, n(v.id))):
            self.vpc(account(vpc.owner_id, vpc.region), vpc)
        for tgw in sorted(w.all(TransitGateway), key=lambda t: n(t.id)):
            if tgw.state in _GONE:
                continue
            cluster = Cluster(f"tgw_{len(self.node_of)}", f"transit gateway {n(tgw.id)}", "tgw")
            self.node(cluster, tgw.id, f"{n(tgw.id)}\\nASN {tgw.options.amazon_side_asn}", "hub")
            for rt in sorted(
                (
                    r
                    for r in w.all(TransitGatewayRouteTable)
                    if r.transit_gateway_id == tgw.id and r.state not in _GONE
                ),
                key=lambda r: n(r.id),
            ):
                assoc = sum(
                    1
                    for a in w.all(TransitGatewayAttachment)
                    if rt.id in (a.association_route_table_id, a.peer_association_route_table_id)
                )
                static = sum(1 for r in rt.routes if r.type == "static")
                self.node(
                    cluster,
                    rt.id,
                    f"route table {n(rt.id)}\\n{assoc} assoc, {len(rt.propagations)} prop, {static} static",
                    "table",
                )
            account(tgw.owner_id, tgw.region).children.append(cluster)
        onprem = Cluster("onprem", "on-premises", "onprem")
        for cgw in sorted(w.all(CustomerGateway), key=lambda c: n(c.id)):
            if cgw.state not in _GONE:
                self.node(onprem, cgw.id, f"{n(cgw.id)}\\n{cgw.ip_address} ASN {cgw.bgp_asn}", "site")
        for vif in sorted(w.all(VirtualInterface), key=lambda v: n(v.id)):
            self.node(onprem, vif.id, f"{n(vif.id)}\\nVLAN {vif.vlan} ASN {vif.asn}", "site")
        for dx in sorted(w.all(DirectConnectGateway), key=lambda g: n(g.id)):
            self.node(None, dx.id, f"Direct Connect gateway {n(dx.id)}", "hub")
        self.d.clusters = [regions[r] for r in sorted(regions)]
        if onprem.nodes:
            self.d.clusters.append(onprem)
        self.links()
        return self.d

    def vpc(self, into: Cluster, vpc: Vpc) -> None:
        n, w = self.names, self.world
        cluster = Cluster(f"vpc_{len(self.node_of)}", f"VPC {n(vpc.id)}", "vpc")
        into.children.append(cluster)
        cidrs = ", ".join([*vpc.cidr_blocks, *vpc.ipv6_cidr_blocks])
        self.node(cluster, vpc.id, f"{n(vpc.id)}\\n{cidrs}", "vpc")
        for s in sorted(w.in_vpc(vpc.id, Subnet), key=lambda s: n(s.id)):
            self.node(cluster, s.id, f"{n(s.id)}\\n{s.cidr_block or s.ipv6_cidr_block} {s.availability_zone}")
        for igw in w.all(InternetGateway):
            if igw.vpc_id == vpc.id:
                self.d.edge(
                    self.node(cluster, igw.id, "internet gateway", "gateway"), self.node_of[vpc.id], ""
                )
        for eigw in w.all(EgressOnlyInternetGateway):
            if eigw.vpc_id == vpc.id:
                self.d.edge(
                    self.node(cluster, eigw.id, "egress-only IGW", "gateway"), self.node_of[vpc.id], ""
                )
        for nat in sorted(w.in_vpc(vpc.id, NatGateway), key=lambda g: n(g.id)):
            if nat.state not in _GONE:
                key = self.node(cluster, nat.id, f"NAT {n(nat.id)}", "gateway")
                self.d.edge(key, self.node_of.get(nat.subnet_id), "")
        for vgw in w.all(VpnGateway):
            if vgw.vpc_id == vpc.id and vgw.state not in _GONE:
                self.d.edge(
                    self.node(cluster, vgw.id, f"VGW {n(vgw.id)}", "gateway"), self.node_of[vpc.id], ""
                )
        for ep in sorted(w.in_vpc(vpc.id, VpcEndpoint), key=lambda e: n(e.id)):
            if ep.state not in _GONE:
                short = ep.service_name.rsplit(".", 1)[-1]
                self.node(cluster, ep.id, f"{ep.vpc_endpoint_type} endpoint {n(ep.id)}\\n{short}", "gateway")
        for lb in w.all(LoadBalancer):
            if lb.vpc_id == vpc.id:
                services = [
                    s
                    for s in w.all(VpcEndpointService)
                    if lb.arn in (*s.network_load_balancer_arns, *s.gateway_load_balancer_arns)
                ]
                for svc in services:
                    self.node(
                        cluster, svc.id, f"endpoint service {n(svc.id)}\\n{lb.type} load balancer", "hub"
                    )

    def links(self) -> None:
        n, w, at = self.names, self.world, self.node_of.get
        for p in w.all(VpcPeeringConnection):
            if p.status_code in ("active", "pending-acceptance"):
                self.d.edge(at(p.requester_vpc_id), at(p.accepter_vpc_id), f"peering {n(p.id)}")
        for a in w.all(TransitGatewayAttachment):
            if a.state in _GONE:
                continue
            if a.resource_type == "vpc":
                self.d.edge(at(a.resource_id), at(a.transit_gateway_id), "attachment")
            elif a.resource_type == "peering" and a.peer_transit_gateway_id:
                self.d.edge(at(a.transit_gateway_id), at(a.peer_transit_gateway_id), f"TGW peering {n(a.id)}")
        for v in w.all(VpnConnection):
            if v.state not in _GONE:
                self.d.edge(
                    at(v.customer_gateway_id),
                    at(v.vpn_gateway_id or v.transit_gateway_id or ""),
                    f"VPN {n(v.id)}",
                )
        for assoc in w.all(DirectConnectGatewayAssociation):
            if assoc.live:
                self.d.edge(
                    at(assoc.direct_connect_gateway_id), at(assoc.associated_gateway_id), "association"
                )
        for vif in w.all(VirtualInterface):
            self.d.edge(
                at(vif.id),
                at(vif.direct_connect_gateway_id or vif.virtual_gateway_id or ""),
                f"{vif.virtual_interface_type} VIF",
            )
        for ep in w.all(VpcEndpoint):
            svc = next((s for s in w.all(VpcEndpointService) if s.service_name == ep.service_name), None)
            if svc is not None:
                self.d.edge(at(ep.id), at(svc.id), "PrivateLink")


def diagram(net: Network) -> Diagram:
    return DiagramBuilder(net).build()


# -- writers ------------------------------------------------------------------------------------------
_MERMAID_SHAPES = {
    "box": '["{}"]',
    "gateway": '(["{}"])',
    "hub": '{{{{"{}"}}}}',
    "site": '[("{}")]',
    "vpc": '[/"{}"/]',
    "table": '[["{}"]]',
}
_DOT_SHAPES = {
    "box": "box",
    "gateway": "ellipse",
    "hub": "hexagon",
    "site": "cylinder",
    "vpc": "folder",
    "table": "note",
}
_DOT_FILLS = {
    "region": "#f5f5f5",
    "account": "#ffffff",
    "vpc": "#e8f1fb",
    "tgw": "#fdf1e0",
    "onprem": "#eeeeee",
}


def to_mermaid(d: Diagram) -> str:
    out = ["flowchart LR"]

    def label(text: str) -> str:
        return text.replace('"', "#quot;").replace("\\n", "<br/>")

    def cluster(c: Cluster, depth: int) -> None:
        pad = "  " * depth
        out.append(f'{pad}subgraph {c.key}["{label(c.label)}"]')
        for node in c.nodes:
            out.append(f"{pad}  {node.key}{_MERMAID_SHAPES[node.shape].format(label(node.label))}")
        for child in c.children:
            cluster(child, depth + 1)
        out.append(f"{pad}end")

    for c in d.clusters:
        cluster(c, 1)
    for node in d.nodes:
        out.append(f"  {node.key}{_MERMAID_SHAPES[node.shape].format(label(node.label))}")
    for (a, b), text in sorted(d.edges.items()):
        out.append(f'  {a} ---|"{label(text)}"| {b}' if text else f"  {a} --- {b}")
    return "\n".join(out) + "\n"


def to_dot(d: Diagram, title: str = "vpclab") -> str:
    def q(text: str) -> str:
        return json.dumps(text).replace("\\\\n", "\\n")

    out = [
        f"graph {q(title)} {{",
        "  graph [rankdir=LR, compound=true, fontname=Helvetica, newrank=true];",
        "  node [fontname=Helvetica, fontsize=10, style=filled, fillcolor=white];",
        "  edge [fontname=Helvetica, fontsize=9];",
    ]

    def cluster(c: Cluster, depth: int) -> None:
        pad = "  " * depth
        out.append(f"{pad}subgraph cluster_{c.key} {{")
        out.append(f"{pad}  label={q(c.label)}; style=filled; fillcolor={q(_DOT_FILLS[c.kind])};")
        for node in c.nodes:
            out.append(f"{pad}  {node.key} [label={q(node.label)}, shape={_DOT_SHAPES[node.shape]}];")
        for child in c.children:
            cluster(child, depth + 1)
        out.append(f"{pad}}}")

    for c in d.clusters:
        cluster(c, 1)
    for node in d.nodes:
        out.append(f"  {node.key} [label={q(node.label)}, shape={_DOT_SHAPES[node.shape]}];")
    for (a, b), text in sorted(d.edges.items()):
        out.append(f"  {a} -- {b}" + (f" [label={q(text)}];" if text else ";"))
    out.append("}")
    return "\n".join(out) + "\n"


def _key(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


class GraphvizError(Exception):
    """Debian's graphviz (the ``dot`` program) is not installed, or it failed."""


def render_with_dot(source: str, fmt: str) -> bytes:
    """``dot -Tsvg``/``-Tpng`` of a dot source; GraphvizError when ``dot`` is not on PATH or fails."""
    import shutil
    import subprocess

    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizError(
            f"{fmt} needs Graphviz's `dot` program, which is not on PATH: install the "
            "Debian package graphviz (apt-get install graphviz), or export dot and render "
            "it elsewhere"
        )
    proc = subprocess.run(
        [exe, f"-T{fmt}"], input=source.encode(), capture_output=True, timeout=300, check=False
    )
    if proc.returncode != 0:
        raise GraphvizError(f"dot -T{fmt} failed: {proc.stderr.decode(errors='replace').strip()[:300]}")
    return proc.stdout
