"""RAM timestamps: ``creationTime`` and ``lastUpdatedTime`` on resource shares
(https://docs.aws.amazon.com/ram/latest/APIReference/API_ResourceShare.html), resource share
associations (https://docs.aws.amazon.com/ram/latest/APIReference/API_ResourceShareAssociation.html)
and shared resources (https://docs.aws.amazon.com/ram/latest/APIReference/API_Resource.html), as
epoch seconds in REST-JSON that botocore turns into datetimes; from the World's clock.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

import vpclab

from .conftest import Server

OWNER, PARTICIPANT, OTHER = "600000000011", "600000000012", "600000000013"


def _near_now(value: Any, before: datetime) -> None:
    assert isinstance(value, datetime) and value.tzinfo is not None, value
    assert before - timedelta(seconds=1) <= value <= datetime.now(UTC) + timedelta(seconds=1)


def test_shares_associations_and_resources_carry_their_times(clean_server: Server) -> None:
    """CreateResourceShare answers creationTime and lastUpdatedTime; GetResourceShares,
    GetResourceShareAssociations and ListResources repeat them; an association keeps its creation time
    and a disassociation answers it with the time of the change."""
    before = datetime.now(UTC)
    ec2 = clean_server.client(account=OWNER)
    ram = clean_server.client("ram", account=OWNER)
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    arn = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetArn"]
    share = ram.create_resource_share(name="timed", resourceArns=[arn], principals=[PARTICIPANT])[
        "resourceShare"
    ]
    _near_now(share["creationTime"], before)
    assert share["lastUpdatedTime"] == share["creationTime"]
    [listed] = ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]
    assert (listed["creationTime"], listed["lastUpdatedTime"]) == (
        share["creationTime"],
        share["lastUpdatedTime"],
    )
    for kind in ("RESOURCE", "PRINCIPAL"):
        [assoc] = ram.get_resource_share_associations(associationType=kind)["resourceShareAssociations"]
        _near_now(assoc["creationTime"], before)
        assert assoc["lastUpdatedTime"] >= assoc["creationTime"]
    [resource] = clean_server.client("ram", account=PARTICIPANT).list_resources(
        resourceOwner="OTHER-ACCOUNTS"
    )["resources"]
    _near_now(resource["creationTime"], before)

    added = ram.associate_resource_share(resourceShareArn=share["resourceShareArn"], principals=[OTHER])[
        "resourceShareAssociations"
    ]
    assert [a["associatedEntity"] for a in added] == [OTHER]
    _near_now(added[0]["creationTime"], before)
    removed = ram.disassociate_resource_share(resourceShareArn=share["resourceShareArn"], principals=[OTHER])[
        "resourceShareAssociations"
    ]
    assert removed[0]["status"] == "DISASSOCIATED" and removed[0]["creationTime"] == added[0]["creationTime"]
    assert removed[0]["lastUpdatedTime"] >= removed[0]["creationTime"]
    [after] = ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]
    assert (
        after["creationTime"] == share["creationTime"]
        and after["lastUpdatedTime"] >= share["lastUpdatedTime"]
    )


def test_times_follow_the_worlds_clock() -> None:
    """A lab that moves its clock sees the times move: a later association updates lastUpdatedTime by
    the clock's move while creationTime stays (in-process, where the test holds the World; ``vpclab
    serve`` answers the same)."""
    with vpclab.mock_aws() as lab:
        ec2 = boto3.client("ec2", region_name="us-east-1", aws_access_key_id=OWNER, aws_secret_access_key="x")
        ram = boto3.client("ram", region_name="us-east-1", aws_access_key_id=OWNER, aws_secret_access_key="x")
        vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        arn = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetArn"]
        share = ram.create_resource_share(name="clocked", resourceArns=[arn])["resourceShare"]
        start = share["creationTime"]
        assert share["lastUpdatedTime"] == start
        with lab.state.lock:
            lab.world.clock.advance(timedelta(days=2))
        [added] = ram.associate_resource_share(
            resourceShareArn=share["resourceShareArn"], principals=[PARTICIPANT]
        )["resourceShareAssociations"]
        moved = added["creationTime"] - start
        assert timedelta(days=2) <= moved < timedelta(days=2, seconds=30)
        [now] = ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]
        assert (now["creationTime"], now["lastUpdatedTime"]) == (start, added["creationTime"])
        [subnet_assoc] = ram.get_resource_share_associations(associationType="RESOURCE")[
            "resourceShareAssociations"
        ]
        assert subnet_assoc["creationTime"] == start


def test_aws_cli_prints_the_times(clean_server: Server) -> None:
    """The aws CLI (v1, whose default ``cli_timestamp_format`` prints the wire value) prints a new
    share's creationTime and lastUpdatedTime as the epoch seconds RAM sends."""
    before = datetime.now(UTC)
    env = {
        "AWS_ACCESS_KEY_ID": OWNER,
        "AWS_SECRET_ACCESS_KEY": "lab",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
    }
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "awscli",
            "ram",
            "create-resource-share",
            "--name",
            "cli-timed",
            "--endpoint-url",
            clean_server.url,
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    share = json.loads(out.stdout)["resourceShare"]
    assert isinstance(share["creationTime"], int | float), share
    _near_now(datetime.fromtimestamp(share["creationTime"], UTC), before)
    assert share["lastUpdatedTime"] == share["creationTime"]
