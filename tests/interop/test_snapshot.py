"""``vpclab snapshot aws``, loading a snapshot folder, ``vpclab export describe-json`` (issue 12).

The round trip of issue 12 point 5(a): a YAML network served by ``vpclab serve``, snapshotted with
``vpclab snapshot aws --endpoint-url``, loaded back: the same subnet and interface matrices.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest

import vpclab
from tests.api.conftest import Server, start_server, stop_server
from vpclab.interop.snapshot_aws import take
from vpclab.interop.snapshot_ops import IDENTITY, OPS, PER_ITEM, operations
from vpclab.interop.snapshot_read import SnapshotError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def vpclab_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vpclab", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})},
    )


def same(a: Any, b: Any) -> tuple[Any, Any]:
    return (sorted(a.sources), sorted(a.destinations), sorted(a.pairs)), (
        sorted(b.sources),
        sorted(b.destinations),
        sorted(b.pairs),
    )


def accounts_regions(net: vpclab.Network) -> tuple[list[str], list[str]]:
    res = list(net.world.resources())
    return (
        sorted({r.owner_id for r in res if str(getattr(r, "owner_id", "")).isdigit()}),
        sorted({r.region for r in res if getattr(r, "region", None)}),
    )


# -- read-only ----------------------------------------------------------------------------------------
def test_a_snapshot_can_only_call_read_only_operations() -> None:
    """Only Describe*/Get*/List* (and STS AssumeRole, which hands out credentials) are in the table,
    and each is a real operation of its service's botocore model."""
    names = operations()
    assert {n for n in names if not n.startswith(("Describe", "Get", "List"))} == {
        "AssumeRole",  # hands out credentials for --role-arn
        "SearchTransitGatewayRoutes",  # the only read of a TGW route table's static routes
    }
    session = botocore.session.get_session()
    for op in (*OPS, *(p[0] for p in PER_ITEM)):
        assert op.operation in session.get_service_model(op.service).operation_names, op
    assert set(IDENTITY) <= set(session.get_service_model("sts").operation_names)


def test_every_call_a_snapshot_makes_is_in_the_read_only_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every request botocore sends while a snapshot is taken is watched (its before-call event)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "123456789012")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "lab")
    called: set[str] = set()
    net = vpclab.load(EXAMPLES / "centralized-egress.yaml")
    with vpclab.mock_aws(world=net.world, default_vpc=False):
        session = boto3.Session(region_name="us-east-1")
        session.events.register("before-call", lambda model, **_: called.add(model.name))
        take(tmp_path, sessions=[session], regions="us-east-1")
    assert called and called <= operations()
    assert "DescribeTransitGateways" in called
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["accounts"] == ["123456789012"] and manifest["regions"] == ["us-east-1"]
    assert manifest["format_version"] == 1 and manifest["failures"] == []


# -- round trip 5(a): YAML → vpclab serve → vpclab snapshot aws → load ---------------------------------
@pytest.fixture(scope="module")
def served() -> Iterator[Server]:
    srv = start_server("--no-default-vpc", "--load", str(EXAMPLES / "two-peered-vpcs.yaml"))
    yield srv
    stop_server(srv)


def test_round_trip_through_a_live_endpoint_keeps_the_matrices(served: Server, tmp_path: Path) -> None:
    net = vpclab.load(EXAMPLES / "two-peered-vpcs.yaml")
    (account,), regions = accounts_regions(net)
    snap = tmp_path / "snap"
    proc = vpclab_cli(
        "snapshot",
        "aws",
        str(snap),
        "--endpoint-url",
        served.url,
        "--regions",
        ",".join(regions),
        env={"AWS_ACCESS_KEY_ID": account, "AWS_SECRET_ACCESS_KEY": "lab", "AWS_DEFAULT_REGION": regions[0]},
    )
    assert proc.returncode == 0, proc.stderr
    assert f"snapshot of 1 account(s) {account}" in proc.stdout
    loaded = vpclab.load(snap)
    assert loaded.report.problems == []
    for level in ("subnet", "interface"):
        a, b = same(net.matrix(level=level), loaded.matrix(level=level))
        assert a == b and a[2], level
    # names come from Name tags, so the YAML's names work on the snapshot
    assert loaded.resource("app-web").cidr_block == net.resource("app-web").cidr_block


@pytest.mark.parametrize(
    "example",
    ["two-peered-vpcs", "peering-triangle", "s3-gateway-endpoint", "centralized-egress", "tgw-appliance-vpc"],
)
def test_export_describe_json_loads_back_to_the_same_matrices(example: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = vpclab_cli("export", "describe-json", str(EXAMPLES / f"{example}.yaml"), str(out))
    assert proc.returncode == 0, proc.stderr
    net, loaded = vpclab.load(EXAMPLES / f"{example}.yaml"), vpclab.load(out)
    assert loaded.report.problems == []
    for level in ("subnet", "interface"):
        a, b = same(net.matrix(level=level), loaded.matrix(level=level))
        assert a == b, level
    # the ids are AWS's ids as the snapshot holds them
    vpcs = json.loads(next(out.glob("aws_configs/*/*/DescribeVpcs.json")).read_text())["Vpcs"]
    assert {v["VpcId"] for v in vpcs} <= {r.id for r in loaded.world.resources()}


# -- what is not modelled, what is inconsistent, what is bad ------------------------------------------
@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("egress") / "snap"
    proc = vpclab_cli("export", "describe-json", str(EXAMPLES / "centralized-egress.yaml"), str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def test_what_is_not_modelled_is_counted_and_the_rest_loads(tmp_path: Path) -> None:
    """An application load balancer (vpclab models network and Gateway Load Balancers) is counted,
    and the rest loads."""
    out = tmp_path / "alb"
    proc = vpclab_cli("export", "describe-json", str(EXAMPLES / "two-peered-vpcs.yaml"), str(out))
    assert proc.returncode == 0, proc.stderr
    f = next(out.glob("aws_configs/*/*/DescribeLoadBalancers.json"))
    arn = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/web/0123456789abcdef"
    f.write_text(
        json.dumps(
            {"LoadBalancers": [{"LoadBalancerArn": arn, "LoadBalancerName": "web", "Type": "application"}]}
        )
    )
    loaded = vpclab.load(out)
    assert dict(loaded.report.not_loaded) == {"LoadBalancers (application)": 1}
    assert "not loaded (vpclab does not model it yet): 1 LoadBalancers (application)" in loaded.report.lines()
    assert loaded.report.problems == []
    assert loaded.resource("app-web").id.startswith("subnet-")
    proc = vpclab_cli("show", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "LoadBalancers (application)" in proc.stderr and "1 item(s) not loaded" in proc.stderr


def _copy(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst)
    return dst


def test_a_route_to_a_missing_nat_gateway_is_reported_with_its_path(exported: Path, tmp_path: Path) -> None:
    snap = _copy(exported, tmp_path / "snap")
    f = next(snap.glob("aws_configs/*/*/DescribeNatGateways.json"))
    f.write_text(json.dumps({"NatGateways": []}))
    loaded = vpclab.load(snap)
    assert any(
        "DescribeRouteTables.json: $.RouteTables[" in p and ".Routes[" in p and "NatGateway" in p
        for p in loaded.report.problems
    ), loaded.report.problems
    assert len(loaded.world) > 0


def test_a_truncated_file_is_one_line_naming_file_and_path(exported: Path, tmp_path: Path) -> None:
    snap = _copy(exported, tmp_path / "snap")
    f = next(snap.glob("aws_configs/*/*/DescribeSubnets.json"))
    f.write_text(f.read_text()[:40])
    with pytest.raises(SnapshotError, match=r"DescribeSubnets.json: \$: not valid JSON"):
        vpclab.load(snap)
    proc = vpclab_cli("validate", str(snap))
    assert proc.returncode == 1
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1 and "DescribeSubnets.json: $: not valid JSON" in lines[0], proc.stdout
    assert "Traceback" not in proc.stderr


def test_a_wrong_shape_names_the_json_path(exported: Path, tmp_path: Path) -> None:
    snap = _copy(exported, tmp_path / "snap")
    f = next(snap.glob("aws_configs/*/*/DescribeVpcs.json"))
    f.write_text(json.dumps({"Vpcs": [{"VpcId": "vpc-1"}, 7]}))
    with pytest.raises(SnapshotError, match=r"DescribeVpcs.json: \$.Vpcs\[1\]: expected an object"):
        vpclab.load(snap)


def test_a_snapshot_from_a_newer_format_is_refused(exported: Path, tmp_path: Path) -> None:
    snap = _copy(exported, tmp_path / "snap")
    manifest = json.loads((snap / "manifest.json").read_text())
    (snap / "manifest.json").write_text(json.dumps({**manifest, "format_version": 99}))
    proc = vpclab_cli("matrix", str(snap))
    assert proc.returncode == 1
    assert proc.stdout.strip() == (
        f"{snap / 'manifest.json'}: $.format_version: 99 is newer than this vpclab reads (1); upgrade vpclab"
    )


def test_a_folder_that_is_no_snapshot_is_a_usage_error(tmp_path: Path) -> None:
    proc = vpclab_cli("validate", str(tmp_path))
    assert proc.returncode == 2
    assert "neither a topology file nor a snapshot folder" in proc.stderr


# -- 5(d): another emulator's describe output -------------------------------------------------------------
def test_a_snapshot_of_motos_server_loads(tmp_path: Path) -> None:
    """moto's EC2 server wrote this describe output, not vpclab: it must load without error."""
    pytest.importorskip("moto.server", reason="moto[server] is not installed (the test extra should hold it)")
    from moto.server import ThreadedMotoServer

    from tests.api.conftest import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        url = f"http://127.0.0.1:{port}"
        ec2 = boto3.client(
            "ec2",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
        sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(
            GroupId=sg,
            IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
            ],
        )
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        session = boto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        )
        take(tmp_path, sessions=[session], regions="us-east-1", endpoint_url=url)
        loaded = vpclab.load(tmp_path)
        assert vpc in loaded.world and subnet in loaded.world and sg in loaded.world
    finally:
        server.stop()


# -- every command that takes a topology file takes a snapshot folder -----------------------------------
def test_check_and_diff_take_a_snapshot_folder(exported: Path) -> None:
    """The centralized-egress design's intents hold on its snapshot (TGW associations, propagations,
    the blackhole static route all come back), and the snapshot differs in no flow from the YAML."""
    proc = vpclab_cli(
        "check", str(exported), "--intents", str(EXAMPLES / "intents" / "centralized-egress.yaml")
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 intents, all hold" in proc.stdout
    proc = vpclab_cli("diff", str(EXAMPLES / "centralized-egress.yaml"), str(exported))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "opened: 0 flows" in proc.stdout and "closed: 0 flows" in proc.stdout


def test_serve_loads_a_snapshot_folder(exported: Path) -> None:
    vpcs = json.loads(next(exported.glob("aws_configs/*/*/DescribeVpcs.json")).read_text())["Vpcs"]
    srv = start_server("--no-default-vpc", "--load", str(exported))
    try:
        ec2 = srv.client(account="123456789012")
        assert {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]} == {v["VpcId"] for v in vpcs}
    finally:
        stop_server(srv)


def test_a_partial_snapshot_says_what_it_lacks(exported: Path, tmp_path: Path) -> None:
    snap = _copy(exported, tmp_path / "snap")
    region = next(snap.glob("aws_configs/*/*"))
    (region / "DescribeSubnets.json").unlink()
    manifest = json.loads((snap / "manifest.json").read_text())
    (snap / "manifest.json").write_text(
        json.dumps({**manifest, "failures": ["x/y/DescribeVpnGateways.json: denied"]})
    )
    loaded = vpclab.load(snap)
    problems = loaded.report.problems
    assert f"{region}: partial Region: no DescribeSubnets.json" in problems
    assert (
        f"{snap / 'manifest.json'}: $.failures[0]: not captured: x/y/DescribeVpnGateways.json: denied"
        in problems
    )
    # what refers to the missing subnets is reported by path; the VPCs still load
    assert any("DescribeRouteTables.json: $.RouteTables[" in p and "Associations" in p for p in problems)
    assert len(list(loaded.world.resources())) > 0 and loaded.resource("egress").id.startswith("vpc-")


def test_an_ami_outside_the_catalogue_still_loads_its_instance(exported: Path, tmp_path: Path) -> None:
    """A real account's own AMI (or another emulator's) is not in vpclab's image catalogue: the
    instance still loads, on a stand-in image, and the report counts it."""
    snap = _copy(exported, tmp_path / "snap")
    f = next(snap.glob("aws_configs/*/*/DescribeInstances.json"))
    body = json.loads(f.read_text())
    for reservation in body["Reservations"]:
        for inst in reservation["Instances"]:
            inst["ImageId"] = "ami-0123456789abcdef0"
    f.write_text(json.dumps(body))
    loaded = vpclab.load(snap)
    assert loaded.report.problems == []
    assert (
        loaded.report.not_loaded[
            "Instances' ImageId (not in vpclab's catalogue: a catalogue image stands in)"
        ]
        == 2
    )
    assert loaded.resource("spoke-a-host").id.startswith("i-")


# -- what the loader keeps and what it replaces ---------------------------------------------------------
def _filters(net: vpclab.Network) -> dict[str, Any]:
    from vpclab.aws.filter_shapes import ip_permissions, network_acl_entry
    from vpclab.model.network_acl import NetworkAcl
    from vpclab.model.security_group import SecurityGroup

    out: dict[str, Any] = {}
    for acl in net.world.all(NetworkAcl):
        out[acl.id] = sorted(json.dumps(network_acl_entry(e), sort_keys=True) for e in acl.entries)
    for sg in net.world.all(SecurityGroup):
        out[sg.id] = (ip_permissions(net.world, sg.ingress), ip_permissions(net.world, sg.egress))
    return out


def test_every_acl_entry_and_group_rule_loads_as_the_snapshot_holds_it(exported: Path) -> None:
    """The loader keeps the entries and rules vpclab makes with an ACL or a group (a default ACL's
    allow-all entries, a group's allow-all egress) where the snapshot holds them unchanged, and makes
    the rest: every ACL and group ends as the source network has it."""
    assert _filters(vpclab.load(exported)) == _filters(vpclab.load(EXAMPLES / "centralized-egress.yaml"))


def test_a_changed_default_entry_and_egress_rule_replace_vpclabs(exported: Path, tmp_path: Path) -> None:
    """A default ACL whose allow-all inbound entry the account changed to deny, and a group whose
    allow-all egress was revoked, load as the snapshot says (not as CreateVpc made them)."""
    import shutil

    snap = tmp_path / "snap"
    shutil.copytree(exported, snap)
    acls_file = next(snap.glob("aws_configs/*/*/DescribeNetworkAcls.json"))
    acls = json.loads(acls_file.read_text())
    acl = next(a for a in acls["NetworkAcls"] if a["IsDefault"])
    entry = next(e for e in acl["Entries"] if e["RuleNumber"] == 100 and not e["Egress"])
    entry["RuleAction"] = "deny"
    acls_file.write_text(json.dumps(acls))
    groups_file = next(snap.glob("aws_configs/*/*/DescribeSecurityGroups.json"))
    groups = json.loads(groups_file.read_text())
    group = next(g for g in groups["SecurityGroups"] if g["IpPermissionsEgress"])
    group["IpPermissionsEgress"] = []
    groups_file.write_text(json.dumps(groups))
    loaded = vpclab.load(snap)
    assert loaded.report.problems == []
    got = _filters(loaded)
    assert json.dumps(entry, sort_keys=True) in got[acl["NetworkAclId"]]
    assert got[group["GroupId"]][1] == []
