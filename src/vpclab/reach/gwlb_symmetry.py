"""Symmetric paths through Gateway Load Balancer endpoints, for the all-pairs matrices.

The tracer drops a reply that passes a Gateway Load Balancer endpoint its request did not pass
(``VPCLAB_GWLB_ASYMMETRIC_FLOW``: AWS's Gateway Load Balancer guide, "Asymmetric flows"). The
matrices decide each direction on its own; this module walks both directions of one address pair
over the compiled route tables, collecting the endpoints each passes, and says
whether the reply stays on the request's endpoints. A transit gateway attachment with appliance
mode sends the reply into its VPC through the Availability Zone the request entered by (as the
tracer does); without it each direction enters by its own sender's Availability Zone.

The matrices apply it only to pairs they found reachable and only when some route targets a
Gateway Load Balancer endpoint, so networks without one pay nothing.
"""

from __future__ import annotations

from .arrival import MAX_HOPS, _through_tgw, in_vpc
from .compiled import NO_ROUTE, Compiled, SubnetInfo


def has_gwlb_endpoints(c: Compiled) -> bool:
    """Whether some route leads to a working Gateway Load Balancer endpoint (a ``vpce-`` middlebox)."""
    return any(target.startswith("vpce-") for target in c.middleboxes)


def _entry_attachment(c: Compiled, subnet_id: str) -> str | None:
    return next((a.id for a in c.attachments.values() if subnet_id in a.az_subnets.values()), None)


def endpoints_passed(
    c: Compiled,
    route_table_id: str,
    vpc_id: str,
    az: str,
    address: int,
    record: dict[str, str] | None = None,
    request: dict[str, str] | None = None,
    reads: set[str] | None = None,
) -> frozenset[str] | None:
    """The Gateway Load Balancer endpoints a packet from a subnet context to ``address`` passes on
    the walk, or None when it is dropped. ``record`` receives attachment id → the AZ the
    packet entered its VPC by; ``request`` (a request's record) makes an appliance-mode attachment
    take the request's AZ (the walk of the reply). ``reads`` collects the tables and resources the
    answer depends on."""
    passed: set[str] = set()
    entering = False
    for _ in range(MAX_HOPS):
        if reads is not None:
            reads.add(route_table_id)
        runs = c.route_tables.get(route_table_id)
        kind, target = runs.at(address) if runs is not None else NO_ROUTE
        if kind == "local":
            return frozenset(passed) if in_vpc(c, vpc_id, address) else None
        if kind == "mbox":
            box = c.middleboxes.get(target)
            if box is None or box[1] != vpc_id or box[0] not in c.subnets:
                return None
            if target.startswith("vpce-"):
                passed.add(target)
            if reads is not None:
                reads.add(target)
            sub = c.subnets[box[0]]
            route_table_id, az, entering = sub.route_table_id, sub.az, False
            continue
        if entering:
            return None
        if kind == "pcx":
            return frozenset(passed)  # the peer VPC holds the address or drops it: no endpoint either way
        if kind != "tgw":
            return None
        exit_ = _through_tgw(c, target, vpc_id, az, address, reads)
        if exit_ is None:
            return None
        route_table_id, vpc_id, entry = exit_
        att_id = _entry_attachment(c, entry)
        att = c.attachments.get(att_id or "")
        if att is not None:
            entered = c.subnets[entry].az if entry in c.subnets else ""
            wanted = (request or {}).get(att.id)
            if att.appliance_mode and wanted is not None and wanted in att.az_route_tables:
                entered, route_table_id = wanted, att.az_route_tables[wanted]
            if reads is not None:
                reads.update((att.id, *att.az_route_tables.values()))
            if record is not None:
                record.setdefault(att.id, entered)
        entering = True
    return None


def symmetric(
    c: Compiled,
    src: SubnetInfo,
    src_address: int,
    dst: SubnetInfo,
    dst_address: int,
    reads: set[str] | None = None,
) -> bool:
    """Whether the reply from ``dst_address`` passes only Gateway Load Balancer endpoints that the
    request from ``src_address`` passed (True when either direction is dropped anyway: the matrices'
    own verdict decides then)."""
    record: dict[str, str] = {}
    forward = endpoints_passed(c, src.route_table_id, src.vpc_id, src.az, dst_address, record, reads=reads)
    if forward is None:
        return True
    back = endpoints_passed(
        c, dst.route_table_id, dst.vpc_id, dst.az, src_address, request=record, reads=reads
    )
    return back is None or back <= forward
