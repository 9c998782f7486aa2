"""AddressSet: an immutable set of IPv4 and IPv6 addresses with the algebra of a builtin set.

    >>> a = AddressSet(["10.0.0.0/16"]) - AddressSet(["10.0.1.0/24"])
    >>> "10.0.1.5" in a, "10.0.2.5" in a
    (False, True)
    >>> [str(n) for n in AddressSet(["10.0.0.0/25", "10.0.0.128/25"]).cidrs()]
    ['10.0.0.0/24']
    >>> v6 = AddressSet(["2600:1f18:a::/56"]) - AddressSet(["2600:1f18:a:1::/64"])
    >>> "2600:1f18:a:2::5" in v6, "2600:1f18:a:1::5" in v6, "10.0.2.5" in v6
    (True, False, False)
    >>> AddressSet(["0.0.0.0/0", "::/0"]) == AddressSet.everything()
    True
    >>> [str(n) for n in (AddressSet.everything(4) | AddressSet(["::/1"])).cidrs()]
    ['0.0.0.0/0', '::/1']

Stored as sorted, disjoint, non-adjacent half-open intervals of integers, so union, intersection
and difference are linear merges, and equal sets have equal representations (hashable).
(netaddr's IPSet does this too; a dependency for forty lines is not worth it.)

Both families live in **one integer space** (the dual-stack choice, issue 9): an IPv4 address is its
own value, in [0, 2**32); an IPv6 address is ``V6_BASE + value``, in [2**32, 2**32 + 2**128). So one
sorted interval list carries both families, nothing IPv4 pays for IPv6 (the IPv4 integers are what
they always were), and no interval of one family ever touches the other's by accident: the
families meet only at ``V6_BASE``, which :meth:`AddressSet.cidrs` never lets a block cross.
``AddressSet.everything()`` is both families; ``everything(4)`` / ``everything(6)`` one of them;
``~s`` complements within both. :func:`address_int` and :func:`network_span` convert one address
or CIDR of either family to this space (the reachability engine's indexes use them too).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache
from ipaddress import (
    IPv4Address,
    IPv4Network,
    IPv6Address,
    IPv6Network,
    ip_address,
    ip_network,
    summarize_address_range,
)

#: where IPv6 begins in the dual-stack integer space (IPv4 occupies [0, V6_BASE))
V6_BASE = 1 << 32
#: the end of the dual-stack space
_MAX = V6_BASE + (1 << 128)

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network


class AddressSetError(ValueError):
    """A text that is not an IPv4 or IPv6 address or network."""


def family_span(family: int) -> tuple[int, int]:
    """[start, end) of one address family (4 or 6) in the dual-stack space."""
    return (0, V6_BASE) if family == 4 else (V6_BASE, _MAX)


@lru_cache(maxsize=1 << 17)
def ipv4_network(cidr: str) -> IPv4Network:
    """``IPv4Network(cidr)``, parsed once per text (networks are immutable: the model's subnets and
    VPCs hand theirs out on every rule check; AWS-MAX has 30,000 subnets)."""
    return IPv4Network(cidr)


@lru_cache(maxsize=1 << 16)
def ipv6_network(cidr: str) -> IPv6Network:
    """``IPv6Network(cidr)``, parsed once per text (as :func:`ipv4_network`)."""
    return IPv6Network(cidr)


@lru_cache(maxsize=65536)
def address_int(ip: str) -> int:
    """An address of either family as an int of the dual-stack space (IPv6 offset by ``V6_BASE``)."""
    a = ip_address(ip)
    return int(a) if a.version == 4 else V6_BASE + int(a)


def to_address(value: int) -> Address:
    """The address at ``value`` of the dual-stack space (the inverse of :func:`address_int`)."""
    return IPv4Address(value) if value < V6_BASE else IPv6Address(value - V6_BASE)


@lru_cache(maxsize=65536)
def network_span(cidr: str) -> tuple[int, int, int]:
    """(start, end, prefix length) of a CIDR of either family in the dual-stack space (host bits
    ignored)."""
    net = ip_network(cidr, strict=False)
    base = 0 if net.version == 4 else V6_BASE
    start = base + int(net.network_address)
    return start, start + net.num_addresses, net.prefixlen


def _interval(item: str | Network | Address) -> tuple[int, int]:
    try:
        if isinstance(item, str):  # the common case, parsed once per CIDR (network_span's cache)
            start, end, _ = network_span(item)
            return start, end
        if isinstance(item, (IPv4Address, IPv6Address)):
            start = int(item) + (0 if item.version == 4 else V6_BASE)
            return start, start + 1
        net = item if isinstance(item, (IPv4Network, IPv6Network)) else ip_network(item, strict=False)
    except ValueError as exc:
        raise AddressSetError(str(exc)) from None
    start = int(net.network_address) + (0 if net.version == 4 else V6_BASE)
    return start, start + net.num_addresses


def _normalise(intervals: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return tuple(out)


class AddressSet:
    __slots__ = ("_iv", "_starts")

    def __init__(self, items: Iterable[str | Network | Address] = ()) -> None:
        self._iv = _normalise(_interval(i) for i in items)
        self._starts = [s for s, _ in self._iv]

    @classmethod
    def _of(cls, intervals: Iterable[tuple[int, int]]) -> AddressSet:
        new = cls.__new__(cls)
        new._iv = _normalise(intervals)
        new._starts = [s for s, _ in new._iv]
        return new

    @classmethod
    def everything(cls, family: int | None = None) -> AddressSet:
        """Every address of both families, or of one (``4`` or ``6``)."""
        return cls._of([(0, _MAX) if family is None else family_span(family)])

    @property
    def intervals(self) -> tuple[tuple[int, int], ...]:
        """Half-open integer intervals [start, end) of the dual-stack space, sorted and disjoint."""
        return self._iv

    def family(self, family: int) -> AddressSet:
        """The addresses of one family (``4`` or ``6``)."""
        return self & AddressSet.everything(family)

    # -- set algebra ---------------------------------------------------------------------------
    def __or__(self, other: AddressSet) -> AddressSet:
        return AddressSet._of(self._iv + other._iv)

    def __and__(self, other: AddressSet) -> AddressSet:
        out, i, j = [], 0, 0
        a, b = self._iv, other._iv
        while i < len(a) and j < len(b):
            start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
            if start < end:
                out.append((start, end))
            if a[i][1] < b[j][1]:
                i += 1
            else:
                j += 1
        return AddressSet._of(out)

    def __invert__(self) -> AddressSet:
        out, prev = [], 0
        for start, end in self._iv:
            out.append((prev, start))
            prev = end
        out.append((prev, _MAX))
        return AddressSet._of(out)

    def __sub__(self, other: AddressSet) -> AddressSet:
        return self & ~other

    def __xor__(self, other: AddressSet) -> AddressSet:
        return (self - other) | (other - self)

    def __le__(self, other: AddressSet) -> bool:
        return not (self - other)

    def __ge__(self, other: AddressSet) -> bool:
        return other <= self

    def isdisjoint(self, other: AddressSet) -> bool:
        return not (self & other)

    # -- builtin behaviour ---------------------------------------------------------------------
    def __contains__(self, item: object) -> bool:
        if isinstance(item, (str, IPv4Address, IPv4Network, IPv6Address, IPv6Network)):
            start, end = _interval(item)
            k = bisect_right(self._starts, start) - 1
            return k >= 0 and self._iv[k][0] <= start and end <= self._iv[k][1]
        return False

    def __len__(self) -> int:
        """The number of addresses."""
        return sum(end - start for start, end in self._iv)

    def __bool__(self) -> bool:
        return bool(self._iv)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AddressSet) and self._iv == other._iv

    def __hash__(self) -> int:
        return hash(self._iv)

    def __iter__(self) -> Iterator[Network]:
        return self.cidrs()

    def cidrs(self) -> Iterator[Network]:
        """The fewest CIDR blocks that cover exactly this set, in address order (IPv4 first)."""
        for start, end in self._iv:
            if start < V6_BASE:
                yield from summarize_address_range(IPv4Address(start), IPv4Address(min(end, V6_BASE) - 1))
            if end > V6_BASE:
                low = max(start, V6_BASE) - V6_BASE
                yield from summarize_address_range(IPv6Address(low), IPv6Address(end - V6_BASE - 1))

    def __repr__(self) -> str:
        return f"AddressSet({[str(n) for n in self.cidrs()]!r})"
