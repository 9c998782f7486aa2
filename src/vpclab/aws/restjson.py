"""A generic REST-JSON dispatcher (AWS RAM), driven by botocore's service model.

EC2 and STS speak Query protocols (``protocol.py``); RAM speaks REST-JSON: each operation has an
HTTP method and path (``POST /createresourceshare``), its input is a JSON body (plus any members
the model places in the query string or headers), its output a JSON document, and an error is
``{"__type": code, "message": …}`` with the error shape's HTTP status (botocore reads the code from
the ``x-amzn-ErrorType`` header or the body). Which service a request is for comes from its SigV4
credential scope, as for Query requests; handlers are the same ``fn(call) -> dict`` as EC2's,
registered with ``handler(action, service="ram")``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Mapping
from functools import cache
from typing import Any

from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape

from ..core.errors import AwsError
from ..core.text import describe_char, invalid_char
from . import protocol
from .idempotency import token_member
from .registry import HANDLERS, Call

log = logging.getLogger("vpclab.aws")

#: services answered here (botocore model names)
REST_JSON_SERVICES = ("ram",)


@cache
def routes(service: str) -> dict[tuple[str, str], str]:
    """(HTTP method, path) → operation name, from the model's ``http.requestUri``."""
    model = protocol.service_model(service)
    out = {}
    for name in model.operation_names:
        http = model.operation_model(name).http
        out[(http["method"].upper(), http["requestUri"].split("?")[0].rstrip("/") or "/")] = name
    return out


#: codes of rules shared with EC2 (the control layer's tag checks) → RAM's model's codes
_EC2_TO_REST = {
    "InvalidParameterValue": "InvalidParameterException",
    "MissingParameter": "MissingRequiredParameterException",
    "TagLimitExceeded": "TagLimitExceededException",
}


def _error(
    code: str, message: str, op: OperationModel | None, status: int = 400
) -> tuple[int, str, dict[str, str]]:
    if op is not None:
        for shape in op.error_shapes:
            if shape.name == code:
                status = int(shape.metadata.get("error", {}).get("httpStatusCode", status))
    body = json.dumps({"__type": code, "message": message})
    return status, body, {"x-amzn-ErrorType": code, "x-amzn-RequestId": str(uuid.uuid4())}


def jsonable(value: Any) -> Any:
    """A handler's result as JSON values (datetimes as epoch seconds, None members left out): the
    JSON protocols' (REST-JSON, JSON 1.1) default forms."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.timestamp()  # the JSON protocols' default timestamp format: epoch seconds
    if isinstance(value, Mapping):
        return {k: jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


#: what a JSON value of each model type may be (bool is an int in Python: refused separately)
JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "boolean": (bool,),
    "timestamp": (int, float, str),
    "blob": (str,),
}


def _invalid(path: str, message: str) -> AwsError:
    # RAM's model lists InvalidParameterException for a bad parameter; the wording of AWS's
    # front end for a wrongly typed JSON member is undocumented (vpclab's names the member)
    return AwsError("InvalidParameterException", f"The parameter {path} is invalid: {message}.")


def check_value(shape: Shape, value: Any, path: str) -> None:
    """``value`` (decoded JSON) against botocore's ``shape``: types, members, lengths and enums, and
    no character an answer or the state file cannot carry. Follows the shape, not the value, so a
    deeply nested value costs no deeper a walk than the model allows."""
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            raise _invalid(path, "expected an object")
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None:
                raise _invalid(f"{path}.{name}", "not a member of " + shape.name)
            if item is not None:
                check_value(member, item, f"{path}.{name}")
        return
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            raise _invalid(path, "expected a list")
        _check_length(shape, len(value), path)
        for i, item in enumerate(value):
            check_value(shape.member, item, f"{path}.{i + 1}")
        return
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            raise _invalid(path, "expected an object")
        for k, v in value.items():
            check_value(shape.key, k, f"{path}.key")
            check_value(shape.value, v, f"{path}.{k}")
        return
    kind = shape.type_name
    expected = JSON_TYPES.get(kind)
    if expected is not None and (
        not isinstance(value, expected) or (isinstance(value, bool) and kind != "boolean")
    ):
        raise _invalid(path, f"expected a {kind}")
    if isinstance(value, str):
        enum = getattr(shape, "enum", None)  # only string shapes have one
        if enum and value not in enum:
            raise _invalid(path, "expected one of " + ", ".join(enum))
        if kind == "string":
            _check_length(shape, len(value), path)
        bad = invalid_char(value)
        if bad is not None:
            raise _invalid(path, f"character {describe_char(bad)} is not allowed")
    elif isinstance(value, int) and not isinstance(value, bool) and kind in ("integer", "long"):
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if (low is not None and value < low) or (high is not None and value > high) or abs(value) >= 2**63:
            raise _invalid(path, "out of range")


def _check_length(shape: Shape, length: int, path: str) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and length < low:
        raise _invalid(path, f"shorter than {low}")
    if high is not None and length > high:
        raise _invalid(path, f"longer than {high}")


def _from_text(shape: Shape, text: str) -> Any:
    """A query-string or header member's value as its model type (left as text if it is not one)."""
    if shape.type_name in ("integer", "long") and text.lstrip("-").isdigit():
        return int(text)
    if shape.type_name == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def parse(
    op: OperationModel, body: bytes, query: Mapping[str, str], headers: Mapping[str, str]
) -> dict[str, Any]:
    """The request's parameters in boto3's shape: the JSON body, plus query-string and header
    members, each checked against the operation's input shape (``check_value``)."""
    try:
        params = json.loads(body) if body.strip() else {}
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the decoder goes
        raise AwsError("InvalidParameterException", "The request body is not valid JSON.") from None
    if not isinstance(params, dict):
        raise AwsError("InvalidParameterException", "The request body must be a JSON object.")
    shape = op.input_shape
    members = shape.members if shape is not None else {}
    for name, member in members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "querystring" and wire in query:
            params[name] = _from_text(member, query[wire])
        elif location == "header" and wire.lower() in headers:
            params[name] = _from_text(member, headers[wire.lower()])
    for name, value in params.items():
        if name not in members:
            raise AwsError("InvalidParameterException", f"The parameter {name} is not recognized.")
        if value is not None:
            check_value(members[name], value, name)
    for name in shape.required_members if shape is not None else ():
        if name not in params:
            raise AwsError(
                "MissingRequiredParameterException", f"The request must contain the parameter {name}."
            )
    return params


def dispatch(
    endpoint: Any,
    service: str,
    method: str,
    path: str,
    body: bytes,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    account_id: str,
    region: str,
) -> tuple[int, str, dict[str, str]]:
    """One REST-JSON request → (status, JSON body, headers)."""
    name = routes(service).get((method.upper(), path.rstrip("/") or "/"))
    op = protocol.operation(service, name) if name else None
    fn = HANDLERS.get((service, name)) if name else None
    if op is None or fn is None:
        return _error(
            "UnknownOperationException",
            f"The operation {method} {path} is not supported by vpclab.",
            None,
            404,
        )
    request_id = str(uuid.uuid4())
    try:
        params = parse(op, body, query, headers)
        with endpoint.lock:
            member = token_member(service, op)
            token = params.get(member) if member is not None else None
            key = (account_id, region, service, op.name, str(token))
            if member is not None and token:
                seen = endpoint.client_tokens.replay(
                    key, params, member, "IdempotentParameterMismatchException")
                if seen is not None:  # a retry: the first answer again (aws/idempotency.py)
                    return 200, seen[0], {"x-amzn-RequestId": request_id}
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
            answer = json.dumps(jsonable(fn(call)))
            if member is not None and token:
                endpoint.client_tokens.remember(key, params, member, answer, request_id)
        return 200, answer, {"x-amzn-RequestId": request_id}
    except AwsError as exc:
        status = 503 if exc.status >= 500 else exc.status
        return _error(_EC2_TO_REST.get(exc.code, exc.code), exc.message, op, status)
    except Exception:
        log.exception("internal error in %s %s (request %s)", service, op.name, request_id)
        # RAM's generic server-side error; answered 400 like the Query endpoint (never 500)
        return _error("InvalidParameterException", "The request received was invalid.", op)
