"""Network Access Analyzer: CreateNetworkInsightsAccessScope, DeleteNetworkInsightsAccessScope,
StartNetworkInsightsAccessScopeAnalysis, DeleteNetworkInsightsAccessScopeAnalysis.

An analysis runs the access-scope analyser the application was composed with
(:func:`vpclab.network.access_scopes.analyse_scope` in ``vpclab.ControlPlane`` and ``vpclab
serve``) synchronously and stores its findings, so the analysis reads the same later even after the
network changes — as AWS's analyses do.

AWS documents no quota on scopes or analyses; vpclab sets none.

AWS docs: Network Access Analyzer guide, "Resource statements"
(https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/resource-statement.html) and
"Packet header statements"
(https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/packet-header-statement.html).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from ipaddress import ip_network
from typing import Any, Protocol

from ..core.errors import AwsError, invalid_parameter_value
from ..model.access_scopes import (
    AccessScopePath,
    NetworkInsightsAccessScope,
    NetworkInsightsAccessScopeAnalysis,
    PacketHeaderStatement,
    PathStatement,
    ResourceStatement,
    ThroughResourcesStatement,
)
from ..model.base import Tags, kind_of_id
from ..model.world import World
from .context import Ctx
from .registry import action

SOURCE, DESTINATION, THROUGH = "source", "destination", "through"
_ENDS = frozenset({SOURCE, DESTINATION})
_ALL = frozenset({SOURCE, DESTINATION, THROUGH})

#: AWS's "You can specify the following components by resource ID or resource ARN" (Resource
#: statements), by model KIND → where a statement may name it
BY_ID: dict[str, frozenset[str]] = {
    "instance": _ENDS,
    "internet_gateway": _ENDS,
    "nat_gateway": frozenset({THROUGH}),
    "network_interface": _ENDS,
    "security_group": _ENDS,
    "subnet": _ENDS,
    "transit_gateway_attachment": _ALL,
    "vpc": _ENDS,
    "vpn_gateway": _ENDS,
    "vpc_endpoint_service": _ALL,
    "vpc_endpoint": _ALL,
    "vpc_peering_connection": _ALL,
}
#: AWS's "You can specify the following components by resource type" (Resource statements) → (model
#: KIND, where), as the guide lists them; the load balancer and Network Firewall types are "through
#: only". ``AWS::EC2::NetworkInterface`` is not in that list but is what AWS's own scope examples and
#: templates use for a destination (the CLI getting-started's internet-to-interface scope), so it is
#: kept (source and destination, as interfaces by id). Any other type is refused, as the guide's list
#: reads. vpclab models no Classic Load Balancer and no Network Firewall: a statement of those types
#: is accepted as AWS accepts it and matches no path.
BY_TYPE: dict[str, tuple[str, frozenset[str]]] = {
    "AWS::EC2::InternetGateway": ("internet_gateway", _ENDS),
    "AWS::EC2::NatGateway": ("nat_gateway", frozenset({THROUGH})),
    "AWS::EC2::TransitGatewayAttachment": ("transit_gateway_attachment", _ALL),
    "AWS::EC2::VPCEndpoint": ("vpc_endpoint", frozenset({DESTINATION, THROUGH})),
    "AWS::EC2::VPCEndpointService": ("vpc_endpoint_service", _ALL),
    "AWS::EC2::VPCPeeringConnection": ("vpc_peering_connection", _ALL),
    "AWS::EC2::VPNGateway": ("vpn_gateway", _ENDS),
    "AWS::ElasticLoadBalancing::LoadBalancer": ("classic_load_balancer", frozenset({THROUGH})),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": ("load_balancer", frozenset({THROUGH})),
    "AWS::NetworkFirewall::NetworkFirewall": ("network_firewall", frozenset({THROUGH})),
    "AWS::EC2::NetworkInterface": ("network_interface", _ENDS),
}
#: "You must specify the following components by ARN: Classic, Application, Network, and Gateway Load
#: Balancers (through only)": the ARN's resource part for each (vpclab models Network and Gateway Load
#: Balancers; an ARN of another load balancer is refused as one that does not exist)
LOAD_BALANCER_ARN = "arn:aws:elasticloadbalancing:"
PROTOCOLS = ("tcp", "udp")


def _invalid(message: str) -> AwsError:
    return invalid_parameter_value(message)


# -- validation (AWS's rules per statement) ---------------------------------------------------------
def _resource_id(ctx: Ctx, ref: str, param: str) -> str:
    """An id, or the id an EC2 ARN names (``arn:aws:ec2:<region>:<account>:<type>/<id>``)."""
    if not ref.startswith("arn:"):
        return ref
    parts = ref.split(":", 5)
    if len(parts) != 6 or "/" not in parts[5]:
        raise _invalid(f"The ARN '{ref}' for parameter {param} is not valid.")
    if parts[2] != "ec2":
        # AWS names no error text for a resource type the guide does not list
        raise _invalid(f"The resource {ref} for parameter {param} is not a supported resource type.")
    return parts[5].split("/", 1)[1]


def _load_balancer(ctx: Ctx, ref: str, role: str, param: str) -> str:
    """A load balancer named by its ARN (through only): the ARN, once the load balancer is found in
    the caller's account and Region."""
    from ..model.load_balancer import load_balancer_by_arn

    if not ref.split(":", 5)[-1].startswith("loadbalancer/"):
        # a target group, a listener: not in the guide's list
        raise _invalid(f"The resource {ref} for parameter {param} is not a supported resource type.")
    if role != THROUGH:
        raise _invalid(f"A load balancer cannot be used as a {role} resource ({param}).")
    lb = load_balancer_by_arn(ctx.world, ref)
    if lb is None or lb.owner_id != ctx.account_id or lb.region != ctx.region:
        # Elastic Load Balancing's code and words for a load balancer that is not there (what EC2
        # answers here is undocumented)
        raise AwsError("LoadBalancerNotFound", f"One or more load balancers not found: {ref}")
    return lb.arn


def _resource_statement(
    ctx: Ctx, raw: Mapping[str, Any] | None, role: str, param: str
) -> ResourceStatement | None:
    if not raw:
        return None
    resources = tuple(raw.get("resources") or ())
    types = tuple(raw.get("resource_types") or ())
    if resources and types:
        # AWS: "A single resource statement can include either resource IDs or resource types, but not both."
        raise AwsError(
            "InvalidParameterCombination",
            f"{param} can include either Resources or ResourceTypes, but not both.",
        )
    ids: list[str] = []
    for n, ref in enumerate(resources, 1):
        if ref.startswith(LOAD_BALANCER_ARN):
            ids.append(_load_balancer(ctx, ref, role, f"{param}.Resources.{n}"))
            continue
        rid = _resource_id(ctx, ref, f"{param}.Resources.{n}")
        kind = kind_of_id(rid)
        if kind is None or kind.KIND not in BY_ID:
            raise _invalid(
                f"The resource {ref} for parameter {param}.Resources.{n} is not a supported resource type."
            )
        if role not in BY_ID[kind.KIND]:
            raise _invalid(f"A {kind.LABEL} cannot be used as a {role} resource ({param}.Resources.{n}).")
        ids.append(ctx.require(kind, rid).id)
    for n, rtype in enumerate(types, 1):
        known = BY_TYPE.get(rtype)
        if known is None:
            raise _invalid(f"Value ({rtype}) for parameter {param}.ResourceTypes.{n} is invalid.")
        if role not in known[1]:
            raise _invalid(
                f"The resource type {rtype} cannot be used as a {role} resource ({param}.ResourceTypes.{n})."
            )
    return ResourceStatement(resources=tuple(ids), resource_types=types)


def _ports(values: Sequence[str], param: str) -> tuple[str, ...]:
    """``80`` or ``1024-65535`` (0–65535, from ≤ to)."""
    for n, value in enumerate(values, 1):
        lo, _, hi = str(value).partition("-")
        try:
            a, b = int(lo), int(hi or lo)
        except ValueError:
            a, b = -1, -1
        if not (0 <= a <= b <= 65535):
            raise _invalid(
                f"Value ({value}) for parameter {param}.{n} is invalid. Expected a port or a port range."
            )
    return tuple(str(v) for v in values)


def _addresses(values: Sequence[str], param: str) -> tuple[str, ...]:
    out = []
    for n, value in enumerate(values, 1):
        try:
            out.append(str(ip_network(value, strict=False)))
        except ValueError:
            raise _invalid(
                f"Value ({value}) for parameter {param}.{n} is invalid. Expected an IP address or CIDR."
            ) from None
    return tuple(out)


def _packet_header(ctx: Ctx, raw: Mapping[str, Any] | None, param: str) -> PacketHeaderStatement | None:
    if raw is None:
        return None
    get = lambda key: tuple(raw.get(key) or ())  # noqa: E731
    if not any(get(k) for k in raw):
        # AWS: "if you use a packet header statement, you must use at least one of its fields"
        raise AwsError("MissingParameter", f"{param} must use at least one of its fields.")
    for side in ("source", "destination"):
        if get(f"{side}_addresses") and get(f"{side}_prefix_lists"):
            # AWS: "You can't specify this option with SourcePrefixLists" (and the same for destinations)
            side_ = side.capitalize()
            raise AwsError(
                "InvalidParameterCombination",
                f"{param}.{side_}Addresses and {param}.{side_}PrefixLists cannot both be given.",
            )
    for n, proto in enumerate(get("protocols"), 1):
        if proto not in PROTOCOLS:  # AWS: "The possible values are tcp and udp."
            raise _invalid(
                f"Value ({proto}) for parameter {param}.Protocols.{n} is invalid. Valid values: tcp, udp."
            )
    from ..model.prefix_lists import ManagedPrefixList

    for key in ("source_prefix_lists", "destination_prefix_lists"):
        for ref in get(key):
            ctx.require(ManagedPrefixList, _resource_id(ctx, ref, param))
    return PacketHeaderStatement(
        source_addresses=_addresses(get("source_addresses"), f"{param}.SourceAddresses"),
        destination_addresses=_addresses(get("destination_addresses"), f"{param}.DestinationAddresses"),
        source_ports=_ports(get("source_ports"), f"{param}.SourcePorts"),
        destination_ports=_ports(get("destination_ports"), f"{param}.DestinationPorts"),
        source_prefix_lists=tuple(_resource_id(ctx, r, param) for r in get("source_prefix_lists")),
        destination_prefix_lists=tuple(_resource_id(ctx, r, param) for r in get("destination_prefix_lists")),
        protocols=get("protocols"),
    )


def _path_statement(ctx: Ctx, raw: Mapping[str, Any] | None, role: str, param: str) -> PathStatement | None:
    if not raw:
        return None
    return PathStatement(
        packet_header_statement=_packet_header(
            ctx, raw.get("packet_header_statement"), f"{param}.PacketHeaderStatement"
        ),
        resource_statement=_resource_statement(
            ctx, raw.get("resource_statement"), role, f"{param}.ResourceStatement"
        ),
    )


def _paths(ctx: Ctx, raw: Sequence[Mapping[str, Any]] | None, param: str) -> tuple[AccessScopePath, ...]:
    out = []
    for n, path in enumerate(raw or (), 1):
        here = f"{param}.{n}"
        through = tuple(
            ThroughResourcesStatement(
                resource_statement=_resource_statement(
                    ctx,
                    t.get("resource_statement"),
                    THROUGH,
                    f"{here}.ThroughResources.{i}.ResourceStatement",
                )
            )
            for i, t in enumerate(path.get("through_resources") or (), 1)
        )
        out.append(
            AccessScopePath(
                source=_path_statement(ctx, path.get("source"), SOURCE, f"{here}.Source"),
                destination=_path_statement(ctx, path.get("destination"), DESTINATION, f"{here}.Destination"),
                through_resources=through,
            )
        )
    return tuple(out)


# -- the actions -----------------------------------------------------------------------------------
@action
def create_network_insights_access_scope(
    ctx: Ctx,
    *,
    match_paths: Sequence[Mapping[str, Any]] | None = None,
    exclude_paths: Sequence[Mapping[str, Any]] | None = None,
    tags: Mapping[str, str] | None = None,
) -> NetworkInsightsAccessScope:
    """CreateNetworkInsightsAccessScope: every statement checked as AWS's guide describes it."""
    matches = _paths(ctx, match_paths, "MatchPaths")
    excludes = _paths(ctx, exclude_paths, "ExcludePaths")
    if not matches:
        # AWS's API marks MatchPaths optional, but a scope without one matches nothing; AWS's
        # answer is undocumented: vpclab refuses it (the conservative choice)
        raise AwsError("MissingParameter", "The request must contain the parameter MatchPaths.")
    return ctx.world.put(
        NetworkInsightsAccessScope(
            id=ctx.new_id("network_insights_access_scope"),
            owner_id=ctx.account_id,
            region=ctx.region,
            tags=Tags(tags or {}),
            created_date=ctx.now,
            updated_date=ctx.now,
            match_paths=matches,
            exclude_paths=excludes,
        )
    )


def analyses_of_scope(world: World, scope_id: str) -> list[NetworkInsightsAccessScopeAnalysis]:
    return [
        a
        for a in world.all(NetworkInsightsAccessScopeAnalysis)
        if a.network_insights_access_scope_id == scope_id
    ]


@action
def delete_network_insights_access_scope(
    ctx: Ctx, *, network_insights_access_scope_id: str
) -> NetworkInsightsAccessScope:
    """DeleteNetworkInsightsAccessScope: refused while analyses of the scope exist. AWS does not
    document this case; vpclab answers as the Reachability Analyzer does for a path with analyses
    (DeleteNetworkInsightsPath), with EC2's generic code for a resource that others depend on."""
    scope = ctx.require(NetworkInsightsAccessScope, network_insights_access_scope_id)
    ctx.require_owner(scope)
    existing = analyses_of_scope(ctx.world, scope.id)
    if existing:
        ids = ", ".join(a.id for a in existing)
        raise AwsError(
            "DependencyViolation",
            f"At least one analysis [{ids}] exists for Network Access Scope {scope.id}. "
            "Delete all the analyses before deleting this Network Access Scope.",
        )
    ctx.world.remove(scope.id)
    return scope


class AccessScopeAnalyser(Protocol):
    """What StartNetworkInsightsAccessScopeAnalysis runs: the finished analysis (``succeeded`` with
    its findings, or ``failed`` with a StatusMessage). The composition root supplies it
    (``vpclab.network.access_scopes.analyse_scope``), so control never imports reach."""

    def __call__(
        self, world: World, base: NetworkInsightsAccessScopeAnalysis, scope: NetworkInsightsAccessScope
    ) -> NetworkInsightsAccessScopeAnalysis: ...


@action
def start_network_insights_access_scope_analysis(
    ctx: Ctx, *, network_insights_access_scope_id: str, tags: Mapping[str, str] | None = None
) -> NetworkInsightsAccessScopeAnalysis:
    """StartNetworkInsightsAccessScopeAnalysis: runs the analysis now; it is ``succeeded`` when it
    returns (AWS's answer is ``running`` first and charges per analysis)."""
    scope = ctx.require(NetworkInsightsAccessScope, network_insights_access_scope_id)
    if ctx.access_analyser is None:
        # vpclab's own wording: a ControlPlane built without the analyser (vpclab.control's bare one)
        raise AwsError(
            "UnsupportedOperation",
            "This ControlPlane has no access scope analyser; vpclab.ControlPlane and vpclab serve have one.",
        )
    base = NetworkInsightsAccessScopeAnalysis(
        id=ctx.new_id("network_insights_access_scope_analysis"),
        owner_id=ctx.account_id,
        region=ctx.region,
        tags=Tags(tags or {}),
        network_insights_access_scope_id=scope.id,
        start_date=ctx.now,
    )
    return ctx.world.put(ctx.access_analyser(ctx.world, base, scope))


@action
def delete_network_insights_access_scope_analysis(
    ctx: Ctx, *, network_insights_access_scope_analysis_id: str
) -> NetworkInsightsAccessScopeAnalysis:
    """DeleteNetworkInsightsAccessScopeAnalysis."""
    analysis = ctx.require(NetworkInsightsAccessScopeAnalysis, network_insights_access_scope_analysis_id)
    ctx.require_owner(analysis)
    ctx.world.remove(analysis.id)
    return analysis


__all__ = [
    "BY_ID",
    "BY_TYPE",
    "AccessScopeAnalyser",
    "create_network_insights_access_scope",
    "delete_network_insights_access_scope",
    "delete_network_insights_access_scope_analysis",
    "start_network_insights_access_scope_analysis",
]
