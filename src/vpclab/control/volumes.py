"""EBS volumes made at launch: the root volume and the EBS entries of RunInstances'
``BlockDeviceMappings``, and what TerminateInstances does to them.

AWS docs: "Block device mappings for volumes on Amazon EC2 instances" and "Amazon EBS volume types"
(sizes by type), RunInstances ("BlockDeviceMapping.N", "TagSpecification.N": ``volume`` tags every
volume created at launch). A root volume is deleted when its instance terminates unless its
``DeleteOnTermination`` is false (default true); a volume added at launch also defaults to true.
vpclab has no CreateVolume/AttachVolume: volumes exist for the tools that read them back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..core.errors import AwsError, invalid_parameter_value
from ..model.base import Tags
from ..model.images import Image
from ..model.interfaces import Instance
from ..model.volume import Volume
from .context import Ctx

#: AWS "Amazon EBS volume types": the size range (GiB) of each type
SIZE_RANGE: dict[str, tuple[int, int]] = {
    "gp2": (1, 16384), "gp3": (1, 16384), "io1": (4, 16384), "io2": (4, 65536),
    "st1": (125, 16384), "sc1": (125, 16384), "standard": (1, 1024),
}
#: the types whose IOPS must be given (AWS CreateVolume, "Iops": "required for io1 and io2")
PROVISIONED_IOPS = frozenset({"io1", "io2"})


@dataclass(frozen=True)
class VolumeSpec:
    """One EBS volume to give each launched instance."""

    device: str
    size: int
    volume_type: str
    delete_on_termination: bool
    iops: int | None = None
    throughput: int | None = None
    encrypted: bool = False
    snapshot_id: str = ""


def _invalid_mapping(message: str) -> AwsError:
    return AwsError("InvalidBlockDeviceMapping", message)


def volume_specs(image: Image, mappings: Sequence[Mapping[str, Any]] | None) -> list[VolumeSpec]:
    """The root volume (the image's, changed by a mapping of its device name) and every other EBS
    mapping, with AWS's checks: a root volume no smaller than its snapshot ("Volume of size 5GB is
    smaller than snapshot 'snap-…', expect size >= 8GB"), each size within its type's range, a size
    (or snapshot) for a new non-root volume, IOPS for io1/io2, one mapping per device name.
    ``NoDevice`` and instance-store (``VirtualName``) entries create no EBS volume."""
    seen: set[str] = set()
    root: VolumeSpec | None = VolumeSpec(image.root_device_name, image.root_volume_size,
                                         image.root_volume_type, True, snapshot_id=image.root_snapshot_id)
    others: list[VolumeSpec] = []
    for entry in mappings or ():
        device = entry.get("device_name")
        if not device:
            raise AwsError("MissingParameter", "The request must contain the parameter deviceName")
        if device in seen:
            # AWS's wording for a repeated device name is undocumented
            raise _invalid_mapping(f"The device '{device}' is used in more than one block-device mapping")
        seen.add(device)
        is_root = device == image.root_device_name
        if "no_device" in entry:
            if is_root:
                root = None  # undocumented: AWS refuses an instance without its root device below
            continue
        ebs = entry.get("ebs")
        if ebs is None:
            continue  # an instance-store volume (VirtualName): not an EBS volume
        spec = _spec(device, ebs, root if is_root else None)
        if is_root:
            root = spec
        else:
            others.append(spec)
    if root is None:
        raise _invalid_mapping(f"The device '{image.root_device_name}' is the image's root device: "
                               "it cannot be suppressed with NoDevice.")
    return [root, *others]


def _spec(device: str, ebs: Mapping[str, Any], root: VolumeSpec | None) -> VolumeSpec:
    volume_type = str(ebs.get("volume_type") or (root.volume_type if root else "gp2"))
    size = ebs.get("volume_size")
    if size is None:
        if root is None:
            raise AwsError("MissingParameter", "The request must contain the parameter size or snapshotId")
        size = root.size
    size = int(size)
    if root is not None and size < root.size:
        raise _invalid_mapping(f"Volume of size {size}GB is smaller than snapshot '{root.snapshot_id}', "
                               f"expect size >= {root.size}GB")
    low, high = SIZE_RANGE.get(volume_type, (1, 16384))
    if not low <= size <= high:
        raise invalid_parameter_value(
            f"Volume of {size}GiB is outside the range {low}-{high} GiB for volume type {volume_type}.")
    iops = ebs.get("iops")
    if volume_type in PROVISIONED_IOPS and iops is None:
        raise AwsError("MissingParameter", "The request must contain the parameter iops")
    if volume_type == "gp3" and iops is None:
        iops = 3000  # gp3's baseline (AWS "General Purpose SSD volumes": 3,000 IOPS, 125 MiB/s)
    throughput = ebs.get("throughput")
    if volume_type == "gp3" and throughput is None:
        throughput = 125
    delete = ebs.get("delete_on_termination")
    return VolumeSpec(device, size, volume_type, True if delete is None else bool(delete),
                      int(iops) if iops is not None else None,
                      int(throughput) if throughput is not None else None,
                      bool(ebs.get("encrypted", False)),
                      root.snapshot_id if root is not None else str(ebs.get("snapshot_id") or ""))


def volume_id(instance_id: str, device: str) -> str:
    """A volume's id, derived from its instance and device (so launching no other id moves)."""
    return "vol-" + hashlib.sha256(f"{instance_id}/{device}".encode()).hexdigest()[:17]


def create_volumes(ctx: Ctx, inst: Instance, specs: Sequence[VolumeSpec],
                   tags: Mapping[str, str] | None) -> tuple[str, ...]:
    """The instance's volumes, attached (``in-use``) at their device names; their ids in order."""
    now = ctx.now.isoformat()
    ids = []
    for spec in specs:
        vol = ctx.world.put(Volume(
            id=volume_id(inst.id, spec.device), owner_id=inst.owner_id, region=inst.region, tags=Tags(tags),
            availability_zone=inst.availability_zone, size=spec.size, volume_type=spec.volume_type,
            iops=spec.iops, throughput=spec.throughput, encrypted=spec.encrypted,
            snapshot_id=spec.snapshot_id, create_time=now, state="in-use", instance_id=inst.id,
            device=spec.device, attach_time=now, delete_on_termination=spec.delete_on_termination))
        ids.append(vol.id)
    return tuple(ids)


def release_volumes(ctx: Ctx, inst: Instance) -> None:
    """TerminateInstances: delete each volume whose DeleteOnTermination is true, detach the others
    (they stay, ``available``)."""
    for vid in inst.volume_ids:
        vol = ctx.world.get(vid, Volume)
        if vol is None:
            continue
        if vol.delete_on_termination:
            ctx.world.remove(vol.id)
        else:
            ctx.world.put(replace(vol, state="available", instance_id=None, device=None, attach_time=""))
