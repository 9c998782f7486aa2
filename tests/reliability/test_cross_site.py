"""No cross-site changes (issue 8, part 3; docs/security.md): a browser page of another site, or a
DNS-rebinding name, cannot change the lab; loopback clients (boto3, the aws CLI) are unaffected; an
analysis answers its owner only; ``--verify-signatures`` checks SigV4 signatures with botocore.

In process (Starlette's TestClient against ``create_app``) for the request checks, a live
``vpclab serve`` for boto3, the aws CLI and signatures. AWS pages for the codes:
"Error codes for the Amazon EC2 API" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html:
AuthFailure, IncompleteSignature, MissingAuthenticationToken, RequestExpired, UnauthorizedOperation),
"Troubleshoot Signature Version 4 signing for AWS API requests"
(https://docs.aws.amazon.com/general/latest/gr/signature-v4-troubleshooting.html: 403
SignatureDoesNotMatch), "Common Errors", the errors common to all AWS services (e.g.
https://docs.aws.amazon.com/autoscaling/ec2/APIReference/CommonErrors.html: InvalidClientTokenId 403).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from starlette.testclient import TestClient
from typer.testing import CliRunner

from tests.api.conftest import ACCOUNT_A, ACCOUNT_B, Server, start_server, stop_server
from vpclab import ControlPlane
from vpclab.aws.admin import ServerState
from vpclab.aws.server import create_app, open_state
from vpclab.model.vpc import Vpc

FORM = "application/x-www-form-urlencoded"
EVIL = "https://evil.example"


def auth(account: str = ACCOUNT_A, service: str = "ec2") -> str:
    return (f"AWS4-HMAC-SHA256 Credential={account}/20261124/us-east-1/{service}/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=0")


@pytest.fixture
def state() -> Iterator[ServerState]:
    st = open_state(":memory:", seed=3)
    yield st
    st.store.close()


def client(state: ServerState, host: str = "127.0.0.1:4566", **kwargs: Any) -> TestClient:
    """An in-process client whose requests name ``host`` (Host header) from a loopback address."""
    return TestClient(create_app(state, **kwargs), base_url=f"http://{host}", client=("127.0.0.1", 50000))


def vpc_id(state: ServerState) -> str:
    return ControlPlane(state.world, account_id=ACCOUNT_A).create_vpc(cidr_block="10.0.0.0/16").id


def ec2_error(text: str) -> tuple[str, str]:
    root = ET.fromstring(text)
    return root.findtext("Errors/Error/Code") or "", root.findtext("Errors/Error/Message") or ""


def delete_vpc(c: TestClient, vid: str, **headers: str) -> Any:
    """A page's "simple" cross-site POST: text/plain, no custom header (no CORS preflight)."""
    return c.post("/", content=f"Action=DeleteVpc&Version=2016-11-15&VpcId={vid}",
                  headers={"Content-Type": "text/plain", "Authorization": auth(), **headers})


# -- browser requests from another site ---------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {"Origin": EVIL},
    {"Origin": "null"},                                         # sandboxed iframe, file:// page
    {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "cross-site"},                           # even without an Origin
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost:3000"},
    {"Sec-Fetch-Site": "same-site"},                            # same-site, no Origin to prove it
    {"Origin": "http://127.0.0.1.evil.example:4566"},
])
def test_cross_site_delete_vpc_is_refused_and_changes_nothing(state: ServerState,
                                                              headers: dict[str, str]) -> None:
    """A foreign page's POST Action=DeleteVpc: 403 UnauthorizedOperation in EC2's XML; the VPC stays."""
    vid = vpc_id(state)
    version = state.world.version
    response = delete_vpc(client(state), vid, **headers)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/xml")
    code, message = ec2_error(response.text)
    assert code == "UnauthorizedOperation" and "vpclab refuses" in message
    assert state.world.get(vid, Vpc) is not None and state.world.version == version


@pytest.mark.parametrize("headers", [
    {"Origin": "http://localhost:8080", "Sec-Fetch-Site": "same-site"},
    {"Origin": "http://127.0.0.1:4566", "Sec-Fetch-Site": "same-origin"},
    {"Origin": "http://[::1]:3000"},
    {"Sec-Fetch-Site": "none"},                                 # typed into the address bar
])
def test_loopback_origins_are_served(state: ServerState, headers: dict[str, str]) -> None:
    vid = vpc_id(state)
    response = delete_vpc(client(state), vid, **headers)
    assert response.status_code == 200, response.text
    assert state.world.get(vid, Vpc) is None


def test_text_plain_reset_without_the_header_is_refused(state: ServerState) -> None:
    """POST /_vpclab/reset as a page sends it (text/plain, no custom header): 403, nothing reset;
    with ``X-Vpclab: 1`` or a JSON content type it resets."""
    vpc_id(state)
    before = len(state.world)
    c = client(state)
    response = c.post("/_vpclab/reset", content="x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 403
    assert response.json()["status"] == "forbidden" and response.json()["code"] == "AccessDenied"
    assert "X-Vpclab" in response.json()["message"]
    assert len(state.world) == before
    assert c.post("/_vpclab/reset", json={}).status_code == 200
    vpc_id(state)
    assert c.post("/_vpclab/reset", headers={"X-Vpclab": "1"}).json()["status"] == "reset"
    assert len(state.world) == 0


def test_reset_from_a_foreign_origin_is_refused_even_with_the_header(state: ServerState) -> None:
    vpc_id(state)
    before = len(state.world)
    response = client(state).post("/_vpclab/reset", headers={"X-Vpclab": "1", "Origin": EVIL})
    assert response.status_code == 403 and response.json()["code"] == "AccessDenied"
    assert len(state.world) == before


def test_health_needs_no_header(state: ServerState) -> None:
    assert client(state).get("/_vpclab/health").json()["status"] == "ok"


# -- DNS rebinding: the Host header ------------------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "evil.example:4566", "127.0.0.1.nip.io:4566",
                                  "10.0.0.5:4566", "localhost.evil.example"])
def test_foreign_host_is_refused_in_each_protocol(state: ServerState, host: str) -> None:
    """A rebound name: EC2 XML at /, AWS JSON for REST-JSON (RAM), admin JSON; nothing changes."""
    vid = vpc_id(state)
    version = state.world.version
    c = client(state, host)
    response = delete_vpc(c, vid)
    assert response.status_code == 403 and ec2_error(response.text)[0] == "UnauthorizedOperation"
    assert "--allow-host" in ec2_error(response.text)[1]
    ram = c.post("/createresourceshare", json={"name": "x"}, headers={"Authorization": auth(service="ram")})
    assert ram.status_code == 403
    assert ram.json()["__type"] == ram.headers["x-amzn-errortype"] == "AccessDeniedException"
    for response in (c.post("/_vpclab/reset", headers={"X-Vpclab": "1"}), c.get("/_vpclab/health")):
        assert response.status_code == 403 and response.json()["status"] == "forbidden"
    sts = c.post("/", content="Action=GetCallerIdentity&Version=2011-06-15",
                 headers={"Content-Type": FORM, "Authorization": auth(service="sts")})
    assert sts.status_code == 403 and ET.fromstring(sts.text).findtext("Error/Code") == "AccessDenied"
    assert state.world.get(vid, Vpc) is not None and state.world.version == version


@pytest.mark.parametrize("host", ["127.0.0.1:4566", "localhost:4566", "LOCALHOST", "[::1]:4566", "127.8.9.10",
                                  "[::ffff:127.0.0.1]:80"])
def test_loopback_hosts_are_served(state: ServerState, host: str) -> None:
    response = client(state, host).post("/", content="Action=DescribeVpcs&Version=2016-11-15",
                                        headers={"Content-Type": FORM, "Authorization": auth()})
    assert response.status_code == 200, response.text


def test_allow_host_serves_that_name(state: ServerState) -> None:
    c = client(state, "devbox.internal:4566", allowed_hosts=["devbox.internal"])
    response = c.post("/", content="Action=DescribeVpcs&Version=2016-11-15",
                      headers={"Content-Type": FORM, "Authorization": auth(), "Origin": "http://devbox.internal:3000"})
    assert response.status_code == 200, response.text
    other = client(state, "other.internal", allowed_hosts=["devbox.internal"])
    assert other.get("/_vpclab/health").status_code == 403


# -- GET /_vpclab/analyses/<id>: its owner only --------------------------------------------------------

def test_analysis_answers_its_owner_only(state: ServerState) -> None:
    """Another account gets the 404 an unknown id gets, as DescribeNetworkInsightsAnalyses hides it."""
    cp = ControlPlane(state.world, account_id=ACCOUNT_A)
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    igw = cp.create_internet_gateway()
    cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=vpc.id)
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24")
    eni = cp.create_network_interface(subnet_id=subnet.id)
    path = cp.create_network_insights_path(source=igw.id, destination=eni.id, protocol="tcp")
    analysis = cp.start_network_insights_analysis(network_insights_path_id=path.id)
    c = client(state)
    url = f"/_vpclab/analyses/{analysis.id}"
    owner = c.get(url, headers={"X-Vpclab": "1", "Authorization": auth(ACCOUNT_A)})
    assert owner.status_code == 200
    assert owner.json()["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"] == analysis.id
    unknown = c.get("/_vpclab/analyses/nia-0123456789abcdef0",
                    headers={"X-Vpclab": "1", "Authorization": auth()})
    for account in (ACCOUNT_B, None):       # None: unsigned, the default account 123456789012
        headers = {"X-Vpclab": "1", **({"Authorization": auth(account)} if account else {})}
        other = c.get(url, headers=headers)
        assert other.status_code == 404 and other.json()["code"] == unknown.json()["code"]
        assert other.json()["code"] == "InvalidNetworkInsightsAnalysisId.NotFound"
    assert c.get(url, headers={"Authorization": auth(ACCOUNT_A)}).status_code == 403   # no X-Vpclab


# -- `vpclab serve`: loopback clients unaffected; non-loopback binding warns ---------------------------

@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    srv = start_server()
    yield srv
    stop_server(srv)


def test_loopback_boto3_and_aws_cli_are_unaffected(server: Server) -> None:
    ec2 = server.client()
    vid = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCOUNT_A, "AWS_SECRET_ACCESS_KEY": "lab",
           "AWS_DEFAULT_REGION": "us-east-1"}
    for url in (server.url, server.url.replace("127.0.0.1", "localhost")):
        argv = [sys.executable, "-m", "awscli", "ec2", "--endpoint-url", url, "--output", "json",
                "describe-vpcs", "--vpc-ids", vid]
        run = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        assert json.loads(run.stdout)["Vpcs"][0]["VpcId"] == vid
    assert server.admin("reset", method="POST")["status"] == "reset"


def test_live_server_refuses_a_browser_reset(server: Server) -> None:
    req = urllib.request.Request(f"{server.url}/_vpclab/reset", data=b"{}", method="POST",
                                 headers={"Content-Type": "text/plain", "Origin": EVIL})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=5)
    assert info.value.code == 403 and json.loads(info.value.read())["status"] == "forbidden"


def test_non_loopback_host_prints_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--host 0.0.0.0`` warns on stderr (the bind itself is stubbed: tests listen on loopback only)."""
    import uvicorn

    from vpclab.cli import serve

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "_listen_problem", lambda host, port: None)
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, **kw: started.append({"host": self.config.host}))
    runner = CliRunner()
    result = runner.invoke(_serve_app(), ["--host", "0.0.0.0", "--state", ":memory:"])
    assert result.exit_code == 0, result.output
    assert "warning: listening on 0.0.0.0, not loopback" in result.stderr
    assert "no authentication without --verify-signatures" in result.stderr
    assert started and started[0]["host"] == "0.0.0.0"
    quiet = runner.invoke(_serve_app(), ["--state", ":memory:"])
    assert quiet.exit_code == 0 and "warning" not in quiet.stderr


def _serve_app() -> Any:
    import typer

    from vpclab.cli.serve import serve

    app = typer.Typer()
    app.command()(serve)
    return app


# -- --verify-signatures ---------------------------------------------------------------------------------

CREDENTIALS = """\
[alice]
aws_access_key_id = AKIAALICE0000EXAMPLE
aws_secret_access_key = alice-secret
account_id = 111111111111

[bob]
aws_access_key_id = 222222222222
aws_secret_access_key = bob-secret
"""


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    creds = tmp_path_factory.mktemp("creds") / "credentials.ini"
    creds.write_text(CREDENTIALS)
    srv = start_server("--verify-signatures", str(creds))
    yield srv
    stop_server(srv)


def signed(server: Server, service: str, key: str, secret: str) -> Any:
    return boto3.client(service, endpoint_url=server.url, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret, config=Config(retries={"max_attempts": 1}))


def expect(call: Any, code: str, status: int) -> None:
    with pytest.raises(ClientError) as info:
        call()
    assert info.value.response["Error"]["Code"] == code, info.value.response
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_the_right_secret_works_and_names_the_files_account(signed_server: Server) -> None:
    ec2 = signed(signed_server, "ec2", "AKIAALICE0000EXAMPLE", "alice-secret")
    vpc = ec2.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]
    assert vpc["OwnerId"] == "111111111111"
    sts = signed(signed_server, "sts", "222222222222", "bob-secret")
    assert sts.get_caller_identity()["Account"] == "222222222222"
    ram = signed(signed_server, "ram", "AKIAALICE0000EXAMPLE", "alice-secret")  # REST-JSON, through Starlette
    assert ram.get_resource_shares(resourceOwner="SELF")["resourceShares"] == []


def test_a_wrong_secret_is_signature_does_not_match(signed_server: Server) -> None:
    """403 SignatureDoesNotMatch (EC2, STS and RAM alike); nothing is created."""
    before = signed_server.admin("health")["resources"]
    alice = signed(signed_server, "ec2", "AKIAALICE0000EXAMPLE", "wrong")
    expect(lambda: alice.create_vpc(CidrBlock="10.4.0.0/16"), "SignatureDoesNotMatch", 403)
    expect(lambda: signed(signed_server, "sts", "222222222222", "wrong").get_caller_identity(),
           "SignatureDoesNotMatch", 403)
    ram = signed(signed_server, "ram", "222222222222", "wrong")
    expect(lambda: ram.get_resource_shares(resourceOwner="SELF"), "SignatureDoesNotMatch", 403)
    assert signed_server.admin("health")["resources"] == before


def test_an_unknown_key_is_auth_failure_for_ec2(signed_server: Server) -> None:
    """EC2 answers an unknown key with 401 AuthFailure; STS (and RAM) with 403 InvalidClientTokenId."""
    expect(lambda: signed(signed_server, "ec2", "333333333333", "x").describe_vpcs(), "AuthFailure", 401)
    expect(lambda: signed(signed_server, "sts", "333333333333", "x").get_caller_identity(),
           "InvalidClientTokenId", 403)


def test_unsigned_and_forged_requests_are_refused(signed_server: Server) -> None:
    """No Authorization: MissingAuthenticationToken (403); a made-up one: IncompleteSignature (400);
    the fake-signature requests the open server accepts are refused."""
    status, body = signed_server.post({"Action": "DescribeVpcs", "Version": "2016-11-15"})
    assert status == 400 and ec2_error(body)[0] == "IncompleteSignature"
    req = urllib.request.Request(signed_server.url + "/?Action=DescribeVpcs&Version=2016-11-15")
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=5)
    assert info.value.code == 403 and ec2_error(info.value.read().decode())[0] == "MissingAuthenticationToken"


def test_analyses_route_checks_the_signature(signed_server: Server) -> None:
    """With --verify-signatures the analyses route takes its account from a verified signature too."""
    url = f"{signed_server.url}/_vpclab/analyses/nia-0123456789abcdef0"
    request = AWSRequest(method="GET", url=url, headers={"X-Vpclab": "1"})
    SigV4Auth(Credentials("AKIAALICE0000EXAMPLE", "alice-secret"), "ec2", "us-east-1").add_auth(request)
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(urllib.request.Request(url, headers=dict(request.headers.items())), timeout=5)
    assert info.value.code == 404          # signed: served (and not found)
    with pytest.raises(urllib.error.HTTPError) as info:
        signed_server.admin("analyses/nia-0123456789abcdef0")     # a fake signature
    assert info.value.code == 400 and json.loads(info.value.read())["code"] == "IncompleteSignature"
    assert signed_server.admin("health")["status"] == "ok"        # health and reset: no signature


@pytest.mark.parametrize("text, problem", [
    ("[a]\naws_access_key_id = AKIAX\n", "needs aws_access_key_id and aws_secret_access_key"),
    ("[a]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n", "needs account_id"),
    ("not an ini file\n", "not an INI credentials file"),
    ("", "no credentials"),
])
def test_a_bad_credentials_file_is_one_line_and_exit_3(tmp_path: Path, text: str, problem: str) -> None:
    creds = tmp_path / "creds.ini"
    creds.write_text(text)
    result = CliRunner().invoke(_serve_app(), ["--verify-signatures", str(creds), "--state", ":memory:"])
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and problem in result.stderr and str(creds) in result.stderr
