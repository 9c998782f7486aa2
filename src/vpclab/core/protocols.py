"""Protocol: an IP protocol, parsed once from every spelling AWS and vpclab users write.

A name in any case, its IANA number (as a string or an int), or ``-1``/``all`` for every protocol:

    >>> Protocol("tcp") == Protocol("TCP") == Protocol("6") == Protocol(6)
    True
    >>> str(Protocol("17")), Protocol("udp").number, int(Protocol("icmp"))
    ('udp', 17, 1)
    >>> str(Protocol("-1")), Protocol("all").number, Protocol(-1) is ALL
    ('all', -1, True)
    >>> Protocol("47"), Protocol("058")
    (Protocol('47'), Protocol('icmpv6'))
    >>> sorted({Protocol("udp"), Protocol("all"), Protocol("6")})
    [Protocol('all'), Protocol('tcp'), Protocol('udp')]

Anything else is a :class:`ProtocolError` (a ValueError) that says what is expected:

    >>> try:
    ...     Protocol("tpc")
    ... except ProtocolError as e:
    ...     print(e)
    'tpc' is not an IP protocol: expected tcp, udp, icmp, icmpv6, all (-1) or a number 0-255

How AWS writes one: security group rules (``IpProtocol``) by name for tcp, udp, icmp and icmpv6,
by number for the others, ``-1`` for all; network ACL entries (``Protocol``) always by number —
and CreateNetworkAclEntry takes numbers only (:meth:`Protocol.from_number`):

    >>> TCP.ip_protocol, Protocol("58").ip_protocol, Protocol(47).ip_protocol, ALL.ip_protocol
    ('tcp', 'icmpv6', '47', '-1')
    >>> TCP.acl_protocol, ALL.acl_protocol
    ('6', '-1')
    >>> try:
    ...     Protocol.from_number("udp")
    ... except ProtocolError as e:
    ...     print(e)
    'udp' is not an IP protocol number: expected -1 (all) or a number 0-255
"""

from __future__ import annotations

import re
from typing import Any, final

#: the protocols known by name (AWS names these four in security group rules), and "all"
NUMBERS: dict[str, int] = {"all": -1, "icmp": 1, "tcp": 6, "udp": 17, "icmpv6": 58}
#: the reverse: 6 → "tcp", …, -1 → "all"
NAMES: dict[int, str] = {number: name for name, number in NUMBERS.items()}

_DIGITS = re.compile(r"[0-9]+")
_EXPECTED = "expected tcp, udp, icmp, icmpv6, all (-1) or a number 0-255"
_EXPECTED_NUMBER = "expected -1 (all) or a number 0-255"


class ProtocolError(ValueError):
    """A value that is not an IP protocol (or, where a number is required, not a protocol number)."""


def _number(value: object) -> int | None:
    """The protocol number a number spelling (``6``, ``"6"``, ``"006"``, ``-1``, ``"-1"``) stands for."""
    if isinstance(value, bool):
        return None  # True is an int, not a protocol
    if isinstance(value, int):
        return value if -1 <= value <= 255 else None
    if isinstance(value, str):
        if value == "-1":
            return -1
        if _DIGITS.fullmatch(value):
            digits = value.lstrip("0") or "0"
            return int(digits) if len(digits) <= 3 and int(digits) <= 255 else None
    return None


@final
class Protocol:
    """An IP protocol (0–255), or every protocol (``-1``, :data:`ALL`): immutable, hashable and
    ordered by number (all first). Equal values are the same object."""

    __slots__ = ("_number",)
    _number: int

    def __new__(cls, value: str | int | Protocol) -> Protocol:
        if isinstance(value, Protocol):
            return value
        if type(value) is str and value in _SPELLED:
            return _SPELLED[value]
        number = _number(value)
        if number is None and isinstance(value, str):
            number = NUMBERS.get(value.lower())
        if number is None:
            raise ProtocolError(f"{value!r} is not an IP protocol: {_EXPECTED}")
        protocol = _BY_NUMBER[number]
        if type(value) is str and len(value) <= 8:
            _SPELLED[value] = protocol
        return protocol

    @classmethod
    def _make(cls, number: int) -> Protocol:
        self = object.__new__(cls)
        object.__setattr__(self, "_number", number)
        return self

    @classmethod
    def parse(cls, value: str | int | Protocol) -> Protocol:
        """The same as ``Protocol(value)``."""
        return cls(value)

    @classmethod
    def from_number(cls, value: str | int | Protocol) -> Protocol:
        """A protocol given by number only (``"6"``, ``6``, ``"-1"``), as network ACL entries are."""
        if isinstance(value, Protocol):
            return value
        number = _number(value)
        if number is None:
            raise ProtocolError(f"{value!r} is not an IP protocol number: {_EXPECTED_NUMBER}")
        return _BY_NUMBER[number]

    # -- what it is ----------------------------------------------------------------------------
    @property
    def number(self) -> int:
        """The IANA protocol number; -1 for all protocols."""
        return self._number

    @property
    def is_all(self) -> bool:
        """Every protocol (``-1``)."""
        return self._number == -1

    @property
    def has_ports(self) -> bool:
        """tcp and udp: rules name a port range."""
        return self._number in (6, 17)

    @property
    def is_icmp(self) -> bool:
        """icmp and icmpv6: security group rules name an ICMP type and code instead of ports."""
        return self._number in (1, 58)

    # -- how AWS writes it ---------------------------------------------------------------------
    @property
    def ip_protocol(self) -> str:
        """As security group rules write it (``IpProtocol``): ``"tcp"``, ``"udp"``, ``"icmp"``,
        ``"icmpv6"``, ``"-1"`` for all, other protocols by number (``"47"``)."""
        return "-1" if self._number == -1 else NAMES.get(self._number, str(self._number))

    @property
    def acl_protocol(self) -> str:
        """As network ACL entries write it (``Protocol``): the number, ``"6"``; ``"-1"`` for all."""
        return str(self._number)

    # -- builtin behaviour ---------------------------------------------------------------------
    def __str__(self) -> str:
        """The canonical name: ``"tcp"``, …, ``"all"``; other protocols by number (``"47"``)."""
        return NAMES.get(self._number, str(self._number))

    def __repr__(self) -> str:
        return f"Protocol({str(self)!r})"

    def __int__(self) -> int:
        return self._number

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Protocol):
            return self._number == other._number
        return NotImplemented

    def __hash__(self) -> int:
        return hash((Protocol, self._number))

    def __lt__(self, other: Protocol) -> bool:
        if isinstance(other, Protocol):
            return self._number < other._number
        return NotImplemented

    def __le__(self, other: Protocol) -> bool:
        if isinstance(other, Protocol):
            return self._number <= other._number
        return NotImplemented

    def __gt__(self, other: Protocol) -> bool:
        if isinstance(other, Protocol):
            return self._number > other._number
        return NotImplemented

    def __ge__(self, other: Protocol) -> bool:
        if isinstance(other, Protocol):
            return self._number >= other._number
        return NotImplemented

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"Protocol is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Protocol is immutable; cannot delete {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return Protocol, (self._number,)

    def __copy__(self) -> Protocol:
        return self

    def __deepcopy__(self, memo: object) -> Protocol:
        return self


#: every protocol, one object per number
_BY_NUMBER: dict[int, Protocol] = {n: Protocol._make(n) for n in range(-1, 256)}
#: string spellings already parsed (bounded: short strings only)
_SPELLED: dict[str, Protocol] = {}

ALL = _BY_NUMBER[-1]
ICMP = _BY_NUMBER[1]
TCP = _BY_NUMBER[6]
UDP = _BY_NUMBER[17]
ICMPV6 = _BY_NUMBER[58]



def protocol_of(value: str | int | Protocol) -> Protocol:
    """``Protocol(value)``, as one dict lookup for a spelling seen before (rule matching calls it
    per rule and packet: the class call costs about ten times more).

    >>> protocol_of("tcp") is Protocol("6")
    True
    """
    if type(value) is str:
        known = _SPELLED.get(value)
        if known is not None:
            return known
    elif type(value) is Protocol:
        return value
    return Protocol(value)


__all__ = ["ALL", "ICMP", "ICMPV6", "NAMES", "NUMBERS", "TCP", "UDP", "Protocol", "ProtocolError",
           "protocol_of"]
