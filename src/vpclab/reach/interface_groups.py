"""The interface matrix's security groups, as packed bit rows (sources × destinations): a pair
passes when the source's groups allow it out (egress rules towards the destination) and the
destination's allow it in (ingress rules from the source) — stateful, so the reply needs nothing.

A rule matches by CIDR, prefix list (its CIDRs) or referenced group. A group reference matches an
interface that is a member of the group, in the same VPC or across an active peering within one
Region (AWS: "Update your security groups to reference peer security groups",
https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html); vpclab does not
model transit gateway security group referencing (off by default). An interface without groups
(a NAT gateway's, a Network Load Balancer's) filters nothing.

Scale: what a set of groups allows by address depends only on the CIDRs of its matching rules, so
interfaces are keyed by that content (``_Near``) and each distinct content is evaluated once over
the far ends' addresses; references are a join of (interface, referenced group) with (member,
group), filtered by VPC. The ingress side is turned without transposing bits: sources are grouped
by which ingress contents admit their address, and each such group's row is built once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ..core.addresses import AddressSet
from ..model.prefix_lists import prefix_list_cidrs
from ..model.security_group import SecurityGroup, SecurityGroupRule, sg_rule_matches
from ..model.vpc import Vpc
from .bitrows import join_pairs, set_bits
from .compiled import Compiled, in_set

if TYPE_CHECKING:
    from ..model.world import World


class End(Protocol):
    """An interface as the matrix sees it."""

    @property
    def vpc(self) -> str: ...
    @property
    def ip(self) -> int: ...
    @property
    def groups(self) -> tuple[str, ...]: ...


#: what one direction of a security group allows: the CIDRs of its matching CIDR and prefix-list
#: rules, and the (numbered) groups its matching rules reference
Allows = tuple[tuple[str, ...], tuple[int, ...]]


class _Rules:
    """What each security group allows for one protocol and port, both directions (read once)."""

    def __init__(self, world: World, protocol: str, port: int | None) -> None:
        from .result import icmp_code

        self.world, self.protocol, self.port = world, protocol, port
        self.code = icmp_code(protocol, port)
        #: referenced group id → number
        self.ids: dict[str, int] = {}
        self._groups: dict[str, tuple[Allows, Allows]] = {}
        self._matches: dict[tuple[str, int, int], bool] = {}

    def group(self, gid: str) -> tuple[Allows, Allows]:
        """(egress, ingress) of group ``gid`` (nothing for a group that does not exist)."""
        found = self._groups.get(gid)
        if found is None:
            group = self.world.get(gid, SecurityGroup)
            found = self._groups[gid] = (
                (self._allows(group.rules(True)), self._allows(group.rules(False)))
                if group is not None
                else (((), ()), ((), ()))
            )
        return found

    def _allows(self, rules: tuple[SecurityGroupRule, ...]) -> Allows:
        cidrs: list[str] = []
        refs: list[int] = []
        matches, ids = self._matches, self.ids
        for rule in rules:
            key = (rule.ip_protocol, rule.from_port, rule.to_port)
            ok = matches.get(key)
            if ok is None:  # the rule's peer plays no part: one answer per protocol and port range
                ok = matches[key] = sg_rule_matches(rule, self.protocol, self.port, self.code)
            if not ok:
                continue
            if rule.cidr_ipv4 or rule.cidr_ipv6:
                cidrs.append(rule.cidr_ipv4 or rule.cidr_ipv6 or "")
            elif rule.prefix_list_id:
                cidrs.extend(prefix_list_cidrs(self.world, rule.prefix_list_id))
            elif rule.referenced_group_id:
                refs.append(ids.setdefault(rule.referenced_group_id, len(ids)))
        return tuple(cidrs), tuple(refs)


@dataclass
class _Side:
    """One direction (egress or ingress) of every end: its address content (an index into
    ``contents``; -1: no groups, everything allowed) and its (end, referenced group) pairs."""

    content: np.ndarray
    contents: list[tuple[str, ...]] = field(default_factory=list)
    ref_end: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    ref_group: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def _sides(rules: _Rules, ends: Sequence[End]) -> tuple[_Side, _Side]:
    """(egress, ingress) of every end, ends with the same groups read once."""
    index: tuple[dict[tuple[str, ...], int], dict[tuple[str, ...], int]] = ({}, {})
    content: tuple[list[int], list[int]] = ([], [])
    ref_end: tuple[list[int], list[int]] = ([], [])
    ref_group: tuple[list[int], list[int]] = ([], [])
    seen: dict[tuple[str, ...], list[tuple[int, tuple[int, ...]]]] = {}
    for i, e in enumerate(ends):
        groups = e.groups
        if not groups:  # no security groups: nothing to filter
            content[0].append(-1)
            content[1].append(-1)
            continue
        found = seen.get(groups)
        if found is None:
            found = seen[groups] = []
            parts = [rules.group(g) for g in groups]
            for d in (0, 1):
                cidrs = {x for p in parts for x in p[d][0]}
                refs = tuple(sorted({x for p in parts for x in p[d][1]}))
                key = tuple(sorted(cidrs))
                found.append((index[d].setdefault(key, len(index[d])), refs))
        for d in (0, 1):
            k, refs = found[d]
            content[d].append(k)
            for g in refs:
                ref_end[d].append(i)
                ref_group[d].append(g)
    return tuple(  # type: ignore[return-value]
        _Side(
            np.array(content[d], dtype=np.int64),
            list(index[d]),
            np.array(ref_end[d], dtype=np.int64),
            np.array(ref_group[d], dtype=np.int64),
        )
        for d in (0, 1)
    )


class _Vpcs:
    """Which VPC pairs a group reference spans: one VPC, or an active peering within one Region."""

    def __init__(self, world: World, c: Compiled, ends: Sequence[End]) -> None:
        region = {v.id: v.region for v in world.all(Vpc)}
        self.index: dict[str, int] = {}
        for e in ends:
            self.index.setdefault(e.vpc, len(self.index))
        n = len(self.index)
        keys = [
            self.index[a] * n + self.index[b]
            for p in c.peerings.values()
            for a, b in (tuple(p), tuple(p)[::-1])
            if a in self.index and b in self.index and a != b and region.get(a) == region.get(b)
        ]
        self.n, self.peered = n, np.unique(np.array(keys, dtype=np.int64))
        self.of = np.array([self.index[e.vpc] for e in ends], dtype=np.int64)

    def spanned(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether a reference from ends ``a`` reaches members ``b`` (indices into the ends)."""
        va, vb = self.of[a], self.of[b]
        return (va == vb) | np.isin(va * self.n + vb, self.peered)


def _references(
    side: _Side,
    near: np.ndarray,
    far: np.ndarray,
    member_end: np.ndarray,
    member_group: np.ndarray,
    vpcs: _Vpcs,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(near end, far end) pairs a near end's group reference admits, a block at a time: a near
    end's references joined with the far ends' memberships, within the VPCs a reference spans.
    ``near``/``far``: which ends play each part."""
    pick = near[side.ref_end]
    members = far[member_end]
    left, right = (side.ref_end[pick], side.ref_group[pick]), (member_end[members], member_group[members])
    for a, b in join_pairs(*left, *right):
        ok = vpcs.spanned(a, b)
        yield a[ok], b[ok]


def _admits(c: Compiled, cidrs: tuple[str, ...], ips: np.ndarray) -> np.ndarray:
    return in_set(ips, c.space.aset(AddressSet(list(cidrs))))


def security_groups(
    world: World, c: Compiled, ends: Sequence[End], src_at: np.ndarray, protocol: str, port: int | None
) -> np.ndarray:
    """Packed rows (sources ``ends[src_at]`` × destinations ``ends``): the source's egress and
    the destination's ingress both allow the pair."""
    ns, nd = len(src_at), len(ends)
    if not ns or not nd:
        return np.zeros((ns, (nd + 7) // 8), dtype=np.uint8)
    rules = _Rules(world, protocol, port)
    egress, ingress = _sides(rules, ends)
    ips = np.array([e.ip for e in ends], dtype=np.uint64)
    src_ips = ips[src_at]
    row_of = np.full(nd, -1, dtype=np.int64)  # end → its source row
    row_of[src_at] = np.arange(ns)
    is_src = row_of >= 0
    every = np.ones(nd, dtype=bool)
    vpcs = _Vpcs(world, c, ends)
    member_end = np.array([i for i, e in enumerate(ends) for g in e.groups if g in rules.ids], dtype=np.int64)
    member_group = np.array([rules.ids[g] for e in ends for g in e.groups if g in rules.ids], dtype=np.int64)
    # egress: one row over the destinations per address content (the last: no groups), then the
    # members of referenced groups
    table = np.packbits(np.stack([_admits(c, cidrs, ips) for cidrs in egress.contents] + [every]), axis=1)
    out = table[egress.content[src_at]]
    for a, b in _references(egress, is_src, every, member_end, member_group, vpcs):
        set_bits(out, row_of[a], b)
    # ingress: which destination contents admit each source's address (m: contents × sources);
    # sources alike in m share one row over the destinations
    m = np.stack([_admits(c, cidrs, src_ips) for cidrs in ingress.contents] + [np.ones(ns, dtype=bool)])
    _, first, kind = np.unique(np.packbits(m, axis=0).T, axis=0, return_index=True, return_inverse=True)
    inward = np.packbits(np.take(m[:, first].T, ingress.content, axis=1), axis=1)[kind.reshape(-1)]
    for a, b in _references(ingress, every, is_src, member_end, member_group, vpcs):
        set_bits(inward, row_of[b], a)
    out &= inward
    return out
