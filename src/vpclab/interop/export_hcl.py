"""A small HCL writer: blocks of attributes, references written as expressions, strings quoted."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Expr:
    """An HCL expression written as is: ``aws_vpc.prod.id``, ``cidrsubnet(...)``."""

    text: str


@dataclass
class Block:
    """``TYPE "LABEL" "LABEL" { attrs, nested blocks }``; ``group`` is the file it goes to (``--split``)."""

    type: str
    labels: tuple[str, ...]
    attrs: dict[str, Any] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    group: str = "main"
    comment: str = ""


def identifier(name: str) -> str:
    """A valid HCL identifier for a resource name: letters, digits, ``_`` and ``-``, not starting
    with a digit or a dash."""
    spelled = re.sub(r"[^A-Za-z0-9_-]", "_", name)
    return spelled if _IDENT.match(spelled) else f"r_{spelled}"


def _value(value: Any, indent: int) -> str:
    pad = "  " * indent
    if isinstance(value, Expr):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("${", "$${")
    if isinstance(value, list):
        items = [_value(v, indent + 1) for v in value]
        one_line = f"[{', '.join(items)}]"
        if len(one_line) <= 80:
            return one_line
        return "[\n" + "".join(f"{pad}  {i},\n" for i in items) + f"{pad}]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        width = max(len(_key(k)) for k in value)
        lines = [f"{pad}  {_key(k).ljust(width)} = {_value(v, indent + 1)}\n" for k, v in value.items()]
        return "{\n" + "".join(lines) + f"{pad}}}"
    raise TypeError(f"no HCL for {value!r}")


def _key(k: str) -> str:
    return k if _IDENT.match(k) else json.dumps(k)


def render(block: Block, indent: int = 0) -> str:
    pad = "  " * indent
    head = " ".join([block.type, *(json.dumps(label) for label in block.labels)])
    out = [f"{pad}# {line}\n" for line in block.comment.splitlines()] if block.comment else []
    out.append(f"{pad}{head} {{\n")
    attrs = {k: v for k, v in block.attrs.items() if v is not None}
    width = max((len(k) for k in attrs), default=0)
    for k, v in attrs.items():
        out.append(f"{pad}  {k.ljust(width)} = {_value(v, indent + 1)}\n")
    for nested in block.blocks:
        out.append(render(nested, indent + 1))
    out.append(f"{pad}}}\n")
    return "".join(out)
