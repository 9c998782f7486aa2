"""vpclab's pytest plugin (entry point ``pytest11``, loaded by pytest wherever vpclab is installed):
the ``vpclab_aws`` fixture.

    def test_peering(vpclab_aws):
        ec2 = boto3.client("ec2")
        ...

``vpclab_aws`` is a ``vpclab.mock_aws()`` active for the test (a fresh World each test): every
boto3/botocore client the test creates is answered in-process (docs/mock.md). Mark a test with
``@pytest.mark.vpclab_aws(load="net.yaml", default_vpc=False)`` to pass ``mock_aws`` options.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "vpclab_aws(**options): options of the vpclab_aws fixture's mock_aws()"
    )


@pytest.fixture
def vpclab_aws(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A ``vpclab.mock_aws()`` for the test: boto3 answered in-process by a fresh World."""
    from . import mock_aws  # the package is light to import; its web stack loads on first use

    marker = request.node.get_closest_marker("vpclab_aws")
    options = dict(marker.kwargs) if marker is not None else {}
    with mock_aws(**options) as lab:
        yield lab
