"""A real ``vpclab serve`` process per test module, and boto3 clients pointed at it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ACCOUNT_A = "111111111111"
ACCOUNT_B = "222222222222"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]

    def client(self, service: str = "ec2", *, account: str = ACCOUNT_A, region: str = "us-east-1") -> Any:
        """A boto3 client for ``service`` as ``account`` (the access key id) in ``region``."""
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=region,
            aws_access_key_id=account,
            aws_secret_access_key="lab",
            config=Config(retries={"max_attempts": 1}),
        )

    def post(
        self,
        form: dict[str, str] | str | bytes,
        *,
        account: str = ACCOUNT_A,
        region: str = "us-east-1",
        service: str = "ec2",
    ) -> tuple[int, str]:
        """A raw request (no client-side validation), signed-looking for ``account`` in ``region``."""
        body = (
            form
            if isinstance(form, bytes)
            else (form.encode() if isinstance(form, str) else urllib.parse.urlencode(form).encode())
        )
        auth = (
            f"AWS4-HMAC-SHA256 Credential={account}/20261124/{region}/{service}/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=0"
        )
        req = urllib.request.Request(
            self.url + "/",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Authorization": auth,
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def admin(self, path: str, method: str = "GET", *, account: str = ACCOUNT_A) -> dict[str, Any]:
        """An admin route, as ``account`` (the analyses route answers its owner only), with the
        ``X-Vpclab`` header every admin route but health needs (docs/security.md)."""
        auth = (f"AWS4-HMAC-SHA256 Credential={account}/20261124/us-east-1/ec2/aws4_request, "
                "SignedHeaders=host, Signature=0")
        req = urllib.request.Request(f"{self.url}/_vpclab/{path}", method=method,
                                     headers={"X-Vpclab": "1", "Authorization": auth})
        with urllib.request.urlopen(req, timeout=5) as resp:
            return dict(json.loads(resp.read()))


def start_server(*args: str) -> Server:
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vpclab.cli.serve",
            "--port",
            str(port),
            "--state",
            ":memory:",
            "--seed",
            "7",
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    server = Server(f"http://127.0.0.1:{port}", proc)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode() if proc.stdout else ""
            raise RuntimeError(f"vpclab serve exited with {proc.returncode}:\n{out}")
        try:
            if server.admin("health")["status"] == "ok":
                return server
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("vpclab serve did not become healthy in 30 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    srv = start_server()
    yield srv
    stop_server(srv)


@pytest.fixture(scope="module")
def clean_server() -> Iterator[Server]:
    """A server whose accounts start with no default VPC."""
    srv = start_server("--no-default-vpc")
    yield srv
    stop_server(srv)


@pytest.fixture
def ec2(server: Server) -> Any:
    return server.client()


Client = Callable[..., Any]


@contextmanager
def client_error(code: str, message: str | None = None, status: int = 400) -> Iterator[None]:
    """Expect botocore's ClientError with AWS's code, message and HTTP status."""
    with pytest.raises(ClientError) as info:
        yield
    err = info.value.response["Error"]
    assert err["Code"] == code, err
    if message is not None:
        assert err["Message"] == message, err
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
