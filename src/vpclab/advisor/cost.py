"""Path-aware monthly cost: what the components cost to keep, and what each flow costs to carry.

Fixed charges come from the World (hours × price: transit gateway attachments, NAT gateways,
interface endpoints per Availability Zone, VPN connections, Direct Connect ports, public IPv4
addresses). Usage charges come from tracing each flow of a traffic file and charging the components
its forward path actually crosses (:func:`path_charges`); a flow that is blocked is reported as
blocked and costs nothing. Money is ``Decimal``; totals are rounded to the cent (half up) only when
shown.

AWS's pricing rules, each with the page that states it (docs/advisor.md lists them):

- Transit Gateway data processing is charged per GB sent *into* a transit gateway from a VPC,
  Direct Connect or VPN attachment, once per transit gateway crossed; not for data arriving from a
  peering attachment (https://aws.amazon.com/transit-gateway/pricing/).
- A peering attachment is billed on both transit gateways (each owner pays its side's hours).
- VPC peering: free within one Availability Zone; across AZs the in-Region transfer rate out of one
  AZ and into the other; across Regions the sending Region's inter-Region rate
  (https://aws.amazon.com/vpc/pricing/, https://aws.amazon.com/ec2/pricing/on-demand/).
- Within a VPC, traffic between AZs pays the same cross-AZ rate both ways.
- A NAT gateway charges processing on every GB, on top of any transit gateway processing
  (https://aws.amazon.com/vpc/pricing/).
- Interface endpoints charge per GB processed; gateway endpoints are free
  (https://aws.amazon.com/privatelink/pricing/).
- Data leaving AWS to the internet or over a Site-to-Site VPN pays data transfer out at the
  internet rate; over Direct Connect the Direct Connect rate; data in is free.

Where AWS's pricing pages are silent, vpclab says so and chooses: a hop through a transit gateway
carries no cross-AZ charge of its own (the pages price a transit gateway's traffic by processing
only); an interface endpoint is entered in the sender's AZ when it has a network interface there
(as zonal DNS names resolve), else in its first subnet's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from ..model.direct_connect import DirectConnectConnection
from ..model.endpoints import VpcEndpoint
from ..model.gateways import Address, NatGateway
from ..model.interfaces import Instance, NetworkInterface
from ..model.peering import VpcPeeringConnection
from ..model.subnet import Subnet
from ..model.transit_gateway import TransitGateway, TransitGatewayAttachment
from ..model.vpn import VpnConnection
from ..reach.errors import ReachError
from ..reach.result import Hop, Trace
from .prices import PriceError, PriceTable
from .traffic import TrafficFlow

if TYPE_CHECKING:
    from ..network.facade import Network

CENT = Decimal("0.01")
#: states in which AWS bills a resource's hours (it exists and is, or is becoming, usable)
_BILLED = frozenset(
    {
        "available",
        "pending",
        "modifying",
        "initiatingRequest",
        "pendingAcceptance",
        "pending-acceptance",
        "ordering",
        "requested",
        "down",
        "up",
    }
)
#: Direct Connect dedicated port speeds the price table names (bandwidth → price key suffix)
_PORTS = {"1Gbps": "1g", "10Gbps": "10g", "100Gbps": "100g", "400Gbps": "400g"}


def cents(value: Decimal) -> Decimal:
    """``value`` rounded to the cent, half up (as a bill shows it)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Charge:
    """One line of the bill: ``quantity`` units of ``price`` for ``component`` (exact dollars)."""

    kind: str  # "fixed" (hours) | "usage" (GB)
    component: str
    component_type: str
    name: str | None
    price: str
    region: str
    account: str
    vpc: str | None
    quantity: Decimal
    unit_usd: Decimal
    usd: Decimal
    why: str
    flow: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "component": self.component,
            "component_type": self.component_type,
            "name": self.name,
            "price": self.price,
            "region": self.region,
            "account": self.account,
            "vpc": self.vpc,
            "quantity": f"{self.quantity.normalize():f}",
            "unit_usd": str(self.unit_usd),
            "usd": str(cents(self.usd)),
            "why": self.why,
            "flow": self.flow,
        }


@dataclass(frozen=True)
class FlowCost:
    """One (source, destination) pair of a traffic flow: its volume, verdict and cost."""

    flow: str
    source: str
    destination: str
    gb: Decimal
    status: str  # "costed" | "blocked"
    usd: Decimal = Decimal(0)
    crosses: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flow,
            "source": self.source,
            "destination": self.destination,
            "gb": f"{self.gb.normalize():f}",
            "status": self.status,
            "usd": str(cents(self.usd)),
            "crosses": list(self.crosses),
            "codes": list(self.codes),
        }


@dataclass(frozen=True)
class CostReport:
    charges: tuple[Charge, ...]
    flows: tuple[FlowCost, ...] = ()
    hours_per_month: Decimal = Decimal(730)
    sources: tuple[str, ...] = field(default=())

    @property
    def fixed(self) -> Decimal:
        return sum((c.usd for c in self.charges if c.kind == "fixed"), Decimal(0))

    @property
    def usage(self) -> Decimal:
        return sum((c.usd for c in self.charges if c.kind == "usage"), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.fixed + self.usage

    @property
    def blocked(self) -> list[FlowCost]:
        return [f for f in self.flows if f.status == "blocked"]

    def by(self, key: Callable[[Charge], str | None]) -> dict[str, Decimal]:
        """Exact dollars per value of ``key`` (e.g. per account, per VPC), largest first."""
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for c in self.charges:
            sums[key(c) or "-"] += c.usd
        return dict(sorted(sums.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": "USD",
            "hours_per_month": str(self.hours_per_month),
            "prices": list(self.sources),
            "total": str(cents(self.total)),
            "fixed": str(cents(self.fixed)),
            "usage": str(cents(self.usage)),
            "charges": [c.to_dict() for c in self.charges],
            "flows": [f.to_dict() for f in self.flows],
        }


class _Bill:
    """Collects charges, pricing each from the table (a missing price is the table's error)."""

    def __init__(self, net: Network, table: PriceTable) -> None:
        self.net, self.table = net, table
        self.charges: list[Charge] = []

    def add(
        self,
        kind: str,
        res: Any,
        component_type: str,
        price: str,
        quantity: Decimal,
        why: str,
        *,
        vpc: str | None = None,
        region: str | None = None,
        account: str | None = None,
        flow: str | None = None,
    ) -> Decimal:
        region = region or res.region
        unit = self.table.get(price, region)
        if kind == "fixed":
            quantity = quantity * self.table.hours_per_month
        usd = unit * quantity
        rid = res.id if res is not None else "internet"
        self.charges.append(
            Charge(
                kind,
                rid,
                component_type,
                self.net.name(rid) if res is not None else None,
                price,
                region,
                account or (res.owner_id if res is not None else "-"),
                vpc if vpc is not None else getattr(res, "vpc_id", None),
                quantity,
                unit,
                usd,
                why,
                flow,
            )
        )
        return usd


# -- fixed: what the components cost to keep ------------------------------------------------------
def fixed_charges(net: Network, table: PriceTable) -> list[Charge]:
    """Hours × price for every component AWS bills by the hour, for a month."""
    w, bill = net.world, _Bill(net, table)
    one = Decimal(1)
    for att in w.all(TransitGatewayAttachment):
        if att.state not in _BILLED:
            continue
        vpc = att.resource_id if att.resource_type == "vpc" else None
        owner = att.resource_owner_id or att.owner_id
        bill.add(
            "fixed",
            att,
            "transit-gateway-attachment",
            "transit_gateway.attachment_hour",
            one,
            f"{att.resource_type} attachment",
            vpc=vpc,
            account=owner,
        )
        peer = w.get(att.peer_transit_gateway_id or "", TransitGateway)
        if att.resource_type == "peering" and peer is not None:
            bill.add(
                "fixed",
                att,
                "transit-gateway-attachment",
                "transit_gateway.attachment_hour",
                one,
                "peering attachment, the peer transit gateway's side",
                region=peer.region,
                account=peer.owner_id,
            )
    for nat in w.all(NatGateway):
        if nat.state in _BILLED:
            bill.add(
                "fixed", nat, "nat-gateway", "nat_gateway.hour", one, f"{nat.connectivity_type} NAT gateway"
            )
    for vpce in w.all(VpcEndpoint):
        if vpce.state.lower() not in {s.lower() for s in _BILLED}:
            continue
        if vpce.vpc_endpoint_type == "Interface":
            zones = _zones(net, vpce.subnet_ids)
            bill.add(
                "fixed",
                vpce,
                "vpc-endpoint",
                "vpc_endpoint.interface_az_hour",
                Decimal(len(zones)),
                f"interface endpoint in {len(zones)} AZ(s): {', '.join(zones)}",
            )
        elif vpce.vpc_endpoint_type == "GatewayLoadBalancer":
            bill.add(
                "fixed",
                vpce,
                "vpc-endpoint",
                "gateway_load_balancer_endpoint.hour",
                one,
                "Gateway Load Balancer endpoint",
            )
        else:
            bill.add(
                "fixed", vpce, "vpc-endpoint", "vpc_endpoint.gateway_hour", one, "gateway endpoint (free)"
            )
    for vpn in w.all(VpnConnection):
        if vpn.state in _BILLED:
            bill.add(
                "fixed",
                vpn,
                "vpn-connection",
                "site_to_site_vpn.connection_hour",
                one,
                "Site-to-Site VPN connection",
            )
    for dx in w.all(DirectConnectConnection):
        if dx.connection_state in _BILLED:
            speed = _PORTS.get(dx.bandwidth.replace(" ", ""), dx.bandwidth.lower())
            bill.add(
                "fixed",
                dx,
                "direct-connect-connection",
                f"direct_connect.port_hour_{speed}",
                one,
                f"dedicated {dx.bandwidth} port",
            )
    eips = set()
    for a in w.all(Address):
        eips.add(a.public_ip)
        bill.add(
            "fixed",
            a,
            "elastic-ip",
            "public_ipv4.address_hour",
            one,
            f"Elastic IP {a.public_ip}",
            vpc=_vpc_of_address(net, a),
        )
    for inst in w.all(Instance):
        if (
            inst.public_ip_address
            and inst.public_ip_address not in eips
            and inst.state not in ("terminated", "shutting-down", "stopped")
        ):
            bill.add(
                "fixed",
                inst,
                "instance",
                "public_ipv4.address_hour",
                one,
                f"auto-assigned public IPv4 {inst.public_ip_address}",
            )
    return bill.charges


def _vpc_of_address(net: Network, a: Address) -> str | None:
    eni = net.world.get(a.network_interface_id or "", NetworkInterface)
    return eni.vpc_id if eni is not None else None


def _zones(net: Network, subnet_ids: Iterable[str]) -> list[str]:
    found = [s.availability_zone for sid in subnet_ids if (s := net.world.get(sid, Subnet)) is not None]
    return sorted(set(found))


# -- usage: what a flow's path costs ---------------------------------------------------------------
def path_charges(net: Network, table: PriceTable, trace: Trace, gb: Decimal, flow: str) -> list[Charge]:
    """The charges for ``gb`` GB along ``trace``'s forward path (which must be reachable)."""
    return _Path(net, _Bill(net, table), gb, flow).walk(trace.forward_hops)


class _Path:
    def __init__(self, net: Network, bill: _Bill, gb: Decimal, flow: str) -> None:
        self.net, self.bill, self.gb, self.flow = net, bill, gb, flow
        #: where the data is: (AZ id, Region, the component) — None inside a transit gateway or off AWS
        self.at: tuple[str, str, Any] | None = None
        self.region: str | None = None

    def usage(
        self,
        res: Any,
        kind: str,
        price: str,
        why: str,
        *,
        region: str | None = None,
        vpc: str | None = None,
        account: str | None = None,
        quantity: Decimal | None = None,
    ) -> None:
        self.bill.add(
            "usage",
            res,
            kind,
            price,
            self.gb if quantity is None else quantity,
            why,
            region=region,
            vpc=vpc,
            account=account,
            flow=self.flow,
        )

    def walk(self, hops: Sequence[Hop]) -> list[Charge]:
        w = self.net.world
        inbound = bool(hops) and hops[0].component in (
            "customer-gateway",
            "virtual-interface",
            "internet-gateway",
        )
        for i, hop in enumerate(hops):
            res = w.get(hop.id)
            kind = hop.component
            if kind == "network-interface" and isinstance(res, NetworkInterface):
                self.arrive(res.subnet_id, res)
            elif kind == "nat-gateway" and isinstance(res, NatGateway):
                self.arrive(res.subnet_id, res)
                self.usage(res, kind, "nat_gateway.data_processed_gb", "NAT gateway processing")
            elif kind == "vpc-endpoint" and isinstance(res, VpcEndpoint):
                self.endpoint(res)
            elif kind == "transit-gateway" and isinstance(res, TransitGateway):
                self.transit_gateway(res, hops[i - 1] if i else None)
            elif kind == "transit-gateway-attachment" and isinstance(res, TransitGatewayAttachment):
                self.attachment_out(res, hops, i)
            elif kind == "vpc-peering-connection" and isinstance(res, VpcPeeringConnection):
                self.peering(res)
            elif kind == "internet-gateway" and not inbound and i == len(hops) - 1:
                self.leave(res, "data_transfer.internet_out_gb", "data transfer out to the internet")
            elif kind == "vpn-connection" and not inbound:
                self.leave(
                    res,
                    "data_transfer.internet_out_gb",
                    "data transfer out over Site-to-Site VPN (at the internet rate)",
                )
            elif kind == "virtual-interface" and not inbound:
                self.leave(
                    res,
                    "direct_connect.data_transfer_out_gb",
                    "data transfer out over Direct Connect",
                    region=self.region,
                )
        return self.bill.charges

    def arrive(self, subnet_id: str, res: Any) -> None:
        """The data is now in ``subnet_id``'s AZ: moving from another AZ of the Region costs both ways."""
        subnet = self.net.world.get(subnet_id, Subnet)
        if subnet is None:
            return
        here = (subnet.availability_zone_id, subnet.region, res)
        if self.at is not None and self.at[1] == here[1] and self.at[0] != here[0]:
            before = self.at[2]
            why = f"cross-AZ {self._name(before)} ({self.at[0]}) → {self._name(res)} ({here[0]})"
            self.usage(
                before,
                "data-transfer",
                "data_transfer.cross_az_gb",
                why + ": out",
                vpc=getattr(before, "vpc_id", None),
            )
            self.usage(
                res,
                "data-transfer",
                "data_transfer.cross_az_gb",
                why + ": in",
                vpc=getattr(res, "vpc_id", None),
            )
        self.at, self.region = here, subnet.region

    def endpoint(self, vpce: VpcEndpoint) -> None:
        if vpce.vpc_endpoint_type == "Gateway":
            self.usage(
                vpce, "vpc-endpoint", "vpc_endpoint.gateway_data_processed_gb", "gateway endpoint (free)"
            )
            self.at = None  # into the AWS service
            return
        subnets = [s for sid in vpce.subnet_ids if (s := self.net.world.get(sid, Subnet)) is not None]
        mine = [s for s in subnets if self.at is not None and s.availability_zone_id == self.at[0]]
        if mine or subnets:
            self.arrive((mine or subnets)[0].id, vpce)
        if vpce.vpc_endpoint_type == "GatewayLoadBalancer":
            self.usage(
                vpce,
                "vpc-endpoint",
                "gateway_load_balancer_endpoint.data_processed_gb",
                "Gateway Load Balancer endpoint processing",
            )
        else:
            self.usage(
                vpce,
                "vpc-endpoint",
                "vpc_endpoint.interface_data_processed_gb",
                "interface endpoint processing",
            )

    def transit_gateway(self, tgw: TransitGateway, before: Hop | None) -> None:
        att = self.net.world.get(before.id, TransitGatewayAttachment) if before is not None else None
        sender = att.resource_type if att is not None else "vpc"
        if att is not None and att.resource_type == "peering":
            self.usage(
                att,
                "transit-gateway-attachment",
                "transit_gateway.data_processed_from_peering_gb",
                f"into {self._name(tgw)} from a peering attachment (no processing charge)",
                region=tgw.region,
                vpc=None,
            )
        else:
            owner = (att.resource_owner_id or att.owner_id) if att is not None else tgw.owner_id
            vpc = att.resource_id if att is not None and att.resource_type == "vpc" else None
            self.usage(
                att if att is not None else tgw,
                "transit-gateway-attachment",
                "transit_gateway.data_processed_gb",
                f"into {self._name(tgw)} from a {sender} attachment",
                region=tgw.region,
                vpc=vpc,
                account=owner,
            )
        self.at, self.region = None, tgw.region

    def attachment_out(self, att: TransitGatewayAttachment, hops: Sequence[Hop], i: int) -> None:
        """A peering attachment leaving toward a transit gateway in another Region: the data leaves
        this Region (inter-Region transfer, charged by the sending Region)."""
        if att.resource_type != "peering" or i == 0 or hops[i - 1].component != "transit-gateway-route-table":
            return
        here = self.net.world.get(hops[i - 2].id, TransitGateway) if i >= 2 else None
        ids = {att.transit_gateway_id, att.peer_transit_gateway_id}
        there = next(
            (
                t
                for t in (self.net.world.get(x or "", TransitGateway) for x in ids)
                if t is not None and here is not None and t.id != here.id
            ),
            None,
        )
        if here is not None and there is not None and there.region != here.region:
            self.usage(
                att,
                "transit-gateway-attachment",
                "data_transfer.inter_region_gb",
                f"inter-Region {here.region} → {there.region} over {self._name(att)}",
                region=here.region,
                vpc=None,
                account=here.owner_id,
            )

    def peering(self, pcx: VpcPeeringConnection) -> None:
        if pcx.requester_region == pcx.accepter_region:
            if self.at is not None:
                self.usage(
                    pcx,
                    "vpc-peering-connection",
                    "vpc_peering.same_az_gb",
                    "VPC peering (free within one AZ; a cross-AZ hop is charged on arrival)",
                    region=pcx.requester_region,
                    vpc=None,
                )
            return
        sending = self.region or pcx.requester_region
        receiving = pcx.accepter_region if sending == pcx.requester_region else pcx.requester_region
        self.usage(
            pcx,
            "vpc-peering-connection",
            "data_transfer.inter_region_gb",
            f"inter-Region peering {sending} → {receiving}",
            region=sending,
            vpc=None,
        )
        self.at, self.region = None, receiving

    def leave(self, res: Any, price: str, why: str, *, region: str | None = None) -> None:
        if res is None:
            return
        self.usage(
            res,
            getattr(res, "KIND", "gateway").replace("_", "-"),
            price,
            why,
            region=region,
            vpc=getattr(res, "vpc_id", None),
        )
        self.at = None

    def _name(self, res: Any) -> str:
        return self.net.name(res.id) or res.id


# -- the whole report ------------------------------------------------------------------------------
def cost(net: Network, table: PriceTable, flows: Sequence[TrafficFlow] = ()) -> CostReport:
    """Fixed monthly charges plus every flow traced and charged along its path (PriceError when a
    component's Region or price is not in the table; IntentError when a flow names nothing)."""
    from ..core.source import Problem
    from ..network.api import label, trace
    from ..network.intents import IntentError, members
    from .traffic import TrafficError

    charges = fixed_charges(net, table)
    problems: list[Problem] = []
    plans = []
    for f in flows:
        intent = f.intent()
        srcs = members(net, intent, f.source, problems)
        dsts = members(net, intent, f.destination, problems)
        pairs = [(s, d) for s in srcs for d in dsts if s != d]
        if not pairs and not problems:
            problems.append(
                intent.problem(f"flow {f.title}: its sides have no pair of members to carry traffic")
            )
        plans.append((f, pairs))
    if problems:
        raise TrafficError(sorted(problems))
    results: list[FlowCost] = []
    cache: dict[tuple[str, str, str, int | None], Trace] = {}
    for f, pairs in plans:
        share = f.gb / len(pairs) if f.spread == "even" else f.gb
        for s, d in pairs:
            key = (s, d, f.protocol, f.port)
            try:
                t = (
                    cache[key]
                    if key in cache
                    else cache.setdefault(key, trace(net, s, d, protocol=f.protocol, port=f.port))
                )
            except ReachError as exc:
                raise IntentError([f.intent().problem(f"{label(net, s)} → {label(net, d)}: {exc}")]) from None
            if not t.reachable:
                results.append(
                    FlowCost(
                        f.title,
                        label(net, s),
                        label(net, d),
                        share,
                        "blocked",
                        codes=tuple(dict.fromkeys(e.code for e in t.explanations if e.blocking)),
                    )
                )
                continue
            mine = path_charges(net, table, t, share, f.title)
            charges.extend(mine)
            crossed = tuple(dict.fromkeys(_what(c) for c in mine if c.usd))
            results.append(
                FlowCost(
                    f.title,
                    label(net, s),
                    label(net, d),
                    share,
                    "costed",
                    sum((c.usd for c in mine), Decimal(0)),
                    crossed,
                )
            )
    return CostReport(tuple(charges), tuple(results), table.hours_per_month, tuple(table.sources))


def _what(c: Charge) -> str:
    return {
        "transit_gateway.data_processed_gb": "TGW",
        "nat_gateway.data_processed_gb": "NAT",
        "vpc_endpoint.interface_data_processed_gb": "interface endpoint",
        "gateway_load_balancer_endpoint.data_processed_gb": "GWLB endpoint",
        "data_transfer.cross_az_gb": "cross-AZ",
        "data_transfer.inter_region_gb": "inter-Region",
        "data_transfer.internet_out_gb": "data out",
        "direct_connect.data_transfer_out_gb": "Direct Connect out",
    }.get(c.price, c.price)


__all__ = ["Charge", "CostReport", "FlowCost", "PriceError", "cents", "cost", "fixed_charges", "path_charges"]
