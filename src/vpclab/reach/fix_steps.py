"""The AWS API calls of a suggested fix (reach/fixes.py), in AWS's action and parameter names.

Each builder answers a :class:`FixStep`: the action, its parameters in boto3's request shape
(``RouteTableId``, ``DestinationCidrBlock``, ``IpPermissions``, …) and the account and Region that
call it — the owner of the resource changed (a peering connection is accepted by the accepter's
account, in the accepter's Region). ``reach`` only describes the calls; a front end applies them
through the ControlPlane (vpclab.web.whatif previews them on a copy of the World), where AWS's
rules hold: a call AWS would refuse answers AWS's error there.

AWS API Reference: CreateRoute, AuthorizeSecurityGroupIngress, CreateNetworkAclEntry,
CreateVpcPeeringConnection, AcceptVpcPeeringConnection, AssociateTransitGatewayRouteTable,
EnableTransitGatewayRouteTablePropagation, CreateTransitGatewayRoute, CreateVpnConnectionRoute
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/).
"""

from __future__ import annotations

from typing import Any

from ..model.base import Resource
from .result import FixStep, StepResult

#: CreateRoute's target parameter for each kind of target, by its id's prefix (CreateRoute)
_ROUTE_TARGETS = {
    "igw": "GatewayId",
    "vgw": "GatewayId",
    "pcx": "VpcPeeringConnectionId",
    "tgw": "TransitGatewayId",
    "nat": "NatGatewayId",
    "eni": "NetworkInterfaceId",
    "eigw": "EgressOnlyInternetGatewayId",
    "vpce": "VpcEndpointId",
    "lgw": "LocalGatewayId",
    "cagw": "CarrierGatewayId",
}
#: network ACL entries name protocols by number (CreateNetworkAclEntry: "-1 or all", "6", "17", …)
ACL_PROTOCOLS = {"tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58"}

Target = str | StepResult


def step(owner: Resource, action: str, **parameters: Any) -> FixStep:
    """A call made by ``owner``'s account in ``owner``'s Region."""
    return FixStep(action, parameters, owner.owner_id, owner.region)


def route_target_parameter(target: str) -> str | None:
    """CreateRoute's parameter naming ``target`` (None: a target a route cannot name)."""
    return _ROUTE_TARGETS.get(target.split("-", 1)[0])


def destination(cidr: str) -> dict[str, str]:
    return {"DestinationIpv6CidrBlock": cidr} if ":" in cidr else {"DestinationCidrBlock": cidr}


def create_route(rtb: Resource, cidr: str, target: Target, kind: str | None = None) -> FixStep | None:
    """CreateRoute in ``rtb`` for ``cidr`` to ``target`` (``kind``: its id's prefix, for a target an
    earlier step creates)."""
    param = route_target_parameter(kind or (target if isinstance(target, str) else ""))
    if param is None:
        return None
    return step(rtb, "CreateRoute", RouteTableId=rtb.id, **destination(cidr), **{param: target})


def peer_vpcs(
    src_vpc: Resource, dst_vpc: Resource, routes: list[tuple[Resource, str]]
) -> tuple[FixStep, ...]:
    """Peer two VPCs (CreateVpcPeeringConnection by the requester, AcceptVpcPeeringConnection by the
    accepter) and add the routes: ``(route table, CIDR)`` each to the new connection."""
    pcx = StepResult(0, "VpcPeeringConnection.VpcPeeringConnectionId")
    create = step(
        src_vpc,
        "CreateVpcPeeringConnection",
        VpcId=src_vpc.id,
        PeerVpcId=dst_vpc.id,
        PeerOwnerId=dst_vpc.owner_id,
        PeerRegion=dst_vpc.region,
    )
    accept = step(dst_vpc, "AcceptVpcPeeringConnection", VpcPeeringConnectionId=pcx)
    steps = [create, accept]
    for rtb, cidr in routes:
        route = create_route(rtb, cidr, pcx, "pcx")
        if route is not None:
            steps.append(route)
    return tuple(steps)


def ip_permission(protocol: str, port: int | None, cidrs: list[str]) -> dict[str, Any]:
    """One ``IpPermissions`` item for a flow (AuthorizeSecurityGroupIngress): its protocol, its port
    (for ICMP its type, any code) and the ranges."""
    if protocol in ("tcp", "udp") and port is not None:
        low, high = port, port
    elif protocol in ("icmp", "icmpv6") and port is not None:
        low, high = port, -1
    else:
        low, high = -1, -1
    v4 = [{"CidrIp": c} for c in cidrs if ":" not in c]
    v6 = [{"CidrIpv6": c} for c in cidrs if ":" in c]
    perm: dict[str, Any] = {"IpProtocol": protocol, "FromPort": low, "ToPort": high}
    if v4:
        perm["IpRanges"] = v4
    if v6:
        perm["Ipv6Ranges"] = v6
    return perm


def acl_entry(
    acl: Resource,
    *,
    rule_number: int,
    protocol: str,
    egress: bool,
    cidr: str,
    ports: tuple[int, int] | None,
) -> FixStep:
    """CreateNetworkAclEntry: an ``allow`` for ``protocol`` (and ``ports``; ICMP: every type and
    code) to or from ``cidr``."""
    params: dict[str, Any] = {
        "NetworkAclId": acl.id,
        "RuleNumber": rule_number,
        "Protocol": ACL_PROTOCOLS.get(protocol, protocol),
        "RuleAction": "allow",
        "Egress": egress,
        ("Ipv6CidrBlock" if ":" in cidr else "CidrBlock"): cidr,
    }
    if protocol in ("tcp", "udp") and ports is not None:
        params["PortRange"] = {"From": ports[0], "To": ports[1]}
    elif protocol in ("icmp", "icmpv6"):
        params["IcmpTypeCode"] = {"Type": -1, "Code": -1}
    return step(acl, "CreateNetworkAclEntry", **params)
