"""bench/snapshot.py exports the generator's World as describe-json and loads it back (the AWS-MAX
run itself is in `make bench`)."""

from __future__ import annotations

from bench import snapshot
from bench.generator import SMALL


def test_the_benchmark_snapshot_exports_and_loads() -> None:
    r = snapshot.run(SMALL)
    assert r["items"] > 0 and r["resources"] > 0 and r["seconds"] > 0
    assert 0 < r["peak_bytes"] < snapshot.TARGET_BYTES
    lines = snapshot.report(r)
    assert lines[0].startswith("snapshot load, 10 VPCs (") and "target ≤ 10 s" in lines[0]
    assert "peak memory" in lines[1]
