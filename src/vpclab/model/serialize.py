"""Lossless conversion of any Resource to a JSON-able dict and back.

    >>> from vpclab.model.vpc import Vpc
    >>> vpc = Vpc(id="vpc-1", owner_id="111111111111", region="us-east-1", cidr_block="10.0.0.0/16")
    >>> d = to_dict(vpc)
    >>> d["kind"], d["cidr_block"]
    ('vpc', '10.0.0.0/16')
    >>> from_dict(d) == vpc
    True

The conversion is driven by each dataclass's fields and their type hints
(``typing.get_type_hints``), never by per-kind code, so a field added to a model just works:
nested frozen dataclasses become objects, tuples become arrays, ``Tags`` an object, datetimes ISO
8601 strings, enums their value, ``X | None`` either ``null`` or X. Decoding a dict that lacks a
field (a row written before the field existed) gives the field its default; keys that name no
field (a field since removed) are ignored. A type the codec cannot carry raises ``TypeError``
naming the class and field, so an unsupported model field fails loudly in the tests.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import ipaddress
import itertools
import json
import operator
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from .base import KINDS, Resource, Tags

#: the key that names the resource's kind (its class's ``KIND``) in a dict
KIND_KEY = "kind"

_PRIMITIVES: tuple[type, ...] = (bool, int, float, str)
_FROM_STRING: tuple[type, ...] = (ipaddress.IPv4Address, ipaddress.IPv4Network, ipaddress.IPv6Address,
                                  ipaddress.IPv6Network)


class SerializeError(TypeError):
    """A value or type hint the codec cannot convert (names the class and field)."""


def to_dict(resource: Resource) -> dict[str, Any]:
    """The resource as a JSON-able dict: ``{"kind": KIND, <field>: <value>, …}``."""
    cls = type(resource)
    to_dict_check(cls)
    return {KIND_KEY: cls.KIND, **_encode_dataclass(resource)}


class ElementMemo:
    """The JSON text of collection items already encoded, by identity (for ``to_json``).

    Items are frozen dataclasses, so an item's text never changes while the item lives; the memo
    holds each item it remembers, so an ``id`` is never reused while it is in the memo. A change
    that adds one route to a table of 3,000 re-encodes one route, not 3,000 (the durable store's
    hot path). At most ``limit`` items are kept: past that the memo starts afresh.
    """

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self._texts: dict[int, tuple[Any, str]] = {}

    def text(self, item: Any, encode: Encoder) -> str:
        hit = self._texts.get(id(item))
        if hit is not None and hit[0] is item:
            return hit[1]
        text = _dumps(encode(item))
        if len(self._texts) >= self.limit:
            self._texts.clear()
        self._texts[id(item)] = (item, text)
        return text

    def __len__(self) -> int:
        return len(self._texts)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def to_json(resource: Resource, memo: ElementMemo | None = None) -> str:
    """``to_dict(resource)`` as compact JSON text; with a ``memo``, the items of the resource's
    collections of dataclasses (routes, rules, associations, …) are encoded once per item object.

    The text decodes (``json.loads`` → ``from_dict``) to the same resource either way; with a
    memo, the collection fields come after the others in the object.
    """
    if memo is None:
        return _dumps(to_dict(resource))
    head = to_dict_except(resource, _collections(type(resource)))
    parts = [_dumps(head)[1:-1]]
    for name, encode in _collections(type(resource)).items():
        texts = [memo.text(item, encode) for item in getattr(resource, name)]
        parts.append(f'"{name}":[{",".join(texts)}]')
    return "{" + ",".join(p for p in parts if p) + "}"


#: a patch's keys: fields replaced by their new encoded value, and sequences spliced
PATCH_SET, PATCH_SPLICE = "set", "splice"


def to_patch(old: Resource, new: Resource, memo: ElementMemo | None = None) -> str | None:
    """JSON text of a patch that turns ``to_dict(old)`` into ``to_dict(new)`` (``apply_patch``),
    ``""`` if they encode alike, or None if no patch can (a different kind).

    Generic, like the codec: a field whose value changed is carried whole (``"set"``: name →
    new encoded value), except a variable-length tuple (routes, rules, associations, ids), which is
    carried as a splice (``"splice"``: name → ``[p, q, [new middle items]]``, ``p`` items kept at
    the start and ``q`` at the end). Appending one route to a table of 3,000 is a patch of one
    route; removing the i-th is ``[i, n - i - 1, []]``. Items are compared by identity first (the
    model keeps the unchanged items of a tuple it rebuilds), then by equality.
    """
    cls = type(old)
    if type(new) is not cls:
        return None
    to_dict_check(cls)
    sequences = _sequences(cls)
    changed: dict[str, Any] = {}
    splices: list[str] = []
    for name, enc in _plan(cls):
        a, b = getattr(old, name), getattr(new, name)
        if a is b:
            continue
        item = sequences.get(name)
        if item is not None and isinstance(a, tuple) and isinstance(b, tuple):
            p, q = _common_ends(a, b)
            if p == len(a) == len(b):
                continue
            middle = b[p:len(b) - q]
            encode, memoize = item
            if memo is not None and memoize:
                texts = [memo.text(x, encode) for x in middle]
            else:
                texts = [_dumps(encode(x)) for x in middle]
            splices.append(f'"{name}":[{p},{q},[{",".join(texts)}]]')
            continue
        if type(a) is type(b) and a == b:
            continue
        try:
            changed[name] = enc(b)
        except SerializeError as exc:
            raise SerializeError(f"{cls.__name__}.{name}: {exc}") from None
    parts = []
    if changed:
        parts.append(f'"{PATCH_SET}":{_dumps(changed)}')
    if splices:
        parts.append(f'"{PATCH_SPLICE}":{{{",".join(splices)}}}')
    return "{" + ",".join(parts) + "}" if parts else ""


def _same(a: Any, b: Any) -> bool:
    return a is b or (type(a) is type(b) and a == b)


def _common_ends(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[int, int]:
    """(common prefix length, common suffix length not overlapping it) of two tuples."""
    n = min(len(a), len(b))
    p = _run(a[:n], b[:n])
    q = _run(a[::-1][:n - p], b[::-1][:n - p])
    return p, q


def _run(a: tuple[Any, ...], b: tuple[Any, ...]) -> int:
    """How many leading items of ``a`` and ``b`` (of equal length) are the same."""
    if a == b:  # all of them (an append, in C: a tuple compares identical items without __eq__)
        return len(a)
    # the items that are not the very same object, found in C (not a Python step per item): a
    # tuple the model rebuilds keeps its unchanged items; those are compared by value
    for i in itertools.compress(itertools.count(), map(operator.is_not, a, b)):
        if not _same(a[i], b[i]):
            return i
    return len(a)


def apply_patch(data: dict[str, Any], patch: Mapping[str, Any]) -> None:
    """Apply a ``to_patch`` patch (decoded JSON) to a ``to_dict`` dict, in place.

    Raises ``ValueError`` for a patch that does not fit the dict (a damaged file).
    """
    if not isinstance(patch, Mapping) or set(patch) - {PATCH_SET, PATCH_SPLICE}:
        raise ValueError(f"not a patch: {patch!r:.200}")
    changed = patch.get(PATCH_SET, {})
    splices = patch.get(PATCH_SPLICE, {})
    if not isinstance(changed, Mapping) or not isinstance(splices, Mapping):
        raise ValueError(f"not a patch: {patch!r:.200}")
    data.update(changed)
    for name, splice in splices.items():
        seq = data.get(name)
        if seq is None and name not in data:
            # a row written before the field existed: the field had its default
            seq = data[name] = _encoded_default(data.get(KIND_KEY), name)
        if not (isinstance(seq, list) and isinstance(splice, list) and len(splice) == 3):
            raise ValueError(f"cannot splice {name}: {splice!r:.200}")
        p, q, middle = splice
        if not (isinstance(p, int) and isinstance(q, int) and isinstance(middle, list)
                and p >= 0 and q >= 0 and p + q <= len(seq)):
            raise ValueError(f"cannot splice {name} of {len(seq)} items with {[p, q]!r:.200}")
        seq[p:len(seq) - q] = middle


def _encoded_default(kind: Any, name: str) -> Any:
    cls = KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"cannot splice {name}: the row names no resource kind")
    for f in dataclasses.fields(cls):
        if f.name == name:
            if f.default is not dataclasses.MISSING:
                value = f.default
            elif f.default_factory is not dataclasses.MISSING:
                value = f.default_factory()
            else:
                break
            return _encoder(_field_hints(cls)[name])(value)
    raise ValueError(f"cannot splice {name}: the row has no such field")


_SEQUENCES: dict[type, dict[str, tuple[Encoder, bool]]] = {}


def _sequences(cls: type) -> dict[str, tuple[Encoder, bool]]:
    """The fields of ``cls`` typed ``tuple[X, ...]``: name → (X's encoder, X is a dataclass)."""
    found = _SEQUENCES.get(cls)
    if found is None:
        found = {}
        for name, hint in _field_hints(cls).items():
            args = typing.get_args(hint)
            if typing.get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis:
                item = args[0]
                is_dc = isinstance(item, type) and dataclasses.is_dataclass(item)
                found[name] = (_encoder(item), is_dc)
        _SEQUENCES[cls] = found
    return found


def to_dict_except(resource: Resource, skip: Mapping[str, Any]) -> dict[str, Any]:
    """``to_dict(resource)`` without the fields named in ``skip``."""
    cls = type(resource)
    to_dict_check(cls)
    out: dict[str, Any] = {KIND_KEY: cls.KIND}
    for name, enc in _plan(cls):
        if name not in skip:
            try:
                out[name] = enc(getattr(resource, name))
            except SerializeError as exc:
                raise SerializeError(f"{cls.__name__}.{name}: {exc}") from None
    return out


def to_dict_check(cls: type) -> None:
    """``SerializeError`` unless ``cls`` is a registered resource kind without a ``kind`` field."""
    kind = cls.__dict__.get("KIND") or ""
    if KINDS.get(kind) is not cls:
        raise SerializeError(f"{cls.__name__} is not a registered resource kind (KIND={kind!r})")
    if KIND_KEY in _field_hints(cls):
        raise SerializeError(f"{cls.__name__} has a field named {KIND_KEY!r}, which the codec reserves")


_COLLECTIONS: dict[type, dict[str, Encoder]] = {}


def _collections(cls: type) -> dict[str, Encoder]:
    """The fields of ``cls`` typed ``tuple[D, ...]`` with D a dataclass: name → D's encoder."""
    found = _COLLECTIONS.get(cls)
    if found is None:
        found = {}
        for name, hint in _field_hints(cls).items():
            args = typing.get_args(hint)
            if (typing.get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis
                    and isinstance(args[0], type) and dataclasses.is_dataclass(args[0])):
                found[name] = _encoder(args[0])
        _COLLECTIONS[cls] = found
    return found


def from_dict(data: Mapping[str, Any]) -> Resource:
    """The resource a ``to_dict`` result describes (``KeyError`` for an unknown kind)."""
    kind = data[KIND_KEY]
    cls = KINDS.get(kind)
    if cls is None:
        raise KeyError(f"unknown resource kind {kind!r}")
    body = {k: v for k, v in data.items() if k != KIND_KEY}
    return _decode_dataclass(cls, body)


# -- the codec ----------------------------------------------------------------------------------

_FIELD_HINTS: dict[type, dict[str, Any]] = {}
_DATACLASS_ENCODERS: dict[type, Callable[[Any], Any]] = {}


def _field_hints(cls: type) -> dict[str, Any]:
    """Init field name → resolved type hint, in declaration order (computed once per class)."""
    hints = _FIELD_HINTS.get(cls)
    if hints is None:
        resolved = typing.get_type_hints(cls)
        hints = _FIELD_HINTS[cls] = {f.name: resolved[f.name] for f in dataclasses.fields(cls) if f.init}
    return hints


def _encode_dataclass(obj: Any) -> dict[str, Any]:
    return _dataclass_encoder(type(obj))(obj)


def _decode_dataclass(cls: type, data: Mapping[str, Any]) -> Any:
    if not isinstance(data, Mapping):
        raise SerializeError(f"expected an object for {cls.__name__}, got {type(data).__name__}")
    kwargs: dict[str, Any] = {}
    for name, hint in _field_hints(cls).items():
        if name in data:
            try:
                kwargs[name] = _decode(data[name], hint)
            except SerializeError as exc:
                raise SerializeError(f"{cls.__name__}.{name}: {exc}") from None
    return cls(**kwargs)


def _union_args(hint: Any) -> tuple[Any, ...] | None:
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        return typing.get_args(hint)
    return None


def _encode(value: Any, hint: Any) -> Any:
    return _encoder(hint)(value)


Encoder = Callable[[Any], Any]


_PLANS: dict[type, list[tuple[str, Encoder]]] = {}


def _plan(cls: type) -> list[tuple[str, Encoder]]:
    """(field name, its encoder) for each init field of dataclass ``cls``, built once."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = []
        for name, hint in _field_hints(cls).items():
            try:
                plan.append((name, _encoder(hint)))
            except SerializeError as exc:
                raise SerializeError(f"{cls.__name__}.{name}: {exc}") from None
        _PLANS[cls] = plan
    return plan


def _dataclass_encoder(cls: type) -> Encoder:
    """An encoder for one dataclass, built once from its fields' hints (the store's hot path)."""
    cached = _DATACLASS_ENCODERS.get(cls)
    if cached is not None:
        return cached
    plan = _plan(cls)

    def encode(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, enc in plan:
            try:
                out[name] = enc(getattr(obj, name))
            except SerializeError as exc:
                raise SerializeError(f"{cls.__name__}.{name}: {exc}") from None
        return out

    _DATACLASS_ENCODERS[cls] = encode
    return encode


@functools.cache
def _encoder(hint: Any) -> Encoder:
    """The function that encodes a value of type ``hint`` (``SerializeError`` for an unsupported type)."""
    if hint is Any:
        return _encode_untyped
    args = _union_args(hint)
    if args is not None:
        nullable = type(None) in args
        members = [(arg, _encoder(arg)) for arg in args if arg is not type(None)]

        def encode_union(value: Any) -> Any:
            if value is None and nullable:
                return None
            for arg, enc in members:
                if _fits(value, arg):
                    return enc(value)
            raise SerializeError(f"{value!r} matches none of {hint}")
        return encode_union
    origin = typing.get_origin(hint) or hint
    if origin is Tags:
        return lambda value: dict(value.items())
    if isinstance(origin, type) and issubclass(origin, enum.Enum):
        return lambda value: value.value
    if origin is datetime or origin is date:
        return lambda value: value.isoformat()
    if origin in _FROM_STRING:
        return str
    if origin in _PRIMITIVES:
        def encode_primitive(value: Any) -> Any:
            if not isinstance(value, origin) or (origin is int and isinstance(value, bool)):
                raise SerializeError(f"{value!r} is not a {origin.__name__}")
            return value
        return encode_primitive
    if isinstance(origin, type) and dataclasses.is_dataclass(origin):
        def encode_dataclass(value: Any) -> Any:  # looked up lazily: a dataclass may nest itself
            if not isinstance(value, origin):
                raise SerializeError(f"{value!r} is not a {origin.__name__}")
            return _dataclass_encoder(origin)(value)
        return encode_dataclass
    if origin is tuple or origin is list:
        items = typing.get_args(hint)
        if origin is tuple and items and not (len(items) == 2 and items[1] is Ellipsis):
            encoders = [_encoder(h) for h in items]

            def encode_fixed(value: Any) -> list[Any]:
                if len(encoders) != len(value):
                    raise SerializeError(f"{value!r} does not have {len(encoders)} items")
                return [enc(v) for enc, v in zip(encoders, value, strict=True)]
            return encode_fixed
        item = _encoder(items[0] if items else Any)
        return lambda value: [item(v) for v in value]
    if origin in (dict, Mapping):
        key, val = typing.get_args(hint) or (str, Any)
        if key is not str:
            raise SerializeError(f"mapping keys must be str, not {key}")
        encode_value = _encoder(val)
        return lambda value: {k: encode_value(v) for k, v in value.items()}
    if origin in (frozenset, set):
        (item_hint,) = typing.get_args(hint) or (Any,)
        encode_item = _encoder(item_hint)
        return lambda value: sorted((encode_item(v) for v in value), key=repr)
    raise SerializeError(f"unsupported type {hint!r}")


def _decode(value: Any, hint: Any) -> Any:
    if hint is Any:
        return _decode_untyped(value)
    args = _union_args(hint)
    if args is not None:
        if value is None and type(None) in args:
            return None
        for arg in args:
            if arg is not type(None) and _fits_json(value, arg):
                return _decode(value, arg)
        raise SerializeError(f"{value!r} matches none of {hint}")
    origin = typing.get_origin(hint) or hint
    if origin is Tags:
        return Tags(value)
    if isinstance(origin, type) and issubclass(origin, enum.Enum):
        return origin(value)
    if origin is datetime:
        return datetime.fromisoformat(value)
    if origin is date:
        return date.fromisoformat(value)
    if origin in _FROM_STRING:
        return origin(value)
    if origin is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if origin in _PRIMITIVES:
        return value
    if isinstance(origin, type) and dataclasses.is_dataclass(origin):
        return _decode_dataclass(origin, value)
    if origin is tuple or origin is list:
        items = typing.get_args(hint)
        if origin is tuple and not (len(items) == 2 and items[1] is Ellipsis) and items:
            return tuple(_decode(v, h) for v, h in zip(value, items, strict=True))
        item = items[0] if items else Any
        decoded = [_decode(v, item) for v in value]
        return tuple(decoded) if origin is tuple else decoded
    if origin in (dict, Mapping):
        _, val = typing.get_args(hint) or (str, Any)
        return {k: _decode(v, val) for k, v in value.items()}
    if origin in (frozenset, set):
        (item,) = typing.get_args(hint) or (Any,)
        return origin(_decode(v, item) for v in value)
    raise SerializeError(f"unsupported type {hint!r}")


def _fits(value: Any, hint: Any) -> bool:
    """Whether a Python value is of the (non-union) type ``hint``: picks a union member to encode by."""
    origin = typing.get_origin(hint) or hint
    if origin is Any:
        return True
    if origin is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin in (tuple, list, frozenset, set, dict) or origin is Tags:
        return isinstance(value, origin)
    if origin is Mapping:
        return isinstance(value, Mapping)
    return isinstance(origin, type) and isinstance(value, origin)


def _fits_json(value: Any, hint: Any) -> bool:
    """Whether a decoded-JSON value can be of the (non-union) type ``hint``: picks a member to decode by.

    A union whose members share a JSON shape (``datetime | str``) decodes as the first of them;
    such a field is ambiguous and should not be declared.
    """
    origin = typing.get_origin(hint) or hint
    if origin is Any:
        return True
    if origin is bool:
        return isinstance(value, bool)
    if origin is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if origin in (str, datetime, date) or origin in _FROM_STRING:
        return isinstance(value, str)
    if isinstance(origin, type) and issubclass(origin, enum.Enum):
        return any(m.value == value for m in origin)
    if origin in (tuple, list, frozenset, set):
        return isinstance(value, list)
    return isinstance(value, dict)


def _encode_untyped(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (tuple, list)):
        return [_encode_untyped(v) for v in value]
    if isinstance(value, Mapping) and all(isinstance(k, str) for k in value):
        return {k: _encode_untyped(v) for k, v in value.items()}
    raise SerializeError(f"cannot encode {value!r} without a type hint")


def _decode_untyped(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode_untyped(v) for v in value)
    return value
