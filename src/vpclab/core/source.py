"""Reading a YAML file (a topology, an intents file) with ruamel.yaml, keeping every key's and
value's line and column, and the errors that point into it.

A location is a path of keys and list indexes (``("vpcs", "app", "subnets", "web", "cidr")``),
the same shape pydantic uses for its error locations, so validation errors point into the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from .errors import VpclabError

Loc = tuple[str | int, ...]


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One mistake in an input file: where (1-based line and column), what, and AWS's code if any."""

    file: str
    line: int
    column: int
    message: str
    code: str | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class InputError(VpclabError):
    """A file that cannot be read (a topology, an intents file).

    ``problems`` lists every mistake found, in file order.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """Every problem, one per line, as users see them."""
        return "\n".join(str(p) for p in self.problems)


@dataclass(frozen=True, slots=True)
class Source:
    """A parsed YAML file: its name (as users see it) and the ruamel tree."""

    file: str
    tree: Any

    def position(self, loc: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value at ``loc`` (of its key when ``key``).

        When the path leaves the tree (a missing key), the deepest existing node is used.
        """
        node = self.tree
        line, col = 1, 1
        for i, part in enumerate(loc):
            last = i == len(loc) - 1
            if isinstance(node, CommentedMap) and _has_key(node, part):
                k = _key(node, part)
                child = node[k]
                pos = node.lc.key(k) if (key and last) or _is_node(child) else node.lc.value(k)
                node = child
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                pos = node.lc.item(part)
                node = node[part]
            else:
                break
            line, col = pos[0] + 1, pos[1] + 1
        return line, col

    def problem(self, loc: Sequence[str | int], message: str, *, code: str | None = None,
                key: bool = False) -> Problem:
        line, col = self.position(loc, key=key)
        return Problem(self.file, line, col, message, code)


def _is_node(value: Any) -> bool:
    return isinstance(value, CommentedMap | CommentedSeq)


def _has_key(node: CommentedMap, part: str | int) -> bool:
    return part in node or str(part) in node or _int_key(part) in node


def _key(node: CommentedMap, part: str | int) -> Any:
    for candidate in (part, str(part), _int_key(part)):
        if candidate in node:
            return candidate
    return part


def _int_key(part: str | int) -> int | str:
    try:
        return int(part)
    except (TypeError, ValueError):
        return part


def parse(text: str, file: str, error: type[InputError] = InputError) -> Source:
    """Parse YAML text; a syntax error raises ``error`` with the parser's position."""
    yaml = YAML(typ="rt")
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.context}, {exc.problem}"
        raise error([Problem(file, line, col, f"YAML syntax error: {what}")]) from None
    if tree is None:
        tree = CommentedMap()
    return Source(file, tree)


def plain(value: Any) -> Any:
    """The ruamel tree as plain dicts/lists/scalars (what pydantic validates)."""
    if isinstance(value, dict):
        return {(str(k) if not isinstance(k, int | bool) else k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value
