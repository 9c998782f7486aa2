"""What a trace returns: plain, frozen data with ``to_dict()`` for JSON.

A :class:`Trace` holds the flow asked about, its disposition, the hops in each direction and every
explanation (each with a suggested fix). A :class:`Hop` names the AWS component the packet passed
(``component`` is AWS's kind: ``"route-table"``, ``"vpc-peering-connection"``, …), why it passed
(``detail``: the route that matched, the rule that allowed it) and the packet header as it LEAVES
the hop, so address translation by a NAT or internet gateway shows where it happens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.protocols import ALL, ICMP, TCP, UDP, Protocol, ProtocolError
from .explanations import INFO_CODES

#: the source port a trace uses when none is given (the start of IANA's ephemeral range, which
#: AWS's 1024-65535 guidance for network ACL return rules contains)
DEFAULT_SOURCE_PORT = 49152
#: the protocols a trace follows
TRACED_PROTOCOLS = (TCP, UDP, ICMP, ALL)


def traced_protocol(protocol: object) -> str | None:
    """A packet's ``protocol`` for any spelling of one the engine traces ("tcp", "6", "ALL", …):
    ``"tcp"``, ``"udp"``, ``"icmp"`` or ``"-1"``; None for any other protocol or non-protocol."""
    try:
        p = Protocol(protocol)  # type: ignore[arg-type]
    except ProtocolError:
        return None
    return p.ip_protocol if p in TRACED_PROTOCOLS else None


@dataclass(frozen=True, slots=True)
class PacketHeader:
    """An IPv4 or IPv6 5-tuple. ``protocol`` is ``"tcp"``, ``"udp"``, ``"icmp"`` or ``"-1"`` (all);
    ports are None where the protocol has none."""

    src_ip: str
    dst_ip: str
    protocol: str
    src_port: int | None = None
    dst_port: int | None = None

    def reversed(self) -> PacketHeader:
        """The reply's header: addresses and ports swapped."""
        return PacketHeader(self.dst_ip, self.src_ip, self.protocol, self.dst_port, self.src_port)

    def with_src(self, ip: str) -> PacketHeader:
        return PacketHeader(ip, self.dst_ip, self.protocol, self.src_port, self.dst_port)

    def with_dst(self, ip: str) -> PacketHeader:
        return PacketHeader(self.src_ip, ip, self.protocol, self.src_port, self.dst_port)

    def __str__(self) -> str:
        src = self.src_ip if self.src_port is None else f"{self.src_ip}:{self.src_port}"
        dst = self.dst_ip if self.dst_port is None else f"{self.dst_ip}:{self.dst_port}"
        return f"{self.protocol} {src} → {dst}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "src_ip": self.src_ip,
            "dst_ip": self.dst_ip,
            "protocol": self.protocol,
            "src_port": self.src_port,
            "dst_port": self.dst_port,
        }


@dataclass(frozen=True, slots=True)
class Hop:
    """One component on the path and the packet as it leaves it."""

    component: str
    id: str
    name: str | None
    detail: str
    packet: PacketHeader

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "id": self.id,
            "name": self.name,
            "detail": self.detail,
            "packet": self.packet.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why (part of) a path is blocked, or an informational note, with a suggested fix.

    ``code`` is AWS Reachability Analyzer's explanation code (or a ``VPCLAB_`` extension);
    ``component`` the id of the component at fault; ``direction`` ``"forward"`` or ``"return"``.
    """

    code: str
    message: str
    component: str
    direction: str
    fix: str

    @property
    def blocking(self) -> bool:
        """Whether it blocks the path (informational codes do not)."""
        return self.code not in INFO_CODES

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "component": self.component,
            "direction": self.direction,
            "fix": self.fix,
        }


@dataclass(frozen=True, slots=True)
class Trace:
    """The answer to "can ``flow.src_ip`` reach ``flow.dst_ip``": both directions, every cause."""

    flow: PacketHeader
    disposition: str
    forward_hops: list[Hop] = field(default_factory=list)
    return_hops: list[Hop] = field(default_factory=list)
    explanations: list[Explanation] = field(default_factory=list)

    @property
    def reachable(self) -> bool:
        return self.disposition == "reachable"

    @property
    def codes(self) -> list[str]:
        """The explanation codes, in the order they were found."""
        return [e.code for e in self.explanations]

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flow.to_dict(),
            "disposition": self.disposition,
            "forward_hops": [h.to_dict() for h in self.forward_hops],
            "return_hops": [h.to_dict() for h in self.return_hops],
            "explanations": [e.to_dict() for e in self.explanations],
        }
