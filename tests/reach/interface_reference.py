"""The interface matrix as it was computed before issue 15's packed rewrite (dense booleans,
security groups interface by interface): the oracle of test_interface_matrix_packed. Kept verbatim
but for reading the class cells through ``Classes.cells_at`` (so the grids' layout may change).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from vpclab.core.addresses import AddressSet
from vpclab.reach.classes import Classes
from vpclab.reach.compiled import Compiled, in_set
from vpclab.reach.exact_pairs import correct_interfaces
from vpclab.reach.gwlb_symmetry import has_gwlb_endpoints, symmetric
from vpclab.reach.matrix import ReachabilityMatrix
from vpclab.reach.matrix_cells import ENTERS_BOTH, ENTERS_FAR, ENTERS_NEAR, STRICT, VIA_DESTINATION_AZ

if TYPE_CHECKING:
    from vpclab.model.world import World


# -- interfaces: routing and NACLs by class, then security groups ------------------------------
def _sg_sets(
    world: World, group_ids: tuple[str, ...], egress: bool, protocol: str, port: int | None
) -> tuple[AddressSet, frozenset[str]]:
    """What a set of security groups allows in one direction: addresses (CIDR and prefix-list
    rules) and referenced groups."""
    from vpclab.model.prefix_lists import prefix_list_cidrs
    from vpclab.model.security_group import SecurityGroup, sg_rule_matches
    from vpclab.reach.result import icmp_code

    cidrs: list[str] = []
    refs: set[str] = set()
    for gid in group_ids:
        group = world.get(gid, SecurityGroup)
        for rule in group.rules(egress) if group is not None else ():
            if not sg_rule_matches(rule, protocol, port, icmp_code(protocol, port)):
                continue
            if rule.cidr_ipv4 or rule.cidr_ipv6:
                cidrs.append(rule.cidr_ipv4 or rule.cidr_ipv6 or "")
            elif rule.prefix_list_id:
                cidrs.extend(prefix_list_cidrs(world, rule.prefix_list_id))
            elif rule.referenced_group_id:
                refs.add(rule.referenced_group_id)
    return AddressSet(cidrs), frozenset(refs)


def _sg_allows(
    world: World, c: Compiled, near: list, far: list, egress: bool, protocol: str, port: int | None
) -> np.ndarray:
    """A[i, j]: whether ``near[i]``'s groups allow traffic to (egress) or from (ingress) ``far[j]``.

    A group reference matches an interface that is a member of the group, in the same VPC or
    across an active peering within one Region (AWS: "Update your security groups to reference
    peer security groups"); vpclab does not model TGW security group referencing (off by default).
    """
    from vpclab.model.vpc import Vpc

    far_ips = np.array([e.ip for e in far], dtype=np.uint64)
    members: dict[str, list[int]] = {}
    for j, e in enumerate(far):
        for g in e.groups:
            members.setdefault(g, []).append(j)
    region = {v.id: v.region for v in world.all(Vpc)}
    peered = {frozenset(p) for p in c.peerings.values()}
    cache: dict[tuple[str, ...], tuple[AddressSet, frozenset[str]]] = {}
    out = np.zeros((len(near), len(far)), dtype=bool)
    for i, e in enumerate(near):
        if not e.groups:  # no security groups (a NAT gateway's, an NLB's interface): nothing to filter
            out[i] = True
            continue
        sets = cache.get(e.groups)
        if sets is None:
            sets = cache[e.groups] = _sg_sets(world, e.groups, egress, protocol, port)
        aset, refs = sets
        out[i] = in_set(far_ips, c.space.aset(aset))
        for ref in refs:
            for j in members.get(ref, ()):
                o = far[j]
                if o.vpc == e.vpc or (
                    frozenset((o.vpc, e.vpc)) in peered and region.get(o.vpc) == region.get(e.vpc)
                ):
                    out[i, j] = True
    return out


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
    enforces its inbound rules on PrivateLink traffic, each client admitted by them."""
    from vpclab.model.interfaces import NetworkInterface
    from vpclab.reach.privatelink import enforces_inbound_rules, matrix_onward, nlb_admits
    from vpclab.reach.result import PacketHeader

    ends = [j for j, d in enumerate(dsts) if d.type == "vpc_endpoint"]
    if not ends:
        return
    src_index = {e.id: i for i, e in enumerate(srcs)}
    dst_index = {e.id: j for j, e in enumerate(dsts)}
    base = allowed.copy()  # node → target pairs, before any endpoint column changes
    for j in ends:
        eni = world.get(dsts[j].id, NetworkInterface)
        found = matrix_onward(world, eni, protocol, port) if eni is not None else None
        if found is None:
            continue  # an AWS service's endpoint: delivered to its interface is reached
        leg, target = found
        ok = not leg.blocked and leg.node is not None
        if ok and target is not None and leg.node is not None:
            ni, tj = src_index.get(leg.node.id), dst_index.get(target.id)
            ok = ni is not None and tj is not None and bool(base[ni, tj])
        if not ok:
            allowed[:, j] = False
            continue
        if leg.node is not None and leg.node.id in src_index:
            # the node that would carry the connection, as its client: it would loop back into itself
            allowed[src_index[leg.node.id], j] = False
        if leg.lb is None or not enforces_inbound_rules(leg.lb) or eni is None:
            continue
        for i in np.flatnonzero(allowed[:, j]):
            client = world.get(srcs[i].id, NetworkInterface)
            if client is None:
                continue
            ip = (
                (client.primary_ipv6_address or client.ipv6_addresses[0]) if v6 else client.private_ip_address
            )
            to = (eni.ipv6_addresses[0] if eni.ipv6_addresses else "") if v6 else eni.private_ip_address
            if not nlb_admits(world, leg, PacketHeader(ip, to, protocol, None, port), client):
                allowed[i, j] = False


@dataclass(slots=True)
class _Eni:
    id: str
    subnet: str
    vpc: str
    ip: int
    groups: tuple[str, ...]
    type: str


def reference_interface_matrix(
    world: World, c: Compiled, protocol: str, port: int | None
) -> ReachabilityMatrix:
    from vpclab.model.interfaces import NetworkInterface

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
    srcs = [e for e in enis if e.type not in ("vpc_endpoint", "gateway_load_balancer_endpoint")]
    cl = Classes(c, protocol, port)
    k1 = {e.id: cl.context(c.subnets[e.subnet], e.ip) for e in enis}
    k2 = {e.id: cl.column(c.subnets[e.subnet], e.ip) for e in enis}
    cl.build()
    s1 = np.array([k1[e.id] for e in srcs], dtype=np.int64)
    s2 = cl.k2_pos[np.array([k2[e.id] for e in srcs], dtype=np.int64)]
    d1 = np.array([k1[e.id] for e in dsts], dtype=np.int64)
    d2 = cl.k2_pos[np.array([k2[e.id] for e in dsts], dtype=np.int64)]
    if len(srcs) and len(dsts):
        # verdict bits both ways, then the one that applies: delivered straight into the
        # destination's subnet (A), into the source's for the reply (B)
        pv, qv = cl.cells_at("P", s1[:, None], d2[None, :]), cl.cells_at("Q", d1[None, :], s2[:, None])
        both = pv & qv
        az = {z: i for i, z in enumerate(cl.azs)}
        s_az = np.array([az[c.subnets[e.subnet].az] for e in srcs], dtype=np.int16)
        d_az = np.array([az[c.subnets[e.subnet].az] for e in dsts], dtype=np.int16)
        # an attachment subnet is the entry for its own AZ and wherever the destination's AZ picks
        s_att = np.array([cl.roles.get(e.subnet, 0) != 0 for e in srcs], dtype=bool)
        d_att = np.array([cl.roles.get(e.subnet, 0) != 0 for e in dsts], dtype=bool)
        same_az = s_az[:, None] == d_az[None, :]
        # the request enters the destination straight (far), the reply the source (near): each way's
        # origin is the sending end's AZ, or the destination's AZ picked the entry subnet
        far = d_att[None, :] & (same_az | ((pv & VIA_DESTINATION_AZ) != 0))
        near = s_att[:, None] & (same_az | ((qv & VIA_DESTINATION_AZ) != 0))
        routed = (both & STRICT) != 0
        routed |= far & ((both & ENTERS_FAR) != 0)
        routed |= near & ((both & ENTERS_NEAR) != 0)
        routed |= far & near & ((both & ENTERS_BOTH) != 0)
    else:
        routed = np.zeros((len(srcs), len(dsts)), bool)
    subnet_index = {s: n for n, s in enumerate(c.subnets)}
    ss = np.array([subnet_index[e.subnet] for e in srcs], dtype=np.int64)
    ds = np.array([subnet_index[e.subnet] for e in dsts], dtype=np.int64)
    routed |= ss[:, None] == ds[None, :]  # within a subnet: local, no NACL
    if cl.exact is not None and len(srcs) and len(dsts):  # pairs of VPCs the cells cannot decide
        correct_interfaces(cl, routed, srcs, dsts)
    allowed = routed & _sg_allows(world, c, srcs, dsts, True, protocol, port)
    allowed &= _sg_allows(world, c, dsts, srcs, False, protocol, port).T
    if has_gwlb_endpoints(c):  # a reply through another Gateway Load Balancer endpoint is dropped
        for i, j in zip(*np.nonzero(allowed), strict=True):
            s, d = srcs[i], dsts[j]
            src, dst = c.subnets[s.subnet], c.subnets[d.subnet]
            if s.subnet != d.subnet and not symmetric(c, src, s.ip, dst, d.ip):
                allowed[i, j] = False
    _privatelink(world, srcs, dsts, allowed, protocol, port, v6)
    sid = np.array([e.id for e in srcs], dtype=object)
    did = np.array([e.id for e in dsts], dtype=object)
    dst_index = {e.id: j for j, e in enumerate(dsts)}
    same = np.array([dst_index.get(e.id, -1) for e in srcs], dtype=np.int64)
    has = np.flatnonzero(same >= 0)
    allowed[has, same[has]] = False  # traffic from an interface to itself is no network flow
    return ReachabilityMatrix(np.packbits(allowed, axis=1), sid, did, protocol, port, "interface")
