"""Elastic network interfaces and the instances they are attached to.

An interface in an IPv6-only subnet has no private IPv4 address: its ``private_ip_address`` is
``""`` (as an Instance's is once it has no interface), and ``private_ip_addresses`` is empty. The
empty string, rather than ``None``, keeps the field a ``str`` for the many readers that show or
compare it; the readers that turn it into an address check ``has_ipv4`` first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from .base import Resource

if TYPE_CHECKING:
    from .world import World


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkInterface(Resource):
    KIND: ClassVar[str] = "network_interface"
    ID_PREFIX: ClassVar[str] = "eni"
    MALFORMED: ClassVar[str] = "InvalidNetworkInterfaceId.Malformed"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '{id}' does not exist")

    vpc_id: str
    subnet_id: str
    availability_zone: str
    private_ip_address: str
    #: secondary private IPs (the primary is private_ip_address)
    secondary_private_ip_addresses: tuple[str, ...] = ()
    #: IPv6 addresses from the subnet's /64, in assignment order
    ipv6_addresses: tuple[str, ...] = ()
    #: the address AWS marks IsPrimaryIpv6 (EnablePrimaryIpv6), one of ipv6_addresses, or None
    primary_ipv6_address: str | None = None
    groups: tuple[str, ...] = ()  # security group ids
    source_dest_check: bool = True
    #: interface | nat_gateway | vpc_endpoint | transit_gateway | network_load_balancer | …
    interface_type: str = "interface"
    description: str = ""
    #: in-use when attached, else available
    status: str = "available"
    attachment_id: str | None = None
    instance_id: str | None = None
    device_index: int | None = None
    #: a public IPv4 address (auto-assigned, or an Elastic IP association)
    public_ip: str | None = None
    #: who manages it, for interfaces AWS creates (NAT gateway, endpoint, TGW attachment, …)
    requester_id: str | None = None
    requester_managed: bool = False
    #: whether the interface is deleted when the instance it is attached to terminates
    delete_on_termination: bool = False

    @property
    def private_ip_addresses(self) -> tuple[str, ...]:
        if not self.private_ip_address:  # an interface in an IPv6-only subnet
            return self.secondary_private_ip_addresses
        return (self.private_ip_address, *self.secondary_private_ip_addresses)

    @property
    def has_ipv4(self) -> bool:
        """Whether it has a private IPv4 address (not in an IPv6-only subnet)."""
        return bool(self.private_ip_address)

    @property
    def network_interface_id(self) -> str:
        return self.id

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        # AWS ("Responsibilities and permissions for owners and participants"): the owner of a
        # shared VPC sees every interface in its subnets, participants see only their own.
        if self.region != region:
            return False
        if self.owner_id == account_id:
            return True
        from .subnet import Subnet

        subnet = world.get(self.subnet_id, Subnet)
        return subnet is not None and subnet.owner_id == account_id


@dataclass(frozen=True, kw_only=True, slots=True)
class Instance(Resource):
    KIND: ClassVar[str] = "instance"
    INDEX_BY: ClassVar[tuple[str, ...]] = ("state",)
    ID_PREFIX: ClassVar[str] = "i"
    MALFORMED: ClassVar[str] = "InvalidInstanceID.Malformed"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidInstanceID.NotFound",
                                            "The instance ID '{id}' does not exist")

    vpc_id: str
    subnet_id: str
    image_id: str
    instance_type: str = "t3.micro"
    #: pending | running | shutting-down | terminated | stopping | stopped
    state: str = "running"
    network_interface_ids: tuple[str, ...] = ()
    private_ip_address: str = ""
    #: the instance's IPv6 address (its primary interface's first, DescribeInstances ``Ipv6Address``)
    ipv6_address: str | None = None
    public_ip_address: str | None = None
    source_dest_check: bool = True
    reservation_id: str = ""
    availability_zone: str = ""
    architecture: str = "x86_64"
    #: "windows" for Windows instances, else None
    platform: str | None = None
    #: whether the primary interface gets an AWS public IPv4 address (again after each start)
    associate_public_ip_address: bool = False
    launch_time: str = ""
    ami_launch_index: int = 0
    #: the key pair named at launch (vpclab keeps the name; it models no key pairs)
    key_name: str | None = None
    #: its root device (the image's) and the EBS volumes attached to it, root first
    root_device_name: str = "/dev/xvda"
    volume_ids: tuple[str, ...] = ()

    @property
    def instance_id(self) -> str:
        return self.id
