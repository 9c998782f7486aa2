"""The matrices' equivalence classes (``reach.matrix``, ``reach.interface_matrix``): source
contexts (k1) and destination columns (k2), and the verdict grids over them (``Classes``), with
the network ACL answers they read (``AclCache``).

A context is a subnet's (route table, VPC, AZ, NACL, the attachment-subnet verdicts of its
address); a column is a routing atom with its VPC and its destination-AZ entry verdicts
(``Classes.dst_entry``). ``Classes.build`` computes, a block of contexts at a time, each cell's
verdict bits (``matrix_cells``): ``PC`` for the forward side of a source context towards a
destination column, ``QC`` for a destination context's side (it accepts the request and its reply
comes back) towards a source column.
"""

from __future__ import annotations

from bisect import bisect_right
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

from ..core.addresses import AddressSet
from ..core.protocols import protocol_of
from .arrival import DZ_ALL, DZ_LOCAL, DZ_REPLY, DZ_REQUEST, RowCache
from .bits import key_groups, spans
from .class_rows import GroupRows
from .compiled import (
    AttachmentInfo,
    Compiled,
    SubnetInfo,
    acl_allowed,
    atom_of,
)
from .exact_pairs import Walker, irregular
from .matrix_cells import STRICT, VIA_DESTINATION_AZ
from .progress import Progress, report
from .result import reply_port

if TYPE_CHECKING:
    from ..model.network_acl import NetworkAclEntry

#: The client's ephemeral port that return traffic is addressed to. AWS recommends NACLs allow
#: 1024–65535; clients pick from their OS range (Linux 32768–60999, Windows 49152–65535);
#: vpclab checks one port inside every common range.
EPHEMERAL_PORT = 49152
#: matrix rows computed at a time (bounds the temporary memory)
CHUNK = 2048
#: bytes of remembered TGW/gateway/entering rows kept between blocks of contexts (the groups
#: are made gateway by gateway: few rows are read again)
ROW_CACHE = 256 * 2**20


def return_port(protocol: str, port: int | None) -> int | None:
    """The port the reply is addressed to: the ephemeral port for TCP/UDP, echo reply for an ICMP or
    ICMPv6 echo request (the type is the port; ``result.reply_port``)."""
    p = protocol_of(protocol)
    if p.has_ports:
        return EPHEMERAL_PORT
    return reply_port(p.ip_protocol, port)


class Allowed:
    """An AddressSet as sorted bounds, for scalar (``bisect``) and vector (``searchsorted``) tests."""

    __slots__ = ("_bounds", "_masks", "aset", "hi", "lo")

    def __init__(self, aset: AddressSet) -> None:
        self.aset = aset
        self._masks: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._bounds: tuple[np.ndarray, np.ndarray] | None = None
        self.lo = [s for s, _ in aset.intervals]
        self.hi = [e for _, e in aset.intervals]

    def has(self, address: int) -> bool:
        k = bisect_right(self.lo, address) - 1
        return k >= 0 and address < self.hi[k]

    def has_each(self, addresses: np.ndarray) -> np.ndarray:
        """``has`` of each uint64 address (the bounds made arrays once)."""
        if self._bounds is None:
            self._bounds = (np.array(self.lo, dtype=np.uint64), np.array(self.hi, dtype=np.uint64))
        lo, hi = self._bounds
        if not len(lo):
            return np.zeros(len(addresses), dtype=bool)
        k = np.searchsorted(lo, addresses, side="right") - 1
        return (k >= 0) & (addresses < hi[np.maximum(k, 0)])

    def mask(self, addresses: np.ndarray) -> np.ndarray:
        """Membership of each address (remembered for the last array asked about)."""
        found = self._masks.get(id(addresses))
        if found is None or found[0] is not addresses:
            found = self._masks[id(addresses)] = (addresses, self.has_each(addresses))
        return found[1]


#: a network ACL entry as a plain tuple (``AclCache``)
_ENTRY_FIELDS = attrgetter(
    "rule_number",
    "egress",
    "protocol",
    "rule_action",
    "cidr_block",
    "ipv6_cidr_block",
    "port_from",
    "port_to",
    "icmp_type",
    "icmp_code",
)


class AclCache:
    """What each network ACL allows per (direction, protocol, port), shared by identical ACLs."""

    def __init__(self, c: Compiled) -> None:
        self.c = c
        self._by_id: dict[tuple[str, bool, str, int | None], Allowed] = {}
        self._by_content: dict[tuple[int | None, bool, str, int | None], Allowed] = {}
        self._content: dict[str, int] = {}
        self._intern: dict[tuple[object, ...], int] = {}
        self._by_entries: dict[int, tuple[tuple[NetworkAclEntry, ...], int]] = {}

    def allowed(self, acl_id: str, egress: bool, protocol: str, port: int | None) -> Allowed:
        key = (acl_id, egress, protocol, port)
        found = self._by_id.get(key)
        if found is None:
            acl = self.c.acls.get(acl_id)
            if acl is None:  # no ACL at all: nothing is filtered (AWS always has one)
                found = Allowed(self.c.space.aset(AddressSet.everything()))
            else:
                content = self.content(acl_id)  # identical ACLs (stamped from one template) share answers
                ckey = (content, egress, protocol, port)
                found = self._by_content.get(ckey)
                if found is None:
                    found = self._by_content[ckey] = Allowed(
                        self.c.space.aset(acl_allowed(acl, egress, protocol, port))
                    )
            self._by_id[key] = found
        return found

    def content(self, acl_id: str) -> int | None:
        """The ACL's content id: ACLs with equal entries have the same (None: no such ACL)."""
        content = self._content.get(acl_id)
        if content is None:
            acl = self.c.acls.get(acl_id)
            if acl is None:
                return None
            content = self._content[acl_id] = self._content_of(acl.entries)
        return content

    def _content_of(self, entries: tuple[NetworkAclEntry, ...]) -> int:
        """The content id of an ACL's entries: ACLs stamped from one template often share the
        entries' tuple itself (AWS-MAX: 10,000 ACLs, 51 tuples), known by identity (the tuple
        kept, so its id stays its own); else compared as plain tuples (a frozen dataclass's
        generated == is Python code, and such ACLs compare equal entry by entry)."""
        seen = self._by_entries.get(id(entries))
        if seen is not None and seen[0] is entries:
            return seen[1]
        content = self._intern.setdefault(tuple(map(_ENTRY_FIELDS, entries)), len(self._intern))
        self._by_entries[id(entries)] = (entries, content)
        return content

    def forget(self, acl_id: str) -> None:
        for key in [k for k in self._by_id if k[0] == acl_id]:
            del self._by_id[key]
        self._content.pop(acl_id, None)


class Classes(GroupRows):
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

    #: lean: the grids packed, 1 bit per cell for the strict verdict and for
    #: ``VIA_DESTINATION_AZ`` (``SP``, ``SQ``, ``SV``), the relaxed verdicts kept only where they
    #: differ (``cells``) — 3 bits a cell where ``PC``/``QC`` take 16, for estates far beyond AWS-MAX;
    #: set before ``build``. Read the cells with ``cells_at``, the strict bits with
    #: ``strict_rows``/``strict_packed``.
    lean: bool = False

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
        by_content: dict[int | None, tuple[Allowed, Allowed]] = {}  # ACLs of one content answer alike
        for acl in {c.subnets[x].acl_id for subs in att_subnets.values() for x in subs}:
            content = self.acls.content(acl)
            answers = by_content.get(content)
            if answers is None:
                answers = by_content[content] = (
                    self.acls.allowed(acl, False, protocol, port),
                    self.acls.allowed(acl, False, protocol, self.rport),
                )
            inbound[acl] = answers
        self._exit_acls: dict[str, list[tuple[int, Allowed, Allowed]]] = {
            vpc: [(self.sub_index[x], *inbound[c.subnets[x].acl_id]) for x in sorted(subs)]
            for vpc, subs in att_subnets.items()
        }

    def pieces(self, infos: list[SubnetInfo]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The subnets ``infos`` cut at the routing atoms, piece by piece in subnet order: each
        piece's subnet (index into ``infos``), first address, context and column — what
        ``context`` and ``column`` answer one piece at a time, for every piece at once."""
        n = len(infos)
        lo = np.fromiter((s.lo for s in infos), dtype=np.uint64, count=n)
        hi = np.fromiter((s.hi - 1 for s in infos), dtype=np.uint64, count=n)
        first, last = atom_of(self.ratoms, lo), atom_of(self.ratoms, hi)
        count = last - first + 1
        sub = np.repeat(np.arange(n), count)
        atom = spans(first, count)
        address = self.ratoms[atom].astype(np.uint64)
        address[np.cumsum(count) - count] = lo  # a subnet's first piece starts at the subnet
        return sub, address, *self.contexts_and_columns(infos, sub, address, atom)

    def contexts_and_columns(
        self, infos: list[SubnetInfo], sub: np.ndarray, address: np.ndarray, atom: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """``context`` and ``column`` of every address ``address[i]`` of subnet ``infos[sub[i]]``
        at once (``atom``: the routing atom of each, when known)."""
        if atom is None:
            atom = atom_of(self.ratoms, address)
        return self._contexts(infos, sub, address), self._columns(infos, sub, address, atom)

    def _contexts(self, infos: list[SubnetInfo], sub: np.ndarray, address: np.ndarray) -> np.ndarray:
        """``context`` of each piece (subnet ``infos[sub[i]]``, address ``address[i]``)."""
        base: dict[tuple[str, str, str, str], int] = {}
        base_of = np.fromiter(
            (base.setdefault((s.route_table_id, s.vpc_id, s.az, s.acl_id), len(base)) for s in infos),
            dtype=np.int64,
            count=len(infos),
        )
        # each VPC's attachment subnets (``_exit_acls``), laid end to end; a piece's denials
        vpcs = sorted({s.vpc_id for s in infos if s.vpc_id in self._exit_acls})
        vpc_at = {v: i for i, v in enumerate(vpcs)}
        exits = [self._exit_acls[v] for v in vpcs]
        n_exits = np.array([len(e) for e in exits] + [0], dtype=np.int64)  # the last: no exits
        offset = np.cumsum(n_exits) - n_exits
        answers: dict[int, Allowed] = {}
        allow = np.array([[id(a), id(b)] for e in exits for _, a, b in e], dtype=np.int64).reshape(-1, 2)
        for e in exits:
            for _, a, b in e:
                answers[id(a)], answers[id(b)] = a, b
        none = len(vpcs)  # the index of "no exits"
        pv = np.fromiter((vpc_at.get(s.vpc_id, none) for s in infos), dtype=np.int64, count=len(infos))[sub]
        width = int(n_exits.max())
        codes = np.zeros((len(sub), width + 1), dtype=np.int64)
        codes[:, 0] = base_of[sub]
        piece = np.repeat(np.arange(len(sub)), n_exits[pv])
        position = np.arange(len(piece)) - np.repeat(np.cumsum(n_exits[pv]) - n_exits[pv], n_exits[pv])
        flat = offset[pv[piece]] + position
        for side, bit in ((0, 1), (1, 2)):  # the request's answer, the reply's
            key = allow[flat, side] if len(flat) else flat
            for k, at in key_groups(key):
                denied = ~answers[k].has_each(address[piece[at]])
                codes[piece[at[denied]], 1 + position[at[denied]]] |= bit
        if width <= 10:  # each row as one number (2 bits an exit): a plain sort
            flat_key = codes[:, 0] << (2 * width)
            for pos in range(width):
                flat_key |= codes[:, 1 + pos] << (2 * pos)
            _, first, inverse = np.unique(flat_key, return_index=True, return_inverse=True)
        else:
            _, first, inverse = np.unique(codes, axis=0, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")  # numbered as found, as ``context`` does
        base_keys = list(base)
        ids = np.empty(len(first), dtype=np.int64)
        k1 = self.k1
        for u, row in zip(order.tolist(), codes[first[order]].tolist(), strict=True):
            rtb, vpc, az, acl = base_keys[row[0]]
            denies: tuple[tuple[int, bool, bool], ...] = ()
            if any(row[1:]):
                mine = exits[vpc_at[vpc]]
                denies = tuple((mine[pos][0], bool(c & 1), bool(c & 2)) for pos, c in enumerate(row[1:]) if c)
            ids[u] = k1.setdefault((rtb, vpc, az, acl, denies), len(k1))
        return ids[inverse.reshape(-1)]

    def _columns(
        self, infos: list[SubnetInfo], sub: np.ndarray, address: np.ndarray, atom: np.ndarray
    ) -> np.ndarray:
        """``column`` of each piece (subnet ``infos[sub[i]]``, address ``address[i]`` in ``atom[i]``)."""
        n = len(sub)
        vpc = np.fromiter((self.vpc_index[s.vpc_id] for s in infos), dtype=np.int64, count=len(infos))[sub]
        dz = np.full(n, DZ_ALL, dtype=np.int64)
        entry = [self._dst_entries.get(s.id) for s in infos]
        at = np.flatnonzero(np.fromiter((e is not None for e in entry), dtype=bool, count=len(infos))[sub])
        if len(at):  # ``dst_entry``: the entry subnets' tables at once, their ACLs a content at a time
            dz[at] = 0
            e_of = [entry[i] for i in sub[at].tolist()]
            dz[at[self._local_in([e.route_table_id for e in e_of], address[at])]] |= DZ_LOCAL
            acls = [e.acl_id for e in e_of]
            content = {a: self.acls.content(a) for a in set(acls)}
            one_of = {content[a]: a for a in content}  # ACLs of one content answer alike
            by_content = np.array([-1 if content[a] is None else content[a] for a in acls], dtype=np.int64)
            for k, mine in key_groups(by_content):
                acl = one_of[None if k < 0 else k]
                for p, bit in ((self.port, DZ_REQUEST), (self.rport, DZ_REPLY)):
                    ok = self.acls.allowed(acl, True, self.protocol, p).has_each(address[at[mine]])
                    dz[at[mine[ok]]] |= bit
        keys = np.stack([atom, vpc, dz], axis=1)
        uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
        k2 = self.k2
        ids = np.array([k2.setdefault((r, v, d), len(k2)) for r, v, d in uniq.tolist()], dtype=np.int64)
        return ids[inverse.reshape(-1)]

    def _local_in(self, tables: list[str], addresses: np.ndarray) -> np.ndarray:
        """Whether route table ``tables[i]`` delivers ``addresses[i]`` locally (a missing table:
        no) — a search of the table's runs each (the tables are many, their runs few)."""
        get = self.c.route_tables.get
        return np.fromiter(
            (
                r is not None and r.at(a)[0] == "local"
                for r, a in zip(map(get, tables), addresses.tolist(), strict=True)
            ),
            dtype=bool,
            count=len(tables),
        )

    # one address at a time: what ``contexts_and_columns`` answers for many (tests compare them)
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
        self._rows = RowCache(ROW_CACHE)
        self._peer_rows = {}
        self._peer_bases = {}
        self._att_hops = {}
        self._run_bounds: dict[str, tuple[list[int], list[int]]] = {}
        self._simple: dict[tuple[str, int, int], bool | None] = {}
        self._run_widths: dict[str, np.ndarray] = {}
        self._targets = {}
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
        # the VPC attachments' subnets: the only subnets whose outbound rules the arrivals read
        entries = sorted(
            {
                self.sub_index[x]
                for a in self.c.attachments.values()
                if a.type == "vpc"
                for x in a.az_subnets.values()
                if x in self.sub_index
            }
        )
        by_content: dict[int | None, tuple[int, int, int, int]] = {}  # ACLs of one content: one answer
        for acl in {self.c.subnets[self.sub_ids[i]].acl_id for i in entries} | {str(k[3]) for k in self.k1}:
            content = self.acls.content(acl)
            known = by_content.get(content)
            if known is None:
                known = by_content[content] = tuple(  # type: ignore[assignment]
                    kind(self.acls.allowed(acl, egress, proto, p))
                    for egress, p in ((True, port), (True, rport), (False, port), (False, rport))
                )
            acl_kinds[acl] = known  # type: ignore[assignment]
        # per subnet (index; -1: none, or not an attachment subnet): the kind of its outbound
        # rules, request and reply — read where a transit gateway delivers through a subnet
        self._out_p = np.full(len(self.sub_ids) + 1, -1, dtype=np.int64)
        self._out_r = np.full(len(self.sub_ids) + 1, -1, dtype=np.int64)
        for i in entries:
            self._out_p[i], self._out_r[i] = acl_kinds[self.c.subnets[self.sub_ids[i]].acl_id][:2]
        rows = list(self.k1)
        kp, kr, ip, ir = np.array([acl_kinds[str(k[3])] for k in rows], dtype=np.int64).reshape(-1, 4).T
        masks.append(np.ones(n2, dtype=bool))
        self._masks = np.stack(masks)
        self._mask_codes = None
        self._column_at = np.arange(n2)
        self.n1, self.n2 = n1, n2
        if self.lean:
            width = (n2 + 7) // 8
            self.SP, self.SQ, self.SV = (np.zeros((n1, width), dtype=np.uint8) for _ in range(3))
        else:
            self.PC = np.empty((n1, n2), dtype=np.uint8)
            self.QC = np.empty((n1, n2), dtype=np.uint8)
        self._kinds = np.stack([kp, kr, ip, ir], axis=1)
        self._group_contexts(rows)
        block = max(1, CHUNK // 4)
        found: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {"P": [], "Q": []}
        buf = np.empty((min(block, n1), 5, n2), dtype=np.int32)
        self._make_all_groups(rows, block, progress)
        for r0 in range(0, n1, block):
            report(progress, "classes", r0, n1)
            self._rows.trim()
            self._block(rows, r0, min(n1, r0 + block), buf, found)
        self._finish(found)  # ``cells``: per side, where the strict verdict fails and a relaxed one holds
        # what only the arrivals read: freed before the rows (TGW and gateway rows, n2 wide each)
        self._rows = RowCache(ROW_CACHE)
        self._peer_rows = {}
        self._peer_bases = {}
        self._att_hops = {}
        self._alone = np.flatnonzero(~self._member)
        self._members = np.flatnonzero(self._member)
        col = self.membership.painted % n2
        self._own_by_column = np.argsort(col, kind="stable")
        self._own_column_at = np.searchsorted(col[self._own_by_column], np.arange(n2 + 1))

    def cells_at(self, side: str, k1: np.ndarray, k2: np.ndarray) -> np.ndarray:
        """The verdict bits (``PC``/``QC``'s) of the cells (k1[i], k2[i]) of side "P" or "Q"
        (``k1`` and ``k2`` broadcast together)."""
        n2 = self.n2
        k1, k2 = np.broadcast_arrays(k1, k2)
        shape = k1.shape
        k1, k2 = k1.astype(np.int64).ravel(), k2.astype(np.int64).ravel()
        out = np.empty(len(k1), dtype=np.uint8)
        member = self._member[k1]
        at = np.flatnonzero(member)  # a member's cell is its group's, but at its own runs
        if len(at):
            a1, a2 = k1[at], k2[at]
            out[at] = np.take(self.group_grid[side].reshape(-1), self._group_of[a1] * n2 + a2)
            sh = self.membership
            i, where = sh.own(a1, a2)
            out[at[i]] = (sh.own_p if side == "P" else sh.own_q)[where]
        alone = np.flatnonzero(~member)
        if not len(alone):
            return out.reshape(shape)
        a1, a2 = k1[alone], k2[alone]
        if not self.lean:  # one flat gather: twice as fast as indexing two axes
            out[alone] = np.take((self.PC if side == "P" else self.QC).reshape(-1), a1 * n2 + a2)
            return out.reshape(shape)
        byte, shift = a2 >> 3, (7 - (a2 & 7)).astype(np.uint8)
        strict = (self.SP if side == "P" else self.SQ)[a1, byte] >> shift & np.uint8(1)
        via = self.SV[a1, byte] >> shift & np.uint8(1)
        v = strict * np.uint8(15)
        found, verdicts = self.cells[side].at(a1, a2)
        v[found] = verdicts[found]
        out[alone] = v | via * np.uint8(VIA_DESTINATION_AZ)
        return out.reshape(shape)

    def strict_rows(self, side: str, rows: np.ndarray) -> np.ndarray:
        """The strict bits of side "P" or "Q" for the contexts ``rows``, as booleans over the columns."""
        out = np.empty((len(rows), self.n2), dtype=bool)
        member = self._member[rows]
        alone = np.flatnonzero(~member)
        if len(alone):
            if not self.lean:
                out[alone] = ((self.PC if side == "P" else self.QC)[rows[alone]] & STRICT).view(bool)
            else:
                packed = (self.SP if side == "P" else self.SQ)[rows[alone]]
                out[alone] = np.unpackbits(packed, axis=1, count=self.n2).view(bool)
        at = np.flatnonzero(member)
        if len(at):
            mine = (np.take(self.group_grid[side], self._group_of[rows[at]], axis=0) & STRICT).view(bool)
            self.membership.strict_into(side, rows[at], mine)
            out[at] = mine
        return out

    def strict_packed(self, side: str, c0: int, c1: int) -> np.ndarray:
        """The strict bits of side "P" or "Q" of every context at columns ``c0:c1``, packed by
        rows (``c0`` a multiple of 8; the bits past the last column are 0): the members' from
        their groups' rows, set at their own runs' columns."""
        c1 = min(c1, self.n2)
        out = np.empty((self.n1, (c1 - c0 + 7) // 8), dtype=np.uint8)
        alone, members = self._alone, self._members
        if len(alone):
            if not self.lean:
                grid = self.PC if side == "P" else self.QC
                out[alone] = np.packbits(grid[alone, c0:c1] & STRICT, axis=1)
            else:
                out[alone] = (self.SP if side == "P" else self.SQ)[alone, c0 // 8 : (c1 + 7) // 8]
        if len(members):
            groups = np.packbits(self.group_grid[side][:, c0:c1] & STRICT, axis=1)
            out[members] = np.take(groups, self._group_of[members], axis=0)
            sh = self.membership
            at = self._own_by_column[self._own_column_at[c0] : self._own_column_at[c1]]
            ctx, col = np.divmod(sh.painted[at], self.n2)
            col -= c0
            bit = (0x80 >> (col & 7)).astype(np.uint8)
            np.bitwise_and.at(out, (ctx, col >> 3), ~bit)
            on = (sh.own_p if side == "P" else sh.own_q)[at] != 0
            np.bitwise_or.at(out, (ctx[on], col[on] >> 3), bit[on])
        return out


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
