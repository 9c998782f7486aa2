"""AWS's limit errors for the quotas in ``vpclab.model.quotas``."""

from __future__ import annotations

from ..core.errors import AwsError
from ..model.quotas import limit, table


def check(mode: str, name: str, count: int, **fields: str) -> None:
    """Raise AWS's limit error if ``count`` resources would exceed quota ``name``."""
    cap = limit(mode, name)
    if count > cap:
        row = table()[name]
        raise AwsError(row["code"], row["message"].format(limit=cap, **fields))
