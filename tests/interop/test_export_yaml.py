"""``vpclab export yaml`` (issue 12 point 4, round trip 5(c)): a network written as a topology file
loads back to the same network — the same resources by name, the same subnet and interface
matrices — from a topology file, from a snapshot folder and from a running server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

import vpclab
from tests.api.conftest import Server, start_server, stop_server
from tests.interop.export_helpers import EXAMPLE_FILES, EXAMPLES, ROOT, members, pairs, snapshot_of
from vpclab.interop.export_yaml import export_topology, to_yaml
from vpclab.model.vpc import Vpc
from vpclab.topology import loads
from vpclab.topology.schema import Topology


def vpclab_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vpclab", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})},
    )


def assert_same_network(net: vpclab.Network, back: vpclab.Network) -> None:
    """Every name of ``net`` names a resource of the same kind in ``back``; same matrices."""
    for name in net.ids:
        assert name in back.ids, f"{name} is missing after the round trip"
        assert type(back.resource(name)) is type(net.resource(name)), name
    for level in ("subnet", "interface"):
        assert members(back, level) == members(net, level), level
        assert pairs(back, level) == pairs(net, level), level


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_example_round_trips_through_yaml(example: Path) -> None:
    net = vpclab.load(example)
    text, notes = to_yaml(net, str(example))
    assert notes == []
    back = loads(text, file=f"{example.stem}-exported.yaml")
    assert_same_network(net, back)
    # a valid topology by its own schema, and deterministic
    Topology.model_validate(yaml.safe_load(text))
    assert to_yaml(vpclab.load(example), str(example))[0] == text


def test_references_are_names_never_ids() -> None:
    text, _ = to_yaml(vpclab.load(EXAMPLES / "tgw-segmentation.yaml"))
    for prefix in ("vpc-", "subnet-", "rtb-", "sg-", "tgw-", "igw-", "eni-", "i-0"):
        assert prefix not in text, prefix
    topo = export_topology(vpclab.load(EXAMPLES / "two-peered-vpcs.yaml")).topology
    assert topo["peerings"] == {"app-db": {"requester": "app", "accepter": "db"}}
    assert topo["vpcs"]["app"]["route_tables"]["app-public"]["routes"] == {
        "0.0.0.0/0": "igw",
        "10.1.0.0/16": "pcx:app-db",
    }


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_a_snapshot_round_trips_through_yaml(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """5(c): snapshot → export yaml → load → the same matrices (and the snapshot's names)."""
    snap = snapshot_of(vpclab.load(example), tmp_path / "snap", monkeypatch)
    net = vpclab.load(snap)
    text, _ = to_yaml(net, str(snap))
    assert not re.search(r"\b[a-z]+(?:-[a-z]+)*-[0-9a-f]{17}\b", text)  # references by name, not ids
    back = loads(text, file="snap.yaml")
    assert_same_network(net, back)


def test_cli_writes_a_file_that_loads(tmp_path: Path) -> None:
    out = tmp_path / "triangle.yaml"
    proc = vpclab_cli("export", "yaml", str(EXAMPLES / "peering-triangle.yaml"), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert out.read_text().startswith("# vpclab topology exported from ")
    assert vpclab_cli("validate", str(out)).returncode == 0


# -- a running server, read through its EC2 API ----------------------------------------------------
@pytest.fixture(scope="module")
def served() -> Iterator[Server]:
    srv = start_server("--no-default-vpc", "--load", str(EXAMPLES / "tgw-segmentation.yaml"))
    yield srv
    stop_server(srv)


def test_export_yaml_of_a_running_server(served: Server, tmp_path: Path) -> None:
    net = vpclab.load(EXAMPLES / "tgw-segmentation.yaml")
    ((account, region),) = {(v.owner_id, v.region) for v in net.world.all(Vpc)}
    out = tmp_path / "served.yaml"
    proc = vpclab_cli(
        "export",
        "yaml",
        "--endpoint-url",
        served.url,
        "-o",
        str(out),
        env={"AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "lab", "AWS_DEFAULT_REGION": region},
    )
    assert proc.returncode == 0, proc.stderr
    back = vpclab.load(out)
    for level in ("subnet", "interface"):
        assert pairs(back, level) == pairs(net, level), level


# -- bad input: one line, exit 1 (or 2 for usage), never a traceback --------------------------------
def test_bad_input_is_one_clean_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("vpcs: [\n")
    proc = vpclab_cli("export", "yaml", str(bad))
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert f"{bad}:2:1: YAML syntax error" in proc.stdout
    proc = vpclab_cli("export", "yaml", str(tmp_path / "missing.yaml"))
    assert proc.returncode == 2 and proc.stderr.strip().endswith(
        "no such file: " + str(tmp_path / "missing.yaml")
    )
    proc = vpclab_cli("export", "yaml")
    assert proc.returncode == 2 and "give SOURCE" in proc.stderr
    proc = vpclab_cli(
        "export",
        "yaml",
        "--endpoint-url",
        "http://127.0.0.1:9",
        env={
            "AWS_ACCESS_KEY_ID": "111111111111",
            "AWS_SECRET_ACCESS_KEY": "lab",
            "AWS_DEFAULT_REGION": "us-east-1",
        },
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith("vpclab: error: http://127.0.0.1:9: ")


RICH = """
account: 111111111111
region: eu-west-1
prefix_lists:
  office: {entries: [198.51.100.0/24, 203.0.113.0/24]}
elastic_ips:
  web-ip: {}
vpcs:
  app:
    cidrs: [10.0.0.0/16, 10.1.0.0/16]
    ipv6: amazon
    dns_hostnames: true
    network_address_usage_metrics: true
    dhcp_options: {domain_name: corp.example, domain_name_servers: [10.0.0.2], netbios_node_type: 2}
    internet_gateway: edge
    egress_only_internet_gateway: true
    subnets:
      web: {cidr: 10.0.1.0/24, az: eu-west-1a, ipv6: 3, assign_ipv6: true,
            cidr_reservations: {10.0.1.64/26: explicit}}
      data: {cidr: 10.1.1.0/24, az: eu-west-1b}
      v6only: {ipv6: 7, az: eu-west-1a}
    route_tables:
      app-main: {main: true, routes: {pl:office: igw}}
      web-rt: {subnets: [web], routes: {0.0.0.0/0: igw, "::/0": eigw}}
    security_groups:
      web-sg:
        ingress:
          - {protocol: tcp, port: 443, prefix_list: office}
          - {protocol: tcp, port: 1024-65535, cidr: 10.1.0.0/16}
          - {protocol: icmp, cidr: 0.0.0.0/0}
        egress:
          - {protocol: tcp, port: 5432, group: db-sg, description: to the database}
      db-sg:
        ingress: [{protocol: tcp, port: 5432, group: web-sg}]
    network_acls:
      data-acl:
        subnets: [data]
        ingress:
          100: {action: allow, protocol: tcp, port: 5432, cidr: 10.0.1.0/24}
          200: {action: deny, protocol: all, cidr: 0.0.0.0/0}
        egress:
          100: {action: allow, protocol: tcp, port: 1024-65535, cidr: 10.0.1.0/24}
    instances:
      web-1: {subnet: web, groups: [web-sg], private_ip: 10.0.1.10, elastic_ip: web-ip, ipv6: 1}
      db-1: {subnet: data, groups: [db-sg], private_ip: 10.1.1.10, type: t3.small}
    network_interfaces:
      probe: {subnet: data, private_ip: 10.1.1.20, source_dest_check: false, description: a probe}
"""


def test_what_a_topology_can_say_survives_the_round_trip() -> None:
    """Secondary CIDRs, IPv6 (an IPv6-only subnet), DHCP options, CIDR reservations, prefix lists in
    routes and rules, group references, ACL rules, Elastic IPs, a named internet gateway."""
    net = loads(RICH, file="rich.yaml")
    text, notes = to_yaml(net, "rich.yaml")
    assert notes == []
    back = loads(text, file="rich-exported.yaml")
    assert_same_network(net, back)
    vpc = yaml.safe_load(text)["vpcs"]["app"]
    assert vpc["cidrs"] == ["10.0.0.0/16", "10.1.0.0/16"]
    assert vpc["dhcp_options"] == {
        "domain_name": "corp.example",
        "domain_name_servers": ["10.0.0.2"],
        "netbios_node_type": 2,
    }
    assert vpc["subnets"]["web"]["cidr_reservations"] == {"10.0.1.64/26": "explicit"}
    assert vpc["subnets"]["v6only"] == {"az": "eu-west-1a", "ipv6": 7}
    assert vpc["internet_gateway"] == "edge"
    assert vpc["route_tables"]["app-main"] == {"main": True, "routes": {"pl:office": "igw"}}
    assert vpc["security_groups"]["web-sg"]["egress"] == [
        {"protocol": "tcp", "port": 5432, "group": "db-sg", "description": "to the database"}
    ]
    assert vpc["instances"]["web-1"]["elastic_ip"] == "web-ip"


def test_what_a_topology_cannot_say_is_a_note() -> None:
    """A load balancer no endpoint service fronts has no topology key: counted as a note."""
    import boto3

    net = vpclab.load(EXAMPLES / "two-peered-vpcs.yaml")
    with vpclab.mock_aws(world=net.world, default_vpc=False) as lab:
        elb = boto3.Session(  # its own session: the default one may hold another test's credentials
            aws_access_key_id="111111111111", aws_secret_access_key="lab", region_name="us-east-1"
        ).client("elbv2")
        elb.create_load_balancer(
            Name="lonely", Subnets=[net.id("app-web")], Type="network", Scheme="internal"
        )
        served = vpclab.Network(lab.world, "<mock_aws>", ids=dict(net.ids), names=dict(net.names))
        _, notes = to_yaml(served)
    assert notes == ["not in a topology file: 1 load balancers not behind an endpoint service"]
