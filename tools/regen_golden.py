"""Regenerate the golden error files: tests/golden/bad/NAME.yaml → NAME.expected.

Each .expected file holds exactly what ``vpclab validate tests/golden/bad/NAME.yaml`` prints
(run from the repository root) and its exit code. Run this after changing an error message,
then review the change as a diff:

    python tools/regen_golden.py && git diff tests/golden/
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "golden" / "bad"


def render(case: Path) -> str:
    """What a user sees validating ``case``, followed by the exit code."""
    from typer.testing import CliRunner

    from vpclab.cli.main import app

    here = Path.cwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(app, ["validate", str(case.relative_to(ROOT))])
    finally:
        os.chdir(here)
    return f"{result.stdout}exit code {result.exit_code}\n"


def main() -> int:
    sys.path.insert(0, str(ROOT / "src"))
    cases = sorted(BAD.glob("*.yaml"))
    for case in cases:
        expected = case.with_suffix(".expected")
        text = render(case)
        old = expected.read_text(encoding="utf-8") if expected.exists() else None
        if text != old:
            expected.write_text(text, encoding="utf-8")
            print(f"{'updated' if old is not None else 'created'} {expected.relative_to(ROOT)}")
    print(f"{len(cases)} golden cases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
