"""EBS volumes, as far as an instance's launch makes them: the root volume of each instance and the
EBS volumes of its block device mappings.

AWS ("Amazon EBS volumes"; "Block device mappings", Amazon EC2 User Guide): every instance launched
from an EBS-backed AMI gets a root volume, attached at the AMI's root device name, deleted when the
instance terminates unless its ``DeleteOnTermination`` is false (default true for the root volume).
vpclab models volumes for what tools read back (DescribeVolumes, the instance's
``BlockDeviceMappings``, tags at launch); a volume carries no traffic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Resource


@dataclass(frozen=True, kw_only=True, slots=True)
class Volume(Resource):
    KIND: ClassVar[str] = "volume"
    ID_PREFIX: ClassVar[str] = "vol"
    LABEL: ClassVar[str] = "EBS volume"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidVolume.NotFound", "The volume '{id}' does not exist.")
    MALFORMED: ClassVar[str] = "InvalidVolumeID.Malformed"

    availability_zone: str
    #: GiB
    size: int
    #: gp2 | gp3 | io1 | io2 | st1 | sc1 | standard
    volume_type: str = "gp3"
    iops: int | None = None
    throughput: int | None = None
    encrypted: bool = False
    snapshot_id: str = ""
    create_time: str = ""
    #: creating | available | in-use | deleting | deleted | error
    state: str = "in-use"
    #: the instance it is attached to, its device name there, and since when
    instance_id: str | None = None
    device: str | None = None
    attach_time: str = ""
    delete_on_termination: bool = True

    @property
    def volume_id(self) -> str:
        return self.id
