"""Security groups: stateful, allow-only rules on network interfaces.

Besides the resource, this module holds the pure evaluation the reachability engine uses (no I/O,
no World): whether one security group rule matches a protocol, port and address.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, ip_address, ip_network
from typing import TYPE_CHECKING, ClassVar

from ..core.protocols import protocol_of
from .base import Resource

if TYPE_CHECKING:
    from .world import World


@dataclass(frozen=True, kw_only=True, slots=True)
class SecurityGroupRule:
    """One ingress or egress rule. Exactly one of cidr_ipv4, cidr_ipv6, prefix_list_id, referenced_group_id.

    Ports: for tcp/udp the port range; for icmp ``from_port`` is the ICMP type and ``to_port``
    the ICMP code (-1 = all); for "-1" and other protocols both are -1 (all ports).
    """

    security_group_rule_id: str
    group_id: str
    is_egress: bool
    #: "-1" (all), "tcp", "udp", "icmp", "icmpv6" or another protocol number as a string
    ip_protocol: str
    from_port: int = -1
    to_port: int = -1
    cidr_ipv4: str | None = None
    cidr_ipv6: str | None = None
    prefix_list_id: str | None = None
    referenced_group_id: str | None = None
    referenced_group_owner_id: str | None = None
    #: the peer VPC of a group referenced across a VPC peering connection
    referenced_vpc_id: str | None = None
    referenced_vpc_peering_connection_id: str | None = None
    description: str | None = None

    @property
    def peer(self) -> str:
        """The rule's source (ingress) or destination (egress): a CIDR, a pl- or an sg- id."""
        return self.cidr_ipv4 or self.cidr_ipv6 or self.prefix_list_id or self.referenced_group_id or ""

    @property
    def key(self) -> tuple[bool, str, int, int, str]:
        """What makes two rules the same rule to AWS (the description does not)."""
        return (self.is_egress, self.ip_protocol, self.from_port, self.to_port, self.peer)


def sg_rule_matches(rule: SecurityGroupRule, protocol: str | int, port: int | None = None,
                    icmp_code: int | None = None) -> bool:
    """Whether ``rule`` admits traffic of this protocol and port (the peer is checked elsewhere).

    ``protocol`` is a name ("tcp") or number ("6"). ``port`` is the destination port for tcp/udp
    and the ICMP type for icmp (``icmp_code`` the ICMP code); None means "any" and only matches
    a rule that allows every port.
    """
    have = protocol_of(rule.ip_protocol)
    if have.is_all:
        return True
    if have is not protocol_of(protocol):
        return False
    if have.has_ports:
        if port is None:
            return rule.from_port <= 0 and rule.to_port >= 65535
        return rule.from_port <= port <= rule.to_port
    if have.is_icmp:
        type_ok = rule.from_port == -1 or (port is not None and rule.from_port == port)
        code_ok = rule.to_port == -1 or (icmp_code is not None and rule.to_port == icmp_code)
        return type_ok and code_ok
    return True  # other protocols: AWS allows all ports


def sg_rule_matches_cidr(rule: SecurityGroupRule, ip: str | IPv4Address | IPv6Address) -> bool:
    """Whether a CIDR rule's peer (of ``ip``'s family) contains ``ip`` (False for prefix-list and group
    rules, and for a rule of the other family)."""
    cidr = rule.cidr_ipv4 or rule.cidr_ipv6
    if cidr is None:
        return False
    address, network = ip_address(str(ip)), ip_network(cidr)
    return address.version == network.version and address in network


@dataclass(frozen=True, kw_only=True, slots=True)
class SecurityGroup(Resource):
    KIND: ClassVar[str] = "security_group"
    ID_PREFIX: ClassVar[str] = "sg"
    MALFORMED: ClassVar[str] = "InvalidGroupId.Malformed"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidGroup.NotFound",
                                            "The security group '{id}' does not exist")

    group_name: str
    description: str
    vpc_id: str
    ingress: tuple[SecurityGroupRule, ...] = ()
    egress: tuple[SecurityGroupRule, ...] = ()

    @property
    def group_id(self) -> str:
        return self.id

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        # a group shared through RAM is seen (and may be referenced) by the accounts it is shared with
        from .sharing import owner_or_shared

        return owner_or_shared(self, world, account_id, region)

    @property
    def is_default(self) -> bool:
        return self.group_name == "default"

    def rules(self, egress: bool) -> tuple[SecurityGroupRule, ...]:
        return self.egress if egress else self.ingress

    @property
    def all_rules(self) -> tuple[SecurityGroupRule, ...]:
        return self.ingress + self.egress
