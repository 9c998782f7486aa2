"""Triggers for the catalogue's limit codes: each quota is set to a small value for the test
(``quota``), then one more resource than it allows is asked for."""

from __future__ import annotations

from tests.rules.error_triggers import (
    attached_vgw,
    cgw,
    instance,
    main_table,
    quota,
    rule,
    subnet,
    trigger,
    vpc,
)


@trigger("VpcLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "vpcs_per_region", 1)
    vpc(cp)
    vpc(cp, "10.1.0.0/16")


@trigger("SubnetLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "subnets_per_vpc", 1)
    v = vpc(cp)
    subnet(cp, v.id, "10.0.0.0/24")
    subnet(cp, v.id, "10.0.1.0/24")


@trigger("RouteTableLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "route_tables_per_vpc", 1)
    cp.create_route_table(vpc_id=vpc(cp).id)


@trigger("RouteLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "routes_per_route_table", 1)
    v = vpc(cp)
    igw = cp.create_internet_gateway()
    cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=v.id)
    for cidr in ("192.0.2.0/24", "198.51.100.0/24"):
        cp.create_route(
            route_table_id=main_table(cp, v.id).id, destination_cidr_block=cidr, gateway_id=igw.id
        )


@trigger("InternetGatewayLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "internet_gateways_per_region", 1)
    cp.create_internet_gateway()
    cp.create_internet_gateway()


@trigger("NatGatewayLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "nat_gateways_per_az", 1)
    v = vpc(cp)
    igw = cp.create_internet_gateway()
    cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=v.id)
    s = subnet(cp, v.id)
    for _ in range(2):
        cp.create_nat_gateway(subnet_id=s.id, allocation_id=cp.allocate_address().id)


@trigger("AddressLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "elastic_ips_per_region", 1)
    cp.allocate_address()
    cp.allocate_address()


@trigger("ActiveVpcPeeringConnectionPerVpcLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "active_peerings_per_vpc", 1)
    a, b, c = vpc(cp), vpc(cp, "10.1.0.0/16"), vpc(cp, "10.2.0.0/16")
    for peer in (b, c):
        pcx = cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=peer.id)
        cp.accept_vpc_peering_connection(vpc_peering_connection_id=pcx.id)


@trigger("OutstandingVpcPeeringConnectionLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "outstanding_peering_requests", 1)
    a, b, c = vpc(cp), vpc(cp, "10.1.0.0/16"), vpc(cp, "10.2.0.0/16")
    cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=b.id)
    cp.create_vpc_peering_connection(vpc_id=a.id, peer_vpc_id=c.id)


@trigger("SecurityGroupLimitExceeded")
def _(cp, mp):
    v = vpc(cp)
    quota(cp, mp, "security_groups_per_region", 1)
    cp.create_security_group(group_name="web", description="web", vpc_id=v.id)


@trigger("RulesPerSecurityGroupLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "rules_per_security_group", 1)
    sg = cp.create_security_group(group_name="web", description="web", vpc_id=vpc(cp).id)
    cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[rule(80), rule(443)])


@trigger("SecurityGroupsPerInterfaceLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "security_groups_per_interface", 1)
    v = vpc(cp)
    groups = [cp.create_security_group(group_name=f"g{i}", description="g", vpc_id=v.id).id for i in range(2)]
    cp.create_network_interface(subnet_id=subnet(cp, v.id).id, groups=groups)


@trigger("NetworkAclLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "network_acls_per_vpc", 1)
    cp.create_network_acl(vpc_id=vpc(cp).id)


@trigger("NetworkAclEntryLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "rules_per_network_acl", 1)
    acl = cp.create_network_acl(vpc_id=vpc(cp).id)
    for number in (100, 200):
        cp.create_network_acl_entry(
            network_acl_id=acl.id,
            rule_number=number,
            protocol="-1",
            rule_action="allow",
            egress=False,
            cidr_block="0.0.0.0/0",
        )


@trigger("VpcEndpointLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "gateway_endpoints_per_region", 1)
    v = vpc(cp)
    for service in ("s3", "dynamodb"):
        cp.create_vpc_endpoint(
            vpc_id=v.id,
            service_name=f"com.amazonaws.us-east-1.{service}",
            route_table_ids=[main_table(cp, v.id).id],
        )


@trigger("CustomerGatewayLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "customer_gateways_per_region", 1)
    cgw(cp)
    cgw(cp, "203.0.113.11")


@trigger("VpnGatewayLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "vpn_gateways_per_region", 1)
    cp.create_vpn_gateway(type="ipsec.1")
    cp.create_vpn_gateway(type="ipsec.1")


@trigger("VpnConnectionLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "vpn_connections_per_region", 1)
    vgw = attached_vgw(cp, vpc(cp).id)
    for ip in ("203.0.113.10", "203.0.113.11"):
        cp.create_vpn_connection(customer_gateway_id=cgw(cp, ip).id, type="ipsec.1", vpn_gateway_id=vgw.id)


@trigger("VpnGatewayAttachmentLimitExceeded")
def _(cp, mp):
    vgw = attached_vgw(cp, vpc(cp).id)
    cp.attach_vpn_gateway(vpc_id=vpc(cp, "10.1.0.0/16").id, vpn_gateway_id=vgw.id)


@trigger("TagLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "tags_per_resource", 1)
    cp.create_tags(resources=[vpc(cp).id], tags={"a": "1", "b": "2"})


@trigger("InstanceLimitExceeded")
def _(cp, mp):
    quota(cp, mp, "running_instances_per_region", 1)
    s = subnet(cp, vpc(cp).id)
    instance(cp, s.id)
    instance(cp, s.id)


@trigger("AttachmentLimitExceeded")
def _(cp, mp):
    s = subnet(cp, vpc(cp).id)
    inst = instance(cp, s.id)
    for index in range(1, 10):
        eni = cp.create_network_interface(subnet_id=s.id)
        cp.attach_network_interface(network_interface_id=eni.id, instance_id=inst.id, device_index=index)
