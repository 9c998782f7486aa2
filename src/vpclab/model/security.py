"""Security groups (stateful, allow-only) and network ACLs (stateless, ordered)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import Resource


@dataclass(frozen=True, kw_only=True, slots=True)
class SecurityGroupRule:
    """One ingress or egress rule. Exactly one of cidr_ipv4, prefix_list_id, referenced_group_id."""

    security_group_rule_id: str
    group_id: str
    is_egress: bool
    #: "-1" (all), "tcp", "udp", "icmp" or a protocol number as a string
    ip_protocol: str
    from_port: int = -1
    to_port: int = -1
    cidr_ipv4: str | None = None
    prefix_list_id: str | None = None
    referenced_group_id: str | None = None
    referenced_group_owner_id: str | None = None
    #: the peer VPC of a group referenced across a VPC peering connection
    referenced_vpc_id: str | None = None
    referenced_vpc_peering_connection_id: str | None = None
    description: str | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class SecurityGroup(Resource):
    KIND: ClassVar[str] = "security_group"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidGroup.NotFound", "The security group '{id}' does not exist")

    group_name: str
    description: str
    vpc_id: str
    ingress: tuple[SecurityGroupRule, ...] = ()
    egress: tuple[SecurityGroupRule, ...] = ()

    @property
    def group_id(self) -> str:
        return self.id

    @property
    def is_default(self) -> bool:
        return self.group_name == "default"


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkAclEntry:
    rule_number: int  # 1..32766; 32767 is the final "*" deny
    egress: bool
    protocol: str  # "-1" or a protocol number as a string ("6" tcp, "17" udp, "1" icmp)
    rule_action: str  # allow | deny
    cidr_block: str
    port_from: int | None = None
    port_to: int | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkAclAssociation:
    network_acl_association_id: str
    network_acl_id: str
    subnet_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkAcl(Resource):
    KIND: ClassVar[str] = "network_acl"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidNetworkAclID.NotFound", "The network ACL '{id}' does not exist")

    vpc_id: str
    is_default: bool = False
    entries: tuple[NetworkAclEntry, ...] = ()
    associations: tuple[NetworkAclAssociation, ...] = ()
