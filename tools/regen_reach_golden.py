"""Regenerate the golden traces in tests/reach/golden/ (review the diff before committing).

.venv/bin/python tools/regen_reach_golden.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from vpclab.reach import trace  # noqa: E402
from vpclab.topology import load  # noqa: E402

#: (golden file, example, source name, destination name, trace options)
CASES: list[tuple[str, str, str, str, dict[str, object]]] = [
    (
        "two-peered-vpcs.web-1.db-1.json",
        "two-peered-vpcs",
        "web-1",
        "db-1",
        {"protocol": "tcp", "port": 5432},
    ),
    (
        "centralized-egress.spoke-a.internet.json",
        "centralized-egress",
        "spoke-a-host",
        "internet",
        {"protocol": "tcp", "port": 443},
    ),
    ("peering-triangle.a.c.json", "peering-triangle", "a-host", "c-host", {"protocol": "tcp", "port": 22}),
    (
        "centralized-inspection.spoke-a.spoke-c.json",
        "centralized-inspection",
        "spoke-a-host",
        "spoke-c-host",
        {"protocol": "tcp", "port": 443},
    ),
    ("hybrid-dx-vpn.dc.app-1.json", "hybrid-dx-vpn", "dc", "app-1", {"protocol": "tcp", "port": 443}),
    ("hybrid-dx-vpn.branch.app-1.json", "hybrid-dx-vpn", "branch", "app-1", {"protocol": "tcp", "port": 443}),
]


def golden(example: str, source: str, destination: str, options: dict[str, object]) -> str:
    net = load(str(ROOT / "examples" / f"{example}.yaml"))
    t = trace(
        net.world,
        net.ids.get(source, source),
        net.ids.get(destination, destination),
        names=net.names,
        **options,
    )  # type: ignore[arg-type]
    return json.dumps(t.to_dict(), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    out = ROOT / "tests" / "reach" / "golden"
    out.mkdir(parents=True, exist_ok=True)
    for file, example, source, destination, options in CASES:
        (out / file).write_text(golden(example, source, destination, options), encoding="utf-8")
        print(f"wrote {out / file}")


if __name__ == "__main__":
    main()
