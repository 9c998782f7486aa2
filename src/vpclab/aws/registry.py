"""The endpoint's table of handlers: (service, Action) → ``fn(call) -> dict``.

A handler receives a ``Call`` (the World, a ControlPlane acting as the caller, and the request's
parameters as a dict in boto3's request shape) and returns a dict in boto3's response shape; the
protocol layer turns that into XML. Handlers are thin: dict in → ControlPlane → dict out.

Adding a family is one new module in ``aws/handlers/`` (listed in ``handlers/__init__.py``)::

    mutating("CreateVpc", returns=shapes.vpc, tag_type=Vpc.RESOURCE_TYPE)  # params → cp.create_vpc(**kwargs)
    mutating("DeleteVpc")                                         # output {"Return": True} or {}
    describe_handler("DescribeVpcs", Kind(Vpc, ids="VpcIds", key="Vpcs", shape=shapes.vpc, filters=...))

    @handler("DescribeVpcAttribute")                              # anything else, by hand
    def describe_vpc_attribute(call: Call) -> dict: ...

The generic mutating handler converts the request mechanically: PascalCase keys → snake_case
keyword arguments (recursively; ``{"Value": x}`` attribute wrappers unwrap to ``x``),
``TagSpecifications`` → ``tags={key: value}`` for the resource type being created, ``ClientToken``
dropped. ``DryRun`` never reaches a handler: the dispatcher answers ``DryRunOperation`` itself.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore import xform_name
from botocore.model import ListShape, OperationModel, Shape, StructureShape

from ..control.access_scopes import AccessScopeAnalyser
from ..control.insights import Analyser
from ..control.plane import ACTIONS, ControlPlane
from ..core.errors import AwsError, invalid_parameter_value
from ..model.world import World
from . import protocol


@dataclass
class Call:
    """One request: who calls, from where, which action, with what parameters."""

    world: World
    account_id: str
    region: str
    service: str
    action: str
    params: dict[str, Any]
    request_id: str = ""
    #: the endpoint's settings (``{"default_vpc": bool, ...}``), for handlers that need them
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: the reachability analyser the endpoint was composed with (StartNetworkInsightsAnalysis)
    analyser: Analyser | None = None
    #: the Network Access Analyzer's (StartNetworkInsightsAccessScopeAnalysis)
    access_analyser: AccessScopeAnalyser | None = None

    @property
    def cp(self) -> ControlPlane:
        return ControlPlane(self.world, account_id=self.account_id, region=self.region,
                            analyser=self.analyser, access_analyser=self.access_analyser)

    @property
    def operation(self) -> OperationModel:
        op = protocol.operation(self.service, self.action)
        assert op is not None
        return op


Handler = Callable[[Call], dict[str, Any]]

#: (service, Action) → handler
HANDLERS: dict[tuple[str, str], Handler] = {}


@functools.cache
def _parameters(fn: Callable[..., Any]) -> Mapping[str, inspect.Parameter]:
    """An action's parameters (computed once: inspect.signature is slow on a hot path)."""
    return inspect.signature(fn).parameters


def handler(action: str, service: str = "ec2") -> Callable[[Handler], Handler]:
    """Register ``fn(call) -> dict`` as the handler of ``action`` (an operation of ``service``'s model)."""

    def register(fn: Handler) -> Handler:
        if protocol.operation(service, action) is None:
            raise RuntimeError(f"{service} has no operation {action}")
        if (service, action) in HANDLERS:
            raise RuntimeError(f"{service}:{action} has two handlers")
        HANDLERS[(service, action)] = fn
        return fn

    return register


# -- the generic mutating handler -------------------------------------------------------------
#: request parameters that change nothing in a lab: idempotency tokens
IGNORED_PARAMS = frozenset({"ClientToken", "DryRun"})
#: structures that wrap a single value (``EnableDnsSupport={"Value": true}``)
_VALUE_WRAPPERS = frozenset({"AttributeBooleanValue", "AttributeValue"})


def to_kwargs(shape: Shape | None, value: Any) -> Any:
    """boto3's request shape → the ControlPlane's keyword arguments (snake_case, recursively)."""
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        if shape.name in _VALUE_WRAPPERS:
            return value.get("Value")
        return {xform_name(k): to_kwargs(shape.members.get(k), v) for k, v in value.items()}
    if isinstance(shape, ListShape) and isinstance(value, list):
        return [to_kwargs(shape.member, v) for v in value]
    return value


def tag_map(
    tags: list[Mapping[str, Any]], param: str, *, keep_missing_values: bool = False
) -> dict[str, Any]:
    """``[{"Key": k, "Value": v}, …]`` → ``{k: v}``; a tag without a Key is MissingParameter.

    A missing Value is "" (CreateTags, TagSpecifications) or, with ``keep_missing_values``, None
    (DeleteTags: "delete the key whatever its value")."""
    out: dict[str, Any] = {}
    for i, tag in enumerate(tags, 1):
        if "Key" not in tag:
            raise AwsError("MissingParameter", f"The request must contain the parameter {param}.{i}.Key")
        out[tag["Key"]] = tag.get("Value", None if keep_missing_values else "")
    return out


def tags_of(specs: list[Mapping[str, Any]] | None, tag_type: str | None) -> dict[str, str] | None:
    """The tags of ``TagSpecifications`` for the resource type an action creates.

    AWS rejects a specification for another resource type with InvalidParameterValue
    ("'x' is not a valid taggable resource type for this operation.").
    """
    if not specs:
        return None
    tags: dict[str, str] = {}
    for n, spec in enumerate(specs, 1):
        rtype = spec.get("ResourceType")
        if tag_type is not None and rtype is not None and rtype != tag_type:
            raise invalid_parameter_value(
                f"'{rtype}' is not a valid taggable resource type for this operation.",
            )
        tags.update(tag_map(spec.get("Tags", []), f"TagSpecification.{n}.Tag"))
    return tags


@dataclass(frozen=True)
class _Plan:
    """What ``control_kwargs`` needs of one action and one input shape, computed once."""

    #: the ControlPlane action's parameters
    params: Mapping[str, inspect.Parameter]
    accepts_any: bool
    #: keyword argument → the request member it comes from (for error messages)
    pascal: Mapping[str, str]
    #: required keyword-only parameters, in signature order
    required: tuple[str, ...]


_PLANS: dict[tuple[str, int, tuple[tuple[str, str], ...]], tuple[Shape | None, _Plan]] = {}


def _plan(name: str, shape: Shape | None, rename: Mapping[str, str] | None) -> _Plan:
    key = (name, id(shape), tuple(sorted((rename or {}).items())))
    found = _PLANS.get(key)
    if found is not None and found[0] is shape:
        return found[1]
    params = _parameters(ACTIONS[name])
    members = shape.members if isinstance(shape, StructureShape) else {}
    plan = _Plan(
        params=params,
        accepts_any=any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()),
        pascal={(rename or {}).get(k, xform_name(k)): k for k in members},
        required=tuple(
            kw
            for kw, p in params.items()
            if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is inspect.Parameter.empty
        ),
    )
    _PLANS[key] = (shape, plan)
    return plan


def control_kwargs(
    call: Call, name: str, *, tag_type: str | None = None, rename: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The request's parameters as keyword arguments of the ControlPlane action ``name``.

    A parameter the action does not model is refused (``UnsupportedOperation``) rather than silently
    ignored; a parameter the action needs and the request lacks is AWS's ``MissingParameter``.
    """
    shape = call.operation.input_shape
    members = shape.members if shape is not None else {}
    plan = _plan(name, shape, rename)
    kwargs: dict[str, Any] = {}
    for key, value in call.params.items():
        if key in IGNORED_PARAMS:
            continue
        if key == "TagSpecifications":
            tags = tags_of(value, tag_type)
            if tags is not None:
                kwargs["tags"] = tags
            continue
        kwargs[(rename or {}).get(key, xform_name(key))] = to_kwargs(members.get(key), value)
    params, pascal = plan.params, plan.pascal
    if not plan.accepts_any:
        for kw in kwargs:
            if kw not in params:
                raise AwsError(
                    "UnsupportedOperation",
                    f"The parameter {pascal.get(kw, kw)} is not supported by vpclab for {call.action}.",
                )
    for kw in plan.required:
        if kw not in kwargs:
            raise AwsError("MissingParameter", f"The request must contain the parameter {pascal.get(kw, kw)}")
    return kwargs


def single_member(op: OperationModel) -> str:
    """The output shape's only member (``CreateVpc`` → ``Vpc``): where a created object goes."""
    shape = op.output_shape
    members = list(shape.members) if shape is not None else []
    if len(members) != 1:
        raise RuntimeError(f"{op.name}'s output has members {members}: name the result key explicitly")
    return members[0]


def default_result(op: OperationModel) -> dict[str, Any]:
    """What an action that returns nothing answers: ``{"Return": True}`` where the shape has it."""
    shape = op.output_shape
    return {"Return": True} if shape is not None and "Return" in shape.members else {}


def mutating(
    action: str,
    *,
    returns: Callable[[World, Any], dict[str, Any]] | None = None,
    key: str | None = None,
    tag_type: str | None = None,
    rename: Mapping[str, str] | None = None,
    result: Callable[[Call, Any], dict[str, Any]] | None = None,
    service: str = "ec2",
) -> Handler:
    """Register the generic handler of a mutating action: params → ``cp.<snake_action>(**kwargs)`` → result.

    ``returns`` converts the model object the ControlPlane returns into boto3's shape; it goes under
    ``key`` (default: the output shape's single member). ``result`` builds the whole output instead.
    """
    name = xform_name(action)
    if name not in ACTIONS:
        raise RuntimeError(f"the ControlPlane has no action {name}")

    def run(call: Call) -> dict[str, Any]:
        kwargs = control_kwargs(call, name, tag_type=tag_type, rename=rename)
        obj = call.cp.call(name, kwargs)
        if result is not None:
            return result(call, obj)
        if returns is not None:
            return {key or single_member(call.operation): returns(call.world, obj)}
        return default_result(call.operation)

    run.__name__ = name
    run.__doc__ = ACTIONS[name].__doc__
    run.__module__ = _caller_module()
    run.via = f"ControlPlane.{name}"  # type: ignore[attr-defined]
    return handler(action, service)(run)


def _caller_module() -> str:
    """The module that registered a generic handler (its family, for docs/api-coverage.md)."""
    frame = inspect.currentframe()
    while frame is not None and frame.f_globals.get("__name__") in (__name__, "vpclab.aws.describe"):
        frame = frame.f_back
    return str(frame.f_globals.get("__name__", __name__)) if frame is not None else __name__
