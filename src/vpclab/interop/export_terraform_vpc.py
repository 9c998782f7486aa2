"""Terraform blocks for what lives in a VPC: subnets, gateways, security groups, ACLs, route tables,
NAT gateways, interfaces, instances, Elastic IPs, endpoints (see export_terraform)."""

from __future__ import annotations

from ipaddress import IPv4Network, ip_network
from typing import TYPE_CHECKING, Any

from ..model.dhcp_options import DhcpOptions
from ..model.endpoints import VpcEndpoint, VpcEndpointService
from ..model.gateways import EgressOnlyInternetGateway, InternetGateway, NatGateway
from ..model.interfaces import Instance, NetworkInterface
from ..model.network_acl import NetworkAcl
from ..model.route_table import RouteTable
from ..model.security_group import SecurityGroup, SecurityGroupRule
from ..model.subnet import Subnet, SubnetCidrReservation
from ..model.vpc import Vpc
from .export_hcl import Expr
from .export_terraform import primary_interface, standalone_addresses

if TYPE_CHECKING:
    from .export_terraform import TerraformWriter

_ACL_PROTOCOLS = {"-1": "-1", "6": "tcp", "17": "udp", "1": "icmp", "58": "58"}


def _sorted(w: TerraformWriter, items: Any) -> list[Any]:
    return sorted(items, key=lambda r: (w.names(r.id), r.id))


def write_vpcs(w: TerraformWriter) -> None:
    vpcs = [v for v in _sorted(w, w.world.all(Vpc)) if not (v.is_default and not w.names.given(v.id))]
    for vpc in vpcs:
        _vpc(w, vpc)
    for vpc in vpcs:  # rules last: they may name any VPC's groups
        for sg in _sorted(w, w.world.in_vpc(vpc.id, SecurityGroup)):
            _rules(w, sg, vpc)


def _vpc(w: TerraformWriter, vpc: Vpc) -> None:
    n, world, group = w.names, w.world, w.names(vpc.id)
    cidrs = list(vpc.cidr_blocks)
    vpc_ref = Expr(
        w.add(
            "aws_vpc",
            group,
            {
                "cidr_block": cidrs[0],
                "assign_generated_ipv6_cidr_block": True if vpc.ipv6_cidr_blocks else None,
                "enable_dns_hostnames": True if vpc.enable_dns_hostnames else None,
            },
            res=vpc,
            group=group,
            tag_name=group,
        )
        + ".id"
    )
    secondary: dict[str, str] = {}
    for i, cidr in enumerate(cidrs[1:], start=2):
        secondary[cidr] = w.add(
            "aws_vpc_ipv4_cidr_block_association",
            f"{group}_cidr_{i}",
            {"vpc_id": vpc_ref, "cidr_block": cidr},
            owner=(vpc.owner_id, vpc.region),
            group=group,
        )
    for s in _sorted(w, world.in_vpc(vpc.id, Subnet)):
        attrs: dict[str, Any] = {
            "vpc_id": vpc_ref,
            "cidr_block": s.cidr_block,
            "availability_zone": s.availability_zone,
        }
        if s.ipv6_cidr_block and vpc.ipv6_cidr_blocks:
            v6, parent = ip_network(s.ipv6_cidr_block), ip_network(vpc.ipv6_cidr_blocks[0])
            index = (int(v6.network_address) - int(parent.network_address)) >> 64
            attrs["ipv6_cidr_block"] = Expr(f"cidrsubnet({w.addresses[vpc.id]}.ipv6_cidr_block, 8, {index})")
            attrs["ipv6_native"] = True if s.cidr_block is None else None
        attrs["map_public_ip_on_launch"] = True if s.map_public_ip_on_launch else None
        attrs["assign_ipv6_address_on_creation"] = True if s.assign_ipv6_address_on_creation else None
        attrs["enable_dns64"] = True if s.enable_dns64 else None
        inside = [
            a
            for c, a in secondary.items()
            if s.cidr_block and IPv4Network(s.cidr_block).subnet_of(IPv4Network(c))
        ]
        if inside:
            attrs["depends_on"] = [Expr(a) for a in inside]
        subnet = w.add("aws_subnet", n(s.id), attrs, res=s, group=group, tag_name=n(s.id))
        for r in sorted(world.all(SubnetCidrReservation), key=lambda r: r.cidr):
            if r.subnet_id == s.id:
                w.add(
                    "aws_ec2_subnet_cidr_reservation",
                    f"{n(s.id)}-{r.cidr}",
                    {
                        "subnet_id": Expr(f"{subnet}.id"),
                        "cidr_block": r.cidr,
                        "reservation_type": r.reservation_type,
                        "description": r.description or None,
                    },
                    owner=(s.owner_id, s.region),
                    group=group,
                )
    _dhcp_options(w, vpc, vpc_ref)
    for igw in _sorted(w, (g for g in world.all(InternetGateway) if g.vpc_id == vpc.id)):
        name = n(igw.id) if w.names.given(igw.id) else f"{group}-igw"
        w.add("aws_internet_gateway", name, {"vpc_id": vpc_ref}, res=igw, group=group, tag_name=name)
    for eigw in _sorted(w, (g for g in world.all(EgressOnlyInternetGateway) if g.vpc_id == vpc.id)):
        name = f"{group}-eigw"
        w.add(
            "aws_egress_only_internet_gateway",
            name,
            {"vpc_id": vpc_ref},
            res=eigw,
            group=group,
            tag_name=name,
        )
    for sg in _sorted(w, world.in_vpc(vpc.id, SecurityGroup)):
        if sg.is_default:
            w.addresses[sg.id] = f"{w.addresses[vpc.id]}"  # referenced as the VPC's default_security_group_id
            continue
        w.add(
            "aws_security_group",
            n(sg.id),
            {"name": sg.group_name, "description": sg.description, "vpc_id": vpc_ref},
            res=sg,
            group=group,
            tag_name=n(sg.id),
        )
    for acl in _sorted(w, world.in_vpc(vpc.id, NetworkAcl)):
        _acl(w, acl, vpc, vpc_ref)
    for rt in _sorted(w, world.in_vpc(vpc.id, RouteTable)):
        _route_table(w, rt, vpc)
    for nat in _sorted(w, world.in_vpc(vpc.id, NatGateway)):
        if nat.state not in ("available", "pending"):
            continue
        attrs = {
            "subnet_id": w.ref(nat.subnet_id),
            "connectivity_type": None if nat.connectivity_type == "public" else nat.connectivity_type,
            "private_ip": nat.private_ip or None,
        }
        if nat.connectivity_type == "public":
            eip = w.add(
                "aws_eip",
                f"{n(nat.id)}-eip",
                {"domain": "vpc"},
                res=None,
                owner=(nat.owner_id, nat.region),
                group=group,
            )
            attrs = {"allocation_id": Expr(f"{eip}.id"), **attrs}
        w.add("aws_nat_gateway", n(nat.id), attrs, res=nat, group=group, tag_name=n(nat.id))


def _dhcp_options(w: TerraformWriter, vpc: Vpc, vpc_ref: Expr) -> None:
    dopt = w.world.get(vpc.dhcp_options_id, DhcpOptions) if vpc.dhcp_options_id != "default" else None
    if dopt is None or dopt.is_default:
        return
    group = w.names(vpc.id)
    attrs: dict[str, Any] = {}
    for c in dopt.dhcp_configurations:
        key = c.key.replace("-", "_")
        if key == "domain_name" or key in ("netbios_node_type", "ipv6_address_preferred_lease_time"):
            attrs[key] = c.values[0]
        else:
            attrs[key] = list(c.values)
    options = w.add(
        "aws_vpc_dhcp_options",
        f"{group}-dhcp-options",
        attrs,
        res=dopt,
        group=group,
        tag_name=f"{group}-dhcp-options",
    )
    w.add(
        "aws_vpc_dhcp_options_association",
        group,
        {"vpc_id": vpc_ref, "dhcp_options_id": Expr(f"{options}.id")},
        owner=(vpc.owner_id, vpc.region),
        group=group,
    )


def sg_ref(w: TerraformWriter, sg_id: str) -> Expr | None:
    sg = w.world.get(sg_id, SecurityGroup)
    if sg is not None and sg.is_default:
        return Expr(f"{w.addresses.get(sg.vpc_id, '')}.default_security_group_id")
    return w.ref(sg_id)


def _rules(w: TerraformWriter, sg: SecurityGroup, vpc: Vpc) -> None:
    group = w.names(vpc.id)
    name = w.names(sg.id) if not sg.is_default else f"{group}-default-sg"
    for direction, rules in (("ingress", sg.ingress), ("egress", sg.egress)):
        for i, r in enumerate(rules, start=1):
            if sg.is_default and _aws_default_rule(r, sg, vpc):
                continue
            attrs: dict[str, Any] = {"security_group_id": sg_ref(w, sg.id), **rule_attrs(w, r)}
            w.add(
                f"aws_vpc_security_group_{direction}_rule",
                f"{name}-{direction}-{i}",
                attrs,
                res=None,
                owner=(sg.owner_id, sg.region),
                group=group,
            )


def _aws_default_rule(r: SecurityGroupRule, sg: SecurityGroup, vpc: Vpc) -> bool:
    if r.is_egress:
        return r.ip_protocol == "-1" and r.peer in ("0.0.0.0/0", "::/0")
    return r.ip_protocol == "-1" and r.referenced_group_id == sg.id


def rule_attrs(w: TerraformWriter, r: SecurityGroupRule) -> dict[str, Any]:
    attrs: dict[str, Any] = {"ip_protocol": r.ip_protocol}
    if r.ip_protocol != "-1":
        attrs["from_port"], attrs["to_port"] = r.from_port, r.to_port
    if r.cidr_ipv4:
        attrs["cidr_ipv4"] = r.cidr_ipv4
    elif r.cidr_ipv6:
        attrs["cidr_ipv6"] = r.cidr_ipv6
    elif r.prefix_list_id:
        attrs["prefix_list_id"] = w.ref(r.prefix_list_id) or r.prefix_list_id
    elif r.referenced_group_id:
        attrs["referenced_security_group_id"] = sg_ref(w, r.referenced_group_id) or r.referenced_group_id
    attrs["description"] = r.description or None
    return attrs


def _acl(w: TerraformWriter, acl: NetworkAcl, vpc: Vpc, vpc_ref: Expr) -> None:
    group = w.names(vpc.id)
    if acl.is_default:
        from .export_yaml_vpc import _default_acl_entries

        if not (_default_acl_entries(acl, False, vpc) and _default_acl_entries(acl, True, vpc)):
            w.notes.append(
                f"the default network ACL of {group} has rules of its own: not written "
                "(aws_default_network_acl would take the ACL over)"
            )
        return
    name = w.names(acl.id)
    subnets = [w.ref(a.subnet_id) for a in acl.associations]
    address = w.add(
        "aws_network_acl",
        name,
        {"vpc_id": vpc_ref, "subnet_ids": subnets or None},
        res=acl,
        group=group,
        tag_name=name,
    )
    for e in acl.entries:
        if e.rule_number >= 32767:
            continue
        proto = _ACL_PROTOCOLS.get(e.protocol, e.protocol)
        attrs: dict[str, Any] = {
            "network_acl_id": Expr(f"{address}.id"),
            "rule_number": e.rule_number,
            "egress": e.egress,
            "protocol": proto,
            "rule_action": e.rule_action,
            "cidr_block": e.cidr_block,
            "ipv6_cidr_block": e.ipv6_cidr_block,
        }
        if e.port_from is not None:
            attrs["from_port"], attrs["to_port"] = e.port_from, e.port_to
        if e.icmp_type is not None:
            attrs["icmp_type"], attrs["icmp_code"] = e.icmp_type, e.icmp_code
        w.add(
            "aws_network_acl_rule",
            f"{name}-{'egress' if e.egress else 'ingress'}-{e.rule_number}",
            attrs,
            res=None,
            owner=(acl.owner_id, acl.region),
            group=group,
        )


def _route_table(w: TerraformWriter, rt: RouteTable, vpc: Vpc) -> None:
    group, name = w.names(vpc.id), w.names(rt.id)
    main = any(a.main for a in rt.associations)
    subnets = [a.subnet_id for a in rt.associations if a.subnet_id and a.state == "associated"]
    routes = [r for r in rt.routes if r.origin == "CreateRoute" and r.gateway_id != "local"]
    if main:
        if not (w.names.given(rt.id) or subnets or routes or rt.propagating_vgws):
            w.addresses[rt.id] = f"{w.addresses[vpc.id]}"  # the VPC's own main table
            return
        label = name if w.names.given(rt.id) else f"{group}-main"
        w.add(
            "aws_default_route_table",
            label,
            {"default_route_table_id": Expr(f"{w.addresses[vpc.id]}.default_route_table_id")},
            res=rt,
            group=group,
            tag_name=label,
        )
    else:
        w.add(
            "aws_route_table",
            name,
            {"vpc_id": Expr(f"{w.addresses[vpc.id]}.id")},
            res=rt,
            group=group,
            tag_name=name,
        )
    for sid in sorted(subnets, key=w.names):
        w.add(
            "aws_route_table_association",
            w.names(sid),
            {"subnet_id": w.ref(sid), "route_table_id": w.ref(rt.id)},
            owner=(rt.owner_id, rt.region),
            group=group,
        )


def write_hosts(w: TerraformWriter) -> None:
    """Interfaces, instances, Elastic IPs and their associations."""
    n, world = w.names, w.world
    for vpc in _sorted(w, world.all(Vpc)):
        if vpc.id not in w.addresses:
            continue
        group = n(vpc.id)
        default = next((g.id for g in world.in_vpc(vpc.id, SecurityGroup) if g.is_default), None)
        for eni in _sorted(w, world.in_vpc(vpc.id, NetworkInterface)):
            if eni.interface_type != "interface" or eni.requester_managed or eni.instance_id is not None:
                continue
            w.add(
                "aws_network_interface",
                n(eni.id),
                {
                    "subnet_id": w.ref(eni.subnet_id),
                    "private_ips": [eni.private_ip_address],
                    "security_groups": [sg_ref(w, g) for g in eni.groups]
                    if list(eni.groups) != [default]
                    else None,
                    "source_dest_check": False if not eni.source_dest_check else None,
                    "description": eni.description or None,
                    # a count, not the lab's addresses: AWS assigns them from the VPC's real /56
                    "ipv6_address_count": len(eni.ipv6_addresses) or None,
                },
                res=eni,
                group=group,
                tag_name=n(eni.id),
            )
        for inst in _sorted(w, world.in_vpc(vpc.id, Instance)):
            if inst.state in ("terminated", "shutting-down"):
                continue
            eni = primary_interface(world, inst)
            groups = list(eni.groups) if eni is not None else []
            subnet = world.get(inst.subnet_id, Subnet)
            public = bool(eni.public_ip) if eni is not None else bool(inst.public_ip_address)
            w.add(
                "aws_instance",
                n(inst.id),
                {
                    "ami": w.ami(inst.owner_id, inst.region),
                    "instance_type": inst.instance_type,
                    "subnet_id": w.ref(inst.subnet_id),
                    "private_ip": inst.private_ip_address or None,
                    "vpc_security_group_ids": [sg_ref(w, g) for g in groups] if groups != [default] else None,
                    "associate_public_ip_address": public
                    if subnet is not None
                    and public != subnet.map_public_ip_on_launch
                    and not _has_eip(world, eni)
                    else None,
                    "source_dest_check": False if not inst.source_dest_check else None,
                    "ipv6_address_count": len(eni.ipv6_addresses)
                    if eni is not None and eni.ipv6_addresses
                    else None,
                },
                res=inst,
                group=group,
                tag_name=n(inst.id),
            )
    for eip in sorted(standalone_addresses(world), key=lambda a: n(a.id)):
        address = w.add("aws_eip", n(eip.id), {"domain": "vpc"}, res=eip, tag_name=n(eip.id))
        if eip.network_interface_id:
            eni = world.get(eip.network_interface_id, NetworkInterface)
            target = (
                {"instance_id": w.ref(eni.instance_id)}
                if eni is not None and eni.instance_id
                else {"network_interface_id": w.ref(eip.network_interface_id)}
            )
            w.add(
                "aws_eip_association",
                n(eip.id),
                {"allocation_id": Expr(f"{address}.id"), **target},
                owner=(eip.owner_id, eip.region),
            )


def write_endpoints(w: TerraformWriter) -> None:
    """VPC endpoints (after the endpoint services they name)."""
    for vpc in _sorted(w, w.world.all(Vpc)):
        if vpc.id not in w.addresses:
            continue
        for ep in _sorted(w, w.world.in_vpc(vpc.id, VpcEndpoint)):
            if ep.state not in ("deleted", "deleting", "rejected", "failed"):
                _endpoint(w, ep, w.names(vpc.id))


def _has_eip(world: Any, eni: NetworkInterface | None) -> bool:
    return eni is not None and any(a.network_interface_id == eni.id for a in standalone_addresses(world))


def _endpoint(w: TerraformWriter, ep: VpcEndpoint, group: str) -> None:
    service = next((s for s in w.world.all(VpcEndpointService) if s.service_name == ep.service_name), None)
    kind = {"gateway": "Gateway", "interface": "Interface"}.get(
        ep.vpc_endpoint_type.lower(), "GatewayLoadBalancer"
    )
    service_name: Any = ep.service_name
    if service is not None and service.id in w.addresses:
        service_name = Expr(f"{w.addresses[service.id]}.service_name")
    address = w.add(
        "aws_vpc_endpoint",
        w.names(ep.id),
        {
            "vpc_id": w.ref(ep.vpc_id),
            "service_name": service_name,
            "vpc_endpoint_type": kind,
            "route_table_ids": [_rt_ref(w, r) for r in ep.route_table_ids] or None,
            "subnet_ids": [w.ref(s) for s in ep.subnet_ids] or None,
            "security_group_ids": [sg_ref(w, g) for g in ep.groups] or None,
            "private_dns_enabled": True if ep.private_dns_enabled else None,
            "ip_address_type": ep.ip_address_type if ep.ip_address_type != "ipv4" else None,
        },
        res=ep,
        group=group,
        tag_name=w.names(ep.id),
    )
    if (
        service is not None
        and service.id in w.addresses
        and service.acceptance_required
        and ep.state == "available"
    ):
        # the service's owner accepts the connection (AWS: acceptance required)
        w.add(
            "aws_vpc_endpoint_connection_accepter",
            w.names(ep.id),
            {"vpc_endpoint_service_id": w.ref(service.id), "vpc_endpoint_id": Expr(f"{address}.id")},
            owner=(service.owner_id, service.region),
            group=group,
        )


def _rt_ref(w: TerraformWriter, rt_id: str) -> Expr | None:
    address = w.addresses.get(rt_id)
    if address is not None and address.startswith("aws_vpc."):
        return Expr(f"{address}.main_route_table_id")
    return w.ref(rt_id)
