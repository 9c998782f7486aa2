"""VPC endpoints (gateway and interface) and PrivateLink endpoint services, permissions and connections.

AWS: "AWS PrivateLink" guide (https://docs.aws.amazon.com/vpc/latest/privatelink/) and the EC2 API
reference of each action. The consumer sees its endpoints (DescribeVpcEndpoints); the provider sees
its services, their permissions and the endpoints connected to them (DescribeVpcEndpointConnections);
DescribeVpcEndpointServices shows the Region's AWS services and the user services that allow the
caller.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ...core.errors import AwsError
from ...model.endpoints import (
    GATEWAY_SERVICES,
    INTERFACE_SERVICES,
    WILDCARD_DNS_SERVICES,
    UnsuccessfulItem,
    VpcEndpoint,
    VpcEndpointService,
    aws_service_ip_address_types,
    endpoint_connections,
    service_names_for,
)
from ...model.regions import zones
from ...model.security_group import SecurityGroup
from ...model.world import World
from .. import shapes
from ..describe import Kind, describe, describe_handler
from ..registry import Call, handler, mutating

Shape = dict[str, Any]

#: the policy AWS attaches when CreateVpcEndpoint names none ("full access to the service")
DEFAULT_POLICY = (
    '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}'
)


# -- shapes --------------------------------------------------------------------------------------
def vpc_endpoint(world: World, e: VpcEndpoint) -> Shape:
    groups = []
    for gid in e.groups:
        sg = world.get(gid, SecurityGroup)
        groups.append({"GroupId": gid, "GroupName": sg.group_name if sg is not None else ""})
    policy = e.policy_document
    if policy is None and e.service_id is None:
        # AWS services take endpoint policies; user endpoint services do not
        policy = DEFAULT_POLICY
    out: Shape = {
        "VpcEndpointId": e.id,
        "VpcEndpointType": e.vpc_endpoint_type,
        "VpcId": e.vpc_id,
        "ServiceName": e.service_name,
        "State": e.state,
        "RouteTableIds": list(e.route_table_ids),
        "SubnetIds": list(e.subnet_ids),
        "Groups": groups,
        "PrivateDnsEnabled": e.private_dns_enabled,
        "RequesterManaged": False,
        "NetworkInterfaceIds": list(e.network_interface_ids),
        "DnsEntries": [dns_entry(d, e.region) for d in e.dns_entries],
        "OwnerId": e.owner_id,
    }
    if e.create_time is not None:
        out["CreationTimestamp"] = e.create_time
    if policy is not None:
        out["PolicyDocument"] = policy
    if e.vpc_endpoint_type == "Interface" or e.ip_address_type != "ipv4":
        # a dualstack endpoint's DNS names are the same; they resolve to A and/or AAAA records as
        # DnsRecordIpType says
        out["IpAddressType"] = e.ip_address_type
        out["DnsOptions"] = {"DnsRecordIpType": e.dns_record_ip_type}
    return shapes.with_tags(out, e)


def hosted_zone_id(name: str) -> str:
    """A stable Route 53 hosted zone id for a DNS name (vpclab's own: it models no Route 53)."""
    return "Z" + hashlib.sha256(name.encode()).hexdigest()[:13].upper()


def dns_entry(d: Any, region: str) -> Shape:
    zone_of = d.hosted_zone_id or hosted_zone_id(d.dns_name.split(".", 1)[-1])
    return {"DnsName": d.dns_name, "HostedZoneId": zone_of}


def service_configuration(world: World, svc: VpcEndpointService) -> Shape:
    out: Shape = {
        "ServiceType": [{"ServiceType": svc.service_type}],
        "ServiceId": svc.id,
        "ServiceName": svc.service_name,
        "ServiceState": svc.service_state,
        "AvailabilityZones": list(svc.availability_zones),
        "AcceptanceRequired": svc.acceptance_required,
        "ManagesVpcEndpoints": False,
        "SupportedIpAddressTypes": list(svc.supported_ip_address_types),
        "BaseEndpointDnsNames": list(svc.base_endpoint_dns_names),
    }
    if svc.gateway_load_balancer_arns:
        out["GatewayLoadBalancerArns"] = list(svc.gateway_load_balancer_arns)
    else:
        out["NetworkLoadBalancerArns"] = list(svc.network_load_balancer_arns)
    if svc.private_dns_name:
        out["PrivateDnsName"] = svc.private_dns_name
    return shapes.with_tags(out, svc)


shapes.register(VpcEndpoint, vpc_endpoint)
shapes.register(VpcEndpointService, service_configuration)


# -- VPC endpoints -------------------------------------------------------------------------------
ENDPOINT_FILTERS = {
    "vpc-endpoint-id": lambda w, e: e.id,
    "vpc-id": lambda w, e: e.vpc_id,
    "service-name": lambda w, e: e.service_name,
    "vpc-endpoint-state": lambda w, e: e.state,
    "vpc-endpoint-type": lambda w, e: e.vpc_endpoint_type,
    "ip-address-type": lambda w, e: (e.ip_address_type if e.vpc_endpoint_type == "Interface"
                                     or e.ip_address_type != "ipv4" else None),
}


def _unsuccessful(items: Sequence[UnsuccessfulItem]) -> list[Shape]:
    return [
        {"Error": {"Code": i.error.code, "Message": i.error.message}, "ResourceId": i.resource_id}
        for i in items
    ]


def _unsuccessful_result(call: Call, items: Sequence[UnsuccessfulItem]) -> Shape:
    return {"Unsuccessful": _unsuccessful(items)}


mutating("CreateVpcEndpoint", returns=vpc_endpoint, key="VpcEndpoint", tag_type=VpcEndpoint.RESOURCE_TYPE)
mutating("ModifyVpcEndpoint")
mutating("DeleteVpcEndpoints", result=_unsuccessful_result)
describe_handler(
    "DescribeVpcEndpoints",
    Kind(VpcEndpoint, key="VpcEndpoints", ids="VpcEndpointIds", shape=vpc_endpoint, filters=ENDPOINT_FILTERS),
)


# -- DescribeVpcEndpointServices -----------------------------------------------------------------
@dataclass(frozen=True)
class ServiceRow:
    """One ServiceDetails entry: an AWS service of one type, or a user endpoint service."""

    name: str
    type: str
    region: str
    service: VpcEndpointService | None = None

    @property
    def id(self) -> str:
        return f"{self.name}|{self.type}"

    @property
    def tags(self) -> Any:
        return self.service.tags if self.service is not None else {}

    @property
    def owner_id(self) -> str:
        return self.service.owner_id if self.service is not None else "amazon"

    def shape(self, world: World) -> Shape:
        svc = self.service
        if svc is not None:
            out: Shape = {
                "ServiceName": svc.service_name,
                "ServiceId": svc.id,
                "ServiceType": [{"ServiceType": svc.service_type}],
                "AvailabilityZones": list(svc.availability_zones),
                "Owner": svc.owner_id,
                "BaseEndpointDnsNames": list(svc.base_endpoint_dns_names),
                "VpcEndpointPolicySupported": False,
                "AcceptanceRequired": svc.acceptance_required,
                "ManagesVpcEndpoints": False,
                "SupportedIpAddressTypes": list(svc.supported_ip_address_types),
            }
            if svc.private_dns_name:
                out["PrivateDnsName"] = svc.private_dns_name
            return shapes.with_tags(out, svc)
        short = self.name.rsplit(".", 1)[-1]
        out = {
            "ServiceName": self.name,
            "ServiceType": [{"ServiceType": self.type}],
            "AvailabilityZones": [z.zone_name for z in zones(self.region)],
            "Owner": "amazon",
            "BaseEndpointDnsNames": [f"{short}.{self.region}.vpce.amazonaws.com"],
            "VpcEndpointPolicySupported": True,
            "AcceptanceRequired": False,
            "ManagesVpcEndpoints": False,
            "SupportedIpAddressTypes": list(aws_service_ip_address_types(short, self.type)),
        }
        if self.type == "Interface":
            host = f"{short}.{self.region}.amazonaws.com"
            out["PrivateDnsName"] = f"*.{host}" if short in WILDCARD_DNS_SERVICES else host
        return out


def _service_rows(call: Call) -> list[ServiceRow]:
    by_name = {s.service_name: s for s in call.world.all(VpcEndpointService) if s.region == call.region}
    rows: list[ServiceRow] = []
    for name in service_names_for(call.world, call.account_id, call.region):
        svc = by_name.get(name)
        if svc is not None:
            rows.append(ServiceRow(name, svc.service_type, call.region, svc))
            continue
        short = name.rsplit(".", 1)[-1]
        for kind, catalogue in (("Interface", INTERFACE_SERVICES), ("Gateway", GATEWAY_SERVICES)):
            if short in catalogue:
                rows.append(ServiceRow(name, kind, call.region))
    return rows


_SERVICE_KIND = Kind(
    VpcEndpointService,
    key="ServiceDetails",
    shape=lambda world, row: row.shape(world),
    source=_service_rows,
    filters={
        "service-name": lambda w, r: r.name,
        "service-type": lambda w, r: r.type,
        "service-region": lambda w, r: r.region,
        "owner": lambda w, r: r.owner_id,
    },
)


@handler("DescribeVpcEndpointServices")
def describe_vpc_endpoint_services(call: Call) -> Shape:
    """ServiceNames and ServiceDetails: the Region's AWS services and the user services the caller may use.
    A name the caller cannot see is InvalidServiceName, as AWS answers."""
    if call.params.get("ServiceRegions"):
        raise AwsError(
            "UnsupportedOperation",
            "The parameter ServiceRegions is not supported by vpclab for DescribeVpcEndpointServices.",
        )
    names = call.params.get("ServiceNames")
    if names:
        known = {r.name for r in _service_rows(call)}
        for name in names:
            if name not in known:
                raise AwsError("InvalidServiceName", f"The Vpc Endpoint Service '{name}' does not exist")
        wanted = set(names)
        kind = Kind(
            VpcEndpointService,
            key=_SERVICE_KIND.key,
            shape=_SERVICE_KIND.shape,
            source=lambda c: [r for r in _service_rows(c) if r.name in wanted],
            filters=_SERVICE_KIND.filters,
        )
    else:
        kind = _SERVICE_KIND
    out = describe(call, kind)
    out["ServiceNames"] = list(dict.fromkeys(d["ServiceName"] for d in out["ServiceDetails"]))
    return out


# -- endpoint services (provider side) -----------------------------------------------------------
CONFIGURATION_FILTERS = {
    "service-name": lambda w, s: s.service_name,
    "service-id": lambda w, s: s.id,
    "service-state": lambda w, s: s.service_state,
    "supported-ip-address-types": lambda w, s: list(s.supported_ip_address_types),
}


def _created_service(call: Call, svc: VpcEndpointService) -> Shape:
    out: Shape = {"ServiceConfiguration": service_configuration(call.world, svc)}
    if call.params.get("ClientToken"):
        out["ClientToken"] = call.params["ClientToken"]
    return out


mutating("CreateVpcEndpointServiceConfiguration", result=_created_service,
         tag_type=VpcEndpointService.RESOURCE_TYPE)
mutating("ModifyVpcEndpointServiceConfiguration")
mutating("DeleteVpcEndpointServiceConfigurations", result=_unsuccessful_result)
mutating("AcceptVpcEndpointConnections", result=_unsuccessful_result)
mutating("RejectVpcEndpointConnections", result=_unsuccessful_result)
describe_handler(
    "DescribeVpcEndpointServiceConfigurations",
    Kind(
        VpcEndpointService,
        key="ServiceConfigurations",
        ids="ServiceIds",
        shape=service_configuration,
        filters=CONFIGURATION_FILTERS,
    ),
)


def principal_type(principal: str) -> str:
    """AllowedPrincipal.PrincipalType: All (``*``), Account (``…:root``), User or Role."""
    if principal == "*":
        return "All"
    if principal.endswith(":root"):
        return "Account"
    return "Role" if ":role/" in principal else "User"


def _permission(svc: VpcEndpointService, principal: str) -> Shape:
    # a stable permission id per (service, principal): vpclab's own (AWS: vpce-svc-perm-…)
    digest = hashlib.sha256(f"{svc.id}|{principal}".encode()).hexdigest()[:17]
    return {
        "PrincipalType": principal_type(principal),
        "Principal": principal,
        "ServicePermissionId": f"vpce-svc-perm-{digest}",
        "ServiceId": svc.id,
    }


@handler("ModifyVpcEndpointServicePermissions")
def modify_vpc_endpoint_service_permissions(call: Call) -> Shape:
    before = call.world.get(call.params["ServiceId"], VpcEndpointService)
    old = set(before.allowed_principals) if before is not None else set()
    if call.params.get("PermissionType"):
        raise AwsError(
            "UnsupportedOperation",
            "The parameter PermissionType is not supported by vpclab for "
            "ModifyVpcEndpointServicePermissions.",
        )
    svc = call.cp.modify_vpc_endpoint_service_permissions(
        service_id=call.params["ServiceId"],
        add_allowed_principals=call.params.get("AddAllowedPrincipals"),
        remove_allowed_principals=call.params.get("RemoveAllowedPrincipals"),
    )
    added = [p for p in svc.allowed_principals if p not in old]
    return {"AddedPrincipals": [_permission(svc, p) for p in added], "ReturnValue": True}


@handler("DescribeVpcEndpointServicePermissions")
def describe_vpc_endpoint_service_permissions(call: Call) -> Shape:
    svc = call.world.get(call.params["ServiceId"], VpcEndpointService)
    if svc is None or not svc.visible_to(call.world, call.account_id, call.region):
        code, message = VpcEndpointService.NOT_FOUND
        raise AwsError(code, message.format(id=call.params["ServiceId"]))
    call.cp.ctx.require_owner(svc)
    kind = Kind(
        VpcEndpointService,
        key="AllowedPrincipals",
        shape=lambda world, p: _permission(svc, p),
        source=lambda c: list(svc.allowed_principals),
        item_id=lambda p: p,
        filters={"principal": lambda w, p: p, "principal-type": lambda w, p: principal_type(p)},
    )
    return describe(call, kind)


# -- connections (provider side) -----------------------------------------------------------------
@dataclass(frozen=True)
class Connection:
    """One endpoint connected to one of the caller's endpoint services."""

    endpoint: VpcEndpoint
    service: VpcEndpointService

    @property
    def id(self) -> str:
        return self.endpoint.id

    @property
    def tags(self) -> Any:
        return self.endpoint.tags

    @property
    def owner_id(self) -> str:
        return self.endpoint.owner_id

    def shape(self) -> Shape:
        e = self.endpoint
        out: Shape = {
            "ServiceId": self.service.id,
            "VpcEndpointId": e.id,
            "VpcEndpointOwner": e.owner_id,
            "VpcEndpointState": e.state,
            "DnsEntries": [dns_entry(d, e.region) for d in e.dns_entries],
            "IpAddressType": e.ip_address_type,
            "VpcEndpointRegion": e.region,
        }
        if self.service.gateway_load_balancer_arns:
            out["GatewayLoadBalancerArns"] = list(self.service.gateway_load_balancer_arns)
        else:
            out["NetworkLoadBalancerArns"] = list(self.service.network_load_balancer_arns)
        if e.create_time is not None:
            out["CreationTimestamp"] = e.create_time
        return out


def _connections(call: Call) -> list[Connection]:
    return [
        Connection(e, svc)
        for svc in call.world.all(VpcEndpointService)
        if svc.owner_id == call.account_id and svc.region == call.region
        for e in endpoint_connections(call.world, svc)
    ]


describe_handler(
    "DescribeVpcEndpointConnections",
    Kind(
        VpcEndpoint,
        key="VpcEndpointConnections",
        shape=lambda world, c: c.shape(),
        source=_connections,
        filters={
            "service-id": lambda w, c: c.service.id,
            "vpc-endpoint-id": lambda w, c: c.endpoint.id,
            "vpc-endpoint-owner": lambda w, c: c.endpoint.owner_id,
            "vpc-endpoint-state": lambda w, c: c.endpoint.state,
            "vpc-endpoint-region": lambda w, c: c.endpoint.region,
            "ip-address-type": lambda w, c: c.endpoint.ip_address_type,
        },
    ),
)
