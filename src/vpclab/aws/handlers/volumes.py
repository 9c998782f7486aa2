"""EBS volumes (DescribeVolumes): the root volume of each instance and the EBS volumes of its
launch block device mappings (``control/volumes.py``).

AWS DescribeVolumes (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumes.html).
"""

from __future__ import annotations

from typing import Any

from ...model.volume import Volume
from ...model.world import World
from .. import shapes
from ..describe import Kind, describe_handler


def volume_attachments(vol: Volume) -> list[dict[str, Any]]:
    if vol.instance_id is None:
        return []
    return [{
        "AttachTime": vol.attach_time or None,
        "Device": vol.device,
        "InstanceId": vol.instance_id,
        "State": "attached",
        "VolumeId": vol.id,
        "DeleteOnTermination": vol.delete_on_termination,
    }]


def volume(world: World, vol: Volume) -> dict[str, Any]:
    """boto3's Volume."""
    out: dict[str, Any] = {
        "Attachments": volume_attachments(vol),
        "AvailabilityZone": vol.availability_zone,
        "CreateTime": vol.create_time or None,
        "Encrypted": vol.encrypted,
        "Size": vol.size,
        "SnapshotId": vol.snapshot_id,
        "State": vol.state,
        "VolumeId": vol.id,
        "Iops": vol.iops,
        "VolumeType": vol.volume_type,
        "MultiAttachEnabled": False,
        "Throughput": vol.throughput,
    }
    return shapes.drop_none(shapes.with_tags(out, vol))


def _attached(fn: Any) -> Any:
    return lambda w, v: fn(v) if v.instance_id is not None else None


#: DescribeVolumes' documented filters (and the tag filters every Describe has)
VOLUME_FILTERS = {
    "volume-id": lambda w, v: v.id,
    "attachment.instance-id": _attached(lambda v: v.instance_id),
    "attachment.device": _attached(lambda v: v.device),
    "attachment.delete-on-termination": _attached(lambda v: v.delete_on_termination),
    "attachment.status": _attached(lambda v: "attached"),
    "attachment.attach-time": _attached(lambda v: v.attach_time),
    "availability-zone": lambda w, v: v.availability_zone,
    "create-time": lambda w, v: v.create_time,
    "encrypted": lambda w, v: v.encrypted,
    "multi-attach-enabled": lambda w, v: False,
    "size": lambda w, v: v.size,
    "snapshot-id": lambda w, v: v.snapshot_id or None,
    "status": lambda w, v: v.state,
    "volume-type": lambda w, v: v.volume_type,
}

describe_handler("DescribeVolumes", Kind(Volume, key="Volumes", ids="VolumeIds", shape=volume,
                                         filters=VOLUME_FILTERS))
