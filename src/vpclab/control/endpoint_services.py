"""Endpoint services (PrivateLink provider side): CreateVpcEndpointServiceConfiguration,
ModifyVpcEndpointServicePermissions, ModifyVpcEndpointServiceConfiguration,
AcceptVpcEndpointConnections, RejectVpcEndpointConnections, DeleteVpcEndpointServiceConfigurations.

AWS docs: "AWS PrivateLink" guide — "Share your services through AWS PrivateLink"
(https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html), "Manage
permissions" (https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#add-remove-permissions),
"Accept or reject connection requests"
(https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html#accept-reject-connection-requests),
"Create a service powered by Gateway Load Balancers" (an endpoint service in front of Gateway Load
Balancers, ServiceType GatewayLoadBalancer:
https://docs.aws.amazon.com/vpc/latest/privatelink/create-gateway-load-balancer-endpoint-service.html).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..core.errors import AwsError, invalid_parameter_value
from ..model.base import Tags
from ..model.endpoints import (
    AVAILABLE,
    PENDING_ACCEPTANCE,
    REJECTED,
    SERVICE_IP_ADDRESS_TYPES,
    UnsuccessfulItem,
    UnsuccessfulItemError,
    VpcEndpoint,
    VpcEndpointService,
    endpoint_connections,
)
from ..model.load_balancer import LoadBalancer, load_balancer_by_arn
from .context import Ctx
from .registry import action

#: an allowed principal: everyone, or an IAM account root, user or role ARN
_PRINCIPAL = re.compile(r"^(\*|arn:aws:iam::\d{12}:(root|user/[\w+=,.@/-]+|role/[\w+=,.@/-]+))$")
#: an Elastic Load Balancing load balancer's ARN (of any type; the type is checked against the parameter)
_LB_ARN = re.compile(
    r"^arn:aws[\w-]*:elasticloadbalancing:[\w-]+:\d{12}:loadbalancer/(net|app|gwy)/[^/]+/[0-9a-f]+$")
#: the ServiceType of an endpoint service in front of Gateway Load Balancers
GWLB_SERVICE_TYPE = "GatewayLoadBalancer"
#: connection states that keep a service from being deleted or its load balancers from changing
_ACTIVE = (AVAILABLE, PENDING_ACCEPTANCE)


def _item(resource_id: str, code: str, message: str) -> UnsuccessfulItem:
    return UnsuccessfulItem(resource_id=resource_id, error=UnsuccessfulItemError(code=code, message=message))


def _existing_connections() -> AwsError:
    return AwsError("ExistingVpcEndpointConnections", "Service has existing active VPC Endpoint connections!")


def _load_balancers(ctx: Ctx, arns: Sequence[str], lb_type: str = "network") -> list[LoadBalancer]:
    """The load balancers an endpoint service is given: the caller's, in its Region, of the type
    the parameter names (NetworkLoadBalancerArns: network; GatewayLoadBalancerArns: gateway)."""
    found: list[LoadBalancer] = []
    for arn in arns:
        lb = load_balancer_by_arn(ctx.world, arn)
        if lb_type == "network" and not _LB_ARN.match(arn):
            # "Error codes for the Amazon EC2 API": InvalidNetworkLoadBalancerArn.Malformed (AWS's
            # message is undocumented; this one is vpclab's)
            raise AwsError("InvalidNetworkLoadBalancerArn.Malformed",
                           f"The Network Load Balancer ARN {arn} is malformed")
        if lb is None or lb.owner_id != ctx.account_id or lb.region != ctx.region:
            if lb_type == "network":
                # the page's InvalidNetworkLoadBalancerArn.NotFound (message vpclab's)
                raise AwsError("InvalidNetworkLoadBalancerArn.NotFound",
                               f"The Network Load Balancer ARN {arn} does not exist")
            # AWS's code for an unknown Gateway Load Balancer ARN here is undocumented
            raise AwsError("InvalidParameter", f"The load balancer {arn} does not exist")
        if lb.type != lb_type:
            raise AwsError("InvalidParameter", f"The load balancer {arn} is not a {lb_type} load balancer")
        found.append(lb)
    return found


def _lb_type(svc: VpcEndpointService) -> str:
    return "gateway" if svc.service_type == GWLB_SERVICE_TYPE else "network"


def _zones(lbs: Sequence[LoadBalancer]) -> tuple[str, ...]:
    """The service's AZs: those of its load balancers' subnets."""
    return tuple(sorted({az for lb in lbs for az in lb.availability_zones}))


def _check_ip_address_types(types: Sequence[str], lbs: Sequence[LoadBalancer]) -> tuple[str, ...]:
    """SupportedIpAddressTypes: ipv4 and/or ipv6; ipv6 only with dualstack load balancers.

    AWS PrivateLink guide, "Share your services through AWS PrivateLink" — IP address types
    (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html): to
    enable IPv6 for an endpoint service, all its Network Load Balancers must use the dualstack IP
    address type. The error's code and wording are undocumented (vpclab: InvalidParameter).
    """
    for t in types:
        if t not in SERVICE_IP_ADDRESS_TYPES:
            raise invalid_parameter_value(f"Value ({t}) for parameter supportedIpAddressType is invalid.")
    if not types:
        raise AwsError("InvalidParameter", "An endpoint service must support at least one IP address type.")
    if "ipv6" in types:
        for lb in lbs:
            if lb.ip_address_type != "dualstack":
                raise AwsError("InvalidParameter",
                               f"The load balancer {lb.arn} must use the dualstack IP address type for the "
                               "service to support IP address type ipv6.")
    return tuple(t for t in SERVICE_IP_ADDRESS_TYPES if t in types)


def require_service(ctx: Ctx, service_id: str) -> VpcEndpointService:
    """The caller's endpoint service. An id not of the form ``vpce-svc-…`` is malformed: AWS answers
    InvalidVpcEndpointServiceId.Malformed ("Invalid Id: '…'", observed from AWS, also for
    ``vpce-svcx-…``; the "Error codes for the Amazon EC2 API" page spells the code
    InvalidVpcEndpointServiceIdId.Malformed)."""
    if not service_id.startswith("vpce-svc-"):
        raise AwsError("InvalidVpcEndpointServiceId.Malformed", f"Invalid Id: '{service_id}'")
    svc = ctx.require(VpcEndpointService, service_id)
    ctx.require_owner(svc)
    return svc


@action
def create_vpc_endpoint_service_configuration(
        ctx: Ctx, *, network_load_balancer_arns: Sequence[str] | None = None,
        gateway_load_balancer_arns: Sequence[str] | None = None, acceptance_required: bool = False,
        private_dns_name: str | None = None, supported_ip_address_types: Sequence[str] | None = None,
        tags: Mapping[str, str] | None = None) -> VpcEndpointService:
    """CreateVpcEndpointServiceConfiguration: an endpoint service in front of network load balancers
    (ServiceType Interface) or of Gateway Load Balancers (ServiceType GatewayLoadBalancer), available
    in the AZs of their subnets. Exactly one of the two lists. AcceptanceRequired is false unless
    asked for (EC2 API); SupportedIpAddressTypes is ipv4 unless asked for (ipv6 needs dualstack load
    balancers). A Gateway Load Balancer endpoint service has no private DNS name (AWS "Create a
    service powered by Gateway Load Balancers" offers none; wording of the error vpclab's)."""
    if bool(network_load_balancer_arns) == bool(gateway_load_balancer_arns):
        raise AwsError("InvalidParameter",
                       "exactly one of network_load_balancer_arn or "
                       "gateway_load_balancer_arn is a required member")
    gateway = bool(gateway_load_balancer_arns)
    if gateway and private_dns_name is not None:
        raise AwsError("InvalidParameter",
                       "Private DNS names are not supported for Gateway Load Balancer endpoint services.")
    lbs = _load_balancers(ctx, gateway_load_balancer_arns or network_load_balancer_arns or (),
                          "gateway" if gateway else "network")
    types = _check_ip_address_types(list(dict.fromkeys(supported_ip_address_types or ["ipv4"])), lbs)
    svc_id = ctx.new_id("vpc_endpoint_service")
    arns = tuple(lb.arn for lb in lbs)
    return ctx.world.put(VpcEndpointService(
        id=svc_id, owner_id=ctx.account_id, region=ctx.region, tags=Tags(tags),
        service_name=f"com.amazonaws.vpce.{ctx.region}.{svc_id}",
        network_load_balancer_arns=() if gateway else arns,
        gateway_load_balancer_arns=arns if gateway else (),
        service_type=GWLB_SERVICE_TYPE if gateway else "Interface", acceptance_required=acceptance_required,
        availability_zones=_zones(lbs), private_dns_name=private_dns_name, supported_ip_address_types=types))


@action
def modify_vpc_endpoint_service_permissions(ctx: Ctx, *, service_id: str,
                                            add_allowed_principals: Sequence[str] | None = None,
                                            remove_allowed_principals: Sequence[str] | None = None
                                            ) -> VpcEndpointService:
    """ModifyVpcEndpointServicePermissions: who may create endpoints to the service.

    AWS "Manage permissions": removing a principal does not close its existing connections.
    """
    svc = require_service(ctx, service_id)
    for p in (*(add_allowed_principals or ()), *(remove_allowed_principals or ())):
        if not _PRINCIPAL.match(p):
            if p.startswith("arn:"):
                # an ARN, but not of a principal type the service takes (an account root, an IAM
                # user or role): the page's UnknownPrincipalType.Unsupported (message vpclab's)
                raise AwsError("UnknownPrincipalType.Unsupported",
                               f"The principal type of {p} is not supported")
            # the error for a principal that is not an ARN is undocumented
            raise AwsError("InvalidPrincipal", f"Invalid principal {p}")
    principals = [p for p in svc.allowed_principals if p not in (remove_allowed_principals or ())]
    principals += [p for p in add_allowed_principals or () if p not in principals]
    return ctx.world.put(replace(svc, allowed_principals=tuple(principals)))


@action
def modify_vpc_endpoint_service_configuration(
        ctx: Ctx, *, service_id: str, acceptance_required: bool | None = None,
        private_dns_name: str | None = None,
        remove_private_dns_name: bool | None = None,
        add_network_load_balancer_arns: Sequence[str] | None = None,
        remove_network_load_balancer_arns: Sequence[str] | None = None,
        add_gateway_load_balancer_arns: Sequence[str] | None = None,
        remove_gateway_load_balancer_arns: Sequence[str] | None = None,
        add_supported_ip_address_types: Sequence[str] | None = None,
        remove_supported_ip_address_types: Sequence[str] | None = None) -> VpcEndpointService:
    """ModifyVpcEndpointServiceConfiguration: acceptance, private DNS name, load balancers, supported IP
    address types.

    AWS: the load balancers cannot change while endpoints are connected (ExistingVpcEndpointConnections).
    A supported IP address type cannot be removed while a connected endpoint uses it (undocumented:
    vpclab's conservative choice, so no endpoint is left with addresses its service no longer takes).
    """
    svc = require_service(ctx, service_id)
    changes: dict[str, object] = {}
    lb_type = _lb_type(svc)
    lb_arns = svc.load_balancer_arns
    if acceptance_required is not None:
        changes["acceptance_required"] = acceptance_required
    if remove_private_dns_name:
        changes["private_dns_name"] = None
    elif private_dns_name is not None:
        if lb_type == "gateway":
            raise AwsError("InvalidParameter", "Private DNS names are not supported for Gateway Load "
                                               "Balancer endpoint services.")
        changes["private_dns_name"] = private_dns_name
    other = ((add_network_load_balancer_arns or remove_network_load_balancer_arns) if lb_type == "gateway"
             else (add_gateway_load_balancer_arns or remove_gateway_load_balancer_arns))
    if other:
        # an endpoint service keeps its kind of load balancer (wording vpclab's)
        raise AwsError("InvalidParameter", f"The endpoint service {svc.id} is backed by {lb_type} load "
                                           "balancers: it cannot take load balancers of another type")
    add = (add_gateway_load_balancer_arns if lb_type == "gateway" else add_network_load_balancer_arns) or ()
    remove = (remove_gateway_load_balancer_arns if lb_type == "gateway"
              else remove_network_load_balancer_arns) or ()
    if add or remove:
        if any(e.state in _ACTIVE for e in endpoint_connections(ctx.world, svc)):
            raise _existing_connections()
        removed = set(remove)
        unknown = removed - set(svc.load_balancer_arns)
        if unknown:
            raise AwsError("InvalidParameter", f"The load balancer {sorted(unknown)[0]} "
                                               f"is not associated with {svc.id}")
        arns = [a for a in svc.load_balancer_arns if a not in removed]
        arns += [a for a in add if a not in arns]
        if not arns:
            raise AwsError("InvalidParameter", "An endpoint service must have at least one load balancer")
        lbs = _load_balancers(ctx, arns, lb_type)
        lb_arns = tuple(arns)
        field = "gateway_load_balancer_arns" if lb_type == "gateway" else "network_load_balancer_arns"
        changes.update({field: lb_arns, "availability_zones": _zones(lbs)})
    removed_types = set(remove_supported_ip_address_types or ())
    for t in removed_types:
        if t not in svc.supported_ip_address_types:
            raise AwsError("InvalidParameter", f"The IP address type {t} is not supported by {svc.id}")
    types = [t for t in svc.supported_ip_address_types if t not in removed_types]
    types += [t for t in add_supported_ip_address_types or () if t not in types]
    for e in endpoint_connections(ctx.world, svc):
        uses = {"ipv4": {"ipv4"}, "dualstack": {"ipv4", "ipv6"}, "ipv6": {"ipv6"}}.get(e.ip_address_type,
                                                                                     set())
        if e.state in _ACTIVE and uses & removed_types:
            raise AwsError("InvalidParameter", "The IP address type cannot be removed: the VPC endpoint "
                                               f"{e.id} uses IP address type {e.ip_address_type}.")
    current = [lb for arn in lb_arns if (lb := load_balancer_by_arn(ctx.world, arn)) is not None]
    changes["supported_ip_address_types"] = _check_ip_address_types(types, current)
    return ctx.world.put(replace(svc, **changes))  # type: ignore[arg-type]


def _connections(ctx: Ctx, svc: VpcEndpointService, vpc_endpoint_ids: Sequence[str],
                 allowed_from: tuple[str, ...],
                 new_state: str) -> list[UnsuccessfulItem]:
    unsuccessful: list[UnsuccessfulItem] = []
    for vpce_id in vpc_endpoint_ids:
        vpce = ctx.world.get(vpce_id, VpcEndpoint)
        if vpce is None or vpce.service_id != svc.id:
            code, message = VpcEndpoint.NOT_FOUND
            unsuccessful.append(_item(vpce_id, code, message.format(id=vpce_id)))
        elif vpce.state not in allowed_from:
            # the error code for a connection in the wrong state is undocumented
            unsuccessful.append(_item(vpce_id, "InvalidState",
                                      f"The VPC endpoint {vpce_id} is in the {vpce.state} state."))
        else:
            ctx.world.put(replace(vpce, state=new_state))
    return unsuccessful


@action
def accept_vpc_endpoint_connections(ctx: Ctx, *, service_id: str,
                                    vpc_endpoint_ids: Sequence[str]) -> list[UnsuccessfulItem]:
    """AcceptVpcEndpointConnections: pendingAcceptance → available; others come back unsuccessful."""
    svc = require_service(ctx, service_id)
    return _connections(ctx, svc, vpc_endpoint_ids, (PENDING_ACCEPTANCE,), AVAILABLE)


@action
def reject_vpc_endpoint_connections(ctx: Ctx, *, service_id: str,
                                    vpc_endpoint_ids: Sequence[str]) -> list[UnsuccessfulItem]:
    """RejectVpcEndpointConnections: a pending or an available connection becomes rejected."""
    svc = require_service(ctx, service_id)
    return _connections(ctx, svc, vpc_endpoint_ids, (PENDING_ACCEPTANCE, AVAILABLE), REJECTED)


@action
def delete_vpc_endpoint_service_configurations(ctx: Ctx, *,
                                               service_ids: Sequence[str]) -> list[UnsuccessfulItem]:
    """DeleteVpcEndpointServiceConfigurations: not while endpoints are available or pending acceptance
    (reported per service as unsuccessful items, as AWS does)."""
    unsuccessful: list[UnsuccessfulItem] = []
    for service_id in service_ids:
        try:
            svc = require_service(ctx, service_id)
            if any(e.state in _ACTIVE for e in endpoint_connections(ctx.world, svc)):
                raise _existing_connections()
        except AwsError as err:
            unsuccessful.append(_item(service_id, err.code, err.message))
            continue
        ctx.world.remove(svc.id)
    return unsuccessful
