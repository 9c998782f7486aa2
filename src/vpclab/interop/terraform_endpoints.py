"""VPC endpoints and egress-only internet gateways from Terraform
(https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint).

An ``aws_vpc_endpoint`` (Gateway — the provider's default type — or Interface) and its separate
route table and subnet associations become one topology endpoint; an
``aws_egress_only_internet_gateway`` is its VPC's ``egress_only_internet_gateway`` (routes to it
are ``eigw``).
"""

from __future__ import annotations

from .terraform import Instance
from .terraform_map import Mapper, Topo

TYPES = {"gateway": "gateway", "interface": "interface", "gatewayloadbalancer": "gateway_load_balancer"}


def egress_only_internet_gateway(m: Mapper, inst: Instance) -> None:
    m.in_vpc(inst)["egress_only_internet_gateway"] = True


def _names(m: Mapper, inst: Instance, attr: str, kinds: tuple[str, ...]) -> list[str]:
    """The names of a list of ids (``route_table_ids``), or of the configuration's references when
    the list is unknown until apply."""
    names: list[str] = []
    values = inst.values.get(attr) or []
    for i, rid in enumerate(values):
        target = m.ref(inst, f"{attr}[{i}]", kinds, value=rid)
        assert target is not None
        names.append(target.name)
    if not values:
        block = m.doc.config.get(inst.config) or {}
        for r in ((block.get("expressions") or {}).get(attr) or {}).get("references") or []:
            target = m._resolve(inst, str(r))
            if target is not None and target.type in kinds and target.name not in names:
                names.append(target.name)
    return names


def _service(m: Mapper, inst: Instance) -> Topo:
    """An AWS service by name, or an ``aws_vpc_endpoint_service`` of the plan (its ``service_name``,
    unknown until apply, referenced in the configuration)."""
    if inst.values.get("service_name") is None:
        svc = m.ref(inst, "service_name", ("aws_vpc_endpoint_service",), required=False)
        if svc is not None:
            return {"endpoint_service": svc.name}
    return {"service": m.value(inst, "service_name")}


def vpc_endpoint(m: Mapper, inst: Instance) -> None:
    v = m.in_vpc(inst)
    kind = str(inst.values.get("vpc_endpoint_type") or "Gateway").lower()
    if kind not in TYPES:
        raise m.fail(inst, "vpc_endpoint_type", f"vpc_endpoint_type {kind} is not one vpclab imports")
    spec: Topo = {
        **_service(m, inst),
        "type": TYPES[kind],
        "route_tables": _names(m, inst, "route_table_ids", ("aws_route_table", "aws_default_route_table")),
        "subnets": _names(m, inst, "subnet_ids", ("aws_subnet",)),
        "groups": _names(m, inst, "security_group_ids", ("aws_security_group",)),
        "private_dns": bool(inst.values.get("private_dns_enabled")),
        "tags": m.tags(inst),
    }
    m.section(v, "endpoints")[inst.name] = spec


def _endpoint(m: Mapper, inst: Instance) -> Topo:
    ep = m.ref(inst, "vpc_endpoint_id", ("aws_vpc_endpoint",))
    assert ep is not None
    spec: Topo = m.vpc(m.vpc_of[ep.name])["endpoints"][ep.name]
    return spec


def route_table_association(m: Mapper, inst: Instance) -> None:
    rt = m.ref(inst, "route_table_id", ("aws_route_table", "aws_default_route_table"))
    assert rt is not None
    _endpoint(m, inst)["route_tables"].append(rt.name)


def subnet_association(m: Mapper, inst: Instance) -> None:
    sub = m.ref(inst, "subnet_id", ("aws_subnet",))
    assert sub is not None
    _endpoint(m, inst)["subnets"].append(sub.name)
