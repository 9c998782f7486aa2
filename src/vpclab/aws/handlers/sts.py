"""STS GetCallerIdentity, so clients that ask who they are work: the account of the access key."""

from __future__ import annotations

from typing import Any

from ..registry import Call, handler


@handler("GetCallerIdentity", service="sts")
def get_caller_identity(call: Call) -> dict[str, Any]:
    # every caller is its account's root user: vpclab has no IAM
    return {
        "UserId": call.account_id,
        "Account": call.account_id,
        "Arn": f"arn:aws:iam::{call.account_id}:root",
    }
