"""IPv6 blocks and addresses written in a topology file: ``ipv6: amazon`` on a VPC, a subnet's /64
by index or CIDR, ``assign_ipv6``/``dns64``, and interfaces' and instances' IPv6 addresses."""

from __future__ import annotations

from ipaddress import IPv6Address, IPv6Network

import pytest

from vpclab.model.interfaces import Instance, NetworkInterface
from vpclab.model.subnet import Subnet
from vpclab.model.vpc import Vpc
from vpclab.topology import TopologyError, loads

TEXT = '''
vpcs:
  app:
    cidr: 10.0.0.0/16
    ipv6: amazon
    subnets:
      web: {cidr: 10.0.1.0/24, az: us-east-1a, ipv6: 0, assign_ipv6: true, dns64: true}
      db: {cidr: 10.0.2.0/24, az: us-east-1b, ipv6: 10}
    network_interfaces:
      two: {subnet: db, ipv6: 2}
    instances:
      web-1: {subnet: web}
      db-1: {subnet: db}
'''


def test_a_dual_stack_vpc_is_built_from_yaml() -> None:
    net = loads(TEXT, file="ds.yaml")
    vpc, web, db = net.resource("app"), net.resource("web"), net.resource("db")
    assert isinstance(vpc, Vpc) and isinstance(web, Subnet) and isinstance(db, Subnet)
    (block,) = vpc.ipv6_networks
    assert block.prefixlen == 56
    # the index counts /64s from the /56's start (10 → …0a::/64)
    assert web.ipv6_network == IPv6Network((int(block.network_address), 64))
    assert db.ipv6_network == IPv6Network((int(block.network_address) + (10 << 64), 64))
    assert web.assign_ipv6_address_on_creation and web.enable_dns64
    assert not db.assign_ipv6_address_on_creation
    eni = net.resource("two")
    assert isinstance(eni, NetworkInterface) and len(eni.ipv6_addresses) == 2
    assert all(IPv6Address(a) in db.ipv6_network for a in eni.ipv6_addresses)
    web_1, db_1 = net.resource("web-1"), net.resource("db-1")
    assert isinstance(web_1, Instance) and isinstance(db_1, Instance)
    # the subnet's AssignIpv6AddressOnCreation gives web-1 an address; db-1 asked for none
    assert web_1.ipv6_address is not None and IPv6Address(web_1.ipv6_address) in web.ipv6_network
    assert db_1.ipv6_address is None


def test_a_subnet_ipv6_index_in_a_vpc_without_a_block_is_a_file_line_error() -> None:
    text = TEXT.replace("    ipv6: amazon\n", "")
    with pytest.raises(TopologyError) as info:
        loads(text, file="ds.yaml")
    report = info.value.report()
    assert "ds.yaml:6:48: subnet web: ipv6: 0 is the index of a /64 in its VPC's IPv6 block, and VPC app " \
        "has none (give it ipv6: amazon)" in report, report


def test_a_subnet_ipv6_index_past_the_56_is_a_shape_error() -> None:
    with pytest.raises(TopologyError) as info:
        loads(TEXT.replace("ipv6: 10}", "ipv6: 256}"), file="ds.yaml")
    assert "ds.yaml:8" in info.value.report()
