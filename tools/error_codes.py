"""AWS's EC2 error catalogue (tests/rules/error_codes.toml) against the codes vpclab's source raises.

The catalogue lists every code on AWS's "Error codes for the Amazon EC2 API" page with its status in
vpclab: ``raised`` (where), ``answered-by`` (applies; for its case AWS answers another listed
or observed code, which vpclab raises: ``instead``), ``open`` (applies to something vpclab
models; what vpclab answers instead) or ``not-modelled`` (why it does not apply).
``raised_codes`` finds the codes the source raises: ``AwsError("Code", …)`` calls, the model's
``NOT_FOUND`` tuples and ``MALFORMED`` codes, the quota table's codes, and codes handed to a
helper that raises them (a string argument naming a catalogued code).

Used by tools/gen_rules_doc.py (the "Error codes" section of docs/rules.md) and by
tests/rules/test_error_catalogue.py.
"""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "vpclab"
CATALOGUE = ROOT / "tests" / "rules" / "error_codes.toml"
PAGE = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html"
CODE = re.compile(r"^[A-Z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$")


def catalogue() -> dict[str, Any]:
    with CATALOGUE.open("rb") as f:
        return tomllib.load(f)


def entries() -> dict[str, dict[str, Any]]:
    """code → its entry (section, status, description, where or reason)."""
    return {e["code"]: e for e in catalogue()["code"]}


def _is_aws_error(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id == "AwsError"
    if isinstance(func, ast.Attribute):
        return func.attr == "AwsError" or (
            func.attr == "__init__" and isinstance(func.value, ast.Name) and func.value.id == "AwsError"
        )
    return False


def _strings(args: Iterable[ast.expr]) -> list[str]:
    return [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


def raised_codes(known: Iterable[str] = ()) -> dict[str, set[str]]:
    """code → the source files (relative to src/vpclab) that raise it. ``known`` codes also count
    where a call passes them as a string argument (a helper that raises the code it is given)."""
    known = set(known)
    found: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = str(path.relative_to(SRC))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                args = _strings(
                    node.args[1:]
                    if _is_aws_error(node.func) and node.args and not isinstance(node.args[0], ast.Constant)
                    else node.args
                )
                if _is_aws_error(node.func):
                    first = _strings(node.args[:1])
                    if first and CODE.match(first[0]):
                        found.setdefault(first[0], set()).add(rel)
                for value in args:
                    if value in known:
                        found.setdefault(value, set()).add(rel)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value:
                # a kind's NOT_FOUND (code, message) and its MALFORMED code (model/*.py)
                first: list[str] = []
                if node.target.id == "NOT_FOUND" and isinstance(node.value, ast.Tuple):
                    first = _strings(node.value.elts[:1])
                elif node.target.id == "MALFORMED":
                    first = _strings([node.value])
                if first and first[0]:
                    found.setdefault(first[0], set()).add(rel)
    with (SRC / "model" / "quotas.toml").open("rb") as f:
        for row in tomllib.load(f).values():
            if isinstance(row, dict) and "code" in row:
                found.setdefault(row["code"], set()).add("model/quotas.toml")
    return found


def undocumented() -> dict[str, set[str]]:
    """Codes vpclab raises that AWS's EC2 page does not list: code → where."""
    listed = entries()
    return {code: where for code, where in raised_codes(listed).items() if code not in listed}
