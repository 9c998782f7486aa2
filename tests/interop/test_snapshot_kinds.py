"""The kinds a snapshot loads beyond the VPC core (issue 12 point 1): IPv6 blocks, egress-only
internet gateways, prefix lists, RAM shares, VPN, transit gateway peering and VPN attachments,
network and gateway load balancers, endpoint services and VPC endpoints.

Each example that uses them is exported as describe-json (the files ``vpclab snapshot aws`` writes,
answered by vpclab's own EC2/ELB/RAM endpoint) and loaded back: nothing is reported, the ids are
AWS's, and the subnet and interface matrices are the YAML's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import vpclab
from tests.api.conftest import Server, start_server, stop_server
from tests.interop.test_snapshot import EXAMPLES, accounts_regions, same, vpclab_cli

KINDS = {
    # example → the describe keys whose items must come back with their ids
    "vpn-vgw": ("CustomerGateways", "VpnGateways", "VpnConnections"),
    "vpn-tgw": ("CustomerGateways", "VpnConnections", "TransitGatewayAttachments"),
    "dual-stack": ("EgressOnlyInternetGateways",),
    "shared-vpc": ("resourceShares",),
    "tgw-inter-region-peering": ("TransitGatewayPeeringAttachments",),
    "privatelink-cross-account": ("LoadBalancers", "TargetGroups", "ServiceConfigurations", "VpcEndpoints"),
    "centralized-inspection": ("LoadBalancers", "TargetGroups", "ServiceConfigurations", "VpcEndpoints"),
    "ingress-inspection": ("ServiceConfigurations", "VpcEndpoints"),
    "s3-gateway-endpoint": ("VpcEndpoints",),
    "hybrid-dx-vpn": ("directConnectGateways", "virtualInterfaces", "VpnConnections"),
}
ID_MEMBERS = {
    "CustomerGateways": "CustomerGatewayId",
    "VpnGateways": "VpnGatewayId",
    "VpnConnections": "VpnConnectionId",
    "TransitGatewayAttachments": "TransitGatewayAttachmentId",
    "EgressOnlyInternetGateways": "EgressOnlyInternetGatewayId",
    "TransitGatewayPeeringAttachments": "TransitGatewayAttachmentId",
    "ServiceConfigurations": "ServiceId",
    "VpcEndpoints": "VpcEndpointId",
    "directConnectGateways": "directConnectGatewayId",
    "virtualInterfaces": "virtualInterfaceId",
}


def export(example: str, out: Path) -> Path:
    proc = vpclab_cli("export", "describe-json", str(EXAMPLES / f"{example}.yaml"), str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def items(snap: Path, key: str, file: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for f in snap.glob(f"aws_configs/*/*/{file}"):
        found += json.loads(f.read_text()).get(key, [])
    return found


def _files() -> dict[str, str]:
    from vpclab.interop.snapshot_ops import OPS

    return {op.key: op.file for op in OPS}


@pytest.mark.parametrize("example", sorted(KINDS))
def test_each_kind_loads_with_its_ids_and_the_same_matrices(example: str, tmp_path: Path) -> None:
    snap = export(example, tmp_path / "snap")
    net, loaded = vpclab.load(EXAMPLES / f"{example}.yaml"), vpclab.load(snap)
    assert loaded.report.problems == []
    assert dict(loaded.report.not_loaded) == {}
    files = _files()
    for key in KINDS[example]:
        found = items(snap, key, files[key])
        assert found, key
        for item in found:
            if key in ID_MEMBERS:
                assert item[ID_MEMBERS[key]] in loaded.world, (key, item[ID_MEMBERS[key]])
    pairs = 0
    for level in ("subnet", "interface"):
        a, b = same(net.matrix(level=level), loaded.matrix(level=level))
        assert a == b, level
        pairs += len(a[2])
    assert pairs


@pytest.mark.parametrize("example", ["vpn-vgw", "hybrid-dx-vpn"])
def test_on_premises_reaches_the_same_instances_over_the_loaded_vpn(example: str, tmp_path: Path) -> None:
    """Static routes of a VPN connection, VGW route propagation, TGW VPN attachments come back: every
    customer gateway's networks reach (or not) every instance as in the YAML."""
    from vpclab.model.interfaces import Instance
    from vpclab.model.vpn import CustomerGateway

    net, loaded = vpclab.load(EXAMPLES / f"{example}.yaml"), vpclab.load(export(example, tmp_path / "s"))
    cgws = [net.name(c.id) for c in net.world.all(CustomerGateway)]
    hosts = [net.name(i.id) for i in net.world.all(Instance)]
    assert cgws and hosts
    seen = set()
    for cgw in cgws:
        for host in hosts:
            for port in (22, 443):
                want = net.trace(str(cgw), str(host), port=port).reachable
                assert loaded.trace(str(cgw), str(host), port=port).reachable == want, (cgw, host, port)
                seen.add(want)
    assert True in seen


def test_load_balancer_and_share_arns_are_kept(tmp_path: Path) -> None:
    """An ELB ARN's last element and a RAM share's id survive the load, so ARNs users paste work."""
    from vpclab.model.load_balancer import LoadBalancer, TargetGroup
    from vpclab.model.sharing import ResourceShare

    snap = export("privatelink-cross-account", tmp_path / "pl")
    loaded = vpclab.load(snap)
    lbs = {x["LoadBalancerArn"] for x in items(snap, "LoadBalancers", "DescribeLoadBalancers.json")}
    tgs = {x["TargetGroupArn"] for x in items(snap, "TargetGroups", "DescribeTargetGroups.json")}
    assert lbs == {lb.arn for lb in loaded.world.all(LoadBalancer)}
    assert tgs == {tg.arn for tg in loaded.world.all(TargetGroup)}
    snap = export("shared-vpc", tmp_path / "shared")
    loaded = vpclab.load(snap)
    shares = {x["resourceShareArn"] for x in items(snap, "resourceShares", "GetResourceShares.json")}
    assert shares == {s.arn for s in loaded.world.all(ResourceShare)}
    # the participant's instances are in the owner's shared subnets, as in the YAML
    assert loaded.resource("app-1").owner_id == "222222222222"


def test_subnets_keep_their_zone_by_zone_id(tmp_path: Path) -> None:
    """AWS maps zone names to physical zones independently per account; the zone id names the same
    zone in every account (https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html).
    The provider's and the consumer's subnets land in the zones their ids say, so the consumer's
    endpoint finds the service in its zone."""
    snap = export("privatelink-cross-account", tmp_path / "snap")
    loaded = vpclab.load(snap)
    by_id = {s["SubnetId"]: s for s in items(snap, "Subnets", "DescribeSubnets.json")}
    names = {s["AvailabilityZone"] for s in by_id.values()}
    assert len(names) > 2  # the two accounts letter the same two zones differently
    for sid, s in by_id.items():
        from vpclab.model.regions import zone

        found = zone(loaded.world.get(sid).availability_zone)  # type: ignore[union-attr]
        assert found is not None and found.zone_id == s["AvailabilityZoneId"]


@pytest.mark.parametrize("example", ["centralized-inspection", "dual-stack", "hybrid-dx-vpn"])
def test_intents_hold_on_the_snapshot(example: str, tmp_path: Path) -> None:
    """GWLB endpoints and their routes, appliance mode, IPv6 and the egress-only gateway, Direct
    Connect (a BGP session held down included) come back: the design's intents hold on its snapshot
    as on the YAML."""
    snap = export(example, tmp_path / "snap")
    proc = vpclab_cli("check", str(snap), "--intents", str(EXAMPLES / "intents" / f"{example}.yaml"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "all hold" in proc.stdout


def test_an_ipv6_block_outside_vpclabs_pool_is_reported(tmp_path: Path) -> None:
    snap = export("dual-stack", tmp_path / "snap")
    f = next(snap.glob("aws_configs/*/*/DescribeVpcs.json"))
    body = json.loads(f.read_text())
    body["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] = "2001:db8:0:100::/56"
    f.write_text(json.dumps(body))
    loaded = vpclab.load(snap)
    assert any(
        "DescribeVpcs.json: $.Vpcs[0].Ipv6CidrBlockAssociationSet[0]: 2001:db8:0:100::/56 is outside" in p
        for p in loaded.report.problems
    ), loaded.report.problems


# -- round trip through a live endpoint: YAML → vpclab serve → vpclab snapshot aws → load --------------
@pytest.fixture(scope="module")
def served_vpn() -> Iterator[Server]:
    srv = start_server("--no-default-vpc", "--load", str(EXAMPLES / "vpn-vgw.yaml"))
    yield srv
    stop_server(srv)


def test_vpn_round_trip_through_a_live_endpoint(served_vpn: Server, tmp_path: Path) -> None:
    net = vpclab.load(EXAMPLES / "vpn-vgw.yaml")
    (account,), regions = accounts_regions(net)
    snap = tmp_path / "snap"
    proc = vpclab_cli(
        "snapshot",
        "aws",
        str(snap),
        "--endpoint-url",
        served_vpn.url,
        "--regions",
        ",".join(regions),
        env={"AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "lab", "AWS_DEFAULT_REGION": regions[0]},
    )
    assert proc.returncode == 0, proc.stderr
    loaded = vpclab.load(snap)
    assert loaded.report.problems == [] and dict(loaded.report.not_loaded) == {}
    for level in ("subnet", "interface"):
        a, b = same(net.matrix(level=level), loaded.matrix(level=level))
        assert a == b, level
    for office, port in (("office", 22), ("branch", 443)):  # over BGP propagation, over a static route
        assert loaded.trace(office, "app-server", port=port).reachable
    (vgw,) = items(snap, "VpnGateways", "DescribeVpnGateways.json")
    assert loaded.resource("app-vgw").id == vgw["VpnGatewayId"]
    vpns = {v["VpnConnectionId"] for v in items(snap, "VpnConnections", "DescribeVpnConnections.json")}
    assert {loaded.resource("office-vpn").id, loaded.resource("branch-vpn").id} == vpns


# -- --role-arn: a multi-account snapshot through STS AssumeRole ---------------------------------------
@pytest.fixture(scope="module")
def served_two_accounts() -> Iterator[Server]:
    srv = start_server("--no-default-vpc", "--load", str(EXAMPLES / "privatelink-cross-account.yaml"))
    yield srv
    stop_server(srv)


def test_role_arn_snapshots_a_second_account_that_loads_as_both(
    served_two_accounts: Server, tmp_path: Path
) -> None:
    """``--role-arn`` assumes the role (STS AssumeRole, https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html)
    and snapshots the role's account too: the provider's and the consumer's accounts load together,
    PrivateLink between them included, with the YAML's matrices."""
    net = vpclab.load(EXAMPLES / "privatelink-cross-account.yaml")
    accounts, regions = accounts_regions(net)
    assert len(accounts) == 2
    snap = tmp_path / "snap"
    proc = vpclab_cli(
        "snapshot",
        "aws",
        str(snap),
        "--endpoint-url",
        served_two_accounts.url,
        "--regions",
        ",".join(regions),
        "--role-arn",
        f"arn:aws:iam::{accounts[1]}:role/NetworkAudit",
        env={
            "AWS_ACCESS_KEY_ID": accounts[0],
            "AWS_SECRET_ACCESS_KEY": "lab",
            "AWS_DEFAULT_REGION": regions[0],
        },
    )
    assert proc.returncode == 0, proc.stderr
    assert f"snapshot of 2 account(s) {accounts[0]}, {accounts[1]}" in proc.stdout
    manifest = json.loads((snap / "manifest.json").read_text())
    assert manifest["accounts"] == accounts and manifest["failures"] == []
    loaded = vpclab.load(snap)
    assert loaded.report.problems == [] and dict(loaded.report.not_loaded) == {}
    assert accounts_regions(loaded) == (accounts, regions)
    for level in ("subnet", "interface"):
        a, b = same(net.matrix(level=level), loaded.matrix(level=level))
        assert a == b and a[2], level


def test_assume_role_answers_as_sts_does(served_two_accounts: Server) -> None:
    """AssumeRole's answer (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html):
    credentials for the role's account, the assumed-role ARN; a malformed role ARN is a ValidationError."""
    import boto3
    from botocore.exceptions import ClientError

    sts = boto3.client(
        "sts",
        endpoint_url=served_two_accounts.url,
        region_name="us-east-1",
        aws_access_key_id="111111111111",
        aws_secret_access_key="lab",
    )
    out = sts.assume_role(RoleArn="arn:aws:iam::222222222222:role/ops/NetworkAudit", RoleSessionName="s1")
    assert out["AssumedRoleUser"]["Arn"] == "arn:aws:sts::222222222222:assumed-role/NetworkAudit/s1"
    creds = out["Credentials"]
    who = boto3.client(
        "sts",
        endpoint_url=served_two_accounts.url,
        region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    ).get_caller_identity()
    assert who["Account"] == "222222222222"
    with pytest.raises(ClientError) as err:
        sts.assume_role(RoleArn="arn:aws:iam::2222:role/x", RoleSessionName="s1")
    assert err.value.response["Error"]["Code"] == "ValidationError"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


PREFIX_LISTS = """\
region: us-east-1
prefix_lists:
  corp: {entries: [192.168.0.0/16, 172.16.0.0/12], max_entries: 10}
vpcs:
  app:
    cidr: 10.0.0.0/16
    subnets:
      app-a: {cidr: 10.0.1.0/24, az: us-east-1a}
    security_groups:
      app-sg:
        ingress:
          - {protocol: tcp, port: 22, prefix_list: corp}
    instances:
      app-1: {subnet: app-a, groups: [app-sg], private_ip: 10.0.1.10}
"""


def test_a_customer_managed_prefix_list_loads_with_its_entries_and_the_rules_naming_it(
    tmp_path: Path,
) -> None:
    """GetManagedPrefixListEntries gives the list its entries back; the group's rule names the list
    by its AWS id; AWS's own lists (S3, DynamoDB) are not counted as not loaded."""
    from vpclab.model.prefix_lists import ManagedPrefixList
    from vpclab.model.security_group import SecurityGroup

    src = tmp_path / "pl.yaml"
    src.write_text(PREFIX_LISTS)
    proc = vpclab_cli("export", "describe-json", str(src), str(tmp_path / "snap"))
    assert proc.returncode == 0, proc.stderr
    loaded = vpclab.load(tmp_path / "snap")
    assert loaded.report.problems == [] and dict(loaded.report.not_loaded) == {}
    (pl,) = [
        p
        for p in items(tmp_path / "snap", "PrefixLists", "DescribeManagedPrefixLists.json")
        if p["OwnerId"] != "AWS"
    ]
    made = loaded.world.get(pl["PrefixListId"], ManagedPrefixList)
    assert made is not None and sorted(made.cidrs) == ["172.16.0.0/12", "192.168.0.0/16"]
    assert made.max_entries == 10 and loaded.resource("corp").id == pl["PrefixListId"]
    sg = loaded.world.get(loaded.id("app-sg"), SecurityGroup)
    assert sg is not None and [r.peer for r in sg.ingress] == [pl["PrefixListId"]]
