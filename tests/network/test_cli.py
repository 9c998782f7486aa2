"""vpclab trace / matrix / check / diff: output for people and tools, exit codes, help examples."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vpclab.cli.main import app

from .conftest import EXAMPLES
from .test_diff import TRIANGLE_FIX

runner = CliRunner()
TRIANGLE = str(EXAMPLES / "peering-triangle.yaml")
EGRESS = str(EXAMPLES / "centralized-egress.yaml")
POLICY = str(EXAMPLES / "intents" / "centralized-egress.yaml")


@pytest.mark.parametrize("command", ["trace", "matrix", "check", "diff"])
def test_every_help_has_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert f"Example:  vpclab {command} " in result.output


def test_trace_tree_verdict_causes_and_fixes() -> None:
    result = runner.invoke(app, ["trace", TRIANGLE, "a-host", "c-host", "--protocol", "tcp", "--port", "22"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("a-host → c-host: tcp 10.0.1.10:49152 → 10.2.1.10:22\n")
    assert "└── forward" in out and "route-table a-rt" in out and "no route for 10.2.1.10" in out
    assert "verdict: blocked" in out
    assert "✗ NO_ROUTE_TO_DESTINATION (forward): no route for 10.2.1.10 in a-rt" in out
    assert "fix: peering is not transitive: a is peered with b" in out


def test_trace_shows_nat_rewrites_and_the_return_path() -> None:
    result = runner.invoke(app, ["trace", EGRESS, "spoke-a-host", "internet", "--port", "443"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "nat-gateway egress-nat-a" in out
    assert "packet now tcp 10.0.0.4:49152 → 198.51.100.10:443" in out  # the NAT's source rewrite
    assert "└── return" in out and "verdict: reachable" in out


def test_trace_json_is_the_trace() -> None:
    result = runner.invoke(app, ["trace", TRIANGLE, "a-host", "b-host", "--port", "22", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert (data["source"], data["destination"], data["disposition"]) == ("a-host", "b-host", "blocked")
    assert [e["code"] for e in data["explanations"]] == ["ENI_SG_RULES_MISMATCH"]
    assert data["forward_hops"][0]["name"] == "a-host/eni"


def test_trace_unknown_endpoint_is_a_usage_error() -> None:
    result = runner.invoke(app, ["trace", TRIANGLE, "a-host", "c-hst"])
    assert result.exit_code == 2
    assert "vpclab: error: 'c-hst' is not a name in" in result.output
    assert "did you mean 'c-host'?" in result.output
    assert "Traceback" not in result.output
    assert runner.invoke(app, ["trace", "missing.yaml", "a", "b"]).exit_code == 2
    assert runner.invoke(app, ["trace", TRIANGLE, "a-host", "c-host", "--protocol", "gre"]).exit_code == 2


def test_matrix_table_and_json() -> None:
    result = runner.invoke(app, ["matrix", str(EXAMPLES / "tgw-segmentation.yaml"), "--port", "443"])
    assert result.exit_code == 0
    assert "subnet reachability, tcp/443 (15 reachable pairs)" in result.output
    row = next(line for line in result.output.splitlines() if line.startswith("│ dev-app"))
    assert row.count("✓") == 2 and row.count("✗") == 3
    data = json.loads(runner.invoke(app, ["matrix", TRIANGLE, "--level", "subnet", "-f", "json"]).output)
    assert data["sources"] == ["a-app", "b-app", "c-app"]
    assert ["a-app", "c-app"] not in data["reachable"] and ["a-app", "b-app"] in data["reachable"]
    assert len(data["rows"]) == 9


def test_check_passes_with_exit_0() -> None:
    result = runner.invoke(app, ["check", EGRESS, "--intents", POLICY])
    assert result.exit_code == 0, result.output
    assert "✓ ok       nothing reaches the internet except via the egress VPC  (2 flows)" in result.output
    assert result.output.endswith("3 intents, all hold\n")


def test_check_violation_exits_1_with_explanation(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("- {from: a-host, to: {vpc: c}, port: 22, expect: reachable}\n", encoding="utf-8")
    result = runner.invoke(app, ["check", TRIANGLE, "--intents", str(policy)])
    assert result.exit_code == 1
    assert "✗ VIOLATED a-host → {vpc: c} tcp/22: reachable" in result.output
    assert "a-host → c-host: expected reachable, but it is blocked: NO_ROUTE_TO_DESTINATION" in result.output
    assert "fix: peering is not transitive" in result.output
    data = json.loads(runner.invoke(app, ["check", TRIANGLE, "-i", str(policy), "-f", "json"]).output)
    assert data["ok"] is False and data["violated"] == 1
    assert (
        data["results"][0]["violations"][0]["trace"]["explanations"][0]["code"] == "NO_ROUTE_TO_DESTINATION"
    )


def test_check_invalid_intents_file_is_exit_2_with_positions(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("- {from: a-host, to: c-hots, expect: unreachable}\n", encoding="utf-8")
    result = runner.invoke(app, ["check", TRIANGLE, "--intents", str(policy)])
    assert result.exit_code == 2
    assert f"{policy}:1:22: unknown name 'c-hots' (did you mean 'c-host'?)" in result.output
    assert runner.invoke(app, ["check", TRIANGLE, "--intents", str(tmp_path / "none.yaml")]).exit_code == 2


def test_diff_opened_flows_and_exit_code(edited: Callable[..., Path]) -> None:
    new = str(edited("peering-triangle", *TRIANGLE_FIX))
    result = runner.invoke(app, ["diff", TRIANGLE, new, "--flow", "tcp/22"])
    assert result.exit_code == 0, result.output
    assert "opened: 2 flows" in result.output and "closed: 0 flows" in result.output
    assert "+ a-app → c-app tcp/22" in result.output
    assert "path: a-app → a-rt → a/default-acl → a-c → c/default-acl → c-app" in result.output
    assert runner.invoke(app, ["diff", TRIANGLE, new, "--flow", "tcp/22", "--exit-code"]).exit_code == 1
    assert runner.invoke(app, ["diff", TRIANGLE, TRIANGLE, "--exit-code"]).exit_code == 0
    data = json.loads(runner.invoke(app, ["diff", new, TRIANGLE, "--flow", "icmp/8", "-f", "json"]).output)
    assert [(c["source"], c["destination"]) for c in data["closed"]] == [
        ("a-app", "c-app"),
        ("c-app", "a-app"),
    ]
    assert data["closed"][0]["after"]["explanations"][0]["code"] == "NO_ROUTE_TO_DESTINATION"


def test_ipv6_options() -> None:
    """--ipv6: trace a named instance at its IPv6 address; the IPv6 matrix holds the subnets with a
    /64 (none in an IPv4-only file). An IPv6 address as SRC or DST implies it."""
    result = runner.invoke(app, ["trace", TRIANGLE, "a-host", "c-host", "--port", "22", "--ipv6"])
    assert result.exit_code == 2 and "has no IPv6 address" in result.output
    result = runner.invoke(app, ["trace", TRIANGLE, "a-host", "2001:db8::1", "--port", "443"])
    assert result.exit_code == 2 and "has no IPv6 address" in result.output
    result = runner.invoke(app, ["matrix", TRIANGLE, "--ipv6", "-f", "json"])
    assert result.exit_code == 0 and json.loads(result.output)["sources"] == []
    result = runner.invoke(app, ["matrix", TRIANGLE, "--ipv6"])
    assert "subnet IPv6 reachability, tcp/443 (0 reachable pairs)" in result.output
