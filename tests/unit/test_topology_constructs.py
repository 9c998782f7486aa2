"""Constructs beyond the examples: interfaces, Elastic IPs, prefix-list routes, shared TGWs, ACL ICMP."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from vpclab.model.endpoints import VpcEndpoint
from vpclab.model.gateways import Address
from vpclab.model.interfaces import Instance, NetworkInterface
from vpclab.model.network_acl import NetworkAcl
from vpclab.model.route_table import RouteTable
from vpclab.model.subnet import Subnet, SubnetCidrReservation
from vpclab.model.transit_gateway import TransitGatewayAttachment
from vpclab.model.vpc import Vpc
from vpclab.topology import TopologyError, load, loads

FILE = Path(__file__).resolve().parent.parent / "golden" / "good" / "constructs.yaml"


def test_every_construct_of_the_file_is_built() -> None:
    net = load(FILE)
    app = net.resource("app")
    assert isinstance(app, Vpc) and app.cidr_blocks == ("10.0.0.0/16", "10.1.0.0/16")
    assert app.enable_dns_hostnames
    web = net.resource("web")
    assert isinstance(web, Subnet) and web.availability_zone_id == "use1-az2" and web.map_public_ip_on_launch

    eni = net.resource("fw-eni")
    assert isinstance(eni, NetworkInterface)
    assert (eni.private_ip_address, eni.source_dest_check, eni.description) == ("10.0.1.5", False, "firewall")
    assert eni.groups == (net.id("fw-sg"),)
    eip = net.resource("fw-eip")
    assert isinstance(eip, Address) and eip.network_interface_id == eni.id

    fw = net.resource("fw")
    assert isinstance(fw, Instance) and not fw.source_dest_check and fw.instance_type == "t3.small"
    web1 = net.resource("web-1")
    assert isinstance(web1, Instance)
    assert net.resource("web-eip").network_interface_id == net.id("web-1/eni")  # type: ignore[attr-defined]

    main = net.resource("app-main")
    assert isinstance(main, RouteTable) and main.main
    assert main.route_to(net.id("corp")).network_interface_id == eni.id  # type: ignore[union-attr]
    assert main.route_to("10.60.0.0/16").transit_gateway_id == net.id("hub")  # type: ignore[union-attr]

    ssm, ddb = net.resource("ssm"), net.resource("ddb")
    assert isinstance(ssm, VpcEndpoint) and ssm.vpc_endpoint_type == "Interface" and ssm.private_dns_enabled
    assert isinstance(ddb, VpcEndpoint) and ddb.vpc_endpoint_type == "Gateway"
    assert ddb.route_table_ids == (main.id,)

    acl = net.resource("app-acl")
    assert isinstance(acl, NetworkAcl) and acl.is_default
    icmp = next(e for e in acl.entries if e.rule_number == 110)
    assert (icmp.protocol, icmp.icmp_type, icmp.egress) == ("1", 0, True)


def test_a_participant_attaches_its_vpc_to_a_shared_transit_gateway() -> None:
    net = load(FILE)
    other = net.resource("hub-other")
    assert isinstance(other, TransitGatewayAttachment)
    assert other.state == "available"  # created by the VPC's account, accepted by the TGW's owner
    assert other.resource_owner_id == "222222222222" and other.owner_id == "111111111111"


subnet_blocks = st.lists(st.tuples(st.integers(0, 255), st.sampled_from([24, 25, 26, 27, 28])),
                         min_size=1, max_size=6)


@settings(max_examples=40, deadline=None)
@given(subnet_blocks)
def test_random_subnets_load_or_report_only_conflicts(blocks: list[tuple[int, int]]) -> None:
    """Any set of subnets inside the VPC loads, or fails with AWS's conflict error and nothing else."""
    lines = [f"      s{i}: {{cidr: 10.0.{third}.0/{plen}}}" for i, (third, plen) in enumerate(blocks)]
    text = "vpcs:\n  app:\n    cidr: 10.0.0.0/16\n    subnets:\n" + "\n".join(lines) + "\n"
    nets = [ipaddress.ip_network(f"10.0.{t}.0/{p}") for t, p in blocks]
    overlapping = any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[:i])
    try:
        net = loads(text, file="r.yaml")
    except TopologyError as exc:
        assert overlapping
        assert {p.code for p in exc.problems} == {"InvalidSubnet.Conflict"}
    else:
        assert not overlapping
        assert sum(1 for _ in net.world.all(Subnet)) == len(blocks)


def test_subnet_cidr_reservations_in_yaml() -> None:
    """``cidr_reservations:`` (CIDR → prefix | explicit) reserves before anything is placed in the
    subnet, so an instance of the same file gets an address outside the range; a reservation outside
    the subnet is AWS's error at its place in the file."""
    net = loads("vpcs:\n  app:\n    cidr: 10.0.0.0/16\n    subnets:\n      web:\n        cidr: 10.0.1.0/24\n"
                "        az: use1-az2\n        cidr_reservations: {10.0.1.0/27: explicit}\n"
                "    instances:\n      vm: {subnet: web}\n")
    web, vm = net.resource("web"), net.resource("vm")
    assert isinstance(web, Subnet) and web.availability_zone_id == "use1-az2"
    assert isinstance(vm, Instance) and vm.private_ip_address == "10.0.1.32"
    (res,) = net.world.all(SubnetCidrReservation)
    assert (res.subnet_id, res.cidr, res.reservation_type) == (web.id, "10.0.1.0/27", "explicit")
    try:
        loads("vpcs:\n  app:\n    cidr: 10.0.0.0/16\n    subnets:\n      web:\n        cidr: 10.0.1.0/24\n"
              "        cidr_reservations: {10.0.2.0/27: prefix}\n", file="r.yaml")
    except TopologyError as exc:
        assert {p.code for p in exc.problems} == {"InvalidParameterValue"}
        assert "r.yaml:7:" in str(exc)
    else:
        raise AssertionError("a reservation outside its subnet is refused")


def test_a_vpc_with_its_own_dhcp_options_and_address_usage_metrics() -> None:
    """``dhcp_options:`` creates the set (``VPC/dhcp-options``) and associates it; a wrong value is
    AWS's error at the set's place in the file."""
    net = loads("vpcs:\n  app:\n    cidr: 10.0.0.0/16\n    network_address_usage_metrics: true\n"
                "    dhcp_options:\n      domain_name: corp.example\n"
                "      domain_name_servers: [10.0.0.2, AmazonProvidedDNS]\n      netbios_node_type: 2\n")
    app, dopt = net.resource("app"), net.resource("app/dhcp-options")
    assert isinstance(app, Vpc) and app.enable_network_address_usage_metrics
    assert app.dhcp_options_id == dopt.id
    assert [(c.key, c.values) for c in dopt.dhcp_configurations] == [
        ("domain-name", ("corp.example",)), ("domain-name-servers", ("10.0.0.2", "AmazonProvidedDNS")),
        ("netbios-node-type", ("2",))]
    try:
        loads("vpcs:\n  app:\n    cidr: 10.0.0.0/16\n    dhcp_options:\n      ntp_servers: [ntp.example]\n",
              file="d.yaml")
    except TopologyError as exc:
        assert {p.code for p in exc.problems} == {"InvalidParameterValue"}
        assert "d.yaml:4:" in str(exc)
    else:
        raise AssertionError("a host name is not an NTP server address")
