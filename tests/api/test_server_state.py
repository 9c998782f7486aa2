"""The server's state: durable across kill -9, safe under concurrent clients, reset by the admin route."""

from __future__ import annotations

import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .conftest import Server, start_server, stop_server


def test_restart_after_kill_finds_everything(tmp_path: Path) -> None:
    """Every acknowledged change survives kill -9: it was written before the response was sent."""
    state = str(tmp_path / "lab.sqlite3")
    first = start_server("--state", state)
    try:
        ec2 = first.client(account="300000000001")
        vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "Name", "Value": "kept"}])
    finally:
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
    second = start_server("--state", state)
    try:
        ec2 = second.client(account="300000000001")
        [vpc] = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
        assert vpc["Tags"] == [{"Key": "Name", "Value": "kept"}]
        assert ec2.describe_subnets(SubnetIds=[subnet_id])["Subnets"][0]["CidrBlock"] == "10.0.1.0/24"
        # the account already had its default VPC: a restart does not add another one
        assert sum(v["IsDefault"] for v in ec2.describe_vpcs()["Vpcs"]) == 1
    finally:
        stop_server(second)


def test_concurrent_clients_lose_nothing(server: Server) -> None:
    """Eight clients creating subnets at once: every acknowledged subnet exists, none overlap."""
    ec2 = server.client(account="300000000002")
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]

    def make(worker: int) -> list[str]:
        client = server.client(account="300000000002")
        return [
            client.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{worker * 8 + i}.0/24")["Subnet"]["SubnetId"]
            for i in range(5)
        ]

    with ThreadPoolExecutor(8) as pool:
        made = [s for chunk in pool.map(make, range(8)) for s in chunk]
    listed = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert len(made) == 40 and sorted(s["SubnetId"] for s in listed) == sorted(made)


def test_reset_starts_accounts_afresh(tmp_path: Path) -> None:
    """POST /_vpclab/reset empties the World; the next call finds a fresh default VPC."""
    srv = start_server()
    try:
        ec2 = srv.client(account="300000000003")
        ec2.create_vpc(CidrBlock="10.0.0.0/16")
        assert len(ec2.describe_vpcs()["Vpcs"]) == 2
        assert srv.admin("reset", method="POST")["status"] == "reset"
        vpcs = ec2.describe_vpcs()["Vpcs"]
        assert [(v["CidrBlock"], v["IsDefault"]) for v in vpcs] == [("172.31.0.0/16", True)]
    finally:
        stop_server(srv)


def test_load_a_yaml_network() -> None:
    """``vpclab serve --load FILE.yaml`` starts from that network; its account has no extra default VPC."""
    example = Path(__file__).resolve().parents[2] / "examples" / "two-peered-vpcs.yaml"
    srv = start_server("--load", str(example))
    try:
        ec2 = srv.client(account="111111111111")
        vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["app", "db"]}])["Vpcs"]
        assert sorted(v["CidrBlock"] for v in vpcs) == ["10.0.0.0/16", "10.1.0.0/16"]
        assert not any(v["IsDefault"] for v in ec2.describe_vpcs()["Vpcs"])
        routes = ec2.describe_route_tables(Filters=[{"Name": "tag:Name", "Values": ["app-public"]}])[
            "RouteTables"
        ]
        targets = {r["DestinationCidrBlock"]: r for r in routes[0]["Routes"]}
        assert targets["10.1.0.0/16"]["VpcPeeringConnectionId"].startswith("pcx-")
        assert targets["10.1.0.0/16"]["State"] == "active"
    finally:
        stop_server(srv)
