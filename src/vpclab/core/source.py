"""Reading a YAML file (a topology, an intents file), keeping every key's and value's line and
column, and the errors that point into it.

A location is a path of keys and list indexes (``("vpcs", "app", "subnets", "web", "cidr")``),
the same shape pydantic uses for its error locations, so validation errors point into the file.

Safe by construction (docs/yaml.md, "Limits"): the file is at most ``MAX_FILE_CHARS`` characters
and holds no control characters; the tree is built here from the parser's *events*, one at a
time and without recursion, so an anchor or alias is refused where it is written (before anything
is expanded: a "billion laughs" file costs nothing), nesting deeper than ``MAX_DEPTH`` and
scalars longer than ``MAX_SCALAR_CHARS`` are refused as they are met. Every refusal is an
InputError with the file, line and column.

Events come from libyaml (PyYAML's C parser) for speed; scalars are typed as ruamel.yaml's
round-trip loader types them (YAML 1.2: ``yes`` is a string, ``0777`` the integer 777). When
libyaml reports a syntax error, or the file declares a YAML version other than 1.2, the same
events are read with ruamel.yaml's pure-Python parser, whose messages and YAML 1.2 grammar decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml as libyaml  # type: ignore[import-untyped]  # PyYAML ships no type hints
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.tag import Tag

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


#: The largest file read, in characters (bytes for a file on disk): 50 MiB. A topology of
#: 100,000 VPCs with a subnet each is about 10 MB.
MAX_FILE_CHARS = 50 * 2**20
#: The deepest nesting of mappings and lists (a topology needs about 8 levels).
MAX_DEPTH = 64
#: The longest scalar (a key or a value), in characters: 64 KiB (AWS's longest free-text inputs a
#: topology carries — tag values, descriptions — are 256 characters or fewer).
MAX_SCALAR_CHARS = 64 * 2**10
#: At most this many control-character problems are listed (the first ones in the file).
MAX_CHARACTER_PROBLEMS = 10

#: Characters YAML does not allow in a stream (YAML 1.2, "Character Set"): C0 controls other than
#: tab, LF and CR; DEL; C1 controls other than NEL; surrogates; U+FFFE and U+FFFF.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: What a scalar may not hold once its escapes are read ("\0", "\x01", "\e", … in double quotes).
_CONTROL_IN_VALUE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")

#: YAML's own scalar tags, typed by ruamel.yaml's round-trip constructor; other tags are ignored.
_STANDARD_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in (
    "str", "int", "float", "bool", "null", "timestamp", "binary"))
_STR = "tag:yaml.org,2002:str"


class YamlMap(dict[Any, Any]):
    """A YAML mapping with the 0-based (line, column) of each key and value."""

    __slots__ = ("key_at", "value_at")

    def __init__(self) -> None:
        super().__init__()
        self.key_at: dict[Any, tuple[int, int]] = {}
        self.value_at: dict[Any, tuple[int, int]] = {}


class YamlSeq(list[Any]):
    """A YAML sequence with the 0-based (line, column) of each item."""

    __slots__ = ("item_at",)

    def __init__(self) -> None:
        super().__init__()
        self.item_at: list[tuple[int, int]] = []


@dataclass(frozen=True, slots=True)
class Source:
    """A parsed YAML file: its name (as users see it) and the tree (YamlMap, YamlSeq, scalars)."""

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
            if isinstance(node, YamlMap) and _has_key(node, part):
                k = _key(node, part)
                child = node[k]
                pos = node.key_at[k] if (key and last) or _is_node(child) else node.value_at[k]
                node = child
            elif isinstance(node, YamlSeq) and isinstance(part, int) and 0 <= part < len(node):
                pos = node.item_at[part]
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
    return isinstance(value, YamlMap | YamlSeq)


def _has_key(node: YamlMap, part: str | int) -> bool:
    return part in node or str(part) in node or _int_key(part) in node


def _key(node: YamlMap, part: str | int) -> Any:
    for candidate in (part, str(part), _int_key(part)):
        if candidate in node:
            return candidate
    return part


def _int_key(part: str | int) -> int | str:
    try:
        return int(part)
    except (TypeError, ValueError):
        return part


def read(path: str | Path, error: type[InputError] = InputError) -> str:
    """The text of a UTF-8 file of at most MAX_FILE_CHARS bytes, or ``error`` (file:1:1)."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_CHARS + 1)
        if len(data) > MAX_FILE_CHARS:
            raise error([Problem(str(path), 1, 1, _too_large())])
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise error([Problem(str(path), 1, 1, f"cannot read file: {reason}")]) from None


def _too_large() -> str:
    return f"the file is larger than vpclab's limit of {MAX_FILE_CHARS // 2**20} MiB"


def parse(text: str, file: str, error: type[InputError] = InputError) -> Source:
    """Parse YAML text; a syntax error or a refused construct raises ``error`` with its position."""
    if len(text) > MAX_FILE_CHARS:
        raise error([Problem(file, 1, 1, _too_large())])
    bad = _characters(text, file)
    if bad:
        raise error(bad)
    try:
        try:
            tree = _Composer(file, YAML(typ="rt")).compose(libyaml.parse(text, Loader=_LOADER))
        except (libyaml.YAMLError, _Fallback) as exc:
            mark = getattr(exc, "problem_mark", None)  # libyaml stops at 1,000 levels, before our 64:
            if mark is not None and "maximum nesting depth" in str(getattr(exc, "problem", "")):
                raise _Refused(Problem(file, mark.line + 1, mark.column + 1, _TOO_DEEP)) from None
            ruamel = YAML(typ="rt")  # its messages and YAML 1.2 grammar decide; its resolver follows %YAML
            tree = _Composer(file, ruamel, fallback=True).compose(ruamel.parse(text))
    except _Refused as exc:
        raise error([exc.problem]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.context}, {exc.problem}"
        raise error([Problem(file, line, col, f"YAML syntax error: {what}")]) from None
    except YAMLError as exc:  # pragma: no cover - ruamel's unmarked errors (its reader's are pre-checked)
        raise error([Problem(file, 1, 1, f"YAML syntax error: {exc}")]) from None
    return Source(file, YamlMap() if tree is None else tree)


_LOADER = getattr(libyaml, "CSafeLoader", libyaml.SafeLoader)  # the C parser when PyYAML has libyaml


def _characters(text: str, file: str) -> list[Problem]:
    """Each character YAML does not allow (the first MAX_CHARACTER_PROBLEMS), with its position."""
    problems = []
    for m in _NOT_PRINTABLE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        problems.append(Problem(file, line, col, f"{_describe(m.group())} is not allowed in YAML "
                                                 "(control characters other than tab and line breaks)"))
        if len(problems) == MAX_CHARACTER_PROBLEMS:
            break
    return problems


def _describe(ch: str) -> str:
    return f"character U+{ord(ch):04X}"


_TOO_DEEP = f"nesting deeper than {MAX_DEPTH} levels is not supported (docs/yaml.md, Limits)"


class _Refused(Exception):
    """A construct vpclab does not read (alias, depth, size, character): one Problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


class _Fallback(Exception):
    """The document declares a YAML version other than 1.2: read it with ruamel.yaml's parser."""


class _Composer:
    """Events → YamlMap/YamlSeq/scalars, with a stack instead of recursion, refusing as it goes."""

    def __init__(self, file: str, loader: YAML, *, fallback: bool = False) -> None:
        self.file = file
        self.fallback = fallback
        self.resolver = loader.resolver
        self.constructor = loader.constructor
        self._implicit: dict[Any, list[tuple[str, Any]]] | None = None

    def _resolve(self, value: str, plain: bool) -> str:
        """The tag of an untagged scalar: ruamel.yaml's resolver's (``VersionedResolver.resolve``),
        its rules for the document's YAML version looked up once, not per scalar."""
        if plain:
            if self._implicit is None:  # after the document start: the %YAML directive is known
                self._implicit = self.resolver.versioned_resolver
            rules = self._implicit.get(value[0] if value else "", []) + self._implicit.get(None, [])
            for tag, regexp in rules:
                if regexp.match(value):
                    return str(tag)
        return _STR

    def refuse(self, mark: Any, message: str) -> _Refused:
        return _Refused(Problem(self.file, mark.line + 1, mark.column + 1, message))

    def compose(self, events: Iterable[Any]) -> Any:
        root: Any = None
        documents = 0
        # each frame: [container, pending key (maps), its key node's mark (maps), start mark]
        stack: list[list[Any]] = []
        for ev in events:
            kind = type(ev).__name__
            if kind in ("StreamStartEvent", "StreamEndEvent", "DocumentEndEvent"):
                continue
            if kind == "DocumentStartEvent":
                documents += 1
                if documents > 1:
                    raise MarkedYAMLError("expected a single document in the stream", None,
                                          "but found another document", ev.start_mark)
                version = getattr(ev, "version", None)
                if version is not None and tuple(version) != (1, 2) and not self.fallback:
                    raise _Fallback
                continue
            if kind == "AliasEvent" or getattr(ev, "anchor", None) is not None:
                raise self.refuse(ev.start_mark, "anchors and aliases are not supported: write the "
                                                 "value out in full (docs/yaml.md, Limits)")
            if kind in ("MappingEndEvent", "SequenceEndEvent"):
                value, _, _, start = stack.pop()
                if stack:
                    self._add(stack[-1], value, start)
                else:
                    root = value
                continue
            if kind in ("MappingStartEvent", "SequenceStartEvent"):
                if len(stack) >= MAX_DEPTH:
                    raise self.refuse(ev.start_mark, _TOO_DEEP)
                container = YamlMap() if kind == "MappingStartEvent" else YamlSeq()
                stack.append([container, _NO_KEY, None, ev.start_mark])
                continue
            value = self._scalar(ev)  # ScalarEvent
            if stack:
                self._add(stack[-1], value, ev.start_mark)
            else:
                root = value
        return root

    def _add(self, frame: list[Any], value: Any, mark: Any) -> None:
        """Put ``value`` (which starts at ``mark``) into the open container ``frame``."""
        container = frame[0]
        if isinstance(container, YamlSeq):
            container.append(value)
            container.item_at.append((mark.line, mark.column))
            return
        if frame[1] is _NO_KEY:
            if _is_node(value):
                raise self.refuse(mark, "a mapping key must be a scalar, not a mapping or a list")
            frame[1], frame[2] = value, mark
            return
        key, key_mark = frame[1], frame[2]
        frame[1] = _NO_KEY
        if key in container:
            raise MarkedYAMLError("while constructing a mapping", frame[3],
                                  f'found duplicate key "{key}" with value "{value}" '
                                  f'(original value: "{container[key]}")', key_mark)
        container[key] = value
        container.key_at[key] = (key_mark.line, key_mark.column)
        container.value_at[key] = (mark.line, mark.column)

    def _scalar(self, ev: Any) -> Any:
        value = ev.value
        if len(value) > MAX_SCALAR_CHARS:
            raise self.refuse(ev.start_mark, f"a value of {len(value):,} characters is longer than "
                                             f"vpclab's limit of {MAX_SCALAR_CHARS:,} (docs/yaml.md, Limits)")
        bad = _CONTROL_IN_VALUE.search(value)
        if bad:
            raise self.refuse(ev.start_mark, f"{_describe(bad.group())} is not allowed in a value "
                                             "(control characters other than tab and line breaks)")
        tag = ev.tag
        if tag is None or tag == "!":
            tag = self._resolve(value, ev.implicit[0])
        if tag == _STR or tag not in _STANDARD_SCALAR_TAGS:
            return value
        try:
            return self.constructor.construct_object(
                ScalarNode(Tag(suffix=tag), value, ev.start_mark, ev.end_mark, style=ev.style))
        except (ValueError, TypeError, OverflowError) as exc:
            what = tag.rsplit(":", 1)[-1]
            raise self.refuse(ev.start_mark, f"cannot read the value as {what}: {exc}") from None


_NO_KEY = object()


def plain(value: Any) -> Any:
    """The ruamel tree as plain dicts/lists/scalars (what pydantic validates)."""
    if isinstance(value, dict):
        return {(str(k) if not isinstance(k, int | bool) else k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value
