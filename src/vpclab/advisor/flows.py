"""Carrying a traffic file's flows: each (source, destination) pair gets a verdict and, when it is
reachable, the charges of its path — with as few traces as the network allows.

Two ways to share work, both exact where :class:`~vpclab.advisor.paths.Classes` says so:

- **Classes of ends.** Interfaces of one subnet with the same security groups (and public address,
  type, source/destination check) trace alike, so one trace answers every pair of their classes.
- **The interface matrix** (``vpclab.reach.matrix``, the engine behind ``vpclab matrix --level
  interface``) when one protocol and port carry at least :data:`MATRIX_FROM` interface-to-interface
  pairs: it decides every pair's verdict at once, and the *path* of a reachable pair depends only on
  its subnets (routing and network ACLs are per subnet; security groups only admit or drop), so one
  trace per pair of subnets gives the charges. A blocked pair decided by the matrix carries no
  explanation codes (``vpclab trace`` gives them); a pair where the tracer disagrees with the matrix
  (docs/benchmarks.md lists the documented cases) takes the tracer's verdict.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from ..model.interfaces import Instance, NetworkInterface
from ..reach.errors import ReachError
from ..reach.matrix import ReachabilityMatrix
from ..reach.matrix import matrix as interface_matrix
from ..reach.result import Trace
from .bill import Charge, FlowCost
from .paths import Classes, path_charges
from .prices import PriceTable
from .traffic import TrafficFlow

if TYPE_CHECKING:
    from ..network.facade import Network

#: interface-to-interface pairs of one protocol and port from which the matrix decides the verdicts
MATRIX_FROM = 1_000

Pair = tuple[str, str]
Key = tuple[Hashable, ...]


class Carrier:
    def __init__(
        self, net: Network, table: PriceTable, plans: Sequence[tuple[TrafficFlow, list[Pair]]]
    ) -> None:
        self.net, self.table = net, table
        self.classes = Classes(net)
        self.paths: dict[Key, tuple[Trace, list[Charge]]] = {}
        self.matrices: dict[tuple[str, int | None], ReachabilityMatrix] = {}
        wide: Counter[tuple[str, int | None]] = Counter()
        for f, pairs in plans:
            wide[(f.protocol, f.port)] += sum(1 for s, d in pairs if self.eni(s) and self.eni(d))
        self.use_matrix = {k for k, n in wide.items() if n >= MATRIX_FROM}

    def eni(self, spec: str) -> NetworkInterface | None:
        w = self.net.world
        res = w.get(spec)
        if isinstance(res, Instance) and res.network_interface_ids:
            return w.get(res.network_interface_ids[0], NetworkInterface)
        return res if isinstance(res, NetworkInterface) else None

    def carry(self, f: TrafficFlow, s: str, d: str, gb: Decimal) -> tuple[FlowCost, list[Charge]]:
        from ..network.api import label

        src, dst = label(self.net, s), label(self.net, d)
        verdict = self._from_matrix(f, s, d)
        if verdict is False:
            return FlowCost(f.title, src, dst, gb, "blocked"), []
        key: Key = (
            (self._subnet_key(s), self._subnet_key(d), f.protocol, f.port)
            if verdict
            else (self.classes.of(s), self.classes.of(d), f.protocol, f.port)
        )
        t, per_gb = self.paths.get(key) or self._trace(f, s, d, key)
        if not t.reachable:
            codes = tuple(dict.fromkeys(e.code for e in t.explanations if e.blocking))
            return FlowCost(f.title, src, dst, gb, "blocked", codes=codes), []
        mine = [replace(c, quantity=c.quantity * gb, usd=c.usd * gb, flow=f.title) for c in per_gb]
        crossed = tuple(dict.fromkeys(what(c) for c in mine if c.usd))
        return FlowCost(
            f.title, src, dst, gb, "costed", sum((c.usd for c in mine), Decimal(0)), crossed
        ), mine

    def _trace(self, f: TrafficFlow, s: str, d: str, key: Key) -> tuple[Trace, list[Charge]]:
        from ..network.api import label, trace
        from ..network.intents import IntentError

        try:
            t = trace(self.net, s, d, protocol=f.protocol, port=f.port)
        except ReachError as exc:
            raise IntentError(
                [f.intent().problem(f"{label(self.net, s)} → {label(self.net, d)}: {exc}")]
            ) from None
        found = (t, path_charges(self.net, self.table, t, Decimal(1), "") if t.reachable else [])
        if t.reachable or key[0] == self.classes.of(s):
            self.paths[key] = found  # a blocked trace stands for its class only, never for a subnet pair
        return found

    def _from_matrix(self, f: TrafficFlow, s: str, d: str) -> bool | None:
        """The matrix's verdict for an interface pair (None: not decided by a matrix)."""
        if (f.protocol, f.port) not in self.use_matrix:
            return None
        a, b = self.eni(s), self.eni(d)
        if a is None or b is None:
            return None
        m = self.matrices.get((f.protocol, f.port))
        if m is None:
            m = self.matrices[(f.protocol, f.port)] = interface_matrix(
                self.net.world, protocol=f.protocol, port=f.port, level="interface"
            )
        try:
            return m.reachable(a.id, b.id)
        except KeyError:
            return None  # an interface the matrix does not hold (an endpoint's): traced

    def _subnet_key(self, spec: str) -> Hashable:
        eni = self.eni(spec)
        if eni is None or eni.subnet_id in self.classes.narrow:
            return spec
        res = self.net.world.get(spec)
        public = bool(eni.public_ip) or (isinstance(res, Instance) and bool(res.public_ip_address))
        return ("subnet", eni.subnet_id, public)


def what(c: Charge) -> str:
    """A charge's component as a flow's "crosses" list names it."""
    return {
        "transit_gateway.data_processed_gb": "TGW",
        "nat_gateway.data_processed_gb": "NAT",
        "vpc_endpoint.interface_data_processed_gb": "interface endpoint",
        "gateway_load_balancer_endpoint.data_processed_gb": "GWLB endpoint",
        "network_load_balancer.nlcu_gb": "NLB",
        "data_transfer.cross_az_gb": "cross-AZ",
        "data_transfer.inter_region_gb": "inter-Region",
        "data_transfer.internet_out_gb": "data out",
        "direct_connect.data_transfer_out_gb": "Direct Connect out",
    }.get(c.price, c.price)
