"""Network Access Analyzer: Network Access Scopes, their analyses and the analyses' findings.

A :class:`NetworkInsightsAccessScope` (``nis-…``) is a question over a whole network: which paths
match its ``MatchPaths`` (a source, a destination, resources passed through, packet headers) and
none of its ``ExcludePaths``. A :class:`NetworkInsightsAccessScopeAnalysis` (``nisa-…``) is one
answer, a snapshot taken when it ran: the findings, each a path in AWS's ``PathComponent`` shape
(:mod:`vpclab.model.insights`). Field names are the snake_case of botocore's shapes
(``AccessScopePath``, ``PathStatement``, ``PacketHeaderStatement``, ``ResourceStatement``,
``AccessScopeAnalysisFinding``).

AWS docs: Network Access Analyzer guide
(https://docs.aws.amazon.com/vpc/latest/network-access-analyzer/), EC2 API reference
CreateNetworkInsightsAccessScope / StartNetworkInsightsAccessScopeAnalysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from .base import Resource
from .insights import SUCCEEDED, PathComponent, ec2_arn


# -- the scope -----------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, slots=True)
class ResourceStatement:
    """Resources by id or ARN, or by type (``AWS::EC2::NetworkInterface``); never both."""

    resources: tuple[str, ...] = ()
    resource_types: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class PacketHeaderStatement:
    """The traffic a path statement admits: addresses (IP or CIDR), ports (``80`` or ``80-443``),
    prefix lists and protocols (tcp, udp)."""

    source_addresses: tuple[str, ...] = ()
    destination_addresses: tuple[str, ...] = ()
    source_ports: tuple[str, ...] = ()
    destination_ports: tuple[str, ...] = ()
    source_prefix_lists: tuple[str, ...] = ()
    destination_prefix_lists: tuple[str, ...] = ()
    protocols: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class PathStatement:
    packet_header_statement: PacketHeaderStatement | None = None
    resource_statement: ResourceStatement | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ThroughResourcesStatement:
    resource_statement: ResourceStatement | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class AccessScopePath:
    source: PathStatement | None = None
    destination: PathStatement | None = None
    through_resources: tuple[ThroughResourcesStatement, ...] = ()


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkInsightsAccessScope(Resource):
    KIND: ClassVar[str] = "network_insights_access_scope"
    ID_PREFIX: ClassVar[str] = "nis"
    # AWS's code pattern for the id; the message follows the EC2 NotFound pattern (undocumented text)
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidNetworkInsightsAccessScopeId.NotFound",
        "The network insights access scope ID '{id}' does not exist",
    )

    created_date: datetime
    updated_date: datetime
    match_paths: tuple[AccessScopePath, ...] = ()
    exclude_paths: tuple[AccessScopePath, ...] = ()

    @property
    def arn(self) -> str:
        return ec2_arn(self.region, self.owner_id, "network-insights-access-scope", self.id)


# -- the analysis --------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True, slots=True)
class AccessScopeAnalysisFinding:
    """One path that matches the scope: AWS's ``AccessScopeAnalysisFinding``."""

    finding_id: str
    finding_components: tuple[PathComponent, ...] = ()


#: FindingsFound (AWS's enum: true | false | unknown)
FINDINGS_TRUE = "true"
FINDINGS_FALSE = "false"
FINDINGS_UNKNOWN = "unknown"


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkInsightsAccessScopeAnalysis(Resource):
    KIND: ClassVar[str] = "network_insights_access_scope_analysis"
    ID_PREFIX: ClassVar[str] = "nisa"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidNetworkInsightsAccessScopeAnalysisId.NotFound",
        "The network insights access scope analysis ID '{id}' does not exist",
    )

    network_insights_access_scope_id: str
    start_date: datetime
    end_date: datetime | None = None
    status: str = SUCCEEDED
    status_message: str | None = None
    warning_message: str | None = None
    findings_found: str = FINDINGS_FALSE
    analyzed_eni_count: int = 0
    findings: tuple[AccessScopeAnalysisFinding, ...] = ()

    @property
    def arn(self) -> str:
        return ec2_arn(self.region, self.owner_id, "network-insights-access-scope-analysis", self.id)
