"""``vpclab import terraform``, ``check --plan``, ``diff --plan``: the CI gate, and bad input as
one-line errors naming the file and the JSON path (exit 1), never a traceback."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import vpclab
from vpclab.cli.main import app

from . import networks
from .tfjson import Plan

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "terraform"
PLAN, STATE, INTENTS = EXAMPLES / "plan.json", EXAMPLES / "state.json", EXAMPLES / "intents.yaml"
runner = CliRunner()


def test_examples_are_fresh() -> None:
    """examples/terraform/*.json are what tools/gen_tf_fixtures.py writes."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_tf_fixtures
    finally:
        sys.path.pop(0)
    for name in gen_tf_fixtures.FILES:
        assert (EXAMPLES / name).read_text() == gen_tf_fixtures.render(name), (
            f"examples/terraform/{name} is stale: run python tools/gen_tf_fixtures.py"
        )


def test_import_prints_a_topology_that_loads_back(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", "terraform", str(EXAMPLES / "plan-new.json")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# vpclab topology imported from ")
    net = vpclab.loads(result.output)
    assert net.resource("module.net.aws_subnet.private.us-east-1b").cidr_block == "10.0.2.0/24"
    out = tmp_path / "after.yaml"
    result = runner.invoke(app, ["import", "terraform", str(PLAN), "--side", "prior", "-o", str(out)])
    assert result.exit_code == 0, result.output
    before = vpclab.load(out)
    assert before.trace("aws_instance.web", "aws_instance.db", protocol="tcp", port=5432).reachable


def test_check_plan_is_a_ci_gate() -> None:
    result = runner.invoke(app, ["check", "--plan", str(PLAN), "--intents", str(INTENTS)])
    assert result.exit_code == 1, result.output
    assert "✗ VIOLATED web reaches the database on 5432" in result.output
    assert "2 intents, 2 violated" in result.output
    result = runner.invoke(app, ["check", str(STATE), "--intents", str(INTENTS)])
    assert result.exit_code == 0, result.output
    assert "2 intents, all hold" in result.output


def test_diff_plan_lists_opened_and_closed_flows() -> None:
    result = runner.invoke(app, ["diff", "--plan", str(PLAN), "--level", "interface", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    opened = {(c["source"], c["destination"], c["protocol"], c["port"]) for c in data["opened"]}
    closed = {(c["source"], c["destination"], c["protocol"], c["port"]) for c in data["closed"]}
    assert opened == {("aws_instance.db/eni", "aws_instance.web/eni", "tcp", 22)}
    assert closed == {("aws_instance.web/eni", "aws_instance.db/eni", "tcp", 5432)}
    result = runner.invoke(app, ["diff", "--plan", str(PLAN), "--level", "interface", "--exit-code"])
    assert result.exit_code == 1


def test_usage_errors() -> None:
    result = runner.invoke(app, ["diff", "--plan", str(PLAN), "--on", str(EXAMPLES)])
    assert result.exit_code == 2 and "not available yet" in result.output
    result = runner.invoke(app, ["check", "--intents", str(INTENTS)])
    assert result.exit_code == 2 and "give a topology FILE or --plan" in result.output
    result = runner.invoke(app, ["diff", str(PLAN), "--plan", str(PLAN)])
    assert result.exit_code == 2
    result = runner.invoke(app, ["import", "terraform", "no-such.json"])
    assert result.exit_code == 2 and "no such file" in result.output
    result = runner.invoke(app, ["diff", "--plan", str(STATE)])
    assert result.exit_code == 1 and "$: a state, not a plan" in result.output


def test_help_has_examples() -> None:
    result = runner.invoke(app, ["import", "terraform", "--help"])
    assert "Example:  vpclab import terraform " in result.output


def _bad(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """name → (file text, the expected start of the error after "FILE: ")."""
    plan = networks.new_network()
    text = json.dumps(plan, indent=1)
    google = (
        Plan()
        .add(
            "google_compute_network.vpc",
            {"name": "vpc"},
            unknown=("id",),
            provider="registry.terraform.io/hashicorp/google",
        )
        .plan()
    )
    unknown = (
        Plan()
        .add("aws_vpc.a", {"cidr_block": "10.0.0.0/16"})
        .add("aws_s3_bucket.logs", {"bucket": "logs"})
        .plan()
    )
    newer: dict[str, Any] = {**plan, "format_version": "2.0"}
    return {
        "truncated": (text[: len(text) // 2], "$ (line "),
        "other provider": (
            json.dumps(google),
            "$.resource_changes[0].provider_name: a plan of provider registry.terraform.io/hashicorp/google",
        ),
        "unknown type": (
            json.dumps(unknown),
            "$.resource_changes[1].type: aws_s3_bucket.logs: resource type "
            "aws_s3_bucket is not one vpclab imports",
        ),
        "newer format": (json.dumps(newer), "$.format_version: format 2.0 is not supported"),
        "not terraform": ("[1, 2]", "$: not a Terraform JSON document"),
        "no format": ("{}", "$.format_version: missing"),
    }


@pytest.mark.parametrize(
    "case", ["truncated", "other provider", "unknown type", "newer format", "not terraform", "no format"]
)
@pytest.mark.parametrize("command", ["import", "check", "diff", "show"])
def test_bad_input_is_one_line(tmp_path: Path, case: str, command: str) -> None:
    text, expected = _bad(tmp_path)[case]
    path = tmp_path / "plan.json"
    path.write_text(text, encoding="utf-8")
    args = {
        "import": ["import", "terraform", str(path)],
        "check": ["check", "--plan", str(path), "--intents", str(INTENTS)],
        "diff": ["diff", "--plan", str(path)],
        "show": ["show", str(path)],
    }[command]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    [line] = result.output.splitlines()
    assert line.startswith(f"{path}: {expected}"), line


@pytest.mark.parametrize("command", ["import", "check", "diff", "show"])
def test_other_providers_resources_are_counted_not_dropped_silently(tmp_path: Path, command: str) -> None:
    """A plan that mixes providers is read for its AWS resources; the others are named on stderr."""
    p = Plan().add("aws_vpc.a", {"cidr_block": "10.0.0.0/16"}, unknown=("id",))
    p.add(
        "random_id.suffix",
        {"byte_length": 4},
        unknown=("id",),
        provider="registry.terraform.io/hashicorp/random",
    )
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(p.plan()), encoding="utf-8")
    args = {
        "import": ["import", "terraform", str(path)],
        "check": ["check", "--plan", str(path), "--intents", str(INTENTS)],
        "diff": ["diff", "--plan", str(path)],
        "show": ["show", str(path)],
    }[command]
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert (
        f"{path}: 1 resource of other providers not read (first: $.resource_changes[1].provider_name)"
        in result.stderr
    )
