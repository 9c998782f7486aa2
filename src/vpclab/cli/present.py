"""What ``vpclab show`` and ``vpclab validate`` print: resources by kind with their key fields.

A kind is one row of ``KINDS``: its section name (the JSON key), its class, and its columns, each a
function of the resource and the network. Ids are shown with the file's names beside them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..model.base import Resource
from ..model.direct_connect import DirectConnectGateway, DirectConnectGatewayAssociation, VirtualInterface
from ..model.endpoints import VpcEndpoint, VpcEndpointService
from ..model.gateways import Address, EgressOnlyInternetGateway, InternetGateway, NatGateway
from ..model.interfaces import Instance, NetworkInterface
from ..model.load_balancer import LoadBalancer
from ..model.network_acl import NetworkAcl
from ..model.peering import VpcPeeringConnection
from ..model.prefix_lists import ManagedPrefixList
from ..model.route_table import RouteTable
from ..model.security_group import SecurityGroup
from ..model.sharing import ResourceShare
from ..model.subnet import Subnet
from ..model.transit_gateway import TransitGateway, TransitGatewayAttachment, TransitGatewayRouteTable
from ..model.vpc import Vpc
from ..model.vpn import CustomerGateway, VpnConnection, VpnGateway
from ..network import Network

Value = str | int | bool | list[str] | None
Column = tuple[str, Callable[[Any, Network], Value]]


def _n(net: Network, rid: str | None) -> str | None:
    """A resource's name when the file gave it one, else its id."""
    return net.name(rid) or rid if rid else None


def _ns(net: Network, ids: Any) -> list[str]:
    return [_n(net, i) or "" for i in ids]


def _routes(rt: RouteTable, net: Network) -> list[str]:
    """Every route in force, with VGW-propagated ones marked and blackholes called so."""
    from ..model.route_table import effective_routes

    out = []
    for r, state in effective_routes(net.world, rt):
        note = " (propagated)" if r.origin == "EnableVgwRoutePropagation" else ""
        note += " (blackhole)" if state == "blackhole" else ""
        out.append(f"{_n(net, r.destination)} → {_n(net, r.target)}{note}")
    return out


def _rules(sg: SecurityGroup, rules: Any, net: Network) -> list[str]:
    out = []
    for r in rules:
        ports = "all" if r.from_port in (-1, None) or r.ip_protocol == "-1" else (
            str(r.from_port) if r.from_port == r.to_port else f"{r.from_port}-{r.to_port}")
        peer = r.cidr_ipv4 or r.cidr_ipv6 or _n(net, r.prefix_list_id) or _n(net, r.referenced_group_id)
        proto = "all" if r.ip_protocol == "-1" else r.ip_protocol
        out.append(f"{proto} {ports} {peer}")
    return out


def _tgw_routes(rt: TransitGatewayRouteTable, net: Network) -> list[str]:
    """The table's effective routes, static and propagated, as SearchTransitGatewayRoutes shows them."""
    from ..model.transit_gateway import tgw_routes

    out = []
    for x in tgw_routes(net.world, rt, family=None):
        to = ", ".join(_ns(net, x.transit_gateway_attachment_ids)) or "blackhole"
        kind = " (propagated)" if x.type == "propagated" else ""
        out.append(f"{x.destination_cidr_block or _n(net, x.prefix_list_id)} → {to}{kind}")
    return out


def _acl_entry(e: Any) -> str:
    number = "*" if e.is_final else e.rule_number
    return f"{'out' if e.egress else 'in'} {number} {e.rule_action} {e.cidr}"


def _eni_ip(net: Network, eni_id: str | None) -> str | None:
    eni = net.world.get(eni_id, NetworkInterface) if eni_id else None
    return eni.public_ip if eni is not None else None


#: (section, model class, columns) in the order ``show`` prints them; a section's title is the
#: class's LABEL, capitalised and plural
KINDS: list[tuple[str, type[Resource], list[Column]]] = [
    ("vpcs", Vpc, [("cidrs", lambda r, n: [*r.cidr_blocks, *r.ipv6_cidr_blocks])]),
    ("subnets", Subnet, [
        ("vpc", lambda r, n: _n(n, r.vpc_id)), ("cidr", lambda r, n: r.cidr_block),
        ("ipv6_cidr", lambda r, n: r.ipv6_cidr_block),
        ("az", lambda r, n: r.availability_zone), ("public", lambda r, n: r.map_public_ip_on_launch)]),
    ("route_tables", RouteTable, [
        ("vpc", lambda r, n: _n(n, r.vpc_id)), ("main", lambda r, n: r.main),
        ("subnets", lambda r, n: _ns(n, [a.subnet_id for a in r.associations if a.subnet_id])),
        ("routes", _routes)]),
    ("internet_gateways", InternetGateway, [("vpc", lambda r, n: _n(n, r.vpc_id))]),
    ("egress_only_internet_gateways", EgressOnlyInternetGateway, [("vpc", lambda r, n: _n(n, r.vpc_id))]),
    ("nat_gateways", NatGateway, [
        ("subnet", lambda r, n: _n(n, r.subnet_id)), ("connectivity", lambda r, n: r.connectivity_type),
        ("private_ip", lambda r, n: r.private_ip), ("public_ip", lambda r, n: r.public_ip)]),
    ("elastic_ips", Address, [
        ("public_ip", lambda r, n: r.public_ip), ("interface", lambda r, n: _n(n, r.network_interface_id))]),
    ("security_groups", SecurityGroup, [
        ("vpc", lambda r, n: _n(n, r.vpc_id)), ("group_name", lambda r, n: r.group_name),
        ("ingress", lambda r, n: _rules(r, r.ingress, n)), ("egress", lambda r, n: _rules(r, r.egress, n))]),
    ("network_acls", NetworkAcl, [
        ("vpc", lambda r, n: _n(n, r.vpc_id)), ("default", lambda r, n: r.is_default),
        ("subnets", lambda r, n: _ns(n, [a.subnet_id for a in r.associations])),
        ("entries", lambda r, n: [_acl_entry(e) for e in r.entries])]),
    ("network_interfaces", NetworkInterface, [
        ("subnet", lambda r, n: _n(n, r.subnet_id)), ("type", lambda r, n: r.interface_type),
        ("private_ip", lambda r, n: r.private_ip_address), ("public_ip", lambda r, n: r.public_ip),
        ("ipv6", lambda r, n: list(r.ipv6_addresses)), ("groups", lambda r, n: _ns(n, r.groups))]),
    ("instances", Instance, [
        ("subnet", lambda r, n: _n(n, r.subnet_id)), ("private_ip", lambda r, n: r.private_ip_address),
        ("ipv6", lambda r, n: r.ipv6_address),
        ("public_ip", lambda r, n: r.public_ip_address or _eni_ip(n, (r.network_interface_ids or [None])[0])),
        ("state", lambda r, n: r.state)]),
    ("prefix_lists", ManagedPrefixList, [("entries", lambda r, n: list(r.cidrs))]),
    ("peerings", VpcPeeringConnection, [
        ("requester", lambda r, n: _n(n, r.requester_vpc_id)),
        ("accepter", lambda r, n: _n(n, r.accepter_vpc_id)),
        ("accepter_account", lambda r, n: n.account_name(r.accepter_owner_id)),
        ("accepter_region", lambda r, n: r.accepter_region), ("status", lambda r, n: r.status_code)]),
    ("transit_gateways", TransitGateway, [
        ("asn", lambda r, n: r.options.amazon_side_asn),
        ("default_association", lambda r, n: r.options.default_route_table_association),
        ("default_propagation", lambda r, n: r.options.default_route_table_propagation)]),
    ("transit_gateway_attachments", TransitGatewayAttachment, [
        ("transit_gateway", lambda r, n: _n(n, r.transit_gateway_id)), ("type", lambda r, n: r.resource_type),
        ("resource", lambda r, n: _n(n, r.resource_id)), ("subnets", lambda r, n: _ns(n, r.subnet_ids)),
        ("route_table", lambda r, n: _n(n, r.association_route_table_id)), ("state", lambda r, n: r.state)]),
    ("transit_gateway_route_tables", TransitGatewayRouteTable, [
        ("transit_gateway", lambda r, n: _n(n, r.transit_gateway_id)),
        ("propagations", lambda r, n: _ns(n, r.propagations)),
        ("routes", _tgw_routes)]),
    ("load_balancers", LoadBalancer, [
        ("vpc", lambda r, n: _n(n, r.vpc_id)), ("subnets", lambda r, n: _ns(n, r.subnet_ids)),
        ("scheme", lambda r, n: r.scheme)]),
    ("endpoint_services", VpcEndpointService, [
        ("service_name", lambda r, n: r.service_name),
        ("acceptance_required", lambda r, n: r.acceptance_required)]),
    ("endpoints", VpcEndpoint, [
        ("vpc", lambda r, n: _n(n, r.vpc_id)), ("service", lambda r, n: r.service_name),
        ("type", lambda r, n: r.vpc_endpoint_type), ("state", lambda r, n: r.state),
        ("route_tables", lambda r, n: _ns(n, r.route_table_ids)),
        ("subnets", lambda r, n: _ns(n, r.subnet_ids))]),
    ("customer_gateways", CustomerGateway, [
        ("ip", lambda r, n: r.ip_address), ("asn", lambda r, n: r.bgp_asn)]),
    ("vpn_gateways", VpnGateway, [
        ("vpc", lambda r, n: _n(n, r.vpc_id)), ("asn", lambda r, n: r.amazon_side_asn)]),
    ("vpn_connections", VpnConnection, [
        ("customer_gateway", lambda r, n: _n(n, r.customer_gateway_id)),
        ("gateway", lambda r, n: _n(n, r.vpn_gateway_id or r.transit_gateway_id)),
        ("routing", lambda r, n: "static" if r.static_routes_only else "bgp"),
        ("static_routes", lambda r, n: [x.destination_cidr_block for x in r.routes])]),
    ("direct_connect_gateways", DirectConnectGateway, [
        ("asn", lambda r, n: r.amazon_side_asn),
        ("associations", lambda r, n: [
            f"{n.name(a.associated_gateway_id)}: {', '.join(a.allowed_prefixes) or '-'}"
            for a in n.world.all(DirectConnectGatewayAssociation)
            if a.direct_connect_gateway_id == r.id and a.live])]),
    ("virtual_interfaces", VirtualInterface, [
        ("type", lambda r, n: r.virtual_interface_type),
        ("gateway", lambda r, n: _n(n, r.direct_connect_gateway_id or r.virtual_gateway_id)),
        ("vlan", lambda r, n: r.vlan), ("asn", lambda r, n: r.asn), ("bgp", lambda r, n: r.bgp_status),
        ("on_premises", lambda r, n: list(r.advertised_cidrs))]),
    ("shares", ResourceShare, [
        ("resources", lambda r, n: _ns(n, r.resource_ids)),
        ("principals", lambda r, n: [n.account_name(p) for p in r.principals])]),
]


def as_dict(net: Network) -> dict[str, list[dict[str, Value]]]:
    """Every resource as JSON-ready rows, grouped by kind (stable: creation order, fixed keys)."""
    out: dict[str, list[dict[str, Value]]] = {}
    for section, kind, columns in KINDS:
        rows = []
        for res in net.world.all(kind):
            row: dict[str, Value] = {"id": res.id, "name": net.name(res.id), "account": res.owner_id,
                                     "region": res.region}
            for col, fn in columns:
                row[col] = fn(res, net)
            rows.append(row)
        if rows:
            out[section] = rows
    return out


#: what ``validate`` counts, with singular and plural names
SUMMARY: list[tuple[str, str, str]] = [
    ("vpcs", "VPC", "VPCs"), ("subnets", "subnet", "subnets"),
    ("route_tables", "route table", "route tables"),
    ("security_groups", "security group", "security groups"), ("peerings", "peering", "peerings"),
    ("transit_gateways", "transit gateway", "transit gateways"),
    ("transit_gateway_attachments", "TGW attachment", "TGW attachments"),
    ("endpoints", "endpoint", "endpoints"), ("vpn_connections", "VPN connection", "VPN connections"),
    ("instances", "instance", "instances"), ("nat_gateways", "NAT gateway", "NAT gateways"),
    ("direct_connect_gateways", "Direct Connect gateway", "Direct Connect gateways"),
    ("virtual_interfaces", "virtual interface", "virtual interfaces"),
    ("shares", "share", "shares"),
]


def title(kind: type[Resource]) -> str:
    """A ``show`` table's title: the kind's label, capitalised, plural (``VPC peering connections``)."""
    return kind.LABEL[:1].upper() + kind.LABEL[1:] + "s"


def summary(net: Network) -> str:
    """"2 VPCs, 3 subnets, 5 route tables, 1 peering" — zero counts are left out (VPCs always shown)."""
    counts = {section: sum(1 for _ in net.world.all(kind)) for section, kind, _ in KINDS}
    parts = []
    for section, one, many in SUMMARY:
        n = counts.get(section, 0)
        if n or section == "vpcs":
            parts.append(f"{n} {one if n == 1 else many}")
    return ", ".join(parts)
