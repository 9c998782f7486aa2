"""Runs the examples in README.md and docs/*.md ("docs that run"); used by test_docs_run.py.

Conventions a doc follows (also summarised at the top of docs/contributing.md):

* Fenced blocks tagged ``python``, ``console``, ``bash``, ``sh`` or ``shell`` are executed; other
  tags (``yaml``, ``xml``, ``sql``, ``text``) and untagged fences are not.
* **Python** blocks of one file run in order in one namespace (a fresh one per file). A block with
  ``>>>`` prompts runs as a doctest. In other blocks a result comment ``# → VALUE`` is checked:
  on an expression it is the expression's repr, on a ``print(…)`` the printed text; a comment line
  ``# → …`` right under a statement belongs to that statement.
* A Python block whose first line is ``# excerpt from PATH`` quotes the code at PATH (a file of the
  repository) rather than running it: every code line of the block (comments and blank lines
  aside) must be in that file, in the same order, so the quote stays true.
* **Console** blocks: ``$ cmd`` lines are commands (a command ending in ``\\`` goes on; a heredoc's
  lines, with or without a ``> `` prompt, belong to it); the lines after a command, up to the next
  ``$``, are its expected output (stdout and stderr as a terminal shows them). ``bash``/``sh``/
  ``shell`` blocks without ``$`` prompts are scripts: every line is a command, no output is checked.
  Each block runs in one ``bash`` (so ``export`` and ``$(…)`` work across its lines); every command
  must exit 0 unless its trailing comment begins ``# exit N``.
* In expected output ``…`` matches anything within a line, and a line that is only ``…`` matches
  any number of lines; runs of spaces compare equal to one space.
* **Servers.** ``vpclab serve …``, ``vpclab ui …`` (and ``make run``) in a console block starts in
  the background on a free loopback port, replacing ``4566`` (``127.0.0.1:4566``,
  ``localhost:4566``, ``--port 4566``) all through the block; the block goes on once
  ``/_vpclab/health`` answers, and the server stops at the block's end. A block (Python or shell)
  that talks to ``http://127.0.0.1:4566`` without starting a server itself runs against the
  file's demo server — what ``make run`` serves:
  ``vpclab serve --state :memory: --load examples/two-peered-vpcs.yaml`` — one per doc file.
* ``make`` commands are not run (the tests would recurse), except ``make run``, which starts the
  demo server as above. That is the only skip; see EXCEPTIONS in test_docs_run.py for others.
* Every block runs in a scratch directory per doc file that mirrors the repository root (symlinks
  to its top-level entries), so ``examples/…`` paths work and written files do not litter the tree.
  ``vpclab`` and ``aws`` are the test interpreter's (its bin directory is first on PATH).
"""

from __future__ import annotations

import ast
import contextlib
import doctest
import io
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import tokenize
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PYTHON_LANGS = {"python", "py", "pycon"}
SHELL_LANGS = {"console", "bash", "sh", "shell", "shell-session"}
DOC_PORT = "4566"
#: the network ``make run`` serves; Python and shell blocks that use 127.0.0.1:4566 meet it
DEMO_SERVE = "vpclab serve --state :memory: --load examples/two-peered-vpcs.yaml"
SERVER_TIMEOUT = 60.0
BLOCK_TIMEOUT = 180.0


# ---------------------------------------------------------------------------------------------
# finding the blocks


@dataclass(frozen=True)
class Block:
    path: Path          # the doc file
    line: int           # 1-based line of the opening fence
    lang: str
    text: str           # the block's content, dedented

    @property
    def doc(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"


_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)\s*(?P<info>[^`\s]*)")


def blocks_of(path: Path) -> list[Block]:
    """Every fenced block of a Markdown file, tagged or not (untagged: lang "")."""
    out: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, start = m["fence"], i
        body: list[str] = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i])
            i += 1
        i += 1
        out.append(Block(path, start + 1, m["info"].lower(), textwrap.dedent("\n".join(body)) + "\n"))
    return out


def doc_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def runnable_blocks() -> list[Block]:
    return [b for p in doc_files() for b in blocks_of(p) if b.lang in PYTHON_LANGS | SHELL_LANGS]


# ---------------------------------------------------------------------------------------------
# comparing output


def _norm(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip()


def _line_matches(want: str, got: str) -> bool:
    pattern = ".*?".join(re.escape(part) for part in _norm(want).split("…"))
    return re.fullmatch(pattern, _norm(got), flags=re.S) is not None


def output_matches(want: str, got: str) -> bool:
    """Whether ``got`` is ``want`` (``…`` within a line: anything; a ``…`` line: any lines)."""
    wl = [w for w in want.strip("\n").splitlines()]
    gl = [g for g in got.strip("\n").splitlines()]

    def match(i: int, j: int) -> bool:
        if i == len(wl):
            return j == len(gl)
        if _norm(wl[i]) == "…":
            return any(match(i + 1, k) for k in range(j, len(gl) + 1))
        return j < len(gl) and _line_matches(wl[i], gl[j]) and match(i + 1, j + 1)

    return match(0, 0)


class _Checker(doctest.OutputChecker):
    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        return super().check_output(want, got, optionflags) or output_matches(want, got)


# ---------------------------------------------------------------------------------------------
# servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rewrite_port(text: str, port: int) -> str:
    return re.sub(rf"(127\.0\.0\.1:|localhost:|--port[ =]){DOC_PORT}\b", rf"\g<1>{port}", text)


def wait_healthy(port: int, proc: subprocess.Popen[Any] | None = None,
                 timeout: float = SERVER_TIMEOUT) -> None:
    url = f"http://127.0.0.1:{port}/_vpclab/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def make_run_command() -> str:
    """The ``vpclab serve`` line of the Makefile's ``run`` target, as a shell command."""
    recipe = re.search(r"^run:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), flags=re.M)
    serve = [ln.strip() for ln in (recipe[1].splitlines() if recipe else []) if "vpclab serve" in ln]
    if not serve:
        raise RuntimeError("the Makefile's run target has no `vpclab serve` line")
    cmd = re.sub(r"\$\((?:BIN|VENV)\)/(?:bin/)?", "", serve[0])
    cmd = re.sub(r"--port[ =]\S+", "", cmd)
    return re.sub(r"\$\(\w+\)", "", cmd).strip()


# ---------------------------------------------------------------------------------------------
# one doc file's session: scratch directory, Python namespace, demo server


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    env["COLUMNS"] = "200"        # rich does not wrap the lines the docs show
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("VIRTUAL_ENV", None)
    return env


@dataclass
class DocSession:
    path: Path
    scratch: Path
    namespace: dict[str, Any] = field(default_factory=dict)
    python_done: int = 0                       # python blocks of the file already run
    python_failed: str | None = None           # the id of a python block that failed
    server: subprocess.Popen[bytes] | None = None
    server_port: int = 0
    server_log: Path | None = None

    @classmethod
    def create(cls, path: Path, base: Path) -> DocSession:
        scratch = Path(tempfile.mkdtemp(prefix=path.stem + "-", dir=base))
        for entry in ROOT.iterdir():
            if entry.name not in {".git"}:
                (scratch / entry.name).symlink_to(entry)
        return cls(path, scratch)

    def demo_server(self) -> int:
        """The port of this file's demo server (started on first use)."""
        if self.server is None:
            self.server_port = free_port()
            self.server_log = self.scratch / "demo-server.log"
            cmd = f"{DEMO_SERVE} --port {self.server_port}"
            with open(self.server_log, "wb") as log:
                self.server = subprocess.Popen(["bash", "-c", "exec " + cmd], cwd=self.scratch,
                                               env=clean_env(), stdout=log, stderr=subprocess.STDOUT,
                                               start_new_session=True)
            try:
                wait_healthy(self.server_port, self.server)
            except RuntimeError as exc:
                raise RuntimeError(f"demo server `{cmd}`: {exc}\n{self.server_log.read_text()}") from None
        return self.server_port

    def close(self) -> None:
        if self.server is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait()
            self.server = None


class DocFailure(AssertionError):
    """A doc example did not run as written; the message shows the block, command and output."""


def _numbered(block: Block, text: str | None = None) -> str:
    lines = (text if text is not None else block.text).rstrip("\n").splitlines()
    return "\n".join(f"{block.line + 1 + n:5d} | {ln}" for n, ln in enumerate(lines))


# ---------------------------------------------------------------------------------------------
# Python blocks


def uses_endpoint(text: str) -> bool:
    return re.search(rf"(127\.0\.0\.1|localhost):{DOC_PORT}\b", text) is not None


def _expectations(source: str) -> dict[int, str]:
    """``# → VALUE`` comments, by the line they are on."""
    found: dict[int, str] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            m = re.match(r"#\s*→\s?(.*)$", tok.string)
            if m:
                found[tok.start[0]] = m[1].rstrip()
    return found


@contextlib.contextmanager
def _in_dir_with_env(cwd: Path) -> Iterator[None]:
    old_cwd, old_env = os.getcwd(), dict(os.environ)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(clean_env())
    try:
        yield
    finally:
        os.chdir(old_cwd)
        os.environ.clear()
        os.environ.update(old_env)


_EXCERPT = re.compile(r"#\s*excerpt from\s+(\S+)")


def check_excerpt(block: Block, source: str) -> None:
    """A quoted block's code lines are in ``source`` (a repository path), in order."""
    path = ROOT / source
    if not path.is_file():
        raise DocFailure(f"{block.id}: the block quotes {source}, which does not exist")
    have = [_norm(ln) for ln in path.read_text(encoding="utf-8").splitlines()]
    pos = 0
    for n, line in enumerate(block.text.splitlines()[1:], start=block.line + 2):
        code = _norm(_strip_comment(line))
        if not code:
            continue
        try:
            pos = have.index(code, pos) + 1
        except ValueError:
            raise DocFailure(f"{block.id}: line {n} is not in {source} (after the lines quoted above it):\n"
                             f"    {line.strip()}\n\n{_numbered(block)}") from None


def _strip_comment(line: str) -> str:
    """The line without a trailing ``# comment`` (tokenize-free: a ``#`` outside quotes)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def run_python(block: Block, session: DocSession) -> str:
    """Run one Python block in the file's namespace; returns what it printed."""
    text = block.text
    first = text.splitlines()[0] if text.strip() else ""
    excerpt = _EXCERPT.match(first.strip())
    if excerpt:
        check_excerpt(block, excerpt[1])
        return ""
    if uses_endpoint(text):
        text = rewrite_port(text, session.demo_server())
    with _in_dir_with_env(session.scratch):
        if re.search(r"^\s*>>>", text, flags=re.M):
            return _run_doctest(block, text, session.namespace)
        return _run_statements(block, text, session.namespace)


def _run_doctest(block: Block, text: str, ns: dict[str, Any]) -> str:
    test = doctest.DocTestParser().get_doctest(text, ns, block.id, str(block.path), block.line)
    out = io.StringIO()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    runner = doctest.DocTestRunner(checker=_Checker(), optionflags=flags)
    runner.run(test, out=out.write, clear_globs=False)
    ns.update(test.globs)
    if runner.failures:
        raise DocFailure(f"{block.id}: doctest failed\n{out.getvalue()}")
    return ""


def _run_statements(block: Block, text: str, ns: dict[str, Any]) -> str:
    filename = f"{block.doc}:{block.line}"
    try:
        tree = ast.parse(text, filename)
        expected = _expectations(text)
    except SyntaxError as exc:
        raise DocFailure(f"{block.id}: the block is not valid Python: {exc}\n"
                         f"{_numbered(block, text)}") from None
    lines = text.splitlines()
    printed: list[str] = []
    for i, stmt in enumerate(tree.body):
        end = stmt.end_lineno or stmt.lineno
        nxt = tree.body[i + 1].lineno if i + 1 < len(tree.body) else len(lines) + 1
        want = expected.get(end)
        if want is None:                                   # a `# → …` comment line right below
            for ln in range(end + 1, nxt):
                if ln in expected and lines[ln - 1].lstrip().startswith("#"):
                    want = expected[ln]
                    break
        is_print = (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)
                    and isinstance(stmt.value.func, ast.Name) and stmt.value.func.id == "print")
        buf = io.StringIO()
        ast.increment_lineno(stmt, block.line)            # tracebacks name the doc's own lines
        try:
            with contextlib.redirect_stdout(buf):
                if isinstance(stmt, ast.Expr) and not is_print:
                    value = eval(compile(ast.Expression(stmt.value), filename, "eval"), ns)
                    got = repr(value)
                else:
                    exec(compile(ast.Module([stmt], []), filename, "exec"), ns)
                    got = buf.getvalue().rstrip("\n")
        except Exception as exc:
            import traceback

            tb = "".join(traceback.format_exception(exc))
            raise DocFailure(f"{block.id}: line {stmt.lineno} raised {type(exc).__name__}\n"
                             f"{_numbered(block, text)}\n\nprinted before:\n{''.join(printed)}\n"
                             f"{tb}") from None
        printed.append(buf.getvalue())
        if want is not None and not output_matches(want, got):
            raise DocFailure(f"{block.id}: line {stmt.lineno}: the doc says\n    → {want}\n"
                             f"but it is\n    → {got}\n\n{_numbered(block, text)}")
    return "".join(printed)


# ---------------------------------------------------------------------------------------------
# shell blocks


@dataclass
class Command:
    line: int          # line in the doc
    text: str          # as written (without the prompt)
    expected: str      # expected output ("" when none is shown)
    exit_code: int


_HEREDOC = re.compile(r"<<-?\s*(['\"]?)(\w+)\1")
_EXIT = re.compile(r"(?:^|\s)#\s*exit\s+(\d+)\b")


def parse_shell(block: Block) -> list[Command]:
    lines = block.text.rstrip("\n").splitlines()
    prompted = any(ln.startswith("$ ") or ln == "$" for ln in lines)
    cmds: list[Command] = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        if prompted and not raw.startswith("$"):
            raise DocFailure(f"{block.id}: line {block.line + 1 + i} is output with no `$` command above it")
        first = raw[2:] if prompted else raw
        if not prompted and (not first.strip() or first.lstrip().startswith("#")):
            i += 1
            continue
        start = i
        parts = [first]
        i += 1
        while parts[-1].endswith("\\") and i < len(lines):          # continuation lines
            parts.append(lines[i][2:] if lines[i].startswith("> ") else lines[i])
            i += 1
        m = _HEREDOC.search("\n".join(parts))
        if m:                                                         # heredoc body up to its word
            while i < len(lines):
                body = lines[i][2:] if lines[i].startswith("> ") else lines[i]
                parts.append(body)
                i += 1
                if body.strip() == m[2]:
                    break
        text = "\n".join(parts)
        out: list[str] = []
        if prompted:
            while i < len(lines) and not lines[i].startswith("$"):
                out.append(lines[i])
                i += 1
        ex = _EXIT.search(parts[0])
        cmds.append(Command(block.line + 1 + start, text, "\n".join(out), int(ex[1]) if ex else 0))
    return cmds


def _words(cmd: str) -> list[str]:
    try:
        words = shlex.split(cmd, comments=True)
    except ValueError:
        return []
    while words and re.match(r"^\w+=", words[0]):                   # leading VAR=value
        words.pop(0)
    return words


def is_server(cmd: str) -> bool:
    """A command that starts a server (not one the doc expects to fail: ``# exit N``, N > 0)."""
    w = _words(cmd)
    expected = _EXIT.search(cmd)
    if expected is not None and int(expected.group(1)) != 0:
        return False
    return (w[:2] in (["vpclab", "serve"], ["vpclab", "ui"]) or w[:3] == ["python", "-m", "vpclab.cli.serve"]
            or w[:2] == ["make", "run"])


def is_make(cmd: str) -> bool:
    return _words(cmd)[:1] == ["make"]


_WAIT = ("import sys, time, urllib.request\n"
         "url = sys.argv[1]; deadline = time.monotonic() + float(sys.argv[2])\n"
         "while time.monotonic() < deadline:\n"
         "    try:\n"
         "        urllib.request.urlopen(url, timeout=2); sys.exit(0)\n"
         "    except OSError: time.sleep(0.1)\n"
         "sys.exit(f'{url} did not answer')\n")


def run_shell(block: Block, session: DocSession) -> str:
    """Run a shell block in bash, command by command; raises DocFailure naming the failing one."""
    cmds = parse_shell(block)
    starts_server = any(is_server(c.text) for c in cmds)
    port = free_port() if starts_server else (session.demo_server() if uses_endpoint(block.text) else 0)
    work = Path(tempfile.mkdtemp(prefix="cmd-", dir=session.scratch.parent))
    script = ["__srv=''", "trap 'for p in $__srv; do kill $p 2>/dev/null; done; wait' EXIT", "__rc=0"]
    shown: list[str] = []
    for k, c in enumerate(cmds):
        text = rewrite_port(c.text, port) if port else c.text
        if is_server(text):
            if _words(text)[:2] == ["make", "run"]:
                text = make_run_command()
            text = re.sub(r"\s#.*$", "", text)  # a trailing comment first: the port goes on the command
            if not re.search(r"--port[ =]\d+", text):
                text = text.rstrip() + f" --port {port}"
            script.append(f"{{ {text}\n}} >{work}/srv{k}.log 2>&1 & __srv=\"$__srv $!\"")
            script.append(f'"{sys.executable}" -c {shlex.quote(_WAIT)} '
                          f"http://127.0.0.1:{port}/_vpclab/health {SERVER_TIMEOUT} >{work}/{k}.out 2>&1;"
                          f" __rc=$?; echo $__rc >{work}/{k}.rc; [ $__rc -eq 0 ] || exit 0")
        elif is_make(text):
            script.append(f"echo 'not run: make commands would run the tests recursively' >{work}/{k}.out;"
                          f" echo 0 >{work}/{k}.rc")
        else:
            script.append(f"(exit $__rc); {{ {text}\n}} >{work}/{k}.out 2>&1; __rc=$?;"
                          f" echo $__rc >{work}/{k}.rc; [ $__rc -eq {c.exit_code} ] || exit 0")
        shown.append(text)
    proc = subprocess.Popen(["bash", "-c", "\n".join(script)], cwd=session.scratch, env=clean_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        bash_out, _ = proc.communicate(timeout=BLOCK_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        bash_out, _ = proc.communicate()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)      # servers the trap may have missed
    transcript: list[str] = []

    def servers() -> str:
        logs = sorted(work.glob("srv*.log"))
        return "".join(f"\n--- server log ({p.name}) ---\n{p.read_text(errors='replace')}" for p in logs)

    for k, c in enumerate(cmds):
        rc_file = work / f"{k}.rc"
        if not rc_file.exists():
            raise DocFailure(f"{block.id}: line {c.line}: `{shown[k]}` did not run"
                             f" (bash: {bash_out.decode()})\n{_numbered(block)}{servers()}")
        rc = int(rc_file.read_text())
        got = (work / f"{k}.out").read_text(errors="replace")
        transcript.append(f"$ {shown[k]}\n{got}")
        expected_rc = 0 if is_server(c.text) or is_make(c.text) else c.exit_code
        if rc != expected_rc:
            raise DocFailure(
                f"{block.id}: line {c.line}: `{shown[k]}` exited {rc}, the doc expects {expected_rc}"
                f" (mark an expected failure with a trailing `# exit N`)\n\n{_numbered(block)}\n\n"
                f"--- output (stdout and stderr) ---\n{got}{servers()}")
        if c.expected.strip() and not output_matches(c.expected, got):
            raise DocFailure(
                f"{block.id}: line {c.line}: `{shown[k]}` printed other output than the doc shows\n\n"
                f"--- the doc ---\n{c.expected}\n--- the command ---\n{got}\n\n{_numbered(block)}{servers()}")
    return "".join(transcript)
