"""Reachability Analyzer (network insights paths and analyses), computed by vpclab's tracer.

vpclab's extras ride along in AWS's own shape: every blocking cause is an ``Explanation`` (AWS
reports the first it finds), the analysis' ``WarningMessage`` lists vpclab's suggested fix for each
explanation, in order, and ``GET /_vpclab/analyses/<nia-id>`` (loopback only, to the owning
account) answers the whole vpclab answer as JSON. See docs/insights.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ...model.insights import NetworkInsightsAnalysis, NetworkInsightsPath
from ...model.world import World
from .. import shapes
from ..describe import Kind, describe_handler
from ..registry import Call, mutating

#: the prefix of the WarningMessage that carries vpclab's fixes: one per vpclab finding, in order —
#: AWS's Explanations, plus what AWS's analyser does not check (e.g. the return path of a TCP path
#: through a transit gateway route table, docs/insights.md)
FIXES_HEADER = "vpclab suggested fixes (one per finding, in order):"


def pascal(name: str) -> str:
    """``destination_port_ranges`` → ``DestinationPortRanges``; ``from_`` → ``From``."""
    return "".join(part.capitalize() for part in name.rstrip("_").split("_"))


def aws_shape(value: Any) -> Any:
    """A model dataclass (AWS's structure in snake_case) → boto3's shape: PascalCase keys, recursively,
    leaving out what is None or empty (as AWS leaves out absent members)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            item = aws_shape(getattr(value, f.name))
            if item is None or item == []:  # an empty tuple, shaped as a list
                continue
            out[pascal(f.name)] = item
        return out
    if isinstance(value, tuple):
        return [aws_shape(v) for v in value]
    return value


def network_insights_path(world: World, p: NetworkInsightsPath) -> dict[str, Any]:
    out: dict[str, Any] = {
        "NetworkInsightsPathId": p.id,
        "NetworkInsightsPathArn": p.arn,
        "CreatedDate": p.created_date,
        "Source": p.source,
        "SourceArn": p.source_arn,
        "Destination": p.destination,
        "DestinationArn": p.destination_arn,
        "SourceIp": p.source_ip,
        "DestinationIp": p.destination_ip,
        "Protocol": p.protocol,
        "DestinationPort": p.destination_port,
        "Tags": shapes.tags(p),
    }
    if p.filter_at_source is not None:
        out["FilterAtSource"] = aws_shape(p.filter_at_source)
    if p.filter_at_destination is not None:
        out["FilterAtDestination"] = aws_shape(p.filter_at_destination)
    return shapes.drop_none(out)


def warning_message(a: NetworkInsightsAnalysis) -> str | None:
    """vpclab's fixes, one line per explanation (AWS's WarningMessage is free text)."""
    if not a.findings:
        return None
    lines = [FIXES_HEADER]
    lines += [
        f"{n}. {f.code} ({f.direction}, {f.component}): {f.message}. Fix: {f.fix}"
        for n, f in enumerate(a.findings, 1)
    ]
    return "\n".join(lines)


def network_insights_analysis(world: World, a: NetworkInsightsAnalysis) -> dict[str, Any]:
    out: dict[str, Any] = {
        "NetworkInsightsAnalysisId": a.id,
        "NetworkInsightsAnalysisArn": a.arn,
        "NetworkInsightsPathId": a.network_insights_path_id,
        "AdditionalAccounts": list(a.additional_accounts) or None,
        "FilterInArns": list(a.filter_in_arns) or None,
        "StartDate": a.start_date,
        "Status": a.status,
        "StatusMessage": a.status_message,
        "WarningMessage": warning_message(a),
        "NetworkPathFound": a.network_path_found if a.status == "succeeded" else None,
        "ForwardPathComponents": aws_shape(a.forward_path_components) or None,
        "ReturnPathComponents": aws_shape(a.return_path_components) or None,
        "Explanations": aws_shape(a.explanations) or None,
        "AlternatePathHints": aws_shape(a.alternate_path_hints) or None,
        "Tags": shapes.tags(a),
    }
    return shapes.drop_none(out)


# -- paths -------------------------------------------------------------------------------------------
PATH_FILTERS: dict[str, Callable[[World, Any], Any]] = {
    "source": lambda w, p: [p.source, p.source_arn],
    "destination": lambda w, p: [p.destination, p.destination_arn],
    "protocol": lambda w, p: p.protocol,
    "destination-port": lambda w, p: p.destination_port,
    "source-ip": lambda w, p: p.source_ip,
    "destination-ip": lambda w, p: p.destination_ip,
    "filter-at-source.source-address": lambda w, p: p.filter_at_source and p.filter_at_source.source_address,
    "filter-at-source.destination-address": lambda w, p: (
        p.filter_at_source and p.filter_at_source.destination_address
    ),
    "filter-at-destination.source-address": lambda w, p: (
        p.filter_at_destination and p.filter_at_destination.source_address
    ),
    "filter-at-destination.destination-address": lambda w, p: (
        p.filter_at_destination and p.filter_at_destination.destination_address
    ),
}


def _path_deleted(call: Call, path: NetworkInsightsPath) -> dict[str, Any]:
    return {"NetworkInsightsPathId": path.id}


mutating("CreateNetworkInsightsPath", returns=network_insights_path,
         tag_type=NetworkInsightsPath.RESOURCE_TYPE)
mutating("DeleteNetworkInsightsPath", result=_path_deleted)
describe_handler(
    "DescribeNetworkInsightsPaths",
    Kind(
        NetworkInsightsPath,
        key="NetworkInsightsPaths",
        ids="NetworkInsightsPathIds",
        shape=network_insights_path,
        filters=PATH_FILTERS,
    ),
)

# -- analyses ----------------------------------------------------------------------------------------
ANALYSIS_FILTERS: dict[str, Callable[[World, Any], Any]] = {
    "path-found": lambda w, a: a.network_path_found if a.status == "succeeded" else None,
    "status": lambda w, a: a.status,
}


def _analysis_deleted(call: Call, analysis: NetworkInsightsAnalysis) -> dict[str, Any]:
    return {"NetworkInsightsAnalysisId": analysis.id}


def _analysis_selected(call: Call, a: NetworkInsightsAnalysis) -> bool:
    """DescribeNetworkInsightsAnalyses' NetworkInsightsPathId, AnalysisStartTime, AnalysisEndTime."""
    params = call.params
    if params.get("NetworkInsightsPathId") and a.network_insights_path_id != params["NetworkInsightsPathId"]:
        return False
    start, end = params.get("AnalysisStartTime"), params.get("AnalysisEndTime")
    when = a.start_date if a.start_date.tzinfo is not None else a.start_date.replace(tzinfo=_utc())
    if start is not None and when < _aware(start):
        return False
    return not (end is not None and when > _aware(end))


def _utc() -> Any:
    from datetime import UTC

    return UTC


def _aware(value: Any) -> Any:
    return value if getattr(value, "tzinfo", None) is not None else value.replace(tzinfo=_utc())


mutating(
    "StartNetworkInsightsAnalysis", returns=network_insights_analysis,
    tag_type=NetworkInsightsAnalysis.RESOURCE_TYPE,
)
mutating("DeleteNetworkInsightsAnalysis", result=_analysis_deleted)
describe_handler(
    "DescribeNetworkInsightsAnalyses",
    Kind(
        NetworkInsightsAnalysis,
        key="NetworkInsightsAnalyses",
        ids="NetworkInsightsAnalysisIds",
        shape=network_insights_analysis,
        filters=ANALYSIS_FILTERS,
        include=_analysis_selected,
    ),
)


# -- vpclab's whole answer (an admin route) ------------------------------------------------------------
def analysis_document(world: World, a: NetworkInsightsAnalysis) -> dict[str, Any]:
    """The analysis as boto3 shows it, plus vpclab's disposition and findings (with fixes)."""
    extra: dict[str, Any] = {
        "disposition": a.disposition,
        "findings": [dataclasses.asdict(f) for f in a.findings],
    }
    if a.source_address is not None:  # the addresses traced (an end named without one: docs/insights.md)
        extra["addresses"] = {"source": a.source_address, "destination": a.destination_address}
    if a.ipv6_disposition is not None:  # the same ends over IPv6 (AWS analyses IPv4 only)
        extra["ipv6"] = {
            "disposition": a.ipv6_disposition,
            "findings": [dataclasses.asdict(f) for f in a.ipv6_findings],
        }
    return {"NetworkInsightsAnalysis": network_insights_analysis(world, a), "vpclab": extra}


def analysis_routes(
    get_state: Callable[[], Any], refuse: Callable[[Request], JSONResponse | None],
    account_of: Callable[[Request], str],
) -> list[Route]:
    """``GET /_vpclab/analyses/<nia-id>``: vpclab's whole answer as JSON, to the account that owns
    the analysis (``account_of(request)``); 404 for an unknown id and for another account's, as
    DescribeNetworkInsightsAnalyses does not show it to them either."""
    import json

    def show(request: Request) -> JSONResponse:
        refused = refuse(request)
        if refused is not None:
            return refused
        state = get_state()
        analysis_id = request.path_params["analysis_id"]
        with state.lock:
            a = state.world.get(analysis_id, NetworkInsightsAnalysis)
            if a is None or a.owner_id != account_of(request):
                code, message = NetworkInsightsAnalysis.NOT_FOUND
                return JSONResponse(
                    {"status": "not-found", "code": code, "message": message.format(id=analysis_id)},
                    status_code=404,
                )
            body = json.loads(json.dumps(analysis_document(state.world, a), default=str))
        return JSONResponse(body)

    return [Route("/_vpclab/analyses/{analysis_id}", show, methods=["GET"], name="vpclab-analysis")]
