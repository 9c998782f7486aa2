"""Triggers for the catalogue's codes that vpclab raises since issue 11 (point 3) went through the
codes AWS's page lists and vpclab did not raise: malformed ids, the VPN inside-CIDR and route
codes, endpoint services' load balancers and principals, addresses, tenancy, zones and interface
limits. tests/rules/test_error_codes_applied.py holds each code's rule test."""

from __future__ import annotations

from tests.rules.error_triggers import GHOST, ami, cgw, dispatch, instance, quota, subnet, trigger, vpc
from vpclab.model.vpc import Vpc


def _service_lb(cp):
    v = vpc(cp)
    subnets = [subnet(cp, v.id, "10.0.0.0/24").id, subnet(cp, v.id, "10.0.1.0/24", "us-east-1b").id]
    return cp.create_load_balancer(name="svc", subnets=subnets)


@trigger("InvalidNetworkInterfaceAttachmentId.Malformed")
def _(cp, mp):
    cp.detach_network_interface(attachment_id=f"attach-{GHOST}")


@trigger("InvalidSecurityGroupRuleId.Malformed")
def _(cp, mp):
    sg = cp.create_security_group(group_name="web", description="web", vpc_id=vpc(cp).id)
    cp.revoke_security_group_ingress(group_id=sg.id, security_group_rule_ids=[f"rule-{GHOST}"])


@trigger("InvalidNetworkLoadBalancerArn.Malformed")
def _(cp, mp):
    cp.create_vpc_endpoint_service_configuration(network_load_balancer_arns=["my-nlb"])


@trigger("InvalidNetworkLoadBalancerArn.NotFound")
def _(cp, mp):
    arn = f"arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/ghost/{GHOST[:16]}"
    cp.create_vpc_endpoint_service_configuration(network_load_balancer_arns=[arn])


@trigger("UnknownPrincipalType.Unsupported")
def _(cp, mp):
    svc = cp.create_vpc_endpoint_service_configuration(network_load_balancer_arns=[_service_lb(cp).arn])
    cp.modify_vpc_endpoint_service_permissions(
        service_id=svc.id, add_allowed_principals=["arn:aws:s3:::my-bucket"]
    )


@trigger("InvalidAddress.Malformed")
def _(cp, mp):
    return dispatch({"Action": "DescribeAddresses", "PublicIp.1": "198.51.100"})


@trigger("InvalidCidr.InUse")
def _(cp, mp):
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    inside = {"tunnel_options": [{"tunnel_inside_cidr": "169.254.20.0/30"}]}
    for ip in ("203.0.113.10", "203.0.113.11"):  # the second connection reuses the block
        cp.create_vpn_connection(
            customer_gateway_id=cgw(cp, ip=ip).id, type="ipsec.1", vpn_gateway_id=vgw.id, options=inside
        )


@trigger("InvalidRoute.Malformed")
def _(cp, mp):
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    vpn = cp.create_vpn_connection(
        customer_gateway_id=cgw(cp).id,
        type="ipsec.1",
        vpn_gateway_id=vgw.id,
        options={"static_routes_only": True},
    )
    cp.create_vpn_connection_route(vpn_connection_id=vpn.id, destination_cidr_block="192.168.0.0")


@trigger("UnsupportedTenancy")
def _(cp, mp):
    cp.modify_vpc_tenancy(vpc_id=vpc(cp).id, instance_tenancy="dedicated")


@trigger("InvalidTenancy")
def _(cp, mp):
    v = cp.create_vpc(cidr_block="10.0.0.0/16", instance_tenancy="dedicated")
    instance(cp, subnet(cp, v.id).id, placement={"tenancy": "default"})


@trigger("SecurityGroupsPerInstanceLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "security_groups_per_interface", 1)
    v = vpc(cp)
    groups = [cp.create_security_group(group_name=f"g{i}", description="g", vpc_id=v.id).id for i in range(2)]
    instance(cp, subnet(cp, v.id).id, security_group_ids=groups)


@trigger("InvalidInterface.IpAddressLimitExceeded")
def _(cp, mp):
    s = subnet(cp, vpc(cp).id)
    cp.run_instances(
        image_id=ami(cp),
        instance_type="t3.micro",
        network_interfaces=[{"device_index": 0, "subnet_id": s.id, "secondary_private_ip_address_count": 5}],
    )


@trigger("NetworkInterfaceLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "network_interfaces_per_region", 1)
    s = subnet(cp, vpc(cp).id)
    for _ in range(2):
        cp.create_network_interface(subnet_id=s.id)


@trigger("Resource.AlreadyAssigned")
def _(cp, mp):
    s = subnet(cp, vpc(cp).id)
    held = cp.create_network_interface(subnet_id=s.id, secondary_private_ip_address_count=1)
    other = cp.create_network_interface(subnet_id=s.id)
    ip = held.secondary_private_ip_addresses[0]
    cp.assign_private_ip_addresses(network_interface_id=other.id, private_ip_addresses=[ip])


@trigger("InvalidVpcPeeringConnectionState.DnsHostnamesDisabled")
def _(cp, mp):
    a, b = vpc(cp), vpc(cp, "10.1.0.0/16")
    pcx = cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=b.id)
    cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    cp.modify_vpc_peering_connection_options(
        vpc_peering_connection_id=pcx.id,
        accepter_peering_connection_options={"allow_dns_resolution_from_remote_vpc": True},
    )


@trigger("InvalidClientToken")
def _(cp, mp):
    world = cp.world
    assert dispatch({"Action": "CreateVpc", "CidrBlock": "10.0.0.0/16"}, world) == ""
    vpc_id = next(iter(world.all(Vpc))).id
    return dispatch({"Action": "CreateRouteTable", "VpcId": vpc_id, "ClientToken": "x" * 65}, world)


def query_code(query: str, body: bytes) -> str:
    """The error code ``vpclab serve``'s Query pipeline (form parsing included) answers, or ""."""
    import re
    import time

    from tests.rules.error_triggers import AUTH
    from vpclab.aws.server import create_app, open_state

    app = create_app(open_state(":memory:"))
    answer = app.handle_query(query, body, {"authorization": AUTH}, time.monotonic())  # type: ignore[attr-defined]
    found = re.search(r"<Code>([^<]+)</Code>", answer.body)
    return found.group(1) if found else ""


@trigger("MalformedQueryString")
def _(cp, mp):
    return query_code("", b"Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=%FF%FE")


@trigger("InvalidPolicyDocument")
def _(cp, mp):
    cp.create_vpc_endpoint(
        vpc_id=vpc(cp).id, service_name="com.amazonaws.us-east-1.s3", policy_document="{Statement: allow}"
    )


@trigger("DefaultVpcDoesNotExist")
def _(cp, mp):
    cp.create_default_subnet(availability_zone="us-east-1a")


@trigger("DefaultSubnetAlreadyExistsInAvailabilityZone")
def _(cp, mp):
    cp.create_default_vpc()
    cp.create_default_subnet(availability_zone="us-east-1a")


@trigger("InvalidVpnConnection.InvalidState")
def _(cp, mp):
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    vpn = cp.create_vpn_connection(
        customer_gateway_id=cgw(cp).id,
        type="ipsec.1",
        vpn_gateway_id=vgw.id,
        options={"static_routes_only": True},
    )
    cp.delete_vpn_connection(vpn_connection_id=vpn.id)
    cp.create_vpn_connection_route(vpn_connection_id=vpn.id, destination_cidr_block="192.168.0.0/24")


@trigger("InvalidInstanceAttributeValue")
def _(cp, mp):
    world = cp.world
    inst = instance(cp, subnet(cp, vpc(cp).id).id)
    form = {"Action": "ModifyInstanceAttribute", "InstanceId": inst.id, "Attribute": "sourceDestCheck"}
    return dispatch({**form, "Value": "maybe"}, world)


@trigger("InvalidVolumeID.Malformed")
def _(cp, mp):
    return dispatch({"Action": "DescribeVolumes", "VolumeId.1": "volume-1"})
