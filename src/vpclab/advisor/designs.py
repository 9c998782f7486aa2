"""Candidate designs as topology documents (the YAML format, as dicts): the same VPCs joined by a
full mesh of peerings, by a transit gateway hub, or folded into one shared VPC.

Each candidate is built by loading its document (``vpclab.loads``), i.e. through the ControlPlane:
AWS's rules hold, and a design AWS would refuse (more peerings than a VPC may have, more routes
than a table takes) fails to load with AWS's error — reported as not buildable, never drawn.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Iterable
from itertools import combinations
from typing import Any

Topology = dict[str, Any]
DESIGNS = ("mesh", "transit-gateway", "shared-vpc")


def synthetic(n: int, *, azs: int = 2, region: str = "us-east-1") -> Topology:
    """``n`` VPCs (10.i.0.0/16), each with one /24 subnet in AZ ``i % azs``, a route table, a
    security group admitting 10.0.0.0/8 and one instance: the workloads the designs connect."""
    if not 1 <= n <= 250:
        raise ValueError(f"a synthetic network has 1 to 250 VPCs, not {n}")
    if not 1 <= azs <= 3:
        raise ValueError(f"azs must be 1, 2 or 3, not {azs}")
    vpcs: dict[str, Any] = {}
    for i in range(n):
        vpcs[f"team{i}"] = {
            "cidr": f"10.{i}.0.0/16",
            "subnets": {f"team{i}-app": {"cidr": f"10.{i}.1.0/24", "az": f"{region}{'abc'[i % azs]}"}},
            "route_tables": {f"team{i}-rt": {"subnets": [f"team{i}-app"], "routes": {}}},
            "security_groups": {f"team{i}-sg": {"ingress": [{"protocol": "all", "cidr": "10.0.0.0/8"}]}},
            "instances": {f"team{i}-host": {"subnet": f"team{i}-app", "groups": [f"team{i}-sg"]}},
        }
    return {"region": region, "vpcs": vpcs}


def build(design: str, topology: Topology) -> Topology:
    """The document of ``design`` over ``topology``'s VPCs (a copy; the input is not changed)."""
    if design == "mesh":
        return mesh(topology)
    if design == "transit-gateway":
        return hub(topology)
    if design == "shared-vpc":
        return shared(topology)
    raise ValueError(f"design must be one of {', '.join(DESIGNS)}, not {design!r}")


def _cidrs(vpc: dict[str, Any]) -> list[str]:
    return list(vpc.get("cidrs") or [vpc["cidr"]])


def _tables(vpc: dict[str, Any]) -> Iterable[dict[str, Any]]:
    return (t for t in (vpc.get("route_tables") or {}).values() if isinstance(t, dict))


def mesh(topology: Topology) -> Topology:
    """A VPC peering connection between every two VPCs and, in every route table, a route to each
    peer's CIDR blocks (peering is not transitive: n(n-1)/2 connections, n-1 routes a table)."""
    doc = copy.deepcopy(topology)
    vpcs = doc["vpcs"]
    peerings = doc.setdefault("peerings", {})
    for a, b in combinations(sorted(vpcs), 2):
        name = f"{a}--{b}"
        peerings[name] = {"requester": a, "accepter": b}
        for here, there in ((a, b), (b, a)):
            for table in _tables(vpcs[here]):
                routes = table.setdefault("routes", {})
                for cidr in _cidrs(vpcs[there]):
                    routes[cidr] = f"pcx:{name}"
    return doc


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


def hub(topology: Topology) -> Topology:
    """One transit gateway ("hub"), every VPC attached (one subnet per AZ), default association and
    propagation, and in every route table a summary route to the hub (one per private block)."""
    doc = copy.deepcopy(topology)
    vpcs = doc["vpcs"]
    attachments: dict[str, Any] = {}
    every = [c for v in vpcs.values() for c in _cidrs(v)]
    summary = _summaries(every)
    for name, vpc in sorted(vpcs.items()):
        per_az: dict[str, str] = {}
        for sname, subnet in (vpc.get("subnets") or {}).items():
            per_az.setdefault(str(subnet.get("az", "")), sname)
        attachments[f"hub-{name}"] = {"vpc": name, "subnets": sorted(per_az.values())}
        for table in _tables(vpc):
            routes = table.setdefault("routes", {})
            for cidr in summary:
                routes.setdefault(cidr, "tgw:hub")
    doc.setdefault("transit_gateways", {})["hub"] = {"attachments": attachments}
    return doc


def shared(topology: Topology, *, cidr: str = "10.0.0.0/16") -> Topology:
    """One VPC (``cidr``) owning every subnet — renumbered into its /24s, in their own AZs — with
    the workloads, groups and tables moved in: what sharing subnets through AWS RAM gives each
    team, without any connection between VPCs. Routes to other VPCs are dropped (all is local)."""
    doc = copy.deepcopy(topology)
    block = ipaddress.ip_network(cidr)
    slots = block.subnets(new_prefix=24)
    merged: dict[str, Any] = {
        "cidr": cidr,
        "subnets": {},
        "route_tables": {},
        "security_groups": {},
        "instances": {},
    }
    renumbered: dict[str, str] = {}
    for _, vpc in sorted(doc["vpcs"].items()):
        for sname, subnet in (vpc.get("subnets") or {}).items():
            try:
                new = str(next(slots))
            except StopIteration:
                raise ValueError(f"{cidr} has no room for another /24 subnet") from None
            renumbered[str(subnet.get("cidr"))] = new
            merged["subnets"][sname] = dict(subnet, cidr=new)
        for tname, table in (vpc.get("route_tables") or {}).items():
            merged["route_tables"][tname] = {"subnets": list(table.get("subnets") or [])}
        for kind in ("security_groups", "instances"):
            merged[kind].update(vpc.get(kind) or {})
    for sg in merged["security_groups"].values():
        for rule in sg.get("ingress") or []:
            if rule.get("cidr") and not ipaddress.ip_network(rule["cidr"]).supernet_of(block):  # type: ignore[arg-type]
                rule["cidr"] = cidr
    for inst in merged["instances"].values():
        inst.pop("private_ip", None)  # renumbered subnets: addresses are assigned again
    doc["vpcs"] = {"shared": merged}
    return doc
