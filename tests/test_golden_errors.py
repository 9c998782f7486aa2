"""Golden files for what users read: each bad topology's exact error text and exit code.

The inputs are tests/golden/bad/*.yaml; the expected output is the .expected file beside each.
After changing a message, run ``python tools/regen_golden.py`` and review ``git diff tests/golden``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "golden" / "bad"
CASES = sorted(BAD.glob("*.yaml"))


def _regen():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("regen_golden", ROOT / "tools" / "regen_golden.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_golden_cases_cover_every_kind_of_mistake() -> None:
    names = {c.stem for c in CASES}
    assert {"yaml-syntax", "unknown-key", "wrong-type", "unknown-name", "overlapping-subnets",
            "duplicate-peering", "missing-gateway"} <= names


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_error_text_matches_the_golden_file(case: Path) -> None:
    expected = case.with_suffix(".expected")
    assert expected.exists(), f"no {expected.name}: run python tools/regen_golden.py"
    actual = _regen().render(case)
    assert actual == expected.read_text(encoding="utf-8"), (
        f"{case.name}: the error text changed; if intended, "
        "run python tools/regen_golden.py and review the diff")
    assert actual.rstrip().endswith("exit code 1")
