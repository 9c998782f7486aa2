"""Instance root volumes through boto3 and the aws CLI against a live ``vpclab serve``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from .conftest import Server, client_error

ACCOUNT = "100000000092"


def _ami(ec2: Any) -> str:
    filters = [{"Name": "name", "Values": ["al2023-ami-*"]}, {"Name": "architecture", "Values": ["x86_64"]}]
    return str(ec2.describe_images(Owners=["amazon"], Filters=filters)["Images"][0]["ImageId"])


def test_root_volume_tagged_at_launch_and_deleted_on_terminate(server: Server) -> None:
    """RunInstances with TagSpecifications for ``instance`` and ``volume``: DescribeInstances shows
    the root volume in BlockDeviceMappings, DescribeVolumes finds it by id, attachment and tag;
    TerminateInstances deletes it (DeleteOnTermination), a kept data volume becomes available.

    AWS RunInstances (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html),
    DescribeVolumes (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumes.html).
    """
    ec2 = server.client(account=ACCOUNT)
    ami = _ami(ec2)
    (image,) = ec2.describe_images(ImageIds=[ami])["Images"]
    assert image["BlockDeviceMappings"][0]["DeviceName"] == image["RootDeviceName"] == "/dev/xvda"
    tags = [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]},
            {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "web-disk"}]}]
    (inst,) = ec2.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                                TagSpecifications=tags,
                                BlockDeviceMappings=[{"DeviceName": "/dev/sdf", "Ebs": {
                                    "VolumeSize": 10, "DeleteOnTermination": False}}])["Instances"]
    root_map, data_map = inst["BlockDeviceMappings"]
    assert root_map["DeviceName"] == inst["RootDeviceName"] == "/dev/xvda"
    assert root_map["Ebs"]["Status"] == "attached" and root_map["Ebs"]["DeleteOnTermination"] is True
    root_id, data_id = root_map["Ebs"]["VolumeId"], data_map["Ebs"]["VolumeId"]
    (root,) = ec2.describe_volumes(VolumeIds=[root_id])["Volumes"]
    assert root["Size"] == 8 and root["VolumeType"] == "gp3" and root["State"] == "in-use"
    assert root["AvailabilityZone"] == inst["Placement"]["AvailabilityZone"]
    assert root["Tags"] == [{"Key": "Name", "Value": "web-disk"}]
    assert root["Attachments"][0]["InstanceId"] == inst["InstanceId"]
    on_instance = [{"Name": "attachment.instance-id", "Values": [inst["InstanceId"]]}]
    attached = ec2.describe_volumes(Filters=on_instance)
    assert {v["VolumeId"] for v in attached["Volumes"]} == {root_id, data_id}
    by_tag = ec2.describe_volumes(Filters=[{"Name": "tag:Name", "Values": ["web-disk"]}])["Volumes"]
    assert {v["VolumeId"] for v in by_tag} == {root_id, data_id}
    by_device = ec2.describe_instances(
        Filters=[{"Name": "block-device-mapping.volume-id", "Values": [data_id]}])["Reservations"]
    assert by_device[0]["Instances"][0]["InstanceId"] == inst["InstanceId"]

    ec2.terminate_instances(InstanceIds=[inst["InstanceId"]])
    with client_error("InvalidVolume.NotFound", f"The volume '{root_id}' does not exist."):
        ec2.describe_volumes(VolumeIds=[root_id])
    (kept,) = ec2.describe_volumes(VolumeIds=[data_id])["Volumes"]
    assert kept["State"] == "available" and kept["Attachments"] == []
    with client_error("InvalidParameterValue"):
        ec2.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                          TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "a", "Value": "b"}]}])


def test_aws_cli_describe_volumes(server: Server) -> None:
    """``aws ec2 run-instances --tag-specifications`` for the volume, then ``aws ec2 describe-volumes``
    (AWS CLI reference, ec2 describe-volumes;
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVolumes.html)."""
    ec2 = server.client(account=ACCOUNT)
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCOUNT, "AWS_SECRET_ACCESS_KEY": "lab",
           "AWS_DEFAULT_REGION": "us-east-1"}
    base = [sys.executable, "-m", "awscli", "ec2", "--endpoint-url", server.url, "--output", "json"]

    def aws(*args: str) -> Any:
        run = subprocess.run([*base, *args], capture_output=True, text=True, env=env, timeout=60, check=False)
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout)

    launched = aws("run-instances", "--image-id", _ami(ec2), "--instance-type", "t3.micro",
                   "--tag-specifications", "ResourceType=volume,Tags=[{Key=Team,Value=cli}]")
    instance_id = launched["Instances"][0]["InstanceId"]
    volumes = aws("describe-volumes", "--filters",
                  f"Name=attachment.instance-id,Values={instance_id}")["Volumes"]
    assert len(volumes) == 1 and volumes[0]["Tags"] == [{"Key": "Team", "Value": "cli"}]
    assert volumes[0]["Attachments"][0]["Device"] == "/dev/xvda"
