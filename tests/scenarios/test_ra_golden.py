"""The Reachability Analyzer API's answers for the documented designs' flows, in AWS's shape
(issue 11: golden API answers), compared with tests/scenarios/golden_ra/*.json — regenerate with
``.venv/bin/python tools/regen_ra_golden.py`` and review the diff.

AWS: "How Reachability Analyzer works"
(https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("regen_ra_golden", ROOT / "tools" / "regen_ra_golden.py")
assert _spec is not None and _spec.loader is not None
regen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regen)


@pytest.mark.parametrize("design", sorted(regen.scenarios.DESIGNS))
def test_api_answers_match_the_golden_file(design: str) -> None:
    expected_file = regen.GOLDEN / f"{design}.json"
    got = regen.golden(design)
    if got is None:
        assert not expected_file.exists(), f"{expected_file.name} is stale: no flow of {design} is RA-shaped"
        return
    assert expected_file.exists(), f"run tools/regen_ra_golden.py: {expected_file.name} is missing"
    assert json.loads(got) == json.loads(expected_file.read_text(encoding="utf-8"))


def test_some_designs_have_answers() -> None:
    assert len(list(regen.GOLDEN.glob("*.json"))) >= 8
