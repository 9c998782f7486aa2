"""Loading an AWS snapshot of AWS-MAX size (issue 12): the AWS-MAX World (bench/generator.py)
exported as describe-json — the folder ``vpclab snapshot aws`` writes, every file what vpclab's own
EC2/ELB/RAM endpoint answers the read-only calls (in process, ``vpclab.mock_aws``) — then
``vpclab.load(folder)`` timed in a fresh process, whose peak resident memory is the figure for
"≤ 2 GB". Targets (issue 12): ≤ 10 s and ≤ 2 GB.

    python -m bench.snapshot            # AWS-MAX (5,000 VPCs)
    python -m bench.snapshot 500        # a smaller network of the same shape
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from vpclab.model.world import World

from .generator import AWS_MAX, Spec, build

TARGET_S = 10.0
TARGET_BYTES = 2 * 2**30

_LOAD = """
import json, resource, sys, time
import vpclab
start = time.perf_counter()
net = vpclab.load(sys.argv[1])
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "resources": sum(1 for _ in net.world.resources()),
                  "problems": len(net.report.problems), "not_loaded": sum(net.report.not_loaded.values()),
                  "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def spec(vpcs: int | None = None) -> Spec:
    """AWS-MAX, or a network of its shape scaled to ``vpcs`` VPCs."""
    if vpcs is None:
        return AWS_MAX
    return dataclasses.replace(
        AWS_MAX,
        vpcs=vpcs,
        interfaces=vpcs,
        other_peerings=vpcs // 2,
        hub_peerings=min(125, vpcs // 4),
        tgw_routes=2 * vpcs,
        vpns=min(50, max(1, vpcs // 100)),
        interface_endpoints=min(50, max(1, vpcs // 100)),
    )


def export(out: Path, network: Spec) -> tuple[int, float]:
    """The generator's World written as describe-json into ``out``: (items written, seconds)."""
    return export_world(out, build(network))


def export_world(out: Path, world: World) -> tuple[int, float]:
    """A World written as describe-json into ``out``, every account and Region it holds."""
    import boto3

    import vpclab
    from vpclab.interop.snapshot_aws import take

    accounts = sorted({r.owner_id for r in world.resources() if str(getattr(r, "owner_id", "")).isdigit()})
    regions = sorted({r.region for r in world.resources() if getattr(r, "region", None)})
    start = time.perf_counter()
    with vpclab.mock_aws(world=world, default_vpc=False):
        sessions = [
            boto3.Session(aws_access_key_id=a, aws_secret_access_key="lab", region_name=regions[0])
            for a in accounts
        ]
        result = take(out, sessions=sessions, regions=",".join(regions))
    return sum(result.counts.values()), time.perf_counter() - start


def load(folder: Path) -> dict[str, Any]:
    """``vpclab.load(folder)`` in a fresh process: seconds, resources, problems, peak memory."""
    src = Path(__file__).resolve().parents[1] / "src"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.run(
        [sys.executable, "-c", _LOAD, str(folder)], capture_output=True, text=True, env=env, check=True
    )
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    out["peak_bytes"] = out.pop("peak_kib") * 1024
    return out


def run(network: Spec = AWS_MAX) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        items, export_s = export(Path(tmp) / "snap", network)
        result = load(Path(tmp) / "snap")
    return {**result, "items": items, "export_seconds": export_s, "vpcs": network.vpcs}


def report(r: dict[str, Any]) -> list[str]:
    ok_t = "✔" if r["seconds"] <= TARGET_S else "✘"
    ok_m = "✔" if r["peak_bytes"] <= TARGET_BYTES else "✘"
    name = "AWS-MAX" if r["vpcs"] == AWS_MAX.vpcs else f"{r['vpcs']:,} VPCs"
    title = f"snapshot load, {name} ({r['items']:,} describe items)"
    note = (
        f"  ({r['resources']:,} resources built; {r['problems']} problems, {r['not_loaded']} items "
        f"not loaded; export {r['export_seconds']:.0f} s)"
    )
    return [
        f"{title:70} {r['seconds'] * 1000:8.1f}ms   target ≤ {TARGET_S:.0f} s {ok_t}",
        f"{'  peak memory of the loading process':70} {r['peak_bytes'] / 2**20:8.0f}MB   "
        f"target ≤ 2 GB {ok_m}",
        note,
    ]


if __name__ == "__main__":
    for line in report(run(spec(int(sys.argv[1]) if len(sys.argv) > 1 else None))):
        print(line)
    sys.exit(0)
