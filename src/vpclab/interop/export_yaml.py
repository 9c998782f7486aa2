"""``vpclab export yaml``: a loaded network (a topology, a snapshot, a server's state) as a topology
file that loads back to the same network (docs/interop.md).

Resources go by their names (a topology's names, a snapshot's ``Name`` tags; ids for the unnamed)
and refer to each other by name. What AWS makes by itself (local routes, a VPC's main route table,
default security group and ACL while untouched, a NAT gateway's interface) is left for the load to
make again. What a topology file cannot say is listed in ``notes``, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model.direct_connect import (
    DirectConnectConnection,
    DirectConnectGateway,
    DirectConnectGatewayAssociation,
    VirtualInterface,
)
from ..model.endpoints import VpcEndpointService
from ..model.gateways import Address, NatGateway
from ..model.interfaces import Instance
from ..model.load_balancer import Listener, LoadBalancer, TargetGroup
from ..model.peering import VpcPeeringConnection
from ..model.prefix_lists import ManagedPrefixList
from ..model.regions import DEFAULT_REGION
from ..model.sharing import ResourceShare
from ..model.transit_gateway import TransitGateway, TransitGatewayAttachment, TransitGatewayRouteTable
from ..model.vpc import Vpc
from ..model.vpn import ON_PREMISES_CIDRS_TAG, CustomerGateway, VpnConnection, VpnGateway
from ..network import Network
from .export_names import Names, most_common
from .export_yaml_vpc import VpcWriter, _sorted, tags

#: model kinds a topology file has no key for (analysis artefacts, storage), by what a note calls them
_NOT_IN_A_TOPOLOGY = {
    "NetworkInsightsPath": "Reachability Analyzer paths",
    "NetworkInsightsAnalysis": "Reachability Analyzer analyses",
    "NetworkInsightsAccessScope": "Network Access Analyzer scopes",
    "NetworkInsightsAccessScopeAnalysis": "Network Access Analyzer analyses",
}
_LIVE_PEERING = ("active", "pending-acceptance", "provisioning", "initiating-request")


@dataclass
class Export:
    """The topology dict and what could not be said in it."""

    topology: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def _cidrs(tag: str | None) -> list[str]:
    return [c.strip() for c in (tag or "").split(",") if c.strip()]


class TopologyWriter:
    def __init__(self, net: Network) -> None:
        self.net, self.world, self.names = net, net.world, Names(net)
        self.notes: list[str] = []
        vpcs = list(self.world.all(Vpc))
        owners = [v.owner_id for v in vpcs] or [
            r.owner_id for r in self.world.resources() if str(getattr(r, "owner_id", "")).isdigit()
        ]
        self.account = most_common(owners, "123456789012")
        self.region = most_common([v.region for v in vpcs], DEFAULT_REGION)
        self.vpc_writer = VpcWriter(self.names, self.account_ref, self.notes)

    def account_ref(self, account_id: str) -> str:
        return self.net.account_name(account_id)

    def placed(self, res: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if res.owner_id != self.account:
            out["account"] = self.account_ref(res.owner_id)
        if res.region != self.region:
            out["region"] = res.region
        if t := tags(res):
            out["tags"] = t
        return out

    def write(self) -> Export:
        n, w = self.names, self.world
        topo: dict[str, Any] = {
            "account": self.account_ref(self.account) if self.net.accounts else self.account,
            "region": self.region,
        }
        if self.net.accounts:
            topo["accounts"] = dict(sorted(self.net.accounts.items()))
        if w.settings.quotas != "maximum":
            topo["settings"] = {"quotas": w.settings.quotas}
        sections: dict[str, dict[str, Any]] = {}
        sections["vpcs"] = {}
        for vpc in _sorted(w.all(Vpc), n):
            if vpc.is_default and not n.given(vpc.id):
                self.notes.append(f"default VPC {vpc.id} ({vpc.region}) left out: `vpclab serve` makes one")
                continue
            sections["vpcs"][n(vpc.id)] = {**self.placed(vpc), **self.vpc_writer.vpc(vpc)}
        nat_eips = {g.allocation_id for g in w.all(NatGateway)}
        sections["elastic_ips"] = {
            n(a.id): self.placed(a) for a in _sorted(w.all(Address), n) if a.id not in nat_eips
        }
        sections["prefix_lists"] = {
            n(p.id): self.prefix_list(p) for p in _sorted(w.all(ManagedPrefixList), n) if not p.aws_managed
        }
        sections["peerings"] = {
            n(p.id): self.peering(p)
            for p in _sorted(w.all(VpcPeeringConnection), n)
            if p.status_code in _LIVE_PEERING
        }
        sections["transit_gateways"] = {
            n(t.id): self.transit_gateway(t)
            for t in _sorted(w.all(TransitGateway), n)
            if t.state == "available"
        }
        sections["endpoint_services"] = {}
        for s in _sorted(w.all(VpcEndpointService), n):
            if (entry := self.endpoint_service(s)) is not None:
                sections["endpoint_services"][n(s.id)] = entry
        sections["customer_gateways"] = {
            n(c.id): self.customer_gateway(c)
            for c in _sorted(w.all(CustomerGateway), n)
            if c.state == "available"
        }
        sections["vpn_gateways"] = {
            n(g.id): self.vpn_gateway(g) for g in _sorted(w.all(VpnGateway), n) if g.state == "available"
        }
        sections["vpn_connections"] = {
            n(v.id): self.vpn_connection(v)
            for v in _sorted(w.all(VpnConnection), n)
            if v.state in ("available", "pending")
        }
        sections["direct_connect_gateways"] = {
            n(g.id): self.dx_gateway(g)
            for g in _sorted(w.all(DirectConnectGateway), n)
            if g.state == "available"
        }
        sections["shares"] = {
            n(s.id): self.share(s) for s in _sorted(w.all(ResourceShare), n) if s.status == "ACTIVE"
        }
        topo.update({k: v for k, v in sections.items() if v})
        self.not_written()
        return Export(topo, self.notes)

    def not_written(self) -> None:
        """What the World holds and no topology key says, counted (never dropped silently)."""
        from collections import Counter

        services = {
            a
            for s in self.world.all(VpcEndpointService)
            for a in (*s.network_load_balancer_arns, *s.gateway_load_balancer_arns)
        }
        skipped: Counter[str] = Counter()
        behind = set()
        for lb in self.world.all(LoadBalancer):
            if lb.arn in services:
                behind.add(lb.id)
            else:
                skipped["load balancers not behind an endpoint service"] += 1
        for listener in self.world.all(Listener):
            if listener.load_balancer_id not in behind:
                skipped["their listeners"] += 1
        for kind, what in _NOT_IN_A_TOPOLOGY.items():
            count = sum(1 for r in self.world.resources() if type(r).__name__ == kind)
            if count:
                skipped[what] += count
        launched = {v for inst in self.world.all(Instance) for v in inst.volume_ids[:1]}
        others = sum(
            1 for r in self.world.resources() if type(r).__name__ == "Volume" and r.id not in launched
        )
        if others:
            skipped["EBS volumes other than the instances' root volumes"] += others
        for inst in self.world.all(Instance):
            if len(inst.network_interface_ids) > 1:
                skipped["secondary network interfaces of instances"] += len(inst.network_interface_ids) - 1
        for what, count in sorted(skipped.items()):
            self.notes.append(f"not in a topology file: {count} {what}")

    # -- top-level resources ---------------------------------------------------------------------
    def prefix_list(self, p: ManagedPrefixList) -> dict[str, Any]:
        spec: dict[str, Any] = {"entries": list(p.cidrs)}
        if p.max_entries is not None and p.max_entries != max(len(p.cidrs), 1):
            spec["max_entries"] = p.max_entries
        return {**self.placed(p), **spec}

    def peering(self, p: VpcPeeringConnection) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "requester": self.names(p.requester_vpc_id),
            "accepter": self.names(p.accepter_vpc_id),
        }
        if p.status_code != "active":
            spec["accept"] = False
        if t := tags(p):
            spec["tags"] = t
        return spec

    def attachment_name(self, att: TransitGatewayAttachment) -> str:
        """How a TGW route table names an attachment: its own name, or its VPN connection's or its
        Direct Connect gateway's."""
        if att.resource_type in ("vpn", "direct-connect-gateway"):
            return self.names(att.resource_id)
        return self.names(att.id)

    def transit_gateway(self, tgw: TransitGateway) -> dict[str, Any]:
        n, w, o = self.names, self.world, tgw.options
        spec: dict[str, Any] = self.placed(tgw)
        if tgw.description:
            spec["description"] = tgw.description
        options: dict[str, Any] = {}
        if o.amazon_side_asn != 64512:
            options["amazon_side_asn"] = o.amazon_side_asn
        for key, default in (
            ("default_route_table_association", True),
            ("default_route_table_propagation", True),
            ("auto_accept_shared_attachments", False),
            ("dns_support", True),
            ("vpn_ecmp_support", True),
        ):
            value = getattr(o, key) == "enable"
            if value != default:
                options[key] = value
        if options:
            spec["options"] = options
        live = [
            a
            for a in w.all(TransitGatewayAttachment)
            if a.state not in ("deleted", "deleting", "rejected", "failed")
        ]
        attachments: dict[str, Any] = {}
        for att in _sorted((a for a in live if a.transit_gateway_id == tgw.id), n):
            if att.resource_type == "vpc":
                entry: dict[str, Any] = {"vpc": n(att.resource_id), "subnets": [n(s) for s in att.subnet_ids]}
                if att.appliance_mode_support == "enable":
                    entry["appliance_mode"] = True
                if att.ipv6_support == "enable":
                    entry["ipv6"] = True
            elif att.resource_type == "peering" and att.peer_transit_gateway_id:
                entry = {"peer": n(att.peer_transit_gateway_id)}
            else:
                continue
            if att.state in ("pendingAcceptance", "initiatingRequest"):
                entry["accept"] = False
            if t := tags(att):
                entry["tags"] = t
            attachments[n(att.id)] = entry
        if attachments:
            spec["attachments"] = attachments
        tables: dict[str, Any] = {}
        for rt in _sorted(
            (
                r
                for r in w.all(TransitGatewayRouteTable)
                if r.transit_gateway_id == tgw.id and r.state == "available"
            ),
            n,
        ):
            tables[n(rt.id)] = self.tgw_route_table(rt, tgw, live)
            if tables[n(rt.id)] == {"default": True} and not n.given(rt.id):
                del tables[n(rt.id)]
        if tables:
            spec["route_tables"] = tables
        return spec

    def tgw_route_table(
        self, rt: TransitGatewayRouteTable, tgw: TransitGateway, live: list[TransitGatewayAttachment]
    ) -> dict[str, Any]:
        default = rt.default_association_route_table or rt.default_propagation_route_table
        spec: dict[str, Any] = {"default": True} if default else {}
        assoc = [
            a
            for a in live
            if a.association_route_table_id == rt.id or (a.peer_association_route_table_id == rt.id)
        ]
        if assoc and not (rt.default_association_route_table and self._all_default(assoc, tgw)):
            spec["associations"] = sorted(self.attachment_name(a) for a in assoc)
        by_id = {a.id: a for a in live}
        props = [by_id[p] for p in rt.propagations if p in by_id]
        if props and not rt.default_propagation_route_table:
            spec["propagations"] = sorted(self.attachment_name(a) for a in props)
        routes: dict[str, str] = {}
        for r in rt.routes:
            if r.type != "static" or not r.destination_cidr_block:
                continue
            if r.state == "blackhole" and not r.transit_gateway_attachment_ids:
                routes[r.destination_cidr_block] = "blackhole"
            elif r.transit_gateway_attachment_ids and r.transit_gateway_attachment_ids[0] in by_id:
                routes[r.destination_cidr_block] = self.attachment_name(
                    by_id[r.transit_gateway_attachment_ids[0]]
                )
        if routes:
            spec["routes"] = routes
        if t := tags(rt):
            spec["tags"] = t
        return spec

    def _all_default(self, assoc: list[TransitGatewayAttachment], tgw: TransitGateway) -> bool:
        # with default association on, every attachment of this gateway lands here by itself
        return all(tgw.id in (a.transit_gateway_id, a.peer_transit_gateway_id) for a in assoc)

    def endpoint_service(self, s: VpcEndpointService) -> dict[str, Any] | None:
        n, w = self.names, self.world
        spec: dict[str, Any] = self.placed(s)
        arns = s.network_load_balancer_arns or s.gateway_load_balancer_arns
        lb = next((b for b in w.all(LoadBalancer) if b.arn in arns), None)
        if lb is None:
            self.notes.append(f"endpoint service {n(s.id)} left out: its load balancer is not in the network")
            return None
        listeners = sorted(
            (x for x in w.all(Listener) if x.load_balancer_id == lb.id), key=lambda x: x.port or 0
        )
        groups = [g for x in listeners for g in w.all(TargetGroup) if g.arn in x.target_group_arns]
        targets = list(dict.fromkeys(n(t.id) for g in groups for t in g.targets))
        cross = lb.attributes.get("load_balancing.cross_zone.enabled") == "true"
        balancer: dict[str, Any] = {"subnets": [n(x) for x in lb.subnet_ids]}
        if lb.is_gateway:
            if targets:
                balancer["targets"] = targets
            if cross:
                balancer["cross_zone"] = True
            hc = groups[0].health_check if groups else None
            if hc is not None and hc.port not in ("traffic-port", "80"):
                balancer["health_check_port"] = int(hc.port)
            spec["gwlb"] = balancer
        else:
            balancer["listeners"] = [x.port for x in listeners]
            if targets:
                balancer["targets"] = targets
            if lb.ip_address_type != "ipv4":
                balancer["ip_address_type"] = lb.ip_address_type
            if cross:
                balancer["cross_zone"] = True
            if lb.security_groups:
                balancer["groups"] = [n(g) for g in lb.security_groups]
                if lb.enforce_private_link_inbound_rules == "off":
                    balancer["enforce_private_link_inbound_rules"] = False
            spec["nlb"] = balancer
        if s.acceptance_required:
            spec["acceptance_required"] = True
        principals = [p.split(":")[4] if p.startswith("arn:") else p for p in s.allowed_principals]
        if principals:
            spec["allowed_principals"] = [self.account_ref(p) for p in principals]
        if tuple(s.supported_ip_address_types) != ("ipv4",):
            spec["supported_ip_address_types"] = list(s.supported_ip_address_types)
        return spec

    def customer_gateway(self, c: CustomerGateway) -> dict[str, Any]:
        spec: dict[str, Any] = {"ip": c.ip_address}
        if c.bgp_asn != 65000:
            spec["asn"] = c.bgp_asn
        if cidrs := _cidrs(c.tags.get(ON_PREMISES_CIDRS_TAG)):
            spec["on_premises_cidrs"] = cidrs
        if c.device_name:
            spec["device_name"] = c.device_name
        return {**self.placed(c), **spec}

    def vpn_gateway(self, g: VpnGateway) -> dict[str, Any]:
        spec: dict[str, Any] = self.placed(g)
        if g.vpc_id is not None:
            spec["vpc"] = self.names(g.vpc_id)
        if g.amazon_side_asn != 64512:
            spec["amazon_side_asn"] = g.amazon_side_asn
        return spec

    def vpn_connection(self, v: VpnConnection) -> dict[str, Any]:
        spec: dict[str, Any] = {**self.placed(v), "customer_gateway": self.names(v.customer_gateway_id)}
        if v.vpn_gateway_id:
            spec["vpn_gateway"] = self.names(v.vpn_gateway_id)
        elif v.transit_gateway_id:
            spec["transit_gateway"] = self.names(v.transit_gateway_id)
        if v.static_routes_only:
            spec["routing"] = "static"
            routes = [r.destination_cidr_block for r in v.routes if r.state != "deleted"]
            if routes and v.vpn_gateway_id:
                spec["static_routes"] = routes
        return spec

    def dx_gateway(self, g: DirectConnectGateway) -> dict[str, Any]:
        n, w = self.names, self.world
        spec: dict[str, Any] = self.placed(g)
        if g.amazon_side_asn != 64512:
            spec["amazon_side_asn"] = g.amazon_side_asn
        assocs = {
            n(a.associated_gateway_id): list(a.allowed_prefixes)
            for a in w.all(DirectConnectGatewayAssociation)
            if a.direct_connect_gateway_id == g.id and a.live
        }
        if assocs:
            spec["associations"] = dict(sorted(assocs.items()))
        vifs: dict[str, Any] = {}
        for vif in _sorted((v for v in w.all(VirtualInterface) if v.direct_connect_gateway_id == g.id), n):
            con = w.get(vif.connection_id, DirectConnectConnection)
            entry: dict[str, Any] = {"type": vif.virtual_interface_type, "vlan": vif.vlan, "asn": vif.asn}
            if con is not None:
                entry["location"], entry["bandwidth"] = con.location, con.bandwidth
            if cidrs := _cidrs(vif.tags.get(ON_PREMISES_CIDRS_TAG)):
                entry["on_premises_cidrs"] = cidrs
            if vif.bgp_failover_test:
                entry["bgp"] = "down"
            vifs[n(vif.id)] = entry
        if vifs:
            spec["virtual_interfaces"] = vifs
        return spec

    def share(self, s: ResourceShare) -> dict[str, Any]:
        spec: dict[str, Any] = {
            **self.placed(s),
            "resources": [self.names(r) for r in s.resource_ids],
            "principals": [self.account_ref(p) for p in s.principals],
        }
        if not s.allow_external_principals:
            spec["allow_external_principals"] = False
        return spec


def export_topology(net: Network) -> Export:
    """The network as a topology dict (docs/yaml.md) and the notes on what it could not say."""
    return TopologyWriter(net).write()


def to_yaml(net: Network, source: str = "") -> tuple[str, list[str]]:
    """The topology file's text (with a header naming its source) and the notes."""
    export = export_topology(net)
    header = f"# vpclab topology exported from {source}\n" if source else ""
    if export.notes:
        header += "".join(f"# note: {line}\n" for line in export.notes)
    return header + dump(export.topology), export.notes


def dump(topo: dict[str, Any]) -> str:
    """YAML as the examples write it: a small mapping of plain values (a subnet, a rule) or a list
    of plain values on one line (``{cidr: 10.0.1.0/24, az: us-east-1a}``), the rest in blocks, with
    a blank line between top-level sections."""
    import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints

    class Dumper(yaml.SafeDumper):
        pass

    def flow(value: Any) -> bool:
        plain = (str, int, float, bool)
        if isinstance(value, list):
            return all(isinstance(v, plain) for v in value) or all(
                isinstance(v, dict) and flow(v) for v in value
            )
        if isinstance(value, dict):
            return (
                all(
                    isinstance(v, plain)
                    or (isinstance(v, list) and flow(v) and all(isinstance(x, plain) for x in v))
                    for v in value.values()
                )
                and len(yaml.safe_dump(value, default_flow_style=True, width=10_000)) < 100
            )
        return False

    def represent_dict(dumper: Any, value: dict[Any, Any]) -> Any:
        return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=flow(value))

    def represent_list(dumper: Any, value: list[Any]) -> Any:
        small = all(isinstance(v, (str, int, float, bool)) for v in value)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=small)

    Dumper.add_representer(dict, represent_dict)
    Dumper.add_representer(list, represent_list)
    head, body = [], []
    for key, value in topo.items():
        if not isinstance(value, dict | list):
            head.append(yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True))
            continue
        text = yaml.dump(value, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110)
        if text.startswith(("{", "[")):
            body.append(f"{key}: {text}")
        else:
            body.append(
                f"{key}:\n"
                + "".join(f"  {line}" if line.strip() else line for line in text.splitlines(keepends=True))
            )
    return "".join(head) + "".join("\n" + b for b in body)
