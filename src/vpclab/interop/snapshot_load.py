"""Loading a snapshot folder into a World, through the ControlPlane, keeping AWS's own ids.

Why through the ControlPlane (and not direct ``World.put``s): DESIGN.md's "every front end mutates
through the ControlPlane" — a snapshot then meets the same rules a YAML file and a boto3 client
meet, the derived state (local routes, default rules, indexes) is made by the one code that makes
it, and a resource AWS would refuse becomes a reported problem instead of a silently odd World.
Why the ids survive: topology/ lets the World draw fresh ids; a snapshot's ids are AWS's and are
what users paste (``vpclab trace snap/ i-0abc… eni-0def…``), so before each create we pin the
ids that call will make (``PinnedIds``: the VPC and the main route table, default group and
default ACL CreateVpc makes with it). Names come from ``Name`` tags (when unique).

What the snapshot holds but this loader does not build yet is counted in the report, never
dropped silently; a call AWS's rules refuse (a route to a NAT gateway missing from the snapshot)
is a problem naming the file and JSON path, and the rest still loads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..control import ControlPlane
from ..core.collect import collector_paused
from ..core.errors import AwsError
from ..core.ids import IdGenerator
from ..model.base import ID_PREFIXES
from ..model.world import World
from ..network import Network
from .snapshot_ops import MANIFEST, OPS
from .snapshot_read import Region, manifest, regions

#: describe keys the loader builds resources from; every other non-empty key is "not loaded"
LOADED = (
    "Vpcs",
    "Subnets",
    "InternetGateways",
    "Addresses",
    "SecurityGroups",
    "NetworkAcls",
    "RouteTables",
    "VpcPeeringConnections",
    "NatGateways",
    "NetworkInterfaces",
    "Instances",
    "TransitGateways",
    "TransitGatewayRouteTables",
    "TransitGatewayVpcAttachments",
    "TransitGatewayPeeringAttachments",
    "EgressOnlyInternetGateways",
    "PrefixLists",
    "resourceShares",
    "CustomerGateways",
    "VpnGateways",
    "VpnConnections",
    "LoadBalancers",
    "TargetGroups",
    "ServiceConfigurations",
    "VpcEndpoints",
    "directConnectGateways",
    "connections",
    "virtualInterfaces",
)
#: the describe files of the loaded keys: a Region folder without one of them is partial
LOADED_FILES = tuple(op.file for op in OPS if op.key in (*LOADED, "Reservations"))
#: keys that only repeat what a loaded key holds (rules of loaded groups, reservations of instances)
DERIVED = ("SecurityGroupRules", "Reservations", "resources", "resourceShareAssociations")
#: route targets (the Route member) → CreateRoute's parameter
ROUTE_TARGETS = {
    "NatGatewayId": "nat_gateway_id",
    "VpcPeeringConnectionId": "vpc_peering_connection_id",
    "NetworkInterfaceId": "network_interface_id",
    "TransitGatewayId": "transit_gateway_id",
    "EgressOnlyInternetGatewayId": "egress_only_internet_gateway_id",
}


class PinnedIds(IdGenerator):
    """The World's id generator, answering pinned ids (by prefix) before drawing fresh ones, and
    pinned hex draws (an Amazon-provided IPv6 block is drawn from ``hex``) before random ones."""

    def __init__(self, inner: IdGenerator) -> None:
        self.inner = inner
        self.pins: dict[str, list[str]] = {}
        self.hexes: list[str] = []

    def new(self, kind: str) -> str:
        queue = self.pins.get(ID_PREFIXES.get(kind, ""))
        return queue.pop(0) if queue else self.inner.new(kind)

    def hex(self, digits: int) -> str:
        if self.hexes and len(self.hexes[0]) == digits:
            return self.hexes.pop(0)
        return self.inner.hex(digits)


@dataclass
class Report:
    """What a load did not do: resources not modelled (counted) and problems (file: path: why)."""

    not_loaded: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    unread_files: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = [
            f"not loaded (vpclab does not model it yet): {n} {key}"
            for key, n in sorted(self.not_loaded.items())
        ]
        out += [f"not read: {n} file(s) {name}" for name, n in sorted(self.unread_files.items())]
        return out + self.problems


@dataclass
class SnapshotNetwork(Network):
    """A Network loaded from a snapshot, with its load report."""

    report: Report = field(default_factory=Report)


@cache  # the same few hundred member names, millions of times on AWS-MAX
def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def _tags(item: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in item.get("Tags", []) if not t.get("Key", "").startswith("aws:")}


class Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.world = World()
        self.pinned = PinnedIds(self.world.ids)
        self.world.ids = self.pinned
        self.report = Report()
        self.net = SnapshotNetwork(self.world, str(root), report=self.report)
        self._planes: dict[tuple[str, str], ControlPlane] = {}

    def cp(self, account: str, region: str) -> ControlPlane:
        key = (account, region)
        if key not in self._planes:
            self._planes[key] = ControlPlane(self.world, account_id=account, region=region)
        return self._planes[key]

    def _pin(self, ids: tuple[str | None, ...]) -> None:
        for rid in ids:
            if rid:
                self.pinned.pins.setdefault(rid.rsplit("-", 1)[0], []).append(rid)

    def _unpin(self) -> None:
        self.pinned.pins.clear()
        self.pinned.hexes.clear()

    def call(
        self,
        r: Region,
        where: str,
        action: str,
        *pins: str | None,
        account: str | None = None,
        region: str | None = None,
        **params: Any,
    ) -> Any:
        """One ControlPlane action; a refusal is a problem at ``file: where`` and None."""
        cp = self.cp(account or r.account, region or r.region)
        try:
            self._pin(pins)  # (the pin context without a generator: a call per resource of AWS-MAX)
            try:
                return cp.call(action, params)
            finally:
                self._unpin()
        except AwsError as err:
            self.report.problems.append(
                f"{r.file_of(where.split('[')[0])}: $.{where}: {err.code}: {err.message}"
            )
            return None

    def quiet_call(self, r: Region, action: str, *, account: str | None = None, **params: Any) -> bool:
        """One ControlPlane action, nothing pinned; whether it was made (a refusal is not reported:
        the caller makes the calls again one by one, which report it)."""
        try:
            self.cp(account or r.account, r.region).call(action, params)
        except AwsError:
            return False
        return True

    def name(self, item: dict[str, Any], rid: str) -> None:
        name = _tags(item).get("Name")
        if name and name not in self.net.ids:
            self.net.add(name, rid)
        elif name and self.net.ids.get(name) != rid:
            self.net.ids.pop(name, None)  # two resources share the Name tag: neither gets it (ids work)

    def each(
        self, regs: list[Region], key: str, unique: str | None = None
    ) -> Iterator[tuple[Region, int, dict[str, Any]]]:
        """Every item of ``key`` in every Region; with ``unique`` (the item's id member), an item seen
        already in another account's files (a shared VPC's subnets, seen by owner and participant)
        only once."""
        seen: set[str] = set()
        for r in regs:
            for i, item in enumerate(r.items.get(key, [])):
                if unique is not None:
                    if item.get(unique) in seen:
                        continue
                    seen.add(item.get(unique, ""))
                yield r, i, item


def load_snapshot(path: str | Path) -> SnapshotNetwork:
    """Build the World a snapshot folder describes (``vpclab.load`` calls this for a folder)."""
    with collector_paused():  # a bulk build: core/collect.py
        return _load_snapshot(Path(path))


def _load_snapshot(root: Path) -> SnapshotNetwork:
    from . import snapshot_build as build

    about = manifest(root)
    regs = regions(root)
    ld = Loader(root)
    # a partial snapshot says so: calls that failed when it was taken, describe files missing
    for i, failure in enumerate(about.get("failures", [])):
        ld.report.problems.append(f"{root / MANIFEST}: $.failures[{i}]: not captured: {failure}")
    for r in regs:
        missing = [f for f in LOADED_FILES if not (r.folder / f).is_file()]
        if missing:
            ld.report.problems.append(f"{r.folder}: partial Region: no {', '.join(missing)}")
        for f in r.unread:
            ld.report.unread_files[f] += 1
        for key, items in r.items.items():
            if key == "TransitGatewayAttachments":  # each kind is loaded with what it attaches
                items = [
                    x
                    for x in items
                    if x.get("ResourceType") not in ("vpc", "peering", "vpn", "direct-connect-gateway")
                ]
            if key == "PrefixLists":  # AWS's own lists (S3, DynamoDB) come with every Region
                items = [x for x in items if x.get("OwnerId") != "AWS"]
            if items and key not in LOADED and key not in DERIVED:
                ld.report.not_loaded[key] += len(items)
    build.build(ld, regs)
    return ld.net
