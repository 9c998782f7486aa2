""" "What if": apply a suggested fix to a copy of the World and trace again; the World is unchanged.

The tracer's fixes are sentences (reach/fixes.py). The page can preview the ones that are one
filter rule away, built from the hop where the flow was denied (the packet as it met the filter):

- ``ENI_SG_RULES_MISMATCH`` — AuthorizeSecurityGroupIngress/Egress on the group, for the flow's
  protocol and port from (to) the peer's address;
- ``SUBNET_ACL_RESTRICTION`` — CreateNetworkAclEntry, an ``allow`` numbered just below the rule
  that denied it, for the flow (a reply: the ephemeral range 1024-65535, as the fix says).

The change goes through the ControlPlane (AWS's rules apply to it) as the resource's owner, on a
copy of the World holding the same (immutable) resources. Other causes (routes, peering, gateway
placement) have no preview: the page says so (``FixNotPreviewable``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..control import ControlPlane
from ..model.network_acl import NetworkAcl
from ..model.security_group import SecurityGroup
from ..model.world import World
from ..network import api
from ..network.facade import Network
from ..reach.result import Explanation, Hop, Trace

#: the ephemeral range AWS's network ACL guidance uses for return traffic (as reach/fixes.py)
EPHEMERAL = (1024, 65535)
#: network ACL entries name protocols by number (CreateNetworkAclEntry refuses "tcp")
_ACL_PROTOCOLS = {"tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58"}
#: the highest rule number a network ACL entry may have (32767 is the final ``*`` deny)
_LAST_RULE = 32766


class FixNotPreviewable(ValueError):
    """A cause whose fix cannot be applied mechanically (the message says why)."""


@dataclass(frozen=True)
class Preview:
    """The change applied to the copy (an AWS action and its parameters) and the trace after it."""

    action: str
    parameters: dict[str, Any]
    before: Trace
    after: Trace

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "parameters": self.parameters,
            "before": self.before.disposition,
            "after": self.after.to_dict(),
        }


def copy_world(world: World) -> World:
    """A World holding the same resources (frozen values, shared safely); changes to it stay in it."""
    twin = World(seed=None)
    twin.settings = world.settings
    with twin.transaction():
        for res in world.resources():
            twin.put(res)
    return twin


def _blocked_hop(t: Trace, e: Explanation) -> Hop:
    hops = t.forward_hops if e.direction == "forward" else t.return_hops
    for hop in reversed(hops):
        if hop.id == e.component:
            return hop
    raise FixNotPreviewable(f"the trace has no hop at {e.component} to build the change from")


def _host(ip: str) -> str:
    return f"{ip}/128" if ":" in ip else f"{ip}/32"


def _ports(protocol: str, port: int | None) -> tuple[int, int]:
    if protocol in ("tcp", "udp") and port is not None:
        return port, port
    return -1, -1


def _sg_change(world: World, t: Trace, e: Explanation) -> tuple[str, str, dict[str, Any]]:
    hop = _blocked_hop(t, e)
    sg = world.get(e.component, SecurityGroup)
    if sg is None:
        raise FixNotPreviewable(f"{e.component} is not a security group")
    egress = "egress" in hop.detail or "outbound" in e.message
    p = hop.packet
    low, high = _ports(p.protocol, p.dst_port)
    if p.protocol in ("icmp", "icmpv6") and p.dst_port is not None:
        low, high = p.dst_port, -1
    peer = p.dst_ip if egress else p.src_ip
    ranges = (
        {"ipv6_ranges": [{"cidr_ipv6": _host(peer)}]}
        if ":" in peer
        else {"ip_ranges": [{"cidr_ip": _host(peer)}]}
    )
    perm = {"ip_protocol": p.protocol, "from_port": low, "to_port": high, **ranges}
    action = "AuthorizeSecurityGroupEgress" if egress else "AuthorizeSecurityGroupIngress"
    return sg.owner_id, sg.region, {"action": action, "group_id": sg.id, "ip_permissions": [perm]}


def _acl_change(world: World, t: Trace, e: Explanation) -> tuple[str, str, dict[str, Any]]:
    hop = _blocked_hop(t, e)
    acl = world.get(e.component, NetworkAcl)
    if acl is None:
        raise FixNotPreviewable(f"{e.component} is not a network ACL")
    egress = "outbound" in hop.detail
    p = hop.packet
    word = hop.detail.split("rule ", 1)[-1].split(" ", 1)[0]
    denying = int(word) if word.isdigit() else _LAST_RULE + 1
    taken = {x.rule_number for x in acl.entries if x.egress == egress}
    free = [n for n in range(min(denying, _LAST_RULE + 1) - 1, 0, -1) if n not in taken]
    if not free:
        raise FixNotPreviewable(f"{acl.id} has no free rule number below {denying}")
    peer = p.dst_ip if egress else p.src_ip
    params: dict[str, Any] = {
        "action": "CreateNetworkAclEntry",
        "network_acl_id": acl.id,
        "rule_number": free[0],
        "protocol": _ACL_PROTOCOLS.get(p.protocol, p.protocol),
        "rule_action": "allow",
        "egress": egress,
    }
    params["ipv6_cidr_block" if ":" in peer else "cidr_block"] = _host(peer)
    if p.protocol in ("tcp", "udp"):
        low, high = EPHEMERAL if e.direction == "return" else _ports(p.protocol, p.dst_port)
        params["port_range"] = {"from": low, "to": high}
    elif p.protocol in ("icmp", "icmpv6"):
        params["icmp_type_code"] = {"type": -1, "code": -1}
    return acl.owner_id, acl.region, params


_CHANGES: dict[str, Callable[[World, Trace, Explanation], tuple[str, str, dict[str, Any]]]] = {
    "ENI_SG_RULES_MISMATCH": _sg_change,
    "SUBNET_ACL_RESTRICTION": _acl_change,
}


def previewable(e: Explanation) -> bool:
    """Whether the page can preview this cause's fix."""
    return e.blocking and e.code in _CHANGES


def preview_fix(net: Network, source: str, destination: str, index: int, **options: Any) -> Preview:
    """Trace the flow, apply the fix of its ``index``-th explanation to a copy of the World and trace
    again. ``options`` are :func:`vpclab.network.api.trace`'s (protocol, port, …)."""
    before = api.trace(net, source, destination, **options)
    if not 0 <= index < len(before.explanations):
        raise FixNotPreviewable(f"the trace has {len(before.explanations)} explanation(s); no number {index}")
    e = before.explanations[index]
    change = _CHANGES.get(e.code)
    if change is None or not e.blocking:
        raise FixNotPreviewable(
            f"{e.code}: no preview for this cause (only security group and network ACL "
            "fixes can be applied to a copy); follow the suggested fix"
        )
    account, region, params = change(net.world, before, e)
    twin = copy_world(net.world)
    cp = ControlPlane(twin, account_id=account, region=region)
    call = dict(params)
    action = call.pop("action")
    methods: dict[str, Callable[..., object]] = {
        "AuthorizeSecurityGroupIngress": cp.authorize_security_group_ingress,
        "AuthorizeSecurityGroupEgress": cp.authorize_security_group_egress,
        "CreateNetworkAclEntry": cp.create_network_acl_entry,
    }
    methods[action](**call)
    copy = Network(world=twin, file=net.file, ids=net.ids, names=net.names, accounts=net.accounts)
    after = api.trace(copy, source, destination, **options)
    return Preview(action, {k: v for k, v in call.items()}, before, after)
