"""Security groups (stateful, allow-only) and network ACLs (stateless, ordered).

Besides the resources, this module holds the pure evaluation functions the reachability engine
uses (no I/O, no World): whether one security group rule matches a protocol and port, and what a
network ACL decides for a packet (AWS: "Control subnet traffic with network access control lists",
https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html — "rules are evaluated
starting with the lowest numbered rule … as soon as a rule matches traffic, it's applied").
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING, ClassVar

from ..core.protocols import ICMP, Protocol
from .base import Resource

if TYPE_CHECKING:
    from .world import World

#: the rule number of the final catch-all ("*") entry of every network ACL
ACL_FINAL_RULE = 32767
#: what AWS shows for the catch-all entry's number
ACL_FINAL_RULE_LABEL = "*"


def protocol_number(protocol: str | int) -> str:
    """``"tcp"`` → ``"6"``, ``6`` → ``"6"``, ``"-1"`` → ``"-1"`` (all protocols)."""
    return Protocol(protocol).acl_protocol


@dataclass(frozen=True, kw_only=True, slots=True)
class SecurityGroupRule:
    """One ingress or egress rule. Exactly one of cidr_ipv4, prefix_list_id, referenced_group_id.

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
        return self.cidr_ipv4 or self.prefix_list_id or self.referenced_group_id or ""

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
    have = Protocol(rule.ip_protocol)
    if have.is_all:
        return True
    if have != Protocol(protocol):
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


def sg_rule_matches_cidr(rule: SecurityGroupRule, ip: str | IPv4Address) -> bool:
    """Whether a CIDR rule's peer contains ``ip`` (False for prefix-list and group rules)."""
    return rule.cidr_ipv4 is not None and IPv4Address(str(ip)) in IPv4Network(rule.cidr_ipv4)


@dataclass(frozen=True, kw_only=True, slots=True)
class SecurityGroup(Resource):
    KIND: ClassVar[str] = "security_group"
    ID_PREFIX: ClassVar[str] = "sg"
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

    @property
    def is_final(self) -> bool:
        """The catch-all entry AWS adds to every ACL (shown as ``*``); it cannot be changed."""
        return self.rule_number == ACL_FINAL_RULE

    def matches(self, protocol: str | int, port: int | None, ip: str | IPv4Address,
                icmp_code: int | None = None) -> bool:
        """Whether this entry applies to a packet (``ip`` is the source inbound, the destination outbound)."""
        if IPv4Address(str(ip)) not in IPv4Network(self.cidr_block):
            return False
        have = Protocol(self.protocol)
        if have.is_all:
            return True
        if have != Protocol(protocol):
            return False
        if have.has_ports:
            if self.port_from is None or self.port_to is None:
                return True
            if port is None:
                return self.port_from <= 0 and self.port_to >= 65535
            return self.port_from <= port <= self.port_to
        if have == ICMP:
            type_ok = self.icmp_type in (None, -1) or self.icmp_type == port
            code_ok = self.icmp_code in (None, -1) or self.icmp_code == icmp_code
            return type_ok and code_ok
        return True


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkAclAssociation:
    network_acl_association_id: str
    network_acl_id: str
    subnet_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkAcl(Resource):
    KIND: ClassVar[str] = "network_acl"
    ID_PREFIX: ClassVar[str] = "acl"
    LABEL: ClassVar[str] = "network ACL"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("InvalidNetworkAclID.NotFound",
                                            "The network ACL '{id}' does not exist")

    vpc_id: str
    is_default: bool = False
    entries: tuple[NetworkAclEntry, ...] = ()
    associations: tuple[NetworkAclAssociation, ...] = ()

    # Visible to its owner only (Resource.visible_to), like the VPC's route tables. AWS's VPC
    # sharing guide: "Participants cannot view, modify, or delete resources that belong to other
    # participants or the VPC owner" — so a participant's change is answered as for an ACL that
    # does not exist (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-sharing.html).

    def entries_for(self, egress: bool) -> tuple[NetworkAclEntry, ...]:
        """One direction's entries, lowest rule number first (the order AWS evaluates them)."""
        return tuple(sorted((e for e in self.entries if e.egress == egress), key=lambda e: e.rule_number))

    def entry(self, rule_number: int, egress: bool) -> NetworkAclEntry | None:
        return next((e for e in self.entries if e.rule_number == rule_number and e.egress == egress), None)


def acl_decision(acl: NetworkAcl, egress: bool, protocol: str | int, port: int | None,
                 ip: str | IPv4Address, icmp_code: int | None = None) -> tuple[str, int]:
    """What the ACL does with a packet: ``(rule_action, rule_number)`` of the first matching entry.

    Entries are evaluated lowest rule number first; the first match decides. ``ip`` is the
    packet's source for inbound traffic and its destination for outbound. If nothing matches
    (an ACL always ends with the ``*`` deny, so only a malformed ACL gets here) the packet is
    denied by rule 32767, as AWS's final rule would.
    """
    for entry in acl.entries_for(egress):
        if entry.matches(protocol, port, ip, icmp_code):
            return entry.rule_action, entry.rule_number
    return "deny", ACL_FINAL_RULE
