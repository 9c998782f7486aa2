"""The YAML loader applies a rule naming a peer VPC's security group after the peering is accepted."""

from __future__ import annotations

import pytest

import vpclab
from vpclab.model.security_group import SecurityGroup
from vpclab.reach import trace

PEER_GROUP = """
region: us-east-1
vpcs:
  app:
    cidr: 10.0.0.0/16
    subnets: {app-a: {cidr: 10.0.1.0/24}}
    route_tables:
      app-rt: {subnets: [app-a], routes: {10.1.0.0/16: pcx:app-db}}
    security_groups:
      app-sg:
        egress:
          - {protocol: tcp, port: 5432, group: db-sg}
    instances:
      app-1: {subnet: app-a, groups: [app-sg], private_ip: 10.0.1.10}
  db:
    cidr: 10.1.0.0/16
    subnets: {db-a: {cidr: 10.1.1.0/24}}
    route_tables:
      db-rt: {subnets: [db-a], routes: {10.0.0.0/16: pcx:app-db}}
    security_groups:
      db-sg:
        ingress:
          - {protocol: tcp, port: 5432, group: app-sg}
          - {protocol: tcp, port: 22, cidr: 10.1.0.0/16}
    instances:
      db-1: {subnet: db-a, groups: [db-sg], private_ip: 10.1.1.10}
peerings:
  app-db: {requester: app, accepter: db}
"""


def test_rule_referencing_peer_vpc_group_loads() -> None:
    """Update your security groups to reference peer security groups — AWS: "You can reference
    security groups in a peered VPC ... the VPC peering connection must be active"
    (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html).
    The loader used to authorize such rules before accepting the peering (InvalidGroup.NotFound)."""
    net = vpclab.loads(PEER_GROUP)
    db_sg = net.world.get(net.id("db-sg"), SecurityGroup)
    assert db_sg is not None
    refs = [r.referenced_group_id for r in db_sg.ingress]
    assert net.id("app-sg") in refs
    # the same-VPC CIDR rule is kept too, and the file's egress replaced the default allow-all
    assert any(r.cidr_ipv4 == "10.1.0.0/16" for r in db_sg.ingress)
    app_sg = net.world.get(net.id("app-sg"), SecurityGroup)
    assert app_sg is not None
    assert [r.referenced_group_id for r in app_sg.egress] == [net.id("db-sg")]


def test_peer_group_rule_admits_the_flow_over_the_peering() -> None:
    """The referenced group's members in the peer VPC are admitted (and only on the allowed port)."""
    net = vpclab.loads(PEER_GROUP)
    ok = trace(net.world, net.id("app-1"), net.id("db-1"), protocol="tcp", port=5432, names=net.names)
    assert ok.disposition == "reachable", ok.codes
    no = trace(net.world, net.id("app-1"), net.id("db-1"), protocol="tcp", port=22, names=net.names)
    # app-sg's egress allows only 5432 and db-sg's ingress only 5432 from app-sg: both are reported
    assert no.codes == ["ENI_SG_RULES_MISMATCH", "ENI_SG_RULES_MISMATCH"]


def test_peer_group_without_peering_still_fails_with_aws_error() -> None:
    """Without a peering AWS refuses another VPC's group; the loader still reports it at its line."""
    text = PEER_GROUP.replace("peerings:\n  app-db: {requester: app, accepter: db}\n", "")
    text = text.replace(", routes: {10.1.0.0/16: pcx:app-db}", "").replace(
        ", routes: {10.0.0.0/16: pcx:app-db}", ""
    )
    with pytest.raises(vpclab.TopologyError) as info:
        vpclab.loads(text)
    problems = info.value.problems
    assert {p.code for p in problems} == {"InvalidGroup.NotFound"}
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [
        (12, "security group app-sg egress rule 1"),
        (23, "security group db-sg ingress rule 1"),
    ]
