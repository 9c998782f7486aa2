"""Bounded work per request (issue 8, part 2): every request is refused early or finishes fast,
and a heavy one does not stop ``/_vpclab/health`` from answering.

AWS pages the limits come from:
- filters: "You can specify up to 50 filters and up to 200 values per filter in a single request"
  (Amazon EC2 User Guide, https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Filtering.html);
  FilterLimitExceeded, InsufficientFreeAddressesInSubnet, InstanceLimitExceeded,
  PrivateIpAddressLimitExceeded and Unavailable (503) are EC2's codes
  (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html);
- RunInstances MaxCount: "Amazon EC2 launches the largest possible number of instances above the
  specified minimum count. Constraints: Between 1 and the quota for the specified instance type"
  (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html);
- the request-body limit is vpclab's (AWS documents none for the EC2 Query API): 4 MiB, 413.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.conftest import Server, start_server, stop_server
from vpclab import ControlPlane
from vpclab.aws import protocol
from vpclab.aws.endpoint import Endpoint
from vpclab.aws.server import MAX_BODY_BYTES
from vpclab.core import budget
from vpclab.core.errors import AwsError
from vpclab.model.images import images
from vpclab.model.world import World


@pytest.fixture(scope="module")
def srv() -> Iterator[Server]:
    server = start_server("--no-default-vpc")
    yield server
    stop_server(server)


def _code(xml: str) -> str:
    return ET.fromstring(xml).findtext("Errors/Error/Code") or ""


def _peak_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))


def _raw(port: int, head: bytes, chunks: Iterator[bytes]) -> bytes:
    """Send a request head and body chunks (stopping when the server closes), read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        try:
            for chunk in chunks:
                sock.sendall(chunk)
        except OSError:
            pass  # the server answered and closed without reading the rest: what is wanted
        data = b""
        while True:
            try:
                part = sock.recv(65536)
            except OSError:
                break
            if not part:
                break
            data += part
        return data


def _port(server: Server) -> int:
    return int(server.url.rsplit(":", 1)[1])


def test_an_oversized_body_is_refused_unread_in_aws_error_shape(srv: Server) -> None:
    """A 300 MB declared body is answered 413 RequestEntityTooLarge (EC2's XML error shape) before
    any of it is read; a chunked body that grows past the limit is cut off while streaming. The
    server's peak memory grows by far less than the bytes sent, and it goes on answering."""
    port = _port(srv)
    before = _peak_rss_kib(srv.process.pid)
    head = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 300000000\r\n\r\n")
    answer = _raw(port, head, iter([b"Action=DescribeVpcs&" + b"x" * 2**20]))
    status, _, body = answer.partition(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 413"), status
    assert _code(body.decode()) == "RequestEntityTooLarge"

    chunked = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n")
    piece = b"x" * 2**20
    chunks = (b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(64))  # 64 MiB offered
    answer = _raw(port, chunked, chunks)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
    assert _peak_rss_kib(srv.process.pid) - before < 64 * 1024  # < 64 MiB more at the peak
    assert srv.admin("health")["status"] == "ok"


def test_a_body_just_under_the_limit_is_parsed(srv: Server) -> None:
    """The limit refuses only what is over it: a body a little under 4 MiB is read and parsed
    (here, answered UnknownParameter for its padding)."""
    status, text = srv.post("Action=DescribeVpcs&Pad=" + "x" * (MAX_BODY_BYTES - 100))
    assert status == 400 and _code(text) == "UnknownParameter"


def _filters(n: int, values: int) -> dict[str, str]:
    form = {"Action": "DescribeVpcs", "Version": "2016-11-15"}
    for i in range(1, n + 1):
        form[f"Filter.{i}.Name"] = "cidr"
        for j in range(1, values + 1):
            form[f"Filter.{i}.Value.{j}"] = f"10.{i % 250}.{j % 250}.0/16"
    return form


def test_8000_filters_are_filter_limit_exceeded_fast(srv: Server) -> None:
    """8,000 filters (a ~450 KB body, 25 s before the parser indexed its keys) are refused with
    AWS's FilterLimitExceeded within a second or two; 201 values in one filter likewise."""
    start = time.monotonic()
    status, text = srv.post(_filters(8000, 1))
    assert (status, _code(text)) == (400, "FilterLimitExceeded")
    assert time.monotonic() - start < 3.0
    status, text = srv.post(_filters(1, 201))
    assert (status, _code(text)) == (400, "FilterLimitExceeded")
    assert "200" in text


def test_a_request_at_the_filter_limits_parses_in_well_under_a_second(srv: Server) -> None:
    """50 filters × 200 values (AWS's maximum) parse in well under a second and are answered."""
    form = _filters(50, 200)
    op = protocol.operation("ec2", "DescribeVpcs")
    assert op is not None
    start = time.monotonic()
    params = protocol.parse_params(op, form)
    assert time.monotonic() - start < 0.5
    assert len(params["Filters"]) == 50 and all(len(f["Values"]) == 200 for f in params["Filters"])
    start = time.monotonic()
    status, _ = srv.post(form)
    assert status == 200
    assert time.monotonic() - start < 3.0


def _subnet(ec2: Any, cidr: str, subnet_cidr: str) -> str:
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    return str(ec2.create_subnet(VpcId=vpc, CidrBlock=subnet_cidr)["Subnet"]["SubnetId"])


def _ami(ec2: Any) -> str:
    return str(ec2.describe_images()["Images"][0]["ImageId"])


def test_a_huge_instance_count_is_refused_at_once(srv: Server) -> None:
    """MinCount 1,000,000 is over the instance quota: InstanceLimitExceeded before any launch."""
    ec2 = srv.client()
    subnet = _subnet(ec2, "10.1.0.0/16", "10.1.0.0/16")
    start = time.monotonic()
    status, text = srv.post({"Action": "RunInstances", "Version": "2016-11-15", "ImageId": _ami(ec2),
                             "InstanceType": "t3.micro", "MinCount": "1000000", "MaxCount": "1000000",
                             "SubnetId": subnet})
    assert (status, _code(text)) == (400, "InstanceLimitExceeded")
    assert time.monotonic() - start < 2.0
    assert ec2.describe_instances()["Reservations"] == []


def test_max_count_launches_what_the_subnet_holds_min_count_beyond_it_fails(srv: Server) -> None:
    """A /28 has 11 usable addresses: MaxCount 1,000,000 launches 11; MinCount 12 launches
    nothing and answers InsufficientFreeAddressesInSubnet."""
    ec2 = srv.client(account="333333333333")
    subnet = _subnet(ec2, "10.2.0.0/24", "10.2.0.0/28")
    ami = _ami(ec2)
    status, text = srv.post({"Action": "RunInstances", "Version": "2016-11-15", "ImageId": ami,
                             "InstanceType": "t3.micro", "MinCount": "12", "MaxCount": "1000000",
                             "SubnetId": subnet}, account="333333333333")
    assert (status, _code(text)) == (400, "InsufficientFreeAddressesInSubnet")
    assert ec2.describe_instances()["Reservations"] == []
    launched = ec2.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1_000_000,
                                 SubnetId=subnet)["Instances"]
    assert len(launched) == 11


def test_secondary_address_counts_are_capped_before_allocating(srv: Server) -> None:
    """2,000 secondary addresses (32 s before) are PrivateIpAddressLimitExceeded at once: no
    instance type allows more than 50 IPv4 addresses per interface."""
    ec2 = srv.client(account="444444444444")
    subnet = _subnet(ec2, "10.3.0.0/16", "10.3.0.0/16")
    start = time.monotonic()
    with pytest.raises(Exception, match="PrivateIpAddressLimitExceeded"):
        ec2.create_network_interface(SubnetId=subnet, SecondaryPrivateIpAddressCount=2000)
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    with pytest.raises(Exception, match="PrivateIpAddressLimitExceeded"):
        ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=2000)
    assert time.monotonic() - start < 3.0
    ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=49)
    described = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]
    assert len(described["PrivateIpAddresses"]) == 50


def test_health_answers_while_a_heavy_request_runs(srv: Server) -> None:
    """While a RunInstances of 1,000 instances is handled (in a worker thread, holding the World's
    lock), ``/_vpclab/health`` answers within 100 ms (500 ms on a machine loaded past its cores)."""
    ec2 = srv.client(account="555555555555")
    subnet = _subnet(ec2, "10.4.0.0/16", "10.4.0.0/16")
    ami = _ami(ec2)
    done = threading.Event()

    def heavy() -> None:
        try:
            srv.post({"Action": "RunInstances", "Version": "2016-11-15", "ImageId": ami,
                      "InstanceType": "t3.micro", "MinCount": "1", "MaxCount": "1000", "SubnetId": subnet},
                     account="555555555555")
        finally:
            done.set()

    thread = threading.Thread(target=heavy, daemon=True)
    thread.start()
    time.sleep(0.01)
    timings = []
    while not done.is_set() and len(timings) < 20:
        start = time.monotonic()
        with urllib.request.urlopen(f"{srv.url}/_vpclab/health", timeout=5) as resp:
            assert resp.status == 200
        if not done.is_set():  # only answers given while the heavy request was still running count
            timings.append(time.monotonic() - start)
        time.sleep(0.02)
    thread.join(timeout=60)
    if not timings:
        pytest.skip("the heavy request finished before health was asked (a very fast machine)")
    # On a quiet 2-core machine every answer takes 5–10 ms (the server's 1 ms GIL switch interval:
    # docs/benchmarks.md); a machine busier than its cores (other test suites) delays any process by
    # its scheduler's slices, so there the worst case is only bounded
    assert sorted(timings)[len(timings) // 2] < 0.1, timings
    overloaded = os.getloadavg()[0] > (os.cpu_count() or 1)
    assert max(timings) < (0.5 if overloaded else 0.1), timings


def world_region(cp: ControlPlane) -> str:
    return str(cp.ctx.region)


def test_a_request_over_its_budget_is_unavailable_and_rolled_back() -> None:
    """The budget is cooperative: RunInstances checks it between launches, inside its
    transaction, so a stop leaves the World exactly as it was; the endpoint answers EC2's
    ``Unavailable`` (503) in its XML error shape."""
    world = World(seed=1)
    cp = ControlPlane(world)
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    subnet = cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.0.0/24")
    ami = next(i.image_id for i in images(world_region(cp)) if i.architecture == "x86_64")
    before = len(world)
    with budget.deadline(0.0, start=time.monotonic() - 1), pytest.raises(AwsError) as err:
        cp.run_instances(image_id=ami, instance_type="t3.micro", min_count=1,
                         max_count=5, subnet_id=subnet.id)
    assert (err.value.code, err.value.status) == ("Unavailable", 503)
    assert len(world) == before

    endpoint = Endpoint(world, default_vpc=False)
    with budget.deadline(0.0, start=time.monotonic() - 1):
        result = endpoint.dispatch({"Action": "DescribeVpcs", "Version": "2016-11-15"}, {})
    assert result.status == 503 and _code(result.body) == "Unavailable"
