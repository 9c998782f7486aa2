"""AddressSet: an immutable set of IPv4 addresses with the algebra of a builtin set.

    >>> a = AddressSet(["10.0.0.0/16"]) - AddressSet(["10.0.1.0/24"])
    >>> "10.0.1.5" in a, "10.0.2.5" in a
    (False, True)
    >>> [str(n) for n in AddressSet(["10.0.0.0/25", "10.0.0.128/25"]).cidrs()]
    ['10.0.0.0/24']

Stored as sorted, disjoint, non-adjacent half-open intervals of integers, so union, intersection
and difference are linear merges, and equal sets have equal representations (hashable).
(netaddr's IPSet does this too; a dependency for forty lines is not worth it.)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from ipaddress import IPv4Address, IPv4Network, summarize_address_range

_MAX = 1 << 32


class AddressSetError(ValueError):
    """An address or network that is not IPv4."""


def _interval(item: str | IPv4Network | IPv4Address) -> tuple[int, int]:
    try:
        if isinstance(item, IPv4Address):
            start = int(item)
            return start, start + 1
        net = item if isinstance(item, IPv4Network) else IPv4Network(item, strict=False)
    except ValueError as exc:
        raise AddressSetError(str(exc)) from None
    start = int(net.network_address)
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

    def __init__(self, items: Iterable[str | IPv4Network | IPv4Address] = ()) -> None:
        self._iv = _normalise(_interval(i) for i in items)
        self._starts = [s for s, _ in self._iv]

    @classmethod
    def _of(cls, intervals: Iterable[tuple[int, int]]) -> AddressSet:
        new = cls.__new__(cls)
        new._iv = _normalise(intervals)
        new._starts = [s for s, _ in new._iv]
        return new

    @classmethod
    def everything(cls) -> AddressSet:
        return cls._of([(0, _MAX)])

    @property
    def intervals(self) -> tuple[tuple[int, int], ...]:
        """Half-open integer intervals [start, end), sorted and disjoint."""
        return self._iv

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
        if isinstance(item, (str, IPv4Address, IPv4Network)):
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

    def __iter__(self) -> Iterator[IPv4Network]:
        return self.cidrs()

    def cidrs(self) -> Iterator[IPv4Network]:
        """The fewest CIDR blocks that cover exactly this set, in address order."""
        for start, end in self._iv:
            yield from summarize_address_range(IPv4Address(start), IPv4Address(end - 1))

    def __repr__(self) -> str:
        return f"AddressSet({[str(n) for n in self.cidrs()]!r})"
