"""The topology as a graph for the page: nodes and edges with AWS ids, ready for cytoscape.js.

    >>> import vpclab
    >>> from vpclab.web.graph import topology_graph
    >>> g = topology_graph(vpclab.load("examples/peering-triangle.yaml"))
    >>> sorted({n["data"]["kind"] for n in g["nodes"]})[:4]
    ['account', 'availability-zone', 'instance', 'subnet']

Nesting (each node's ``parent``): an account-and-Region group holds its VPCs and transit gateways;
a VPC holds one group per Availability Zone (subnets inside), its gateways and endpoints; a subnet
holds its instances and NAT gateways; a transit gateway holds its route tables. On-premises
customer gateways and Direct Connect gateways sit in an ``on-premises`` group. Edges are the links:
peering connections, transit gateway attachments (VPC, VPN, peering, Direct Connect gateway), VPN
connections and Direct Connect gateway associations.

``edge_aliases`` maps a resource drawn as another's edge to that edge (a VPN attachment to its VPN
connection's). ``anchors`` maps the id of every resource that is not drawn (route tables, security groups,
network ACLs, interfaces, attachments, Elastic IPs) to the node that stands for it, so a trace's
hops light up the picture.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..model.direct_connect import DirectConnectGateway, DirectConnectGatewayAssociation, VirtualInterface
from ..model.endpoints import VpcEndpoint
from ..model.gateways import EgressOnlyInternetGateway, InternetGateway, NatGateway
from ..model.interfaces import Instance, NetworkInterface
from ..model.network_acl import NetworkAcl
from ..model.peering import VpcPeeringConnection
from ..model.route_table import RouteTable
from ..model.security_group import SecurityGroup
from ..model.sharing import shared_with
from ..model.subnet import Subnet
from ..model.transit_gateway import TransitGateway, TransitGatewayAttachment, TransitGatewayRouteTable
from ..model.vpc import Vpc
from ..model.vpn import CustomerGateway, VpnConnection, VpnGateway
from ..network.facade import Network

#: above this many VPCs the page starts with every VPC collapsed into one node
COLLAPSE_ABOVE = 50
#: the group that holds customer gateways and Direct Connect gateways
ON_PREMISES = "on-premises"
#: peering states in which the connection carries (or will carry) traffic, drawn solid
_LIVE_PEERING = ("active", "pending-acceptance", "provisioning", "initiating-request")


def _label(net: Network, rid: str, fallback: str | None = None) -> str:
    return net.names.get(rid) or fallback or rid


def _vpc_cidrs(vpc: Vpc) -> list[str]:
    cidrs = [a.cidr_block for a in vpc.cidr_block_associations if a.state in ("associated", "associating")]
    ipv6 = [
        a.ipv6_cidr_block
        for a in vpc.ipv6_cidr_block_associations
        if a.state in ("associated", "associating")
    ]
    return [c for c in (cidrs or [vpc.cidr_block]) if c] + [c for c in ipv6 if c]


class _Builder:
    def __init__(self, net: Network) -> None:
        self.net = net
        self.world = net.world
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, Any]] = []
        self.anchors: dict[str, str] = {}
        #: resources drawn as another resource's edge: a VPN attachment as its VPN connection, a
        #: Direct Connect gateway attachment as the gateway's association
        self.aliases: dict[str, str] = {}
        self.ids: set[str] = set()

    def node(self, nid: str, kind: str, label: str, parent: str | None = None, **data: Any) -> None:
        if nid in self.ids:
            return
        self.ids.add(nid)
        d: dict[str, Any] = {"id": nid, "kind": kind, "label": label, **data}
        if parent is not None:
            d["parent"] = parent
        self.nodes.append({"data": d})

    def edge(self, eid: str, source: str, target: str, kind: str, label: str, **data: Any) -> None:
        if source not in self.ids or target not in self.ids:
            return
        self.edges.append(
            {"data": {"id": eid, "source": source, "target": target, "kind": kind, "label": label, **data}}
        )

    def group(self, account: str, region: str) -> str:
        gid = f"group:{account}:{region}"
        self.node(
            gid, "account", f"{self.net.account_name(account)} · {region}", account=account, region=region
        )
        return gid

    def resource(self, res: Any, kind: str, label: str, parent: str | None, **data: Any) -> None:
        self.node(
            res.id,
            kind,
            label,
            parent,
            name=self.net.names.get(res.id) or res.name,
            account=res.owner_id,
            region=res.region,
            **data,
        )

    # -- the parts ---------------------------------------------------------------------------
    def vpcs(self) -> None:
        for vpc in sorted(self.world.all(Vpc), key=lambda v: (v.owner_id, v.region, _label(self.net, v.id))):
            cidrs = _vpc_cidrs(vpc)
            self.resource(
                vpc,
                "vpc",
                f"{_label(self.net, vpc.id, vpc.name)}\n{' '.join(cidrs)}",
                self.group(vpc.owner_id, vpc.region),
                cidrs=cidrs,
            )
        for subnet in sorted(self.world.all(Subnet), key=lambda s: (s.availability_zone, s.cidr_block or "")):
            if subnet.vpc_id not in self.ids:
                continue
            az = f"az:{subnet.vpc_id}:{subnet.availability_zone}"
            self.node(az, "availability-zone", subnet.availability_zone, subnet.vpc_id, vpc=subnet.vpc_id)
            sharers = sorted(a for a in shared_with(self.world, subnet.id) if a != subnet.owner_id)
            cidr = " ".join(c for c in (subnet.cidr_block, subnet.ipv6_cidr_block) if c)
            participants = [self.net.account_name(a) for a in sharers]
            label = f"{_label(self.net, subnet.id, subnet.name)}\n{cidr}"
            if participants:
                label += f"\nshared with {', '.join(participants)}"
            self.resource(
                subnet,
                "subnet",
                label,
                az,
                vpc=subnet.vpc_id,
                cidr=cidr,
                availability_zone=subnet.availability_zone,
                shared=bool(sharers),
                participants=sharers,
            )

    def gateways(self) -> None:
        for igw in self.world.all(InternetGateway):
            if igw.vpc_id in self.ids:
                self.resource(igw, "internet-gateway", _label(self.net, igw.id, igw.name), igw.vpc_id)
        for eigw in self.world.all(EgressOnlyInternetGateway):
            if eigw.vpc_id in self.ids:
                self.resource(
                    eigw, "egress-only-internet-gateway", _label(self.net, eigw.id, eigw.name), eigw.vpc_id
                )
        for nat in self.world.all(NatGateway):
            if nat.subnet_id in self.ids and nat.state not in ("deleted", "failed"):
                self.resource(
                    nat,
                    "nat-gateway",
                    _label(self.net, nat.id, nat.name),
                    nat.subnet_id,
                    connectivity_type=nat.connectivity_type,
                )
        for vgw in self.world.all(VpnGateway):
            vpcs = [a.vpc_id for a in vgw.vpc_attachments if a.state in ("attached", "attaching")]
            self.resource(
                vgw,
                "vpn-gateway",
                _label(self.net, vgw.id, vgw.name),
                vpcs[0] if vpcs else self.group(vgw.owner_id, vgw.region),
            )
        for vpce in self.world.all(VpcEndpoint):
            if vpce.vpc_id in self.ids and vpce.state not in ("deleted", "rejected", "failed"):
                service = vpce.service_name.rsplit(".", 1)[-1]
                self.resource(
                    vpce,
                    "vpc-endpoint",
                    f"{_label(self.net, vpce.id, vpce.name)}\n{service}",
                    vpce.vpc_id,
                    endpoint_type=vpce.vpc_endpoint_type,
                    service_name=vpce.service_name,
                )
                for eni_id in vpce.network_interface_ids:
                    self.anchors[eni_id] = vpce.id

    def hosts(self) -> None:
        for inst in self.world.all(Instance):
            if inst.subnet_id in self.ids and inst.state not in ("terminated", "shutting-down"):
                self.resource(
                    inst,
                    "instance",
                    f"{_label(self.net, inst.id, inst.name)}\n{inst.private_ip_address}",
                    inst.subnet_id,
                )
                for eni_id in inst.network_interface_ids:
                    self.anchors[eni_id] = inst.id
        for eni in self.world.all(NetworkInterface):
            if eni.id in self.anchors:
                continue
            named = self.net.names.get(eni.id)
            if (
                named
                and eni.interface_type == "interface"
                and not eni.requester_managed
                and eni.subnet_id in self.ids
            ):
                # a network interface the source file named on its own (not an instance's)
                self.resource(eni, "network-interface", f"{named}\n{eni.private_ip_address}", eni.subnet_id)
            else:
                self.anchors[eni.id] = eni.subnet_id

    def transit(self) -> None:
        for tgw in self.world.all(TransitGateway):
            if tgw.state in ("deleted", "deleting"):
                continue
            self.resource(
                tgw,
                "transit-gateway",
                _label(self.net, tgw.id, tgw.name),
                self.group(tgw.owner_id, tgw.region),
            )
        for rt in self.world.all(TransitGatewayRouteTable):
            if rt.transit_gateway_id in self.ids and rt.state not in ("deleted", "deleting"):
                self.resource(
                    rt, "transit-gateway-route-table", _label(self.net, rt.id, rt.name), rt.transit_gateway_id
                )
        for att in self.world.all(TransitGatewayAttachment):
            if not att.live:
                continue
            self.anchors[att.id] = att.transit_gateway_id
            other = {
                "vpc": att.resource_id,
                "peering": att.peer_transit_gateway_id or "",
                "vpn": att.resource_id,
                "direct-connect-gateway": att.resource_id,
            }.get(att.resource_type)
            if att.resource_type == "vpn":
                self.aliases[att.id] = att.resource_id
                continue  # drawn as the VPN connection's edge (customer gateway ↔ transit gateway)
            if other:
                self.edge(
                    att.id,
                    other,
                    att.transit_gateway_id,
                    f"tgw-attachment-{att.resource_type}",
                    _label(self.net, att.id),
                    state=att.state,
                    association=att.association_route_table_id,
                )

    def peerings(self) -> None:
        for pcx in self.world.all(VpcPeeringConnection):
            if pcx.status_code in ("deleted", "rejected", "expired"):
                continue
            self.edge(
                pcx.id,
                pcx.requester_vpc_id,
                pcx.accepter_vpc_id,
                "vpc-peering-connection",
                _label(self.net, pcx.id, pcx.name),
                state=pcx.status_code,
                live=pcx.status_code in _LIVE_PEERING,
            )

    def on_premises(self) -> None:
        cgws = [c for c in self.world.all(CustomerGateway) if c.state not in ("deleted", "deleting")]
        dxgws = [d for d in self.world.all(DirectConnectGateway) if d.state not in ("deleted", "deleting")]
        if not (cgws or dxgws):
            return
        self.node(ON_PREMISES, "on-premises", "on-premises")
        for cgw in cgws:
            self.resource(
                cgw,
                "customer-gateway",
                f"{_label(self.net, cgw.id, cgw.name)}\n{cgw.ip_address}",
                ON_PREMISES,
                bgp_asn=cgw.bgp_asn,
            )
        for dxgw in dxgws:
            self.resource(
                dxgw,
                "direct-connect-gateway",
                _label(self.net, dxgw.id, dxgw.direct_connect_gateway_name),
                ON_PREMISES,
            )
        for vpn in self.world.all(VpnConnection):
            if vpn.state in ("deleted", "deleting"):
                continue
            target = vpn.transit_gateway_id or vpn.vpn_gateway_id or ""
            self.edge(
                vpn.id,
                vpn.customer_gateway_id,
                target,
                "vpn-connection",
                _label(self.net, vpn.id, vpn.name),
                state=vpn.state,
                static_routes_only=vpn.static_routes_only,
            )
        for assoc in self.world.all(DirectConnectGatewayAssociation):
            if assoc.association_state in ("disassociated", "disassociating"):
                continue
            if assoc.transit_gateway_attachment_id:
                self.anchors[assoc.transit_gateway_attachment_id] = assoc.associated_gateway_id
                self.aliases[assoc.transit_gateway_attachment_id] = assoc.id
            self.edge(
                assoc.id,
                assoc.direct_connect_gateway_id,
                assoc.associated_gateway_id,
                "direct-connect-gateway-association",
                "Direct Connect",
                allowed_prefixes=list(assoc.allowed_prefixes),
            )
        for vif in self.world.all(VirtualInterface):
            if vif.direct_connect_gateway_id:
                self.anchors[vif.id] = vif.direct_connect_gateway_id

    def anchor_rest(self) -> None:
        """Route tables, security groups and ACLs stand for their VPC on the picture."""
        kinds: Iterable[type[RouteTable] | type[SecurityGroup] | type[NetworkAcl]] = (
            RouteTable,
            SecurityGroup,
            NetworkAcl,
        )
        for kind in kinds:
            for res in self.world.all(kind):
                if res.vpc_id in self.ids:
                    self.anchors.setdefault(res.id, res.vpc_id)
        for eni in self.world.all(NetworkInterface):
            self.anchors.setdefault(eni.id, eni.subnet_id)


def topology_graph(net: Network) -> dict[str, Any]:
    """``{"nodes", "edges", "anchors", "collapsed", "counts"}`` for the page (see the module's docstring)."""
    b = _Builder(net)
    b.vpcs()
    b.gateways()
    b.hosts()
    b.transit()
    b.peerings()
    b.on_premises()
    b.anchor_rest()
    vpcs = sum(1 for n in b.nodes if n["data"]["kind"] == "vpc")
    edges = {e["data"]["id"] for e in b.edges}
    return {
        "source": net.file,
        "nodes": b.nodes,
        "edges": b.edges,
        "anchors": {k: v for k, v in b.anchors.items() if v in b.ids and k not in b.ids},
        "edge_aliases": {k: v for k, v in b.aliases.items() if v in edges},
        "collapsed": vpcs > COLLAPSE_ABOVE,
        "counts": {"vpcs": vpcs, "nodes": len(b.nodes), "edges": len(b.edges)},
    }


#: id(graph) → (the graph, its node ids, its edge ids): the last few graphs' indexes, so that
#: looking a trace's hops up costs a set lookup each, not a walk of 50,000 nodes (AWS-MAX)
_INDEXES: dict[int, tuple[dict[str, Any], frozenset[str], frozenset[str]]] = {}


def _index(graph: dict[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    hit = _INDEXES.get(id(graph))
    if hit is not None and hit[0] is graph:
        return hit[1], hit[2]
    nodes = frozenset(n["data"]["id"] for n in graph["nodes"])
    edges = frozenset(e["data"]["id"] for e in graph["edges"])
    while len(_INDEXES) >= 4:
        del _INDEXES[next(iter(_INDEXES))]
    _INDEXES[id(graph)] = (graph, nodes, edges)  # holds the graph: its id is not reused meanwhile
    return nodes, edges


def edge_of(graph: dict[str, Any], rid: str) -> str | None:
    """The edge that stands for resource ``rid`` (a peering connection, an attachment), or None."""
    rid = graph["edge_aliases"].get(rid, rid)
    return rid if rid in _index(graph)[1] else None


def node_of(graph: dict[str, Any], rid: str) -> str | None:
    """The node that stands for resource ``rid`` on the picture (itself, or its anchor)."""
    if rid in _index(graph)[0]:
        return rid
    anchor = graph["anchors"].get(rid)
    return anchor if isinstance(anchor, str) else None
