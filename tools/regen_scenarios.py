"""Regenerate tests/scenarios/golden/*.json: the traced flows of every documented design.

    .venv/bin/python tools/regen_scenarios.py          # then review `git diff tests/scenarios/golden`

Each design is an example topology and the flows AWS's documentation describes for it. A golden
file records, per flow, the disposition, the ORDERED forward and return hops (``component name``)
and the explanation codes; tests/scenarios/test_documented_designs.py asserts the documented
verdicts and codes and compares the hops with these files.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import vpclab  # noqa: E402
from vpclab.network import Network  # noqa: E402
from vpclab.reach.result import Hop, Trace  # noqa: E402

GOLDEN = ROOT / "tests" / "scenarios" / "golden"

#: a flow: (source, destination, protocol, port[, ip_version]) — names from the example, or tracer
#: endpoints; ip_version 6 traces the flow over IPv6
Flow = tuple[str, str, str, int | None] | tuple[str, str, str, int | None, int]

#: design → (example file stem, flows)
DESIGNS: dict[str, tuple[str, list[Flow]]] = {
    "two-peered-vpcs": (
        "two-peered-vpcs",
        [
            ("web-1", "db-1", "tcp", 5432),
            ("web-1", "db-1", "tcp", 22),
            ("internet", "web-1", "tcp", 443),
            ("db-1", "internet", "tcp", 443),
        ],
    ),
    "egress-only-ipv6": (
        "dual-stack",
        [
            ("internet", "web-1", "tcp", 443, 6),
            ("internet", "web-1", "tcp", 443),
            ("app-1", "internet", "tcp", 443, 6),
            ("app-1", "internet", "tcp", 443),
            ("internet", "app-1", "tcp", 443, 6),
            ("web-1", "app-1", "tcp", 8080, 6),
        ],
    ),
    "peering-one-to-two": (
        "peering-triangle",
        [
            ("a-app", "b-app", "icmp", 8),
            ("c-app", "b-app", "icmp", 8),
            ("a-app", "b-app", "tcp", 22),
            ("b-app", "c-app", "tcp", 22),
            ("a-app", "c-app", "tcp", 22),
            ("c-app", "a-app", "tcp", 22),
        ],
    ),
    "peering-full-mesh": (
        "full-mesh-vs-tgw",
        [
            ("mesh-0-app", "mesh-1-app", "tcp", 443),
            ("mesh-1-app", "mesh-2-app", "tcp", 443),
            ("mesh-2-app", "mesh-0-app", "tcp", 443),
            ("mesh-0-app", "mesh-3-app", "tcp", 443),
            ("mesh-3-app", "mesh-1-app", "tcp", 443),
        ],
    ),
    "peering-specific-routes": (
        "peering-configurations",
        [
            ("hub-x-host", "blue-host", "tcp", 22),
            ("hub-y-host", "green-host", "tcp", 22),
            ("hub-x-host", "green-host", "tcp", 22),
            ("blue-host", "hub-y-host", "tcp", 22),
            ("blue-host", "green-host", "tcp", 22),
        ],
    ),
    "peering-edge-to-edge": (
        "peering-edge-to-edge",
        [
            ("app-host", "edge-private-host", "tcp", 22),
            ("app-host", "internet", "tcp", 443),
            ("app-host", "office", "tcp", 22),
            ("app-host", "s3:us-east-1", "tcp", 443),
            ("office", "app-host", "tcp", 22),
            ("edge-public-host", "internet", "tcp", 443),
            ("edge-private-host", "internet", "tcp", 443),
            ("edge-private-host", "office", "tcp", 22),
            ("edge-private-host", "s3:us-east-1", "tcp", 443),
        ],
    ),
    "tgw-centralized-router": (
        "full-mesh-vs-tgw",
        [
            ("spoke-0-app", "spoke-1-app", "tcp", 443),
            ("spoke-2-app", "spoke-3-app", "tcp", 443),
            ("spoke-3-app", "spoke-0-app", "tcp", 443),
        ],
    ),
    "tgw-isolated-vpcs": (
        "tgw-isolated-vpcs",
        [
            ("vpc-a-host", "vpc-b-host", "tcp", 22),
            ("vpc-a-host", "dc", "tcp", 22),
            ("dc", "vpc-b-host", "tcp", 22),
        ],
    ),
    "tgw-shared-services-api": (
        "shared-services",
        [
            ("team1-host", "api-2", "tcp", 443),
            ("team2-host", "api-1", "tcp", 443),
            ("team1-host", "team3-host", "tcp", 443),
            ("api-1", "team1-host", "tcp", 22),
        ],
    ),
    "tgw-isolated-vpcs-shared-services": (
        "tgw-segmentation",
        [
            ("dev-app", "shared-svc", "udp", 53),
            ("shared-svc", "test-app", "udp", 53),
            ("dev-app", "prod-app", "udp", 53),
            ("test-app", "dev-app", "udp", 53),
            ("prod-app", "prod-app-b", "udp", 53),
        ],
    ),
    "tgw-inter-region-peering": (
        "tgw-inter-region-peering",
        [
            ("east-app-a:10.10.1.100", "west-app-a:10.20.1.100", "tcp", 443),
            ("west-app-a:10.20.1.100", "east-app-a:10.10.1.100", "tcp", 443),
        ],
    ),
    "tgw-centralized-egress": (
        "centralized-egress",
        [
            ("spoke-a-host", "internet", "tcp", 443),
            ("spoke-b-host", "internet", "tcp", 443),
            ("spoke-a-host", "spoke-b-host", "tcp", 443),
            ("internet", "spoke-a-host", "tcp", 443),
        ],
    ),
    "tgw-appliance-vpc": (
        "tgw-appliance-vpc",
        [
            ("spoke-a-host", "spoke-b-host", "tcp", 443),
            ("spoke-b-host", "spoke-a-host", "tcp", 443),
            ("spoke-a-host", "spoke-c-host", "tcp", 443),
        ],
    ),
    "gwlb-centralized-inspection": (
        "centralized-inspection",
        [
            ("spoke-a-host", "spoke-b-host", "tcp", 443),
            ("spoke-a-host", "spoke-c-host", "tcp", 443),
            ("spoke-c-host", "spoke-a-host", "tcp", 443),
            ("spoke-a-host", "spoke-b-host", "tcp", 22),
        ],
    ),
    "gwlb-ingress-inspection": (
        "ingress-inspection",
        [
            ("internet", "web", "tcp", 443),
            ("web", "internet", "tcp", 443),
            ("internet", "web", "tcp", 22),
        ],
    ),
    "s3-gateway-endpoint": (
        "s3-gateway-endpoint",
        [
            ("worker-1", "s3:us-west-2", "tcp", 443),
            ("worker-2", "s3:us-west-2", "tcp", 443),
            ("worker-1", "s3:us-east-1", "tcp", 443),
            ("worker-1", "dynamodb:us-west-2", "tcp", 443),
            ("worker-1", "internet", "tcp", 443),
        ],
    ),
    "privatelink-cross-account": (
        "privatelink-cross-account",
        [("shop-web", "billing-endpoint", "tcp", 443), ("shop-web", "billing-api-1", "tcp", 443)],
    ),
    "vpn-vgw": (
        "vpn-vgw",
        [
            ("office", "app-server", "tcp", 22),
            ("branch", "app-server", "tcp", 443),
            ("office", "app-server", "tcp", 443),
            ("app-server", "office", "tcp", 22),
        ],
    ),
    "vpn-tgw": (
        "vpn-tgw",
        [("dc", "web-a", "tcp", 443), ("data-a", "dc", "tcp", 443), ("web-a", "data-a", "tcp", 443)],
    ),
    "hybrid-dx-vpn": (
        "hybrid-dx-vpn",
        [
            ("dc", "app-1", "tcp", 443),
            ("app-1", "dc", "tcp", 443),
            ("dc", "db-1", "tcp", 5432),
            ("branch", "app-1", "tcp", 443),
            ("branch", "db-1", "tcp", 5432),
            ("app-1", "db-1", "tcp", 5432),
        ],
    ),
    "shared-vpc": (
        "shared-vpc",
        [("app-1", "app-2", "tcp", 8080), ("app-2", "app-1", "tcp", 8080), ("app-1", "app-2", "tcp", 443)],
    ),
}


@cache
def network(example: str) -> Network:
    return vpclab.load(ROOT / "examples" / f"{example}.yaml")


def hop(h: Hop) -> str:
    return f"{h.component} {h.name or h.id}"


def trace_flow(example: str, flow: Flow) -> Trace:
    source, destination, protocol, port = flow[:4]
    ip_version = flow[4] if len(flow) > 4 else None
    return network(example).trace(source, destination, protocol=protocol, port=port, ip_version=ip_version)


def flow_key(flow: Flow) -> str:
    source, destination, protocol, port = flow[:4]
    key = f"{source} → {destination} {protocol}" + (f"/{port}" if port is not None else "")
    return key + (" IPv6" if len(flow) > 4 and flow[4] == 6 else "")


def record(example: str, flow: Flow) -> dict[str, Any]:
    t = trace_flow(example, flow)
    return {
        "flow": flow_key(flow),
        "disposition": t.disposition,
        "codes": t.codes,
        "forward": [hop(h) for h in t.forward_hops],
        "return": [hop(h) for h in t.return_hops],
    }


def golden(design: str) -> str:
    example, flows = DESIGNS[design]
    data = {
        "design": design,
        "example": f"examples/{example}.yaml",
        "flows": [record(example, f) for f in flows],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for design in DESIGNS:
        path = GOLDEN / f"{design}.json"
        path.write_text(golden(design), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
