"""Derived indexes the World keeps beside its resources, so rule checks look things up instead of
scanning every sibling.

They hold nothing the resources do not: the World updates them in step with every put and remove,
including a transaction's rollback and a restore (both go through the same indexing), so they are
always exactly what a scan of the current resources would find.

- ``NetworkIndex``: the CIDR blocks of one VPC's resources of one kind (subnets), answering "does
  this block overlap any of them" in O(log n) — two CIDR blocks overlap exactly when one contains
  the other, so it looks for an indexed supernet (one set lookup per prefix length in use) and an
  indexed block inside the new one (a bisection of the sorted network addresses).
- ``RouteIndex``: one route table's routes by destination (position of the first route with each
  key), kept up to date in O(1) when a route is appended and rebuilt otherwise.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Sequence
from ipaddress import IPv4Network
from socket import inet_aton
from typing import Any


class NetworkIndex:
    """The IPv4 CIDR blocks of a set of resources (duplicates counted)."""

    __slots__ = ("_blocks", "_lengths", "_starts")

    def __init__(self) -> None:
        self._blocks: Counter[tuple[int, int]] = Counter()  # (network address, prefix length)
        self._lengths: Counter[int] = Counter()
        self._starts: list[int] = []  # network addresses, sorted, with repeats

    def __len__(self) -> int:
        return len(self._starts)

    @staticmethod
    def _block(cidr: str) -> tuple[int, int]:
        # the World's blocks are canonical "a.b.c.d/n" (the ControlPlane stores str(IPv4Network)):
        # read directly, not parsed by ipaddress again (each new subnet of a snapshot is indexed)
        address, _, plen = cidr.partition("/")
        return int.from_bytes(inet_aton(address), "big"), int(plen)

    def add(self, cidr: str) -> None:
        start, plen = key = self._block(cidr)
        self._blocks[key] += 1
        self._lengths[plen] += 1
        insort(self._starts, start)

    def discard(self, cidr: str) -> None:
        start, plen = key = self._block(cidr)
        if not self._blocks[key]:
            return
        self._blocks[key] -= 1
        if not self._blocks[key]:
            del self._blocks[key]
        self._lengths[plen] -= 1
        if not self._lengths[plen]:
            del self._lengths[plen]
        del self._starts[bisect_left(self._starts, start)]

    def overlaps(self, net: IPv4Network) -> bool:
        """Whether any indexed block overlaps ``net``."""
        start, plen = int(net.network_address), net.prefixlen
        end = start + (1 << (32 - plen)) - 1
        i = bisect_left(self._starts, start)
        if i < len(self._starts) and self._starts[i] <= end:
            return True  # an indexed block starts inside net (it is inside net or contains it)
        for length in self._lengths:
            if length < plen:  # an indexed block that contains net starts before it
                mask = (0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF
                if (start & mask, length) in self._blocks:
                    return True
        return False


class RouteIndex:
    """One table's routes by a key (the first route with each key wins, as a scan would find it)."""

    __slots__ = ("key", "positions", "routes", "without_key")

    def __init__(self, routes: Sequence[Any], key: str) -> None:
        self.key = key
        self.routes: tuple[Any, ...] = tuple(routes)
        self.positions: dict[Any, int] = {}
        #: positions of the routes whose key is empty (a transit gateway's prefix-list routes)
        self.without_key: list[int] = []
        for i, r in enumerate(self.routes):
            self._add(r, i)

    def _add(self, route: Any, i: int) -> None:
        value = getattr(route, self.key)
        self.positions.setdefault(value, i)
        if not value:
            self.without_key.append(i)

    def updated(self, routes: tuple[Any, ...]) -> RouteIndex:
        """The index for ``routes``: this one extended when one route was appended (the routes
        before it equal — the tuple comparison checks identity first), else rebuilt."""
        old = self.routes
        if routes is old:
            return self
        if len(routes) == len(old) + 1 and routes[:-1] == old:
            self.routes = routes
            self._add(routes[-1], len(old))
            return self
        return RouteIndex(routes, self.key)

    def find(self, value: Any) -> Any | None:
        """The first route whose key is ``value``, or None."""
        i = self.positions.get(value)
        return None if i is None else self.routes[i]
