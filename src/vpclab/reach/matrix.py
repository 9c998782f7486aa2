"""All-pairs reachability: the subnet matrix and the interface matrix, by equivalence classes.

A subnet S reaches a subnet D for a protocol and port when some address of S reaches some address
of D both ways (DESIGN §3, §4):

- forward routing from S's route table delivers D's address into D's VPC (local; peering, which
  is not transitive: the destination must lie in the peer VPC's CIDRs; transit gateway: the VPC's
  attachment must have a subnet in S's AZ, then association → TGW route table → attachment, and
  the attachment subnet's route table must deliver the packet locally; a route to a middlebox
  (source/destination check off) continues from the middlebox's subnet; blackholes drop);
- S's network ACL allows it outbound and D's inbound (not within one subnet: NACLs apply only
  when traffic crosses a subnet boundary);
- the return path routes back the same way from D, and the ACLs allow the reply, whose
  destination port is the client's ephemeral port (``EPHEMERAL_PORT``).

The interface matrix adds security groups (stateful, so only the source's egress and the
destination's ingress): CIDR, prefix-list and group-reference rules; a group reference matches
within a VPC or across an active same-Region peering.

Scale: subnets are grouped into classes that behave identically — same route table, VPC, AZ and
NACL (``k1``) and same routing atom (``k2``: the coarse atom that only deciding prefixes induce,
with its VPC). ``P[k1, k2]`` says whether the forward direction works from a source context to a
destination atom, ``Q[k1, k2]`` whether the destination side of a context accepts and answers it.
A subnet pair (s, d) is reachable iff ``P[k1(s), k2(d)] & Q[k1(d), k2(s)]`` (the strict bits of
``PC``/``QC``): P's columns and Q's rows are expanded to subnets and packed (``np.packbits``), and
each subnet's row is the AND of two packed rows. NACLs are checked at the two ends and, on transit
gateway paths, at the attachment subnets as AWS documents ("Network ACLs for transit gateways");
not at middleboxes (see docs/benchmarks.md and ``_Classes``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..core.addresses import AddressSet
from ..core.collect import collector_paused
from ..core.protocols import protocol_of
from .arrival import DZ_ALL, DZ_LOCAL, DZ_REPLY, DZ_REQUEST, ArrivalVectors
from .compiled import (
    AttachmentInfo,
    Compiled,
    SubnetInfo,
    acl_allowed,
    atom_of,
    compiled_view,
    in_set,
)
from .exact_pairs import Walker, correct_subnets, irregular
from .gwlb_symmetry import has_gwlb_endpoints, symmetric
from .matrix_cells import (
    STRICT,
    VIA_DESTINATION_AZ,
    _cat_cells,
    _verdicts,
    relaxed_pairs,
)
from .progress import Progress, report
from .result import family_protocol, reply_port

if TYPE_CHECKING:
    from ..model.world import World

#: The client's ephemeral port that return traffic is addressed to. AWS recommends NACLs allow
#: 1024–65535; clients pick from their OS range (Linux 32768–60999, Windows 49152–65535);
#: vpclab checks one port inside every common range.
EPHEMERAL_PORT = 49152
#: matrix rows computed at a time (bounds the temporary memory)
CHUNK = 2048
#: atoms (columns of Q) gathered and packed at a time
QBLOCK = 256


def return_port(protocol: str, port: int | None) -> int | None:
    """The port the reply is addressed to: the ephemeral port for TCP/UDP, echo reply for an ICMP or
    ICMPv6 echo request (the type is the port; ``result.reply_port``)."""
    p = protocol_of(protocol)
    if p.has_ports:
        return EPHEMERAL_PORT
    return reply_port(p.ip_protocol, port)


class Allowed:
    """An AddressSet as sorted bounds, for scalar (``bisect``) and vector (``searchsorted``) tests."""

    __slots__ = ("_masks", "aset", "hi", "lo")

    def __init__(self, aset: AddressSet) -> None:
        self.aset = aset
        self._masks: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.lo = [s for s, _ in aset.intervals]
        self.hi = [e for _, e in aset.intervals]

    def has(self, address: int) -> bool:
        k = bisect_right(self.lo, address) - 1
        return k >= 0 and address < self.hi[k]

    def mask(self, addresses: np.ndarray) -> np.ndarray:
        """Membership of each address (remembered for the last array asked about)."""
        found = self._masks.get(id(addresses))
        if found is None or found[0] is not addresses:
            found = self._masks[id(addresses)] = (addresses, in_set(addresses, self.aset))
        return found[1]


class AclCache:
    """What each network ACL allows per (direction, protocol, port), shared by identical ACLs."""

    def __init__(self, c: Compiled) -> None:
        self.c = c
        self._by_id: dict[tuple[str, bool, str, int | None], Allowed] = {}
        self._by_content: dict[tuple[int, bool, str, int | None], Allowed] = {}
        self._content: dict[str, int] = {}
        self._intern: dict[tuple[object, ...], int] = {}

    def allowed(self, acl_id: str, egress: bool, protocol: str, port: int | None) -> Allowed:
        key = (acl_id, egress, protocol, port)
        found = self._by_id.get(key)
        if found is None:
            acl = self.c.acls.get(acl_id)
            if acl is None:  # no ACL at all: nothing is filtered (AWS always has one)
                found = Allowed(self.c.space.aset(AddressSet.everything()))
            else:
                content = self._content.get(acl_id)
                if content is None:  # identical ACLs (stamped from one template) share their answers
                    content = self._content[acl_id] = self._intern.setdefault(acl.entries, len(self._intern))
                ckey = (content, egress, protocol, port)
                found = self._by_content.get(ckey)
                if found is None:
                    found = self._by_content[ckey] = Allowed(
                        self.c.space.aset(acl_allowed(acl, egress, protocol, port))
                    )
            self._by_id[key] = found
        return found

    def forget(self, acl_id: str) -> None:
        for key in [k for k in self._by_id if k[0] == acl_id]:
            del self._by_id[key]
        self._content.pop(acl_id, None)


@dataclass
class ReachabilityMatrix:
    """A bit-packed reachability matrix: row i = ``sources[i]``, bit j = ``destinations[j]``."""

    bits: np.ndarray  # uint8, shape (len(sources), ceil(len(destinations) / 8))
    sources: np.ndarray
    destinations: np.ndarray
    protocol: str
    port: int | None
    level: str

    def __post_init__(self) -> None:
        self._src = {s: i for i, s in enumerate(self.sources.tolist())}
        self._dst = {d: j for j, d in enumerate(self.destinations.tolist())}

    def reachable(self, src_id: str, dst_id: str) -> bool:
        i, j = self._src[src_id], self._dst[dst_id]
        return bool(self.bits[i, j >> 3] & (0x80 >> (j & 7)))

    def count(self) -> int:
        """How many (source, destination) pairs are reachable."""
        return int(np.bitwise_count(self.bits).sum())

    def dense(self) -> np.ndarray:
        return np.unpackbits(self.bits, axis=1, count=len(self.destinations)).astype(bool)

    def to_rows(self, *, reachable_only: bool = True) -> list[dict[str, object]]:
        """One dict per pair (the reachable ones by default), for the CLI's table and JSON output."""
        rows: list[dict[str, object]] = []
        dense = self.dense()
        for i, s in enumerate(self.sources.tolist()):
            for j, d in enumerate(self.destinations.tolist()):
                if dense[i, j] or not reachable_only:
                    rows.append(
                        {
                            "source": s,
                            "destination": d,
                            "protocol": self.protocol,
                            "port": self.port,
                            "reachable": bool(dense[i, j]),
                        }
                    )
        return rows

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for i, j in zip(*np.nonzero(self.dense()), strict=True):
            yield self.sources[i], self.destinations[j]


# -- the class computation -----------------------------------------------------------------------
class _Classes(ArrivalVectors):
    """Contexts (k1), destination atoms (k2) and the P/Q matrices over them.

    A context is (route table, VPC, AZ, NACL, the attachment-subnet verdicts of its address): the
    verdicts are the inbound decisions of the VPC's attachment subnets' NACLs on the address (AWS
    checks them on the way to the gateway, by source IP), kept only where one denies. A column is
    a routing atom with its VPC (k2).

    Whether a transit gateway delivers straight into the far subnet (whose NACL, and the
    attachment subnet's, are then skipped) depends on the near end's AZ and the far subnet's
    *entry role* (the AZs for which it is the subnet the gateway delivers through into its VPC:
    the originating AZ's attachment subnet; and ``dst_bit``, every attachment subnet, for paths
    where the destination's AZ picks — ``VIA_DESTINATION_AZ`` in the cell). So each cell carries
    four verdicts, a bit each in ``PC``/``QC``: ``STRICT`` (no such delivery), ``ENTERS_FAR``
    (the request is delivered straight into the destination subnet: ``A``), ``ENTERS_NEAR`` (the
    reply straight into the source subnet: ``B``) and both. ``STRICT`` is the strict bit;
    the relaxed verdicts only differ from it in a few cells, applied per pair as corrections
    (``relaxed_pairs``). That is exact with one regular transit gateway per VPC; the pairs of the
    VPCs where it is not (``exact_pairs.irregular``) are walked as the tracer walks them.
    """

    def __init__(self, c: Compiled, protocol: str, port: int | None) -> None:
        self.c, self.protocol, self.port = c, protocol, port
        self.rport = return_port(protocol, port)
        self.acls = AclCache(c)
        self.ratoms = c.routing_atoms()
        self.vpc_index = {v: i for i, v in enumerate(c.vpc_spans)}
        self.sub_ids = list(c.subnets)
        self.sub_index = {s: i for i, s in enumerate(self.sub_ids)}
        #: where the cells cannot decide a transit gateway path, the pairs are walked (exact_pairs)
        self.irregular = irregular(c)
        self.exact = Walker(c, self.acls, protocol, port, self.rport) if self.irregular else None
        self.k1: dict[tuple[object, ...], int] = {}
        self.k2: dict[tuple[int, int, int], int] = {}
        self.azs = sorted({s.az for s in c.subnets.values()})
        az_bit = {z: 1 << i for i, z in enumerate(self.azs)}
        #: the role bit of "the destination's AZ picked the entry subnet" (``dst_entry``)
        self.dst_bit = 1 << len(self.azs)
        roles: dict[str, int] = {}
        att_subnets: dict[str, set[str]] = {}
        for att in c.vpc_attachments.values():
            if att.vpc_id is None:
                continue
            for z, x in att.az_subnets.items():
                if x in c.subnets:
                    att_subnets.setdefault(att.vpc_id, set()).add(x)
                    roles[x] = roles.get(x, 0) | az_bit[z] | self.dst_bit
        #: subnet id → the origins it is the entry subnet for: a bitmask of the AZs (``azs`` order)
        #: and ``dst_bit`` (an attachment subnet is the entry for its AZ, and for every destination in
        #: itself when the destination's AZ picks)
        self.roles = roles
        self.az_bit = az_bit
        self._by_destination = len(self.sub_ids)
        #: whether some cell's path entered a VPC through the subnet the destination's AZ picked
        self.has_via = False
        self._dst_entries = _destination_entries(c)
        # per VPC: its attachment subnets with what their inbound rules allow (request, reply)
        inbound: dict[str, tuple[Allowed, Allowed]] = {}
        for acl in {c.subnets[x].acl_id for subs in att_subnets.values() for x in subs}:
            inbound[acl] = (
                self.acls.allowed(acl, False, protocol, port),
                self.acls.allowed(acl, False, protocol, self.rport),
            )
        self._exit_acls: dict[str, list[tuple[int, Allowed, Allowed]]] = {
            vpc: [(self.sub_index[x], *inbound[c.subnets[x].acl_id]) for x in sorted(subs)]
            for vpc, subs in att_subnets.items()
        }

    def context(self, s: SubnetInfo, address: int) -> int:
        denies: list[tuple[int, bool, bool]] = []
        for x, allow_p, allow_r in self._exit_acls.get(s.vpc_id, ()):
            ok_p, ok_r = allow_p.has(address), allow_r.has(address)
            if not (ok_p and ok_r):
                denies.append((x, not ok_p, not ok_r))
        key = (s.route_table_id, s.vpc_id, s.az, s.acl_id, tuple(denies))
        return self.k1.setdefault(key, len(self.k1))

    def column(self, s: SubnetInfo, address: int) -> int:
        return self.atom_column(int(atom_of(self.ratoms, address)), s.vpc_id, self.dst_entry(s, address))

    def atom_column(self, r: int, vpc_id: str, dz: int = DZ_ALL) -> int:
        """The column (k2) of routing atom ``r`` in ``vpc_id``, for destinations whose
        destination-AZ entry verdicts are ``dz`` (``dst_entry``)."""
        return self.k2.setdefault((r, self.vpc_index[vpc_id], dz), len(self.k2))

    def dst_entry(self, s: SubnetInfo, address: int) -> int:
        """The ``DZ_*`` bits of ``address`` in ``s`` when a transit gateway delivers to it through
        the attachment subnet of ``s``'s AZ (else the attachment's first subnet), as it does across
        a transit gateway peering and from an AZ the attachment has no subnet in: that subnet's
        table delivers the address locally; its outbound rules let the request, and the reply,
        out to it. ``DZ_ALL`` where no transit gateway can deliver so (no column split)."""
        e = self._dst_entries.get(s.id)
        if e is None:
            return DZ_ALL
        runs = self.c.route_tables.get(e.route_table_id)
        bits = DZ_LOCAL if runs is not None and runs.at(address)[0] == "local" else 0
        if self.acls.allowed(e.acl_id, True, self.protocol, self.port).has(address):
            bits |= DZ_REQUEST
        if self.acls.allowed(e.acl_id, True, self.protocol, self.rport).has(address):
            bits |= DZ_REPLY
        return bits

    def build(self, progress: Progress | None = None) -> None:
        """PC/QC (contexts × atoms: four verdict bits, ``STRICT`` the strict one, and
        ``VIA_DESTINATION_AZ``); k2 re-sorted by address. ``progress`` hears ("classes", contexts
        done, contexts) between blocks of contexts."""
        k2_keys = sorted(self.k2)
        order = np.array([self.k2[k] for k in k2_keys], dtype=np.int64)
        self.k2_addr = self.ratoms[np.array([k[0] for k in k2_keys], dtype=np.int64)]
        self.k2_vpc = np.array([k[1] for k in k2_keys], dtype=np.int32)
        self.k2_dz = np.array([k[2] for k in k2_keys], dtype=np.int32)
        self.k2_pos = np.empty(len(order), dtype=np.int64)
        self.k2_pos[order] = np.arange(len(order))
        n1, n2 = len(self.k1), len(k2_keys)
        self._tgw_rows: dict[tuple[str, str | None, int], np.ndarray] = {}
        self._run_bounds: dict[str, tuple[list[int], list[int]]] = {}
        self._arrivals: dict[tuple[str, str, str, bool, int], np.ndarray] = {}
        self._simple: dict[tuple[str, int, int], bool | None] = {}
        self._gateway_rows: dict[tuple[str, str, str], np.ndarray] = {}
        proto, port, rport = self.protocol, self.port, self.rport
        # every distinct NACL answer as one mask row over the atoms; the last row allows all
        kinds: dict[int, int] = {}
        masks: list[np.ndarray] = []

        def kind(allowed: Allowed) -> int:
            if id(allowed) not in kinds:
                kinds[id(allowed)] = len(masks)
                masks.append(allowed.mask(self.k2_addr))
            return kinds[id(allowed)]

        # per ACL: the kinds of its outbound (request, reply) and inbound (request, reply) rules
        acl_kinds: dict[str, tuple[int, int, int, int]] = {}
        for acl in {s.acl_id for s in self.c.subnets.values()} | {str(k[3]) for k in self.k1}:
            acl_kinds[acl] = tuple(  # type: ignore[assignment]
                kind(self.acls.allowed(acl, egress, proto, p))
                for egress, p in ((True, port), (True, rport), (False, port), (False, rport))
            )
        subs = list(self.c.subnets.values())
        # per subnet (index; -1: none): the kind of its outbound rules, request and reply
        self._out_p = np.array([acl_kinds[s.acl_id][0] for s in subs] + [-1])
        self._out_r = np.array([acl_kinds[s.acl_id][1] for s in subs] + [-1])
        rows = list(self.k1)
        kp, kr, ip, ir = np.array([acl_kinds[str(k[3])] for k in rows], dtype=np.int64).reshape(-1, 4).T
        masks.append(np.ones(n2, dtype=bool))
        self._masks = np.stack(masks)
        self.PC = np.empty((n1, n2), dtype=np.uint8)
        self.QC = np.empty((n1, n2), dtype=np.uint8)
        block = max(1, CHUNK // 4)
        cells_p: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        cells_q: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        buf = np.empty((min(block, n1), 5, n2), dtype=np.int32)
        for r0 in range(0, n1, block):
            report(progress, "classes", r0, n1)
            keys = rows[r0 : r0 + block]
            arr = buf[: len(keys)]
            self._arrivals_into(keys, arr)
            fwd = arr[:, 0] == self.k2_vpc
            via = (arr[:, 2] == self._by_destination).view(np.uint8) * np.uint8(VIA_DESTINATION_AZ)
            self.has_via = self.has_via or bool(via.any())
            xin_p, xin_q = fwd, fwd.copy()
            for i, k in enumerate(keys):
                for x, deny_p, deny_r in k[4]:  # type: ignore[attr-defined]
                    if deny_p:
                        xin_p[i] &= arr[i, 1] != x
                    if deny_r:
                        xin_q[i] &= arr[i, 1] != x
            sl = slice(r0, r0 + len(keys))
            t = arr[:, 2] >= 0
            base_p = xin_p & self._masks[kp[sl]]
            base_q = xin_q & self._masks[kr[sl]]
            x_p, y_q = arr[:, 3] != 0, arr[:, 4] != 0
            y_p, x_q = self._masks[ir[sl]], self._masks[ip[sl]]
            strict_p = base_p & x_p & y_p
            strict_q = base_q & x_q & y_q
            tr = np.flatnonzero(t.any(axis=1))
            if len(tr) < len(keys):  # rows no transit gateway delivers through: the verdicts agree (0 or 15)
                self.PC[sl] = strict_p.view(np.uint8) * np.uint8(15)
                self.QC[sl] = strict_q.view(np.uint8) * np.uint8(15)
            if not len(tr):
                continue
            pick: slice | np.ndarray = slice(None) if len(tr) == len(keys) else tr  # a view when all
            vt = t[pick]
            for own, cells, v in (
                (self.PC, cells_p, _verdicts(base_p[pick], x_p[pick], y_p[pick], vt)),
                (self.QC, cells_q, _verdicts(base_q[pick], x_q[pick], y_q[pick], vt)),
            ):
                # cells where strict fails and a relaxed verdict holds (monotone: else 0 or 15)
                flat = np.flatnonzero((v - np.uint8(1)) < 14)
                r, j = np.divmod(flat, n2)
                cells.append((r0 + tr[r], j, v.ravel()[flat]))
                own[r0 + tr] = v | via[pick]
        self.cells = {side: _cat_cells(found) for side, found in (("P", cells_p), ("Q", cells_q))}


def _destination_entries(c: Compiled) -> dict[str, SubnetInfo]:
    """Subnet id → the attachment subnet a transit gateway delivers to it through when the
    destination's AZ picks (that AZ's, else the attachment's first: the tracer's choice), for the
    VPCs a gateway can deliver so — on a transit gateway with a peering attachment, or whose
    attachment lacks an AZ another attachment of its gateway has."""
    on_tgw: dict[str, list[AttachmentInfo]] = {}
    for (tgw, _vpc), att in c.vpc_attachments.items():
        on_tgw.setdefault(tgw, []).append(att)
    peered = {t for att in c.attachments.values() if att.type == "peering" for t in att.peer_of}
    picked: dict[str, dict[str, str]] = {}  # VPC → its attachment's usable AZ → subnet
    for tgw, atts in on_tgw.items():
        usable = [{z: x for z, x in a.az_subnets.items() if x in c.subnets} for a in atts]
        every = set().union(*usable)
        for att, subs in zip(atts, usable, strict=True):
            if subs and att.vpc_id is not None and (tgw in peered or not every <= set(subs)):
                picked.setdefault(att.vpc_id, subs)
    out: dict[str, SubnetInfo] = {}
    for s in c.subnets.values():
        entries = picked.get(s.vpc_id)
        if entries is not None:
            out[s.id] = c.subnets[entries.get(s.az) or next(iter(entries.values()))]
    return out


def matrix(
    world: World,
    protocol: str = "tcp",
    port: int | None = 443,
    level: str = "subnet",
    compiled: Compiled | None = None,
    family: int = 4,
    *,
    progress: Progress | None = None,
) -> ReachabilityMatrix:
    """The all-pairs reachability matrix of ``world`` for one protocol and port.

    ``level="subnet"``: subnets × subnets (routing and network ACLs, both directions);
    ``level="interface"``: network interfaces × network interfaces, adding security groups
    (sources exclude interface and Gateway Load Balancer endpoints, which do not initiate
    connections, and transit gateway attachment interfaces; destinations exclude the latter).
    ``family``: 4, or 6 for the IPv6 matrix of a dual-stack network (subnets with an IPv6 /64,
    interfaces with an IPv6 address; routes, NACL entries and security group rules of IPv6; ``icmp``
    is ICMPv6 there, as in a trace: ``result.family_protocol``). ``progress(stage, done, total)``
    is called between stages and row blocks (``reach/progress.py``).
    """
    if level not in ("subnet", "interface"):
        raise ValueError(f"level must be 'subnet' or 'interface', not {level!r}")
    protocol = family_protocol(protocol, family)  # icmp over IPv6 is icmpv6; icmpv6 over IPv4: ReachError
    with collector_paused():  # millions of small objects, none in a cycle (core/collect.py)
        return _matrix(world, protocol, port, level, compiled, family, progress)


def _matrix(
    world: World,
    protocol: str,
    port: int | None,
    level: str,
    compiled: Compiled | None,
    family: int,
    progress: Progress | None,
) -> ReachabilityMatrix:
    if compiled is None:
        report(progress, "compile", 0, 1)
    c = compiled or compiled_view(world, family)
    if compiled is None:
        report(progress, "compile", 1, 1)
    if level == "interface":
        from .interface_matrix import interface_matrix

        report(progress, "interfaces", 0, 1)
        im = interface_matrix(world, c, protocol, port)
        report(progress, "interfaces", 1, 1)
        return im
    return subnet_matrix(c, protocol, port, progress=progress)


def subnet_matrix(
    c: Compiled, protocol: str, port: int | None, *, progress: Progress | None = None
) -> ReachabilityMatrix:
    """Rows and columns are subnets; a subnet the routing atoms cut into pieces is computed piece
    by piece and its rows and columns OR-ed (any piece reaching any piece makes the subnets reach)."""
    report(progress, "classes", 0, 1)
    cl = _Classes(c, protocol, port)
    infos = list(c.subnets.values())
    n = len(infos)
    lo = np.array([s.lo for s in infos], dtype=np.uint64)
    hi = np.array([s.hi - 1 for s in infos], dtype=np.uint64)
    first, last = atom_of(cl.ratoms, lo).tolist(), atom_of(cl.ratoms, hi).tolist()
    piece_subnet: list[int] = []
    piece_k1: list[int] = []
    piece_k2: list[int] = []
    piece_addr: list[int] = []
    for i, s in enumerate(infos):
        for r in range(first[i], last[i] + 1):
            address = s.lo if r == first[i] else int(cl.ratoms[r])
            piece_subnet.append(i)
            piece_addr.append(address)
            piece_k1.append(cl.context(s, address))
            piece_k2.append(cl.atom_column(r, s.vpc_id, cl.dst_entry(s, address)))  # address in atom r
    cl.build(progress)
    pk1 = np.array(piece_k1, dtype=np.int64)
    pk2 = cl.k2_pos[np.array(piece_k2, dtype=np.int64)]
    psub = np.array(piece_subnet, dtype=np.int64)
    # subnets by (first atom, context): the column gathers walk forward; a subnet's pieces stay adjacent
    first_piece = np.flatnonzero(np.r_[True, np.diff(psub) != 0]) if n else np.zeros(0, dtype=np.int64)
    order = np.lexsort((pk1[first_piece], pk2[first_piece]))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    porder = np.lexsort((np.arange(len(psub)), rank[psub]))
    pk1, pk2, psub = pk1[porder], pk2[porder], rank[psub[porder]]
    # first pieces make the n x n matrix; a subnet's further pieces OR their row and column into it
    heads = np.flatnonzero(np.r_[True, np.diff(psub) != 0]) if n else np.zeros(0, dtype=np.int64)
    h1, h2 = pk1[heads], pk2[heads]
    width = (n + 7) // 8
    n1, n2 = cl.PC.shape
    # the strict bits expanded to subnets and packed: pp[k1] over destinations (P's columns at
    # their atoms), qq[k2] over destinations (Q's rows at their contexts, a block of atoms at a time)
    pp = np.empty((n1, width), dtype=np.uint8)
    for r in range(0, n1, CHUNK):  # the strict bit taken before the gather: n2 columns, not n
        strict = (cl.PC[r : r + CHUNK] & STRICT).view(bool)
        pp[r : r + CHUNK] = np.packbits(np.take(strict, h2, axis=1), axis=1)
    qq = np.empty((n2, width), dtype=np.uint8)
    for r in range(0, n2, QBLOCK):
        strict = (cl.QC[:, r : r + QBLOCK] & STRICT).view(bool)
        rows = np.ascontiguousarray(np.take(strict, h1, axis=0).T)  # packing along rows is fastest
        qq[r : r + QBLOCK] = np.packbits(rows, axis=1)
    report(progress, "classes", n1, n1)
    bits = np.empty((n, width), dtype=np.uint8)
    for r in range(0, n, CHUNK):
        report(progress, "rows", r, n)
        np.bitwise_and(pp[h1[r : r + CHUNK]], qq[h2[r : r + CHUNK]], out=bits[r : r + CHUNK])
    report(progress, "rows", n, n)
    extra = np.setdiff1d(np.arange(len(psub)), heads)
    if len(extra):
        e_sub, e1, e2 = psub[extra], pk1[extra], pk2[extra]
        for s_, a1, a2 in zip(e_sub.tolist(), e1.tolist(), e2.tolist(), strict=True):
            bits[s_] |= pp[a1] & qq[a2]  # the piece as a source, to every subnet's first piece
            col = cl.PC[h1, a2] & cl.QC[a1, h2] & STRICT  # every subnet's first piece to the piece
            hit = np.flatnonzero(col)
            bits[hit, s_ >> 3] |= np.uint8(0x80 >> (s_ & 7))
        # piece i to piece j, both beyond the first: P[k1(i), k2(j)] & Q[k1(j), k2(i)]
        both = cl.PC[e1][:, e2] & cl.QC[e1][:, e2].T & STRICT
        for i, j in zip(*np.nonzero(both), strict=True):
            bits[e_sub[i], e_sub[j] >> 3] |= np.uint8(0x80 >> (int(e_sub[j]) & 7))
    # pairs a transit gateway delivery straight into an end's subnet lets through (no NACL there)
    az_of = np.array([cl.az_bit[s.az] for s in infos], dtype=np.int64)[order]
    role_of = np.array([cl.roles.get(s.id, 0) for s in infos], dtype=np.int64)[order]

    def relaxed(rs: np.ndarray, rd: np.ndarray) -> None:
        ds = psub[rd]
        np.bitwise_or.at(bits, (psub[rs], ds >> 3), (0x80 >> (ds & 7)).astype(np.uint8))

    relaxed_pairs(cl, pk1, pk2, az_of[psub], role_of[psub], relaxed)
    ids = np.array([s.id for s in infos], dtype=object)[order]
    if cl.exact is not None:
        paddr = np.array(piece_addr, dtype=object)[porder]
        correct_subnets(cl, bits, psub, paddr, [infos[k] for k in order.tolist()])
    if has_gwlb_endpoints(c):
        _drop_asymmetric(c, bits, [infos[k] for k in order.tolist()])
    diag = np.arange(n)
    bits[diag, diag >> 3] |= (0x80 >> (diag & 7)).astype(np.uint8)
    return ReachabilityMatrix(bits, ids, ids.copy(), protocol, port, "subnet")


def _drop_asymmetric(c: Compiled, bits: np.ndarray, subnets: list[SubnetInfo]) -> None:
    """Clear the pairs whose reply passes a Gateway Load Balancer endpoint the request did not
    (``gwlb_symmetry``), judged between the subnets' first addresses."""
    n = len(subnets)
    full = np.unpackbits(bits, axis=1, count=n).astype(bool)
    for i, j in zip(*np.nonzero(full), strict=True):
        s, d = subnets[i], subnets[j]
        if i != j and not symmetric(c, s, s.lo, d, d.lo):
            bits[i, j >> 3] &= np.uint8(~(0x80 >> (j & 7)) & 0xFF)
