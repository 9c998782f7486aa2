"""Apply steps for what connects networks: peerings, transit gateways, VPNs, PrivateLink, RAM shares."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from ..model.transit_gateway import TransitGatewayAttachment, TransitGatewayRouteTable
from ..model.vpn import ON_PREMISES_CIDRS_TAG
from .apply import Applier
from .resolve import Decl, dx_attachment_name, tgw_attachment_names

#: short service names → the AWS service name suffix (com.amazonaws.<region>.<suffix>)
GATEWAY_SERVICES = ("s3", "dynamodb")


def _enable(flag: bool) -> str:
    return "enable" if flag else "disable"


# -- transit gateways ---------------------------------------------------------------------------
def create_transit_gateway(a: Applier, d: Decl) -> None:
    spec, opts = d.spec, d.spec.options
    options: dict[str, Any] = {
        "auto_accept_shared_attachments": _enable(opts.auto_accept_shared_attachments),
        "default_route_table_association": _enable(opts.default_route_table_association),
        "default_route_table_propagation": _enable(opts.default_route_table_propagation),
        "dns_support": _enable(opts.dns_support),
        "vpn_ecmp_support": _enable(opts.vpn_ecmp_support),
    }
    if opts.amazon_side_asn is not None:
        options["amazon_side_asn"] = opts.amazon_side_asn
    params: dict[str, Any] = {"options": options, "tags": a.tags(d.name, spec.tags)}
    if spec.description:
        params["description"] = spec.description
    tgw_id = a.keep(d.name, a.call(d, "create_transit_gateway", **params))
    if tgw_id is None:
        return
    for rt in a.world.all(TransitGatewayRouteTable):
        if rt.transit_gateway_id == tgw_id and (rt.default_association_route_table
                                                or rt.default_propagation_route_table):
            a.net.add(f"{d.name}/default", rt.id)


def create_tgw_route_table(a: Applier, d: Decl) -> None:
    tgw_id = a.id(d.parent)
    if tgw_id is None:
        return
    if d.spec.default:
        rt_id = a.id(f"{d.parent}/default")
        if rt_id is None:
            a.plan.problem((*d.loc, "default"),
                           f"{d.label}: transit gateway {d.parent} has no default route table "
                           "(its options disable default association and propagation)")
            return
        a.net.add(d.name, rt_id)
        a.call(d, "create_tags", resources=[rt_id], tags=a.tags(d.name, d.spec.tags))
        return
    a.keep(d.name, a.call(d, "create_transit_gateway_route_table", transit_gateway_id=tgw_id,
                          tags=a.tags(d.name, d.spec.tags)))


def _attachment_state(a: Applier, attachment_id: str) -> str:
    att = a.world.get(attachment_id, TransitGatewayAttachment)
    return att.state if att is not None else ""


def create_tgw_attachment(a: Applier, d: Decl) -> None:
    spec = d.spec
    tgw_id = a.id(d.parent)
    if tgw_id is None:
        return
    tags = a.tags(d.name, spec.tags)
    if spec.vpc is not None:
        vpc, subnets = a.id(spec.vpc), a.ids(spec.subnets)
        if vpc is None or subnets is None:
            return
        owner = a.plan.decls[spec.vpc]
        params: dict[str, Any] = {"transit_gateway_id": tgw_id, "vpc_id": vpc, "subnet_ids": subnets,
                                  "tags": tags}
        options = {"appliance_mode_support": "enable"} if spec.appliance_mode else {}
        if spec.ipv6:
            options["ipv6_support"] = "enable"
        if options:
            params["options"] = options
        # the VPC's owner attaches its VPC (to a transit gateway shared with it, if not its own)
        att_id = a.keep(d.name, a.call(d, "create_transit_gateway_vpc_attachment", account=owner.account,
                                       region=owner.region, **params))
        if att_id is not None and spec.accept and _attachment_state(a, att_id) == "pendingAcceptance":
            a.call(d, "accept_transit_gateway_vpc_attachment", ("accept",),
                   transit_gateway_attachment_id=att_id)
        return
    peer = a.plan.decls[spec.peer]
    peer_id = a.id(spec.peer)
    if peer_id is None:
        return
    att_id = a.keep(d.name, a.call(d, "create_transit_gateway_peering_attachment", transit_gateway_id=tgw_id,
                                   peer_transit_gateway_id=peer_id, peer_account_id=peer.account,
                                   peer_region=peer.region, tags=tags))
    if att_id is not None and spec.accept:
        a.call(d, "accept_transit_gateway_peering_attachment", ("accept",), account=peer.account,
               region=peer.region, transit_gateway_attachment_id=att_id)


def fill_tgw_route_table(a: Applier, d: Decl) -> None:
    rt_id = a.id(d.name)
    if rt_id is None:
        return
    tgw = a.plan.decls[d.parent or ""]
    key = tgw_attachment_names(a.plan, d.parent or "")
    for i, name in enumerate(d.spec.associations):
        att_id = a.id(key.get(name))
        att = a.world.get(att_id, TransitGatewayAttachment) if att_id else None
        if att is None or att.association_route_table_id == rt_id:
            continue  # failed earlier, or already associated (default association)
        if att.association_route_table_id is not None:
            # associated with the default table by the TGW's options: the file moves it here
            a.call(d, "disassociate_transit_gateway_route_table", ("associations", i),
                   account=tgw.account, region=tgw.region, transit_gateway_attachment_id=att_id,
                   transit_gateway_route_table_id=att.association_route_table_id)
        a.call(d, "associate_transit_gateway_route_table", ("associations", i), account=tgw.account,
               region=tgw.region, transit_gateway_route_table_id=rt_id, transit_gateway_attachment_id=att_id)
    for i, name in enumerate(d.spec.propagations):
        att_id = a.id(key.get(name))
        rt = a.world.get(rt_id, TransitGatewayRouteTable)
        if att_id is None or (rt is not None and att_id in rt.propagations):
            continue
        a.call(d, "enable_transit_gateway_route_table_propagation", ("propagations", i), account=tgw.account,
               region=tgw.region, transit_gateway_route_table_id=rt_id, transit_gateway_attachment_id=att_id)
    for dest, target in d.spec.routes.items():
        params: dict[str, Any] = {"destination_cidr_block": dest, "transit_gateway_route_table_id": rt_id}
        if target == "blackhole":
            params["blackhole"] = True
        else:
            att_id = a.id(key.get(target))
            if att_id is None:
                continue
            params["transit_gateway_attachment_id"] = att_id
        a.call(d, "create_transit_gateway_route", ("routes", dest), account=tgw.account, region=tgw.region,
               what=f"{d.label} route {dest} → {target}", **params)


# -- peering -----------------------------------------------------------------------------------
def create_peering(a: Applier, d: Decl) -> None:
    spec = d.spec
    req, acc = a.plan.decls[spec.requester], a.plan.decls[spec.accepter]
    vpc_id, peer_id = a.id(spec.requester), a.id(spec.accepter)
    if vpc_id is None or peer_id is None:
        return
    pcx_id = a.keep(d.name, a.call(d, "create_vpc_peering_connection", account=req.account, region=req.region,
                                   vpc_id=vpc_id, peer_vpc_id=peer_id, peer_owner_id=acc.account,
                                   peer_region=acc.region, tags=a.tags(d.name, spec.tags)))
    if pcx_id is not None and spec.accept:
        # only the accepter's account accepts, in the accepter's Region
        a.call(d, "accept_vpc_peering_connection", ("accept",), account=acc.account, region=acc.region,
               vpc_peering_connection_id=pcx_id)


# -- VPN -----------------------------------------------------------------------------------------
def create_customer_gateway(a: Applier, d: Decl) -> None:
    spec = d.spec
    tags = a.tags(d.name, spec.tags)
    if spec.on_premises_cidrs:
        tags[ON_PREMISES_CIDRS_TAG] = ",".join(spec.on_premises_cidrs)
    params: dict[str, Any] = {"bgp_asn": spec.asn, "ip_address": spec.ip, "type": "ipsec.1", "tags": tags}
    if spec.device_name:
        params["device_name"] = spec.device_name
    a.keep(d.name, a.call(d, "create_customer_gateway", **params))


def create_vpn_gateway(a: Applier, d: Decl) -> None:
    spec = d.spec
    params: dict[str, Any] = {"type": "ipsec.1", "tags": a.tags(d.name, spec.tags)}
    if spec.amazon_side_asn is not None:
        params["amazon_side_asn"] = spec.amazon_side_asn
    vgw_id = a.keep(d.name, a.call(d, "create_vpn_gateway", **params))
    vpc_id = a.id(spec.vpc)
    if vgw_id is not None and vpc_id is not None:
        a.call(d, "attach_vpn_gateway", ("vpc",), vpc_id=vpc_id, vpn_gateway_id=vgw_id)


def create_vpn_connection(a: Applier, d: Decl) -> None:
    spec = d.spec
    cgw = a.id(spec.customer_gateway)
    gateway = {"vpn_gateway_id": a.id(spec.vpn_gateway)} if spec.vpn_gateway else {
        "transit_gateway_id": a.id(spec.transit_gateway)}
    if cgw is None or None in gateway.values():
        return
    vpn = a.call(d, "create_vpn_connection", customer_gateway_id=cgw, type="ipsec.1",
                 options={"static_routes_only": spec.routing == "static"}, tags=a.tags(d.name, spec.tags),
                 **gateway)
    vpn_id = a.keep(d.name, vpn)
    if vpn_id is None:
        return
    for i, cidr in enumerate(spec.static_routes):
        if spec.vpn_gateway is not None:
            a.call(d, "create_vpn_connection_route", ("static_routes", i), vpn_connection_id=vpn_id,
                   destination_cidr_block=cidr)
    for att in a.world.all(TransitGatewayAttachment):
        if att.resource_type == "vpn" and att.resource_id == vpn_id:
            a.net.add(f"{d.name}/attachment", att.id)


# -- PrivateLink -----------------------------------------------------------------------------------
def elb_name(text: str) -> str:
    """A load balancer or target group name made from a topology name: AWS allows up to 32
    alphanumerics and hyphens, not at either end; other characters (a Terraform address's ``.`` and
    ``_``) become hyphens, and a longer name keeps its first 23 characters and a hash of the rest."""
    name = re.sub(r"[^A-Za-z0-9-]", "-", text).strip("-") or "lb"
    if len(name) > 32:
        name = f"{name[:23].rstrip('-')}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
    return name


def create_endpoint_service(a: Applier, d: Decl) -> None:
    nlb = d.spec.nlb
    if nlb is None:
        lb_arn = create_gateway_load_balancer(a, d)
        if lb_arn is not None:
            _service(a, d, gateway_load_balancer_arns=[lb_arn])
        return
    subnets, targets, groups = a.ids(nlb.subnets), a.ids(nlb.targets), a.ids(nlb.groups)
    if subnets is None or targets is None or groups is None:
        return
    lb_name = elb_name(f"{d.name}-nlb")
    lb = a.call(d, "create_load_balancer", ("nlb",), name=lb_name, subnets=subnets, type="network",
                scheme="internal", ip_address_type=nlb.ip_address_type, tags=a.tags(f"{d.name}/nlb", {}),
                security_groups=groups or None, what=f"{d.label} load balancer")
    lb_id = a.keep(f"{d.name}/nlb", lb)
    if lb_id is None:
        return
    if groups and not nlb.enforce_private_link_inbound_rules:
        a.call(d, "set_security_groups", ("nlb", "enforce_private_link_inbound_rules"),
               load_balancer_arn=lb.arn, security_groups=groups,
               enforce_security_group_inbound_rules_on_private_link_traffic="off",
               what=f"{d.label} load balancer")
    if nlb.cross_zone:
        a.call(d, "modify_load_balancer_attributes", ("nlb", "cross_zone"), load_balancer_arn=lb.arn,
               attributes={"load_balancing.cross_zone.enabled": "true"}, what=f"{d.label} load balancer")
    vpc_id = a.id(a.plan.decls[nlb.subnets[0]].vpc) if nlb.subnets else None
    for port in nlb.listeners:
        what = f"{d.label} listener {port}"
        tg = a.call(d, "create_target_group", ("nlb", "listeners"), name=elb_name(f"{d.name}-{port}"),
                    protocol="TCP", port=port, vpc_id=vpc_id, target_type="instance", what=what)
        if tg is None:
            continue
        if targets:
            a.call(d, "register_targets", ("nlb", "targets"), target_group_arn=tg.arn,
                   targets=[{"id": t, "port": port} for t in targets], what=what)
        a.call(d, "create_listener", ("nlb", "listeners"), load_balancer_arn=lb.arn, protocol="TCP",
               port=port,
               default_actions=[{"type": "forward", "target_group_arn": tg.arn}], what=what)
    _service(a, d, network_load_balancer_arns=[lb.arn])


def create_gateway_load_balancer(a: Applier, d: Decl) -> str | None:
    """A service's Gateway Load Balancer (``NAME/gwlb``), its GENEVE target group (port 6081) with the
    appliances registered, and its listener (no protocol, no port); the load balancer's ARN."""
    gwlb = d.spec.gwlb
    subnets, targets = a.ids(gwlb.subnets), a.ids(gwlb.targets)
    if subnets is None or targets is None:
        return None
    what = f"{d.label} gateway load balancer"
    lb = a.call(d, "create_load_balancer", ("gwlb",), name=elb_name(f"{d.name}-gwlb"), subnets=subnets,
                type="gateway", tags=a.tags(f"{d.name}/gwlb", {}), what=what)
    if a.keep(f"{d.name}/gwlb", lb) is None:
        return None
    if gwlb.cross_zone:
        a.call(d, "modify_load_balancer_attributes", ("gwlb", "cross_zone"), load_balancer_arn=lb.arn,
               attributes={"load_balancing.cross_zone.enabled": "true"}, what=what)
    vpc_id = a.id(a.plan.decls[gwlb.subnets[0]].vpc) if gwlb.subnets else None
    hc = {"health_check_port": str(gwlb.health_check_port)} if gwlb.health_check_port else {}
    tg = a.call(d, "create_target_group", ("gwlb",), name=elb_name(f"{d.name}-appliances"), protocol="GENEVE",
                port=6081, vpc_id=vpc_id, target_type="instance", **hc, what=f"{d.label} target group")
    if a.keep(f"{d.name}/appliances", tg) is None:
        return None
    if targets:
        a.call(d, "register_targets", ("gwlb", "targets"), target_group_arn=tg.arn,
               targets=[{"id": t} for t in targets], what=f"{d.label} target group")
    a.call(d, "create_listener", ("gwlb",), load_balancer_arn=lb.arn,
           default_actions=[{"type": "forward", "target_group_arn": tg.arn}], what=f"{d.label} listener")
    return str(lb.arn)


def _service(a: Applier, d: Decl, **load_balancers: Any) -> None:
    """The endpoint service in front of the load balancers (``network_load_balancer_arns`` or
    ``gateway_load_balancer_arns``), and its allowed principals."""
    spec = d.spec
    svc = a.call(d, "create_vpc_endpoint_service_configuration", **load_balancers,
                 acceptance_required=spec.acceptance_required,
                 supported_ip_address_types=list(spec.supported_ip_address_types),
                 tags=a.tags(d.name, spec.tags))
    svc_id = a.keep(d.name, svc)
    if svc_id is None or not spec.allowed_principals:
        return
    principals = [f"arn:aws:iam::{a.account_id(p)}:root" for p in spec.allowed_principals]
    a.call(d, "modify_vpc_endpoint_service_permissions", ("allowed_principals",), service_id=svc_id,
           add_allowed_principals=principals)


def create_endpoint(a: Applier, d: Decl) -> None:
    spec = d.spec
    vpc_id = a.id(d.vpc)
    rts, subnets, groups = a.ids(spec.route_tables), a.ids(spec.subnets), a.ids(spec.groups)
    if vpc_id is None or rts is None or subnets is None or groups is None:
        return
    if spec.endpoint_service is not None:
        svc_id = a.id(spec.endpoint_service)
        svc = a.world.get(svc_id) if svc_id else None
        if svc is None:
            return
        default = "gateway_load_balancer" if svc.service_type == "GatewayLoadBalancer" else "interface"
        service_name, kind = svc.service_name, spec.type or default
    else:
        short = spec.service or ""
        service_name = f"com.amazonaws.{d.region}.{short}" if "." not in short else short
        kind = spec.type or ("gateway" if short in GATEWAY_SERVICES else "interface")
    endpoint_type = "GatewayLoadBalancer" if kind == "gateway_load_balancer" else kind.capitalize()
    params: dict[str, Any] = {"vpc_id": vpc_id, "service_name": service_name,
                              "vpc_endpoint_type": endpoint_type, "tags": a.tags(d.name, spec.tags)}
    if kind == "gateway":
        params["route_table_ids"] = rts
    elif kind == "gateway_load_balancer":  # one subnet; no security groups, no private DNS
        params["subnet_ids"] = subnets
        if groups:
            params["security_group_ids"] = groups
    else:
        params.update(subnet_ids=subnets, private_dns_enabled=spec.private_dns)
        if groups:
            params["security_group_ids"] = groups
    if spec.ip_address_type is not None:
        params["ip_address_type"] = spec.ip_address_type
    if spec.dns_record_ip_type is not None:
        params["dns_options"] = {"dns_record_ip_type": spec.dns_record_ip_type}
    endpoint = a.call(d, "create_vpc_endpoint", **params)
    vpce_id = a.keep(d.name, endpoint)
    if vpce_id is None or spec.endpoint_service is None or not spec.accept:
        return
    if str(getattr(endpoint, "state", "")).lower() == "pendingacceptance":
        provider = a.plan.decls[spec.endpoint_service]
        a.call(d, "accept_vpc_endpoint_connections", ("accept",), account=provider.account,
               region=provider.region,
               service_id=a.id(spec.endpoint_service), vpc_endpoint_ids=[vpce_id])


# -- RAM -----------------------------------------------------------------------------------------
def create_share(a: Applier, d: Decl) -> None:
    spec = d.spec
    ids = a.ids(spec.resources)
    if ids is None:
        return
    arns = [_arn(a, rid) for rid in ids]
    a.keep(d.name, a.call(d, "create_resource_share", name=re.sub(r"[^A-Za-z0-9 .-]", "-", d.name),
                          resource_arns=arns,
                          principals=[a.account_id(p) for p in spec.principals],
                          allow_external_principals=spec.allow_external_principals,
                          tags=a.tags(d.name, spec.tags)))


def _arn(a: Applier, resource_id: str) -> str:
    from ..control.sharing import resource_arn

    res = a.world.get(resource_id)
    return resource_arn(res) if res is not None else resource_id


# -- Direct Connect --------------------------------------------------------------------------------
def create_direct_connect_gateway(a: Applier, d: Decl) -> None:
    """The gateway, then its associations: with the owner's own gateways directly, with another
    account's through a proposal accepted by the Direct Connect gateway's owner (as AWS requires)."""
    spec = d.spec
    dx_id = a.keep(d.name, a.call(d, "create_direct_connect_gateway", direct_connect_gateway_name=d.name,
                                  amazon_side_asn=spec.amazon_side_asn, tags=a.tags(d.name, spec.tags)))
    if dx_id is None:
        return
    for gw_name, prefixes in spec.associations.items():
        gw, gw_id = a.plan.decls[gw_name], a.id(gw_name)
        if gw_id is None:
            continue
        loc = ("associations", gw_name)
        if gw.account == d.account:
            assoc = a.call(d, "create_direct_connect_gateway_association", loc, region=gw.region,
                           direct_connect_gateway_id=dx_id, gateway_id=gw_id,
                           add_allowed_prefixes_to_direct_connect_gateway=prefixes)
        else:
            prop = a.call(d, "create_direct_connect_gateway_association_proposal", loc, account=gw.account,
                          region=gw.region, direct_connect_gateway_id=dx_id,
                          direct_connect_gateway_owner_account=d.account, gateway_id=gw_id,
                          add_allowed_prefixes_to_direct_connect_gateway=prefixes)
            assoc = None if prop is None else a.call(
                d, "accept_direct_connect_gateway_association_proposal", loc, direct_connect_gateway_id=dx_id,
                proposal_id=prop.id, associated_gateway_owner_account=gw.account)
        if assoc is not None and assoc.transit_gateway_attachment_id:
            a.net.add(dx_attachment_name(d.name, gw_name), assoc.transit_gateway_attachment_id)


def create_virtual_interface(a: Applier, d: Decl) -> None:
    """A dedicated connection for the interface, the interface (its on-premises networks as the lab
    tag), and with ``bgp: down`` a BGP failover test holding its session down."""
    spec = d.spec
    dx_id = a.id(d.parent)
    if dx_id is None:
        return
    con_id = a.keep(f"{d.name}/connection", a.call(
        d, "create_connection", location=spec.location, bandwidth=spec.bandwidth,
        connection_name=f"{d.name}-connection", tags=a.tags(f"{d.name}/connection", {})))
    if con_id is None:
        return
    tags = a.tags(d.name, spec.tags)
    if spec.on_premises_cidrs:
        tags[ON_PREMISES_CIDRS_TAG] = ",".join(spec.on_premises_cidrs)
    action = f"create_{spec.type}_virtual_interface"
    vif_id = a.keep(d.name, a.call(d, action, connection_id=con_id, virtual_interface_name=d.name,
                                   vlan=spec.vlan, asn=spec.asn, direct_connect_gateway_id=dx_id, tags=tags))
    if vif_id is not None and spec.bgp == "down":
        a.call(d, "start_bgp_failover_test", ("bgp",), virtual_interface_id=vif_id)
