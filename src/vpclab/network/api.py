"""The questions a loaded network answers, by name: trace, matrix, check, diff.

    >>> import vpclab
    >>> net = vpclab.load("examples/peering-triangle.yaml")
    >>> t = net.trace("a-host", "c-host", protocol="tcp", port=22)
    >>> t.disposition, t.codes
    ('blocked', ['PCX_REQUIRES_ADDRESS_IN_VPC_CIDR'])

:class:`vpclab.topology.Network`'s methods delegate here. Every endpoint may be written as a name
from the topology file, an id, or anything :func:`vpclab.reach.trace` takes (``internet``,
``s3:us-east-1``, an address, ``name:10.0.1.5``); results show the file's names.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.protocols import Protocol
from ..model.endpoints import VpcEndpoint
from ..model.interfaces import NetworkInterface
from ..model.subnet import Subnet
from ..model.world import World
from ..reach import trace as _trace
from ..reach.errors import UnknownEndpointError
from ..reach.progress import Progress, report
from ..reach.result import Trace, family_protocol, traced_protocol

if TYPE_CHECKING:
    from .diff import NetworkDiff
    from .facade import Network
    from .intents import CheckReport

LEVELS = ("subnet", "interface")


def endpoint(net: Network, spec: str) -> str:
    """The tracer's spelling of ``spec``: a name becomes its id, ``name:10.0.1.5`` ``id:10.0.1.5``;
    an interface endpoint's name becomes its first network interface."""
    spec = spec.strip()
    if spec in net.ids:
        rid = net.ids[spec]
        vpce = net.world.get(rid, VpcEndpoint)
        if vpce is not None and vpce.network_interface_ids:
            # an interface endpoint is reached at its network interface (the first, in its first subnet)
            return vpce.network_interface_ids[0]
        return rid
    head, sep, tail = spec.rpartition(":")
    if sep and head in net.ids:
        return f"{net.ids[head]}:{tail}"
    return spec


def label(net: Network | None, rid: str) -> str:
    """A resource's name when the file gave it one, else the id (or the spec as written)."""
    if net is None:
        return rid
    return net.names.get(rid, rid)


#: an AWS resource id inside a message (vpc-0a1b…, tgw-attach-…, pcx-…), with the name the tracer
#: may already have put beside it ("rtb-… (app-rt)")
_ID = re.compile(r"\b([a-z]+(?:-[a-z]+)*-[0-9a-f]{8,17})\b(?: \(([^()]+)\))?")


def named(net: Network, text: str) -> str:
    """``text`` with every id the file named replaced by its name."""

    def name(m: re.Match[str]) -> str:
        rid, beside = m.group(1), m.group(2)
        label = net.names.get(rid)
        if label is None:
            return m.group(0)
        return label if beside in (None, label) else f"{label} ({beside})"

    return _ID.sub(name, text)


def trace(
    net: Network,
    source: str,
    destination: str,
    *,
    protocol: str | int = "tcp",
    port: int | None = None,
    source_port: int | None = None,
    ip_version: int | None = None,
) -> Trace:
    """One flow and its reply, hop by hop, every cause and its fix (see :func:`vpclab.reach.trace`).

    Hop details, messages and fixes speak the file's names; ``Hop.id`` and
    ``Explanation.component`` keep the ids."""
    try:
        t = _trace(
            net.world,
            endpoint(net, source),
            endpoint(net, destination),
            protocol=protocol,
            port=port,
            source_port=source_port,
            names=net.names,
            ip_version=ip_version,
        )
    except UnknownEndpointError as exc:
        for spec in (source, destination):
            near = difflib.get_close_matches(spec, list(net.ids), n=1)
            if spec not in net.ids and near:
                raise UnknownEndpointError(
                    f"{spec!r} is not a name in {net.file} (did you mean {near[0]!r}?)"
                ) from None
        raise exc from None
    return replace(
        t,
        forward_hops=[replace(h, detail=named(net, h.detail)) for h in t.forward_hops],
        return_hops=[replace(h, detail=named(net, h.detail)) for h in t.return_hops],
        explanations=[
            replace(e, message=named(net, e.message), fix=named(net, e.fix)) for e in t.explanations
        ],
    )


# -- the all-pairs matrix, by name ----------------------------------------------------------------
@dataclass(frozen=True)
class Matrix:
    """Which sources reach which destinations for one protocol and port, by the file's names.

    ``sources``/``destinations`` are ids in a stable order; ``names`` labels them. ``reachable``
    takes names or ids. ``engine`` says what computed it: ``"classes"`` (the equivalence-class
    matrix of :mod:`vpclab.reach.matrix`) or ``"traces"`` (one trace per pair).
    """

    level: str
    protocol: str
    port: int | None
    sources: list[str]
    destinations: list[str]
    pairs: frozenset[tuple[str, str]]
    names: dict[str, str] = field(default_factory=dict)
    engine: str = "classes"

    def _id(self, spec: str) -> str:
        for rid in (*self.sources, *self.destinations):
            if spec in (rid, self.names.get(rid)):
                return rid
        raise KeyError(f"{spec!r} is not a {self.level} of this matrix")

    def reachable(self, source: str, destination: str) -> bool:
        """Whether ``source`` reaches ``destination`` (names or ids)."""
        return (self._id(source), self._id(destination)) in self.pairs

    def label(self, rid: str) -> str:
        return self.names.get(rid, rid)

    def count(self) -> int:
        """How many (source, destination) pairs are reachable."""
        return len(self.pairs)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        """The reachable pairs, by name, in row order."""
        for s in self.sources:
            for d in self.destinations:
                if (s, d) in self.pairs:
                    yield self.label(s), self.label(d)

    def to_rows(self, *, reachable_only: bool = False) -> list[dict[str, Any]]:
        """One dict per pair: source and destination names and ids, protocol, port, reachable."""
        return [
            {
                "source": self.label(s),
                "source_id": s,
                "destination": self.label(d),
                "destination_id": d,
                "protocol": self.protocol,
                "port": self.port,
                "reachable": (s, d) in self.pairs,
            }
            for s in self.sources
            for d in self.destinations
            if (s, d) in self.pairs or not reachable_only
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "protocol": self.protocol,
            "port": self.port,
            "sources": [self.label(s) for s in self.sources],
            "destinations": [self.label(d) for d in self.destinations],
            "reachable": [[self.label(s), self.label(d)] for s, d in self.pairs_in_order()],
        }

    def pairs_in_order(self) -> list[tuple[str, str]]:
        return [(s, d) for s in self.sources for d in self.destinations if (s, d) in self.pairs]


def members(world: World, level: str, family: int = 4) -> tuple[list[str], list[str]]:
    """The sources and destinations of a matrix at ``level``, as :mod:`vpclab.reach.matrix` picks them:
    every subnet; or every interface except transit gateway attachment interfaces (and, as
    sources, interface endpoints, which do not start connections). Only those with an address of
    ``family``: an IPv6-only subnet and its interfaces are absent from the IPv4 matrix, a subnet
    without an IPv6 block from the IPv6 one."""
    if level == "subnet":
        subnets = [s.id for s in world.all(Subnet) if (s.ipv6_cidr_block if family == 6 else s.cidr_block)]
        return subnets, subnets
    enis = [
        e
        for e in world.all(NetworkInterface)
        if e.interface_type != "transit_gateway" and (e.ipv6_addresses if family == 6 else e.has_ipv4)
    ]
    return [e.id for e in enis if e.interface_type != "vpc_endpoint"], [e.id for e in enis]


def _engine() -> Callable[..., Any] | None:
    """The equivalence-class matrix, when this checkout has it (reach/matrix.py)."""
    try:
        from ..reach.matrix import matrix as class_matrix
    except ImportError:
        return None
    return class_matrix


def traced_pairs(
    world: World, level: str, protocol: str, port: int | None, family: int = 4
) -> frozenset[tuple[str, str]]:
    """The matrix by tracing every pair (exact, slow: for small networks and cross-checks).

    A subnet reaches itself (the local route, no network ACL inside a subnet); an interface does
    not "reach" itself (no pair is traced from an interface to itself)."""
    sources, destinations = members(world, level, family)
    found: set[tuple[str, str]] = set()
    for s in sources:
        for d in destinations:
            if s == d:
                if level == "subnet":
                    found.add((s, d))
                continue
            if _trace(world, s, d, protocol=protocol, port=port, ip_version=family).reachable:
                found.add((s, d))
    return frozenset(found)


def world_matrix(
    world: World,
    *,
    protocol: str = "tcp",
    port: int | None = 443,
    level: str = "subnet",
    names: dict[str, str] | None = None,
    engine: str | None = None,
    family: int = 4,
    progress: Progress | None = None,
) -> Matrix:
    """The matrix of a World. ``engine`` forces ``"classes"`` or ``"traces"``; by default the
    equivalence-class engine when available, else one trace per pair. ``family`` 6: the IPv6 matrix
    (subnets with an IPv6 /64, interfaces with an IPv6 address). ``progress(stage, done, total)``:
    the class engine's stages (``reach/progress.py``), then ``"pairs"`` (naming the reachable pairs)."""
    if level not in LEVELS:
        raise ValueError(f"level must be 'subnet' or 'interface', not {level!r}")
    proto = traced_protocol(protocol) or str(protocol).lower()
    proto = family_protocol(proto, family)  # icmp over IPv6 is icmpv6; icmpv6 over IPv4 a ReachError
    class_matrix = _engine() if engine in (None, "classes") else None
    if engine == "classes" and class_matrix is None:
        raise ValueError("the equivalence-class matrix (vpclab.reach.matrix) is not available")
    if class_matrix is not None:
        Protocol(proto)  # a ProtocolError (ValueError) for what is not a protocol (trace raises its own)
        m = class_matrix(world, protocol=proto, port=port, level=level, family=family, progress=progress)
        report(progress, "pairs", 0, 1)
        sources = [str(s) for s in m.sources.tolist()]
        destinations = [str(d) for d in m.destinations.tolist()]
        pairs = frozenset((str(s), str(d)) for s, d in m)
        report(progress, "pairs", 1, 1)
        return Matrix(level, proto, port, sources, destinations, pairs, dict(names or {}), "classes")
    sources, destinations = members(world, level, family)
    return Matrix(
        level,
        proto,
        port,
        sources,
        destinations,
        traced_pairs(world, level, proto, port, family),
        dict(names or {}),
        "traces",
    )


def matrix(
    net: Network,
    *,
    protocol: str = "tcp",
    port: int | None = 443,
    level: str = "subnet",
    engine: str | None = None,
    family: int = 4,
    progress: Progress | None = None,
) -> Matrix:
    """All pairs of subnets (or interfaces) of a loaded network, by name (``family=6``: over IPv6;
    ``progress``: see :func:`world_matrix`)."""
    return world_matrix(
        net.world,
        protocol=protocol,
        port=port,
        level=level,
        names=net.names,
        engine=engine,
        family=family,
        progress=progress,
    )


def check(net: Network, intents: str | Path | Sequence[Any]) -> CheckReport:
    """Check intents (a YAML file's path, a list of intent dicts, or parsed Intents) against the network."""
    from .intents import Intent, check_intents, load_intents, parse_intents

    if isinstance(intents, str | Path):
        parsed = load_intents(intents)
    elif all(isinstance(i, Intent) for i in intents):
        parsed = list(intents)  # type: ignore[arg-type]
    else:
        parsed = parse_intents(list(intents))
    return check_intents(net, parsed)


def diff(old: Network, new: Network, **options: Any) -> NetworkDiff:
    """The flows a change opens and closes between two versions of a network (see reach.diff)."""
    from .diff import diff_networks

    return diff_networks(old, new, **options)
