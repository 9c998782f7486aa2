"""Client tokens: a retried request with the same ``ClientToken`` completes no more than once.

AWS, "Ensuring idempotency in Amazon EC2 API requests"
(https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html): a client token is a
unique, case-sensitive string of up to 64 ASCII characters; a retry of a successful request with
the same token and the same parameters succeeds without doing anything more; the same token with
different parameters (other than the Region or Availability Zone: tokens are per Region, and an
Availability Zone, top-level or in ``Placement``, is left out of the comparison) fails with
``IdempotentParameterMismatch``. RAM documents ``IdempotentParameterMismatchException`` for its
``clientToken`` (RAM API Reference, e.g. CreateResourceShare).

vpclab keeps, per (account, Region, service, action, token), the parameters' fingerprint and the
answer it gave; a retry gets that answer again (under its own request id). AWS says the repeated
answer "might contain updated information, such as the current creation status"; vpclab repeats
the original, which is what a client retrying a lost answer needs. Only successful requests are
remembered (a failed one did nothing, so its retry runs). The memory holds the most recent
``LIMIT`` tokens and at most ``LIMIT_BYTES`` of answers (botocore fills in a token on every call
of an operation that has one), in the server's memory: a lab choice (AWS keeps tokens for an
undocumented time; a restarted server has forgotten them).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from ..core.errors import AwsError

__all__ = ["LIMIT", "MAX_TOKEN_LENGTH", "ClientTokens", "token_member"]

#: tokens remembered (the oldest is forgotten first), and the most characters of answers kept
LIMIT = 10_000
LIMIT_BYTES = 32 * 1024 * 1024
#: AWS: "up to 64 ASCII characters"
MAX_TOKEN_LENGTH = 64

#: the idempotency-token member of each operation's input, by (service, action); None: no token
_MEMBERS: dict[tuple[str, str], str | None] = {}


def token_member(service: str, op: Any) -> str | None:
    """The name of ``op``'s client-token parameter (``ClientToken``, RAM's ``clientToken``), or None."""
    key = (service, op.name)
    if key not in _MEMBERS:
        members = op.input_shape.members if op.input_shape is not None else {}
        _MEMBERS[key] = next((name for name in members if name.lower() == "clienttoken"), None)
    return _MEMBERS[key]


def _fingerprint(params: Mapping[str, Any], member: str) -> str:
    """The request's parameters but the token and DryRun, as canonical JSON."""
    # AWS: a retry may change the Availability Zone (and is per Region) without a mismatch
    rest = {k: v for k, v in params.items() if k not in (member, "DryRun", "AvailabilityZone")}
    placement = rest.get("Placement")
    if isinstance(placement, Mapping) and "AvailabilityZone" in placement:
        rest["Placement"] = {k: v for k, v in placement.items() if k != "AvailabilityZone"}
        if not rest["Placement"]:
            del rest["Placement"]
    return json.dumps(rest, sort_keys=True, default=str, separators=(",", ":"))


class ClientTokens:
    """The answers given to requests that carried a client token (see the module docs).

    Not thread-safe by itself: the endpoint uses it under the World's lock.
    """

    def __init__(self, limit: int = LIMIT, limit_bytes: int = LIMIT_BYTES) -> None:
        self._limit = limit
        self._limit_bytes = limit_bytes
        self._size = 0
        self._seen: OrderedDict[tuple[str, ...], tuple[str, str, str]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    def clear(self) -> None:
        self._seen.clear()
        self._size = 0

    def replay(
        self,
        key: tuple[str, ...],
        params: Mapping[str, Any],
        member: str,
        mismatch_code: str,
        invalid_code: str = "InvalidParameterValue",
    ) -> tuple[str, str] | None:
        """(answer, its request id) for a retry of a remembered request, None for a new token;
        raises ``mismatch_code`` for the same token with other parameters, and ``invalid_code`` for a
        token longer than 64 characters or not ASCII: EC2's InvalidClientToken ("The specified client
        token is not valid", "Error codes for the Amazon EC2 API"); InvalidParameterValue elsewhere."""
        token = key[-1]
        if len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            # the limit is AWS's; the error's wording is not documented (a conservative choice)
            raise AwsError(
                invalid_code,
                f"Value ({token[:80]}) for parameter {member} is invalid. The client token "
                f"must be at most {MAX_TOKEN_LENGTH} ASCII characters.",
            )
        seen = self._seen.get(key)
        if seen is None:
            return None
        fingerprint, answer, request_id = seen
        if fingerprint != _fingerprint(params, member):
            # AWS's code; its message is undocumented
            raise AwsError(
                mismatch_code,
                "The client token you provided is associated with a request "
                "with different parameters. Use a new client token or the "
                "original parameters.",
            )
        self._seen.move_to_end(key)
        return answer, request_id

    def remember(
        self, key: tuple[str, ...], params: Mapping[str, Any], member: str, answer: str, request_id: str
    ) -> None:
        old = self._seen.pop(key, None)
        if old is not None:
            self._size -= len(old[1])
        self._seen[key] = (_fingerprint(params, member), answer, request_id)
        self._size += len(answer)
        while self._seen and (len(self._seen) > self._limit or self._size > self._limit_bytes):
            _, (_, dropped, _) = self._seen.popitem(last=False)
            self._size -= len(dropped)
