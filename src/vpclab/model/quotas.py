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
#: the modes' user-facing names (``vpclab serve --quotas``, YAML ``settings: {quotas: …}``)
ALIASES = {"lab": "maximum", "aws-default": "default"}


def mode_of(name: str) -> str:
    """The mode a name stands for (``lab`` → ``maximum``, ``aws-default`` → ``default``)."""
    mode = ALIASES.get(name, name)
    if mode not in MODES:
        raise ValueError(f"quota mode must be one of {', '.join([*ALIASES, *MODES])}, not {name!r}")
    return mode


@cache
def table() -> dict[str, dict[str, Any]]:
    with _FILE.open("rb") as f:
        return tomllib.load(f)


def limit(mode: str, name: str) -> int:
    """The quota in force: the lab's value (mode "lab"/"maximum") or AWS's new-account default
    (mode "aws-default"/"default")."""
    return int(table()[name][mode_of(mode)])
