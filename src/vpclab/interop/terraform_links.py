"""VPN, Direct Connect gateways, RAM shares, transit gateway peering and IPv6 blocks from Terraform
(https://registry.terraform.io/providers/hashicorp/aws/latest/docs).

- ``aws_customer_gateway`` → ``customer_gateways`` (``ip_address``, ``bgp_asn``, ``device_name``);
  ``aws_vpn_gateway`` (its ``vpc_id``, or an ``aws_vpn_gateway_attachment``) → ``vpn_gateways``;
  ``aws_vpn_connection`` (on a VPN gateway or a transit gateway; ``static_routes_only``) and its
  ``aws_vpn_connection_route``\\ s → ``vpn_connections``; ``aws_vpn_gateway_route_propagation`` (and
  a route table's ``propagating_vgws``) → the route table's ``propagate_vgw``.
- ``aws_dx_gateway`` and ``aws_dx_gateway_association`` (``allowed_prefixes``) →
  ``direct_connect_gateways`` with their ``associations``.
- ``aws_ram_resource_share`` with ``aws_ram_resource_association`` (a subnet, transit gateway or
  prefix list of the plan) and ``aws_ram_principal_association`` (an account id) → ``shares``.
- ``aws_ec2_transit_gateway_peering_attachment`` → a ``peer`` attachment of the requester's gateway,
  accepted when an ``aws_ec2_transit_gateway_peering_attachment_accepter`` names it.
- ``aws_vpc_ipv6_cidr_block_association`` (Amazon-provided) → the VPC's ``ipv6: amazon``.
- ``aws_vpc_peering_connection_options``: DNS resolution across the peering only — nothing vpclab's
  reachability reads (it neither opens nor closes a flow), so it is read and has no effect.
"""

from __future__ import annotations

from .terraform import Instance
from .terraform_map import Mapper, Topo

_TABLES = ("aws_route_table", "aws_default_route_table")


def customer_gateway(m: Mapper, inst: Instance) -> None:
    spec: Topo = {"ip": m.value(inst, "ip_address"), "tags": m.tags(inst)}
    if inst.values.get("bgp_asn") is not None:
        spec["asn"] = int(inst.values["bgp_asn"])
    if inst.values.get("device_name"):
        spec["device_name"] = inst.values["device_name"]
    m.topo.setdefault("customer_gateways", {})[inst.name] = spec


def vpn_gateway(m: Mapper, inst: Instance) -> None:
    spec: Topo = {"tags": m.tags(inst)}
    if inst.values.get("amazon_side_asn") is not None:
        spec["amazon_side_asn"] = int(inst.values["amazon_side_asn"])
    vpc = m.ref(inst, "vpc_id", ("aws_vpc",), required=False)
    if vpc is not None:
        spec["vpc"] = vpc.name
    m.topo.setdefault("vpn_gateways", {})[inst.name] = spec


def vpn_gateway_attachment(m: Mapper, inst: Instance) -> None:
    vgw = m.ref(inst, "vpn_gateway_id", ("aws_vpn_gateway",))
    vpc = m.ref(inst, "vpc_id", ("aws_vpc",))
    assert vgw is not None and vpc is not None
    m.topo["vpn_gateways"][vgw.name]["vpc"] = vpc.name


def _route_table(m: Mapper, inst: Instance) -> Topo:
    rt = m.ref(inst, "route_table_id", _TABLES)
    assert rt is not None
    spec: Topo = m.vpc(m.vpc_of[rt.name])["route_tables"][rt.name]
    return spec


def vpn_gateway_route_propagation(m: Mapper, inst: Instance) -> None:
    m.ref(inst, "vpn_gateway_id", ("aws_vpn_gateway",))
    _route_table(m, inst)["propagate_vgw"] = True


def vpn_connection(m: Mapper, inst: Instance) -> None:
    cgw = m.ref(inst, "customer_gateway_id", ("aws_customer_gateway",))
    assert cgw is not None
    spec: Topo = {
        "customer_gateway": cgw.name,
        "routing": "static" if inst.values.get("static_routes_only") else "bgp",
        "tags": m.tags(inst),
    }
    vgw = m.ref(inst, "vpn_gateway_id", ("aws_vpn_gateway",), required=False)
    tgw = m.ref(inst, "transit_gateway_id", ("aws_ec2_transit_gateway",), required=False)
    if (vgw is None) == (tgw is None):
        raise m.fail(
            inst,
            "vpn_gateway_id",
            "a VPN connection needs exactly one of vpn_gateway_id or transit_gateway_id",
        )
    if vgw is not None:
        spec["vpn_gateway"] = vgw.name
    else:
        assert tgw is not None
        spec["transit_gateway"] = tgw.name
        m.vpc_of[inst.name] = tgw.name
    m.topo.setdefault("vpn_connections", {})[inst.name] = spec


def vpn_connection_route(m: Mapper, inst: Instance) -> None:
    vpn = m.ref(inst, "vpn_connection_id", ("aws_vpn_connection",))
    assert vpn is not None
    spec = m.topo["vpn_connections"][vpn.name]
    if "vpn_gateway" not in spec or spec["routing"] != "static":
        raise m.fail(
            inst,
            "vpn_connection_id",
            f"{vpn.address} needs static_routes_only = true on a VPN gateway for a static route "
            "(AWS: static routes are for static VPN connections to a virtual private gateway)",
        )
    spec.setdefault("static_routes", []).append(m.value(inst, "destination_cidr_block"))


def dx_gateway(m: Mapper, inst: Instance) -> None:
    spec: Topo = {"associations": {}, "tags": m.tags(inst)}
    if inst.values.get("amazon_side_asn") is not None:
        spec["amazon_side_asn"] = int(inst.values["amazon_side_asn"])
    m.topo.setdefault("direct_connect_gateways", {})[inst.name] = spec


def dx_gateway_association(m: Mapper, inst: Instance) -> None:
    dx = m.ref(inst, "dx_gateway_id", ("aws_dx_gateway",))
    gw = m.ref(inst, "associated_gateway_id", ("aws_ec2_transit_gateway", "aws_vpn_gateway"))
    assert dx is not None and gw is not None
    prefixes = inst.values.get("allowed_prefixes") or []
    if gw.type == "aws_ec2_transit_gateway" and not prefixes:
        # AWS: a transit gateway association needs the prefixes it advertises on premises
        raise m.fail(inst, "allowed_prefixes", "a transit gateway association needs allowed_prefixes")
    m.topo["direct_connect_gateways"][dx.name]["associations"][gw.name] = [str(p) for p in prefixes]


def ram_resource_share(m: Mapper, inst: Instance) -> None:
    m.topo.setdefault("shares", {})[inst.name] = {
        "resources": [],
        "principals": [],
        "allow_external_principals": bool(inst.values.get("allow_external_principals", False)),
        "tags": m.tags(inst),
    }


def _share(m: Mapper, inst: Instance) -> Topo:
    share = m.ref(inst, "resource_share_arn", ("aws_ram_resource_share",))
    assert share is not None
    spec: Topo = m.topo["shares"][share.name]
    return spec


def ram_resource_association(m: Mapper, inst: Instance) -> None:
    res = m.ref(
        inst, "resource_arn", ("aws_subnet", "aws_ec2_transit_gateway", "aws_ec2_managed_prefix_list")
    )
    assert res is not None
    _share(m, inst)["resources"].append(res.name)


def ram_principal_association(m: Mapper, inst: Instance) -> None:
    principal = str(m.value(inst, "principal"))
    if not (principal.isdigit() and len(principal) == 12):
        raise m.fail(
            inst, "principal", f"principal {principal} is not an account id (organisations are not imported)"
        )
    _share(m, inst)["principals"].append(principal)


def tgw_peering_attachment(m: Mapper, inst: Instance) -> None:
    tgw = m.ref(inst, "transit_gateway_id", ("aws_ec2_transit_gateway",))
    peer = m.ref(inst, "peer_transit_gateway_id", ("aws_ec2_transit_gateway",))
    assert tgw is not None and peer is not None
    m.topo["transit_gateways"][tgw.name]["attachments"][inst.name] = {
        "peer": peer.name,
        "accept": False,
        "tags": m.tags(inst),
    }
    m.vpc_of[inst.name] = tgw.name


def tgw_peering_accepter(m: Mapper, inst: Instance) -> None:
    att = m.ref(inst, "transit_gateway_attachment_id", ("aws_ec2_transit_gateway_peering_attachment",))
    assert att is not None
    m.topo["transit_gateways"][m.vpc_of[att.name]]["attachments"][att.name]["accept"] = True
    m.vpc_of[inst.name] = m.vpc_of[att.name]


def ipv6_cidr_association(m: Mapper, inst: Instance) -> None:
    for attr in ("ipv6_ipam_pool_id", "ipv6_pool", "ipv6_cidr_block_network_border_group"):
        if inst.values.get(attr):
            raise m.fail(inst, attr, f"{attr}: only an Amazon-provided IPv6 block is imported")
    v = m.in_vpc(inst)
    if v.get("ipv6") == "amazon":
        raise m.fail(inst, "vpc_id", "the VPC has an Amazon-provided IPv6 block already")
    v["ipv6"] = "amazon"


def peering_connection_options(m: Mapper, inst: Instance) -> None:
    m.ref(inst, "vpc_peering_connection_id", ("aws_vpc_peering_connection",))
