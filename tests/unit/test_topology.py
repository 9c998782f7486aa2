"""The YAML loader: names, defaults, cross-account acceptance, every error at once, nothing half-loaded."""

from __future__ import annotations

import textwrap

import pytest

from vpclab.core.errors import VpclabError
from vpclab.model.network_acl import NetworkAcl
from vpclab.model.peering import VpcPeeringConnection
from vpclab.model.route_table import RouteTable
from vpclab.model.security_group import SecurityGroup
from vpclab.model.subnet import Subnet
from vpclab.model.transit_gateway import TransitGatewayAttachment, TransitGatewayRouteTable
from vpclab.model.vpc import Vpc
from vpclab.model.vpn import ON_PREMISES_CIDRS_TAG, CustomerGateway
from vpclab.network import Network
from vpclab.topology import Problem, TopologyError, json_schema, loads


def load(text: str) -> Network:
    return loads(textwrap.dedent(text), file="net.yaml")


def problems(text: str) -> list[str]:
    with pytest.raises(TopologyError) as info:
        load(text)
    return [str(p) for p in info.value.problems]


# -- names -------------------------------------------------------------------------------------
def test_resources_are_found_by_name_and_names_by_id() -> None:
    net = load("""
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              web: {cidr: 10.0.1.0/24, az: us-east-1b, public: true}
    """)
    subnet = net.resource("web")
    assert isinstance(subnet, Subnet)
    assert (subnet.cidr_block, subnet.availability_zone, subnet.map_public_ip_on_launch) == \
        ("10.0.1.0/24", "us-east-1b", True)
    assert subnet.vpc_id == net.id("app")
    assert net.name(subnet.id) == "web"
    assert subnet.tags["Name"] == "web"


def test_what_aws_makes_with_a_vpc_gets_a_slash_name() -> None:
    net = load("vpcs: {app: {cidr: 10.0.0.0/16, internet_gateway: true}}")
    main = net.resource("app/main")
    assert isinstance(main, RouteTable) and main.main
    assert isinstance(net.resource("app/default-sg"), SecurityGroup)
    assert isinstance(net.resource("app/default-acl"), NetworkAcl)
    assert net.resource("app/igw").vpc_id == net.id("app")  # type: ignore[attr-defined]


def test_a_route_names_its_target_kind() -> None:
    net = load("""
        vpcs:
          app:
            cidr: 10.0.0.0/16
            internet_gateway: app-igw
            subnets:
              pub: {cidr: 10.0.0.0/24}
              priv: {cidr: 10.0.1.0/24}
            nat_gateways:
              nat-a: {subnet: pub}
            route_tables:
              pub-rt: {subnets: [pub], routes: {0.0.0.0/0: igw}}
              priv-rt: {subnets: [priv], routes: {0.0.0.0/0: nat:nat-a}}
    """)
    pub = net.resource("pub-rt")
    priv = net.resource("priv-rt")
    assert pub.route_to("0.0.0.0/0").gateway_id == net.id("app-igw")  # type: ignore[attr-defined]
    assert priv.route_to("0.0.0.0/0").nat_gateway_id == net.id("nat-a")  # type: ignore[attr-defined]
    assert [a.subnet_id for a in priv.associations] == [net.id("priv")]  # type: ignore[attr-defined]
    assert net.resource("nat-a/eip").public_ip  # type: ignore[attr-defined]  # an Elastic IP made for it


def test_main_route_table_and_default_group_are_named_not_created() -> None:
    net = load("""
        vpcs:
          app:
            cidr: 10.0.0.0/16
            internet_gateway: true
            route_tables:
              app-main: {main: true, routes: {0.0.0.0/0: igw}}
            security_groups:
              app-default:
                default: true
                ingress: [{protocol: tcp, port: 22, cidr: 10.0.0.0/8}]
    """)
    assert net.id("app-main") == next(rt.id for rt in net.world.all(RouteTable))
    assert sum(1 for _ in net.world.all(RouteTable)) == 1
    group = net.resource("app-default")
    assert isinstance(group, SecurityGroup) and group.is_default
    assert any(r.cidr_ipv4 == "10.0.0.0/8" and r.from_port == 22 for r in group.ingress)


def test_security_group_rules_by_cidr_group_and_prefix_list() -> None:
    net = load("""
        prefix_lists:
          corp: {entries: [192.168.0.0/16, 172.16.0.0/12]}
        vpcs:
          app:
            cidr: 10.0.0.0/16
            security_groups:
              lb-sg:
                ingress: [{protocol: tcp, port: 443, prefix_list: corp}]
              web-sg:
                ingress:
                  - {protocol: tcp, port: 8000-8080, group: lb-sg}
                  - {protocol: icmp, cidr: 10.0.0.0/16}
                egress:
                  - {protocol: tcp, port: 5432, cidr: 10.1.0.0/16}
    """)
    web = net.resource("web-sg")
    assert isinstance(web, SecurityGroup)
    by_group = next(r for r in web.ingress if r.referenced_group_id)
    assert (by_group.referenced_group_id, by_group.from_port, by_group.to_port) == \
        (net.id("lb-sg"), 8000, 8080)
    assert any(r.ip_protocol == "icmp" for r in web.ingress)
    # listing egress replaces AWS's default allow-all egress rule
    assert [(r.cidr_ipv4, r.from_port) for r in web.egress] == [("10.1.0.0/16", 5432)]
    lb = net.resource("lb-sg")
    assert lb.ingress[0].prefix_list_id == net.id("corp")  # type: ignore[attr-defined]
    assert len(lb.egress) == 1 and lb.egress[0].cidr_ipv4 == "0.0.0.0/0"  # type: ignore[attr-defined]


def test_network_acl_rules_and_subnets() -> None:
    net = load("""
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets: {db: {cidr: 10.0.2.0/24}}
            network_acls:
              db-acl:
                subnets: [db]
                ingress:
                  100: {action: allow, protocol: tcp, port: 5432, cidr: 10.0.0.0/16}
                  200: {action: deny, cidr: 0.0.0.0/0}
                egress:
                  100: {action: allow, protocol: tcp, port: 1024-65535, cidr: 10.0.0.0/16}
    """)
    acl = net.resource("db-acl")
    assert isinstance(acl, NetworkAcl)
    assert [a.subnet_id for a in acl.associations] == [net.id("db")]
    rule = next(e for e in acl.entries if e.rule_number == 100 and not e.egress)
    assert (rule.protocol, rule.port_from, rule.port_to, rule.rule_action) == ("6", 5432, 5432, "allow")
    out = next(e for e in acl.entries if e.rule_number == 100 and e.egress)
    assert (out.port_from, out.port_to) == (1024, 65535)
    default = net.resource("app/default-acl")
    assert net.id("db") not in [a.subnet_id for a in default.associations]  # type: ignore[attr-defined]


# -- defaults and accounts -----------------------------------------------------------------------
def test_defaults_are_the_documented_account_and_region() -> None:
    vpc = load("vpcs: {app: {cidr: 10.0.0.0/16}}").resource("app")
    assert (vpc.owner_id, vpc.region) == ("123456789012", "us-east-1")


def test_file_defaults_and_per_resource_overrides() -> None:
    net = load("""
        account: dev
        region: eu-west-1
        accounts: {dev: "111111111111", prod: 222222222222}
        vpcs:
          a: {cidr: 10.0.0.0/16}
          b: {cidr: 10.1.0.0/16, account: prod, region: us-west-2}
          c: {cidrs: [10.2.0.0/16, 10.3.0.0/16], account: "333333333333"}
    """)
    assert (net.resource("a").owner_id, net.resource("a").region) == ("111111111111", "eu-west-1")
    assert (net.resource("b").owner_id, net.resource("b").region) == ("222222222222", "us-west-2")
    c = net.resource("c")
    assert isinstance(c, Vpc) and c.owner_id == "333333333333"
    assert c.cidr_blocks == ("10.2.0.0/16", "10.3.0.0/16")
    assert net.accounts == {"dev": "111111111111", "prod": "222222222222"}
    assert net.account_name("222222222222") == "prod"


def test_cross_account_cross_region_peering_is_accepted_by_the_accepter() -> None:
    net = load("""
        accounts: {a: "111111111111", b: "222222222222"}
        account: a
        vpcs:
          app: {cidr: 10.0.0.0/16}
          db: {cidr: 10.1.0.0/16, account: b, region: eu-west-1}
        peerings:
          app-db: {requester: app, accepter: db}
    """)
    pcx = net.resource("app-db")
    assert isinstance(pcx, VpcPeeringConnection)
    assert pcx.status_code == "active"
    assert (pcx.requester_owner_id, pcx.requester_region) == ("111111111111", "us-east-1")
    assert (pcx.accepter_owner_id, pcx.accepter_region) == ("222222222222", "eu-west-1")


def test_peering_left_for_acceptance() -> None:
    net = load("""
        vpcs: {app: {cidr: 10.0.0.0/16}, db: {cidr: 10.1.0.0/16}}
        peerings: {app-db: {requester: app, accepter: db, accept: false}}
    """)
    assert net.resource("app-db").status_code == "pending-acceptance"  # type: ignore[attr-defined]


def test_settings_choose_quotas_and_seed() -> None:
    text = "settings: {quotas: default, seed: 5}\nvpcs: {app: {cidr: 10.0.0.0/16}}"
    a, b = load(text), load(text)
    assert a.world.settings.quotas == "default"
    assert a.id("app") == b.id("app")  # the same file gets the same ids
    assert load("settings: {seed: 6}\nvpcs: {app: {cidr: 10.0.0.0/16}}").id("app") != a.id("app")


def test_default_quotas_apply_aws_new_account_limits() -> None:
    vpcs = "\n".join(f"  v{i}: {{cidr: 10.{i}.0.0/16}}" for i in range(6))
    found = problems(f"settings: {{quotas: default}}\nvpcs:\n{vpcs}\n")
    assert found == ["net.yaml:8:3: VPC v5: VpcLimitExceeded: The maximum number of VPCs has been reached."]


# -- transit gateways and VPN --------------------------------------------------------------------
def test_transit_gateway_route_tables_associations_propagations_and_blackholes() -> None:
    net = load("""
        vpcs:
          a: {cidr: 10.1.0.0/16, subnets: {a1: {cidr: 10.1.1.0/24}}}
          b: {cidr: 10.2.0.0/16, subnets: {b1: {cidr: 10.2.1.0/24}}}
        transit_gateways:
          hub:
            attachments:
              hub-a: {vpc: a, subnets: [a1]}
              hub-b: {vpc: b, subnets: [b1]}
            route_tables:
              hub-default: {default: true}
              hub-isolated:
                associations: [hub-b]
                propagations: [hub-a]
                routes: {10.99.0.0/16: blackhole, 0.0.0.0/0: hub-a}
    """)
    isolated = net.resource("hub-isolated")
    assert isinstance(isolated, TransitGatewayRouteTable)
    assert isolated.propagations == (net.id("hub-a"),)
    assert {(r.destination_cidr_block, r.transit_gateway_attachment_ids) for r in isolated.routes} == {
        ("10.99.0.0/16", ()), ("0.0.0.0/0", (net.id("hub-a"),))}
    b = net.resource("hub-b")
    assert isinstance(b, TransitGatewayAttachment)
    assert b.association_route_table_id == isolated.id  # moved off the default table
    assert net.id("hub-default") == net.id("hub/default")


def test_vpn_to_a_transit_gateway_names_its_attachment_after_the_connection() -> None:
    net = load("""
        customer_gateways:
          dc: {ip: 203.0.113.5, asn: 65001, on_premises_cidrs: [10.200.0.0/16, 10.201.0.0/16]}
        transit_gateways:
          hub:
            route_tables:
              hub-default: {default: true}
        vpn_connections:
          dc-vpn: {customer_gateway: dc, transit_gateway: hub}
    """)
    attachment = net.resource("dc-vpn/attachment")
    assert isinstance(attachment, TransitGatewayAttachment) and attachment.resource_id == net.id("dc-vpn")
    cgw = net.resource("dc")
    assert isinstance(cgw, CustomerGateway)
    assert cgw.tags[ON_PREMISES_CIDRS_TAG] == "10.200.0.0/16,10.201.0.0/16"


# -- errors --------------------------------------------------------------------------------------
def test_every_independent_error_is_reported_at_once_with_positions_and_codes() -> None:
    with pytest.raises(TopologyError) as info:
        load("""
            vpcs:
              app:
                cidr: 10.0.0.0/16
                subnets:
                  web: {cidr: 10.0.1.0/24}
                  web2: {cidr: 10.0.1.0/25}
                route_tables:
                  web2-rt: {subnets: [web2]}
              big: {cidr: 10.0.0.0/8}
              db: {cidr: 10.1.0.0/16}
            peerings:
              app-db: {requester: app, accepter: db}
              db-app: {requester: db, accepter: app}
        """)
    found = info.value.problems
    assert [(p.line, p.column, p.code) for p in found] == [
        (7, 7, "InvalidSubnet.Conflict"), (10, 3, "InvalidVpc.Range"),
        (14, 3, "VpcPeeringConnectionAlreadyExists")]
    assert str(found[0]) == ("net.yaml:7:7: subnet web2: InvalidSubnet.Conflict: "
                             "The CIDR '10.0.1.0/25' conflicts with another subnet")
    # web2-rt depends on the failed subnet: it is skipped, not reported


def test_nothing_half_loaded_on_error() -> None:
    with pytest.raises(TopologyError) as info:
        load("vpcs: {app: {cidr: 10.0.0.0/16, subnets: {bad: {cidr: 10.9.0.0/24}}}}")
    assert isinstance(info.value, VpclabError)
    assert not hasattr(info.value, "network")  # no Network comes back with the error


def test_shape_errors_point_into_the_file_with_hints() -> None:
    assert problems("""
        vpcs:
          app:
            cidr: 10.0.0.0/16
            subnets:
              web: {cidr: 10.0.1.0/24, zone: us-east-1a}
        peerings: [1]
    """) == [
        "net.yaml:6:32: vpcs.app.subnets.web.zone: unknown key 'zone' "
        "(expected one of: account, tags, cidr, az, public, ipv6, assign_ipv6, dns64, cidr_reservations)",
        "net.yaml:7:1: peerings: expected a mapping, got a list",
    ]


def test_vpc_needs_one_cidr_form() -> None:
    assert problems("vpcs: {app: {cidr: 10.0.0.0/16, cidrs: [10.1.0.0/16]}}") == [
        "net.yaml:1:8: vpcs.app: a VPC needs exactly one of cidr or cidrs (a non-empty list)"]


def test_names_are_unique_across_the_file() -> None:
    assert problems("""
        vpcs:
          app: {cidr: 10.0.0.0/16, subnets: {app: {cidr: 10.0.1.0/24}}}
    """) == ["net.yaml:3:38: duplicate name 'app': already used by the VPC on line 3 "
             "(names are unique across the file)"]


def test_unknown_accounts_and_regions() -> None:
    assert problems("""
        accounts: {dev: "111111111111"}
        vpcs:
          app: {cidr: 10.0.0.0/16, account: deb, region: us-east-1x}
    """) == [
        "net.yaml:4:37: unknown account 'deb' (did you mean 'dev'?): "
        "name it under accounts: or give a 12-digit account id",
        "net.yaml:4:50: unknown Region 'us-east-1x' (did you mean 'us-east-1'?)",
    ]


def test_references_must_be_inside_the_same_vpc() -> None:
    assert problems("""
        vpcs:
          a: {cidr: 10.0.0.0/16, subnets: {a1: {cidr: 10.0.1.0/24}}}
          b: {cidr: 10.1.0.0/16, route_tables: {b-rt: {subnets: [a1]}}}
    """) == ["net.yaml:4:58: subnet a1 is in VPC a, not in VPC b"]


def test_empty_file_is_an_empty_network() -> None:
    net = loads("", file="empty.yaml")
    assert len(net.world) == 0 and net.ids == {}


def test_yaml_syntax_error_has_the_parser_position() -> None:
    assert problems("vpcs:\n  app: {cidr: 10.0.0.0/16\n") == [
        "net.yaml:3:1: YAML syntax error: while parsing a flow mapping, expected ',' or '}', "
        "but got '<stream end>'"]


def test_problem_and_error_text() -> None:
    p = Problem("f.yaml", 3, 5, "subnet web: InvalidSubnet.Range: The CIDR '10.9.0.0/24' is invalid.",
                code="InvalidSubnet.Range")
    err = TopologyError([p, Problem("f.yaml", 4, 1, "x")])
    assert str(err) == err.report() == f"{p}\nf.yaml:4:1: x"


def test_json_schema_describes_the_format() -> None:
    schema = json_schema()
    assert set(schema["properties"]) >= {"account", "region", "accounts", "settings", "vpcs", "peerings",
                                         "transit_gateways", "vpn_connections", "shares"}
    assert schema["additionalProperties"] is False


def test_an_action_the_control_plane_lacks_is_a_problem_not_a_crash() -> None:
    from vpclab.core.source import parse
    from vpclab.topology.apply import Applier
    from vpclab.topology.resolve import resolve
    from vpclab.topology.validate import validate

    source = parse("vpcs:\n  app: {cidr: 10.0.0.0/16}\n", "net.yaml")
    topo, _ = validate(source)
    assert topo is not None
    plan = resolve(source, topo)
    applier = Applier(plan)
    assert applier.call(plan.decls["app"], "create_warp_drive", cidr_block="10.0.0.0/16") is None
    assert [p.message for p in plan.problems] == [
        "VPC app: vpclab cannot do this yet (the ControlPlane has no action create_warp_drive)"]
    assert len(applier.world) == 0
