"""Candidate designs over a real network's VPCs: its topology document (``vpclab export yaml``'s)
with the connections between VPCs taken out, then joined again by a full mesh of peerings, by a
transit gateway hub per Region (peered across Regions, shared across accounts), or folded into one
shared VPC per Region (the VPCs' CIDR blocks, subnets and workloads kept as they are).

Only what joins VPCs changes; what a candidate cannot carry over (a VPN or Direct Connect link that
rode on a removed transit gateway) is said in its notes.
"""

from __future__ import annotations

import copy
import ipaddress
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations
from typing import Any

Topology = dict[str, Any]


def _cidrs(vpc: dict[str, Any]) -> list[str]:
    return list(vpc.get("cidrs") or [vpc["cidr"]])


def _summaries(cidrs: Iterable[str]) -> list[str]:
    """The private blocks (RFC 1918) that hold these CIDRs, else the CIDRs themselves: the few
    routes a spoke needs toward a hub (its own, more specific local route still wins)."""
    blocks = [ipaddress.ip_network(b) for b in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]
    out: list[str] = []
    for c in cidrs:
        net = ipaddress.ip_network(c)
        block = next((b for b in blocks if net.subnet_of(b)), net)  # type: ignore[arg-type]
        if str(block) not in out:
            out.append(str(block))
    return out


#: the tag a shared VPC's subnets keep their former VPC's name in (intents' {vpc: NAME} follow it)
VPC_TAG = "vpclab:vpc"
_VPC_PARTS = (
    "subnets",
    "route_tables",
    "security_groups",
    "network_acls",
    "nat_gateways",
    "network_interfaces",
    "instances",
    "endpoints",
)


def strip(topology: Topology) -> tuple[Topology, list[str]]:
    """The VPCs without what joins them: peerings, transit gateways and the routes to them."""
    doc = copy.deepcopy(topology)
    notes: list[str] = []
    doc.pop("peerings", None)
    tgws = set(doc.pop("transit_gateways", None) or {})
    for name, vpn in list((doc.get("vpn_connections") or {}).items()):
        if vpn.get("transit_gateway") in tgws:
            del doc["vpn_connections"][name]
            notes.append(
                f"VPN connection {name} rode on transit gateway {vpn['transit_gateway']}: not re-created"
            )
    for name, dx in (doc.get("direct_connect_gateways") or {}).items():
        for gw in [g for g in dx.get("associations") or {} if g in tgws]:
            del dx["associations"][gw]
            notes.append(
                f"Direct Connect gateway {name}'s association with transit gateway {gw}: not re-created"
            )
    for share in (doc.get("shares") or {}).values():
        share["resources"] = [r for r in share.get("resources") or [] if r not in tgws]
    doc["shares"] = {k: v for k, v in (doc.get("shares") or {}).items() if v.get("resources")}
    for vpc in (doc.get("vpcs") or {}).values():
        for table in (vpc.get("route_tables") or {}).values():
            routes = table.get("routes") or {}
            kept = {d: t for d, t in routes.items() if not str(t).startswith(("pcx:", "tgw:"))}
            if routes:
                table["routes"] = kept
    for key in [k for k, v in doc.items() if v in ({}, [])]:
        del doc[key]
    return doc, notes


def _region(doc: Topology, vpc: dict[str, Any]) -> str:
    return str(vpc.get("region") or doc.get("region") or "us-east-1")


def _account(doc: Topology, spec: dict[str, Any]) -> str:
    return str(spec.get("account") or doc.get("account") or "123456789012")


def _tables_with_main(name: str, vpc: dict[str, Any]) -> list[dict[str, Any]]:
    """The VPC's route tables that carry traffic, its main table added when a subnet uses it."""
    tables = vpc.setdefault("route_tables", {})
    associated = {s for t in tables.values() for s in t.get("subnets") or []}
    if not any(t.get("main") for t in tables.values()) and set(vpc.get("subnets") or {}) - associated:
        tables[f"{name}-main"] = {"main": True}
    return [t for t in tables.values() if not t.get("edge")]


def mesh(doc: Topology) -> Topology:
    """A peering between every two VPCs (across Regions and accounts too); in every table that
    carries traffic, a route to each peer's CIDR blocks."""
    doc = copy.deepcopy(doc)
    vpcs = doc.get("vpcs") or {}
    peerings = doc.setdefault("peerings", {})
    for a, b in combinations(sorted(vpcs), 2):
        name = f"{a}--{b}"
        peerings[name] = {"requester": a, "accepter": b}
        for here, there in ((a, b), (b, a)):
            for table in _tables_with_main(here, vpcs[here]):
                routes = table.setdefault("routes", {})
                for cidr in _cidrs(vpcs[there]):
                    routes.setdefault(cidr, f"pcx:{name}")
    return doc


def hub(doc: Topology, segments: list[list[str]] | None = None) -> Topology:
    """A transit gateway per Region in the network's own account, every VPC attached (a subnet per
    AZ), shared through RAM with the other accounts, hubs peered across Regions with static routes
    to the far Region's VPCs, and in every table a summary route to its Region's hub.

    With ``segments`` (groups of VPC names; one Region): no default association or propagation,
    but a route table per segment, associated with and propagated from its members only — AWS's
    "isolated VPCs" design, where a VPC reaches only its own segment."""
    doc = copy.deepcopy(doc)
    vpcs = doc.get("vpcs") or {}
    by_region: dict[str, list[str]] = defaultdict(list)
    for name, vpc in sorted(vpcs.items()):
        by_region[_region(doc, vpc)].append(name)
    summary = _summaries(c for v in vpcs.values() for c in _cidrs(v))
    owner = _account(doc, {})
    tgws = doc.setdefault("transit_gateways", {})
    hubs = {r: f"hub-{r}" if len(by_region) > 1 else "hub" for r in by_region}
    for region, names in sorted(by_region.items()):
        attachments: dict[str, Any] = {}
        for name in names:
            per_az: dict[str, str] = {}
            for sname, subnet in (vpcs[name].get("subnets") or {}).items():
                if subnet.get("cidr"):
                    per_az.setdefault(str(subnet.get("az", "")), sname)
            attachments[f"{hubs[region]}-{name}"] = {"vpc": name, "subnets": sorted(per_az.values())}
            for table in _tables_with_main(name, vpcs[name]):
                routes = table.setdefault("routes", {})
                for cidr in summary:
                    routes.setdefault(cidr, f"tgw:{hubs[region]}")
        spec: dict[str, Any] = {
            "options": {"auto_accept_shared_attachments": True},
            "attachments": attachments,
        }
        if segments is not None:
            spec["options"].update(
                default_route_table_association=False, default_route_table_propagation=False
            )
            spec["route_tables"] = {
                f"{hubs[region]}-segment-{k}": {
                    "associations": [f"{hubs[region]}-{n}" for n in group],
                    "propagations": [f"{hubs[region]}-{n}" for n in group],
                }
                for k, group in enumerate(segments, 1)
            }
        if region != doc.get("region"):
            spec["region"] = region
        tgws[hubs[region]] = spec
        others = sorted({_account(doc, vpcs[n]) for n in names} - {owner})
        if others:
            doc.setdefault("shares", {})[f"{hubs[region]}-share"] = {
                "resources": [hubs[region]],
                "principals": others,
            }
    regions = sorted(by_region)
    tables: dict[str, dict[str, Any]] = {r: {} for r in regions}
    for r1, r2 in combinations(regions, 2):
        peer = f"{hubs[r1]}--{hubs[r2]}"
        tgws[hubs[r1]]["attachments"][peer] = {"peer": hubs[r2]}
        for here, there in ((r1, r2), (r2, r1)):
            for name in by_region[there]:
                for cidr in _cidrs(vpcs[name]):
                    tables[here][cidr] = peer
    for region, routes in tables.items():
        if routes:
            tgws[hubs[region]]["route_tables"] = {f"{hubs[region]}-rt": {"default": True, "routes": routes}}
    return doc


def share(doc: Topology) -> tuple[Topology, list[str]]:
    """One VPC per Region, owned by the network's account, holding every VPC's CIDR blocks (the
    first VPC's primary first), subnets, tables, groups and workloads; the subnets of other
    accounts' VPCs shared back to them through RAM. Subnets keep their former VPC's name in the
    ``vpclab:vpc`` tag. Traffic between the former VPCs becomes local."""
    doc = copy.deepcopy(doc)
    notes: list[str] = []
    vpcs = doc.get("vpcs") or {}
    owner = _account(doc, {})
    by_region: dict[str, list[str]] = defaultdict(list)
    for name, vpc in sorted(vpcs.items()):
        by_region[_region(doc, vpc)].append(name)
    merged_all: dict[str, Any] = {}
    shares = doc.setdefault("shares", {})
    for region, names in sorted(by_region.items()):
        target = "shared" if len(by_region) == 1 else f"shared-{region}"
        merged: dict[str, Any] = {"cidrs": [c for n in names for c in _cidrs(vpcs[n])]}
        if region != doc.get("region"):
            merged["region"] = region
        shared_out: dict[str, list[str]] = defaultdict(list)
        main_taken = False
        for k, name in enumerate(names):
            vpc = vpcs[name]
            account = _account(doc, vpc)
            if k:
                _own_default_group(name, vpc, notes)
            for key in ("internet_gateway", "egress_only_internet_gateway", "ipv6"):
                if vpc.get(key) and key not in merged:
                    merged[key] = vpc[key]
            tables = vpc.get("route_tables") or {}
            associated = {s for t in tables.values() for s in t.get("subnets") or []}
            for tname, table in tables.items():
                if table.get("main"):
                    if main_taken:  # another VPC's main table: an explicit table for the subnets it served
                        table = {k: v for k, v in table.items() if k != "main"}
                        table["subnets"] = sorted(set(vpc.get("subnets") or {}) - associated)
                    main_taken = True
                merged.setdefault("route_tables", {})[tname] = table
            for part in _VPC_PARTS:
                if part == "route_tables":
                    continue
                for item, spec in (vpc.get(part) or {}).items():
                    spec = dict(spec)
                    if part == "subnets":
                        spec["tags"] = {**(spec.get("tags") or {}), VPC_TAG: name}
                        if account != owner:
                            shared_out[account].append(item)
                    elif account != owner and part in ("security_groups", "instances", "network_interfaces"):
                        spec.setdefault("account", account)
                    merged.setdefault(part, {})[item] = spec
        merged_all[target] = merged
        for account, subnets in sorted(shared_out.items()):
            shares[f"{target}-{account}"] = {"resources": subnets, "principals": [account]}
    doc["vpcs"] = merged_all
    if not shares:
        doc.pop("shares", None)
    return doc, notes


def _own_default_group(name: str, vpc: dict[str, Any], notes: list[str]) -> None:
    """A VPC folded into another's keeps its default group's meaning: the group becomes an ordinary
    one that admits its own members (what a default group does), and its instances that used the
    default implicitly name it. Its default network ACL's own rules are not carried over."""
    groups = vpc.setdefault("security_groups", {})
    default = next((g for g, spec in groups.items() if spec.get("default")), None)
    if default is None:
        default = f"{name}-default-group"
        groups[default] = {}
    spec = groups[default]
    spec.pop("default", None)
    spec["ingress"] = [*(spec.get("ingress") or []), {"protocol": "all", "group": default}]
    for inst in (vpc.get("instances") or {}).values():
        inst.setdefault("groups", [default])
    for acl, acl_spec in list((vpc.get("network_acls") or {}).items()):
        if acl_spec.get("default"):
            del vpc["network_acls"][acl]
            notes.append(
                f"{acl}, the default network ACL of {name}: its rules are not carried into the shared VPC"
            )


def build(design: str, doc: Topology, segments: list[list[str]] | None = None) -> tuple[Topology, list[str]]:
    """The candidate ``design`` over the stripped document ``doc``, and its notes."""
    if design == "mesh":
        return mesh(doc), []
    if design == "transit-gateway":
        return hub(doc), []
    if design == "transit-gateway-segmented":
        return hub(doc, segments or []), [f"segments: {'; '.join(', '.join(g) for g in segments or [])}"]
    if design == "shared-vpc":
        return share(doc)
    raise ValueError(f"unknown design {design!r}")
