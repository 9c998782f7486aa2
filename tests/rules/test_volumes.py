"""Instance root volumes and the EBS volumes of launch block device mappings. AWS docs: Amazon EC2 User
Guide "Block device mappings for volumes on Amazon EC2 instances"
(https://docs.aws.amazon.com/ebs/latest/userguide/block-device-mapping-concepts.html), "Amazon EBS
volume types" (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html) and the API
reference "RunInstances" (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html)."""

from __future__ import annotations

import pytest

from tests.conftest import raises_aws, unchanged
from vpclab.model.images import image_named
from vpclab.model.volume import Volume

AMI = image_named("us-east-1", "al2023")
WINDOWS = image_named("us-east-1", "Windows")


@pytest.fixture
def subnet(cp):
    vpc = cp.create_vpc(cidr_block="10.0.0.0/16")
    return cp.create_subnet(vpc_id=vpc.id, cidr_block="10.0.1.0/24", availability_zone="us-east-1a")


def _volumes(world, inst) -> list[Volume]:
    return [world.get(v, Volume) for v in inst.volume_ids]


def test_each_instance_gets_its_images_root_volume(cp, subnet):
    """"Block device mappings": an instance launched from an EBS-backed AMI gets a root volume at the
    AMI's root device name, from the AMI's snapshot, of its size, in the instance's zone, deleted on
    termination by default
    (https://docs.aws.amazon.com/ebs/latest/userguide/block-device-mapping-concepts.html)."""
    a, b = cp.run_instances(image_id=AMI.image_id, instance_type="t3.micro", subnet_id=subnet.id,
                            min_count=2, max_count=2)
    (root,) = _volumes(cp.world, a)
    assert (root.device, root.size, root.volume_type, root.snapshot_id) == (
        "/dev/xvda", 8, "gp3", AMI.root_snapshot_id)
    assert root.instance_id == a.id and root.state == "in-use" and root.delete_on_termination
    assert root.availability_zone == "us-east-1a" and a.root_device_name == "/dev/xvda"
    assert _volumes(cp.world, b)[0].id != root.id
    (win,) = cp.run_instances(image_id=WINDOWS.image_id, instance_type="t3.micro", subnet_id=subnet.id)
    (wroot,) = _volumes(cp.world, win)
    assert (wroot.device, wroot.size, wroot.volume_type) == ("/dev/sda1", 30, "gp2")


def test_block_device_mappings_resize_the_root_and_add_volumes(cp, subnet):
    """RunInstances BlockDeviceMapping.N: a mapping of the root device name changes the root volume
    (size, type, DeleteOnTermination); other EBS mappings add volumes; NoDevice and instance-store
    entries add none (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html)."""
    (inst,) = cp.run_instances(image_id=AMI.image_id, instance_type="t3.micro", subnet_id=subnet.id,
                               block_device_mappings=[
                                   {"device_name": "/dev/xvda",
                                    "ebs": {"volume_size": 20, "volume_type": "gp2"}},
                                   {"device_name": "/dev/sdf",
                                    "ebs": {"volume_size": 100, "volume_type": "io2", "iops": 1000,
                                            "delete_on_termination": False}},
                                   {"device_name": "/dev/sdg", "no_device": ""},
                                   {"device_name": "/dev/sdb", "virtual_name": "ephemeral0"},
                               ])
    root, data = _volumes(cp.world, inst)
    assert (root.size, root.volume_type, root.delete_on_termination) == (20, "gp2", True)
    assert (data.device, data.size, data.iops, data.delete_on_termination) == ("/dev/sdf", 100, 1000, False)


def test_terminate_deletes_volumes_marked_delete_on_termination(cp, subnet):
    """"Preserve data when an instance is terminated": a volume whose DeleteOnTermination is true is
    deleted with its instance; one whose flag is false is detached and stays (available)
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/preserving-volumes-on-termination.html)."""
    (inst,) = cp.run_instances(image_id=AMI.image_id, instance_type="t3.micro", subnet_id=subnet.id,
                               block_device_mappings=[{"device_name": "/dev/sdf",
                                                       "ebs": {"volume_size": 10,
                                                               "delete_on_termination": False}}])
    root_id, data_id = inst.volume_ids
    cp.terminate_instances(instance_ids=[inst.id])
    assert cp.world.get(root_id, Volume) is None
    kept = cp.world.get(data_id, Volume)
    assert kept is not None and kept.state == "available" and kept.instance_id is None


def test_launch_tags_go_to_volumes_and_interfaces(cp, subnet):
    """RunInstances TagSpecification.N: ``volume`` tags every volume created at launch,
    ``network-interface`` the interfaces it creates
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html)."""
    (inst,) = cp.run_instances(image_id=AMI.image_id, instance_type="t3.micro", subnet_id=subnet.id,
                               tags={"Name": "web"}, volume_tags={"Name": "web-root"},
                               network_interface_tags={"Name": "web-eni"})
    assert _volumes(cp.world, inst)[0].tags == {"Name": "web-root"}
    assert cp.world.get(inst.network_interface_ids[0]).tags == {"Name": "web-eni"}


@pytest.mark.parametrize(("mappings", "code", "message"), [
    ([{"device_name": "/dev/xvda", "ebs": {"volume_size": 5}}], "InvalidBlockDeviceMapping",
     f"Volume of size 5GB is smaller than snapshot '{AMI.root_snapshot_id}', expect size >= 8GB"),
    ([{"device_name": "/dev/sdf", "ebs": {"volume_type": "gp3"}}], "MissingParameter",
     "The request must contain the parameter size or snapshotId"),
    ([{"device_name": "/dev/sdf", "ebs": {"volume_size": 50, "volume_type": "st1"}}], "InvalidParameterValue",
     None),
    ([{"device_name": "/dev/sdf", "ebs": {"volume_size": 50, "volume_type": "io1"}}], "MissingParameter",
     "The request must contain the parameter iops"),
    ([{"device_name": "/dev/sdf", "ebs": {"volume_size": 5}}] * 2, "InvalidBlockDeviceMapping", None),
])
def test_bad_block_device_mappings_launch_nothing(cp, subnet, mappings, code, message):
    """"Amazon EBS volume types": st1/sc1 are 125 GiB to 16 TiB, io1/io2 need provisioned IOPS; a root
    volume cannot be smaller than the AMI's snapshot; a new volume needs a size
    (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html). Nothing is launched."""
    with unchanged(cp.world), raises_aws(code, message):
        cp.run_instances(image_id=AMI.image_id, instance_type="t3.micro", subnet_id=subnet.id,
                         block_device_mappings=mappings)
