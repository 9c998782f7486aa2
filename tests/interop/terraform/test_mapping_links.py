"""Terraform plan JSON → vpclab network (issue 12 point 3, the types added last): VPN, Direct
Connect gateways, RAM shares, transit gateway peering, endpoint services with their network load
balancers, IPv6 blocks, the ``aws_default_*`` variants and ``aws_main_route_table_association``.

Each fixture is a plan in HashiCorp's "JSON Output Format"
(https://developer.hashicorp.com/terraform/internals/json-format) with every id unknown until
apply, so each reference is followed through the configuration, as for a new network.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vpclab.interop.terraform import TerraformError
from vpclab.interop.terraform_import import load_plan, topology
from vpclab.model.endpoints import VpcEndpoint, VpcEndpointService
from vpclab.model.load_balancer import LoadBalancer, TargetGroup
from vpclab.model.network_acl import NetworkAcl
from vpclab.model.route_table import RouteTable
from vpclab.model.security_group import SecurityGroup
from vpclab.model.sharing import ResourceShare
from vpclab.model.transit_gateway import TransitGatewayAttachment
from vpclab.model.vpc import Vpc

from .test_mapping import write
from .tfjson import Plan


def _vpc(p: Plan, name: str, cidr: str, *, instance: bool = True, zones: str = "a") -> Plan:
    """A VPC, one subnet per zone (``{cidr}.{k+1}.0/24``), an instance in the first, a group."""
    p.add(f"aws_vpc.{name}", {"cidr_block": f"{cidr}.0.0/16"}, unknown=("id",))
    vpc = {"vpc_id": [f"aws_vpc.{name}.id", f"aws_vpc.{name}"]}
    for k, z in enumerate(zones):
        p.add(
            f"aws_subnet.{name}_{z}",
            {"cidr_block": f"{cidr}.{k + 1}.0/24", "availability_zone": f"us-east-1{z}"},
            refs=vpc,
            unknown=("id", "vpc_id"),
        )
    p.add(
        f"aws_security_group.{name}",
        {"description": name, "ingress": [], "egress": []},
        refs=vpc,
        unknown=("id", "vpc_id"),
    )
    for port, source in ((22, "192.168.0.0/16"), (443, "10.0.0.0/8")):
        p.add(
            f"aws_vpc_security_group_ingress_rule.{name}_{port}",
            {"ip_protocol": "tcp", "from_port": port, "to_port": port, "cidr_ipv4": source},
            refs={"security_group_id": [f"aws_security_group.{name}.id"]},
            unknown=("id", "security_group_id"),
        )
    p.add(
        f"aws_vpc_security_group_egress_rule.{name}_all",
        {"ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0"},
        refs={"security_group_id": [f"aws_security_group.{name}.id"]},
        unknown=("id", "security_group_id"),
    )
    if instance:
        p.add(
            f"aws_instance.{name}",
            {"private_ip": f"{cidr}.1.10"},
            refs={
                "subnet_id": [f"aws_subnet.{name}_a.id"],
                "vpc_security_group_ids": [f"aws_security_group.{name}.id"],
            },
            unknown=("id", "subnet_id", "vpc_security_group_ids"),
        )
    return p


def _vpn(p: Plan) -> Plan:
    """A static VPN to a VPN gateway attached by its own resource; the VPC's route table sends the
    office's network to the gateway and has its routes propagated."""
    _vpc(p, "app", "10.0")
    p.add(
        "aws_customer_gateway.office",
        {"ip_address": "203.0.113.10", "bgp_asn": "65010", "type": "ipsec.1"},
        unknown=("id",),
    )
    p.add("aws_vpn_gateway.vgw", {"amazon_side_asn": "64512"}, unknown=("id",))
    p.add(
        "aws_vpn_gateway_attachment.vgw",
        {},
        refs={"vpc_id": ["aws_vpc.app.id"], "vpn_gateway_id": ["aws_vpn_gateway.vgw.id"]},
        unknown=("id", "vpc_id", "vpn_gateway_id"),
    )
    p.add(
        "aws_vpn_connection.office",
        {"type": "ipsec.1", "static_routes_only": True},
        refs={
            "customer_gateway_id": ["aws_customer_gateway.office.id"],
            "vpn_gateway_id": ["aws_vpn_gateway.vgw.id"],
        },
        unknown=("id", "customer_gateway_id", "vpn_gateway_id"),
    )
    p.add(
        "aws_vpn_connection_route.office",
        {"destination_cidr_block": "192.168.0.0/16"},
        refs={"vpn_connection_id": ["aws_vpn_connection.office.id"]},
        unknown=("id", "vpn_connection_id"),
    )
    p.add(
        "aws_route_table.app",
        {"route": [{"cidr_block": "192.168.0.0/16", "gateway_id": None}]},
        refs={"vpc_id": ["aws_vpc.app.id"]},
        unknown=("id", "vpc_id"),
        blocks={"route": [{"cidr_block": "192.168.0.0/16", "gateway_id": ["aws_vpn_gateway.vgw.id"]}]},
    )
    p.add(
        "aws_route_table_association.app",
        {},
        refs={"subnet_id": ["aws_subnet.app_a.id"], "route_table_id": ["aws_route_table.app.id"]},
        unknown=("id", "subnet_id", "route_table_id"),
    )
    p.add(
        "aws_vpn_gateway_route_propagation.app",
        {},
        refs={"vpn_gateway_id": ["aws_vpn_gateway.vgw.id"], "route_table_id": ["aws_route_table.app.id"]},
        unknown=("id", "vpn_gateway_id", "route_table_id"),
    )
    return p


def test_vpn_to_a_vpn_gateway(tmp_path: Path) -> None:
    """aws_customer_gateway, aws_vpn_gateway (+ _attachment, _route_propagation), aws_vpn_connection
    (+ _route) (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpn_connection):
    the office reaches the instance over the VPN, through the static route to the gateway."""
    topo, _ = topology(write(tmp_path, _vpn(Plan()).plan()))
    assert topo["customer_gateways"]["aws_customer_gateway.office"] == {
        "ip": "203.0.113.10",
        "asn": 65010,
        "tags": {},
    }
    assert topo["vpn_gateways"]["aws_vpn_gateway.vgw"]["vpc"] == "aws_vpc.app"
    vpn = topo["vpn_connections"]["aws_vpn_connection.office"]
    assert (vpn["vpn_gateway"], vpn["routing"], vpn["static_routes"]) == (
        "aws_vpn_gateway.vgw",
        "static",
        ["192.168.0.0/16"],
    )
    table = topo["vpcs"]["aws_vpc.app"]["route_tables"]["aws_route_table.app"]
    assert table["routes"] == {"192.168.0.0/16": "vgw"} and table["propagate_vgw"] is True
    net = load_plan(tmp_path / "plan.json")
    assert net.resource("aws_vpn_connection.office").id.startswith("vpn-")
    rt = net.world.get(net.id("aws_route_table.app"), RouteTable)
    assert rt is not None and net.id("aws_vpn_gateway.vgw") in rt.propagating_vgws
    assert net.trace("aws_customer_gateway.office", "aws_instance.app", port=22).reachable


def test_a_static_route_on_a_bgp_connection_is_refused(tmp_path: Path) -> None:
    p = _vpn(Plan())
    for item in p.items:
        if item["address"] == "aws_vpn_connection.office":
            item["after"]["static_routes_only"] = False
    with pytest.raises(TerraformError) as err:
        topology(write(tmp_path, p.plan()))
    assert "aws_vpn_connection_route.office" in str(err.value) and "static_routes_only" in str(err.value)


def _hub(p: Plan, name: str = "hub", asn: str = "64512") -> Plan:
    p.add(
        f"aws_ec2_transit_gateway.{name}",
        {
            "amazon_side_asn": asn,
            "default_route_table_association": "enable",
            "default_route_table_propagation": "enable",
        },
        unknown=("id",),
    )
    return p


def test_vpn_on_a_transit_gateway_and_its_attachment(tmp_path: Path) -> None:
    """A VPN connection on a transit gateway: its ``transit_gateway_attachment_id`` names the VPN's
    attachment in a route table association
    (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpn_connection)."""
    p = _hub(Plan())
    p.add("aws_customer_gateway.dc", {"ip_address": "198.51.100.7", "bgp_asn": "65020"}, unknown=("id",))
    p.add(
        "aws_vpn_connection.dc",
        {"type": "ipsec.1"},
        refs={
            "customer_gateway_id": ["aws_customer_gateway.dc.id"],
            "transit_gateway_id": ["aws_ec2_transit_gateway.hub.id"],
        },
        unknown=("id", "customer_gateway_id", "transit_gateway_id", "transit_gateway_attachment_id"),
    )
    p.add(
        "aws_ec2_transit_gateway_route.to_dc",
        {"destination_cidr_block": "172.20.0.0/16"},
        refs={
            "transit_gateway_route_table_id": [
                "aws_ec2_transit_gateway.hub.association_default_route_table_id"
            ],
            "transit_gateway_attachment_id": ["aws_vpn_connection.dc.transit_gateway_attachment_id"],
        },
        unknown=("id", "transit_gateway_route_table_id", "transit_gateway_attachment_id"),
    )
    topo, _ = topology(write(tmp_path, p.plan()))
    assert (
        topo["vpn_connections"]["aws_vpn_connection.dc"]["transit_gateway"] == "aws_ec2_transit_gateway.hub"
    )
    table = topo["transit_gateways"]["aws_ec2_transit_gateway.hub"]["route_tables"]
    assert table["aws_ec2_transit_gateway.hub.default"]["routes"] == {
        "172.20.0.0/16": "aws_vpn_connection.dc"
    }
    net = load_plan(tmp_path / "plan.json")
    vpn_id = net.id("aws_vpn_connection.dc")
    assert any(a.resource_id == vpn_id for a in net.world.all(TransitGatewayAttachment))


def test_direct_connect_gateway_and_its_association(tmp_path: Path) -> None:
    """aws_dx_gateway and aws_dx_gateway_association with a transit gateway and its allowed prefixes
    (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/dx_gateway_association)."""
    p = _hub(Plan())
    p.add("aws_dx_gateway.corp", {"name": "corp", "amazon_side_asn": "64600"}, unknown=("id",))
    p.add(
        "aws_dx_gateway_association.hub",
        {"allowed_prefixes": ["10.0.0.0/8"]},
        refs={
            "dx_gateway_id": ["aws_dx_gateway.corp.id"],
            "associated_gateway_id": ["aws_ec2_transit_gateway.hub.id"],
        },
        unknown=("id", "dx_gateway_id", "associated_gateway_id"),
    )
    topo, _ = topology(write(tmp_path, p.plan()))
    assert topo["direct_connect_gateways"]["aws_dx_gateway.corp"] == {
        "amazon_side_asn": 64600,
        "associations": {"aws_ec2_transit_gateway.hub": ["10.0.0.0/8"]},
        "tags": {},
    }
    net = load_plan(tmp_path / "plan.json")
    hub = net.id("aws_ec2_transit_gateway.hub")
    assert any(
        a.transit_gateway_id == hub and a.resource_type == "direct-connect-gateway"
        for a in net.world.all(TransitGatewayAttachment)
    )


def test_ram_share_of_a_subnet(tmp_path: Path) -> None:
    """aws_ram_resource_share, _resource_association (a subnet) and _principal_association (an
    account) (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ram_resource_association)."""
    p = _vpc(Plan(), "shared", "10.50", instance=False)
    p.add(
        "aws_ram_resource_share.subnets",
        {"name": "subnets", "allow_external_principals": True},
        unknown=("id", "arn"),
    )
    share = {"resource_share_arn": ["aws_ram_resource_share.subnets.arn"]}
    p.add(
        "aws_ram_resource_association.a",
        {},
        refs={**share, "resource_arn": ["aws_subnet.shared_a.arn"]},
        unknown=("id", "resource_share_arn", "resource_arn"),
    )
    p.add(
        "aws_ram_principal_association.apps",
        {"principal": "222222222222"},
        refs=share,
        unknown=("id", "resource_share_arn"),
    )
    topo, _ = topology(write(tmp_path, p.plan()))
    assert topo["shares"]["aws_ram_resource_share.subnets"]["resources"] == ["aws_subnet.shared_a"]
    assert topo["shares"]["aws_ram_resource_share.subnets"]["principals"] == ["222222222222"]
    net = load_plan(tmp_path / "plan.json")
    (rs,) = net.world.all(ResourceShare)
    assert rs.resource_ids == (net.id("aws_subnet.shared_a"),) and rs.principals == ("222222222222",)


def test_a_principal_that_is_no_account_is_refused(tmp_path: Path) -> None:
    p = Plan()
    p.add("aws_ram_resource_share.s", {"name": "s"}, unknown=("id", "arn"))
    p.add(
        "aws_ram_principal_association.org",
        {"principal": "arn:aws:organizations::111111111111:organization/o-abc"},
        refs={"resource_share_arn": ["aws_ram_resource_share.s.arn"]},
        unknown=("id", "resource_share_arn"),
    )
    with pytest.raises(TerraformError) as err:
        topology(write(tmp_path, p.plan()))
    assert ".principal" in str(err.value) and "not an account id" in str(err.value)


def test_transit_gateway_peering_and_its_accepter(tmp_path: Path) -> None:
    """aws_ec2_transit_gateway_peering_attachment (+ _accepter): the peering attachment, accepted, in
    a static route of each side (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ec2_transit_gateway_peering_attachment)."""
    p = _hub(_hub(Plan(), "east", "64512"), "west", "64513")
    p.add(
        "aws_ec2_transit_gateway_peering_attachment.ew",
        {"peer_region": "us-east-1"},
        refs={
            "transit_gateway_id": ["aws_ec2_transit_gateway.east.id"],
            "peer_transit_gateway_id": ["aws_ec2_transit_gateway.west.id"],
        },
        unknown=("id", "transit_gateway_id", "peer_transit_gateway_id", "peer_account_id"),
    )
    p.add(
        "aws_ec2_transit_gateway_peering_attachment_accepter.ew",
        {},
        refs={"transit_gateway_attachment_id": ["aws_ec2_transit_gateway_peering_attachment.ew.id"]},
        unknown=("id", "transit_gateway_attachment_id"),
    )
    p.add(
        "aws_ec2_transit_gateway_route.to_west",
        {"destination_cidr_block": "10.20.0.0/16"},
        refs={
            "transit_gateway_route_table_id": [
                "aws_ec2_transit_gateway.east.association_default_route_table_id"
            ],
            "transit_gateway_attachment_id": ["aws_ec2_transit_gateway_peering_attachment.ew.id"],
        },
        unknown=("id", "transit_gateway_route_table_id", "transit_gateway_attachment_id"),
    )
    topo, _ = topology(write(tmp_path, p.plan()))
    att = topo["transit_gateways"]["aws_ec2_transit_gateway.east"]["attachments"][
        "aws_ec2_transit_gateway_peering_attachment.ew"
    ]
    assert att == {"peer": "aws_ec2_transit_gateway.west", "accept": True, "tags": {}}
    net = load_plan(tmp_path / "plan.json")
    peering = net.world.get(net.id("aws_ec2_transit_gateway_peering_attachment.ew"), TransitGatewayAttachment)
    assert peering is not None and peering.state == "available"


def _privatelink(p: Plan) -> Plan:
    """A provider VPC's NLB (two zones, a listener on 443 forwarding to a target group of the
    instance) behind an endpoint service; the consumer's interface endpoint names the service."""
    _vpc(p, "provider", "10.1", zones="ab")
    _vpc(p, "consumer", "10.2", zones="ab")
    p.add(
        "aws_lb.svc",
        {"load_balancer_type": "network", "internal": True, "ip_address_type": "ipv4"},
        refs={"subnets": ["aws_subnet.provider_a.id", "aws_subnet.provider_b.id"]},
        unknown=("id", "arn", "subnets"),
    )
    p.add(
        "aws_lb_target_group.svc",
        {"port": 443, "protocol": "TCP", "target_type": "instance"},
        refs={"vpc_id": ["aws_vpc.provider.id"]},
        unknown=("id", "arn", "vpc_id"),
    )
    p.add(
        "aws_lb_target_group_attachment.svc",
        {"port": 443},
        refs={"target_group_arn": ["aws_lb_target_group.svc.arn"], "target_id": ["aws_instance.provider.id"]},
        unknown=("id", "target_group_arn", "target_id"),
    )
    p.add(
        "aws_lb_listener.svc",
        {"port": 443, "protocol": "TCP", "default_action": [{"type": "forward", "target_group_arn": None}]},
        refs={"load_balancer_arn": ["aws_lb.svc.arn"]},
        unknown=("id", "arn", "load_balancer_arn"),
        blocks={"default_action": [{"type": "forward", "target_group_arn": ["aws_lb_target_group.svc.arn"]}]},
    )
    p.add(
        "aws_vpc_endpoint_service.svc",
        {"acceptance_required": False, "allowed_principals": ["arn:aws:iam::123456789012:root"]},
        refs={"network_load_balancer_arns": ["aws_lb.svc.arn"]},
        unknown=("id", "service_name", "network_load_balancer_arns"),
    )
    p.add(
        "aws_vpc_endpoint.svc",
        {"vpc_endpoint_type": "Interface", "private_dns_enabled": False},
        refs={
            "vpc_id": ["aws_vpc.consumer.id"],
            "service_name": ["aws_vpc_endpoint_service.svc.service_name"],
            "subnet_ids": ["aws_subnet.consumer_a.id", "aws_subnet.consumer_b.id"],
            "security_group_ids": ["aws_security_group.consumer.id"],
        },
        unknown=("id", "vpc_id", "service_name", "subnet_ids", "security_group_ids"),
    )
    return p


def test_endpoint_service_with_its_network_load_balancer(tmp_path: Path) -> None:
    """aws_vpc_endpoint_service with aws_lb (network), aws_lb_target_group, aws_lb_listener and
    aws_lb_target_group_attachment; an interface endpoint naming the service
    (https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint_service)."""
    topo, _ = topology(write(tmp_path, _privatelink(Plan()).plan()))
    svc = topo["endpoint_services"]["aws_vpc_endpoint_service.svc"]
    assert svc["nlb"]["subnets"] == ["aws_subnet.provider_a", "aws_subnet.provider_b"]
    assert (svc["nlb"]["listeners"], svc["nlb"]["targets"]) == ([443], ["aws_instance.provider"])
    assert svc["allowed_principals"] == ["123456789012"]
    endpoint = topo["vpcs"]["aws_vpc.consumer"]["endpoints"]["aws_vpc_endpoint.svc"]
    assert endpoint["endpoint_service"] == "aws_vpc_endpoint_service.svc" and endpoint["type"] == "interface"
    net = load_plan(tmp_path / "plan.json")
    (lb,), (tg,) = net.world.all(LoadBalancer), net.world.all(TargetGroup)
    assert lb.type == "network" and [t.id for t in tg.targets] == [net.id("aws_instance.provider")]
    (service,) = net.world.all(VpcEndpointService)
    vpce = net.world.get(net.id("aws_vpc_endpoint.svc"), VpcEndpoint)
    assert vpce is not None and vpce.service_id == service.id and vpce.state.lower() == "available"


def test_a_load_balancer_behind_no_endpoint_service_is_refused(tmp_path: Path) -> None:
    p = _privatelink(Plan())
    p.items = [
        i for i in p.items if i["address"] not in ("aws_vpc_endpoint_service.svc", "aws_vpc_endpoint.svc")
    ]
    with pytest.raises(TerraformError) as err:
        topology(write(tmp_path, p.plan()))
    assert "aws_lb.svc" in str(err.value) and "behind no aws_vpc_endpoint_service" in str(err.value)


def test_defaults_main_table_ipv6_and_peering_options(tmp_path: Path) -> None:
    """aws_default_security_group and aws_default_network_acl hold exactly the listed rules (Terraform
    removes AWS's defaults: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_security_group),
    aws_main_route_table_association makes a table the main one, aws_vpc_ipv6_cidr_block_association
    gives an Amazon /56, aws_vpc_peering_connection_options (DNS only) is read."""
    p = _vpc(Plan(), "a", "10.1")
    _vpc(p, "b", "10.2", instance=False)
    p.add(
        "aws_default_security_group.a",
        {"ingress": [], "egress": []},
        refs={"vpc_id": ["aws_vpc.a.id"]},
        unknown=("id", "vpc_id"),
    )
    p.add(
        "aws_default_network_acl.a",
        {
            "ingress": [
                {
                    "rule_no": 100,
                    "action": "allow",
                    "protocol": "tcp",
                    "from_port": 22,
                    "to_port": 22,
                    "cidr_block": "10.0.0.0/8",
                }
            ],
            "egress": [
                {
                    "rule_no": 100,
                    "action": "allow",
                    "protocol": "-1",
                    "from_port": 0,
                    "to_port": 0,
                    "cidr_block": "0.0.0.0/0",
                }
            ],
        },
        refs={"default_network_acl_id": ["aws_vpc.a.default_network_acl_id", "aws_vpc.a"]},
        unknown=("id", "default_network_acl_id"),
    )
    p.add("aws_internet_gateway.a", {}, refs={"vpc_id": ["aws_vpc.a.id"]}, unknown=("id", "vpc_id"))
    p.add(
        "aws_route_table.a",
        {"route": [{"cidr_block": "0.0.0.0/0", "gateway_id": None}]},
        refs={"vpc_id": ["aws_vpc.a.id"]},
        unknown=("id", "vpc_id"),
        blocks={"route": [{"cidr_block": "0.0.0.0/0", "gateway_id": ["aws_internet_gateway.a.id"]}]},
    )
    p.add(
        "aws_main_route_table_association.a",
        {},
        refs={"vpc_id": ["aws_vpc.a.id"], "route_table_id": ["aws_route_table.a.id"]},
        unknown=("id", "vpc_id", "route_table_id"),
    )
    p.add(
        "aws_vpc_ipv6_cidr_block_association.b",
        {"assign_generated_ipv6_cidr_block": True},
        refs={"vpc_id": ["aws_vpc.b.id"]},
        unknown=("id", "vpc_id", "ipv6_cidr_block"),
    )
    p.add(
        "aws_vpc_peering_connection.ab",
        {"auto_accept": True},
        refs={"vpc_id": ["aws_vpc.a.id"], "peer_vpc_id": ["aws_vpc.b.id"]},
        unknown=("id", "vpc_id", "peer_vpc_id"),
    )
    p.add(
        "aws_vpc_peering_connection_options.ab",
        {"requester": [{"allow_remote_vpc_dns_resolution": True}]},
        refs={"vpc_peering_connection_id": ["aws_vpc_peering_connection.ab.id"]},
        unknown=("id", "vpc_peering_connection_id"),
    )
    topo, _ = topology(write(tmp_path, p.plan()))
    a = topo["vpcs"]["aws_vpc.a"]
    assert a["route_tables"]["aws_route_table.a"]["main"] is True
    assert topo["vpcs"]["aws_vpc.b"]["ipv6"] == "amazon"
    net = load_plan(tmp_path / "plan.json")
    vpc_a = net.id("aws_vpc.a")
    sg = next(g for g in net.world.in_vpc(vpc_a, SecurityGroup) if g.is_default)
    assert (sg.ingress, sg.egress) == ((), ())
    acl = next(x for x in net.world.in_vpc(vpc_a, NetworkAcl) if x.is_default)
    assert sorted((e.egress, e.rule_number) for e in acl.entries) == [
        (False, 100),
        (False, 32767),
        (True, 100),
        (True, 32767),
    ]
    main = next(t for t in net.world.in_vpc(vpc_a, RouteTable) if t.main)
    assert any(r.destination_cidr_block == "0.0.0.0/0" and r.gateway_id for r in main.routes)
    vpc_b = net.world.get(net.id("aws_vpc.b"), Vpc)
    assert vpc_b is not None and vpc_b.ipv6_cidr_blocks
