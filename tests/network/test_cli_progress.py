"""vpclab matrix on a large network: a progress bar on stderr when it is a terminal (never in a pipe,
nor with --no-progress), the matrix's progress hook, and a clean Ctrl-C (exit 130, one line)."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.generator import SMALL, build
from bench.load import topology
from vpclab.model.subnet import Subnet
from vpclab.reach.matrix import matrix

ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
TGW = str(ROOT / "examples" / "tgw-segmentation.yaml")


def test_matrix_progress_hook_reports_stages_and_row_blocks() -> None:
    world = build(SMALL)
    calls: list[tuple[str, int, int]] = []
    m = matrix(world, "tcp", 443, progress=lambda stage, done, total: calls.append((stage, done, total)))
    n = sum(1 for _ in world.all(Subnet))
    stages = list(dict.fromkeys(stage for stage, _, _ in calls))
    assert stages == ["compile", "classes", "rows"]
    for stage in stages:
        mine = [(d, t) for s, d, t in calls if s == stage]
        assert mine[0][0] == 0 and mine[-1][0] == mine[-1][1]  # starts at 0, ends complete
        assert [d for d, _ in mine] == sorted(d for d, _ in mine)
    assert calls[-1] == ("rows", n, n)
    assert (matrix(world, "tcp", 443).bits == m.bits).all()  # the hook changes nothing


def _run_on_a_terminal(
    args: list[str], until: float, stop_at: tuple[str, ...] = ()
) -> tuple[int, str, float]:
    """Run vpclab with stderr on a pseudo-terminal (stdout discarded); SIGINT once any of
    ``stop_at`` shows on it (or ``until`` seconds pass). Returns (exit code, stderr without ANSI
    codes, seconds from start to the signal)."""
    master, slave = os.openpty()
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "vpclab", *args],
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env=env,
        cwd=ROOT,
        # as a terminal's Ctrl-C finds it: a test run started in the background (`make test &`) has
        # SIGINT ignored, which the child would inherit and, as Unix programs do, keep ignoring
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    os.close(slave)
    seen, sent = b"", None
    try:
        while True:
            if (
                stop_at
                and sent is None
                and (any(s.encode() in seen for s in stop_at) or time.monotonic() - start > until)
            ):
                proc.send_signal(signal.SIGINT)
                sent = time.monotonic() - start
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk and proc.poll() is not None:
                    break
                seen += chunk
            elif proc.poll() is not None:
                break
            now = time.monotonic() - start
            # a loaded machine (make test beside other work) can take minutes to get this far; what
            # is checked is that the signal stops it: within 60 s of it
            if (sent is not None and now - sent > 60) or now > 300:
                proc.kill()
                tail = ANSI.sub("", seen.decode(errors="replace"))[-400:]
                pytest.fail(f"vpclab matrix did not stop (signal at {sent} s, now {now:.0f} s): {tail!r}")
    finally:
        os.close(master)
    return proc.wait(), ANSI.sub("", seen.decode(errors="replace")), sent or -1.0


def test_progress_bar_only_on_a_terminal() -> None:
    code, err, _ = _run_on_a_terminal(["matrix", TGW], until=60)
    assert code == 0
    assert "loading the network" in err and "matrix rows" in err
    code, err, _ = _run_on_a_terminal(["matrix", TGW, "--no-progress"], until=60)
    assert code == 0 and "loading" not in err and "matrix rows" not in err
    piped = subprocess.run(
        [sys.executable, "-m", "vpclab", "matrix", TGW],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=False,
    )
    assert piped.returncode == 0 and piped.stderr == ""


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    """SIGINT once the matrix is under way (or after 20 s of it): exit code 130, one line, no
    traceback. 4,000 VPCs: seconds to load, and a 4,000-column table to print after the matrix."""
    big = tmp_path / "big.yaml"
    big.write_text(topology(4_000))
    after_load = ("compiling", "equivalence classes", "matrix rows", "naming reachable pairs")
    code, err, sent = _run_on_a_terminal(["matrix", str(big)], until=20, stop_at=after_load)
    assert sent > 0
    assert code == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    lines = [line.strip() for line in err.replace("\r", "\n").splitlines() if line.strip()]
    assert lines[-1] == "vpclab: interrupted"
    assert sum(1 for line in lines if "interrupted" in line) == 1
