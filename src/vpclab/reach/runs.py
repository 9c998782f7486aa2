"""Run-length forwarding tables (``Runs``) and the two ways of painting them from ranked prefixes:
one table at a time (``paint``) and every table of a compilation at once (``paint_many``).

Both take the same input — each table's destination ranges ranked by AWS's priorities — and give
the same canonical answer: run k covers [starts[k], starts[k+1]), holds the hop of the
highest-ranked range covering it (``NO_ROUTE`` where none does), and two neighbouring runs never
hold the same hop. ``tests/reach/test_compile_batch.py`` checks them against each other.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from .space import _SPACE

Hop = tuple[str, str]
NO_ROUTE: Hop = ("none", "")


@dataclass(frozen=True, slots=True)
class Runs:
    """A piecewise-constant map from IPv4 addresses to hops: run k covers [starts[k], starts[k+1])."""

    starts: tuple[int, ...]
    hops: tuple[Hop, ...]
    #: the destination prefixes the table was built from (for the atom index)
    prefixes: frozenset[tuple[int, int]] = frozenset()

    def at(self, address: int) -> Hop:
        return self.hops[bisect_right(self.starts, address) - 1]

    def array(self) -> np.ndarray:
        return np.asarray(self.starts, dtype=np.uint64)

    def runs(self) -> Iterable[tuple[int, int, Hop]]:
        ends = (*self.starts[1:], _SPACE)
        return zip(self.starts, ends, self.hops, strict=True)


def paint(
    ranked: Iterable[tuple[int, int, Hop]],
    space_end: int = _SPACE,
    prefixes: frozenset[tuple[int, int]] | None = None,
) -> Runs:
    """Runs from ranges listed lowest priority first (a later range overrides an earlier one), over
    [0, ``space_end``) (2**32; 2**128 for IPv6 before compression). ``prefixes``: the ranges as
    (start, end) pairs, when the caller has them (the cached spans: no new tuple per route)."""
    items = ranked if isinstance(ranked, list) else list(ranked)
    points = {0}
    for start, end, _ in items:
        points.add(start)
        points.add(end)
    points.discard(space_end)
    bounds = sorted(points)
    rank = {b: k for k, b in enumerate(bounds)}
    n = len(bounds)
    hops: list[Hop] = [NO_ROUTE] * n
    for start, end, hop in items:
        i = rank[start]
        j = rank[end] if end != space_end else n
        hops[i:j] = [hop] * (j - i)
    starts: list[int] = [0]
    merged: list[Hop] = [hops[0]]
    last = hops[0]
    for k in range(1, n):
        h = hops[k]
        if h != last:
            starts.append(bounds[k])
            merged.append(h)
            last = h
    if prefixes is None:
        prefixes = frozenset([(s, e) for s, e, _ in items])
    return Runs(tuple(starts), tuple(merged), prefixes)


class Ranked:
    """The ranked ranges of many tables, as parallel columns (``paint_many``'s input).

    Range i belongs to table ``table[i]`` (0, 1, … in the order the tables are added), covers
    [``lo[i]``, ``hi[i]``) — an aligned block (a CIDR's span), so two ranges are nested or
    disjoint — and goes to hop ``hops[code[i]]``. Between two ranges of a table with the same span,
    the higher ``priority`` wins, then the lower ``position`` (the route listed first).
    """

    __slots__ = ("code", "codes", "count", "hi", "hops", "lo", "position", "priority", "table")

    def __init__(self) -> None:
        self.table: list[int] = []
        self.lo: list[int] = []
        self.hi: list[int] = []
        self.priority: list[int] = []
        self.position: list[int] = []
        self.code: list[int] = []
        self.hops: list[Hop] = [NO_ROUTE]
        self.codes: dict[Hop, int] = {NO_ROUTE: 0}
        #: tables added so far
        self.count = 0

    def code_of(self, hop: Hop) -> int:
        code = self.codes.get(hop)
        if code is None:
            code = self.codes[hop] = len(self.hops)
            self.hops.append(hop)
        return code


def paint_many(ranked: Ranked, space_end: int = _SPACE) -> list[tuple[tuple[int, ...], tuple[Hop, ...]]]:
    """(starts, hops) of every table of ``ranked``, as ``paint`` gives them, computed at once.

    The decision is ``paint``'s: an address takes the hop of the highest-ranked range covering it,
    where ranges rank by prefix length (the longest wins), then priority, then position. Ranges are
    CIDR blocks — nested or disjoint — so the longest covering range is the innermost one, and
    ranges with the same span are nested too, the better one inside:

    1. every range opens at its start and closes at its end: sorted per table by address (at one
       address: closings before openings, outer openings first, the better of two equal spans the
       inner one), the depth after an address's events is the number of ranges open there;
    2. the innermost range open after an address is the one whose opening last brought the nesting
       depth to that depth (one ``searchsorted`` over (depth, event) keys);
    3. the hop after the last event at each address, with neighbours of the same hop merged, is the
       table's runs.

    Wider-than-64-bit coordinates (IPv6 before compression) are replaced by their rank first and
    given back afterwards (order, and so every decision, is preserved).
    """
    count = ranked.count
    lo: Sequence[int] = ranked.lo
    hi: Sequence[int] = ranked.hi
    points: list[int] | None = None
    end = space_end
    if space_end > 1 << 32:
        points = sorted({0, space_end, *lo, *hi})
        index = {p: k for k, p in enumerate(points)}
        lo, hi, end = [index[x] for x in lo], [index[x] for x in hi], index[space_end]
    k = len(lo)
    t = np.asarray(ranked.table, dtype=np.int64)
    s = np.asarray(lo, dtype=np.int64)
    e = np.asarray(hi, dtype=np.int64)
    code = np.asarray(ranked.code, dtype=np.int64)
    priority = np.asarray(ranked.priority, dtype=np.int64)
    position = np.asarray(ranked.position, dtype=np.int64)
    # 1. the order of the openings at one address, then a stable sort by (table, address)
    pbits = int(position.max()).bit_length() if k else 0
    # one int64 key per sort when the fields fit: priorities 0–3, positions of < 2**25, addresses
    # (or IPv6 ranks) of ≤ 33 bits, < 2**29 tables — always, at AWS's sizes
    small = not k or (int(priority.min()) >= 0 and int(priority.max()) < 4 and int(position.min()) >= 0)
    fast = small and end < 1 << 33 and count < 1 << 29 and 35 + 2 + pbits < 63
    if fast:
        rank = (priority << pbits) | ((1 << pbits) - 1 - position)  # higher is better
        opening = np.argsort((((end - e) << (2 + pbits)) | rank), kind="stable")  # outer, worse first
    else:  # (never at AWS's sizes) the same order by several keys
        opening = np.lexsort((-position, priority, -e))
    # closings at one address come before its openings; their own order changes nothing (only the
    # depth after an address's last event is read, and the openings' depths do not depend on it)
    ev_range = np.concatenate((np.full(count, -1, dtype=np.int64), np.arange(k), opening))
    ev_t = np.concatenate((np.arange(count, dtype=np.int64), t, t[opening]))
    ev_at = np.concatenate((np.zeros(count, dtype=np.int64), e, s[opening]))
    step = np.concatenate((np.zeros(count, dtype=np.int64), np.full(k, -1), np.ones(k, dtype=np.int64)))
    o = np.argsort((ev_t << 34) | ev_at, kind="stable") if fast else np.lexsort((ev_at, ev_t))
    ev_t, ev_at, ev_range, step = ev_t[o], ev_at[o], ev_range[o], step[o]
    n = len(o)
    # 2. the innermost open range after each event
    depth = np.cumsum(step)
    opens = np.flatnonzero(step == 1)
    keys = depth[opens] * (n + 1) + opens  # ascending by depth, then by event
    by_key = np.argsort(keys)
    j = np.searchsorted(keys[by_key], depth * (n + 1) + np.arange(n), side="right") - 1
    inner = ev_range[opens[by_key[np.maximum(j, 0)]]] if k else np.zeros(n, dtype=np.int64)
    hop = np.where(depth > 0, code[inner] if k else 0, 0)
    # 3. the last event at each address (not the end of the space), then runs of equal hops merged
    last = np.ones(n, dtype=bool)
    last[:-1] = (ev_t[1:] != ev_t[:-1]) | (ev_at[1:] != ev_at[:-1])
    last &= ev_at != end
    ev_t, ev_at, hop = ev_t[last], ev_at[last], hop[last]
    first = np.ones(len(ev_t), dtype=bool)
    first[1:] = ev_t[1:] != ev_t[:-1]
    keep = first.copy()
    keep[1:] |= hop[1:] != hop[:-1]
    ev_at, hop = ev_at[keep], hop[keep]
    bounds = [*np.flatnonzero(first[keep]).tolist(), len(ev_at)]
    at: list[int] = ev_at.tolist()
    if points is not None:
        at = [points[x] for x in at]
    table_hops = np.empty(len(ranked.hops), dtype=object)
    table_hops[:] = ranked.hops
    hop_of: list[Hop] = table_hops[hop].tolist()
    return [(tuple(at[a:b]), tuple(hop_of[a:b])) for a, b in pairwise(bounds)]


def changed_ranges(old: Runs | None, new: Runs | None, space_end: int = _SPACE) -> list[tuple[int, int]]:
    """The address ranges [lo, hi) where two forwarding tables give different hops, ascending and
    merged (None: no table, ``NO_ROUTE`` everywhere). The intent checker's finer read sets: a walk
    that looked a table up only outside these ranges read nothing that changed."""
    a_starts, a_hops = (old.starts, old.hops) if old is not None else ((0,), (NO_ROUTE,))
    b_starts, b_hops = (new.starts, new.hops) if new is not None else ((0,), (NO_ROUTE,))
    if a_starts == b_starts and a_hops == b_hops:
        return []
    bounds = sorted({*a_starts, *b_starts})
    out: list[tuple[int, int]] = []
    i = j = 0
    na, nb = len(a_starts), len(b_starts)
    for k, x in enumerate(bounds):
        while i + 1 < na and a_starts[i + 1] <= x:
            i += 1
        while j + 1 < nb and b_starts[j + 1] <= x:
            j += 1
        if a_hops[i] != b_hops[j]:
            hi = bounds[k + 1] if k + 1 < len(bounds) else space_end
            if out and out[-1][1] == x:
                out[-1] = (out[-1][0], hi)
            else:
                out.append((x, hi))
    return out
