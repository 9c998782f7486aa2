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
