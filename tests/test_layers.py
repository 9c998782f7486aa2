"""The layers (docs/contributing.md) are contracts of import-linter, configured in pyproject.toml:
core < model < control | reach < network < aws | topology < cli, counting lazy and TYPE_CHECKING
imports. A module that reaches around them fails here, naming the import and its line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
