"""AWS quotas as data, read from quotas.toml (one data file, no literals in rule code).

    >>> limit("default", "vpcs_per_region")
    5

Raising AWS's limit error when a quota would be exceeded is the control layer's job
(``vpclab.control.quotas.check``); analysis reads the same numbers (e.g. how many propagated
routes a route table holds).
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

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
