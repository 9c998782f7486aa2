"""Apply steps for what lives inside a VPC: subnets, gateways, route tables, groups, ACLs, ENIs, instances."""

from __future__ import annotations

from ipaddress import IPv6Network
from typing import Any

from ..core.protocols import Protocol, ProtocolError
from ..model.network_acl import NetworkAcl
from ..model.route_table import YAML_TARGETS, RouteTable
from ..model.security_group import SecurityGroup
from ..model.vpc import Vpc
from .apply import Applier
from .resolve import Decl
from .schema import DhcpOptionsSpec


def rule_protocol(value: object) -> Protocol | None:
    """A rule's protocol as written in the topology (tcp, 6, all, …); None for what is not one,
    which is sent as written, so the ControlPlane answers it with AWS's error."""
    try:
        return Protocol(str(value).lower())
    except ProtocolError:
        return None


def ports(value: int | str | None) -> tuple[int, int] | None:
    """443 → (443, 443); "1024-65535" → (1024, 65535); None → None (all ports)."""
    if value is None:
        return None
    if isinstance(value, int):
        return value, value
    low, _, high = str(value).partition("-")
    return int(low), int(high or low)


def create_vpc(a: Applier, d: Decl) -> None:
    spec = d.spec
    cidrs = spec.cidr_blocks
    vpc = a.call(d, "create_vpc", cidr_block=cidrs[0], tags=a.tags(d.name, spec.tags),
                 amazon_provided_ipv6_cidr_block=spec.ipv6 == "amazon")
    vpc_id = a.keep(d.name, vpc)
    if vpc_id is None:
        return
    for i, cidr in enumerate(cidrs[1:], start=1):
        a.call(d, "associate_vpc_cidr_block", ("cidrs", i), vpc_id=vpc_id, cidr_block=cidr,
               what=f"{d.label} CIDR {cidr}")
    if spec.dns_hostnames is not None:
        a.call(d, "modify_vpc_attribute", vpc_id=vpc_id, enable_dns_hostnames=spec.dns_hostnames)
    if spec.network_address_usage_metrics is not None:
        a.call(d, "modify_vpc_attribute", ("network_address_usage_metrics",), vpc_id=vpc_id,
               enable_network_address_usage_metrics=spec.network_address_usage_metrics)
    if spec.dhcp_options is not None:
        _create_dhcp_options(a, d, vpc_id, spec.dhcp_options)
    # what AWS made with the VPC gets a name too (a file's own name for it wins, below)
    for rt in a.world.in_vpc(vpc_id, RouteTable):
        if rt.main:
            a.net.add(f"{d.name}/main", rt.id)
    for sg in a.world.in_vpc(vpc_id, SecurityGroup):
        if sg.is_default:
            a.net.add(f"{d.name}/default-sg", sg.id)
    for acl in a.world.in_vpc(vpc_id, NetworkAcl):
        if acl.is_default:
            a.net.add(f"{d.name}/default-acl", acl.id)


def create_subnet(a: Applier, d: Decl) -> None:
    vpc_id = a.id(d.vpc)
    if vpc_id is None:
        return
    spec = d.spec
    zone: dict[str, str] = {}
    if spec.az is not None:
        zone = {"availability_zone_id": spec.az} if "-az" in spec.az else {"availability_zone": spec.az}
    if spec.ipv6 is not None:
        block = subnet_ipv6_block(a, d, vpc_id, spec.ipv6)
        if block is not None:
            zone["ipv6_cidr_block"] = block
    if spec.ipv6_native and "ipv6_cidr_block" not in zone:
        return  # its ipv6 index could not be resolved (a problem is recorded)
    native: dict[str, Any] = {"ipv6_native": True} if spec.ipv6_native else {}
    subnet_id = a.keep(d.name, a.call(d, "create_subnet", vpc_id=vpc_id, cidr_block=spec.cidr,
                                      tags=a.tags(d.name, spec.tags), **zone, **native))
    if subnet_id is None:
        return
    for cidr, rtype in spec.cidr_reservations.items():
        a.call(d, "create_subnet_cidr_reservation", ("cidr_reservations", cidr), subnet_id=subnet_id,
               cidr=cidr, reservation_type=rtype, what=f"subnet CIDR reservation {cidr}")
    # one attribute per ModifySubnetAttribute call, as AWS requires
    for attribute, wanted in (("map_public_ip_on_launch", spec.public),
                              ("assign_ipv6_address_on_creation", spec.assign_ipv6),
                              ("enable_dns64", spec.dns64)):
        if wanted:
            change: dict[str, Any] = {attribute: True}
            a.call(d, "modify_subnet_attribute", subnet_id=subnet_id, **change)


def subnet_ipv6_block(a: Applier, d: Decl, vpc_id: str, ipv6: int | str) -> str | None:
    """A subnet's ``ipv6``: an explicit /64 as written, or the /64 at that index of the VPC's first
    IPv6 block; None (and a problem at the key) when the VPC has no IPv6 block to index."""
    if isinstance(ipv6, str):
        return ipv6
    vpc = a.world.get(vpc_id, Vpc)
    blocks = vpc.ipv6_networks if vpc is not None else ()
    if not blocks:
        a.plan.problem((*d.loc, "ipv6"), f"{d.label}: ipv6: {ipv6} is the index of a /64 in its VPC's IPv6 "
                       f"block, and VPC {d.vpc} has none (give it ipv6: amazon)", key=True)
        return None
    return str(IPv6Network((int(blocks[0].network_address) + (ipv6 << 64), 64)))


def _create_dhcp_options(a: Applier, d: Decl, vpc_id: str, spec: DhcpOptionsSpec) -> None:
    """The VPC's own DHCP options set (``VPC/dhcp-options``), associated with it."""
    name, loc = f"{d.name}/dhcp-options", ("dhcp_options",)
    options = spec.model_dump(exclude_none=True)
    configurations = [{"key": key.replace("_", "-"),
                       "values": [str(v) for v in value] if isinstance(value, list) else [str(value)]}
                      for key, value in options.items()]
    dopt_id = a.keep(name, a.call(d, "create_dhcp_options", loc, dhcp_configurations=configurations,
                                  tags=a.tags(name, {}), what=f"DHCP options set {name}"))
    if dopt_id is not None:
        a.call(d, "associate_dhcp_options", loc, dhcp_options_id=dopt_id, vpc_id=vpc_id,
               what=f"DHCP options set {name}")


def igw_name(d: Decl) -> str:
    return d.spec.internet_gateway if isinstance(d.spec.internet_gateway, str) else f"{d.name}/igw"


def create_internet_gateway(a: Applier, d: Decl) -> None:
    """The VPC's internet gateway, attached, and its egress-only internet gateway (``VPC/eigw``)."""
    vpc_id = a.id(d.name)
    if d.spec.egress_only_internet_gateway and vpc_id is not None:
        name, loc = f"{d.name}/eigw", (*d.loc, "egress_only_internet_gateway")
        a.keep(name, a.call(d, "create_egress_only_internet_gateway", loc, vpc_id=vpc_id,
                            tags=a.tags(name, {}), what=f"egress-only internet gateway {name}"))
    if not d.spec.internet_gateway or vpc_id is None:
        return
    name = igw_name(d)
    loc = (*d.loc, "internet_gateway")
    igw_id = a.keep(name, a.call(d, "create_internet_gateway", loc, tags=a.tags(name, {}),
                                 what=f"internet gateway {name}"))
    if igw_id is not None:
        a.call(d, "attach_internet_gateway", loc, internet_gateway_id=igw_id, vpc_id=vpc_id,
               what=f"internet gateway {name}")


def create_prefix_list(a: Applier, d: Decl) -> None:
    spec = d.spec
    a.keep(d.name, a.call(d, "create_managed_prefix_list", prefix_list_name=d.name,
                          max_entries=spec.max_entries or max(len(spec.entries), 1), address_family="IPv4",
                          entries=[{"cidr": c} for c in spec.entries], tags=a.tags(d.name, spec.tags)))


def allocate_address(a: Applier, d: Decl) -> None:
    a.keep(d.name, a.call(d, "allocate_address", domain="vpc", tags=a.tags(d.name, d.spec.tags)))


# -- security groups and network ACLs ------------------------------------------------------------
def create_security_group(a: Applier, d: Decl) -> None:
    vpc_id = a.id(d.vpc)
    if vpc_id is None:
        return
    spec = d.spec
    if spec.default:
        default = next((sg for sg in a.world.in_vpc(vpc_id, SecurityGroup) if sg.is_default), None)
        if default is not None:
            a.net.add(d.name, default.id)
            if spec.tags:
                a.call(d, "create_tags", resources=[default.id], tags=spec.tags)
        return
    a.keep(d.name, a.call(d, "create_security_group", group_name=d.name, vpc_id=vpc_id,
                          description=spec.description or d.name, tags=a.tags(d.name, spec.tags)))


def permission(a: Applier, rule: Any) -> dict[str, Any] | None:
    """One rule as an EC2 IpPermission (None when a group or prefix list it names failed)."""
    proto = rule_protocol(rule.protocol)
    perm: dict[str, Any] = {"ip_protocol": proto.ip_protocol if proto else str(rule.protocol).lower()}
    rng = ports(rule.port)
    if rng is not None:
        perm["from_port"], perm["to_port"] = rng
    elif proto is not None and proto.has_ports:
        perm["from_port"], perm["to_port"] = 0, 65535
    elif perm["ip_protocol"] in ("icmp", "icmpv6"):
        perm["from_port"], perm["to_port"] = -1, -1
    extra = {"description": rule.description} if rule.description else {}
    if rule.cidr is not None and ":" in rule.cidr:  # an IPv6 CIDR: Ipv6Ranges
        perm["ipv6_ranges"] = [{"cidr_ipv6": rule.cidr, **extra}]
    elif rule.cidr is not None:
        perm["ip_ranges"] = [{"cidr_ip": rule.cidr, **extra}]
    elif rule.prefix_list is not None:
        pl_id = a.id(rule.prefix_list)
        if pl_id is None:
            return None
        perm["prefix_list_ids"] = [{"prefix_list_id": pl_id, **extra}]
    else:
        group_id = a.id(rule.group)
        if group_id is None:
            return None
        group = a.world.get(group_id)
        pair: dict[str, Any] = {"group_id": group_id, **extra}
        if group is not None:
            pair["user_id"] = group.owner_id
        perm["user_id_group_pairs"] = [pair]
    return perm


def authorize_rules(a: Applier, d: Decl, *, remote: bool = False) -> None:
    """The group's rules: those naming a group in another VPC (a peer's) only when ``remote``,
    which runs after peerings are accepted (AWS refuses a peer's group before that)."""
    group_id = a.id(d.name)
    if group_id is None:
        return
    spec = d.spec
    if spec.default and spec.replace_rules and not remote:
        # AWS's default rules of the default group (self ingress, allow-all egress) go first
        sg = a.world.get(group_id, SecurityGroup)
        for direction in ("ingress", "egress"):
            have = [r.security_group_rule_id for r in (getattr(sg, direction) if sg is not None else ())]
            if have:
                a.call(d, f"revoke_security_group_{direction}", group_id=group_id,
                       security_group_rule_ids=have)
    if spec.egress is not None and not spec.default and not remote:
        # the file lists egress: it replaces AWS's default allow-all egress rules (IPv4, and IPv6
        # in a VPC with an IPv6 block)
        sg = a.world.get(group_id, SecurityGroup)
        defaults = [r for r in (sg.egress if sg is not None else ()) if r.ip_protocol == "-1"
                    and r.peer in ("0.0.0.0/0", "::/0")]
        if defaults:
            a.call(d, "revoke_security_group_egress", group_id=group_id,
                   security_group_rule_ids=[r.security_group_rule_id for r in defaults])
    for direction in ("ingress", "egress"):
        for i, rule in enumerate(getattr(spec, direction) or []):
            other = a.plan.decls.get(rule.group) if rule.group is not None else None
            if (other is not None and other.vpc != d.vpc) != remote:
                continue
            perm = permission(a, rule)
            if perm is not None:
                a.call(d, f"authorize_security_group_{direction}", (direction, i), group_id=group_id,
                       ip_permissions=[perm], what=f"{d.label} {direction} rule {i + 1}")


def create_network_acl(a: Applier, d: Decl) -> None:
    vpc_id = a.id(d.vpc)
    if vpc_id is None:
        return
    spec = d.spec
    if spec.default:
        acl_id = next((x.id for x in a.world.in_vpc(vpc_id, NetworkAcl) if x.is_default), None)
        if acl_id is not None:
            a.net.add(d.name, acl_id)
    else:
        acl = a.call(d, "create_network_acl", vpc_id=vpc_id, tags=a.tags(d.name, spec.tags))
        acl_id = a.keep(d.name, acl)
    if acl_id is None:
        return
    if spec.default and spec.replace_rules:
        acl = a.world.get(acl_id, NetworkAcl)
        for e in list(acl.entries if acl is not None else ()):
            if e.rule_number < 32767:  # the catch-all denies stay: AWS keeps them in every ACL
                a.call(d, "delete_network_acl_entry", network_acl_id=acl_id, rule_number=e.rule_number,
                       egress=e.egress)
    for direction in ("ingress", "egress"):
        for number, rule in getattr(spec, direction).items():
            params: dict[str, Any] = {
                "network_acl_id": acl_id, "rule_number": number, "egress": direction == "egress",
                "protocol": p.acl_protocol if (p := rule_protocol(rule.protocol)) else str(rule.protocol),
                "rule_action": rule.action,
                # a CIDR with a colon is IPv6 (Ipv6CidrBlock)
                ("ipv6_cidr_block" if ":" in rule.cidr else "cidr_block"): rule.cidr}
            rng = ports(rule.port)
            if rng is not None:
                params["port_range"] = {"from": rng[0], "to": rng[1]}
            if rule.icmp_type is not None or rule.icmp_code is not None:
                params["icmp_type_code"] = {"type": rule.icmp_type if rule.icmp_type is not None else -1,
                                            "code": rule.icmp_code if rule.icmp_code is not None else -1}
            a.call(d, "create_network_acl_entry", (direction, number), **params,
                   what=f"{d.label} {direction} rule {number}")
    for i, subnet in enumerate(spec.subnets):
        subnet_id = a.id(subnet)
        current = next(((acl, x) for acl in a.world.in_vpc(vpc_id, NetworkAcl) for x in acl.associations
                        if x.subnet_id == subnet_id), None)
        if subnet_id is None or current is None or current[0].id == acl_id:
            continue
        a.call(d, "replace_network_acl_association", ("subnets", i),
               association_id=current[1].network_acl_association_id, network_acl_id=acl_id)


# -- route tables ---------------------------------------------------------------------------------
def create_route_table(a: Applier, d: Decl) -> None:
    vpc_id = a.id(d.vpc)
    if vpc_id is None:
        return
    spec = d.spec
    if spec.main:
        rt_id = a.id(f"{d.vpc}/main")
        if rt_id is not None:
            a.net.add(d.name, rt_id)
            a.call(d, "create_tags", resources=[rt_id], tags=a.tags(d.name, spec.tags))
    else:
        rt_id = a.keep(d.name, a.call(d, "create_route_table", vpc_id=vpc_id, tags=a.tags(d.name, spec.tags)))
    if rt_id is None:
        return
    for i, subnet in enumerate(spec.subnets):
        subnet_id = a.id(subnet)
        if subnet_id is not None:
            a.call(d, "associate_route_table", ("subnets", i), route_table_id=rt_id, subnet_id=subnet_id)


def route_target(a: Applier, d: Decl, target: str) -> dict[str, str] | None:
    """``igw``/``vgw``/``nat:N``/… as CreateRoute's target parameter (None when the target failed)."""
    kind, _, name = target.partition(":")
    if target == "igw":
        vpc = a.plan.decls[d.vpc or ""]
        gw = a.id(igw_name(vpc))
        return {"gateway_id": gw} if gw else None
    if target == "eigw":
        eigw = a.id(f"{d.vpc}/eigw")
        return {"egress_only_internet_gateway_id": eigw} if eigw else None
    if target == "vgw":
        vgw = next((g.name for g in a.plan.of("vpn_gateway") if g.spec.vpc == d.vpc), None)
        gw = a.id(vgw)
        return {"gateway_id": gw} if gw else None
    rid = a.id(name)
    return {YAML_TARGETS[kind].field: rid} if rid else None


def create_routes(a: Applier, d: Decl) -> None:
    rt_id = a.id(d.name)
    if rt_id is None:
        return
    for dest, target in d.spec.routes.items():
        to = route_target(a, d, target)
        if dest.startswith("pl:"):
            pl = a.id(dest[3:])
            where = {"destination_prefix_list_id": pl} if pl else None
        elif ":" in dest:  # an IPv6 destination ("::/0": eigw)
            where = {"destination_ipv6_cidr_block": dest}
        else:
            where = {"destination_cidr_block": dest}
        if to is not None and where is not None:
            a.call(d, "create_route", ("routes", dest), route_table_id=rt_id, **where, **to,
                   what=f"{d.label} route {dest} → {target}")
    if d.spec.edge is not None:  # after the routes: an edge table holds only middlebox routes
        gw = route_target(a, d, d.spec.edge)
        if gw is not None:
            a.call(d, "associate_route_table", ("edge",), route_table_id=rt_id, gateway_id=gw["gateway_id"],
                   what=f"{d.label} edge association with {d.spec.edge}")
    if d.spec.propagate_vgw:
        vgw = next((g.name for g in a.plan.of("vpn_gateway") if g.spec.vpc == d.vpc), None)
        if vgw is None:
            a.plan.problem((*d.loc, "propagate_vgw"),
                           f"{d.label}: propagate_vgw needs a VPN gateway attached to VPC {d.vpc} "
                           "(add one under vpn_gateways:)")
        elif a.id(vgw) is not None:
            a.call(d, "enable_vgw_route_propagation", ("propagate_vgw",), gateway_id=a.id(vgw),
                   route_table_id=rt_id)


# -- NAT gateways, interfaces, instances ---------------------------------------------------------------
def create_nat_gateway(a: Applier, d: Decl) -> None:
    subnet_id = a.id(d.spec.subnet)
    if subnet_id is None:
        return
    spec = d.spec
    params: dict[str, Any] = {"subnet_id": subnet_id, "connectivity_type": spec.connectivity,
                              "tags": a.tags(d.name, spec.tags)}
    if spec.private_ip:
        params["private_ip_address"] = spec.private_ip
    if spec.connectivity == "public":
        eip = f"{d.name}/eip"
        alloc = a.keep(eip, a.call(d, "allocate_address", domain="vpc", tags=a.tags(eip, {})))
        if alloc is None:
            return
        params["allocation_id"] = alloc
    a.keep(d.name, a.call(d, "create_nat_gateway", **params))


def create_network_interface(a: Applier, d: Decl) -> None:
    spec = d.spec
    subnet_id, groups = a.id(spec.subnet), a.ids(spec.groups)
    if subnet_id is None or groups is None:
        return
    params: dict[str, Any] = {"subnet_id": subnet_id, "tags": a.tags(d.name, spec.tags)}
    if groups:
        params["groups"] = groups
    if spec.private_ip:
        params["private_ip_address"] = spec.private_ip
    if spec.description:
        params["description"] = spec.description
    params.update(ipv6_params(spec.ipv6))
    eni_id = a.keep(d.name, a.call(d, "create_network_interface", **params))
    if eni_id is None:
        return
    if not spec.source_dest_check:
        a.call(d, "modify_network_interface_attribute", network_interface_id=eni_id, source_dest_check=False)
    associate_elastic_ip(a, d, eni_id)


def ipv6_params(ipv6: int | list[str] | None) -> dict[str, Any]:
    """An interface's ``ipv6`` (a count or the addresses) as CreateNetworkInterface/RunInstances take it."""
    if ipv6 is None:
        return {}
    if isinstance(ipv6, int):
        return {"ipv6_address_count": ipv6}
    return {"ipv6_addresses": [{"ipv6_address": address} for address in ipv6]}


def associate_elastic_ip(a: Applier, d: Decl, eni_id: str) -> None:
    alloc = a.id(d.spec.elastic_ip)
    if alloc is not None:
        a.call(d, "associate_address", ("elastic_ip",), allocation_id=alloc, network_interface_id=eni_id)


def run_instance(a: Applier, d: Decl) -> None:
    spec = d.spec
    subnet_id, groups = a.id(spec.subnet), a.ids(spec.groups)
    if subnet_id is None or groups is None:
        return
    image = image_id(a, d)
    if image is None:
        return
    params: dict[str, Any] = {"image_id": image, "instance_type": spec.type, "min_count": 1,
                              "max_count": 1, "tags": a.tags(d.name, spec.tags)}
    nic: dict[str, Any] = {"device_index": 0, "subnet_id": subnet_id}
    if groups:
        nic["groups"] = groups
    if spec.private_ip:
        nic["private_ip_address"] = spec.private_ip
    if spec.public_ip is not None:
        nic["associate_public_ip_address"] = spec.public_ip
    nic.update(ipv6_params(spec.ipv6))
    params["network_interfaces"] = [nic]
    result = a.call(d, "run_instances", **params)
    instance = _first_instance(result)
    if instance is None:
        return
    a.keep(d.name, instance)
    eni_id = instance.network_interface_ids[0] if instance.network_interface_ids else None
    if eni_id:
        a.net.add(f"{d.name}/eni", eni_id)
    if not spec.source_dest_check:
        a.call(d, "modify_instance_attribute", instance_id=instance.id, source_dest_check=False)
    if eni_id:
        associate_elastic_ip(a, d, eni_id)


def image_id(a: Applier, d: Decl) -> str | None:
    """``ami-…`` as given, or the Region's catalogue image whose name starts with the given word."""
    from ..model.images import image_named, images

    if d.spec.image.startswith("ami-"):
        return str(d.spec.image)
    try:
        return image_named(d.region, d.spec.image).image_id
    except (KeyError, LookupError, ValueError):
        names = sorted({i.name.split("-")[0].split("/")[0] for i in images(d.region)})
        a.plan.problem((*d.loc, "image"), f"{d.label}: unknown image '{d.spec.image}': expected an ami- id "
                                           f"or a name prefix such as {', '.join(names)}")
        return None


def _first_instance(result: Any) -> Any:
    if result is None:
        return None
    if hasattr(result, "network_interface_ids"):
        return result
    for attr in ("instances",):
        if hasattr(result, attr):
            return getattr(result, attr)[0]
    if isinstance(result, list | tuple) and result:
        return result[0]
    return None
