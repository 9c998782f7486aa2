"""The order a snapshot is built in, written once (``build``), and one step per AWS resource type.

Each step reads AWS's describe items (AWS's own casing) and calls the ControlPlane with AWS's
ids pinned (see snapshot_load). Cross-account and cross-Region links (peerings) come after every
Region's VPCs exist; routes come last, when every target exists.
"""

from __future__ import annotations

from typing import Any

from ..aws.filter_shapes import ip_permissions, network_acl_entry
from ..model.endpoints import VpcEndpoint
from ..model.interfaces import NetworkInterface
from ..model.network_acl import NetworkAcl
from ..model.regions import lab_zone_name, zone
from ..model.route_table import RouteTable
from ..model.security_group import SecurityGroup
from . import snapshot_dx as dx
from . import snapshot_kinds as kinds
from . import snapshot_services as services
from . import snapshot_tgw as tgw
from .snapshot_load import ROUTE_TARGETS, Loader, _snake, _tags
from .snapshot_read import Region


def build(ld: Loader, regs: list[Region]) -> None:
    vpcs(ld, regs)
    subnets(ld, regs)
    kinds.ipv6_blocks(ld, regs)
    internet_gateways(ld, regs)
    kinds.egress_only_internet_gateways(ld, regs)
    addresses(ld, regs)
    kinds.prefix_lists(ld, regs)  # before the rules and routes that name them
    tgw.transit_gateways(ld, regs)  # gateways and their route tables
    kinds.resource_shares(ld, regs)  # shared subnets, TGWs, prefix lists: before participants use them
    security_groups(ld, regs)
    network_acls(ld, regs)
    route_tables(ld, regs)
    peerings(ld, regs)
    security_group_rules(ld, regs)  # after peerings: a rule may name a peer VPC's group
    tgw.vpc_attachments(ld, regs)
    kinds.customer_gateways(ld, regs)
    kinds.vpn_gateways(ld, regs)  # and their VPC attachments
    kinds.vpn_connections(ld, regs)  # on a VGW or a TGW (its VPN attachment), static routes
    kinds.tgw_peerings(ld, regs)
    dx.direct_connect(ld, regs)  # gateways, associations (TGW attachments), connections, interfaces
    tgw.transit_gateway_tables(ld, regs)  # associations, propagations, static routes
    nat_gateways(ld, regs)
    network_interfaces(ld, regs)
    instances(ld, regs)
    services.load_balancers(ld, regs)
    services.target_groups(ld, regs)  # targets (instances exist), listeners
    services.endpoint_services(ld, regs)
    services.vpc_endpoints(ld, regs)  # gateway endpoints add their own routes
    routes(ld, regs)
    kinds.route_propagation(ld, regs)


def _defaults(r: Region) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Each VPC's main route table, default security group and default network ACL, by VPC id (one
    pass over the Region's files, not one per VPC: AWS-MAX has 5,000 VPCs)."""
    main: dict[str, str] = {}
    for t in r.items.get("RouteTables", []):
        if any(a.get("Main") for a in t.get("Associations", [])):
            main.setdefault(t.get("VpcId", ""), t["RouteTableId"])
    sg: dict[str, str] = {}
    for g in r.items.get("SecurityGroups", []):
        if g.get("GroupName") == "default":
            sg.setdefault(g.get("VpcId", ""), g["GroupId"])
    acl: dict[str, str] = {}
    for x in r.items.get("NetworkAcls", []):
        if x.get("IsDefault") is True:
            acl.setdefault(x.get("VpcId", ""), x["NetworkAclId"])
    return {v: (main.get(v), sg.get(v), acl.get(v)) for v in {*main, *sg, *acl}}


def vpcs(ld: Loader, regs: list[Region]) -> None:
    defaults = {r.folder: _defaults(r) for r in regs}
    for r, i, v in ld.each(regs, "Vpcs", "VpcId"):
        vid = v["VpcId"]
        pins = (vid, *defaults[r.folder].get(vid, (None, None, None)))
        vpc = ld.call(
            r,
            f"Vpcs[{i}]",
            "create_vpc",
            *pins,
            account=v.get("OwnerId") or r.account,
            cidr_block=v["CidrBlock"],
            tags=_tags(v),
        )
        if vpc is None:
            continue
        ld.name(v, vid)
        for j, assoc in enumerate(v.get("CidrBlockAssociationSet", [])):
            state = assoc.get("CidrBlockState", {}).get("State", "associated")
            if assoc.get("CidrBlock") != v["CidrBlock"] and state == "associated":
                ld.call(
                    r,
                    f"Vpcs[{i}].CidrBlockAssociationSet[{j}]",
                    "associate_vpc_cidr_block",
                    vpc_id=vid,
                    cidr_block=assoc["CidrBlock"],
                )
        for rt in ld.world.in_vpc(vid, RouteTable):
            if rt.main:
                ld.name({"Tags": [{"Key": "Name", "Value": f"{_tags(v).get('Name', vid)}/main"}]}, rt.id)


def _zone(s: dict[str, Any]) -> dict[str, str]:
    """The subnet's zone: by zone id when vpclab knows it (zone names are each account's own
    lettering: AWS maps them per account, so only the id names the same zone in every account),
    else by the name the owner sees, translated to vpclab's lab name."""
    if s.get("AvailabilityZoneId") and zone(s["AvailabilityZoneId"]) is not None:
        return {"availability_zone_id": s["AvailabilityZoneId"]}
    if s.get("AvailabilityZone"):
        return {"availability_zone": lab_zone_name(s.get("OwnerId", ""), s["AvailabilityZone"])}
    return {}


def subnets(ld: Loader, regs: list[Region]) -> None:
    for r, i, s in ld.each(regs, "Subnets", "SubnetId"):
        zone = _zone(s)
        sub = ld.call(
            r,
            f"Subnets[{i}]",
            "create_subnet",
            s["SubnetId"],
            account=s.get("OwnerId") or r.account,
            vpc_id=s["VpcId"],
            cidr_block=s["CidrBlock"],
            tags=_tags(s),
            **zone,
        )
        if sub is None:
            continue
        ld.name(s, s["SubnetId"])
        if s.get("MapPublicIpOnLaunch"):
            ld.call(
                r,
                f"Subnets[{i}].MapPublicIpOnLaunch",
                "modify_subnet_attribute",
                subnet_id=s["SubnetId"],
                map_public_ip_on_launch=True,
            )


def internet_gateways(ld: Loader, regs: list[Region]) -> None:
    for r, i, g in ld.each(regs, "InternetGateways", "InternetGatewayId"):
        if (
            ld.call(
                r, f"InternetGateways[{i}]", "create_internet_gateway", g["InternetGatewayId"], tags=_tags(g)
            )
            is None
        ):
            continue
        ld.name(g, g["InternetGatewayId"])
        for j, att in enumerate(g.get("Attachments", [])):
            ld.call(
                r,
                f"InternetGateways[{i}].Attachments[{j}]",
                "attach_internet_gateway",
                internet_gateway_id=g["InternetGatewayId"],
                vpc_id=att["VpcId"],
            )


def addresses(ld: Loader, regs: list[Region]) -> None:
    for r, i, a in ld.each(regs, "Addresses", "AllocationId"):
        if (
            a.get("AllocationId")
            and ld.call(
                r, f"Addresses[{i}]", "allocate_address", a["AllocationId"], domain="vpc", tags=_tags(a)
            )
            is not None
        ):
            ld.name(a, a["AllocationId"])


def security_groups(ld: Loader, regs: list[Region]) -> None:
    for r, i, g in ld.each(regs, "SecurityGroups", "GroupId"):
        if g.get("GroupName") == "default" and g["GroupId"] in ld.world:
            ld.name(g, g["GroupId"])
            continue
        if (
            ld.call(
                r,
                f"SecurityGroups[{i}]",
                "create_security_group",
                g["GroupId"],
                account=g.get("OwnerId") or r.account,
                group_name=g["GroupName"],
                vpc_id=g.get("VpcId"),
                description=g.get("Description") or g["GroupName"],
                tags=_tags(g),
            )
            is not None
        ):
            ld.name(g, g["GroupId"])


_PERMISSION = {
    "ip_protocol",
    "from_port",
    "to_port",
    "ip_ranges",
    "ipv6_ranges",
    "prefix_list_ids",
    "user_id_group_pairs",
}
_PEERS = {"cidr_ip", "cidr_ipv6", "prefix_list_id", "group_id", "user_id", "description"}


def permission(p: dict[str, Any]) -> dict[str, Any]:
    """An AWS IpPermission (AWS casing) as the ControlPlane's keyword shape."""
    out: dict[str, Any] = {}
    for key, value in p.items():
        k = _snake(key)
        if k not in _PERMISSION:
            continue
        out[k] = (
            [{_snake(a): b for a, b in peer.items() if _snake(a) in _PEERS} for peer in value]
            if isinstance(value, list)
            else value
        )
    return {k: v for k, v in out.items() if v != []}


def security_group_rules(ld: Loader, regs: list[Region]) -> None:
    """Each group's rules become exactly the snapshot's: what CreateSecurityGroup added is revoked."""
    for r, i, g in ld.each(regs, "SecurityGroups", "GroupId"):
        sg = ld.world.get(g["GroupId"], SecurityGroup)
        if sg is None:
            continue
        for direction, key in (("ingress", "IpPermissions"), ("egress", "IpPermissionsEgress")):
            rules = getattr(sg, direction)
            if rules and ip_permissions(ld.world, rules) == g.get(key, []):
                continue  # the rules CreateSecurityGroup added (its allow-all egress) are the snapshot's
            have = [x.security_group_rule_id for x in rules]
            if have:
                ld.call(
                    r,
                    f"SecurityGroups[{i}].{key}",
                    f"revoke_security_group_{direction}",
                    account=sg.owner_id,
                    group_id=sg.id,
                    security_group_rule_ids=have,
                )
            perms = [permission(p) for p in g.get(key, [])]
            # all of a direction's permissions in one call (AWS applies them together, or none); when
            # AWS's rules refuse one, each is made alone so the report names the one refused
            if len(perms) > 1 and ld.quiet_call(
                r,
                f"authorize_security_group_{direction}",
                account=sg.owner_id,
                group_id=sg.id,
                ip_permissions=perms,
            ):
                continue
            for j, perm in enumerate(perms):
                ld.call(
                    r,
                    f"SecurityGroups[{i}].{key}[{j}]",
                    f"authorize_security_group_{direction}",
                    account=sg.owner_id,
                    group_id=sg.id,
                    ip_permissions=[perm],
                )


def _acl_entry(e: dict[str, Any]) -> dict[str, Any]:
    """CreateNetworkAclEntry's parameters (but the ACL's id) for a described entry."""
    params: dict[str, Any] = {
        "rule_number": e["RuleNumber"],
        "egress": e["Egress"],
        "protocol": e["Protocol"],
        "rule_action": e["RuleAction"],
    }
    if "CidrBlock" in e:
        params["cidr_block"] = e["CidrBlock"]
    if "Ipv6CidrBlock" in e:
        params["ipv6_cidr_block"] = e["Ipv6CidrBlock"]
    if "PortRange" in e:
        params["port_range"] = {"from": e["PortRange"]["From"], "to": e["PortRange"]["To"]}
    if "IcmpTypeCode" in e:
        params["icmp_type_code"] = {"type": e["IcmpTypeCode"]["Type"], "code": e["IcmpTypeCode"]["Code"]}
    return params


def network_acls(ld: Loader, regs: list[Region]) -> None:
    for r, i, a in ld.each(regs, "NetworkAcls", "NetworkAclId"):
        aid = a["NetworkAclId"]
        if (
            not (a.get("IsDefault") and aid in ld.world)
            and ld.call(
                r,
                f"NetworkAcls[{i}]",
                "create_network_acl",
                aid,
                account=a.get("OwnerId") or r.account,
                vpc_id=a["VpcId"],
                tags=_tags(a),
            )
            is None
        ):
            continue
        ld.name(a, aid)
        acl = ld.world.get(aid, NetworkAcl)
        described = [(j, e) for j, e in enumerate(a.get("Entries", [])) if e.get("RuleNumber", 0) < 32767]
        # the entries vpclab made with the ACL (a default ACL's allow-all rules) stay where the
        # snapshot holds them as they are; the others go, and the snapshot's are added
        shapes = [d for _, d in described]
        kept: set[tuple[int, bool]] = set()
        for e in list(acl.entries if acl is not None else ()):
            if e.rule_number >= 32767:  # the catch-all denies (32767 IPv4, 32768 IPv6) are AWS's
                continue
            if network_acl_entry(e) in shapes:
                kept.add((e.rule_number, e.egress))
                continue
            ld.call(
                r,
                f"NetworkAcls[{i}]",
                "delete_network_acl_entry",
                network_acl_id=aid,
                rule_number=e.rule_number,
                egress=e.egress,
            )
        entries = [(j, _acl_entry(e)) for j, e in described if (e["RuleNumber"], e["Egress"]) not in kept]
        # the ACL's entries in one call (each checked as CreateNetworkAclEntry checks it); when AWS's
        # rules refuse one, they are made one by one, so the report names each refused entry
        if entries and not ld.quiet_call(
            r,
            "create_network_acl_entries",
            account=a.get("OwnerId"),
            network_acl_id=aid,
            entries=[p for _, p in entries],
        ):
            for j, params in entries:
                ld.call(
                    r,
                    f"NetworkAcls[{i}].Entries[{j}]",
                    "create_network_acl_entry",
                    account=a.get("OwnerId"),
                    network_acl_id=aid,
                    **params,
                )
    for r, i, a in ld.each(regs, "NetworkAcls", "NetworkAclId"):  # associations, once every ACL exists
        for j, assoc in enumerate(a.get("Associations", [])):
            current = next(
                (
                    (x, y)
                    for x in ld.world.in_vpc(a["VpcId"], NetworkAcl)
                    for y in x.associations
                    if y.subnet_id == assoc.get("SubnetId")
                ),
                None,
            )
            if current is not None and current[0].id != a["NetworkAclId"]:
                ld.call(
                    r,
                    f"NetworkAcls[{i}].Associations[{j}]",
                    "replace_network_acl_association",
                    association_id=current[1].network_acl_association_id,
                    network_acl_id=a["NetworkAclId"],
                )


def route_tables(ld: Loader, regs: list[Region]) -> None:
    for r, i, t in ld.each(regs, "RouteTables", "RouteTableId"):
        tid = t["RouteTableId"]
        if (
            tid not in ld.world
            and ld.call(
                r,
                f"RouteTables[{i}]",
                "create_route_table",
                tid,
                account=t.get("OwnerId") or r.account,
                vpc_id=t["VpcId"],
                tags=_tags(t),
            )
            is None
        ):
            continue
        ld.name(t, tid)
        for j, assoc in enumerate(t.get("Associations", [])):
            if assoc.get("SubnetId"):
                ld.call(
                    r,
                    f"RouteTables[{i}].Associations[{j}]",
                    "associate_route_table",
                    route_table_id=tid,
                    subnet_id=assoc["SubnetId"],
                )


def peerings(ld: Loader, regs: list[Region]) -> None:
    seen: set[str] = set()
    for r, i, p in ld.each(regs, "VpcPeeringConnections"):
        pid = p["VpcPeeringConnectionId"]
        status = p.get("Status", {}).get("Code")
        if pid in seen or status in ("deleted", "rejected", "failed", "expired"):
            continue
        seen.add(pid)
        req, acc = p["RequesterVpcInfo"], p["AccepterVpcInfo"]
        made = ld.call(
            r,
            f"VpcPeeringConnections[{i}]",
            "create_vpc_peering_connection",
            pid,
            account=req.get("OwnerId"),
            region=req.get("Region") or r.region,
            vpc_id=req["VpcId"],
            peer_vpc_id=acc["VpcId"],
            peer_owner_id=acc.get("OwnerId"),
            peer_region=acc.get("Region"),
        )
        if made is None:
            continue
        ld.name(p, pid)
        if status == "active":
            ld.call(
                r,
                f"VpcPeeringConnections[{i}].Status",
                "accept_vpc_peering_connection",
                account=acc.get("OwnerId"),
                region=acc.get("Region") or r.region,
                vpc_peering_connection_id=pid,
            )


def nat_gateways(ld: Loader, regs: list[Region]) -> None:
    for r, i, n in ld.each(regs, "NatGateways", "NatGatewayId"):
        if n.get("State") in ("deleted", "deleting", "failed"):
            continue
        addr = (n.get("NatGatewayAddresses") or [{}])[0]
        params: dict[str, Any] = {
            "subnet_id": n["SubnetId"],
            "connectivity_type": n.get("ConnectivityType", "public"),
            "tags": _tags(n),
        }
        if addr.get("AllocationId"):
            params["allocation_id"] = addr["AllocationId"]
        if addr.get("PrivateIp"):
            params["private_ip_address"] = addr["PrivateIp"]
        if (
            ld.call(
                r,
                f"NatGateways[{i}]",
                "create_nat_gateway",
                n["NatGatewayId"],
                addr.get("NetworkInterfaceId"),
                **params,
            )
            is not None
        ):
            ld.name(n, n["NatGatewayId"])


def _groups(x: dict[str, Any]) -> list[str]:
    return [g["GroupId"] for g in x.get("Groups", [])]


def network_interfaces(ld: Loader, regs: list[Region]) -> None:
    """Interfaces a user made (not an instance's primary one, not one AWS made for a service)."""
    for r, i, e in ld.each(regs, "NetworkInterfaces", "NetworkInterfaceId"):
        att = e.get("Attachment") or {}
        if (
            e["NetworkInterfaceId"] in ld.world
            or e.get("RequesterManaged")
            or att.get("DeviceIndex") == 0
            or e.get("InterfaceType", "interface") != "interface"
        ):
            continue
        params: dict[str, Any] = {"subnet_id": e["SubnetId"], "groups": _groups(e), "tags": _tags(e)}
        if e.get("PrivateIpAddress"):
            params["private_ip_address"] = e["PrivateIpAddress"]
        if (
            ld.call(
                r, f"NetworkInterfaces[{i}]", "create_network_interface", e["NetworkInterfaceId"], **params
            )
            is None
        ):
            continue
        ld.name(e, e["NetworkInterfaceId"])
        if e.get("SourceDestCheck") is False:
            ld.call(
                r,
                f"NetworkInterfaces[{i}].SourceDestCheck",
                "modify_network_interface_attribute",
                network_interface_id=e["NetworkInterfaceId"],
                source_dest_check=False,
            )


def _image(ld: Loader, r: Region, image_id: str) -> str:
    """The instance's AMI, or (an AMI outside vpclab's image catalogue: a real account's own, another
    emulator's) the Region's first catalogue image standing in for it, counted in the report. The
    image plays no part in reachability; the instance, its interface and groups do."""
    from ..model.images import find_image, images

    if find_image(r.region, image_id) is not None or not images(r.region):
        return image_id
    ld.report.not_loaded["Instances' ImageId (not in vpclab's catalogue: a catalogue image stands in)"] += 1
    return images(r.region)[0].image_id


def instances(ld: Loader, regs: list[Region]) -> None:
    for r, i, inst in ld.each(regs, "Instances", "InstanceId"):
        if inst.get("State", {}).get("Name") in ("terminated", "shutting-down"):
            continue
        nics = sorted(
            inst.get("NetworkInterfaces", []), key=lambda n: (n.get("Attachment") or {}).get("DeviceIndex", 0)
        )
        primary = nics[0] if nics else {}
        nic: dict[str, Any] = {
            "device_index": 0,
            "subnet_id": inst.get("SubnetId") or primary.get("SubnetId"),
        }
        groups = _groups(primary) or _groups(inst)
        if groups:
            nic["groups"] = groups
        if inst.get("PrivateIpAddress"):
            nic["private_ip_address"] = inst["PrivateIpAddress"]
        if inst.get("PublicIpAddress") and not (primary.get("Association") or {}).get("AllocationId"):
            nic["associate_public_ip_address"] = True
        res = ld.call(
            r,
            f"Reservations[*].Instances[{i}]",
            "run_instances",
            inst["InstanceId"],
            primary.get("NetworkInterfaceId"),
            image_id=_image(ld, r, inst.get("ImageId", "")),
            instance_type=inst.get("InstanceType", "t3.micro"),
            min_count=1,
            max_count=1,
            tags=_tags(inst),
            network_interfaces=[nic],
        )
        if res is None:
            continue
        ld.name(inst, inst["InstanceId"])
        if inst.get("SourceDestCheck") is False:
            ld.call(
                r,
                f"Reservations[*].Instances[{i}].SourceDestCheck",
                "modify_instance_attribute",
                instance_id=inst["InstanceId"],
                source_dest_check=False,
            )
    for r, i, e in ld.each(
        regs, "NetworkInterfaces", "NetworkInterfaceId"
    ):  # Elastic IPs on loaded interfaces
        alloc = (e.get("Association") or {}).get("AllocationId")
        eni = ld.world.get(e["NetworkInterfaceId"], NetworkInterface)
        if alloc and eni is not None and alloc in ld.world and not e.get("RequesterManaged"):
            ld.call(
                r,
                f"NetworkInterfaces[{i}].Association",
                "associate_address",
                allocation_id=alloc,
                network_interface_id=eni.id,
            )


def routes(ld: Loader, regs: list[Region]) -> None:
    for r, i, t in ld.each(regs, "RouteTables", "RouteTableId"):
        if t["RouteTableId"] not in ld.world:
            continue
        for j, route in enumerate(t.get("Routes", [])):
            if route.get("Origin") != "CreateRoute":
                continue  # local routes come with the VPC, propagated ones from their gateway
            where = next(
                (
                    {_snake(k): route[k]}
                    for k in ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")
                    if k in route
                ),
                None,
            )
            gw = route.get("GatewayId", "")
            target = next(({ROUTE_TARGETS[k]: route[k]} for k in ROUTE_TARGETS if k in route), None)
            if target is None and gw.startswith(("igw-", "vgw-")):
                target = {"gateway_id": gw}
            endpoint = ld.world.get(gw, VpcEndpoint) if gw.startswith("vpce-") else None
            if (
                target is None
                and endpoint is not None
                and endpoint.vpc_endpoint_type == "GatewayLoadBalancer"
            ):
                target = {"vpc_endpoint_id": gw}
            if target is None or where is None:
                if not gw.startswith("vpce-"):  # a gateway endpoint's routes belong to the endpoint
                    ld.report.not_loaded["RouteTables[].Routes (target not modelled)"] += 1
                continue
            ld.call(
                r,
                f"RouteTables[{i}].Routes[{j}]",
                "create_route",
                account=t.get("OwnerId") or r.account,
                route_table_id=t["RouteTableId"],
                **where,
                **target,
            )
