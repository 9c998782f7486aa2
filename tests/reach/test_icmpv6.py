"""ICMPv6 in the reachability engine (issue 9): an IPv6 flow's ICMP is ICMPv6 (protocol 58).

AWS pages: security group rules name ``icmpv6`` with the type in FromPort and the code in ToPort
("Security group rules", https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html;
AuthorizeSecurityGroupIngress, "IpProtocol … icmpv6"); network ACL entries of protocol 58 with an
IPv6 CIDR name an ICMP type and code ("IcmpTypeCode … Required if specifying protocol 1 (ICMP) or
protocol 58 (ICMPv6) with an IPv6 CIDR block", CreateNetworkAclEntry,
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html); the default
network ACL's IPv6 rules allow all traffic, 101 each way ("Default network ACL",
https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html). ICMPv6 is IPv6's own ICMP
(RFC 4443: next header 58; echo request 128, echo reply 129, code 0), so an IPv6 packet never meets
a protocol 1 rule and an IPv4 flow cannot be ICMPv6.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import replace

import pytest

from bench.generator import SMALL_DUAL, build
from vpclab.model.network_acl import NetworkAcl, NetworkAclAssociation, NetworkAclEntry
from vpclab.model.peering import VpcPeeringConnection
from vpclab.model.security_group import SecurityGroup, SecurityGroupRule
from vpclab.model.vpc import Vpc
from vpclab.reach import ReachError, trace
from vpclab.reach.matrix import matrix

from .helpers import codes, run
from .ipv6_worlds import APP6, WEB6, two_peered_dual_stack


@pytest.fixture
def net():  # type: ignore[no-untyped-def]
    return two_peered_dual_stack()


def _allow_in(net, group: str, **rule) -> None:  # type: ignore[no-untyped-def]
    sg = net.world.get(net.id(group), SecurityGroup)
    r = SecurityGroupRule(
        security_group_rule_id=f"sgr-9{len(sg.ingress)}{sg.id[5:]}", group_id=sg.id, is_egress=False, **rule
    )
    net.world.put(replace(sg, ingress=(*sg.ingress, r)))


def test_an_icmpv6_rule_admits_icmpv6_over_ipv6_and_not_icmp_over_ipv4(net):  # type: ignore[no-untyped-def]
    """db-sg lets only TCP 5432 in: ping is blocked both ways. An ``icmpv6`` rule (echo request, all
    codes) from the app /56 admits IPv6 ping (``icmp`` over IPv6, ``icmpv6``, ``58``: one protocol)
    and leaves IPv4 ping blocked."""
    ping6 = run(net, "web-1", "db-1", protocol="icmp", port=128, ip_version=6)
    assert codes(ping6) == ["ENI_SG_RULES_MISMATCH"]
    _allow_in(net, "db-sg", ip_protocol="icmpv6", from_port=128, to_port=-1, cidr_ipv6=APP6)
    for spelling in ("icmp", "icmpv6", "58", 58):
        t = run(net, "web-1", "db-1", protocol=spelling, port=128, ip_version=6)
        assert t.reachable and t.flow.protocol == "icmpv6", (spelling, t.explanations)
        assert [h.packet.dst_port for h in t.return_hops][:1] == [129]  # the echo reply
    assert not run(net, "web-1", "db-1", protocol="icmpv6", port=1, ip_version=6).reachable  # another type
    v4 = run(net, "web-1", "db-1", protocol="icmp", port=8)
    assert codes(v4) == ["ENI_SG_RULES_MISMATCH"]


def test_an_icmp_rule_never_admits_icmpv6(net):  # type: ignore[no-untyped-def]
    """A protocol 1 rule, even with an IPv6 range, does not match ICMPv6; a rule for all traffic does."""
    _allow_in(net, "db-sg", ip_protocol="icmp", from_port=-1, to_port=-1, cidr_ipv6="::/0")
    _allow_in(net, "db-sg", ip_protocol="icmp", from_port=-1, to_port=-1, cidr_ipv4="0.0.0.0/0")
    assert run(net, "web-1", "db-1", protocol="icmp", port=8).reachable
    t = run(net, "web-1", "db-1", protocol="icmp", port=128, ip_version=6)
    assert codes(t) == ["ENI_SG_RULES_MISMATCH"] and "icmpv6 type 128" in t.explanations[0].fix
    _allow_in(net, "db-sg", ip_protocol="-1", cidr_ipv6=APP6)
    assert run(net, "web-1", "db-1", protocol="icmpv6", port=128).reachable


def test_icmpv6_is_ipv6_only(net):  # type: ignore[no-untyped-def]
    """icmpv6 makes a flow between named resources IPv6; asked of an IPv4 flow, it is refused."""
    _allow_in(net, "db-sg", ip_protocol="icmpv6", from_port=-1, to_port=-1, cidr_ipv6="::/0")
    t = run(net, "web-1", "db-1", protocol="icmpv6", port=128)
    assert t.reachable and t.flow.src_ip == WEB6
    for kw in ({"ip_version": 4}, {}):
        with pytest.raises(ReachError, match=r"icmpv6 .* is IPv6's ICMP"):
            run(net, "web-1" if kw else "10.0.1.10", "db-1" if kw else "10.1.1.10", protocol="icmpv6", **kw)
    with pytest.raises(ReachError, match="icmpv6"):
        matrix(net.world, "icmpv6", 128)


def _db_acl(net, entries) -> None:  # type: ignore[no-untyped-def]
    """Give db-data a custom ACL: IPv4 all allowed, and these IPv6 entries before the ``*`` deny."""
    w = net.world
    default = next(a for a in w.all(NetworkAcl) if a.vpc_id == net.resource("db").id and a.is_default)
    w.put(replace(default, associations=()))
    base = tuple(
        NetworkAclEntry(rule_number=n, egress=eg, protocol="-1", rule_action=act, cidr_block="0.0.0.0/0")
        for eg in (False, True)
        for n, act in ((100, "allow"), (32767, "deny"))
    ) + tuple(
        NetworkAclEntry(
            rule_number=32768, egress=eg, protocol="-1", rule_action="deny", ipv6_cidr_block="::/0"
        )
        for eg in (False, True)
    )
    acl_id = "acl-0000000000000abce"
    w.put(
        NetworkAcl(
            id=acl_id,
            owner_id=default.owner_id,
            region=default.region,
            vpc_id=default.vpc_id,
            entries=base + tuple(entries),
            associations=(
                NetworkAclAssociation(
                    network_acl_association_id="aclassoc-00000000000001235",
                    network_acl_id=acl_id,
                    subnet_id=net.id("db-data"),
                ),
            ),
        )
    )


def _e(n, egress, t, c, action="allow", proto="58", cidr="::/0"):  # type: ignore[no-untyped-def]
    return NetworkAclEntry(
        rule_number=n, egress=egress, protocol=proto, rule_action=action, ipv6_cidr_block=cidr,
        icmp_type=t, icmp_code=c,
    )


def test_network_acl_icmpv6_entries_match_type_and_code(net):  # type: ignore[no-untyped-def]
    """NACLs are stateless: the echo request (128) needs an inbound entry, the echo reply (129) an
    outbound one; an entry naming code 0 matches echo (whose code is 0); a protocol 1 entry for
    ``::/0`` never matches ICMPv6."""
    _allow_in(net, "db-sg", ip_protocol="icmpv6", from_port=-1, to_port=-1, cidr_ipv6="::/0")
    _db_acl(net, [_e(10, False, 128, 0)])
    t = run(net, "web-1", "db-1", protocol="icmpv6", port=128)
    assert codes(t) == ["SUBNET_ACL_RESTRICTION"] and t.explanations[0].direction == "return"
    assert "icmpv6 type 129" in t.explanations[0].fix
    _db_acl(net, [_e(10, False, 128, 0), _e(10, True, 129, -1)])
    assert run(net, "web-1", "db-1", protocol="icmpv6", port=128).reachable
    assert not run(net, "web-1", "db-1", protocol="icmpv6", port=1).reachable  # type 1 meets the * deny
    _db_acl(net, [_e(5, False, -1, -1, "deny", proto="1"), _e(10, False, 128, 3), _e(10, True, -1, -1)])
    t = run(net, "web-1", "db-1", protocol="icmpv6", port=128)  # echo's code is 0, not 3
    assert codes(t) == ["SUBNET_ACL_RESTRICTION"]
    _db_acl(net, [_e(5, False, -1, -1, "deny", proto="1"), _e(10, False, 128, -1), _e(10, True, -1, -1)])
    assert run(net, "web-1", "db-1", protocol="icmpv6", port=128).reachable  # the ICMP deny is not ICMPv6
    _db_acl(net, [_e(5, False, 128, -1, "deny", cidr=APP6), _e(10, False, -1, -1), _e(10, True, -1, -1)])
    t = run(net, "web-1", "db-1", protocol="icmpv6", port=128)
    assert codes(t) == ["SUBNET_ACL_RESTRICTION"] and "rule 5 denies inbound" in " ".join(
        h.detail for h in t.forward_hops
    )


def test_the_default_nacls_ipv6_rules_allow_icmpv6(net):  # type: ignore[no-untyped-def]
    """The default NACL's IPv6 entries (101 allow ::/0, protocol -1) pass every ICMPv6 type."""
    _allow_in(net, "db-sg", ip_protocol="icmpv6", from_port=-1, to_port=-1, cidr_ipv6="::/0")
    for port in (128, 1, 135, None):
        assert run(net, "web-1", "db-1", protocol="icmpv6", port=port).reachable, port


def _icmpv6_design():  # type: ignore[no-untyped-def]
    """SMALL_DUAL with ICMPv6 in its custom ACLs (protocol 58 entries of random type, code and
    action; a protocol 1 deny ``::/0`` first, which must never apply) and its security groups."""
    world = build(dataclasses.replace(SMALL_DUAL, custom_acls=True))
    rng = random.Random(58)
    blocks = ["::/0", *(b for v in world.all(Vpc) for b in v.ipv6_cidr_blocks)]
    with world.transaction():
        for acl in list(world.all(NetworkAcl)):
            if acl.is_default:
                continue
            extra = [_e(1, eg, -1, -1, "deny", proto="1") for eg in (False, True)]
            for eg in (False, True):
                for n in range(2, 7):
                    extra.append(
                        _e(
                            n, eg, rng.choice([128, 129, 1, -1]), rng.choice([-1, 0, 0, 3]),
                            rng.choice(["allow", "deny"]), cidr=rng.choice(blocks),
                        )
                    )
            world.put(replace(acl, entries=acl.entries + tuple(extra)))
        for k, sg in enumerate(sorted(world.all(SecurityGroup), key=lambda g: g.id)):
            proto, t = rng.choice([("icmpv6", 128), ("icmpv6", -1), ("icmp", -1), ("icmpv6", 1)])
            rule = SecurityGroupRule(
                security_group_rule_id=f"sgr-{k:017x}", group_id=sg.id, is_egress=False, ip_protocol=proto,
                from_port=t, to_port=-1, cidr_ipv6=rng.choice(blocks),
            )
            world.put(replace(sg, ingress=(*sg.ingress, rule)))
    return world


@pytest.mark.parametrize("port", [128, 1, None])
def test_the_icmpv6_matrix_agrees_with_traces(port):  # type: ignore[no-untyped-def]
    """The interface and subnet IPv6 matrices for ICMPv6 on SMALL_DUAL (with ICMPv6 rules and ACL
    entries) agree with traces (sampled as tests/reach/test_matrix_ipv6.py: within a VPC and across
    peerings, where the custom ACLs apply), and ``icmp`` over IPv6 is the same matrix."""
    world = _icmpv6_design()
    peered = {frozenset(p.vpc_ids) for p in world.all(VpcPeeringConnection) if p.is_active}
    rng = random.Random(port or 0)
    for level in ("interface", "subnet"):
        m = matrix(world, "icmpv6", port, level=level, family=6)
        assert m.protocol == "icmpv6"
        assert (m.bits == matrix(world, "icmp", port, level=level, family=6).bits).all()
        if level == "interface":
            assert 0 < m.count() < len(m.sources) * len(m.destinations)
        pairs = [
            (s, d)
            for s in m.sources
            for d in m.destinations
            if s != d
            and (
                world.get(s).vpc_id == world.get(d).vpc_id  # type: ignore[union-attr]
                or frozenset((world.get(s).vpc_id, world.get(d).vpc_id)) in peered  # type: ignore[union-attr]
            )
        ]
        for s, d in rng.sample(pairs, min(40, len(pairs))):
            t = trace(world, s, d, protocol="icmpv6", port=port, ip_version=6)
            assert t.reachable == m.reachable(s, d), (level, s, d, t.explanations)


def test_icmpv6_intents_incremental_agree_with_the_matrix():  # type: ignore[no-untyped-def]
    """IntentChecker(family=6) with an icmp intent answers ICMPv6, as the IPv6 matrix, also after an
    ACL change; an icmpv6 intent in an IPv4 checker is refused."""
    from vpclab.model.subnet import Subnet
    from vpclab.reach.incremental import Intent, IntentChecker

    world = _icmpv6_design()
    rng = random.Random(3)
    subnets = [s.id for s in world.all(Subnet)]
    intents = [Intent((rng.choice(subnets),), (rng.choice(subnets),), "icmp", 128) for _ in range(25)]
    checker = IntentChecker(world, intents, family=6)
    for step in range(3):
        m = matrix(world, "icmpv6", 128, family=6)
        assert [r.reachable_pairs for r in checker.results()] == [
            int(m.reachable(i.sources[0], i.destinations[0])) for i in intents
        ], step
        acl = rng.choice([a for a in world.all(NetworkAcl) if not a.is_default])
        flip = [replace(e, rule_action="deny" if e.rule_action == "allow" else "allow")
                if e.protocol == "58" else e for e in acl.entries]
        world.put(replace(acl, entries=tuple(flip)))
    with pytest.raises(ReachError):
        IntentChecker(world, [Intent((subnets[0],), (subnets[1],), "icmpv6", 128)])
