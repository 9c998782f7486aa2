"""The AWS JSON 1.1 protocol (SSM, Direct Connect), driven by botocore's service model.

A JSON 1.1 request is ``POST /`` with ``X-Amz-Target: <targetPrefix>.<Operation>``
(``AmazonSSM.GetParameter``, ``OvertureService.CreateDirectConnectGateway``), a body that is the
operation's input as a JSON object and ``Content-Type: application/x-amz-json-1.1``. The answer is
the output as JSON (timestamps as epoch seconds), and an error is ``{"__type": code, "message": …}``
with an ``x-amzn-RequestId`` header (botocore reads the code from ``__type``, after any ``#``).

Which service a request is for comes from its SigV4 credential scope (``…/us-east-1/ssm/aws4_request``)
as for the Query and REST-JSON services; an unsigned request goes by its target's prefix. The target
prefix must be the service's own (``targetPrefix`` in botocore's model).

Input validation follows the JSON services' front end (AWS documents the two errors in each JSON
service's "Common Errors"):

- a body that is not a JSON object, or a member of the wrong JSON type → ``SerializationException``;
- constraint violations (required members, lengths, ranges, enums) → ``ValidationException``, every
  violation listed as AWS words them: ``1 validation error detected: Value '[…]' at 'names' failed
  to satisfy constraint: Member must have length less than or equal to 10``.

A member the model does not have is refused too (``SerializationException``): whether AWS ignores
it is undocumented, and refusing keeps a typo from passing silently (never stored).
Handlers are the same ``fn(call) -> dict`` as EC2's, registered with ``handler(action, service=…)``.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping
from functools import cache
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

from ..core import budget
from ..core.errors import AwsError
from ..core.text import describe_char, invalid_char
from ..model.regions import is_region
from . import protocol
from .registry import HANDLERS, Call
from .restjson import JSON_TYPES, jsonable

log = logging.getLogger("vpclab.aws")

#: services answered in JSON 1.1 (botocore model names)
JSON_SERVICES = ("ssm", "directconnect")
#: the answer's content type
CONTENT_TYPE = "application/x-amz-json-1.1"
#: EC2-style codes raised by shared control-layer checks (names, tags) → each JSON service's own
#: client error
_SHARED_CODES = frozenset(
    {"InvalidParameterValue", "MissingParameter", "InvalidParameterCombination", "UnauthorizedOperation"}
)
_CLIENT_ERRORS = {"ssm": "ValidationException", "directconnect": "DirectConnectClientException"}


@cache
def target_prefixes() -> dict[str, str]:
    """``X-Amz-Target`` prefix → service (``AmazonSSM`` → ``ssm``)."""
    return {str(protocol.service_model(s).metadata["targetPrefix"]): s for s in JSON_SERVICES}


def service_of_target(target: str) -> str | None:
    """The JSON service a target names (``AmazonSSM.GetParameter`` → ``ssm``), or None."""
    prefix = target.partition(".")[0]
    return target_prefixes().get(prefix)


def error_body(code: str, message: str) -> str:
    return json.dumps({"__type": code, "message": message})


def _error(code: str, message: str, status: int, request_id: str) -> tuple[int, str, dict[str, str]]:
    return status, error_body(code, message), {"x-amzn-RequestId": request_id}


# -- validation ----------------------------------------------------------------------------------
def _serialization(message: str) -> AwsError:
    return AwsError("SerializationException", message)


def _shown(value: Any) -> str:
    """A value as AWS's validation messages show it (a list as ``[a, b]``)."""
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _path(parent: str, name: str) -> str:
    wire = name[:1].lower() + name[1:]
    return f"{parent}.{wire}" if parent else wire


class _Checker:
    """Walks a value along its shape (not the value: no deeper than the model goes), collecting
    constraint violations and raising ``SerializationException`` for a wrong JSON type."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def violation(self, value: Any, path: str, constraint: str) -> None:
        shown = "null" if value is None else f"'{_shown(value)}'"
        self.violations.append(f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}")

    def structure(self, shape: StructureShape, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise _serialization(f"Expected an object at '{path or 'body'}'")
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None:
                raise _serialization(
                    f"Unrecognized field '{_path(path, name)}' (not a member of {shape.name})"
                )
            if item is not None:
                self.check(member, item, _path(path, name))
        for name in shape.required_members:
            if value.get(name) is None:
                self.violation(None, _path(path, name), "Member must not be null")

    def check(self, shape: Shape, value: Any, path: str) -> None:
        if isinstance(shape, StructureShape):
            self.structure(shape, value, path)
            return
        if isinstance(shape, ListShape):
            if not isinstance(value, list):
                raise _serialization(f"Expected a list at '{path}'")
            self.length(shape, value, len(value), path)
            for i, item in enumerate(value, 1):
                if item is None:  # a list holds values; a null in one is not the shape's JSON
                    raise _serialization(f"null is not allowed at '{path}.{i}.member'")
                self.check(shape.member, item, f"{path}.{i}.member")
            return
        if isinstance(shape, MapShape):
            if not isinstance(value, dict):
                raise _serialization(f"Expected an object at '{path}'")
            for k, v in value.items():
                self.check(shape.key, k, f"{path}.key")
                if v is not None:
                    self.check(shape.value, v, f"{path}.{k}")
            return
        kind = shape.type_name
        expected = JSON_TYPES.get(kind)
        if expected is not None and (
            not isinstance(value, expected) or (isinstance(value, bool) and kind != "boolean")
        ):
            raise _serialization(f"Expected a {kind} at '{path}'")
        if isinstance(value, str):
            bad = invalid_char(value)
            if bad is not None:
                raise _serialization(f"Character {describe_char(bad)} is not allowed at '{path}'")
            enum = getattr(shape, "enum", None)
            if enum and value not in enum:
                self.violation(value, path, "Member must satisfy enum value set: [" + ", ".join(enum) + "]")
            if kind == "string":
                self.length(shape, value, len(value), path)
        elif isinstance(value, int) and not isinstance(value, bool) and kind in ("integer", "long"):
            if abs(value) >= 2**63:
                raise _serialization(f"Number out of range at '{path}'")
            low, high = shape.metadata.get("min"), shape.metadata.get("max")
            if low is not None and value < low:
                self.violation(value, path, f"Member must have value greater than or equal to {low}")
            if high is not None and value > high:
                self.violation(value, path, f"Member must have value less than or equal to {high}")

    def length(self, shape: Shape, value: Any, length: int, path: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if low is not None and length < low:
            self.violation(value, path, f"Member must have length greater than or equal to {low}")
        if high is not None and length > high:
            self.violation(value, path, f"Member must have length less than or equal to {high}")


def parse(op: OperationModel, body: bytes) -> dict[str, Any]:
    """The request body as the operation's input (boto3's request shape), checked against botocore's
    model: ``SerializationException`` for what is not the shape's JSON, ``ValidationException``
    listing every constraint violation."""
    try:
        params = json.loads(body) if body.strip() else {}
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the decoder goes
        raise _serialization("The request body is not valid JSON.") from None
    shape = op.input_shape
    checker = _Checker()
    if shape is None:
        if params not in ({}, None):
            raise _serialization(f"{op.name} takes no input.")
        return {}
    checker.structure(shape, params, "")
    if checker.violations:
        n = len(checker.violations)
        head = f"{n} validation error{'s' if n > 1 else ''} detected: "
        raise AwsError("ValidationException", head + "; ".join(checker.violations))
    return {k: v for k, v in params.items() if v is not None}


def dispatch(
    endpoint: Any,
    body: bytes,
    headers: Mapping[str, str],
    account_id: str,
    region: str,
    signed_service: str | None,
) -> tuple[int, str, dict[str, str]]:
    """One JSON 1.1 request → (status, JSON body, headers)."""
    request_id = str(uuid.uuid4())
    target = headers.get("x-amz-target", "")
    prefix, _, name = target.partition(".")
    service = signed_service if signed_service in JSON_SERVICES else service_of_target(target)
    op = protocol.operation(service, name) if service and name else None
    fn = HANDLERS.get((service, name)) if service and name else None
    if (
        service is None
        or op is None
        or fn is None
        or prefix != protocol.service_model(service).metadata["targetPrefix"]
    ):
        # AWS's JSON services answer an unknown target UnknownOperationException (their common error)
        return _error(
            "UnknownOperationException",
            f"The operation {target or '(no X-Amz-Target)'} is not supported by vpclab.",
            400,
            request_id,
        )
    try:
        params = parse(op, body)
        if not is_region(region):
            raise AwsError("UnrecognizedClientException", f"Invalid region: {region}")
        with endpoint.lock:
            budget.check()
            call = Call(
                world=endpoint.world,
                account_id=account_id,
                region=region,
                service=service,
                action=op.name,
                params=params,
                request_id=request_id,
                analyser=endpoint.analyser,
            )
            result = fn(call)
        return 200, json.dumps(jsonable(result)), {"x-amzn-RequestId": request_id}
    except AwsError as exc:
        status = 503 if exc.status >= 500 else exc.status
        code = _CLIENT_ERRORS[service] if exc.code in _SHARED_CODES else exc.code
        if status >= 500:
            log.error("%s %s failed: %s", service, op.name, exc)
        return _error(code, exc.message, status, request_id)
    except Exception:
        log.exception("internal error in %s %s (request %s)", service, op.name, request_id)
        # never 500: answered 400 like the other protocols
        return _error("ValidationException", "The request received was invalid.", 400, request_id)
