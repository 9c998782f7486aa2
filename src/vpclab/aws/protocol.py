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
import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

import botocore.session
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

from ..core.errors import AwsError, invalid_parameter_value
from ..core.text import describe_char, invalid_char

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


@cache
def operation(service: str, action: str) -> OperationModel | None:
    """The operation named ``action`` (``CreateVpc``) of ``service``, or None (looked up once)."""
    model = service_model(service)
    if action not in _operation_names(service):
        return None
    return model.operation_model(action)


@cache
def _operation_names(service: str) -> frozenset[str]:
    return frozenset(service_model(service).operation_names)


# -- characters XML 1.0 cannot carry ------------------------------------------------------------
#: what text needs rewritten: markup (``& < >``), CR (a parser would read it as a newline) and
#: what ``core.text.XML_INVALID`` matches
_XML_REWRITE = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_REWRITES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}


def _rewrite(m: re.Match[str]) -> str:
    return _REWRITES.get(m.group(), "\ufffd")


def xml_text(text: str) -> str:
    """``text`` as XML character data: markup escaped, CR as ``&#13;``, and characters XML 1.0
    cannot carry at all (``core.text``) as U+FFFD. Requests carrying those are refused
    (``parse_params``) and the control layer refuses them in stored text, so this is a safety net:
    every answer stays well-formed.
    Cost on the common path: one ``isprintable`` (C) and three ``in`` tests."""
    if text.isprintable():
        if "&" in text or "<" in text or ">" in text:
            return escape(text)
        return text
    return _XML_REWRITE.sub(_rewrite, text)


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
    return invalid_parameter_value(f"Value ({value}) for parameter {param} is invalid.{hint}")


#: the deepest dotted key the index follows: deeper than any input shape nests (EC2's deepest
#: request keys have about ten components); a deeper key is never a member, so it is answered
#: UnknownParameter without being indexed (keeps indexing linear in the body's size)
_MAX_KEY_DEPTH = 24


class FormIndex:
    """The form's keys indexed by dotted prefix, built in one pass: ``children[prefix]`` is the
    set of next components under ``prefix`` (``""`` for the top level), so the parser finds a
    list's indices or a structure's presence by one lookup instead of a scan of every key —
    parsing is linear in the form's size (8,000 filters used to take 25 s)."""

    __slots__ = ("children", "form")

    def __init__(self, form: Mapping[str, str]) -> None:
        self.form = form
        children: dict[str, set[str]] = {}
        for key in form:
            prefix = ""
            parts = key.split(".", _MAX_KEY_DEPTH)
            for i, part in enumerate(parts):
                kids = children.get(prefix)
                if kids is None:
                    kids = children[prefix] = set()
                kids.add(part)
                if i == len(parts) - 1 or i == _MAX_KEY_DEPTH - 1:
                    break
                prefix = f"{prefix}.{part}" if prefix else part
        self.children = children

    def present(self, prefix: str) -> bool:
        return prefix in self.form or prefix in self.children


def parse_params(op: OperationModel, form: Mapping[str, str]) -> dict[str, Any]:
    """The request's parameters as a dict in boto3's request shape (PascalCase keys)."""
    protocol = op.metadata["protocol"]
    shape = op.input_shape
    used: set[str] = set()
    if shape is None:
        params: dict[str, Any] = {}
    else:
        index = FormIndex(form)
        params = _parse_structure(shape, "", index, used, protocol)
    for key in form:
        if key not in used and key not in ENVELOPE_PARAMS and not key.startswith(_AUTH_PREFIX):
            raise AwsError("UnknownParameter", f"The parameter {key} is not recognized")
    return params


@cache
def _wire_members(shape: StructureShape, protocol: str) -> tuple[tuple[str, str, Shape], ...]:
    """(member, wire name, shape) of each member, computed once per structure."""
    return tuple((m, wire_name(m, ms, protocol), ms) for m, ms in shape.members.items())


def _parse_structure(
    shape: StructureShape, prefix: str, index: FormIndex, used: set[str], protocol: str
) -> dict[str, Any]:
    """Only the members whose wire name is among the prefix's indexed components are looked at
    (no scan of the form for absent ones)."""
    out: dict[str, Any] = {}
    heads = index.children.get(prefix[:-1] if prefix else "", set())
    for member, wire, mshape in _wire_members(shape, protocol):
        if wire not in heads:
            continue
        value = _parse(mshape, prefix + wire, index, used, protocol)
        if value is not None:
            out[member] = value
    for member in shape.required_members:
        if member not in out:
            name = wire_name(member, shape.members[member], protocol)
            raise AwsError("MissingParameter", f"The request must contain the parameter {prefix}{name}")
    return out


def _list_indices(prefix: str, index: FormIndex) -> list[int]:
    found: set[int] = set()
    for head in index.children.get(prefix, ()):
        if not head.isdigit() or int(head) < 1:
            key = next(k for k in index.form if k.startswith(f"{prefix}.{head}"))
            raise invalid_parameter_value(f"The parameter {key} is not a valid list index")
        found.add(int(head))
    return sorted(found)


def _parse(shape: Shape, key: str, index: FormIndex, used: set[str], protocol: str) -> Any:
    form = index.form
    if isinstance(shape, StructureShape):
        if not index.present(key):
            return None
        return _parse_structure(shape, key + ".", index, used, protocol)
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
        indices = _list_indices(base, index)
        if not indices:
            if protocol != "ec2" and form.get(key) == "":
                used.add(key)
                return []  # the Query protocol's empty list
            return None
        items = [_parse(shape.member, f"{base}.{i}", index, used, protocol) for i in indices]
        return [item for item in items if item is not None]
    if isinstance(shape, MapShape):
        base = key if shape.serialization.get("flattened") else f"{key}.entry"
        out: dict[str, Any] = {}
        for i in _list_indices(base, index):
            k = _parse(
                shape.key, f"{base}.{i}.{shape.key.serialization.get('name', 'key')}", index, used, protocol
            )
            v = _parse(
                shape.value,
                f"{base}.{i}.{shape.value.serialization.get('name', 'value')}",
                index,
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
        bad = invalid_char(raw)
        if bad is not None:
            # AWS's EC2 answers are XML: a value it could not echo is refused where it enters
            # (AWS does not document this case; InvalidParameterValue is its error for a bad value)
            raise invalid_parameter_value(
                f"Value for parameter {key} is invalid: character {describe_char(bad)} is not allowed."
            )
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


# A writer per output shape, built once (botocore's shapes are immutable): ``write(name, value,
# parts)`` appends the element ``name`` holding ``value``. Describes render thousands of elements,
# so the shape walk (isinstance tests, serialization lookups) is done at build time, not per value.
Writer = Callable[[str, Any, list[str]], None]


def _write_members(shape: StructureShape, value: Mapping[str, Any], parts: list[str]) -> None:
    _members_writer(shape)(value, parts)


def _write(shape: Shape, name: str, value: Any, parts: list[str]) -> None:
    _writer(shape)(name, value, parts)


@cache
def _members_writer(shape: StructureShape) -> Callable[[Mapping[str, Any], list[str]], None]:
    table: dict[str, tuple[str, Writer]] = {}
    members = shape.members

    def write_members(value: Mapping[str, Any], parts: list[str]) -> None:
        for member, item in value.items():
            entry = table.get(member)
            if entry is None:
                mshape = members.get(member)
                if mshape is None:
                    raise ValueError(f"{shape.name} has no member {member!r}")
                entry = table[member] = (_element_name(member, mshape), _writer(mshape))
            if item is None:
                continue
            entry[1](entry[0], item, parts)

    return write_members


@cache
def _writer(shape: Shape) -> Writer:
    if isinstance(shape, StructureShape):
        members = _members_writer(shape)

        def write_structure(name: str, value: Any, parts: list[str]) -> None:
            parts.append(f"<{name}>")
            members(value, parts)
            parts.append(f"</{name}>")

        return write_structure
    if isinstance(shape, ListShape):
        item_name = str(shape.member.serialization.get("name", "member"))
        member_shape = shape.member
        if shape.serialization.get("flattened"):

            def write_flattened(name: str, value: Any, parts: list[str]) -> None:
                item = _writer(member_shape)
                for v in value:
                    item(name, v, parts)

            return write_flattened

        def write_list(name: str, value: Any, parts: list[str]) -> None:
            item = _writer(member_shape)
            parts.append(f"<{name}>")
            for v in value:
                item(item_name, v, parts)
            parts.append(f"</{name}>")

        return write_list
    if isinstance(shape, MapShape):
        key_name = str(shape.key.serialization.get("name", "key"))
        value_name = str(shape.value.serialization.get("name", "value"))
        key_shape, value_shape = shape.key, shape.value

        def write_map(name: str, value: Any, parts: list[str]) -> None:
            write_key, write_value = _writer(key_shape), _writer(value_shape)
            parts.append(f"<{name}>")
            for k, v in value.items():
                parts.append("<entry>")
                write_key(key_name, k, parts)
                write_value(value_name, v, parts)
                parts.append("</entry>")
            parts.append(f"</{name}>")

        return write_map
    kind = shape.type_name
    if kind in ("string", "integer", "long", "float", "double"):

        def write_text(name: str, value: Any, parts: list[str]) -> None:
            text = value if type(value) is str else str(value)
            if not text.isprintable() or "&" in text or "<" in text or ">" in text:
                text = xml_text(text)  # inline test first: most text needs nothing
            parts.append(f"<{name}>{text}</{name}>")

        return write_text
    if kind == "boolean":

        def write_boolean(name: str, value: Any, parts: list[str]) -> None:
            parts.append(f"<{name}>true</{name}>" if value else f"<{name}>false</{name}>")

        return write_boolean

    def write_other(name: str, value: Any, parts: list[str]) -> None:
        parts.append(f"<{name}>{_text(shape, value)}</{name}>")

    return write_other


def _text(shape: Shape, value: Any) -> str:
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=dt.UTC)
            return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        return xml_text(str(value))
    if kind == "blob":
        data = value if isinstance(value, bytes) else str(value).encode()
        return base64.b64encode(data).decode()
    return xml_text(str(value))


def render_error(protocol: str, error: AwsError, request_id: str) -> str:
    """The error envelope: EC2's ``<Response><Errors><Error>…``, the Query protocol's ``<ErrorResponse>``."""
    code, message = xml_text(error.code), xml_text(error.message)
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
