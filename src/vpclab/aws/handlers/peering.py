"""VPC peering connections: create, accept, reject, delete, describe, modify options.

AWS: "VPC peering connection lifecycle" (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html)
and the EC2 API reference for each action. The status shown is the effective one at the time of the
call (a pending request past its expiration time is ``expired``), and a connection in a final state
is shown only during AWS's visibility window for the viewer (``VpcPeeringConnection.visible_to``).
Both sides see the connection, each in its own account and Region.
"""

from __future__ import annotations

from typing import Any

from ...model.peering import (
    ACTIVE,
    EXPIRED,
    PENDING_ACCEPTANCE,
    VpcPeeringConnection,
    VpcPeeringConnectionOptions,
    effective_status,
    status_message,
)
from ...model.vpc import Vpc
from ...model.world import World
from .. import shapes
from ..describe import Kind, describe_handler
from ..registry import Call, mutating

Shape = dict[str, Any]


def peering_options(opts: VpcPeeringConnectionOptions) -> Shape:
    return {
        "AllowDnsResolutionFromRemoteVpc": opts.allow_dns_resolution_from_remote_vpc,
        "AllowEgressFromLocalClassicLinkToRemoteVpc": False,
        "AllowEgressFromLocalVpcToRemoteClassicLink": False,
    }


def _status(world: World, pcx: VpcPeeringConnection) -> tuple[str, str]:
    code = effective_status(pcx, world.clock.now())
    if code != pcx.status_code:
        return code, status_message(code)
    return code, pcx.status_message or status_message(
        code, accepter_owner_id=pcx.accepter_owner_id, actor_id=pcx.status_actor_id
    )


def _vpc_info(world: World, pcx: VpcPeeringConnection, side: str, code: str) -> Shape:
    vpc_id = pcx.requester_vpc_id if side == "requester" else pcx.accepter_vpc_id
    owner, region = pcx.owner_of_side(side)
    out: Shape = {"OwnerId": owner, "VpcId": vpc_id, "Region": region}
    cidrs = pcx.requester_cidr_blocks if side == "requester" else pcx.accepter_cidr_blocks
    if not cidrs and side == "requester":
        # AWS shows the requester's CIDR from the start; the accepter's once the peering is active
        vpc = world.get(vpc_id, Vpc)
        cidrs = tuple(a.cidr_block for a in vpc.cidr_block_associations) if vpc is not None else ()
    if cidrs:
        out["CidrBlock"] = cidrs[0]
        out["CidrBlockSet"] = [{"CidrBlock": c} for c in cidrs]
    if code == ACTIVE:
        out["PeeringOptions"] = peering_options(
            pcx.requester_peering_options if side == "requester" else pcx.accepter_peering_options
        )
    return out


def vpc_peering_connection(world: World, pcx: VpcPeeringConnection) -> Shape:
    code, message = _status(world, pcx)
    out: Shape = {
        "AccepterVpcInfo": _vpc_info(world, pcx, "accepter", code),
        "RequesterVpcInfo": _vpc_info(world, pcx, "requester", code),
        "Status": {"Code": code, "Message": message},
        "VpcPeeringConnectionId": pcx.id,
    }
    if pcx.expiration_time is not None and code in (PENDING_ACCEPTANCE, EXPIRED):
        out["ExpirationTime"] = pcx.expiration_time
    return shapes.with_tags(out, pcx)


def _info(side: str, attr: str) -> Any:
    def get(world: World, pcx: VpcPeeringConnection) -> Any:
        info = _vpc_info(world, pcx, side, _status(world, pcx)[0])
        if attr == "CidrBlock":
            return [c["CidrBlock"] for c in info.get("CidrBlockSet", [])]
        return info.get(attr)

    return get


PCX_FILTERS: dict[str, Any] = {
    "vpc-peering-connection-id": lambda w, p: p.id,
    "status-code": lambda w, p: _status(w, p)[0],
    "status-message": lambda w, p: _status(w, p)[1],
    "expiration-time": lambda w, p: (
        p.expiration_time.strftime("%Y-%m-%dT%H:%M:%S.000Z") if p.expiration_time else None
    ),
}
for _side in ("requester", "accepter"):
    PCX_FILTERS[f"{_side}-vpc-info.vpc-id"] = _info(_side, "VpcId")
    PCX_FILTERS[f"{_side}-vpc-info.owner-id"] = _info(_side, "OwnerId")
    PCX_FILTERS[f"{_side}-vpc-info.cidr-block"] = _info(_side, "CidrBlock")

mutating(
    "CreateVpcPeeringConnection",
    returns=vpc_peering_connection,
    tag_type=VpcPeeringConnection.RESOURCE_TYPE,
)
mutating("AcceptVpcPeeringConnection", returns=vpc_peering_connection)
mutating("RejectVpcPeeringConnection")
mutating("DeleteVpcPeeringConnection")


def _options(call: Call, pcx: VpcPeeringConnection) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for side, key in (
        ("accepter", "AccepterPeeringConnectionOptions"),
        ("requester", "RequesterPeeringConnectionOptions"),
    ):
        if key in call.params:
            opts = pcx.accepter_peering_options if side == "accepter" else pcx.requester_peering_options
            out[key] = peering_options(opts)
    return out


mutating("ModifyVpcPeeringConnectionOptions", result=_options)
describe_handler(
    "DescribeVpcPeeringConnections",
    Kind(
        VpcPeeringConnection,
        key="VpcPeeringConnections",
        ids="VpcPeeringConnectionIds",
        shape=vpc_peering_connection,
        filters=PCX_FILTERS,
    ),
)
