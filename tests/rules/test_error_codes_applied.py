"""Codes of AWS's "Error codes for the Amazon EC2 API" page that vpclab raises where AWS raises them
(issue 11, point 3): each test names the case, the code, and that a failed call changes nothing.

The catalogue entry of each code (tests/rules/error_codes.toml) is ``raised``; its trigger is in
tests/rules/error_triggers_codes.py.
"""

from __future__ import annotations

from typing import Any

from tests.conftest import raises_aws, unchanged
from tests.rules.error_triggers import dispatch
from vpclab import ControlPlane, World
from vpclab.model.subnet import Subnet
from vpclab.model.vpc import Vpc

PAGE = "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html"
NLB = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/ghost/0123456789abcdef"


def _nlb(cp: ControlPlane) -> Any:
    v = cp.create_vpc(cidr_block="10.0.0.0/16")
    subnets = [
        cp.create_subnet(vpc_id=v.id, cidr_block="10.0.0.0/24", availability_zone="us-east-1a").id,
        cp.create_subnet(vpc_id=v.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1b").id,
    ]
    return cp.create_load_balancer(name="svc", subnets=subnets)


def test_a_malformed_attachment_id(cp, world):
    """InvalidNetworkInterfaceAttachmentId.Malformed: "The ID for the network interface attachment is
    malformed"; an attachment id of the right form that is unknown is InvalidAttachmentID.NotFound
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    with (
        unchanged(world),
        raises_aws(
            "InvalidNetworkInterfaceAttachmentId.Malformed",
            'Invalid id: "eni-0a1b2c3d" (expecting "eni-attach-...")',
        ),
    ):
        cp.detach_network_interface(attachment_id="eni-0a1b2c3d")
    with unchanged(world), raises_aws("InvalidAttachmentID.NotFound"):
        cp.detach_network_interface(attachment_id="eni-attach-0a1b2c3d")


def test_a_malformed_security_group_rule_id(cp, world):
    """InvalidSecurityGroupRuleId.Malformed: "The security group rule ID is malformed", in
    RevokeSecurityGroupIngress/Egress, ModifySecurityGroupRules and DescribeSecurityGroupRules; a
    well-formed unknown one is InvalidSecurityGroupRuleId.NotFound
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    v = cp.create_vpc(cidr_block="10.0.0.0/16")
    sg = cp.create_security_group(group_name="web", description="web", vpc_id=v.id)
    malformed = ("InvalidSecurityGroupRuleId.Malformed", 'Invalid id: "rule-1" (expecting "sgr-...")')
    with unchanged(world), raises_aws(*malformed):
        cp.revoke_security_group_egress(group_id=sg.id, security_group_rule_ids=["rule-1"])
    with unchanged(world), raises_aws(*malformed):
        cp.modify_security_group_rules(
            group_id=sg.id,
            security_group_rules=[{"security_group_rule_id": "rule-1", "security_group_rule": {}}],
        )
    with unchanged(world), raises_aws("InvalidSecurityGroupRuleId.NotFound"):
        cp.revoke_security_group_ingress(group_id=sg.id, security_group_rule_ids=["sgr-0a1b2c3d"])
    answered = dispatch({"Action": "DescribeSecurityGroupRules", "SecurityGroupRuleId.1": "rule-1"}, world)
    assert answered == "InvalidSecurityGroupRuleId.Malformed"


def test_a_malformed_endpoint_service_id(cp, world):
    """AWS answers InvalidVpcEndpointServiceId.Malformed ("Invalid Id: '…'") for a service id not of
    the form vpce-svc-… (also vpce-svcx-…); the page lists the code as
    InvalidVpcEndpointServiceIdId.Malformed
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    for bad in ("my-service", "vpce-svcnotexisting-0515bbd3ac7432640"):
        with unchanged(world), raises_aws("InvalidVpcEndpointServiceId.Malformed", f"Invalid Id: '{bad}'"):
            cp.modify_vpc_endpoint_service_permissions(service_id=bad, add_allowed_principals=["*"])
    with unchanged(world), raises_aws("InvalidVpcEndpointServiceId.NotFound"):
        cp.modify_vpc_endpoint_service_permissions(
            service_id="vpce-svc-0a1b2c3d", add_allowed_principals=["*"]
        )


def test_an_endpoint_services_network_load_balancer_arn(cp, world):
    """InvalidNetworkLoadBalancerArn.Malformed ("The Network Load Balancer ARN is malformed") and
    InvalidNetworkLoadBalancerArn.NotFound ("The specified Network Load Balancer ARN does not exist"),
    in CreateVpcEndpointServiceConfiguration and ModifyVpcEndpointServiceConfiguration
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    with (
        unchanged(world),
        raises_aws(
            "InvalidNetworkLoadBalancerArn.Malformed", "The Network Load Balancer ARN my-nlb is malformed"
        ),
    ):
        cp.create_vpc_endpoint_service_configuration(network_load_balancer_arns=["my-nlb"])
    with (
        unchanged(world),
        raises_aws(
            "InvalidNetworkLoadBalancerArn.NotFound", f"The Network Load Balancer ARN {NLB} does not exist"
        ),
    ):
        cp.create_vpc_endpoint_service_configuration(network_load_balancer_arns=[NLB])
    svc = cp.create_vpc_endpoint_service_configuration(network_load_balancer_arns=[_nlb(cp).arn])
    with unchanged(world), raises_aws("InvalidNetworkLoadBalancerArn.NotFound"):
        cp.modify_vpc_endpoint_service_configuration(service_id=svc.id, add_network_load_balancer_arns=[NLB])


def test_an_endpoint_service_principal_of_an_unsupported_type(cp, world):
    """UnknownPrincipalType.Unsupported: "The principal type is not supported" — an ARN that names no
    account, IAM user or role (the principals "Manage permissions" lists); a value that is not an ARN
    stays InvalidPrincipal
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    svc = cp.create_vpc_endpoint_service_configuration(network_load_balancer_arns=[_nlb(cp).arn])
    with (
        unchanged(world),
        raises_aws(
            "UnknownPrincipalType.Unsupported",
            "The principal type of arn:aws:s3:::my-bucket is not supported",
        ),
    ):
        cp.modify_vpc_endpoint_service_permissions(
            service_id=svc.id, add_allowed_principals=["arn:aws:s3:::my-bucket"]
        )
    with unchanged(world), raises_aws("InvalidPrincipal"):
        cp.modify_vpc_endpoint_service_permissions(service_id=svc.id, add_allowed_principals=["alice"])


def test_a_malformed_public_ip_in_describe_addresses():
    """InvalidAddress.Malformed: "The specified IP address is not valid" (the form xx.xx.xx.xx); a
    well-formed address that is not the caller's is InvalidAddress.NotFound
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    world = World(seed=7)
    assert (
        dispatch({"Action": "DescribeAddresses", "PublicIp.1": "198.51.100"}, world)
        == "InvalidAddress.Malformed"
    )
    assert (
        dispatch({"Action": "DescribeAddresses", "PublicIp.1": "198.51.100.7"}, world)
        == "InvalidAddress.NotFound"
    )


def test_an_inside_tunnel_cidr_in_use_on_the_gateway(cp, world):
    """InvalidCidr.InUse: "The specified inside tunnel CIDR is already in use by another VPN tunnel for
    the virtual private gateway" — at CreateVpnConnection and ModifyVpnTunnelOptions
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    inside = {"tunnel_options": [{"tunnel_inside_cidr": "169.254.20.0/30"}]}
    gateways = [
        cp.create_customer_gateway(type="ipsec.1", ip_address=f"203.0.113.{n}", bgp_asn=65000) for n in (1, 2)
    ]
    first = cp.create_vpn_connection(
        customer_gateway_id=gateways[0].id, type="ipsec.1", vpn_gateway_id=vgw.id, options=inside
    )
    with unchanged(world), raises_aws("InvalidCidr.InUse") as info:
        cp.create_vpn_connection(
            customer_gateway_id=gateways[1].id, type="ipsec.1", vpn_gateway_id=vgw.id, options=inside
        )
    assert first.id in info.value.message and "169.254.20.0/30" in info.value.message


def test_a_malformed_vpn_connection_route(cp, world):
    """InvalidRoute.Malformed: "The specified route is not valid. For example, the CIDR block that you
    specified for a VPN connection route is not valid" (CreateVpnConnectionRoute and
    DeleteVpnConnectionRoute)
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    gw = cp.create_customer_gateway(type="ipsec.1", ip_address="203.0.113.1", bgp_asn=65000)
    vpn = cp.create_vpn_connection(
        customer_gateway_id=gw.id, type="ipsec.1", vpn_gateway_id=vgw.id, options={"static_routes_only": True}
    )
    for bad in ("192.168.0.0", "192.168.0.0/33", "fd00::/8"):
        with (
            unchanged(world),
            raises_aws("InvalidRoute.Malformed", f"The route {bad} is not a valid IPv4 CIDR block."),
        ):
            cp.create_vpn_connection_route(vpn_connection_id=vpn.id, destination_cidr_block=bad)
    with unchanged(world), raises_aws("InvalidRoute.Malformed"):
        cp.delete_vpn_connection_route(vpn_connection_id=vpn.id, destination_cidr_block="nope")


AMI_FAMILY = "al2023"


def _ami(cp: ControlPlane) -> str:
    from vpclab.model.images import image_named

    return image_named("us-east-1", AMI_FAMILY).image_id


def test_a_vpcs_tenancy_changes_to_default_only(cp, world):
    """ModifyVpcTenancy: "You can change the instance tenancy attribute of a VPC to default only. You
    cannot change the instance tenancy attribute to dedicated"; any other value is UnsupportedTenancy
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcTenancy.html)."""
    v = cp.create_vpc(cidr_block="10.0.0.0/16", instance_tenancy="dedicated")
    for bad in ("dedicated", "host"):
        with unchanged(world), raises_aws("UnsupportedTenancy", f"The tenancy value {bad} is not supported."):
            cp.modify_vpc_tenancy(vpc_id=v.id, instance_tenancy=bad)
    cp.modify_vpc_tenancy(vpc_id=v.id, instance_tenancy="default")
    assert world.get(v.id).instance_tenancy == "default"


def test_no_default_tenancy_launch_into_a_dedicated_vpc(cp, world):
    """A dedicated VPC's instances are Dedicated Instances: "You cannot specify a tenancy of default
    during instance launch" (InvalidTenancy); dedicated is accepted, and so is default in a default VPC
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/dedicated-instance.html)."""
    v = cp.create_vpc(cidr_block="10.0.0.0/16", instance_tenancy="dedicated")
    s = cp.create_subnet(vpc_id=v.id, cidr_block="10.0.0.0/24", availability_zone="us-east-1a")
    launch = {"image_id": _ami(cp), "instance_type": "t3.micro", "subnet_id": s.id}
    with unchanged(world), raises_aws("InvalidTenancy"):
        cp.run_instances(**launch, placement={"tenancy": "default"})
    cp.run_instances(**launch, placement={"tenancy": "dedicated"})
    shared = cp.create_vpc(cidr_block="10.1.0.0/16")
    s2 = cp.create_subnet(vpc_id=shared.id, cidr_block="10.1.0.0/24", availability_zone="us-east-1a")
    cp.run_instances(**{**launch, "subnet_id": s2.id}, placement={"tenancy": "default"})


def test_security_groups_per_instance_at_launch(cp, world, monkeypatch):
    """SecurityGroupsPerInstanceLimitExceeded: "the limit on the number of security groups that you can
    assign to an instance" — RunInstances' SecurityGroupIds over the quota of groups per interface (5
    by default); an interface's own groups answer SecurityGroupsPerInterfaceLimitExceeded
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    from vpclab.model import quotas

    monkeypatch.setitem(quotas.table()["security_groups_per_interface"], world.settings.quotas, 2)
    v = cp.create_vpc(cidr_block="10.0.0.0/16")
    s = cp.create_subnet(vpc_id=v.id, cidr_block="10.0.0.0/24", availability_zone="us-east-1a")
    groups = [cp.create_security_group(group_name=f"g{i}", description="g", vpc_id=v.id).id for i in range(3)]
    launch = {"image_id": _ami(cp), "instance_type": "t3.micro"}
    with unchanged(world), raises_aws("SecurityGroupsPerInstanceLimitExceeded"):
        cp.run_instances(**launch, subnet_id=s.id, security_group_ids=groups)
    with unchanged(world), raises_aws("SecurityGroupsPerInterfaceLimitExceeded"):
        cp.run_instances(
            **launch, network_interfaces=[{"device_index": 0, "subnet_id": s.id, "groups": groups}]
        )
    cp.run_instances(**launch, subnet_id=s.id, security_group_ids=groups[:2])


def test_private_addresses_over_the_instance_types_limit_at_launch(cp, world):
    """InvalidInterface.IpAddressLimitExceeded: "The number of private IP addresses for a specified
    network interface exceeds the limit for the type of instance you specified" (a t3.micro interface
    has 2 IPv4 addresses); AssignPrivateIpAddresses on an attached interface stays
    PrivateIpAddressLimitExceeded
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    v = cp.create_vpc(cidr_block="10.0.0.0/16")
    s = cp.create_subnet(vpc_id=v.id, cidr_block="10.0.0.0/24", availability_zone="us-east-1a")
    nic = {"device_index": 0, "subnet_id": s.id, "secondary_private_ip_address_count": 2}
    with (
        unchanged(world),
        raises_aws(
            "InvalidInterface.IpAddressLimitExceeded",
            "The number of private IPv4 addresses (3) for the network interface at device index 0 exceeds "
            "the limit of 2 for instance type t3.micro.",
        ),
    ):
        cp.run_instances(image_id=_ami(cp), instance_type="t3.micro", network_interfaces=[nic])
    (inst,) = cp.run_instances(
        image_id=_ami(cp),
        instance_type="t3.micro",
        network_interfaces=[{**nic, "secondary_private_ip_address_count": 1}],
    )
    with unchanged(world), raises_aws("PrivateIpAddressLimitExceeded"):
        cp.assign_private_ip_addresses(
            network_interface_id=inst.network_interface_ids[0], secondary_private_ip_address_count=1
        )


def test_network_interfaces_per_region(monkeypatch):
    """Amazon VPC quotas: "Network interfaces per Region", 5,000 by default, adjustable; over it
    NetworkInterfaceLimitExceeded, at CreateNetworkInterface and at RunInstances (which launches no
    more instances than the quota leaves interfaces for)
    (https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html)."""
    from vpclab.model import quotas

    world = World(seed=7)
    cp = ControlPlane(world, account_id="111111111111", region="us-east-1")
    monkeypatch.setitem(quotas.table()["network_interfaces_per_region"], world.settings.quotas, 3)
    assert quotas.limit("aws-default", "network_interfaces_per_region") == 5000
    v = cp.create_vpc(cidr_block="10.0.0.0/16")
    s = cp.create_subnet(vpc_id=v.id, cidr_block="10.0.0.0/24", availability_zone="us-east-1a")
    cp.create_network_interface(subnet_id=s.id)
    launched = cp.run_instances(
        image_id=_ami(cp), instance_type="t3.micro", subnet_id=s.id, min_count=1, max_count=5
    )
    assert len(launched) == 2
    with unchanged(world), raises_aws("NetworkInterfaceLimitExceeded"):
        cp.create_network_interface(subnet_id=s.id)
    with unchanged(world), raises_aws("NetworkInterfaceLimitExceeded"):
        cp.run_instances(image_id=_ami(cp), instance_type="t3.micro", subnet_id=s.id)


def test_an_address_assigned_elsewhere_needs_reassignment(cp, world):
    """AssignPrivateIpAddresses of an address another interface holds: Resource.AlreadyAssigned, "The
    specified private IP address is already assigned to a resource. Unassign the private IP first, or
    use a different private IP address" — unless AllowReassignment moves a secondary address; a
    primary address never moves
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AssignPrivateIpAddresses.html)."""
    v = cp.create_vpc(cidr_block="10.0.0.0/16")
    s = cp.create_subnet(vpc_id=v.id, cidr_block="10.0.0.0/24", availability_zone="us-east-1a")
    a = cp.create_network_interface(subnet_id=s.id, private_ip_address="10.0.0.20")
    b = cp.create_network_interface(subnet_id=s.id)
    for allow in (False, True):
        with (
            unchanged(world),
            raises_aws(
                "Resource.AlreadyAssigned", f"The private IP address 10.0.0.20 is already assigned to {a.id}."
            ),
        ):
            cp.assign_private_ip_addresses(
                network_interface_id=b.id, private_ip_addresses=["10.0.0.20"], allow_reassignment=allow
            )
    # a secondary address moved first, then a primary one refused: nothing moves (one transaction)
    cp.assign_private_ip_addresses(network_interface_id=a.id, private_ip_addresses=["10.0.0.21"])
    with unchanged(world), raises_aws("Resource.AlreadyAssigned"):
        cp.assign_private_ip_addresses(
            network_interface_id=b.id,
            private_ip_addresses=["10.0.0.21", "10.0.0.20"],
            allow_reassignment=True,
        )
    assert world.get(a.id).secondary_private_ip_addresses == ("10.0.0.21",)


def test_dns_over_a_peering_needs_dns_hostnames_in_both_vpcs(cp, world):
    """ "Both VPCs must be enabled for DNS hostnames and DNS resolution" before a side allows DNS
    resolution from the remote VPC: InvalidVpcPeeringConnectionState.DnsHostnamesDisabled
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-dns.html)."""
    a = cp.create_vpc(cidr_block="10.0.0.0/16")
    b = cp.create_vpc(cidr_block="10.1.0.0/16")
    pcx = cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=b.id)
    cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    allow = {"requester_peering_connection_options": {"allow_dns_resolution_from_remote_vpc": True}}
    cp.modify_vpc_attribute(vpc_id=a.id, enable_dns_hostnames=True)
    with unchanged(world), raises_aws("InvalidVpcPeeringConnectionState.DnsHostnamesDisabled") as info:
        cp.modify_vpc_peering_connection_options(vpc_peering_connection_id=pcx.id, **allow)
    assert b.id in info.value.message
    cp.modify_vpc_attribute(vpc_id=b.id, enable_dns_hostnames=True)
    cp.modify_vpc_peering_connection_options(vpc_peering_connection_id=pcx.id, **allow)
    assert world.get(pcx.id).requester_peering_options.allow_dns_resolution_from_remote_vpc


def test_a_client_token_over_64_ascii_characters():
    """InvalidClientToken: "The specified client token is not valid" — a token is "a unique,
    case-sensitive identifier" of "up to 64 ASCII characters"; a valid token makes the call idempotent
    (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html)."""
    world = World(seed=7)
    assert dispatch({"Action": "CreateVpc", "CidrBlock": "10.0.0.0/16"}, world) == ""
    form = {"Action": "CreateRouteTable", "VpcId": next(iter(world.all(Vpc))).id}
    assert dispatch({"Action": "DescribeVpcs"}, world) == ""
    before = list(world.resources())
    assert dispatch({**form, "ClientToken": "x" * 65}, world) == "InvalidClientToken"
    assert dispatch({**form, "ClientToken": "vpc-é"}, world) == "InvalidClientToken"
    assert list(world.resources()) == before
    assert dispatch({**form, "ClientToken": "x" * 64}, world) == ""


def test_a_query_string_that_is_not_utf8_is_malformed():
    """MalformedQueryString: "The query string contains a syntax error" — bytes that are not UTF-8,
    percent-encoded or raw, in the query string or the form body; a well-formed request is answered
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    from tests.rules.error_triggers_codes import query_code

    form = "Action=DescribeVpcs&Version=2016-11-15"
    assert query_code("", f"{form}&Filter.1.Name=%FF%FE".encode()) == "MalformedQueryString"
    assert query_code("", form.encode() + b"&Filter.1.Name=\xff") == "MalformedQueryString"
    assert query_code(f"{form}&Filter.1.Name=%C3", b"") == "MalformedQueryString"
    assert query_code("", f"{form}&Filter.1.Name=vpc-id&Filter.1.Value.1=caf%C3%A9".encode()) == ""


def test_an_endpoint_policy_is_a_json_policy_document(cp, world):
    """An endpoint policy is a JSON IAM policy document; other text is InvalidPolicyDocument ("The
    specified policy document is not a valid JSON policy document"), at CreateVpcEndpoint and
    ModifyVpcEndpoint
    (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html)."""
    v = cp.create_vpc(cidr_block="10.0.0.0/16")
    s3 = "com.amazonaws.us-east-1.s3"
    for bad in ("{Statement: allow}", "[]", '"Allow"'):
        with unchanged(world), raises_aws("InvalidPolicyDocument"):
            cp.create_vpc_endpoint(vpc_id=v.id, service_name=s3, policy_document=bad)
    policy = (
        '{"Version":"2012-10-17",'
        '"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}'
    )
    vpce = cp.create_vpc_endpoint(vpc_id=v.id, service_name=s3, policy_document=policy)
    with unchanged(world), raises_aws("InvalidPolicyDocument"):
        cp.modify_vpc_endpoint(vpc_endpoint_id=vpce.id, policy_document="not json")
    assert world.get(vpce.id).policy_document == policy


def test_a_default_subnet_per_zone_in_the_default_vpc(cp, world):
    """CreateDefaultSubnet: "Creates a default subnet with a size /20 IPv4 CIDR block in the specified
    Availability Zone in your default VPC. You can have only one default subnet per Availability
    Zone"; no default VPC: DefaultVpcDoesNotExist; one already there:
    DefaultSubnetAlreadyExistsInAvailabilityZone
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateDefaultSubnet.html)."""
    with (
        unchanged(world),
        raises_aws("DefaultVpcDoesNotExist", "No default VPC exists for this account in this region."),
    ):
        cp.create_default_subnet(availability_zone="us-east-1a")
    vpc = cp.create_default_vpc()
    (first,) = [s for s in world.in_vpc(vpc.id, Subnet) if s.availability_zone == "us-east-1a"]
    with (
        unchanged(world),
        raises_aws(
            "DefaultSubnetAlreadyExistsInAvailabilityZone",
            f"'{first.id}' is already the default subnet in {first.availability_zone_id}.",
        ),
    ):
        cp.create_default_subnet(availability_zone="us-east-1a")
    cp.delete_subnet(subnet_id=first.id)
    again = cp.create_default_subnet(availability_zone="us-east-1a")
    assert (again.cidr_block, again.default_for_az, again.map_public_ip_on_launch) == (
        "172.31.0.0/20",
        True,
        True,
    )
    with unchanged(world), raises_aws("DefaultSubnetAlreadyExistsInAvailabilityZone"):
        cp.create_default_subnet(availability_zone_id=again.availability_zone_id)


def test_a_deleted_vpn_connection_cannot_change(cp, world):
    """A deleted VPN connection is still described for a while; changing it is
    InvalidVpnConnection.InvalidState, "The VPN connection must be in the available state to complete
    the request" (static routes, tunnel options)
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    gw = cp.create_customer_gateway(type="ipsec.1", ip_address="203.0.113.1", bgp_asn=65000)
    vpn = cp.create_vpn_connection(
        customer_gateway_id=gw.id, type="ipsec.1", vpn_gateway_id=vgw.id, options={"static_routes_only": True}
    )
    cp.delete_vpn_connection(vpn_connection_id=vpn.id)
    message = f"The VPN connection {vpn.id} is deleted; it must be available."
    with unchanged(world), raises_aws("InvalidVpnConnection.InvalidState", message):
        cp.create_vpn_connection_route(vpn_connection_id=vpn.id, destination_cidr_block="192.168.0.0/24")
    with unchanged(world), raises_aws("InvalidVpnConnection.InvalidState", message):
        cp.modify_vpn_tunnel_options(
            vpn_connection_id=vpn.id,
            vpn_tunnel_outside_ip_address=vpn.tunnel_options[0].outside_ip_address,
            tunnel_options={"dpd_timeout_seconds": 60},
        )


def test_an_instance_attribute_value_that_is_not_valid(cp, world):
    """ModifyInstanceAttribute with Attribute=sourceDestCheck takes true or false; another value is
    InvalidInstanceAttributeValue ("The specified instance attribute value is not valid")
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceAttribute.html)."""
    v = cp.create_vpc(cidr_block="10.0.0.0/16")
    s = cp.create_subnet(vpc_id=v.id, cidr_block="10.0.0.0/24", availability_zone="us-east-1a")
    (inst,) = cp.run_instances(image_id=_ami(cp), instance_type="t3.micro", subnet_id=s.id)
    form = {"Action": "ModifyInstanceAttribute", "InstanceId": inst.id, "Attribute": "sourceDestCheck"}
    with unchanged(world):
        assert dispatch({**form, "Value": "maybe"}, world) == "InvalidInstanceAttributeValue"
    assert dispatch({**form, "Value": "false"}, world) == ""
    assert world.get(inst.id).source_dest_check is False


def test_a_malformed_volume_id():
    """DescribeVolumes: a volume id not of the form vol-… is InvalidVolumeID.Malformed, a well-formed
    unknown one InvalidVolume.NotFound
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    world = World(seed=7)
    assert (
        dispatch({"Action": "DescribeVolumes", "VolumeId.1": "volume-1"}, world)
        == "InvalidVolumeID.Malformed"
    )
    assert (
        dispatch({"Action": "DescribeVolumes", "VolumeId.1": "vol-0a1b2c3d"}, world)
        == "InvalidVolume.NotFound"
    )
