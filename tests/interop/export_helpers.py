"""What the export tests share: matrices compared by name, snapshots taken in-process."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

import vpclab
from vpclab.interop.snapshot_aws import take
from vpclab.model.interfaces import NetworkInterface

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


def label(net: vpclab.Network, rid: str, rename: dict[str, str] | None = None) -> str:
    """A matrix member by its name (through ``rename``); an interface by its private address, which
    every export keeps (a snapshot names no instance's interface, a topology names it INSTANCE/eni)."""
    res = net.world.get(rid)
    if isinstance(res, NetworkInterface):  # a snapshot names no interface: its Name tag is the instance's
        return f"eni@{res.private_ip_address}"
    name = net.names.get(rid)
    return (rename or {}).get(name, name) if name is not None else rid


def pairs(net: vpclab.Network, level: str, rename: dict[str, str] | None = None) -> set[tuple[str, str]]:
    m = net.matrix(level=level)
    return {(label(net, a, rename), label(net, b, rename)) for a, b in m.pairs}


def members(net: vpclab.Network, level: str, rename: dict[str, str] | None = None) -> set[str]:
    m = net.matrix(level=level)
    return {label(net, r, rename) for r in (*m.sources, *m.destinations)}


def snapshot_of(net: vpclab.Network, out: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The network's describe output, taken in-process (``vpclab.mock_aws``) with the calls of
    ``vpclab snapshot aws``, for each account and Region it holds."""
    res = list(net.world.resources())
    accounts = sorted({r.owner_id for r in res if str(getattr(r, "owner_id", "")).isdigit()})
    regions = sorted({r.region for r in res if getattr(r, "region", None)})
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "lab")
    with vpclab.mock_aws(world=net.world, default_vpc=False):
        sessions = [
            boto3.Session(aws_access_key_id=a, aws_secret_access_key="lab", region_name=regions[0])
            for a in accounts
        ]
        take(out, sessions=sessions, regions=",".join(regions))
    return out
