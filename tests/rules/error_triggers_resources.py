"""Triggers for the catalogue's resource codes: unknown IDs, AWS's rules per action, and quotas
(each quota set to a small value for the test, as tests/rules/test_quota_modes.py does)."""

from __future__ import annotations

from tests.rules.error_triggers import (
    ACCOUNT_B,
    GHOST,
    ami,
    attached_vgw,
    cgw,
    instance,
    main_table,
    rule,
    subnet,
    trigger,
    vpc,
)


# -- unknown IDs -------------------------------------------------------------------------------
@trigger("InvalidVpcID.NotFound")
def _(cp, mp):
    cp.delete_vpc(vpc_id=f"vpc-{GHOST}")


@trigger("InvalidSubnetID.NotFound")
def _(cp, mp):
    cp.delete_subnet(subnet_id=f"subnet-{GHOST}")


@trigger("InvalidRouteTableID.NotFound")
def _(cp, mp):
    cp.delete_route_table(route_table_id=f"rtb-{GHOST}")


@trigger("InvalidInternetGatewayID.NotFound")
def _(cp, mp):
    cp.delete_internet_gateway(internet_gateway_id=f"igw-{GHOST}")


@trigger("InvalidGatewayID.NotFound")
def _(cp, mp):
    cp.delete_egress_only_internet_gateway(egress_only_internet_gateway_id=f"eigw-{GHOST}")


@trigger("NatGatewayNotFound")
def _(cp, mp):
    cp.delete_nat_gateway(nat_gateway_id=f"nat-{GHOST}")


@trigger("InvalidAllocationID.NotFound")
def _(cp, mp):
    cp.release_address(allocation_id=f"eipalloc-{GHOST}")


@trigger("InvalidAssociationID.NotFound")
def _(cp, mp):
    cp.disassociate_route_table(association_id=f"rtbassoc-{GHOST}")


@trigger("InvalidGroup.NotFound")
def _(cp, mp):
    cp.delete_security_group(group_id=f"sg-{GHOST}")


@trigger("InvalidNetworkAclID.NotFound")
def _(cp, mp):
    cp.delete_network_acl(network_acl_id=f"acl-{GHOST}")


@trigger("InvalidNetworkInterfaceID.NotFound")
def _(cp, mp):
    cp.delete_network_interface(network_interface_id=f"eni-{GHOST}")


@trigger("InvalidAttachmentID.NotFound")
def _(cp, mp):
    cp.detach_network_interface(attachment_id=f"eni-attach-{GHOST}")


@trigger("InvalidVpcPeeringConnectionID.NotFound")
def _(cp, mp):
    cp.delete_vpc_peering_connection(vpc_peering_connection_id=f"pcx-{GHOST}")


@trigger("InvalidCustomerGatewayID.NotFound")
def _(cp, mp):
    cp.delete_customer_gateway(customer_gateway_id=f"cgw-{GHOST}")


@trigger("InvalidVpnGatewayID.NotFound")
def _(cp, mp):
    cp.delete_vpn_gateway(vpn_gateway_id=f"vgw-{GHOST}")


@trigger("InvalidVpnConnectionID.NotFound")
def _(cp, mp):
    cp.delete_vpn_connection(vpn_connection_id=f"vpn-{GHOST}")


@trigger("InvalidDhcpOptionID.NotFound")
def _(cp, mp):
    cp.delete_dhcp_options(dhcp_options_id=f"dopt-{GHOST}")


@trigger("InvalidPrefixListID.NotFound")
def _(cp, mp):
    cp.delete_managed_prefix_list(prefix_list_id=f"pl-{GHOST}")


@trigger("InvalidVpcEndpointId.NotFound")
def _(cp, mp):
    result = cp.delete_vpc_endpoints(vpc_endpoint_ids=[f"vpce-{GHOST}"])
    return result[0].error.code if result else None


@trigger("InvalidVpcEndpointServiceId.NotFound")
def _(cp, mp):
    result = cp.delete_vpc_endpoint_service_configurations(service_ids=[f"vpce-svc-{GHOST}"])
    return result[0].error.code if result else None


@trigger("InvalidInstanceID.NotFound")
def _(cp, mp):
    cp.terminate_instances(instance_ids=[f"i-{GHOST}"])


@trigger("InvalidAMIID.NotFound")
def _(cp, mp):
    s = subnet(cp, vpc(cp).id)
    cp.run_instances(
        image_id=f"ami-{GHOST}", instance_type="t3.micro", min_count=1, max_count=1, subnet_id=s.id
    )


@trigger("InvalidAMIID.Malformed")
def _(cp, mp):
    s = subnet(cp, vpc(cp).id)
    cp.run_instances(
        image_id="not-an-ami", instance_type="t3.micro", min_count=1, max_count=1, subnet_id=s.id
    )


@trigger("InvalidID")
def _(cp, mp):
    cp.create_tags(resources=["nonsense"], tags={"Name": "x"})


@trigger("InvalidSecurityGroupRuleId.NotFound")
def _(cp, mp):
    v = vpc(cp)
    sg = cp.create_security_group(group_name="web", description="web", vpc_id=v.id)
    cp.modify_security_group_rules(
        group_id=sg.id,
        security_group_rules=[{"security_group_rule_id": f"sgr-{GHOST}", "security_group_rule": rule(80)}],
    )


@trigger("InvalidNetworkAclEntry.NotFound")
def _(cp, mp):
    acl = cp.create_network_acl(vpc_id=vpc(cp).id)
    cp.delete_network_acl_entry(network_acl_id=acl.id, rule_number=7, egress=False)


@trigger("InvalidRoute.NotFound")
def _(cp, mp):
    v = vpc(cp)
    cp.delete_route(route_table_id=main_table(cp, v.id).id, destination_cidr_block="192.0.2.0/24")


@trigger("InvalidVolume.NotFound")
def _(cp, mp):
    from tests.rules.error_triggers import dispatch

    return dispatch({"Action": "DescribeVolumes", "VolumeId.1": f"vol-{GHOST}"})


@trigger("InvalidVpnGatewayAttachment.NotFound")
def _(cp, mp):
    v = vpc(cp)
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    cp.detach_vpn_gateway(vpc_id=v.id, vpn_gateway_id=vgw.id)


@trigger("InvalidPermission.NotFound")
def _(cp, mp):
    sg = cp.create_security_group(group_name="web", description="web", vpc_id=vpc(cp).id)
    cp.revoke_security_group_ingress(group_id=sg.id, ip_permissions=[rule(443)])


# -- AWS's rules -------------------------------------------------------------------------------
@trigger("AsnConflict")
def _(cp, mp):
    vgw = cp.create_vpn_gateway(type="ipsec.1", amazon_side_asn=65000)
    cp.create_vpn_connection(customer_gateway_id=cgw(cp, asn=65000).id, type="ipsec.1", vpn_gateway_id=vgw.id)


@trigger("InvalidVpnConnection.InvalidType")
def _(cp, mp):
    vgw = attached_vgw(cp, vpc(cp).id)
    vpn = cp.create_vpn_connection(customer_gateway_id=cgw(cp).id, type="ipsec.1", vpn_gateway_id=vgw.id)
    cp.create_vpn_connection_route(vpn_connection_id=vpn.id, destination_cidr_block="192.168.0.0/16")


@trigger("InvalidCustomerGateway.DuplicateIpAddress")
def _(cp, mp):
    vgw = attached_vgw(cp, vpc(cp).id)
    cp.create_vpn_connection(customer_gateway_id=cgw(cp).id, type="ipsec.1", vpn_gateway_id=vgw.id)
    cp.create_vpn_connection(customer_gateway_id=cgw(cp, asn=65001).id, type="ipsec.1", vpn_gateway_id=vgw.id)


@trigger("InvalidVpcState")
def _(cp, mp):
    v = vpc(cp)
    attached_vgw(cp, v.id)
    attached_vgw(cp, v.id)


@trigger("IncorrectState")
def _(cp, mp):
    vgw = attached_vgw(cp, vpc(cp).id)
    cp.delete_vpn_gateway(vpn_gateway_id=vgw.id)


@trigger("CannotDelete")
def _(cp, mp):
    from vpclab.model.security_group import SecurityGroup

    v = vpc(cp)
    default = next(g for g in cp.world.in_vpc(v.id, SecurityGroup) if g.group_name == "default")
    cp.delete_security_group(group_id=default.id)


@trigger("DependencyViolation")
def _(cp, mp):
    v = vpc(cp)
    subnet(cp, v.id)
    cp.delete_vpc(vpc_id=v.id)


@trigger("DefaultVpcAlreadyExists")
def _(cp, mp):
    cp.create_default_vpc()
    cp.create_default_vpc()


@trigger("Gateway.NotAttached")
def _(cp, mp):
    igw = cp.create_internet_gateway()
    cp.detach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc(cp).id)


@trigger("Resource.AlreadyAssociated")
def _(cp, mp):
    igw = cp.create_internet_gateway()
    cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc(cp).id)
    cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc(cp, "10.1.0.0/16").id)


@trigger("RouteAlreadyExists")
def _(cp, mp):
    v = vpc(cp)
    igw = cp.create_internet_gateway()
    cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=v.id)
    rtb = main_table(cp, v.id).id
    cp.create_route(route_table_id=rtb, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)
    cp.create_route(route_table_id=rtb, destination_cidr_block="0.0.0.0/0", gateway_id=igw.id)


@trigger("InvalidInstanceID")
def _(cp, mp):
    v = vpc(cp)
    s = subnet(cp, v.id)
    inst = instance(cp, s.id)
    eni = cp.create_network_interface(subnet_id=s.id)
    cp.attach_network_interface(network_interface_id=eni.id, instance_id=inst.id, device_index=1)
    cp.create_route(
        route_table_id=main_table(cp, v.id).id, destination_cidr_block="0.0.0.0/0", instance_id=inst.id
    )


@trigger("IncorrectInstanceState")
def _(cp, mp):
    inst = instance(cp, subnet(cp, vpc(cp).id).id)
    cp.terminate_instances(instance_ids=[inst.id])
    cp.start_instances(instance_ids=[inst.id])


@trigger("OperationNotPermitted")
def _(cp, mp):
    inst = instance(cp, subnet(cp, vpc(cp).id).id)
    cp.detach_network_interface(attachment_id=cp.world.get(inst.network_interface_ids[0]).attachment_id)


@trigger("MissingInput")
def _(cp, mp):
    from dataclasses import replace

    cp.world.put(replace(vpc(cp, "172.31.0.0/16"), is_default=True))  # a default VPC without subnets
    cp.run_instances(image_id=ami(cp), instance_type="t3.micro")


@trigger("VPCIdNotSpecified")
def _(cp, mp):
    cp.create_security_group(group_name="web", description="web")


@trigger("InvalidBlockDeviceMapping")
def _(cp, mp):
    s = subnet(cp, vpc(cp).id)
    mapping = {"device_name": "/dev/sdf", "ebs": {"volume_size": 8}}
    cp.run_instances(
        image_id=ami(cp),
        instance_type="t3.micro",
        min_count=1,
        max_count=1,
        subnet_id=s.id,
        block_device_mappings=[mapping, mapping],
    )


@trigger("InvalidIPAddress.InUse")
def _(cp, mp):
    s = subnet(cp, vpc(cp).id)
    cp.create_network_interface(subnet_id=s.id, private_ip_address="10.0.0.10")
    cp.create_network_interface(subnet_id=s.id, private_ip_address="10.0.0.10")


@trigger("InvalidNetworkInterface.InUse")
def _(cp, mp):
    s = subnet(cp, vpc(cp).id)
    first, second = instance(cp, s.id), instance(cp, s.id)
    eni = cp.create_network_interface(subnet_id=s.id)
    cp.attach_network_interface(network_interface_id=eni.id, instance_id=first.id, device_index=1)
    cp.attach_network_interface(network_interface_id=eni.id, instance_id=second.id, device_index=1)


@trigger("InsufficientFreeAddressesInSubnet")
def _(cp, mp):
    s = subnet(cp, vpc(cp).id, "10.0.0.0/28")
    for _ in range(12):
        cp.create_network_interface(subnet_id=s.id)


@trigger("PrivateIpAddressLimitExceeded")
def _(cp, mp):
    s = subnet(cp, vpc(cp).id, "10.0.0.0/20")
    inst = instance(cp, s.id)
    cp.assign_private_ip_addresses(
        network_interface_id=inst.network_interface_ids[0], secondary_private_ip_address_count=200
    )


@trigger("InvalidGroup.Duplicate")
def _(cp, mp):
    v = vpc(cp)
    cp.create_security_group(group_name="web", description="web", vpc_id=v.id)
    cp.create_security_group(group_name="web", description="web", vpc_id=v.id)


@trigger("InvalidPermission.Duplicate")
def _(cp, mp):
    sg = cp.create_security_group(group_name="web", description="web", vpc_id=vpc(cp).id)
    cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[rule(443)])
    cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[rule(443)])


@trigger("NetworkAclEntryAlreadyExists")
def _(cp, mp):
    acl = cp.create_network_acl(vpc_id=vpc(cp).id)
    for _ in range(2):
        cp.create_network_acl_entry(
            network_acl_id=acl.id,
            rule_number=100,
            protocol="-1",
            rule_action="allow",
            egress=False,
            cidr_block="0.0.0.0/0",
        )


@trigger("InvalidSubnet.Range")
def _(cp, mp):
    subnet(cp, vpc(cp).id, "10.1.0.0/24")


@trigger("InvalidSubnet.Conflict")
def _(cp, mp):
    v = vpc(cp)
    subnet(cp, v.id, "10.0.0.0/24")
    subnet(cp, v.id, "10.0.0.0/25")


@trigger("VpcPeeringConnectionAlreadyExists")
def _(cp, mp):
    a, b = vpc(cp), vpc(cp, "10.1.0.0/16")
    pcx = cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=b.id)
    cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    reverse = cp.create_vpc_peering_connection(vpc_id=b.id, peer_vpc_id=a.id)
    cp.accept_vpc_peering_connection(vpc_peering_connection_id=reverse.id)


@trigger("InvalidStateTransition")
def _(cp, mp):
    a, b = vpc(cp), vpc(cp, "10.1.0.0/16")
    pcx = cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=b.id)
    cp.reject_vpc_peering_connection(vpc_peering_connection_id=pcx.id)
    cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)


@trigger("InvalidServiceName")
def _(cp, mp):
    cp.create_vpc_endpoint(vpc_id=vpc(cp).id, service_name="com.amazonaws.us-east-1.nonsense")


@trigger("DuplicateSubnetsInSameZone")
def _(cp, mp):
    v = vpc(cp)
    a, b = subnet(cp, v.id, "10.0.0.0/24"), subnet(cp, v.id, "10.0.1.0/24")
    cp.create_vpc_endpoint(
        vpc_id=v.id,
        service_name="com.amazonaws.us-east-1.ssm",
        vpc_endpoint_type="Interface",
        subnet_ids=[a.id, b.id],
    )


def _service(cp, acceptance_required=False):
    v = vpc(cp)
    subnets = [subnet(cp, v.id, "10.0.0.0/24").id, subnet(cp, v.id, "10.0.1.0/24", "us-east-1b").id]
    lb = cp.create_load_balancer(name="svc", subnets=subnets)
    return cp.create_vpc_endpoint_service_configuration(
        network_load_balancer_arns=[lb.arn], acceptance_required=acceptance_required
    )


def _consumer_endpoint(cp, svc):
    consumer = cp.as_(account_id=ACCOUNT_B)
    v = vpc(consumer, "10.1.0.0/16")
    s = subnet(consumer, v.id, "10.1.0.0/24")
    return consumer, consumer.create_vpc_endpoint(
        vpc_id=v.id, service_name=svc.service_name, vpc_endpoint_type="Interface", subnet_ids=[s.id]
    )


@trigger("ExistingVpcEndpointConnections")
def _(cp, mp):
    svc = _service(cp)
    cp.modify_vpc_endpoint_service_permissions(
        service_id=svc.id, add_allowed_principals=[f"arn:aws:iam::{ACCOUNT_B}:root"]
    )
    _consumer_endpoint(cp, svc)
    result = cp.delete_vpc_endpoint_service_configurations(service_ids=[svc.id])
    return result[0].error.code if result else None


@trigger("InvalidState")
def _(cp, mp):
    svc = _service(cp)
    cp.modify_vpc_endpoint_service_permissions(
        service_id=svc.id, add_allowed_principals=[f"arn:aws:iam::{ACCOUNT_B}:root"]
    )
    _, vpce = _consumer_endpoint(cp, svc)
    result = cp.accept_vpc_endpoint_connections(service_id=svc.id, vpc_endpoint_ids=[vpce.id])
    return result[0].error.code if result else None


# -- malformed IDs: an id without its kind's prefix (Ctx.require, Describe*'s id lists) ------------
MALFORMED = {
    "InvalidVpcID.Malformed": ("delete_vpc", "vpc_id"),
    "InvalidSubnetID.Malformed": ("delete_subnet", "subnet_id"),
    "InvalidGroupId.Malformed": ("delete_security_group", "group_id"),
    "InvalidRouteTableId.Malformed": ("delete_route_table", "route_table_id"),
    "InvalidInternetGatewayId.Malformed": ("delete_internet_gateway", "internet_gateway_id"),
    "InvalidEgressOnlyInternetGatewayId.Malformed": (
        "delete_egress_only_internet_gateway",
        "egress_only_internet_gateway_id",
    ),
    "NatGatewayMalformed": ("delete_nat_gateway", "nat_gateway_id"),
    "InvalidNetworkInterfaceId.Malformed": ("delete_network_interface", "network_interface_id"),
    "InvalidNetworkAclId.Malformed": ("delete_network_acl", "network_acl_id"),
    "InvalidVpcPeeringConnectionId.Malformed": ("delete_vpc_peering_connection", "vpc_peering_connection_id"),
    "InvalidCustomerGatewayId.Malformed": ("delete_customer_gateway", "customer_gateway_id"),
    "InvalidDhcpOptionsId.Malformed": ("delete_dhcp_options", "dhcp_options_id"),
    "InvalidPrefixListId.Malformed": ("delete_managed_prefix_list", "prefix_list_id"),
}


def _malformed(method: str, param: str):
    def run(cp, mp):
        getattr(cp, method)(**{param: "not-an-id"})

    return run


for _code, (_method, _param) in MALFORMED.items():
    trigger(_code)(_malformed(_method, _param))


@trigger("InvalidInstanceID.Malformed")
def _(cp, mp):
    cp.terminate_instances(instance_ids=["not-an-id"])


@trigger("InvalidVpcEndpointId.Malformed")
def _(cp, mp):
    from tests.rules.error_triggers import dispatch

    return dispatch({"Action": "DescribeVpcEndpoints", "VpcEndpointId.1": "not-an-id"})
