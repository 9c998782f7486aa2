"""Network ACLs: stateless, ordered rules on subnets.

Besides the resource, this module holds the pure evaluation the reachability engine uses (no I/O,
no World): what a network ACL decides for a packet (AWS: "Control subnet traffic with network
access control lists", https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html —
"rules are evaluated starting with the lowest numbered rule … as soon as a rule matches traffic,
it's applied").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import TYPE_CHECKING, ClassVar

from ..core.protocols import protocol_of
from .base import Resource

if TYPE_CHECKING:
    pass

#: the rule number of the final catch-all ("*") entry of every network ACL
ACL_FINAL_RULE = 32767
#: the rule number of the IPv6 catch-all ("*") entry of an ACL in a VPC with an IPv6 block (AWS
#: "Amazon VPC quotas", rules per network ACL: "the default deny rules (rule number 32767 for IPv4 and
#: 32768 for IPv6, or an asterisk * in the Amazon VPC console)")
ACL_FINAL_RULE_IPV6 = 32768
#: what AWS shows for the catch-all entry's number
ACL_FINAL_RULE_LABEL = "*"


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkAclEntry:
    rule_number: int  # 1..32766; 32767 is the final "*" deny
    egress: bool
    protocol: str  # "-1" or a protocol number as a string ("6" tcp, "17" udp, "1" icmp)
    rule_action: str  # allow | deny
    #: exactly one of the IPv4 and the IPv6 CIDR is set
    cidr_block: str | None = None
    ipv6_cidr_block: str | None = None
    port_from: int | None = None
    port_to: int | None = None
    icmp_type: int | None = None
    icmp_code: int | None = None

    @property
    def cidr(self) -> str:
        """The entry's CIDR, of either family."""
        return self.cidr_block or self.ipv6_cidr_block or ""

    @property
    def is_ipv6(self) -> bool:
        return self.ipv6_cidr_block is not None

    @property
    def is_final(self) -> bool:
        """The catch-all entry AWS adds to every ACL (shown as ``*``); it cannot be changed."""
        return self.rule_number in (ACL_FINAL_RULE, ACL_FINAL_RULE_IPV6)

    def matches(self, protocol: str | int, port: int | None, ip: str | IPv4Address | IPv6Address,
                icmp_code: int | None = None) -> bool:
        """Whether this entry applies to a packet (``ip`` is the source inbound, the destination
        outbound); an entry of the other address family never does."""
        address = ip if isinstance(ip, (IPv4Address, IPv6Address)) else ip_address(str(ip))
        network = entry_network(self.cidr)
        if address.version != network.version or address not in network:
            return False
        have = protocol_of(self.protocol)
        if have.is_all:
            return True
        if have is not protocol_of(protocol):
            return False
        if have.has_ports:
            if self.port_from is None or self.port_to is None:
                return True
            if port is None:
                return self.port_from <= 0 and self.port_to >= 65535
            return self.port_from <= port <= self.port_to
        if have.is_icmp:  # icmp, and icmpv6 (an IPv4 icmpv6 entry has no type: all types)
            type_ok = self.icmp_type in (None, -1) or self.icmp_type == port
            code_ok = self.icmp_code in (None, -1) or self.icmp_code == icmp_code
            return type_ok and code_ok
        return True


@lru_cache(maxsize=4096)
def entry_network(cidr: str) -> IPv4Network | IPv6Network:
    """An entry's CIDR parsed (entries stamped from templates repeat theirs)."""
    return ip_network(cidr)


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkAclAssociation:
    network_acl_association_id: str
    network_acl_id: str
    subnet_id: str


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkAcl(Resource):
    KIND: ClassVar[str] = "network_acl"
    ID_PREFIX: ClassVar[str] = "acl"
    MALFORMED: ClassVar[str] = "InvalidNetworkAclId.Malformed"
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
