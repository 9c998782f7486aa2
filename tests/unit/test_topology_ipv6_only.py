"""IPv6-only subnets in a topology file: a subnet with ``ipv6`` and no ``cidr`` (CreateSubnet
``Ipv6Native``), its instances (IPv6 addresses only), traces over IPv6, and the file/line errors."""

from __future__ import annotations

from ipaddress import IPv6Address

import pytest

from vpclab.model.interfaces import Instance
from vpclab.model.subnet import Subnet
from vpclab.topology import TopologyError, loads

TEXT = '''
vpcs:
  app:
    cidr: 10.0.0.0/16
    ipv6: amazon
    subnets:
      web: {cidr: 10.0.1.0/24, ipv6: 1, assign_ipv6: true}
      v6: {ipv6: 2, assign_ipv6: true}
    security_groups:
      https:
        ingress:
          - {protocol: tcp, port: 443, cidr: "::/0"}
    instances:
      web-1: {subnet: web, groups: [https]}
      v6-1: {subnet: v6, groups: [https]}
'''


def test_a_subnet_with_ipv6_and_no_cidr_is_ipv6_only() -> None:
    net = loads(TEXT, file="v6.yaml")
    v6, inst = net.resource("v6"), net.resource("v6-1")
    assert isinstance(v6, Subnet) and isinstance(inst, Instance)
    assert v6.ipv6_native and v6.cidr_block is None and v6.hostname_type == "resource-name"
    assert inst.private_ip_address == "" and IPv6Address(inst.ipv6_address or "") in v6.ipv6_network
    t = net.trace("v6-1", "web-1", protocol="tcp", port=443)
    assert t.reachable and ":" in t.flow.src_ip
    assert "v6" not in net.matrix(protocol="tcp", port=443).sources


def test_a_subnet_needs_a_block() -> None:
    with pytest.raises(TopologyError) as info:
        loads(TEXT.replace("v6: {ipv6: 2, assign_ipv6: true}", "v6: {assign_ipv6: true}"), file="v6.yaml")
    assert "a subnet needs cidr (IPv4), ipv6, or both" in info.value.report()
