"""Reachability Analyzer: CreateNetworkInsightsPath, DeleteNetworkInsightsPath,
StartNetworkInsightsAnalysis, DeleteNetworkInsightsAnalysis.

An analysis runs the analyser the application was composed with (vpclab's tracer,
:func:`vpclab.network.insights.analyse`, in ``vpclab.ControlPlane`` and ``vpclab serve``)
synchronously and stores a snapshot of its answer in AWS's structures, so it reads the same later
even after the network changes — as AWS's analyses do.

AWS docs: "How Reachability Analyzer works" (source and destination resources)
https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html and the
EC2 API reference for each action.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from ipaddress import AddressValueError, IPv4Address
from typing import Any, Protocol

from ..core.errors import AwsError, invalid_parameter_value
from ..model.base import Resource, Tags, kind_of_id
from ..model.direct_connect import VirtualInterface
from ..model.endpoints import VpcEndpoint, VpcEndpointService
from ..model.gateways import InternetGateway
from ..model.insights import (
    SUCCEEDED,
    FilterPortRange,
    NetworkInsightsAnalysis,
    NetworkInsightsPath,
    PathFilter,
    ec2_arn,
    failed_analysis,
)
from ..model.interfaces import Instance, NetworkInterface
from ..model.peering import VpcPeeringConnection
from ..model.transit_gateway import TransitGateway, TransitGatewayAttachment
from ..model.vpn import CustomerGateway, VpnConnection, VpnGateway
from ..model.world import World
from . import insights_ends as ends
from .context import Ctx
from .registry import action

#: AWS's "Reachability Analyzer supports the following resource types as sources and
#: destinations" (How Reachability Analyzer works), by model KIND → ARN resource type
SUPPORTED_KINDS: dict[str, str] = {
    cls.KIND: cls.ARN_TYPE
    for cls in (Instance, InternetGateway, NetworkInterface, TransitGateway, TransitGatewayAttachment,
                VpcEndpointService, VpcEndpoint, VpcPeeringConnection, VpnGateway)
}
#: vpclab goes further: on-premises hosts behind a customer gateway or a Direct Connect virtual
#: interface (lab knobs AWS does not analyse: its analyser stops at the transit gateway attachment)
VPCLAB_KINDS: dict[str, str] = {CustomerGateway.KIND: CustomerGateway.ARN_TYPE,
                                VirtualInterface.KIND: VirtualInterface.ARN_TYPE}


# -- the path --------------------------------------------------------------------------------------
def _invalid(message: str) -> AwsError:
    return invalid_parameter_value(message)


def _ipv4(value: str | None, param: str) -> str | None:
    """AWS's SourceIp, DestinationIp and the filters' addresses are IPv4 by their pattern
    (``^([0-9]{1,3}.){3}[0-9]{1,3}$``, at most 15 characters: CreateNetworkInsightsPath, Amazon EC2
    API Reference): Reachability Analyzer analyses IPv4 only, so an IPv6 address is refused here as
    AWS refuses it. vpclab's IPv6 answer for two resources rides in its own fields instead
    (``network.insights``, docs/insights.md)."""
    if value is None:
        return None
    try:
        return str(IPv4Address(value))
    except (AddressValueError, ValueError):
        # AWS's code; the wording is the EC2 "Value (x) for parameter y is invalid" pattern
        raise _invalid(
            f"Value ({value}) for parameter {param} is invalid. Expected an IPv4 address."
        ) from None


def _endpoint_resource(ctx: Ctx, ref: str, param: str) -> Resource:
    """The source/destination an id or ARN names: it must exist for the caller, in the Region of
    the call, and be of a supported type."""
    rid = ref
    if ref.startswith("arn:"):
        parts = ref.split(":", 5)
        if len(parts) != 6 or "/" not in parts[5] or parts[2] != "ec2":
            raise _invalid(f"The ARN '{ref}' for parameter {param} is not valid.")
        region, account, rid = parts[3], parts[4], parts[5].split("/", 1)[1]
        if region != ctx.region:
            # AWS: "The source and destination resources must be in the same Region."
            raise _invalid(f"The resource {ref} for parameter {param} is not in Region {ctx.region}.")
        kind = kind_of_id(rid)
        res = ctx.world.get(rid, kind) if kind is not None else None
        if kind is not None and (res is None or res.owner_id != account or res.region != region):
            code, message = kind.NOT_FOUND
            raise AwsError(code, message.format(id=rid))
    kind = kind_of_id(rid)
    if kind is None or kind.KIND not in SUPPORTED_KINDS | VPCLAB_KINDS:
        # AWS names no error text for an unsupported type; the code is AWS's for a bad value
        raise _invalid(
            f"The resource {ref} for parameter {param} is not a supported resource type. Supported: "
            "instance, internet gateway, network interface, transit gateway, transit gateway attachment, "
            "VPC endpoint, VPC endpoint service, VPC peering connection, VPN gateway."
        )
    if ref.startswith("arn:"):
        res = ctx.world.get(rid, kind)
        assert res is not None
        return res
    return ctx.require(kind, rid)


def resource_arn(res: Resource) -> str:
    if isinstance(res, VirtualInterface):
        return res.arn  # a Direct Connect ARN
    return ec2_arn(res.region, res.owner_id, (SUPPORTED_KINDS | VPCLAB_KINDS)[res.KIND], res.id)


def _port_range(raw: Mapping[str, Any] | None) -> FilterPortRange | None:
    if not raw:
        return None
    return FilterPortRange(from_port=raw.get("from_port"), to_port=raw.get("to_port"))


def _path_filter(raw: Mapping[str, Any] | None, param: str) -> PathFilter | None:
    if not raw:
        return None
    return PathFilter(
        source_address=_ipv4(raw.get("source_address"), f"{param}.SourceAddress"),
        source_port_range=_port_range(raw.get("source_port_range")),
        destination_address=_ipv4(raw.get("destination_address"), f"{param}.DestinationAddress"),
        destination_port_range=_port_range(raw.get("destination_port_range")),
    )


@action
def create_network_insights_path(
    ctx: Ctx,
    *,
    source: str,
    protocol: str,
    destination: str | None = None,
    source_ip: str | None = None,
    destination_ip: str | None = None,
    destination_port: int | None = None,
    filter_at_source: Mapping[str, Any] | None = None,
    filter_at_destination: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
) -> NetworkInsightsPath:
    """CreateNetworkInsightsPath: a supported source (and destination) in the Region of the call."""
    at_source = _path_filter(filter_at_source, "FilterAtSource")
    at_destination = _path_filter(filter_at_destination, "FilterAtDestination")
    if destination is None and (at_source is None or at_source.destination_address is None):
        # AWS's words, as real responses carry them
        raise AwsError(
            "MissingParameter",
            "The request must include either the Destination parameter or the "
            "FilterAtSource.DestinationAddress parameter. Add the required parameter and retry the request.",
        )
    if protocol not in ("tcp", "udp"):
        raise _invalid(f"Value ({protocol}) for parameter Protocol is invalid. Valid values: tcp, udp.")
    if destination_port is not None and not 0 <= destination_port <= 65535:
        raise _invalid(f"Value ({destination_port}) for parameter DestinationPort is invalid.")
    src_ip = _ipv4(source_ip, "SourceIp")
    dst_ip = _ipv4(destination_ip, "DestinationIp")
    if src_ip is not None and at_source is not None and at_source.source_address is not None:
        # (undocumented text) one address per end of the path
        raise AwsError(
            "InvalidParameterCombination", "SourceIp and FilterAtSource.SourceAddress cannot both be given."
        )
    if dst_ip is not None and at_destination is not None and at_destination.destination_address is not None:
        raise AwsError(
            "InvalidParameterCombination",
            "DestinationIp and FilterAtDestination.DestinationAddress cannot both be given.",
        )
    src = _endpoint_resource(ctx, source, "Source")
    dst = _endpoint_resource(ctx, destination, "Destination") if destination is not None else None
    return ctx.world.put(
        NetworkInsightsPath(
            id=ctx.new_id("network_insights_path"),
            owner_id=ctx.account_id,
            region=ctx.region,
            tags=Tags(tags or {}),
            created_date=ctx.now,
            source=src.id,
            source_arn=resource_arn(src),
            destination=dst.id if dst is not None else None,
            destination_arn=resource_arn(dst) if dst is not None else None,
            source_ip=src_ip,
            destination_ip=dst_ip,
            protocol=protocol,
            destination_port=destination_port,
            filter_at_source=at_source,
            filter_at_destination=at_destination,
        )
    )


def analyses_of(ctx: Ctx, path_id: str) -> list[NetworkInsightsAnalysis]:
    """The path's analyses AWS still keeps (it deletes each 120 days after it started)."""
    now = ctx.world.clock.now()
    return [a for a in ctx.world.all(NetworkInsightsAnalysis)
            if a.network_insights_path_id == path_id and not a.expired(now)]


def forget_expired(ctx: Ctx) -> None:
    """Remove the analyses AWS has deleted by now ("How Reachability Analyzer works",
    Considerations: 120 days after their creation date), as the actions here begin."""
    now = ctx.world.clock.now()
    for a in [a for a in ctx.world.all(NetworkInsightsAnalysis) if a.expired(now)]:
        ctx.world.remove(a.id)


@action
def delete_network_insights_path(ctx: Ctx, *, network_insights_path_id: str) -> NetworkInsightsPath:
    """DeleteNetworkInsightsPath: refused while analyses of the path exist (AWS's
    AnalysisExistsForNetworkInsightsPath, as real responses carry it)."""
    path = ctx.require(NetworkInsightsPath, network_insights_path_id)
    ctx.require_owner(path)
    forget_expired(ctx)
    existing = analyses_of(ctx, path.id)
    if existing:
        ids = ", ".join(a.id for a in existing)
        raise AwsError(
            "AnalysisExistsForNetworkInsightsPath",
            f"At least one analysis [{ids}] exists for path {path.id}. "
            "Delete all the analyses before deleting this network path.",
        )
    ctx.world.remove(path.id)
    return path


# -- the analysis ----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TraceRequest:
    """What the tracer is asked (:func:`vpclab.reach.trace` arguments), or why it cannot be."""

    source: str | None
    destination: str | None
    port: int | None
    source_port: int | None
    problem: str | None = None
    #: where AWS's path starts or ends when the path names a component without an address (a transit
    #: gateway, an attachment, a peering connection): the tracer goes on to the address it serves,
    #: and the API answer is cut at the component (:mod:`control.insights_ends`)
    start_at: str | None = None
    stop_at: str | None = None


class Analyser(Protocol):
    """What StartNetworkInsightsAnalysis runs once the path's ends are known: the finished
    analysis (``succeeded``, or ``failed`` with a StatusMessage). The composition root supplies it
    (``vpclab.network.insights.analyse``, vpclab's tracer), so control never imports reach."""

    def __call__(
        self,
        world: World,
        base: NetworkInsightsAnalysis,
        path: NetworkInsightsPath,
        request: TraceRequest,
        must_traverse: Sequence[str],
    ) -> NetworkInsightsAnalysis: ...


def _with_ip(rid: str, ip: str | None) -> str:
    return f"{rid}:{ip}" if ip else rid


def _customer_gateway_of(ctx: Ctx, vgw_id: str) -> str | None:
    for vpn in ctx.world.all(VpnConnection):
        if vpn.vpn_gateway_id == vgw_id:
            return vpn.customer_gateway_id
    return None


def _tracer_end(
    ctx: Ctx, rid: str | None, ip: str | None, role: str, other: str | None = None
) -> tuple[str | None, str | None, str | None]:
    """The tracer's name for one end of the path, the reason it cannot be traced, and the component
    AWS's path starts or stops at when that is not the traced host (``other``: the path's other end)."""
    if rid is None:
        return (ip, None, None) if ip else (None, f"the path has no {role}", None)
    world = ctx.world
    prefix = rid.rsplit("-", 1)[0]
    if prefix in ("i", "eni", "cgw", "dxvif"):
        return _with_ip(rid, ip), None, None
    if prefix == "igw":
        # the internet beyond the gateway: a host there (the given address, else TEST-NET-2's)
        return (ip or "internet"), None, None
    if prefix == "vgw":
        cgw = _customer_gateway_of(ctx, rid)
        if cgw is None:
            return None, f"{rid} has no VPN connection: there is no on-premises network to analyse", None
        return _with_ip(cgw, ip), None, None
    if prefix == "vpce":
        vpce = world.get(rid, VpcEndpoint)
        if vpce is not None and vpce.network_interface_ids:
            # an interface endpoint, at either end: its network interface (the first subnet's)
            return _with_ip(vpce.network_interface_ids[0], ip), None, None
        if vpce is not None and vpce.vpc_endpoint_type == "Gateway" and role == "destination" and not ip:
            # a gateway endpoint: the addresses it serves, its service's prefix list in its Region
            # ("How Reachability Analyzer works": the component's addresses), e.g. s3:us-east-1
            service = vpce.service_name.rsplit(".", 1)[-1]
            return f"{service}:{vpce.region}", None, None
    if prefix == "tgw-attach" and role == "destination" and not ip:
        att = world.get(rid, TransitGatewayAttachment)
        if att is not None and att.resource_type == "vpn":
            # a VPN attachment carries the on-premises networks behind its customer gateway
            vpn = world.get(att.resource_id, VpnConnection)
            if vpn is not None:
                return vpn.customer_gateway_id, None, None
        if att is not None and att.resource_type == "direct-connect-gateway":
            # a Direct Connect gateway's attachment carries the networks its transit virtual
            # interfaces advertise: the first such interface's
            vif = next((v for v in world.all(VirtualInterface)
                        if v.direct_connect_gateway_id == att.resource_id and v.advertised_cidrs), None)
            if vif is not None:
                return vif.id, None, None
        if att is not None and att.resource_type in ("vpc", "peering"):
            return _end(ends.attachment_destination(world, att, ends.vpc_of(world, other)))
    if role == "destination" and not ip:
        tgw = world.get(rid, TransitGateway)
        if tgw is not None:
            src_ip = _source_ip_of(ctx, other)
            return _end(ends.transit_gateway_destination(world, tgw, ends.vpc_of(world, other), src_ip))
        pcx = world.get(rid, VpcPeeringConnection)
        if pcx is not None:
            return _end(ends.peering_destination(world, pcx, ends.vpc_of(world, other)))
        svc = world.get(rid, VpcEndpointService)
        if svc is not None:
            return _end(ends.service_destination(world, svc, ends.vpc_of(world, other)))
    if role == "source":
        tgw = world.get(rid, TransitGateway)
        if tgw is not None:
            return _end(ends.transit_gateway_source(world, tgw, ends.vpc_of(world, other), ip))
        att = world.get(rid, TransitGatewayAttachment)
        if att is not None and att.resource_type == "peering" and not ip:
            return _end(ends.attachment_source(world, att, ends.vpc_of(world, other)))
        if prefix in ("tgw-attach", "pcx"):
            return _with_ip(rid, ip), None, None
        if prefix == "vpce-svc":
            # AWS lists endpoint services as sources; a PrivateLink connection starts at the consumer's
            # endpoint, never at the service, so vpclab has no path to trace from one (undocumented)
            return None, f"vpclab traces {rid} as a destination only: PrivateLink connections start " \
                         "at the consumer's endpoint", None
    if ip and role == "destination":
        return ip, None, None  # an address routed towards the gateway or connection
    return None, f"vpclab traces {rid} as a {role} only with a {role} IP address", None


def _end(end: ends.End) -> tuple[str | None, str | None, str | None]:
    return end.spec, end.problem, end.component


def _source_ip_of(ctx: Ctx, rid: str | None) -> str | None:
    """The source's own address (an instance's or interface's primary one), to route away from it."""
    res = ctx.world.get(rid) if rid else None
    if isinstance(res, Instance):
        res = next((e for e in ctx.world.all(NetworkInterface) if e.instance_id == res.id), None)
    return res.private_ip_address if isinstance(res, NetworkInterface) else None


def _trace_request(ctx: Ctx, path: NetworkInsightsPath) -> TraceRequest:
    fs, fd = path.filter_at_source, path.filter_at_destination
    src_ip = path.source_ip or (fs.source_address if fs else None)
    dst_ip = path.destination_ip or (fd.destination_address if fd else None)
    dst_ip = dst_ip or (fs.destination_address if fs else None)
    port = path.destination_port
    for f in (fs, fd):
        if port is None and f is not None and f.destination_port_range is not None:
            port = f.destination_port_range.from_port
    sport = None
    for f in (fs, fd):
        if f is not None and f.source_port_range is not None and f.source_port_range.from_port is not None:
            sport = f.source_port_range.from_port
    source, why_src, start_at = _tracer_end(ctx, path.source, src_ip, "source", path.destination)
    destination, why_dst, stop_at = _tracer_end(ctx, path.destination, dst_ip, "destination", path.source)
    return TraceRequest(source, destination, port, sport, why_src or why_dst, start_at, stop_at)


def _arn_id(arn: str) -> str:
    if not arn.startswith("arn:") or arn.count(":") < 5 or "/" not in arn.split(":", 5)[5]:
        # AWS's code for a malformed value; the wording is vpclab's (undocumented)
        raise _invalid(f"The ARN '{arn}' for parameter FilterInArns is not valid.")
    return arn.rsplit("/", 1)[1]


@action
def start_network_insights_analysis(
    ctx: Ctx,
    *,
    network_insights_path_id: str,
    filter_in_arns: Sequence[str] | None = None,
    additional_accounts: Sequence[str] | None = None,
    tags: Mapping[str, str] | None = None,
) -> NetworkInsightsAnalysis:
    """StartNetworkInsightsAnalysis: runs the tracer now; the analysis is ``succeeded`` when it
    ran (``failed`` with a StatusMessage when the path cannot be traced). With FilterInArns the path
    is found only if it traverses every listed resource ("the resources that the path must
    traverse", EC2 API reference)."""
    path = ctx.require(NetworkInsightsPath, network_insights_path_id)
    must = [_arn_id(a) for a in filter_in_arns or ()]
    for account in additional_accounts or ():
        if not (len(account) == 12 and account.isdigit()):
            raise _invalid(f"Value ({account}) for parameter AdditionalAccounts is invalid.")
    base = NetworkInsightsAnalysis(
        id=ctx.new_id("network_insights_analysis"),
        owner_id=ctx.account_id,
        region=ctx.region,
        tags=Tags(tags or {}),
        network_insights_path_id=path.id,
        start_date=ctx.now,
        filter_in_arns=tuple(filter_in_arns or ()),
        additional_accounts=tuple(additional_accounts or ()),
    )
    if ctx.analyser is None:
        # vpclab's own wording: a ControlPlane built without the analyser (vpclab.control's bare one)
        raise AwsError("UnsupportedOperation", "This ControlPlane has no reachability analyser; "
                       "vpclab.ControlPlane and vpclab serve have one.")
    req = _trace_request(ctx, path)
    if req.problem is not None or req.source is None or req.destination is None:
        return ctx.world.put(failed_analysis(base, req.problem or "the path cannot be traced"))
    return ctx.world.put(ctx.analyser(ctx.world, base, path, req, must))


@action
def delete_network_insights_analysis(
    ctx: Ctx, *, network_insights_analysis_id: str
) -> NetworkInsightsAnalysis:
    """DeleteNetworkInsightsAnalysis."""
    analysis = ctx.require(NetworkInsightsAnalysis, network_insights_analysis_id)
    ctx.require_owner(analysis)
    ctx.world.remove(analysis.id)
    return analysis


__all__ = [
    "SUCCEEDED",
    "SUPPORTED_KINDS",
    "VPCLAB_KINDS",
    "create_network_insights_path",
    "delete_network_insights_analysis",
    "delete_network_insights_path",
    "start_network_insights_analysis",
]
