"""Gateway Load Balancer endpoints (VPC endpoints of type ``GatewayLoadBalancer``): the rules of
CreateVpcEndpoint and ModifyVpcEndpoint for them (called from ``control.endpoints``).

AWS PrivateLink guide, "Access an inspection system using a Gateway Load Balancer endpoint"
(https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html):
"You can choose only one Availability Zone in the service consumer VPC. You can't change this subnet
later on"; "You can create a single Gateway Load Balancer endpoint per Availability Zone per
service, and you must select the Availability Zone that the Gateway Load Balancer supports"; the
provider must accept the connection when the service requires it. A Gateway Load Balancer endpoint
has one endpoint network interface, no security groups, no private DNS and no endpoint policy
(DescribeVpcEndpointServices: VpcEndpointPolicySupported false), and is used as a route target
(``control.routes``). Its IpAddressType is ipv4 or dualstack (the Gateway Load Balancer guide's IP
address types; ipv6 is refused, conservatively).

The codes are EC2's InvalidParameter; the wordings are vpclab's (AWS documents the rules, not the
words), except "Route table IDs are only supported for Gateway type VPC Endpoint.", seen verbatim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..core.errors import AwsError
from ..model.endpoints import AVAILABLE, PENDING_ACCEPTANCE, VpcEndpoint
from ..model.subnet import Subnet
from ..model.vpc import Vpc
from .context import Ctx

if TYPE_CHECKING:
    from .endpoints import ServiceOffer

GWLB_ENDPOINT_TYPE = "GatewayLoadBalancer"


def _invalid(message: str) -> AwsError:
    return AwsError("InvalidParameter", message)


def _one_subnet(ctx: Ctx, vpc: Vpc, offer: ServiceOffer, subnet_ids: Sequence[str]) -> Subnet:
    if len(subnet_ids) != 1:
        raise _invalid(
            "A Gateway Load Balancer type VPC Endpoint takes exactly one subnet "
            f"(one Availability Zone); got {len(subnet_ids)}."
        )
    subnet = ctx.require(Subnet, subnet_ids[0])
    if subnet.vpc_id != vpc.id:
        raise _invalid(f"subnet {subnet.id} does not belong to vpc {vpc.id}")
    if subnet.availability_zone not in offer.availability_zones:
        raise _invalid(
            f"The VPC endpoint service {offer.service_name} does not support "
            f"the availability zone of the subnet: {subnet.id}."
        )
    for other in ctx.world.in_vpc(vpc.id, VpcEndpoint):
        if other.service_name != offer.service_name or other.vpc_endpoint_type != GWLB_ENDPOINT_TYPE:
            continue
        zones = {s.availability_zone for s in (ctx.world.get(i, Subnet) for i in other.subnet_ids) if s}
        if subnet.availability_zone in zones:
            raise AwsError(
                "DuplicateSubnetsInSameZone",
                f"The VPC endpoint {other.id} already connects {vpc.id} to "
                f"{offer.service_name} in {subnet.availability_zone}: a VPC has a single Gateway "
                "Load Balancer endpoint per Availability Zone per service.",
            )
    return subnet


def create_gwlb_endpoint(
    ctx: Ctx,
    vpc: Vpc,
    offer: ServiceOffer,
    base: VpcEndpoint,
    *,
    subnet_ids: Sequence[str],
    security_group_ids: Sequence[str] | None,
    route_table_ids: Sequence[str] | None,
    private_dns_enabled: bool | None,
    policy_document: str | None,
) -> VpcEndpoint:
    """CreateVpcEndpoint VpcEndpointType=GatewayLoadBalancer: one subnet, one requester-managed
    interface (type ``gateway_load_balancer_endpoint``, no security groups), pendingAcceptance when
    the service requires acceptance."""
    if route_table_ids:
        raise _invalid("Route table IDs are only supported for Gateway type VPC Endpoint.")
    if security_group_ids:
        raise _invalid("Security group IDs are not supported for GatewayLoadBalancer type VPC Endpoint.")
    if private_dns_enabled:
        raise _invalid("Private DNS is not supported for GatewayLoadBalancer type VPC Endpoint.")
    if policy_document is not None:
        raise _invalid("Endpoint policies are not supported for GatewayLoadBalancer type VPC Endpoint.")
    if base.ip_address_type not in ("ipv4", "dualstack"):
        raise _invalid(
            f"IP address type {base.ip_address_type} is not supported for GatewayLoadBalancer "
            "type VPC Endpoint."
        )
    supported = offer.ip_address_types.get(GWLB_ENDPOINT_TYPE, ("ipv4",))
    if base.ip_address_type == "dualstack" and "ipv6" not in supported:
        raise _invalid(
            f"The VPC endpoint service {offer.service_name} does not support IP address type dualstack."
        )
    ctx.check_quota(
        "interface_endpoints_per_vpc",
        sum(1 for e in ctx.world.in_vpc(vpc.id, VpcEndpoint) if e.vpc_endpoint_type != "Gateway"),
    )
    subnet = _one_subnet(ctx, vpc, offer, subnet_ids)
    if base.ip_address_type == "dualstack" and subnet.ipv6_cidr_block is None:
        raise _invalid(
            f"The subnet {subnet.id} does not have an IPv6 CIDR block: IP address type "
            "dualstack needs subnets with IPv4 and IPv6 ranges."
        )
    from .interfaces import create_managed_interface
    from .ipv6 import set_managed_ipv6

    eni = create_managed_interface(
        ctx,
        subnet,
        interface_type="gateway_load_balancer_endpoint",
        description=f"VPC Endpoint Interface {base.id}",
        requester_id="amazon-vpce",
    )
    set_managed_ipv6(ctx, eni.id, base.ip_address_type == "dualstack")
    needs_acceptance = offer.service is not None and offer.service.acceptance_required
    return ctx.world.put(
        replace(
            base,
            state=PENDING_ACCEPTANCE if needs_acceptance else AVAILABLE,
            subnet_ids=(subnet.id,),
            network_interface_ids=(eni.id,),
            groups=(),
            private_dns_enabled=False,
            policy_document=None,
            service_id=offer.service.id if offer.service else None,
            dns_record_ip_type=base.ip_address_type,
        )
    )


def check_gwlb_modify(
    *, subnets: bool, groups: bool, route_tables: bool, private_dns: bool, policy: bool
) -> None:
    """ModifyVpcEndpoint on a Gateway Load Balancer endpoint: its subnet cannot change ("You can't
    change this subnet later on"); it has no security groups, route tables, private DNS or policy."""
    if route_tables:
        raise _invalid("Route table IDs are only supported for Gateway type VPC Endpoint.")
    if subnets:
        raise _invalid(
            "The subnet of a GatewayLoadBalancer type VPC Endpoint cannot be changed: create "
            "a new endpoint in the other subnet."
        )
    if groups:
        raise _invalid("Security group IDs are not supported for GatewayLoadBalancer type VPC Endpoint.")
    if private_dns:
        raise _invalid("Private DNS is not supported for GatewayLoadBalancer type VPC Endpoint.")
    if policy:
        raise _invalid("Endpoint policies are not supported for GatewayLoadBalancer type VPC Endpoint.")
