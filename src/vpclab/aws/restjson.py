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

from botocore.model import OperationModel

from ..core.errors import AwsError
from . import protocol
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


def _error(
    code: str, message: str, op: OperationModel | None, status: int = 400
) -> tuple[int, str, dict[str, str]]:
    if op is not None:
        for shape in op.error_shapes:
            if shape.name == code:
                status = int(shape.metadata.get("error", {}).get("httpStatusCode", status))
    body = json.dumps({"__type": code, "message": message})
    return status, body, {"x-amzn-ErrorType": code, "x-amzn-RequestId": str(uuid.uuid4())}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.timestamp()  # REST-JSON's default timestamp format: epoch seconds
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def parse(
    op: OperationModel, body: bytes, query: Mapping[str, str], headers: Mapping[str, str]
) -> dict[str, Any]:
    """The request's parameters in boto3's shape: the JSON body, plus query-string and header members."""
    try:
        params = json.loads(body) if body.strip() else {}
    except ValueError:
        raise AwsError("InvalidParameterException", "The request body is not valid JSON.") from None
    if not isinstance(params, dict):
        raise AwsError("InvalidParameterException", "The request body must be a JSON object.")
    shape = op.input_shape
    members = shape.members if shape is not None else {}
    for name, member in members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "querystring" and wire in query:
            params[name] = query[wire]
        elif location == "header" and wire.lower() in headers:
            params[name] = headers[wire.lower()]
    for name in params:
        if name not in members:
            raise AwsError("InvalidParameterException", f"The parameter {name} is not recognized.")
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
        return 200, json.dumps(_jsonable(result)), {"x-amzn-RequestId": request_id}
    except AwsError as exc:
        status = 503 if exc.status >= 500 else exc.status
        return _error(exc.code, exc.message, op, status)
    except Exception:
        log.exception("internal error in %s %s (request %s)", service, op.name, request_id)
        # RAM's generic server-side error; answered 400 like the Query endpoint (never 500)
        return _error("InvalidParameterException", "The request received was invalid.", op)
