"""The vpclab command: exit codes 0/1/2, stable JSON, help with examples, no tracebacks."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from typer.testing import CliRunner

import vpclab
from vpclab.cli.main import app

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = ROOT / "examples"
runner = CliRunner()

GOOD = """\
region: us-east-1
vpcs:
  app:
    cidr: 10.0.0.0/16
    subnets: {web: {cidr: 10.0.1.0/24}}
  db: {cidr: 10.1.0.0/16}
peerings:
  app-db: {requester: app, accepter: db}
"""


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    return path


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text("vpcs:\n  app: {cidr: 10.0.0.0/16, subnets: {web: {cidr: 10.9.0.0/24}}}\n")
    return path


def test_validate_ok(good: Path) -> None:
    result = runner.invoke(app, ["validate", str(good)])
    assert result.exit_code == 0
    assert result.stdout == f"ok {good}: 2 VPCs, 1 subnet, 2 route tables, 2 security groups, 1 peering\n"


def test_validate_invalid_prints_every_problem_and_exits_1(good: Path, bad: Path) -> None:
    result = runner.invoke(app, ["validate", str(good), str(bad)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"ok {good}")
    assert lines[1] == (f"{bad}:2:38: subnet web: InvalidSubnet.Range: The CIDR '10.9.0.0/24' is invalid.")
    assert lines[2] == f"invalid {bad}: 1 problem"


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr
    assert "Traceback" not in result.output


def test_directory_is_a_usage_error(tmp_path: Path) -> None:
    assert runner.invoke(app, ["show", str(tmp_path)]).exit_code == 2


def test_bad_option_is_a_usage_error(good: Path) -> None:
    assert runner.invoke(app, ["show", str(good), "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["validate"]).exit_code == 2


def test_show_json_is_a_stable_dict_of_lists(good: Path) -> None:
    first = runner.invoke(app, ["show", str(good), "--format", "json"])
    second = runner.invoke(app, ["show", str(good), "--format", "json"])
    assert first.exit_code == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert list(data)[:3] == ["vpcs", "subnets", "route_tables"]
    assert all(isinstance(rows, list) for rows in data.values())
    app_row = data["vpcs"][0]
    assert {k: app_row[k] for k in ("name", "account", "region", "cidrs")} == {
        "name": "app", "account": "123456789012", "region": "us-east-1", "cidrs": ["10.0.0.0/16"]}
    assert app_row["id"].startswith("vpc-")
    (pcx,) = data["peerings"]
    assert (pcx["name"], pcx["requester"], pcx["accepter"], pcx["status"]) == \
        ("app-db", "app", "db", "active")
    assert data["subnets"][0]["vpc"] == "app"  # names, not ids, in reference columns


def test_show_table_groups_by_kind(good: Path) -> None:
    result = runner.invoke(app, ["show", str(good)])
    assert result.exit_code == 0
    for title in ("VPCs", "Subnets", "Route tables", "VPC peering connections"):
        assert title in result.stdout
    assert "app-db" in result.stdout


def test_show_invalid_exits_1(bad: Path) -> None:
    result = runner.invoke(app, ["show", str(bad), "--format", "json"])
    assert result.exit_code == 1
    assert "InvalidSubnet.Range" in result.stdout


def test_schema_is_json_schema() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "vpclab topology" and "vpcs" in schema["properties"]


@pytest.mark.parametrize("command", ["validate", "show", "schema"])
def test_every_command_help_has_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout and f"vpclab {command}" in result.stdout


def test_make_run_commands_succeed() -> None:
    """`make run` validates every example (then serves two-peered-vpcs, tested in tests/api); the
    README shows `vpclab show` on the same file."""
    examples = sorted(str(p) for p in EXAMPLES.glob("*.yaml"))
    assert runner.invoke(app, ["validate", *examples]).exit_code == 0
    assert runner.invoke(app, ["show", str(EXAMPLES / "two-peered-vpcs.yaml")]).exit_code == 0


def test_version_is_the_installed_packages() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"vpclab {version('vpclab')}\n"
    assert version("vpclab") == vpclab.__version__


def test_serve_on_a_busy_port_is_one_line_and_exit_3(tmp_path: Path) -> None:
    """A port already taken: one line on stderr before any banner, exit 3 (docs/cli.md), state untouched."""
    state = tmp_path / "lab.sqlite3"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "vpclab.cli.main", "serve", "--port", str(port), "--state", str(state),
             "--load", str(EXAMPLES / "two-peered-vpcs.yaml")],
            capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 3
    assert result.stdout == ""
    assert result.stderr == (f"vpclab: port {port} on 127.0.0.1 is in use; "
                             "choose another with --port (make run PORT=…)\n")
    assert not state.exists()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_passes_its_port() -> None:
    """`make run PORT=N` serves on N; the default is not LocalStack's 4566."""
    env = {k: v for k, v in os.environ.items() if k not in ("PORT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}

    def dry_run(*args: str) -> str:
        return subprocess.run(["make", "-n", "-C", str(ROOT), "run", *args], capture_output=True, text=True,
                              check=True, env=env).stdout

    assert "vpclab serve --port 9123 " in dry_run("PORT=9123")
    serve = next(line for line in dry_run().splitlines() if "vpclab serve" in line)
    assert "--port " in serve and "--port 4566 " not in serve


def test_an_internal_error_is_a_message_not_a_traceback(good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import vpclab.cli.common as main

    def broken(path: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(main, "load", broken)
    result = runner.invoke(app, ["validate", str(good)])
    assert result.exit_code == 1
    assert "internal error" in result.stderr and "RuntimeError: boom" in result.stderr
    assert "Traceback" not in result.output


def test_show_lists_effective_routes_with_propagated_ones_marked() -> None:
    result = runner.invoke(app, ["show", str(EXAMPLES / "vpn-vgw.yaml"), "--format", "json"])
    routes = next(r["routes"] for r in json.loads(result.stdout)["route_tables"]
                  if r["name"] == "app-private-rt")
    assert "192.168.0.0/16 → app-vgw (propagated)" in routes
    result = runner.invoke(app, ["show", str(EXAMPLES / "tgw-segmentation.yaml"), "--format", "json"])
    tables = {r["name"]: r["routes"] for r in json.loads(result.stdout)["transit_gateway_route_tables"]}
    assert tables["seg-spokes"] == ["10.100.0.0/16 → seg-shared (propagated)"]
