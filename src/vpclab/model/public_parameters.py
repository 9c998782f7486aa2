"""The SSM public parameters that name the image catalogue's AMIs (``model/images.py``), per Region.

AWS publishes the id of the latest public AMIs as Systems Manager public parameters, one per image
line, the same names in every Region and a Regional value ("Discovering public parameters in
Parameter Store",
https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-public-parameters.html):

- Amazon Linux 2023: ``/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-<arch>`` and
  ``…/al2023-ami-kernel-6.1-<arch>`` (https://docs.aws.amazon.com/linux/al2023/ug/ec2.html);
- Ubuntu (published by Canonical): ``/aws/service/canonical/ubuntu/server/24.04/stable/current/
  <amd64|arm64>/hvm/ebs-gp3/ami-id``, and the dated serial in place of ``current``;
- Windows Server: ``/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base``.

Only the parameters of images the catalogue holds are offered: a lab cannot launch the others.
Each is ``String`` with data type ``text``, version 1 (the catalogue has one release per line),
last modified on the catalogue image's release date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from .images import Image, images

#: the catalogue's image name prefix → (public parameter names, release date)
_LINES: tuple[tuple[str, str, tuple[str, ...], datetime], ...] = (
    (
        "al2023-ami-2023.6.20241121.0-kernel-6.1-",
        "x86_64",
        (
            "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
            "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64",
        ),
        datetime(2024, 11, 21, tzinfo=UTC),
    ),
    (
        "al2023-ami-2023.6.20241121.0-kernel-6.1-",
        "arm64",
        (
            "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
            "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64",
        ),
        datetime(2024, 11, 21, tzinfo=UTC),
    ),
    (
        "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-",
        "x86_64",
        (
            "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
            "/aws/service/canonical/ubuntu/server/24.04/stable/20241119/amd64/hvm/ebs-gp3/ami-id",
        ),
        datetime(2024, 11, 19, tzinfo=UTC),
    ),
    (
        "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-",
        "arm64",
        (
            "/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id",
            "/aws/service/canonical/ubuntu/server/24.04/stable/20241119/arm64/hvm/ebs-gp3/ami-id",
        ),
        datetime(2024, 11, 19, tzinfo=UTC),
    ),
    (
        "Windows_Server-2022-English-Full-Base-",
        "x86_64",
        ("/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base",),
        datetime(2024, 11, 13, tzinfo=UTC),
    ),
)


@dataclass(frozen=True, slots=True)
class PublicParameter:
    """One public parameter in one Region (fields are the snake_case of SSM's ``Parameter``)."""

    name: str
    region: str
    value: str
    last_modified_date: datetime
    type: str = "String"
    data_type: str = "text"
    version: int = 1

    @property
    def arn(self) -> str:
        # AWS's public parameters have no account in their ARN
        return f"arn:aws:ssm:{self.region}::parameter{self.name}"


def _image(region: str, prefix: str, architecture: str) -> Image | None:
    return next(
        (i for i in images(region) if i.name.startswith(prefix) and i.architecture == architecture), None
    )


@cache
def public_parameters(region: str) -> dict[str, PublicParameter]:
    """Every public parameter of a Region, by name, in name order (none for an unknown Region)."""
    found: dict[str, PublicParameter] = {}
    for prefix, arch, names, released in _LINES:
        image = _image(region, prefix, arch)
        if image is None:
            continue
        for name in names:
            found[name] = PublicParameter(name, region, image.image_id, released)
    return dict(sorted(found.items()))
