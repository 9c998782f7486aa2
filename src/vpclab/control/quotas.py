"""AWS quotas, read from quotas.toml (one data file, no literals in rule code)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from ..core.errors import AwsError

_FILE = Path(__file__).with_name("quotas.toml")
MODES = ("maximum", "default")


@cache
def table() -> dict[str, dict[str, Any]]:
    with _FILE.open("rb") as f:
        return tomllib.load(f)


def limit(mode: str, name: str) -> int:
    """The quota in force: its documented maximum (mode "maximum") or AWS's new-account default."""
    if mode not in MODES:
        raise ValueError(f"quota mode must be one of {MODES}, not {mode!r}")
    return int(table()[name][mode])


def check(mode: str, name: str, count: int, **fields: str) -> None:
    """Raise AWS's limit error if ``count`` resources would exceed quota ``name``."""
    cap = limit(mode, name)
    if count > cap:
        row = table()[name]
        raise AwsError(row["code"], row["message"].format(limit=cap, **fields))
