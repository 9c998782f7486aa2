"""The sweep's designs as topology documents (the YAML format, as dicts): generated VPCs joined by a
full mesh of peerings or a transit gateway hub (the same builders ``vpclab advise`` uses on a real
network, advisor/candidates.py), or renumbered into one shared VPC.

Each candidate is built by loading its document (``vpclab.loads``), i.e. through the ControlPlane:
AWS's rules hold, and a design AWS would refuse (more peerings than a VPC may have, more routes
than a table takes) fails to load with AWS's error — reported as not buildable, never drawn.
"""

from __future__ import annotations

import copy
import ipaddress
from typing import Any

from .candidates import Topology, hub, mesh

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
