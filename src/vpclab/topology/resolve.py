"""Name resolution: every declared resource with its account and Region, and every reference checked.

Names are unique across the whole file. A reference to a missing name, or to a name of another
kind, is a Problem at the reference ("unknown subnet 'webb' (did you mean 'web'?)").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..core.source import Loc, Source
from ..model.regions import DEFAULT_ACCOUNT, DEFAULT_REGION, is_region
from ..model.route_table import YAML_TARGETS
from .errors import Problem
from .schema import Topology

LABELS = {
    "vpc": "VPC", "subnet": "subnet", "route_table": "route table", "security_group": "security group",
    "network_acl": "network ACL", "nat_gateway": "NAT gateway", "network_interface": "network interface",
    "instance": "instance", "endpoint": "endpoint", "internet_gateway": "internet gateway",
    "elastic_ip": "Elastic IP", "prefix_list": "prefix list", "peering": "peering",
    "transit_gateway": "transit gateway", "tgw_attachment": "transit gateway attachment",
    "tgw_route_table": "transit gateway route table", "endpoint_service": "endpoint service",
    "customer_gateway": "customer gateway", "vpn_gateway": "VPN gateway", "vpn_connection": "VPN connection",
    "share": "resource share",
}

#: VPC member sections → the kind of what they declare
VPC_SECTIONS = {
    "subnets": "subnet", "route_tables": "route_table", "security_groups": "security_group",
    "network_acls": "network_acl", "nat_gateways": "nat_gateway", "network_interfaces": "network_interface",
    "instances": "instance", "endpoints": "endpoint",
}
#: top-level sections (besides vpcs) → kind
TOP_SECTIONS = {
    "elastic_ips": "elastic_ip", "prefix_lists": "prefix_list", "peerings": "peering",
    "transit_gateways": "transit_gateway", "endpoint_services": "endpoint_service",
    "customer_gateways": "customer_gateway", "vpn_gateways": "vpn_gateway",
    "vpn_connections": "vpn_connection", "shares": "share",
}
#: route target kinds (``nat:NAME``) → the kind of the named resource
ROUTE_TARGETS = {spelling: {"vpc_peering_connection": "peering", "vpc_endpoint": "endpoint"}.get(
                     t.kinds[0], t.kinds[0])
                 for spelling, t in YAML_TARGETS.items()}
#: what a route's target may be, as the error for an unknown one lists it
TARGET_SPELLINGS = ", ".join(["igw", "eigw", "vgw", *(f"{k}:NAME" for k in YAML_TARGETS)])
ACCOUNT_ID = re.compile(r"^\d{12}$")


@dataclass
class Decl:
    """One declared resource: where it is in the file, its spec, and where it lives in AWS."""

    kind: str
    name: str
    loc: Loc
    spec: Any
    account: str
    region: str
    vpc: str | None = None  # the owning VPC's name, for resources inside a VPC
    parent: str | None = None  # the owning transit gateway, for TGW attachments and route tables

    @property
    def label(self) -> str:
        return f"{LABELS[self.kind]} {self.name}"


@dataclass
class Plan:
    """What the file declares, resolved: names → declarations, friendly account names → ids."""

    source: Source
    topo: Topology
    accounts: dict[str, str]
    decls: dict[str, Decl] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def of(self, kind: str) -> list[Decl]:
        return [d for d in self.decls.values() if d.kind == kind]

    def problem(self, loc: Loc, message: str, *, code: str | None = None, key: bool = False) -> None:
        self.problems.append(self.source.problem(loc, message, code=code, key=key))

    def account_of(self, ref: str | None, loc: Loc, default: str) -> str:
        if ref is None:
            return default
        if ref in self.accounts:
            return self.accounts[ref]
        if ACCOUNT_ID.match(ref):
            return ref
        hint = _hint(ref, self.accounts)
        self.problem(loc, f"unknown account '{ref}'{hint}: "
                          "name it under accounts: or give a 12-digit account id")
        return default

    def region_of(self, ref: str | None, loc: Loc, default: str) -> str:
        if ref is None:
            return default
        if not is_region(ref):
            from ..model.regions import REGIONS

            self.problem(loc, f"unknown Region '{ref}'{_hint(ref, REGIONS)}")
            return default
        return ref

    def ref(self, loc: Loc, name: str, *kinds: str, vpc: str | None = None) -> bool:
        """Check that ``name`` is declared as one of ``kinds`` (inside ``vpc`` when given)."""
        what = " or ".join(LABELS[k] for k in kinds)
        decl = self.decls.get(name)
        if decl is None:
            candidates = [n for n, d in self.decls.items() if d.kind in kinds]
            self.problem(loc, f"unknown {what} '{name}'{_hint(name, candidates)}")
            return False
        if decl.kind not in kinds:
            self.problem(loc, f"'{name}' is a {LABELS[decl.kind]}, not a {what}")
            return False
        if vpc is not None and decl.vpc is not None and decl.vpc != vpc:
            self.problem(loc, f"{decl.label} is in VPC {decl.vpc}, not in VPC {vpc}")
            return False
        return True


def _hint(name: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def resolve(source: Source, topo: Topology) -> Plan:
    """Declare every named resource (duplicates are problems), then check every reference."""
    accounts: dict[str, str] = {}
    plan = Plan(source, topo, accounts)
    for friendly, acct in topo.accounts.items():
        if not ACCOUNT_ID.match(acct):
            plan.problem(("accounts", friendly),
                         f"account {friendly}: expected a 12-digit account id, got '{acct}'")
        accounts[friendly] = acct
    account = plan.account_of(topo.account, ("account",), DEFAULT_ACCOUNT)
    region = plan.region_of(topo.region, ("region",), DEFAULT_REGION)
    _declare_all(plan, account, region)
    _check_references(plan)
    return plan


def _declare(plan: Plan, decl: Decl) -> None:
    other = plan.decls.get(decl.name)
    if other is not None:
        line, _ = plan.source.position(other.loc, key=True)
        plan.problem(decl.loc, f"duplicate name '{decl.name}': already used by the {LABELS[other.kind]} "
                               f"on line {line} (names are unique across the file)", key=True)
        return
    plan.decls[decl.name] = decl


def _declare_all(plan: Plan, account: str, region: str) -> None:
    topo = plan.topo
    for vname, vpc in topo.vpcs.items():
        vloc: Loc = ("vpcs", vname)
        v_acct = plan.account_of(vpc.account, (*vloc, "account"), account)
        v_region = plan.region_of(vpc.region, (*vloc, "region"), region)
        _declare(plan, Decl("vpc", vname, vloc, vpc, v_acct, v_region))
        if isinstance(vpc.internet_gateway, str):
            _declare(plan, Decl("internet_gateway", vpc.internet_gateway, (*vloc, "internet_gateway"), None,
                                v_acct, v_region, vpc=vname))
        for section, kind in VPC_SECTIONS.items():
            for name, spec in getattr(vpc, section).items():
                loc = (*vloc, section, name)
                acct = plan.account_of(spec.account, (*loc, "account"), v_acct)
                _declare(plan, Decl(kind, name, loc, spec, acct, v_region, vpc=vname))
    for section, kind in TOP_SECTIONS.items():
        for name, spec in getattr(topo, section).items():
            loc = (section, name)
            if kind == "peering":  # a peering lives with its requester (checked below)
                _declare(plan, Decl(kind, name, loc, spec, account, region))
                continue
            acct = plan.account_of(spec.account, (*loc, "account"), account)
            reg = plan.region_of(spec.region, (*loc, "region"), region)
            _declare(plan, Decl(kind, name, loc, spec, acct, reg))
            if kind == "transit_gateway":
                for sub, sub_kind in (("attachments", "tgw_attachment"), ("route_tables", "tgw_route_table")):
                    for sname, sspec in getattr(spec, sub).items():
                        sub_loc = (*loc, sub, sname)
                        _declare(plan, Decl(sub_kind, sname, sub_loc, sspec, acct, reg, parent=name))


def _check_references(plan: Plan) -> None:
    for d in list(plan.decls.values()):
        _CHECKS.get(d.kind, lambda p, d: None)(plan, d)


def _check_list(plan: Plan, d: Decl, key: str, kinds: tuple[str, ...], vpc: str | None = None) -> None:
    for i, name in enumerate(getattr(d.spec, key)):
        plan.ref((*d.loc, key, i), name, *kinds, vpc=vpc)


def _check_route_table(plan: Plan, d: Decl) -> None:
    _check_list(plan, d, "subnets", ("subnet",), d.vpc)
    vpc = plan.topo.vpcs[d.vpc or ""]
    if d.spec.edge == "igw" and not vpc.internet_gateway:
        plan.problem((*d.loc, "edge"), f"{d.label}: VPC {d.vpc} has no internet gateway to edge-associate "
                                       "(add internet_gateway: true)")
    if d.spec.edge == "vgw" and not any(g.spec.vpc == d.vpc for g in plan.of("vpn_gateway")):
        plan.problem((*d.loc, "edge"), f"{d.label}: no VPN gateway is attached to VPC {d.vpc} "
                                       "(add one under vpn_gateways:)")
    for dest, target in d.spec.routes.items():
        loc = (*d.loc, "routes", dest)
        if dest.startswith("pl:"):
            plan.ref(loc, dest[3:], "prefix_list")
        kind, _, name = target.partition(":")
        if target == "igw":
            if not vpc.internet_gateway:
                plan.problem(loc, f"route {dest}: VPC {d.vpc} has no internet gateway "
                                  "(add internet_gateway: true)")
        elif target == "eigw":
            if not vpc.egress_only_internet_gateway:
                plan.problem(loc, f"route {dest}: VPC {d.vpc} has no egress-only internet gateway "
                                  "(add egress_only_internet_gateway: true)")
        elif target == "vgw":
            if not any(g.spec.vpc == d.vpc for g in plan.of("vpn_gateway")):
                plan.problem(loc, f"route {dest}: no VPN gateway is attached to VPC {d.vpc} "
                                  "(add one under vpn_gateways:)")
        elif kind in ROUTE_TARGETS and name:
            inside = d.vpc if kind == "vpce" else None  # a route names its own VPC's endpoint
            if plan.ref(loc, name, ROUTE_TARGETS[kind], vpc=inside) and kind == "pcx":
                pcx = plan.decls[name].spec
                if d.vpc not in (pcx.requester, pcx.accepter):
                    plan.problem(loc, f"route {dest}: peering {name} does not connect VPC {d.vpc}")
        else:
            decl = plan.decls.get(target)
            prefix = {v: k for k, v in ROUTE_TARGETS.items()}.get(decl.kind) if decl else None
            hint = f" (did you mean '{prefix}:{target}'?)" if prefix else ""
            expected = " or ".join(TARGET_SPELLINGS.rsplit(", ", 1))
            plan.problem(loc, f"route {dest}: unknown target '{target}'{hint}: expected {expected}")


def _check_rules(plan: Plan, d: Decl) -> None:
    for direction in ("ingress", "egress"):
        for i, rule in enumerate(getattr(d.spec, direction) or []):
            loc = (*d.loc, direction, i)
            if rule.group is not None:
                plan.ref((*loc, "group"), rule.group, "security_group")
            if rule.prefix_list is not None:
                plan.ref((*loc, "prefix_list"), rule.prefix_list, "prefix_list")


def _check_interface(plan: Plan, d: Decl) -> None:
    plan.ref((*d.loc, "subnet"), d.spec.subnet, "subnet", vpc=d.vpc)
    _check_list(plan, d, "groups", ("security_group",), d.vpc)
    if d.spec.elastic_ip is not None:
        plan.ref((*d.loc, "elastic_ip"), d.spec.elastic_ip, "elastic_ip")


def _check_endpoint(plan: Plan, d: Decl) -> None:
    _check_list(plan, d, "route_tables", ("route_table",), d.vpc)
    _check_list(plan, d, "subnets", ("subnet",), d.vpc)
    _check_list(plan, d, "groups", ("security_group",), d.vpc)
    if d.spec.endpoint_service is not None:
        plan.ref((*d.loc, "endpoint_service"), d.spec.endpoint_service, "endpoint_service")


def _check_peering(plan: Plan, d: Decl) -> None:
    ok = [plan.ref((*d.loc, side), getattr(d.spec, side), "vpc") for side in ("requester", "accepter")]
    if ok[0]:
        req = plan.decls[d.spec.requester]
        d.account, d.region = req.account, req.region


def _check_tgw_attachment(plan: Plan, d: Decl) -> None:
    if d.spec.vpc is not None and plan.ref((*d.loc, "vpc"), d.spec.vpc, "vpc"):
        _check_list(plan, d, "subnets", ("subnet",), d.spec.vpc)
        if not d.spec.subnets:
            plan.problem(d.loc, f"{d.label}: missing required key 'subnets' "
                                "(one subnet per Availability Zone)")
    if (d.spec.peer is not None and plan.ref((*d.loc, "peer"), d.spec.peer, "transit_gateway")
            and d.spec.peer == d.parent):
        plan.problem((*d.loc, "peer"), f"{d.label}: a transit gateway cannot peer with itself")


def tgw_attachment_names(plan: Plan, tgw: str) -> dict[str, str]:
    """Attachment names a route table of ``tgw`` may use → the name the attachment's id is kept under.

    Its own attachments, peering attachments from other transit gateways to it, and the VPN
    connections that end on it (a VPN connection's attachment is named after the connection).
    """
    names: dict[str, str] = {}
    for a in plan.of("tgw_attachment"):
        if a.parent == tgw or a.spec.peer == tgw:
            names[a.name] = a.name
    for v in plan.of("vpn_connection"):
        if v.spec.transit_gateway == tgw:
            names[v.name] = f"{v.name}/attachment"
    return names


def _check_tgw_route_table(plan: Plan, d: Decl) -> None:
    usable = tgw_attachment_names(plan, d.parent or "")
    refs = [(("associations", i), n) for i, n in enumerate(d.spec.associations)]
    refs += [(("propagations", i), n) for i, n in enumerate(d.spec.propagations)]
    refs += [(("routes", dest), n) for dest, n in d.spec.routes.items() if n != "blackhole"]
    for sub, name in refs:
        if name not in usable:
            plan.problem(d.loc + sub, f"unknown attachment '{name}' of transit gateway {d.parent}"
                                      f"{_hint(name, usable)}: expected one of its attachments, a peering "
                                      "attachment to it, a VPN connection to it" +
                                      (" or blackhole" if sub[0] == "routes" else ""))
    defaults = sum(1 for r in plan.of("tgw_route_table") if r.parent == d.parent and r.spec.default)
    if defaults > 1 and d.spec.default:
        plan.problem((*d.loc, "default"), f"{d.label}: only one route table can be the default one")


def _check_endpoint_service(plan: Plan, d: Decl) -> None:
    key = "nlb" if d.spec.nlb is not None else "gwlb"
    lb = d.spec.nlb or d.spec.gwlb
    for i, name in enumerate(lb.subnets):
        plan.ref((*d.loc, key, "subnets", i), name, "subnet")
    for i, name in enumerate(lb.targets):
        plan.ref((*d.loc, key, "targets", i), name, "instance")
    for i, name in enumerate(d.spec.nlb.groups if d.spec.nlb is not None else ()):
        plan.ref((*d.loc, "nlb", "groups", i), name, "security_group")
    for i, acct in enumerate(d.spec.allowed_principals):
        plan.account_of(acct, (*d.loc, "allowed_principals", i), d.account)


def _check_vpn_gateway(plan: Plan, d: Decl) -> None:
    if d.spec.vpc is not None:
        plan.ref((*d.loc, "vpc"), d.spec.vpc, "vpc")


def _check_vpn_connection(plan: Plan, d: Decl) -> None:
    plan.ref((*d.loc, "customer_gateway"), d.spec.customer_gateway, "customer_gateway")
    if d.spec.vpn_gateway is not None:
        plan.ref((*d.loc, "vpn_gateway"), d.spec.vpn_gateway, "vpn_gateway")
    if d.spec.transit_gateway is not None:
        plan.ref((*d.loc, "transit_gateway"), d.spec.transit_gateway, "transit_gateway")


def _check_share(plan: Plan, d: Decl) -> None:
    _check_list(plan, d, "resources", ("subnet", "transit_gateway", "prefix_list"))
    for i, acct in enumerate(d.spec.principals):
        plan.account_of(acct, (*d.loc, "principals", i), d.account)


_CHECKS = {
    "route_table": _check_route_table,
    "security_group": _check_rules,
    "network_acl": lambda p, d: _check_list(p, d, "subnets", ("subnet",), d.vpc),
    "nat_gateway": lambda p, d: p.ref((*d.loc, "subnet"), d.spec.subnet, "subnet", vpc=d.vpc),
    "network_interface": _check_interface,
    "instance": _check_interface,
    "endpoint": _check_endpoint,
    "peering": _check_peering,
    "tgw_attachment": _check_tgw_attachment,
    "tgw_route_table": _check_tgw_route_table,
    "endpoint_service": _check_endpoint_service,
    "vpn_gateway": _check_vpn_gateway,
    "vpn_connection": _check_vpn_connection,
    "share": _check_share,
}
