"""One pair's verdict: whether an address in one subnet reaches an address in another and hears
back, with the same semantics the matrix computes in bulk by classes (routing, the NACLs at both
ends and at transit gateway attachment subnets; no security groups). The incremental intent
checker answers intents with it.
"""

from __future__ import annotations

from .arrival import arrive
from .compiled import Compiled, SubnetInfo
from .gwlb_symmetry import has_gwlb_endpoints, symmetric
from .matrix import AclCache, return_port


def pair_verdict(
    c: Compiled,
    acls: AclCache,
    src: SubnetInfo,
    dst: SubnetInfo,
    a: int,
    b: int,
    protocol: str,
    port: int | None,
    reads: set[str] | None = None,
) -> bool:
    """Whether address ``a`` in subnet ``src`` reaches ``b`` in ``dst`` and hears back (no SGs)."""
    if src.id == dst.id:
        return True
    if reads is not None:
        reads.update((src.id, dst.id, src.acl_id, dst.acl_id))
    rport = return_port(protocol, port)
    routed = _one_way(c, acls, src, dst, a, b, protocol, port, reads) and _one_way(
        c, acls, dst, src, b, a, protocol, rport, reads
    )
    if routed and has_gwlb_endpoints(c):
        # a reply through another Gateway Load Balancer endpoint is dropped; judged between the
        # subnets' first addresses, as the subnet matrix does
        return symmetric(c, src, src.lo, dst, dst.lo, reads)
    return routed


def _one_way(
    c: Compiled,
    acls: AclCache,
    src: SubnetInfo,
    dst: SubnetInfo,
    a: int,
    b: int,
    protocol: str,
    port: int | None,
    reads: set[str] | None,
) -> bool:
    """``a`` in ``src`` to ``b`` in ``dst``, one direction, with AWS "Network ACLs for transit
    gateways" (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html): towards the gateway the
    source subnet's outbound rules (by destination) and the attachment subnet's inbound rules (by
    source; one NACL's both when they are the same subnet); from the gateway the attachment
    subnet's outbound rules and the destination subnet's inbound rules (none when they are the
    same subnet)."""
    path: list[str] = []
    if arrive(c, src.route_table_id, src.vpc_id, src.az, b, reads, path) != dst.vpc_id:
        return False
    exit_, entry = path
    for sid in path:
        if sid and reads is not None:
            reads.update((sid, c.subnets[sid].acl_id) if sid in c.subnets else (sid,))
    if not acls.allowed(src.acl_id, True, protocol, port).has(b):
        return False
    exit_acl = c.subnets[exit_].acl_id if exit_ and exit_ in c.subnets else None
    if exit_acl and not acls.allowed(exit_acl, False, protocol, port).has(a):
        return False
    if entry and entry in c.subnets:
        if entry == dst.id:
            return True
        if not acls.allowed(c.subnets[entry].acl_id, True, protocol, port).has(b):
            return False
    return acls.allowed(dst.acl_id, False, protocol, port).has(a)
