"""Terraform blocks for endpoint services and the load balancers behind them: ``aws_lb`` (network or
gateway), its target groups, their targets and listeners, and ``aws_vpc_endpoint_service``
(see export_terraform). Load balancers that front no endpoint service are written too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model.endpoints import VpcEndpointService
from ..model.load_balancer import Listener, LoadBalancer, TargetGroup
from .export_hcl import Block, Expr
from .export_terraform_vpc import sg_ref

if TYPE_CHECKING:
    from .export_terraform import TerraformWriter


def write_services(w: TerraformWriter) -> None:
    n, world = w.names, w.world
    for lb in sorted(world.all(LoadBalancer), key=lambda b: (b.load_balancer_name, b.id)):
        if lb.state in ("active", "provisioning") and lb.vpc_id in w.addresses:
            _load_balancer(w, lb)
    for svc in sorted(world.all(VpcEndpointService), key=lambda s: (n(s.id), s.id)):
        lbs = [
            b
            for b in world.all(LoadBalancer)
            if b.arn in (*svc.network_load_balancer_arns, *svc.gateway_load_balancer_arns)
        ]
        if not lbs or any(b.id not in w.addresses for b in lbs):
            w.notes.append(
                f"endpoint service {n(svc.id)} not written: its load balancer is not in the export"
            )
            continue
        arns = [Expr(f"{w.addresses[b.id]}.arn") for b in lbs]
        gateway = svc.service_type == "GatewayLoadBalancer" or bool(svc.gateway_load_balancer_arns)
        principals = [p if p.startswith("arn:") else f"arn:aws:iam::{p}:root" for p in svc.allowed_principals]
        w.add(
            "aws_vpc_endpoint_service",
            n(svc.id),
            {
                "acceptance_required": svc.acceptance_required,
                "gateway_load_balancer_arns" if gateway else "network_load_balancer_arns": arns,
                "allowed_principals": principals or None,
                "supported_ip_address_types": list(svc.supported_ip_address_types)
                if tuple(svc.supported_ip_address_types) != ("ipv4",)
                else None,
            },
            res=svc,
            group=n(lbs[0].vpc_id),
            tag_name=n(svc.id),
        )


def _load_balancer(w: TerraformWriter, lb: LoadBalancer) -> None:
    world, group = w.world, w.names(lb.vpc_id)
    name = w.names(lb.id)
    cross = lb.attributes.get("load_balancing.cross_zone.enabled") == "true"
    address = w.add(
        "aws_lb",
        name,
        {
            "name": lb.load_balancer_name,
            "load_balancer_type": lb.type,
            "internal": None if lb.is_gateway else lb.scheme == "internal",
            "subnets": [w.ref(s) for s in lb.subnet_ids],
            "security_groups": [sg_ref(w, g) for g in lb.security_groups] or None,
            "ip_address_type": lb.ip_address_type if lb.ip_address_type != "ipv4" else None,
            "enable_cross_zone_load_balancing": True if cross else None,
            "enforce_security_group_inbound_rules_on_private_link_traffic": "off"
            if lb.security_groups and lb.enforce_private_link_inbound_rules == "off"
            else None,
        },
        res=lb,
        group=group,
        tag_name=name,
    )
    owner = (lb.owner_id, lb.region)
    for listener in sorted(
        (x for x in world.all(Listener) if x.load_balancer_id == lb.id), key=lambda x: x.port or 0
    ):
        groups = [g for g in world.all(TargetGroup) if g.arn in listener.target_group_arns]
        for tg in groups:
            _target_group(w, tg, group, owner)
        label = f"{name}-{listener.port}" if listener.port else name
        attrs: dict[str, Any] = {"load_balancer_arn": Expr(f"{address}.arn")}
        if not lb.is_gateway:
            attrs["port"], attrs["protocol"] = listener.port, listener.protocol
        action = (
            Block("default_action", (), {"type": "forward", "target_group_arn": w.ref(groups[0].id, "arn")})
            if groups
            else None
        )
        w.add("aws_lb_listener", label, attrs, owner=owner, group=group, blocks=[action] if action else [])


def _target_group(w: TerraformWriter, tg: TargetGroup, group: str, owner: tuple[str, str]) -> None:
    if tg.id in w.addresses:
        return
    name = w.names(tg.id)
    nested = []
    if tg.health_check is not None and tg.health_check.port not in ("traffic-port",):
        nested.append(
            Block("health_check", (), {"port": tg.health_check.port, "protocol": tg.health_check.protocol})
        )
    address = w.add(
        "aws_lb_target_group",
        name,
        {
            "name": tg.target_group_name,
            "port": tg.port,
            "protocol": tg.protocol,
            "vpc_id": w.ref(tg.vpc_id),
            "target_type": tg.target_type,
        },
        res=tg,
        group=group,
        blocks=nested,
        tag_name=name,
    )
    for t in tg.targets:
        target = w.ref(t.id) or t.id
        w.add(
            "aws_lb_target_group_attachment",
            f"{name}-{w.names(t.id)}",
            {
                "target_group_arn": Expr(f"{address}.arn"),
                "target_id": target,
                "port": t.port if tg.protocol != "GENEVE" else None,
            },
            owner=owner,
            group=group,
        )
