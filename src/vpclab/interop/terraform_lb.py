"""Endpoint services and their load balancers from Terraform
(https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint_service).

vpclab's topology holds a network or Gateway Load Balancer as part of the endpoint service in front
of it (``endpoint_services.NAME.nlb`` / ``.gwlb``), so an ``aws_vpc_endpoint_service`` gathers its
``aws_lb`` (subnets, security groups, IP address type, cross-zone), the ``aws_lb_listener``\\ s of
that load balancer (their ports) and the instances its listeners' ``aws_lb_target_group``\\ s hold
(``aws_lb_target_group_attachment``). What that shape cannot hold is refused with its JSON path:
an ``aws_lb`` behind no endpoint service, an application load balancer, a target group whose port
differs from its listener's (the topology forwards each listener to its own port), a target that is
not an instance of the plan.
"""

from __future__ import annotations

from typing import Any

from .terraform import Instance
from .terraform_map import Mapper, Topo

LB = ("aws_lb", "aws_alb")
TG = ("aws_lb_target_group", "aws_alb_target_group")


def _lb_ref(m: Mapper, inst: Instance, attr: str) -> list[Instance]:
    """The load balancers a list attribute names (ARNs, or the configuration's references)."""
    found: list[Instance] = []
    for i, arn in enumerate(inst.values.get(attr) or []):
        lb = m.ref(inst, f"{attr}[{i}]", LB, value=arn)
        assert lb is not None
        found.append(lb)
    if not found:
        block = m.doc.config.get(inst.config) or {}
        for r in ((block.get("expressions") or {}).get(attr) or {}).get("references") or []:
            target = m._resolve(inst, str(r))
            if target is not None and target.type in LB and target not in found:
                found.append(target)
    return found


def _of_type(m: Mapper, types: tuple[str, ...]) -> list[Instance]:
    return [i for i in m.doc.instances if i.type in types]


def _points_at(m: Mapper, inst: Instance, attr: str, kinds: tuple[str, ...], target: Instance) -> bool:
    found = m.ref(inst, attr, kinds, required=False)
    return found is not None and found.name == target.name


def _names(m: Mapper, inst: Instance, attr: str, kinds: tuple[str, ...]) -> list[str]:
    from .terraform_endpoints import _names as names

    return names(m, inst, attr, kinds)


def _subnets(m: Mapper, lb: Instance) -> list[str]:
    subnets = _names(m, lb, "subnets", ("aws_subnet",))
    for i, mapping in enumerate(lb.values.get("subnet_mapping") or []):
        sub = m.ref(
            lb, f"subnet_mapping[{i}].subnet_id", ("aws_subnet",), value=mapping.get("subnet_id") or None
        )
        if sub is not None and sub.name not in subnets:
            subnets.append(sub.name)
    if not subnets:
        raise m.fail(lb, "subnets", "a load balancer needs its subnets (subnets or subnet_mapping)")
    return subnets


def _listeners(m: Mapper, lb: Instance) -> list[tuple[Instance, Instance]]:
    """(listener, its forward target group) of a load balancer."""
    out: list[tuple[Instance, Instance]] = []
    for li in _of_type(m, ("aws_lb_listener", "aws_alb_listener")):
        if not _points_at(m, li, "load_balancer_arn", LB, lb):
            continue
        actions = li.values.get("default_action") or []
        forward = [a for a in actions if str(a.get("type", "forward")) == "forward"]
        if len(forward) != 1 or len(actions) != 1:
            raise m.fail(li, "default_action", "a listener is imported with one forward action")
        block = m.doc.config.get(li.config) or {}
        exprs = (block.get("expressions") or {}).get("default_action")
        expr = (exprs[0] if isinstance(exprs, list) and exprs else {}) or {}
        tg = m.ref(
            li,
            "default_action[0].target_group_arn",
            TG,
            value=forward[0].get("target_group_arn") or None,
            expr=expr.get("target_group_arn"),
        )
        assert tg is not None
        out.append((li, tg))
    if not out:
        raise m.fail(lb, "", "a load balancer behind an endpoint service needs a listener")
    return out


def _targets(m: Mapper, tg: Instance) -> list[str]:
    names: list[str] = []
    for att in _of_type(m, ("aws_lb_target_group_attachment", "aws_alb_target_group_attachment")):
        if _points_at(m, att, "target_group_arn", TG, tg):
            target = m.ref(att, "target_id", ("aws_instance",))
            assert target is not None
            if att.values.get("port") not in (None, tg.values.get("port")):
                raise m.fail(att, "port", "a target port other than its target group's is not imported")
            names.append(target.name)
    return names


def _nlb(m: Mapper, lb: Instance) -> Topo:
    spec: Topo = {"subnets": _subnets(m, lb), "listeners": [], "targets": []}
    if lb.values.get("internal") is False:
        raise m.fail(
            lb, "internal", "an internet-facing load balancer behind an endpoint service is not imported"
        )
    spec["ip_address_type"] = lb.values.get("ip_address_type") or "ipv4"
    spec["cross_zone"] = bool(lb.values.get("enable_cross_zone_load_balancing"))
    spec["groups"] = _names(m, lb, "security_groups", ("aws_security_group",))
    enforce = lb.values.get("enforce_security_group_inbound_rules_on_private_link_traffic")
    if enforce == "off":
        spec["enforce_private_link_inbound_rules"] = False
    for li, tg in _listeners(m, lb):
        port = m.value(li, "port")
        if tg.values.get("port") is not None and int(tg.values["port"]) != int(port):
            raise m.fail(
                tg, "port", f"target group port {tg.values['port']} differs from its listener's {port}"
            )
        if str(tg.values.get("target_type") or "instance") != "instance":
            raise m.fail(tg, "target_type", "only instance targets are imported")
        spec["listeners"].append(int(port))
        spec["targets"] += [t for t in _targets(m, tg) if t not in spec["targets"]]
    return spec


def _gwlb(m: Mapper, lb: Instance) -> Topo:
    ((_, tg),) = _listeners(m, lb)
    spec: Topo = {
        "subnets": _subnets(m, lb),
        "targets": _targets(m, tg),
        "cross_zone": bool(lb.values.get("enable_cross_zone_load_balancing")),
    }
    health = (tg.values.get("health_check") or [{}])[0] or {}
    if str(health.get("port") or "traffic-port").isdigit():
        spec["health_check_port"] = int(health["port"])
    return spec


def endpoint_service(m: Mapper, inst: Instance) -> None:
    nlbs = _lb_ref(m, inst, "network_load_balancer_arns")
    gwlbs = _lb_ref(m, inst, "gateway_load_balancer_arns")
    if len(nlbs) + len(gwlbs) != 1:
        raise m.fail(
            inst,
            "network_load_balancer_arns",
            "an endpoint service is imported with exactly one load balancer",
        )
    spec: Topo = {
        "acceptance_required": bool(inst.values.get("acceptance_required")),
        "allowed_principals": [_account(m, inst, p) for p in inst.values.get("allowed_principals") or []],
        "supported_ip_address_types": list(inst.values.get("supported_ip_address_types") or ["ipv4"]),
        "tags": m.tags(inst),
    }
    for lb, kind, make in ((nlbs, "network", _nlb), (gwlbs, "gateway", _gwlb)):
        for x in lb:
            if str(x.values.get("load_balancer_type") or "application") != kind:
                raise m.fail(x, "load_balancer_type", f"expected a {kind} load balancer for {inst.address}")
            spec["nlb" if kind == "network" else "gwlb"] = make(m, x)
            m.behind[x.name] = inst.name
    m.topo.setdefault("endpoint_services", {})[inst.name] = spec


def _account(m: Mapper, inst: Instance, principal: Any) -> str:
    """``arn:aws:iam::123456789012:root`` (or a bare account id) → the account id."""
    text = str(principal)
    account = text.split(":")[4] if text.startswith("arn:") and text.count(":") >= 5 else text
    if not (account.isdigit() and len(account) == 12):
        raise m.fail(
            inst, "allowed_principals", f"principal {text} is not an account (roles are not imported)"
        )
    return account


def load_balancer(m: Mapper, inst: Instance) -> None:
    """An ``aws_lb`` is imported as part of the endpoint service in front of it (see the module)."""
    if inst.name not in m.behind:
        raise m.fail(
            inst,
            "",
            "a load balancer behind no aws_vpc_endpoint_service of the plan is not imported "
            "(vpclab models load balancers as PrivateLink and Gateway Load Balancer services)",
        )


def lb_part(m: Mapper, inst: Instance) -> None:
    """A listener, target group or target attachment: read with its load balancer's service."""
    for attr, kinds in (("load_balancer_arn", LB), ("target_group_arn", TG)):
        if attr in inst.values or attr in ((m.doc.config.get(inst.config) or {}).get("expressions") or {}):
            m.ref(inst, attr, kinds)
