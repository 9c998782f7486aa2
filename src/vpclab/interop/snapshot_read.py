"""Reading a snapshot folder: the manifest, and each describe file's items, with clear errors.

A file that is not JSON (truncated), an item that is not an object, or a manifest from a newer
snapshot format is a ``SnapshotError`` naming the file and the JSON path, one line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import VpclabError
from .snapshot_ops import CONFIGS, FORMAT_VERSION, MANIFEST, OPS, PER_ITEM


class SnapshotError(VpclabError):
    """A snapshot that cannot be read: ``file: $.json.path: what is wrong``."""


def is_snapshot(path: Path) -> bool:
    return path.is_dir() and ((path / MANIFEST).is_file() or (path / CONFIGS).is_dir())


@dataclass
class Region:
    """One account's Region in the snapshot: describe items by response key, and their files."""

    account: str
    region: str
    folder: Path
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    per_item: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: files in the folder that vpclab does not read (counted in the report)
    unread: list[str] = field(default_factory=list)

    def file_of(self, key: str) -> str:
        """The file a JSON path's first key is in (``tgw-rtb-….Associations``: a per-item file)."""
        if "." in key:
            member = key.split(".")[1]
            name = next((p[0].file for p in PER_ITEM if p[0].key == member), f"{member}.json")
            return str(self.folder / name)
        name = next((op.file for op in OPS if op.key == key), f"{key}.json")
        return str(self.folder / name)


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise SnapshotError(
            f"{path}: $: not valid JSON (truncated?): {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{path}: $: cannot read: {exc}") from None


def manifest(root: Path) -> dict[str, Any]:
    path = root / MANIFEST
    if not path.is_file():
        return {}
    data = _json(path)
    if not isinstance(data, dict):
        raise SnapshotError(f"{path}: $: expected an object, found {type(data).__name__}")
    version = data.get("format_version", FORMAT_VERSION)
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise SnapshotError(
            f"{path}: $.format_version: {version!r} is newer than this vpclab reads "
            f"({FORMAT_VERSION}); upgrade vpclab"
        )
    return data


def regions(root: Path) -> list[Region]:
    """Every account/Region folder, its known files read and checked."""
    base = root / CONFIGS
    if not base.is_dir():
        raise SnapshotError(f"{root}: no {CONFIGS}/ folder: not a vpclab/Batfish AWS snapshot")
    known = {op.file: op for op in OPS}
    per = {p[0].file: p[0] for p in PER_ITEM}
    found: list[Region] = []
    for acct in sorted(p for p in base.iterdir() if p.is_dir()):
        for reg in sorted(p for p in acct.iterdir() if p.is_dir()):
            r = Region(acct.name, reg.name, reg)
            for f in sorted(reg.glob("*.json")):
                if f.name in known:
                    op = known[f.name]
                    data = _json(f)
                    if not isinstance(data, dict):
                        raise SnapshotError(f"{f}: $: expected an object, found {type(data).__name__}")
                    items = data.get(op.key, [])
                    if not isinstance(items, list):
                        raise SnapshotError(
                            f"{f}: $.{op.key}: expected an array, found {type(items).__name__}"
                        )
                    for i, item in enumerate(items):
                        if not isinstance(item, dict):
                            raise SnapshotError(f"{f}: $.{op.key}[{i}]: expected an object")
                    if op.key == "Reservations":  # instances live inside reservations
                        items = [inst for res in items for inst in res.get("Instances", [])]
                        r.items["Instances"] = items
                    r.items[op.key] = items
                elif f.name in per:
                    data = _json(f)
                    if not isinstance(data, dict):
                        raise SnapshotError(f"{f}: $: expected an object, found {type(data).__name__}")
                    r.per_item[per[f.name].key] = data
                else:
                    r.unread.append(f.name)
            found.append(r)
    return found
