"""VPC endpoints (consumer side): CreateVpcEndpoint, ModifyVpcEndpoint, DeleteVpcEndpoints.

Gateway endpoints (S3, DynamoDB, same Region only) put a route to the service's AWS-managed prefix
list into each chosen route table; interface endpoints put a requester-managed interface into each
chosen subnet (one per Availability Zone). AWS docs: "AWS PrivateLink" guide — "Gateway endpoints"
(https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html), "Gateway endpoints
for Amazon S3" (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html), "Access
an AWS service using an interface VPC endpoint"
(https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html).

The provider side (endpoint services, connection acceptance) is in ``endpoint_services``; the rules
of Gateway Load Balancer endpoints (type ``GatewayLoadBalancer``) in ``gwlb_endpoints``.

Error wording. Seen verbatim in real AWS responses: InvalidServiceName, DuplicateSubnetsInSameZone,
"does not support the availability zone of the subnet", "Route table IDs are only supported for
Gateway type VPC Endpoint." Recalled from real responses but not re-verified: RouteAlreadyExists
("route table … already has a route with destination-prefix-list-id …"), "Endpoint type (…) does not
match available service types", the three private-DNS InvalidParameter messages, "route table … does
not belong to vpc …". Undocumented, chosen by vpclab (marked where raised): the subnet and
security-group variants of "does not belong to vpc", "Subnet IDs and security group IDs are only
supported for Interface type VPC Endpoint.", "… is not associated with …", the at-least-one
security group rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from ..core.errors import AwsError, invalid_parameter_value
from ..model.base import Tags
from ..model.endpoints import (
    AVAILABLE,
    DNS_RECORD_IP_TYPES,
    ENDPOINT_IP_ADDRESS_TYPES,
    GATEWAY_SERVICES,
    INTERFACE_SERVICES,
    PENDING_ACCEPTANCE,
    WILDCARD_DNS_SERVICES,
    DnsEntry,
    UnsuccessfulItem,
    UnsuccessfulItemError,
    VpcEndpoint,
    VpcEndpointService,
    aws_service_ip_address_types,
    aws_service_short_name,
    endpoint_service_by_name,
)
from ..model.interfaces import NetworkInterface
from ..model.regions import zones
from ..model.route_table import Route, RouteTable
from ..model.security_group import SecurityGroup
from ..model.subnet import Subnet
from ..model.vpc import Vpc
from .context import Ctx
from .gwlb_endpoints import GWLB_ENDPOINT_TYPE, check_gwlb_modify, create_gwlb_endpoint
from .ipv6 import set_managed_ipv6
from .prefix_lists import aws_managed_prefix_list
from .registry import action

ENDPOINT_TYPES = ("Gateway", "Interface", GWLB_ENDPOINT_TYPE)


@dataclass(frozen=True, slots=True)
class ServiceOffer:
    """What a service name resolves to for a caller: its types, zones, and the user service if any."""

    service_name: str
    types: tuple[str, ...]
    availability_zones: tuple[str, ...]
    #: the AWS service's short name (``s3``), or None for a user's endpoint service
    short_name: str | None = None
    service: VpcEndpointService | None = None
    private_dns_name: str | None = None
    #: SupportedIpAddressTypes per endpoint type (``ipv4``, ``ipv6``)
    ip_address_types: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def _invalid_service(service_name: str) -> AwsError:
    return AwsError("InvalidServiceName", f"The Vpc Endpoint Service '{service_name}' does not exist")


def resolve_service(ctx: Ctx, service_name: str, region: str) -> ServiceOffer:
    """The service ``service_name`` as ``ctx``'s account sees it from ``region``, or InvalidServiceName.

    DESIGN: gateway endpoints are same-Region only, and so (in vpclab) are interface endpoints: a
    service name of another Region does not exist for the caller. A user's endpoint service that
    does not allow the caller is not visible to it either, so it "does not exist" too.
    """
    short = aws_service_short_name(service_name, region)
    if short is not None:
        types = tuple(t for t, names in (("Interface", INTERFACE_SERVICES), ("Gateway", GATEWAY_SERVICES))
                      if short in names)
        if not types:
            raise _invalid_service(service_name)
        host = f"{short}.{region}.amazonaws.com"
        dns = f"*.{host}" if short in WILDCARD_DNS_SERVICES else host
        return ServiceOffer(service_name, types, tuple(z.zone_name for z in zones(region)), short, None, dns,
                            {t: aws_service_ip_address_types(short, t) for t in types})
    svc = endpoint_service_by_name(ctx.world, service_name)
    if (svc is None or svc.region != region or svc.service_state != "Available"
        or not svc.allows(ctx.account_id)):
        raise _invalid_service(service_name)
    return ServiceOffer(service_name, (svc.service_type,), svc.availability_zones, None, svc,
                        svc.private_dns_name, {svc.service_type: svc.supported_ip_address_types})


#: the kinds an endpoint names by id inside its VPC
InVpc = TypeVar("InVpc", RouteTable, Subnet, SecurityGroup)


def _require_in_vpc(ctx: Ctx, kind: type[InVpc], resource_id: str, vpc: Vpc, noun: str) -> InVpc:
    res = ctx.require(kind, resource_id)
    if res.vpc_id != vpc.id:
        # AWS's wording for a route table of another VPC; by analogy for subnets and security groups
        raise AwsError("InvalidParameter", f"{noun} {resource_id} does not belong to vpc {vpc.id}")
    return res


# -- gateway endpoints -----------------------------------------------------------------------
def _gateway_route_tables(ctx: Ctx, vpc: Vpc, pl_id: str, route_table_ids: Sequence[str]) -> list[RouteTable]:
    tables: list[RouteTable] = []
    for rt_id in route_table_ids:
        rt = _require_in_vpc(ctx, RouteTable, rt_id, vpc, "route table")
        ctx.require_owner(rt)
        if rt.route_to(pl_id) is not None:
            # one gateway endpoint route per service per route table
            raise AwsError("RouteAlreadyExists",
                           f"route table {rt_id} already has a route with destination-prefix-list-id {pl_id}")
        ctx.check_quota("routes_per_route_table", len(rt.routes))
        tables.append(rt)
    return tables


def _add_gateway_routes(ctx: Ctx, tables: Sequence[RouteTable], pl_id: str, vpce_id: str) -> None:
    for rt in tables:
        route = Route(destination_prefix_list_id=pl_id, gateway_id=vpce_id, origin="CreateRoute")
        ctx.world.put(replace(rt, routes=(*rt.routes, route)))


def _remove_gateway_routes(ctx: Ctx, vpce_id: str, route_table_ids: Sequence[str]) -> None:
    for rt_id in route_table_ids:
        rt = ctx.world.get(rt_id, RouteTable)
        if rt is not None:
            ctx.world.put(replace(rt, routes=tuple(r for r in rt.routes if r.gateway_id != vpce_id)))


# -- interface endpoints ---------------------------------------------------------------------
def _interface_subnets(ctx: Ctx, vpc: Vpc, offer: ServiceOffer, subnet_ids: Sequence[str],
                       existing: Sequence[Subnet] = ()) -> list[Subnet]:
    chosen: list[Subnet] = list(existing)
    new: list[Subnet] = []
    for sid in subnet_ids:
        subnet = _require_in_vpc(ctx, Subnet, sid, vpc, "subnet")
        if any(s.availability_zone == subnet.availability_zone for s in chosen):
            raise AwsError("DuplicateSubnetsInSameZone",
                           f"Found another VPC endpoint subnet in the availability zone of {sid}. VPC "
                           "endpoint subnets should be in different availability zones supported by the VPC "
                           "endpoint service.")
        if subnet.availability_zone not in offer.availability_zones:
            raise AwsError("InvalidParameter",
                           f"The VPC endpoint service {offer.service_name} does not support "
                                               f"the availability zone of the subnet: {sid}.")
        chosen.append(subnet)
        new.append(subnet)
    return new


def _security_groups(ctx: Ctx, vpc: Vpc, group_ids: Sequence[str] | None) -> tuple[str, ...]:
    if not group_ids:
        default = next(sg for sg in ctx.world.in_vpc(vpc.id, SecurityGroup) if sg.is_default)
        return (default.id,)
    for gid in group_ids:
        _require_in_vpc(ctx, SecurityGroup, gid, vpc, "security group")
    ctx.check_quota("security_groups_per_interface", 0, adding=len(set(group_ids)))
    return tuple(dict.fromkeys(group_ids))


def _check_private_dns(ctx: Ctx, vpc: Vpc, offer: ServiceOffer, enabled: bool, vpce_id: str | None) -> None:
    if not enabled:
        return
    if offer.private_dns_name is None:
        raise AwsError("InvalidParameter",
                       f"Private DNS can't be enabled because the service {offer.service_name} "
                                           "does not provide a private DNS name.")
    if not (vpc.enable_dns_support and vpc.enable_dns_hostnames):
        raise AwsError("InvalidParameter", "Enabling private DNS requires both enableDnsSupport and "
                                           f"enableDnsHostnames VPC attributes set to true for {vpc.id}")
    for other in ctx.world.in_vpc(vpc.id, VpcEndpoint):
        if (other.id != vpce_id and other.private_dns_enabled
            and other.private_dns_name == offer.private_dns_name):
            raise AwsError("InvalidParameter", "private-dns-enabled cannot be set because there is already a "
                                               "conflicting DNS domain for "
                                               f"{offer.private_dns_name.lstrip('*.')} in the VPC {vpc.id}")


def _add_interfaces(ctx: Ctx, vpce_id: str, subnets: Sequence[Subnet], groups: Sequence[str],
                    ip_address_type: str = "ipv4") -> list[str]:
    from .interfaces import create_managed_interface

    ids = [create_managed_interface(ctx, s, interface_type="vpc_endpoint", groups=groups,
                                    description=f"VPC Endpoint Interface {vpce_id}",
                                    requester_id="amazon-vpce").id
           for s in subnets]
    for eni_id in ids:
        set_managed_ipv6(ctx, eni_id, ip_address_type != "ipv4")
    return ids


def _dns_entries(ctx: Ctx, vpce_id: str, offer: ServiceOffer, region: str, az_names: Sequence[str],
                 private_dns: bool, previous: Sequence[DnsEntry] = ()) -> tuple[DnsEntry, ...]:
    """Regional and zonal names (``vpce-…-token[-az].<service>.<region>.vpce.amazonaws.com``), and the
    private DNS name when private DNS is on. An endpoint keeps its token when modified."""
    token = previous[0].dns_name.split(".", 1)[0][len(vpce_id) + 1:] if previous else ctx.world.ids.hex(8)
    domain = f"{offer.short_name or (offer.service.id if offer.service else '')}.{region}.vpce.amazonaws.com"
    entries = [DnsEntry(dns_name=f"{vpce_id}-{token}.{domain}")]
    entries += [DnsEntry(dns_name=f"{vpce_id}-{token}-{az}.{domain}") for az in az_names]
    if private_dns and offer.private_dns_name:
        entries.append(DnsEntry(dns_name=offer.private_dns_name))
    return tuple(entries)


# -- IP address types ------------------------------------------------------------------------
#: the service address families each endpoint IP address type needs
_FAMILIES = {"ipv4": ("ipv4",), "dualstack": ("ipv4", "ipv6"), "ipv6": ("ipv6",)}
#: the endpoint IP address types each DNS record IP type allows (AWS PrivateLink guide, "IP address
#: types" of interface endpoints: ipv4 needs IPv4 or Dualstack, ipv6 needs IPv6 or Dualstack,
#: dualstack and service-defined need Dualstack)
_DNS_ALLOWS = {"ipv4": ("ipv4", "dualstack"), "ipv6": ("ipv6", "dualstack"), "dualstack": ("dualstack",),
               "service-defined": ("dualstack",)}


def check_ip_address_type(vpc: Vpc, offer: ServiceOffer, endpoint_type: str, ip_address_type: str,
                          dns_record_ip_type: str | None, subnets: Sequence[Subnet]) -> str:
    """AWS's rules for an endpoint's IpAddressType and DnsOptions.DnsRecordIpType; the DNS record IP
    type it gets (by default the IP address type: AWS's default is undocumented).

    AWS PrivateLink guide, "Access an AWS service using an interface VPC endpoint" — IP address types:
    ipv4 needs subnets with IPv4 ranges, dualstack subnets with both IPv4 and IPv6 ranges, ipv6
    IPv6-only subnets; the service must accept the address families. The codes and wordings of these
    errors are undocumented (vpclab answers InvalidParameter, as for the endpoint's other rules).
    """
    if ip_address_type not in ENDPOINT_IP_ADDRESS_TYPES:
        raise invalid_parameter_value(f"Value ({ip_address_type}) for parameter ipAddressType is invalid.")
    dns = ip_address_type if dns_record_ip_type is None else dns_record_ip_type
    if dns not in DNS_RECORD_IP_TYPES:
        raise invalid_parameter_value(f"Value ({dns}) for parameter dnsRecordIpType is invalid.")
    if endpoint_type == "Gateway" and ip_address_type == "ipv6":
        # AWS documents ipv4 and dualstack gateway endpoints only; vpclab refuses ipv6 (conservative)
        raise AwsError("InvalidParameter",
                       "IP address type ipv6 is not supported for Gateway type VPC Endpoint.")
    supported = offer.ip_address_types.get(endpoint_type, ("ipv4",))
    if any(f not in supported for f in _FAMILIES[ip_address_type]):
        raise AwsError("InvalidParameter", f"The VPC endpoint service {offer.service_name} does not support "
                                           f"IP address type {ip_address_type}.")
    if ip_address_type not in _DNS_ALLOWS[dns]:
        raise AwsError("InvalidParameter", f"DNS record IP type {dns} is not supported for IP address type "
                                           f"{ip_address_type}.")
    if endpoint_type == "Gateway" and ip_address_type == "dualstack" and not vpc.ipv6_cidr_block_associations:
        # undocumented: vpclab asks for a VPC with an IPv6 block (conservative)
        raise AwsError("InvalidParameter",
                       f"IP address type dualstack requires an IPv6 CIDR block on {vpc.id}.")
    for subnet in subnets:
        if ip_address_type == "dualstack" and subnet.ipv6_cidr_block is None:
            raise AwsError("InvalidParameter",
                           f"The subnet {subnet.id} does not have an IPv6 CIDR block: IP address type "
                           "dualstack needs subnets with IPv4 and IPv6 ranges.")
        if ip_address_type == "ipv6" and not subnet.ipv6_native:
            raise AwsError("InvalidParameter",
                           f"The subnet {subnet.id} is not an IPv6-only subnet: IP address type ipv6 needs "
                           "IPv6-only subnets.")
        if ip_address_type != "ipv6" and subnet.ipv6_native:
            raise AwsError("InvalidParameter", f"The subnet {subnet.id} is an IPv6-only subnet: IP address "
                                               f"type {ip_address_type} needs subnets with IPv4 ranges.")
    return dns


def _dns_record_ip_type(dns_options: Mapping[str, object] | None) -> str | None:
    value = (dns_options or {}).get("dns_record_ip_type")
    return None if value is None else str(value)


def check_policy_document(policy_document: str | None) -> None:
    """An endpoint policy is an IAM policy document, JSON text of one object ("Control access to VPC
    endpoints using endpoint policies"); other text is the page's InvalidPolicyDocument ("The
    specified policy document is not a valid JSON policy document"; the message is vpclab's). vpclab
    keeps the policy and does not evaluate it."""
    if policy_document is None:
        return
    try:
        parsed = json.loads(policy_document)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise AwsError("InvalidPolicyDocument", "The policy document is not a valid JSON policy document: "
                                                "it must be one JSON object.")


# -- actions ---------------------------------------------------------------------------------
@action
def create_vpc_endpoint(ctx: Ctx, *, vpc_id: str, service_name: str, vpc_endpoint_type: str = "Gateway",
                        route_table_ids: Sequence[str] | None = None, subnet_ids: Sequence[str] | None = None,
                        security_group_ids: Sequence[str] | None = None,
                        private_dns_enabled: bool | None = None,
                        policy_document: str | None = None, ip_address_type: str | None = None,
                        dns_options: Mapping[str, object] | None = None,
                        tags: Mapping[str, str] | None = None) -> VpcEndpoint:
    """CreateVpcEndpoint: a gateway endpoint (routes to the service's prefix list in the chosen route
    tables) or an interface endpoint (an interface per chosen subnet, one subnet per AZ).

    PrivateDnsEnabled defaults to true for interface endpoints, as in the EC2 API, when the service
    has a private DNS name; it needs the VPC's enableDnsSupport and enableDnsHostnames. IpAddressType
    (ipv4 by default) and DnsOptions follow ``check_ip_address_type``; a dualstack or ipv6 endpoint's
    interfaces each get an IPv6 address from their subnet.
    """
    vpc = ctx.require(Vpc, vpc_id)
    ctx.require_owner(vpc)
    check_policy_document(policy_document)
    if vpc_endpoint_type not in ENDPOINT_TYPES:
        raise invalid_parameter_value(
                       f"Value ({vpc_endpoint_type}) for parameter vpcEndpointType is invalid.")
    offer = resolve_service(ctx, service_name, vpc.region)
    if vpc_endpoint_type not in offer.types:
        raise AwsError("InvalidParameter",
                       f"Endpoint type ({vpc_endpoint_type}) does not match available service "
                                           f"types ([{', '.join(offer.types)}]).")
    vpce_id = ctx.new_id("vpc_endpoint")
    ip_type = ip_address_type or "ipv4"
    base = VpcEndpoint(id=vpce_id, owner_id=ctx.account_id, region=vpc.region, tags=Tags(tags), vpc_id=vpc.id,
                       service_name=service_name, vpc_endpoint_type=vpc_endpoint_type,
                       policy_document=policy_document, create_time=ctx.now, ip_address_type=ip_type)
    if vpc_endpoint_type == GWLB_ENDPOINT_TYPE:
        return create_gwlb_endpoint(ctx, vpc, offer, base, subnet_ids=subnet_ids or (),
                                    security_group_ids=security_group_ids, route_table_ids=route_table_ids,
                                    private_dns_enabled=private_dns_enabled, policy_document=policy_document)
    if vpc_endpoint_type == "Gateway":
        if subnet_ids or security_group_ids:
            raise AwsError("InvalidParameter", "Subnet IDs and security group IDs are only supported for "
                                               "Interface type VPC Endpoint.")
        base = replace(base, dns_record_ip_type=check_ip_address_type(
            vpc, offer, "Gateway", ip_type, _dns_record_ip_type(dns_options), ()))
        ctx.check_quota("gateway_endpoints_per_region", sum(
            1 for e in ctx.world.all(VpcEndpoint) if e.vpc_endpoint_type == "Gateway"
            and e.owner_id == ctx.account_id and e.region == vpc.region))
        pl = aws_managed_prefix_list(ctx, vpc.region, offer.short_name or "")
        tables = _gateway_route_tables(ctx, vpc, pl.id, route_table_ids or ())
        _add_gateway_routes(ctx, tables, pl.id, vpce_id)
        return ctx.world.put(replace(base, route_table_ids=tuple(rt.id for rt in tables)))
    if route_table_ids:
        raise AwsError("InvalidParameter",
                       "Route table IDs are only supported for Gateway type VPC Endpoint.")
    ctx.check_quota("interface_endpoints_per_vpc", sum(
        1 for e in ctx.world.in_vpc(vpc.id, VpcEndpoint) if e.vpc_endpoint_type != "Gateway"))
    subnets = _interface_subnets(ctx, vpc, offer, subnet_ids or ())
    dns_type = check_ip_address_type(vpc, offer, "Interface", ip_type, _dns_record_ip_type(dns_options),
                                     subnets)
    groups = _security_groups(ctx, vpc, security_group_ids)
    private_dns = (offer.private_dns_name is not None) if private_dns_enabled is None else private_dns_enabled
    _check_private_dns(ctx, vpc, offer, private_dns, None)
    needs_acceptance = offer.service is not None and offer.service.acceptance_required
    enis = _add_interfaces(ctx, vpce_id, subnets, groups, ip_type)
    return ctx.world.put(replace(
        base, state=PENDING_ACCEPTANCE if needs_acceptance else AVAILABLE, dns_record_ip_type=dns_type,
        subnet_ids=tuple(s.id for s in subnets), network_interface_ids=tuple(enis), groups=groups,
        private_dns_enabled=private_dns, private_dns_name=offer.private_dns_name,
        service_id=offer.service.id if offer.service else None,
        dns_entries=_dns_entries(ctx, vpce_id, offer, vpc.region, [s.availability_zone for s in subnets],
                                 private_dns)))


@action
def modify_vpc_endpoint(ctx: Ctx, *, vpc_endpoint_id: str, add_route_table_ids: Sequence[str] | None = None,
                        remove_route_table_ids: Sequence[str] | None = None,
                        add_subnet_ids: Sequence[str] | None = None,
                        remove_subnet_ids: Sequence[str] | None = None,
                        add_security_group_ids: Sequence[str] | None = None,
                        remove_security_group_ids: Sequence[str] | None = None,
                        private_dns_enabled: bool | None = None, policy_document: str | None = None,
                        reset_policy: bool | None = None, ip_address_type: str | None = None,
                        dns_options: Mapping[str, object] | None = None) -> VpcEndpoint:
    """ModifyVpcEndpoint: route tables (gateway); subnets, security groups, private DNS (interface);
    policy; IpAddressType and DnsOptions (the rules of ``check_ip_address_type`` over the subnets the
    endpoint has after the change; its interfaces gain or lose their IPv6 addresses)."""
    vpce = ctx.require(VpcEndpoint, vpc_endpoint_id)
    ctx.require_owner(vpce)
    vpc = ctx.require(Vpc, vpce.vpc_id)
    check_policy_document(policy_document)
    if vpce.vpc_endpoint_type == GWLB_ENDPOINT_TYPE:
        check_gwlb_modify(subnets=bool(add_subnet_ids or remove_subnet_ids),
                          groups=bool(add_security_group_ids or remove_security_group_ids),
                          route_tables=bool(add_route_table_ids or remove_route_table_ids),
                          private_dns=bool(private_dns_enabled), policy=policy_document is not None)
        if ip_address_type is not None and ip_address_type != vpce.ip_address_type:
            # vpclab keeps a GWLB endpoint's IP address type as created (conservative)
            raise AwsError("InvalidParameter", "The IP address type of a GatewayLoadBalancer type VPC "
                                               "Endpoint cannot be changed in vpclab.")
        return vpce
    gateway = vpce.vpc_endpoint_type == "Gateway"
    if gateway and (add_subnet_ids or remove_subnet_ids or add_security_group_ids or remove_security_group_ids
                    or private_dns_enabled is not None):
        raise AwsError("InvalidParameter", "Subnet IDs and security group IDs are only supported for "
                                           "Interface type VPC Endpoint.")
    if not gateway and (add_route_table_ids or remove_route_table_ids):
        raise AwsError("InvalidParameter",
                       "Route table IDs are only supported for Gateway type VPC Endpoint.")
    if policy_document is not None or reset_policy:
        vpce = replace(vpce, policy_document=None if reset_policy else policy_document)
    ip_type = ip_address_type or vpce.ip_address_type
    dns_asked = _dns_record_ip_type(dns_options)
    if dns_asked is None and ip_address_type is not None:
        # a new IP address type keeps the DNS record type if it still fits, else takes its default
        fits = ip_type in _DNS_ALLOWS.get(vpce.dns_record_ip_type, ())
        dns_asked = vpce.dns_record_ip_type if fits else None
    elif dns_asked is None:
        dns_asked = vpce.dns_record_ip_type
    vpce = replace(vpce, ip_address_type=ip_type)
    if gateway:
        vpce = _modify_gateway(ctx, vpc, vpce, add_route_table_ids or (), remove_route_table_ids or ())
        offer = resolve_service(ctx, vpce.service_name, vpc.region)
        dns_type = check_ip_address_type(vpc, offer, "Gateway", ip_type, dns_asked, ())
        vpce = replace(vpce, dns_record_ip_type=dns_type)
    else:
        vpce = _modify_interface(ctx, vpc, vpce, add_subnet_ids or (), remove_subnet_ids or (),
                                 add_security_group_ids or (), remove_security_group_ids or (),
                                 private_dns_enabled, dns_asked)
    return ctx.world.put(vpce)


def _not_associated(what: str, resource_id: str, vpce_id: str) -> AwsError:
    # removing something the endpoint does not have: AWS's wording is undocumented
    return AwsError("InvalidParameter", f"The {what} {resource_id} is not associated with {vpce_id}")


def _modify_gateway(ctx: Ctx, vpc: Vpc, vpce: VpcEndpoint, add: Sequence[str],
                    remove: Sequence[str]) -> VpcEndpoint:
    short = aws_service_short_name(vpce.service_name, vpc.region) or ""
    pl = aws_managed_prefix_list(ctx, vpc.region, short)
    for rt_id in remove:
        if rt_id not in vpce.route_table_ids:
            raise _not_associated("route table", rt_id, vpce.id)
    _remove_gateway_routes(ctx, vpce.id, remove)
    tables = _gateway_route_tables(ctx, vpc, pl.id, [r for r in add if r not in vpce.route_table_ids])
    _add_gateway_routes(ctx, tables, pl.id, vpce.id)
    kept = tuple(r for r in vpce.route_table_ids if r not in remove)
    return replace(vpce, route_table_ids=kept + tuple(rt.id for rt in tables))


def _modify_interface(ctx: Ctx, vpc: Vpc, vpce: VpcEndpoint, add_subnets: Sequence[str],
                      remove_subnets: Sequence[str], add_groups: Sequence[str], remove_groups: Sequence[str],
                      private_dns_enabled: bool | None, dns_record_ip_type: str | None) -> VpcEndpoint:
    offer = resolve_service(ctx, vpce.service_name, vpc.region)
    for sid in remove_subnets:
        if sid not in vpce.subnet_ids:
            raise _not_associated("subnet", sid, vpce.id)
    for gid in remove_groups:
        if gid not in vpce.groups:
            raise _not_associated("security group", gid, vpce.id)
    groups = tuple(g for g in vpce.groups if g not in remove_groups)
    for gid in add_groups:
        _require_in_vpc(ctx, SecurityGroup, gid, vpc, "security group")
        if gid not in groups:
            groups += (gid,)
    if not groups:
        raise AwsError("InvalidParameter", "An interface endpoint must have at least one security group.")
    ctx.check_quota("security_groups_per_interface", 0, adding=len(groups))
    kept_enis: list[str] = []
    for eni_id in vpce.network_interface_ids:
        eni = ctx.world.get(eni_id, NetworkInterface)
        if eni is None:
            continue
        if eni.subnet_id in remove_subnets:
            ctx.world.remove(eni_id)
        else:
            kept_enis.append(eni_id)
            ctx.world.put(replace(eni, groups=groups))
    kept_subnets = [s for s in (ctx.world.get(i, Subnet) for i in vpce.subnet_ids if i not in remove_subnets)
                    if s]
    new_subnets = _interface_subnets(ctx, vpc, offer, [s for s in add_subnets if s not in vpce.subnet_ids],
                                     kept_subnets)
    dns_type = check_ip_address_type(vpc, offer, "Interface", vpce.ip_address_type, dns_record_ip_type,
                                     [*kept_subnets, *new_subnets])
    for eni_id in kept_enis:
        set_managed_ipv6(ctx, eni_id, vpce.ip_address_type != "ipv4")
    kept_enis += _add_interfaces(ctx, vpce.id, new_subnets, groups, vpce.ip_address_type)
    private_dns = vpce.private_dns_enabled if private_dns_enabled is None else private_dns_enabled
    _check_private_dns(ctx, vpc, offer, private_dns, vpce.id)
    subnets = [*kept_subnets, *new_subnets]
    return replace(vpce, subnet_ids=tuple(s.id for s in subnets), network_interface_ids=tuple(kept_enis),
                   groups=groups, private_dns_enabled=private_dns, dns_record_ip_type=dns_type,
                   dns_entries=_dns_entries(ctx, vpce.id, offer, vpc.region,
                                            [s.availability_zone for s in subnets], private_dns,
                                            vpce.dns_entries))


def remove_endpoint(ctx: Ctx, vpce: VpcEndpoint) -> None:
    """Take an endpoint out of the World with its routes (gateway) or interfaces (interface)."""
    _remove_gateway_routes(ctx, vpce.id, vpce.route_table_ids)
    for eni_id in vpce.network_interface_ids:
        if ctx.world.get(eni_id, NetworkInterface) is not None:
            ctx.world.remove(eni_id)
    ctx.world.remove(vpce.id)


@action
def delete_vpc_endpoints(ctx: Ctx, *, vpc_endpoint_ids: Sequence[str]) -> list[UnsuccessfulItem]:
    """DeleteVpcEndpoints: deletes each endpoint it can (routes and interfaces with it) and reports the
    others as unsuccessful items, as AWS does, rather than failing the call."""
    unsuccessful: list[UnsuccessfulItem] = []
    for vpce_id in vpc_endpoint_ids:
        try:
            vpce = ctx.require(VpcEndpoint, vpce_id)
            ctx.require_owner(vpce)
        except AwsError as err:
            error = UnsuccessfulItemError(code=err.code, message=err.message)
            unsuccessful.append(UnsuccessfulItem(resource_id=vpce_id, error=error))
            continue
        remove_endpoint(ctx, vpce)
    return unsuccessful

