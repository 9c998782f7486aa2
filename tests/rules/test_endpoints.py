"""VPC endpoint rules (consumer side). AWS docs: "AWS PrivateLink" guide — "Gateway endpoints"
(https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html), "Gateway endpoints for
Amazon S3" (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html), "Access an AWS
service using an interface VPC endpoint"
(https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)."""

from __future__ import annotations

import pytest

from tests.conftest import ACCOUNT_B, raises_aws, unchanged
from vpclab.model.endpoints import endpoints_for_service, gateway_endpoint_for
from vpclab.model.interfaces import NetworkInterface
from vpclab.model.prefix_lists import aws_managed_prefix_list_id
from vpclab.model.route_table import RouteTable
from vpclab.model.security_group import SecurityGroup

S3 = "com.amazonaws.us-east-1.s3"
DDB = "com.amazonaws.us-east-1.dynamodb"
SQS = "com.amazonaws.us-east-1.sqs"
S3_PL = aws_managed_prefix_list_id("us-east-1", "s3")


@pytest.fixture
def vpc(cp):
    v = cp.create_vpc(cidr_block="10.0.0.0/16")
    cp.modify_vpc_attribute(vpc_id=v.id, enable_dns_hostnames=True)
    return cp.world.get(v.id)


def _rtb(cp, vpc) -> RouteTable:
    return next(rt for rt in cp.world.in_vpc(vpc.id, RouteTable) if rt.main)


def _subnet(cp, vpc, cidr: str, az: str):
    return cp.create_subnet(vpc_id=vpc.id, cidr_block=cidr, availability_zone=az)


# -- gateway endpoints -----------------------------------------------------------------------
def test_gateway_endpoint_adds_a_prefix_list_route_to_each_route_table(cp, vpc):
    """AWS "Gateway endpoints": each chosen route table gets a route whose destination is the service's
    prefix list and whose target is the endpoint
    (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)."""
    rt = _rtb(cp, vpc)
    vpce = cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=S3, route_table_ids=[rt.id])
    route = cp.world.get(rt.id).route_to(S3_PL)
    assert route is not None and route.gateway_id == vpce.id and route.origin == "CreateRoute"
    assert vpce.state == "available" and vpce.route_table_ids == (rt.id,)
    assert cp.world.get(S3_PL).prefix_list_name == S3
    assert gateway_endpoint_for(cp.world, vpc.id, rt.id, S3) == vpce


def test_gateway_endpoint_must_be_in_the_vpcs_region(cp, world, vpc):
    """AWS "Gateway endpoints": gateway endpoints work only within the endpoint's own Region
    (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)."""
    with unchanged(world), raises_aws("InvalidServiceName",
                                      "The Vpc Endpoint Service 'com.amazonaws.us-west-2.s3' does not exist"):
        cp.create_vpc_endpoint(vpc_id=vpc.id, service_name="com.amazonaws.us-west-2.s3",
                               route_table_ids=[_rtb(cp, vpc).id])


def test_unknown_service_name(cp, world, vpc):
    """AWS CreateVpcEndpoint: ServiceName must name an available service
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html)."""
    with unchanged(world), raises_aws(
            "InvalidServiceName", "The Vpc Endpoint Service 'com.amazonaws.us-east-1.nope' does not exist"):
        cp.create_vpc_endpoint(vpc_id=vpc.id, service_name="com.amazonaws.us-east-1.nope")


def test_gateway_type_only_for_s3_and_dynamodb(cp, world, vpc):
    """AWS "Gateway endpoints": gateway endpoints are for Amazon S3 and DynamoDB only
    (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)."""
    with unchanged(world), raises_aws("InvalidParameter",
                                      "Endpoint type (Gateway) does not match "
                                      "available service types ([Interface])."):
        cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=SQS, route_table_ids=[_rtb(cp, vpc).id])


def test_route_tables_must_be_in_the_vpc(cp, world, vpc):
    """AWS "Gateway endpoints": you choose route tables of the VPC the endpoint is in
    (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)."""
    other = cp.create_vpc(cidr_block="10.9.0.0/16")
    foreign = _rtb(cp, other)
    with unchanged(world), raises_aws("InvalidParameter",
                                      f"route table {foreign.id} does not belong to vpc {vpc.id}"):
        cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=S3, route_table_ids=[foreign.id])


def test_one_gateway_endpoint_route_per_service_per_route_table(cp, world, vpc):
    """AWS "Gateway endpoints": a route table has at most one endpoint route to a given service
    (several endpoints to one service use different route tables)
    (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)."""
    rt = _rtb(cp, vpc)
    cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=S3, route_table_ids=[rt.id])
    with unchanged(world), raises_aws("RouteAlreadyExists",
                                      f"route table {rt.id} already has a route with "
                                      f"destination-prefix-list-id {S3_PL}"):
        cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=S3, route_table_ids=[rt.id])
    # another service in the same table is fine
    cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=DDB, route_table_ids=[rt.id])


def test_route_table_ids_only_for_gateway_endpoints(cp, world, vpc):
    """AWS CreateVpcEndpoint: RouteTableIds — "(Gateway endpoint) The route table IDs"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html)."""
    with unchanged(world), raises_aws("InvalidParameter",
                                      "Route table IDs are only supported for Gateway type VPC Endpoint."):
        cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=SQS, vpc_endpoint_type="Interface",
                               route_table_ids=[_rtb(cp, vpc).id])


def test_modify_gateway_endpoint_moves_routes(cp, vpc):
    """AWS "Gateway endpoints": "you can add or remove route tables" of a gateway endpoint; its routes
    follow (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)."""
    main = _rtb(cp, vpc)
    extra = cp.create_route_table(vpc_id=vpc.id) if "create_route_table" in cp.actions() else None
    vpce = cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=S3, route_table_ids=[main.id])
    vpce = cp.modify_vpc_endpoint(vpc_endpoint_id=vpce.id, remove_route_table_ids=[main.id])
    assert cp.world.get(main.id).route_to(S3_PL) is None and vpce.route_table_ids == ()
    vpce = cp.modify_vpc_endpoint(vpc_endpoint_id=vpce.id, add_route_table_ids=[main.id])
    assert cp.world.get(main.id).route_to(S3_PL).gateway_id == vpce.id
    if extra is not None:
        vpce = cp.modify_vpc_endpoint(vpc_endpoint_id=vpce.id, add_route_table_ids=[extra.id])
        assert cp.world.get(extra.id).route_to(S3_PL).gateway_id == vpce.id


def test_remove_route_table_not_associated(cp, world, vpc):
    """AWS ModifyVpcEndpoint: RemoveRouteTableIds — the route tables to disassociate from the endpoint
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html)."""
    rt = _rtb(cp, vpc)
    vpce = cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=S3)
    with unchanged(world), raises_aws("InvalidParameter",
                                      f"The route table {rt.id} is not associated with {vpce.id}"):
        cp.modify_vpc_endpoint(vpc_endpoint_id=vpce.id, remove_route_table_ids=[rt.id])


def test_delete_vpc_endpoints_removes_routes_and_reports_unsuccessful_items(cp, vpc):
    """AWS DeleteVpcEndpoints: deletes the endpoints it can and returns the others as Unsuccessful
    items; deleting a gateway endpoint deletes its endpoint routes
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcEndpoints.html)."""
    rt = _rtb(cp, vpc)
    vpce = cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=S3, route_table_ids=[rt.id])
    bad = "vpce-0123456789abcdef0"
    result = cp.delete_vpc_endpoints(vpc_endpoint_ids=[vpce.id, bad])
    assert [(u.resource_id, u.error.code, u.error.message) for u in result] == [
        (bad, "InvalidVpcEndpointId.NotFound", f"The Vpc Endpoint Id '{bad}' does not exist")]
    assert vpce.id not in cp.world and cp.world.get(rt.id).route_to(S3_PL) is None


def test_gateway_endpoints_per_region_quota(cp, world):
    """AWS "AWS PrivateLink quotas": gateway VPC endpoints per Region (default 20, adjustable to 255)
    (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html)."""
    world.settings.quotas = "default"
    vpcs = [cp.create_vpc(cidr_block=f"10.{i}.0.0/16") for i in range(5)]
    for v in vpcs:
        for _ in range(4):
            cp.create_vpc_endpoint(vpc_id=v.id, service_name=S3)
    with unchanged(world), raises_aws("VpcEndpointLimitExceeded",
                                      "The maximum number of VPC endpoints has been reached."):
        cp.create_vpc_endpoint(vpc_id=vpcs[0].id, service_name=DDB)


def test_only_the_vpc_owner_creates_endpoints(cp, world, vpc):
    """AWS: a VPC is changed only by its owner; another account does not see it
    (https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html)."""
    with unchanged(world), raises_aws("InvalidVpcID.NotFound", f"The vpc ID '{vpc.id}' does not exist"):
        cp.as_(account_id=ACCOUNT_B).create_vpc_endpoint(vpc_id=vpc.id, service_name=S3)


# -- interface endpoints ---------------------------------------------------------------------
def test_interface_endpoint_puts_a_requester_managed_interface_in_each_subnet(cp, vpc):
    """AWS "Access an AWS service using an interface VPC endpoint": an endpoint network interface
    is created in each subnet you enable, with the VPC's default security group by default
    (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)."""
    a = _subnet(cp, vpc, "10.0.1.0/24", "us-east-1a")
    b = _subnet(cp, vpc, "10.0.2.0/24", "us-east-1b")
    vpce = cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=SQS, vpc_endpoint_type="Interface",
                                  subnet_ids=[a.id, b.id])
    enis = [cp.world.get(i, NetworkInterface) for i in vpce.network_interface_ids]
    assert [e.subnet_id for e in enis] == [a.id, b.id]
    assert all(e.interface_type == "vpc_endpoint" and e.requester_managed for e in enis)
    default_sg = next(sg for sg in cp.world.in_vpc(vpc.id, SecurityGroup) if sg.is_default)
    assert vpce.groups == (default_sg.id,) and enis[0].groups == (default_sg.id,)
    assert vpce.private_dns_enabled and vpce.private_dns_name == "sqs.us-east-1.amazonaws.com"
    names = [d.dns_name for d in vpce.dns_entries]
    assert names[0].startswith(vpce.id + "-") and names[0].endswith(".sqs.us-east-1.vpce.amazonaws.com")
    assert any("-us-east-1b.sqs.us-east-1.vpce.amazonaws.com" in n for n in names)
    assert endpoints_for_service(cp.world, vpc.id, SQS) == [vpce]


def test_one_subnet_per_availability_zone(cp, world, vpc):
    """AWS "Access an AWS service using an interface VPC endpoint": one subnet per Availability Zone
    (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)."""
    a = _subnet(cp, vpc, "10.0.1.0/24", "us-east-1a")
    a2 = _subnet(cp, vpc, "10.0.2.0/24", "us-east-1a")
    with unchanged(world), raises_aws(
            "DuplicateSubnetsInSameZone",
            f"Found another VPC endpoint subnet in the availability zone of {a2.id}. VPC endpoint subnets "
            "should be in different availability zones supported by the VPC endpoint service."):
        cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=SQS, vpc_endpoint_type="Interface",
                               subnet_ids=[a.id, a2.id])


def test_private_dns_needs_the_vpc_dns_attributes(cp, world):
    """AWS "Access an AWS service using an interface VPC endpoint": to use private DNS, enable DNS
    hostnames and DNS resolution for the VPC
    (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)."""
    plain = cp.create_vpc(cidr_block="10.5.0.0/16")  # enableDnsHostnames is false on a new VPC
    with unchanged(world), raises_aws(
            "InvalidParameter", "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames "
                                f"VPC attributes set to true for {plain.id}"):
        cp.create_vpc_endpoint(vpc_id=plain.id, service_name=SQS, vpc_endpoint_type="Interface")
    assert not cp.create_vpc_endpoint(vpc_id=plain.id, service_name=SQS, vpc_endpoint_type="Interface",
                                      private_dns_enabled=False).private_dns_enabled


def test_one_private_dns_domain_per_vpc(cp, world, vpc):
    """AWS "Access an AWS service using an interface VPC endpoint": private DNS for a service can be
    enabled on one endpoint per VPC
    (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)."""
    cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=SQS, vpc_endpoint_type="Interface")
    with unchanged(world), raises_aws(
            "InvalidParameter",
            "private-dns-enabled cannot be set because there is already a conflicting DNS "
                                f"domain for sqs.us-east-1.amazonaws.com in the VPC {vpc.id}"):
        cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=SQS, vpc_endpoint_type="Interface")


def test_security_group_must_be_in_the_vpc(cp, world, vpc):
    """AWS "Access an AWS service using an interface VPC endpoint": the endpoint's security groups
    are groups of its VPC
    (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html)."""
    other = cp.create_vpc(cidr_block="10.9.0.0/16")
    sg = next(iter(cp.world.in_vpc(other.id, SecurityGroup)))
    with unchanged(world), raises_aws("InvalidParameter",
                                      f"security group {sg.id} does not belong to vpc {vpc.id}"):
        cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=SQS, vpc_endpoint_type="Interface",
                               security_group_ids=[sg.id])


def test_modify_interface_endpoint_subnets_and_groups(cp, world, vpc):
    """AWS ModifyVpcEndpoint: add or remove subnets (an interface each) and security groups
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html)."""
    a = _subnet(cp, vpc, "10.0.1.0/24", "us-east-1a")
    b = _subnet(cp, vpc, "10.0.2.0/24", "us-east-1b")
    a2 = _subnet(cp, vpc, "10.0.3.0/24", "us-east-1a")
    vpce = cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=SQS, vpc_endpoint_type="Interface",
                                  subnet_ids=[a.id])
    with unchanged(world), raises_aws(
            "DuplicateSubnetsInSameZone",
            f"Found another VPC endpoint subnet in the availability zone of {a2.id}. VPC endpoint subnets "
            "should be in different availability zones supported by the VPC endpoint service."):
        cp.modify_vpc_endpoint(vpc_endpoint_id=vpce.id, add_subnet_ids=[a2.id])
    first_dns = vpce.dns_entries[0]
    vpce = cp.modify_vpc_endpoint(vpc_endpoint_id=vpce.id, add_subnet_ids=[b.id], remove_subnet_ids=[a.id])
    assert vpce.subnet_ids == (b.id,) and vpce.dns_entries[0] == first_dns
    (eni,) = [cp.world.get(i, NetworkInterface) for i in vpce.network_interface_ids]
    assert eni.subnet_id == b.id
    assert not [e for e in cp.world.in_vpc(vpc.id, NetworkInterface) if e.subnet_id == a.id]
    with unchanged(world), raises_aws("InvalidParameter",
                                      "An interface endpoint must have at least one security group."):
        cp.modify_vpc_endpoint(vpc_endpoint_id=vpce.id, remove_security_group_ids=list(vpce.groups))


def test_delete_interface_endpoint_removes_its_interfaces(cp, vpc):
    """AWS "Delete an interface endpoint": the endpoint network interfaces are deleted with it
    (https://docs.aws.amazon.com/vpc/latest/privatelink/delete-interface-endpoint.html)."""
    a = _subnet(cp, vpc, "10.0.1.0/24", "us-east-1a")
    vpce = cp.create_vpc_endpoint(vpc_id=vpc.id, service_name=SQS, vpc_endpoint_type="Interface",
                                  subnet_ids=[a.id])
    assert cp.delete_vpc_endpoints(vpc_endpoint_ids=[vpce.id]) == []
    assert not list(cp.world.in_vpc(vpc.id, NetworkInterface))
