"""Reachability Analyzer: network insights paths and the analyses run on them.

A :class:`NetworkInsightsPath` is a question (source, destination, protocol, port); a
:class:`NetworkInsightsAnalysis` is one answer to it, a snapshot taken when the analysis ran: the
path components forward and back and the explanations, in AWS's structure (the field names are the
snake_case of botocore's ``PathComponent``, ``Explanation``, ``AnalysisComponent``, …), plus
vpclab's own findings (every cause with its suggested fix) in :class:`VpclabFinding`.

AWS docs: "What is Reachability Analyzer?" and "How Reachability Analyzer works"
(https://docs.aws.amazon.com/vpc/latest/reachability/), EC2 API reference
CreateNetworkInsightsPath / StartNetworkInsightsAnalysis.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from .base import Resource

if TYPE_CHECKING:
    from .world import World

#: an analysis' status (AWS: running | succeeded | failed); vpclab analyses synchronously
SUCCEEDED = "succeeded"
FAILED = "failed"


def ec2_arn(region: str, account_id: str, resource_type: str, resource_id: str) -> str:
    """``arn:aws:ec2:<region>:<account>:<resource-type>/<id>``."""
    return f"arn:aws:ec2:{region}:{account_id}:{resource_type}/{resource_id}"


# -- the path ------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, slots=True)
class FilterPortRange:
    from_port: int | None = None
    to_port: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class PathFilter:
    """``FilterAtSource`` / ``FilterAtDestination``: addresses and port ranges a path narrows to."""

    source_address: str | None = None
    source_port_range: FilterPortRange | None = None
    destination_address: str | None = None
    destination_port_range: FilterPortRange | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkInsightsPath(Resource):
    KIND: ClassVar[str] = "network_insights_path"
    ID_PREFIX: ClassVar[str] = "nip"
    # AWS's code; the message text follows the EC2 NotFound pattern (AWS does not document it)
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidNetworkInsightsPathId.NotFound",
        "The network insights path ID '{id}' does not exist",
    )

    created_date: datetime
    #: the source's id (an instance, interface, gateway, … id)
    source: str
    source_arn: str
    destination: str | None = None
    destination_arn: str | None = None
    source_ip: str | None = None
    destination_ip: str | None = None
    #: tcp | udp
    protocol: str = "tcp"
    destination_port: int | None = None
    filter_at_source: PathFilter | None = None
    filter_at_destination: PathFilter | None = None

    @property
    def arn(self) -> str:
        return ec2_arn(self.region, self.owner_id, "network-insights-path", self.id)


# -- the analysis: AWS's structures, snake_case --------------------------------------------------
@dataclass(frozen=True, kw_only=True, slots=True)
class AnalysisComponent:
    id: str
    arn: str | None = None
    name: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class PortRange:
    """AWS's ``PortRange`` (``From``/``To``; ``from`` is a Python keyword)."""

    from_: int
    to: int


@dataclass(frozen=True, kw_only=True, slots=True)
class AnalysisPacketHeader:
    destination_addresses: tuple[str, ...] = ()
    destination_port_ranges: tuple[PortRange, ...] = ()
    protocol: str | None = None
    source_addresses: tuple[str, ...] = ()
    source_port_ranges: tuple[PortRange, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class AnalysisAclRule:
    cidr: str | None = None
    egress: bool | None = None
    port_range: PortRange | None = None
    protocol: str | None = None
    rule_action: str | None = None
    rule_number: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class AnalysisSecurityGroupRule:
    cidr: str | None = None
    #: ingress | egress
    direction: str | None = None
    security_group_id: str | None = None
    port_range: PortRange | None = None
    prefix_list_id: str | None = None
    protocol: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class AnalysisRouteTableRoute:
    destination_cidr: str | None = None
    destination_prefix_list_id: str | None = None
    egress_only_internet_gateway_id: str | None = None
    gateway_id: str | None = None
    instance_id: str | None = None
    nat_gateway_id: str | None = None
    network_interface_id: str | None = None
    origin: str | None = None
    transit_gateway_id: str | None = None
    vpc_peering_connection_id: str | None = None
    state: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class TransitGatewayRouteTableRoute:
    destination_cidr: str | None = None
    state: str | None = None
    route_origin: str | None = None
    prefix_list_id: str | None = None
    attachment_id: str | None = None
    resource_id: str | None = None
    resource_type: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class AdditionalDetail:
    """A note on a path component, as AWS's ``AdditionalDetail`` ("Reachability Analyzer
    additional detail codes", e.g. ``UNIDIRECTIONAL_PATH_ANALYSIS_ONLY``)."""

    additional_detail_type: str
    component: AnalysisComponent | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class PathComponent:
    """One hop of a path, as AWS's ``PathComponent``."""

    sequence_number: int
    component: AnalysisComponent
    inbound_header: AnalysisPacketHeader | None = None
    outbound_header: AnalysisPacketHeader | None = None
    acl_rule: AnalysisAclRule | None = None
    security_group_rule: AnalysisSecurityGroupRule | None = None
    route_table_route: AnalysisRouteTableRoute | None = None
    transit_gateway_route_table_route: TransitGatewayRouteTableRoute | None = None
    subnet: AnalysisComponent | None = None
    vpc: AnalysisComponent | None = None
    source_vpc: AnalysisComponent | None = None
    destination_vpc: AnalysisComponent | None = None
    transit_gateway: AnalysisComponent | None = None
    attached_to: AnalysisComponent | None = None
    additional_details: tuple[AdditionalDetail, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class Explanation:
    """Why a path is blocked (or a note), as AWS's ``Explanation``: the code and the components."""

    explanation_code: str
    #: ingress | egress (security groups, network ACLs)
    direction: str | None = None
    component: AnalysisComponent | None = None
    acl: AnalysisComponent | None = None
    acl_rule: AnalysisAclRule | None = None
    security_group: AnalysisComponent | None = None
    security_groups: tuple[AnalysisComponent, ...] = ()
    route_table: AnalysisComponent | None = None
    route_table_route: AnalysisRouteTableRoute | None = None
    subnet: AnalysisComponent | None = None
    vpc: AnalysisComponent | None = None
    network_interface: AnalysisComponent | None = None
    vpc_peering_connection: AnalysisComponent | None = None
    internet_gateway: AnalysisComponent | None = None
    nat_gateway: AnalysisComponent | None = None
    transit_gateway: AnalysisComponent | None = None
    transit_gateway_route_table: AnalysisComponent | None = None
    transit_gateway_attachment: AnalysisComponent | None = None
    vpn_gateway: AnalysisComponent | None = None
    vpn_connection: AnalysisComponent | None = None
    customer_gateway: AnalysisComponent | None = None
    vpc_endpoint: AnalysisComponent | None = None
    prefix_list: AnalysisComponent | None = None
    destination: AnalysisComponent | None = None
    #: the resource a transit gateway attachment attaches (a VPC, a VPN connection, …)
    attached_to: AnalysisComponent | None = None
    #: the two VPCs of a peering connection (requester, accepter)
    source_vpc: AnalysisComponent | None = None
    destination_vpc: AnalysisComponent | None = None
    #: the transit gateway route the packet met (a blackhole one, for instance)
    transit_gateway_route_table_route: TransitGatewayRouteTableRoute | None = None
    #: the component's state, for the BAD_STATE codes
    state: str | None = None
    port_ranges: tuple[PortRange, ...] = ()
    protocols: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    cidrs: tuple[str, ...] = ()
    missing_component: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class AlternatePathHint:
    component_id: str
    component_arn: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class VpclabFinding:
    """vpclab's own answer for one explanation (same order): its words and a suggested fix."""

    code: str
    message: str
    component: str
    #: forward | return
    direction: str
    fix: str


#: "Reachability Analyzer automatically deletes an analysis 120 days after its creation date"
#: ("How Reachability Analyzer works", Considerations)
ANALYSIS_RETENTION = timedelta(days=120)


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkInsightsAnalysis(Resource):
    KIND: ClassVar[str] = "network_insights_analysis"
    ID_PREFIX: ClassVar[str] = "nia"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidNetworkInsightsAnalysisId.NotFound",
        "The network insights analysis ID '{id}' does not exist",
    )

    network_insights_path_id: str
    start_date: datetime
    status: str = SUCCEEDED
    status_message: str | None = None
    network_path_found: bool = False
    forward_path_components: tuple[PathComponent, ...] = ()
    return_path_components: tuple[PathComponent, ...] = ()
    explanations: tuple[Explanation, ...] = ()
    alternate_path_hints: tuple[AlternatePathHint, ...] = ()
    filter_in_arns: tuple[str, ...] = ()
    additional_accounts: tuple[str, ...] = ()
    #: vpclab's answer: the tracer's disposition (reachable | blocked) and every cause with its fix
    disposition: str = "blocked"
    findings: tuple[VpclabFinding, ...] = ()
    #: vpclab's answer for the same two resources over IPv6, when both have an IPv6 address (AWS
    #: Reachability Analyzer analyses IPv4 only: its answer above is the IPv4 one); None otherwise
    ipv6_disposition: str | None = None
    ipv6_findings: tuple[VpclabFinding, ...] = ()
    #: the addresses vpclab traced (the packet as it left the source and the address it was sent
    #: to): how a resource named without an address was analysed; None for a failed analysis
    source_address: str | None = None
    destination_address: str | None = None

    @property
    def arn(self) -> str:
        return ec2_arn(self.region, self.owner_id, "network-insights-analysis", self.id)

    def expired(self, now: datetime) -> bool:
        """Whether AWS has deleted it by ``now`` (:data:`ANALYSIS_RETENTION` after it started)."""
        start = self.start_date if self.start_date.tzinfo is not None else self.start_date.replace(tzinfo=UTC)
        now = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
        return now - start >= ANALYSIS_RETENTION

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        """Its owner's, in its Region, until AWS deletes it 120 days after it started."""
        return Resource.visible_to(self, world, account_id, region) and not self.expired(world.clock.now())


def failed_analysis(analysis: NetworkInsightsAnalysis, message: str) -> NetworkInsightsAnalysis:
    """The analysis, ``failed`` with AWS's StatusMessage (the path could not be analysed)."""
    return replace(analysis, status=FAILED, status_message=message, network_path_found=False)
