"""Shape validation: pydantic's errors as Problems that point into the file, with hints.

    unknown key 'cidrr' (did you mean 'cidr'?)
    expected true or false, got 'yes please'
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from ..core.source import Loc, Source, plain
from .errors import Problem
from .schema import Topology


def validate(source: Source) -> tuple[Topology | None, list[Problem]]:
    """The validated Topology, or None and every shape problem (in file order)."""
    data = plain(source.tree)
    if not isinstance(data, dict):
        return None, [source.problem((), f"expected a mapping at the top of the file, got {_kind(data)}")]
    try:
        return Topology.model_validate(data), []
    except ValidationError as exc:
        return None, _problems(source, data, exc)


def _problems(source: Source, data: dict[str, Any], exc: ValidationError) -> list[Problem]:
    # union members report one error each at the same place: merge them into one message
    merged: dict[tuple[Loc, str], list[str]] = {}
    keys: dict[tuple[Loc, str], bool] = {}
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        path = _tree_path(data, loc, err["type"])
        kind = err["type"]
        at_key = kind in ("extra_forbidden",) or "[key]" in loc
        message = _message(err, loc, path)
        slot = (path, "key" if at_key else "value")
        merged.setdefault(slot, [])
        if message not in merged[slot]:
            merged[slot].append(message)
        keys[slot] = at_key
    # "unknown key 'acceptor' (did you mean 'accepter'?)" already says what "missing 'accepter'" would
    hinted = {(p[:-1], m.split("did you mean '")[1].split("'")[0]) for (p, _), ms in merged.items()
              for m in ms if "did you mean '" in m}
    problems = []
    for (path, _), messages in merged.items():
        messages = [m for m in messages
                    if not (m.startswith("missing required key '") and (path, m.split("'")[1]) in hinted)]
        if not messages:
            continue
        label = ".".join(str(p) for p in path) or "file"
        text = messages[0] if len(messages) == 1 else _join_union(messages)
        problems.append(source.problem(path, f"{label}: {text}", key=keys[(path, _)]))
    return sorted(problems)


def _tree_path(data: Any, loc: Loc, kind: str) -> Loc:
    """The part of pydantic's location that exists in the file (union member tags dropped)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if part == "[key]":
            break
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, int | str) and _as_int(part) in node:
            node = node[_as_int(part)]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif kind == "missing" and part == loc[-1]:
            break
        else:
            continue
    return tuple(path)


def _as_int(part: str | int) -> Any:
    try:
        return int(part)
    except (TypeError, ValueError):
        return part


def _message(err: Any, loc: Loc, path: Loc) -> str:
    kind, got = err["type"], err.get("input")
    if kind == "missing":
        return f"missing required key '{loc[-1]}'"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        if hint:
            return f"unknown key '{loc[-1]}' (did you mean '{hint[0]}'?)"
        return f"unknown key '{loc[-1]}' (expected one of: {', '.join(allowed)})"
    if kind == "string_pattern_mismatch":
        return (f"invalid name {got!r}: a name is letters, digits, '.', '_' and '-', "
                "starting with a letter or digit")
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping, got {_kind(got)}"
    if kind == "list_type":
        return f"expected a list, got {_kind(got)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {got!r}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected an integer, got {got!r}"
    if kind == "string_type":
        return f"expected a string, got {_kind(got)} {got!r}"
    msg = str(err["msg"])
    if msg.startswith("Input should be "):
        return f"expected {msg.removeprefix('Input should be ')}, got {got!r}"
    return msg


def _join_union(messages: list[str]) -> str:
    wanted = [m.split(", got ")[0].removeprefix("expected ") for m in messages if m.startswith("expected ")]
    got = messages[0].split(", got ", 1)[1] if ", got " in messages[0] else None
    if wanted and len(wanted) == len(messages):
        return f"expected {' or '.join(wanted)}" + (f", got {got}" if got else "")
    return "; ".join(messages)


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    return names.get(type(value), type(value).__name__)


def _allowed_keys(loc: Loc) -> list[str]:
    """The keys a mapping at ``loc`` accepts, found by walking the models' annotations."""
    tp: Any = Topology
    for part in loc:
        tp = _step(tp, part)
        if tp is None:
            return []
    model = _model_in(tp)
    return list(model.model_fields) if model else []


def _step(tp: Any, part: str | int) -> Any:
    model = _model_in(tp)
    if model is not None:
        field = model.model_fields.get(str(part))
        return field.annotation if field else None
    tp = _unwrap(tp)
    origin = typing.get_origin(tp)
    if origin in (dict, list):
        return typing.get_args(tp)[-1]
    return None


def _unwrap(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    if typing.get_origin(tp) in (Union, types.UnionType):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        for m in members:
            if typing.get_origin(_unwrap(m)) in (dict, list) or _model_in(m):
                return _unwrap(m)
        return members[0] if members else tp
    return tp


def _model_in(tp: Any) -> type[BaseModel] | None:
    tp = _unwrap(tp) if typing.get_origin(tp) is not None else tp
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None
