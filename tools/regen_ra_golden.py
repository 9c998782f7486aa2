"""Regenerate tests/scenarios/golden_ra/*.json: each documented design's flows answered by the
Reachability Analyzer API, in AWS's shape (review the diff before committing).

    .venv/bin/python tools/regen_ra_golden.py

For every flow of tools/regen_scenarios.py's DESIGNS whose two ends are resources AWS's analyser
accepts (instances, network interfaces, gateways, endpoints, …) and whose protocol is TCP or UDP
(IPv4 only, as AWS), it creates a NetworkInsightsPath and starts an analysis through the
ControlPlane as the source's owner — the same code ``vpclab serve`` runs — and records what the
API answers (``aws.handlers.insights.network_insights_analysis``), resource ids replaced by their
names in the example: NetworkPathFound, the forward and return components in order (with their
additional details), and the explanation codes. tests/scenarios/test_ra_golden.py compares.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import vpclab  # noqa: E402
from vpclab.aws.handlers.insights import network_insights_analysis  # noqa: E402
from vpclab.model.base import kind_of_id  # noqa: E402

_spec = importlib.util.spec_from_file_location("regen_scenarios", ROOT / "tools" / "regen_scenarios.py")
assert _spec is not None and _spec.loader is not None
scenarios = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(scenarios)

GOLDEN = ROOT / "tests" / "scenarios" / "golden_ra"
#: the id prefixes of the resources AWS's analyser takes as a path's ends
RA_ENDS = ("i-", "eni-", "igw-", "vgw-", "vpce-", "tgw-", "pcx-")
#: flows asked of the Reachability Analyzer API only (vpclab's tracer takes no such end): components
#: named without an address, whose path AWS ends at the component ("How Reachability Analyzer works")
RA_ONLY_FLOWS: dict[str, list[tuple[Any, ...]]] = {
    "two-peered-vpcs": [("web-1", "app-db", "tcp", 5432), ("web-1", "app-db", "udp", 53)],
    "tgw-isolated-vpcs": [
        ("vpc-a-host", "hub", "tcp", 22),
        ("vpc-a-host", "hub-vpc-b", "tcp", 22),
        ("vpc-a-host", "dc-vpn/attachment", "tcp", 22),
        ("hub", "vpc-b-host", "udp", 53),
    ],
    "tgw-inter-region-peering": [
        ("east-host", "east-west", "tcp", 443),
        ("east-west", "east-host", "udp", 53),
    ],
}
_ID = re.compile(r"\b[a-z]+(?:-[a-z]+)*-[0-9a-f]{8,17}\b")


def _named(net: Any, value: Any) -> Any:
    """``value`` with every resource id replaced by its name in the example (ids are seeded, names
    are what a reader follows)."""
    text = json.dumps(value, default=str)
    return json.loads(_ID.sub(lambda m: net.names.get(m.group(0), m.group(0)), text))


def answer(example: str, flow: tuple[Any, ...]) -> dict[str, Any] | None:
    """The API's answer for one flow, or None when AWS's analyser could not be asked it."""
    source, destination, protocol, port = flow[:4]
    if len(flow) > 4 or protocol not in ("tcp", "udp"):
        return None
    net = vpclab.load(ROOT / "examples" / f"{example}.yaml")  # a fresh World per flow
    src, dst = net.ids.get(source), net.ids.get(destination)
    if src is None or dst is None or not src.startswith(RA_ENDS) or not dst.startswith(RA_ENDS):
        return None
    kind = kind_of_id(src)
    res = net.world.get(src, kind) if kind is not None else None
    if res is None:
        return None
    cp = vpclab.ControlPlane(net.world, account_id=res.owner_id, region=res.region)
    try:
        path = cp.create_network_insights_path(source=src, destination=dst, protocol=protocol,
                                               destination_port=port)
        analysis = cp.start_network_insights_analysis(network_insights_path_id=path.id)
    except vpclab.AwsError as exc:  # e.g. an end in another account (AWS: AdditionalAccounts)
        return _named(net, {"error": exc.code})
    shown = network_insights_analysis(net.world, analysis)

    def components(key: str) -> list[str]:
        out = []
        for c in shown.get(key, []):
            details = [d["AdditionalDetailType"] for d in c.get("AdditionalDetails", [])]
            out.append(c["Component"]["Id"] + (f" [{', '.join(details)}]" if details else ""))
        return out

    return _named(net, {
        "status": shown["Status"],
        "network_path_found": shown.get("NetworkPathFound"),
        "forward": components("ForwardPathComponents"),
        "return": components("ReturnPathComponents"),
        "explanations": [e["ExplanationCode"] for e in shown.get("Explanations", [])],
    })


def golden(design: str) -> str | None:
    example, flows = scenarios.DESIGNS[design]
    out = {}
    for flow in [*flows, *RA_ONLY_FLOWS.get(design, [])]:
        got = answer(example, flow)
        if got is not None:
            out[scenarios.flow_key(flow)] = got
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n" if out else None


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for design in scenarios.DESIGNS:
        text = golden(design)
        path = GOLDEN / f"{design}.json"
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.write_text(text, encoding="utf-8")
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
