"""One pair's verdict: whether an address in one subnet reaches an address in another and hears
back, with the semantics the matrix computes in bulk by classes and the tracer hop by hop
(routing, middleboxes, the NACLs at both ends, at middleboxes and at transit gateway attachment
subnets; no security groups): ``exact_pairs.Walker``, the walk the matrix uses where its classes
cannot decide. The incremental intent checker answers intents with it.
"""

from __future__ import annotations

from .classes import AclCache, return_port
from .compiled import Compiled, SubnetInfo
from .exact_pairs import Walker
from .gwlb_symmetry import has_gwlb_endpoints, symmetric


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
    walker: Walker | None = None,
) -> bool:
    """Whether address ``a`` in subnet ``src`` reaches ``b`` in ``dst`` and hears back (no SGs),
    walked as the tracer walks it (``exact_pairs.Walker``; pass one ``walker`` per compilation,
    protocol and port to save building it)."""
    if src.id == dst.id:
        return True
    if reads is not None:
        reads.update((src.id, dst.id, src.acl_id, dst.acl_id))
    w = walker or Walker(c, acls, protocol, port, return_port(protocol, port))
    routed = w.reaches(src, a, dst, b, reads)
    if routed and has_gwlb_endpoints(c):
        # a reply through another Gateway Load Balancer endpoint is dropped; judged between the
        # subnets' first addresses, as the subnet matrix does
        return symmetric(c, src, src.lo, dst, dst.lo, reads)
    return routed
