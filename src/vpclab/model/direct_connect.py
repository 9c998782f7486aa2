"""AWS Direct Connect: connections, virtual interfaces, Direct Connect gateways, their associations
with transit gateways and virtual private gateways, and cross-account association proposals.

Also the pure function the transit gateway's routes and the reachability engine read: which
on-premises networks a Direct Connect gateway learns over BGP from its transit virtual interfaces
(:func:`learned_cidrs`).

vpclab models no physical layer: a connection is ``available`` as soon as it is created (AWS's
go through ``requested`` / ``pending`` until the cross-connect is made) and a virtual interface's
BGP session is up unless a BGP failover test holds it down, or its customer advertises more
prefixes than the interface's allocation (AWS: the session goes idle).

**Lab knob** (DESIGN §2): the on-premises networks a customer router advertises over a virtual
interface's BGP session are the interface's ``vpclab:on-premises-cidrs`` tag (the same tag and
syntax as a customer gateway's, ``model.vpn.ON_PREMISES_CIDRS_TAG``): ``10.50.0.0/16, 192.168.10.0/24``.
Set it at creation (``newTransitVirtualInterface.tags``) or later with TagResource / UntagResource.

AWS docs: "Direct Connect gateways", "Transit gateway associations", "Allowed prefixes
interactions", "Direct Connect quotas" and "Inbound prefix controls"
(https://docs.aws.amazon.com/directconnect/latest/UserGuide/).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from .base import Resource
from .vpn import ON_PREMISES_CIDRS_TAG, validate_on_premises_tag

if TYPE_CHECKING:
    from .world import World

#: the default number of prefixes a virtual interface accepts from on premises, per address family
#: ("Inbound prefix controls": default allocation 100 per VIF; "Direct Connect quotas": routes per
#: BGP session from on-premises to AWS, 100 each for IPv4 and IPv6)
DEFAULT_PREFIX_ALLOCATION = 100
#: association states in which an association no longer exists
GONE_ASSOCIATION_STATES = frozenset({"disassociating", "disassociated"})


def _global_owner(res: Resource, account_id: str) -> bool:
    return res.owner_id == account_id


@dataclass(frozen=True, kw_only=True, slots=True)
class DirectConnectGateway(Resource):
    """A Direct Connect gateway: a global resource (seen by its owner from every Region);
    ``region`` is where it was created. Its id is a UUID, as AWS's are."""

    KIND: ClassVar[str] = "direct_connect_gateway"
    ID_PREFIX: ClassVar[str] = "dxgw"
    LABEL: ClassVar[str] = "Direct Connect gateway"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "DirectConnectClientException",
        "Direct Connect gateway {id} does not exist.",
    )

    direct_connect_gateway_name: str
    amazon_side_asn: int = 64512
    #: pending | available | deleting | deleted
    state: str = "available"
    create_time: datetime | None = None

    @property
    def arn(self) -> str:
        return f"arn:aws:directconnect::{self.owner_id}:dx-gateway/{self.id}"

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        return _global_owner(self, account_id)


@dataclass(frozen=True, kw_only=True, slots=True)
class DirectConnectGatewayAssociation(Resource):
    """A Direct Connect gateway's association with a transit gateway (``transitGateway``) or a
    virtual private gateway (``virtualPrivateGateway``). ``owner_id`` is the Direct Connect gateway
    owner's; ``region`` the associated gateway's. ``allowed_prefixes`` are what the Direct Connect
    gateway advertises to on premises for that gateway."""

    KIND: ClassVar[str] = "direct_connect_gateway_association"
    ID_PREFIX: ClassVar[str] = "dxgwassoc"
    LABEL: ClassVar[str] = "Direct Connect gateway association"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "DirectConnectClientException",
        "Direct Connect gateway association {id} does not exist.",
    )

    direct_connect_gateway_id: str
    associated_gateway_id: str
    #: transitGateway | virtualPrivateGateway
    associated_gateway_type: str
    associated_gateway_owner_account: str
    allowed_prefixes: tuple[str, ...] = ()
    #: associating | associated | disassociating | disassociated | updating
    association_state: str = "associated"
    #: the transit gateway attachment (resource type ``direct-connect-gateway``) of a TGW association
    transit_gateway_attachment_id: str | None = None

    @property
    def live(self) -> bool:
        return self.association_state not in GONE_ASSOCIATION_STATES

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        return account_id in (self.owner_id, self.associated_gateway_owner_account)


@dataclass(frozen=True, kw_only=True, slots=True)
class DirectConnectGatewayAssociationProposal(Resource):
    """A gateway owner's request to associate its transit gateway or virtual private gateway with
    another account's Direct Connect gateway. ``owner_id`` is the proposer (the gateway owner)."""

    KIND: ClassVar[str] = "direct_connect_gateway_association_proposal"
    ID_PREFIX: ClassVar[str] = "dxgwprop"
    LABEL: ClassVar[str] = "Direct Connect gateway association proposal"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "DirectConnectClientException",
        "Direct Connect gateway association proposal {id} does not exist.",
    )

    direct_connect_gateway_id: str
    direct_connect_gateway_owner_account: str
    associated_gateway_id: str
    associated_gateway_type: str
    requested_allowed_prefixes: tuple[str, ...] = ()
    existing_allowed_prefixes: tuple[str, ...] = ()
    #: requested | accepted | deleted
    proposal_state: str = "requested"

    def visible_to(self, world: World, account_id: str, region: str) -> bool:
        return account_id in (self.owner_id, self.direct_connect_gateway_owner_account)


@dataclass(frozen=True, kw_only=True, slots=True)
class DirectConnectConnection(Resource):
    """A dedicated Direct Connect connection at a Direct Connect location of a Region."""

    KIND: ClassVar[str] = "direct_connect_connection"
    ID_PREFIX: ClassVar[str] = "dxcon"
    LABEL: ClassVar[str] = "Direct Connect connection"
    NOT_FOUND: ClassVar[tuple[str, str]] = ("DirectConnectClientException", "Connection {id} does not exist.")

    connection_name: str
    location: str
    bandwidth: str
    #: ordering | requested | pending | available | down | deleting | deleted | rejected | unknown
    connection_state: str = "available"

    @property
    def arn(self) -> str:
        return f"arn:aws:directconnect:{self.region}:{self.owner_id}:dxcon/{self.id}"


@dataclass(frozen=True, kw_only=True, slots=True)
class VirtualInterface(Resource):
    """A private or transit virtual interface on a connection, attached to a Direct Connect
    gateway (or, private only, straight to a virtual private gateway)."""

    KIND: ClassVar[str] = "virtual_interface"
    ID_PREFIX: ClassVar[str] = "dxvif"
    LABEL: ClassVar[str] = "virtual interface"
    NOT_FOUND: ClassVar[tuple[str, str]] = (
        "DirectConnectClientException",
        "Virtual interface {id} does not exist.",
    )

    connection_id: str
    #: private | transit
    virtual_interface_type: str
    virtual_interface_name: str
    vlan: int
    asn: int
    amazon_side_asn: int
    location: str
    address_family: str = "ipv4"
    amazon_address: str | None = None
    customer_address: str | None = None
    mtu: int = 1500
    direct_connect_gateway_id: str | None = None
    virtual_gateway_id: str | None = None
    #: confirming | verifying | pending | available | down | deleting | deleted | rejected | unknown
    virtual_interface_state: str = "available"
    #: prefixes accepted from on premises per family (Inbound prefix controls; default 100)
    prefix_allocation: int = DEFAULT_PREFIX_ALLOCATION
    #: a BGP failover test (StartBgpFailoverTest) holds the session down
    bgp_failover_test: bool = False

    @property
    def arn(self) -> str:
        return f"arn:aws:directconnect:{self.region}:{self.owner_id}:dxvif/{self.id}"

    @property
    def advertised_cidrs(self) -> tuple[str, ...]:
        """What the customer router advertises over BGP (the lab tag), whatever AWS accepts."""
        return validate_on_premises_tag(self.tags.get(ON_PREMISES_CIDRS_TAG, ""))

    @property
    def bgp_status(self) -> str:
        """``up`` or ``down``: down while the interface is not available, during a failover test,
        or when the customer advertises more prefixes than the allocation (AWS: "the BGP session
        will go into an idle state with the BGP session DOWN")."""
        if self.virtual_interface_state != "available" or self.bgp_failover_test:
            return "down"
        return "down" if len(self.advertised_cidrs) > self.prefix_allocation else "up"


def learned_cidrs(world: World, direct_connect_gateway_id: str) -> tuple[str, ...]:
    """The on-premises networks a Direct Connect gateway learns over BGP from its transit virtual
    interfaces whose session is up (what a transit gateway association propagates), in order,
    without duplicates."""
    out: dict[str, None] = {}
    for vif in world.all(VirtualInterface):
        if (
            vif.direct_connect_gateway_id == direct_connect_gateway_id
            and vif.virtual_interface_type == "transit"
            and vif.bgp_status == "up"
        ):
            out.update(dict.fromkeys(vif.advertised_cidrs))
    return tuple(out)


def private_learned_cidrs(world: World, virtual_gateway_id: str) -> tuple[str, ...]:
    """The on-premises networks a virtual private gateway learns over Direct Connect: from private
    virtual interfaces attached to it, or to a Direct Connect gateway associated with it."""
    gateways = {
        a.direct_connect_gateway_id
        for a in world.all(DirectConnectGatewayAssociation)
        if a.associated_gateway_id == virtual_gateway_id and a.live
    }
    out: dict[str, None] = {}
    for vif in world.all(VirtualInterface):
        if vif.virtual_interface_type != "private" or vif.bgp_status != "up":
            continue
        if vif.virtual_gateway_id == virtual_gateway_id or vif.direct_connect_gateway_id in gateways:
            out.update(dict.fromkeys(vif.advertised_cidrs))
    return tuple(out)
