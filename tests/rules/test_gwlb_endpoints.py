"""Gateway Load Balancer endpoint services and endpoints, and the endpoints as route targets. AWS
docs: PrivateLink guide, "Create a service powered by Gateway Load Balancers"
(https://docs.aws.amazon.com/vpc/latest/privatelink/create-gateway-load-balancer-endpoint-service.html),
"Access an inspection system using a Gateway Load Balancer endpoint"
(https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html); Amazon
VPC User Guide, "Gateway route tables"
(https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html) and "Example routing
options" (https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import ACCOUNT_B, raises_aws, unchanged
from vpclab import ControlPlane
from vpclab.model.endpoints import VpcEndpoint, VpcEndpointService
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.load_balancer import LoadBalancer
from vpclab.model.route_table import RouteTable

GWLBE = "GatewayLoadBalancer"


@dataclass
class Lab:
    cp: ControlPlane
    lb: LoadBalancer
    svc: VpcEndpointService
    vpc_id: str
    subnets: dict[str, str]  # AZ → subnet id (the consumer VPC: 10.1.0.0/16)


@pytest.fixture
def lab(cp) -> Lab:
    """A GWLB in us-east-1a/1b (appliance VPC 10.0.0.0/16) behind an endpoint service; a consumer VPC
    (same account) with subnets in 1a, 1b and 1c."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    subs = [
        cp.create_subnet(vpc_id=vpc.id, cidr_block=f"10.0.{i}.0/24", availability_zone=az).id
        for i, az in enumerate(("us-east-1a", "us-east-1b"))
    ]
    lb = cp.create_load_balancer(name="inspect", subnets=subs, type="gateway")
    svc = cp.create_vpc_endpoint_service_configuration(gateway_load_balancer_arns=[lb.arn])
    consumer = cp.create_vpc(cidr_block="10.1.0.0/16")
    csubs = {
        az: cp.create_subnet(vpc_id=consumer.id, cidr_block=f"10.1.{i}.0/24", availability_zone=az).id
        for i, az in enumerate(("us-east-1a", "us-east-1b", "us-east-1c"))
    }
    return Lab(cp, lb, svc, consumer.id, csubs)


def _endpoint(lab: Lab, az: str = "us-east-1a", cp: ControlPlane | None = None, **kw) -> VpcEndpoint:
    return (cp or lab.cp).create_vpc_endpoint(
        vpc_id=lab.vpc_id,
        service_name=lab.svc.service_name,
        vpc_endpoint_type=GWLBE,
        subnet_ids=[lab.subnets[az]],
        **kw,
    )


# -- endpoint services ---------------------------------------------------------------------------
def test_gateway_load_balancer_service_type_and_zones(lab):
    """AWS "Create a service powered by Gateway Load Balancers": the service fronts Gateway Load
    Balancers (ServiceType GatewayLoadBalancer) in the Availability Zones of their subnets
    (https://docs.aws.amazon.com/vpc/latest/privatelink/create-gateway-load-balancer-endpoint-service.html)."""
    assert lab.svc.service_type == GWLBE
    assert lab.svc.gateway_load_balancer_arns == (lab.lb.arn,)
    assert lab.svc.network_load_balancer_arns == ()
    assert lab.svc.availability_zones == ("us-east-1a", "us-east-1b")


def test_service_takes_exactly_one_kind_of_load_balancer(cp, world, lab):
    """AWS CreateVpcEndpointServiceConfiguration: NetworkLoadBalancerArns or GatewayLoadBalancerArns,
    each of its own type (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpointServiceConfiguration.html)."""
    nlb = cp.create_load_balancer(name="nlb", subnets=[lab.subnets["us-east-1a"]])
    with (
        unchanged(world),
        raises_aws(
            "InvalidParameter",
            "exactly one of network_load_balancer_arn or gateway_load_balancer_arn is a required member",
        ),
    ):
        cp.create_vpc_endpoint_service_configuration(
            network_load_balancer_arns=[nlb.arn], gateway_load_balancer_arns=[lab.lb.arn]
        )
    with (
        unchanged(world),
        raises_aws("InvalidParameter", f"The load balancer {nlb.arn} is not a gateway load balancer"),
    ):
        cp.create_vpc_endpoint_service_configuration(gateway_load_balancer_arns=[nlb.arn])
    with (
        unchanged(world),
        raises_aws("InvalidParameter", f"The load balancer {lab.lb.arn} is not a network load balancer"),
    ):
        cp.create_vpc_endpoint_service_configuration(network_load_balancer_arns=[lab.lb.arn])


def test_gateway_load_balancer_service_has_no_private_dns_name(cp, world, lab):
    """AWS "Create a service powered by Gateway Load Balancers": no private DNS name is offered (a
    Gateway Load Balancer endpoint is a route target, not a name)
    (https://docs.aws.amazon.com/vpc/latest/privatelink/create-gateway-load-balancer-endpoint-service.html)."""
    with unchanged(world), raises_aws("InvalidParameter"):
        cp.create_vpc_endpoint_service_configuration(
            gateway_load_balancer_arns=[lab.lb.arn], private_dns_name="inspect.example.com"
        )


def test_load_balancer_behind_a_service_cannot_be_deleted(cp, world, lab):
    """AWS DeleteLoadBalancer: not while an endpoint service uses it (ResourceInUse)
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteLoadBalancer.html)."""
    with unchanged(world), raises_aws("ResourceInUse"):
        cp.delete_load_balancer(load_balancer_arn=lab.lb.arn)


def test_service_load_balancers_change_only_without_connections(cp, world, lab):
    """AWS ModifyVpcEndpointServiceConfiguration: Add/RemoveGatewayLoadBalancerArns, not while
    endpoints are connected (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpointServiceConfiguration.html)."""
    vpc = world.get(lab.lb.vpc_id)
    sub = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.9.0/24", availability_zone="us-east-1c")
    other = cp.create_load_balancer(name="inspect2", subnets=[sub.id], type="gateway")
    svc = cp.modify_vpc_endpoint_service_configuration(
        service_id=lab.svc.id, add_gateway_load_balancer_arns=[other.arn]
    )
    assert svc.gateway_load_balancer_arns == (lab.lb.arn, other.arn)
    assert svc.availability_zones == ("us-east-1a", "us-east-1b", "us-east-1c")
    nlb = cp.create_load_balancer(name="nlb", subnets=[sub.id])
    with unchanged(world), raises_aws("InvalidParameter"):
        cp.modify_vpc_endpoint_service_configuration(
            service_id=lab.svc.id, add_network_load_balancer_arns=[nlb.arn]
        )
    _endpoint(lab)
    with unchanged(world), raises_aws("ExistingVpcEndpointConnections"):
        cp.modify_vpc_endpoint_service_configuration(
            service_id=lab.svc.id, remove_gateway_load_balancer_arns=[other.arn]
        )


# -- endpoints -----------------------------------------------------------------------------------
def test_gwlb_endpoint_has_one_interface_no_groups_no_dns(lab, world):
    """AWS "Access an inspection system using a Gateway Load Balancer endpoint": an endpoint network
    interface in the chosen subnet, with a private IP from its range; no security groups, private DNS
    or DNS names (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html)."""
    vpce = _endpoint(lab)
    assert vpce.vpc_endpoint_type == GWLBE and vpce.state == "available"
    assert vpce.subnet_ids == (lab.subnets["us-east-1a"],)
    (eni_id,) = vpce.network_interface_ids
    eni = world.get(eni_id, NetworkInterface)
    assert eni.interface_type == "gateway_load_balancer_endpoint" and eni.groups == ()
    assert eni.private_ip_address.startswith("10.1.0.")
    assert (vpce.groups, vpce.dns_entries, vpce.private_dns_enabled) == ((), (), False)


def test_gwlb_endpoint_takes_exactly_one_subnet(lab, world):
    """AWS "Access an inspection system using a Gateway Load Balancer endpoint": "You can choose only one
    Availability Zone in the service consumer VPC"
    (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html)."""
    for subnets in ([], [lab.subnets["us-east-1a"], lab.subnets["us-east-1b"]]):
        with unchanged(world), raises_aws("InvalidParameter"):
            lab.cp.create_vpc_endpoint(
                vpc_id=lab.vpc_id,
                service_name=lab.svc.service_name,
                vpc_endpoint_type=GWLBE,
                subnet_ids=subnets,
            )


def test_gwlb_endpoint_only_in_the_services_zones(lab, world):
    """AWS "Access an inspection system using a Gateway Load Balancer endpoint": "you must select the
    Availability Zone that the Gateway Load Balancer supports"
    (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html)."""
    with (
        unchanged(world),
        raises_aws(
            "InvalidParameter",
            f"The VPC endpoint service {lab.svc.service_name} "
            "does not support the availability zone of the subnet: "
            f"{lab.subnets['us-east-1c']}.",
        ),
    ):
        _endpoint(lab, "us-east-1c")


def test_one_gwlb_endpoint_per_zone_per_service(lab, world):
    """AWS "Access an inspection system using a Gateway Load Balancer endpoint": "You can create a single
    Gateway Load Balancer endpoint per Availability Zone per service"
    (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html)."""
    _endpoint(lab)
    second = lab.cp.create_subnet(vpc_id=lab.vpc_id, cidr_block="10.1.9.0/24", availability_zone="us-east-1a")
    with unchanged(world), raises_aws("DuplicateSubnetsInSameZone"):
        lab.cp.create_vpc_endpoint(
            vpc_id=lab.vpc_id,
            service_name=lab.svc.service_name,
            vpc_endpoint_type=GWLBE,
            subnet_ids=[second.id],
        )
    assert _endpoint(lab, "us-east-1b").state == "available"


def test_gwlb_endpoint_has_no_groups_route_tables_private_dns_or_policy(lab, world):
    """AWS "Access an inspection system using a Gateway Load Balancer endpoint": the endpoint is a
    route target; it takes no security groups, route tables (gateway endpoints only), private DNS or
    endpoint policy (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html)."""
    sg = lab.cp.create_security_group(group_name="x", description="x", vpc_id=lab.vpc_id)
    rt = lab.cp.create_route_table(vpc_id=lab.vpc_id)
    for kw in (
        {"security_group_ids": [sg.id]},
        {"route_table_ids": [rt.id]},
        {"private_dns_enabled": True},
        {"policy_document": "{}"},
        {"ip_address_type": "ipv6"},
    ):
        with unchanged(world), raises_aws("InvalidParameter"):
            _endpoint(lab, **kw)


def test_gwlb_endpoint_type_must_match_the_service(lab, world):
    """AWS CreateVpcEndpoint: the endpoint type must be one the service offers (a GWLB service:
    GatewayLoadBalancer) (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html)."""
    message = "Endpoint type (Interface) does not match available service types ([GatewayLoadBalancer])."
    with unchanged(world), raises_aws("InvalidParameter", message):
        lab.cp.create_vpc_endpoint(
            vpc_id=lab.vpc_id,
            service_name=lab.svc.service_name,
            vpc_endpoint_type="Interface",
            subnet_ids=[lab.subnets["us-east-1a"]],
        )


def test_gwlb_endpoint_subnet_cannot_change(lab, world):
    """AWS "Access an inspection system using a Gateway Load Balancer endpoint": "You can't change this
    subnet later on" (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html)."""
    vpce = _endpoint(lab)
    with unchanged(world), raises_aws("InvalidParameter"):
        lab.cp.modify_vpc_endpoint(vpc_endpoint_id=vpce.id, add_subnet_ids=[lab.subnets["us-east-1b"]])


def test_gwlb_endpoint_connection_needs_acceptance_when_required(cp, world, lab):
    """AWS "Access an inspection system using a Gateway Load Balancer endpoint": "Before you can use the
    endpoint service the service provider must accept the connection requests"
    (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html)."""
    cp.modify_vpc_endpoint_service_configuration(service_id=lab.svc.id, acceptance_required=True)
    cp.modify_vpc_endpoint_service_permissions(
        service_id=lab.svc.id, add_allowed_principals=[f"arn:aws:iam::{ACCOUNT_B}:root"]
    )
    consumer = cp.as_(account_id=ACCOUNT_B)
    vpc = consumer.create_vpc(cidr_block="10.2.0.0/16")
    sub = consumer.create_subnet(vpc_id=vpc.id, cidr_block="10.2.0.0/24", availability_zone="us-east-1a")
    vpce = consumer.create_vpc_endpoint(
        vpc_id=vpc.id, service_name=lab.svc.service_name, vpc_endpoint_type=GWLBE, subnet_ids=[sub.id]
    )
    assert vpce.state == "pendingAcceptance"
    assert cp.accept_vpc_endpoint_connections(service_id=lab.svc.id, vpc_endpoint_ids=[vpce.id]) == []
    assert world.get(vpce.id, VpcEndpoint).state == "available"


# -- route targets -------------------------------------------------------------------------------
def test_gwlb_endpoint_is_a_route_target_in_subnet_route_tables(lab, world):
    """AWS "Access an inspection system using a Gateway Load Balancer endpoint", Configure routing: the
    application subnet's route table sends 0.0.0.0/0 to the endpoint (VpcEndpointId)
    (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-load-balancer-endpoints.html)."""
    vpce = _endpoint(lab)
    rt = lab.cp.create_route_table(vpc_id=lab.vpc_id)
    route = lab.cp.create_route(
        route_table_id=rt.id, destination_cidr_block="0.0.0.0/0", vpc_endpoint_id=vpce.id
    )
    assert route.vpc_endpoint_id == vpce.id
    lab.cp.replace_route(route_table_id=rt.id, destination_cidr_block="0.0.0.0/0", vpc_endpoint_id=vpce.id)


def test_only_gwlb_endpoints_are_vpc_endpoint_route_targets(lab, world):
    """AWS CreateRoute VpcEndpointId: "The ID of a VPC endpoint. Supported for Gateway Load Balancer
    endpoints only" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateRoute.html)."""
    iface = lab.cp.create_vpc_endpoint(
        vpc_id=lab.vpc_id,
        service_name="com.amazonaws.us-east-1.sqs",
        vpc_endpoint_type="Interface",
        subnet_ids=[lab.subnets["us-east-1a"]],
        private_dns_enabled=False,
    )
    rt = lab.cp.create_route_table(vpc_id=lab.vpc_id)
    with unchanged(world), raises_aws("RouteNotSupported"):
        lab.cp.create_route(
            route_table_id=rt.id, destination_cidr_block="0.0.0.0/0", vpc_endpoint_id=iface.id
        )


def test_gwlb_endpoint_route_target_must_be_in_the_tables_vpc(cp, world, lab):
    """AWS CreateRoute: a route's target belongs to the route table's VPC
    (https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html)."""
    vpce = _endpoint(lab)
    other_rt = cp.create_route_table(vpc_id=lab.lb.vpc_id)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_route(
            route_table_id=other_rt.id, destination_cidr_block="0.0.0.0/0", vpc_endpoint_id=vpce.id
        )


def test_gwlb_endpoint_as_middlebox_for_a_subnet_cidr(lab, world):
    """AWS "Example routing options", middlebox routing: a route equal to a subnet's CIDR (more specific
    than the local route) may target a Gateway Load Balancer endpoint, and only a whole subnet CIDR
    (https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html)."""
    vpce = _endpoint(lab)
    rt = lab.cp.create_route_table(vpc_id=lab.vpc_id)
    lab.cp.create_route(route_table_id=rt.id, destination_cidr_block="10.1.1.0/24", vpc_endpoint_id=vpce.id)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        lab.cp.create_route(
            route_table_id=rt.id, destination_cidr_block="10.1.1.0/25", vpc_endpoint_id=vpce.id
        )


def test_local_route_target_may_be_replaced_by_a_gwlb_endpoint(lab, world):
    """AWS "Replace or restore the target for a local route": a local route's target may be a network
    interface or a Gateway Load Balancer endpoint (https://docs.aws.amazon.com/vpc/latest/userguide/WorkWithRouteTables.html)."""
    vpce = _endpoint(lab)
    rt = lab.cp.create_route_table(vpc_id=lab.vpc_id)
    new = lab.cp.replace_route(
        route_table_id=rt.id, destination_cidr_block="10.1.0.0/16", vpc_endpoint_id=vpce.id
    )
    assert new.vpc_endpoint_id == vpce.id
    lab.cp.replace_route(route_table_id=rt.id, destination_cidr_block="10.1.0.0/16", local_target=True)


def test_ingress_routing_to_a_gwlb_endpoint_in_an_igw_edge_table(lab, world):
    """AWS "Gateway route tables": a route table associated with an internet gateway holds the local
    route and routes to a Gateway Load Balancer endpoint or network interface for destinations inside
    the VPC — nothing else (https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html)."""
    cp = lab.cp
    vpce = _endpoint(lab)
    igw = cp.create_internet_gateway()
    cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=lab.vpc_id)
    edge = cp.create_route_table(vpc_id=lab.vpc_id)
    cp.create_route(route_table_id=edge.id, destination_cidr_block="10.1.1.0/24", vpc_endpoint_id=vpce.id)
    cp.associate_route_table(route_table_id=edge.id, gateway_id=igw.id)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_route(route_table_id=edge.id, destination_cidr_block="0.0.0.0/0", vpc_endpoint_id=vpce.id)
    with unchanged(world), raises_aws("InvalidParameterValue"):
        cp.create_route(route_table_id=edge.id, destination_cidr_block="10.9.0.0/16", gateway_id=igw.id)
    assert world.get(edge.id, RouteTable).routes[-1].vpc_endpoint_id == vpce.id


def test_route_to_a_deleted_gwlb_endpoint_is_a_blackhole(lab, world):
    """AWS "Route tables": a route whose target is deleted stays, as a blackhole
    (https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html)."""
    from vpclab.model.route_table import route_state

    vpce = _endpoint(lab)
    rt = lab.cp.create_route_table(vpc_id=lab.vpc_id)
    route = lab.cp.create_route(
        route_table_id=rt.id, destination_cidr_block="0.0.0.0/0", vpc_endpoint_id=vpce.id
    )
    assert route_state(world, world.get(rt.id, RouteTable), route) == "active"
    assert lab.cp.delete_vpc_endpoints(vpc_endpoint_ids=[vpce.id]) == []
    assert route_state(world, world.get(rt.id, RouteTable), route) == "blackhole"
