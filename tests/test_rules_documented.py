"""Every AWS rule test names the AWS documentation page it encodes (the project's fidelity standard),
and docs/rules.md, generated from those tests, is up to date."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_rule_test_cites_aws_docs() -> None:
    missing = []
    for path in sorted((ROOT / "tests" / "rules").glob("test_*.py")):
        for node in ast.parse(path.read_text()).body:
            is_test = isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
            if is_test and "docs.aws.amazon.com" not in (ast.get_docstring(node) or ""):
                missing.append(f"{path.name}::{node.name}")
    assert not missing, "rule tests without an AWS doc page in their docstring:\n" + "\n".join(missing)


def test_rules_catalogue_is_current() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_rules_doc.py"), "--check"])
    assert result.returncode == 0, "docs/rules.md is stale: run python tools/gen_rules_doc.py"
