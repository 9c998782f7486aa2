"""Elastic IP addresses: Allocate, Release, Associate, Disassociate, Describe."""

from __future__ import annotations

import ipaddress
from typing import Any

from ...core.errors import AwsError
from ...model.gateways import Address
from .. import shapes
from ..describe import Kind, select
from ..registry import Call, handler, mutating

ADDRESS_FILTERS = {
    "allocation-id": lambda w, a: a.id,
    "association-id": lambda w, a: a.association_id,
    "domain": lambda w, a: a.domain,
    "instance-id": lambda w, a: a.instance_id,
    "network-interface-id": lambda w, a: a.network_interface_id,
    "network-interface-owner-id": lambda w, a: a.network_interface_owner_id,
    "private-ip-address": lambda w, a: a.private_ip_address,
    "public-ip": lambda w, a: a.public_ip,
    "public-ipv4-pool": lambda w, a: "amazon",
    "network-border-group": lambda w, a: a.region,
}
ADDRESSES = Kind(Address, key="Addresses", ids="AllocationIds", shape=shapes.address, filters=ADDRESS_FILTERS)


def _allocated(call: Call, a: Address) -> dict[str, Any]:
    return {
        "AllocationId": a.id,
        "PublicIp": a.public_ip,
        "Domain": a.domain,
        "PublicIpv4Pool": "amazon",
        "NetworkBorderGroup": a.region,
    }


def _associated(call: Call, a: Address) -> dict[str, Any]:
    return {"AssociationId": a.association_id}


mutating("AllocateAddress", result=_allocated, tag_type=Address.RESOURCE_TYPE)
mutating("ReleaseAddress")
mutating("AssociateAddress", result=_associated)
mutating("DisassociateAddress")


def _is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


@handler("DescribeAddresses")
def describe_addresses(call: Call) -> dict[str, Any]:
    """By allocation id, by public IP (AWS: ``InvalidAddress.NotFound``), and by Filters."""
    items = select(call, ADDRESSES)
    ips = call.params.get("PublicIps")
    if ips:
        have = {a.public_ip for a in items}
        for ip in ips:
            if not _is_ipv4(ip):
                # "Error codes for the Amazon EC2 API": InvalidAddress.Malformed, "The specified IP
                # address is not valid" (the form xx.xx.xx.xx); the message is vpclab's
                raise AwsError("InvalidAddress.Malformed", f"Invalid IP address '{ip}'.")
            if ip not in have:
                raise AwsError("InvalidAddress.NotFound", f"Address '{ip}' not found.")
        items = [a for a in items if a.public_ip in set(ips)]
    return {"Addresses": [shapes.address(call.world, a) for a in items]}
