"""Endpoint service (PrivateLink provider side) and network load balancer rules. AWS docs: "AWS
PrivateLink" guide — "Share your services through AWS PrivateLink"
(https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html), "Manage
permissions" and "Accept or reject connection requests"
(https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html); Elastic Load
Balancing "Network Load Balancers"
(https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import ACCOUNT_B, raises_aws, unchanged
from vpclab import ControlPlane
from vpclab.model.endpoints import (
    VpcEndpointService,
    endpoint_carries_traffic,
    endpoint_connections,
    endpoint_private_ips,
    service_behind,
    service_names_for,
)
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.load_balancer import LoadBalancer, targets_behind

B_ROOT = f"arn:aws:iam::{ACCOUNT_B}:root"


@dataclass
class Lab:
    provider: ControlPlane
    consumer: ControlPlane
    lb: LoadBalancer
    svc: VpcEndpointService
    consumer_vpc_id: str
    consumer_subnets: dict[str, str]  # AZ → subnet id


def _vpc_with_subnets(cp: ControlPlane, octet: int, azs: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    vpc = cp.create_vpc(cidr_block=f"10.{octet}.0.0/16")
    subnets = {az: cp.create_subnet(vpc_id=vpc.id, cidr_block=f"10.{octet}.{i}.0/24", availability_zone=az).id
               for i, az in enumerate(azs)}
    return vpc.id, subnets


@pytest.fixture
def lab(cp) -> Lab:
    """A provider NLB in us-east-1a/1b behind a service that requires acceptance;
    a consumer VPC in 1a/1b/1c."""
    _, subnets = _vpc_with_subnets(cp, 0, ("us-east-1a", "us-east-1b"))
    lb = cp.create_load_balancer(name="svc", subnets=list(subnets.values()))
    svc = cp.create_vpc_endpoint_service_configuration(network_load_balancer_arns=[lb.arn],
                                                       acceptance_required=True)
    consumer = cp.as_(account_id=ACCOUNT_B)
    vpc_id, csubnets = _vpc_with_subnets(consumer, 1, ("us-east-1a", "us-east-1b", "us-east-1c"))
    return Lab(cp, consumer, lb, svc, vpc_id, csubnets)


def _endpoint(lab: Lab, *azs: str, consumer: ControlPlane | None = None):
    return (consumer or lab.consumer).create_vpc_endpoint(
        vpc_id=lab.consumer_vpc_id, service_name=lab.svc.service_name, vpc_endpoint_type="Interface",
        subnet_ids=[lab.consumer_subnets[az] for az in azs])


# -- endpoint services -----------------------------------------------------------------------
def test_service_name_and_zones_come_from_the_load_balancers(lab):
    """AWS "Share your services through AWS PrivateLink": the service is available in the Availability
    Zones of its load balancer; its name is com.amazonaws.vpce.<region>.vpce-svc-…
    (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html)."""
    assert lab.svc.service_name == f"com.amazonaws.vpce.us-east-1.{lab.svc.id}"
    assert lab.svc.availability_zones == ("us-east-1a", "us-east-1b")
    assert lab.svc.network_load_balancer_arns == (lab.lb.arn,)


def test_service_needs_an_existing_load_balancer(cp, world):
    """AWS "Create an endpoint service": choose the Network Load Balancers of the service
    (https://docs.aws.amazon.com/vpc/latest/privatelink/create-endpoint-service.html)."""
    arn = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/ghost/0123456789abcdef"
    with unchanged(world), raises_aws("InvalidNetworkLoadBalancerArn.NotFound",
                                      f"The Network Load Balancer ARN {arn} does not exist"):
        cp.create_vpc_endpoint_service_configuration(network_load_balancer_arns=[arn])


def test_only_allowed_principals_can_create_an_endpoint(lab, world):
    """AWS "Manage permissions": consumers can create endpoints only once their principal is allowed
    (https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html)."""
    with unchanged(world), raises_aws("InvalidServiceName",
                                      f"The Vpc Endpoint Service '{lab.svc.service_name}' does not exist"):
        _endpoint(lab, "us-east-1a")
    assert lab.svc.service_name not in service_names_for(world, ACCOUNT_B, "us-east-1")
    lab.provider.modify_vpc_endpoint_service_permissions(service_id=lab.svc.id,
                                                         add_allowed_principals=[B_ROOT])
    assert lab.svc.service_name in service_names_for(world, ACCOUNT_B, "us-east-1")
    assert _endpoint(lab, "us-east-1a").service_id == lab.svc.id


def test_star_allows_every_principal(lab):
    """AWS "Manage permissions": "*" allows all principals
    (https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html)."""
    lab.provider.modify_vpc_endpoint_service_permissions(service_id=lab.svc.id, add_allowed_principals=["*"])
    assert _endpoint(lab, "us-east-1a").state == "pendingAcceptance"


def test_malformed_principal_is_refused(lab, world):
    """AWS ModifyVpcEndpointServicePermissions: principals are ARNs (or "*")
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpointServicePermissions.html)."""
    with unchanged(world), raises_aws("InvalidPrincipal", "Invalid principal 222222222222"):
        lab.provider.modify_vpc_endpoint_service_permissions(service_id=lab.svc.id,
                                                             add_allowed_principals=[ACCOUNT_B])


def test_removing_a_principal_keeps_existing_connections(lab):
    """AWS "Manage permissions": removing a principal does not affect endpoints already connected
    (https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html)."""
    lab.provider.modify_vpc_endpoint_service_permissions(service_id=lab.svc.id,
                                                         add_allowed_principals=[B_ROOT])
    vpce = _endpoint(lab, "us-east-1a")
    lab.provider.modify_vpc_endpoint_service_permissions(service_id=lab.svc.id,
                                                         remove_allowed_principals=[B_ROOT])
    assert lab.provider.world.get(vpce.id).service_id == lab.svc.id
    assert endpoint_connections(lab.provider.world, lab.svc)[0].id == vpce.id


def test_acceptance_required_then_accept(lab):
    """AWS "Accept or reject connection requests": with acceptance required, an endpoint is
    pendingAcceptance until the provider accepts it
    (https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html)."""
    lab.provider.modify_vpc_endpoint_service_permissions(service_id=lab.svc.id,
                                                         add_allowed_principals=[B_ROOT])
    vpce = _endpoint(lab, "us-east-1a")
    assert vpce.state == "pendingAcceptance" and not endpoint_carries_traffic(vpce)
    assert service_behind(lab.provider.world, vpce).id == lab.svc.id
    (ip,) = endpoint_private_ips(lab.provider.world, vpce)
    assert ip.startswith("10.1.0.")
    ghost = "vpce-0123456789abcdef0"
    result = lab.provider.accept_vpc_endpoint_connections(service_id=lab.svc.id,
                                                          vpc_endpoint_ids=[vpce.id, ghost])
    assert [(u.resource_id, u.error.code) for u in result] == [(ghost, "InvalidVpcEndpointId.NotFound")]
    assert endpoint_carries_traffic(lab.provider.world.get(vpce.id))
    again = lab.provider.accept_vpc_endpoint_connections(service_id=lab.svc.id, vpc_endpoint_ids=[vpce.id])
    assert [(u.error.code, u.error.message) for u in again] == [
        ("InvalidState", f"The VPC endpoint {vpce.id} is in the available state.")]


def test_no_acceptance_required_is_available_at_once(lab):
    """AWS "Accept or reject connection requests": without acceptance, connections are accepted
    automatically (https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html)."""
    lab.provider.modify_vpc_endpoint_service_configuration(service_id=lab.svc.id, acceptance_required=False)
    lab.provider.modify_vpc_endpoint_service_permissions(service_id=lab.svc.id,
                                                         add_allowed_principals=[B_ROOT])
    assert _endpoint(lab, "us-east-1a", "us-east-1b").state == "available"


def test_reject_pending_and_available_connections(lab):
    """AWS "Accept or reject connection requests": the provider rejects requests, and can reject an
    accepted connection (https://docs.aws.amazon.com/vpc/latest/privatelink/configure-endpoint-service.html)."""
    lab.provider.modify_vpc_endpoint_service_permissions(service_id=lab.svc.id,
                                                         add_allowed_principals=[B_ROOT])
    vpce = _endpoint(lab, "us-east-1a")
    assert lab.provider.reject_vpc_endpoint_connections(service_id=lab.svc.id,
                                                        vpc_endpoint_ids=[vpce.id]) == []
    assert lab.provider.world.get(vpce.id).state == "rejected"


def test_consumer_subnet_must_be_in_a_service_zone(lab, world):
    """AWS "Share your services through AWS PrivateLink": consumers can use the service only in the
    Availability Zones of the load balancer
    (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html)."""
    lab.provider.modify_vpc_endpoint_service_permissions(service_id=lab.svc.id,
                                                         add_allowed_principals=[B_ROOT])
    subnet = lab.consumer_subnets["us-east-1c"]
    with unchanged(world), raises_aws(
            "InvalidParameter", f"The VPC endpoint service {lab.svc.service_name} does not support the "
                                f"availability zone of the subnet: {subnet}."):
        _endpoint(lab, "us-east-1c")


def test_cannot_delete_a_service_with_connections(lab):
    """AWS "Delete an endpoint service": not while endpoints are available or pending acceptance;
    the call reports the service as unsuccessful (ExistingVpcEndpointConnections)
    (https://docs.aws.amazon.com/vpc/latest/privatelink/delete-endpoint-service.html)."""
    lab.provider.modify_vpc_endpoint_service_permissions(service_id=lab.svc.id,
                                                         add_allowed_principals=[B_ROOT])
    vpce = _endpoint(lab, "us-east-1a")
    result = lab.provider.delete_vpc_endpoint_service_configurations(service_ids=[lab.svc.id])
    assert [(u.resource_id, u.error.code, u.error.message) for u in result] == [
        (lab.svc.id, "ExistingVpcEndpointConnections",
         "Service has existing active VPC Endpoint connections!")]
    assert lab.svc.id in lab.provider.world
    lab.provider.reject_vpc_endpoint_connections(service_id=lab.svc.id, vpc_endpoint_ids=[vpce.id])
    assert lab.provider.delete_vpc_endpoint_service_configurations(service_ids=[lab.svc.id]) == []
    assert lab.svc.id not in lab.provider.world


def test_load_balancers_cannot_change_while_connected(lab, world):
    """AWS error codes, ExistingVpcEndpointConnections: "You cannot ... change the load balancers for
    the endpoint service if there are endpoints attached to the service"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    lab.provider.modify_vpc_endpoint_service_permissions(service_id=lab.svc.id,
                                                         add_allowed_principals=[B_ROOT])
    _endpoint(lab, "us-east-1a")
    with unchanged(world), raises_aws("ExistingVpcEndpointConnections",
                                      "Service has existing active VPC Endpoint connections!"):
        lab.provider.modify_vpc_endpoint_service_configuration(service_id=lab.svc.id,
                                                               remove_network_load_balancer_arns=[lab.lb.arn])


def test_only_the_owner_manages_the_service(lab, world):
    """AWS "Share your services through AWS PrivateLink": the service provider configures the service
    (https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-share-your-services.html)."""
    with unchanged(world), raises_aws("InvalidVpcEndpointServiceId.NotFound",
                                      f"The Vpc Endpoint Service Id '{lab.svc.id}' does not exist"):
        lab.consumer.modify_vpc_endpoint_service_permissions(service_id=lab.svc.id,
                                                             add_allowed_principals=["*"])


# -- network load balancers ------------------------------------------------------------------
def test_nlb_has_a_requester_managed_interface_per_subnet(lab):
    """ELB "Network Load Balancers": a load balancer node (network interface) in each enabled subnet
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html)."""
    enis = [lab.provider.world.get(i, NetworkInterface) for i in lab.lb.network_interface_ids]
    assert [e.availability_zone for e in enis] == ["us-east-1a", "us-east-1b"]
    assert all(e.interface_type == "network_load_balancer" and e.requester_managed for e in enis)
    assert enis[0].description == f"ELB net/svc/{lab.lb.arn.rsplit('/', 1)[1]}"


def test_nlb_one_subnet_per_zone(cp, world):
    """ELB "Network Load Balancers": one subnet per Availability Zone
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    a = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    a2 = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.2.0/24", availability_zone="us-east-1a")
    with unchanged(world), raises_aws("InvalidConfigurationRequest", "A load balancer cannot be attached to "
                                                                     "multiple subnets in the same "
                                                                     "Availability Zone"):
        cp.create_load_balancer(name="nlb", subnets=[a.id, a2.id])
    with unchanged(world), raises_aws("SubnetNotFound", "The subnet ID 'subnet-0000' is not valid"):
        cp.create_load_balancer(name="nlb", subnets=["subnet-0000"])


def test_duplicate_load_balancer_name(lab, world):
    """ELB CreateLoadBalancer: the same name with the same settings returns the existing load balancer;
    with different settings it fails
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html)."""
    assert lab.provider.create_load_balancer(name="svc", subnets=list(lab.lb.subnet_ids)) == lab.lb
    with unchanged(world), raises_aws("DuplicateLoadBalancerName",
                                      "A load balancer with the same name 'svc' "
                                      "exists, but with different settings"):
        lab.provider.create_load_balancer(name="svc", subnets=list(lab.lb.subnet_ids[:1]))


def test_internet_facing_nlb_needs_an_internet_gateway(cp, world):
    """ELB "Network Load Balancers": an internet-facing load balancer needs a VPC with an internet gateway
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html)."""
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    a = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")
    with unchanged(world), raises_aws("InvalidSubnet", f"VPC {vpc.id} has no internet gateway"):
        cp.create_load_balancer(name="pub", subnets=[a.id], scheme="internet-facing")


def test_nlb_in_use_by_an_endpoint_service_cannot_be_deleted(lab, world):
    """AWS "Delete an endpoint service": delete the service before its load balancer; ELB refuses with
    ResourceInUse (https://docs.aws.amazon.com/vpc/latest/privatelink/delete-endpoint-service.html)."""
    with unchanged(world), raises_aws("ResourceInUse",
                                      f"Load balancer '{lab.lb.arn}' cannot be deleted because it "
                                                       "is currently associated with another service"):
        lab.provider.delete_load_balancer(load_balancer_arn=lab.lb.arn)
    lab.provider.delete_vpc_endpoint_service_configurations(service_ids=[lab.svc.id])
    lab.provider.delete_load_balancer(load_balancer_arn=lab.lb.arn)
    assert lab.lb.id not in world and not any(i in world for i in lab.lb.network_interface_ids)
    lab.provider.delete_load_balancer(load_balancer_arn=lab.lb.arn)  # idempotent, as in ELB


def test_listener_forwards_to_registered_targets(lab, world):
    """ELB "Listeners for your Network Load Balancers" and "Target groups": a listener forwards to a
    target group of the load balancer's VPC; a target group serves one load balancer; one listener per port
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-listeners.html)."""
    p = lab.provider
    tg = p.create_target_group(name="web", protocol="TCP", port=80, vpc_id=lab.lb.vpc_id, target_type="ip")
    tg = p.register_targets(target_group_arn=tg.arn,
                            targets=[{"id": "10.0.0.10"}, {"id": "10.0.1.10", "port": 8080}])
    with unchanged(world), raises_aws("InvalidTarget",
                                      "The IP address '8.8.8.8' is outside the target group VPC "
                                                       "and the allowed private ranges"):
        p.register_targets(target_group_arn=tg.arn, targets=[{"id": "8.8.8.8"}])
    ls = p.create_listener(load_balancer_arn=lab.lb.arn, protocol="TCP", port=80,
                           default_actions=[{"type": "forward", "target_group_arn": tg.arn}])
    assert [(t.id, t.port) for _, _, t in targets_behind(world, lab.lb)] == [("10.0.0.10", 80),
                                                                             ("10.0.1.10", 8080)]
    assert ls.arn_in(world).startswith(lab.lb.arn.replace(":loadbalancer/", ":listener/"))
    with unchanged(world), raises_aws("DuplicateListener",
                                      "A listener already exists on this port for this load "
                                                           f"balancer '{lab.lb.arn}'"):
        p.create_listener(load_balancer_arn=lab.lb.arn, protocol="TCP", port=80,
                          default_actions=[{"type": "forward", "target_group_arn": tg.arn}])
    other = p.create_load_balancer(name="other", subnets=list(lab.lb.subnet_ids))
    with unchanged(world), raises_aws("TargetGroupAssociationLimit",
                                      "The following target groups cannot be associated with more than one "
                                      f"load balancer: '{tg.arn}'"):
        p.create_listener(load_balancer_arn=other.arn, protocol="TCP", port=80,
                          default_actions=[{"type": "forward", "target_group_arn": tg.arn}])


def test_unknown_target_group_and_load_balancer(lab, world):
    """ELB API: TargetGroupNotFound and LoadBalancerNotFound for ARNs that do not exist
    (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html)."""
    ghost_tg = lab.lb.arn.replace(":loadbalancer/net/svc/", ":targetgroup/ghost/")
    with unchanged(world), raises_aws("TargetGroupNotFound", "One or more target groups not found"):
        lab.provider.register_targets(target_group_arn=ghost_tg, targets=[{"id": "10.0.0.10"}])
    with unchanged(world), raises_aws("LoadBalancerNotFound", "One or more load balancers not found"):
        lab.provider.create_listener(load_balancer_arn=lab.lb.arn + "0", protocol="TCP", port=1,
                                     default_actions=[{"type": "forward", "target_group_arn": ghost_tg}])
