"""One translator per ``aws_*`` resource type: Terraform's arguments → the topology's keys.

``ORDER`` is both the list of types vpclab imports and the order they are translated in (a
resource's references are translated before it). Semantics kept from the AWS provider's docs
(https://registry.terraform.io/providers/hashicorp/aws/latest/docs): an ``aws_security_group``
without ``egress`` blocks has no egress rule (Terraform removes AWS's default allow-all), inline
``route``/``ingress``/``egress`` blocks are the table's or group's rules.
"""

from __future__ import annotations

from typing import Any

from . import terraform_endpoints as endpoints
from . import terraform_lb as lb
from . import terraform_links as links
from . import terraform_tgw as tgw
from .terraform import Instance
from .terraform_map import Mapper, Topo, Translator


def _protocol(value: Any) -> str:
    text = str(value).lower()
    return {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}.get(text, text)


def _port(protocol: str, low: Any, high: Any) -> int | str | None:
    if protocol == "all" or low is None:
        return None
    low, high = int(low), int(high if high is not None else low)
    if protocol in ("icmp", "icmpv6"):
        return None if low < 0 else (f"{low}-{high}" if high >= 0 else None)
    return low if low == high else f"{low}-{high}"


def vpc(m: Mapper, inst: Instance) -> None:
    spec: Topo = {"cidr": m.value(inst, "cidr_block"), "tags": m.tags(inst)}
    if inst.values.get("assign_generated_ipv6_cidr_block"):
        spec["ipv6"] = "amazon"
    if inst.values.get("enable_dns_hostnames") is not None:
        spec["dns_hostnames"] = bool(inst.values["enable_dns_hostnames"])
    m.topo["vpcs"][inst.name] = spec


def cidr_association(m: Mapper, inst: Instance) -> None:
    v = m.in_vpc(inst)
    cidrs = v.pop("cidrs", None) or [v.pop("cidr")]
    v["cidrs"] = [*cidrs, m.value(inst, "cidr_block")]


def subnet(m: Mapper, inst: Instance) -> None:
    v = m.in_vpc(inst)
    spec: Topo = {"cidr": m.value(inst, "cidr_block"), "tags": m.tags(inst)}
    if inst.values.get("availability_zone"):
        spec["az"] = inst.values["availability_zone"]
    if inst.values.get("map_public_ip_on_launch"):
        spec["public"] = True
    m.section(v, "subnets")[inst.name] = spec


def internet_gateway(m: Mapper, inst: Instance) -> None:
    v = m.in_vpc(inst)
    v["internet_gateway"] = inst.name


def elastic_ip(m: Mapper, inst: Instance) -> None:
    m.topo.setdefault("elastic_ips", {})[inst.name] = {"tags": m.tags(inst)}


def nat_gateway(m: Mapper, inst: Instance) -> None:
    sub = m.ref(inst, "subnet_id", ("aws_subnet",))
    assert sub is not None
    v = m.vpc(m.vpc_of[sub.name])
    m.vpc_of[inst.name] = m.vpc_of[sub.name]
    spec: Topo = {
        "subnet": sub.name,
        "connectivity": inst.values.get("connectivity_type") or "public",
        "tags": m.tags(inst),
    }
    if inst.values.get("private_ip"):
        spec["private_ip"] = inst.values["private_ip"]
    m.section(v, "nat_gateways")[inst.name] = spec


#: a route's target attribute → (the resource types it may name, the topology's spelling; a
#: ``gateway_id`` naming an ``aws_vpn_gateway`` is ``vgw``)
ROUTE_TARGETS: dict[str, tuple[tuple[str, ...], str]] = {
    "gateway_id": (("aws_internet_gateway", "aws_vpn_gateway"), "igw"),
    "vpc_endpoint_id": (("aws_vpc_endpoint",), "vpce:{}"),
    "nat_gateway_id": (("aws_nat_gateway",), "nat:{}"),
    "vpc_peering_connection_id": (("aws_vpc_peering_connection",), "pcx:{}"),
    "transit_gateway_id": (("aws_ec2_transit_gateway",), "tgw:{}"),
    "network_interface_id": (("aws_network_interface",), "eni:{}"),
    "egress_only_gateway_id": (("aws_egress_only_internet_gateway",), "eigw"),
}


def _route(
    m: Mapper, inst: Instance, attr: str, route: dict[str, Any], expr: dict[str, Any] | None
) -> tuple[str, str]:
    dest = (
        route.get("cidr_block")
        or route.get("destination_cidr_block")
        or route.get("ipv6_cidr_block")
        or route.get("destination_ipv6_cidr_block")
    )
    if not dest:
        raise m.fail(
            inst, attr, "a route without a destination CIDR (prefix-list destinations are not imported yet)"
        )
    for key, (kinds, spelling) in ROUTE_TARGETS.items():
        sub_expr = (expr or {}).get(key) if expr is not None else None
        if (
            route.get(key)
            or (sub_expr and sub_expr.get("references"))
            or (expr is None and m.doc.config and _configured(m, inst, key))
        ):
            target = m.ref(inst, key, kinds, value=route.get(key) or None, expr=sub_expr)
            assert target is not None
            if target.type == "aws_vpn_gateway":
                return str(dest), "vgw"
            return str(dest), spelling.format(target.name)
    raise m.fail(inst, attr, f"the route to {dest} has no target vpclab imports")


def _configured(m: Mapper, inst: Instance, key: str) -> bool:
    block = m.doc.config.get(inst.config) or {}
    return key in (block.get("expressions") or {})


def _blocks(m: Mapper, inst: Instance, attr: str) -> list[dict[str, Any] | None]:
    """The configuration's expressions of an inline block list (``route``, ``ingress``), if any."""
    block = m.doc.config.get(inst.config) or {}
    exprs = (block.get("expressions") or {}).get(attr)
    return [e if isinstance(e, dict) else None for e in exprs] if isinstance(exprs, list) else []


def _matching(exprs: list[dict[str, Any] | None], key: str, value: Any) -> dict[str, Any] | None:
    for e in exprs:
        if e is not None and (e.get(key) or {}).get("constant_value") == value:
            return e
    return None


def route_table(m: Mapper, inst: Instance, main: bool = False) -> None:
    attr = "default_route_table_id" if main else "vpc_id"
    v = m.in_vpc(inst, attr)
    spec: Topo = {"tags": m.tags(inst), "subnets": [], "routes": {}}
    if main:
        spec["main"] = True
    configured = (m.doc.config.get(inst.config) or {}).get("expressions") or {}
    if inst.values.get("propagating_vgws") or (configured.get("propagating_vgws") or {}).get("references"):
        spec["propagate_vgw"] = True  # the VPC's VPN gateway propagates its routes here
    exprs = _blocks(m, inst, "route")
    for i, route in enumerate(inst.values.get("route") or []):
        key = "cidr_block" if route.get("cidr_block") else "ipv6_cidr_block"
        expr = _matching(exprs, key, route.get(key)) or {}
        dest, target = _route(m, inst, f"route[{i}]", route, expr)
        spec["routes"][dest] = target
    m.section(v, "route_tables")[inst.name] = spec


def default_route_table(m: Mapper, inst: Instance) -> None:
    route_table(m, inst, main=True)


RT_KINDS = ("aws_route_table", "aws_default_route_table", "aws_vpc")


def _route_table(m: Mapper, inst: Instance) -> Topo:
    """The route table ``route_table_id`` names; ``aws_vpc.x.main_route_table_id`` is the VPC's main
    table (``VPC.main`` here, unless an aws_default_route_table manages it)."""
    rt = m.ref(inst, "route_table_id", RT_KINDS)
    assert rt is not None
    if rt.type == "aws_vpc":
        tables = m.section(m.vpc(rt.name), "route_tables")
        main = next((t for t in tables.values() if t.get("main")), None)
        if main is None:
            main = tables[f"{rt.name}.main"] = {"main": True, "subnets": [], "routes": {}}
        return main
    return m.vpc(m.vpc_of[rt.name])["route_tables"][rt.name]


def route(m: Mapper, inst: Instance) -> None:
    spec = _route_table(m, inst)
    dest, target = _route(m, inst, "", inst.values, None)
    spec["routes"][dest] = target


def route_table_association(m: Mapper, inst: Instance) -> None:
    if inst.values.get("gateway_id"):
        raise m.fail(inst, "gateway_id", "edge associations are not imported yet")
    sub = m.ref(inst, "subnet_id", ("aws_subnet",))
    assert sub is not None
    _route_table(m, inst)["subnets"].append(sub.name)


def _sg_rules(
    m: Mapper, inst: Instance, attr: str, rule: dict[str, Any], expr: dict[str, Any] | None, group: str
) -> list[Topo]:
    proto = _protocol(rule.get("protocol") or rule.get("ip_protocol") or "-1")
    base: Topo = {"protocol": proto, "port": _port(proto, rule.get("from_port"), rule.get("to_port"))}
    if rule.get("description"):
        base["description"] = rule["description"]
    out: list[Topo] = []
    for key in ("cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6"):
        values = rule.get(key) or []
        for cidr in [values] if isinstance(values, str) else values:
            out.append({**base, "cidr": cidr})
    if rule.get("self"):
        out.append({**base, "group": group})
    for key in ("security_groups", "source_security_group_id", "referenced_security_group_id"):
        values = rule.get(key)
        sub_expr = (expr or {}).get(key) if expr else None
        if key != "security_groups" and (
            values or (sub_expr or {}).get("references") or (expr is None and _configured(m, inst, key))
        ):
            target = m.ref(inst, key, ("aws_security_group",), value=values or None, expr=sub_expr)
            assert target is not None
            out.append({**base, "group": target.name})
        elif key == "security_groups":
            for sg in values or []:
                target = m.ref(inst, attr, ("aws_security_group",), value=sg)
                assert target is not None
                out.append({**base, "group": target.name})
            if not values:  # the groups' ids are unknown until apply: the block's references
                named: list[str] = []
                for r in (sub_expr or {}).get("references") or []:
                    found = m._resolve(inst, str(r))
                    if found is not None and found.type == "aws_security_group" and found.name not in named:
                        named.append(found.name)
                out += [{**base, "group": name} for name in named]
    if rule.get("prefix_list_ids") or rule.get("prefix_list_id"):
        raise m.fail(inst, attr, "prefix-list rules are not imported yet")
    return out


def security_group(m: Mapper, inst: Instance) -> None:
    v = m.in_vpc(inst)
    spec: Topo = {"tags": m.tags(inst), "ingress": [], "egress": []}
    if inst.values.get("description"):
        spec["description"] = inst.values["description"]
    for direction in ("ingress", "egress"):
        exprs = _blocks(m, inst, direction)
        for i, rule in enumerate(inst.values.get(direction) or []):
            expr = exprs[i] if i < len(exprs) else None
            spec[direction] += _sg_rules(m, inst, f"{direction}[{i}]", rule, expr or {}, inst.name)
    m.section(v, "security_groups")[inst.name] = spec


def _group_spec(m: Mapper, inst: Instance) -> tuple[Topo, str]:
    sg = m.ref(inst, "security_group_id", ("aws_security_group",))
    assert sg is not None
    return m.vpc(m.vpc_of[sg.name])["security_groups"][sg.name], sg.name


def security_group_rule(m: Mapper, inst: Instance) -> None:
    spec, group = _group_spec(m, inst)
    direction = m.value(inst, "type")
    spec[direction] += _sg_rules(m, inst, "", inst.values, None, group)


def vpc_security_group_rule(direction: str) -> Translator:
    def translate(m: Mapper, inst: Instance) -> None:
        spec, group = _group_spec(m, inst)
        spec[direction] += _sg_rules(m, inst, "", inst.values, None, group)

    return translate


def _acl_rule(rule: dict[str, Any]) -> Topo:
    proto = _protocol(rule.get("protocol") or "-1")
    out: Topo = {
        "action": str(rule.get("action") or rule.get("rule_action")).lower(),
        "protocol": proto,
        "cidr": rule.get("cidr_block") or rule.get("ipv6_cidr_block") or "0.0.0.0/0",
    }
    if proto in ("icmp", "icmpv6"):
        for key in ("icmp_type", "icmp_code"):
            if rule.get(key) is not None and int(rule[key]) >= 0:
                out[key] = int(rule[key])
    else:
        out["port"] = _port(proto, rule.get("from_port"), rule.get("to_port"))
        if out["port"] == "0-0":
            out["port"] = None
    return out


def network_acl(m: Mapper, inst: Instance) -> None:
    v = m.in_vpc(inst)
    spec: Topo = {"tags": m.tags(inst), "subnets": [], "ingress": {}, "egress": {}}
    for i, sid in enumerate(inst.values.get("subnet_ids") or []):
        sub = m.ref(inst, f"subnet_ids[{i}]", ("aws_subnet",), value=sid)
        assert sub is not None
        spec["subnets"].append(sub.name)
    for direction in ("ingress", "egress"):
        for rule in inst.values.get(direction) or []:
            spec[direction][int(rule["rule_no"])] = _acl_rule(rule)
    m.section(v, "network_acls")[inst.name] = spec


def network_acl_rule(m: Mapper, inst: Instance) -> None:
    acl = m.ref(inst, "network_acl_id", ("aws_network_acl",))
    assert acl is not None
    spec = m.vpc(m.vpc_of[acl.name])["network_acls"][acl.name]
    direction = "egress" if inst.values.get("egress") else "ingress"
    spec[direction][int(m.value(inst, "rule_number"))] = _acl_rule(inst.values)


def network_acl_association(m: Mapper, inst: Instance) -> None:
    acl = m.ref(inst, "network_acl_id", ("aws_network_acl",))
    sub = m.ref(inst, "subnet_id", ("aws_subnet",))
    assert acl is not None and sub is not None
    m.vpc(m.vpc_of[acl.name])["network_acls"][acl.name]["subnets"].append(sub.name)


def peering(m: Mapper, inst: Instance) -> None:
    req = m.ref(inst, "vpc_id", ("aws_vpc",))
    acc = m.ref(inst, "peer_vpc_id", ("aws_vpc",))
    assert req is not None and acc is not None
    m.topo.setdefault("peerings", {})[inst.name] = {
        "requester": req.name,
        "accepter": acc.name,
        "accept": bool(inst.values.get("auto_accept")),
        "tags": m.tags(inst),
    }


def peering_accepter(m: Mapper, inst: Instance) -> None:
    pcx = m.ref(inst, "vpc_peering_connection_id", ("aws_vpc_peering_connection",))
    assert pcx is not None
    if inst.values.get("auto_accept", True):
        m.topo["peerings"][pcx.name]["accept"] = True


def instance(m: Mapper, inst: Instance) -> None:
    sub = m.ref(inst, "subnet_id", ("aws_subnet",))
    assert sub is not None
    spec: Topo = {"subnet": sub.name, "groups": [], "tags": m.tags(inst)}
    for i, sg in enumerate(inst.values.get("vpc_security_group_ids") or []):
        target = m.ref(inst, f"vpc_security_group_ids[{i}]", ("aws_security_group",), value=sg)
        assert target is not None
        spec["groups"].append(target.name)
    if not spec["groups"]:
        block = m.doc.config.get(inst.config) or {}
        expr = (block.get("expressions") or {}).get("vpc_security_group_ids") or {}
        for r in expr.get("references") or []:
            target = m._resolve(inst, str(r))
            if (
                target is not None
                and target.type == "aws_security_group"
                and target.name not in spec["groups"]
            ):
                spec["groups"].append(target.name)
    if inst.values.get("private_ip"):
        spec["private_ip"] = inst.values["private_ip"]
    if inst.values.get("instance_type"):
        spec["type"] = inst.values["instance_type"]
    if inst.values.get("associate_public_ip_address") is not None:
        spec["public_ip"] = bool(inst.values["associate_public_ip_address"])
    if inst.values.get("source_dest_check") is False:
        spec["source_dest_check"] = False
    m.vpc_of[inst.name] = m.vpc_of[sub.name]
    m.section(m.vpc(m.vpc_of[sub.name]), "instances")[inst.name] = spec


def network_interface(m: Mapper, inst: Instance) -> None:
    """An ``aws_network_interface``: its subnet, groups, first private IP, source/dest check."""
    sub = m.ref(inst, "subnet_id", ("aws_subnet",))
    assert sub is not None
    spec: Topo = {"subnet": sub.name, "groups": [], "tags": m.tags(inst)}
    for i, sg in enumerate(inst.values.get("security_groups") or []):
        target = m.ref(inst, f"security_groups[{i}]", ("aws_security_group",), value=sg)
        assert target is not None
        spec["groups"].append(target.name)
    if not spec["groups"]:
        block = m.doc.config.get(inst.config) or {}
        for r in ((block.get("expressions") or {}).get("security_groups") or {}).get("references") or []:
            found = m._resolve(inst, str(r))
            if found is not None and found.type == "aws_security_group" and found.name not in spec["groups"]:
                spec["groups"].append(found.name)
    ips = inst.values.get("private_ips") or []
    if inst.values.get("private_ip") or ips:
        spec["private_ip"] = inst.values.get("private_ip") or ips[0]
    if inst.values.get("source_dest_check") is False:
        spec["source_dest_check"] = False
    if inst.values.get("description"):
        spec["description"] = inst.values["description"]
    m.vpc_of[inst.name] = m.vpc_of[sub.name]
    m.section(m.vpc(m.vpc_of[sub.name]), "network_interfaces")[inst.name] = spec


def eip_association(m: Mapper, inst: Instance, attr: str = "allocation_id") -> None:
    """An Elastic IP on an instance or an interface: ``aws_eip`` with ``instance`` /
    ``network_interface``, or ``aws_eip_association``."""
    eip = inst if inst.type == "aws_eip" else m.ref(inst, attr, ("aws_eip",))
    assert eip is not None
    configured = (m.doc.config.get(inst.config) or {}).get("expressions") or {}
    for key, kinds in (
        ("instance", ("aws_instance",)),
        ("instance_id", ("aws_instance",)),
        ("network_interface", ("aws_network_interface",)),
        ("network_interface_id", ("aws_network_interface",)),
    ):
        # an aws_eip's network_interface is also set by AWS when a NAT gateway uses it: only the
        # configuration's own argument says the user associated it
        if key in configured or (inst.type == "aws_eip_association" and inst.values.get(key)):
            target = m.ref(inst, key, kinds)
            assert target is not None
            section = "instances" if kinds == ("aws_instance",) else "network_interfaces"
            m.vpc(m.vpc_of[target.name])[section][target.name]["elastic_ip"] = eip.name
            return
    if inst.type == "aws_eip_association":
        raise m.fail(inst, "", "an Elastic IP association names neither an instance nor a network interface")


def main_route_table_association(m: Mapper, inst: Instance) -> None:
    """``aws_main_route_table_association``: the table becomes the VPC's main one. vpclab builds it as
    the main table itself (its routes in the table AWS made with the VPC): the same routes serve
    the same subnets, which is what reachability reads."""
    vpc = m.ref(inst, "vpc_id", ("aws_vpc",))
    rt = m.ref(inst, "route_table_id", ("aws_route_table",))
    assert vpc is not None and rt is not None
    tables = m.section(m.vpc(vpc.name), "route_tables")
    other = next((name for name, t in tables.items() if t.get("main") and name != rt.name), None)
    if other is not None or rt.name not in tables:
        raise m.fail(
            inst, "route_table_id", f"the VPC's main route table is {other or 'in another VPC'} already"
        )
    tables[rt.name]["main"] = True


def default_security_group(m: Mapper, inst: Instance) -> None:
    """``aws_default_security_group``: Terraform removes AWS's default rules and sets the listed
    ones (provider docs); vpclab's topology keeps them on a ``default`` group, so they must be listed."""
    security_group(m, inst)
    spec = m.vpc(m.vpc_of[inst.name])["security_groups"][inst.name]
    spec["default"] = True
    spec["replace_rules"] = True


def default_network_acl(m: Mapper, inst: Instance) -> None:
    """``aws_default_network_acl``: the VPC's default ACL with exactly the listed rules (Terraform
    removes AWS's defaults, provider docs) and its ``subnet_ids``."""
    vpc = m.ref(inst, "default_network_acl_id", ("aws_vpc",))
    assert vpc is not None
    m.vpc_of[inst.name] = vpc.name
    spec: Topo = {
        "default": True,
        "replace_rules": True,
        "tags": m.tags(inst),
        "subnets": [],
        "ingress": {},
        "egress": {},
    }
    for i, sid in enumerate(inst.values.get("subnet_ids") or []):
        sub = m.ref(inst, f"subnet_ids[{i}]", ("aws_subnet",), value=sid)
        assert sub is not None
        spec["subnets"].append(sub.name)
    for direction in ("ingress", "egress"):
        for rule in inst.values.get(direction) or []:
            spec[direction][int(rule["rule_no"])] = _acl_rule(rule)
    m.section(m.vpc(vpc.name), "network_acls")[inst.name] = spec


#: every type vpclab imports, in translation order (what a resource refers to comes first)
ORDER: dict[str, Translator] = {
    "aws_vpc": vpc,
    "aws_vpc_ipv4_cidr_block_association": cidr_association,
    "aws_vpc_ipv6_cidr_block_association": links.ipv6_cidr_association,
    "aws_subnet": subnet,
    "aws_internet_gateway": internet_gateway,
    "aws_customer_gateway": links.customer_gateway,
    "aws_vpn_gateway": links.vpn_gateway,
    "aws_vpn_gateway_attachment": links.vpn_gateway_attachment,
    "aws_egress_only_internet_gateway": endpoints.egress_only_internet_gateway,
    "aws_eip": elastic_ip,
    "aws_nat_gateway": nat_gateway,
    "aws_vpc_peering_connection": peering,
    "aws_vpc_peering_connection_accepter": peering_accepter,
    "aws_vpc_peering_connection_options": links.peering_connection_options,
    "aws_ec2_transit_gateway": tgw.transit_gateway,
    "aws_ec2_transit_gateway_vpc_attachment": tgw.vpc_attachment,
    "aws_ec2_transit_gateway_peering_attachment": links.tgw_peering_attachment,
    "aws_ec2_transit_gateway_peering_attachment_accepter": links.tgw_peering_accepter,
    "aws_vpn_connection": links.vpn_connection,
    "aws_vpn_connection_route": links.vpn_connection_route,
    "aws_dx_gateway": links.dx_gateway,
    "aws_dx_gateway_association": links.dx_gateway_association,
    "aws_ram_resource_share": links.ram_resource_share,
    "aws_ram_resource_association": links.ram_resource_association,
    "aws_ram_principal_association": links.ram_principal_association,
    "aws_ec2_transit_gateway_route_table": tgw.route_table,
    "aws_ec2_transit_gateway_route_table_association": tgw.association,
    "aws_ec2_transit_gateway_route_table_propagation": tgw.propagation,
    "aws_ec2_transit_gateway_route": tgw.route,
    "aws_security_group": security_group,
    "aws_default_security_group": default_security_group,
    "aws_security_group_rule": security_group_rule,
    "aws_vpc_security_group_ingress_rule": vpc_security_group_rule("ingress"),
    "aws_vpc_security_group_egress_rule": vpc_security_group_rule("egress"),
    "aws_network_acl": network_acl,
    "aws_default_network_acl": default_network_acl,
    "aws_network_acl_rule": network_acl_rule,
    "aws_network_acl_association": network_acl_association,
    "aws_route_table": route_table,
    "aws_default_route_table": default_route_table,
    "aws_route": route,
    "aws_route_table_association": route_table_association,
    "aws_main_route_table_association": main_route_table_association,
    "aws_vpn_gateway_route_propagation": links.vpn_gateway_route_propagation,
    "aws_instance": instance,
    "aws_network_interface": network_interface,
    "aws_eip_association": eip_association,
    "aws_eip#association": eip_association,  # an aws_eip's own instance / network_interface
    "aws_lb_listener": lb.lb_part,
    "aws_lb_target_group": lb.lb_part,
    "aws_lb_target_group_attachment": lb.lb_part,
    "aws_vpc_endpoint_service": lb.endpoint_service,
    "aws_lb": lb.load_balancer,  # after the services: each load balancer is part of one
    "aws_vpc_endpoint": endpoints.vpc_endpoint,
    "aws_vpc_endpoint_route_table_association": endpoints.route_table_association,
    "aws_vpc_endpoint_subnet_association": endpoints.subnet_association,
}
