"""Golden traces of example designs: what a user reads, reviewed as diffs.

Regenerate with ``.venv/bin/python tools/regen_reach_golden.py`` after an intended change. The
designs are AWS's documented ones: "VPC peering scenarios"
(https://docs.aws.amazon.com/vpc/latest/peering/peering-scenarios.html) and "Centralized egress to
the internet" (https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-egress-to-internet.html)
and Direct Connect primary with a VPN backup through a transit gateway ("Transit gateway
associations", https://docs.aws.amazon.com/directconnect/latest/UserGuide/direct-connect-transit-gateways.html).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("regen_reach_golden", ROOT / "tools" / "regen_reach_golden.py")
assert _spec is not None and _spec.loader is not None
regen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regen)


@pytest.mark.parametrize("case", regen.CASES, ids=[c[0] for c in regen.CASES])
def test_golden_trace(case: tuple) -> None:
    file, example, source, destination, options = case
    expected = (ROOT / "tests" / "reach" / "golden" / file).read_text(encoding="utf-8")
    assert regen.golden(example, source, destination, options) == expected
