"""Where a packet from a subnet context to an address arrives, over compiled route tables
(``reach.compiled``): VPC route tables, middleboxes, transit gateways and their peerings.
"""

from __future__ import annotations

from .compiled import NO_ROUTE, Compiled

#: how many transit gateways a packet may cross (TGW peering chains)
MAX_TGW_HOPS = 4
#: how many route tables a packet may consult (middleboxes and transit gateways on the way)
MAX_HOPS = 8


def in_vpc(c: Compiled, vpc_id: str, address: int) -> bool:
    return any(lo <= address < hi for lo, hi in c.vpc_spans.get(vpc_id, ()))


def arrive(
    c: Compiled,
    route_table_id: str,
    vpc_id: str,
    az: str,
    address: int,
    reads: set[str] | None = None,
    path: list[str] | None = None,
) -> str | None:
    """The VPC a packet to ``address`` from a subnet (its route table, VPC and AZ) is delivered
    into, or None when it is dropped or leaves the subnet fabric. ``reads`` collects the ids of the
    tables and resources the answer depends on (the intent checker's dependency tracking).

    A route to a middlebox (an interface or instance with source/destination check off) hands the
    packet to it, and it is routed on from the middlebox's subnet; a packet a transit gateway
    delivers into a VPC is routed by the attachment subnet's table, which must deliver it locally
    or to a middlebox. At most ``MAX_HOPS`` route tables are consulted (loops drop).

    ``path`` (a list, filled in place) receives the transit gateway attachment subnets whose NACLs
    apply (AWS "Network ACLs for transit gateways"): ``[exit, entry]``, the attachment subnet the
    packet leaves the source VPC through (the first transit gateway crossing, in the Availability
    Zone it leaves from) and the one it enters the destination VPC through (the last; the
    originating Availability Zone's, AWS "How transit gateways work"); ``""`` where the path
    crosses no transit gateway.
    """
    if path is not None:
        path[:] = ["", ""]
    entering = False  # just delivered by a transit gateway: only local delivery or a middlebox
    for _ in range(MAX_HOPS):
        if reads is not None:
            reads.add(route_table_id)
        runs = c.route_tables.get(route_table_id)
        kind, target = runs.at(address) if runs is not None else NO_ROUTE
        if kind == "local":
            return vpc_id if in_vpc(c, vpc_id, address) else None
        if kind == "mbox":
            if reads is not None:
                reads.add(target)
            box = c.middleboxes.get(target)
            if box is None or box[1] != vpc_id or box[0] not in c.subnets:
                return None  # ENI_SOURCE_DEST_CHECK_RESTRICTION, or not a middlebox of this VPC
            sub = c.subnets[box[0]]
            route_table_id, az, entering = sub.route_table_id, sub.az, False
            continue
        if entering:
            return None
        if kind == "pcx":
            # non-transitive: the destination must be inside the peer VPC's CIDRs
            if reads is not None:
                reads.add(target)
            sides = c.peerings.get(target)
            if sides is None:
                return None
            peer = sides[1] if sides[0] == vpc_id else sides[0]
            return peer if in_vpc(c, peer, address) else None
        if kind != "tgw":
            return None
        exit_ = _through_tgw(c, target, vpc_id, az, address, reads)
        if exit_ is None:
            return None
        if path is not None:
            if not path[0]:
                path[0] = c.vpc_attachments[(target, vpc_id)].az_subnets.get(az, "")
            path[1] = exit_[2]
        route_table_id, vpc_id, _entry = exit_
        entering = True
    return None


def _through_tgw(
    c: Compiled, tgw_id: str, vpc_id: str, az: str, address: int, reads: set[str] | None
) -> tuple[str, str, str] | None:
    """(attachment subnet route table, VPC, attachment subnet) where the transit gateway delivers
    the packet, or None."""
    att = c.vpc_attachments.get((tgw_id, vpc_id))
    if reads is not None:
        reads.add(f"{tgw_id}/{vpc_id}")
    if att is None or az not in att.az_route_tables:  # TGW_ATTACH_VPC_AZ_RESTRICTION
        return None
    rtb = att.associations.get(tgw_id)
    for _ in range(MAX_TGW_HOPS):
        if rtb is None:
            return None
        if reads is not None:
            reads.add(rtb)
        truns = c.tgw_tables.get(rtb)
        kind, target = truns.at(address) if truns is not None else NO_ROUTE
        if kind != "att":
            return None
        nxt = c.attachments.get(target)
        if nxt is None:
            return None
        if reads is not None:
            reads.add(target)
        if nxt.type == "vpc" and nxt.vpc_id is not None:
            # the TGW keeps traffic in the source AZ when the attachment has a subnet there, else
            # uses another attachment subnet; that subnet's route table forwards it into the VPC
            entry_az = az if az in nxt.az_route_tables else next(iter(nxt.az_route_tables), "")
            return nxt.az_route_tables.get(entry_az, ""), nxt.vpc_id, nxt.az_subnets.get(entry_az, "")
        if nxt.type == "peering" and tgw_id in nxt.peer_of:
            tgw_id = nxt.peer_of[tgw_id]
            rtb = nxt.associations.get(tgw_id)
            continue
        return None  # VPN, Direct Connect, Connect: the packet leaves AWS
    return None
