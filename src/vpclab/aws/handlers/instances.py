"""Instances (RunInstances, DescribeInstances, Terminate/Stop/StartInstances, instance attributes),
the built-in image catalogue (DescribeImages) and instance types (DescribeInstanceTypes).

AWS: EC2 API reference for each action; "Instance state" codes from ``InstanceState``
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceState.html): 0 pending,
16 running, 32 shutting-down, 48 terminated, 64 stopping, 80 stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import replace as dc_replace
from typing import Any

from ...core.errors import AwsError, invalid_parameter_value
from ...model.images import INSTANCE_TYPES, Image, InstanceType, images
from ...model.interfaces import Instance, NetworkInterface
from ...model.security_group import SecurityGroup
from ...model.volume import Volume
from ...model.world import World
from .. import shapes
from ..describe import Kind, compile_filters, matches, page, select
from ..registry import Call, control_kwargs, handler, tag_map
from .interfaces import (
    association,
    attachment,
    groups,
    mac_address,
    private_dns_name,
    private_ips,
    resource_dns_name,
    without_ipv4,
)
from .security_group import default_vpc

Shape = dict[str, Any]

STATE_CODES = {
    "pending": 0,
    "running": 16,
    "shutting-down": 32,
    "terminated": 48,
    "stopping": 64,
    "stopped": 80,
}


def state(name: str) -> Shape:
    return {"Code": STATE_CODES[name], "Name": name}


def _interfaces(world: World, inst: Instance) -> list[NetworkInterface]:
    found = (world.get(i, NetworkInterface) for i in inst.network_interface_ids)
    return sorted((e for e in found if e is not None), key=lambda e: e.device_index or 0)


def instance_network_interface(world: World, eni: NetworkInterface) -> Shape:
    out: Shape = {}
    assoc = association(world, eni, eni.private_ip_address)
    if assoc is not None:
        out["Association"] = assoc
    att = attachment(world, eni, with_instance=False)
    if att is not None:
        out["Attachment"] = att
    out.update(
        {
            "Description": eni.description,
            "Groups": groups(world, eni.groups),
            "Ipv6Addresses": [
                {"Ipv6Address": a, "IsPrimaryIpv6": a == eni.primary_ipv6_address} for a in eni.ipv6_addresses
            ],
            "MacAddress": mac_address(eni.id),
            "NetworkInterfaceId": eni.id,
            "OwnerId": eni.owner_id,
            "PrivateDnsName": private_dns_name(eni.region, eni.private_ip_address),
            "PrivateIpAddress": eni.private_ip_address,
            "PrivateIpAddresses": private_ips(world, eni),
            "SourceDestCheck": eni.source_dest_check,
            "Status": eni.status,
            "SubnetId": eni.subnet_id,
            "VpcId": eni.vpc_id,
            "InterfaceType": eni.interface_type,
        }
    )
    return without_ipv4(out, eni.has_ipv4)


def _primary(world: World, inst: Instance) -> NetworkInterface | None:
    return next((e for e in _interfaces(world, inst) if e.device_index == 0), None)


def instance(world: World, inst: Instance) -> Shape:
    enis = _interfaces(world, inst)
    primary = _primary(world, inst)
    out: Shape = {
        "AmiLaunchIndex": inst.ami_launch_index,
        "ImageId": inst.image_id,
        "InstanceId": inst.id,
        "InstanceType": inst.instance_type,
        "KeyName": inst.key_name,
        "LaunchTime": inst.launch_time or None,
        "Monitoring": {"State": "disabled"},
        "Placement": {"AvailabilityZone": inst.availability_zone, "GroupName": "", "Tenancy": "default"},
        "PrivateDnsName": private_dns_name(inst.region, inst.private_ip_address)
        if inst.private_ip_address
        else resource_dns_name(inst.region, inst.id) if primary is not None else "",
        "ProductCodes": [],
        "PublicDnsName": "",
        "State": state(inst.state),
        "StateTransitionReason": "",
        "Architecture": inst.architecture,
        "BlockDeviceMappings": block_device_mappings(world, inst),
        "EbsOptimized": False,
        "EnaSupport": True,
        "Hypervisor": "xen",
        "NetworkInterfaces": [instance_network_interface(world, e) for e in enis],
        "RootDeviceName": inst.root_device_name,
        "RootDeviceType": "ebs",
        "SecurityGroups": groups(world, primary.groups) if primary is not None else [],
        "VirtualizationType": "hvm",
        "PlatformDetails": "Windows" if inst.platform == "windows" else "Linux/UNIX",
    }
    if inst.state != "terminated":
        out.update(
            SubnetId=inst.subnet_id,
            VpcId=inst.vpc_id,
            **({"PrivateIpAddress": inst.private_ip_address} if inst.private_ip_address else {}),
            SourceDestCheck=inst.source_dest_check,
        )
    if inst.public_ip_address:
        out["PublicIpAddress"] = inst.public_ip_address
    if inst.ipv6_address:
        out["Ipv6Address"] = inst.ipv6_address
    if inst.platform == "windows":
        out["Platform"] = "Windows"
    return shapes.drop_none(shapes.with_tags(out, inst))


def _volumes(world: World, inst: Instance) -> list[Volume]:
    return [v for v in (world.get(i, Volume) for i in inst.volume_ids) if v is not None]


def block_device_mappings(world: World, inst: Instance) -> list[Shape]:
    """boto3's InstanceBlockDeviceMapping list: each attached EBS volume, root first."""
    return [
        {
            "DeviceName": v.device,
            "Ebs": {
                "AttachTime": v.attach_time,
                "DeleteOnTermination": v.delete_on_termination,
                "Status": "attached",
                "VolumeId": v.id,
            },
        }
        for v in _volumes(world, inst)
    ]


def reservation(world: World, instances: list[Instance]) -> Shape:
    first = instances[0]
    return {
        "ReservationId": first.reservation_id,
        "OwnerId": first.owner_id,
        "Groups": [],
        "Instances": [instance(world, i) for i in instances],
    }


# -- RunInstances --------------------------------------------------------------------------------
#: TagSpecifications resource types of RunInstances and the ControlPlane argument their tags go to
#: (AWS RunInstances, TagSpecification.N: "instance", "volume", "network-interface",
#: "spot-instances-request", "elastic-gpu"; "volume" tags every volume created at launch)
_LAUNCH_TAGS = {"instance": "tags", "volume": "volume_tags", "network-interface": "network_interface_tags"}
#: the types RunInstances accepts that vpclab has nothing to tag for
_UNTAGGABLE = ("spot-instances-request", "elastic-gpu")


def _launch_tags(specs: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """RunInstances' TagSpecifications → the ControlPlane's ``tags``/``volume_tags``/
    ``network_interface_tags``; another type is AWS's InvalidParameterValue."""
    out: dict[str, dict[str, str]] = {}
    for n, spec in enumerate(specs, 1):
        rtype = spec.get("ResourceType") or "instance"
        if rtype in _UNTAGGABLE:
            raise AwsError("UnsupportedOperation", f"Tagging a {rtype} at launch is not supported by vpclab.")
        if rtype not in _LAUNCH_TAGS:
            raise invalid_parameter_value(
                f"'{rtype}' is not a valid taggable resource type for this operation.")
        tags = tag_map(spec.get("Tags", []), f"TagSpecification.{n}.Tag")
        out.setdefault(_LAUNCH_TAGS[rtype], {}).update(tags)
    return out


@handler("RunInstances")
def run_instances(call: Call) -> dict[str, Any]:
    params = dict(call.params)
    launch_tags = _launch_tags(params.pop("TagSpecifications", None) or [])
    names = params.pop("SecurityGroups", None)
    if names:
        # AWS: "[Default VPC] The names of the security groups"
        vpc = default_vpc(call)
        ids = []
        for name in names:
            sg = next(
                (
                    g
                    for g in call.world.all(SecurityGroup)
                    if vpc is not None
                    and g.vpc_id == vpc.id
                    and g.owner_id == call.account_id
                    and g.group_name == name
                ),
                None,
            )
            if sg is None:
                raise AwsError(
                    "InvalidGroup.NotFound",
                    f"The security group '{name}' does not exist in VPC '{vpc.id if vpc else ''}'",
                )
            ids.append(sg.id)
        params["SecurityGroupIds"] = [*params.get("SecurityGroupIds", []), *ids]
    call = dc_replace(call, params=params)
    kwargs = control_kwargs(call, "run_instances", tag_type=Instance.RESOURCE_TYPE) | launch_tags
    launched = call.cp.call("run_instances", kwargs)
    return reservation(call.world, launched)


run_instances.via = "ControlPlane.run_instances"  # type: ignore[attr-defined]


# -- DescribeInstances ---------------------------------------------------------------------------
def _eni_attr(fn: Any) -> Any:
    return lambda w, i: [v for e in _interfaces(w, i) for v in fn(e)]


INSTANCE_FILTERS = {
    "instance-id": lambda w, i: i.id,
    "instance-state-name": lambda w, i: i.state,
    "instance-state-code": lambda w, i: STATE_CODES[i.state],
    "instance-type": lambda w, i: i.instance_type,
    "image-id": lambda w, i: i.image_id,
    "subnet-id": lambda w, i: i.subnet_id or None,
    "vpc-id": lambda w, i: i.vpc_id or None,
    "private-ip-address": lambda w, i: i.private_ip_address or None,
    "private-dns-name": lambda w, i: (
        private_dns_name(i.region, i.private_ip_address) if i.private_ip_address else None
    ),
    "ip-address": lambda w, i: i.public_ip_address,
    "availability-zone": lambda w, i: i.availability_zone,
    "architecture": lambda w, i: i.architecture,
    "platform": lambda w, i: i.platform,
    "reservation-id": lambda w, i: i.reservation_id,
    "source-dest-check": lambda w, i: i.source_dest_check,
    "instance.group-id": lambda w, i: [g["GroupId"] for g in instance(w, i)["SecurityGroups"]],
    "instance.group-name": lambda w, i: [g["GroupName"] for g in instance(w, i)["SecurityGroups"]],
    "network-interface.network-interface-id": _eni_attr(lambda e: [e.id]),
    "network-interface.subnet-id": _eni_attr(lambda e: [e.subnet_id]),
    "network-interface.vpc-id": _eni_attr(lambda e: [e.vpc_id]),
    "network-interface.addresses.private-ip-address": _eni_attr(lambda e: list(e.private_ip_addresses)),
    "network-interface.private-dns-name": _eni_attr(
        lambda e: [private_dns_name(e.region, e.private_ip_address)]
    ),
    "network-interface.group-id": _eni_attr(lambda e: list(e.groups)),
    "network-interface.source-dest-check": _eni_attr(lambda e: [e.source_dest_check]),
    "network-interface.attachment.attachment-id": _eni_attr(lambda e: [e.attachment_id]),
    "network-interface.ipv6-addresses.ipv6-address": _eni_attr(lambda e: list(e.ipv6_addresses)),
    "network-interface.ipv6-address": _eni_attr(lambda e: list(e.ipv6_addresses)),
    "ipv6-address": lambda w, i: i.ipv6_address,
    "root-device-name": lambda w, i: i.root_device_name,
    "root-device-type": lambda w, i: "ebs",
    "block-device-mapping.device-name": lambda w, i: [v.device for v in _volumes(w, i)],
    "block-device-mapping.volume-id": lambda w, i: [v.id for v in _volumes(w, i)],
    "block-device-mapping.status": lambda w, i: ["attached" for _ in _volumes(w, i)],
    "block-device-mapping.delete-on-termination": lambda w, i: [
        v.delete_on_termination for v in _volumes(w, i)
    ],
    "block-device-mapping.attach-time": lambda w, i: [v.attach_time for v in _volumes(w, i)],
}
INSTANCE_FILTERS["group-id"] = INSTANCE_FILTERS["instance.group-id"]
INSTANCE_FILTERS["group-name"] = INSTANCE_FILTERS["instance.group-name"]
INSTANCE_KIND = Kind(
    Instance, key="Reservations", ids="InstanceIds", shape=instance, filters=INSTANCE_FILTERS
)


@handler("DescribeInstances")
def describe_instances(call: Call) -> dict[str, Any]:
    """Instances grouped in their reservations; MaxResults counts instances (AWS: 5–1000)."""
    items, token = page(call, select(call, INSTANCE_KIND), lambda i: i.id)
    by_reservation: dict[str, list[Instance]] = {}
    for inst in items:
        by_reservation.setdefault(inst.reservation_id, []).append(inst)
    out: dict[str, Any] = {
        "Reservations": [reservation(call.world, group) for group in by_reservation.values()]
    }
    if token:
        out["NextToken"] = token
    return out


describe_instances.via = "describe " + ", ".join(sorted(INSTANCE_FILTERS))  # type: ignore[attr-defined]


def _state_change(action: str, key: str, name: str) -> None:
    @handler(action)
    def run(call: Call) -> dict[str, Any]:
        ids = call.params.get("InstanceIds") or []
        before = {i: call.world.get(i, Instance) for i in ids}
        changed = call.cp.call(name, control_kwargs(call, name))
        return {
            key: [
                {
                    "InstanceId": inst.id,
                    "CurrentState": state(inst.state),
                    "PreviousState": state((before.get(inst.id) or inst).state),
                }
                for inst in changed
            ]
        }

    run.via = f"ControlPlane.{name}"  # type: ignore[attr-defined]


_state_change("TerminateInstances", "TerminatingInstances", "terminate_instances")
_state_change("StopInstances", "StoppingInstances", "stop_instances")
_state_change("StartInstances", "StartingInstances", "start_instances")


@handler("ModifyInstanceAttribute")
def modify_instance_attribute(call: Call) -> dict[str, Any]:
    params = dict(call.params)
    attribute, value = params.pop("Attribute", None), params.pop("Value", None)
    if attribute is not None:
        if attribute != "sourceDestCheck":
            raise AwsError("UnsupportedOperation", f"The attribute {attribute} is not supported by vpclab.")
        if value is None or value.lower() not in ("true", "false"):
            # "Error codes for the Amazon EC2 API": InvalidInstanceAttributeValue, "The specified
            # instance attribute value is not valid" (sourceDestCheck takes true or false)
            raise AwsError("InvalidInstanceAttributeValue",
                           f"Value ({value}) for parameter value is invalid.")
        params["SourceDestCheck"] = {"Value": value.lower() == "true"}
    call = dc_replace(call, params=params)
    call.cp.call("modify_instance_attribute", control_kwargs(call, "modify_instance_attribute"))
    return {}


modify_instance_attribute.via = "ControlPlane.modify_instance_attribute"  # type: ignore[attr-defined]


@handler("DescribeInstanceAttribute")
def describe_instance_attribute(call: Call) -> dict[str, Any]:
    inst = call.cp.ctx.require(Instance, call.params["InstanceId"])
    attribute = call.params["Attribute"]
    out: dict[str, Any] = {"InstanceId": inst.id}
    if attribute == "sourceDestCheck":
        out["SourceDestCheck"] = {"Value": inst.source_dest_check}
    elif attribute == "instanceType":
        out["InstanceType"] = {"Value": inst.instance_type}
    elif attribute == "groupSet":
        out["Groups"] = instance(call.world, inst)["SecurityGroups"]
    else:
        raise AwsError("UnsupportedOperation", f"The attribute {attribute} is not supported by vpclab.")
    return out


# -- images and instance types -------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """A catalogue entry seen through the generic filters (images and types carry no tags)."""

    item: Any
    id: str
    owner_id: str = ""
    tags: dict[str, str] = field(default_factory=dict)


def image(img: Image) -> Shape:
    out: Shape = {
        "Architecture": img.architecture,
        "CreationDate": "2024-11-21T00:00:00.000Z",
        "ImageId": img.image_id,
        "ImageLocation": f"{img.image_owner_alias or img.owner_id}/{img.name}",
        "ImageType": "machine",
        "Public": img.public,
        "OwnerId": img.owner_id,
        "PlatformDetails": img.platform_details,
        "UsageOperation": "RunInstances:0002" if img.platform == "windows" else "RunInstances",
        "State": img.state,
        "BlockDeviceMappings": [
            {
                "DeviceName": img.root_device_name,
                "Ebs": {
                    "DeleteOnTermination": True,
                    "SnapshotId": img.root_snapshot_id,
                    "VolumeSize": img.root_volume_size,
                    "VolumeType": img.root_volume_type,
                    "Encrypted": False,
                },
            }
        ],
        "Description": img.description,
        "EnaSupport": True,
        "Hypervisor": "xen",
        "Name": img.name,
        "RootDeviceName": img.root_device_name,
        "RootDeviceType": img.root_device_type,
        "SriovNetSupport": "simple",
        "VirtualizationType": img.virtualization_type,
    }
    if img.image_owner_alias:
        out["ImageOwnerAlias"] = img.image_owner_alias
    if img.platform:
        out["Platform"] = img.platform
    return out


IMAGE_FILTERS = {
    "image-id": lambda w, r: r.item.image_id,
    "name": lambda w, r: r.item.name,
    "description": lambda w, r: r.item.description,
    "architecture": lambda w, r: r.item.architecture,
    "owner-alias": lambda w, r: r.item.image_owner_alias,
    "owner-id": lambda w, r: r.item.owner_id,
    "state": lambda w, r: r.item.state,
    "platform": lambda w, r: r.item.platform,
    "platform-details": lambda w, r: r.item.platform_details,
    "root-device-type": lambda w, r: r.item.root_device_type,
    "virtualization-type": lambda w, r: r.item.virtualization_type,
    "is-public": lambda w, r: r.item.public,
    "image-type": lambda w, r: "machine",
    "hypervisor": lambda w, r: "xen",
}
IMAGE_KIND = Kind(Instance, key="Images", shape=lambda w, r: image(r.item), filters=IMAGE_FILTERS)


def _owned_by(img: Image, owner: str, account_id: str) -> bool:
    if owner == "self":
        return img.owner_id == account_id
    if owner in ("amazon", "aws-marketplace", "aws-backup-vault"):
        return img.image_owner_alias == owner
    return img.owner_id == owner


@handler("DescribeImages")
def describe_images(call: Call) -> dict[str, Any]:
    """The Region's catalogue: every image is public, so with no Owners all are listed."""
    rows = [Row(img, img.image_id, img.owner_id) for img in images(call.region)]
    owners = call.params.get("Owners")
    if owners:
        rows = [r for r in rows if any(_owned_by(r.item, o, call.account_id) for o in owners)]
    wanted = call.params.get("ImageIds")
    if wanted:
        known = {r.id for r in rows}
        for image_id in wanted:
            if not image_id.startswith("ami-"):
                raise AwsError("InvalidAMIID.Malformed", f'Invalid id: "{image_id}" (expecting "ami-...")')
            if image_id not in known:
                raise AwsError("InvalidAMIID.NotFound", f"The image id '[{image_id}]' does not exist")
        rows = [r for r in rows if r.id in set(wanted)]
    tests = compile_filters(IMAGE_KIND, call.params.get("Filters"))
    rows = [r for r in rows if matches(call.world, r, tests)]
    chunk, token = page(call, rows, lambda r: r.id)
    out: dict[str, Any] = {"Images": [image(r.item) for r in chunk]}
    if token:
        out["NextToken"] = token
    return out


describe_images.via = "describe " + ", ".join(sorted(IMAGE_FILTERS))  # type: ignore[attr-defined]


def instance_type(t: InstanceType) -> Shape:
    return {
        "InstanceType": t.name,
        "CurrentGeneration": not t.name.startswith("t2."),
        "FreeTierEligible": t.name in ("t2.micro", "t3.micro"),
        "SupportedUsageClasses": ["on-demand", "spot"],
        "SupportedRootDeviceTypes": ["ebs"],
        "SupportedVirtualizationTypes": ["hvm"],
        "BareMetal": False,
        "Hypervisor": "xen" if t.name.startswith("t2.") else "nitro",
        "ProcessorInfo": {"SupportedArchitectures": [t.architecture]},
        "NetworkInfo": {
            "MaximumNetworkInterfaces": t.max_network_interfaces,
            "MaximumNetworkCards": 1,
            "DefaultNetworkCardIndex": 0,
            "Ipv4AddressesPerInterface": t.ipv4_per_interface,
            "Ipv6AddressesPerInterface": t.ipv4_per_interface,
            "Ipv6Supported": True,
            "EnaSupport": "unsupported" if t.name.startswith("t2.") else "required",
        },
    }


TYPE_FILTERS = {
    "instance-type": lambda w, r: r.item.name,
    "processor-info.supported-architecture": lambda w, r: r.item.architecture,
    "network-info.maximum-network-interfaces": lambda w, r: r.item.max_network_interfaces,
    "network-info.ipv4-addresses-per-interface": lambda w, r: r.item.ipv4_per_interface,
    "current-generation": lambda w, r: not r.item.name.startswith("t2."),
    "free-tier-eligible": lambda w, r: r.item.name in ("t2.micro", "t3.micro"),
}
TYPE_KIND = Kind(
    Instance, key="InstanceTypes", shape=lambda w, r: instance_type(r.item), filters=TYPE_FILTERS
)


@handler("DescribeInstanceTypes")
def describe_instance_types(call: Call) -> dict[str, Any]:
    """The types vpclab launches (model/images.py), with AWS's interface and address limits."""
    wanted = call.params.get("InstanceTypes")
    if wanted:
        # a name outside AWS's enum was refused by the protocol layer (InvalidParameterValue); a
        # real type outside vpclab's catalogue exists in AWS, so it is not "InvalidInstanceType"
        unknown = [t for t in wanted if t not in INSTANCE_TYPES]
        if unknown:
            raise AwsError(
                "UnsupportedOperation",
                f"The instance types [{', '.join(unknown)}] are not in vpclab's catalogue.",
            )
    rows = [Row(t, t.name) for name, t in INSTANCE_TYPES.items() if not wanted or name in wanted]
    tests = compile_filters(TYPE_KIND, call.params.get("Filters"))
    rows = [r for r in rows if matches(call.world, r, tests)]
    chunk, token = page(call, rows, lambda r: r.id)
    out: dict[str, Any] = {"InstanceTypes": [instance_type(r.item) for r in chunk]}
    if token:
        out["NextToken"] = token
    return out


describe_instance_types.via = "describe " + ", ".join(sorted(TYPE_FILTERS))  # type: ignore[attr-defined]


# -- DescribeInstanceStatus ----------------------------------------------------------------------
def _status_summary(inst: Instance) -> dict[str, Any]:
    """A running instance passes its reachability checks ("ok"); vpclab has no impaired hardware.
    AWS: "Status checks for your instances"
    (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-system-instance-status-check.html);
    an instance that is not running has no status checks ("not-applicable")."""
    if inst.state != "running":
        return {"Status": "not-applicable"}
    return {"Status": "ok", "Details": [{"Name": "reachability", "Status": "passed"}]}


def instance_status(world: World, inst: Instance) -> dict[str, Any]:
    return {
        "InstanceId": inst.id,
        "AvailabilityZone": inst.availability_zone,
        "InstanceState": state(inst.state),
        "InstanceStatus": _status_summary(inst),
        "SystemStatus": _status_summary(inst),
    }


INSTANCE_STATUS_FILTERS = {
    "availability-zone": lambda w, i: i.availability_zone,
    "instance-state-name": lambda w, i: i.state,
    "instance-state-code": lambda w, i: STATE_CODES[i.state],
    "instance-status.status": lambda w, i: _status_summary(i)["Status"],
    "instance-status.reachability": lambda w, i: "passed" if i.state == "running" else None,
    "system-status.status": lambda w, i: _status_summary(i)["Status"],
    "system-status.reachability": lambda w, i: "passed" if i.state == "running" else None,
}
INSTANCE_STATUS_KIND = Kind(
    Instance, key="InstanceStatuses", ids="InstanceIds", shape=instance_status,
    filters=INSTANCE_STATUS_FILTERS,
)


@handler("DescribeInstanceStatus")
def describe_instance_status(call: Call) -> dict[str, Any]:
    """DescribeInstanceStatus: "By default, only running instances are described, unless you
    specifically indicate to return the status of all instances" (IncludeAllInstances) — AWS API
    reference (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceStatus.html)."""
    items = select(call, INSTANCE_STATUS_KIND)
    if not call.params.get("IncludeAllInstances"):
        items = [i for i in items if i.state == "running"]
    chunk, token = page(call, items, lambda i: i.id)
    out: dict[str, Any] = {"InstanceStatuses": [instance_status(call.world, i) for i in chunk]}
    if token:
        out["NextToken"] = token
    return out


describe_instance_status.via = "describe " + ", ".join(sorted(INSTANCE_STATUS_FILTERS))  # type: ignore[attr-defined]
