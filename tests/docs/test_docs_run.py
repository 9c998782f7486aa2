"""Docs that run: every Python and shell example in README.md and docs/*.md is executed.

A feature is done when a user can use it from the docs, so the docs must run as written.
The conventions (what is run, how expected output and expected non-zero exits are written, how
``vpclab serve`` examples are handled) are in harness.py's docstring and, for doc writers, at the
top of docs/contributing.md. Each block is one test, named ``FILE:LINE`` of its opening fence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main

from . import harness
from .harness import Block, DocFailure, DocSession

#: Blocks (``FILE:LINE``, with the reason) that are knowingly not run. The only skip the harness
#: makes on its own is a ``make`` command (it would run the tests recursively); anything else must
#: be listed here, visibly. Keep it empty.
EXCEPTIONS: dict[str, str] = {}

BLOCKS = harness.runnable_blocks()


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Path, DocSession]]:
    base = tmp_path_factory.mktemp("docs")
    made: dict[Path, DocSession] = {}

    class Sessions(dict[Path, DocSession]):
        def __missing__(self, path: Path) -> DocSession:
            made[path] = self[path] = DocSession.create(path, base)
            return made[path]

    yield Sessions()
    for s in made.values():
        s.close()


def _python_blocks(path: Path) -> list[Block]:
    return [b for b in BLOCKS if b.path == path and b.lang in harness.PYTHON_LANGS]


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_doc_block_runs(block: Block, sessions: dict[Path, DocSession]) -> None:
    if block.id in EXCEPTIONS:
        pytest.skip(EXCEPTIONS[block.id])
    session = sessions[block.path]
    failure = _run_block(block, session)
    if failure:
        pytest.fail(failure, pytrace=False)


def _run_block(block: Block, session: DocSession) -> str | None:
    """None when the block ran as the doc says, else the failure's report."""
    try:
        if block.lang in harness.SHELL_LANGS:
            harness.run_shell(block, session)
            return None
        # Python blocks share their file's namespace: run the earlier ones first (when a single
        # block is selected with -k, or after an earlier block failed)
        earlier = _python_blocks(block.path)
        index = earlier.index(block)
        if session.python_failed is not None:
            return f"{block.id}: not run, an earlier block of the file failed: {session.python_failed}"
        for before in earlier[session.python_done:index]:
            try:
                harness.run_python(before, session)
            except DocFailure:
                session.python_failed = before.id
                raise
            session.python_done += 1
        try:
            harness.run_python(block, session)
        except DocFailure:
            session.python_failed = block.id
            raise
        session.python_done = index + 1
    except DocFailure as exc:
        return str(exc)
    return None


def test_every_doc_has_blocks_found() -> None:
    """The extractor sees the blocks: a doc with an example but no runnable block is a typo'd tag."""
    langs = {b.lang for p in harness.doc_files() for b in harness.blocks_of(p)}
    known = harness.PYTHON_LANGS | harness.SHELL_LANGS | {"", "yaml", "xml", "sql", "text", "json"}
    assert langs <= known, f"unknown fence tags {sorted(langs - known)}: tag examples python/console/sh"
    assert {b.doc for b in BLOCKS} >= {"README.md", "docs/cli.md", "docs/reachability.md"}


def test_untagged_blocks_are_not_examples() -> None:
    """An untagged fence is not run, so it must not look like a shell session or a doctest."""
    for path in harness.doc_files():
        for b in harness.blocks_of(path):
            if b.lang == "" and re.search(r"^(\$ |>>> )", b.text, flags=re.M):
                pytest.fail(f"{b.id}: an untagged block with `$ `/`>>>` prompts: tag it console or python")


def test_output_matching() -> None:
    m = harness.output_matches
    assert m("pcx-… is app-db", "pcx-0123 is app-db")
    assert m("a\n…\nz", "a\nb\nc\nz") and m("a\n…\nz", "a\nz")
    assert not m("a\nz", "a\nb\nz")
    assert m("x   y", "x y")


# ------------------------------------------------------------------------------------------------
# the examples in `vpclab … --help`


def _help_examples() -> list[tuple[str, str]]:
    from vpclab.cli.main import app

    group = typer.main.get_command(app)
    out = []
    for name, cmd in sorted(group.commands.items()):  # type: ignore[attr-defined]
        text = (cmd.help or "").split("Example:", 1)
        assert len(text) == 2, f"`vpclab {name} --help` has no example"
        lines = text[1].replace("\\\n", " ").splitlines()
        example = [ln.strip() for ln in lines if re.match(r"\s*(vpclab |sed |\w+=\S+ .*\baws )", ln)]
        assert example, f"`vpclab {name} --help`: no command after 'Example:'"
        # a line that writes a file the example uses ("where X is …: sed … > X") runs first
        example.sort(key=lambda ln: not re.search(r">\s*\S+\.ya?ml\s*$", ln))
        out.append((name, "\n".join(f"$ {ln}" for ln in example)))
    return out


HELP_EXAMPLES = _help_examples()


@pytest.mark.parametrize(("name", "console"), HELP_EXAMPLES, ids=[n for n, _ in HELP_EXAMPLES])
def test_help_example_runs(name: str, console: str, sessions: dict[Path, DocSession]) -> None:
    """Every `vpclab CMD --help` example names files that exist and runs (exit 0, or 1 for a
    finding: a violated intent, a changed diff — never 2, a usage error)."""
    made = set(re.findall(r">\s*(\S+\.ya?ml)\b", console))
    for word in re.findall(r"[\w./-]+\.ya?ml\b", console):
        if "*" not in word and word not in made:
            assert (harness.ROOT / word).is_file(), f"`vpclab {name} --help`: no such file {word}"
    session = sessions[harness.ROOT / "src/vpclab/cli"]
    block = Block(harness.ROOT / "src/vpclab/cli" / f"{name}.help", 0, "console", console + "\n")
    try:
        harness.run_shell(block, session)
        failure = ""
    except DocFailure as exc:
        failure = "" if "exited 1, the doc expects 0" in str(exc) else str(exc)
    if failure:
        pytest.fail(failure, pytrace=False)


def test_shell_parsing_conventions() -> None:
    text = ("$ cat > f.yaml <<'EOF'\n> a: 1\n> EOF\n$ vpclab validate f.yaml   # exit 1: invalid\n"
            "f.yaml:1:1: …\n$ make test\n$ make run\n")
    cmds = harness.parse_shell(Block(harness.ROOT / "x.md", 1, "console", text))
    assert [c.text for c in cmds] == ["cat > f.yaml <<'EOF'\na: 1\nEOF",
                                      "vpclab validate f.yaml   # exit 1: invalid", "make test", "make run"]
    assert [c.exit_code for c in cmds] == [0, 1, 0, 0] and cmds[1].expected == "f.yaml:1:1: …"
    assert harness.is_make("make test") and harness.is_server("make run")
    assert harness.is_server("vpclab serve --port 4566") and not harness.is_server("vpclab show x.yaml")
    assert not harness.is_server("vpclab serve --port 4566   # exit 3")   # expected to fail: foreground
    assert harness.make_run_command().startswith("vpclab serve ")       # what `make run` starts
    assert harness.rewrite_port("--port 4566 http://127.0.0.1:4566/x", 5000) == "--port 5000 http://127.0.0.1:5000/x"
