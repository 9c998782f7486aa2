"""Loading a topology file: load → validate → resolve → apply, in one function.

    >>> net = load("examples/two-peered-vpcs.yaml")      # doctest: +SKIP
    >>> net.resource("app").cidr_block                   # doctest: +SKIP
    '10.0.0.0/16'
"""

from __future__ import annotations

from pathlib import Path

from ..core.collect import collector_paused
from ..core.source import parse, read
from ..network import Network
from .apply import apply
from .errors import TopologyError
from .resolve import resolve
from .validate import validate


def load(path: str | Path) -> Network:
    """The network a YAML file describes, or TopologyError listing every problem (nothing half-loaded)."""
    path = Path(path)
    text = read(path, TopologyError)  # at most 50 MiB of UTF-8
    return loads(text, file=str(path))


def loads(text: str, file: str = "<string>") -> Network:
    """The network YAML text describes (``file`` names it in error messages)."""
    with collector_paused():  # a bulk build: core/collect.py
        return _loads(text, file)


def _loads(text: str, file: str) -> Network:
    source = parse(text, file, TopologyError)  # 1. YAML → tree with positions (syntax errors raise)
    topo, problems = validate(source)          # 2. the shape: keys, types, required fields
    if topo is None:
        raise TopologyError(problems)
    plan = resolve(source, topo)               # 3. names, accounts, Regions, every reference
    if plan.problems:
        raise TopologyError(sorted(plan.problems))
    network = apply(plan)                      # 4. every resource through the ControlPlane
    if plan.problems:
        raise TopologyError(sorted(plan.problems))
    return network
