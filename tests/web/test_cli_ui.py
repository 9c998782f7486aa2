"""``vpclab ui``: its errors before it serves (docs/cli.md), and the page it serves."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vpclab.cli.main", "ui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_missing_source_is_a_usage_error() -> None:
    result = run("examples/no-such.yaml", "--no-open")
    assert result.returncode == 2 and "no such file: examples/no-such.yaml" in result.stderr


def test_busy_port_is_one_line_and_exit_3() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        result = run("examples/peering-triangle.yaml", "--no-open", "--port", str(port))
    assert result.returncode == 3
    assert result.stderr.strip().endswith(
        f"port {port} on 127.0.0.1 is in use; choose another with --port (make run PORT=…)"
    )


def test_ui_serves_the_page_for_the_file_and_prints_its_url() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vpclab.cli.main",
            "ui",
            "examples/peering-triangle.yaml",
            "--no-open",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert f"http://127.0.0.1:{port}/_vpclab/ui/" in line
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_vpclab/api/graph", timeout=5) as resp:
                    graph = json.loads(resp.read())
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert graph["counts"]["vpcs"] == 3 and graph["source"] == "examples/peering-triangle.yaml"
    finally:
        proc.terminate()
        proc.wait(10)


def test_ui_diff_and_intents_serve_the_changed_flows_and_the_intents(tmp_path: Path) -> None:
    from .test_views_api import CUT, INTENTS

    new = tmp_path / "my-triangle.yaml"
    text = (ROOT / "examples/peering-triangle.yaml").read_text()
    new.write_text("\n".join(line for line in text.splitlines() if CUT not in line) + "\n")
    intents = tmp_path / "intents.yaml"
    intents.write_text(INTENTS)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = ["examples/peering-triangle.yaml", "--diff", str(new), "--intents", str(intents)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "vpclab.cli.main", "ui", *args, "--no-open", "--port", str(port)],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        assert f"examples/peering-triangle.yaml → {new}" in proc.stderr.readline()
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_vpclab/api/diff", timeout=10) as resp:
                    diff = json.loads(resp.read())
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        assert diff["opened"] == [] and {"b-app", "c-app"} <= {f["source"] for f in diff["closed"]}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_vpclab/api/check", timeout=10) as resp:
            assert json.loads(resp.read())["violated"] == 1
    finally:
        proc.terminate()
        proc.wait(10)


def test_bad_intents_file_stops_before_serving(tmp_path: Path) -> None:
    bad = tmp_path / "intents.yaml"
    bad.write_text("- nme: x\n")
    result = run("examples/peering-triangle.yaml", "--no-open", "--intents", str(bad))
    assert result.returncode == 1 and "did you mean 'name'?" in result.stderr
    result = run("examples/peering-triangle.yaml", "--no-open", "--diff", "examples/no-such.yaml")
    assert result.returncode == 2 and "no such file: examples/no-such.yaml" in result.stderr
