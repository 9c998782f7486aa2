"""Snapshot steps for load balancing and PrivateLink: network and gateway load balancers (elbv2),
their target groups, targets and listeners, endpoint services and their allowed principals, and
VPC endpoints (gateway, interface, Gateway Load Balancer), made through the ControlPlane with AWS's
ids pinned: an ELB ARN's last element is the id's hex (``net-0`` + it, ``tg-0`` + it), and each
interface AWS made for a load balancer or an endpoint keeps its ``eni-`` id.
"""

from __future__ import annotations

from typing import Any

from ..model.endpoints import VpcEndpoint
from .snapshot_load import Loader, _tags
from .snapshot_read import Region

_LB_PREFIX = {"loadbalancer": "net", "targetgroup": "tg", "listener": "lsnr"}


def arn_id(arn: str) -> str:
    """The vpclab id an ELB ARN pins (``…:targetgroup/web/0123456789abcdef`` → ``tg-00123…``)."""
    kind = arn.split(":", 5)[-1].split("/", 1)[0]
    return f"{_LB_PREFIX.get(kind, 'net')}-0{arn.rsplit('/', 1)[-1]}"


def _lb_interfaces(r: Region, lb: dict[str, Any]) -> list[str]:
    """The interfaces AWS made for a load balancer (their Description names it), in subnet order."""
    kind = "gwy" if lb.get("Type") == "gateway" else "net"
    desc = f"ELB {kind}/{lb['LoadBalancerName']}/{lb['LoadBalancerArn'].rsplit('/', 1)[-1]}"
    by_subnet = {
        e.get("SubnetId"): e["NetworkInterfaceId"]
        for e in r.items.get("NetworkInterfaces", [])
        if e.get("Description") == desc
    }
    subnets = [z.get("SubnetId") for z in lb.get("AvailabilityZones", [])]
    return [by_subnet[s] for s in subnets if s in by_subnet]


def load_balancers(ld: Loader, regs: list[Region]) -> None:
    for r, i, lb in ld.each(regs, "LoadBalancers", "LoadBalancerArn"):
        if lb.get("Type") not in ("network", "gateway"):
            ld.report.not_loaded[f"LoadBalancers ({lb.get('Type')})"] += 1
            continue
        params: dict[str, Any] = {
            "name": lb["LoadBalancerName"],
            "subnets": [z["SubnetId"] for z in lb.get("AvailabilityZones", [])],
            "type": lb["Type"],
        }
        if lb["Type"] == "network":
            params |= {
                "scheme": lb.get("Scheme", "internal"),
                "ip_address_type": lb.get("IpAddressType", "ipv4"),
            }
            if lb.get("SecurityGroups"):
                params["security_groups"] = lb["SecurityGroups"]
        made = ld.call(
            r,
            f"LoadBalancers[{i}]",
            "create_load_balancer",
            arn_id(lb["LoadBalancerArn"]),
            *_lb_interfaces(r, lb),
            **params,
        )
        if made is None:
            continue
        # (not named: DescribeLoadBalancers shows no tags, and a load balancer's own name is no
        # Name tag — a network's names are what the network's own resources are tagged with)
        if lb.get("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic") == "off" and lb.get(
            "SecurityGroups"
        ):
            ld.call(
                r,
                f"LoadBalancers[{i}].EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic",
                "set_security_groups",
                load_balancer_arn=made.arn,
                security_groups=lb["SecurityGroups"],
                enforce_security_group_inbound_rules_on_private_link_traffic="off",
            )
        attrs = {
            a["Key"]: a["Value"]
            for a in r.per_item.get("Attributes", {}).get(lb["LoadBalancerArn"], {}).get("Attributes", [])
        }
        if attrs.get("load_balancing.cross_zone.enabled") == "true":
            ld.call(
                r,
                f"{lb['LoadBalancerArn']}.Attributes",
                "modify_load_balancer_attributes",
                load_balancer_arn=made.arn,
                attributes={"load_balancing.cross_zone.enabled": "true"},
            )


def target_groups(ld: Loader, regs: list[Region]) -> None:
    """Target groups with their registered targets (DescribeTargetHealth), then every listener."""
    for r, i, tg in ld.each(regs, "TargetGroups", "TargetGroupArn"):
        params: dict[str, Any] = {
            "name": tg["TargetGroupName"],
            "protocol": tg.get("Protocol", "TCP"),
            "port": tg.get("Port", 80),
            "vpc_id": tg.get("VpcId"),
            "target_type": tg.get("TargetType", "instance"),
        }
        if tg.get("HealthCheckPort") and tg["HealthCheckPort"] != "traffic-port":
            params["health_check_port"] = tg["HealthCheckPort"]
        made = ld.call(r, f"TargetGroups[{i}]", "create_target_group", arn_id(tg["TargetGroupArn"]), **params)
        if made is None:
            continue
        health = r.per_item.get("TargetHealthDescriptions", {}).get(tg["TargetGroupArn"], {})
        targets = [
            {k: v for k, v in (("id", t["Target"]["Id"]), ("port", t["Target"].get("Port"))) if v is not None}
            for t in health.get("TargetHealthDescriptions", [])
        ]
        if tg.get("Protocol") == "GENEVE":  # a GENEVE group's targets take no port
            targets = [{"id": t["id"]} for t in targets]
        if targets:
            ld.call(
                r,
                f"{tg['TargetGroupArn']}.TargetHealthDescriptions",
                "register_targets",
                target_group_arn=made.arn,
                targets=targets,
            )
    for r in regs:
        for lb_arn, body in r.per_item.get("Listeners", {}).items():
            for j, li in enumerate(body.get("Listeners", [])):
                actions = [
                    {"type": a["Type"].lower(), "target_group_arn": a["TargetGroupArn"]}
                    for a in li.get("DefaultActions", [])
                    if a.get("TargetGroupArn")
                ]
                params = {k: li[m] for k, m in (("protocol", "Protocol"), ("port", "Port")) if li.get(m)}
                ld.call(
                    r,
                    f"{lb_arn}.Listeners[{j}]",
                    "create_listener",
                    arn_id(li["ListenerArn"]),
                    load_balancer_arn=lb_arn,
                    default_actions=actions,
                    **params,
                )


def endpoint_services(ld: Loader, regs: list[Region]) -> None:
    for r, i, s in ld.each(regs, "ServiceConfigurations", "ServiceId"):
        if s.get("ServiceState") in ("Deleting", "Deleted", "Failed"):
            continue
        gateway = any(t.get("ServiceType") == "GatewayLoadBalancer" for t in s.get("ServiceType", []))
        params: dict[str, Any] = {
            "acceptance_required": bool(s.get("AcceptanceRequired")),
            "supported_ip_address_types": s.get("SupportedIpAddressTypes") or ["ipv4"],
            "tags": _tags(s),
        }
        if gateway:
            params["gateway_load_balancer_arns"] = s.get("GatewayLoadBalancerArns", [])
        else:
            params["network_load_balancer_arns"] = s.get("NetworkLoadBalancerArns", [])
        if s.get("PrivateDnsName") and not gateway:
            params["private_dns_name"] = s["PrivateDnsName"]
        made = ld.call(
            r,
            f"ServiceConfigurations[{i}]",
            "create_vpc_endpoint_service_configuration",
            s["ServiceId"],
            **params,
        )
        if made is None:
            continue
        ld.name(s, s["ServiceId"])
        allowed = [
            p["Principal"]
            for p in r.per_item.get("AllowedPrincipals", {})
            .get(s["ServiceId"], {})
            .get("AllowedPrincipals", [])
            if p.get("Principal")
        ]
        if allowed:
            ld.call(
                r,
                f"{s['ServiceId']}.AllowedPrincipals",
                "modify_vpc_endpoint_service_permissions",
                service_id=s["ServiceId"],
                add_allowed_principals=allowed,
            )


def vpc_endpoints(ld: Loader, regs: list[Region]) -> None:
    """Gateway endpoints (their routes come with them), interface and Gateway Load Balancer endpoints
    (their interfaces keep AWS's ids), accepted by the service's owner when the snapshot says so."""
    for r, i, e in ld.each(regs, "VpcEndpoints", "VpcEndpointId"):
        if str(e.get("State", "available")).lower() in (
            "deleted",
            "deleting",
            "failed",
            "rejected",
            "expired",
        ):
            continue
        kind = e.get("VpcEndpointType", "Gateway")
        params: dict[str, Any] = {
            "vpc_id": e["VpcId"],
            "service_name": e["ServiceName"],
            "vpc_endpoint_type": kind,
            "tags": _tags(e),
        }
        if kind == "Gateway":
            params["route_table_ids"] = e.get("RouteTableIds", [])
        else:
            params["subnet_ids"] = e.get("SubnetIds", [])
            groups = [g["GroupId"] for g in e.get("Groups", [])]
            if groups:
                params["security_group_ids"] = groups
            if kind == "Interface":
                params["private_dns_enabled"] = bool(e.get("PrivateDnsEnabled", False))
        if e.get("IpAddressType"):
            params["ip_address_type"] = e["IpAddressType"]
        record = (e.get("DnsOptions") or {}).get("DnsRecordIpType")
        if record and kind != "Gateway" and record != "service-defined":
            params["dns_options"] = {"dns_record_ip_type": record}
        made = ld.call(
            r,
            f"VpcEndpoints[{i}]",
            "create_vpc_endpoint",
            e["VpcEndpointId"],
            *e.get("NetworkInterfaceIds", []),
            account=e.get("OwnerId") or r.account,
            **params,
        )
        if made is None:
            continue
        ld.name(e, e["VpcEndpointId"])
        vpce = ld.world.get(e["VpcEndpointId"], VpcEndpoint)
        wanted = str(e.get("State", "")).lower()
        if (
            vpce is not None
            and vpce.service_id
            and str(vpce.state).lower() == "pendingacceptance"
            and wanted == "available"
        ):
            svc = ld.world.get(vpce.service_id)
            if svc is not None:
                ld.call(
                    r,
                    f"VpcEndpoints[{i}].State",
                    "accept_vpc_endpoint_connections",
                    account=svc.owner_id,
                    region=svc.region,
                    service_id=vpce.service_id,
                    vpc_endpoint_ids=[e["VpcEndpointId"]],
                )
