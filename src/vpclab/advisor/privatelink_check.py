"""Judging the PrivateLink candidate against the intents, and pricing its flows along their paths.

With PrivateLink a consumer does not open connections to the service's instances: it opens them to
its own VPC's interface endpoint, and the Network Load Balancer behind the endpoint service hands
each one to a target (in the endpoint interface's zone: cross-zone load balancing is off, AWS's
default for a Network Load Balancer). So a service-style intent "consumers → the service's
instances on port P" is judged kept when

- every consumer reaches, on P, one of the intent's instances through its VPC's endpoint (a trace
  from the consumer to the endpoint, followed by the tracer through the load balancer to the target
  it picks), and
- every instance the intent names is a registered target of the listener on P, reached from the
  load balancer's node in its zone (a trace from that node: the target's security groups and
  network ACLs see the load balancer's address, never the client's).

A consumer in the provider's own VPC reaches the instances directly (traced as usual). Every other
intent is checked as ``vpclab check`` checks it; an ``unreachable`` intent is also broken when its
source reaches a destination through an endpoint in its VPC (the endpoint is a path too).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..core.source import Problem
from ..model.interfaces import NetworkInterface
from ..model.load_balancer import LoadBalancer, listeners_of, target_group_by_arn
from ..network.intents import Intent, IntentError, check_intents, members
from ..reach.errors import ReachError
from ..reach.result import Trace
from .privatelink import Plan, Service, _where
from .traffic import TrafficFlow

if TYPE_CHECKING:
    from ..network.facade import Network


class _Judge:
    def __init__(self, net: Network, p: Plan) -> None:
        self.net, self.plan = net, p
        self.traces: dict[tuple[str, str, str, int | None], Trace] = {}
        self.problems: list[Problem] = []

    def trace(self, intent: Intent, s: str, d: str, protocol: str, port: int | None) -> Trace | None:
        from ..network.api import label, trace

        key = (s, d, protocol, port)
        if key not in self.traces:
            try:
                self.traces[key] = trace(self.net, s, d, protocol=protocol, port=port)
            except ReachError as exc:
                self.problems.append(intent.problem(f"{label(self.net, s)} → {label(self.net, d)}: {exc}"))
                return None
        return self.traces[key]

    def endpoint(self, svc: Service, vpc: str | None) -> str | None:
        return self.net.ids.get(svc.endpoint(vpc)) if vpc in svc.consumers else None

    def delivered(self, t: Trace) -> str | None:
        """The instance (or interface) a reachable trace delivers to."""
        if not t.reachable or not t.forward_hops:
            return None
        eni = self.net.world.get(t.forward_hops[-1].id, NetworkInterface)
        return (eni.instance_id or eni.id) if eni is not None else None

    def served(self, intent: Intent, svc: Service, d: str, port: int) -> bool:
        """``d`` is a registered target of ``svc``'s listener on ``port``, reached from the load
        balancer's node in its zone."""
        w = self.net.world
        lb = w.get(self.net.ids.get(f"{svc.name}/nlb", ""), LoadBalancer)
        if lb is None:
            return False
        listener = next((ls for ls in listeners_of(w, lb.id) if ls.port == port), None)
        tgs = [target_group_by_arn(w, a) for a in (listener.target_group_arns if listener else ())]
        target = next((tr for tg in tgs if tg is not None for tr in tg.targets if tr.id == d), None)
        if target is None:
            return False
        home = _zone_of(self.net, d)
        nodes = [n for i in lb.network_interface_ids if (n := w.get(i, NetworkInterface)) is not None]
        node = next((n for n in nodes if n.availability_zone == home), None)
        if node is None:
            return False
        t = self.trace(intent, node.id, d, "tcp", target.port)
        return t is not None and t.reachable

    def service_style(self, intent: Intent, svc: Service) -> bool:
        srcs = members(self.net, intent, intent.source, self.problems)
        dsts = members(self.net, intent, intent.destination, self.problems)
        port = intent.port
        assert port is not None  # a service-style intent names its port
        ok = True
        for s in srcs:
            vpc, _ = _where(self.net, s)
            if vpc == svc.provider:
                for d in dsts:
                    t = self.trace(intent, s, d, intent.protocol, port)
                    ok = ok and t is not None and t.reachable
                continue
            e = self.endpoint(svc, vpc)
            t = self.trace(intent, s, e, "tcp", port) if e else None
            ok = ok and t is not None and self.delivered(t) in dsts
        return ok and all(self.served(intent, svc, d, port) for d in dsts)

    def leaks(self, intent: Intent) -> bool:
        """An unreachable intent's source reaches a destination through an endpoint in its VPC."""
        if intent.protocol not in ("tcp", "-1"):
            return False
        srcs = members(self.net, intent, intent.source, self.problems)
        dsts = set(members(self.net, intent, intent.destination, self.problems))
        for svc in self.plan.services:
            if not dsts & {self.net.ids.get(t, "") for t in svc.targets}:
                continue
            for s in srcs:
                e = self.endpoint(svc, _where(self.net, s)[0])
                for port in [intent.port] if intent.port is not None else svc.ports:
                    if e and port in svc.ports:
                        t = self.trace(intent, s, e, "tcp", port)
                        if t is not None and self.delivered(t) in dsts:
                            return True
        return False


def _zone_of(net: Network, spec: str) -> str | None:
    from ..model.subnet import Subnet

    subnet_id = getattr(net.world.get(spec), "subnet_id", None)
    subnet = net.world.get(subnet_id or "", Subnet)
    return subnet.availability_zone if subnet is not None else None


def check(net: Network, intents: Sequence[Intent], p: Plan) -> tuple[int, tuple[str, ...]]:
    """(intents checked, titles of those the candidate breaks); IntentError as ``check_intents``."""
    judge = _Judge(net, p)
    violated: list[str] = []
    for k, intent in enumerate(intents):
        svc = p.carried.get(k)
        if svc is not None:
            kept = judge.service_style(intent, svc)
        else:
            kept = check_intents(net, [intent]).ok
            if kept and intent.expect == "unreachable":
                kept = not judge.leaks(intent)
        if not kept:
            violated.append(intent.title)
    if judge.problems:
        raise IntentError(sorted(judge.problems))
    return len(intents), tuple(violated)


def via_endpoints(net: Network, p: Plan) -> Callable[[TrafficFlow, str, str], tuple[TrafficFlow, str]]:
    """How a traffic flow's pair travels in the candidate: a consumer's flow to a service's
    instance goes to its VPC's endpoint (on the flow's port, or the service's first when the flow
    names none); every other pair as it is."""

    def route(f: TrafficFlow, s: str, d: str) -> tuple[TrafficFlow, str]:
        if f.protocol not in ("tcp", "-1"):
            return f, d
        vpc = _where(net, s)[0]
        for svc in p.services:
            if vpc not in svc.consumers or d not in {net.ids.get(t) for t in svc.targets}:
                continue
            if f.port is None or f.port in svc.ports:
                e = net.ids.get(svc.endpoint(vpc or ""))
                if e is not None:
                    return replace(f, protocol="tcp", port=f.port or svc.ports[0]), e
        return f, d

    return route
