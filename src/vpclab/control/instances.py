"""Instances: RunInstances, TerminateInstances, StopInstances, StartInstances, ModifyInstanceAttribute.

An instance is modelled for its networking: its primary network interface (device index 0)
in a subnet, its other interfaces, its public IPv4 address. Images come from the small
built-in catalogue in ``model/images.py``.

AWS docs: "RunInstances" (EC2 API reference), "Amazon EC2 instance IP addressing" and
"Elastic network interfaces" (Amazon EC2 User Guide). vpclab launches instances straight into
``running`` (AWS answers ``pending`` first): a lab has no boot time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from ipaddress import IPv4Address, IPv6Address
from typing import Any

from ..core import budget
from ..core.errors import AwsError, invalid_parameter_value
from ..model.base import Tags
from ..model.gateways import Address
from ..model.images import INSTANCE_TYPES, Image, InstanceType, find_image
from ..model.interfaces import Instance, NetworkInterface
from ..model.subnet import Subnet
from ..model.vpc import Vpc
from . import ipv6
from .addresses import assign_public_ip
from .context import Ctx
from .interfaces import (
    AddressPool,
    allocate_private_ip,
    attach,
    check_interface_quota,
    detach,
    insufficient_addresses,
    ipv6_address_list,
    ipv6_only_error,
    release_public_ips,
    require_ipv6_for,
    resolve_groups,
    sync_instance_ipv6,
)
from .registry import action
from .volumes import VolumeSpec, create_volumes, release_volumes, volume_specs

#: the keys of one RunInstances ``NetworkInterfaces`` entry vpclab understands (boto3's, snake_case)
NETWORK_INTERFACE_KEYS = frozenset({
    "device_index", "network_interface_id", "subnet_id", "groups", "private_ip_address", "description",
    "associate_public_ip_address", "delete_on_termination", "secondary_private_ip_address_count",
    "ipv6_address_count", "ipv6_addresses", "primary_ipv6",
})


@dataclass
class _Spec:
    """One interface to give each launched instance."""

    device_index: int
    subnet: Subnet
    groups: tuple[str, ...] = ()
    private_ip_address: str | None = None
    description: str = ""
    associate_public_ip_address: bool | None = None
    delete_on_termination: bool = True
    secondary_count: int = 0
    existing: NetworkInterface | None = None
    ipv6_count: int | None = None
    ipv6_addresses: list[str] | None = None
    primary_ipv6: bool = False


def _image(ctx: Ctx, image_id: str) -> Image:
    if not image_id.startswith("ami-"):
        raise AwsError("InvalidAMIID.Malformed", f'Invalid id: "{image_id}" (expecting "ami-...")')
    image = find_image(ctx.region, image_id)
    if image is None:
        raise AwsError("InvalidAMIID.NotFound", f"The image id '[{image_id}]' does not exist")
    return image


def _instance_type(name: str, image: Image) -> InstanceType:
    itype = INSTANCE_TYPES.get(name)
    if itype is None:
        raise invalid_parameter_value(f"Invalid value '{name}' for InstanceType.")
    if itype.architecture != image.architecture:
        raise invalid_parameter_value(
                       f"The architecture '{itype.architecture}' of the specified instance type does not "
                       f"match the architecture '{image.architecture}' of the specified AMI. Specify an "
                       "instance type and an AMI that have matching architectures, and try again.")
    return itype


def _check_tenancy(ctx: Ctx, subnet: Subnet, tenancy: str | None) -> None:
    """Placement.Tenancy in a VPC whose instance tenancy is dedicated: "An instance launched into the
    VPC is a Dedicated Instance by default, unless you explicitly specify a tenancy of host during
    instance launch. You cannot specify a tenancy of default during instance launch" (Amazon EC2 User
    Guide, "Dedicated Instances"). AWS's code for it: the page's InvalidTenancy ("The tenancy of the
    instance or VPC is not supported for the requested action"); the message is vpclab's."""
    vpc = ctx.world.get(subnet.vpc_id, Vpc)
    if tenancy == "default" and vpc is not None and vpc.instance_tenancy == "dedicated":
        raise AwsError("InvalidTenancy",
                       f"The tenancy 'default' is not supported in {vpc.id}, whose instance tenancy is "
                       "dedicated: launch with tenancy dedicated or host.")


def _default_subnet(ctx: Ctx) -> Subnet:
    """AWS launches into the default VPC's default subnet when no subnet is given."""
    vpc = next((v for v in ctx.world.all(Vpc)
                if v.is_default and v.owner_id == ctx.account_id and v.region == ctx.region), None)
    if vpc is None:
        raise AwsError("VPCIdNotSpecified", "No default VPC for this user")
    subnets = sorted((s for s in ctx.world.in_vpc(vpc.id, Subnet) if s.default_for_az),
                     key=lambda s: s.availability_zone)
    if not subnets:
        raise AwsError("MissingInput",
                       f"No subnets found for the default VPC '{vpc.id}'. Please specify a subnet.")
    return subnets[0]


def _specs(ctx: Ctx, *, subnet_id: str | None, security_group_ids: Sequence[str] | None,
           private_ip_address: str | None,
           network_interfaces: Sequence[Mapping[str, Any]] | None,
           ipv6_address_count: int | None = None, ipv6_addresses: list[str] | None = None,
           enable_primary_ipv6: bool = False) -> list[_Spec]:
    if not network_interfaces:
        subnet = ctx.require(Subnet, subnet_id) if subnet_id else _default_subnet(ctx)
        return [_Spec(0, subnet, resolve_groups(ctx, subnet, security_group_ids, per_instance=True),
                      private_ip_address,
                      ipv6_count=ipv6_address_count, ipv6_addresses=ipv6_addresses,
                      primary_ipv6=enable_primary_ipv6)]
    for param, given in (("subnet ID", subnet_id), ("security groups", security_group_ids),
                         ("private IP address", private_ip_address),
                         ("IPv6 address", ipv6_address_count is not None or ipv6_addresses is not None)):
        if given:
            raise AwsError("InvalidParameterCombination",
                           f"Network interfaces and an instance-level {param} may not "
                           "be specified on the same request")
    specs: list[_Spec] = []
    for entry in network_interfaces:
        unknown = set(entry) - NETWORK_INTERFACE_KEYS
        if unknown:
            raise invalid_parameter_value(
                           f"Unknown network interface parameter(s): {', '.join(sorted(unknown))}")
        if entry.get("device_index") is None:
            raise invalid_parameter_value("Each network interface requires a device index.")
        index = int(entry["device_index"])
        if entry.get("network_interface_id"):
            eni = ctx.require(NetworkInterface, entry["network_interface_id"])
            ctx.require_owner(eni)
            if eni.attachment_id or eni.requester_managed or eni.status == "in-use":
                raise AwsError("InvalidNetworkInterface.InUse", f"Interface: [{eni.id}] in use.")
            eni_subnet = ctx.world.get(eni.subnet_id, Subnet)
            assert eni_subnet is not None
            specs.append(_Spec(index, eni_subnet, eni.groups, existing=eni,
                               associate_public_ip_address=entry.get("associate_public_ip_address"),
                               delete_on_termination=bool(entry.get("delete_on_termination", False))))
            continue
        if not entry.get("subnet_id"):
            raise AwsError("MissingParameter", "The request must contain the parameter subnetId")
        subnet = ctx.require(Subnet, entry["subnet_id"])
        specs.append(_Spec(index, subnet, resolve_groups(ctx, subnet, entry.get("groups")),
                           entry.get("private_ip_address"), entry.get("description", ""),
                           entry.get("associate_public_ip_address"),
                           bool(entry.get("delete_on_termination", True)),
                           int(entry.get("secondary_private_ip_address_count", 0)),
                           ipv6_count=entry.get("ipv6_address_count"),
                           ipv6_addresses=ipv6_address_list(entry.get("ipv6_addresses")),
                           primary_ipv6=bool(entry.get("primary_ipv6", False))))
    indexes = [s.device_index for s in specs]
    if 0 not in indexes:
        raise invalid_parameter_value(
                       "When specifying network interfaces, you must include a device at index 0")
    if len(set(indexes)) != len(indexes):
        raise invalid_parameter_value("Each network interface requires a unique device index.")
    if len(specs) > 1 and any(s.associate_public_ip_address for s in specs):
        raise AwsError("InvalidParameterCombination",
                       "The associatePublicIPAddress parameter cannot be specified when launching with "
                       "multiple network interfaces.")
    zones = {s.subnet.availability_zone for s in specs}
    if len(zones) > 1:
        raise AwsError("InvalidParameterCombination",
                       "You may not attach a network interface to an instance if they are not in the same "
                       "availability zone")
    return sorted(specs, key=lambda s: s.device_index)


@action
def run_instances(ctx: Ctx, *, image_id: str, instance_type: str, min_count: int = 1, max_count: int = 1,
                  subnet_id: str | None = None, security_group_ids: Sequence[str] | None = None,
                  private_ip_address: str | None = None,
                  network_interfaces: Sequence[Mapping[str, Any]] | None = None,
                  tags: Mapping[str, str] | None = None, key_name: str | None = None,
                  placement: Mapping[str, Any] | None = None,
                  ipv6_address_count: int | None = None,
                  ipv6_addresses: Sequence[Mapping[str, Any]] | None = None,
                  enable_primary_ipv6: bool = False,
                  block_device_mappings: Sequence[Mapping[str, Any]] | None = None,
                  volume_tags: Mapping[str, str] | None = None,
                  network_interface_tags: Mapping[str, str] | None = None,
                  **not_modelled: Any) -> list[Instance]:
    """RunInstances: an image from the catalogue, a known instance type of the same architecture,
    a subnet (or the default VPC's), groups of that VPC; each instance gets a primary interface
    (device 0) and, when the subnet maps public IPs on launch or the request asks for one, a
    public IPv4 address. Launches up to ``max_count``, at least ``min_count`` (or nothing).

    ``placement.availability_zone`` must be the subnet's zone. The key pair name is kept. Each
    instance gets its root EBS volume and one per EBS block device mapping (``control/volumes.py``),
    tagged with ``volume_tags``; the interfaces it creates get ``network_interface_tags`` (AWS's
    TagSpecifications of types ``volume`` and ``network-interface``). Launch settings that do not
    touch connectivity (``LAUNCH_SETTINGS_NOT_MODELLED``: user data, monitoring, …) are accepted so
    that real scripts run unchanged, and have no effect.
    """
    unknown = sorted(set(not_modelled) - LAUNCH_SETTINGS_NOT_MODELLED)
    if unknown:
        raise AwsError("UnsupportedOperation",
                       f"vpclab does not model the RunInstances parameter {unknown[0]}")
    if min_count < 1:
        raise AwsError("InvalidParameterValue", f"Value ({min_count}) for parameter minCount is invalid. "
                                                "Expected a positive integer.")
    if max_count < min_count:
        raise AwsError("InvalidParameterValue", f"Value ({max_count}) for parameter maxCount is invalid. "
                                                "Expected a value greater than or equal to minCount.")
    image = _image(ctx, image_id)
    itype = _instance_type(instance_type, image)
    volumes = volume_specs(image, block_device_mappings)
    specs = _specs(ctx, subnet_id=subnet_id, security_group_ids=security_group_ids,
                   private_ip_address=private_ip_address, network_interfaces=network_interfaces,
                   ipv6_address_count=ipv6_address_count, ipv6_addresses=ipv6_address_list(ipv6_addresses),
                   enable_primary_ipv6=enable_primary_ipv6)
    if len(specs) > itype.max_network_interfaces:
        raise AwsError("AttachmentLimitExceeded",
                       f"Interface count {len(specs)} exceeds the limit for {instance_type}")
    for s in specs:
        if s.secondary_count + 1 > itype.ipv4_per_interface:
            # the page's InvalidInterface.IpAddressLimitExceeded: "The number of private IP addresses
            # for a specified network interface exceeds the limit for the type of instance you
            # specified" (at launch; an existing interface given more addresses answers
            # PrivateIpAddressLimitExceeded). The message is vpclab's.
            raise AwsError("InvalidInterface.IpAddressLimitExceeded",
                           f"The number of private IPv4 addresses ({s.secondary_count + 1}) for the network "
                           f"interface at device index {s.device_index} exceeds the limit of "
                           f"{itype.ipv4_per_interface} for instance type {itype.name}.")
    for s in specs:
        # AWS: IPv6 addresses per interface, by instance type (the IPv4 figure: "IP addresses per
        # network interface per instance type")
        if max(len(s.ipv6_addresses or ()), s.ipv6_count or 0) > itype.ipv4_per_interface:
            raise ipv6.interface_ipv6_limit_error(itype.ipv4_per_interface)
        if s.existing is None and s.subnet.ipv6_native:
            _check_ipv6_only_launch(s, itype.name)
    fixed = any(s.private_ip_address or s.existing or s.ipv6_addresses for s in specs)
    if fixed and max_count > 1:
        # one address or one existing interface cannot serve several instances (AWS's wording is undocumented)
        raise AwsError("InvalidParameterCombination",
                       "Multiple instances cannot be launched with the same IP address or network interface.")
    zone = (placement or {}).get("availability_zone")
    if zone and zone != specs[0].subnet.availability_zone:
        # AWS refuses a placement zone other than the subnet's (message undocumented: ours; it names
        # the zone by id, the same for every account, as names differ per account: aws/zones.py)
        raise invalid_parameter_value(
                       f"Value for parameter availabilityZone is invalid. The subnet "
                       f"{specs[0].subnet.id} is in the zone {specs[0].subnet.availability_zone_id}.")
    zone_id = (placement or {}).get("availability_zone_id")
    if zone_id and zone_id != specs[0].subnet.availability_zone_id:
        # Placement.AvailabilityZoneId, the zone by its id: the same rule (message ours)
        raise invalid_parameter_value(
                       f"Value ({zone_id}) for parameter availabilityZoneId is invalid. The subnet "
                       f"{specs[0].subnet.id} is in {specs[0].subnet.availability_zone_id}.")
    _check_tenancy(ctx, specs[0].subnet, (placement or {}).get("tenancy"))
    count = _launch_count(ctx, specs, min_count, max_count)
    pools = {s.subnet.id: AddressPool(ctx, s.subnet) for s in specs if s.existing is None}
    v6_taken: dict[str, set[IPv6Address]] = {s.subnet.id: set() for s in specs}
    reservation_id = ctx.new_id("reservation")
    launched: list[Instance] = []
    for n in range(count):
        budget.check()  # inside the action's transaction: a stop here rolls every launch back
        launched.append(_launch(ctx, image, itype, specs, reservation_id, n, tags, key_name, pools, v6_taken,
                                volumes, volume_tags, network_interface_tags))
    return launched


#: instance families built on the Xen hypervisor among those vpclab launches; every other one is
#: built on the AWS Nitro System
XEN_FAMILIES = frozenset({"t2"})


def _check_ipv6_only_launch(spec: _Spec, instance_type: str) -> None:
    """An interface launched into an IPv6-only subnet: IPv6 addresses only, so an IPv6 address must
    be asked for (Ipv6AddressCount / Ipv6Addresses, or the subnet's AssignIpv6AddressOnCreation),
    no private or public IPv4 address; and the instance must be built on the Nitro System (AWS,
    "IPv6-only subnets": "instances … must be Nitro-based"). AWS's codes and wording for these
    refusals are undocumented: vpclab answers InvalidParameterCombination."""
    if spec.private_ip_address is not None or spec.secondary_count:
        raise ipv6_only_error(spec.subnet)
    if spec.associate_public_ip_address:
        raise ipv6_only_error(spec.subnet, "public IPv4 addresses")
    require_ipv6_for(spec.subnet, spec.ipv6_count, spec.ipv6_addresses)
    if instance_type.split(".")[0] in XEN_FAMILIES:
        raise AwsError("InvalidParameterCombination",
                       f"The instance type {instance_type} is not supported in the IPv6-only subnet "
                       f"'{spec.subnet.id}': only instances built on the Nitro System can be launched there.")


def _launch_count(ctx: Ctx, specs: list[_Spec], min_count: int, max_count: int) -> int:
    """How many instances to launch, decided before any is: at most ``max_count``, as many as the
    instance quota and each subnet's free addresses allow, at least ``min_count`` or AWS's error.

    AWS (RunInstances, MaxCount): "If you specify a value that is more capacity than Amazon EC2
    can launch in the target Availability Zone, Amazon EC2 launches the largest possible number
    of instances above the specified minimum count. Constraints: Between 1 and the quota for the
    specified instance type for your account for this Region."
    """
    running = ctx.world.count_owned(Instance, ctx.account_id, ctx.region) - sum(
        1 for i in ctx.world.having(Instance, "state", "terminated")
        if i.owner_id == ctx.account_id and i.region == ctx.region)
    ctx.check_quota("running_instances_per_region", running, adding=min_count, requested=str(min_count))
    count = min(max_count, ctx.quota("running_instances_per_region") - running)
    new_interfaces = sum(1 for spec in specs if spec.existing is None)
    if new_interfaces:
        check_interface_quota(ctx, min_count * new_interfaces)
        owned = ctx.world.count_owned(NetworkInterface, ctx.account_id, ctx.region)
        count = min(count, (ctx.quota("network_interfaces_per_region") - owned) // new_interfaces)
    need: dict[str, int] = {}  # addresses each instance takes, per subnet
    subnets: dict[str, Subnet] = {}
    for spec in specs:
        if spec.existing is None and spec.subnet.has_ipv4:  # IPv6-only: no IPv4 address taken
            need[spec.subnet.id] = need.get(spec.subnet.id, 0) + 1 + spec.secondary_count
            subnets[spec.subnet.id] = spec.subnet
    for subnet_id, per_instance in need.items():
        fits = AddressPool(ctx, subnets[subnet_id]).free() // per_instance
        if fits < min_count:
            raise insufficient_addresses(subnets[subnet_id])
        count = min(count, fits)
    return count


#: RunInstances parameters accepted without effect: they do not change what can reach what.
LAUNCH_SETTINGS_NOT_MODELLED = frozenset({
    "user_data", "monitoring", "ebs_optimized", "iam_instance_profile",
    "metadata_options", "disable_api_termination", "disable_api_stop", "instance_initiated_shutdown_behavior",
    "client_token", "credit_specification", "cpu_options", "hibernation_options", "maintenance_options",
    "private_dns_name_options", "enclave_options", "capacity_reservation_specification",
})


def _launch(ctx: Ctx, image: Image, itype: InstanceType, specs: list[_Spec], reservation_id: str, n: int,
            tags: Mapping[str, str] | None, key_name: str | None,
            pools: Mapping[str, AddressPool], v6_taken: Mapping[str, set[IPv6Address]],
            volumes: Sequence[VolumeSpec] = (), volume_tags: Mapping[str, str] | None = None,
            network_interface_tags: Mapping[str, str] | None = None) -> Instance:
    instance_id = ctx.new_id("instance")
    primary = specs[0]
    public = primary.associate_public_ip_address
    if public is None:
        public = primary.subnet.map_public_ip_on_launch
    enis: list[NetworkInterface] = []
    for spec in specs:
        if spec.existing is not None:
            eni = spec.existing
        else:
            pool = pools[spec.subnet.id]
            if not spec.subnet.has_ipv4:
                ip = ""  # an IPv6-only subnet (_check_ipv6_only_launch)
            elif spec.private_ip_address is not None:
                ip = allocate_private_ip(ctx, spec.subnet, spec.private_ip_address, taken=pool.used,
                                         in_use_message=f"Address {spec.private_ip_address} is in use.")
                pool.used.add(IPv4Address(ip))
            else:
                ip = pool.take()
            secondaries = [pool.take() for _ in range(spec.secondary_count)]
            v6_count = spec.ipv6_count
            if (v6_count is None and spec.ipv6_addresses is None
                    and spec.subnet.assign_ipv6_address_on_creation):
                v6_count = 1  # the subnet's AssignIpv6AddressOnCreation
            v6 = ipv6.take_addresses(ctx, spec.subnet, v6_count, spec.ipv6_addresses,
                                     limit=itype.ipv4_per_interface, taken=v6_taken[spec.subnet.id])
            eni = ctx.world.put(NetworkInterface(
                id=ctx.new_id("network_interface"), owner_id=ctx.account_id, region=spec.subnet.region,
                vpc_id=spec.subnet.vpc_id, subnet_id=spec.subnet.id,
                availability_zone=spec.subnet.availability_zone, private_ip_address=ip,
                secondary_private_ip_addresses=tuple(secondaries), groups=spec.groups,
                description=spec.description, requester_id=None, ipv6_addresses=v6,
                tags=Tags(network_interface_tags),
                primary_ipv6_address=v6[0] if v6 and spec.primary_ipv6 else None))
        enis.append(eni)
    inst = ctx.world.put(Instance(
        id=instance_id, owner_id=ctx.account_id, region=ctx.region, tags=Tags(tags),
        vpc_id=primary.subnet.vpc_id, subnet_id=primary.subnet.id, image_id=image.image_id,
        instance_type=itype.name, state="running", private_ip_address=enis[0].private_ip_address,
        reservation_id=reservation_id, availability_zone=primary.subnet.availability_zone,
        architecture=image.architecture, platform=image.platform, associate_public_ip_address=bool(public),
        launch_time=ctx.now.isoformat(), ami_launch_index=n, key_name=key_name,
        root_device_name=image.root_device_name,
    ))
    inst = ctx.world.put(replace(inst, volume_ids=create_volumes(ctx, inst, volumes, volume_tags)))
    for spec, eni in zip(specs, enis, strict=True):
        eni = attach(ctx, eni, inst, spec.device_index, delete_on_termination=spec.delete_on_termination)
        if spec.device_index == 0 and public and not eni.public_ip and eni.has_ipv4:
            eni = assign_public_ip(ctx, eni)
            inst = ctx.world.put(replace(ctx.world.get(inst.id, Instance) or inst,
                                         public_ip_address=eni.public_ip))
        elif spec.device_index == 0 and eni.public_ip:
            inst = ctx.world.put(replace(ctx.world.get(inst.id, Instance) or inst,
                                         public_ip_address=eni.public_ip))
    sync_instance_ipv6(ctx, ctx.world.get(enis[0].id, NetworkInterface) or enis[0])
    return ctx.world.get(inst.id, Instance) or inst


def _instances(ctx: Ctx, instance_ids: Sequence[str]) -> list[Instance]:
    found = [ctx.require(Instance, i) for i in instance_ids]
    for inst in found:
        ctx.require_owner(inst)
    return found


def _interfaces(ctx: Ctx, inst: Instance) -> list[NetworkInterface]:
    return [e for e in (ctx.world.get(i, NetworkInterface) for i in inst.network_interface_ids)
            if e is not None]


def _has_elastic_ip(ctx: Ctx, eni: NetworkInterface) -> bool:
    return any(a.network_interface_id == eni.id and a.private_ip_address == eni.private_ip_address
               for a in ctx.world.all(Address))


@action
def terminate_instances(ctx: Ctx, *, instance_ids: Sequence[str]) -> list[Instance]:
    """TerminateInstances: interfaces created with the instance are deleted (their Elastic IPs
    disassociated), other attached interfaces are detached. A terminated instance stays visible
    in state ``terminated`` but no longer occupies its VPC."""
    result = []
    for inst in _instances(ctx, instance_ids):
        if inst.state == "terminated":
            result.append(inst)
            continue
        for eni in _interfaces(ctx, inst):
            if eni.delete_on_termination:
                release_public_ips(ctx, eni)
                ctx.world.remove(eni.id)
            else:
                detach(ctx, eni)
        current = ctx.world.get(inst.id, Instance) or inst
        release_volumes(ctx, current)
        result.append(ctx.world.put(replace(current, state="terminated", vpc_id="", subnet_id="",
                                            network_interface_ids=(), private_ip_address="",
                                            public_ip_address=None, ipv6_address=None, volume_ids=())))
    return result


@action
def stop_instances(ctx: Ctx, *, instance_ids: Sequence[str]) -> list[Instance]:
    """StopInstances: the public IPv4 address AWS assigned is released (an Elastic IP stays)."""
    result = []
    for inst in _instances(ctx, instance_ids):
        if inst.state in ("terminated", "shutting-down"):
            raise AwsError("IncorrectInstanceState",
                           f"The instance '{inst.id}' is not in a state from which it can be stopped.")
        for eni in _interfaces(ctx, inst):
            if eni.device_index == 0 and eni.public_ip and not _has_elastic_ip(ctx, eni):
                ctx.world.put(replace(eni, public_ip=None))
        current = ctx.world.get(inst.id, Instance) or inst
        public = next((e.public_ip for e in _interfaces(ctx, current) if e.device_index == 0), None)
        result.append(ctx.world.put(replace(current, state="stopped", public_ip_address=public)))
    return result


@action
def start_instances(ctx: Ctx, *, instance_ids: Sequence[str]) -> list[Instance]:
    """StartInstances: an instance launched with a public IPv4 address gets a new one."""
    result = []
    for inst in _instances(ctx, instance_ids):
        if inst.state in ("terminated", "shutting-down"):
            raise AwsError("IncorrectInstanceState",
                           f"The instance '{inst.id}' is not in a state from which it can be started.")
        if inst.state == "running":
            result.append(inst)
            continue
        for eni in _interfaces(ctx, inst):
            if eni.device_index == 0 and inst.associate_public_ip_address and not eni.public_ip:
                assign_public_ip(ctx, eni)
        current = ctx.world.get(inst.id, Instance) or inst
        public = next((e.public_ip for e in _interfaces(ctx, current) if e.device_index == 0), None)
        result.append(ctx.world.put(replace(current, state="running", public_ip_address=public)))
    return result


@action
def modify_instance_attribute(ctx: Ctx, *, instance_id: str, source_dest_check: bool) -> Instance:
    """ModifyInstanceAttribute (SourceDestCheck): the instance's flag is its primary interface's."""
    (inst,) = _instances(ctx, [instance_id])
    for eni in _interfaces(ctx, inst):
        if eni.device_index == 0:
            ctx.world.put(replace(eni, source_dest_check=source_dest_check))
    return ctx.world.put(replace(inst, source_dest_check=source_dest_check))
