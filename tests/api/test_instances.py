"""Network interfaces, instances, images and instance types through boto3 (and one aws CLI call)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from .conftest import Server, client_error


def _vpc_with_subnet(ec2: Any, cidr: str = "10.0.0.0/16", subnet: str = "10.0.1.0/24") -> tuple[str, str]:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=subnet)["Subnet"]["SubnetId"]
    return vpc_id, subnet_id


def _amazon_linux(ec2: Any) -> str:
    [img] = ec2.describe_images(
        Owners=["amazon"],
        Filters=[
            {"Name": "name", "Values": ["al2023-ami-*"]},
            {"Name": "architecture", "Values": ["x86_64"]},
        ],
    )["Images"]
    return str(img["ImageId"])


def test_describe_images_and_instance_types(server: Server) -> None:
    """DescribeImages(Owners=["amazon"]) returns usable Amazon-owned AMIs; "self" returns none;
    an unknown id is InvalidAMIID.NotFound. DescribeInstanceTypes answers the catalogue's types.

    AWS: "DescribeImages" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImages.html).
    """
    ec2 = server.client(account="400000000001")
    amazon = ec2.describe_images(Owners=["amazon"])["Images"]
    assert amazon and all(i["ImageOwnerAlias"] == "amazon" and i["State"] == "available" for i in amazon)
    assert ec2.describe_images(Owners=["self"])["Images"] == []
    windows = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "platform", "Values": ["windows"]}])
    assert [i["Platform"] for i in windows["Images"]] == ["windows"]
    canonical = ec2.describe_images(Owners=["099720109477"])["Images"]
    assert canonical and all(i["Name"].startswith("ubuntu/") for i in canonical)
    with client_error("InvalidAMIID.NotFound", "The image id '[ami-0123456789abcdef0]' does not exist"):
        ec2.describe_images(ImageIds=["ami-0123456789abcdef0"])
    [t3] = ec2.describe_instance_types(InstanceTypes=["t3.micro"])["InstanceTypes"]
    assert t3["NetworkInfo"]["MaximumNetworkInterfaces"] == 2
    assert t3["NetworkInfo"]["Ipv4AddressesPerInterface"] == 2
    arm = ec2.describe_instance_types(
        Filters=[{"Name": "processor-info.supported-architecture", "Values": ["arm64"]}]
    )["InstanceTypes"]
    assert arm and all(t["ProcessorInfo"]["SupportedArchitectures"] == ["arm64"] for t in arm)
    with client_error(
        "UnsupportedOperation", "The instance types [p5.48xlarge] are not in vpclab's catalogue."
    ):
        ec2.describe_instance_types(InstanceTypes=["p5.48xlarge"])


def test_run_describe_stop_start_terminate(clean_server: Server) -> None:
    """RunInstances answers a Reservation with instances in AWS's shape; DescribeInstances groups
    them in reservations and filters; Stop/Start/Terminate answer CurrentState and PreviousState.

    AWS: "RunInstances" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html)
    and "InstanceState" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceState.html).
    """
    ec2 = clean_server.client(account="400000000002")
    vpc_id, subnet_id = _vpc_with_subnet(ec2)
    sg_id = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc_id)["GroupId"]
    image_id = _amazon_linux(ec2)
    res = ec2.run_instances(
        ImageId=image_id,
        InstanceType="t3.micro",
        MinCount=2,
        MaxCount=2,
        SubnetId=subnet_id,
        SecurityGroupIds=[sg_id],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "role", "Value": "app"}]}],
    )
    assert res["ReservationId"].startswith("r-") and res["OwnerId"] == "400000000002"
    first, second = res["Instances"]
    assert first["State"] == {"Code": 16, "Name": "running"}
    assert (first["SubnetId"], first["VpcId"], first["ImageId"]) == (subnet_id, vpc_id, image_id)
    assert first["SecurityGroups"] == [{"GroupId": sg_id, "GroupName": "app"}]
    assert first["Placement"]["AvailabilityZone"].startswith("us-east-1")
    assert first["SourceDestCheck"] is True and first["Tags"] == [{"Key": "role", "Value": "app"}]
    [eni] = first["NetworkInterfaces"]
    assert eni["PrivateIpAddress"] == first["PrivateIpAddress"]
    assert eni["Attachment"]["DeviceIndex"] == 0 and eni["Attachment"]["Status"] == "attached"
    assert "PublicIpAddress" not in first
    found = ec2.describe_instances(
        Filters=[
            {"Name": "private-ip-address", "Values": [second["PrivateIpAddress"]]},
            {"Name": "instance-state-name", "Values": ["running"]},
            {"Name": "tag:role", "Values": ["app"]},
        ]
    )["Reservations"]
    assert [[i["InstanceId"] for i in r["Instances"]] for r in found] == [[second["InstanceId"]]]
    by_eni = ec2.describe_instances(
        Filters=[{"Name": "network-interface.network-interface-id", "Values": [eni["NetworkInterfaceId"]]}]
    )["Reservations"]
    assert by_eni[0]["Instances"][0]["InstanceId"] == first["InstanceId"]
    stopped = ec2.stop_instances(InstanceIds=[first["InstanceId"]])["StoppingInstances"]
    assert stopped == [
        {
            "InstanceId": first["InstanceId"],
            "CurrentState": {"Code": 80, "Name": "stopped"},
            "PreviousState": {"Code": 16, "Name": "running"},
        }
    ]
    started = ec2.start_instances(InstanceIds=[first["InstanceId"]])["StartingInstances"]
    assert started[0]["PreviousState"]["Name"] == "stopped" and started[0]["CurrentState"]["Code"] == 16
    ec2.modify_instance_attribute(InstanceId=first["InstanceId"], SourceDestCheck={"Value": False})
    attr = ec2.describe_instance_attribute(InstanceId=first["InstanceId"], Attribute="sourceDestCheck")
    assert attr["SourceDestCheck"] == {"Value": False}
    [term] = ec2.terminate_instances(InstanceIds=[second["InstanceId"]])["TerminatingInstances"]
    assert term["CurrentState"] == {"Code": 48, "Name": "terminated"} and term["PreviousState"]["Code"] == 16
    terminated = ec2.describe_instances(InstanceIds=[second["InstanceId"]])["Reservations"][0]["Instances"][0]
    assert terminated["State"]["Name"] == "terminated" and terminated["NetworkInterfaces"] == []
    with client_error(
        "IncorrectInstanceState",
        f"The instance '{second['InstanceId']}' is not in a state from which it can be started.",
    ):
        ec2.start_instances(InstanceIds=[second["InstanceId"]])
    with client_error("InvalidInstanceID.NotFound", "The instance ID 'i-0123456789abcdef0' does not exist"):
        ec2.describe_instances(InstanceIds=["i-0123456789abcdef0"])
    with client_error("InvalidAMIID.NotFound", "The image id '[ami-0123456789abcdef0]' does not exist"):
        ec2.run_instances(
            ImageId="ami-0123456789abcdef0",
            InstanceType="t3.micro",
            MinCount=1,
            MaxCount=1,
            SubnetId=subnet_id,
        )
    # another account sees neither the instances nor their interfaces
    other = clean_server.client(account="400000000009")
    with client_error(
        "InvalidInstanceID.NotFound", f"The instance ID '{first['InstanceId']}' does not exist"
    ):
        other.describe_instances(InstanceIds=[first["InstanceId"]])


def test_default_vpc_launch_gets_public_ip(server: Server) -> None:
    """A launch with no subnet goes to the default VPC, whose subnets map public IPs on launch; the
    default group by name (SecurityGroups=["default"]).

    AWS: "Default VPCs" (https://docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html).
    """
    ec2 = server.client(account="400000000003")
    [inst] = ec2.run_instances(
        ImageId=_amazon_linux(ec2),
        InstanceType="t3.micro",
        MinCount=1,
        MaxCount=1,
        SecurityGroups=["default"],
    )["Instances"]
    assert inst["PublicIpAddress"]
    assert inst["SecurityGroups"][0]["GroupName"] == "default"
    [r] = ec2.describe_instances(Filters=[{"Name": "ip-address", "Values": [inst["PublicIpAddress"]]}])[
        "Reservations"
    ]
    assert r["Instances"][0]["InstanceId"] == inst["InstanceId"]


def test_network_interfaces(clean_server: Server) -> None:
    """CreateNetworkInterface, DescribeNetworkInterfaces filters, Attach/Detach, attributes,
    Assign/UnassignPrivateIpAddresses, and the in-use and primary-interface rules.

    AWS: "Elastic network interfaces" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-eni.html).
    """
    ec2 = clean_server.client(account="400000000004")
    vpc_id, subnet_id = _vpc_with_subnet(ec2)
    sg_id = ec2.create_security_group(GroupName="eni", Description="eni", VpcId=vpc_id)["GroupId"]
    eni = ec2.create_network_interface(
        SubnetId=subnet_id,
        Groups=[sg_id],
        Description="extra",
        PrivateIpAddress="10.0.1.50",
        TagSpecifications=[{"ResourceType": "network-interface", "Tags": [{"Key": "k", "Value": "v"}]}],
    )["NetworkInterface"]
    eni_id = eni["NetworkInterfaceId"]
    assert eni["Status"] == "available" and eni["PrivateIpAddress"] == "10.0.1.50"
    assert eni["Groups"] == [{"GroupId": sg_id, "GroupName": "eni"}] and eni["TagSet"] == [
        {"Key": "k", "Value": "v"}
    ]
    assert eni["PrivateIpAddresses"][0]["Primary"] is True and eni["InterfaceType"] == "interface"
    with client_error("InvalidIPAddress.InUse"):
        ec2.create_network_interface(SubnetId=subnet_id, PrivateIpAddress="10.0.1.50")
    [inst] = ec2.run_instances(
        ImageId=_amazon_linux(ec2), InstanceType="t3.small", MinCount=1, MaxCount=1, SubnetId=subnet_id
    )["Instances"]
    att = ec2.attach_network_interface(
        NetworkInterfaceId=eni_id, InstanceId=inst["InstanceId"], DeviceIndex=1
    )
    assert att["AttachmentId"].startswith("eni-attach-")
    [found] = ec2.describe_network_interfaces(
        Filters=[
            {"Name": "attachment.instance-id", "Values": [inst["InstanceId"]]},
            {"Name": "group-id", "Values": [sg_id]},
            {"Name": "status", "Values": ["in-use"]},
        ]
    )["NetworkInterfaces"]
    assert found["NetworkInterfaceId"] == eni_id and found["Attachment"]["InstanceId"] == inst["InstanceId"]
    with client_error("InvalidParameterValue", f"Network interface '{eni_id}' is currently in use."):
        ec2.delete_network_interface(NetworkInterfaceId=eni_id)
    primary_att = inst["NetworkInterfaces"][0]["Attachment"]["AttachmentId"]
    with client_error(
        "OperationNotPermitted",
        "The network interface at device index 0 and networkCard index 0 cannot be detached.",
    ):
        ec2.detach_network_interface(AttachmentId=primary_att)
    assigned = ec2.assign_private_ip_addresses(NetworkInterfaceId=eni_id, SecondaryPrivateIpAddressCount=1)
    [extra] = assigned["AssignedPrivateIpAddresses"]
    by_addr = ec2.describe_network_interfaces(
        Filters=[{"Name": "addresses.private-ip-address", "Values": [extra["PrivateIpAddress"]]}]
    )["NetworkInterfaces"]
    assert [e["NetworkInterfaceId"] for e in by_addr] == [eni_id]
    ec2.unassign_private_ip_addresses(
        NetworkInterfaceId=eni_id, PrivateIpAddresses=[extra["PrivateIpAddress"]]
    )
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni_id, SourceDestCheck={"Value": False})
    attr = ec2.describe_network_interface_attribute(NetworkInterfaceId=eni_id, Attribute="sourceDestCheck")
    assert attr["SourceDestCheck"] == {"Value": False}
    desc = ec2.describe_network_interface_attribute(NetworkInterfaceId=eni_id, Attribute="description")
    assert desc["Description"] == {"Value": "extra"}
    ec2.detach_network_interface(AttachmentId=att["AttachmentId"])
    ec2.delete_network_interface(NetworkInterfaceId=eni_id)
    with client_error(
        "InvalidNetworkInterfaceID.NotFound", f"The networkInterface ID '{eni_id}' does not exist"
    ):
        ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])


def test_aws_cli_run_instances(clean_server: Server) -> None:
    """The aws CLI launches and lists an instance (AWS CLI reference: ec2 run-instances)."""
    ec2 = clean_server.client(account="400000000005")
    _, subnet_id = _vpc_with_subnet(ec2)
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "400000000005",
        "AWS_SECRET_ACCESS_KEY": "lab",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    base = [sys.executable, "-m", "awscli", "ec2", "--endpoint-url", clean_server.url, "--output", "json"]
    run = subprocess.run(
        [
            *base,
            "run-instances",
            "--image-id",
            _amazon_linux(ec2),
            "--instance-type",
            "t3.micro",
            "--subnet-id",
            subnet_id,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    [inst] = json.loads(run.stdout)["Instances"]
    assert inst["SubnetId"] == subnet_id and inst["State"]["Name"] == "running"


def test_typical_launch_scripts_work_unchanged(server: Server) -> None:
    """Scripts pass a key pair, user data, block devices and a placement zone; vpclab keeps the key
    name, checks the zone against the subnet, and accepts the rest (they do not change reachability).

    AWS RunInstances (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html).
    """
    ec2 = server.client(account="400000000004")
    in_b = [{"Name": "availability-zone", "Values": ["us-east-1b"]}]
    subnet = ec2.describe_subnets(Filters=in_b)["Subnets"][0]
    launch = dict(ImageId=_amazon_linux(ec2), InstanceType="t3.micro", MinCount=1, MaxCount=1,
                  SubnetId=subnet["SubnetId"], KeyName="ops", UserData="#!/bin/sh\necho hi\n",
                  BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 20}}],
                  Monitoring={"Enabled": False}, MetadataOptions={"HttpTokens": "required"})
    [inst] = ec2.run_instances(**launch, Placement={"AvailabilityZone": "us-east-1b"})["Instances"]
    assert inst["KeyName"] == "ops" and inst["Placement"]["AvailabilityZone"] == "us-east-1b"
    with client_error("InvalidParameterValue"):
        ec2.run_instances(**launch, Placement={"AvailabilityZone": "us-east-1c"})


def test_describe_instance_status(clean_server: Server) -> None:
    """DescribeInstanceStatus as Ansible's amazon.aws.ec2_instance calls it: running instances only by
    default, every instance with IncludeAllInstances, "ok" status checks for a running instance,
    filters, and InvalidInstanceID.NotFound for an unknown id.

    AWS: "DescribeInstanceStatus"
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceStatus.html).
    """
    ec2 = clean_server.client(account="400000000003")
    _, subnet_id = _vpc_with_subnet(ec2)
    ids = [
        i["InstanceId"]
        for i in ec2.run_instances(
            ImageId=_amazon_linux(ec2), InstanceType="t3.micro", MinCount=2, MaxCount=2, SubnetId=subnet_id
        )["Instances"]
    ]
    ec2.stop_instances(InstanceIds=[ids[1]])
    [st] = ec2.describe_instance_status(InstanceIds=ids)["InstanceStatuses"]
    assert st["InstanceId"] == ids[0] and st["InstanceState"] == {"Code": 16, "Name": "running"}
    assert st["InstanceStatus"] == {"Status": "ok", "Details": [{"Name": "reachability", "Status": "passed"}]}
    assert st["SystemStatus"]["Status"] == "ok"
    every = ec2.describe_instance_status(InstanceIds=ids, IncludeAllInstances=True)["InstanceStatuses"]
    assert {s["InstanceId"]: s["InstanceStatus"]["Status"] for s in every} == {
        ids[0]: "ok",
        ids[1]: "not-applicable",
    }
    stopped = ec2.describe_instance_status(
        IncludeAllInstances=True, Filters=[{"Name": "instance-state-name", "Values": ["stopped"]}]
    )["InstanceStatuses"]
    assert [s["InstanceId"] for s in stopped] == [ids[1]]
    with client_error("InvalidInstanceID.NotFound"):
        ec2.describe_instance_status(InstanceIds=["i-0123456789abcdef0"])
