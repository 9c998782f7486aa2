"""AWS's path for an end named as a component without an address: the trace cut at the component.

vpclab traces such a path to an address the component serves (:mod:`vpclab.control.insights_ends`);
AWS's analyser ends the path at the component itself — as it does at a transit gateway Connect
attachment, "Reachability Analyzer analyzes connectivity only up to these attachments" ("How
Reachability Analyzer works", Considerations,
https://docs.aws.amazon.com/vpc/latest/reachability/how-reachability-analyzer-works.html). So the
answer in AWS's members keeps the forward hops up to the component (from it, for a transit gateway
source), the return hops from it on, and the explanations met there; what vpclab found beyond stays
in its own fields (the disposition and findings of the whole trace).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..reach import Explanation, Hop, Trace


def _first(hops: Sequence[Hop], rid: str) -> int | None:
    return next((i for i, h in enumerate(hops) if h.id == rid), None)


def _last(hops: Sequence[Hop], rid: str) -> int | None:
    found = [i for i, h in enumerate(hops) if h.id == rid]
    return found[-1] if found else None


def cut(trace: Trace, start_at: str | None, stop_at: str | None) -> Trace:
    """``trace`` as AWS's analyser sees it when its path starts at ``start_at`` and ends at ``stop_at``
    (either None: that end is the traced host). A forward path that never reaches ``stop_at`` is left
    whole: what blocked it is before the component, and AWS reports it too."""
    forward, back = list(trace.forward_hops), list(trace.return_hops)
    if stop_at is not None and _first(forward, stop_at) is None and trace.reachable:
        # the packet got to the address without passing the component (e.g. a VPC's own attachment,
        # seen from inside the VPC): no path to the component (vpclab's reading; AWS is silent)
        why = Explanation(
            "NO_PATH",
            f"the path to {trace.flow.dst_ip} does not pass {stop_at}",
            stop_at,
            "forward",
            f"analyse {stop_at} from a source whose traffic it carries",
        )
        return Trace(trace.flow, "blocked", forward, back, [*trace.explanations, why])
    kept_fwd, kept_back = forward, back
    if stop_at is not None and (k := _first(forward, stop_at)) is not None:
        kept_fwd = forward[: k + 1]
        r = _first(back, stop_at)
        kept_back = back[r:] if r is not None else []
    if start_at is not None:
        s = _first(kept_fwd, start_at)
        kept_fwd = kept_fwd[s:] if s is not None else kept_fwd
        e = _last(kept_back, start_at)
        kept_back = kept_back[: e + 1] if e is not None else kept_back
    if kept_fwd is forward and kept_back is back:
        return trace
    ids = {"forward": {h.id for h in kept_fwd}, "return": {h.id for h in kept_back}}
    explanations = [e for e in trace.explanations if e.component in ids[e.direction]]
    reached = stop_at is None or (bool(kept_fwd) and kept_fwd[-1].id == stop_at)
    blocked = not reached or any(e.blocking for e in explanations)
    return Trace(trace.flow, "blocked" if blocked else "reachable", kept_fwd, kept_back, explanations)
