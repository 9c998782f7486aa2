"""The generic Describe*: the caller's visible resources of one kind, by ids, Filters and pages.

    describe_handler("DescribeVpcs", Kind(Vpc, key="Vpcs", ids="VpcIds", shape=shapes.vpc,
                                          filters={"cidr": lambda w, v: v.cidr_block, ...}))

- visibility: ``resource.visible_to(world, account, region)`` (peering: both sides; shared subnets:
  participants), as AWS shows them;
- ids (``VpcIds``): an id the caller cannot see is the kind's NotFound error, as AWS answers;
- ``Filters``: AWS's filter names for the kind (a table name → accessor; an accessor returns a
  value or an iterable of values, booleans as ``true``/``false``). Every kind also has ``tag:Key``,
  ``tag-key``, ``tag-value`` and ``owner-id``. Values may use AWS's wildcards ``*`` and ``?``.
  An unknown filter name is ``InvalidParameterValue`` "The filter 'x' is invalid". AWS's limits
  hold: at most ``MAX_FILTERS`` (50) filters per call and ``MAX_FILTER_VALUES`` (200) values per
  filter, else ``FilterLimitExceeded``;
- ``MaxResults`` / ``NextToken`` paging with opaque tokens (``InvalidNextToken`` for a bad one).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import translate
from typing import Any

from ..control.context import malformed_id
from ..core import budget
from ..core.errors import AwsError, invalid_parameter_value
from ..model.base import Resource
from ..model.world import World
from .registry import Call, Handler, _caller_module, handler

Accessor = Callable[[World, Any], Any]


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, (str, int)):
        return [str(value)]
    if isinstance(value, Iterable):
        return [s for v in value for s in _strings(v)]
    return [str(value)]


def _tag_filter(key: str) -> Accessor:
    return lambda world, res: res.tags.get(key)


COMMON_FILTERS: dict[str, Accessor] = {
    "tag-key": lambda world, res: list(res.tags),
    "tag-value": lambda world, res: list(res.tags.values()),
    "owner-id": lambda world, res: res.owner_id,
}


@dataclass(frozen=True)
class Kind:
    """How one Describe* action sees one resource kind."""

    model: type[Resource]
    #: the output member holding the list (``Vpcs``)
    key: str
    #: model object → boto3 shape
    shape: Callable[[World, Any], dict[str, Any]]
    #: the request member listing ids (``VpcIds``), if the action has one
    ids: str | None = None
    filters: Mapping[str, Accessor] = field(default_factory=dict)
    #: further restriction beyond ``visible_to`` (e.g. only NAT gateways that are not deleted)
    include: Callable[[Call, Any], bool] | None = None
    #: the resources, when they are not ``world.all(model)`` (e.g. the rows inside a resource)
    source: Callable[[Call], Iterable[Any]] | None = None
    #: the id of an item (for ids and paging); default ``item.id``
    item_id: Callable[[Any], str] = lambda item: item.id
    #: AWS's (code, message with ``{id}``) for an unknown id; default ``model.NOT_FOUND``
    not_found: tuple[str, str] | None = None
    #: the form check of a row's id (raises AWS's …Malformed), where the rows are not resources
    check_id: Callable[[str], None] | None = None


def filter_accessor(kind: Kind, name: str) -> Accessor:
    if name.startswith("tag:"):
        return _tag_filter(name[4:])
    acc = kind.filters.get(name) or COMMON_FILTERS.get(name)
    if acc is None:
        raise invalid_parameter_value(f"The filter '{name}' is invalid")
    return acc


#: AWS's limits on one Describe call's Filters: "You can specify up to 50 filters and up to 200
#: values per filter in a single request" (Amazon EC2 User Guide, "List and filter your resources",
#: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Filtering.html). Over either,
#: AWS answers FilterLimitExceeded ("The request uses too many filters or too many filter
#: values", EC2 API reference, "Error codes", https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html);
#: the values message is AWS's own (seen in real answers, e.g. github.com/gjbae1212/gossm/issues/47),
#: the filters message is vpclab's by analogy.
MAX_FILTERS = 50
MAX_FILTER_VALUES = 200


class _Wanted:
    """A filter's values: exact strings in a set, wildcard ones (``*``, ``?``) in one regex."""

    __slots__ = ("exact", "pattern")

    def __init__(self, values: list[str]) -> None:
        self.exact = {v for v in values if not any(c in v for c in "*?[")}
        wild = [v for v in values if v not in self.exact]
        self.pattern = re.compile("|".join(f"(?:{translate(v)})" for v in wild)) if wild else None

    def match(self, have: list[str]) -> bool:
        exact, pattern = self.exact, self.pattern
        return any(h in exact or (pattern is not None and pattern.match(h) is not None) for h in have)


def matches(world: World, item: Any, tests: list[tuple[Accessor, _Wanted]]) -> bool:
    """AND across filters, OR across each filter's values, wildcards ``*`` and ``?``."""
    return all(wanted.match(_strings(acc(world, item))) for acc, wanted in tests)


def compile_filters(kind: Kind, filters: list[Mapping[str, Any]] | None) -> list[tuple[Accessor, _Wanted]]:
    filters = filters or []
    if len(filters) > MAX_FILTERS:
        raise AwsError("FilterLimitExceeded",
                       f"The maximum number of filters specified on a single call is {MAX_FILTERS}")
    tests = []
    for f in filters:
        values = [str(v) for v in f.get("Values", [])]
        if len(values) > MAX_FILTER_VALUES:
            raise AwsError("FilterLimitExceeded", "The maximum number of filter values specified on a "
                                                  f"single call is {MAX_FILTER_VALUES}")
        tests.append((filter_accessor(kind, f.get("Name", "")), _Wanted(values)))
    return tests


# -- paging --------------------------------------------------------------------------------------
def encode_token(action: str, offset: int, last_id: str) -> str:
    return base64.urlsafe_b64encode(f"{action}|{offset}|{last_id}".encode()).decode().rstrip("=")


def _bad_token(token: str) -> AwsError:
    # AWS's code is InvalidNextToken; the message text is vpclab's own (not documented).
    return AwsError("InvalidNextToken", f"The token '{token}' is invalid.")


def decode_token(action: str, token: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        tok_action, offset, last_id = raw.split("|", 2)
        if tok_action != action:
            raise ValueError(tok_action)
        return int(offset), last_id
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise _bad_token(token) from None


def page(call: Call, items: list[Any], item_id: Callable[[Any], str]) -> tuple[list[Any], str | None]:
    """One page of ``items`` per the call's MaxResults and NextToken, and the next token."""
    max_results = call.params.get("MaxResults")
    token = call.params.get("NextToken")
    start = 0
    if token:
        offset, last_id = decode_token(call.action, token)
        ids = [item_id(i) for i in items]
        # continue after the last item returned, even if items were created or deleted meanwhile
        start = ids.index(last_id) + 1 if last_id in ids else min(offset, len(items))
    if max_results is None:
        return items[start:], None
    shape = call.operation.input_shape.members["MaxResults"]
    low, high = shape.metadata.get("min", 1), shape.metadata.get("max", 1000)
    if not low <= max_results <= high:
        # AWS's code; the wording follows AWS's "Value ( n ) for parameter maxResults is invalid."
        raise invalid_parameter_value(
            f"Value ( {max_results} ) for parameter maxResults is invalid. "
            f"Parameter must be between {low} and {high}.",
        )
    chunk = items[start : start + max_results]
    end = start + len(chunk)
    next_token = encode_token(call.action, end, item_id(chunk[-1])) if chunk and end < len(items) else None
    return chunk, next_token


# -- the handler ---------------------------------------------------------------------------------
def visible(call: Call, kind: Kind) -> list[Any]:
    if kind.source is not None:
        items = list(kind.source(call))
    else:
        items = [
            r for r in call.world.all(kind.model) if r.visible_to(call.world, call.account_id, call.region)
        ]
    if kind.include is not None:
        items = [r for r in items if kind.include(call, r)]
    return items


def select(call: Call, kind: Kind) -> list[Any]:
    """The caller's resources of this kind that the request's ids and Filters select, in order."""
    items = visible(call, kind)
    wanted = call.params.get(kind.ids) if kind.ids else None
    if wanted:
        by_id = {kind.item_id(r): r for r in items}
        # an id not of the kind's form is refused before any is looked up (AWS's …Malformed), where
        # the items are the model's own resources (not rows inside one, such as security group rules)
        own = kind.source is None and kind.not_found is None
        for rid in wanted if own else ():
            if rid not in by_id and (malformed := malformed_id(kind.model, rid)) is not None:
                raise malformed
        for rid in wanted:
            if rid not in by_id and kind.check_id is not None:
                kind.check_id(rid)
            if rid not in by_id:
                code, message = kind.not_found or kind.model.NOT_FOUND
                raise AwsError(code, message.format(id=rid))
        keep = set(wanted)
        items = [r for r in items if kind.item_id(r) in keep]
    # (DescribeNatGateways names its list "Filter")
    tests = compile_filters(kind, call.params.get("Filters", call.params.get("Filter")))
    if tests:
        kept = []
        for n, r in enumerate(items):
            if n % 256 == 0:
                budget.check()  # a read: stopping anywhere changes nothing
            if matches(call.world, r, tests):
                kept.append(r)
        items = kept
    return items


def describe(call: Call, kind: Kind) -> dict[str, Any]:
    items, token = page(call, select(call, kind), kind.item_id)
    out: dict[str, Any] = {kind.key: [kind.shape(call.world, r) for r in items]}
    if token:
        out["NextToken"] = token
    return out


def describe_handler(action: str, kind: Kind, service: str = "ec2") -> Handler:
    """Register the generic Describe* handler of ``action`` over ``kind``."""

    def run(call: Call) -> dict[str, Any]:
        return describe(call, kind)

    run.__name__ = action
    run.__module__ = _caller_module()
    run.via = "describe " + ", ".join(sorted(kind.filters)) if kind.filters else "describe"  # type: ignore[attr-defined]
    return handler(action, service)(run)
