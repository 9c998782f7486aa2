"""Safe YAML (issue 8, part 5): hostile topology and intents files are input errors with
file:line:column, cheap to refuse (under 1 s and 200 MB), never an internal error or a traceback.

The limits are documented in docs/yaml.md ("Limits"); they are vpclab's own (AWS has no say in
how a lab reads its files).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vpclab import TopologyError, loads
from vpclab.core import source
from vpclab.network.intents import IntentError, loads_intents

ROOT = Path(__file__).resolve().parents[2]
VPCLAB = Path(sys.executable).parent / "vpclab"

#: The classic "billion laughs": nine levels of nine aliases, 9**9 strings when expanded.
ALIAS_BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [{','.join(['*' + chr(ord('a') + i - 1)] * 9)}]"
       for i in range(1, 9)]) + "\n"


def _deep_flow(depth: int) -> str:
    return "vpcs: " + "[" * depth + "]" * depth + "\n"


def _deep_block(depth: int) -> str:
    return "".join(f"{'  ' * i}k{i}:\n" for i in range(depth)) + f"{'  ' * depth}x\n"


def _measured(text: str) -> dict[str, object]:
    """Load ``text`` in a fresh interpreter: its error, seconds and peak traced memory."""
    script = textwrap.dedent("""
        import json, sys, time, tracemalloc
        from vpclab import loads, TopologyError
        text = sys.stdin.read()
        tracemalloc.start()
        start = time.process_time()
        try:
            loads(text, file="bomb.yaml")
            error = None
        except TopologyError as exc:
            error = [str(p) for p in exc.problems]
        seconds = time.process_time() - start
        peak = tracemalloc.get_traced_memory()[1]
        print(json.dumps({"error": error, "seconds": seconds, "peak": peak}))
    """)
    done = subprocess.run([sys.executable, "-c", script], input=text, capture_output=True, text=True,
                          timeout=60, check=True)
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize(("name", "text", "where", "message"), [
    ("alias bomb", ALIAS_BOMB, "bomb.yaml:1:4:", "anchors and aliases are not supported"),
    ("flow nesting 100,000", _deep_flow(100_000), "bomb.yaml:1:", "nesting deeper than 64 levels"),
    ("block nesting 1,000", _deep_block(1_000), "bomb.yaml:65:", "nesting deeper than 64 levels"),
])
def test_a_bomb_is_refused_in_under_a_second_and_200_mb(name: str, text: str, where: str,
                                                           message: str) -> None:
    result = _measured(text)
    error = result["error"]
    assert isinstance(error, list) and len(error) == 1, result
    assert error[0].startswith(where) and message in error[0], error
    assert float(result["seconds"]) < 1.0, result  # type: ignore[arg-type]
    assert int(result["peak"]) < 200 * 2**20, result  # type: ignore[call-overload]


def test_validate_prints_file_line_column_and_exits_1(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB, encoding="utf-8")
    done = subprocess.run([VPCLAB, "validate", str(bomb)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout.startswith(f"{bomb}:1:4: anchors and aliases are not supported"), done.stdout
    assert "internal error" not in done.stdout + done.stderr


@pytest.mark.parametrize("text", [ALIAS_BOMB, _deep_block(1_000), "vpcs:\n  app:\x00\n"])
def test_serve_load_refuses_with_one_line_and_no_traceback(tmp_path: Path, text: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with socket.socket() as probe:  # a free port: the server must fail on the file, not the port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = subprocess.run([VPCLAB, "serve", "--port", str(port), "--state", ":memory:", "--load", str(bad)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{bad}:"), done.stderr
    assert "Traceback" not in done.stderr


def _problems(text: str) -> list[str]:
    with pytest.raises(TopologyError) as caught:
        loads(text, file="net.yaml")
    return [str(p) for p in caught.value.problems]


def test_every_anchor_is_refused_where_it_is_written() -> None:
    assert _problems("vpcs:\n  app: &base {cidr: 10.0.0.0/16}\n") == [
        "net.yaml:2:8: anchors and aliases are not supported: write the value out in full "
        "(docs/yaml.md, Limits)"]
    assert _problems("a: 1\nb: *nothing\n")[0].startswith("net.yaml:2:4: anchors and aliases")


def test_control_characters_in_the_file_are_reported_where_they_are() -> None:
    assert _problems("vpcs:\n  app:\n    cidr: 10.0.\x000.0/16\n  db\x1b: {}\n") == [
        "net.yaml:3:16: character U+0000 is not allowed in YAML (control characters other than tab "
        "and line breaks)",
        "net.yaml:4:5: character U+001B is not allowed in YAML (control characters other than tab "
        "and line breaks)"]


def test_control_characters_written_as_escapes_are_refused_too() -> None:
    text = 'vpcs:\n  app:\n    cidr: 10.0.0.0/16\n    tags: {Name: "a\\x01b"}\n'
    assert _problems(text) == [
        "net.yaml:4:18: character U+0001 is not allowed in a value (control characters other than "
        "tab and line breaks)"]


def test_an_oversized_scalar_is_refused() -> None:
    text = f"vpcs:\n  app:\n    cidr: 10.0.0.0/16\n    tags: {{Name: {'x' * 70_000}}}\n"
    assert _problems(text) == [
        "net.yaml:4:18: a value of 70,000 characters is longer than vpclab's limit of 65,536 "
        "(docs/yaml.md, Limits)"]


def test_an_integer_python_cannot_read_is_an_input_error() -> None:
    (problem,) = _problems(f"settings:\n  seed: {'9' * 5000}\n")
    assert problem.startswith("net.yaml:2:9: cannot read the value as int")


def test_an_oversized_file_is_refused_before_it_is_read_whole(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "MAX_FILE_CHARS", 1000)
    big = tmp_path / "big.yaml"
    big.write_text("# padding\n" * 200, encoding="utf-8")
    with pytest.raises(TopologyError) as caught:
        from vpclab import load
        load(big)
    assert [str(p) for p in caught.value.problems] == [
        f"{big}:1:1: the file is larger than vpclab's limit of 0 MiB"]
    with pytest.raises(TopologyError):
        loads("# padding\n" * 200)


def test_intents_files_have_the_same_limits() -> None:
    with pytest.raises(IntentError) as caught:
        loads_intents("- &x {from: a, to: b, expect: reachable}\n- *x\n", "intents.yaml")
    assert str(caught.value.problems[0]).startswith("intents.yaml:1:3: anchors and aliases")


def test_loading_time_grows_linearly() -> None:
    """4× the VPCs (25 accounts, a subnet each) take about 4× the CPU time, not 16×."""
    sys.path.insert(0, str(ROOT))
    try:
        from bench.load import measure
    finally:
        sys.path.remove(str(ROOT))
    measure(200)  # warm up imports and caches
    # the best of three CPU times (a shared machine); linear is 4, the old quadratic count 16
    small = min(measure(500)[1] for _ in range(3))
    large = min(measure(2000)[1] for _ in range(3))
    assert large / small < 8, (small, large)
