"""STS GetCallerIdentity, so clients that ask who they are work: the account of the access key; and
AssumeRole, so a multi-account client (``vpclab snapshot aws --role-arn``) works against one server.

vpclab has no IAM: every caller is its account's root user, and a role is only its account. An
assumed role's credentials are that account's lab credentials (the access key id is the 12-digit
account id, as every unsigned-credentials lab client uses); a server started with ``--credentials``
verifies signatures against its file, where such a key is unknown (InvalidClientTokenId).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from ...core.errors import AwsError
from ..registry import Call, handler

#: AWS STS API reference, AssumeRole: RoleArn "arn:aws:iam::account:role/path/name" (20–2048
#: characters), RoleSessionName 2–64 characters of [\w+=,.@-], DurationSeconds 900–43200
_ROLE_ARN = re.compile(r"arn:aws[\w-]*:iam::(\d{12}):role/((?:[\w+=,.@-]+/)*)([\w+=,.@-]{1,64})")
_SESSION = re.compile(r"[\w+=,.@-]{2,64}")


@handler("GetCallerIdentity", service="sts")
def get_caller_identity(call: Call) -> dict[str, Any]:
    # every caller is its account's root user: vpclab has no IAM
    return {
        "UserId": call.account_id,
        "Account": call.account_id,
        "Arn": f"arn:aws:iam::{call.account_id}:root",
    }


@handler("AssumeRole", service="sts")
def assume_role(call: Call) -> dict[str, Any]:
    p = call.params
    arn, session = str(p.get("RoleArn", "")), str(p.get("RoleSessionName", ""))
    m = _ROLE_ARN.fullmatch(arn)
    if m is None:
        raise AwsError("ValidationError", f"{arn} is invalid")
    if _SESSION.fullmatch(session) is None:
        raise AwsError(
            "ValidationError",
            "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        )
    duration = int(p.get("DurationSeconds") or 3600)
    if not 900 <= duration <= 43200:
        raise AwsError(
            "ValidationError",
            f"1 validation error detected: Value '{duration}' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value less than or equal to 43200",
        )
    account, name = m.group(1), m.group(3)
    role_id = f"AROA{account}LAB"
    return {
        "Credentials": {
            "AccessKeyId": account,
            "SecretAccessKey": "lab",
            "SessionToken": f"vpclab-{account}-{session}",
            "Expiration": call.world.clock.now() + timedelta(seconds=duration),
        },
        "AssumedRoleUser": {
            "AssumedRoleId": f"{role_id}:{session}",
            "Arn": f"arn:aws:sts::{account}:assumed-role/{name}/{session}",
        },
        "PackedPolicySize": 0,
    }
