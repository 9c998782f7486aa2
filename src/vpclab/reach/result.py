"""What a trace returns: plain, frozen data with ``to_dict()`` for JSON.

A :class:`Trace` holds the flow asked about, its disposition, the hops in each direction and every
explanation (each with a suggested fix). A :class:`Hop` names the AWS component the packet passed
(``component`` is AWS's kind: ``"route-table"``, ``"vpc-peering-connection"``, …), why it passed
(``detail``: the route that matched, the rule that allowed it) and the packet header as it LEAVES
the hop, so address translation by a NAT or internet gateway shows where it happens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.protocols import ALL, ICMP, ICMPV6, TCP, UDP, Protocol, ProtocolError
from .errors import ReachError
from .explanations import INFO_CODES

#: the source port a trace uses when none is given (the start of IANA's ephemeral range, which
#: AWS's 1024-65535 guidance for network ACL return rules contains)
DEFAULT_SOURCE_PORT = 49152
#: the protocols a trace follows
TRACED_PROTOCOLS = (TCP, UDP, ICMP, ICMPV6, ALL)
#: what to say when asked for another protocol
TRACED_NAMES = "tcp, udp, icmp, icmpv6 or all (-1)"
#: ICMPv6 echo request and echo reply (RFC 4443 §4.1, §4.2); ICMP's are 8 and 0 (RFC 792)
ICMPV6_ECHO_REQUEST, ICMPV6_ECHO_REPLY = 128, 129


def traced_protocol(protocol: object) -> str | None:
    """A packet's ``protocol`` for any spelling of one the engine traces ("tcp", "6", "ALL", "58", …):
    ``"tcp"``, ``"udp"``, ``"icmp"``, ``"icmpv6"`` or ``"-1"``; None for any other protocol or
    non-protocol."""
    try:
        p = Protocol(protocol)  # type: ignore[arg-type]
    except ProtocolError:
        return None
    return p.ip_protocol if p in TRACED_PROTOCOLS else None


def flow_protocol(protocol: object, family: int) -> str:
    """The protocol of a flow of this address family, as its packets carry it.

    ICMP is per family: an IPv6 packet carries ICMPv6 (next header 58, RFC 4443), never ICMP
    (protocol 1). So ``icmp`` asked of an IPv6 flow is ICMPv6 — it matches security group rules
    and network ACL entries of protocol 58 (``icmpv6``) and ``-1``, never those of protocol 1 —
    while ``icmpv6`` asked of an IPv4 flow is refused: IPv4 has no ICMPv6, and AWS's rules for
    protocol 58 with an IPv4 range ("If you specify protocol 58 (ICMPv6) and specify an IPv4 CIDR
    block, traffic for all ICMP types and codes allowed", CreateNetworkAclEntry) describe no IPv4
    packet a tracer could send.

        >>> flow_protocol("icmp", 6), flow_protocol("58", 6), flow_protocol("icmp", 4), flow_protocol(6, 6)
        ('icmpv6', 'icmpv6', 'icmp', 'tcp')
        >>> flow_protocol("icmpv6", 4)
        Traceback (most recent call last):
        ...
        vpclab.reach.errors.ReachError: icmpv6 (protocol 58) is IPv6's ICMP: ...

    Raises :class:`ReachError` (a ValueError) for a protocol the engine does not trace.
    """
    p = traced_protocol(protocol)
    if p is None:
        raise ReachError(f"unsupported protocol {protocol!r}: use {TRACED_NAMES}")
    return family_protocol(p, family)


def family_protocol(protocol: str, family: int) -> str:
    """:func:`flow_protocol` for the matrix, which also takes protocols a trace does not follow
    (``"47"``: rules of that protocol and ``-1`` decide): ICMP is mapped or refused per family, any
    other protocol is returned as given."""
    p = traced_protocol(protocol)
    if p == "icmp" and family == 6:
        return "icmpv6"
    if p == "icmpv6" and family != 6:
        raise ReachError(
            "icmpv6 (protocol 58) is IPv6's ICMP: trace it over IPv6 (ip_version=6, an IPv6 address), "
            "or use icmp over IPv4"
        )
    return protocol if p is None else p


def reply_port(protocol: str, port: int | None) -> int | None:
    """The reply's ICMP type for an ICMP request of type ``port``: the echo reply to an echo request
    (0 for ICMP's 8; 129 for ICMPv6's 128); for other types the same type (None: any).

        >>> reply_port("icmp", 8), reply_port("icmpv6", 128), reply_port("icmpv6", 1), reply_port("tcp", 80)
        (0, 129, 1, None)
    """
    if protocol == "icmp":
        return 0 if port == 8 else port
    if protocol == "icmpv6":
        return ICMPV6_ECHO_REPLY if port == ICMPV6_ECHO_REQUEST else port
    return None


def icmp_code(protocol: str, port: int | None) -> int | None:
    """The ICMP code a flow of this ICMP type carries where the type has one code only: 0 for echo
    request and reply (RFC 792; RFC 4443 §4.1-4.2), so rules and ACL entries naming code 0 match
    them; None (unknown: only rules for every code match) otherwise.

        >>> icmp_code("icmpv6", 128), icmp_code("icmp", 8), icmp_code("icmpv6", 1), icmp_code("tcp", 443)
        (0, 0, None, None)
    """
    if (protocol == "icmp" and port in (0, 8)) or (
        protocol == "icmpv6" and port in (ICMPV6_ECHO_REQUEST, ICMPV6_ECHO_REPLY)
    ):
        return 0
    return None


@dataclass(frozen=True, slots=True)
class PacketHeader:
    """An IPv4 or IPv6 5-tuple. ``protocol`` is ``"tcp"``, ``"udp"``, ``"icmp"`` (IPv4),
    ``"icmpv6"`` (IPv6) or ``"-1"`` (all); ports are None where the protocol has none (for ICMP
    and ICMPv6 ``dst_port`` carries the type)."""

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
class StepResult:
    """A value an earlier step of a fix answers (the id of what it created), named by the step's
    index and the path in its answer, in boto3's response shape: ``StepResult(0,
    "VpcPeeringConnection.VpcPeeringConnectionId")``."""

    step: int
    path: str

    def to_dict(self) -> dict[str, Any]:
        return {"FromStep": self.step, "Path": self.path}


@dataclass(frozen=True, slots=True)
class FixStep:
    """One AWS API call of a fix: the ``action`` (``"CreateRoute"``), its ``parameters`` in AWS's
    names and request shape (``{"RouteTableId": …, "DestinationCidrBlock": …}``; a value may be a
    :class:`StepResult`), and the ``account`` and ``region`` that make the call (the resource's
    owner: an accepter accepts a peering connection in its own account and Region)."""

    action: str
    parameters: Mapping[str, Any]
    account: str
    region: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "parameters": _plain(self.parameters),
            "account": self.account,
            "region": self.region,
        }


def _plain(value: Any) -> Any:
    if isinstance(value, StepResult):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class Fix:
    """A suggested fix: the ``sentence`` a person reads and, where AWS API calls make it, those
    ``steps`` in order (several where one fix needs more than one call: a peering connection, its
    acceptance and a route on each side). A fix without steps needs a human choice; ``reason``
    says which."""

    sentence: str
    steps: tuple[FixStep, ...] = ()
    reason: str = ""

    @property
    def previewable(self) -> bool:
        return bool(self.steps)

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "steps": [s.to_dict() for s in self.steps],
            "reason": self.reason,
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
    #: the fix as AWS API calls (None: a sentence only); not part of ``to_dict`` nor of equality
    remedy: Fix | None = field(default=None, compare=False, repr=False)

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
