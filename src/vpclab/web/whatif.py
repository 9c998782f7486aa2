""" "What if": apply a suggested fix to a copy of the World and trace again; the World is unchanged.

A cause's fix comes from the tracer as a :class:`vpclab.reach.result.Fix`: its sentence and, where
AWS API calls make the change, those calls (reach/fixes.py) — a security group rule
(AuthorizeSecurityGroupIngress/Egress), a network ACL entry numbered just below the rule that
denied the flow (CreateNetworkAclEntry), a route (CreateRoute: a missing return route, a route to
an existing peering connection or transit gateway, to an internet gateway), a peering connection
with a route on each side (CreateVpcPeeringConnection, AcceptVpcPeeringConnection by the accepter,
CreateRoute twice), a transit gateway association, propagation or static route, a VPN static route,
appliance mode, a source/destination check turned off.

The calls go through the EC2 endpoint's own handlers (``vpclab.aws.registry.HANDLERS``, the same
code an EC2 API request runs: the ControlPlane, AWS's rules and error codes) as the resource's
owner, on a copy of the World holding the same (immutable) resources. A call AWS would refuse
stops the preview and answers AWS's error (``refused``). A cause whose fix needs a person's choice
(which target, which CIDR) has no calls: the page says why (``FixNotPreviewable``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.errors import AwsError
from ..model.world import World
from ..network import api
from ..network.facade import Network
from ..reach.result import Explanation, FixStep, StepResult, Trace


class FixNotPreviewable(ValueError):
    """A cause whose fix cannot be applied mechanically (the message says why)."""


@dataclass(frozen=True)
class Preview:
    """The calls applied to the copy (AWS actions and their parameters, as made: the ids earlier
    calls created filled in), AWS's refusal if a call was refused, and the trace after them."""

    steps: list[dict[str, Any]]
    before: Trace
    after: Trace | None
    refused: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        first = self.steps[0] if self.steps else {"action": "", "parameters": {}}
        return {
            "action": " + ".join(s["action"] for s in self.steps),
            "parameters": first["parameters"],
            "steps": self.steps,
            "refused": self.refused,
            "before": self.before.disposition,
            "after": self.after.to_dict() if self.after is not None else None,
        }


def copy_world(world: World) -> World:
    """A World holding the same resources (frozen values, shared safely); changes to it stay in it."""
    twin = World(seed=None)
    twin.settings = world.settings
    with twin.transaction():
        for res in world.resources():
            twin.put(res)
    return twin


def previewable(e: Explanation) -> bool:
    """Whether the page can preview this cause's fix (it blocks, and AWS API calls make its fix)."""
    return e.blocking and e.remedy is not None and e.remedy.previewable


def why_not(e: Explanation) -> str:
    """Why a cause's fix has no preview (empty when it has one)."""
    if previewable(e):
        return ""
    if not e.blocking:
        return "an informational note: nothing to fix"
    if e.remedy is not None and e.remedy.reason:
        return e.remedy.reason
    return "no AWS API call makes this change by itself: follow the suggested fix"


def _resolve(value: Any, answers: list[Mapping[str, Any]]) -> Any:
    """``value`` with every :class:`StepResult` replaced by what that earlier call answered."""
    if isinstance(value, StepResult):
        found: Any = answers[value.step]
        for key in value.path.split("."):
            found = found[key]
        return found
    if isinstance(value, Mapping):
        return {k: _resolve(v, answers) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_resolve(v, answers) for v in value]
    return value


def apply_steps(
    world: World, steps: tuple[FixStep, ...]
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Make ``steps``' calls on ``world`` through the EC2 endpoint's handlers, in order; stop at the
    first AWS refuses. Answers the calls as made and the refusal (``{"step", "action", "code",
    "message"}``) or None."""
    from ..aws import handlers as _handlers  # noqa: F401 (importing it registers every handler)
    from ..aws.registry import HANDLERS, Call

    made: list[dict[str, Any]] = []
    answers: list[Mapping[str, Any]] = []
    for n, s in enumerate(steps):
        params = _resolve(s.parameters, answers)
        made.append({"action": s.action, "parameters": params, "account": s.account, "region": s.region})
        handler = HANDLERS.get(("ec2", s.action))
        if handler is None:
            raise FixNotPreviewable(f"{s.action} is not an action vpclab's endpoint serves")
        call = Call(
            world=world,
            account_id=s.account,
            region=s.region,
            service="ec2",
            action=s.action,
            params=dict(params),
        )
        try:
            with world.transaction():
                answers.append(handler(call))
        except AwsError as exc:
            return made, {"step": n, "action": s.action, "code": exc.code, "message": exc.message}
    return made, None


def preview_fix(net: Network, source: str, destination: str, index: int, **options: Any) -> Preview:
    """Trace the flow, make the calls of its ``index``-th explanation's fix on a copy of the World
    and trace again. ``options`` are :func:`vpclab.network.api.trace`'s (protocol, port, …)."""
    before = api.trace(net, source, destination, **options)
    if not 0 <= index < len(before.explanations):
        raise FixNotPreviewable(f"the trace has {len(before.explanations)} explanation(s); no number {index}")
    e = before.explanations[index]
    if not previewable(e) or e.remedy is None:
        raise FixNotPreviewable(
            f"{e.code}: no preview for this cause ({why_not(e)}); follow the suggested fix"
        )
    twin = copy_world(net.world)
    made, refused = apply_steps(twin, e.remedy.steps)
    if refused is not None:
        return Preview(made, before, None, refused)
    copy = Network(world=twin, file=net.file, ids=net.ids, names=net.names, accounts=net.accounts)
    return Preview(made, before, api.trace(copy, source, destination, **options))
