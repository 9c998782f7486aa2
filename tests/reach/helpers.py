"""Helpers for the tracer's scenario tests: load a design, trace a flow, read hops by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vpclab.network import Network
from vpclab.reach import Trace, trace
from vpclab.topology import load, loads

if TYPE_CHECKING:
    from vpclab import ControlPlane


def design(text: str) -> Network:
    """A topology from YAML text, applied through the ControlPlane (seeded: stable ids)."""
    return loads(text)


def example(name: str) -> Network:
    return load(f"examples/{name}.yaml")


def run(net: Network, source: str, destination: str, **kw: object) -> Trace:
    """Trace between two named resources (names of the file; raw ids and addresses pass through)."""
    return trace(
        net.world, net.ids.get(source, source), net.ids.get(destination, destination), names=net.names, **kw
    )  # type: ignore[arg-type]


def path(t: Trace, direction: str = "forward") -> list[str]:
    """The hops as ``kind:name`` (name from the file, else the id)."""
    hops = t.forward_hops if direction == "forward" else t.return_hops
    return [f"{h.component}:{h.name or h.id}" for h in hops]


def codes(t: Trace, direction: str | None = None) -> list[str]:
    return [e.code for e in t.explanations if direction is None or e.direction == direction]


def plane(net: Network, name: str) -> ControlPlane:
    """A ControlPlane acting as the owner of the named resource, in its Region."""
    from vpclab import ControlPlane

    res = net.resource(name)
    return ControlPlane(net.world, account_id=res.owner_id, region=res.region)
