"""Transit gateways from Terraform: the gateway, VPC attachments, route tables, their associations,
propagations and static routes (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ec2_transit_gateway).

A reference to the gateway's ``association_default_route_table_id`` (or
``propagation_default_route_table_id``) names its default route table, ``TGW.default`` here.
"""

from __future__ import annotations

from typing import Any

from .terraform import Instance
from .terraform_map import Mapper, Topo

RT_KINDS = ("aws_ec2_transit_gateway_route_table", "aws_ec2_transit_gateway")


def _enabled(value: Any, default: bool = True) -> bool:
    if value is None:
        return default
    return value is True or str(value).lower() in ("enable", "true")


def transit_gateway(m: Mapper, inst: Instance) -> None:
    v = inst.values
    options: Topo = {
        "default_route_table_association": _enabled(v.get("default_route_table_association")),
        "default_route_table_propagation": _enabled(v.get("default_route_table_propagation")),
        "auto_accept_shared_attachments": _enabled(v.get("auto_accept_shared_attachments"), False),
        "dns_support": _enabled(v.get("dns_support")),
        "vpn_ecmp_support": _enabled(v.get("vpn_ecmp_support")),
    }
    if v.get("amazon_side_asn") is not None:
        options["amazon_side_asn"] = int(v["amazon_side_asn"])
    spec: Topo = {"options": options, "attachments": {}, "route_tables": {}, "tags": m.tags(inst)}
    if v.get("description"):
        spec["description"] = v["description"]
    m.topo.setdefault("transit_gateways", {})[inst.name] = spec


def _tgw(m: Mapper, inst: Instance) -> tuple[str, Topo]:
    tgw = m.ref(inst, "transit_gateway_id", ("aws_ec2_transit_gateway",))
    assert tgw is not None
    spec: Topo = m.topo["transit_gateways"][tgw.name]
    return tgw.name, spec


def vpc_attachment(m: Mapper, inst: Instance) -> None:
    tgw, spec = _tgw(m, inst)
    vpc = m.ref(inst, "vpc_id", ("aws_vpc",))
    assert vpc is not None
    subnets = []
    values = inst.values.get("subnet_ids") or []
    for i, sid in enumerate(values):
        sub = m.ref(inst, f"subnet_ids[{i}]", ("aws_subnet",), value=sid)
        assert sub is not None
        subnets.append(sub.name)
    if not values:  # unknown until apply: the configuration's references
        block = m.doc.config.get(inst.config) or {}
        for r in ((block.get("expressions") or {}).get("subnet_ids") or {}).get("references") or []:
            target = m._resolve(inst, str(r))
            if target is not None and target.type == "aws_subnet" and target.name not in subnets:
                subnets.append(target.name)
    for key, option in (
        ("transit_gateway_default_route_table_association", "default_route_table_association"),
        ("transit_gateway_default_route_table_propagation", "default_route_table_propagation"),
    ):
        if spec["options"][option] and not _enabled(inst.values.get(key)):
            raise m.fail(
                inst,
                key,
                f"{key} = false on a transit gateway whose {option} is enabled is not "
                "imported yet (set it on the transit gateway instead)",
            )
    att: Topo = {"vpc": vpc.name, "subnets": subnets, "tags": m.tags(inst)}
    if _enabled(inst.values.get("appliance_mode_support"), False):
        att["appliance_mode"] = True
    if _enabled(inst.values.get("ipv6_support"), False):
        att["ipv6"] = True
    spec["attachments"][inst.name] = att
    m.vpc_of[inst.name] = tgw  # the attachment's transit gateway


def route_table(m: Mapper, inst: Instance) -> None:
    tgw, spec = _tgw(m, inst)
    spec["route_tables"][inst.name] = {
        "associations": [],
        "propagations": [],
        "routes": {},
        "tags": m.tags(inst),
    }
    m.vpc_of[inst.name] = tgw


def _table(m: Mapper, inst: Instance) -> Topo:
    rt = m.ref(inst, "transit_gateway_route_table_id", RT_KINDS)
    assert rt is not None
    if rt.type == "aws_ec2_transit_gateway":  # its default route table
        tables = m.topo["transit_gateways"][rt.name]["route_tables"]
        table: Topo = tables.setdefault(
            f"{rt.name}.default", {"default": True, "associations": [], "propagations": [], "routes": {}}
        )
        return table
    return m.topo["transit_gateways"][m.vpc_of[rt.name]]["route_tables"][rt.name]


#: what a ``transit_gateway_attachment_id`` may name: a VPC or peering attachment, a VPN connection
#: (its ``transit_gateway_attachment_id`` attribute; the topology names its attachment by the
#: connection), a peering attachment's accepter (the same attachment)
ATTACHMENTS = (
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_ec2_transit_gateway_peering_attachment",
    "aws_ec2_transit_gateway_peering_attachment_accepter",
    "aws_vpn_connection",
)


def _attachment(m: Mapper, inst: Instance) -> str:
    att = m.ref(inst, "transit_gateway_attachment_id", ATTACHMENTS)
    assert att is not None
    if att.type == "aws_ec2_transit_gateway_peering_attachment_accepter":
        peering = m.ref(att, "transit_gateway_attachment_id", ("aws_ec2_transit_gateway_peering_attachment",))
        assert peering is not None
        return peering.name
    return att.name


def association(m: Mapper, inst: Instance) -> None:
    _table(m, inst)["associations"].append(_attachment(m, inst))


def propagation(m: Mapper, inst: Instance) -> None:
    _table(m, inst)["propagations"].append(_attachment(m, inst))


def route(m: Mapper, inst: Instance) -> None:
    table = _table(m, inst)
    dest = m.value(inst, "destination_cidr_block")
    table["routes"][dest] = "blackhole" if inst.values.get("blackhole") else _attachment(m, inst)
