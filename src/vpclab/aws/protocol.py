"""The wire format, driven by botocore's own service models (DESIGN §2).

- ``parse_params(operation, form)`` turns a form-encoded Query request into a dict in boto3's
  request shape, walking the operation's input shape (EC2 query serialization: member names from
  ``queryName`` or the capitalized ``locationName``, lists flattened as ``Name.N``, structures as
  ``Name.Member``), and validates required members, types and enums with AWS's errors.
- ``render_result(operation, result, request_id)`` turns a handler's result dict (boto3's
  response shape) into the XML document botocore's parser reads back: EC2's
  ``<XResponse xmlns=…><requestId/>…`` or the Query protocol's ``<XResponse><XResult>…``.
- ``render_error(protocol, error, request_id)`` is the one error envelope of each protocol.

No hand-written XML templates: every element name comes from the model.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

from ..errors import AwsError

#: Query parameters every request may carry that no operation's input shape lists.
ENVELOPE_PARAMS = frozenset({"Action", "Version"})
#: SigV4 query-string authentication parameters (presigned requests).
_AUTH_PREFIX = "X-Amz-"


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@cache
def service_model(service: str) -> ServiceModel:
    """botocore's model of a service (``ec2``, ``sts``, ``elbv2``, ``ram``)."""
    return _session().get_service_model(service)


def operation(service: str, action: str) -> OperationModel | None:
    """The operation named ``action`` (``CreateVpc``) of ``service``, or None."""
    model = service_model(service)
    if action not in model.operation_names:
        return None
    return model.operation_model(action)


# -- requests ------------------------------------------------------------------------------------
def wire_name(member: str, shape: Shape, protocol: str) -> str:
    """A member's name on the wire: EC2 uses queryName, else the capitalized locationName."""
    if protocol == "ec2":
        if "queryName" in shape.serialization:
            return str(shape.serialization["queryName"])
        name = shape.serialization.get("name")
        if name:
            return str(name[0].upper() + name[1:])
    return member


def invalid_value(param: str, value: str, expected: str = "") -> AwsError:
    """AWS's wording for a value of the wrong type or outside an enum:
    ``Value (x) for parameter instanceTenancy is invalid.`` (the trailing hint is vpclab's)."""
    hint = f" Expected: {expected}." if expected else ""
    return AwsError("InvalidParameterValue", f"Value ({value}) for parameter {param} is invalid.{hint}")


def parse_params(op: OperationModel, form: Mapping[str, str]) -> dict[str, Any]:
    """The request's parameters as a dict in boto3's request shape (PascalCase keys)."""
    protocol = op.metadata["protocol"]
    shape = op.input_shape
    if shape is None:
        params: dict[str, Any] = {}
        used: set[str] = set()
    else:
        used = set()
        params = _parse_structure(shape, "", form, used, protocol)
    for key in form:
        if key not in used and key not in ENVELOPE_PARAMS and not key.startswith(_AUTH_PREFIX):
            raise AwsError("UnknownParameter", f"The parameter {key} is not recognized")
    return params


def _present(prefix: str, form: Mapping[str, str]) -> bool:
    dotted = prefix + "."
    return any(k == prefix or k.startswith(dotted) for k in form)


def _parse_structure(
    shape: StructureShape, prefix: str, form: Mapping[str, str], used: set[str], protocol: str
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for member, mshape in shape.members.items():
        key = f"{prefix}{wire_name(member, mshape, protocol)}"
        value = _parse(mshape, key, form, used, protocol)
        if value is not None:
            out[member] = value
    for member in shape.required_members:
        if member not in out:
            name = wire_name(member, shape.members[member], protocol)
            raise AwsError("MissingParameter", f"The request must contain the parameter {prefix}{name}")
    return out


def _list_indices(prefix: str, form: Mapping[str, str]) -> list[int]:
    dotted = prefix + "."
    found: set[int] = set()
    for k in form:
        if k.startswith(dotted):
            head = k[len(dotted) :].split(".", 1)[0]
            if not head.isdigit() or int(head) < 1:
                raise AwsError("InvalidParameterValue", f"The parameter {k} is not a valid list index")
            found.add(int(head))
    return sorted(found)


def _parse(shape: Shape, key: str, form: Mapping[str, str], used: set[str], protocol: str) -> Any:
    if isinstance(shape, StructureShape):
        if not _present(key, form):
            return None
        return _parse_structure(shape, key + ".", form, used, protocol)
    if isinstance(shape, ListShape):
        # EC2 flattens lists as Name.1, Name.2; the Query protocol nests them as Name.member.1
        if protocol == "ec2":
            base = key
        elif shape.serialization.get("flattened"):
            base = (
                key.rsplit(".", 1)[0] + "." + str(shape.member.serialization.get("name", ""))
                if "." in key and shape.member.serialization.get("name")
                else key
            )
        else:
            base = f"{key}.{shape.member.serialization.get('name', 'member')}"
        indices = _list_indices(base, form)
        if not indices:
            if protocol != "ec2" and form.get(key) == "":
                used.add(key)
                return []  # the Query protocol's empty list
            return None
        items = [_parse(shape.member, f"{base}.{i}", form, used, protocol) for i in indices]
        return [item for item in items if item is not None]
    if isinstance(shape, MapShape):
        base = key if shape.serialization.get("flattened") else f"{key}.entry"
        out: dict[str, Any] = {}
        for i in _list_indices(base, form):
            k = _parse(
                shape.key, f"{base}.{i}.{shape.key.serialization.get('name', 'key')}", form, used, protocol
            )
            v = _parse(
                shape.value,
                f"{base}.{i}.{shape.value.serialization.get('name', 'value')}",
                form,
                used,
                protocol,
            )
            if k is not None:
                out[k] = v
        return out
    if key not in form:
        return None
    used.add(key)
    return _scalar(shape, key, form[key])


def _scalar(shape: Shape, key: str, raw: str) -> Any:
    kind = shape.type_name
    if kind == "string":
        enum = shape.enum
        if enum and raw not in enum:
            raise invalid_value(key, raw, ", ".join(enum))
        return raw
    if kind == "boolean":
        low = raw.lower()
        if low not in ("true", "false"):
            raise invalid_value(key, raw, "true or false")
        return low == "true"
    if kind in ("integer", "long"):
        try:
            return int(raw)
        except ValueError:
            raise invalid_value(key, raw, "an integer") from None
    if kind in ("float", "double"):
        try:
            return float(raw)
        except ValueError:
            raise invalid_value(key, raw, "a number") from None
    if kind == "timestamp":
        try:
            return dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise invalid_value(key, raw, "an ISO 8601 timestamp") from None
    if kind == "blob":
        try:
            return base64.b64decode(raw, validate=True)
        except ValueError:
            raise invalid_value(key, raw, "base64") from None
    return raw


# -- responses -----------------------------------------------------------------------------------
def _xmlns(model: ServiceModel) -> str:
    ns = (
        model.metadata.get("xmlNamespace")
        or f"https://{model.endpoint_prefix}.amazonaws.com/doc/{model.api_version}/"
    )
    return ns if ns.endswith("/") else ns + "/"


def render_result(op: OperationModel, result: Mapping[str, Any], request_id: str) -> str:
    """The response document for ``result`` (a dict in boto3's response shape)."""
    name = op.name
    ns = _xmlns(op.service_model)
    parts: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<{name}Response xmlns="{ns}">']
    shape = op.output_shape
    if op.metadata["protocol"] == "ec2":
        parts.append(f"<requestId>{request_id}</requestId>")
        if shape is not None:
            _write_members(shape, result, parts)
    else:
        wrapper = (shape.serialization.get("resultWrapper") if shape is not None else None) or f"{name}Result"
        parts.append(f"<{wrapper}>")
        if shape is not None:
            _write_members(shape, result, parts)
        parts.append(f"</{wrapper}><ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>")
    parts.append(f"</{name}Response>")
    return "".join(parts)


def _element_name(member: str, shape: Shape) -> str:
    return str(shape.serialization.get("name", member))


def _write_members(shape: StructureShape, value: Mapping[str, Any], parts: list[str]) -> None:
    members = shape.members
    for member, item in value.items():
        mshape = members.get(member)
        if mshape is None:
            raise ValueError(f"{shape.name} has no member {member!r}")
        if item is None:
            continue
        _write(mshape, _element_name(member, mshape), item, parts)


def _write(shape: Shape, name: str, value: Any, parts: list[str]) -> None:
    if isinstance(shape, StructureShape):
        parts.append(f"<{name}>")
        _write_members(shape, value, parts)
        parts.append(f"</{name}>")
    elif isinstance(shape, ListShape):
        item_name = str(shape.member.serialization.get("name", "member"))
        if shape.serialization.get("flattened"):
            for item in value:
                _write(shape.member, name, item, parts)
            return
        parts.append(f"<{name}>")
        for item in value:
            _write(shape.member, item_name, item, parts)
        parts.append(f"</{name}>")
    elif isinstance(shape, MapShape):
        parts.append(f"<{name}>")
        for k, v in value.items():
            parts.append("<entry>")
            _write(shape.key, str(shape.key.serialization.get("name", "key")), k, parts)
            _write(shape.value, str(shape.value.serialization.get("name", "value")), v, parts)
            parts.append("</entry>")
        parts.append(f"</{name}>")
    else:
        parts.append(f"<{name}>{_text(shape, value)}</{name}>")


def _text(shape: Shape, value: Any) -> str:
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=dt.UTC)
            return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return escape(str(value))
    if kind == "blob":
        data = value if isinstance(value, bytes) else str(value).encode()
        return base64.b64encode(data).decode()
    return escape(str(value))


def render_error(protocol: str, error: AwsError, request_id: str) -> str:
    """The error envelope: EC2's ``<Response><Errors><Error>…``, the Query protocol's ``<ErrorResponse>``."""
    code, message = escape(error.code), escape(error.message)
    if protocol == "ec2":
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
            f"<Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
    kind = "Receiver" if error.status >= 500 else "Sender"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error>'
        f"<Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    )
