"""Elastic network interfaces: create, delete, describe, attach, detach, attributes, private IPs.

AWS: "Elastic network interfaces" (Amazon EC2 User Guide) and the EC2 API reference for each
action. Shapes are boto3's ``NetworkInterface`` (tags under ``TagSet``, as AWS names them there).
"""

from __future__ import annotations

import hashlib
from typing import Any

from ...core.errors import AwsError
from ...model.gateways import Address
from ...model.interfaces import Instance, NetworkInterface
from ...model.security_group import SecurityGroup
from ...model.world import World
from .. import shapes
from ..describe import Kind, describe_handler
from ..registry import Call, control_kwargs, handler, mutating

Shape = dict[str, Any]


def mac_address(eni_id: str) -> str:
    """A stable, locally administered MAC address per interface (vpclab does not model MACs; AWS
    shows one for every interface)."""
    digest = hashlib.sha256(eni_id.encode()).hexdigest()
    return "0e:" + ":".join(digest[i : i + 2] for i in range(0, 10, 2))


def private_dns_name(region: str, ip: str) -> str:
    """AWS's internal hostname: ``ip-10-0-1-5.ec2.internal`` in us-east-1, else
    ``ip-10-0-1-5.<region>.compute.internal`` ("Amazon EC2 instance hostname types")."""
    host = "ip-" + ip.replace(".", "-")
    return f"{host}.ec2.internal" if region == "us-east-1" else f"{host}.{region}.compute.internal"


def resource_dns_name(region: str, resource_id: str) -> str:
    """AWS's resource-name hostname (``i-0123….ec2.internal``), the only kind an instance in an
    IPv6-only subnet has ("Amazon EC2 instance hostname types")."""
    if region == "us-east-1":
        return f"{resource_id}.ec2.internal"
    return f"{resource_id}.{region}.compute.internal"


def without_ipv4(shape: Shape, has_ipv4: bool) -> Shape:
    """An interface or instance in an IPv6-only subnet has no private IPv4 address: AWS leaves
    PrivateIpAddress out, and the IPv4-based PrivateDnsName with it."""
    if not has_ipv4:
        shape.pop("PrivateIpAddress", None)
        shape.pop("PrivateDnsName", None)
    return shape


def groups(world: World, group_ids: tuple[str, ...]) -> list[Shape]:
    out = []
    for gid in group_ids:
        sg = world.get(gid, SecurityGroup)
        out.append({"GroupId": gid, "GroupName": sg.group_name if sg is not None else ""})
    return out


def elastic_ip(world: World, eni: NetworkInterface, private_ip: str) -> Address | None:
    return next(
        (
            a
            for a in world.all(Address)
            if a.network_interface_id == eni.id and a.private_ip_address == private_ip
        ),
        None,
    )


def association(world: World, eni: NetworkInterface, private_ip: str) -> Shape | None:
    """The public address of one private address: an Elastic IP, or (primary only) AWS's."""
    eip = elastic_ip(world, eni, private_ip)
    if eip is not None:
        return {
            "AllocationId": eip.id,
            "AssociationId": eip.association_id,
            "IpOwnerId": eip.owner_id,
            "PublicDnsName": "",
            "PublicIp": eip.public_ip,
        }
    if private_ip == eni.private_ip_address and eni.public_ip:
        return {"IpOwnerId": "amazon", "PublicDnsName": "", "PublicIp": eni.public_ip}
    return None


def private_ips(world: World, eni: NetworkInterface) -> list[Shape]:
    out = []
    for ip in eni.private_ip_addresses:
        item: Shape = {
            "Primary": ip == eni.private_ip_address,
            "PrivateDnsName": private_dns_name(eni.region, ip),
            "PrivateIpAddress": ip,
        }
        assoc = association(world, eni, ip)
        if assoc is not None:
            item["Association"] = assoc
        out.append(item)
    return out


def attachment(world: World, eni: NetworkInterface, *, with_instance: bool = True) -> Shape | None:
    if not eni.attachment_id:
        return None
    out: Shape = {
        "AttachmentId": eni.attachment_id,
        "DeleteOnTermination": eni.delete_on_termination,
        "DeviceIndex": eni.device_index,
        "NetworkCardIndex": 0,
        "Status": "attached",
    }
    if with_instance:
        inst = world.get(eni.instance_id, Instance) if eni.instance_id else None
        out["InstanceId"] = eni.instance_id
        out["InstanceOwnerId"] = inst.owner_id if inst is not None else eni.requester_id or eni.owner_id
    return out


def network_interface(world: World, eni: NetworkInterface) -> Shape:
    out: Shape = {}
    assoc = association(world, eni, eni.private_ip_address)
    if assoc is not None:
        out["Association"] = assoc
    att = attachment(world, eni)
    if att is not None:
        out["Attachment"] = att
    out.update(
        {
            "AvailabilityZone": eni.availability_zone,
            "Description": eni.description,
            "Groups": groups(world, eni.groups),
            "InterfaceType": eni.interface_type,
            "Ipv6Addresses": [
                {"Ipv6Address": a, "IsPrimaryIpv6": a == eni.primary_ipv6_address} for a in eni.ipv6_addresses
            ],
            "MacAddress": mac_address(eni.id),
            "NetworkInterfaceId": eni.id,
            "OwnerId": eni.owner_id,
            "PrivateDnsName": private_dns_name(eni.region, eni.private_ip_address),
            "PrivateIpAddress": eni.private_ip_address,
            "PrivateIpAddresses": private_ips(world, eni),
            "RequesterManaged": eni.requester_managed,
            "SourceDestCheck": eni.source_dest_check,
            "Status": eni.status,
            "SubnetId": eni.subnet_id,
            "TagSet": shapes.tags(eni),
            "VpcId": eni.vpc_id,
        }
    )
    if eni.requester_id:
        out["RequesterId"] = eni.requester_id
    if eni.ipv6_addresses:
        out["Ipv6Address"] = eni.primary_ipv6_address or eni.ipv6_addresses[0]
    return without_ipv4(out, eni.has_ipv4)


def _public_ips(world: World, eni: NetworkInterface) -> list[str]:
    return [a["Association"]["PublicIp"] for a in private_ips(world, eni) if "Association" in a]


def _eip(attr: str) -> Any:
    def get(world: World, eni: NetworkInterface) -> list[str]:
        return [getattr(a, attr) for a in world.all(Address) if a.network_interface_id == eni.id]

    return get


ENI_FILTERS = {
    "network-interface-id": lambda w, e: e.id,
    "subnet-id": lambda w, e: e.subnet_id,
    "vpc-id": lambda w, e: e.vpc_id,
    "availability-zone": lambda w, e: e.availability_zone,
    "description": lambda w, e: e.description,
    "private-ip-address": lambda w, e: e.private_ip_address,
    "private-dns-name": lambda w, e: private_dns_name(e.region, e.private_ip_address),
    "addresses.private-ip-address": lambda w, e: list(e.private_ip_addresses),
    "addresses.primary": lambda w, e: [ip == e.private_ip_address for ip in e.private_ip_addresses],
    "addresses.association.public-ip": _public_ips,
    "association.public-ip": lambda w, e: (association(w, e, e.private_ip_address) or {}).get("PublicIp"),
    "association.allocation-id": _eip("id"),
    "association.association-id": _eip("association_id"),
    "attachment.attachment-id": lambda w, e: e.attachment_id,
    "attachment.instance-id": lambda w, e: e.instance_id,
    "attachment.device-index": lambda w, e: e.device_index,
    "attachment.status": lambda w, e: "attached" if e.attachment_id else None,
    "attachment.delete-on-termination": lambda w, e: e.delete_on_termination if e.attachment_id else None,
    "group-id": lambda w, e: list(e.groups),
    "group-name": lambda w, e: [g["GroupName"] for g in groups(w, e.groups)],
    "interface-type": lambda w, e: e.interface_type,
    "mac-address": lambda w, e: mac_address(e.id),
    "requester-id": lambda w, e: e.requester_id,
    "requester-managed": lambda w, e: e.requester_managed,
    "source-dest-check": lambda w, e: e.source_dest_check,
    "status": lambda w, e: e.status,
    "ipv6-addresses.ipv6-address": lambda w, e: list(e.ipv6_addresses),
}

mutating(
    "CreateNetworkInterface",
    returns=network_interface,
    key="NetworkInterface",
    tag_type=NetworkInterface.RESOURCE_TYPE,
)
mutating("DeleteNetworkInterface")
describe_handler(
    "DescribeNetworkInterfaces",
    Kind(
        NetworkInterface,
        key="NetworkInterfaces",
        ids="NetworkInterfaceIds",
        shape=network_interface,
        filters=ENI_FILTERS,
    ),
)
mutating(
    "AttachNetworkInterface",
    result=lambda call, eni: {"AttachmentId": eni.attachment_id, "NetworkCardIndex": 0},
)
mutating("DetachNetworkInterface")
mutating("ModifyNetworkInterfaceAttribute")
mutating("UnassignPrivateIpAddresses")
mutating(
    "AssignIpv6Addresses",
    result=lambda call, out: {"NetworkInterfaceId": out[0].id, "AssignedIpv6Addresses": list(out[1])},
)
mutating(
    "UnassignIpv6Addresses",
    result=lambda call, out: {"NetworkInterfaceId": out[0].id, "UnassignedIpv6Addresses": list(out[1])},
)


@handler("AssignPrivateIpAddresses")
def assign_private_ip_addresses(call: Call) -> dict[str, Any]:
    name = "assign_private_ip_addresses"
    before = call.world.get(call.params.get("NetworkInterfaceId", ""), NetworkInterface)
    had = set(before.private_ip_addresses) if before is not None else set()
    eni = call.cp.call(name, control_kwargs(call, name))
    return {
        "NetworkInterfaceId": eni.id,
        "AssignedPrivateIpAddresses": [
            {"PrivateIpAddress": ip} for ip in eni.secondary_private_ip_addresses if ip not in had
        ],
    }


assign_private_ip_addresses.via = "ControlPlane.assign_private_ip_addresses"  # type: ignore[attr-defined]


@handler("DescribeNetworkInterfaceAttribute")
def describe_network_interface_attribute(call: Call) -> dict[str, Any]:
    eni = call.cp.ctx.require(NetworkInterface, call.params["NetworkInterfaceId"])
    attribute = call.params.get("Attribute")
    out: dict[str, Any] = {"NetworkInterfaceId": eni.id}
    if attribute == "description":
        out["Description"] = {"Value": eni.description}
    elif attribute == "groupSet":
        out["Groups"] = groups(call.world, eni.groups)
    elif attribute == "sourceDestCheck":
        out["SourceDestCheck"] = {"Value": eni.source_dest_check}
    elif attribute == "attachment":
        att = attachment(call.world, eni)
        if att is not None:
            out["Attachment"] = att
    elif attribute is None:
        # AWS: "Attribute … Required"; the model marks it optional, so the check is here
        raise AwsError("MissingParameter", "The request must contain the parameter Attribute")
    else:
        raise AwsError("UnsupportedOperation", f"The attribute {attribute} is not supported by vpclab.")
    return out
