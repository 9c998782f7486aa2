"""Elastic Load Balancing v2 (service ``elasticloadbalancing``, botocore model ``elbv2``): the network
load balancers, target groups, targets and listeners that stand behind a PrivateLink endpoint service,
and the gateway load balancers (GENEVE target groups, a listener without protocol or port) that stand
behind a Gateway Load Balancer endpoint service.

AWS: "Network Load Balancers" (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/) and
the Elastic Load Balancing API reference. Errors answer in the Query protocol's ``<ErrorResponse>``
envelope with ELB's codes (``LoadBalancerNotFound``, ``TargetGroupNotFound``, ``ValidationError``, …).
vpclab runs no health checks: a registered IP target, or a registered instance that is running, is
``healthy``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from ...control.gateway_load_balancer import default_health_check
from ...control.load_balancer import elb_resource, load_balancer_attributes, target_group_attributes
from ...control.tags import validate_tags
from ...core.errors import AwsError
from ...model.interfaces import Instance, NetworkInterface
from ...model.load_balancer import (
    Listener,
    LoadBalancer,
    TargetGroup,
    listeners_of,
    load_balancer_by_arn,
    target_group_by_arn,
)
from ...model.world import World
from ..registry import Call, control_kwargs, handler, tag_map

Shape = dict[str, Any]
SERVICE = "elbv2"


# -- shapes --------------------------------------------------------------------------------------
def load_balancer(world: World, lb: LoadBalancer) -> Shape:
    zones = []
    for subnet_id, az, eni_id in zip(
        lb.subnet_ids, lb.availability_zones, lb.network_interface_ids, strict=False
    ):
        eni = world.get(eni_id, NetworkInterface)
        zone: Shape = {"ZoneName": az, "SubnetId": subnet_id}
        if eni is not None:
            address: Shape = {"PrivateIPv4Address": eni.private_ip_address}
            if eni.ipv6_addresses:
                address["IPv6Address"] = eni.ipv6_addresses[0]
            zone["LoadBalancerAddresses"] = [address]
        zones.append(zone)
    out: Shape = {
        "LoadBalancerArn": lb.arn,
        "DNSName": lb.dns_name,
        "LoadBalancerName": lb.load_balancer_name,
        "VpcId": lb.vpc_id,
        "State": {"Code": lb.state},
        "Type": lb.type,
        "AvailabilityZones": zones,
        "IpAddressType": lb.ip_address_type,
    }
    if not lb.is_gateway:  # a gateway load balancer has no scheme
        out["Scheme"] = lb.scheme
    if lb.create_time is not None:
        out["CreatedTime"] = lb.create_time
    if lb.security_groups:
        out["SecurityGroups"] = list(lb.security_groups)
        out["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] = lb.enforce_private_link_inbound_rules
    return out


def target_group(world: World, tg: TargetGroup) -> Shape:
    lbs = sorted(
        {
            lb.arn
            for ls in world.all(Listener)
            if tg.arn in ls.target_group_arns
            for lb in [world.get(ls.load_balancer_id, LoadBalancer)]
            if lb is not None
        }
    )
    # the health check settings given at creation, else AWS's defaults for the protocol
    hc = default_health_check(tg)
    out: Shape = {
        "TargetGroupArn": tg.arn,
        "TargetGroupName": tg.target_group_name,
        "Protocol": tg.protocol,
        "Port": tg.port,
        "VpcId": tg.vpc_id,
        "HealthCheckProtocol": hc.protocol,
        "HealthCheckPort": hc.port,
        "HealthCheckEnabled": hc.enabled,
        "HealthCheckIntervalSeconds": hc.interval_seconds,
        "HealthCheckTimeoutSeconds": hc.timeout_seconds,
        "HealthyThresholdCount": hc.healthy_threshold_count,
        "UnhealthyThresholdCount": hc.unhealthy_threshold_count,
        "LoadBalancerArns": lbs,
        "TargetType": tg.target_type,
        "IpAddressType": "ipv4",
    }
    if hc.path is not None:
        out["HealthCheckPath"] = hc.path
    return out


def listener(world: World, ls: Listener) -> Shape:
    lb = world.get(ls.load_balancer_id, LoadBalancer)
    out: Shape = {
        "ListenerArn": ls.arn_in(world),
        "LoadBalancerArn": lb.arn if lb is not None else None,
        "DefaultActions": [{"Type": "forward", "TargetGroupArn": arn} for arn in ls.target_group_arns],
    }
    if ls.protocol:  # a gateway load balancer's listener has neither protocol nor port
        out["Port"] = ls.port
        out["Protocol"] = ls.protocol
    return out


# -- requests ------------------------------------------------------------------------------------
def _kwargs(call: Call, name: str) -> dict[str, Any]:
    """The request as the ControlPlane action's keyword arguments; ELB's ``Tags`` list → ``tags``."""
    params = {k: v for k, v in call.params.items() if k != "Tags"}
    kwargs = control_kwargs(replace(call, params=params), name)
    if call.params.get("Tags"):
        kwargs["tags"] = tag_map(call.params["Tags"], "Tags.member")
    return kwargs


def _mine(call: Call, res: Any) -> bool:
    return bool(res.visible_to(call.world, call.account_id, call.region))


def _page(call: Call, items: list[Any]) -> tuple[list[Any], str | None]:
    """ELB's paging: ``PageSize`` (1–400) and an opaque ``Marker``."""
    start = 0
    marker = call.params.get("Marker")
    if marker:
        try:
            start = int(base64.urlsafe_b64decode(marker.encode()).decode().split("|", 1)[1])
        except (ValueError, IndexError, binascii.Error, UnicodeDecodeError):
            # ELB's code for a bad marker; the wording is vpclab's
            raise AwsError("ValidationError", f"The marker '{marker}' is not valid") from None
    size = call.params.get("PageSize")
    if size is None:
        return items[start:], None
    if not 1 <= size <= 400:
        raise AwsError("ValidationError", f"Page size '{size}' must be between 1 and 400")
    end = start + size
    nxt = base64.urlsafe_b64encode(f"{call.action}|{end}".encode()).decode() if end < len(items) else None
    return items[start:end], nxt


def _paged(call: Call, key: str, items: list[Any], shape: Callable[[World, Any], Shape]) -> Shape:
    chunk, nxt = _page(call, items)
    out: Shape = {key: [shape(call.world, i) for i in chunk]}
    if nxt:
        out["NextMarker"] = nxt
    return out


def _by_arns(
    items: list[Any], arns: Sequence[str], arn: Callable[[Any], str], not_found: tuple[str, str]
) -> list[Any]:
    by = {arn(i): i for i in items}
    if any(a not in by for a in arns):
        raise AwsError(*not_found)
    return [by[a] for a in dict.fromkeys(arns)]


def _by_names(
    items: list[Any], names: Sequence[str], name: Callable[[Any], str], code: str, noun: str
) -> list[Any]:
    found = [i for i in items if name(i) in set(names)]
    missing = [n for n in names if n not in {name(i) for i in found}]
    if missing:
        # ELB's wording: "Load balancers '[my-lb]' not found"
        raise AwsError(code, f"{noun} '[{', '.join(missing)}]' not found")
    return found


# -- load balancers ------------------------------------------------------------------------------
@handler("CreateLoadBalancer", service=SERVICE)
def create_load_balancer(call: Call) -> Shape:
    lb = call.cp.create_load_balancer(**_kwargs(call, "create_load_balancer"))
    return {"LoadBalancers": [load_balancer(call.world, lb)]}


@handler("DescribeLoadBalancers", service=SERVICE)
def describe_load_balancers(call: Call) -> Shape:
    items = [lb for lb in call.world.all(LoadBalancer) if _mine(call, lb)]
    arns, names = call.params.get("LoadBalancerArns"), call.params.get("Names")
    if arns and names:
        raise AwsError(
            "ValidationError",
            "Load balancer names and load balancer ARNs cannot be specified at the same time",
        )
    if arns:
        items = _by_arns(items, arns, lambda lb: lb.arn, LoadBalancer.NOT_FOUND)
    elif names:
        items = _by_names(
            items, names, lambda lb: lb.load_balancer_name, "LoadBalancerNotFound", "Load balancers"
        )
    return _paged(call, "LoadBalancers", items, load_balancer)


@handler("SetIpAddressType", service=SERVICE)
def set_ip_address_type(call: Call) -> Shape:
    lb = call.cp.set_ip_address_type(**_kwargs(call, "set_ip_address_type"))
    return {"IpAddressType": lb.ip_address_type}


@handler("SetSecurityGroups", service=SERVICE)
def set_security_groups(call: Call) -> Shape:
    lb = call.cp.set_security_groups(**_kwargs(call, "set_security_groups"))
    return {"SecurityGroupIds": list(lb.security_groups),
            "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic": lb.enforce_private_link_inbound_rules}


set_security_groups.via = "ControlPlane.set_security_groups"  # type: ignore[attr-defined]


@handler("DeleteLoadBalancer", service=SERVICE)
def delete_load_balancer(call: Call) -> Shape:
    call.cp.delete_load_balancer(load_balancer_arn=call.params["LoadBalancerArn"])
    return {}


# -- target groups and targets -------------------------------------------------------------------
@handler("CreateTargetGroup", service=SERVICE)
def create_target_group(call: Call) -> Shape:
    for param in ("Protocol", "Port", "VpcId"):
        if param not in call.params:
            # a network load balancer target group (instance or ip) needs all three
            raise AwsError("ValidationError", f"A {param.lower()} must be specified")
    tg = call.cp.create_target_group(**_kwargs(call, "create_target_group"))
    return {"TargetGroups": [target_group(call.world, tg)]}


@handler("DescribeTargetGroups", service=SERVICE)
def describe_target_groups(call: Call) -> Shape:
    items = [tg for tg in call.world.all(TargetGroup) if _mine(call, tg)]
    lb_arn = call.params.get("LoadBalancerArn")
    if lb_arn:
        lb = load_balancer_by_arn(call.world, lb_arn)
        if lb is None or not _mine(call, lb):
            raise AwsError(*LoadBalancer.NOT_FOUND)
        used = {arn for ls in listeners_of(call.world, lb.id) for arn in ls.target_group_arns}
        items = [tg for tg in items if tg.arn in used]
    arns, names = call.params.get("TargetGroupArns"), call.params.get("Names")
    if arns:
        items = _by_arns(items, arns, lambda tg: tg.arn, TargetGroup.NOT_FOUND)
    elif names:
        items = _by_names(
            items, names, lambda tg: tg.target_group_name, "TargetGroupNotFound", "Target groups"
        )
    return _paged(call, "TargetGroups", items, target_group)


def _targets(call: Call) -> list[dict[str, Any]]:
    return [
        {"id": t["Id"], "port": t.get("Port"), "availability_zone": t.get("AvailabilityZone")}
        for t in call.params["Targets"]
    ]


@handler("RegisterTargets", service=SERVICE)
def register_targets(call: Call) -> Shape:
    call.cp.register_targets(target_group_arn=call.params["TargetGroupArn"], targets=_targets(call))
    return {}


@handler("DeregisterTargets", service=SERVICE)
def deregister_targets(call: Call) -> Shape:
    call.cp.deregister_targets(target_group_arn=call.params["TargetGroupArn"], targets=_targets(call))
    return {}


def _health(world: World, tg: TargetGroup, target_id: str, port: int, registered: bool) -> Shape:
    hc_port = default_health_check(tg).port
    desc: Shape = {"Target": {"Id": target_id, "Port": port},
                   "HealthCheckPort": str(port) if hc_port == "traffic-port" else hc_port}
    if not registered:
        desc["TargetHealth"] = {
            "State": "unused",
            "Reason": "Target.NotRegistered",
            "Description": "Target is not registered to the target group",
        }
        return desc
    inst = world.get(target_id, Instance) if tg.target_type == "instance" else None
    if inst is not None and inst.state != "running":
        desc["TargetHealth"] = {
            "State": "unused",
            "Reason": "Target.InvalidState",
            "Description": "Target is in the stopped state",
        }
    else:
        desc["TargetHealth"] = {"State": "healthy"}
    return desc


@handler("DescribeTargetHealth", service=SERVICE)
def describe_target_health(call: Call) -> Shape:
    tg = target_group_by_arn(call.world, call.params["TargetGroupArn"])
    if tg is None or not _mine(call, tg):
        raise AwsError(*TargetGroup.NOT_FOUND)
    asked = call.params.get("Targets")
    if not asked:
        rows = [_health(call.world, tg, t.id, t.port, True) for t in tg.targets]
    else:
        rows = []
        for t in asked:
            port = t.get("Port")
            hits = [r for r in tg.targets if r.id == t["Id"] and port in (None, r.port)]
            if hits:
                rows += [_health(call.world, tg, r.id, r.port, True) for r in hits]
            else:
                rows.append(_health(call.world, tg, t["Id"], port or tg.port, False))
    return {"TargetHealthDescriptions": rows}


# -- listeners -----------------------------------------------------------------------------------
@handler("CreateListener", service=SERVICE)
def create_listener(call: Call) -> Shape:
    # a network load balancer's listener needs Protocol and Port, a gateway one takes neither:
    # control.gateway_load_balancer.check_listener
    ls = call.cp.create_listener(**_kwargs(call, "create_listener"))
    return {"Listeners": [listener(call.world, ls)]}


@handler("DescribeListeners", service=SERVICE)
def describe_listeners(call: Call) -> Shape:
    lb_arn, arns = call.params.get("LoadBalancerArn"), call.params.get("ListenerArns")
    if not lb_arn and not arns:
        raise AwsError("ValidationError", "You must specify either listener ARNs or a load balancer ARN")
    items = [ls for ls in call.world.all(Listener) if _mine(call, ls)]
    if lb_arn:
        lb = load_balancer_by_arn(call.world, lb_arn)
        if lb is None or not _mine(call, lb):
            raise AwsError(*LoadBalancer.NOT_FOUND)
        items = [ls for ls in items if ls.load_balancer_id == lb.id]
    if arns:
        items = _by_arns(items, arns, lambda ls: ls.arn_in(call.world), Listener.NOT_FOUND)
    return _paged(call, "Listeners", items, listener)


# -- attributes ----------------------------------------------------------------------------------
def _attribute_list(attributes: dict[str, str]) -> list[Shape]:
    return [{"Key": k, "Value": v} for k, v in attributes.items()]


def _attributes_param(call: Call) -> dict[str, str]:
    return {a["Key"]: a.get("Value", "") for a in call.params.get("Attributes") or ()}


@handler("DescribeLoadBalancerAttributes", service=SERVICE)
def describe_load_balancer_attributes(call: Call) -> Shape:
    lb = load_balancer_by_arn(call.world, call.params["LoadBalancerArn"])
    if lb is None or not _mine(call, lb):
        raise AwsError(*LoadBalancer.NOT_FOUND)
    return {"Attributes": _attribute_list(load_balancer_attributes(lb))}


@handler("ModifyLoadBalancerAttributes", service=SERVICE)
def modify_load_balancer_attributes(call: Call) -> Shape:
    lb = call.cp.modify_load_balancer_attributes(
        load_balancer_arn=call.params["LoadBalancerArn"], attributes=_attributes_param(call))
    return {"Attributes": _attribute_list(load_balancer_attributes(lb))}


@handler("DescribeTargetGroupAttributes", service=SERVICE)
def describe_target_group_attributes(call: Call) -> Shape:
    tg = target_group_by_arn(call.world, call.params["TargetGroupArn"])
    if tg is None or not _mine(call, tg):
        raise AwsError(*TargetGroup.NOT_FOUND)
    return {"Attributes": _attribute_list(target_group_attributes(tg))}


@handler("ModifyTargetGroupAttributes", service=SERVICE)
def modify_target_group_attributes(call: Call) -> Shape:
    tg = call.cp.modify_target_group_attributes(
        target_group_arn=call.params["TargetGroupArn"], attributes=_attributes_param(call))
    return {"Attributes": _attribute_list(target_group_attributes(tg))}


# -- tags ----------------------------------------------------------------------------------------
#: DescribeTags: "You can specify up to 20 resources in a single call." (API reference, DescribeTags)
MAX_DESCRIBE_TAGS_ARNS = 20


@handler("AddTags", service=SERVICE)
def add_tags(call: Call) -> Shape:
    given = call.params.get("Tags") or []
    keys = [t["Key"] for t in given]
    dup = next((k for k in keys if keys.count(k) > 1), None)
    if dup is not None:
        # AddTags' documented DuplicateTagKeys: "A tag key was specified more than once."
        raise AwsError("DuplicateTagKeys", f"Tag key '{dup}' was specified more than once")
    tags = {t["Key"]: t.get("Value", "") for t in given}
    try:
        validate_tags(tags)
    except AwsError as exc:
        # the same restrictions as EC2's tags, answered with ELB's ValidationError
        raise AwsError("ValidationError", exc.message) from None
    call.cp.add_elb_tags(resource_arns=call.params["ResourceArns"], tags=tags)
    return {}


@handler("RemoveTags", service=SERVICE)
def remove_tags(call: Call) -> Shape:
    call.cp.remove_elb_tags(resource_arns=call.params["ResourceArns"], tag_keys=call.params["TagKeys"])
    return {}


@handler("DescribeTags", service=SERVICE)
def describe_tags(call: Call) -> Shape:
    arns = call.params["ResourceArns"]
    if len(arns) > MAX_DESCRIBE_TAGS_ARNS:
        raise AwsError("ValidationError",
                       f"You can specify up to {MAX_DESCRIBE_TAGS_ARNS} resources in a single call")
    ctx = call.cp.ctx
    out = []
    for arn in dict.fromkeys(arns):
        res = elb_resource(ctx, arn)
        out.append({"ResourceArn": arn, "Tags": [{"Key": k, "Value": v} for k, v in res.tags.items()]})
    return {"TagDescriptions": out}
