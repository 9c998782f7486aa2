"""The flows a change opens and closes: two versions of a network compared pair by pair.

    >>> import vpclab
    >>> old = vpclab.load("examples/peering-triangle.yaml")
    >>> d = vpclab.diff(old, old)
    >>> d.opened, d.closed
    ([], [])

Both networks are matched by the names their files give (ids differ between files). For each
protocol/port in ``flows`` the subnet (or interface) matrix of each network is computed; a pair
reachable in the new network and not in the old one is *opened*, the reverse *closed*. A pair whose
endpoint exists in only one network counts as unreachable in the other (a new subnet's flows are
opened). Each change carries the trace that explains it in each network where both endpoints exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..reach.result import Trace
from .api import world_matrix

if TYPE_CHECKING:
    from .facade import Network

#: (protocol, port) pairs compared by default: SSH, HTTPS, PostgreSQL and ping (icmp echo, type 8)
DEFAULT_FLOWS: tuple[tuple[str, int | None], ...] = (("tcp", 22), ("tcp", 443), ("tcp", 5432), ("icmp", 8))
#: the same over IPv6: ping is ICMPv6 echo request, type 128 (RFC 4443 §4.1)
DEFAULT_FLOWS_V6: tuple[tuple[str, int | None], ...] = (
    ("tcp", 22), ("tcp", 443), ("tcp", 5432), ("icmpv6", 128)
)


@dataclass(frozen=True)
class FlowChange:
    """One pair whose reachability changed, by name, with the traces before and after."""

    source: str
    destination: str
    protocol: str
    port: int | None
    before: Trace | None  # in the old network (None when an endpoint did not exist)
    after: Trace | None  # in the new network (None when an endpoint no longer exists)

    @property
    def flow(self) -> str:
        return f"{self.protocol}/{self.port}" if self.port is not None else self.protocol

    @property
    def explanation(self) -> Trace | None:
        """The trace that explains the change: the new path for an opened flow, the new block (or,
        when the endpoint is gone, the old path) for a closed one."""
        return self.after if self.after is not None else self.before

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "destination": self.destination,
            "protocol": self.protocol,
            "port": self.port,
            "before": self.before.to_dict() if self.before is not None else None,
            "after": self.after.to_dict() if self.after is not None else None,
        }


@dataclass(frozen=True)
class NetworkDiff:
    level: str
    flows: tuple[tuple[str, int | None], ...]
    opened: list[FlowChange] = field(default_factory=list)
    closed: list[FlowChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.opened or self.closed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "flows": [{"protocol": p, "port": n} for p, n in self.flows],
            "opened": [c.to_dict() for c in self.opened],
            "closed": [c.to_dict() for c in self.closed],
        }


def _named_pairs(
    net: Network, level: str, protocol: str, port: int | None, engine: str | None, family: int = 4
) -> tuple[set[tuple[str, str]], set[str]]:
    """Reachable (source name, destination name) pairs, and every endpoint name at this level.

    Endpoints the file did not name (an interface AWS made) are matched by their derived names
    (``web-1/eni``) when the loader gave them one, else they are left out of the comparison."""
    m = world_matrix(
        net.world, protocol=protocol, port=port, level=level, names=net.names, engine=engine, family=family
    )
    named = {rid: net.names[rid] for rid in (*m.sources, *m.destinations) if rid in net.names}
    pairs = {(named[s], named[d]) for s, d in m.pairs_in_order() if s in named and d in named and s != d}
    return pairs, set(named.values())


def diff_networks(
    old: Network,
    new: Network,
    *,
    flows: Sequence[tuple[str, int | None]] = DEFAULT_FLOWS,
    level: str = "subnet",
    engine: str | None = None,
    family: int = 4,
) -> NetworkDiff:
    """The flows ``new`` opens and closes compared with ``old`` (see the module docstring);
    ``family=6`` compares the IPv6 flows of dual-stack networks."""
    from .api import trace

    if family == 6 and tuple(flows) == DEFAULT_FLOWS:
        flows = DEFAULT_FLOWS_V6
    flows = tuple((str(p).lower(), n) for p, n in flows)
    result = NetworkDiff(level, flows)
    for protocol, port in flows:
        before, old_names = _named_pairs(old, level, protocol, port, engine, family)
        after, new_names = _named_pairs(new, level, protocol, port, engine, family)

        def explain(
            net: Network, names: set[str], s: str, d: str, protocol: str = protocol, port: int | None = port
        ) -> Trace | None:
            if s not in names or d not in names:
                return None
            return trace(net, s, d, protocol=protocol, port=port, ip_version=family)

        for s, d in sorted(after - before):
            result.opened.append(
                FlowChange(s, d, protocol, port, explain(old, old_names, s, d), explain(new, new_names, s, d))
            )
        for s, d in sorted(before - after):
            result.closed.append(
                FlowChange(s, d, protocol, port, explain(old, old_names, s, d), explain(new, new_names, s, d))
            )
    return result


__all__ = ["DEFAULT_FLOWS", "FlowChange", "NetworkDiff", "diff_networks"]
