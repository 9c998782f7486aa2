"""The interface-level reachability matrix: the subnet classes' routing and NACL verdicts per
interface pair, then security groups (stateful: the source's egress and the destination's
ingress; CIDR, prefix-list and group-reference rules: ``interface_groups``). See ``matrix`` for
the classes.

Everything is kept as packed bit rows (sources × destinations, ``np.packbits`` layout) and
combined with ``&``: the strict routing bits — P's rows at each source's context gathered at the
destinations' columns, AND Q's rows at each destination's context at the sources' columns (packed
along the destinations before it is turned, so only bytes are transposed); the pairs a transit
gateway lets through by delivering straight into an end's subnet (``relaxed_pairs``, as the
subnet matrix finds them); pairs within one subnet (local, no NACL); then the security groups'
rows. The rare corrections (pairs walked in irregular VPCs, Gateway Load Balancer symmetry,
PrivateLink onward legs, an interface to itself) touch only their bits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .bitrows import clear_bits, column, get_bits, join_pairs, set_bits, set_column
from .classes import Classes
from .compiled import Compiled
from .exact_pairs import correct_interfaces
from .gwlb_symmetry import has_gwlb_endpoints, symmetric
from .interface_groups import security_groups
from .matrix import ReachabilityMatrix
from .matrix_cells import relaxed_pairs
from .packing import PackedP, packed_q

if TYPE_CHECKING:
    from ..model.world import World


def _privatelink(
    world: World,
    srcs: list[_Eni],
    dsts: list[_Eni],
    allowed: np.ndarray,
    protocol: str,
    port: int | None,
    v6: bool,
) -> None:
    """A user-service endpoint's interface is reached as the tracer reaches it: through PrivateLink
    to the load balancer's node in its zone and on to the target (``privatelink.nlb_leg``), so a
    column of such an interface also needs the node → target pair and, when the load balancer
    enforces its inbound rules on PrivateLink traffic, each client admitted by them.
    ``allowed``: packed rows (sources × destinations)."""
    from ..model.interfaces import NetworkInterface
    from .privatelink import enforces_inbound_rules, matrix_onward, nlb_admits
    from .result import PacketHeader

    ends = [j for j, d in enumerate(dsts) if d.type == "vpc_endpoint"]
    if not ends:
        return
    src_index = {e.id: i for i, e in enumerate(srcs)}
    dst_index = {e.id: j for j, e in enumerate(dsts)}
    base = allowed.copy()  # node → target pairs, before any endpoint column changes
    none = np.zeros(len(srcs), dtype=bool)
    for j in ends:
        eni = world.get(dsts[j].id, NetworkInterface)
        found = matrix_onward(world, eni, protocol, port) if eni is not None else None
        if found is None:
            continue  # an AWS service's endpoint: delivered to its interface is reached
        leg, target = found
        ok = not leg.blocked and leg.node is not None
        if ok and target is not None and leg.node is not None:
            ni, tj = src_index.get(leg.node.id), dst_index.get(target.id)
            ok = ni is not None and tj is not None and bool(get_bits(base, np.array([ni]), np.array([tj]))[0])
        if not ok:
            set_column(allowed, j, none)
            continue
        col = column(allowed, j)
        if leg.node is not None and leg.node.id in src_index:
            # the node that would carry the connection, as its client: it would loop back into itself
            col[src_index[leg.node.id]] = False
        if leg.lb is not None and enforces_inbound_rules(leg.lb) and eni is not None:
            for i in np.flatnonzero(col):
                client = world.get(srcs[i].id, NetworkInterface)
                if client is None:
                    continue
                ip = (
                    (client.primary_ipv6_address or client.ipv6_addresses[0])
                    if v6
                    else client.private_ip_address
                )
                to = (eni.ipv6_addresses[0] if eni.ipv6_addresses else "") if v6 else eni.private_ip_address
                if not nlb_admits(world, leg, PacketHeader(ip, to, protocol, None, port), client):
                    col[i] = False
        set_column(allowed, j, col)


@dataclass(slots=True)
class _Eni:
    id: str
    subnet: str
    vpc: str
    ip: int
    groups: tuple[str, ...]
    type: str


def _routed(cl: Classes, enis: list[_Eni], src_at: np.ndarray, e1: np.ndarray, e2: np.ndarray) -> np.ndarray:
    """Routing and NACL verdicts, packed (sources ``enis[src_at]`` × destinations ``enis``);
    ``e1``/``e2``: each interface's context and column position."""
    c = cl.c
    ns, nd = len(src_at), len(enis)
    width = (nd + 7) // 8
    s1, s2 = e1[src_at], e2[src_at]
    # the request: P's strict bits, source context × destination column; the reply: Q's,
    # destination context × source column, packed along the destinations (as the subnet matrix)
    out = PackedP(cl, e2, width).rows(s1)
    out &= np.take(packed_q(cl, e1, width), s2, axis=0)
    row_of = np.full(nd, -1, dtype=np.int64)  # interface → its source row
    row_of[src_at] = np.arange(ns)
    if len(cl.cells["P"]) or len(cl.cells["Q"]):
        # pairs a transit gateway delivery straight into an end's subnet lets through (no NACL there)
        subnets = [c.subnets[e.subnet] for e in enis]
        az = np.array([cl.az_bit[s.az] for s in subnets], dtype=np.int64)
        role = np.array([cl.roles.get(s.id, 0) for s in subnets], dtype=np.int64)

        def found(s: np.ndarray, d: np.ndarray) -> None:
            rows = row_of[s]
            keep = rows >= 0  # endpoints initiate nothing
            set_bits(out, rows[keep], d[keep])

        relaxed_pairs(cl, e1, e2, az, role, found)
    # within a subnet: local, no NACL
    sub_index = {s: k for k, s in enumerate(c.subnets)}
    sub = np.array([sub_index[e.subnet] for e in enis], dtype=np.int64)
    for rows, cols in join_pairs(np.arange(ns), sub[src_at], np.arange(nd), sub):
        set_bits(out, rows, cols)
    if cl.exact is not None and ns and nd:  # pairs of VPCs the cells cannot decide: walked
        dense = np.unpackbits(out, axis=1, count=nd).view(bool)
        correct_interfaces(cl, dense, [enis[i] for i in src_at.tolist()], enis)
        out = np.packbits(dense, axis=1)
    return out


def interface_matrix(world: World, c: Compiled, protocol: str, port: int | None) -> ReachabilityMatrix:
    from ..model.interfaces import NetworkInterface

    v6 = c.space.family == 6
    enis = [
        _Eni(
            e.id,
            e.subnet_id,
            e.vpc_id,
            c.space.point((e.primary_ipv6_address or e.ipv6_addresses[0]) if v6 else e.private_ip_address),
            e.groups,
            e.interface_type,
        )
        for e in world.all(NetworkInterface)
        if e.subnet_id in c.subnets and e.interface_type != "transit_gateway" and (not v6 or e.ipv6_addresses)
    ]
    dsts = enis
    # endpoints do not initiate connections (interface and Gateway Load Balancer endpoints alike)
    src_at = np.array(
        [i for i, e in enumerate(enis) if e.type not in ("vpc_endpoint", "gateway_load_balancer_endpoint")],
        dtype=np.int64,
    )
    srcs = [enis[i] for i in src_at.tolist()]
    cl = Classes(c, protocol, port)
    infos = list(c.subnets.values())
    index = {s.id: i for i, s in enumerate(infos)}
    sub = np.array([index[e.subnet] for e in enis], dtype=np.int64)
    e1, k2 = cl.contexts_and_columns(infos, sub, np.array([e.ip for e in enis], dtype=np.uint64))
    cl.build()
    e2 = cl.k2_pos[k2]
    allowed = _routed(cl, enis, src_at, e1, e2)
    allowed &= security_groups(world, c, enis, src_at, protocol, port)
    if has_gwlb_endpoints(c):  # a reply through another Gateway Load Balancer endpoint is dropped
        rows, cols = np.nonzero(np.unpackbits(allowed, axis=1, count=len(dsts)))
        drop = [
            k
            for k, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True))
            if srcs[i].subnet != dsts[j].subnet
            and not symmetric(c, c.subnets[srcs[i].subnet], srcs[i].ip, c.subnets[dsts[j].subnet], dsts[j].ip)
        ]
        clear_bits(allowed, rows[drop], cols[drop])
    _privatelink(world, srcs, dsts, allowed, protocol, port, v6)
    sid = np.array([e.id for e in srcs], dtype=object)
    did = np.array([e.id for e in dsts], dtype=object)
    # traffic from an interface to itself is no network flow
    clear_bits(allowed, np.arange(len(srcs)), src_at)
    return ReachabilityMatrix(allowed, sid, did, protocol, port, "interface")
