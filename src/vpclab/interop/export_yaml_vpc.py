"""A VPC and what lives in it, as a topology file's ``vpcs.NAME`` entry (docs/yaml.md)."""

from __future__ import annotations

from ipaddress import ip_network
from typing import Any

from ..model.dhcp_options import DhcpOptions
from ..model.endpoints import VpcEndpoint, VpcEndpointService
from ..model.gateways import Address, EgressOnlyInternetGateway, InternetGateway, NatGateway
from ..model.interfaces import Instance, NetworkInterface
from ..model.network_acl import NetworkAcl, NetworkAclEntry
from ..model.route_table import ROUTE_TARGETS, Route, RouteTable
from ..model.security_group import SecurityGroup, SecurityGroupRule
from ..model.subnet import Subnet, SubnetCidrReservation
from ..model.vpc import Vpc
from ..model.vpn import VpnGateway
from .export_names import Names

#: NACL protocol numbers → the topology's spelling
_ACL_PROTOCOLS = {"-1": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
#: the tags a topology writes itself (from a resource's name or a spec field)
LAB_TAGS = frozenset({"Name", "vpclab:on-premises-cidrs"})


def tags(res: Any) -> dict[str, str]:
    return {k: v for k, v in sorted(res.tags.items()) if k not in LAB_TAGS}


class VpcWriter:
    """Writes one VPC's entry; ``owner`` is the account reference for a resource's owner id, and
    ``notes`` collects what could not be written."""

    def __init__(self, names: Names, account_ref: Any, notes: list[str]) -> None:
        self.names, self.account_ref, self.notes = names, account_ref, notes
        self.world = names.net.world
        self.referenced = _referenced_groups(self.world)

    def owned(self, res: Any, vpc: Vpc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if res.owner_id != vpc.owner_id:
            out["account"] = self.account_ref(res.owner_id)
        if t := tags(res):
            out["tags"] = t
        return out

    def vpc(self, vpc: Vpc) -> dict[str, Any]:
        n, w = self.names, self.world
        cidrs = list(vpc.cidr_blocks)
        spec: dict[str, Any] = {"cidr": cidrs[0]} if len(cidrs) == 1 else {"cidrs": cidrs}
        if vpc.ipv6_cidr_blocks:
            spec["ipv6"] = "amazon"
        if vpc.enable_dns_hostnames:
            spec["dns_hostnames"] = True
        if vpc.enable_network_address_usage_metrics:
            spec["network_address_usage_metrics"] = True
        if (dhcp := self.dhcp_options(vpc)) is not None:
            spec["dhcp_options"] = dhcp
        igw = next((g for g in w.all(InternetGateway) if g.vpc_id == vpc.id), None)
        if igw is not None:
            given = n.net.names.get(igw.id)
            spec["internet_gateway"] = True if given in (None, f"{n(vpc.id)}/igw") else n(igw.id)
        if any(g.vpc_id == vpc.id for g in w.all(EgressOnlyInternetGateway)):
            spec["egress_only_internet_gateway"] = True
        sections: dict[str, dict[str, Any]] = {
            "subnets": {n(s.id): self.subnet(s, vpc) for s in _sorted(w.in_vpc(vpc.id, Subnet), n)},
            "route_tables": {},
            "security_groups": {},
            "network_acls": {},
            "nat_gateways": {},
            "network_interfaces": {},
            "instances": {},
            "endpoints": {},
        }
        for rt in _sorted(w.in_vpc(vpc.id, RouteTable), n):
            if (entry := self.route_table(rt, vpc)) is not None:
                sections["route_tables"][n(rt.id)] = entry
        for sg in _sorted(w.in_vpc(vpc.id, SecurityGroup), n):
            if (entry := self.security_group(sg, vpc)) is not None:
                sections["security_groups"][n(sg.id)] = entry
        for acl in _sorted(w.in_vpc(vpc.id, NetworkAcl), n):
            if (entry := self.network_acl(acl, vpc)) is not None:
                sections["network_acls"][n(acl.id)] = entry
        for nat in _sorted(w.in_vpc(vpc.id, NatGateway), n):
            if nat.state in ("available", "pending"):
                sections["nat_gateways"][n(nat.id)] = self.nat_gateway(nat, vpc)
        for eni in _sorted(w.in_vpc(vpc.id, NetworkInterface), n):
            if eni.interface_type == "interface" and not eni.requester_managed and eni.instance_id is None:
                sections["network_interfaces"][n(eni.id)] = self.interface(eni, vpc)
        for inst in _sorted(w.in_vpc(vpc.id, Instance), n):
            if inst.state not in ("terminated", "shutting-down"):
                sections["instances"][n(inst.id)] = self.instance(inst, vpc)
        for ep in _sorted(w.in_vpc(vpc.id, VpcEndpoint), n):
            if ep.state not in ("deleted", "deleting", "rejected", "failed"):
                sections["endpoints"][n(ep.id)] = self.endpoint(ep, vpc)
        spec.update({k: v for k, v in sections.items() if v})
        return spec

    def dhcp_options(self, vpc: Vpc) -> dict[str, Any] | None:
        """The VPC's own DHCP options set (none for the Region's default set)."""
        dopt = self.world.get(vpc.dhcp_options_id, DhcpOptions) if vpc.dhcp_options_id != "default" else None
        if dopt is None or dopt.is_default:
            return None
        spec: dict[str, Any] = {}
        for c in dopt.dhcp_configurations:
            key = c.key.replace("-", "_")
            if key in ("netbios_node_type", "ipv6_address_preferred_lease_time"):
                spec[key] = int(c.values[0])
            elif key == "domain_name":
                spec[key] = c.values[0]
            else:
                spec[key] = list(c.values)
        return spec

    # -- subnets and routing -------------------------------------------------------------------
    def subnet(self, s: Subnet, vpc: Vpc) -> dict[str, Any]:
        spec: dict[str, Any] = {}
        if s.cidr_block:
            spec["cidr"] = s.cidr_block
        spec["az"] = s.availability_zone
        if s.map_public_ip_on_launch:
            spec["public"] = True
        block = s.ipv6_cidr_block
        if block and vpc.ipv6_cidr_blocks:
            v6, parent = ip_network(block), ip_network(vpc.ipv6_cidr_blocks[0])
            index = (int(v6.network_address) - int(parent.network_address)) >> 64
            spec["ipv6"] = index if 0 <= index <= 255 else block
        if s.assign_ipv6_address_on_creation:
            spec["assign_ipv6"] = True
        if s.enable_dns64:
            spec["dns64"] = True
        reservations = {
            r.cidr: r.reservation_type
            for r in sorted(self.world.all(SubnetCidrReservation), key=lambda r: r.cidr)
            if r.subnet_id == s.id
        }
        if reservations:
            spec["cidr_reservations"] = reservations
        spec.update(self.owned(s, vpc))
        return spec

    def route_table(self, rt: RouteTable, vpc: Vpc) -> dict[str, Any] | None:
        n = self.names
        main = any(a.main for a in rt.associations)
        spec: dict[str, Any] = {}
        if main:
            spec["main"] = True
        subnets = [n(a.subnet_id) for a in rt.associations if a.subnet_id and a.state == "associated"]
        if subnets:
            spec["subnets"] = sorted(subnets)
        routes = {}
        for r in rt.routes:
            if (pair := self.route(r, rt)) is not None:
                routes[pair[0]] = pair[1]
        if routes:
            spec["routes"] = routes
        if rt.propagating_vgws:
            spec["propagate_vgw"] = True
        edge = next((a.gateway_id for a in rt.associations if a.gateway_id and a.state == "associated"), None)
        if edge is not None:
            spec["edge"] = "igw" if edge.startswith("igw-") else "vgw"
        spec.update(self.owned(rt, vpc))
        if main and not n.given(rt.id) and spec == {"main": True}:
            return None  # the VPC's own main table, untouched: the VPC makes it again
        return spec

    def route(self, r: Route, rt: RouteTable) -> tuple[str, str] | None:
        if r.origin != "CreateRoute" or r.gateway_id == "local":
            return None  # local routes, propagated routes, a gateway endpoint's routes come by themselves
        if r.gateway_id and r.gateway_id.startswith("vpce-"):
            return None
        if r.destination_prefix_list_id:
            dest = f"pl:{self.names(r.destination_prefix_list_id)}"
        else:
            dest = r.destination_cidr_block or r.destination_ipv6_cidr_block or ""
        for t in sorted(ROUTE_TARGETS, key=lambda t: t.field != "instance_id"):  # an instance's, by name
            rid = getattr(r, t.field)
            if not rid:
                continue
            if rid not in self.world:
                self.notes.append(
                    f"route table {self.names(rt.id)}: route {dest} → {rid} left out: its "
                    "target is gone (a blackhole route)"
                )
                return None
            if rid.startswith("igw-"):
                return dest, "igw"
            if rid.startswith("vgw-"):
                return dest, "vgw"
            if rid.startswith("eigw-"):
                return dest, "eigw"
            eni = self.world.get(rid, NetworkInterface) if t.yaml == "eni" else None
            if eni is not None and eni.instance_id and eni.device_index == 0:
                return dest, f"instance:{self.names(eni.instance_id)}"
            if t.yaml:
                return dest, f"{t.yaml}:{self.names(rid)}"
        self.notes.append(
            f"route table {self.names(rt.id)}: route {dest} left out: its target is not one "
            "a topology file can name"
        )
        return None

    # -- security groups and network ACLs --------------------------------------------------------
    def security_group(self, sg: SecurityGroup, vpc: Vpc) -> dict[str, Any] | None:
        spec: dict[str, Any] = {}
        if sg.is_default:
            spec["default"] = True
            ingress = [r for r in sg.ingress if r.referenced_group_id != sg.id]
        else:
            if sg.description and sg.description != self.names(sg.id):
                spec["description"] = sg.description
            ingress = list(sg.ingress)
        if ingress:
            spec["ingress"] = [self.sg_rule(r) for r in ingress]
        defaults = [r for r in sg.egress if r.ip_protocol == "-1" and r.peer in _ALL(vpc)]
        extra = [r for r in sg.egress if r not in defaults]
        if sg.is_default:
            if extra or len(defaults) != len(_ALL(vpc)):
                self.notes.append(
                    f"security group {self.names(sg.id)}: the default group's egress rules "
                    "are written as AWS makes them (a topology adds rules to its ingress only)"
                )
        elif extra or len(defaults) != len(_ALL(vpc)):
            spec["egress"] = [self.sg_rule(r) for r in sg.egress]
        spec.update(self.owned(sg, vpc))
        if (
            sg.is_default
            and not self.names.given(sg.id)
            and spec == {"default": True}
            and sg.id not in self.referenced
        ):
            return None
        return spec

    def sg_rule(self, r: SecurityGroupRule) -> dict[str, Any]:
        proto = "all" if r.ip_protocol == "-1" else r.ip_protocol
        rule: dict[str, Any] = {"protocol": proto}
        if r.from_port != -1 and not (proto in ("tcp", "udp") and (r.from_port, r.to_port) == (0, 65535)):
            rule["port"] = r.from_port if r.from_port == r.to_port else f"{r.from_port}-{r.to_port}"
        if r.cidr_ipv4 or r.cidr_ipv6:
            rule["cidr"] = r.cidr_ipv4 or r.cidr_ipv6
        elif r.prefix_list_id:
            rule["prefix_list"] = self.names(r.prefix_list_id)
        elif r.referenced_group_id:
            rule["group"] = self.names(r.referenced_group_id)
        if r.description:
            rule["description"] = r.description
        return rule

    def network_acl(self, acl: NetworkAcl, vpc: Vpc) -> dict[str, Any] | None:
        spec: dict[str, Any] = {}
        if acl.is_default:
            spec["default"] = True
        else:
            subnets = sorted(self.names(a.subnet_id) for a in acl.associations)
            if subnets:
                spec["subnets"] = subnets
        for direction, egress in (("ingress", False), ("egress", True)):
            entries = {
                e.rule_number: self.acl_rule(e)
                for e in acl.entries
                if e.egress == egress and e.rule_number < 32767
            }
            if acl.is_default:
                if _default_acl_entries(acl, egress, vpc):
                    continue
                entries = {k: v for k, v in entries.items() if k not in (100, 101)}
            if entries:
                spec[direction] = dict(sorted(entries.items()))
        spec.update(self.owned(acl, vpc))
        if acl.is_default and not self.names.given(acl.id) and spec == {"default": True}:
            return None
        return spec

    def acl_rule(self, e: NetworkAclEntry) -> dict[str, Any]:
        rule: dict[str, Any] = {
            "action": e.rule_action,
            "protocol": _ACL_PROTOCOLS.get(e.protocol, e.protocol),
        }
        if e.port_from is not None and rule["protocol"] in ("tcp", "udp"):
            rule["port"] = e.port_from if e.port_from == e.port_to else f"{e.port_from}-{e.port_to}"
        rule["cidr"] = e.cidr_block or e.ipv6_cidr_block or "0.0.0.0/0"
        if e.icmp_type is not None and rule["protocol"] in ("icmp", "icmpv6"):
            rule["icmp_type"], rule["icmp_code"] = e.icmp_type, e.icmp_code
        return rule

    # -- gateways, interfaces, instances, endpoints ----------------------------------------------
    def nat_gateway(self, nat: NatGateway, vpc: Vpc) -> dict[str, Any]:
        spec: dict[str, Any] = {"subnet": self.names(nat.subnet_id)}
        if nat.connectivity_type != "public":
            spec["connectivity"] = nat.connectivity_type
        if nat.private_ip:
            spec["private_ip"] = nat.private_ip
        spec.update(self.owned(nat, vpc))
        return spec

    def interface(self, eni: NetworkInterface, vpc: Vpc) -> dict[str, Any]:
        spec: dict[str, Any] = {"subnet": self.names(eni.subnet_id)}
        default = next((g.id for g in self.world.in_vpc(vpc.id, SecurityGroup) if g.is_default), None)
        if eni.groups and list(eni.groups) != [default]:
            spec["groups"] = [self.names(g) for g in eni.groups]
        spec["private_ip"] = eni.private_ip_address
        eip = next((a for a in self.world.all(Address) if a.network_interface_id == eni.id), None)
        if eip is not None:
            spec["elastic_ip"] = self.names(eip.id)
        if not eni.source_dest_check:
            spec["source_dest_check"] = False
        if eni.description:
            spec["description"] = eni.description
        if eni.ipv6_addresses:
            spec["ipv6"] = list(eni.ipv6_addresses)
        spec.update(self.owned(eni, vpc))
        return spec

    def instance(self, inst: Instance, vpc: Vpc) -> dict[str, Any]:
        from ..model.images import image_named, images

        eni = (
            self.world.get(inst.network_interface_ids[0], NetworkInterface)
            if inst.network_interface_ids
            else None
        )
        spec: dict[str, Any] = (
            self.interface(eni, vpc)
            if eni is not None
            else {"subnet": self.names(inst.subnet_id), "private_ip": inst.private_ip_address}
        )
        spec.pop("tags", None)
        spec.pop("account", None)
        spec.pop("description", None)
        spec["private_ip"] = inst.private_ip_address or spec.get("private_ip")
        if not inst.source_dest_check:
            spec["source_dest_check"] = False
        known = {i.image_id for i in images(inst.region)}
        try:
            default = image_named(inst.region, "al2023").image_id
        except (KeyError, LookupError, ValueError):
            default = None
        if inst.image_id in known and inst.image_id != default:
            spec["image"] = inst.image_id
        if inst.instance_type != "t3.micro":
            spec["type"] = inst.instance_type
        subnet = self.world.get(inst.subnet_id, Subnet)
        has_public = bool(eni.public_ip) if eni is not None else bool(inst.public_ip_address)
        if "elastic_ip" not in spec and subnet is not None and has_public != subnet.map_public_ip_on_launch:
            spec["public_ip"] = has_public
        spec.update(self.owned(inst, vpc))
        return spec

    def endpoint(self, ep: VpcEndpoint, vpc: Vpc) -> dict[str, Any]:
        n = self.names
        spec: dict[str, Any] = {}
        service = next(
            (s for s in self.world.all(VpcEndpointService) if s.service_name == ep.service_name), None
        )
        kind = ep.vpc_endpoint_type.lower()
        if service is not None:
            spec["endpoint_service"] = n(service.id)
        else:
            short = ep.service_name.rsplit(".", 1)[-1]
            spec["service"] = short if kind == "gateway" and short in ("s3", "dynamodb") else ep.service_name
        spec["type"] = {"gateway": "gateway", "interface": "interface"}.get(kind, "gateway_load_balancer")
        if ep.route_table_ids:
            spec["route_tables"] = [n(r) for r in ep.route_table_ids]
        if ep.subnet_ids:
            spec["subnets"] = [n(s) for s in ep.subnet_ids]
        if ep.groups:
            spec["groups"] = [n(g) for g in ep.groups]
        if ep.private_dns_enabled:
            spec["private_dns"] = True
        if ep.state == "pendingAcceptance":
            spec["accept"] = False
        if ep.ip_address_type != "ipv4":
            spec["ip_address_type"] = ep.ip_address_type
        if ep.dns_record_ip_type != ep.ip_address_type and kind == "interface":
            spec["dns_record_ip_type"] = ep.dns_record_ip_type
        spec.update(self.owned(ep, vpc))
        return spec


def vpn_gateway_of(world: Any, vpc_id: str) -> VpnGateway | None:
    return next((g for g in world.all(VpnGateway) if g.vpc_id == vpc_id), None)


def _referenced_groups(world: Any) -> set[str]:
    """The security groups something names other than an interface alone in its VPC's default group."""
    from ..model.load_balancer import LoadBalancer

    found: set[str] = set()
    for sg in world.all(SecurityGroup):
        found |= {
            r.referenced_group_id
            for r in (*sg.ingress, *sg.egress)
            if r.referenced_group_id and r.referenced_group_id != sg.id
        }
    for ep in world.all(VpcEndpoint):
        found |= set(ep.groups)
    for lb in world.all(LoadBalancer):
        found |= set(lb.security_groups)
    for eni in world.all(NetworkInterface):
        if len(eni.groups) > 1:
            found |= set(eni.groups)
    return found


def _default_acl_entries(acl: NetworkAcl, egress: bool, vpc: Vpc) -> bool:
    """Whether one direction of a default ACL holds just AWS's defaults (allow all at 100, and 101 for
    IPv6 in a VPC with an IPv6 block)."""
    mine = sorted(
        (e.rule_number, e.rule_action, e.protocol, e.cidr_block, e.ipv6_cidr_block)
        for e in acl.entries
        if e.egress == egress and e.rule_number < 32767
    )
    expected: list[tuple[int, str, str, str | None, str | None]] = [(100, "allow", "-1", "0.0.0.0/0", None)]
    if vpc.ipv6_cidr_blocks:
        expected.append((101, "allow", "-1", None, "::/0"))
    return mine == expected


def _ALL(vpc: Vpc) -> tuple[str, ...]:
    """The peers of AWS's default allow-all egress rules in this VPC."""
    return ("0.0.0.0/0", "::/0") if vpc.ipv6_cidr_blocks else ("0.0.0.0/0",)


def _sorted(items: Any, names: Names) -> list[Any]:
    return sorted(items, key=lambda r: (names(r.id), r.id))
