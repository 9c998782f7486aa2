"""Network Access Analyzer (Network Access Scopes, their analyses and findings), computed by
vpclab's tracer (:mod:`vpclab.network.access_scopes`). See docs/insights.md."""

from __future__ import annotations

from typing import Any

from ...model.access_scopes import NetworkInsightsAccessScope, NetworkInsightsAccessScopeAnalysis
from ...model.world import World
from .. import shapes
from ..describe import Kind, describe_handler, page
from ..registry import Call, handler, mutating
from .insights import _aware, aws_shape


def access_scope(world: World, s: NetworkInsightsAccessScope) -> dict[str, Any]:
    return shapes.drop_none(
        {
            "NetworkInsightsAccessScopeId": s.id,
            "NetworkInsightsAccessScopeArn": s.arn,
            "CreatedDate": s.created_date,
            "UpdatedDate": s.updated_date,
            "Tags": shapes.tags(s),
        }
    )


def _compact(value: Any) -> Any:
    """Leave out empty lists and structures (members the request did not give)."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if _compact(v) not in ([], {}, None)}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


def access_scope_content(world: World, s: NetworkInsightsAccessScope) -> dict[str, Any]:
    return shapes.drop_none(
        {
            "NetworkInsightsAccessScopeId": s.id,
            "MatchPaths": _compact(aws_shape(s.match_paths)) or None,
            "ExcludePaths": _compact(aws_shape(s.exclude_paths)) or None,
        }
    )


def access_scope_analysis(world: World, a: NetworkInsightsAccessScopeAnalysis) -> dict[str, Any]:
    return shapes.drop_none(
        {
            "NetworkInsightsAccessScopeAnalysisId": a.id,
            "NetworkInsightsAccessScopeAnalysisArn": a.arn,
            "NetworkInsightsAccessScopeId": a.network_insights_access_scope_id,
            "Status": a.status,
            "StatusMessage": a.status_message,
            "WarningMessage": a.warning_message,
            "StartDate": a.start_date,
            "EndDate": a.end_date,
            "FindingsFound": a.findings_found,
            "AnalyzedEniCount": a.analyzed_eni_count,
            "Tags": shapes.tags(a),
        }
    )


def _created(call: Call, s: NetworkInsightsAccessScope) -> dict[str, Any]:
    return {
        "NetworkInsightsAccessScope": access_scope(call.world, s),
        "NetworkInsightsAccessScopeContent": access_scope_content(call.world, s),
    }


mutating(
    "CreateNetworkInsightsAccessScope", result=_created, tag_type=NetworkInsightsAccessScope.RESOURCE_TYPE
)
mutating("DeleteNetworkInsightsAccessScope", result=lambda call, s: {"NetworkInsightsAccessScopeId": s.id})
describe_handler(
    "DescribeNetworkInsightsAccessScopes",
    Kind(
        NetworkInsightsAccessScope,
        key="NetworkInsightsAccessScopes",
        ids="NetworkInsightsAccessScopeIds",
        shape=access_scope,
    ),
)


def _scope(call: Call) -> NetworkInsightsAccessScope:
    return call.cp.ctx.require(NetworkInsightsAccessScope, call.params["NetworkInsightsAccessScopeId"])


@handler("GetNetworkInsightsAccessScopeContent")
def get_network_insights_access_scope_content(call: Call) -> dict[str, Any]:
    """The scope's MatchPaths and ExcludePaths, as created."""
    return {"NetworkInsightsAccessScopeContent": access_scope_content(call.world, _scope(call))}


mutating(
    "StartNetworkInsightsAccessScopeAnalysis",
    returns=access_scope_analysis,
    tag_type=NetworkInsightsAccessScopeAnalysis.RESOURCE_TYPE,
)
mutating(
    "DeleteNetworkInsightsAccessScopeAnalysis",
    result=lambda call, a: {"NetworkInsightsAccessScopeAnalysisId": a.id},
)


def _analysis_selected(call: Call, a: NetworkInsightsAccessScopeAnalysis) -> bool:
    """DescribeNetworkInsightsAccessScopeAnalyses' NetworkInsightsAccessScopeId,
    AnalysisStartTimeBegin and AnalysisStartTimeEnd ("There are no supported filters")."""
    params = call.params
    scope_id = params.get("NetworkInsightsAccessScopeId")
    if scope_id and a.network_insights_access_scope_id != scope_id:
        return False
    begin, end = params.get("AnalysisStartTimeBegin"), params.get("AnalysisStartTimeEnd")
    when = _aware(a.start_date)
    if begin is not None and when < _aware(begin):
        return False
    return not (end is not None and when > _aware(end))


describe_handler(
    "DescribeNetworkInsightsAccessScopeAnalyses",
    Kind(
        NetworkInsightsAccessScopeAnalysis,
        key="NetworkInsightsAccessScopeAnalyses",
        ids="NetworkInsightsAccessScopeAnalysisIds",
        shape=access_scope_analysis,
        include=_analysis_selected,
    ),
)


@handler("GetNetworkInsightsAccessScopeAnalysisFindings")
def get_network_insights_access_scope_analysis_findings(call: Call) -> dict[str, Any]:
    """The analysis' findings, each a path in AWS's PathComponent shape (paged by MaxResults)."""
    a = call.cp.ctx.require(
        NetworkInsightsAccessScopeAnalysis, call.params["NetworkInsightsAccessScopeAnalysisId"]
    )
    findings, token = page(call, list(a.findings), lambda f: f.finding_id)
    out: dict[str, Any] = {
        "NetworkInsightsAccessScopeAnalysisId": a.id,
        "AnalysisStatus": a.status,
        "AnalysisFindings": [
            {
                "NetworkInsightsAccessScopeAnalysisId": a.id,
                "NetworkInsightsAccessScopeId": a.network_insights_access_scope_id,
                "FindingId": f.finding_id,
                "FindingComponents": aws_shape(f.finding_components),
            }
            for f in findings
        ],
    }
    if token:
        out["NextToken"] = token
    return out


__all__ = ["access_scope", "access_scope_analysis", "access_scope_content"]
