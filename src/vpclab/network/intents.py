"""Intents: what must (and must never) reach what, checked against a network in one call.

An intents file is a YAML list (or a mapping with ``intents:``) of intents::

    - {from: web-1, to: db-1, protocol: tcp, port: 5432, expect: reachable}
    - {name: dev never reaches prod, from: {vpc: dev}, to: {vpc: prod}, expect: unreachable}
    - {from: {tag: {env: prod}}, to: internet, port: 443, expect: {only-via: egress}}
    - {from: app-private, to: internet, port: 443, ip_version: 6, expect: reachable}

docs/reachability.md documents the format. Mistakes are reported as ``file:line:column: message``
like the topology loader's (``IntentError`` and ``TopologyError`` are both ``InputError``s with
``Problem`` rows).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.source import InputError, Problem, Source, parse, read
from ..model.direct_connect import VirtualInterface
from ..model.interfaces import Instance, NetworkInterface
from ..model.subnet import Subnet
from ..model.vpc import Vpc
from ..model.vpn import CustomerGateway, site_networks
from ..reach.errors import ReachError
from ..reach.result import Trace, traced_protocol

if TYPE_CHECKING:
    from .facade import Network

EXPECTS = ("reachable", "unreachable", "only-via")
_KEYS = ("name", "from", "to", "protocol", "port", "expect", "only-via", "ip_version")
_SELECTOR_KEYS = ("vpc", "subnet", "tag")
#: selector words that are not names
_WORDS = ("internet", "on-premises")


class IntentError(InputError):
    """An intents file that cannot be checked; ``problems`` lists every mistake with its position."""


@dataclass(frozen=True)
class Selector:
    """Which endpoints a side of an intent means: ``kind`` is name, vpc, subnet, tag, word or list."""

    kind: str
    value: Any
    pos: tuple[int, int] = (1, 1)

    def __str__(self) -> str:
        if self.kind in ("name", "word"):
            return str(self.value)
        if self.kind == "tag":
            return "{tag: {" + ", ".join(f"{k}: {v}" for k, v in self.value.items()) + "}}"
        if self.kind == "list":
            return "[" + ", ".join(str(s) for s in self.value) + "]"
        return f"{{{self.kind}: {self.value}}}"


@dataclass(frozen=True)
class Intent:
    """One line of policy: traffic ``source`` → ``destination`` on protocol/port is ``expect``."""

    source: Selector
    destination: Selector
    expect: str
    protocol: str = "tcp"
    port: int | None = None
    via: str | None = None
    name: str | None = None
    file: str = "<intents>"
    line: int = 1
    column: int = 1
    #: 6: the flows are IPv6 (resources stand at their IPv6 addresses); None: IPv4 unless an address
    #: the intent names is IPv6
    ip_version: int | None = None

    @property
    def title(self) -> str:
        if self.name:
            return self.name
        flow = f"{self.protocol}/{self.port}" if self.port is not None else self.protocol
        if self.ip_version == 6:
            flow += " IPv6"
        what = f"only via {self.via}" if self.expect == "only-via" else self.expect
        return f"{self.source} → {self.destination} {flow}: {what}"

    def problem(self, message: str, pos: tuple[int, int] | None = None) -> Problem:
        line, col = pos or (self.line, self.column)
        return Problem(self.file, line, col, message)


@dataclass(frozen=True)
class Flow:
    """One offending (or checked) flow: endpoints by name, the trace that shows why, and what is wrong."""

    source: str
    destination: str
    trace: Trace
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "destination": self.destination,
            "reason": self.reason,
            "trace": self.trace.to_dict(),
        }


@dataclass(frozen=True)
class IntentResult:
    intent: Intent
    status: str  # "ok" | "violated"
    checked: int  # how many flows were traced
    violations: list[Flow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_dict(self) -> dict[str, Any]:
        i = self.intent
        return {
            "intent": i.title,
            "line": i.line,
            "from": str(i.source),
            "to": str(i.destination),
            "protocol": i.protocol,
            "port": i.port,
            "expect": i.expect,
            "via": i.via,
            "status": self.status,
            "flows_checked": self.checked,
            "violations": [v.to_dict() for v in self.violations],
        }


@dataclass(frozen=True)
class CheckReport:
    """Every intent's result; ``ok`` when none is violated."""

    results: list[IntentResult]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def violated(self) -> list[IntentResult]:
        return [r for r in self.results if not r.ok]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "intents": len(self.results),
            "violated": len(self.violated),
            "results": [r.to_dict() for r in self.results],
        }


# -- reading ------------------------------------------------------------------------------------
def load_intents(path: str | Path) -> list[Intent]:
    """The intents of a YAML file, or IntentError listing every problem (file:line:column)."""
    path = Path(path)
    text = read(path, IntentError)  # at most 50 MiB of UTF-8
    return loads_intents(text, str(path))


def loads_intents(text: str, file: str = "<intents>") -> list[Intent]:
    source = parse(text, file, IntentError)
    return parse_intents(source.tree, source)


def parse_intents(data: Any, source: Source | None = None) -> list[Intent]:
    """Intents from parsed YAML (or plain Python lists of dicts, positions then 1:1)."""
    src = source or Source("<intents>", data)
    problems: list[Problem] = []
    loc: tuple[str | int, ...] = ()
    if isinstance(data, Mapping) and set(data) == {"intents"}:
        data, loc = data["intents"], ("intents",)
    if not isinstance(data, list):
        raise IntentError([src.problem(loc, "expected a list of intents (or a mapping with intents:)")])
    intents = []
    for i, raw in enumerate(data):
        intent = _intent(src, (*loc, i), raw, problems)
        if intent is not None:
            intents.append(intent)
    if problems:
        raise IntentError(sorted(problems))
    return intents


def _intent(src: Source, loc: tuple[str | int, ...], raw: Any, problems: list[Problem]) -> Intent | None:
    line, col = src.position(loc)
    if not isinstance(raw, Mapping):
        problems.append(src.problem(loc, "an intent is a mapping: {from: ..., to: ..., expect: ...}"))
        return None
    bad = len(problems)
    for key in raw:
        if key not in _KEYS:
            near = difflib.get_close_matches(str(key), _KEYS, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else f" (expected one of: {', '.join(_KEYS)})"
            problems.append(src.problem((*loc, key), f"unknown key {key!r}{hint}", key=True))
    for key in ("from", "to"):
        if key not in raw:
            problems.append(src.problem(loc, f"missing {key!r}"))
    via = raw.get("only-via")
    expect = raw.get("expect", "only-via" if via is not None else None)
    if isinstance(expect, Mapping) and set(expect) == {"only-via"}:
        via, expect = expect["only-via"], "only-via"
    if expect not in EXPECTS:
        where = (*loc, "expect") if "expect" in raw else loc
        problems.append(
            src.problem(where, f"expect must be reachable, unreachable or {{only-via: VPC}}, not {expect!r}")
        )
    elif expect == "only-via" and (not isinstance(via, str) or not via):
        problems.append(src.problem((*loc, "expect"), "only-via needs the name of a VPC (or a component)"))
    protocol = traced_protocol(raw.get("protocol", "tcp"))
    if protocol is None:
        protocol = str(raw.get("protocol")).lower()
        problems.append(
            src.problem(
                (*loc, "protocol"), f"protocol must be tcp, udp, icmp, icmpv6 or all, not {protocol!r}"
            )
        )
    port = raw.get("port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535):
        problems.append(src.problem((*loc, "port"), f"port must be a number 0-65535, not {port!r}"))
    ip_version = raw.get("ip_version")
    if ip_version is not None and ip_version not in (4, 6):
        problems.append(src.problem((*loc, "ip_version"), f"ip_version must be 4 or 6, not {ip_version!r}"))
    elif protocol == "icmpv6":
        if ip_version == 4:
            problems.append(
                src.problem((*loc, "protocol"), "icmpv6 is IPv6's ICMP: use icmp with ip_version 4")
            )
        ip_version = 6  # ICMPv6 flows are IPv6 flows
    sides = [_selector(src, (*loc, k), raw[k], problems) if k in raw else None for k in ("from", "to")]
    if len(problems) > bad or sides[0] is None or sides[1] is None:
        return None
    name = raw.get("name")
    return Intent(
        sides[0],
        sides[1],
        str(expect),
        protocol,
        port,
        via,
        str(name) if name else None,
        src.file,
        line,
        col,
        ip_version,
    )


def _selector(src: Source, loc: tuple[str | int, ...], raw: Any, problems: list[Problem]) -> Selector | None:
    pos = src.position(loc)
    if isinstance(raw, str) and raw:
        return Selector("word" if raw.lower() in _WORDS else "name", raw, pos)
    if isinstance(raw, list) and raw:
        parts = [_selector(src, (*loc, i), r, problems) for i, r in enumerate(raw)]
        return Selector("list", tuple(parts), pos) if all(parts) else None
    if isinstance(raw, Mapping) and len(raw) == 1:
        ((key, value),) = raw.items()
        if key in ("vpc", "subnet") and isinstance(value, str):
            return Selector(str(key), value, src.position((*loc, key)))
        if key == "tag" and isinstance(value, Mapping) and value:
            return Selector("tag", {str(k): str(v) for k, v in value.items()}, pos)
    problems.append(
        src.problem(
            loc,
            "a selector is a name, internet, on-premises, {vpc: NAME}, "
            "{subnet: NAME}, {tag: {KEY: VALUE}} or a list of them",
        )
    )
    return None


# -- resolving selectors to endpoints -------------------------------------------------------------
def _unknown(net: Network, intent: Intent, name: str, pos: tuple[int, int], what: str = "name") -> Problem:
    near = difflib.get_close_matches(name, list(net.ids), n=1)
    hint = f" (did you mean {near[0]!r}?)" if near else ""
    return intent.problem(f"unknown {what} {name!r}{hint}", pos)


def _workloads(net: Network, subnet_ids: Sequence[str]) -> list[str]:
    """Instances and user interfaces in the subnets; a subnet without any stands for itself."""
    out: list[str] = []
    w = net.world
    for sid in subnet_ids:
        subnet = w.get(sid, Subnet)
        if subnet is None:
            continue
        found = [
            i.id
            for i in w.in_vpc(subnet.vpc_id, Instance)
            if i.subnet_id == sid and i.state not in ("terminated", "shutting-down")
        ]
        found += [
            e.id
            for e in w.in_vpc(subnet.vpc_id, NetworkInterface)
            if e.subnet_id == sid
            and e.instance_id is None
            and e.interface_type == "interface"
            and not e.requester_managed
        ]
        out.extend(found or [sid])
    return out


def _subnets_of(net: Network, vpc_id: str) -> list[str]:
    return [s.id for s in net.world.in_vpc(vpc_id, Subnet)]


def _on_premises_sites(net: Network) -> list[str]:
    """``on-premises``: every customer gateway, and every Direct Connect virtual interface whose
    networks no customer gateway already names (a site reached over Direct Connect only)."""
    cgws = list(net.world.all(CustomerGateway))
    known = {cidr for c in cgws for cidr in site_networks(net.world, c)}
    vifs = [v.id for v in net.world.all(VirtualInterface) if v.advertised_cidrs
            and not set(v.advertised_cidrs) <= known]
    return [c.id for c in cgws] + vifs


def members(net: Network, intent: Intent, sel: Selector, problems: list[Problem]) -> list[str]:
    """The endpoints (tracer specs) a selector means, in a stable order."""
    w = net.world
    if sel.kind == "list":
        return list(dict.fromkeys(m for s in sel.value for m in members(net, intent, s, problems)))
    if sel.kind == "word":
        if sel.value.lower() == "internet":
            return ["internet"]
        return _on_premises_sites(net)
    if sel.kind == "tag":
        want = sel.value.items()
        found: list[str] = []
        for vpc in w.all(Vpc):
            if want <= vpc.tags.items():
                found += _workloads(net, _subnets_of(net, vpc.id))
        for subnet in w.all(Subnet):
            if want <= subnet.tags.items():
                found += _workloads(net, [subnet.id])
        found += [
            r.id for kind in (Instance, NetworkInterface) for r in w.all(kind) if want <= r.tags.items()
        ]
        return list(dict.fromkeys(found))
    rid = net.ids.get(sel.value)
    if rid is None:
        if sel.kind == "name" and _is_spec(net, sel.value):
            return [sel.value]
        problems.append(_unknown(net, intent, sel.value, sel.pos, "name" if sel.kind == "name" else sel.kind))
        return []
    res = w.get(rid)
    if sel.kind == "vpc" and not isinstance(res, Vpc):
        problems.append(intent.problem(f"{sel.value!r} is not a VPC", sel.pos))
        return []
    if sel.kind == "subnet" and not isinstance(res, Subnet):
        problems.append(intent.problem(f"{sel.value!r} is not a subnet", sel.pos))
        return []
    if isinstance(res, Vpc):
        return _workloads(net, _subnets_of(net, rid))
    if isinstance(res, Subnet):
        return _workloads(net, [rid])
    return [rid]


def _is_spec(net: Network, spec: str) -> bool:
    """Whether the tracer understands ``spec`` as written (an id, address, service)."""
    from ..reach.endpoints import resolve
    from ..reach.forwarding import forwarding_view

    try:
        resolve(forwarding_view(net.world), spec, role="destination")
    except ReachError:
        return False
    return True


# -- checking -----------------------------------------------------------------------------------
def passes(net: Network, t: Trace, via: str) -> bool:
    """Whether the forward path goes through ``via``: a VPC (any hop inside it) or a component."""
    target = net.ids.get(via, via)
    for hop in t.forward_hops:
        if hop.id == target:
            return True
        res = net.world.get(hop.id)
        if res is not None and getattr(res, "vpc_id", None) == target:
            return True
    return False


def check_intents(net: Network, intents: Sequence[Intent]) -> CheckReport:
    """Trace every flow each intent covers; IntentError when an intent names nothing in ``net``."""
    from .api import label, trace

    problems: list[Problem] = []
    plans = []
    for intent in intents:
        srcs = members(net, intent, intent.source, problems)
        dsts = members(net, intent, intent.destination, problems)
        if intent.via is not None and intent.via not in net.ids:
            problems.append(_unknown(net, intent, intent.via, (intent.line, intent.column)))
        plans.append((intent, srcs, dsts))
    if problems:
        raise IntentError(sorted(problems))
    results = []
    for intent, srcs, dsts in plans:
        violations: list[Flow] = []
        checked = 0
        for s in srcs:
            for d in dsts:
                if s == d:
                    continue
                try:
                    t = trace(
                        net, s, d, protocol=intent.protocol, port=intent.port, ip_version=intent.ip_version
                    )
                except ReachError as exc:
                    problems.append(intent.problem(f"{label(net, s)} → {label(net, d)}: {exc}"))
                    continue
                checked += 1
                reason = _violation(net, intent, t)
                if reason:
                    violations.append(Flow(label(net, s), label(net, d), t, reason))
        results.append(IntentResult(intent, "violated" if violations else "ok", checked, violations))
    if problems:
        raise IntentError(sorted(problems))
    return CheckReport(results)


def _violation(net: Network, intent: Intent, t: Trace) -> str | None:
    if intent.expect == "reachable" and not t.reachable:
        return "expected reachable, but it is blocked: " + ", ".join(dict.fromkeys(t.codes))
    if intent.expect == "unreachable" and t.reachable:
        return "expected unreachable, but it is reachable"
    if intent.expect == "only-via" and t.reachable and intent.via and not passes(net, t, intent.via):
        return f"reachable without passing through {intent.via}"
    return None
