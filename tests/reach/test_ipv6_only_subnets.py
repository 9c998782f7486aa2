"""Reachability with IPv6-only subnets (CreateSubnet ``Ipv6Native``): their interfaces have no IPv4
address, so a flow with an end there is IPv6 (an IPv4 flow is a clear error: AWS Reachability
Analyzer analyses IPv4 only, tracing these is vpclab's extra); the subnet is absent from the IPv4
matrix and present in the IPv6 one. AWS: "IPv6 support for your VPC"
(https://docs.aws.amazon.com/vpc/latest/userguide/vpc-migrate-ipv6.html); CreateSubnet Ipv6Native
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html)."""

from __future__ import annotations

from ipaddress import IPv6Network

import pytest

from vpclab.control.plane import ControlPlane
from vpclab.model.images import image_named
from vpclab.model.world import World
from vpclab.network.api import traced_pairs
from vpclab.reach import ReachError, trace
from vpclab.reach.matrix import matrix

AMI = image_named("us-east-1", "al2023").image_id


@pytest.fixture(scope="module")
def lab():
    cp = ControlPlane(World(seed=9), account_id="111111111111", region="us-east-1")
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16", amazon_provided_ipv6_cidr_block=True)
    blocks = list(IPv6Network(vpc.ipv6_cidr_blocks[0]).subnets(new_prefix=64))
    dual = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", ipv6_cidr_block=str(blocks[1]))
    native = cp.create_subnet(vpc_id=vpc.id, ipv6_cidr_block=str(blocks[2]), ipv6_native=True)
    sg = cp.create_security_group(group_name="web", description="web", vpc_id=vpc.id)
    cp.authorize_security_group_ingress(group_id=sg.id, ip_permissions=[
        {"ip_protocol": "tcp", "from_port": 443, "to_port": 443,
         "ipv6_ranges": [{"cidr_ipv6": str(IPv6Network(vpc.ipv6_cidr_blocks[0]))}],
         "ip_ranges": [{"cidr_ip": "10.0.0.0/16"}]}])
    (a,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=native.id,
                            ipv6_address_count=1, security_group_ids=[sg.id])
    (b,) = cp.run_instances(image_id=AMI, instance_type="t3.micro", subnet_id=dual.id,
                            ipv6_address_count=1, security_group_ids=[sg.id])
    return cp.world, native, dual, a, b


def test_a_flow_from_an_ipv6_only_instance_is_ipv6(lab):
    world, _, _, a, b = lab
    for src, dst in ((a.id, b.id), (b.id, a.id)):
        t = trace(world, src, dst, protocol="tcp", port=443)
        assert t.reachable, t.explanations
        assert ":" in t.flow.src_ip and ":" in t.flow.dst_ip
    assert trace(world, a.id, b.id, protocol="tcp", port=443, ip_version=6).reachable


def test_a_ping_to_an_ipv6_only_instance_is_icmpv6(lab):
    """An end in an IPv6-only subnet makes the flow IPv6, and an IPv6 packet carries ICMPv6 (58):
    ``icmp`` is traced as ``icmpv6`` there, as when the family is asked for."""
    world, _, _, a, b = lab
    t = trace(world, b.id, a.id, protocol="icmp", port=128)
    assert ":" in t.flow.dst_ip and t.flow.protocol == "icmpv6"


def test_an_ipv4_flow_from_an_ipv6_only_instance_is_a_clear_error(lab):
    world, native, _, a, b = lab
    with pytest.raises(ReachError, match="IPv6-only subnet"):
        trace(world, a.id, b.id, protocol="tcp", port=443, ip_version=4)
    with pytest.raises(ReachError, match="no IPv4 CIDR block"):
        trace(world, native.id, b.id, protocol="tcp", port=443, ip_version=4)


def test_the_subnet_is_in_the_ipv6_matrix_only(lab):
    world, native, dual, _, _ = lab
    m4 = matrix(world, "tcp", 443)
    m6 = matrix(world, "tcp", 443, family=6)
    assert native.id not in {str(s) for s in m4.sources} and dual.id in {str(s) for s in m4.sources}
    assert {native.id, dual.id} <= {str(s) for s in m6.sources}
    pairs6 = {(str(s), str(d)) for s, d in m6}
    assert (native.id, dual.id) in pairs6 and (dual.id, native.id) in pairs6
    assert traced_pairs(world, "subnet", "tcp", 443, family=6) == frozenset(pairs6)
    m6i = matrix(world, "tcp", 443, level="interface", family=6)
    assert len(m6i.sources) == 2
    assert len(matrix(world, "tcp", 443, level="interface").sources) == 1
