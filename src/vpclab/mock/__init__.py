"""``vpclab.mock_aws()``: boto3 and botocore answered in-process (``inprocess.py``, docs/mock.md),
and the ``vpclab_aws`` pytest fixture (``pytest_plugin.py``).

Part of the composition root: it wires the AWS endpoint, the YAML loader and the tracer, as
``vpclab serve`` does. The endpoint's web stack is imported on first use, not with this package
(pytest loads the plugin in every run).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .inprocess import MockAws as MockAws
    from .inprocess import mock_aws as mock_aws

__all__ = ["MockAws", "mock_aws"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import inprocess

        return getattr(inprocess, name)
    raise AttributeError(f"module 'vpclab.mock' has no attribute {name!r}")
