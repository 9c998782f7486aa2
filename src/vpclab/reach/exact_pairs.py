"""The matrices' exact answer for pairs whose path the class algebra cannot decide (issue 15).

The classes of ``reach.matrix`` decide a pair from (source context, destination atom) cells. That
is exact while a transit gateway path depends on nothing else — one transit gateway per VPC, each
VPC attachment in every Availability Zone a flow can come from, no appliance mode, no transit
gateway peering, no middlebox on the way, no transit gateway route sending a range to a VPC that
does not hold it. Where a network has any of these (``irregular``), the pair's path depends on
more than the cells know: which transit gateway the source's route table picks, the AZ a middlebox
sends from, the destination's AZ (the entry subnet when the attachment lacks the originating AZ,
across a peering, or in appliance mode), the AZ the request used (the reply in appliance mode),
and whether the entry subnet is the destination's own. Every pair with an end in such a VPC is
then walked here, over the compiled tables, exactly as the tracer walks them (``reach.tracer``,
``reach.transit``; network ACLs at middleboxes included, their security groups not):

- a route to a middlebox crosses into its subnet (NACLs at that boundary) and routing continues
  from its subnet and AZ;
- towards a transit gateway, the attachment needs a subnet in the current AZ; the current
  subnet's outbound rules and the attachment subnet's inbound rules apply (both of one ACL when
  they are the same subnet), AWS "Network ACLs for transit gateways"
  (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html);
- out of a transit gateway into a VPC, through the attachment subnet in the originating AZ, else
  the destination's AZ, else the attachment's first subnet; across a peering there is no
  originating AZ (the destination's); in appliance mode the request prefers the destination's AZ
  and the reply reuses the request's choice (AWS "Appliance in a shared services VPC",
  https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-appliance-scenario.html); the
  attachment subnet's route table routes on (local delivery, a middlebox, or another gateway);
- delivery crosses from the current subnet into the destination's (none within one subnet).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, Any

import numpy as np

from .compiled import NO_ROUTE, Compiled, SubnetInfo

if TYPE_CHECKING:
    from .classes import AclCache, Classes

#: route tables one direction may consult before the walk is called a loop (the tracer's bound)
MAX_STEPS = 64


def irregular(c: Compiled) -> set[str]:
    """The VPCs whose transit gateway paths the class algebra may decide wrongly (module docstring):
    a VPC with a middlebox, attached to several transit gateways, or whose attachment has appliance
    mode; and every VPC on a transit gateway with a route sending a range to a VPC attachment whose
    VPC does not hold it (the packet goes on through that VPC). Empty: the classes are exact.
    (An attachment missing an AZ and a transit gateway peering, where the destination's AZ picks
    the entry subnet, are decided by the columns: ``Classes.dst_entry``.)"""
    out: set[str] = {vpc for _box_subnet, vpc in c.middleboxes.values()}
    on_tgw: dict[str, set[str]] = {}
    per_vpc: dict[str, int] = {}
    for (tgw, vpc), att in c.vpc_attachments.items():
        on_tgw.setdefault(tgw, set()).add(vpc)
        per_vpc[vpc] = per_vpc.get(vpc, 0) + 1
        if att.appliance_mode:
            out.add(vpc)
    out.update(v for v, n in per_vpc.items() if n > 1)
    odd_tgws: set[str] = set()
    owner: dict[str, str] = {}  # TGW route table → its gateway (by the associations)
    for att in c.attachments.values():
        for tgw, rtb in att.associations.items():
            owner.setdefault(rtb, tgw)
    by_id = {a.id: a for a in c.vpc_attachments.values()}
    for rtb, runs in c.tgw_tables.items():
        ends = (*runs.starts[1:], 1 << 200)
        for start, end, (kind, target) in zip(runs.starts, ends, runs.hops, strict=True):
            into = by_id.get(target) if kind == "att" else None
            if into is not None and into.vpc_id is not None and rtb in owner:
                spans = c.vpc_spans.get(into.vpc_id, ())
                if not any(lo <= start and end <= hi for lo, hi in spans):
                    odd_tgws.add(owner[rtb])
    for tgw in odd_tgws:
        out.update(on_tgw.get(tgw, ()))
    return out


class Walker:
    """Walks single flows over a compilation for one protocol and port (request and reply)."""

    def __init__(
        self, c: Compiled, acls: AclCache, protocol: str, port: int | None, rport: int | None
    ) -> None:
        self.c, self.acls, self.protocol, self.port, self.rport = c, acls, protocol, port, rport
        spans: dict[str, list[tuple[int, int, SubnetInfo]]] = {}
        for s in c.subnets.values():
            spans.setdefault(s.vpc_id, []).append((s.lo, s.hi, s))
        self._spans = {v: sorted(x, key=lambda t: t[0]) for v, x in spans.items()}
        self._starts = {v: [t[0] for t in x] for v, x in self._spans.items()}
        #: while ``reaches`` runs with a read set: the ids the answer depends on (route tables,
        #: subnets and their ACLs, middleboxes, peerings, transit gateway attachments and route
        #: tables; "tgw/vpc" for a VPC's attachment) — the intent checker's dependencies
        self.reads: set[str] | None = None

    def subnet_at(self, vpc_id: str, address: int) -> SubnetInfo | None:
        """The subnet of ``vpc_id`` holding ``address`` (as the compilation has it now: the intent
        checker re-associates subnets in place)."""
        starts = self._starts.get(vpc_id)
        if not starts:
            return None
        k = bisect_right(starts, address) - 1
        if k < 0:
            return None
        lo, hi, s = self._spans[vpc_id][k]
        return self.c.subnets.get(s.id) if lo <= address < hi else None

    def _allows(self, sub: SubnetInfo, egress: bool, address: int, reply: bool) -> bool:
        port = self.rport if reply else self.port
        if self.reads is not None:
            self.reads.add(sub.id)
            self.reads.add(sub.acl_id)
        return self.acls.allowed(sub.acl_id, egress, self.protocol, port).has(address)

    def _cross(self, left: SubnetInfo, entered: SubnetInfo, src: int, dst: int, reply: bool) -> bool:
        if left.id == entered.id:
            return True
        return self._allows(left, True, dst, reply) and self._allows(entered, False, src, reply)

    def reaches(
        self, s: SubnetInfo, src: int, d: SubnetInfo, dst: int, reads: set[str] | None = None
    ) -> bool:
        """Whether ``src`` in ``s`` reaches ``dst`` in ``d`` and hears back (``reads``: collects
        the ids the answer depends on)."""
        chosen: dict[str, str] = {}
        self.reads = reads
        try:
            return self.walk(s, src, dst, d, False, chosen) and self.walk(d, dst, src, s, True, chosen)
        finally:
            self.reads = None

    def walk(
        self, start: SubnetInfo, src: int, dst: int, want: SubnetInfo, reply: bool, chosen: dict[str, str]
    ) -> bool:
        """One direction: from ``start`` to ``dst``, delivered into ``want``. ``chosen``: attachment
        id → the AZ the request entered its VPC in (appliance mode: the reply's)."""
        c = self.c
        cur = start
        rt, vpc, az = cur.route_table_id, cur.vpc_id, cur.az
        visited: set[str] = set()
        if self.reads is not None:
            self.reads.add(cur.id)
        for _ in range(MAX_STEPS):
            if rt in visited:
                return False  # a routing loop
            visited.add(rt)
            if self.reads is not None:
                self.reads.add(rt)
            runs = c.route_tables.get(rt)
            kind, target = runs.at(dst) if runs is not None else NO_ROUTE
            if kind in ("mbox", "pcx", "tgw") and self.reads is not None:
                self.reads.add(target)
            if kind == "local":
                d = self.subnet_at(vpc, dst)
                return d is not None and d.id == want.id and self._cross(cur, d, src, dst, reply)
            if kind == "mbox":
                box = c.middleboxes.get(target)
                if box is None or box[1] != vpc or box[0] not in c.subnets:
                    return False
                b = c.subnets[box[0]]
                if not self._cross(cur, b, src, dst, reply):
                    return False
                cur, rt, az = b, b.route_table_id, b.az
                if self.reads is not None:
                    self.reads.add(b.id)
                continue
            if kind == "pcx":
                sides = c.peerings.get(target)
                if sides is None or not self._allows(cur, True, dst, reply):
                    return False
                peer = sides[1] if sides[0] == vpc else sides[0]
                d = self.subnet_at(peer, dst)
                return d is not None and d.id == want.id and self._allows(d, False, src, reply)
            if kind != "tgw":
                return False
            entry = self._through_tgw(target, vpc, az, cur, src, dst, reply, chosen, visited)
            if entry is None:
                return False
            cur, vpc = entry
            rt, az = cur.route_table_id, cur.az
            if self.reads is not None:
                self.reads.add(cur.id)
        return False

    def _through_tgw(
        self,
        tgw: str,
        vpc: str,
        az: str,
        cur: SubnetInfo,
        src: int,
        dst: int,
        reply: bool,
        chosen: dict[str, str],
        visited: set[str],
    ) -> tuple[SubnetInfo, str] | None:
        """Into the transit gateway from ``cur`` and out into a VPC: (entry subnet, its VPC)."""
        c = self.c
        att = c.vpc_attachments.get((tgw, vpc))
        if self.reads is not None:
            self.reads.add(f"{tgw}/{vpc}")
        if att is not None and self.reads is not None:
            self.reads.add(att.id)
        if att is None or az not in att.az_subnets or att.az_subnets[az] not in c.subnets:
            return None  # TGW_ROUTE_AZ_RESTRICTION
        x = c.subnets[att.az_subnets[az]]
        if x.id == cur.id:  # the same subnet: its outbound AND inbound rules
            if not (self._allows(cur, True, dst, reply) and self._allows(cur, False, src, reply)):
                return None
        elif not self._cross(cur, x, src, dst, reply):
            return None
        rtb = att.associations.get(tgw)
        origin: str | None = az
        for _ in range(MAX_STEPS):
            if rtb is None or "tgw:" + rtb in visited:
                return None
            visited.add("tgw:" + rtb)
            if self.reads is not None:
                self.reads.add(rtb)
            truns = c.tgw_tables.get(rtb)
            kind, target = truns.at(dst) if truns is not None else NO_ROUTE
            if kind == "att" and self.reads is not None:
                self.reads.add(target)
            nxt = c.attachments.get(target) if kind == "att" else None
            if nxt is None:
                return None
            if nxt.type == "vpc" and nxt.vpc_id is not None:
                subs = [z for z, sid in nxt.az_subnets.items() if sid in c.subnets]
                if not subs:
                    return None
                entry_az = None
                forward_az = chosen.get(nxt.id)
                if nxt.appliance_mode and reply and forward_az in subs:
                    entry_az = forward_az
                if entry_az is None:
                    d = self.subnet_at(nxt.vpc_id, dst)
                    d_az = d.az if d is not None else None
                    if d is not None and self.reads is not None:
                        self.reads.add(d.id)
                    wanted = (d_az, origin) if nxt.appliance_mode else (origin, d_az)
                    entry_az = next((z for z in wanted if z is not None and z in subs), subs[0])
                if not reply:
                    chosen.setdefault(nxt.id, entry_az)
                return c.subnets[nxt.az_subnets[entry_az]], nxt.vpc_id
            if nxt.type == "peering" and tgw in nxt.peer_of:
                tgw = nxt.peer_of[tgw]
                rtb = nxt.associations.get(tgw)
                origin = None
                continue
            return None  # VPN, Direct Connect: the packet leaves AWS
        return None


def _candidates(n: int, odd: np.ndarray) -> list[tuple[int, int]]:
    """Every (i, j) of ``n`` ends with an end in an irregular VPC (``odd``)."""
    rows = np.flatnonzero(odd).tolist()
    return sorted({(i, j) for i in rows for j in range(n)} | {(j, i) for i in rows for j in range(n)})


def correct_subnets(
    cl: Classes,
    bits: np.ndarray,
    psub: np.ndarray,
    paddr: np.ndarray,
    subnets: list[SubnetInfo],
) -> None:
    """Walk every subnet pair of the packed matrix ``bits`` with an end in an irregular VPC (pieces:
    subnet rows ``psub``, addresses ``paddr``) and set its bit to the walk's answer: some piece of
    the one reaches some piece of the other."""
    walker = cl.exact
    assert walker is not None
    odd = np.array([subnets[int(k)].vpc_id in cl.irregular for k in psub], dtype=bool)
    pairs = {(int(psub[i]), int(psub[j])) for i, j in _candidates(len(psub), odd)}
    pieces: dict[int, list[int]] = {}
    for i, k in enumerate(psub.tolist()):
        pieces.setdefault(k, []).append(i)
    for a, b in pairs:
        if a == b:
            continue
        ok = any(
            walker.reaches(subnets[a], int(paddr[i]), subnets[b], int(paddr[j]))
            for i in pieces[a]
            for j in pieces[b]
        )
        mask = np.uint8(0x80 >> (b & 7))
        if ok:
            bits[a, b >> 3] |= mask
        else:
            bits[a, b >> 3] &= ~mask


def correct_interfaces(cl: Classes, routed: np.ndarray, srcs: list[Any], dsts: list[Any]) -> None:
    """The interface matrix's routing verdicts (``routed``, sources × destinations, before
    security groups) of the pairs in different subnets with an end in an irregular VPC, walked
    (``srcs``/``dsts``: interfaces with ``subnet``, ``vpc`` and ``ip``)."""
    walker = cl.exact
    assert walker is not None
    odd_s = np.array([e.vpc in cl.irregular for e in srcs], dtype=bool)
    odd_d = np.array([e.vpc in cl.irregular for e in dsts], dtype=bool)
    cand = odd_s[:, None] | odd_d[None, :]
    subnets = cl.c.subnets
    for i, j in zip(*np.nonzero(cand), strict=True):
        s, d = srcs[i], dsts[j]
        if s.subnet != d.subnet:
            routed[i, j] = walker.reaches(subnets[s.subnet], s.ip, subnets[d.subnet], d.ip)
