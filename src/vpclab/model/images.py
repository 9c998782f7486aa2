"""A small built-in catalogue of public AMIs and of the instance types vpclab can launch.

vpclab does not model image building: every Region offers the same few public images, with
deterministic ``ami-…`` ids (a hash of Region and name, so an id means the same image in every
run and a different one in every Region, as AMI ids are Regional in AWS).

Publishers are AWS's: Amazon Linux and Windows Server AMIs are owned by Amazon (owner alias
``amazon``); Ubuntu AMIs are published by Canonical (account 099720109477, no owner alias).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

from .regions import REGIONS

#: AWS account ids of the publishers (as ``describe-images`` shows them)
AMAZON_OWNER_ID = "137112412989"
AMAZON_WINDOWS_OWNER_ID = "801119661308"
CANONICAL_OWNER_ID = "099720109477"


@dataclass(frozen=True, kw_only=True, slots=True)
class Image:
    """A public AMI (fields are the snake_case of ``describe-images``)."""

    image_id: str
    region: str
    name: str
    description: str
    architecture: str  # x86_64 | arm64
    owner_id: str
    image_owner_alias: str | None
    platform: str | None = None  # "windows" for Windows AMIs, else absent
    platform_details: str = "Linux/UNIX"
    root_device_type: str = "ebs"
    virtualization_type: str = "hvm"
    state: str = "available"
    public: bool = True
    #: the root volume's device name and its snapshot's size (GiB) and type: what an instance
    #: launched from the image gets as its root volume (AWS, "Root volumes for your Amazon EC2
    #: instances": Amazon Linux 2023 8 GiB gp3 at /dev/xvda; Ubuntu 8 GiB gp3 at /dev/sda1;
    #: Windows Server 30 GiB gp2 at /dev/sda1, as these public AMIs publish them)
    root_device_name: str = "/dev/xvda"
    root_volume_size: int = 8
    root_volume_type: str = "gp3"

    @property
    def root_snapshot_id(self) -> str:
        """The root device's snapshot id (deterministic, like the image id)."""
        return "snap-" + hashlib.sha256(f"{self.image_id}/root".encode()).hexdigest()[:17]


#: (name, description, architecture, owner id, owner alias, platform, platform details)
_CATALOGUE: tuple[tuple[str, str, str, str, str | None, str | None, str], ...] = (
    ("al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64",
     "Amazon Linux 2023 AMI 2023.6.20241121.0 x86_64 HVM kernel-6.1",
     "x86_64", AMAZON_OWNER_ID, "amazon", None, "Linux/UNIX"),
    ("al2023-ami-2023.6.20241121.0-kernel-6.1-arm64",
     "Amazon Linux 2023 AMI 2023.6.20241121.0 arm64 HVM kernel-6.1",
     "arm64", AMAZON_OWNER_ID, "amazon", None, "Linux/UNIX"),
    ("ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241119",
     "Canonical, Ubuntu, 24.04, amd64 noble image", "x86_64", CANONICAL_OWNER_ID, None, None, "Linux/UNIX"),
    ("ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20241119",
     "Canonical, Ubuntu, 24.04, arm64 noble image", "arm64", CANONICAL_OWNER_ID, None, None, "Linux/UNIX"),
    ("Windows_Server-2022-English-Full-Base-2024.11.13",
     "Microsoft Windows Server 2022 Full Locale English AMI",
     "x86_64", AMAZON_WINDOWS_OWNER_ID, "amazon", "windows", "Windows"),
)


def _image_id(region: str, name: str) -> str:
    return "ami-" + hashlib.sha256(f"{region}/{name}".encode()).hexdigest()[:17]


@cache
def images(region: str) -> tuple[Image, ...]:
    """Every catalogue image of a Region (none for an unknown Region)."""
    if region not in REGIONS:
        return ()
    return tuple(
        Image(image_id=_image_id(region, name), region=region, name=name, description=desc, architecture=arch,
              owner_id=owner, image_owner_alias=alias, platform=platform, platform_details=details,
              root_device_name=root[0], root_volume_size=root[1], root_volume_type=root[2])
        for name, desc, arch, owner, alias, platform, details in _CATALOGUE
        for root in (_root(name, platform),)
    )


def _root(name: str, platform: str | None) -> tuple[str, int, str]:
    """The root device name, size (GiB) and volume type of a catalogue image."""
    if platform == "windows":
        return "/dev/sda1", 30, "gp2"
    if name.startswith("ubuntu/"):
        return "/dev/sda1", 8, "gp3"
    return "/dev/xvda", 8, "gp3"


def find_image(region: str, image_id: str) -> Image | None:
    """The catalogue image with this id in this Region, or None (AMI ids are Regional)."""
    return next((i for i in images(region) if i.image_id == image_id), None)


def image_named(region: str, prefix: str, architecture: str = "x86_64") -> Image:
    """The Region's image whose name starts with ``prefix``

    (e.g. ``"al2023"``, ``"ubuntu"``, ``"Windows"``)."""
    for img in images(region):
        if (img.name.startswith(prefix) or img.name.split("/")[-1].startswith(prefix)) \
                and img.architecture == architecture:
            return img
    raise KeyError(f"no {architecture} image named {prefix}* in {region}")


@dataclass(frozen=True, slots=True)
class InstanceType:
    """An instance type's networking limits (AWS: "Maximum IP addresses per network interface")."""

    name: str
    architecture: str
    max_network_interfaces: int
    ipv4_per_interface: int


#: the most IPv4 addresses any instance type allows per network interface (AWS's table "Maximum IP
#: addresses per network interface", Amazon EC2 User Guide, tops out at 50): the limit vpclab
#: applies to an interface attached to no instance, before allocating anything.
MAX_IPV4_PER_INTERFACE = 50


def _types(arch: str, rows: tuple[tuple[str, int, int], ...]) -> dict[str, InstanceType]:
    return {n: InstanceType(n, arch, enis, ips) for n, enis, ips in rows}


#: instance types vpclab launches, with AWS's ENI and per-ENI IPv4 limits
#: (Amazon EC2 User Guide, "Maximum IP addresses per network interface").
INSTANCE_TYPES: dict[str, InstanceType] = {
    **_types("x86_64", (
        ("t2.nano", 2, 2), ("t2.micro", 2, 2), ("t2.small", 3, 4), ("t2.medium", 3, 6), ("t2.large", 3, 12),
        ("t3.nano", 2, 2), ("t3.micro", 2, 2), ("t3.small", 3, 4), ("t3.medium", 3, 6), ("t3.large", 3, 12),
        ("t3.xlarge", 4, 15), ("t3.2xlarge", 4, 15),
        ("m5.large", 3, 10), ("m5.xlarge", 4, 15), ("m5.2xlarge", 4, 15), ("m5.4xlarge", 8, 30),
        ("m6i.large", 3, 10), ("m6i.xlarge", 4, 15), ("m7i.large", 3, 10), ("m7i.xlarge", 4, 15),
        ("c5.large", 3, 10), ("c5.xlarge", 4, 15), ("c6i.large", 3, 10), ("c7i.large", 3, 10),
        ("r5.large", 3, 10), ("r6i.large", 3, 10),
    )),
    **_types("arm64", (
        ("t4g.nano", 2, 2), ("t4g.micro", 2, 2), ("t4g.small", 3, 4), ("t4g.medium", 3, 6),
        ("t4g.large", 3, 12),
        ("m6g.large", 3, 10), ("m7g.large", 3, 10), ("c6g.large", 3, 10), ("c7g.large", 3, 10),
        ("r6g.large", 3, 10),
    )),
}
