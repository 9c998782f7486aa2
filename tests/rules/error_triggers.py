"""One way to make vpclab answer each code the catalogue (tests/rules/error_codes.toml) marks
``raised``: through the ControlPlane where AWS raises the code for an action, through the EC2
endpoint (``Endpoint.dispatch``) or the signature check for the protocol's own codes.

A trigger takes the test's ControlPlane (account 111111111111, us-east-1) and pytest's
monkeypatch, and either raises the AwsError or returns the code AWS answers in a result (an
``Unsuccessful`` item, an endpoint response). tests/rules/test_error_catalogue.py runs each one.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from vpclab import ControlPlane, World
from vpclab.model import quotas
from vpclab.model.images import images

Trigger = Callable[[ControlPlane, pytest.MonkeyPatch], "str | None"]
TRIGGERS: dict[str, Trigger] = {}
ACCOUNT_B = "222222222222"
GHOST = "0123456789abcdef0"


def trigger(code: str) -> Callable[[Trigger], Trigger]:
    def register(fn: Trigger) -> Trigger:
        TRIGGERS[code] = fn
        return fn

    return register


def quota(cp: ControlPlane, mp: pytest.MonkeyPatch, name: str, value: int) -> None:
    """Quota ``name`` set to ``value`` for this test (the World's quota mode)."""
    mp.setitem(quotas.table()[name], cp.world.settings.quotas, value)


# -- small builders ----------------------------------------------------------------------------
def vpc(cp: ControlPlane, cidr: str = "10.0.0.0/16") -> Any:
    return cp.create_vpc(cidr_block=cidr)


def subnet(cp: ControlPlane, vpc_id: str, cidr: str = "10.0.0.0/24", az: str = "us-east-1a") -> Any:
    return cp.create_subnet(vpc_id=vpc_id, cidr_block=cidr, availability_zone=az)


def ami(cp: ControlPlane) -> str:
    return next(i.image_id for i in images(cp.region) if i.architecture == "x86_64")


def instance(cp: ControlPlane, subnet_id: str, **kw: Any) -> Any:
    (inst,) = cp.run_instances(
        image_id=ami(cp), instance_type="t3.micro", min_count=1, max_count=1, subnet_id=subnet_id, **kw
    )
    return inst


def cgw(cp: ControlPlane, ip: str = "203.0.113.10", asn: int = 65000) -> Any:
    return cp.create_customer_gateway(type="ipsec.1", ip_address=ip, bgp_asn=asn)


def attached_vgw(cp: ControlPlane, vpc_id: str) -> Any:
    vgw = cp.create_vpn_gateway(type="ipsec.1")
    cp.attach_vpn_gateway(vpc_id=vpc_id, vpn_gateway_id=vgw.id)
    return vgw


def main_table(cp: ControlPlane, vpc_id: str) -> Any:
    from vpclab.model.route_table import RouteTable

    return next(rt for rt in cp.world.in_vpc(vpc_id, RouteTable) if rt.main)


def rule(port: int, cidr: str = "10.0.0.0/8") -> dict[str, Any]:
    return {"ip_protocol": "tcp", "from_port": port, "to_port": port, "ip_ranges": [{"cidr_ip": cidr}]}


# -- the EC2 endpoint and the signature check --------------------------------------------------
AUTH = (
    "AWS4-HMAC-SHA256 Credential=111111111111/20261207/us-east-1/ec2/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=0"
)


def dispatch(form: dict[str, str], world: World | None = None) -> str:
    """The error code the EC2 endpoint answers ``form`` with (or "" for a success)."""
    from vpclab.aws.endpoint import Endpoint

    endpoint = Endpoint(world if world is not None else World(seed=7))
    answer = endpoint.dispatch({"Version": "2016-11-15", **form}, {"authorization": AUTH})
    found = re.search(r"<Code>([^<]+)</Code>", answer.body)
    return found.group(1) if found else ""


def signed(service: str = "ec2", key: str = "AKIAALICE0000EXAMPLE", secret: str = "secret") -> dict[str, str]:
    """Headers of a SigV4-signed DescribeVpcs (botocore's signer), lower-cased as servers see them."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(
        method="POST",
        url="http://localhost:4566/",
        data=b"Action=DescribeVpcs",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    SigV4Auth(Credentials(key, secret), service, "us-east-1").add_auth(request)
    return {k.lower(): v for k, v in request.headers.items()}


def verify(headers: dict[str, str]) -> None:
    from vpclab.aws.security import Credential, SignatureVerifier

    alice = Credential("AKIAALICE0000EXAMPLE", "secret", "111111111111")
    SignatureVerifier({alice.access_key_id: alice}).verify(
        "POST", "/", "", {"host": "localhost:4566", **headers}, b"Action=DescribeVpcs"
    )


# -- common codes ------------------------------------------------------------------------------
@trigger("AuthFailure")
def _(cp, mp):
    return verify(signed(key="AKIAUNKNOWN000000000"))


@trigger("InvalidClientTokenId")
def _(cp, mp):
    return verify(signed(service="sts", key="AKIAUNKNOWN000000000"))


@trigger("MissingAuthenticationToken")
def _(cp, mp):
    return verify({})


@trigger("IncompleteSignature")
def _(cp, mp):
    return verify({"authorization": "AWS4-HMAC-SHA256 made-up"})


@trigger("SignatureDoesNotMatch")
def _(cp, mp):
    return verify(signed(secret="not-the-secret"))


@trigger("RequestExpired")
def _(cp, mp):
    headers = signed()
    headers["x-amz-date"] = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ")
    return verify(headers)


@trigger("DryRunOperation")
def _(cp, mp):
    return dispatch({"Action": "CreateVpc", "CidrBlock": "10.0.0.0/16", "DryRun": "true"})


@trigger("IdempotentParameterMismatch")
def _(cp, mp):
    from vpclab.aws.endpoint import Endpoint

    a, b = vpc(cp), vpc(cp, "10.1.0.0/16")
    endpoint = Endpoint(cp.world)
    codes = []
    for vpc_id in (a.id, b.id):
        form = {"Version": "2016-11-15", "Action": "CreateRouteTable", "VpcId": vpc_id, "ClientToken": "rt-1"}
        found = re.search(r"<Code>([^<]+)</Code>", endpoint.dispatch(form, {"authorization": AUTH}).body)
        codes.append(found.group(1) if found else "")
    return codes[-1] if codes[0] == "" else codes[0]


@trigger("InvalidAction")
def _(cp, mp):
    return dispatch({"Action": "CreateFluxCapacitor"})


@trigger("MissingAction")
def _(cp, mp):
    return dispatch({})


@trigger("UnknownParameter")
def _(cp, mp):
    return dispatch({"Action": "DescribeVpcs", "Colour": "blue"})


@trigger("MissingParameter")
def _(cp, mp):
    return dispatch({"Action": "CreateSubnet", "CidrBlock": "10.0.0.0/24"})


@trigger("InvalidParameterValue")
def _(cp, mp):
    vpc(cp, "10.0.0.0/33")


@trigger("InvalidParameterCombination")
def _(cp, mp):
    v = vpc(cp)
    igw = cp.create_internet_gateway()
    cp.attach_internet_gateway(internet_gateway_id=igw.id, vpc_id=v.id)
    cp.create_route(
        route_table_id=main_table(cp, v.id).id,
        destination_cidr_block="0.0.0.0/0",
        gateway_id=igw.id,
        egress_only_internet_gateway_id=igw.id,
    )


@trigger("InvalidParameter")
def _(cp, mp):
    v = vpc(cp)
    cp.create_vpc_endpoint(
        vpc_id=v.id,
        service_name="com.amazonaws.us-east-1.s3",
        vpc_endpoint_type="Gateway",
        subnet_ids=[subnet(cp, v.id).id],
    )


@trigger("UnauthorizedOperation")
def _(cp, mp):
    from vpclab.model.sharing import ResourceShare

    v = vpc(cp)
    s = subnet(cp, v.id)
    cp.world.put(
        ResourceShare(
            id=cp.world.ids.new("resource_share"),
            owner_id=v.owner_id,
            region=v.region,
            share_name="s",
            resource_ids=(s.id,),
            principals=(ACCOUNT_B,),
        )
    )
    cp.as_(account_id=ACCOUNT_B).create_route_table(vpc_id=v.id)


@trigger("UnsupportedOperation")
def _(cp, mp):
    from vpclab.model.prefix_lists import aws_managed_prefix_list_id

    vpc(cp)
    cp.modify_managed_prefix_list(
        prefix_list_id=aws_managed_prefix_list_id("us-east-1", "s3"), add_entries=[{"cidr": "10.0.0.0/8"}]
    )


@trigger("ValidationError")
def _(cp, mp):
    v = vpc(cp)
    s = subnet(cp, v.id)
    cp.create_load_balancer(name="-bad-", subnets=[s.id])


@trigger("InvalidRequest")
def _(cp, mp):
    from vpclab.aws import endpoint

    def broken(*args: Any, **kw: Any) -> str:
        raise RuntimeError("a bug")

    mp.setattr(endpoint.Endpoint, "_run", broken)
    return dispatch({"Action": "DescribeVpcs"})


@trigger("FilterLimitExceeded")
def _(cp, mp):
    form = {"Action": "DescribeVpcs"}
    for i in range(1, 60):
        form[f"Filter.{i}.Name"] = "cidr"
        form[f"Filter.{i}.Value.1"] = "10.0.0.0/16"
    return dispatch(form)


@trigger("InvalidNextToken")
def _(cp, mp):
    return dispatch({"Action": "DescribeVpcs", "NextToken": "not-a-token"})


@trigger("InvalidAddress.NotFound")
def _(cp, mp):
    return dispatch({"Action": "DescribeAddresses", "PublicIp.1": "198.51.100.7"})


@trigger("InvalidFilter")
def _(cp, mp):
    tgw = cp.create_transit_gateway()
    rtb = cp.create_transit_gateway_route_table(transit_gateway_id=tgw.id)
    cp.search_transit_gateway_routes(
        transit_gateway_route_table_id=rtb.id, filters=[{"name": "colour", "values": ["blue"]}]
    )


# -- server codes ------------------------------------------------------------------------------
@trigger("Unavailable")
def _(cp, mp):
    from vpclab.core import budget

    s = subnet(cp, vpc(cp).id)
    with budget.deadline(0.0, start=time.monotonic() - 1):
        cp.run_instances(image_id=ami(cp), instance_type="t3.micro", min_count=1, max_count=5, subnet_id=s.id)


@trigger("InternalError")
def _(cp, mp):
    import sqlite3
    import tempfile
    from pathlib import Path

    from vpclab.aws.store import SqliteStore

    path = Path(tempfile.mkdtemp()) / "state.db"
    store = SqliteStore.open(path)
    world = store.load(World)
    store.attach(world)
    fault = sqlite3.connect(path)
    fault.execute("CREATE TRIGGER fault BEFORE INSERT ON resources BEGIN SELECT RAISE(ABORT, 'no'); END")
    fault.commit()
    fault.close()
    ControlPlane(world).create_vpc(cidr_block="10.0.0.0/16")


@trigger("InsufficientAddressCapacity")
def _(cp, mp):
    from ipaddress import IPv4Network

    from vpclab.control import addresses

    # a pool of one address (a /30 has two hosts; the first is taken): the lab pool exhausted
    mp.setattr(addresses, "ELASTIC_IP_POOL", IPv4Network("198.51.100.0/30"))
    cp.allocate_address()
    cp.allocate_address()
    cp.allocate_address()
